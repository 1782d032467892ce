import type { AreaKind, Role } from '@linli/shared';
import { and, eq, gt, isNull, lte, sql } from 'drizzle-orm';
import type { Db, DbOrTx } from '../../platform/db';
import type { ActiveGrant } from '../../platform/scope';
import { areas } from '../areas/areas.table';
import { delegations } from '../delegations/delegations.table';
import { roleGrants, users } from '../users/users.table';
import { sessions } from './auth.table';

/**
 * Every authenticated request runs the first of these, so they are prepared once per database: the
 * session with its user and the caller's standing grants and active delegations (each with its area and,
 * for a district, the streets below it); the grants alone for callers without a session.
 */
function prepareActorQueries(db: Db) {
  const sessionColumns = {
    sessionId: sessions.id,
    csrfToken: sessions.csrfToken,
    lastSeenAt: sessions.lastSeenAt,
    userId: users.id,
    username: users.username,
    name: users.name,
    status: users.status,
    mustChangePassword: users.mustChangePassword,
  };
  const liveSession = and(
    eq(sessions.id, sql.placeholder('id')),
    isNull(sessions.revokedAt),
    gt(sessions.expiresAt, sql`now()`),
  );
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
  // The session, its user and the user's grants in one round trip: every authenticated request starts
  // here, and on a busy two-core server a second statement cost more than the lookups themselves.
  const grantsOfUser = sql<GrantJson[]>`coalesce((select json_agg(g) from (
      select ${roleGrants.id} as id, ${roleGrants.role} as role, null::uuid as "delegationId",
        null::timestamptz as "endsAt", ${grantArea}
      from ${roleGrants} join ${areas} on ${areas.id} = ${roleGrants.areaId}
      where ${roleGrants.userId} = ${users.id} and ${roleGrants.revokedAt} is null and ${areas.archivedAt} is null
      union all
      select ${delegations.id}, ${delegations.role}, ${delegations.id}, ${delegations.endsAt}, ${grantArea}
      from ${delegations} join ${areas} on ${areas.id} = ${delegations.areaId}
      where ${delegations.granteeId} = ${users.id} and ${delegations.revokedAt} is null
        and ${delegations.startsAt} <= now() and ${delegations.endsAt} > now() and ${areas.archivedAt} is null
    ) g), '[]'::json)`;
  const sessionActor = db
    .select({ ...sessionColumns, grants: grantsOfUser })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(liveSession)
    .prepare('linli_session_actor');
  return { sessionActor, grants: standing.unionAll(delegated).prepare('linli_actor_grants') };
}

/** A grant as the one-statement session lookup returns it (JSON: dates as strings). */
type GrantJson = {
  id: string;
  role: string;
  delegationId: string | null;
  endsAt: string | null;
  areaId: string;
  areaKind: string;
  areaName: string;
  areaPath: string;
  districtId: string | null;
  streetId: string | null;
  communityId: string | null;
  streetsBelow: string[] | null;
};

const grantArea = sql.raw(`areas.id as "areaId", areas.kind as "areaKind", areas.name as "areaName",
  areas.path as "areaPath", areas.district_id as "districtId", areas.street_id as "streetId",
  areas.community_id as "communityId",
  case when areas.kind = 'district' then array(select s.id::text from areas s where s.parent_id = areas.id
    and s.kind = 'street' and s.archived_at is null) else '{}'::text[] end as "streetsBelow"`);

const prepared = new WeakMap<Db, ReturnType<typeof prepareActorQueries>>();
function actorQueries(db: Db) {
  let queries = prepared.get(db);
  if (!queries) {
    queries = prepareActorQueries(db);
    prepared.set(db, queries);
  }
  return queries;
}

export async function activeGrantsOf(db: Db, userId: string): Promise<ActiveGrant[]> {
  const rows = await actorQueries(db).grants.execute({ userId });
  return rows.map(toActiveGrant);
}

/** The live session with its user and the user's active grants, in one statement; null when none. */
export async function findLiveSessionActor(db: Db, id: string) {
  const [row] = await actorQueries(db).sessionActor.execute({ id });
  if (!row) return null;
  const grants = (typeof row.grants === 'string' ? JSON.parse(row.grants) : row.grants) as GrantJson[];
  return {
    ...row,
    grants: grants.map((g) => toActiveGrant({ ...g, endsAt: g.endsAt ? new Date(g.endsAt) : null })),
  };
}

function toActiveGrant(r: Omit<GrantJson, 'endsAt'> & { endsAt: Date | null }): ActiveGrant {
  return {
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
  };
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
