import { and, asc, eq, inArray, isNull, ne, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db';
import { type Scope, scopeWhere } from '../../platform/scope';
import { delegations } from '../delegations/delegations.table';
import { roleGrants, users } from '../users/users.table';
import { gridBuildings, grids } from './grids.table';

const live = isNull(grids.archivedAt);

export async function listGridsOfCommunity(db: DbOrTx, scope: Scope, communityId: string) {
  return db
    .select({ grid: grids, workerName: users.name })
    .from(grids)
    .leftJoin(users, eq(users.id, grids.workerUserId))
    .where(and(eq(grids.communityId, communityId), live, scopeWhere(scope, grids)))
    .orderBy(asc(grids.name));
}

export async function findGridInScope(
  db: DbOrTx,
  scope: Scope,
  id: string,
  opts: { forUpdate?: boolean } = {},
) {
  const q = db
    .select({ grid: grids, workerName: users.name })
    .from(grids)
    .leftJoin(users, eq(users.id, grids.workerUserId))
    .where(and(eq(grids.id, id), live, scopeWhere(scope, grids)));
  const [row] = opts.forUpdate ? await q.for('update', { of: grids }) : await q;
  return row ?? null;
}

export async function buildingIdsOfGrids(db: DbOrTx, gridIds: string[]) {
  if (gridIds.length === 0) return new Map<string, string[]>();
  const rows = await db
    .select({ gridId: gridBuildings.gridId, buildingId: gridBuildings.buildingId })
    .from(gridBuildings)
    .where(inArray(gridBuildings.gridId, gridIds));
  const map = new Map<string, string[]>();
  for (const r of rows) map.set(r.gridId, [...(map.get(r.gridId) ?? []), r.buildingId]);
  return map;
}

export async function gridNameTaken(db: DbOrTx, communityId: string, name: string, exceptId?: string) {
  const rows = await db
    .select({ id: grids.id })
    .from(grids)
    .where(and(eq(grids.communityId, communityId), eq(grids.name, name), live));
  return rows.some((r) => r.id !== exceptId);
}

/** Whether the user holds the grid worker role in the community now, standing or delegated. */
export async function isGridWorkerOf(db: DbOrTx, userId: string, communityId: string) {
  const [standing] = await db
    .select({ id: roleGrants.id })
    .from(roleGrants)
    .where(
      and(
        eq(roleGrants.userId, userId),
        eq(roleGrants.role, 'grid_worker'),
        eq(roleGrants.communityId, communityId),
        isNull(roleGrants.revokedAt),
      ),
    );
  if (standing) return true;
  const [delegated] = await db
    .select({ id: delegations.id })
    .from(delegations)
    .where(
      and(
        eq(delegations.granteeId, userId),
        eq(delegations.role, 'grid_worker'),
        eq(delegations.communityId, communityId),
        isNull(delegations.revokedAt),
        sql`${delegations.startsAt} <= now() and ${delegations.endsAt} > now()`,
      ),
    );
  return Boolean(delegated);
}

export async function insertGrid(db: DbOrTx, row: typeof grids.$inferInsert) {
  const [created] = await db.insert(grids).values(row).returning();
  return created!;
}

export async function updateGridRow(db: DbOrTx, id: string, patch: Partial<typeof grids.$inferInsert>) {
  const [row] = await db
    .update(grids)
    .set({ ...patch, updatedAt: new Date(), version: sql`${grids.version} + 1` })
    .where(eq(grids.id, id))
    .returning();
  return row!;
}

/**
 * Sets the grid's buildings. A building taken from another grid leaves it (one grid per building);
 * returns the moves so the audit record names them.
 */
export async function setGridBuildings(db: DbOrTx, gridId: string, streetId: string, buildingIds: string[]) {
  const taken = buildingIds.length
    ? await db
        .delete(gridBuildings)
        .where(and(inArray(gridBuildings.buildingId, buildingIds), ne(gridBuildings.gridId, gridId)))
        .returning({ gridId: gridBuildings.gridId, buildingId: gridBuildings.buildingId })
    : [];
  await db.delete(gridBuildings).where(eq(gridBuildings.gridId, gridId));
  if (buildingIds.length) {
    await db
      .insert(gridBuildings)
      .values(buildingIds.map((buildingId) => ({ gridId, buildingId, streetId })));
  }
  return taken;
}
