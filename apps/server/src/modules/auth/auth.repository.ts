import type { AreaKind, Role } from '@linli/shared';
import { and, eq, gt, isNull, lte, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../platform/db';
import type { ActiveGrant } from '../../platform/scope';
import { areas } from '../areas/areas.table';
import { delegations } from '../delegations/delegations.table';
import { roleGrants, users } from '../users/users.table';
import { sessions } from './auth.table';

/**
 * Every authenticated request runs these two queries, so they are prepared once per database:
 * the session with its user, and the caller's standing grants and active delegations in one union,
 * each with its area and, for a district, the streets below it.
 */
function prepareActorQueries(db: Db) {
  const session = db
    .select({
      sessionId: sessions.id,
      csrfToken: sessions.csrfToken,
      lastSeenAt: sessions.lastSeenAt,
      userId: users.id,
      username: users.username,
      name: users.name,
      status: users.status,
      mustChangePassword: users.mustChangePassword,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(
      and(
        eq(sessions.id, sql.placeholder('id')),
        isNull(sessions.revokedAt),
        gt(sessions.expiresAt, sql`now()`),
      ),
    )
    .prepare('linli_session');
  const area = {
    areaId: areas.id,
    areaKind: areas.kind,
    areaName: areas.name,
    areaPath: areas.path,
    districtId: areas.districtId,
    streetId: areas.streetId,
    communityId: areas.communityId,
    streetsBelow: sql<
      string[]
    >`case when ${areas.kind} = 'district' then array(select s.id::text from areas s where s.parent_id = ${areas.id} and s.kind = 'street' and s.archived_at is null) else '{}'::text[] end`,
  };
  const standing = db
    .select({
      id: roleGrants.id,
      role: roleGrants.role,
      delegationId: sql<string | null>`null::uuid`,
      endsAt: sql<Date | null>`null::timestamptz`.mapWith(delegations.endsAt),
      ...area,
    })
    .from(roleGrants)
    .innerJoin(areas, eq(areas.id, roleGrants.areaId))
    .where(
      and(
        eq(roleGrants.userId, sql.placeholder('userId')),
        isNull(roleGrants.revokedAt),
        isNull(areas.archivedAt),
      ),
    );
  const delegated = db
    .select({
      id: delegations.id,
      role: delegations.role,
      delegationId: sql<string | null>`${delegations.id}`,
      endsAt: sql<Date | null>`${delegations.endsAt}`.mapWith(delegations.endsAt),
      ...area,
    })
    .from(delegations)
    .innerJoin(areas, eq(areas.id, delegations.areaId))
    .where(
      and(
        eq(delegations.granteeId, sql.placeholder('userId')),
        isNull(delegations.revokedAt),
        lte(delegations.startsAt, sql`now()`),
        gt(delegations.endsAt, sql`now()`),
        isNull(areas.archivedAt),
      ),
    );
  return { session, grants: standing.unionAll(delegated).prepare('linli_actor_grants') };
}

const prepared = new WeakMap<Db, ReturnType<typeof prepareActorQueries>>();
function actorQueries(db: Db) {
  let queries = prepared.get(db);
  if (!queries) {
    queries = prepareActorQueries(db);
    prepared.set(db, queries);
  }
  return queries;
}

export async function findLiveSessionUser(db: Db, id: string) {
  const [row] = await actorQueries(db).session.execute({ id });
  return row ?? null;
}

export async function activeGrantsOf(db: Db, userId: string): Promise<ActiveGrant[]> {
  const rows = await actorQueries(db).grants.execute({ userId });
  return rows.map((r) => ({
    id: r.id,
    role: r.role as Role,
    areaId: r.areaId,
    areaKind: r.areaKind as AreaKind,
    areaName: r.areaName,
    areaPath: r.areaPath,
    districtId: r.districtId,
    streetId: r.streetId,
    communityId: r.communityId,
    streetsBelow: r.streetsBelow ?? [],
    via: r.delegationId ? 'delegation' : 'grant',
    delegationId: r.delegationId,
    endsAt: r.endsAt,
  }));
}

export async function insertSession(db: DbOrTx, row: typeof sessions.$inferInsert) {
  await db.insert(sessions).values(row);
}

export async function touchSession(db: DbOrTx, id: string, expiresAt: Date) {
  await db.update(sessions).set({ lastSeenAt: new Date(), expiresAt }).where(eq(sessions.id, id));
}

export async function revokeSession(db: DbOrTx, id: string) {
  await db.update(sessions).set({ revokedAt: new Date() }).where(eq(sessions.id, id));
}

export async function revokeSessionsOfUser(db: DbOrTx, userId: string, exceptId?: string) {
  const rows = await db
    .update(sessions)
    .set({ revokedAt: new Date() })
    .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt)))
    .returning({ id: sessions.id });
  if (exceptId && rows.some((r) => r.id === exceptId)) {
    await db.update(sessions).set({ revokedAt: null }).where(eq(sessions.id, exceptId));
  }
}
