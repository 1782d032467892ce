import { pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { timestamptz } from '../../platform/columns';
import { areas } from '../areas/areas.table';

/** Machine clients (Open311, imports). Scoped like a user holding one role; only the secret's hash is kept. */
export const apiTokens = pgTable(
  'api_tokens',
  {
    id: uuid('id').primaryKey(),
    name: text('name').notNull(),
    tokenHash: text('token_hash').notNull(),
    prefix: text('prefix').notNull(),
    role: text('role').notNull(),
    areaId: uuid('area_id')
      .notNull()
      .references(() => areas.id),
    districtId: uuid('district_id'),
    streetId: uuid('street_id'),
    communityId: uuid('community_id'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    createdBy: uuid('created_by').notNull(),
    expiresAt: timestamptz('expires_at'),
    lastUsedAt: timestamptz('last_used_at'),
    revokedAt: timestamptz('revoked_at'),
    revokedBy: uuid('revoked_by'),
  },
  (t) => [uniqueIndex('api_tokens_hash_uq').on(t.tokenHash)],
);
export type ApiTokenRow = typeof apiTokens.$inferSelect;
