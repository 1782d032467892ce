import { sql } from 'drizzle-orm';
import { check, index, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { timestamptz } from '../../platform/columns';
import { areas } from '../areas/areas.table';
import { users } from '../users/users.table';

/**
 * A role on a scope for a bounded time (第二书记 / 代理书记). It is active while
 * starts_at <= now < ends_at and not revoked: it ends by itself, no job has to remember to end it.
 */
export const delegations = pgTable(
  'delegations',
  {
    id: uuid('id').primaryKey(),
    grantorId: uuid('grantor_id')
      .notNull()
      .references(() => users.id),
    granteeId: uuid('grantee_id')
      .notNull()
      .references(() => users.id),
    role: text('role').notNull(),
    areaId: uuid('area_id')
      .notNull()
      .references(() => areas.id),
    districtId: uuid('district_id'),
    streetId: uuid('street_id'),
    communityId: uuid('community_id'),
    title: text('title').notNull(),
    reason: text('reason').notNull(),
    startsAt: timestamptz('starts_at').notNull(),
    endsAt: timestamptz('ends_at').notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    revokedAt: timestamptz('revoked_at'),
    revokedBy: uuid('revoked_by'),
    revokeReason: text('revoke_reason'),
  },
  (t) => [
    index('delegations_grantee_idx').on(t.granteeId, t.endsAt),
    index('delegations_grantor_idx').on(t.grantorId),
    index('delegations_street_idx').on(t.streetId),
    check('delegations_window_ck', sql`${t.endsAt} > ${t.startsAt}`),
  ],
);
export type DelegationRow = typeof delegations.$inferSelect;
