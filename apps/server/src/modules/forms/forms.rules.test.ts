import {
  definitionProblems,
  type FormDefinition,
  FormDefinitionSchema,
  isFormTagCode,
  PrivacyNotice,
} from '@linli/shared';
import { describe, expect, it } from 'vitest';
import {
  capacitiesOf,
  deriveFromAnswers,
  dwellingShortLabel,
  formatReference,
  fullChoice,
  limitEnforceable,
  newReference,
  newSlug,
  normaliseReference,
  publicState,
  remainingOf,
  stableStringify,
  unknownTagOption,
} from './forms.rules';
import { formTemplates } from './forms.templates';

const chain: FormDefinition = {
  sections: [
    {
      title: '',
      fields: [
        { key: 'name', type: 'text', label: '姓名', maps: 'resident.name' },
        {
          key: 'shift',
          type: 'single',
          label: '班次',
          required: true,
          options: [
            { value: 'am', label: '上午', capacity: 2 },
            { value: 'pm', label: '下午', capacity: 1 },
          ],
        },
        {
          key: 'extras',
          type: 'multi',
          label: '其他',
          options: [
            { value: 'x', label: 'X', capacity: 1 },
            { value: 'y', label: 'Y' },
          ],
        },
      ],
    },
  ],
};

describe('references', () => {
  it('are 10 Crockford characters, shown in two groups, read back however typed', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const r = newReference();
      expect(r).toMatch(/^[0-9A-HJKMNP-TV-Z]{10}$/);
      seen.add(r);
      expect(normaliseReference(formatReference(r))).toBe(r);
      expect(normaliseReference(` ${r.slice(0, 3).toLowerCase()} ${r.slice(3)} `)).toBe(r);
    }
    expect(seen.size).toBe(2000);
    expect(normaliseReference('oo1il-23456')).toBe('00111' + '23456');
    expect(normaliseReference('ａｂｃｄｅ－１２３４５')).toBe('ABCDE12345');
    expect(normaliseReference('ABCDE')).toBeNull();
    expect(normaliseReference('ABCDE-FGHJU')).toBeNull();
    expect(formatReference('ABCDEFGHJK')).toBe('ABCDE-FGHJK');
  });

  it('slugs are lower-case and random', () => {
    const s = newSlug();
    expect(s).toMatch(/^[a-z2-9]{10}$/);
    expect(newSlug()).not.toBe(s);
  });
});

describe('stableStringify', () => {
  it('ignores key order and undefined values', () => {
    expect(stableStringify({ b: 1, a: [{ d: 2, c: 3 }], u: undefined })).toBe(
      stableStringify({ a: [{ c: 3, d: 2 }], b: 1 }),
    );
    expect(stableStringify({ a: 1 })).not.toBe(stableStringify({ a: '1' }));
  });
});

describe('capacity', () => {
  it('counts places left per option and finds the full choice', () => {
    expect(capacitiesOf(chain)).toEqual({ shift: { am: 2, pm: 1 }, extras: { x: 1 } });
    expect(remainingOf(chain, { shift: { am: 1, pm: 3 } })).toEqual({
      shift: { am: 1, pm: 0 },
      extras: { x: 1 },
    });
    expect(fullChoice(chain, { shift: 'am' }, { shift: { am: 1 } })).toBeNull();
    expect(fullChoice(chain, { shift: 'pm' }, { shift: { pm: 1 } })).toEqual({
      field: 'shift',
      option: 'pm',
    });
    expect(fullChoice(chain, { shift: 'am', extras: ['y', 'x'] }, { extras: { x: 1 } })).toEqual({
      field: 'extras',
      option: 'x',
    });
  });

  it('states: not_open before opening, closed after closing or when closed, full when a required choice is exhausted', () => {
    const now = new Date('2026-05-01T08:00:00Z');
    const base = { status: 'published', opensAt: null, closesAt: null };
    expect(publicState(base, chain, {}, now)).toBe('open');
    expect(publicState({ ...base, opensAt: new Date('2026-05-01T09:00:00Z') }, chain, {}, now)).toBe(
      'not_open',
    );
    expect(publicState({ ...base, closesAt: now }, chain, {}, now)).toBe('closed');
    expect(publicState({ ...base, status: 'closed' }, chain, {}, now)).toBe('closed');
    expect(publicState(base, chain, { shift: { am: 2, pm: 0 } }, now)).toBe('open');
    expect(publicState(base, chain, { shift: { am: 2, pm: 1 } }, now)).toBe('full');
    // An optional field running out does not make the form full.
    expect(publicState(base, chain, { extras: { x: 1 } }, now)).toBe('open');
  });
});

describe('deriveFromAnswers', () => {
  it('picks name, phone, ID and address by their register targets, else by type', () => {
    const def: FormDefinition = {
      sections: [
        {
          title: '',
          fields: [
            { key: 'who', type: 'text', label: '姓名', maps: 'resident.name' },
            { key: 'tel', type: 'phone', label: '电话' },
            { key: 'sfz', type: 'id_number', label: '身份证' },
            { key: 'home', type: 'address', label: '住址' },
            { key: 'shift', type: 'single', label: '班次', options: [{ value: 'am', label: '上午' }] },
          ],
        },
      ],
    };
    const d = deriveFromAnswers(
      def,
      {
        who: '欧阳小明',
        tel: '13800138000',
        sfz: '11010519491231002X',
        home: { dwellingId: 'd1' },
        shift: 'am',
      },
      '梅园 5号楼',
    );
    expect(d).toEqual({
      summary: { maskedName: '欧**明', place: '梅园 5号楼', choices: { shift: ['am'] } },
      name: '欧阳小明',
      phone: '13800138000',
      idNumber: '11010519491231002X',
      dwellingId: 'd1',
    });
  });

  it('never takes a conditional field for the person answering, and keeps sensitive choices out of the summary', () => {
    const def: FormDefinition = {
      sections: [
        {
          title: '',
          fields: [
            { key: 'name', type: 'text', label: '姓名' },
            {
              key: 'change',
              type: 'multi',
              label: '变化',
              options: [{ value: 'new_member', label: '新成员' }],
            },
            {
              key: 'member_id',
              type: 'id_number',
              label: '新成员身份证',
              showIf: { field: 'change', op: 'includes', value: 'new_member' },
            },
            {
              key: 'symptoms',
              type: 'multi',
              label: '症状',
              sensitive: true,
              options: [{ value: 'fever', label: '发热' }],
            },
          ],
        },
      ],
    };
    const d = deriveFromAnswers(
      def,
      { name: '王芳', change: ['new_member'], member_id: '11010519491231002X', symptoms: ['fever'] },
      null,
    );
    expect(d.idNumber).toBeNull();
    expect(d.summary).toEqual({ maskedName: '王*', choices: { change: ['new_member'] } });
  });
});

describe('limits', () => {
  it('need a required, always-shown phone or address question', () => {
    const def = (required: boolean, showIf?: boolean): FormDefinition => ({
      sections: [
        {
          title: '',
          fields: [
            { key: 'ok', type: 'yes_no', label: '是否' },
            {
              key: 'tel',
              type: 'phone',
              label: '电话',
              required,
              ...(showIf && { showIf: { field: 'ok', op: 'equals' as const, value: 'true' } }),
            },
          ],
        },
      ],
    });
    expect(limitEnforceable(def(true), 'per_phone')).toBe(true);
    expect(limitEnforceable(def(false), 'per_phone')).toBe(false);
    expect(limitEnforceable(def(true, true), 'per_phone')).toBe(false);
    expect(limitEnforceable(def(true), 'per_dwelling')).toBe(false);
    expect(limitEnforceable(def(false), 'none')).toBe(true);
  });
});

describe('tag questions', () => {
  const withTags = (values: string[], maps: 'resident.tags' | null = 'resident.tags'): FormDefinition => ({
    sections: [
      { title: '', fields: [{ key: 'name', type: 'text', label: '姓名', maps: 'resident.name' }] },
      {
        title: '',
        fields: [
          {
            key: 'situation',
            type: 'multi',
            label: '家庭情况',
            ...(maps && { maps }),
            options: values.map((value) => ({ value, label: value })),
          },
        ],
      },
    ],
  });

  it('admit only hand-set, non-sensitive catalogue tags, and name the field and path of the first other', () => {
    expect(
      unknownTagOption(withTags(['living_alone', 'empty_nest', 'party_member', 'volunteer'])),
    ).toBeNull();
    for (const bad of ['subsistence', 'community_correction', 'aged_90', 'none']) {
      const found = unknownTagOption(withTags(['living_alone', bad]));
      expect(found, bad).toMatchObject({
        field: { key: 'situation', label: '家庭情况' },
        option: bad,
        path: 'draft.sections.1.fields.0.options',
      });
    }
    // Options of a question not feeding the tags are its own business.
    expect(unknownTagOption(withTags(['subsistence', 'none'], null))).toBeNull();
  });
});

describe('templates', () => {
  it('are valid definitions with Chinese and English labels and a privacy notice', () => {
    const templates = formTemplates();
    expect(templates).toHaveLength(5);
    for (const t of templates) {
      const parsed = FormDefinitionSchema.safeParse(t.definition);
      expect(parsed.success, `${t.key}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
      expect(definitionProblems(t.definition)).toEqual([]);
      expect(PrivacyNotice.safeParse(t.privacy).success).toBe(true);
      for (const f of t.definition.sections.flatMap((s) => s.fields)) {
        expect(f.label, `${t.key}.${f.key}`).toMatch(/[\u4e00-\u9fff]/);
        expect(f.labelEn, `${t.key}.${f.key}`).toBeTruthy();
        for (const o of f.options ?? []) expect(o.labelEn, `${t.key}.${f.key}.${o.value}`).toBeTruthy();
      }
      expect(limitEnforceable(t.definition, t.submissionLimit)).toBe(true);
    }
    const volunteer = templates.find((t) => t.key === 'volunteer')!;
    expect(volunteer.mode).toBe('chain');
    expect(Object.values(capacitiesOf(volunteer.definition).shift!).reduce((a, b) => a + b)).toBe(20);
    // Every tag question of a template asks only for tags a form may add, and publishes.
    const tagFields = templates.flatMap((t) =>
      t.definition.sections.flatMap((s) => s.fields).filter((f) => f.maps === 'resident.tags'),
    );
    expect(tagFields.length).toBeGreaterThan(0);
    for (const f of tagFields) expect(f.options?.every((o) => isFormTagCode(o.value))).toBe(true);
    for (const t of templates) expect(unknownTagOption(t.definition), t.key).toBeNull();
    const health = templates.find((t) => t.key === 'health')!;
    expect(health.definition.sections.flatMap((s) => s.fields).some((f) => f.type === 'temperature')).toBe(
      true,
    );
  });

  it('are copies: changing one returned never changes the next', () => {
    const first = formTemplates();
    first[0]!.definition.sections = [];
    expect(formTemplates()[0]!.definition.sections.length).toBeGreaterThan(0);
  });
});

describe('labels', () => {
  it('label dwellings under their building, with the entrance when there are several', () => {
    expect(dwellingShortLabel(2, 3, '301')).toBe('2单元 301');
    expect(dwellingShortLabel(1, 1, '301')).toBe('301');
  });
});
