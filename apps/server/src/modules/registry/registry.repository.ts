import {
  and,
  asc,
  count,
  desc,
  eq,
  gt,
  gte,
  inArray,
  isNotNull,
  like,
  lte,
  or,
  type SQL,
  sql,
} from 'drizzle-orm';
import type { DbOrTx } from '../../platform/db';
import { type Scope, scopeWhere } from '../../platform/scope';
import { areas } from '../areas/areas.table';
import { auditLog } from '../audit/audit.table';
import { buildings, dwellings, entrances } from '../buildings/buildings.table';
import { users } from '../users/users.table';
import type { SearchIntent } from './registry.rules';
import { households, residents, residentTags } from './registry.table';

/** A resident with the parts of its address, as every read returns it. */
const withAddress = (db: DbOrTx) =>
  db
    .select({
      resident: residents,
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
    .innerJoin(areas, eq(areas.id, residents.compoundId));

export type ResidentWithAddress = {
  resident: typeof residents.$inferSelect;
  compoundName: string;
  buildingName: string;
  entranceCount: number;
  entranceNumber: number;
  dwellingNumber: string;
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
  tagToken?: string;
  bornOnOrBefore?: string;
  bornAfter?: string;
  status: 'active' | 'moved_out' | 'deceased';
  cursor?: { pinyin: string; id: string };
  limit: number;
};

function intentWhere(args: SearchArgs): SQL | undefined {
  const i = args.intent;
  if (!i) return undefined;
  switch (i.kind) {
    case 'phone_tail':
      return eq(residents.phoneTail, i.tail);
    case 'phone':
      return eq(residents.phoneHash, args.phoneHash!);
    case 'id_number':
      return eq(residents.idNumberHash, args.idNumberHash!);
    case 'address': {
      const buildingNames = [i.building, `${i.building}号楼`, `${i.building}号`];
      return and(
        inArray(buildings.name, buildingNames),
        eq(dwellings.number, i.room),
        i.entrance !== null ? eq(entrances.number, i.entrance) : undefined,
      );
    }
    case 'pinyin':
      return or(like(residents.nameInitials, `${i.text}%`), like(residents.namePinyin, `${i.text}%`));
    case 'name': {
      const escaped = i.text.replace(/[\\%_]/g, (c) => `\\${c}`);
      // Same pinyin finds a name typed with the wrong character (张玮 for 张伟).
      return or(
        like(residents.name, `%${escaped}%`),
        i.pinyin ? eq(residents.namePinyin, i.pinyin) : undefined,
      );
    }
  }
}

export async function searchResidents(
  db: DbOrTx,
  scope: Scope,
  args: SearchArgs,
): Promise<ResidentWithAddress[]> {
  const where: (SQL | undefined)[] = [
    scopeWhere(scope, residents),
    eq(residents.status, args.status),
    intentWhere(args),
    args.communityId ? eq(residents.communityId, args.communityId) : undefined,
    args.compoundId ? eq(residents.compoundId, args.compoundId) : undefined,
    args.buildingId ? eq(residents.buildingId, args.buildingId) : undefined,
    args.dwellingId ? eq(residents.dwellingId, args.dwellingId) : undefined,
    args.bornOnOrBefore ? lte(residents.birthDate, args.bornOnOrBefore) : undefined,
    args.bornAfter ? gt(residents.birthDate, args.bornAfter) : undefined,
    args.bornOnOrBefore || args.bornAfter ? isNotNull(residents.birthDate) : undefined,
    args.tagToken
      ? sql`exists (select 1 from ${residentTags} where ${residentTags.residentId} = ${residents.id} and ${residentTags.tag} = ${args.tagToken})`
      : undefined,
    args.cursor
      ? or(
          gt(residents.namePinyin, args.cursor.pinyin),
          and(eq(residents.namePinyin, args.cursor.pinyin), gt(residents.id, args.cursor.id)),
        )
      : undefined,
  ];
  return withAddress(db)
    .where(and(...where))
    .orderBy(asc(residents.namePinyin), asc(residents.id))
    .limit(args.limit + 1);
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

export async function replaceTags(
  db: DbOrTx,
  resident: { id: string; streetId: string; communityId: string },
  tokens: string[],
  by: string | null,
) {
  await db.delete(residentTags).where(eq(residentTags.residentId, resident.id));
  if (tokens.length) {
    await db.insert(residentTags).values(
      tokens.map((tag) => ({
        residentId: resident.id,
        tag,
        streetId: resident.streetId,
        communityId: resident.communityId,
        createdBy: by,
      })),
    );
  }
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

/** Reveals by one person in the last hour, counted from the audit log so every instance agrees. */
export async function revealsSince(db: DbOrTx, userId: string, since: Date) {
  const [r] = await db
    .select({ n: count() })
    .from(auditLog)
    .where(
      and(eq(auditLog.actorUserId, userId), eq(auditLog.action, 'resident.reveal'), gte(auditLog.at, since)),
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
