import { describe, expect, it } from 'vitest';
import {
  checkAnswers,
  type FormDefinition,
  fieldsOf,
  formAnswerMessage,
  freezeDefinition,
} from './forms.answers';

const definition = (): FormDefinition => ({
  sections: [
    {
      title: '基本信息',
      fields: [
        { key: 'name', type: 'text', label: '姓名', required: true, max: 4 },
        {
          key: 'sex',
          type: 'single',
          label: '性别',
          options: [
            { value: 'm', label: '男' },
            { value: 'f', label: '女' },
          ],
        },
        { key: 'pets', type: 'multi', label: '宠物', options: [{ value: 'cat', label: '猫' }] },
        { key: 'note', type: 'textarea', label: '说明', showIf: { field: 'sex', op: 'equals', value: 'f' } },
      ],
    },
    {
      title: '确认',
      fields: [
        { key: 'info', type: 'info', label: '说明' },
        { key: 'ok', type: 'consent', label: '同意', required: true },
      ],
    },
  ],
});

const samples: unknown[] = [
  { name: '张三', sex: 'f', pets: ['cat', 'cat'], note: '第一行\n第二行\t', ok: true },
  { name: '欧阳小明明', sex: 'x', pets: ['dog'], ok: false, extra: 1 },
  { name: '𠀋𠀋𠀋𠀋', sex: 'm', note: 'hidden', ok: true },
  { name: '𠀋𠀋𠀋𠀋𠀋', ok: true },
  { name: 'a\u0007', ok: true },
  { name: '  ', info: 'x', ok: true },
  [],
  null,
];

describe('a frozen (published) definition', () => {
  it('checks every answer exactly as the same definition not frozen', () => {
    const frozen = freezeDefinition(definition());
    for (const raw of samples) expect(checkAnswers(frozen, raw)).toEqual(checkAnswers(definition(), raw));
    // Twice: the second check uses the checker kept with the definition.
    for (const raw of samples) expect(checkAnswers(frozen, raw)).toEqual(checkAnswers(definition(), raw));
  });

  it('names the field and its limit in both languages', () => {
    const check = checkAnswers(freezeDefinition(definition()), { name: '欧阳小明明', ok: true });
    expect(check).toEqual({ ok: false, issues: [{ field: 'name', code: 'too_long', params: { max: 4 } }] });
    if (check.ok) return;
    expect(formAnswerMessage(check.issues[0]!, 'zh-CN')).toBe('内容过长，最多 4 个字');
    expect(formAnswerMessage(check.issues[0]!, 'en-US')).toBe('Too long: at most 4 characters');
  });

  it('cannot be changed afterwards, and hands out its field list as a copy', () => {
    const frozen = freezeDefinition(definition());
    expect(() => frozen.sections[0]!.fields.push({ key: 'x', type: 'text', label: 'x' })).toThrow(TypeError);
    expect(() => {
      frozen.sections[0]!.fields[0]!.max = 10;
    }).toThrow(TypeError);
    const fields = fieldsOf(frozen);
    fields.reverse();
    expect(fieldsOf(frozen).map((f) => f.key)).toEqual(['name', 'sex', 'pets', 'note', 'info', 'ok']);
  });
});

describe('a field’s own message', () => {
  const field = {
    message: '请填写户籍地派出所的全称',
    messageEn: 'Give the full name of the police station',
  };
  it('words what was written wrong, in the reader’s language, the Chinese when there is no English', () => {
    const tooLong = { field: 'station', code: 'too_long' as const, params: { max: 20 } };
    expect(formAnswerMessage(tooLong, 'zh-CN', field)).toBe(field.message);
    expect(formAnswerMessage(tooLong, 'en-US', field)).toBe(field.messageEn);
    expect(formAnswerMessage(tooLong, 'en-US', { message: field.message })).toBe(field.message);
    expect(formAnswerMessage(tooLong, 'zh-CN', {})).toBe('内容过长，最多 20 个字');
  });
  it('leaves a blank required field and what the register decided in the standard words', () => {
    expect(formAnswerMessage({ field: 'station', code: 'required' }, 'zh-CN', field)).toBe('此项必填');
    // The size limit is the system's, and the resident needs the number to pick a smaller file.
    const big = { field: 'photo', code: 'file_too_large' as const, params: { max: 2048 } };
    expect(formAnswerMessage(big, 'zh-CN', field)).toBe('文件过大，最大 2048 KB');
    expect(formAnswerMessage({ field: 'home', code: 'address_outside' }, 'zh-CN', field)).toBe(
      '所选住址不在本表单服务的范围内',
    );
  });
});
