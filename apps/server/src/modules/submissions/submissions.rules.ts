import {
  type Answers,
  type AnswerValue,
  type FormDefinition,
  type FormField,
  fieldsOf,
  isFormTagCode,
  isSensitiveAnswerField,
  LEDGER_VALUE_LABELS,
  type Locale,
  maskIdNumber,
  maskPhone,
  type RegisterTarget,
  type SubmissionStatus,
  TAGS,
  type TagCode,
} from '@linli/shared';

/** Which status a worker may set by hand from which; `applied` and `withdrawn` are final. */
const MARKS: Record<SubmissionStatus, readonly SubmissionStatus[]> = {
  new: ['reviewed', 'rejected'],
  reviewed: ['rejected'],
  rejected: ['reviewed'],
  applied: [],
  withdrawn: [],
};

export function canMark(from: SubmissionStatus, to: 'reviewed' | 'rejected'): boolean {
  return MARKS[from].includes(to);
}

/** Only an answer still waiting (new or reviewed) goes into the register; a rejected one is reopened first. */
export function canApply(status: SubmissionStatus): boolean {
  return status === 'new' || status === 'reviewed';
}

/** The line the resident's timeline carries: where the values came from. */
export function provenanceText(title: string, versionNo: number, reference: string): string {
  return `表单「${title}」v${versionNo} 答卷 ${reference}`;
}

/** An answer as the inbox shows it before any reveal: phones and ID numbers masked. */
export function maskAnswer(field: FormField, value: AnswerValue): AnswerValue {
  if (!isSensitiveAnswerField(field)) return value;
  if (typeof value !== 'string') return '***';
  if (field.type === 'phone') return maskPhone(value);
  if (field.type === 'id_number') return maskIdNumber(value);
  return '***';
}

/** All answers masked where sensitive, and the keys that were. */
export function maskAnswers(definition: FormDefinition, answers: Answers) {
  const masked: Answers = {};
  const maskedKeys: string[] = [];
  const byKey = new Map(fieldsOf(definition).map((f) => [f.key, f]));
  for (const [key, value] of Object.entries(answers)) {
    const field = byKey.get(key);
    if (field && isSensitiveAnswerField(field)) {
      masked[key] = maskAnswer(field, value);
      maskedKeys.push(key);
    } else masked[key] = value;
  }
  return { answers: masked, maskedKeys };
}

/** Only the sensitive answers, in clear: what a reveal hands out. */
export function sensitiveAnswers(definition: FormDefinition, answers: Answers): Answers {
  const out: Answers = {};
  for (const field of fieldsOf(definition)) {
    if (isSensitiveAnswerField(field) && answers[field.key] !== undefined)
      out[field.key] = answers[field.key]!;
  }
  return out;
}

export type Mapped = { field: FormField; value: AnswerValue };

/** The answer feeding each register target, by the fields' `maps`. */
export function mappedAnswers(definition: FormDefinition, answers: Answers): Map<RegisterTarget, Mapped> {
  const out = new Map<RegisterTarget, Mapped>();
  for (const field of fieldsOf(definition)) {
    const value = answers[field.key];
    if (field.maps && value !== undefined && !out.has(field.maps)) out.set(field.maps, { field, value });
  }
  return out;
}

/**
 * The resident field each target writes; the dwelling is not a resident field (it places the household),
 * and tags are added to the ones the resident has rather than written over them.
 */
export const RESIDENT_FIELD: Record<
  Exclude<RegisterTarget, 'household.dwelling' | 'resident.tags'>,
  string
> = {
  'resident.name': 'name',
  'resident.formerName': 'formerName',
  'resident.phone': 'phone',
  'resident.idNumber': 'idNumber',
  'resident.birthDate': 'birthDate',
  'resident.sex': 'sex',
  'resident.occupation': 'occupation',
  'resident.employer': 'employer',
  'resident.hukouAddress': 'hukouAddress',
  'resident.residenceType': 'residenceType',
  'resident.arrivalDate': 'arrivalDate',
  'resident.emergencyContactName': 'emergencyContactName',
  'resident.emergencyContactPhone': 'emergencyContactPhone',
};

const TARGET_OF_FIELD = new Map<string, RegisterTarget>([
  ...Object.entries(RESIDENT_FIELD).map(([t, f]) => [f, t as RegisterTarget] as const),
  // A move (the answered address) names the dwelling it goes to.
  ['dwellingId', 'household.dwelling'],
  ['tags', 'resident.tags'],
]);

/** The target a register error names (`emergencyContactName` → `resident.emergencyContactName`). */
export function targetOfResidentField(path: string): string {
  const first = path.split('.')[0] ?? path;
  return TARGET_OF_FIELD.get(first) ?? path;
}

export const SENSITIVE_TARGETS: readonly RegisterTarget[] = [
  'resident.phone',
  'resident.idNumber',
  'resident.emergencyContactPhone',
];

/** The value a target takes from its answer: option values and text as they are, an address by its dwelling. */
export function registerValue(value: AnswerValue): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (value && typeof value === 'object' && 'dwellingId' in value) return value.dwellingId;
  return null;
}

/**
 * The tags a `resident.tags` answer chooses, in the catalogue's order. Publishing admits only tags a form
 * may add; should anything else reach here, it is passed over rather than written.
 */
export function answerTags(value: AnswerValue): TagCode[] {
  const chosen = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
  return (Object.keys(TAGS) as TagCode[]).filter((code) => chosen.includes(code) && isFormTagCode(code));
}

/** Tags as one line in the reader's language, as the diff shows them. */
export function tagsText(codes: readonly TagCode[], locale: Locale): string {
  return codes
    .map((code) => (locale === 'en-US' ? TAGS[code].en : TAGS[code].zh))
    .join(locale === 'en-US' ? ', ' : '、');
}

/** Masks a register value of a sensitive target for display. */
export function maskTarget(target: RegisterTarget, value: string): string {
  if (target === 'resident.idNumber') return maskIdNumber(value);
  if (target === 'resident.phone' || target === 'resident.emergencyContactPhone') return maskPhone(value);
  return value;
}

const yesNo = { 'zh-CN': ['是', '否'], 'en-US': ['Yes', 'No'] } as const;

/** An answer as one line of text (export cells, the diff's proposed value): option labels, address labels. */
export function displayAnswer(field: FormField, value: AnswerValue, locale: Locale): string {
  const optionLabel = (v: string) => {
    const o = field.options?.find((x) => x.value === v);
    if (!o) return v;
    return locale === 'en-US' && o.labelEn ? o.labelEn : o.label;
  };
  if (Array.isArray(value)) return value.map(optionLabel).join(locale === 'en-US' ? ', ' : '、');
  if (typeof value === 'boolean') return value ? yesNo[locale][0] : yesNo[locale][1];
  if (typeof value === 'number') return field.unit ? `${value} ${field.unit}` : String(value);
  if (typeof value === 'string') return field.type === 'single' ? optionLabel(value) : value;
  if ('dwellingId' in value) return value.label ?? value.dwellingId;
  return value.name;
}

/** A register enum value in the reader's language (sex, residence type); other values as they are. */
export function registerLabel(target: RegisterTarget, value: string | null, locale: Locale): string | null {
  if (value === null) return null;
  const group =
    target === 'resident.sex'
      ? LEDGER_VALUE_LABELS.sex
      : target === 'resident.residenceType'
        ? LEDGER_VALUE_LABELS.residenceType
        : null;
  const entry = group ? (group as Record<string, { zh: string; en: string }>)[value] : undefined;
  return entry ? (locale === 'en-US' ? entry.en : entry.zh) : value;
}

export type DiffState = 'same' | 'changed' | 'new';

export function diffState(currentEmpty: boolean, equal: boolean): DiffState {
  if (equal) return 'same';
  return currentEmpty ? 'new' : 'changed';
}

export type MatchReason = 'id_number' | 'phone' | 'name_dwelling';

export function matchStrength(reasons: readonly MatchReason[]): 'strong' | 'medium' | 'weak' {
  if (reasons.includes('id_number')) return 'strong';
  if (reasons.includes('phone')) return 'medium';
  return 'weak';
}

/** The inbox is newest first; a cursor is `<submitted at ISO>|<id>` as nextCursor gave it out. */
export function encodeCursor(row: { submittedAt: Date; id: string }): string {
  return `${row.submittedAt.toISOString()}|${row.id}`;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function decodeCursor(cursor: string): { at: Date; id: string } | null {
  const cut = cursor.indexOf('|');
  if (cut < 0) return null;
  const at = new Date(cursor.slice(0, cut));
  const id = cursor.slice(cut + 1);
  if (Number.isNaN(at.getTime()) || !UUID_RE.test(id)) return null;
  return { at, id };
}

export const STATUS_LABELS: Record<Locale, Record<SubmissionStatus, string>> = {
  'zh-CN': {
    new: '新答卷',
    reviewed: '已查看',
    applied: '已写入登记',
    rejected: '已退回',
    withdrawn: '已撤回',
  },
  'en-US': {
    new: 'New',
    reviewed: 'Reviewed',
    applied: 'Applied',
    rejected: 'Rejected',
    withdrawn: 'Withdrawn',
  },
};

/** The columns every export starts with, before the form's own fields. */
export const EXPORT_HEADERS: Record<Locale, string[]> = {
  'zh-CN': ['答卷编号', '提交时间', '版本', '状态', '住址'],
  'en-US': ['Reference', 'Submitted', 'Version', 'Status', 'Place'],
};

/** A chain's export leads with each entry's number, the one its sign-up list shows. */
export const CHAIN_NO_HEADER: Record<Locale, string> = { 'zh-CN': '接龙序号', 'en-US': 'Entry no.' };
