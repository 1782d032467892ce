import type { AreaKind, Role } from '@linli/shared';
import { and, asc, eq, gt, ilike, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db';
import { type ActiveGrant, type Scope, scopeWhere } from '../../platform/scope';
import { areas } from '../areas/areas.table';
import { delegations } from '../delegations/delegations.table';
import { roleGrants, type UserRow, users } from './users.table';

export async function findUserByUsername(db: DbOrTx, username: string) {
  const [row] = await db.select().from(users).where(eq(users.username, username));
  return row ?? null;
}

export async function findUserById(db: DbOrTx, id: string) {
  const [row] = await db.select().from(users).where(eq(users.id, id));
  return row ?? null;
}

/**
 * A user is visible where their home area is, and wherever they hold a role or a delegation:
 * a street officer seconded to a committee shows up in that committee's list.
 */
function userVisible(scope: Scope) {
  return or(
    scopeWhere(scope, users),
    sql`exists (select 1 from ${roleGrants} where ${roleGrants.userId} = ${users.id} and ${roleGrants.revokedAt} is null and ${scopeWhere(scope, roleGrants)})`,
    sql`exists (select 1 from ${delegations} where ${delegations.granteeId} = ${users.id} and ${delegations.revokedAt} is null and ${delegations.endsAt} > now() and ${scopeWhere(scope, delegations)})`,
  );
}

export async function findUserInScope(
  db: DbOrTx,
  scope: Scope,
  id: string,
  opts: { forUpdate?: boolean } = {},
) {
  const q = db
    .select()
    .from(users)
    .where(and(eq(users.id, id), userVisible(scope)));
  const [row] = opts.forUpdate ? await q.for('update', { of: users }) : await q;
  return row ?? null;
}

export async function listUsersInScope(
  db: DbOrTx,
  scope: Scope,
  q: { q?: string; areaPath?: string; cursor?: string; limit: number },
) {
  const where = [userVisible(scope)];
  if (q.q) {
    const pattern = `%${q.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(or(ilike(users.name, pattern), ilike(users.username, pattern), ilike(users.phone, pattern))!);
  }
  if (q.areaPath) {
    // The area and everything below it: a street's list shows its committees' staff too.
    const below = `${q.areaPath.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(
      or(
        sql`exists (select 1 from ${areas} where ${areas.id} = ${users.homeAreaId} and ${areas.path} like ${below})`,
        sql`exists (select 1 from ${roleGrants} join ${areas} on ${areas.id} = ${roleGrants.areaId} where ${roleGrants.userId} = ${users.id} and ${roleGrants.revokedAt} is null and ${areas.path} like ${below})`,
      )!,
    );
  }
  if (q.cursor && /^[a-z0-9_.-]{1,64}$/.test(q.cursor)) where.push(gt(users.username, q.cursor));
  const rows = await db
    .select()
    .from(users)
    .where(and(...where))
    .orderBy(asc(users.username))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  return { rows: page, nextCursor: rows.length > q.limit ? (page.at(-1)?.username ?? null) : null };
}

export async function insertUser(db: DbOrTx, row: typeof users.$inferInsert) {
  const [created] = await db.insert(users).values(row).returning();
  return created!;
}

export async function updateUserRow(
  db: DbOrTx,
  id: string,
  patch: Partial<typeof users.$inferInsert>,
  bumpVersion = true,
) {
  const [row] = await db
    .update(users)
    .set({ ...patch, updatedAt: new Date(), ...(bumpVersion && { version: sql`${users.version} + 1` }) })
    .where(eq(users.id, id))
    .returning();
  return row!;
}

/** The grants shown on a user's page: standing roles and delegations not yet ended, with area names. */
export async function grantsOfUsers(db: DbOrTx, userIds: string[], now = new Date()) {
  if (userIds.length === 0) return new Map<string, GrantWithArea[]>();
  const standing = await db
    .select({
      id: roleGrants.id,
      userId: roleGrants.userId,
      role: roleGrants.role,
      area: areas,
    })
    .from(roleGrants)
    .innerJoin(areas, eq(areas.id, roleGrants.areaId))
    .where(and(inArray(roleGrants.userId, userIds), isNull(roleGrants.revokedAt), isNull(areas.archivedAt)));
  const delegated = await db
    .select({
      id: delegations.id,
      userId: delegations.granteeId,
      role: delegations.role,
      endsAt: delegations.endsAt,
      area: areas,
    })
    .from(delegations)
    .innerJoin(areas, eq(areas.id, delegations.areaId))
    .where(
      and(
        inArray(delegations.granteeId, userIds),
        isNull(delegations.revokedAt),
        lte(delegations.startsAt, now),
        gt(delegations.endsAt, now),
        isNull(areas.archivedAt),
      ),
    );
  const byUser = new Map<string, GrantWithArea[]>();
  const push = (userId: string, g: GrantWithArea) => byUser.set(userId, [...(byUser.get(userId) ?? []), g]);
  for (const g of standing)
    push(g.userId, {
      id: g.id,
      role: g.role as Role,
      area: g.area,
      via: 'grant',
      delegationId: null,
      endsAt: null,
    });
  for (const d of delegated)
    push(d.userId, {
      id: d.id,
      role: d.role as Role,
      area: d.area,
      via: 'delegation',
      delegationId: d.id,
      endsAt: d.endsAt,
    });
  return byUser;
}

export type GrantWithArea = {
  id: string;
  role: Role;
  area: typeof areas.$inferSelect;
  via: 'grant' | 'delegation';
  delegationId: string | null;
  endsAt: Date | null;
};

/** Expands grants into what authorisation needs: district grants learn the streets below them. */
export async function toActiveGrants(db: DbOrTx, grants: GrantWithArea[]): Promise<ActiveGrant[]> {
  const districtIds = grants.filter((g) => g.area.kind === 'district').map((g) => g.area.id);
  const streets = districtIds.length
    ? await db
        .select({ id: areas.id, parentId: areas.parentId })
        .from(areas)
        .where(and(eq(areas.kind, 'street'), inArray(areas.parentId, districtIds)))
    : [];
  return grants.map((g) => ({
    id: g.id,
    role: g.role,
    areaId: g.area.id,
    areaKind: g.area.kind as AreaKind,
    areaName: g.area.name,
    areaPath: g.area.path,
    districtId: g.area.districtId,
    streetId: g.area.streetId,
    communityId: g.area.communityId,
    streetsBelow: streets.filter((s) => s.parentId === g.area.id).map((s) => s.id),
    via: g.via,
    delegationId: g.delegationId,
    endsAt: g.endsAt,
  }));
}

export async function insertRoleGrant(db: DbOrTx, row: typeof roleGrants.$inferInsert) {
  const [created] = await db.insert(roleGrants).values(row).returning();
  return created!;
}

export async function findActiveGrant(db: DbOrTx, userId: string, role: string, areaId: string) {
  const [row] = await db
    .select()
    .from(roleGrants)
    .where(
      and(
        eq(roleGrants.userId, userId),
        eq(roleGrants.role, role),
        eq(roleGrants.areaId, areaId),
        isNull(roleGrants.revokedAt),
      ),
    );
  return row ?? null;
}

export async function findGrantOfUser(db: DbOrTx, userId: string, grantId: string) {
  const [row] = await db
    .select()
    .from(roleGrants)
    .where(and(eq(roleGrants.id, grantId), eq(roleGrants.userId, userId), isNull(roleGrants.revokedAt)));
  return row ?? null;
}

export async function revokeGrantRow(db: DbOrTx, grantId: string, by: string | null) {
  await db.update(roleGrants).set({ revokedAt: new Date(), revokedBy: by }).where(eq(roleGrants.id, grantId));
}

export type { UserRow };
