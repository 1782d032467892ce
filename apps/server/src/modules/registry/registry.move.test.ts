import { todayInShanghai } from '@linli/shared';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildWorld,
  type Session,
  sessionsFor,
  startApp,
  type TestApp,
  unique,
  type World,
} from '../../../test/fixtures';
import { auditLog } from '../audit/audit.table';
import { households, residents, residentTags } from './registry.table';

type Resident = {
  id: string;
  householdId: string;
  dwellingId: string;
  buildingId: string;
  communityId: string;
  name: string;
  relationToHead: string | null;
  address: string;
  status: string;
  version: number;
};
type Moved = {
  resident: Resident;
  previousHousehold: { id: string; status: 'active' | 'moved_out'; headless: boolean };
};
type Household = {
  id: string;
  dwellingId: string;
  buildingId: string;
  headName: string | null;
  memberCount: number;
  status: string;
  movedInAt: string | null;
  movedOutAt: string | null;
  members: Resident[];
  version: number;
};
type Page = { items: Resident[] };
type ErrorBody = {
  error: { code: string; details?: { issues?: { path: string; code: string }[]; current?: unknown } };
};
type Events = {
  items: { kind: string; changes: Record<string, { from?: unknown; to?: unknown }> | null }[];
};

let t: TestApp;
let world: World;
const as = sessionsFor(() => t.app);

beforeAll(async () => {
  t = await startApp();
  world = await buildWorld(t.database);
});
afterAll(() => t.close());

/** A fresh compound in the community with one building (1 entrance × 3 floors × 2 rooms). */
async function site(s: Session, communityId = world.communityA.id) {
  const compound = await s.post<{ id: string }>('/api/areas', {
    kind: 'compound',
    parentId: communityId,
    name: unique('小区'),
  });
  expect(compound.status, JSON.stringify(compound.body)).toBe(200);
  const building = await s.post<{ id: string; dwellings: { id: string; number: string }[] }>(
    '/api/buildings',
    { compoundId: compound.body.id, name: '8', floors: 3, entrances: 1, roomsPerFloor: 2 },
  );
  expect(building.status, JSON.stringify(building.body)).toBe(200);
  const dwelling = (n: string) => building.body.dwellings.find((d) => d.number === n)!.id;
  return { compoundId: compound.body.id, buildingId: building.body.id, dwelling };
}

async function add(s: Session, body: Record<string, unknown>) {
  const res = await s.post<Resident>('/api/residents', body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

async function move(s: Session, id: string, body: Record<string, unknown>) {
  return s.post<Moved & ErrorBody>(`/api/residents/${id}/move`, body);
}

async function householdsOf(s: Session, dwellingId: string) {
  return (await s.get<{ items: Household[] }>(`/api/households?dwellingId=${dwellingId}`)).body.items;
}

async function rowOf(id: string) {
  const [row] = await t.database.db.select().from(residents).where(eq(residents.id, id));
  return row!;
}

const today = todayInShanghai();

describe('moving a resident (迁居)', () => {
  it('opens a new household at the new dwelling, closing the old one with its last member', async () => {
    const a = await as(world.users.adminA);
    const s = await site(a);
    const r = await add(a, { dwellingId: s.dwelling('101'), name: '迁居甲' });
    const res = await move(a, r.id, { version: r.version, dwellingId: s.dwelling('302'), movedAt: today });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const { resident, previousHousehold } = res.body;
    expect(resident).toMatchObject({ dwellingId: s.dwelling('302'), relationToHead: 'head' });
    expect(resident.householdId).not.toBe(r.householdId);
    expect(resident.version).toBe(r.version + 1);
    expect(resident.address).toContain('302');
    expect(previousHousehold).toEqual({ id: r.householdId, status: 'moved_out', headless: false });

    const [old] = await householdsOf(a, s.dwelling('101'));
    expect(old).toMatchObject({ id: r.householdId, status: 'moved_out', movedOutAt: today, memberCount: 0 });
    const [opened] = await householdsOf(a, s.dwelling('302'));
    expect(opened).toMatchObject({
      id: resident.householdId,
      status: 'active',
      headName: '迁居甲',
      movedInAt: today,
      memberCount: 1,
    });
  });

  it('joins an existing household with a relation, leaving a headless household behind', async () => {
    const a = await as(world.users.adminA);
    const s = await site(a);
    const head = await add(a, { dwellingId: s.dwelling('101'), name: '原户主' });
    const spouse = await add(a, { householdId: head.householdId, name: '原配偶', relationToHead: 'spouse' });
    const host = await add(a, { dwellingId: s.dwelling('201'), name: '新户主' });

    const res = await move(a, head.id, {
      version: head.version,
      dwellingId: s.dwelling('201'),
      householdId: host.householdId,
      relationToHead: 'parent',
      movedAt: today,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.resident).toMatchObject({ householdId: host.householdId, relationToHead: 'parent' });
    expect(res.body.previousHousehold).toEqual({ id: head.householdId, status: 'active', headless: true });

    const [left] = await householdsOf(a, s.dwelling('101'));
    expect(left).toMatchObject({ status: 'active', memberCount: 1, headName: null });
    expect(left!.members.map((m) => m.id)).toEqual([spouse.id]);
    const [stored] = await t.database.db.select().from(households).where(eq(households.id, head.householdId));
    expect(stored!.headResidentId).toBeNull();
    const [joined] = await householdsOf(a, s.dwelling('201'));
    expect(joined).toMatchObject({ headName: '新户主', memberCount: 2 });

    // A head is named again the usual way: the remaining member's relation becomes 户主.
    const named = await a.patch<Resident>(`/api/residents/${spouse.id}`, {
      version: spouse.version,
      relationToHead: 'head',
    });
    expect(named.status).toBe(200);
    expect((await householdsOf(a, s.dwelling('101')))[0]).toMatchObject({ headName: '原配偶' });
  });

  it('writes one audit row and shows the move on the timeline; search finds the new address only', async () => {
    const a = await as(world.users.adminA);
    const s = await site(a);
    const name = unique('迁居乙');
    const r = await add(a, { dwellingId: s.dwelling('102'), name });
    const res = await move(a, r.id, { version: r.version, dwellingId: s.dwelling('202'), movedAt: today });
    expect(res.status, JSON.stringify(res.body)).toBe(200);

    const rows = await t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, r.id), eq(auditLog.action, 'resident.move')));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.changes).toMatchObject({
      address: { from: expect.stringContaining('102'), to: expect.stringContaining('202') },
      householdId: { from: r.householdId, to: res.body.resident.householdId },
      household: { to: 'opened' },
      movedAt: { to: today },
      previousHousehold: { to: 'closed' },
    });

    const timeline = await a.get<Events>(`/api/residents/${r.id}/timeline`);
    expect(timeline.body.items.map((e) => e.kind)).toEqual(['resident.move', 'resident.create']);

    const at = async (dwellingId: string) =>
      (await a.get<Page>(`/api/residents?dwellingId=${dwellingId}`)).body.items.map((x) => x.id);
    expect(await at(s.dwelling('202'))).toEqual([r.id]);
    expect(await at(s.dwelling('102'))).toEqual([]);
    const byName = await a.get<Page>(`/api/residents?q=${encodeURIComponent(name)}`);
    expect(byName.body.items.map((x) => x.dwellingId)).toEqual([s.dwelling('202')]);
  });

  it('answers 409 with the current record to a stale version, and changes nothing', async () => {
    const a = await as(world.users.adminA);
    const s = await site(a);
    const r = await add(a, { dwellingId: s.dwelling('101'), name: '迁居丙' });
    const edited = await a.patch<Resident>(`/api/residents/${r.id}`, {
      version: r.version,
      occupation: '厨师',
    });
    expect(edited.status).toBe(200);
    const res = await move(a, r.id, { version: r.version, dwellingId: s.dwelling('102'), movedAt: today });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('resident.version_conflict');
    expect(res.body.error.details?.current).toMatchObject({ id: r.id, version: edited.body.version });
    expect((await rowOf(r.id)).dwellingId).toBe(s.dwelling('101'));
  });

  it('refuses bad input with 400 naming the field, and changes nothing', async () => {
    const a = await as(world.users.adminA);
    const s = await site(a);
    const r = await add(a, { dwellingId: s.dwelling('101'), name: '迁居丁' });
    const other = await add(a, { dwellingId: s.dwelling('201'), name: '迁居丁邻' });
    const base = { version: r.version, dwellingId: s.dwelling('201'), movedAt: today };
    const tomorrow = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    const cases: [Record<string, unknown>, string, string][] = [
      [{ ...base, movedAt: '2024-02-30' }, 'movedAt', 'invalid_format'],
      [{ ...base, movedAt: tomorrow }, 'movedAt', 'custom'],
      [{ ...base, householdId: other.householdId }, 'relationToHead', 'custom'],
      [{ ...base, householdId: other.householdId, relationToHead: 'head' }, 'relationToHead', 'custom'],
      [{ ...base, dwellingId: 'not-a-dwelling' }, 'dwellingId', 'invalid_format'],
      [
        { ...base, dwellingId: s.dwelling('101'), householdId: r.householdId, relationToHead: 'child' },
        'householdId',
        'move_same_household',
      ],
      [
        { ...base, dwellingId: s.dwelling('102'), householdId: other.householdId, relationToHead: 'child' },
        'householdId',
        'move_household',
      ],
    ];
    for (const [body, path, code] of cases) {
      const res = await move(a, r.id, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.details?.issues?.map((i) => i.path)).toEqual([path]);
      expect(res.body.error.details?.issues?.[0]?.code).toBe(code);
    }
    // An id no one knows is a dwelling not found, as everywhere.
    const unknown = await move(a, r.id, { ...base, dwellingId: '01900000-0000-7000-8000-000000000000' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('dwelling.not_found');
    const row = await rowOf(r.id);
    expect(row).toMatchObject({ dwellingId: s.dwelling('101'), householdId: r.householdId, version: 1 });
  });

  it('refuses a dwelling of another street and a resident no longer living here', async () => {
    const street = await as(world.users.streetAdmin);
    const s = await site(street);
    const r = await add(street, { dwellingId: s.dwelling('101'), name: '迁居戊' });
    const district = await as(world.users.districtAdmin);
    const far = await site(district, world.communityC.id);
    const across = await move(district, r.id, {
      version: r.version,
      dwellingId: far.dwelling('101'),
      movedAt: today,
    });
    expect(across.status).toBe(400);
    expect(across.body.error.details?.issues).toEqual([
      expect.objectContaining({ path: 'dwellingId', code: 'move_other_street' }),
    ]);
    const out = await street.post<Resident>(`/api/residents/${r.id}/move-out`, {
      version: r.version,
      kind: 'moved_out',
      date: today,
    });
    expect(out.status).toBe(200);
    const gone = await move(street, r.id, {
      version: out.body.version,
      dwellingId: s.dwelling('102'),
      movedAt: today,
    });
    expect(gone.status).toBe(409);
    expect(gone.body.error.code).toBe('resident.not_active');
  });

  it('keeps another community out: its dwelling and its resident answer 404 and nothing changes', async () => {
    const a = await as(world.users.adminA);
    const b = await as(world.users.adminB);
    const mine = await site(a);
    const theirs = await site(b, world.communityB.id);
    const r = await add(a, { dwellingId: mine.dwelling('101'), name: '迁居己' });
    const rb = await add(b, { dwellingId: theirs.dwelling('101'), name: '乙迁居' });

    const into = await move(a, r.id, { version: 1, dwellingId: theirs.dwelling('102'), movedAt: today });
    expect(into.status).toBe(404);
    expect(into.body.error.code).toBe('dwelling.not_found');
    const joinTheirs = await move(a, r.id, {
      version: 1,
      dwellingId: mine.dwelling('102'),
      householdId: rb.householdId,
      relationToHead: 'child',
      movedAt: today,
    });
    expect(joinTheirs.status).toBe(404);
    expect(joinTheirs.body.error.code).toBe('household.not_found');
    const theirResident = await move(a, rb.id, {
      version: 1,
      dwellingId: mine.dwelling('102'),
      movedAt: today,
    });
    expect(theirResident.status).toBe(404);
    expect(theirResident.body.error.code).toBe('resident.not_found');
    const theirHousehold = await a.post<ErrorBody>(`/api/households/${rb.householdId}/move`, {
      version: 1,
      dwellingId: mine.dwelling('102'),
      movedAt: today,
    });
    expect(theirHousehold.status).toBe(404);
    expect(theirHousehold.body.error.code).toBe('household.not_found');

    expect(await rowOf(r.id)).toMatchObject({ dwellingId: mine.dwelling('101'), version: 1 });
    expect(await rowOf(rb.id)).toMatchObject({ dwellingId: theirs.dwelling('101'), version: 1 });
    const moves = await t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'resident.move'), eq(auditLog.entityId, r.id)));
    expect(moves).toHaveLength(0);
  });

  it('carries tags into the new community when a street admin moves someone across communities', async () => {
    const street = await as(world.users.streetAdmin);
    const inA = await site(street);
    const inB = await site(street, world.communityB.id);
    const r = await add(street, { dwellingId: inA.dwelling('101'), name: '迁居庚', tags: ['empty_nest'] });
    const res = await move(street, r.id, { version: 1, dwellingId: inB.dwelling('101'), movedAt: today });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.resident.communityId).toBe(world.communityB.id);
    const tags = await t.database.db.select().from(residentTags).where(eq(residentTags.residentId, r.id));
    expect(tags.map((x) => x.communityId)).toEqual([world.communityB.id]);
    // Now community B's to look after, no longer A's.
    const b = await as(world.users.adminB);
    expect((await b.get(`/api/residents/${r.id}`)).status).toBe(200);
    const a = await as(world.users.adminA);
    expect((await a.get(`/api/residents/${r.id}`)).status).toBe(404);
  });
});

describe('moving a whole household (整户迁居)', () => {
  it('moves the household and every active member, with a timeline entry each', async () => {
    const a = await as(world.users.adminA);
    const s = await site(a);
    const head = await add(a, { dwellingId: s.dwelling('101'), name: '整户父' });
    const child = await add(a, { householdId: head.householdId, name: '整户子', relationToHead: 'child' });
    const gone = await add(a, { householdId: head.householdId, name: '整户祖', relationToHead: 'parent' });
    const out = await a.post<Resident>(`/api/residents/${gone.id}/move-out`, {
      version: gone.version,
      kind: 'deceased',
      date: today,
    });
    expect(out.status).toBe(200);
    const [before] = await householdsOf(a, s.dwelling('101'));

    const stale = await a.post<ErrorBody>(`/api/households/${head.householdId}/move`, {
      version: before!.version + 1,
      dwellingId: s.dwelling('301'),
      movedAt: today,
    });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('household.version_conflict');
    const same = await a.post<ErrorBody>(`/api/households/${head.householdId}/move`, {
      version: before!.version,
      dwellingId: s.dwelling('101'),
      movedAt: today,
    });
    expect(same.status).toBe(400);
    expect(same.body.error.details?.issues?.map((i) => i.code)).toEqual(['move_same_dwelling']);

    const res = await a.post<Household>(`/api/households/${head.householdId}/move`, {
      version: before!.version,
      dwellingId: s.dwelling('301'),
      movedAt: today,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ id: head.householdId, dwellingId: s.dwelling('301'), movedInAt: today });
    expect(res.body.version).toBe(before!.version + 1);
    expect(await householdsOf(a, s.dwelling('101'))).toEqual([]);

    for (const m of [head, child]) {
      expect(await rowOf(m.id)).toMatchObject({
        dwellingId: s.dwelling('301'),
        householdId: head.householdId,
      });
      const timeline = await a.get<Events>(`/api/residents/${m.id}/timeline`);
      const [latest] = timeline.body.items;
      expect(latest!.kind).toBe('household.move');
      expect(latest!.changes?.address).toEqual({
        from: expect.stringContaining('101'),
        to: expect.stringContaining('301'),
      });
    }
    // The member who died keeps the address they had.
    expect((await rowOf(gone.id)).dwellingId).toBe(s.dwelling('101'));
    const found = await a.get<Page>(`/api/residents?dwellingId=${s.dwelling('301')}`);
    expect(found.body.items.map((x) => x.id).sort()).toEqual([head.id, child.id].sort());
    const householdAudit = await t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, head.householdId), eq(auditLog.action, 'household.move')));
    expect(householdAudit).toHaveLength(1);
    expect(householdAudit[0]!.changes).toMatchObject({ members: { to: 2 } });
  });
});
