import { index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { rowMeta, timestamptz } from '../../platform/columns';

/** A whole row as PostgreSQL's `to_jsonb` gives it: restored with `jsonb_populate_record`, byte for byte. */
export type RowSnapshot = Record<string, unknown>;

/**
 * One merge of two resident records, with everything needed to undo it: both rows as they were
 * (ciphertext, hashes and masks included), their tag rows, the household rows the merge touched,
 * the relations it repointed, and the versions the merge left behind, so an undo can tell whether anyone edited since.
 * The snapshots hold the same protected columns as `residents`, never clear values.
 */
export const residentMerges = pgTable(
  'resident_merges',
  {
    id: uuid('id').primaryKey(),
    streetId: uuid('street_id').notNull(),
    communityId: uuid('community_id').notNull(),
    survivorId: uuid('survivor_id').notNull(),
    mergedId: uuid('merged_id').notNull(),
    /** Scope keys of the merged record, which may lie in another community of the street. */
    mergedStreetId: uuid('merged_street_id').notNull(),
    mergedCommunityId: uuid('merged_community_id').notNull(),
    choices: jsonb('choices').$type<Record<string, 'survivor' | 'merged'>>().notNull(),
    survivorBefore: jsonb('survivor_before').$type<RowSnapshot>().notNull(),
    mergedBefore: jsonb('merged_before').$type<RowSnapshot>().notNull(),
    survivorTagsBefore: jsonb('survivor_tags_before').$type<RowSnapshot[]>().notNull(),
    mergedTagsBefore: jsonb('merged_tags_before').$type<RowSnapshot[]>().notNull(),
    householdsBefore: jsonb('households_before').$type<RowSnapshot[]>().notNull(),
    survivorVersionAfter: integer('survivor_version_after').notNull(),
    mergedVersionAfter: integer('merged_version_after').notNull(),
    householdVersionsAfter: jsonb('household_versions_after').$type<Record<string, number>>().notNull(),
    /** Relations that named the merged record, repointed to the survivor by the merge. */
    relationsBefore: jsonb('relations_before').$type<RowSnapshot[]>().notNull().default([]),
    relationVersionsAfter: jsonb('relation_versions_after')
      .$type<Record<string, number>>()
      .notNull()
      .default({}),
    status: text('status', { enum: ['merged', 'undone'] })
      .notNull()
      .default('merged'),
    undoneAt: timestamptz('undone_at'),
    undoneBy: uuid('undone_by'),
    ...rowMeta(),
  },
  (t) => [
    index('resident_merges_community_idx').on(t.communityId, t.createdAt),
    index('resident_merges_street_idx').on(t.streetId, t.createdAt),
    index('resident_merges_survivor_idx').on(t.survivorId),
    index('resident_merges_merged_idx').on(t.mergedId),
  ],
);

/** A pair someone looked at and judged to be two people: it is not proposed again. */
export const dedupeDismissals = pgTable(
  'dedupe_dismissals',
  {
    id: uuid('id').primaryKey(),
    streetId: uuid('street_id').notNull(),
    communityId: uuid('community_id').notNull(),
    /** The pair in id order, so (a, b) and (b, a) are one row. */
    residentLowId: uuid('resident_low_id').notNull(),
    residentHighId: uuid('resident_high_id').notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    createdBy: uuid('created_by'),
  },
  (t) => [
    uniqueIndex('dedupe_dismissals_pair_uq').on(t.residentLowId, t.residentHighId),
    index('dedupe_dismissals_community_idx').on(t.communityId),
  ],
);

export type ResidentMergeRow = typeof residentMerges.$inferSelect;
