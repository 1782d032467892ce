import type { FormDefinition } from '@linli/shared';
import { describe, expect, it } from 'vitest';
import {
  cleanDefinition,
  compatibleTargets,
  conditionSources,
  isLocalHost,
  newField,
  problemCountUnder,
  problemsByPath,
  publicFormUrl,
  remapField,
  retypeField,
  tagOptions,
} from './formRules';
import { clampLines, posterFileName, wrapText } from './poster';

const definition: FormDefinition = {
  sections: [
    {
      title: '基本信息',
      fields: [
        { key: 'name', type: 'text', label: '姓名', maps: 'resident.name' },
        { key: 'pets', type: 'yes_no', label: '是否养宠物' },
        {
          key: 'shift',
          type: 'single',
          label: '班次',
          options: [
            { value: 'am', label: '上午', capacity: 5 },
            { value: 'pm', label: '下午' },
          ],
        },
      ],
    },
    { title: '', fields: [{ key: 'note', type: 'textarea', label: '备注' }] },
  ],
};

describe('cleanDefinition', () => {
  it('drops blanks and what the type does not use, keeps empty options of a choice field', () => {
    const cleaned = cleanDefinition({
      sections: [
        {
          title: ' A ',
          description: '  ',
          fields: [
            {
              key: 'age',
              type: 'number',
              label: ' 年龄 ',
              labelEn: '',
              min: 0,
              max: 120,
              unit: '岁',
              help: '',
            },
            {
              key: 'name',
              type: 'text',
              label: '姓名',
              sensitive: true,
              min: 3,
              unit: 'x',
              options: [{ value: 'a', label: 'A' }],
            },
            { key: 'pick', type: 'multi', label: '多选' },
            { key: 'tel', type: 'phone', label: '电话', sensitive: true },
            {
              key: 'c',
              type: 'text',
              label: 'c',
              showIf: { field: 'pick', op: 'includes', value: undefined },
            },
          ],
        },
      ],
    });
    expect(cleaned.sections[0]).toEqual({
      title: 'A',
      fields: [
        { key: 'age', type: 'number', label: '年龄', min: 0, max: 120, unit: '岁' },
        { key: 'name', type: 'text', label: '姓名', sensitive: true },
        { key: 'pick', type: 'multi', label: '多选', options: [] },
        { key: 'tel', type: 'phone', label: '电话' },
        { key: 'c', type: 'text', label: 'c', showIf: { field: 'pick', op: 'includes', value: '' } },
      ],
    });
  });

  it('keeps the English texts given, trimmed, and drops blank ones', () => {
    const cleaned = cleanDefinition({
      sections: [
        {
          title: '基本信息',
          titleEn: ' About you ',
          description: '请如实填写',
          descriptionEn: ' ',
          fields: [{ key: 'name', type: 'text', label: '姓名', help: '同证件', helpEn: 'As on your ID ' }],
        },
      ],
    });
    expect(cleaned.sections[0]).toEqual({
      title: '基本信息',
      titleEn: 'About you',
      description: '请如实填写',
      fields: [{ key: 'name', type: 'text', label: '姓名', help: '同证件', helpEn: 'As on your ID' }],
    });
  });

  it('keeps a field’s own message trimmed, and none where it could never show (text block, consent)', () => {
    const cleaned = cleanDefinition({
      sections: [
        {
          title: '基本信息',
          fields: [
            { key: 'phone', type: 'phone', label: '手机', message: ' 请填写本人手机号 ', messageEn: '' },
            { key: 'note', type: 'info', label: '说明', message: '不会显示' },
            { key: 'ok', type: 'consent', label: '同意', message: '也不会显示' },
          ],
        },
      ],
    });
    expect(cleaned.sections[0]!.fields).toEqual([
      { key: 'phone', type: 'phone', label: '手机', message: '请填写本人手机号' },
      { key: 'note', type: 'info', label: '说明' },
      { key: 'ok', type: 'consent', label: '同意' },
    ]);
  });

  it('reads an empty or missing value as a definition without sections', () => {
    expect(cleanDefinition(undefined)).toEqual({ sections: [] });
  });
});

describe('problemsByPath', () => {
  it('names the builder input of each shared problem', () => {
    const broken = cleanDefinition({
      sections: [
        {
          title: '',
          fields: [
            ...definition.sections[0]!.fields,
            { key: 'name', type: 'text', label: '重复' },
            { key: 'who', type: 'text', label: '条件', showIf: { field: 'pets', op: 'equals', value: '' } },
          ],
        },
      ],
    });
    const problems = problemsByPath(broken, ['draft']);
    expect(problems.get('draft.sections.0.fields.3.key')).toEqual(['duplicate_key']);
    expect(problems.get('draft.sections.0.fields.4.showIf.value')).toEqual(['show_if_value']);
    expect(problemCountUnder(problems, ['draft', 'sections', 0, 'fields', 4])).toBe(1);
    expect(problemCountUnder(problems, ['draft', 'sections', 0, 'fields', 0])).toBe(0);
    expect(problemsByPath(definition, ['draft']).size).toBe(0);
  });
});

describe('tag questions', () => {
  it('take their options from the catalogue: tag codes as values, the catalogue’s labels, no sensitive tag', () => {
    expect(tagOptions(['volunteer', 'living_alone', 'volunteer', 'subsistence', 'aged_80', 'x'])).toEqual([
      { value: 'volunteer', label: '志愿者', labelEn: 'Volunteer' },
      { value: 'living_alone', label: '独居', labelEn: 'Living alone' },
    ]);
  });

  it('keep only catalogue tags when a question is turned to feed the tags, and keep options when it is turned away', () => {
    const asked = {
      key: 'situation',
      type: 'multi' as const,
      label: '情况',
      options: [
        { value: 'empty_nest', label: '子女不在身边', capacity: 3 },
        { value: 'low_income', label: '低收入' },
        { value: 'other', label: '其他' },
      ],
    };
    const mapped = remapField(asked, 'resident.tags');
    expect(mapped).toEqual({
      key: 'situation',
      type: 'multi',
      label: '情况',
      maps: 'resident.tags',
      options: [{ value: 'empty_nest', label: '空巢', labelEn: 'Empty nest' }],
    });
    const unmapped = remapField(mapped, undefined);
    expect(unmapped).not.toHaveProperty('maps');
    expect(unmapped.options).toEqual(mapped.options);
    expect(remapField(asked, 'resident.sex')).toEqual({ ...asked, maps: 'resident.sex' });
  });

  it('show an option that is no tag a form may add on the options of its question', () => {
    const tagged = cleanDefinition({
      sections: [
        {
          title: '',
          fields: [
            {
              key: 'situation',
              type: 'single',
              label: '情况',
              maps: 'resident.tags',
              options: [
                { value: 'living_alone', label: '独居' },
                { value: 'disability', label: '残疾' },
              ],
            },
          ],
        },
      ],
    });
    const problems = problemsByPath(tagged, ['draft']);
    expect(problems.get('draft.sections.0.fields.0.options')).toEqual(['maps_tag_option']);
    tagged.sections[0]!.fields[0]!.options = tagOptions(['living_alone']);
    expect(problemsByPath(tagged, ['draft']).size).toBe(0);
  });
});

describe('conditionSources', () => {
  it('offers earlier choice and yes/no fields only', () => {
    expect(conditionSources(definition, 1, 0).map((s) => s.key)).toEqual(['pets', 'shift']);
    expect(conditionSources(definition, 0, 2).map((s) => s.key)).toEqual(['pets']);
    expect(conditionSources(definition, 0, 0)).toEqual([]);
  });
});

describe('fields', () => {
  it('gives a new field an unused key, and a choice field its options list', () => {
    expect(newField(definition, 'text', '新题目')).toEqual({ key: 'text_1', type: 'text', label: '新题目' });
    const withOne = cleanDefinition({
      sections: [{ title: '', fields: [{ key: 'single_1', type: 'single', label: 'x' }] }],
    });
    expect(newField(withOne, 'single', 'y')).toEqual({
      key: 'single_2',
      type: 'single',
      label: 'y',
      options: [],
    });
  });

  it('keeps only compatible register targets when the type changes', () => {
    expect(compatibleTargets('phone')).toEqual(['resident.phone', 'resident.emergencyContactPhone']);
    expect(compatibleTargets('info')).toEqual([]);
    const retyped = retypeField(
      { key: 'name', type: 'text', label: '姓名', maps: 'resident.name', max: 20 },
      'phone',
    );
    expect(retyped).toEqual({ key: 'name', type: 'phone', label: '姓名' });
    const toChoice = retypeField({ key: 'k', type: 'text', label: 'k' }, 'single');
    expect(toChoice.options).toEqual([]);
    const fromChoice = retypeField(definition.sections[0]!.fields[2]!, 'text');
    expect(fromChoice.options).toBeUndefined();
  });
});

describe('publicFormUrl', () => {
  const form = { publicUrl: null, publicPath: '/f/abc123' };
  it('adds the building for a per-building poster', () => {
    expect(publicFormUrl(form, 'https://x.cn/')).toBe('https://x.cn/f/abc123');
    expect(publicFormUrl(form, 'https://x.cn', 'b-1')).toBe('https://x.cn/f/abc123?b=b-1');
  });
  it('prefers the address the deployment names over the console’s own', () => {
    const named = { ...form, publicUrl: 'https://linli.example.cn/f/abc123' };
    expect(publicFormUrl(named, 'http://10.0.3.7:3000')).toBe('https://linli.example.cn/f/abc123');
    expect(publicFormUrl(named, 'http://10.0.3.7:3000', 'b-1')).toBe(
      'https://linli.example.cn/f/abc123?b=b-1',
    );
  });
});

describe('isLocalHost', () => {
  it('knows addresses a phone on mobile data cannot reach', () => {
    for (const host of [
      'localhost',
      '127.0.0.1',
      '10.12.0.5',
      '192.168.1.20',
      '172.16.0.1',
      '172.31.255.1',
      '100.64.0.9',
      '[::1]',
      'fd12::1',
      'linli-server',
      'linli.local',
      'jwh.internal',
    ]) {
      expect(isLocalHost(host), host).toBe(true);
    }
  });
  it('lets public names and addresses through', () => {
    for (const host of [
      'linli.example.cn',
      '172.32.0.1',
      '8.8.8.8',
      '100.128.0.1',
      '[2408:8000::1]',
      'jd.gov.cn',
    ]) {
      expect(isLocalHost(host), host).toBe(false);
    }
  });
});

describe('poster text', () => {
  // One unit per character: easy to reason about.
  const measure = (s: string) => [...s].length;

  it('breaks Chinese anywhere and keeps English words whole', () => {
    expect(wrapText('新入住居民登记表', measure, 3)).toEqual(['新入住', '居民登', '记表']);
    expect(wrapText('Scan with your phone', measure, 10)).toEqual(['Scan with', 'your phone']);
    expect(wrapText('请扫码 Scan now', measure, 5)).toEqual(['请扫码', 'Scan', 'now']);
  });

  it('cuts a word longer than a line', () => {
    expect(wrapText('https://example.cn/f/abc', measure, 10)).toEqual(['https://ex', 'ample.cn/f', '/abc']);
  });

  it('clamps to a number of lines with an ellipsis', () => {
    expect(clampLines(['一二三', '四五六', '七八'], 2)).toEqual(['一二三', '四五…']);
    expect(clampLines(['一'], 2)).toEqual(['一']);
  });

  it('names the file after the form and the building', () => {
    expect(posterFileName('新入住居民登记', '梅园一村 5号楼', 'png')).toBe(
      '新入住居民登记_梅园一村_5号楼_poster.png',
    );
    expect(posterFileName('a/b', null, 'pdf')).toBe('a_b_poster.pdf');
  });
});
