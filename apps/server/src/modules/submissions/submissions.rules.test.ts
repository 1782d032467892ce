import type { FormDefinition } from '@linli/shared';
import { describe, expect, it } from 'vitest';
import {
  canApply,
  canMark,
  decodeCursor,
  diffState,
  displayAnswer,
  encodeCursor,
  mappedAnswers,
  maskAnswers,
  matchStrength,
  provenanceText,
  sensitiveAnswers,
  targetOfResidentField,
} from './submissions.rules';

const definition: FormDefinition = {
  sections: [
    {
      title: '',
      fields: [
        { key: 'name', type: 'text', label: '姓名', maps: 'resident.name' },
        { key: 'mobile', type: 'phone', label: '手机' },
        { key: 'mobile2', type: 'phone', label: '紧急联系人电话', maps: 'resident.phone' },
        { key: 'idno', type: 'id_number', label: '身份证' },
        {
          key: 'shift',
          type: 'multi',
          label: '班次',
          options: [
            { value: 'am', label: '上午', labelEn: 'Morning' },
            { value: 'pm', label: '下午' },
          ],
        },
        { key: 'ok', type: 'yes_no', label: '是否' },
      ],
    },
  ],
};

describe('status rules', () => {
  it('lets a worker review, reject and reopen, never undo an application or a withdrawal', () => {
    expect(canMark('new', 'reviewed')).toBe(true);
    expect(canMark('new', 'rejected')).toBe(true);
    expect(canMark('reviewed', 'reviewed')).toBe(false);
    expect(canMark('rejected', 'reviewed')).toBe(true);
    expect(canMark('applied', 'rejected')).toBe(false);
    expect(canMark('withdrawn', 'reviewed')).toBe(false);
    expect(canApply('new')).toBe(true);
    expect(canApply('reviewed')).toBe(true);
    expect(canApply('rejected')).toBe(false);
    expect(canApply('applied')).toBe(false);
  });
});

describe('masking', () => {
  it('masks every phone and ID answer and hands out only those on reveal', () => {
    const answers = {
      name: '张三',
      mobile: '13812345678',
      mobile2: '13900001111',
      idno: '11010519491231002X',
    };
    const { answers: masked, maskedKeys } = maskAnswers(definition, answers);
    expect(masked).toEqual({
      name: '张三',
      mobile: '138****5678',
      mobile2: '139****1111',
      idno: '110***********002X',
    });
    expect(maskedKeys).toEqual(['mobile', 'mobile2', 'idno']);
    expect(sensitiveAnswers(definition, answers)).toEqual({
      mobile: '13812345678',
      mobile2: '13900001111',
      idno: '11010519491231002X',
    });
  });
});

describe('mapping and display', () => {
  it('takes each target from the field that maps it', () => {
    const m = mappedAnswers(definition, { name: '张三', mobile: '13812345678', mobile2: '13900001111' });
    expect([...m.keys()]).toEqual(['resident.name', 'resident.phone']);
    expect(m.get('resident.phone')?.value).toBe('13900001111');
  });

  it('shows choices by label in the reader’s language', () => {
    const shift = definition.sections[0]!.fields[4]!;
    expect(displayAnswer(shift, ['am', 'pm'], 'zh-CN')).toBe('上午、下午');
    expect(displayAnswer(shift, ['am', 'pm'], 'en-US')).toBe('Morning, 下午');
    expect(displayAnswer(definition.sections[0]!.fields[5]!, false, 'zh-CN')).toBe('否');
  });

  it('names register errors by target', () => {
    expect(targetOfResidentField('emergencyContactName')).toBe('resident.emergencyContactName');
    expect(targetOfResidentField('phone')).toBe('resident.phone');
    expect(targetOfResidentField('cursor')).toBe('cursor');
  });

  it('diffs and ranks', () => {
    expect(diffState(true, false)).toBe('new');
    expect(diffState(false, false)).toBe('changed');
    expect(diffState(false, true)).toBe('same');
    expect(matchStrength(['phone', 'id_number'])).toBe('strong');
    expect(matchStrength(['phone'])).toBe('medium');
    expect(matchStrength(['name_dwelling'])).toBe('weak');
    expect(provenanceText('返沪登记', 3, 'AB12CD34')).toBe('表单「返沪登记」v3 答卷 AB12CD34');
  });
});

describe('cursors', () => {
  it('round-trips and refuses anything else', () => {
    const row = {
      submittedAt: new Date('2026-11-23T10:00:00.123Z'),
      id: '0196b3a2-0000-7000-8000-000000000001',
    };
    expect(decodeCursor(encodeCursor(row))).toEqual({ at: row.submittedAt, id: row.id });
    expect(decodeCursor('x|y')).toBeNull();
    expect(decodeCursor('2026-11-23T10:00:00Z')).toBeNull();
  });
});
