import { and, count, eq, inArray, isNull, like, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db';
import { type Scope, scopeWhere } from '../../platform/scope';
import { buildings, dwellings, entrances } from '../buildings/buildings.table';
import { gridBuildings } from '../grids/grids.table';
import { type AreaRow, areas } from './areas.table';

const live = isNull(areas.archivedAt);

export async function findAreaInScope(
  db: DbOrTx,
  scope: Scope,
  id: string,
  opts: { forUpdate?: boolean } = {},
) {
  const query = db
    .select()
    .from(areas)
    .where(and(eq(areas.id, id), live, scopeWhere(scope, areas)));
  const [row] = opts.forUpdate ? await query.for('update') : await query;
  return row ?? null;
}

export async function listAreasInScope(db: DbOrTx, scope: Scope): Promise<AreaRow[]> {
  return db
    .select()
    .from(areas)
    .where(and(live, scopeWhere(scope, areas)))
    .orderBy(areas.path);
}

/** Ancestors shown for context above the caller's scopes; names only reach the client. */
export async function findAreasByIds(db: DbOrTx, ids: string[]): Promise<AreaRow[]> {
  if (ids.length === 0) return [];
  return db.select().from(areas).where(inArray(areas.id, ids));
}

export async function findAreaById(db: DbOrTx, id: string) {
  const [row] = await db.select().from(areas).where(eq(areas.id, id));
  return row ?? null;
}

/** Buildings and dwellings per compound, for the counts on tree nodes. */
export async function countsByCompound(db: DbOrTx, scope: Scope) {
  const buildingCounts = await db
    .select({ compoundId: buildings.compoundId, n: count() })
    .from(buildings)
    .where(and(isNull(buildings.archivedAt), scopeWhere(scope, buildings)))
    .groupBy(buildings.compoundId);
  const dwellingCounts = await db
    .select({ compoundId: dwellings.compoundId, n: count() })
    .from(dwellings)
    .where(and(eq(dwellings.status, 'active'), scopeWhere(scope, dwellings)))
    .groupBy(dwellings.compoundId);
  return {
    buildings: new Map(buildingCounts.map((r) => [r.compoundId, Number(r.n)])),
    dwellings: new Map(dwellingCounts.map((r) => [r.compoundId, Number(r.n)])),
  };
}

/** Live buildings and active dwellings anywhere below a node (the node included), for one node's counts. */
export async function countsUnderPath(db: DbOrTx, path: string) {
  const under = and(eq(areas.id, buildings.compoundId), like(areas.path, `${path}%`));
  const [b] = await db
    .select({ n: count() })
    .from(buildings)
    .innerJoin(areas, under)
    .where(isNull(buildings.archivedAt));
  const [d] = await db
    .select({ n: count() })
    .from(dwellings)
    .innerJoin(buildings, eq(buildings.id, dwellings.buildingId))
    .innerJoin(areas, under)
    .where(and(eq(dwellings.status, 'active'), isNull(buildings.archivedAt)));
  return { buildings: Number(b?.n ?? 0), dwellings: Number(d?.n ?? 0) };
}

export async function hasLiveChildren(db: DbOrTx, id: string): Promise<boolean> {
  const [child] = await db
    .select({ id: areas.id })
    .from(areas)
    .where(and(eq(areas.parentId, id), live))
    .limit(1);
  if (child) return true;
  const [building] = await db
    .select({ id: buildings.id })
    .from(buildings)
    .where(and(eq(buildings.compoundId, id), isNull(buildings.archivedAt)))
    .limit(1);
  return Boolean(building);
}

export async function siblingNameTaken(db: DbOrTx, parentId: string | null, name: string, exceptId?: string) {
  const rows = await db
    .select({ id: areas.id })
    .from(areas)
    .where(and(parentId ? eq(areas.parentId, parentId) : isNull(areas.parentId), eq(areas.name, name), live));
  return rows.some((r) => r.id !== exceptId);
}

export async function insertArea(db: DbOrTx, row: typeof areas.$inferInsert) {
  const [created] = await db.insert(areas).values(row).returning();
  return created!;
}

export async function updateArea(db: DbOrTx, id: string, patch: Partial<typeof areas.$inferInsert>) {
  const [updated] = await db
    .update(areas)
    .set({ ...patch, updatedAt: new Date(), version: sql`${areas.version} + 1` })
    .where(eq(areas.id, id))
    .returning();
  return updated!;
}

/**
 * A moved compound takes its buildings, entrances and dwellings to the new community; its buildings
 * leave the old community's grids (a grid never spans communities). Returns the grid ids touched.
 */
export async function rekeyCompoundRows(db: DbOrTx, compoundId: string, communityId: string) {
  const buildingIds = db
    .select({ id: buildings.id })
    .from(buildings)
    .where(eq(buildings.compoundId, compoundId));
  await db.update(buildings).set({ communityId }).where(eq(buildings.compoundId, compoundId));
  await db.update(entrances).set({ communityId }).where(inArray(entrances.buildingId, buildingIds));
  await db.update(dwellings).set({ communityId }).where(eq(dwellings.compoundId, compoundId));
  const left = await db
    .delete(gridBuildings)
    .where(inArray(gridBuildings.buildingId, buildingIds))
    .returning({ gridId: gridBuildings.gridId, buildingId: gridBuildings.buildingId });
  return left;
}

export async function areasUnderPath(db: DbOrTx, path: string) {
  return db
    .select()
    .from(areas)
    .where(and(like(areas.path, `${path}%`), live));
}
