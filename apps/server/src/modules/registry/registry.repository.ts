import {
  and,
  asc,
  type Column,
  count,
  desc,
  eq,
  gt,
  gte,
  inArray,
  isNotNull,
  isNull,
  like,
  lt,
  lte,
  ne,
  not,
  notInArray,
  or,
  type SQL,
  sql,
} from 'drizzle-orm';
import { alias, PgDialect } from 'drizzle-orm/pg-core';
import { type DbOrTx, rowsOf } from '../../platform/db';
import { type Scope, scopeWhere } from '../../platform/scope';
import { areas } from '../areas/areas.table';
import { auditLog } from '../audit/audit.table';
import { buildings, dwellings, entrances } from '../buildings/buildings.table';
import { gridBuildings } from '../grids/grids.table';
import { users } from '../users/users.table';
import { leadingReadings, nameBigrams, prefixUpperBound, type SearchIntent } from './registry.rules';
import {
  households,
  householdTags,
  nameBigramsOf,
  type ResidentRow,
  residentRelations,
  residents,
  residentTags,
} from './registry.table';

/** Where a resident lives, in the parts its address label is made of. */
const addressParts = {
  compoundName: areas.name,
  buildingName: buildings.name,
  entranceCount: buildings.entranceCount,
  entranceNumber: entrances.number,
  dwellingNumber: dwellings.number,
};

/** Whether a health note is stored: what a list shows of it, without reading the ciphertext out. */
const hasHealthNote = sql<boolean>`${residents.healthEnc} is not null`;

/** A resident with the parts of its address, as every read returns it. */
const withAddress = (db: DbOrTx) =>
  db
    .select({ resident: residents, ...addressParts, hasHealthNote })
    .from(residents)
    .innerJoin(dwellings, eq(dwellings.id, residents.dwellingId))
    .innerJoin(entrances, eq(entrances.id, dwellings.entranceId))
    .innerJoin(buildings, eq(buildings.id, residents.buildingId))
    .innerJoin(areas, eq(areas.id, residents.compoundId));

export type AddressParts = {
  compoundName: string;
  buildingName: string;
  entranceCount: number;
  entranceNumber: number;
  dwellingNumber: string;
};

export type ResidentWithAddress = AddressParts & {
  resident: ResidentRow;
  hasHealthNote: boolean;
};

export type SearchArgs = {
  intent: SearchIntent | null;
  /** Hashes computed by the service, which holds the key. */
  idNumberHash?: string;
  phoneHash?: string;
  communityId?: string;
  compoundId?: string;
  buildingId?: string;
  dwellingId?: string;
  gridId?: string;
  residenceType?: ResidentRow['residenceType'];
  tagToken?: string;
  bornOnOrBefore?: string;
  bornAfter?: string;
  status: ResidentRow['status'];
  cursor?: { pinyin: string; id: string };
  limit: number;
};

/** A search without its page: what a count or a ledger's filter holds. */
type SearchFilters = Omit<SearchArgs, 'cursor' | 'limit'>;

/**
 * The buildings of a grid, as an array computed once (an InitPlan): a grid holds a few buildings, so
 * each branch keeps its own index and checks `building_id` on the way, or probes the building index.
 */
const gridBuildingIds = (gridId: string) =>
  sql`array(select ${gridBuildings.buildingId} from ${gridBuildings} where ${gridBuildings.gridId} = ${gridId})`;

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * `name_pinyin` in [prefix, next): a range the ordered indexes seek to and read in order. No LIKE
 * beside it: the planner would take the pattern index instead, and lose the order.
 */
function pinyinPrefix(prefix: string): SQL {
  const to = prefixUpperBound(prefix);
  return and(gte(residents.namePinyin, prefix), to === null ? undefined : lt(residents.namePinyin, to))!;
}

/**
 * The name starts with `text`. Written with left() rather than LIKE so the planner keeps to the
 * ordered pinyin range instead of intersecting it with the trigram index, which it misjudges.
 */
const nameStartsWith = (text: string) => eq(sql`left(${residents.name}, ${Array.from(text).length})`, text);

/**
 * The dwellings an address names, within the scope and filters: resolved first, on the buildings'
 * (street, name) index, so the residents are then read by dwelling instead of joining every address.
 */
function addressDwellings(
  db: DbOrTx,
  scope: Scope,
  args: SearchFilters,
  a: Extract<SearchIntent, { kind: 'address' }>,
) {
  return (
    db
      .select({ id: dwellings.id })
      .from(buildings)
      .innerJoin(entrances, eq(entrances.buildingId, buildings.id))
      // Current dwellings only: their (entrance, number) is unique, and that index answers the room.
      .innerJoin(
        dwellings,
        and(
          eq(dwellings.entranceId, entrances.id),
          eq(dwellings.number, a.room),
          eq(dwellings.status, 'active'),
        ),
      )
      .where(
        and(
          scopeWhere(scope, buildings),
          inArray(buildings.name, [a.building, `${a.building}号楼`, `${a.building}号`]),
          a.entrance !== null ? eq(entrances.number, a.entrance) : undefined,
          args.communityId ? eq(buildings.communityId, args.communityId) : undefined,
          args.compoundId ? eq(buildings.compoundId, args.compoundId) : undefined,
          args.buildingId ? eq(buildings.id, args.buildingId) : undefined,
          args.gridId ? sql`${buildings.id} = any(${gridBuildingIds(args.gridId)})` : undefined,
        ),
      )
  );
}

/**
 * What the search box asks, as disjoint conditions: each becomes one branch of a UNION ALL that
 * an index answers in pinyin order (or in few rows), instead of one OR that no index can seek.
 */
function intentBranches(db: DbOrTx, scope: Scope, args: SearchFilters): (SQL | undefined)[] {
  const i = args.intent;
  if (!i) return [undefined];
  switch (i.kind) {
    case 'phone_tail':
      return [eq(residents.phoneTail, i.tail)];
    case 'phone':
      return [eq(residents.phoneHash, args.phoneHash!)];
    case 'id_number':
      return [eq(residents.idNumberHash, args.idNumberHash!)];
    case 'address':
      return [inArray(residents.dwellingId, addressDwellings(db, scope, args, i))];
    case 'pinyin': {
      const byPinyin = pinyinPrefix(i.text);
      // A name's first initial is the first letter of its pinyin, so one letter needs no second branch.
      if (i.text.length < 2) return [byPinyin];
      return [
        byPinyin,
        and(
          like(residents.nameInitials, `${escapeLike(i.text)}%`),
          not(like(residents.namePinyin, `${escapeLike(i.text)}%`)),
        ),
      ];
    }
    case 'name': {
      const startsWith = nameStartsWith(i.text);
      // Names starting with the text, by the readings of its first characters (长: chang…, zhang…).
      const branches: (SQL | undefined)[] = leadingReadings(i.text).map((reading) =>
        and(reading ? pinyinPrefix(reading) : undefined, startsWith),
      );
      // One character is read as a surname (王); from two on, a typo of the same pinyin (张玮 for
      // 张伟) and the fragment inside a name (国强 in 曾国强) count too.
      if (Array.from(i.text).length >= 2) {
        branches.push(and(eq(residents.namePinyin, i.pinyin), not(startsWith)));
        branches.push(
          and(
            sql`${nameBigramsOf(residents.name)} @> array[${sql.join(
              nameBigrams(i.text).map((b) => sql`${b}`),
              sql`, `,
            )}]::text[]`,
            like(residents.name, `%${escapeLike(i.text)}%`),
            not(startsWith),
            ne(residents.namePinyin, i.pinyin),
          ),
        );
      }
      return branches;
    }
  }
}

/**
 * The stored columns a search hit carries: what a Resident shows (plain values and masked forms), the
 * pinyin its cursor is made of, and the two ciphertexts an audited unmasked ledger export decrypts. No
 * keyed hash and no other ciphertext leaves the database for a list.
 */
const HIT_COLUMNS = [
  'id',
  'householdId',
  'dwellingId',
  'buildingId',
  'communityId',
  'name',
  'namePinyin',
  'formerName',
  'sex',
  'birthDate',
  'idType',
  'idNumberEnc',
  'idNumberMasked',
  'phoneEnc',
  'phoneMasked',
  'residenceType',
  'tenure',
  'relationToHead',
  'selfCare',
  'hukouAddress',
  'emergencyContactName',
  'emergencyContactPhoneMasked',
  'ethnicity',
  'maritalStatus',
  'politicalStatus',
  'education',
  'occupation',
  'employer',
  'arrivalReason',
  'arrivalDate',
  'provenance',
  'status',
  'movedOutAt',
  'movedOutTo',
  'deceasedAt',
  'mergedIntoId',
  'lastVerifiedAt',
  'version',
] as const satisfies readonly (keyof ResidentRow)[];

export type SearchedResident = Pick<ResidentRow, (typeof HIT_COLUMNS)[number]>;
export type SearchHit = AddressParts & { resident: SearchedResident; hasHealthNote: boolean; tags: string[] };

/** A hit as the driver returns it: one flat row, named by the aliases of `hitHead`. */
type HitRow = Omit<SearchedResident, 'lastVerifiedAt'> &
  AddressParts & { lastVerifiedAt: string | null; hasHealthNote: boolean; tags: string[] };

/**
 * A fragment without parameters, rendered by Drizzle once and kept as text: the parts of the search
 * statement that are the same for every search. Rendering them on every keystroke took longer than
 * the fastest searches spend in PostgreSQL.
 */
function renderedOnce(fragment: () => SQL): () => SQL {
  let text: SQL | null = null;
  return () => {
    if (!text) {
      const query = new PgDialect().sqlToQuery(fragment());
      // Parameters are numbered by position in the whole statement: fixed text cannot hold any.
      if (query.params.length > 0) throw new Error('a fragment rendered once cannot hold parameters');
      text = sql.raw(query.sql);
    }
    return text;
  };
}

const aliased = (value: SQL | Column, as: string) => sql`${value} as ${sql.identifier(as)}`;

/** The page's columns, each aliased to its field, its address and tags, up to its array of ids. */
const hitHead = renderedOnce(() => {
  const columns = [
    ...HIT_COLUMNS.map((key) => aliased(residents[key], key)),
    ...Object.entries(addressParts).map(([key, column]) => aliased(column, key)),
    aliased(hasHealthNote, 'hasHealthNote'),
    aliased(
      sql`array(select ${residentTags.tag} from ${residentTags} where ${residentTags.residentId} = ${residents.id} order by ${residentTags.tag})`,
      'tags',
    ),
  ];
  return sql`select ${sql.join(columns, sql`, `)} from ${residents}
    inner join ${dwellings} on ${dwellings.id} = ${residents.dwellingId}
    inner join ${entrances} on ${entrances.id} = ${dwellings.entranceId}
    inner join ${buildings} on ${buildings.id} = ${residents.buildingId}
    inner join ${areas} on ${areas.id} = ${residents.compoundId}
    where ${residents.id} = any(`;
});
const hitTail = renderedOnce(() => sql`) order by ${residents.namePinyin} asc, ${residents.id} asc`);
const branchHead = renderedOnce(
  () => sql`(select ${residents.id}, ${residents.namePinyin} from ${residents} where `,
);
const branchTail = renderedOnce(() => sql` order by ${residents.namePinyin} asc, ${residents.id} asc limit `);

/**
 * A hit from its row. The row itself serves as the resident (its address parts, flag and tags ride
 * along unread: the presenter picks fields), so a page is not copied field by field.
 */
function hitOf(row: HitRow): SearchHit {
  const stored = row.lastVerifiedAt;
  const resident = row as unknown as SearchedResident;
  // Read as Drizzle reads the column in a select, so a hit and a full row agree to the millisecond.
  resident.lastVerifiedAt =
    stored === null ? null : (residents.lastVerifiedAt.mapFromDriverValue(stored) as Date);
  return {
    resident,
    compoundName: row.compoundName,
    buildingName: row.buildingName,
    entranceCount: row.entranceCount,
    entranceNumber: row.entranceNumber,
    dwellingNumber: row.dwellingNumber,
    hasHealthNote: row.hasHealthNote,
    tags: row.tags,
  };
}

/** Scope, status, filters and cursor: every branch of a search carries them all. */
function commonConditions(
  scope: Scope,
  args: SearchFilters & Pick<SearchArgs, 'cursor'>,
): (SQL | undefined)[] {
  return [
    scopeWhere(scope, residents),
    eq(residents.status, args.status),
    args.communityId ? eq(residents.communityId, args.communityId) : undefined,
    args.compoundId ? eq(residents.compoundId, args.compoundId) : undefined,
    args.buildingId ? eq(residents.buildingId, args.buildingId) : undefined,
    args.dwellingId ? eq(residents.dwellingId, args.dwellingId) : undefined,
    args.gridId ? sql`${residents.buildingId} = any(${gridBuildingIds(args.gridId)})` : undefined,
    args.residenceType ? eq(residents.residenceType, args.residenceType) : undefined,
    args.bornOnOrBefore ? lte(residents.birthDate, args.bornOnOrBefore) : undefined,
    args.bornAfter ? gt(residents.birthDate, args.bornAfter) : undefined,
    args.bornOnOrBefore || args.bornAfter ? isNotNull(residents.birthDate) : undefined,
    args.tagToken
      ? sql`exists (select 1 from ${residentTags} where ${residentTags.residentId} = ${residents.id} and ${residentTags.tag} = ${args.tagToken})`
      : undefined,
    // A row comparison, so the ordered indexes start reading right after the cursor.
    args.cursor
      ? sql`(${residents.namePinyin}, ${residents.id}) > (${args.cursor.pinyin}, ${args.cursor.id}::uuid)`
      : undefined,
  ];
}

/**
 * One page of residents in pinyin order, with their address and stored tags, in one statement:
 * each branch of the query reads at most a page from its index after the cursor, the branches are
 * merged in order, and only the page is then joined to its address and tags.
 */
export async function searchResidents(db: DbOrTx, scope: Scope, args: SearchArgs): Promise<SearchHit[]> {
  const common = commonConditions(scope, args);
  const pageSize = args.limit + 1;
  const branches = intentBranches(db, scope, args).map(
    (branch) => sql`${branchHead()}${and(...common, branch)}${branchTail()}${pageSize})`,
  );
  // array(…) is computed once, so the page is then fetched by primary key whatever the branches did.
  const page = sql`array(select hit.id from (${sql.join(branches, sql` union all `)}) as hit order by hit.name_pinyin, hit.id limit ${pageSize})`;
  const rows = rowsOf<HitRow>(await db.execute(sql`${hitHead()}${page}${hitTail()}`));
  return rows.map(hitOf);
}

/** How many residents a search finds over all its pages: its branches are disjoint, so their counts add up. */
export async function countResidents(db: DbOrTx, scope: Scope, args: SearchFilters): Promise<number> {
  const common = commonConditions(scope, args);
  let total = 0;
  for (const branch of intentBranches(db, scope, args)) {
    const [r] = await db
      .select({ n: count() })
      .from(residents)
      .where(and(...common, branch));
    total += Number(r?.n ?? 0);
  }
  return total;
}

export async function findResidentInScope(
  db: DbOrTx,
  scope: Scope,
  id: string,
  opts: { forUpdate?: boolean } = {},
) {
  const q = withAddress(db).where(and(eq(residents.id, id), scopeWhere(scope, residents)));
  const [row] = opts.forUpdate ? await q.for('update', { of: residents }) : await q;
  return row ?? null;
}

export async function residentsOfHouseholds(db: DbOrTx, scope: Scope, householdIds: string[]) {
  if (householdIds.length === 0) return [];
  return withAddress(db)
    .where(and(inArray(residents.householdId, householdIds), scopeWhere(scope, residents)))
    .orderBy(asc(residents.birthDate));
}

export async function tagsOf(db: DbOrTx, residentIds: string[]) {
  const map = new Map<string, string[]>();
  if (residentIds.length === 0) return map;
  const rows = await db
    .select({ residentId: residentTags.residentId, tag: residentTags.tag })
    .from(residentTags)
    .where(inArray(residentTags.residentId, residentIds));
  for (const r of rows) map.set(r.residentId, [...(map.get(r.residentId) ?? []), r.tag]);
  return map;
}

/** Sets the stored tags; a tag kept keeps its row, so when and by whom it was first set stay known. */
export async function replaceTags(
  db: DbOrTx,
  resident: { id: string; streetId: string; communityId: string },
  tokens: string[],
  by: string | null,
) {
  await db
    .delete(residentTags)
    .where(
      and(
        eq(residentTags.residentId, resident.id),
        tokens.length ? notInArray(residentTags.tag, tokens) : undefined,
      ),
    );
  await addTags(db, resident, tokens, by);
}

/** Adds stored tags; a tag the resident already has keeps its row (and so its history). */
export async function addTags(
  db: DbOrTx,
  resident: { id: string; streetId: string; communityId: string },
  tokens: string[],
  by: string | null,
) {
  if (tokens.length === 0) return;
  await db
    .insert(residentTags)
    .values(
      tokens.map((tag) => ({
        residentId: resident.id,
        tag,
        streetId: resident.streetId,
        communityId: resident.communityId,
        createdBy: by,
      })),
    )
    .onConflictDoNothing();
}

export async function findHouseholdInScope(
  db: DbOrTx,
  scope: Scope,
  id: string,
  opts: { forUpdate?: boolean } = {},
) {
  const q = db
    .select()
    .from(households)
    .where(and(eq(households.id, id), scopeWhere(scope, households)));
  const [row] = opts.forUpdate ? await q.for('update') : await q;
  return row ?? null;
}

export async function householdsOfDwelling(db: DbOrTx, scope: Scope, dwellingId: string) {
  return db
    .select()
    .from(households)
    .where(and(eq(households.dwellingId, dwellingId), scopeWhere(scope, households)))
    .orderBy(desc(households.status), asc(households.createdAt));
}

export async function insertHousehold(db: DbOrTx, row: typeof households.$inferInsert) {
  const [created] = await db.insert(households).values(row).returning();
  return created!;
}

export async function updateHouseholdRow(
  db: DbOrTx,
  id: string,
  patch: Partial<typeof households.$inferInsert>,
) {
  await db
    .update(households)
    .set({ ...patch, updatedAt: new Date(), version: sql`${households.version} + 1` })
    .where(eq(households.id, id));
}

export async function activeMembers(db: DbOrTx, householdId: string) {
  const [r] = await db
    .select({ n: count() })
    .from(residents)
    .where(and(eq(residents.householdId, householdId), eq(residents.status, 'active')));
  return Number(r?.n ?? 0);
}

export async function insertResident(db: DbOrTx, row: typeof residents.$inferInsert) {
  const [created] = await db.insert(residents).values(row).returning();
  return created!;
}

export async function updateResidentRow(
  db: DbOrTx,
  id: string,
  patch: Partial<typeof residents.$inferInsert>,
) {
  await db
    .update(residents)
    .set({ ...patch, updatedAt: new Date(), version: sql`${residents.version} + 1` })
    .where(eq(residents.id, id));
}

export async function activeIdHashTaken(db: DbOrTx, hash: string, exceptId?: string) {
  const rows = await db
    .select({ id: residents.id })
    .from(residents)
    .where(and(eq(residents.idNumberHash, hash), eq(residents.status, 'active')));
  return rows.some((r) => r.id !== exceptId);
}

/** Serialises one person's reveals until the transaction ends (released at commit or rollback). */
export async function lockRevealsOf(db: DbOrTx, userId: string) {
  await db.execute(sql`select pg_advisory_xact_lock(hashtext(${`linli:reveal:${userId}`}))`);
}

/** Every kind of reveal counts towards one hourly limit per person: residents' values, owners' phones, form answers. */
const REVEAL_ACTIONS = ['resident.reveal', 'dwelling.reveal', 'submission.reveal'];

/** Reveals by one person in the last hour, counted from the audit log so every instance agrees. */
export async function revealsSince(db: DbOrTx, userId: string, since: Date) {
  const [r] = await db
    .select({ n: count() })
    .from(auditLog)
    .where(
      and(
        eq(auditLog.actorUserId, userId),
        inArray(auditLog.action, REVEAL_ACTIONS),
        gte(auditLog.at, since),
      ),
    );
  return Number(r?.n ?? 0);
}

/** The resident's entries in the audit log, newest first: its timeline and its access log. */
export async function auditOfResident(db: DbOrTx, residentId: string, actions?: string[]) {
  return db
    .select({ entry: auditLog, actorName: users.name })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorUserId))
    .where(
      and(
        eq(auditLog.entityType, 'resident'),
        eq(auditLog.entityId, residentId),
        actions ? inArray(auditLog.action, actions) : undefined,
      ),
    )
    .orderBy(desc(auditLog.id))
    .limit(200);
}

/** When and by whom the resident's row was written, and from where: its creation when no audit row tells it. */
export async function creationOfResident(db: DbOrTx, residentId: string) {
  const [row] = await db
    .select({ createdAt: residents.createdAt, provenance: residents.provenance, actorName: users.name })
    .from(residents)
    .leftJoin(users, eq(users.id, residents.createdBy))
    .where(eq(residents.id, residentId));
  return row ?? null;
}

/** Per dwelling of a building: households, residents and stored tags of the active residents. */
export async function occupancyOfBuilding(db: DbOrTx, scope: Scope, buildingId: string) {
  const counts = await db
    .select({
      dwellingId: residents.dwellingId,
      residents: count(),
      households: sql<number>`count(distinct ${residents.householdId})::int`,
    })
    .from(residents)
    .where(
      and(eq(residents.buildingId, buildingId), eq(residents.status, 'active'), scopeWhere(scope, residents)),
    )
    .groupBy(residents.dwellingId);
  const tags = await db
    .select({ dwellingId: residents.dwellingId, tag: residentTags.tag })
    .from(residentTags)
    .innerJoin(residents, eq(residents.id, residentTags.residentId))
    .where(
      and(eq(residents.buildingId, buildingId), eq(residents.status, 'active'), scopeWhere(scope, residents)),
    );
  const births = await db
    .select({ dwellingId: residents.dwellingId, birthDate: residents.birthDate })
    .from(residents)
    .where(
      and(
        eq(residents.buildingId, buildingId),
        eq(residents.status, 'active'),
        isNotNull(residents.birthDate),
        scopeWhere(scope, residents),
      ),
    );
  return { counts, tags, births };
}

/* ---- Relations, household tags and history (appended; the search code above is kept apart). ---- */

/** Relations still in force on either end of one resident, with both ends' names. */
export async function relationsOfResident(db: DbOrTx, residentId: string) {
  const subject = alias(residents, 'subject');
  const other = alias(residents, 'other');
  return db
    .select({ relation: residentRelations, residentName: subject.name, otherResidentName: other.name })
    .from(residentRelations)
    .innerJoin(subject, eq(subject.id, residentRelations.residentId))
    .leftJoin(other, eq(other.id, residentRelations.otherResidentId))
    .where(
      and(
        or(eq(residentRelations.residentId, residentId), eq(residentRelations.otherResidentId, residentId)),
        isNull(residentRelations.endedAt),
      ),
    )
    .orderBy(asc(residentRelations.createdAt));
}

export async function insertRelation(db: DbOrTx, row: typeof residentRelations.$inferInsert) {
  const [created] = await db.insert(residentRelations).values(row).returning();
  return created!;
}

/** A relation in force that touches the resident on either end. */
export async function findRelationOf(db: DbOrTx, residentId: string, relationId: string) {
  const [row] = await db
    .select()
    .from(residentRelations)
    .where(
      and(
        eq(residentRelations.id, relationId),
        or(eq(residentRelations.residentId, residentId), eq(residentRelations.otherResidentId, residentId)),
        isNull(residentRelations.endedAt),
      ),
    )
    .for('update');
  return row ?? null;
}

export async function endRelation(db: DbOrTx, id: string) {
  await db
    .update(residentRelations)
    .set({ endedAt: new Date(), updatedAt: new Date(), version: sql`${residentRelations.version} + 1` })
    .where(eq(residentRelations.id, id));
}

export async function householdTagsOf(db: DbOrTx, householdIds: string[]) {
  if (householdIds.length === 0) return [];
  return db.select().from(householdTags).where(inArray(householdTags.householdId, householdIds));
}

export async function replaceHouseholdTags(
  db: DbOrTx,
  household: { id: string; streetId: string; communityId: string },
  tags: { tag: string; since: string | null; source: string | null }[],
  by: string | null,
) {
  await db.delete(householdTags).where(eq(householdTags.householdId, household.id));
  if (tags.length) {
    await db.insert(householdTags).values(
      tags.map((t) => ({
        householdId: household.id,
        ...t,
        streetId: household.streetId,
        communityId: household.communityId,
        createdBy: by,
      })),
    );
  }
}

/** When the tags of these households changed, from their audit rows. */
export async function householdTagChanges(db: DbOrTx, householdIds: string[]) {
  if (householdIds.length === 0) return [];
  return db
    .select({ householdId: auditLog.entityId, at: auditLog.at })
    .from(auditLog)
    .where(
      and(
        eq(auditLog.entityType, 'household'),
        eq(auditLog.action, 'household.tags'),
        inArray(auditLog.entityId, householdIds),
      ),
    );
}

/** A resident by id without scope: only for the other end of a relation already found in scope. */
export async function findResidentById(db: DbOrTx, id: string) {
  const [row] = await db.select().from(residents).where(eq(residents.id, id));
  return row ?? null;
}

/* ---- Moves (迁居) ---- */

/** The parts of a dwelling's address label, as a resident living there would show it. */
export async function addressOfDwelling(db: DbOrTx, dwellingId: string): Promise<AddressParts | null> {
  const [row] = await db
    .select(addressParts)
    .from(dwellings)
    .innerJoin(entrances, eq(entrances.id, dwellings.entranceId))
    .innerJoin(buildings, eq(buildings.id, dwellings.buildingId))
    .innerJoin(areas, eq(areas.id, buildings.compoundId))
    .where(eq(dwellings.id, dwellingId));
  return row ?? null;
}

/** The active members of a household, locked: a household move changes every one of them. */
export async function lockActiveMembersOf(db: DbOrTx, scope: Scope, householdId: string) {
  return db
    .select()
    .from(residents)
    .where(
      and(
        eq(residents.householdId, householdId),
        eq(residents.status, 'active'),
        scopeWhere(scope, residents),
      ),
    )
    .orderBy(asc(residents.id))
    .for('update');
}

/**
 * Rows that copy a resident's or household's community for scoping and tag lookups follow a move
 * into another community of the street; a move within the community leaves them as they are.
 */
export async function moveCommunityOf(
  db: DbOrTx,
  to: { communityId: string },
  residentIds: string[],
  householdId: string | null,
) {
  if (residentIds.length) {
    await db
      .update(residentTags)
      .set({ communityId: to.communityId })
      .where(inArray(residentTags.residentId, residentIds));
    await db
      .update(residentRelations)
      .set({ communityId: to.communityId })
      .where(inArray(residentRelations.residentId, residentIds));
  }
  if (householdId) {
    await db
      .update(householdTags)
      .set({ communityId: to.communityId })
      .where(eq(householdTags.householdId, householdId));
  }
}
