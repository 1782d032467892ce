import {
  ARRIVAL_REASONS,
  DWELLING_TYPES,
  DWELLING_USES,
  EDUCATION_LEVELS,
  EthnicitySchema,
  HOUSEHOLD_TAGS,
  type HouseholdTagCode,
  MARITAL_STATUSES,
  POLITICAL_STATUSES,
  SAFETY_FLAGS,
} from '@linli/shared';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../../../test/database';
import { buildWorld, sessionsFor, startApp, type TestApp, unique, type World } from '../../../test/fixtures';
import { resolveFieldCrypto } from '../../platform/crypto';
import { newId } from '../../platform/ids';
import { generateDwellings } from '../buildings/buildings.rules';
import { buildings, dwellings, entrances } from '../buildings/buildings.table';
import {
  households,
  householdTags,
  residentRelations,
  residents,
  residentTags,
} from '../registry/registry.table';
import { seedDemoForms } from './demo.forms';
import { type DemoDwelling, PROFILES, seedResidents } from './demo.residents';

/**
 * The demo's residents seeded into a few buildings of a test community, then read back through the API:
 * what the demo writes must be what the register reads (tokens, enums, relations).
 */
let t: TestApp;
let world: World;
const as = sessionsFor(() => t.app);
const buildingIds: string[] = [];
let dwellingIds: string[] = [];

beforeAll(async () => {
  t = await startApp();
  world = await buildWorld(t.database);
  const c = world.compoundA;
  const keys = { streetId: c.streetId!, communityId: c.communityId! };
  const shape = { floors: 6, entrances: 5, roomsPerFloor: 2 };
  const list: DemoDwelling[] = [];
  for (let b = 0; b < 6; b++) {
    const buildingId = newId();
    buildingIds.push(buildingId);
    await t.database.db.insert(buildings).values({
      id: buildingId,
      ...keys,
      compoundId: c.id,
      name: unique('楼'),
      kind: 'residential',
      floors: shape.floors,
      entranceCount: shape.entrances,
      roomsPerFloor: shape.roomsPerFloor,
      builtYear: 1984,
    });
    const entranceIds: string[] = [];
    for (let e = 1; e <= shape.entrances; e++) {
      const id = newId();
      entranceIds.push(id);
      await t.database.db.insert(entrances).values({ id, ...keys, buildingId, number: e, name: `${e}单元` });
    }
    for (const d of generateDwellings(shape)) {
      const row = {
        id: newId(),
        ...keys,
        compoundId: c.id,
        buildingId,
        entranceId: entranceIds[d.entrance - 1]!,
        floor: d.floor,
        number: d.number,
      };
      list.push({ row, builtYear: 1984, floors: shape.floors, bungalow: false });
    }
  }
  dwellingIds = list.map((d) => d.row.id);
  const crypto = resolveFieldCrypto(testConfig());
  await t.database.db.transaction((tx) => seedResidents(tx, crypto, list, PROFILES.old, 7, new Set()));
});

afterAll(async () => {
  const db = t.database.db;
  const ids = (
    await db.select({ id: residents.id }).from(residents).where(inArray(residents.buildingId, buildingIds))
  ).map((r) => r.id);
  if (ids.length) {
    await db.delete(residentRelations).where(inArray(residentRelations.residentId, ids));
    await db.delete(residentTags).where(inArray(residentTags.residentId, ids));
  }
  const hIds = (
    await db.select({ id: households.id }).from(households).where(inArray(households.buildingId, buildingIds))
  ).map((h) => h.id);
  if (hIds.length) await db.delete(householdTags).where(inArray(householdTags.householdId, hIds));
  await db.delete(residents).where(inArray(residents.buildingId, buildingIds));
  await db.delete(households).where(inArray(households.buildingId, buildingIds));
  await db.delete(dwellings).where(inArray(dwellings.buildingId, buildingIds));
  await db.delete(entrances).where(inArray(entrances.buildingId, buildingIds));
  await db.delete(buildings).where(inArray(buildings.id, buildingIds));
  await t.close();
});

type Household = { id: string; tags: { code: HouseholdTagCode; since: string | null }[] };

describe('demo residents', () => {
  it('stores household tags the register reads back, sensitive ones only as tokens', async () => {
    const stored = await t.database.db
      .select({
        householdId: householdTags.householdId,
        tag: householdTags.tag,
        dwellingId: households.dwellingId,
      })
      .from(householdTags)
      .innerJoin(households, eq(households.id, householdTags.householdId))
      .where(inArray(households.buildingId, buildingIds));
    expect(stored.length).toBeGreaterThan(0);
    // No sensitive code in clear.
    for (const s of stored)
      if (!s.tag.startsWith('s:')) expect(HOUSEHOLD_TAGS[s.tag as HouseholdTagCode].sensitive).toBe(false);
    const sensitive = stored.filter((s) => s.tag.startsWith('s:'));
    expect(sensitive.length).toBeGreaterThan(0);

    const admin = await as(world.users.adminA);
    const worker = await as(world.users.workerA);
    // Every dwelling with a sensitive tag, and a few with only plain ones.
    const dwellingsWithTags = [
      ...new Set(
        [...sensitive, ...stored.filter((s) => !s.tag.startsWith('s:')).slice(0, 10)].map(
          (s) => s.dwellingId,
        ),
      ),
    ];
    let sensitiveRead = 0;
    for (const dwellingId of dwellingsWithTags) {
      const own = stored.filter((s) => s.dwellingId === dwellingId);
      const seen = await admin.get<{ items: Household[] }>(`/api/households?dwellingId=${dwellingId}`);
      expect(seen.status).toBe(200);
      const codes = seen.body.items.flatMap((h) => h.tags.map((x) => x.code));
      // Every stored row decodes to a code: a token the register cannot read would be dropped here.
      expect(codes).toHaveLength(own.length);
      sensitiveRead += codes.filter((code) => HOUSEHOLD_TAGS[code].sensitive).length;
      const limited = await worker.get<{ items: Household[] }>(`/api/households?dwellingId=${dwellingId}`);
      const workerCodes = limited.body.items.flatMap((h) => h.tags.map((x) => x.code));
      expect(workerCodes.every((code) => !HOUSEHOLD_TAGS[code].sensitive)).toBe(true);
    }
    expect(sensitiveRead).toBe(sensitive.length);
  });

  it('fills the profile fields with values of the shared enums, consistent with the tags', async () => {
    const rows = await t.database.db
      .select()
      .from(residents)
      .where(inArray(residents.buildingId, buildingIds));
    const tags = await t.database.db
      .select()
      .from(residentTags)
      .where(
        inArray(
          residentTags.residentId,
          rows.map((r) => r.id),
        ),
      );
    const party = new Set(tags.filter((x) => x.tag === 'party_member').map((x) => x.residentId));
    expect(rows.length).toBeGreaterThan(300);
    for (const r of rows) {
      EthnicitySchema.parse(r.ethnicity);
      if (r.maritalStatus !== null) expect(MARITAL_STATUSES).toContain(r.maritalStatus);
      if (r.politicalStatus !== null) expect(POLITICAL_STATUSES).toContain(r.politicalStatus);
      if (r.education !== null) expect(EDUCATION_LEVELS).toContain(r.education);
      expect(r.politicalStatus === 'cpc_member').toBe(party.has(r.id));
      if (r.residenceType === 'non_hukou') {
        expect(ARRIVAL_REASONS).toContain(r.arrivalReason);
        expect(r.arrivalDate! >= r.birthDate!).toBe(true);
      } else expect(r.arrivalReason).toBeNull();
    }
    const han = rows.filter((r) => r.ethnicity === '01').length;
    expect(han / rows.length).toBeGreaterThan(0.9);
    expect(rows.some((r) => r.occupation === '退休')).toBe(true);

    // The API's response schemas accept them too.
    const admin = await as(world.users.adminA);
    const page = await admin.get<{ items: unknown[] }>(
      `/api/residents?compoundId=${world.compoundA.id}&limit=100`,
    );
    expect(page.status).toBe(200);
    expect(page.body.items.length).toBeGreaterThan(0);
  });

  it('gives every dwelling a type and a use that follow who lives there', async () => {
    const rows = await t.database.db.select().from(dwellings).where(inArray(dwellings.id, dwellingIds));
    const occupied = new Set(
      (
        await t.database.db
          .select({ dwellingId: households.dwellingId })
          .from(households)
          .where(inArray(households.buildingId, buildingIds))
      ).map((h) => h.dwellingId),
    );
    for (const d of rows) {
      expect(DWELLING_TYPES).toContain(d.type);
      expect(DWELLING_USES).toContain(d.use);
      expect(d.use === 'vacant').toBe(!occupied.has(d.id));
      for (const f of d.safetyFlags) expect(SAFETY_FLAGS).toContain(f);
      expect(d.safetyNotes === null).toBe(d.safetyFlags.length === 0);
    }
    const rented = rows.filter((d) => d.use === 'rented' || d.use === 'group_rental').length / rows.length;
    expect(rented).toBeGreaterThan(0.08);
    expect(rented).toBeLessThan(0.35);
    // Old walk-ups are mostly sold public housing.
    expect(rows.filter((d) => d.type === 'reformed_public').length / rows.length).toBeGreaterThan(0.6);
  });

  it('records neighbours as carers of some of the very old living alone, shown on both pages', async () => {
    const carers = await t.database.db
      .select()
      .from(residentRelations)
      .innerJoin(residents, eq(residents.id, residentRelations.residentId))
      .where(inArray(residents.buildingId, buildingIds));
    const carer = carers.find((c) => c.resident_relations.kind === 'carer');
    expect(carer).toBeDefined();
    const admin = await as(world.users.adminA);
    const subject = carer!.resident_relations;
    const list = await admin.get<{ items: { kind: string; otherResidentId: string | null; side: string }[] }>(
      `/api/residents/${subject.residentId}/relations`,
    );
    expect(list.status).toBe(200);
    expect(list.body.items).toContainEqual(
      expect.objectContaining({ kind: 'carer', otherResidentId: subject.otherResidentId, side: 'subject' }),
    );
    const other = await admin.get<{ items: { kind: string; side: string }[] }>(
      `/api/residents/${subject.otherResidentId}/relations`,
    );
    expect(other.body.items).toContainEqual(expect.objectContaining({ kind: 'carer', side: 'other' }));
  });
});

describe('demo forms', () => {
  type Item = { id: string; matched: boolean; formId: string; status: string };
  it('publishes a registration and a chain with answers, written as a worker would, four matching the register', async () => {
    const result = await seedDemoForms(t.database.db, testConfig(), resolveFieldCrypto(testConfig()), {
      communityId: world.communityA.id,
      username: world.users.workerA.username,
    });
    expect(result.forms).toBe(2);
    expect(result.answers).toBeGreaterThanOrEqual(20);
    const worker = await as(world.users.workerA);
    const forms = await worker.get<{
      items: { id: string; slug: string; mode: string; submissionCount: number }[];
    }>('/api/forms');
    const registration = forms.body.items.find((f) => f.mode === 'form' && f.submissionCount === 12)!;
    const chain = forms.body.items.find((f) => f.mode === 'chain')!;
    expect(registration).toBeDefined();
    const matched = await worker.get<{ items: Item[] }>(
      `/api/submissions?formId=${registration.id}&matched=yes`,
    );
    expect(matched.body.items).toHaveLength(4);
    const open = await t.app.inject({ method: 'GET', url: `/api/public/forms/${chain.slug}` });
    const entries = (open.json() as { chain: { entries: { maskedName: string }[] } }).chain.entries;
    expect(entries.length).toBeGreaterThanOrEqual(8);
    for (const e of entries) expect(e.maskedName).toMatch(/\*/);
  });
});
