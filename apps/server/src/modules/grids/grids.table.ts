import { sql } from 'drizzle-orm';
import { foreignKey, index, pgTable, primaryKey, text, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { rowMeta, timestamptz } from '../../platform/columns';
import { buildings } from '../buildings/buildings.table';
import { users } from '../users/users.table';

export const grids = pgTable(
  'grids',
  {
    id: uuid('id').primaryKey(),
    streetId: uuid('street_id').notNull(),
    communityId: uuid('community_id').notNull(),
    name: text('name').notNull(),
    workerUserId: uuid('worker_user_id').references(() => users.id),
    archivedAt: timestamptz('archived_at'),
    ...rowMeta(),
  },
  (t) => [
    unique('grids_id_street_uq').on(t.id, t.streetId),
    uniqueIndex('grids_community_name_uq').on(t.communityId, t.name).where(sql`${t.archivedAt} is null`),
    index('grids_community_idx').on(t.communityId),
  ],
);

/** A building belongs to at most one grid: a grid worker knows exactly which doors are theirs. */
export const gridBuildings = pgTable(
  'grid_buildings',
  {
    gridId: uuid('grid_id').notNull(),
    buildingId: uuid('building_id').notNull(),
    streetId: uuid('street_id').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.gridId, t.buildingId] }),
    uniqueIndex('grid_buildings_building_uq').on(t.buildingId),
    foreignKey({ columns: [t.gridId, t.streetId], foreignColumns: [grids.id, grids.streetId] }),
    foreignKey({ columns: [t.buildingId, t.streetId], foreignColumns: [buildings.id, buildings.streetId] }),
  ],
);
export type GridRow = typeof grids.$inferSelect;
