import { and, asc, count, desc, eq, inArray, is, isNull, lt, ne, type SQL, sql } from 'drizzle-orm';
import { alias, PgTransaction } from 'drizzle-orm/pg-core';
import type { Db, DbOrTx } from '../../platform/db';
import { rowsOf } from '../../platform/db';
import { type Scope, scopeWhere } from '../../platform/scope';
import { areas } from '../areas/areas.table';
import { buildings, dwellings, entrances } from '../buildings/buildings.table';
import { users } from '../users/users.table';
import type { ChoiceCounts } from './forms.rules';
import { type FormRow, formSubmissions, forms, formVersions } from './forms.table';

export type FormWithArea = { form: FormRow; areaName: string };

const withArea = (db: DbOrTx) =>
  db.select({ form: forms, areaName: areas.name }).from(forms).innerJoin(areas, eq(areas.id, forms.areaId));

/** A street-wide form (community_id null) is reached only through a street or district grant. */
const formScope = (scope: Scope): SQL =>
  scopeWhere(scope, {
    districtId: forms.districtId,
    streetId: forms.streetId,
    communityId: forms.communityId,
  });

export async function findFormInScope(
  db: DbOrTx,
  scope: Scope,
  id: string,
  opts: { forUpdate?: boolean } = {},
): Promise<FormWithArea | null> {
  const q = withArea(db).where(and(eq(forms.id, id), formScope(scope)));
  const [row] = opts.forUpdate ? await q.for('update', { of: forms }) : await q;
  return row ?? null;
}

export async function listFormsInScope(
  db: DbOrTx,
  scope: Scope,
  q: { status?: FormRow['status']; areaId?: string; cursor?: string; limit: number },
): Promise<FormWithArea[]> {
  const where = [formScope(scope)];
  // Archived forms only when asked for: the list is for what is being worked on.
  where.push(q.status ? eq(forms.status, q.status) : ne(forms.status, 'archived'));
  if (q.areaId) where.push(eq(forms.areaId, q.areaId));
  if (q.cursor) where.push(lt(forms.id, q.cursor));
  return withArea(db)
    .where(and(...where))
    .orderBy(desc(forms.id))
    .limit(q.limit + 1);
}

export async function insertForm(db: DbOrTx, row: typeof forms.$inferInsert) {
  await db.insert(forms).values(row);
}

export async function updateFormRow(db: DbOrTx, id: string, patch: Partial<typeof forms.$inferInsert>) {
  const [row] = await db
    .update(forms)
    .set({ ...patch, updatedAt: new Date(), version: sql`${forms.version} + 1` })
    .where(eq(forms.id, id))
    .returning();
  return row!;
}

export async function insertVersion(db: DbOrTx, row: typeof formVersions.$inferInsert) {
  await db.insert(formVersions).values(row);
}

export async function versionsOf(db: DbOrTx, formId: string) {
  return db
    .select({ version: formVersions, publishedByName: users.name })
    .from(formVersions)
    .leftJoin(users, eq(users.id, formVersions.publishedBy))
    .where(eq(formVersions.formId, formId))
    .orderBy(desc(formVersions.versionNo));
}

export async function findVersion(db: DbOrTx, formId: string, versionNo: number) {
  const [row] = await db
    .select()
    .from(formVersions)
    .where(and(eq(formVersions.formId, formId), eq(formVersions.versionNo, versionNo)));
  return row ?? null;
}

/** Answers not withdrawn, per form. */
export async function liveCounts(db: DbOrTx, formIds: string[]): Promise<Map<string, number>> {
  if (!formIds.length) return new Map();
  const rows = await db
    .select({ formId: formSubmissions.formId, n: count() })
    .from(formSubmissions)
    .where(and(inArray(formSubmissions.formId, formIds), ne(formSubmissions.status, 'withdrawn')))
    .groupBy(formSubmissions.formId);
  return new Map(rows.map((r) => [r.formId, Number(r.n)]));
}

export async function liveCountsByVersion(db: DbOrTx, formId: string): Promise<Map<number, number>> {
  const rows = await db
    .select({ versionNo: formSubmissions.versionNo, n: count() })
    .from(formSubmissions)
    .where(and(eq(formSubmissions.formId, formId), ne(formSubmissions.status, 'withdrawn')))
    .groupBy(formSubmissions.versionNo);
  return new Map(rows.map((r) => [r.versionNo, Number(r.n)]));
}

// ——— Public side ———

export async function findFormBySlug(db: DbOrTx, slug: string): Promise<FormWithArea | null> {
  const [row] = await withArea(db).where(eq(forms.slug, slug));
  return row ?? null;
}

/** The form of a slug and, in the same round trip, the answer already stored under this key, if any. */
/** The columns a public submit writes; every one is given (null where empty), none left to defaults. */
const SUBMIT_COLUMNS = [
  'id',
  'formId',
  'versionId',
  'versionNo',
  'districtId',
  'streetId',
  'communityId',
  'dwellingId',
  'reference',
  'idempotencyKey',
  'bodyHash',
  'answersEnc',
  'summary',
  'nameHash',
  'phoneHash',
  'phoneMask',
  'idHash',
  'idMask',
  'limitKey',
  'submittedAt',
  'updatedAt',
] as const satisfies readonly (keyof typeof formSubmissions.$inferInsert)[];
export type SubmissionInsert = {
  [K in (typeof SUBMIT_COLUMNS)[number]]-?: Exclude<(typeof formSubmissions.$inferInsert)[K], undefined>;
};

/**
 * The three statements of every public submit, prepared once per database: building a Drizzle query
 * took more of the server's CPU than PostgreSQL spent running it (bench:forms profile, ADR 0009).
 */
function prepareSubmitQueries(db: Db) {
  const formByKey = db
    .select({ form: forms, earlier: formSubmissions })
    .from(forms)
    .leftJoin(
      formSubmissions,
      and(eq(formSubmissions.formId, forms.id), eq(formSubmissions.idempotencyKey, sql.placeholder('key'))),
    )
    .where(eq(forms.slug, sql.placeholder('slug')))
    .prepare('linli_form_by_key');
  const dwellingPlace = dwellingPlaceQuery(db).prepare('linli_dwelling_place');
  const insert = db
    .insert(formSubmissions)
    .values(Object.fromEntries(SUBMIT_COLUMNS.map((c) => [c, sql.placeholder(c)])) as never)
    .onConflictDoNothing({ target: [formSubmissions.formId, formSubmissions.idempotencyKey] })
    .returning({ id: formSubmissions.id })
    .prepare('linli_insert_submission');
  return { formByKey, dwellingPlace, insert };
}

const preparedSubmit = new WeakMap<Db, ReturnType<typeof prepareSubmitQueries>>();
/** Prepared statements belong to the database object; inside a transaction the builder runs instead. */
function submitQueries(db: DbOrTx) {
  if (is(db, PgTransaction)) return null;
  let queries = preparedSubmit.get(db as Db);
  if (!queries) {
    queries = prepareSubmitQueries(db as Db);
    preparedSubmit.set(db as Db, queries);
  }
  return queries;
}

export async function findFormAndAnswerByKey(db: Db, slug: string, idempotencyKey: string) {
  const [row] = await submitQueries(db)!.formByKey.execute({ slug, key: idempotencyKey });
  return row ?? null;
}

/** Serialises the answers that count against a capacity or take a place in a chain. */
export async function lockForm(tx: DbOrTx, id: string) {
  const [row] = await tx
    .select({ status: forms.status, opensAt: forms.opensAt, closesAt: forms.closesAt })
    .from(forms)
    .where(eq(forms.id, id))
    .for('update');
  return row!;
}

/** Non-withdrawn answers per chosen option, over all versions (chains are small). */
export async function choiceCounts(db: DbOrTx, formId: string): Promise<ChoiceCounts> {
  const result = await db.execute<{ key: string; value: string; n: number }>(sql`
    select c.key as key, v.value as value, count(*)::int as n
    from ${formSubmissions} s,
      jsonb_each(s.summary -> 'choices') c,
      jsonb_array_elements_text(c.value) v
    where s.form_id = ${formId} and s.status <> 'withdrawn'
    group by c.key, v.value`);
  const out: ChoiceCounts = {};
  for (const r of rowsOf<{ key: string; value: string; n: number }>(result)) {
    out[r.key] ??= {};
    out[r.key]![r.value] = Number(r.n);
  }
  return out;
}

export async function countLiveBefore(db: DbOrTx, formId: string, id: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(formSubmissions)
    .where(
      and(
        eq(formSubmissions.formId, formId),
        ne(formSubmissions.status, 'withdrawn'),
        sql`${formSubmissions.id} <= ${id}`,
      ),
    );
  return Number(row?.n ?? 0);
}

/** A chain in sign-up order (ids are time-ordered and taken under the form's lock). */
export async function chainRows(db: DbOrTx, formId: string, limit: number) {
  return db
    .select()
    .from(formSubmissions)
    .where(and(eq(formSubmissions.formId, formId), ne(formSubmissions.status, 'withdrawn')))
    .orderBy(asc(formSubmissions.id))
    .limit(limit);
}

export async function findSubmissionByKey(db: DbOrTx, formId: string, key: string) {
  const [row] = await db
    .select()
    .from(formSubmissions)
    .where(and(eq(formSubmissions.formId, formId), eq(formSubmissions.idempotencyKey, key)));
  return row ?? null;
}

export async function findSubmissionByReference(
  db: DbOrTx,
  formId: string,
  reference: string,
  opts: { forUpdate?: boolean } = {},
) {
  const q = db
    .select()
    .from(formSubmissions)
    .where(and(eq(formSubmissions.formId, formId), eq(formSubmissions.reference, reference)));
  const [row] = opts.forUpdate ? await q.for('update') : await q;
  return row ?? null;
}

/** Inserts unless the idempotency key was used already (then null: a concurrent twin won). */
export async function insertSubmission(db: DbOrTx, row: SubmissionInsert) {
  const prepared = submitQueries(db);
  const [inserted] = prepared
    ? await prepared.insert.execute(row)
    : await db
        .insert(formSubmissions)
        .values(row)
        .onConflictDoNothing({ target: [formSubmissions.formId, formSubmissions.idempotencyKey] })
        .returning({ id: formSubmissions.id });
  return inserted ?? null;
}

export async function setSubmissionAnswers(db: DbOrTx, id: string, answersEnc: string) {
  await db.update(formSubmissions).set({ answersEnc }).where(eq(formSubmissions.id, id));
}

export async function withdrawSubmission(db: DbOrTx, id: string, now: Date) {
  await db
    .update(formSubmissions)
    .set({
      status: 'withdrawn',
      withdrawnAt: now,
      updatedAt: now,
      version: sql`${formSubmissions.version} + 1`,
    })
    .where(eq(formSubmissions.id, id));
}

/** A live dwelling with what its label needs, or null. */
export async function findDwellingPlace(db: Db, dwellingId: string) {
  const [row] = await submitQueries(db)!.dwellingPlace.execute({ id: dwellingId });
  return row ?? null;
}

function dwellingPlaceQuery(db: Db) {
  return db
    .select({
      id: dwellings.id,
      streetId: dwellings.streetId,
      communityId: dwellings.communityId,
      compoundId: dwellings.compoundId,
      buildingId: dwellings.buildingId,
      number: dwellings.number,
      buildingName: buildings.name,
      entranceCount: buildings.entranceCount,
      entranceNumber: entrances.number,
      compoundName: areas.name,
    })
    .from(dwellings)
    .innerJoin(buildings, eq(buildings.id, dwellings.buildingId))
    .innerJoin(entrances, eq(entrances.id, dwellings.entranceId))
    .innerJoin(areas, eq(areas.id, dwellings.compoundId))
    .where(
      and(
        eq(dwellings.id, sql.placeholder('id')),
        eq(dwellings.status, 'active'),
        isNull(buildings.archivedAt),
        isNull(areas.archivedAt),
      ),
    );
}

/** The area a form serves, as the columns a place row carries. */
export type FormArea = { streetId: string; communityId: string | null };
const inArea = (
  area: FormArea,
  cols: { streetId: typeof areas.streetId; communityId: typeof areas.communityId },
) => (area.communityId ? eq(cols.communityId, area.communityId) : eq(cols.streetId, area.streetId));

const community = alias(areas, 'community');

/** Compounds of the area, each with its community (a street-wide form lists several communities). */
export async function compoundsOf(db: DbOrTx, area: FormArea) {
  return db
    .select({ id: areas.id, name: areas.name, communityName: community.name })
    .from(areas)
    .innerJoin(community, eq(community.id, areas.communityId))
    .where(and(eq(areas.kind, 'compound'), isNull(areas.archivedAt), inArea(area, areas)))
    .orderBy(asc(community.sortOrder), asc(community.name), asc(areas.sortOrder), asc(areas.name))
    .limit(2000);
}

export async function findCompound(db: DbOrTx, area: FormArea, id: string) {
  const [row] = await db
    .select({ id: areas.id, name: areas.name })
    .from(areas)
    .where(and(eq(areas.id, id), eq(areas.kind, 'compound'), isNull(areas.archivedAt), inArea(area, areas)));
  return row ?? null;
}

export async function buildingsOfCompound(db: DbOrTx, compoundId: string) {
  return db
    .select({ id: buildings.id, name: buildings.name })
    .from(buildings)
    .where(and(eq(buildings.compoundId, compoundId), isNull(buildings.archivedAt)))
    .limit(2000);
}

export async function findBuilding(db: DbOrTx, area: FormArea, id: string) {
  const [row] = await db
    .select({
      id: buildings.id,
      name: buildings.name,
      entranceCount: buildings.entranceCount,
      compoundId: buildings.compoundId,
      compoundName: areas.name,
    })
    .from(buildings)
    .innerJoin(areas, eq(areas.id, buildings.compoundId))
    .where(
      and(
        eq(buildings.id, id),
        isNull(buildings.archivedAt),
        isNull(areas.archivedAt),
        area.communityId
          ? eq(buildings.communityId, area.communityId)
          : eq(buildings.streetId, area.streetId),
      ),
    );
  return row ?? null;
}

export async function dwellingsOfBuilding(db: DbOrTx, buildingId: string) {
  return db
    .select({
      id: dwellings.id,
      number: dwellings.number,
      floor: dwellings.floor,
      entranceNumber: entrances.number,
    })
    .from(dwellings)
    .innerJoin(entrances, eq(entrances.id, dwellings.entranceId))
    .where(and(eq(dwellings.buildingId, buildingId), eq(dwellings.status, 'active')))
    .orderBy(asc(entrances.number), asc(dwellings.floor), asc(dwellings.number))
    .limit(5000);
}

// ——— Retention ———

/** Every published version with the retention its notice promised. */
export async function versionRetentions(db: DbOrTx) {
  return db
    .select({
      id: formVersions.id,
      formId: formVersions.formId,
      retentionDays: sql<number>`(${formVersions.privacy} ->> 'retentionDays')::int`,
    })
    .from(formVersions)
    .orderBy(asc(formVersions.formId));
}

/** Answers to one version submitted before the cut-off (a range scan of the form's time index). */
export async function deleteAnswersBefore(
  tx: DbOrTx,
  formId: string,
  versionId: string,
  cutoff: Date,
): Promise<number> {
  const rows = await tx
    .delete(formSubmissions)
    .where(
      and(
        eq(formSubmissions.formId, formId),
        lt(formSubmissions.submittedAt, cutoff),
        eq(formSubmissions.versionId, versionId),
      ),
    )
    .returning({ id: formSubmissions.id });
  return rows.length;
}

export async function findFormById(db: DbOrTx, id: string) {
  const [row] = await db.select().from(forms).where(eq(forms.id, id));
  return row ?? null;
}
