import { z } from 'zod';
import { boundedText, Cursor, Id, IsoDateTime, Limit, optionalText, Version } from './common';
import {
  FORM_FIELD_TYPES,
  type FormDefinition,
  type FormField,
  REGISTER_TARGET_KEYS,
  type RegisterTarget,
} from './forms.answers';
import { TAG_CODES, TAGS, type TagCode } from './tags';

/** The submissions inbox (issue 4): what the console lists, shows, marks and applies to the register. */

export const SUBMISSION_STATUSES = ['new', 'reviewed', 'applied', 'rejected', 'withdrawn'] as const;
export const SubmissionStatus = z.enum(SUBMISSION_STATUSES);
export type SubmissionStatus = z.infer<typeof SubmissionStatus>;

/** The statuses a worker sets by hand; `applied` comes only from applying, `withdrawn` only from the resident. */
export const SUBMISSION_MARKS = ['reviewed', 'rejected'] as const;

/** At most this many answers per bulk action: a page of the inbox, all or nothing. */
export const SUBMISSION_BULK_MAX = 200;
/** At most this many answers per exported file. */
export const SUBMISSION_EXPORT_MAX_ROWS = 20_000;

/**
 * Answers shown masked unless revealed with a reason: phones and ID numbers, and any field the builder
 * marks `sensitive` (health, welfare …).
 */
export function isSensitiveAnswerField(field: Pick<FormField, 'type' | 'sensitive'>): boolean {
  return field.type === 'phone' || field.type === 'id_number' || field.sensitive === true;
}

/**
 * The resident tags a form answer may add (the `resident.tags` target): set by hand and not sensitive.
 * Sensitive tags (低保, 残疾, 社区矫正 …) are kept as keyed tokens and set only by holders of
 * `resident.read_sensitive`, on the word of the office that decides them; a form is an open link, its
 * choices are kept in the clear summary unless the builder thinks to mark the field, and the worker who
 * applies it needs no such permission. Derived tags follow the birth date and are never set.
 */
export const FORM_TAG_CODES: readonly TagCode[] = TAG_CODES.filter(
  (code) => !TAGS[code].derived && !TAGS[code].sensitive,
);
export const isFormTagCode = (value: string): value is TagCode =>
  (FORM_TAG_CODES as readonly string[]).includes(value);

/**
 * Fields feeding `resident.tags` with an option that is not a tag a form may add, by the path of their
 * options: the builder shows them on the field, and publishing refuses the first.
 */
export function tagMappingProblems(definition: FormDefinition) {
  const problems: { path: (string | number)[]; code: 'maps_tag_option'; field: FormField; option: string }[] =
    [];
  definition.sections.forEach((section, s) => {
    section.fields.forEach((field, f) => {
      if (field.maps !== 'resident.tags') return;
      const option = field.options?.find((o) => !isFormTagCode(o.value));
      if (option)
        problems.push({
          path: ['sections', s, 'fields', f, 'options'],
          code: 'maps_tag_option',
          field,
          option: option.value,
        });
    });
  });
  return problems;
}

const RegisterTargetSchema = z.enum(REGISTER_TARGET_KEYS as [RegisterTarget, ...RegisterTarget[]]);

export const SubmissionListQuery = z.strictObject({
  formId: Id.optional(),
  versionNo: z.coerce.number().int().min(1).max(1_000_000).optional(),
  /** Submitted at or after / before these instants. */
  from: IsoDateTime.optional(),
  to: IsoDateTime.optional(),
  status: SubmissionStatus.optional(),
  /** Whether the register holds someone with the answer's ID number or phone (or it was applied). */
  matched: z.enum(['yes', 'no']).optional(),
  cursor: Cursor.optional(),
  limit: Limit,
});
export type SubmissionListQuery = z.infer<typeof SubmissionListQuery>;

export const SubmissionListItem = z.object({
  id: Id,
  formId: Id,
  formTitle: z.string(),
  versionNo: z.number().int(),
  reference: z.string(),
  submittedAt: z.string(),
  status: SubmissionStatus,
  maskedName: z.string().nullable(),
  phoneMasked: z.string().nullable(),
  idNumberMasked: z.string().nullable(),
  place: z.string().nullable(),
  /** The register holds an active resident with its ID number or phone, or it was applied. */
  matched: z.boolean(),
  /**
   * Not matched, but an active resident of the dwelling it names bears the name it gives: a weak match,
   * offered on its page (false when the caller may not read residents).
   */
  nameAtAddress: z.boolean(),
  rejectReason: z.string().nullable(),
  appliedResidentId: Id.nullable(),
  version: z.number().int(),
});
export type SubmissionListItem = z.infer<typeof SubmissionListItem>;

export const SubmissionPage = z.object({
  items: z.array(SubmissionListItem),
  nextCursor: z.string().nullable(),
});
export type SubmissionPage = z.infer<typeof SubmissionPage>;

/** The version's definition as the console renders it (labels by section), read as stored. */
const DefinitionFieldView = z.object({
  key: z.string(),
  type: z.enum(FORM_FIELD_TYPES),
  label: z.string(),
  labelEn: z.string().optional(),
  help: z.string().optional(),
  unit: z.string().optional(),
  options: z
    .array(z.object({ value: z.string(), label: z.string(), labelEn: z.string().optional() }))
    .optional(),
  maps: z.string().optional(),
  sensitive: z.boolean(),
});
export const SubmissionDefinitionView = z.object({
  sections: z.array(
    z.object({
      title: z.string(),
      description: z.string().optional(),
      fields: z.array(DefinitionFieldView),
    }),
  ),
});

const AnswerValueSchema = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.array(z.string()),
  z.object({ dwellingId: z.string(), label: z.string().optional() }),
  z.object({ fileId: z.string(), name: z.string(), size: z.number() }),
]);
export const SubmissionAnswers = z.record(z.string(), AnswerValueSchema);

export const SubmissionDetail = SubmissionListItem.extend({
  formSlug: z.string(),
  formMode: z.string(),
  definition: SubmissionDefinitionView,
  /** Sensitive answers masked (`138****5678`); the clear values only through reveal. */
  answers: SubmissionAnswers,
  maskedKeys: z.array(z.string()),
  dwellingId: Id.nullable(),
  appliedAt: z.string().nullable(),
  appliedByName: z.string().nullable(),
});
export type SubmissionDetail = z.infer<typeof SubmissionDetail>;

export const SubmissionReveal = z.strictObject({ reason: boundedText(200) });
export const SubmissionRevealed = z.object({ answers: SubmissionAnswers });

/** Rejecting needs a reason, kept with the answer and in the audit log. */
export const SubmissionMark = z.discriminatedUnion('status', [
  z.strictObject({ status: z.literal('reviewed'), reason: optionalText(200).optional(), version: Version }),
  z.strictObject({ status: z.literal('rejected'), reason: boundedText(200), version: Version }),
]);
export type SubmissionMark = z.infer<typeof SubmissionMark>;

/** Repeated ids count once. */
const BulkIds = z.array(Id).min(1).max(SUBMISSION_BULK_MAX);
export const SubmissionBulkMark = z.discriminatedUnion('status', [
  z.strictObject({ status: z.literal('reviewed'), ids: BulkIds, reason: optionalText(200).optional() }),
  z.strictObject({ status: z.literal('rejected'), ids: BulkIds, reason: boundedText(200) }),
]);
export type SubmissionBulkMark = z.infer<typeof SubmissionBulkMark>;
export const SubmissionBulkResult = z.object({ updated: z.number().int() });

export const MATCH_REASONS = ['id_number', 'phone', 'name_dwelling'] as const;
export const SubmissionCandidate = z.object({
  residentId: Id,
  name: z.string(),
  address: z.string(),
  age: z.number().int().nullable(),
  phoneMasked: z.string().nullable(),
  idNumberMasked: z.string().nullable(),
  version: z.number().int(),
  reasons: z.array(z.enum(MATCH_REASONS)),
  /** An ID number match is strong; a phone is medium (families share one); name in the same dwelling is weak. */
  strength: z.enum(['strong', 'medium', 'weak']),
});
export type SubmissionCandidate = z.infer<typeof SubmissionCandidate>;
export const SubmissionCandidates = z.object({ items: z.array(SubmissionCandidate) });

export const SubmissionDiffQuery = z.strictObject({ residentId: Id.optional() });
export const DIFF_STATES = ['same', 'changed', 'new'] as const;
export const SubmissionDiffRow = z.object({
  target: RegisterTargetSchema,
  fieldKey: z.string(),
  label: z.string(),
  /** The register's value, masked where sensitive; null when it holds none (or for a new resident). */
  current: z.string().nullable(),
  /** The answer, masked where sensitive, option labels for choices. */
  proposed: z.string(),
  state: z.enum(DIFF_STATES),
  sensitive: z.boolean(),
  /**
   * False when applying cannot take this field: a different dwelling is applied as a move (迁居), which
   * needs a dwelling in use within the worker's scope.
   */
  applicable: z.boolean(),
});
export type SubmissionDiffRow = z.infer<typeof SubmissionDiffRow>;
export const SubmissionDiff = z.object({
  residentId: Id.nullable(),
  residentName: z.string().nullable(),
  residentVersion: z.number().int().nullable(),
  rows: z.array(SubmissionDiffRow),
});
export type SubmissionDiff = z.infer<typeof SubmissionDiff>;

export const SubmissionApply = z
  .strictObject({
    /** The submission's version as read. */
    version: Version,
    residentId: Id.optional(),
    /** The resident's version as read with the diff; stale → 409 with the current record. */
    residentVersion: Version.optional(),
    /** Create a new resident (and household in the answered dwelling) instead. */
    create: z.literal(true).optional(),
    /** The register fields to take from the answer; repeats count once. */
    fields: z
      .array(RegisterTargetSchema)
      .min(1)
      .max(REGISTER_TARGET_KEYS.length * 2),
  })
  .superRefine((body, ctx) => {
    if (!body.residentId === !body.create)
      ctx.addIssue({ code: 'custom', path: ['residentId'], message: 'Invalid input' });
  });
export type SubmissionApply = z.infer<typeof SubmissionApply>;
export const SubmissionApplied = z.object({ residentId: Id, submission: SubmissionListItem });

export const SubmissionExport = z
  .strictObject({
    formId: Id,
    versionNo: z.number().int().min(1).max(1_000_000).optional(),
    from: IsoDateTime.optional(),
    to: IsoDateTime.optional(),
    status: SubmissionStatus.optional(),
    matched: z.enum(['yes', 'no']).optional(),
    format: z.literal('xlsx').default('xlsx'),
    /** What the file is for; printed in its watermark. */
    purpose: boundedText(60),
    unmasked: z.boolean().default(false),
    /** Required for an unmasked export, and audited. */
    reason: optionalText(200).optional(),
  })
  .superRefine((body, ctx) => {
    if (body.unmasked && !body.reason)
      ctx.addIssue({ code: 'custom', path: ['reason'], message: 'export_reason' });
  });
export type SubmissionExport = z.infer<typeof SubmissionExport>;
