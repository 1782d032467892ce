import { and, desc, eq, getTableColumns, inArray, isNull, lt, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '../../platform/db';
import { type Scope, scopeWhere } from '../../platform/scope';
import { areas } from '../areas/areas.table';
import { buildings, dwellings, entrances } from '../buildings/buildings.table';
import { households, residents, residentTags } from '../registry/registry.table';
import { type ImportJobRow, importJobs, importTemplates } from './imports.table';

/**
 * The job without its two large columns (the encrypted rows run to megabytes, the report too): what
 * status polls and every step but preview and commit read.
 */
const { rowsEnc: _rows, report: _report, ...summaryColumns } = getTableColumns(importJobs);
const jobSummary = { ...summaryColumns, hasRows: sql<boolean>`${importJobs.rowsEnc} is not null` };
export type ImportJobSummary = Omit<ImportJobRow, 'rowsEnc' | 'report'> & { hasRows: boolean };

export async function insertJob(db: DbOrTx, row: typeof importJobs.$inferInsert): Promise<ImportJobSummary> {
  const [created] = await db.insert(importJobs).values(row).returning(jobSummary);
  return created!;
}

export async function findJobInScope(
  db: DbOrTx,
  scope: Scope,
  id: string,
  opts: { forUpdate?: boolean } = {},
): Promise<ImportJobSummary | null> {
  const q = db
    .select(jobSummary)
    .from(importJobs)
    .where(and(eq(importJobs.id, id), scopeWhere(scope, importJobs)));
  const [row] = opts.forUpdate ? await q.for('update') : await q;
  return row ?? null;
}

/** The encrypted rows of a job (null once purged), for preview and commit only. */
export async function rowsOfJob(db: DbOrTx, id: string) {
  const [row] = await db
    .select({ rowsEnc: importJobs.rowsEnc })
    .from(importJobs)
    .where(eq(importJobs.id, id));
  return row?.rowsEnc ?? null;
}

export async function reportOfJob(db: DbOrTx, id: string) {
  const [row] = await db.select({ report: importJobs.report }).from(importJobs).where(eq(importJobs.id, id));
  return row?.report ?? null;
}

export async function listJobs(db: DbOrTx, scope: Scope, communityId: string) {
  return db
    .select(jobSummary)
    .from(importJobs)
    .where(and(eq(importJobs.communityId, communityId), scopeWhere(scope, importJobs)))
    .orderBy(desc(importJobs.createdAt))
    .limit(20);
}

export async function updateJob(
  db: DbOrTx,
  id: string,
  patch: Partial<typeof importJobs.$inferInsert>,
): Promise<ImportJobSummary> {
  const [row] = await db
    .update(importJobs)
    .set({ ...patch, updatedAt: new Date(), version: sql`${importJobs.version} + 1` })
    .where(eq(importJobs.id, id))
    .returning(jobSummary);
  return row!;
}

/**
 * Jobs left queued or running by a stopped server. A job still being committed holds its row lock
 * for the whole transaction, so `skip locked` leaves the jobs of live instances alone.
 */
export async function failAbandonedJobs(db: DbOrTx) {
  await db.execute(sql`
    update ${importJobs} set status = 'failed', error_code = 'import.interrupted', finished_at = now(),
      updated_at = now(), version = version + 1
    where id in (
      select id from ${importJobs} where status in ('queued', 'running') for update skip locked
    )`);
}

/** Parsed rows hold ID numbers: once a draft has expired they are dropped, the job keeps its counts. */
export async function purgeExpiredRows(db: DbOrTx, now: Date) {
  await db
    .update(importJobs)
    .set({ rowsEnc: null })
    .where(and(lt(importJobs.expiresAt, now), sql`${importJobs.rowsEnc} is not null`));
}

export type Place = {
  dwellingId: string;
  streetId: string;
  communityId: string;
  compoundId: string;
  compoundName: string;
  buildingId: string;
  buildingName: string;
  entranceCount: number;
  entranceNumber: number;
  number: string;
};

/** Every active dwelling of a community with its compound, building and entrance: the import's address book. */
export async function placesOfCommunity(db: DbOrTx, communityId: string): Promise<Place[]> {
  return db
    .select({
      dwellingId: dwellings.id,
      streetId: dwellings.streetId,
      communityId: dwellings.communityId,
      compoundId: dwellings.compoundId,
      compoundName: areas.name,
      buildingId: buildings.id,
      buildingName: buildings.name,
      entranceCount: buildings.entranceCount,
      entranceNumber: entrances.number,
      number: dwellings.number,
    })
    .from(dwellings)
    .innerJoin(entrances, eq(entrances.id, dwellings.entranceId))
    .innerJoin(buildings, eq(buildings.id, dwellings.buildingId))
    .innerJoin(areas, eq(areas.id, dwellings.compoundId))
    .where(
      and(
        eq(dwellings.communityId, communityId),
        eq(dwellings.status, 'active'),
        isNull(buildings.archivedAt),
        isNull(areas.archivedAt),
      ),
    );
}

/** Live buildings of a community with their entrances: where a row's building is looked up (even with no dwelling yet). */
export async function buildingsOfCommunity(db: DbOrTx, communityId: string) {
  const [rows, doors] = await Promise.all([
    db
      .select({
        id: buildings.id,
        streetId: buildings.streetId,
        communityId: buildings.communityId,
        compoundId: buildings.compoundId,
        name: buildings.name,
        floors: buildings.floors,
        entranceCount: buildings.entranceCount,
      })
      .from(buildings)
      .where(and(eq(buildings.communityId, communityId), isNull(buildings.archivedAt))),
    db
      .select({ id: entrances.id, buildingId: entrances.buildingId, number: entrances.number })
      .from(entrances)
      .where(eq(entrances.communityId, communityId)),
  ]);
  return rows.map((b) => ({
    ...b,
    entrances: new Map(doors.filter((e) => e.buildingId === b.id).map((e) => [e.number, e.id])),
  }));
}
export type CommunityBuilding = Awaited<ReturnType<typeof buildingsOfCommunity>>[number];

export async function compoundsOfCommunity(db: DbOrTx, communityId: string) {
  return db
    .select({ id: areas.id, name: areas.name })
    .from(areas)
    .where(and(eq(areas.communityId, communityId), eq(areas.kind, 'compound'), isNull(areas.archivedAt)));
}

/** Active residents holding any of these ID hashes, wherever they live (the unique index is global). */
export async function activeByIdHashes(db: DbOrTx, hashes: string[]) {
  const out: {
    id: string;
    idNumberHash: string | null;
    communityId: string;
    streetId: string;
    birthDate: string | null;
    emergencyContactName: string | null;
    livingAlone: boolean;
  }[] = [];
  for (let i = 0; i < hashes.length; i += 5000) {
    const part = hashes.slice(i, i + 5000);
    out.push(
      ...(await db
        .select({
          id: residents.id,
          idNumberHash: residents.idNumberHash,
          communityId: residents.communityId,
          streetId: residents.streetId,
          birthDate: residents.birthDate,
          emergencyContactName: residents.emergencyContactName,
          // 独居 is not a sensitive tag, so it is stored as its code.
          livingAlone: sql<boolean>`exists (select 1 from ${residentTags} t where t.resident_id = ${residents}.id and t.tag = 'living_alone')`,
        })
        .from(residents)
        .where(and(inArray(residents.idNumberHash, part), eq(residents.status, 'active')))),
    );
  }
  return out;
}

/** Active households of these dwellings with their head's name, so imported members can join them. */
export async function activeHouseholdsOf(db: DbOrTx, dwellingIds: string[]) {
  const out: { id: string; dwellingId: string; headName: string | null }[] = [];
  for (let i = 0; i < dwellingIds.length; i += 5000) {
    out.push(
      ...(await db
        .select({ id: households.id, dwellingId: households.dwellingId, headName: residents.name })
        .from(households)
        .leftJoin(residents, eq(residents.id, households.headResidentId))
        .where(
          and(
            inArray(households.dwellingId, dwellingIds.slice(i, i + 5000)),
            eq(households.status, 'active'),
          ),
        )),
    );
  }
  return out;
}

/**
 * Many rows in one statement with one array per column (`insert … select * from unnest(…)`): a few
 * dozen parameters instead of tens of thousands, which is what makes a 50k-row import affordable.
 */
async function insertByUnnest(db: DbOrTx, table: PgTable, rows: Record<string, unknown>[]) {
  if (rows.length === 0) return;
  const columns = getTableColumns(table) as Record<string, PgColumn>;
  const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))].filter((k) => columns[k]);
  const parts = keys.map((k) => {
    const column = columns[k]!;
    const values = rows.map((r) => {
      const v = r[k];
      return v instanceof Date ? v.toISOString() : (v ?? null);
    });
    return { name: column.name, type: column.getSQLType(), values };
  });
  const names = sql.join(
    parts.map((p) => sql.identifier(p.name)),
    sql`, `,
  );
  const arrays = sql.join(
    parts.map((p) => sql`${sql.param(p.values)}::${sql.raw(p.type)}[]`),
    sql`, `,
  );
  await db.execute(sql`insert into ${table} (${names}) select * from unnest(${arrays})`);
}

const UNNEST_BATCH = 5000;

export async function insertHouseholds(db: DbOrTx, rows: (typeof households.$inferInsert)[]) {
  for (let i = 0; i < rows.length; i += UNNEST_BATCH) {
    await insertByUnnest(db, households, rows.slice(i, i + UNNEST_BATCH));
  }
}

export async function insertResidents(
  db: DbOrTx,
  rows: (typeof residents.$inferInsert)[],
  onBatch: (done: number) => void,
) {
  for (let i = 0; i < rows.length; i += UNNEST_BATCH) {
    await insertByUnnest(db, residents, rows.slice(i, i + UNNEST_BATCH));
    onBatch(Math.min(i + UNNEST_BATCH, rows.length));
  }
}

/** Adds tags, keeping those already set (an import never removes what someone entered). */
export async function addTags(db: DbOrTx, rows: (typeof residentTags.$inferInsert)[]) {
  for (let i = 0; i < rows.length; i += 5000) {
    await db
      .insert(residentTags)
      .values(rows.slice(i, i + 5000))
      .onConflictDoNothing();
  }
}

export async function insertTemplate(db: DbOrTx, row: typeof importTemplates.$inferInsert) {
  const [created] = await db.insert(importTemplates).values(row).returning();
  return created!;
}

export async function templateNameTaken(db: DbOrTx, communityId: string, name: string) {
  const rows = await db
    .select({ id: importTemplates.id })
    .from(importTemplates)
    .where(
      and(
        eq(importTemplates.communityId, communityId),
        eq(importTemplates.name, name),
        isNull(importTemplates.archivedAt),
      ),
    );
  return rows.length > 0;
}

export async function listTemplates(db: DbOrTx, scope: Scope, communityId: string) {
  return db
    .select()
    .from(importTemplates)
    .where(
      and(
        eq(importTemplates.communityId, communityId),
        isNull(importTemplates.archivedAt),
        scopeWhere(scope, importTemplates),
      ),
    )
    .orderBy(importTemplates.name);
}
