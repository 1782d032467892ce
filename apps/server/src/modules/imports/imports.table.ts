import type { ImportField, ImportReportRow } from '@linli/shared';
import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { rowMeta, timestamptz } from '../../platform/columns';

/**
 * One upload of a ledger, from preview to commit. The parsed rows hold ID numbers and phones, so they
 * are kept only as one AES-GCM ciphertext (`rows_enc`) and dropped once the job succeeds or expires;
 * the report keeps masked values only.
 */
export const importJobs = pgTable(
  'import_jobs',
  {
    id: uuid('id').primaryKey(),
    streetId: uuid('street_id').notNull(),
    communityId: uuid('community_id').notNull(),
    fileName: text('file_name').notNull(),
    status: text('status', { enum: ['draft', 'queued', 'running', 'succeeded', 'failed'] })
      .notNull()
      .default('draft'),
    headerRow: integer('header_row').notNull(),
    headers: jsonb('headers').$type<string[]>().notNull(),
    mapping: jsonb('mapping').$type<(ImportField | null)[]>().notNull(),
    onDuplicate: text('on_duplicate', { enum: ['update', 'skip'] })
      .notNull()
      .default('skip'),
    /** Keys of unknown buildings/dwellings the user chose to create at commit (default: skip them). */
    createPlaces: jsonb('create_places').$type<string[]>().notNull().default(sql`'[]'::jsonb`),
    rowsEnc: text('rows_enc'),
    totalRows: integer('total_rows').notNull(),
    processedRows: integer('processed_rows').notNull().default(0),
    createdCount: integer('created_count').notNull().default(0),
    updatedCount: integer('updated_count').notNull().default(0),
    skippedCount: integer('skipped_count').notNull().default(0),
    buildingsCreated: integer('buildings_created').notNull().default(0),
    dwellingsCreated: integer('dwellings_created').notNull().default(0),
    report: jsonb('report').$type<ImportReportRow[]>(),
    errorCode: text('error_code'),
    errorDetail: text('error_detail'),
    committedBy: uuid('committed_by'),
    startedAt: timestamptz('started_at'),
    finishedAt: timestamptz('finished_at'),
    expiresAt: timestamptz('expires_at').notNull(),
    ...rowMeta(),
  },
  (t) => [
    index('import_jobs_community_idx').on(t.communityId, t.createdAt),
    index('import_jobs_status_idx').on(t.status),
  ],
);

/** A saved column mapping, by header text, for the next ledger of the same shape. */
export const importTemplates = pgTable(
  'import_templates',
  {
    id: uuid('id').primaryKey(),
    streetId: uuid('street_id').notNull(),
    communityId: uuid('community_id').notNull(),
    name: text('name').notNull(),
    columns: jsonb('columns').$type<Record<string, ImportField>>().notNull(),
    archivedAt: timestamptz('archived_at'),
    ...rowMeta(),
  },
  (t) => [
    uniqueIndex('import_templates_name_uq').on(t.communityId, t.name).where(sql`${t.archivedAt} is null`),
  ],
);

export type ImportJobRow = typeof importJobs.$inferSelect;
export type ImportTemplateRow = typeof importTemplates.$inferSelect;
