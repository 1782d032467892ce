import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  check,
  index,
  integer,
  pgTable,
  text,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { rowMeta, timestamptz } from '../../platform/columns';

/**
 * district → street → community → compound. Each node carries the ids of its own district, street
 * and community (itself included), so the same scope predicate works on areas as on every tenant row,
 * and `path` (/id/id/…/) answers "is X below Y" with an index prefix scan.
 */
export const areas = pgTable(
  'areas',
  {
    id: uuid('id').primaryKey(),
    kind: text('kind', { enum: ['district', 'street', 'community', 'compound'] }).notNull(),
    parentId: uuid('parent_id').references((): AnyPgColumn => areas.id),
    districtId: uuid('district_id'),
    streetId: uuid('street_id'),
    communityId: uuid('community_id'),
    path: text('path').notNull(),
    name: text('name').notNull(),
    code: text('code'),
    sortOrder: integer('sort_order').notNull().default(0),
    archivedAt: timestamptz('archived_at'),
    ...rowMeta(),
  },
  (t) => [
    index('areas_parent_idx').on(t.parentId),
    index('areas_path_idx').using('btree', t.path.op('text_pattern_ops')),
    index('areas_street_idx').on(t.streetId),
    index('areas_community_idx').on(t.communityId),
    unique('areas_id_street_uq').on(t.id, t.streetId),
    uniqueIndex('areas_sibling_name_uq')
      .on(sql`coalesce(${t.parentId}, '00000000-0000-0000-0000-000000000000'::uuid)`, t.name)
      .where(sql`${t.archivedAt} is null`),
    check('areas_kind_ck', sql`${t.kind} in ('district','street','community','compound')`),
  ],
);
export type AreaRow = typeof areas.$inferSelect;
