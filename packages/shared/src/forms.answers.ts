/**
 * The rules an answer to a form must satisfy, shared by the resident's phone and the server.
 * This file imports nothing but `identity` (no zod): the public form page is a separate light bundle
 * (≤ 100 KB of compressed JavaScript) and must be able to load it on a weak network.
 */
import { normaliseIdNumber, parseResidentId } from './identity';

export const FORM_FIELD_TYPES = [
  'text',
  'textarea',
  'number',
  'single',
  'multi',
  'date',
  'datetime',
  'phone',
  'id_number',
  'address',
  'temperature',
  'yes_no',
  'consent',
  'file',
  'info',
] as const;
export type FormFieldType = (typeof FORM_FIELD_TYPES)[number];

/** Types whose answer is one or more of the field's options (and may carry a capacity per option). */
export const CHOICE_FIELD_TYPES: readonly FormFieldType[] = ['single', 'multi'];
/** Field types that take no answer. */
export const DISPLAY_ONLY_FIELD_TYPES: readonly FormFieldType[] = ['info'];

export const TEMPERATURE_MIN = 35;
export const TEMPERATURE_MAX = 42;
export const TEXT_MAX_LENGTH = 200;
export const TEXTAREA_MAX_LENGTH = 2000;

/**
 * Register fields an answer can feed when a worker applies it (issue 4, "apply to the register").
 * Each target accepts answers of the listed field types only.
 */
export const REGISTER_TARGETS = {
  'resident.name': ['text'],
  'resident.formerName': ['text'],
  'resident.phone': ['phone'],
  'resident.idNumber': ['id_number'],
  'resident.birthDate': ['date'],
  'resident.sex': ['single'],
  'resident.occupation': ['text'],
  'resident.employer': ['text'],
  'resident.hukouAddress': ['text', 'textarea'],
  'resident.residenceType': ['single'],
  'resident.arrivalDate': ['date'],
  'resident.emergencyContactName': ['text'],
  'resident.emergencyContactPhone': ['phone'],
  /**
   * Tags the resident is given: each option's value is a tag code from the register's catalogue, and
   * only one a form may collect (`FORM_TAG_CODES` in submissions.ts; this file stays free of zod).
   */
  'resident.tags': ['single', 'multi'],
  'household.dwelling': ['address'],
} as const satisfies Record<string, readonly FormFieldType[]>;
export type RegisterTarget = keyof typeof REGISTER_TARGETS;
export const REGISTER_TARGET_KEYS = Object.keys(REGISTER_TARGETS) as RegisterTarget[];

export type FormOption = { value: string; label: string; labelEn?: string; capacity?: number };
export type ShowIf = { field: string; op: 'equals' | 'includes'; value: string };
export type FormField = {
  key: string;
  type: FormFieldType;
  label: string;
  labelEn?: string;
  help?: string;
  helpEn?: string;
  /**
   * What the resident reads when the answer is not accepted as written (format, range, length), in
   * the author's words instead of the standard ones, e.g. "请填写户籍地派出所的全称".
   */
  message?: string;
  messageEn?: string;
  required?: boolean;
  /** number: bounds of the value; text/textarea: max is the maximum length. */
  min?: number;
  max?: number;
  unit?: string;
  options?: FormOption[];
  showIf?: ShowIf;
  maps?: RegisterTarget;
  /** Health, welfare and the like: masked in the console until revealed with a reason (phones and IDs always are). */
  sensitive?: boolean;
  /** file: largest accepted size in kilobytes. */
  maxSizeKb?: number;
};
export type FormSection = {
  title: string;
  titleEn?: string;
  description?: string;
  descriptionEn?: string;
  fields: FormField[];
};
export type FormDefinition = { sections: FormSection[] };

/** What a stored answer looks like, per field type. */
export type AddressAnswer = { dwellingId: string; label?: string };
export type FileAnswer = { fileId: string; name: string; size: number };
export type AnswerValue = string | number | boolean | string[] | AddressAnswer | FileAnswer;
export type Answers = Record<string, AnswerValue>;

export const FORM_ANSWER_ISSUES = {
  required: { zh: '此项必填', en: 'This field is required' },
  type: { zh: '填写的内容格式不对', en: 'This value has the wrong format' },
  too_long: { zh: '内容过长，最多 {max} 个字', en: 'Too long: at most {max} characters' },
  too_small: { zh: '不能小于 {min}', en: 'Must be at least {min}' },
  too_big: { zh: '不能大于 {max}', en: 'Must be at most {max}' },
  not_integer: { zh: '请填写整数', en: 'Enter a whole number' },
  not_an_option: { zh: '请从选项中选择', en: 'Choose one of the options' },
  date: { zh: '请填写有效日期（年-月-日）', en: 'Enter a real date (YYYY-MM-DD)' },
  datetime: { zh: '请填写有效的日期和时间', en: 'Enter a real date and time' },
  phone: { zh: '请填写 11 位手机号', en: 'Enter an 11-digit mobile number' },
  id_number: {
    zh: '身份证号码不正确，请核对（18 位，最后一位可能是 X）',
    en: 'This ID number is not valid (18 characters, the last may be X)',
  },
  temperature: {
    zh: '体温应在 35.0 到 42.0 ℃ 之间',
    en: 'Temperature must be between 35.0 and 42.0 °C',
  },
  consent: { zh: '请阅读并勾选同意', en: 'Please read and tick to agree' },
  unknown_field: { zh: '表单中没有此项', en: 'This form has no such field' },
  address_outside: {
    zh: '所选住址不在本表单服务的范围内',
    en: 'This address is outside the area this form serves',
  },
  option_full: { zh: '该选项名额已满', en: 'This option is full' },
  file_too_large: { zh: '文件过大，最大 {max} KB', en: 'File too large: at most {max} KB' },
  file_missing: {
    zh: '附件没有上传成功，请重新选择文件',
    en: 'The attached file did not arrive; choose it again',
  },
} as const;
export type FormAnswerIssueCode = keyof typeof FORM_ANSWER_ISSUES;
export type FormAnswerIssue = { field: string; code: FormAnswerIssueCode; params?: Record<string, number> };

/**
 * A text the form's author wrote, in the reader's language: the English when they read in English and
 * the author gave one, else the Chinese (every text has its Chinese; the English is optional). One rule
 * for the resident's page and the console's preview.
 */
export function localText(
  zh: string | null | undefined,
  en: string | null | undefined,
  locale: string,
): string {
  return (locale === 'en-US' && en) || zh || '';
}

/**
 * The issues about what was written, which a field's own message may word instead. A blank required
 * field, a missing consent, a file over the size limit and what the register or the form's state decided
 * (an address outside the area, a full option, a lost upload) keep the standard words: the author's
 * message cannot know them.
 */
const AUTHOR_WORDED: ReadonlySet<FormAnswerIssueCode> = new Set<FormAnswerIssueCode>([
  'type',
  'too_long',
  'too_small',
  'too_big',
  'not_integer',
  'not_an_option',
  'date',
  'datetime',
  'phone',
  'id_number',
  'temperature',
]);

export function formAnswerMessage(
  issue: FormAnswerIssue,
  locale: 'zh-CN' | 'en-US',
  field?: Pick<FormField, 'message' | 'messageEn'>,
): string {
  if (field?.message && AUTHOR_WORDED.has(issue.code))
    return localText(field.message, field.messageEn, locale);
  const template = FORM_ANSWER_ISSUES[issue.code][locale === 'en-US' ? 'en' : 'zh'];
  return template.replace(/\{(\w+)\}/g, (_, k: string) => String(issue.params?.[k] ?? ''));
}

/**
 * What is worked out from a published definition, kept beside it. Published versions never change, so
 * the server freezes their definitions (`freezeDefinition`) and reads each one's field list and
 * compiled checker once rather than for every answer. Definitions that are not frozen this way (a
 * draft in the builder, the phone's copy) are read afresh on every call.
 */
type Compiled = { fields: readonly FormField[]; check?: AnswerChecker };
const compiledDefinitions = new WeakMap<FormDefinition, Compiled>();

function deepFreeze(value: unknown) {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const v of Object.values(value)) deepFreeze(v);
}

/**
 * Freezes a definition that will not change again (a published version) all the way down, so what is
 * derived from it can be kept: changing it afterwards throws instead of leaving a stale copy in use.
 */
export function freezeDefinition<T extends FormDefinition>(definition: T): T {
  if (compiledDefinitions.has(definition)) return definition;
  deepFreeze(definition);
  compiledDefinitions.set(definition, { fields: definition.sections.flatMap((s) => s.fields) });
  return definition;
}

export function fieldsOf(definition: FormDefinition): FormField[] {
  const compiled = compiledDefinitions.get(definition);
  // A copy: the caller may rearrange its list; the fields themselves are frozen.
  return compiled ? compiled.fields.slice() : definition.sections.flatMap((s) => s.fields);
}

/** Whether a field is shown given the answers so far; a hidden field takes no answer and is never required. */
export function isFieldVisible(field: FormField, answers: Record<string, unknown>): boolean {
  if (!field.showIf) return true;
  const other = answers[field.showIf.field];
  if (field.showIf.op === 'includes') return Array.isArray(other) && other.includes(field.showIf.value);
  if (typeof other === 'boolean') return String(other) === field.showIf.value;
  return other === field.showIf.value;
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
function isRealDate(s: string): boolean {
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1;
}
export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function hasControlChars(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c < 32 && c !== 9 && c !== 10 && c !== 13) || c === 127) return true;
  }
  return false;
}
function isBlank(v: unknown): boolean {
  return (
    v === undefined ||
    v === null ||
    (typeof v === 'string' && v.trim() === '') ||
    (Array.isArray(v) && !v.length)
  );
}
/** Full-width digits, spaces and dashes are what phones in Chinese input mode type. */
export function normaliseDigits(raw: string): string {
  return raw
    .replace(/[\uFF10-\uFF19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[\s-]/g, '');
}

type One = { ok: true; value: AnswerValue } | { ok: false; issue: Omit<FormAnswerIssue, 'field'> };
const bad = (code: FormAnswerIssueCode, params?: Record<string, number>): One => ({
  ok: false,
  issue: params ? { code, params } : { code },
});

/** A field with its option values gathered once. */
type FieldRule = { field: FormField; optionValues: ReadonlySet<string> };

function checkOne({ field, optionValues }: FieldRule, raw: unknown): One {
  switch (field.type) {
    case 'text':
    case 'textarea': {
      // Tabs and line breaks are allowed: hasControlChars lets them through.
      if (typeof raw !== 'string' || hasControlChars(raw)) return bad('type');
      const max = Math.min(
        field.max ?? Number.POSITIVE_INFINITY,
        field.type === 'text' ? TEXT_MAX_LENGTH : TEXTAREA_MAX_LENGTH,
      );
      const value = raw.trim();
      // Characters, not UTF-16 units, are counted; there are never more of them than units.
      if (value.length > max && [...value].length > max) return bad('too_long', { max });
      return { ok: true, value };
    }
    case 'number':
    case 'temperature': {
      const n = typeof raw === 'string' && raw.trim() !== '' ? Number(normaliseDigits(raw)) : raw;
      if (typeof n !== 'number' || !Number.isFinite(n)) return bad('type');
      if (field.type === 'temperature') {
        if (n < TEMPERATURE_MIN || n > TEMPERATURE_MAX) return bad('temperature');
        return { ok: true, value: Math.round(n * 10) / 10 };
      }
      if (field.min !== undefined && n < field.min) return bad('too_small', { min: field.min });
      if (field.max !== undefined && n > field.max) return bad('too_big', { max: field.max });
      return { ok: true, value: n };
    }
    case 'single':
      if (typeof raw !== 'string') return bad('type');
      return optionValues.has(raw) ? { ok: true, value: raw } : bad('not_an_option');
    case 'multi': {
      if (!Array.isArray(raw) || raw.some((v) => typeof v !== 'string')) return bad('type');
      const chosen = [...new Set(raw as string[])];
      if (chosen.some((v) => !optionValues.has(v))) return bad('not_an_option');
      if (field.max !== undefined && chosen.length > field.max) return bad('too_big', { max: field.max });
      return { ok: true, value: chosen };
    }
    case 'date':
      return typeof raw === 'string' && isRealDate(raw.trim())
        ? { ok: true, value: raw.trim() }
        : bad('date');
    case 'datetime': {
      if (typeof raw !== 'string' || raw.length > 40) return bad('datetime');
      const t = Date.parse(raw);
      return Number.isFinite(t) && /^\d{4}-\d{2}-\d{2}T/.test(raw)
        ? { ok: true, value: new Date(t).toISOString() }
        : bad('datetime');
    }
    case 'phone': {
      if (typeof raw !== 'string') return bad('phone');
      const phone = normaliseDigits(raw).replace(/^\+?86/, '');
      return /^1[3-9]\d{9}$/.test(phone) ? { ok: true, value: phone } : bad('phone');
    }
    case 'id_number': {
      if (typeof raw !== 'string' || raw.length > 40) return bad('id_number');
      const id = normaliseIdNumber(raw);
      return parseResidentId(id) ? { ok: true, value: id } : bad('id_number');
    }
    case 'address': {
      const v = raw as Partial<AddressAnswer> | null;
      if (!v || typeof v !== 'object' || typeof v.dwellingId !== 'string' || !UUID_RE.test(v.dwellingId))
        return bad('type');
      // The label is the phone's rendering of the choice; the server replaces it with the register's own.
      return { ok: true, value: { dwellingId: v.dwellingId.toLowerCase() } };
    }
    case 'yes_no':
      return typeof raw === 'boolean' ? { ok: true, value: raw } : bad('type');
    case 'consent':
      return raw === true ? { ok: true, value: true } : bad('consent');
    case 'file': {
      const v = raw as Partial<FileAnswer> | null;
      if (
        !v ||
        typeof v !== 'object' ||
        typeof v.fileId !== 'string' ||
        !UUID_RE.test(v.fileId) ||
        typeof v.name !== 'string' ||
        v.name.length > 200 ||
        hasControlChars(v.name) ||
        typeof v.size !== 'number'
      )
        return bad('type');
      const max = field.maxSizeKb ?? 2048;
      if (v.size > max * 1024) return bad('file_too_large', { max });
      return { ok: true, value: { fileId: v.fileId.toLowerCase(), name: v.name, size: v.size } };
    }
    case 'info':
      return bad('unknown_field');
  }
}

export type AnswerCheck = { ok: true; answers: Answers } | { ok: false; issues: FormAnswerIssue[] };

/**
 * Checks a whole answer against the form version it was given on. Unknown keys are refused, hidden
 * fields are dropped, blanks of optional fields are dropped. The same function runs on the phone
 * (to say what is wrong before sending) and on the server (which trusts nothing the phone says).
 */
export function checkAnswers(definition: FormDefinition, raw: unknown): AnswerCheck {
  const compiled = compiledDefinitions.get(definition);
  if (!compiled) return answerChecker(definition)(raw);
  compiled.check ??= answerChecker(definition);
  return compiled.check(raw);
}

export type AnswerChecker = (raw: unknown) => AnswerCheck;

/** `checkAnswers` for one definition, with what it reads of the definition worked out once. */
function answerChecker(definition: FormDefinition): AnswerChecker {
  const rules: FieldRule[] = fieldsOf(definition)
    .filter((f) => !DISPLAY_ONLY_FIELD_TYPES.includes(f.type))
    .map((field) => ({ field, optionValues: new Set((field.options ?? []).map((o) => o.value)) }));
  const known = new Set(rules.map((r) => r.field.key));
  return (raw) => {
    if (!raw || typeof raw !== 'object' || Array.isArray(raw))
      return { ok: false, issues: [{ field: '', code: 'type' }] };
    const input = raw as Record<string, unknown>;
    const issues: FormAnswerIssue[] = [];
    for (const key of Object.keys(input)) {
      if (!known.has(key)) issues.push({ field: key.slice(0, 60), code: 'unknown_field' });
    }
    const answers: Answers = {};
    for (const rule of rules) {
      const { field } = rule;
      // Visibility follows the answers already accepted, so a condition on a bad answer hides nothing by mistake.
      if (!isFieldVisible(field, answers)) continue;
      const value = input[field.key];
      if (field.type === 'consent' && value !== true) {
        if (field.required || !isBlank(value)) issues.push({ field: field.key, code: 'consent' });
        continue;
      }
      if (isBlank(value)) {
        if (field.required) issues.push({ field: field.key, code: 'required' });
        continue;
      }
      const checked = checkOne(rule, value);
      if (checked.ok) answers[field.key] = checked.value;
      else issues.push({ field: field.key, ...checked.issue });
    }
    return issues.length ? { ok: false, issues } : { ok: true, answers };
  };
}

/** A name as a chain list shows it: 张三 → 张*, 张小三 → 张*三, 欧阳小明 → 欧**明, Tom → T**. */
export function maskPersonName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length <= 1) return chars.join('');
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}
