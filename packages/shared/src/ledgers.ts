import { z } from 'zod';
import { boundedText, Cursor, Id, IsoDateTime, Limit, Name, optionalText, Version } from './common';
import type { Locale } from './errors';
import {
  type RELATIONS_TO_HEAD,
  type RESIDENCE_TYPES,
  type RESIDENT_STATUSES,
  ResidentSearchQuery,
  type SELF_CARE,
  type SEXES,
  type TENURES,
} from './registry';

/** The columns a ledger may show, with their headers in both languages. Order here is the picker's order. */
export const LEDGER_COLUMNS = {
  name: { zh: '姓名', en: 'Name' },
  sex: { zh: '性别', en: 'Sex' },
  age: { zh: '年龄', en: 'Age' },
  birthDate: { zh: '出生日期', en: 'Birth date' },
  idNumber: { zh: '证件号码', en: 'ID number' },
  phone: { zh: '联系电话', en: 'Phone' },
  address: { zh: '住址', en: 'Address' },
  /** The grid (网格) the resident's building belongs to: how grid workers sort their lists. Not sensitive. */
  grid: { zh: '网格', en: 'Grid' },
  tags: { zh: '标签', en: 'Tags' },
  residenceType: { zh: '户籍类型', en: 'Residence type' },
  tenure: { zh: '居住性质', en: 'Tenure' },
  relationToHead: { zh: '与户主关系', en: 'Relation to head' },
  selfCare: { zh: '自理能力', en: 'Self-care' },
  hukouAddress: { zh: '户籍地址', en: 'Hukou address' },
  emergencyContact: { zh: '紧急联系人', en: 'Emergency contact' },
  status: { zh: '状态', en: 'Status' },
  lastVerifiedAt: { zh: '最近核实', en: 'Last verified' },
} as const;
export type LedgerColumn = keyof typeof LEDGER_COLUMNS;
export const LEDGER_COLUMN_KEYS = Object.keys(LEDGER_COLUMNS) as LedgerColumn[];
export const LedgerColumnSchema = z.enum(LEDGER_COLUMN_KEYS as [LedgerColumn, ...LedgerColumn[]]);
/** Columns whose clear value an unmasked export may carry; everything else is the same either way. */
export const LEDGER_SECRET_COLUMNS: readonly LedgerColumn[] = ['idNumber', 'phone'];
export const DEFAULT_LEDGER_COLUMNS: LedgerColumn[] = ['name', 'sex', 'age', 'address', 'phone', 'tags'];

export function ledgerColumnLabel(column: LedgerColumn, locale: Locale): string {
  return locale === 'en-US' ? LEDGER_COLUMNS[column].en : LEDGER_COLUMNS[column].zh;
}

type Labels<T extends readonly string[]> = Record<T[number], { zh: string; en: string }>;
/** Cell values of the enumerated columns, for files and the shared page, which have no i18n bundle. */
export const LEDGER_VALUE_LABELS = {
  sex: { male: { zh: '男', en: 'Male' }, female: { zh: '女', en: 'Female' } } satisfies Labels<typeof SEXES>,
  residenceType: {
    hukou: { zh: '户籍人口', en: 'Hukou resident' },
    non_hukou: { zh: '流动人口', en: 'Non-hukou' },
    separated: { zh: '人户分离', en: 'Registered elsewhere' },
  } satisfies Labels<typeof RESIDENCE_TYPES>,
  tenure: {
    owner: { zh: '产权人', en: 'Owner' },
    tenant: { zh: '租户', en: 'Tenant' },
    lodger: { zh: '借住', en: 'Lodger' },
  } satisfies Labels<typeof TENURES>,
  relationToHead: {
    head: { zh: '户主', en: 'Head' },
    spouse: { zh: '配偶', en: 'Spouse' },
    child: { zh: '子女', en: 'Child' },
    parent: { zh: '父母', en: 'Parent' },
    grandchild: { zh: '孙辈', en: 'Grandchild' },
    sibling: { zh: '兄弟姐妹', en: 'Sibling' },
    other_relative: { zh: '其他亲属', en: 'Other relative' },
    non_relative: { zh: '非亲属', en: 'Not related' },
  } satisfies Labels<typeof RELATIONS_TO_HEAD>,
  selfCare: {
    independent: { zh: '能自理', en: 'Independent' },
    partial: { zh: '半自理', en: 'Partly dependent' },
    dependent: { zh: '不能自理', en: 'Dependent' },
  } satisfies Labels<typeof SELF_CARE>,
  status: {
    active: { zh: '在住', en: 'Living here' },
    moved_out: { zh: '已迁出', en: 'Moved out' },
    deceased: { zh: '已故', en: 'Deceased' },
    merged: { zh: '已合并', en: 'Merged' },
  } satisfies Labels<typeof RESIDENT_STATUSES>,
};

/** The resident search a ledger saves: the same filters as the residents list, without paging. */
export const LedgerFilter = ResidentSearchQuery.omit({ cursor: true, limit: true });
export type LedgerFilter = z.infer<typeof LedgerFilter>;

export const LEDGER_SHARINGS = ['private', 'area'] as const;
export const LedgerSharing = z.enum(LEDGER_SHARINGS);
export const LEDGER_STATUSES = ['active', 'archived'] as const;

const Columns = z
  .array(LedgerColumnSchema)
  .min(1)
  .max(LEDGER_COLUMN_KEYS.length)
  .refine((cols) => new Set(cols).size === cols.length, { error: 'duplicate_column' });

export const LedgerCreate = z.strictObject({
  name: Name,
  description: optionalText(500).optional(),
  /** A community or street within the caller's reach; the ledger never shows residents beyond it. */
  areaId: Id,
  sharing: LedgerSharing.default('private'),
  filter: LedgerFilter,
  columns: Columns,
});
export type LedgerCreate = z.infer<typeof LedgerCreate>;

export const LedgerUpdate = z.strictObject({
  version: Version,
  name: Name.optional(),
  description: optionalText(500).optional(),
  sharing: LedgerSharing.optional(),
  filter: LedgerFilter.optional(),
  columns: Columns.optional(),
});
export type LedgerUpdate = z.infer<typeof LedgerUpdate>;

export const LedgerArchive = z.strictObject({ version: Version });

export const Ledger = z.object({
  id: Id,
  name: z.string(),
  description: z.string(),
  areaId: Id,
  areaName: z.string(),
  sharing: LedgerSharing,
  filter: LedgerFilter,
  columns: z.array(LedgerColumnSchema),
  ownerId: Id.nullable(),
  ownerName: z.string().nullable(),
  /** Whether the caller may edit, archive and share it (the owner, or an admin of its area). */
  canManage: z.boolean(),
  status: z.enum(LEDGER_STATUSES),
  createdAt: IsoDateTime,
  updatedAt: IsoDateTime,
  version: z.number().int(),
});
export type Ledger = z.infer<typeof Ledger>;

export const LedgerListQuery = z.strictObject({
  status: z.enum(LEDGER_STATUSES).default('active'),
});

export const LedgerRowsQuery = z.strictObject({ cursor: Cursor.optional(), limit: Limit });
export type LedgerRowsQuery = z.infer<typeof LedgerRowsQuery>;

/** One page of a ledger, projected onto its columns: cells are display strings, masked. */
export const LedgerRows = z.object({
  columns: z.array(LedgerColumnSchema),
  rows: z.array(z.object({ id: Id, cells: z.array(z.string()) })),
  total: z.number().int(),
  nextCursor: z.string().nullable(),
});
export type LedgerRows = z.infer<typeof LedgerRows>;

export const LEDGER_EXPORT_FORMATS = ['xlsx', 'csv'] as const;
export const LedgerExport = z
  .strictObject({
    format: z.enum(LEDGER_EXPORT_FORMATS),
    /** What the file is for; printed in its watermark. */
    purpose: boundedText(60),
    unmasked: z.boolean().default(false),
    /** Required for an unmasked export, and audited. */
    reason: optionalText(200).optional(),
  })
  .superRefine((body, ctx) => {
    if (body.unmasked && !body.reason) {
      ctx.addIssue({ code: 'custom', path: ['reason'], message: 'export_reason' });
    }
  });
export type LedgerExport = z.infer<typeof LedgerExport>;

/** At most this many rows per file: a street-wide list of everyone is not something to email. */
export const LEDGER_EXPORT_MAX_ROWS = 50_000;
export const LEDGER_LINK_MAX_DAYS = 30;

/** A link must end in the future and within `LEDGER_LINK_MAX_DAYS`. */
export function validLinkExpiry(expiresAt: Date, now: Date): boolean {
  const ms = expiresAt.getTime() - now.getTime();
  return ms > 0 && ms <= LEDGER_LINK_MAX_DAYS * 86_400_000;
}

export const LedgerLinkCreate = z.strictObject({
  expiresAt: IsoDateTime.refine((v) => validLinkExpiry(new Date(v), new Date()), { error: 'link_expiry' }),
  note: optionalText(200).optional(),
});
export type LedgerLinkCreate = z.infer<typeof LedgerLinkCreate>;

export const LedgerLink = z.object({
  id: Id,
  ledgerId: Id,
  note: z.string(),
  expiresAt: IsoDateTime,
  revokedAt: IsoDateTime.nullable(),
  createdAt: IsoDateTime,
  createdByName: z.string().nullable(),
  opens: z.number().int(),
  lastOpenedAt: IsoDateTime.nullable(),
  status: z.enum(['active', 'expired', 'revoked']),
});
export type LedgerLink = z.infer<typeof LedgerLink>;

/** Answered once, at creation: the token itself is never stored, only its hash. */
export const LedgerLinkCreated = LedgerLink.extend({ token: z.string() });

export const LedgerLinkParams = z.strictObject({ id: Id, linkId: Id });
// Any string up to a sane length: a mistyped link is an unknown link (404), not a bad request.
export const PublicLedgerParams = z.strictObject({ token: z.string().min(1).max(200) });

export const PublicLedger = z.object({
  name: z.string(),
  description: z.string(),
  areaName: z.string(),
  sharedBy: z.string(),
  expiresAt: IsoDateTime,
  watermark: z.string(),
  columns: z.array(LedgerColumnSchema),
  rows: z.array(z.array(z.string())),
  total: z.number().int(),
  nextCursor: z.string().nullable(),
});
export type PublicLedger = z.infer<typeof PublicLedger>;
