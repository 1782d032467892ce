import type { LedgerColumn, LedgerFilter } from '@linli/shared';
import { sql } from 'drizzle-orm';
import { check, foreignKey, index, jsonb, pgTable, text, unique, uuid } from 'drizzle-orm/pg-core';
import { rowMeta, timestamptz } from '../../platform/columns';
import { areas } from '../areas/areas.table';

/** A saved resident search with its columns, kept in one street or community (its area). */
export const ledgers = pgTable(
  'ledgers',
  {
    id: uuid('id').primaryKey(),
    districtId: uuid('district_id'),
    streetId: uuid('street_id').notNull(),
    /** Null for a street-wide ledger. */
    communityId: uuid('community_id'),
    areaId: uuid('area_id').notNull(),
    name: text('name').notNull(),
    description: text('description').notNull().default(''),
    sharing: text('sharing', { enum: ['private', 'area'] })
      .notNull()
      .default('private'),
    filter: jsonb('filter').$type<LedgerFilter>().notNull(),
    columns: jsonb('columns').$type<LedgerColumn[]>().notNull(),
    ownerId: uuid('owner_id'),
    status: text('status', { enum: ['active', 'archived'] })
      .notNull()
      .default('active'),
    archivedAt: timestamptz('archived_at'),
    ...rowMeta(),
  },
  (t) => [
    foreignKey({ columns: [t.areaId, t.streetId], foreignColumns: [areas.id, areas.streetId] }),
    unique('ledgers_id_street_uq').on(t.id, t.streetId),
    index('ledgers_street_idx').on(t.streetId, t.status),
    index('ledgers_community_idx').on(t.communityId, t.status),
    check('ledgers_sharing_ck', sql`${t.sharing} in ('private','area')`),
    check('ledgers_status_ck', sql`${t.status} in ('active','archived')`),
  ],
);
export type LedgerRow = typeof ledgers.$inferSelect;

/**
 * A read-only link to one ledger for a partner. Only the SHA-256 of the token is kept; the area is
 * the ledger's at creation and never widens. Opens are counted from the audit log.
 */
export const ledgerLinks = pgTable(
  'ledger_links',
  {
    id: uuid('id').primaryKey(),
    ledgerId: uuid('ledger_id').notNull(),
    districtId: uuid('district_id'),
    streetId: uuid('street_id').notNull(),
    communityId: uuid('community_id'),
    areaId: uuid('area_id').notNull(),
    tokenHash: text('token_hash').notNull(),
    note: text('note').notNull().default(''),
    expiresAt: timestamptz('expires_at').notNull(),
    revokedAt: timestamptz('revoked_at'),
    revokedBy: uuid('revoked_by'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    createdBy: uuid('created_by'),
  },
  (t) => [
    foreignKey({ columns: [t.ledgerId, t.streetId], foreignColumns: [ledgers.id, ledgers.streetId] }),
    unique('ledger_links_token_uq').on(t.tokenHash),
    index('ledger_links_ledger_idx').on(t.ledgerId),
  ],
);
export type LedgerLinkRow = typeof ledgerLinks.$inferSelect;
