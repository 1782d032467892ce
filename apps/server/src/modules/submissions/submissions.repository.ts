import { and, asc, desc, eq, gte, inArray, lt, lte, or, type SQL, sql } from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db';
import { type Scope, scopeWhere } from '../../platform/scope';
import { formSubmissions, forms, formVersions } from '../forms/forms.table';
import { residents } from '../registry/registry.table';
import { users } from '../users/users.table';

const submissionScope = (scope: Scope) =>
  scopeWhere(scope, {
    districtId: formSubmissions.districtId,
    streetId: formSubmissions.streetId,
    communityId: formSubmissions.communityId,
  });

/**
 * Whether the register holds an active resident of the answer's street with its ID number or phone
 * (compared by keyed hash, never in clear), or the answer was applied. Name-and-dwelling matches are not
 * counted here: the name is only in the encrypted answers.
 */
const matchedExpr = sql<boolean>`(${formSubmissions.appliedResidentId} is not null or exists (
  select 1 from ${residents} r
  where r.street_id = ${formSubmissions.streetId} and r.status = 'active'
    and ((${formSubmissions.idHash} is not null and r.id_number_hash = ${formSubmissions.idHash})
      or (${formSubmissions.phoneHash} is not null and r.phone_hash = ${formSubmissions.phoneHash}))))`;

const listColumns = {
  submission: formSubmissions,
  formTitle: forms.title,
  formSlug: forms.slug,
  formMode: forms.mode,
  matched: matchedExpr,
};

export type SubmissionWithForm = {
  submission: typeof formSubmissions.$inferSelect;
  formTitle: string;
  formSlug: string;
  formMode: string;
  matched: boolean;
};

export type SubmissionFilters = {
  formId?: string;
  versionNo?: number;
  from?: Date;
  to?: Date;
  status?: string;
  matched?: 'yes' | 'no';
};

function filterWhere(f: SubmissionFilters): SQL[] {
  const parts: SQL[] = [];
  if (f.formId) parts.push(eq(formSubmissions.formId, f.formId));
  if (f.versionNo !== undefined) parts.push(eq(formSubmissions.versionNo, f.versionNo));
  if (f.from) parts.push(gte(formSubmissions.submittedAt, f.from));
  if (f.to) parts.push(lte(formSubmissions.submittedAt, f.to));
  if (f.status) parts.push(eq(formSubmissions.status, f.status as 'new'));
  if (f.matched === 'yes') parts.push(matchedExpr);
  if (f.matched === 'no') parts.push(sql`not ${matchedExpr}`);
  return parts;
}

/** One page, newest first, keyed on (submitted_at, id) so a page never repeats or skips a row. */
export async function listSubmissions(
  db: DbOrTx,
  scopes: Scope[],
  filters: SubmissionFilters,
  page: { cursor?: { at: Date; id: string }; limit: number },
): Promise<SubmissionWithForm[]> {
  const after = page.cursor
    ? or(
        lt(formSubmissions.submittedAt, page.cursor.at),
        and(eq(formSubmissions.submittedAt, page.cursor.at), lt(formSubmissions.id, page.cursor.id)),
      )
    : undefined;
  return db
    .select(listColumns)
    .from(formSubmissions)
    .innerJoin(forms, eq(forms.id, formSubmissions.formId))
    .where(and(...scopes.map(submissionScope), ...filterWhere(filters), after))
    .orderBy(desc(formSubmissions.submittedAt), desc(formSubmissions.id))
    .limit(page.limit);
}

export async function findSubmissionInScope(
  db: DbOrTx,
  scope: Scope,
  id: string,
  opts: { forUpdate?: boolean } = {},
): Promise<SubmissionWithForm | null> {
  const q = db
    .select(listColumns)
    .from(formSubmissions)
    .innerJoin(forms, eq(forms.id, formSubmissions.formId))
    .where(and(eq(formSubmissions.id, id), submissionScope(scope)));
  const [row] = opts.forUpdate ? await q.for('update', { of: formSubmissions }) : await q;
  return row ?? null;
}

/** Locks the given answers in scope, in id order (two bulk actions over overlapping pages cannot deadlock). */
export async function lockSubmissionsInScope(db: DbOrTx, scope: Scope, ids: string[]) {
  return db
    .select()
    .from(formSubmissions)
    .where(and(inArray(formSubmissions.id, ids), submissionScope(scope)))
    .orderBy(asc(formSubmissions.id))
    .for('update');
}

export async function updateSubmissionRows(
  db: DbOrTx,
  ids: string[],
  patch: Partial<typeof formSubmissions.$inferInsert>,
) {
  if (!ids.length) return;
  await db
    .update(formSubmissions)
    .set({ ...patch, updatedAt: new Date(), version: sql`${formSubmissions.version} + 1` })
    .where(inArray(formSubmissions.id, ids));
}

export async function findVersion(db: DbOrTx, versionId: string) {
  const [row] = await db.select().from(formVersions).where(eq(formVersions.id, versionId));
  return row ?? null;
}

export async function versionsOfForm(db: DbOrTx, formId: string) {
  return db
    .select()
    .from(formVersions)
    .where(eq(formVersions.formId, formId))
    .orderBy(desc(formVersions.versionNo));
}

/**
 * A form the caller reaches: in its scope, or (a street-wide form seen by a community) one that holds
 * answers from within its scope.
 */
export async function findFormInReach(db: DbOrTx, scope: Scope, formId: string) {
  const [row] = await db
    .select()
    .from(forms)
    .where(
      and(
        eq(forms.id, formId),
        or(
          scopeWhere(scope, {
            districtId: forms.districtId,
            streetId: forms.streetId,
            communityId: forms.communityId,
          }),
          sql`exists (select 1 from ${formSubmissions} where ${formSubmissions.formId} = ${forms.id} and ${submissionScope(scope)})`,
        ),
      ),
    );
  return row ?? null;
}

/**
 * Active residents who may be the person who answered: same ID number or phone (by keyed hash), or the
 * same name in the answered dwelling. Read only; writes go through the registry's service.
 */
export async function candidateResidents(
  db: DbOrTx,
  scope: Scope,
  by: { idHash: string | null; phoneHash: string | null; dwellingId: string | null; name: string | null },
) {
  const branches: SQL[] = [];
  if (by.idHash) branches.push(eq(residents.idNumberHash, by.idHash));
  if (by.phoneHash) branches.push(eq(residents.phoneHash, by.phoneHash));
  if (by.dwellingId && by.name)
    branches.push(and(eq(residents.dwellingId, by.dwellingId), eq(residents.name, by.name)) as SQL);
  if (!branches.length) return [];
  return db
    .select({
      id: residents.id,
      idNumberHash: residents.idNumberHash,
      phoneHash: residents.phoneHash,
      dwellingId: residents.dwellingId,
      name: residents.name,
    })
    .from(residents)
    .where(and(eq(residents.status, 'active'), scopeWhere(scope, residents), or(...branches)))
    .limit(20);
}

/** The names of the active residents of these dwellings, within the scope. */
export async function activeNamesIn(db: DbOrTx, scope: Scope, dwellingIds: string[]) {
  if (!dwellingIds.length) return [];
  return db
    .select({ dwellingId: residents.dwellingId, name: residents.name })
    .from(residents)
    .where(
      and(
        inArray(residents.dwellingId, dwellingIds),
        eq(residents.status, 'active'),
        scopeWhere(scope, residents),
      ),
    );
}

export async function userName(db: DbOrTx, id: string | null) {
  if (!id) return null;
  const [row] = await db.select({ name: users.name }).from(users).where(eq(users.id, id));
  return row?.name ?? null;
}

/**
 * The ids of a chain's live entries in sign-up order, the order its numbers follow. Not scoped, as the
 * public list is not: only positions leave here, and an entry's number must not depend on who exports it.
 */
export async function liveChainIds(db: DbOrTx, formId: string): Promise<string[]> {
  const rows = await db
    .select({ id: formSubmissions.id })
    .from(formSubmissions)
    .where(and(eq(formSubmissions.formId, formId), sql`${formSubmissions.status} <> 'withdrawn'`))
    .orderBy(asc(formSubmissions.id));
  return rows.map((r) => r.id);
}
