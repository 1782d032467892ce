import { sql } from 'drizzle-orm';
import {
  check,
  foreignKey,
  index,
  integer,
  pgTable,
  text,
  unique,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { rowMeta, timestamptz } from '../../platform/columns';
import { areas } from '../areas/areas.table';

export const buildings = pgTable(
  'buildings',
  {
    id: uuid('id').primaryKey(),
    streetId: uuid('street_id').notNull(),
    communityId: uuid('community_id').notNull(),
    compoundId: uuid('compound_id').notNull(),
    name: text('name').notNull(),
    kind: text('kind', { enum: ['residential', 'bungalow', 'commercial', 'mixed'] }).notNull(),
    floors: integer('floors').notNull(),
    entranceCount: integer('entrance_count').notNull(),
    roomsPerFloor: integer('rooms_per_floor').notNull(),
    builtYear: integer('built_year'),
    notes: text('notes').notNull().default(''),
    archivedAt: timestamptz('archived_at'),
    ...rowMeta(),
  },
  (t) => [
    // The street id is part of every foreign key so the tables can be distributed by street.
    foreignKey({ columns: [t.compoundId, t.streetId], foreignColumns: [areas.id, areas.streetId] }),
    unique('buildings_id_street_uq').on(t.id, t.streetId),
    uniqueIndex('buildings_compound_name_uq').on(t.compoundId, t.name).where(sql`${t.archivedAt} is null`),
    index('buildings_community_idx').on(t.communityId),
    // Address search (5-2-301) finds buildings by name within a street.
    index('buildings_street_name_idx').on(t.streetId, t.name),
    check('buildings_floors_ck', sql`${t.floors} between 1 and 99`),
  ],
);

export const entrances = pgTable(
  'entrances',
  {
    id: uuid('id').primaryKey(),
    streetId: uuid('street_id').notNull(),
    communityId: uuid('community_id').notNull(),
    buildingId: uuid('building_id').notNull(),
    number: integer('number').notNull(),
    name: text('name').notNull(),
  },
  (t) => [
    foreignKey({ columns: [t.buildingId, t.streetId], foreignColumns: [buildings.id, buildings.streetId] }),
    unique('entrances_id_street_uq').on(t.id, t.streetId),
    uniqueIndex('entrances_building_number_uq').on(t.buildingId, t.number),
  ],
);

export const dwellings = pgTable(
  'dwellings',
  {
    id: uuid('id').primaryKey(),
    streetId: uuid('street_id').notNull(),
    communityId: uuid('community_id').notNull(),
    compoundId: uuid('compound_id').notNull(),
    buildingId: uuid('building_id').notNull(),
    entranceId: uuid('entrance_id').notNull(),
    floor: integer('floor').notNull(),
    number: text('number').notNull(),
    status: text('status', { enum: ['active', 'archived'] })
      .notNull()
      .default('active'),
    type: text('type', {
      enum: [
        'commodity',
        'reformed_public',
        'public_rental',
        'low_rent',
        'resettlement',
        'private',
        'shop',
        'other',
      ],
    }),
    use: text('use', { enum: ['owner_occupied', 'rented', 'vacant', 'group_rental', 'commercial'] }),
    ownerName: text('owner_name'),
    // The owner's or landlord's phone, stored like a resident's: ciphertext, keyed hash, mask.
    ownerPhoneEnc: text('owner_phone_enc'),
    ownerPhoneHash: text('owner_phone_hash'),
    ownerPhoneMasked: text('owner_phone_masked'),
    notes: text('notes'),
    safetyFlags: text('safety_flags').array().notNull().default(sql`'{}'::text[]`),
    safetyNotes: text('safety_notes'),
    lastVerifiedAt: timestamptz('last_verified_at'),
    lastVerifiedBy: uuid('last_verified_by'),
    ...rowMeta(),
  },
  (t) => [
    foreignKey({ columns: [t.entranceId, t.streetId], foreignColumns: [entrances.id, entrances.streetId] }),
    unique('dwellings_id_street_uq').on(t.id, t.streetId),
    uniqueIndex('dwellings_entrance_number_uq').on(t.entranceId, t.number).where(sql`${t.status} = 'active'`),
    index('dwellings_building_idx').on(t.buildingId),
    index('dwellings_community_idx').on(t.communityId),
  ],
);
export type BuildingRow = typeof buildings.$inferSelect;
export type EntranceRow = typeof entrances.$inferSelect;
export type DwellingRow = typeof dwellings.$inferSelect;
