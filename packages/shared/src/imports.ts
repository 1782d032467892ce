import { z } from 'zod';
import { Id, plainString, Version } from './common';

/**
 * Excel/CSV import of resident ledgers (台账导入): the fields a column can map to, the problems a row
 * can have (with their messages in both languages, used by the console and the downloadable report),
 * and the DTOs of the import job.
 */
export const IMPORT_FIELDS = [
  'name',
  'formerName',
  'sex',
  'birthDate',
  'idNumber',
  'phone',
  'compound',
  'building',
  'entrance',
  'room',
  'address',
  'tags',
  'headName',
  'relationToHead',
  'hukouAddress',
  'residenceType',
  'ethnicity',
  'maritalStatus',
  'politicalStatus',
  'education',
  'occupation',
  'employer',
  'arrivalReason',
  'arrivalDate',
  'emergencyContactName',
  'emergencyContactPhone',
] as const;
export const ImportField = z.enum(IMPORT_FIELDS);
export type ImportField = z.infer<typeof ImportField>;

/** One entry per column of the sheet, in order: the field it fills, or null when ignored. */
export const ImportMapping = z.array(ImportField.nullable()).max(200);
export type ImportMapping = z.infer<typeof ImportMapping>;

export const IMPORT_PROBLEMS = {
  name_missing: { zh: '缺少姓名', en: 'Name is missing' },
  id_checksum: {
    zh: '身份证号校验不通过',
    en: 'The resident ID fails its checksum',
  },
  id_format: { zh: '证件号码格式不正确', en: 'The ID number is not valid' },
  id_numeric: {
    zh: '身份证号被存成了数字，末几位已丢失，无法恢复：请把该列设为文本后重新导出',
    en: 'The ID was stored as a number and its last digits are lost: re-export the column as text',
  },
  id_scientific: {
    zh: '身份证号被存成了科学计数法（如 3.10101E+17），无法恢复：请把该列设为文本后重新导出',
    en: 'The ID is in scientific notation (e.g. 3.10101E+17) and cannot be recovered: re-export the column as text',
  },
  phone_invalid: { zh: '手机号应为 11 位', en: 'A mobile number has 11 digits' },
  date_invalid: { zh: '日期无法识别', en: 'The date cannot be read' },
  birth_conflict: {
    zh: '出生日期与身份证号不一致',
    en: 'The birth date differs from the one in the ID number',
  },
  sex_conflict: { zh: '性别与身份证号不一致', en: 'The sex differs from the one in the ID number' },
  value_unknown: { zh: '无法识别的取值', en: 'Unrecognised value' },
  tag_unknown: {
    zh: '标签“{tag}”不在标签字典中，已忽略',
    en: 'Tag “{tag}” is not in the tag dictionary; ignored',
  },
  tag_forbidden: {
    zh: '无权设置敏感标签“{tag}”，已忽略',
    en: 'You may not set the sensitive tag “{tag}”; ignored',
  },
  address_missing: { zh: '缺少楼号或房号', en: 'Building or room is missing' },
  compound_unknown: { zh: '本社区没有这个小区', en: 'No such compound in this community' },
  building_unknown: { zh: '小区中没有这个楼栋', en: 'No such building in the compound' },
  building_ambiguous: {
    zh: '社区内多个小区都有这个楼号，请增加“小区”列',
    en: 'Several compounds of the community have this building; add a compound column',
  },
  dwelling_unknown: { zh: '楼栋中没有这个单元或房号', en: 'No such entrance or room in the building' },
  duplicate_in_file: { zh: '与第 {row} 行身份证号重复', en: 'Same ID number as row {row}' },
  registered_elsewhere: {
    zh: '该身份证号已在其他社区登记',
    en: 'This ID number is registered in another community',
  },
  too_long: { zh: '内容过长', en: 'Too long' },
  already_registered: {
    zh: '已在册，按所选方式跳过',
    en: 'Already registered; skipped as chosen',
  },
  value_ignored: {
    zh: '无法识别的取值“{value}”，该项留空',
    en: 'Unrecognised value “{value}”; left empty',
  },
  date_ignored: {
    zh: '日期无法识别或晚于今天，该项留空',
    en: 'The date cannot be read or is in the future; left empty',
  },
  contact_phone_ignored: {
    zh: '紧急联系电话应为 11 位手机号，该项留空',
    en: 'The emergency contact phone is not an 11-digit mobile number; left empty',
  },
  emergency_contact_missing: {
    zh: '独居且年满 60 岁，缺少紧急联系人（登记册要求填写，请尽快补录）',
    en: 'Lives alone and is 60 or older but has no emergency contact (the register requires one; add it soon)',
  },
} as const;
export type ImportProblemCode = keyof typeof IMPORT_PROBLEMS;
export const ImportProblemCodeSchema = z.enum(
  Object.keys(IMPORT_PROBLEMS) as [ImportProblemCode, ...ImportProblemCode[]],
);

export function importProblemMessage(
  code: ImportProblemCode,
  locale: 'zh-CN' | 'en-US',
  params: Record<string, string | number> = {},
): string {
  const entry = IMPORT_PROBLEMS[code];
  const template: string = locale === 'en-US' ? entry.en : entry.zh;
  return template.replace(/\{(\w+)\}/g, (_, key: string) => String(params[key] ?? ''));
}

export const ImportProblem = z.object({
  /** The field concerned and the header of its column as written in the file. */
  field: ImportField.nullable(),
  column: z.string().nullable(),
  code: ImportProblemCodeSchema,
  /** An error keeps the row out; a warning drops only the value (an unknown tag). */
  severity: z.enum(['error', 'warning']),
  params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});
export type ImportProblem = z.infer<typeof ImportProblem>;

export const IMPORT_ACTIONS = ['create', 'update', 'skip'] as const;
export const ImportAction = z.enum(IMPORT_ACTIONS);

export const ImportPreviewRow = z.object({
  /** The row number as the sheet shows it (1-based, title rows included). */
  row: z.number().int(),
  action: ImportAction,
  name: z.string().nullable(),
  sex: z.enum(['male', 'female']).nullable(),
  birthDate: z.string().nullable(),
  idNumberMasked: z.string().nullable(),
  phoneMasked: z.string().nullable(),
  address: z.string().nullable(),
  /** Set when the row's address is one the commit creates (chosen in the unknown places). */
  createsPlace: z.enum(['building', 'dwelling']).nullable(),
  relationToHead: z.string().nullable(),
  tags: z.array(z.string()),
  problems: z.array(ImportProblem),
});
export type ImportPreviewRow = z.infer<typeof ImportPreviewRow>;

export const IMPORT_STATUSES = ['draft', 'queued', 'running', 'succeeded', 'failed'] as const;
export const ImportStatus = z.enum(IMPORT_STATUSES);
export type ImportStatus = z.infer<typeof ImportStatus>;

export const DUPLICATE_ACTIONS = ['update', 'skip'] as const;
export const DuplicateAction = z.enum(DUPLICATE_ACTIONS);

export const ImportJob = z.object({
  id: Id,
  communityId: Id,
  fileName: z.string(),
  status: ImportStatus,
  headers: z.array(z.string()),
  headerRow: z.number().int(),
  mapping: ImportMapping,
  onDuplicate: DuplicateAction,
  totalRows: z.number().int(),
  processedRows: z.number().int(),
  created: z.number().int(),
  updated: z.number().int(),
  skipped: z.number().int(),
  errorCode: z.string().nullable(),
  errorMessage: z.string().nullable(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  /** True while the parsed rows are still kept (encrypted) for preview and commit. */
  hasRows: z.boolean(),
  /** Keys of the unknown places chosen for creation (see ImportUnknownPlace). */
  createPlaces: z.array(z.string()),
  buildingsCreated: z.number().int(),
  dwellingsCreated: z.number().int(),
  version: z.number().int(),
});
export type ImportJob = z.infer<typeof ImportJob>;

export const ImportUploadQuery = z.strictObject({
  communityId: Id,
  fileName: plainString(200).trim().min(1),
});

export const ImportMappingUpdate = z.strictObject({
  version: Version,
  mapping: ImportMapping,
  onDuplicate: DuplicateAction.optional(),
});

export const ImportCommit = z.strictObject({ version: Version });

/**
 * An address of the file the register does not hold, in a compound it does: a building (created with
 * entrances and exactly the dwellings the file names) or one dwelling of an existing building and
 * entrance. `key` is opaque, made by the server; the choice is stored on the job as the keys to create.
 */
export const ImportUnknownPlace = z.object({
  key: z.string(),
  kind: z.enum(['building', 'dwelling']),
  label: z.string(),
  /** Dwellings the choice would create (a new building's, or 1). */
  dwellings: z.number().int(),
  rows: z.number().int(),
  create: z.boolean(),
});
export type ImportUnknownPlace = z.infer<typeof ImportUnknownPlace>;

/** Keys of unknown places to create at commit; a place left out is skipped with its rows. */
export const ImportPlacesUpdate = z.strictObject({
  version: Version,
  createPlaces: z.array(plainString(300)).max(2000),
});

export const ImportPreviewQuery = z.strictObject({
  onlyProblems: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const ImportPreview = z.object({
  summary: z.object({
    total: z.number().int(),
    create: z.number().int(),
    update: z.number().int(),
    skip: z.number().int(),
    withProblems: z.number().int(),
  }),
  /** Rows with unknown dwellings, per building as written, so the user sees what to fix. */
  unknownBuildings: z.array(z.object({ label: z.string(), rows: z.number().int() })),
  /** Unknown buildings and dwellings of known compounds, each with the choice made (create or skip). */
  unknownPlaces: z.array(ImportUnknownPlace),
  /** Whether the caller may choose "create" (building.manage in the community). */
  mayCreatePlaces: z.boolean(),
  /** What the commit would create, with the choices as they stand. */
  toCreate: z.object({ buildings: z.number().int(), dwellings: z.number().int() }),
  rows: z.array(ImportPreviewRow),
  filtered: z.number().int(),
});
export type ImportPreview = z.infer<typeof ImportPreview>;

export const ImportReportRow = z.object({
  row: z.number().int(),
  outcome: z.enum(['created', 'updated', 'skipped']),
  name: z.string().nullable(),
  idNumberMasked: z.string().nullable(),
  address: z.string().nullable(),
  reasons: z.array(ImportProblem),
});
export type ImportReportRow = z.infer<typeof ImportReportRow>;

export const ImportTemplate = z.object({
  id: Id,
  communityId: Id,
  name: z.string(),
  /** Header text → field, so a template fits the next file whatever its column order. */
  columns: z.record(z.string(), ImportField),
  createdAt: z.string(),
});
export type ImportTemplate = z.infer<typeof ImportTemplate>;

export const ImportTemplateCreate = z.strictObject({
  communityId: Id,
  name: plainString(200).trim().min(1).max(50),
  columns: z.record(plainString(200), ImportField).refine((c) => Object.keys(c).length <= 200),
});

export const ImportTemplateQuery = z.strictObject({ communityId: Id });
