import { z } from 'zod';
import { boundedText, Cursor, Id, IsoDateTime, Limit, optionalText, plainString, Version } from './common';
import {
  CHOICE_FIELD_TYPES,
  FORM_FIELD_TYPES,
  type FormDefinition as FormDefinitionType,
  REGISTER_TARGET_KEYS,
  REGISTER_TARGETS,
  type RegisterTarget,
} from './forms.answers';

export * from './forms.answers';

export const FORM_MODES = ['form', 'chain'] as const;
export const FORM_STATUSES = ['draft', 'published', 'closed', 'archived'] as const;
/** One answer per phone number or per dwelling (问卷星's "每个手机号只能填一次"), or no limit. */
export const SUBMISSION_LIMITS = ['none', 'per_phone', 'per_dwelling'] as const;
export const FORM_TEMPLATES = ['newcomer', 'household_update', 'volunteer', 'health', 'feedback'] as const;

const FieldKey = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, { error: 'field_key' });
const OptionValue = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, { error: 'option_value' });

export const FormOptionSchema = z.strictObject({
  value: OptionValue,
  label: boundedText(100),
  labelEn: optionalText(100).optional(),
  capacity: z.number().int().min(1).max(100_000).optional(),
});

export const FormFieldSchema = z.strictObject({
  key: FieldKey,
  type: z.enum(FORM_FIELD_TYPES),
  label: boundedText(500),
  labelEn: optionalText(500).optional(),
  help: optionalText(500).optional(),
  helpEn: optionalText(500).optional(),
  message: optionalText(200).optional(),
  messageEn: optionalText(200).optional(),
  required: z.boolean().optional(),
  min: z.number().finite().min(-1e9).max(1e9).optional(),
  max: z.number().finite().min(-1e9).max(1e9).optional(),
  unit: optionalText(20).optional(),
  options: z.array(FormOptionSchema).min(1).max(50).optional(),
  showIf: z
    .strictObject({ field: FieldKey, op: z.enum(['equals', 'includes']), value: plainString(40) })
    .optional(),
  maps: z.enum(REGISTER_TARGET_KEYS as [RegisterTarget, ...RegisterTarget[]]).optional(),
  sensitive: z.boolean().optional(),
  maxSizeKb: z.number().int().min(1).max(10_240).optional(),
});

export const FormSectionSchema = z.strictObject({
  title: optionalText(200),
  titleEn: optionalText(200).optional(),
  description: optionalText(1000).optional(),
  descriptionEn: optionalText(1000).optional(),
  fields: z.array(FormFieldSchema).max(100),
});

/**
 * Problems a definition can have beyond each field's own shape, as [path, code] pairs; the builder
 * shows them on the field they name. Pure, so the console can run it while the worker edits.
 */
export function definitionProblems(
  definition: FormDefinitionType,
): { path: (string | number)[]; code: string }[] {
  const problems: { path: (string | number)[]; code: string }[] = [];
  const seen = new Map<string, (typeof definition.sections)[number]['fields'][number]>();
  const targets = new Set<string>();
  let count = 0;
  definition.sections.forEach((section, s) => {
    section.fields.forEach((field, f) => {
      const at = (...rest: (string | number)[]) => ['sections', s, 'fields', f, ...rest];
      count++;
      if (seen.has(field.key)) problems.push({ path: at('key'), code: 'duplicate_key' });
      const isChoice = CHOICE_FIELD_TYPES.includes(field.type);
      if (isChoice && !field.options?.length)
        problems.push({ path: at('options'), code: 'options_required' });
      if (!isChoice && field.options) problems.push({ path: at('options'), code: 'options_not_allowed' });
      if (field.sensitive && field.options?.some((o) => o.capacity !== undefined))
        problems.push({ path: at('sensitive'), code: 'sensitive_capacity' });
      if (field.options) {
        const values = field.options.map((o) => o.value);
        if (new Set(values).size !== values.length)
          problems.push({ path: at('options'), code: 'duplicate_option' });
      }
      if (field.min !== undefined && field.max !== undefined && field.min > field.max)
        problems.push({ path: at('min'), code: 'min_above_max' });
      if (field.showIf) {
        const other = seen.get(field.showIf.field);
        if (!other) problems.push({ path: at('showIf', 'field'), code: 'show_if_unknown' });
        else if (other.type === 'yes_no') {
          if (field.showIf.op !== 'equals' || !['true', 'false'].includes(field.showIf.value))
            problems.push({ path: at('showIf', 'value'), code: 'show_if_value' });
        } else if (!CHOICE_FIELD_TYPES.includes(other.type))
          problems.push({ path: at('showIf', 'field'), code: 'show_if_type' });
        else if (!other.options?.some((o) => o.value === field.showIf?.value))
          problems.push({ path: at('showIf', 'value'), code: 'show_if_value' });
      }
      if (field.maps) {
        if (!(REGISTER_TARGETS[field.maps] as readonly string[]).includes(field.type))
          problems.push({ path: at('maps'), code: 'maps_type' });
        if (targets.has(field.maps)) problems.push({ path: at('maps'), code: 'maps_duplicate' });
        targets.add(field.maps);
      }
      seen.set(field.key, field);
    });
  });
  if (count > 100) problems.push({ path: ['sections'], code: 'too_many_fields' });
  return problems;
}

export const FormDefinitionSchema = z
  .strictObject({ sections: z.array(FormSectionSchema).min(1).max(20) })
  .superRefine((definition, ctx) => {
    for (const p of definitionProblems(definition as FormDefinitionType))
      ctx.addIssue({ code: 'custom', path: p.path, message: p.code });
  });

/**
 * What the resident reads before sending (PIPL art. 17): why, who sees it, how long it is kept. The
 * English texts are optional; a resident reading in English is shown the Chinese where none was given.
 */
export const PrivacyNotice = z.strictObject({
  purpose: boundedText(500),
  purposeEn: optionalText(500).optional(),
  audience: boundedText(300),
  audienceEn: optionalText(300).optional(),
  retentionDays: z.number().int().min(1).max(3650),
});
export type PrivacyNotice = z.infer<typeof PrivacyNotice>;

export const FormMode = z.enum(FORM_MODES);
export const FormStatus = z.enum(FORM_STATUSES);
export const SubmissionLimit = z.enum(SUBMISSION_LIMITS);

/** The submit body. `website` is a honeypot: people never see it, form-filling robots do. */
export const SubmissionCreate = z.strictObject({
  answers: z.record(z.string().max(60), z.unknown()),
  versionNo: z.number().int().min(1).max(1_000_000),
  website: z.string().max(200).optional(),
});
export type SubmissionCreate = z.infer<typeof SubmissionCreate>;

export const IdempotencyKey = z.string().regex(/^[A-Za-z0-9_-]{8,100}$/, { error: 'idempotency_key' });

export const SubmissionAck = z.object({
  reference: z.string(),
  submittedAt: IsoDateTime,
  /** In chain mode: this entry's number in the list. */
  chainNo: z.number().int().nullable(),
});
export type SubmissionAck = z.infer<typeof SubmissionAck>;

// ——— Console DTOs (module `forms`) ———

export type FormMode = z.infer<typeof FormMode>;
export type FormStatus = z.infer<typeof FormStatus>;
export type SubmissionLimit = z.infer<typeof SubmissionLimit>;
export const FormTemplateKey = z.enum(FORM_TEMPLATES);
export type FormTemplateKey = z.infer<typeof FormTemplateKey>;

/** The shape of a definition as the API returns it (the builder validates with FormDefinitionSchema). */
const DefinitionOut = z.custom<FormDefinitionType>();

/** Where the public page lives: `/f/{slug}`; the QR code and poster point there. */
export const formPublicPath = (slug: string) => `/f/${slug}`;

export const FormVersionInfo = z.object({
  versionNo: z.number().int(),
  title: z.string(),
  publishedAt: IsoDateTime,
  publishedBy: z.string().nullable(),
  submissionCount: z.number().int(),
});
export type FormVersionInfo = z.infer<typeof FormVersionInfo>;

export const FormSummary = z.object({
  id: Id,
  slug: z.string(),
  publicPath: z.string(),
  mode: FormMode,
  status: FormStatus,
  /** The same state the public page shows (open / not_open / closed / full), null for drafts and archives. */
  state: z.enum(['open', 'not_open', 'closed', 'full']).nullable(),
  title: z.string(),
  /** Empty when the author gave no English title. */
  titleEn: z.string(),
  areaId: Id,
  areaName: z.string(),
  /** Null for a street-wide form. */
  communityId: Id.nullable(),
  template: FormTemplateKey.nullable(),
  currentVersionNo: z.number().int().nullable(),
  opensAt: IsoDateTime.nullable(),
  closesAt: IsoDateTime.nullable(),
  /** Answers not withdrawn, over every version. */
  submissionCount: z.number().int(),
  /**
   * Whether the caller may change it: community staff see their street's street-wide forms, whose
   * answers reach them too, without managing them.
   */
  canManage: z.boolean(),
  updatedAt: IsoDateTime,
  version: z.number().int(),
});
export type FormSummary = z.infer<typeof FormSummary>;

export const Form = FormSummary.extend({
  /**
   * The page's full address when the deployment names the address residents reach it at
   * (`LINLI_PUBLIC_URL`); null: the console's own address is the only one known.
   */
  publicUrl: z.string().nullable(),
  description: z.string(),
  descriptionEn: z.string(),
  draft: DefinitionOut,
  privacy: PrivacyNotice,
  submissionLimit: SubmissionLimit,
  publishedAt: IsoDateTime.nullable(),
  /** Whether the draft differs from the last published version (so "publish" makes a new one). */
  draftChanged: z.boolean(),
  versions: z.array(FormVersionInfo),
  createdAt: IsoDateTime,
  createdBy: z.string().nullable(),
});
export type Form = z.infer<typeof Form>;

export const FormListQuery = z.strictObject({
  status: FormStatus.optional(),
  areaId: Id.optional(),
  cursor: Cursor.optional(),
  limit: Limit,
});
export type FormListQuery = z.infer<typeof FormListQuery>;
export const FormPage = z.object({ items: z.array(FormSummary), nextCursor: z.string().nullable() });

export const FormCreate = z.strictObject({
  /** A street or a community in the caller's scope. */
  areaId: Id,
  title: boundedText(200),
  /** Defaults to the template's English title, else none. */
  titleEn: optionalText(200).optional(),
  /** Defaults to the template's mode, else `form`. */
  mode: FormMode.optional(),
  template: FormTemplateKey.optional(),
  description: optionalText(2000).optional(),
  descriptionEn: optionalText(2000).optional(),
});
export type FormCreate = z.infer<typeof FormCreate>;

const NullableDateTime = IsoDateTime.nullable();
export const FormUpdate = z.strictObject({
  version: Version,
  title: boundedText(200).optional(),
  titleEn: optionalText(200).optional(),
  description: optionalText(2000).optional(),
  descriptionEn: optionalText(2000).optional(),
  mode: FormMode.optional(),
  draft: FormDefinitionSchema.optional(),
  privacy: PrivacyNotice.optional(),
  submissionLimit: SubmissionLimit.optional(),
  opensAt: NullableDateTime.optional(),
  closesAt: NullableDateTime.optional(),
});
export type FormUpdate = z.input<typeof FormUpdate>;

export const FormAction = z.strictObject({ version: Version });
export type FormAction = z.infer<typeof FormAction>;

export const FormTemplate = z.object({
  key: FormTemplateKey,
  title: z.string(),
  titleEn: z.string(),
  description: z.string(),
  descriptionEn: z.string(),
  mode: FormMode,
  submissionLimit: SubmissionLimit,
  definition: DefinitionOut,
  privacy: PrivacyNotice,
});
export type FormTemplate = z.infer<typeof FormTemplate>;

/** A chosen option in the words of the version the answer was given on (a later version may reword it). */
export const ChainChoice = z.object({ value: z.string(), label: z.string(), labelEn: z.string().nullable() });
export type ChainChoice = z.infer<typeof ChainChoice>;

/** The organiser's view of a chain: full entries (names clear to `form.manage`, else masked). */
export const ChainEntry = z.object({
  no: z.number().int(),
  submissionId: Id,
  reference: z.string(),
  name: z.string().nullable(),
  phone: z.string().nullable(),
  place: z.string().nullable(),
  /** By field key. */
  choices: z.record(z.string(), z.array(ChainChoice)),
  versionNo: z.number().int(),
  submittedAt: IsoDateTime,
});
export type ChainEntry = z.infer<typeof ChainEntry>;

/** A choice question of the chain, as a column of the organiser's list. */
export const ChainField = z.object({
  key: z.string(),
  label: z.string(),
  labelEn: z.string().nullable(),
  options: z.array(
    z.object({
      value: z.string(),
      label: z.string(),
      labelEn: z.string().nullable(),
      capacity: z.number().int().nullable(),
    }),
  ),
});
export type ChainField = z.infer<typeof ChainField>;

export const ChainEntries = z.object({
  items: z.array(ChainEntry),
  /**
   * The choice questions of the published version residents answer now, then those only earlier
   * versions asked (worded as the latest version that asked them).
   */
  fields: z.array(ChainField),
  /** Whether names and phones are shown in clear. */
  clear: z.boolean(),
  remaining: z.record(z.string(), z.record(z.string(), z.number().int())),
});
export type ChainEntries = z.infer<typeof ChainEntries>;

// ——— Public DTOs (no sign-in) ———

export const FORM_PUBLIC_STATES = ['open', 'not_open', 'closed', 'full'] as const;
export type FormPublicState = (typeof FORM_PUBLIC_STATES)[number];

/** Lenient on purpose: a mistyped address is "not found" (404), not a validation error. */
export const FormSlugParams = z.strictObject({ slug: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) });

export const PublicChainEntry = z.object({
  no: z.number().int(),
  maskedName: z.string().nullable(),
  place: z.string().nullable(),
  choices: z.record(z.string(), z.array(z.string())),
  /** The version the entry was given on: its choices read with that version's option labels. */
  versionNo: z.number().int(),
});
export const PublicForm = z.object({
  slug: z.string(),
  mode: FormMode,
  title: z.string(),
  /** Empty when the author gave none: the page shows the Chinese. */
  titleEn: z.string(),
  description: z.string(),
  descriptionEn: z.string(),
  versionNo: z.number().int(),
  definition: DefinitionOut,
  privacy: PrivacyNotice,
  state: z.enum(FORM_PUBLIC_STATES),
  opensAt: IsoDateTime.nullable(),
  closesAt: IsoDateTime.nullable(),
  areaName: z.string(),
  submissionLimit: SubmissionLimit,
  chain: z
    .object({
      entries: z.array(PublicChainEntry),
      /** The choice questions of older versions that entries were given on, by version number. */
      olderVersions: z.record(z.string(), DefinitionOut),
      remaining: z.record(z.string(), z.record(z.string(), z.number().int())),
    })
    .nullable(),
});
export type PublicForm = z.infer<typeof PublicForm>;

/**
 * The address cascader: no parameter → compounds; `compoundId` → buildings; `buildingId` → dwellings
 * (and the entrances, when several); `entranceId` → that entrance's dwellings.
 */
export const PlacesQuery = z.strictObject({
  compoundId: Id.optional(),
  buildingId: Id.optional(),
  entranceId: Id.optional(),
});
export type PlacesQuery = z.infer<typeof PlacesQuery>;
export const Place = z.object({ id: Id, label: z.string() });
export const Places = z.object({
  items: z.array(Place),
  /** With `buildingId`: where that building is, so a per-building poster (`?b=`) can preselect it. */
  building: z.object({ id: Id, label: z.string(), compoundId: Id, compoundLabel: z.string() }).optional(),
  /**
   * With `buildingId` of a building with several entrances (单元): those within the form's area, so a
   * phone asks for one entrance's dwellings instead of scrolling the whole building.
   */
  entrances: z.array(Place).optional(),
});
export type Places = z.infer<typeof Places>;

export const SubmissionHeaders = z.object({ 'idempotency-key': IdempotencyKey });

/** Accepts the reference as printed (ABCDE-FGHJK), spoken or typed in lower case with spaces. */
export const WithdrawBody = z.strictObject({ reference: plainString(40).trim().min(1) });
export type WithdrawBody = z.infer<typeof WithdrawBody>;
