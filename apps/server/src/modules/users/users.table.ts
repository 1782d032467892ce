import { sql } from 'drizzle-orm';
import { boolean, index, integer, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { rowMeta, timestamptz } from '../../platform/columns';
import { areas } from '../areas/areas.table';

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey(),
    username: text('username').notNull(),
    name: text('name').notNull(),
    phone: text('phone'),
    passwordHash: text('password_hash').notNull(),
    status: text('status', { enum: ['active', 'disabled'] })
      .notNull()
      .default('active'),
    mustChangePassword: boolean('must_change_password').notNull().default(false),
    failedLoginCount: integer('failed_login_count').notNull().default(0),
    lockedUntil: timestamptz('locked_until'),
    lastLoginAt: timestamptz('last_login_at'),
    /** The area that owns the account; scope columns copied from it. */
    homeAreaId: uuid('home_area_id')
      .notNull()
      .references(() => areas.id),
    districtId: uuid('district_id'),
    streetId: uuid('street_id'),
    communityId: uuid('community_id'),
    ...rowMeta(),
  },
  (t) => [
    uniqueIndex('users_username_uq').on(t.username),
    index('users_street_idx').on(t.streetId),
    index('users_community_idx').on(t.communityId),
  ],
);

export const roleGrants = pgTable(
  'role_grants',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id),
    role: text('role').notNull(),
    areaId: uuid('area_id')
      .notNull()
      .references(() => areas.id),
    districtId: uuid('district_id'),
    streetId: uuid('street_id'),
    communityId: uuid('community_id'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    createdBy: uuid('created_by'),
    revokedAt: timestamptz('revoked_at'),
    revokedBy: uuid('revoked_by'),
  },
  (t) => [
    index('role_grants_user_idx').on(t.userId),
    uniqueIndex('role_grants_active_uq').on(t.userId, t.role, t.areaId).where(sql`${t.revokedAt} is null`),
  ],
);
export type UserRow = typeof users.$inferSelect;
export type RoleGrantRow = typeof roleGrants.$inferSelect;
