import type { DedupeReason } from '@linli/shared';
import {
  and,
  count,
  desc,
  eq,
  getTableColumns,
  gt,
  inArray,
  isNotNull,
  isNull,
  ne,
  or,
  type SQL,
  sql,
} from 'drizzle-orm';
import { alias, type PgColumn, type PgTable } from 'drizzle-orm/pg-core';
import type { DbOrTx } from '../../platform/db';
import { type Scope, scopeWhere } from '../../platform/scope';
import { areas } from '../areas/areas.table';
import { auditLog } from '../audit/audit.table';
import { buildings, dwellings, entrances } from '../buildings/buildings.table';
import { households, residentRelations, residents, residentTags } from '../registry/registry.table';
import { users } from '../users/users.table';
import { dedupeDismissals, type ResidentMergeRow, type RowSnapshot, residentMerges } from './dedupe.table';

export type GroupArgs = { communityId?: string; limit: number };

type KeyedRule = Exclude<DedupeReason, 'dwelling_similar_name'>;

/** The records each rule groups, and the key it groups them by (within one street). */
const RULE_GROUPS: Record<KeyedRule, { where: SQL; key: SQL[]; having?: SQL }> = {
  // An active record and a moved-out or deceased one with the same ID: someone re-registered instead
  // of being moved back, or a death recorded against the wrong person. Two active records cannot
  // share an ID (unique index), so a group needs one of each.
  same_id: {
    where: and(
      inArray(residents.status, ['active', 'moved_out', 'deceased']),
      isNotNull(residents.idNumberHash),
    ) as SQL,
    key: [sql`${residents.idNumberHash}`],
    having: sql`bool_or(${residents.status} = 'active') and bool_or(${residents.status} <> 'active')`,
  },
  name_phone: {
    where: and(eq(residents.status, 'active'), isNotNull(residents.phoneHash)) as SQL,
    key: [sql`${residents.phoneHash}`, sql`${residents.name}`],
  },
  pinyin_birth: {
    where: and(
      eq(residents.status, 'active'),
      isNotNull(residents.birthDate),
      ne(residents.namePinyin, ''),
    ) as SQL,
    key: [sql`${residents.namePinyin}`, sql`${residents.birthDate}`],
  },
};

/** A community filter keeps a group with at least one member in that community. */
const touches = (communityId?: string) =>
  communityId ? sql` and bool_or(${residents.communityId} = ${communityId})` : sql``;

/**
 * Records sharing a rule's key, as groups of ids: at most `limit + 1` groups. The keys held more than
 * once are found first by an aggregate over the rule's covering index alone (`residents_dedupe_*`);
 * only their members are then read. Aggregating every resident's id too cost seconds at street scale.
 */
export async function duplicateGroups(db: DbOrTx, scope: Scope, rule: KeyedRule, args: GroupArgs) {
  const g = RULE_GROUPS[rule];
  const filter = and(scopeWhere(scope, residents), g.where);
  const key = sql.join(g.key, sql`, `);
  const heldTwice = sql`select ${key} from ${residents} where ${filter}
    group by ${residents.streetId}, ${key}
    having count(*) > 1${g.having ? sql` and ${g.having}` : sql``}${touches(args.communityId)}
    limit ${args.limit + 1}`;
  return db
    .select({
      members: sql<
        { id: string; status: string }[]
      >`json_agg(json_build_object('id', ${residents.id}, 'status', ${residents.status}) order by ${residents.id})`,
    })
    .from(residents)
    .where(and(filter, sql`(${key}) in (${heldTwice})`))
    .groupBy(residents.streetId, ...g.key);
}

const birthYear = (column: PgColumn) => sql`extract(year from ${column})`;

/**
 * Pairs of active residents of one dwelling that the similar-name rule could join: what it asks
 * (pinyin lengths within one and birth years within one, or equal initials and birth year) without
 * the edit distance, which the rule then computes on these few. Handing over every shared dwelling
 * instead (most of them, at street scale) cost seconds.
 */
export async function dwellingPairs(db: DbOrTx, scope: Scope, args: Omit<GroupArgs, 'limit'>) {
  const other = alias(residents, 'other');
  const facts = (r: typeof residents | typeof other) => ({
    id: r.id,
    namePinyin: r.namePinyin,
    nameInitials: r.nameInitials,
    birthDate: r.birthDate,
  });
  return db
    .select({ a: facts(residents), b: facts(other) })
    .from(residents)
    .innerJoin(
      other,
      and(
        eq(other.streetId, residents.streetId),
        eq(other.dwellingId, residents.dwellingId),
        gt(other.id, residents.id),
        eq(other.status, 'active'),
      ),
    )
    .where(
      and(
        scopeWhere(scope, residents),
        eq(residents.status, 'active'),
        args.communityId ? eq(residents.communityId, args.communityId) : undefined,
        or(
          and(
            ne(residents.namePinyin, ''),
            ne(other.namePinyin, ''),
            sql`abs(length(${residents.namePinyin}) - length(${other.namePinyin})) <= 1`,
            or(
              isNull(residents.birthDate),
              isNull(other.birthDate),
              sql`abs(${birthYear(residents.birthDate)} - ${birthYear(other.birthDate)}) <= 1`,
            ),
          ),
          and(
            ne(residents.nameInitials, ''),
            eq(residents.nameInitials, other.nameInitials),
            sql`${birthYear(residents.birthDate)} = ${birthYear(other.birthDate)}`,
          ),
        ),
      ),
    );
}

/** The pairs among these that someone already judged to be two people. */
export async function dismissedAmong(db: DbOrTx, lowIds: string[]) {
  if (lowIds.length === 0) return new Set<string>();
  const rows = await db
    .select({ lo: dedupeDismissals.residentLowId, hi: dedupeDismissals.residentHighId })
    .from(dedupeDismissals)
    .where(inArray(dedupeDismissals.residentLowId, [...new Set(lowIds)]));
  return new Set(rows.map((r) => `${r.lo}|${r.hi}`));
}

/** What the rules and the candidate list need of each record, with its address parts. */
export async function factsOf(db: DbOrTx, scope: Scope, ids: string[]) {
  if (ids.length === 0) return [];
  return db
    .select({
      id: residents.id,
      communityId: residents.communityId,
      name: residents.name,
      namePinyin: residents.namePinyin,
      nameInitials: residents.nameInitials,
      sex: residents.sex,
      birthDate: residents.birthDate,
      idNumberHash: residents.idNumberHash,
      idNumberMasked: residents.idNumberMasked,
      phoneHash: residents.phoneHash,
      phoneMasked: residents.phoneMasked,
      dwellingId: residents.dwellingId,
      status: residents.status,
      version: residents.version,
      compoundName: areas.name,
      buildingName: buildings.name,
      entranceCount: buildings.entranceCount,
      entranceNumber: entrances.number,
      dwellingNumber: dwellings.number,
    })
    .from(residents)
    .innerJoin(dwellings, eq(dwellings.id, residents.dwellingId))
    .innerJoin(entrances, eq(entrances.id, dwellings.entranceId))
    .innerJoin(buildings, eq(buildings.id, residents.buildingId))
    .innerJoin(areas, eq(areas.id, residents.compoundId))
    .where(and(inArray(residents.id, ids), scopeWhere(scope, residents)));
}
export type ResidentFacts = Awaited<ReturnType<typeof factsOf>>[number];

export async function insertDismissal(db: DbOrTx, row: typeof dedupeDismissals.$inferInsert) {
  const inserted = await db.insert(dedupeDismissals).values(row).onConflictDoNothing().returning();
  return inserted.length > 0;
}

export async function timelineCount(db: DbOrTx, residentId: string) {
  const [r] = await db
    .select({ n: count() })
    .from(auditLog)
    .where(and(eq(auditLog.entityType, 'resident'), eq(auditLog.entityId, residentId)));
  return Number(r?.n ?? 0);
}

// Snapshots: whole rows as JSON, taken and restored by PostgreSQL itself, so every column (ciphertext,
// hashes, masks, timestamps to the microsecond, columns added later) comes back exactly as it was.

const SNAPSHOT_TABLES = { residents, households, resident_relations: residentRelations } as const;
export type SnapshotTable = keyof typeof SNAPSHOT_TABLES;

export async function snapshotRow(db: DbOrTx, table: SnapshotTable, id: string) {
  const t = SNAPSHOT_TABLES[table];
  const rows = await db.execute<{ row: RowSnapshot }>(
    sql`select to_jsonb(t) as row from ${t} t where t.id = ${id}`,
  );
  return rowsOf<{ row: RowSnapshot }>(rows)[0]?.row ?? null;
}

export async function snapshotTags(db: DbOrTx, residentId: string): Promise<RowSnapshot[]> {
  const rows = await db.execute<{ rows: RowSnapshot[] }>(
    sql`select coalesce(jsonb_agg(to_jsonb(t) order by t.tag), '[]'::jsonb) as rows from ${residentTags} t where t.resident_id = ${residentId}`,
  );
  return rowsOf<{ rows: RowSnapshot[] }>(rows)[0]?.rows ?? [];
}

/** Drivers differ: node-postgres answers `{ rows }`, PGlite too; both are read the same way. */
function rowsOf<T>(result: unknown): T[] {
  return ((result as { rows?: T[] }).rows ?? (result as T[])) as T[];
}

function columnNames(table: PgTable) {
  return Object.values(getTableColumns(table) as Record<string, PgColumn>).map((c) => c.name);
}

/** Puts a row back as its snapshot has it; columns the snapshot does not know are left alone. */
export async function restoreRow(db: DbOrTx, table: SnapshotTable, snapshot: RowSnapshot) {
  const t = SNAPSHOT_TABLES[table];
  const cols = columnNames(t).filter((c) => c !== 'id' && c in snapshot);
  const list = sql.join(
    cols.map((c) => sql.identifier(c)),
    sql`, `,
  );
  await db.execute(
    sql`update ${t} set (${list}) = (select ${list} from jsonb_populate_record(null::${t}, ${JSON.stringify(snapshot)}::jsonb)) where id = ${String(snapshot.id)}::uuid`,
  );
}

export async function restoreTags(db: DbOrTx, residentId: string, rows: RowSnapshot[]) {
  await db.delete(residentTags).where(eq(residentTags.residentId, residentId));
  if (rows.length === 0) return;
  const list = sql.join(
    columnNames(residentTags).map((c) => sql.identifier(c)),
    sql`, `,
  );
  await db.execute(
    sql`insert into ${residentTags} (${list}) select ${list} from jsonb_populate_recordset(null::${residentTags}, ${JSON.stringify(rows)}::jsonb)`,
  );
}

export async function versionOf(db: DbOrTx, table: SnapshotTable, id: string) {
  const t = SNAPSHOT_TABLES[table];
  const [r] = await db.select({ version: t.version }).from(t).where(eq(t.id, id));
  return r?.version ?? null;
}

/** Relations naming the merged record at either end, except one between the two records themselves. */
export async function relationsNaming(db: DbOrTx, mergedId: string, survivorId: string) {
  return db
    .select({ id: residentRelations.id })
    .from(residentRelations)
    .where(
      or(
        and(
          eq(residentRelations.residentId, mergedId),
          sql`${residentRelations.otherResidentId} is distinct from ${survivorId}`,
        ),
        and(eq(residentRelations.otherResidentId, mergedId), ne(residentRelations.residentId, survivorId)),
      ),
    )
    .for('update');
}

/** Points a relation's ends that name the merged record at the survivor instead. */
export async function repointRelation(
  db: DbOrTx,
  id: string,
  merged: string,
  survivor: { id: string; communityId: string },
) {
  await db
    .update(residentRelations)
    .set({
      residentId: sql`case when ${residentRelations.residentId} = ${merged} then ${survivor.id}::uuid else ${residentRelations.residentId} end`,
      communityId: sql`case when ${residentRelations.residentId} = ${merged} then ${survivor.communityId}::uuid else ${residentRelations.communityId} end`,
      otherResidentId: sql`case when ${residentRelations.otherResidentId} = ${merged} then ${survivor.id}::uuid else ${residentRelations.otherResidentId} end`,
      updatedAt: new Date(),
      version: sql`${residentRelations.version} + 1`,
    })
    .where(eq(residentRelations.id, id));
}

export async function insertMerge(db: DbOrTx, row: typeof residentMerges.$inferInsert) {
  await db.insert(residentMerges).values(row);
}

const survivorRow = alias(residents, 'survivor');
const mergedRow = alias(residents, 'merged');
const mergedBy = alias(users, 'merged_by');
const undoneBy = alias(users, 'undone_by');

function mergeSelect(db: DbOrTx) {
  return db
    .select({
      merge: residentMerges,
      survivorName: survivorRow.name,
      mergedName: mergedRow.name,
      mergedByName: mergedBy.name,
      undoneByName: undoneBy.name,
    })
    .from(residentMerges)
    .innerJoin(survivorRow, eq(survivorRow.id, residentMerges.survivorId))
    .innerJoin(mergedRow, eq(mergedRow.id, residentMerges.mergedId))
    .leftJoin(mergedBy, eq(mergedBy.id, residentMerges.createdBy))
    .leftJoin(undoneBy, eq(undoneBy.id, residentMerges.undoneBy));
}
export type MergeWithNames = Awaited<ReturnType<ReturnType<typeof mergeSelect>['execute']>>[number];

/** Both records of the merge must lie in the scope: the survivor's keys and the merged one's. */
function mergeScope(scope: Scope): SQL {
  return and(
    scopeWhere(scope, residentMerges),
    scopeWhere(scope, {
      streetId: residentMerges.mergedStreetId,
      communityId: residentMerges.mergedCommunityId,
    }),
  ) as SQL;
}

export async function findMergeInScope(
  db: DbOrTx,
  scope: Scope,
  id: string,
  opts: { forUpdate?: boolean } = {},
) {
  const q = mergeSelect(db).where(and(eq(residentMerges.id, id), mergeScope(scope)));
  const [row] = opts.forUpdate ? await q.for('update', { of: residentMerges }) : await q;
  return row ?? null;
}

export async function listMerges(db: DbOrTx, scope: Scope, status?: 'merged' | 'undone') {
  return mergeSelect(db)
    .where(and(mergeScope(scope), status ? eq(residentMerges.status, status) : undefined))
    .orderBy(desc(residentMerges.createdAt))
    .limit(200);
}

export async function updateMerge(db: DbOrTx, id: string, patch: Partial<ResidentMergeRow>) {
  await db
    .update(residentMerges)
    .set({ ...patch, updatedAt: new Date(), version: sql`${residentMerges.version} + 1` })
    .where(eq(residentMerges.id, id));
}

/** What was changed on these residents since a moment (for an undo that must not clobber later edits). */
export async function changesSince(db: DbOrTx, residentIds: string[], since: Date) {
  return db
    .select({ action: auditLog.action, changes: auditLog.changes })
    .from(auditLog)
    .where(
      and(
        eq(auditLog.entityType, 'resident'),
        inArray(auditLog.entityId, residentIds),
        gt(auditLog.at, since),
        ne(auditLog.action, 'resident.reveal'),
      ),
    );
}
