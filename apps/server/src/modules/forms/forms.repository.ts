import { and, asc, count, desc, eq, inArray, is, isNull, lt, ne, or, type SQL, sql } from 'drizzle-orm';
import { type AnyPgColumn, alias, PgTransaction } from 'drizzle-orm/pg-core';
import type { Db, DbOrTx } from '../../platform/db';
import { prepareStatement, rowsOf } from '../../platform/db';
import { type Scope, scopeWhere } from '../../platform/scope';
import { areas } from '../areas/areas.table';
import { buildings, dwellings, entrances } from '../buildings/buildings.table';
import { users } from '../users/users.table';
import type { ChoiceCounts } from './forms.rules';
import { type FormRow, formSubmissions, forms, formVersions } from './forms.table';

export type FormWithArea = { form: FormRow; areaName: string };

const withArea = (db: DbOrTx) =>
  db.select({ form: forms, areaName: areas.name }).from(forms).innerJoin(areas, eq(areas.id, forms.areaId));

/** A street-wide form (community_id null) is managed only through a street or district grant. */
const formScope = (scope: Scope): SQL =>
  scopeWhere(scope, {
    districtId: forms.districtId,
    streetId: forms.streetId,
    communityId: forms.communityId,
  });

/**
 * What the scope may read: its own forms and the street-wide forms of the streets its community-level
 * grants lie in (their answers reach those communities' inboxes too).
 */
const formReadScope = (scope: Scope): SQL => {
  const streets = [
    ...new Set(scope.grants.flatMap((g) => (g.communityId && g.streetId ? [g.streetId] : []))),
  ];
  if (!streets.length) return formScope(scope);
  return or(formScope(scope), and(isNull(forms.communityId), inArray(forms.streetId, streets))) as SQL;
};

/** `streetWide`: also the street-wide forms the scope only reads (see `formReadScope`). */
export async function findFormInScope(
  db: DbOrTx,
  scope: Scope,
  id: string,
  opts: { forUpdate?: boolean; streetWide?: boolean } = {},
): Promise<FormWithArea | null> {
  const q = withArea(db).where(
    and(eq(forms.id, id), opts.streetWide ? formReadScope(scope) : formScope(scope)),
  );
  const [row] = opts.forUpdate ? await q.for('update', { of: forms }) : await q;
  return row ?? null;
}

export async function listFormsInScope(
  db: DbOrTx,
  scope: Scope,
  q: { status?: FormRow['status']; areaId?: string; cursor?: string; limit: number },
): Promise<FormWithArea[]> {
  const where = [formReadScope(scope)];
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
 * The statements of every public submit, prepared once per database: building a Drizzle query took
 * more of the server's CPU than PostgreSQL spent running it (bench:forms profile, ADR 0009). Each
 * takes scalar parameters only: PostgreSQL then settles on one generic plan instead of planning
 * again on every execution, which an array parameter makes it do.
 */
function prepareSubmitQueries(db: Db) {
  const formByKey = (place: SQL, name: string) =>
    db
      .select({ form: forms, earlier: formSubmissions, place: sql<DwellingPlace | null>`${place}` })
      .from(forms)
      .leftJoin(
        formSubmissions,
        and(eq(formSubmissions.formId, forms.id), eq(formSubmissions.idempotencyKey, sql.placeholder('key'))),
      )
      .where(eq(forms.slug, sql.placeholder('slug')))
      .prepare(name);
  const insert = db
    .insert(formSubmissions)
    .values(Object.fromEntries(SUBMIT_COLUMNS.map((c) => [c, sql.placeholder(c)])) as never)
    .onConflictDoNothing({ target: [formSubmissions.formId, formSubmissions.idempotencyKey] })
    .returning({ id: formSubmissions.id })
    .prepare('linli_insert_submission');
  const dwellingId = sql.placeholder('dwellingId');
  return {
    formByKey: formByKey(sql`null`, 'linli_form_by_key'),
    formAndPlaceByKey: formByKey(placeJson(dwellingId), 'linli_form_and_place_by_key'),
    dwellingPlace: prepareStatement(
      db,
      'linli_dwelling_place',
      sql`select ${placeJson(dwellingId)} as place`,
    ),
    insert,
    insertIfCurrent: insertIfCurrent(db, sql``, 'linli_insert_submission_if_current'),
    insertWithPlaceIfCurrent: insertIfCurrent(
      db,
      sql`and ${placeStamp(dwellingId)} = ${sql.placeholder('placeStamp')}::text`,
      'linli_insert_submission_with_place_if_current',
    ),
  };
}

/**
 * The submit path's one-statement form: the answer is inserted only if the form row is still at the
 * version it was validated against and accepting, and the dwelling it names (if any) is still live
 * under the very names its label was made from. Anything else inserts nothing, and the caller starts
 * over, reading everything afresh (see `submitAnswer`).
 */
function insertIfCurrent(db: Db, placeCondition: SQL, name: string) {
  const column = (c: (typeof SUBMIT_COLUMNS)[number]) => formSubmissions[c];
  const values = SUBMIT_COLUMNS.map((c) => sql`${sql.placeholder(c)}::${sql.raw(column(c).getSQLType())}`);
  const at = sql`${sql.placeholder('submittedAt')}::timestamptz`;
  return prepareStatement(
    db,
    name,
    sql`insert into ${formSubmissions} (${sql.join(
      SUBMIT_COLUMNS.map((c) => sql.identifier(column(c).name)),
      sql`, `,
    )})
    select ${sql.join(values, sql`, `)}
    where exists (
        select 1 from ${forms}
        where ${forms.id} = ${sql.placeholder('formId')}::uuid
          and ${forms.version} = ${sql.placeholder('formVersion')}::int
          and ${forms.status} = 'published'
          and (${forms.opensAt} is null or ${forms.opensAt} <= ${at})
          and (${forms.closesAt} is null or ${forms.closesAt} > ${at}))
      ${placeCondition}
    on conflict (${sql.identifier(formSubmissions.formId.name)}, ${sql.identifier(formSubmissions.idempotencyKey.name)}) do nothing
    returning ${formSubmissions.id}`,
  );
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

/**
 * The form of a slug and, in the same round trip, the answer already stored under this key (if any)
 * and, when the caller could tell it before knowing the form, the live dwelling the answer names.
 */
export async function findFormAndAnswerByKey(
  db: Db,
  slug: string,
  idempotencyKey: string,
  dwellingId: string | null,
) {
  const queries = submitQueries(db)!;
  const [row] = dwellingId
    ? await queries.formAndPlaceByKey.execute({ slug, key: idempotencyKey, dwellingId })
    : await queries.formByKey.execute({ slug, key: idempotencyKey });
  return row ?? null;
}

/**
 * Inserts the answer when the form and the place are as the caller last read them; returns the new
 * id, or null when nothing was inserted (a twin with the same key, or something changed).
 */
export async function insertSubmissionIfCurrent(
  db: Db,
  row: SubmissionInsert,
  current: { formVersion: number; place: DwellingPlace | null },
): Promise<string | null> {
  const values: Record<string, unknown> = { formVersion: current.formVersion };
  for (const c of SUBMIT_COLUMNS) {
    const v = row[c];
    values[c] = v === null ? null : formSubmissions[c].mapToDriverValue(v as never);
  }
  const queries = submitQueries(db)!;
  const result = current.place
    ? await queries.insertWithPlaceIfCurrent.execute({
        ...values,
        dwellingId: current.place.id,
        placeStamp: placeStampOf(current.place),
      })
    : await queries.insertIfCurrent.execute(values);
  return rowsOf<{ id: string }>(result)[0]?.id ?? null;
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

export type DwellingPlace = {
  id: string;
  streetId: string;
  communityId: string;
  compoundId: string;
  buildingId: string;
  number: string;
  buildingName: string;
  entranceCount: number;
  entranceNumber: number;
  compoundName: string;
};

/** A live dwelling, joined to what its label is made of; `id` is a uuid parameter. */
const livePlace = (id: ReturnType<typeof sql.placeholder>) => sql`
    from ${dwellings}
    join ${buildings} on ${buildings.id} = ${dwellings.buildingId}
    join ${entrances} on ${entrances.id} = ${dwellings.entranceId}
    join ${areas} on ${areas.id} = ${dwellings.compoundId}
    where ${dwellings.id} = ${id}::uuid and ${dwellings.status} = 'active'
      and ${buildings.archivedAt} is null and ${areas.archivedAt} is null`;

/** The live dwelling with what its label needs, as one json value (null when there is none). */
const placeJson = (id: ReturnType<typeof sql.placeholder>) => sql`(
    select json_build_object(
      'id', ${dwellings.id}, 'streetId', ${dwellings.streetId}, 'communityId', ${dwellings.communityId},
      'compoundId', ${dwellings.compoundId}, 'buildingId', ${dwellings.buildingId},
      'number', ${dwellings.number}, 'buildingName', ${buildings.name},
      'entranceCount', ${buildings.entranceCount}, 'entranceNumber', ${entrances.number},
      'compoundName', ${areas.name})
    ${livePlace(id)})`;

/** What a dwelling's label and area are made of, as one string, computed alike here and in SQL. */
const PLACE_STAMP_PARTS = [
  'id',
  'number',
  'buildingName',
  'entranceCount',
  'entranceNumber',
  'compoundName',
  'streetId',
  'communityId',
] as const satisfies readonly (keyof DwellingPlace)[];
const placeStampOf = (p: DwellingPlace) => PLACE_STAMP_PARTS.map((k) => p[k]).join('|');
const placeStamp = (id: ReturnType<typeof sql.placeholder>) => sql`(
    select concat_ws('|', ${dwellings.id}, ${dwellings.number}, ${buildings.name}, ${buildings.entranceCount},
      ${entrances.number}, ${areas.name}, ${dwellings.streetId}, ${dwellings.communityId})
    ${livePlace(id)})`;

/** A live dwelling with what its label needs, or null. */
export async function findDwellingPlace(db: Db, dwellingId: string): Promise<DwellingPlace | null> {
  const result = await submitQueries(db)!.dwellingPlace.execute({ dwellingId });
  return rowsOf<{ place: DwellingPlace | null }>(result)[0]?.place ?? null;
}

/** The area a form serves, as the columns a place row carries. */
export type FormArea = { streetId: string; communityId: string | null };
const inArea = (area: FormArea, cols: { streetId: AnyPgColumn; communityId: AnyPgColumn }) =>
  area.communityId ? eq(cols.communityId, area.communityId) : eq(cols.streetId, area.streetId);

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

/** A building as the cascader places a dwelling under it (with `areas` joined as its compound). */
const buildingPlace = {
  id: buildings.id,
  name: buildings.name,
  entranceCount: buildings.entranceCount,
  compoundId: buildings.compoundId,
  compoundName: areas.name,
  streetId: buildings.streetId,
  communityId: buildings.communityId,
};

export async function findBuilding(db: DbOrTx, area: FormArea, id: string) {
  const [row] = await db
    .select(buildingPlace)
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

/** A building's entrances with a live dwelling in the area: an entrance the phone lists is never empty. */
export async function entrancesOfBuilding(db: DbOrTx, area: FormArea, buildingId: string) {
  return db
    .select({ id: entrances.id, number: entrances.number })
    .from(entrances)
    .where(
      and(
        eq(entrances.buildingId, buildingId),
        inArea(area, entrances),
        sql`exists (select 1 from ${dwellings} where ${dwellings.entranceId} = ${entrances.id}
          and ${dwellings.status} = 'active' and ${inArea(area, dwellings)})`,
      ),
    )
    .orderBy(asc(entrances.number))
    .limit(100);
}

/** An entrance of the area with its building, as `findBuilding` gives it, or null. */
export async function findEntrance(db: DbOrTx, area: FormArea, id: string) {
  const [row] = await db
    .select({ entranceId: entrances.id, entranceNumber: entrances.number, ...buildingPlace })
    .from(entrances)
    .innerJoin(buildings, eq(buildings.id, entrances.buildingId))
    .innerJoin(areas, eq(areas.id, buildings.compoundId))
    .where(
      and(
        eq(entrances.id, id),
        inArea(area, entrances),
        inArea(area, buildings),
        isNull(buildings.archivedAt),
        isNull(areas.archivedAt),
      ),
    );
  return row ?? null;
}

export async function dwellingsOfEntrance(db: DbOrTx, area: FormArea, entranceId: string) {
  return db
    .select({ id: dwellings.id, number: dwellings.number, floor: dwellings.floor })
    .from(dwellings)
    .where(and(eq(dwellings.entranceId, entranceId), eq(dwellings.status, 'active'), inArea(area, dwellings)))
    .orderBy(asc(dwellings.floor), asc(dwellings.number))
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
