import { and, asc, count, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db';
import { type Scope, scopeWhere } from '../../platform/scope';
import { users } from '../users/users.table';
import { buildings, dwellings, entrances } from './buildings.table';

const liveBuilding = isNull(buildings.archivedAt);

export async function listBuildingsOfCompound(db: DbOrTx, scope: Scope, compoundId: string) {
  return db
    .select({
      building: buildings,
      // Qualified by hand: in a single-table select Drizzle prints columns unqualified, and an
      // unqualified "id" inside the subquery would bind to dwellings.id and count nothing.
      dwellingCount: sql<number>`(select count(*)::int from ${dwellings} d where d.building_id = ${buildings}.id and d.status = 'active')`,
    })
    .from(buildings)
    .where(and(eq(buildings.compoundId, compoundId), liveBuilding, scopeWhere(scope, buildings)))
    .orderBy(sql`length(${buildings.name})`, asc(buildings.name));
}

export async function findBuildingInScope(
  db: DbOrTx,
  scope: Scope,
  id: string,
  opts: { forUpdate?: boolean } = {},
) {
  const q = db
    .select()
    .from(buildings)
    .where(and(eq(buildings.id, id), liveBuilding, scopeWhere(scope, buildings)));
  const [row] = opts.forUpdate ? await q.for('update') : await q;
  return row ?? null;
}

export async function findBuildingsInScope(db: DbOrTx, scope: Scope, ids: string[]) {
  if (ids.length === 0) return [];
  return db
    .select()
    .from(buildings)
    .where(and(inArray(buildings.id, ids), liveBuilding, scopeWhere(scope, buildings)));
}

export async function buildingNameTaken(db: DbOrTx, compoundId: string, name: string, exceptId?: string) {
  const rows = await db
    .select({ id: buildings.id })
    .from(buildings)
    .where(and(eq(buildings.compoundId, compoundId), eq(buildings.name, name), liveBuilding));
  return rows.some((r) => r.id !== exceptId);
}

export async function insertBuilding(db: DbOrTx, row: typeof buildings.$inferInsert) {
  const [created] = await db.insert(buildings).values(row).returning();
  return created!;
}

export async function insertEntrances(db: DbOrTx, rows: (typeof entrances.$inferInsert)[]) {
  return db.insert(entrances).values(rows).returning();
}

/** Large buildings can have 1,000+ flats: insert in chunks to stay under the bind-parameter limit. */
export async function insertDwellings(db: DbOrTx, rows: (typeof dwellings.$inferInsert)[]) {
  for (let i = 0; i < rows.length; i += 1000) {
    await db.insert(dwellings).values(rows.slice(i, i + 1000));
  }
}

export async function updateBuildingRow(
  db: DbOrTx,
  id: string,
  patch: Partial<typeof buildings.$inferInsert>,
) {
  const [row] = await db
    .update(buildings)
    .set({ ...patch, updatedAt: new Date(), version: sql`${buildings.version} + 1` })
    .where(eq(buildings.id, id))
    .returning();
  return row!;
}

export async function entrancesOf(db: DbOrTx, buildingId: string) {
  return db.select().from(entrances).where(eq(entrances.buildingId, buildingId)).orderBy(entrances.number);
}

export async function dwellingsOf(db: DbOrTx, buildingId: string) {
  return db
    .select()
    .from(dwellings)
    .where(eq(dwellings.buildingId, buildingId))
    .orderBy(dwellings.entranceId, dwellings.floor, dwellings.number);
}

export async function countActiveDwellings(db: DbOrTx, buildingId: string) {
  const [r] = await db
    .select({ n: count() })
    .from(dwellings)
    .where(and(eq(dwellings.buildingId, buildingId), eq(dwellings.status, 'active')));
  return Number(r?.n ?? 0);
}

export async function findDwellingInScope(
  db: DbOrTx,
  scope: Scope,
  id: string,
  opts: { forUpdate?: boolean } = {},
) {
  const q = db
    .select()
    .from(dwellings)
    .where(and(eq(dwellings.id, id), scopeWhere(scope, dwellings)));
  const [row] = opts.forUpdate ? await q.for('update') : await q;
  return row ?? null;
}

export async function dwellingNumberTaken(db: DbOrTx, entranceId: string, number: string, exceptId?: string) {
  const rows = await db
    .select({ id: dwellings.id })
    .from(dwellings)
    .where(
      and(eq(dwellings.entranceId, entranceId), eq(dwellings.number, number), eq(dwellings.status, 'active')),
    );
  return rows.some((r) => r.id !== exceptId);
}

export async function insertDwelling(db: DbOrTx, row: typeof dwellings.$inferInsert) {
  const [created] = await db.insert(dwellings).values(row).returning();
  return created!;
}

export async function updateDwellingRow(
  db: DbOrTx,
  id: string,
  patch: Partial<typeof dwellings.$inferInsert>,
) {
  const [row] = await db
    .update(dwellings)
    .set({ ...patch, updatedAt: new Date(), version: sql`${dwellings.version} + 1` })
    .where(eq(dwellings.id, id))
    .returning();
  return row!;
}

/** Who last verified a dwelling, by name, for its profile. */
export async function userNameOf(db: DbOrTx, userId: string | null) {
  if (!userId) return null;
  const [row] = await db.select({ name: users.name }).from(users).where(eq(users.id, userId));
  return row?.name ?? null;
}
