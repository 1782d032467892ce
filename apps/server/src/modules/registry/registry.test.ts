import { idCheckChar, todayInShanghai } from '@linli/shared';
import { eq } from 'drizzle-orm';
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
import { residents, residentTags } from './registry.table';

type Resident = {
  id: string;
  householdId: string;
  dwellingId: string;
  communityId: string;
  name: string;
  sex: 'male' | 'female' | null;
  birthDate: string | null;
  age: number | null;
  idType: string | null;
  idNumberMasked: string | null;
  phoneMasked: string | null;
  tags: string[];
  address: string;
  status: 'active' | 'moved_out' | 'deceased';
  movedOutAt: string | null;
  movedOutTo: string | null;
  version: number;
};
type Page = { items: Resident[]; nextCursor: string | null };
type Household = { id: string; dwellingId: string; memberCount: number; status: string; members: Resident[] };
type Dwelling = { id: string; number: string; label: string };
type Building = { id: string; name: string; dwellings: Dwelling[] };
type ErrorBody = {
  error: { code: string; details?: { issues?: { path: string }[]; current?: Resident } };
};

let t: TestApp;
let world: World;
const as = sessionsFor(() => t.app);

beforeAll(async () => {
  t = await startApp();
  world = await buildWorld(t.database);
});
afterAll(() => t.close());

// Unique per run of this file, so IDs and phones never collide with other files on a shared database.
const runTag = String(Math.floor(Math.random() * 9000) + 1000);
let counter = 0;
const next = () => String(++counter).padStart(3, '0');

/** A valid resident ID for someone of `age` today: random-ish region, the birth date, a sequence. */
function idForAge(age: number, sex: 'male' | 'female' = 'male') {
  const [y, m, d] = todayInShanghai().split('-').map(Number) as [number, number, number];
  // Forty days before the birthday of `age` years ago: exactly `age` today, whatever the date.
  const birth = new Date(Date.UTC(y - age, m - 1, d - 40)).toISOString().slice(0, 10);
  const n = Number(next());
  const seq = String(n * 2 + (sex === 'male' ? 1 : 0))
    .padStart(3, '0')
    .slice(-3);
  const body = `11${runTag}${birth.replaceAll('-', '')}${seq}`;
  return { id: body + idCheckChar(body), birthDate: birth };
}
/** An 11-digit mobile number with a tail unique in this file. */
const phone = () => `139${runTag}${String(counter++ + 1000).slice(-4)}`;

/** A fresh compound with one building named `name` (2 entrances × 3 floors × 2 rooms). */
async function site(name = '5') {
  const a = await as(world.users.adminA);
  const compound = await a.post<{ id: string }>('/api/areas', {
    kind: 'compound',
    parentId: world.communityA.id,
    name: unique('小区'),
  });
  expect(compound.status, JSON.stringify(compound.body)).toBe(200);
  const building = await a.post<Building>('/api/buildings', {
    compoundId: compound.body.id,
    name,
    floors: 3,
    entrances: 2,
    roomsPerFloor: 2,
  });
  expect(building.status, JSON.stringify(building.body)).toBe(200);
  const dwelling = (label: string) => {
    const d = building.body.dwellings.find((x) => x.label === label);
    if (!d) throw new Error(`no dwelling ${label}`);
    return d.id;
  };
  return { compoundId: compound.body.id, building: building.body, dwelling };
}

async function addResident(s: Session, body: Record<string, unknown>) {
  const res = await s.post<Resident>('/api/residents', body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

const search = async (s: Session, query: Record<string, string | number>) => {
  const qs = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]));
  return s.get<Page>(`/api/residents?${qs}`);
};
const idsOf = (p: Page) => p.items.map((r) => r.id).sort();

describe('creating a resident', () => {
  it('masks the ID and phone, derives birth date, sex, age and aged_80, and stores them encrypted', async () => {
    const a = await as(world.users.adminA);
    const { dwelling } = await site();
    const { id: idNumber, birthDate } = idForAge(85, 'female');
    const tel = phone();
    const res = await a.post<Resident>('/api/residents', {
      dwellingId: dwelling('5号楼1单元101'),
      name: '李秀英',
      idNumber: idNumber.toLowerCase(),
      phone: tel,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const r = res.body;
    expect(r).toMatchObject({
      name: '李秀英',
      sex: 'female',
      birthDate,
      age: 85,
      idType: 'resident_id',
      idNumberMasked: `${idNumber.slice(0, 3)}***********${idNumber.slice(-4)}`,
      phoneMasked: `${tel.slice(0, 3)}****${tel.slice(-4)}`,
      status: 'active',
      communityId: world.communityA.id,
      version: 1,
    });
    expect(r.tags).toContain('aged_80');
    expect(r.tags).not.toContain('aged_90');
    expect(r.address).toContain('5号楼1单元101');
    for (const body of [r, (await a.get(`/api/residents/${r.id}`)).body]) {
      const json = JSON.stringify(body);
      expect(json).not.toContain(idNumber);
      expect(json).not.toContain(idNumber.slice(0, 17));
      expect(json).not.toContain(tel);
    }

    const [row] = await t.database.db.select().from(residents).where(eq(residents.id, r.id));
    expect(row!.idNumberEnc).toBeTruthy();
    expect(row!.idNumberEnc).not.toContain(idNumber);
    expect(row!.idNumberHash).toMatch(/^[0-9a-f]{64}$/);
    expect(row!.phoneEnc).toBeTruthy();
    expect(row!.phoneEnc).not.toContain(tel);
    expect(row!.phoneHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses a bad checksum, a short phone, an unknown dwelling and a duplicate active ID', async () => {
    const a = await as(world.users.adminA);
    const { dwelling } = await site();
    const { id: idNumber } = idForAge(40);
    const bad = idNumber.slice(0, 17) + (idNumber[17] === '1' ? '2' : '1');

    const checksum = await a.post<ErrorBody>('/api/residents', {
      dwellingId: dwelling('5号楼1单元102'),
      name: '王强',
      idNumber: bad,
    });
    expect(checksum.status).toBe(400);
    expect(checksum.body.error.code).toBe('request.validation');
    expect(checksum.body.error.details?.issues?.map((i) => i.path)).toContain('idNumber');

    const shortPhone = await a.post<ErrorBody>('/api/residents', {
      dwellingId: dwelling('5号楼1单元102'),
      name: '王强',
      phone: '1381234567',
    });
    expect(shortPhone.status).toBe(400);
    expect(shortPhone.body.error.details?.issues?.map((i) => i.path)).toContain('phone');

    const nowhere = await a.post<ErrorBody>('/api/residents', {
      dwellingId: '00000000-0000-7000-8000-000000000000',
      name: '王强',
    });
    expect(nowhere.status).toBe(404);
    expect(nowhere.body.error.code).toBe('dwelling.not_found');

    await addResident(a, { dwellingId: dwelling('5号楼1单元102'), name: '王强', idNumber });
    const dup = await a.post<ErrorBody>('/api/residents', {
      dwellingId: dwelling('5号楼1单元201'),
      name: '王强强',
      idNumber,
    });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('resident.duplicate_id');
  });
});

describe('searching residents', () => {
  let compoundId: string;
  let zhangwei: Resident;
  let other: Resident;
  let old: Resident;
  let zhangId: string;
  let zhangPhone: string;

  beforeAll(async () => {
    const a = await as(world.users.adminA);
    const s = await site('7');
    compoundId = s.compoundId;
    zhangId = idForAge(30).id;
    zhangPhone = phone();
    zhangwei = await addResident(a, {
      dwellingId: s.dwelling('7号楼2单元301'),
      name: '张伟',
      idNumber: zhangId,
      phone: zhangPhone,
    });
    other = await addResident(a, {
      dwellingId: s.dwelling('7号楼1单元102'),
      name: '曾国强',
      phone: phone(),
      tags: ['living_alone'],
    });
    old = await addResident(a, {
      dwellingId: s.dwelling('7号楼1单元201'),
      name: '赵大爷',
      idNumber: idForAge(85).id,
    });
  });

  const find = async (query: Record<string, string | number>) => {
    const res = await search(await as(world.users.adminA), { compoundId, ...query });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return idsOf(res.body);
  };

  it('finds by pinyin initials and by a full pinyin prefix', async () => {
    expect(await find({ q: 'zw' })).toEqual([zhangwei.id]);
    expect(await find({ q: 'ZhangW' })).toEqual([zhangwei.id]);
    expect(await find({ q: 'zeng' })).toEqual([other.id]);
    expect(await find({ q: 'zgq' })).toEqual([other.id]);
  });

  it('finds a name typed with the wrong character of the same pinyin (张伟 by 张玮)', async () => {
    expect(await find({ q: '张玮' })).toEqual([zhangwei.id]);
    expect(await find({ q: '张伟' })).toEqual([zhangwei.id]);
    expect(await find({ q: '国强' })).toEqual([other.id]);
  });

  it('finds by phone tail and by full phone', async () => {
    expect(await find({ q: zhangPhone.slice(-4) })).toEqual([zhangwei.id]);
    expect(await find({ q: zhangPhone })).toEqual([zhangwei.id]);
    // The same tail behind another number is someone else.
    const digit = (Number(zhangPhone[3]) + 1) % 10;
    expect(await find({ q: `${zhangPhone.slice(0, 3)}${digit}${zhangPhone.slice(4)}` })).toEqual([]);
  });

  it('finds by ID number exactly, through its hash', async () => {
    expect(await find({ q: zhangId })).toEqual([zhangwei.id]);
    expect(await find({ q: zhangId.toLowerCase() })).toEqual([zhangwei.id]);
    expect(await find({ q: `${zhangId.slice(0, 17)}${zhangId[17] === '0' ? '1' : '0'}` })).toEqual([]);
    // Without the compound filter, too: the hash is the same for everyone in scope.
    const a = await as(world.users.adminA);
    expect(idsOf((await search(a, { q: zhangId })).body)).toEqual([zhangwei.id]);
  });

  it('finds by address: 7-2-301 and 7号楼301', async () => {
    expect(await find({ q: '7-2-301' })).toEqual([zhangwei.id]);
    expect(await find({ q: '7号楼2单元301' })).toEqual([zhangwei.id]);
    expect(await find({ q: '7号楼301' })).toEqual([zhangwei.id]);
    expect(await find({ q: '7-1-301' })).toEqual([]);
    expect(await find({ q: '7-1-102' })).toEqual([other.id]);
  });

  it('filters by tag and by age', async () => {
    expect(await find({ tag: 'living_alone' })).toEqual([other.id]);
    expect(await find({ tag: 'aged_80' })).toEqual([old.id]);
    expect(await find({ ageMin: 80, ageMax: 89 })).toEqual([old.id]);
    expect(await find({ ageMin: 86 })).toEqual([]);
    expect(await find({ ageMin: 30, ageMax: 30 })).toEqual([zhangwei.id]);
    expect(await find({ ageMax: 29 })).toEqual([]);
  });

  it('filters by compound', async () => {
    const a = await as(world.users.adminA);
    const elsewhere = await site('7');
    const twin = await addResident(a, { dwellingId: elsewhere.dwelling('7号楼2单元301'), name: '张伟' });
    expect(await find({ q: 'zw' })).toEqual([zhangwei.id]);
    expect(idsOf((await search(a, { q: 'zw', compoundId: elsewhere.compoundId })).body)).toEqual([twin.id]);
    const both = idsOf((await search(a, { q: '7-2-301' })).body);
    expect(both).toEqual(expect.arrayContaining([zhangwei.id, twin.id]));
  });

  it('pages with a cursor without repeating anyone', async () => {
    const a = await as(world.users.adminA);
    const s = await site('9');
    const names = ['陈一', '陈一', '陈二', '吴三', '安四'];
    const made: string[] = [];
    for (const [i, name] of names.entries()) {
      const r = await addResident(a, { dwellingId: s.dwelling(`9号楼1单元${i < 2 ? 101 : 102}`), name });
      made.push(r.id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res = await search(a, { compoundId: s.compoundId, limit: 2, ...(cursor && { cursor }) });
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items.map((r) => r.id));
      cursor = res.body.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort()).toEqual([...made].sort());
  });
});

describe('scope', () => {
  let mine: Resident;
  let theirs: Resident;
  let idNumber: string;
  let buildingId: string;

  beforeAll(async () => {
    const s = await site();
    buildingId = s.building.id;
    idNumber = idForAge(50).id;
    mine = await addResident(await as(world.users.adminA), {
      dwellingId: s.dwelling('5号楼1单元101'),
      name: '孙丽',
      idNumber,
      phone: phone(),
    });
    const b = await as(world.users.adminB);
    const building = await b.post<Building>('/api/buildings', {
      compoundId: world.compoundB.id,
      name: unique('b'),
      floors: 1,
      entrances: 1,
      roomsPerFloor: 1,
    });
    expect(building.status, JSON.stringify(building.body)).toBe(200);
    theirs = await addResident(b, {
      dwellingId: building.body.dwellings[0]!.id,
      name: '周杰',
    });
  });

  it("keeps community A's residents from community B's worker", async () => {
    const w = await as(world.users.workerB);
    const queries: Record<string, string>[] = [
      { q: 'sl' },
      { q: idNumber },
      { q: '孙丽' },
      { communityId: world.communityA.id },
    ];
    for (const q of queries) {
      const res = await search(w, q);
      expect(res.status).toBe(200);
      expect(res.body.items).toEqual([]);
    }
    const expect404 = async (method: string, url: string, body?: unknown) => {
      const res = await w.request(method, url, body);
      expect(res.status, `${method} ${url}`).toBe(404);
    };
    await expect404('GET', `/api/residents/${mine.id}`);
    await expect404('PATCH', `/api/residents/${mine.id}`, { version: 1, name: '改名' });
    await expect404('POST', `/api/residents/${mine.id}/move-out`, {
      version: 1,
      kind: 'moved_out',
      date: todayInShanghai(),
    });
    await expect404('POST', `/api/residents/${mine.id}/reveal`, { fields: ['idNumber'], reason: '核对' });
    await expect404('GET', `/api/residents/${mine.id}/access-log`);
    await expect404('GET', `/api/residents/${mine.id}/timeline`);
    await expect404('GET', `/api/households?dwellingId=${mine.dwellingId}`);
    await expect404('GET', `/api/buildings/${buildingId}/occupancy`);
    // Nothing happened to the resident.
    const a = await as(world.users.adminA);
    expect((await a.get<Resident>(`/api/residents/${mine.id}`)).body).toMatchObject({
      name: '孙丽',
      status: 'active',
      version: 1,
    });
    // B's worker does see B's own resident.
    expect((await w.get(`/api/residents/${theirs.id}`)).status).toBe(200);
  });

  it('gives a volunteer 403 on search and inside its community, 404 outside', async () => {
    const v = await as(world.users.volunteerA);
    expect((await search(v, { q: 'sl' })).status).toBe(403);
    expect((await v.get(`/api/residents/${mine.id}`)).status).toBe(403);
    expect((await v.get(`/api/residents/${theirs.id}`)).status).toBe(404);
  });
});

describe('revealing sensitive values', () => {
  let r: Resident;
  let idNumber: string;
  let tel: string;

  beforeAll(async () => {
    const s = await site();
    idNumber = idForAge(60).id;
    tel = phone();
    r = await addResident(await as(world.users.adminA), {
      dwellingId: s.dwelling('5号楼2单元101'),
      name: '钱进',
      idNumber,
      phone: tel,
    });
  });

  it('requires a reason', async () => {
    const a = await as(world.users.adminA);
    const res = await a.post<ErrorBody>(`/api/residents/${r.id}/reveal`, { fields: ['idNumber'] });
    expect(res.status).toBe(400);
    expect(res.body.error.details?.issues?.map((i) => i.path)).toContain('reason');
    const blank = await a.post(`/api/residents/${r.id}/reveal`, { fields: ['idNumber'], reason: '  ' });
    expect(blank.status).toBe(400);
  });

  it('returns the clear values uncached and logs the read without them', async () => {
    const a = await as(world.users.adminA);
    const reason = unique('上门核对身份');
    const res = await a.request('POST', `/api/residents/${r.id}/reveal`, {
      fields: ['idNumber', 'phone'],
      reason,
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ idNumber, phone: tel });
    expect(res.headers['cache-control']).toBe('no-store');

    const rows = await t.database.db.select().from(auditLog).where(eq(auditLog.entityId, r.id));
    const reveal = rows.find((x) => x.action === 'resident.reveal');
    expect(reveal).toMatchObject({
      action: 'resident.reveal',
      entityType: 'resident',
      reason,
      actorUserId: world.users.adminA.id,
      communityId: world.communityA.id,
    });
    expect(Object.keys(reveal!.changes ?? {}).sort()).toEqual(['idNumber', 'phone']);
    const everything = JSON.stringify(await t.database.db.select().from(auditLog));
    expect(everything).not.toContain(idNumber);
    expect(everything).not.toContain(tel);

    const log = await a.get<{ items: { actorName: string; fields: string[]; reason: string }[] }>(
      `/api/residents/${r.id}/access-log`,
    );
    expect(log.status).toBe(200);
    expect(log.body.items).toContainEqual(
      expect.objectContaining({
        actorName: world.users.adminA.name,
        reason,
        // jsonb keeps its own key order
        fields: expect.arrayContaining(['idNumber', 'phone']),
      }),
    );
  });

  it('is forbidden to a grid worker, who may read but not reveal', async () => {
    const g = await as(world.users.gridWorkerA);
    expect((await g.get(`/api/residents/${r.id}`)).status).toBe(200);
    const res = await g.post<ErrorBody>(`/api/residents/${r.id}/reveal`, {
      fields: ['phone'],
      reason: '核对',
    });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('auth.forbidden');
  });

  it('is limited per hour', async () => {
    const t2 = await startApp({ LINLI_REVEAL_LIMIT_PER_HOUR: '2' });
    try {
      const w2 = await buildWorld(t2.database);
      const a = await sessionsFor(() => t2.app)(w2.users.adminA);
      const building = await a.post<Building>('/api/buildings', {
        compoundId: w2.compoundA.id,
        name: '1',
        floors: 1,
        entrances: 1,
        roomsPerFloor: 1,
      });
      expect(building.status).toBe(200);
      const res = await a.post<Resident>('/api/residents', {
        dwellingId: building.body.dwellings[0]!.id,
        name: '限额',
        phone: phone(),
      });
      expect(res.status).toBe(200);
      const reveal = () =>
        a.post<ErrorBody>(`/api/residents/${res.body.id}/reveal`, {
          fields: ['phone'],
          reason: '核对',
        });
      expect((await reveal()).status).toBe(200);
      expect((await reveal()).status).toBe(200);
      const third = await reveal();
      expect(third.status).toBe(429);
      expect(third.body.error.code).toBe('resident.reveal_limit');
    } finally {
      await t2.close();
    }
  });
});

describe('updating a resident', () => {
  it('changes the phone under a version, refuses a stale one, and records a masked timeline', async () => {
    const a = await as(world.users.adminA);
    const s = await site();
    const oldPhone = phone();
    const newPhone = phone();
    const r = await addResident(a, {
      dwellingId: s.dwelling('5号楼1单元301'),
      name: '郑和',
      idNumber: idForAge(45).id,
      phone: oldPhone,
    });
    const res = await a.patch<Resident>(`/api/residents/${r.id}`, { version: 1, phone: newPhone });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ phoneMasked: `139****${newPhone.slice(-4)}`, version: 2 });
    expect(JSON.stringify(res.body)).not.toContain(newPhone);

    const byTail = async (tail: string) =>
      idsOf((await search(a, { q: tail, compoundId: s.compoundId })).body);
    expect(await byTail(newPhone.slice(-4))).toEqual([r.id]);
    expect(await byTail(oldPhone.slice(-4))).toEqual([]);

    const stale = await a.patch<ErrorBody>(`/api/residents/${r.id}`, { version: 1, name: '郑和和' });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('resident.version_conflict');
    expect(stale.body.error.details?.current).toMatchObject({ id: r.id, version: 2, name: '郑和' });

    const timeline = await a.get<{
      items: { kind: string; actorName: string; changes: Record<string, { from?: unknown; to?: unknown }> }[];
    }>(`/api/residents/${r.id}/timeline`);
    expect(timeline.status).toBe(200);
    expect(timeline.body.items.map((e) => e.kind)).toEqual(['resident.update', 'resident.create']);
    const [update, create] = timeline.body.items;
    expect(update!.actorName).toBe(world.users.adminA.name);
    // The history says which number replaced which, masked on both sides.
    expect(update!.changes).toEqual({
      phone: { from: `${oldPhone.slice(0, 3)}****${oldPhone.slice(-4)}`, to: `139****${newPhone.slice(-4)}` },
    });
    expect(create!.changes.name).toEqual({ to: '郑和' });
    expect(create!.changes.idNumber).toEqual({ to: '[redacted]' });
    expect(create!.changes.phone).toEqual({ to: '[redacted]' });
    const json = JSON.stringify(timeline.body);
    expect(json).not.toContain(oldPhone);
    expect(json).not.toContain(newPhone);
  });
});

describe('sensitive tags', () => {
  it('shows subsistence to the community admin only, and stores it as a token', async () => {
    const a = await as(world.users.adminA);
    const s = await site();
    const r = await addResident(a, {
      dwellingId: s.dwelling('5号楼1单元202'),
      name: '冯低保',
      tags: ['subsistence', 'living_alone'],
    });
    expect(r.tags).toEqual(expect.arrayContaining(['subsistence', 'living_alone']));
    expect(idsOf((await search(a, { tag: 'subsistence', compoundId: s.compoundId })).body)).toEqual([r.id]);

    const w = await as(world.users.workerA);
    const seen = await w.get<Resident>(`/api/residents/${r.id}`);
    expect(seen.status).toBe(200);
    expect(seen.body.tags).toContain('living_alone');
    expect(seen.body.tags).not.toContain('subsistence');
    const listed = await search(w, { q: 'fdb', compoundId: s.compoundId });
    expect(listed.body.items.map((x) => x.id)).toEqual([r.id]);
    expect(listed.body.items[0]!.tags).not.toContain('subsistence');
    const byTag = await search(w, { tag: 'subsistence', compoundId: s.compoundId });
    expect(byTag.status).toBe(200);
    expect(byTag.body.items).toEqual([]);

    const stored = await t.database.db.select().from(residentTags).where(eq(residentTags.residentId, r.id));
    expect(stored).toHaveLength(2);
    expect(JSON.stringify(stored)).not.toContain('subsistence');
    expect(stored.map((x) => x.tag)).toContain('living_alone');
    const audit = await t.database.db.select().from(auditLog).where(eq(auditLog.entityId, r.id));
    expect(JSON.stringify(audit)).not.toContain('subsistence');
  });
});

describe('tags edited by someone who cannot see the sensitive ones', () => {
  it('keeps the sensitive tags the editor cannot see', async () => {
    const a = await as(world.users.adminA);
    const s = await site();
    const r = await addResident(a, {
      dwellingId: s.dwelling('5号楼1单元302'),
      name: '褚低保',
      tags: ['subsistence'],
    });
    const w = await as(world.users.workerA);
    const res = await w.patch<Resident>(`/api/residents/${r.id}`, { version: 1, tags: ['living_alone'] });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.tags).toEqual(['living_alone']);
    const after = await a.get<Resident>(`/api/residents/${r.id}`);
    expect([...after.body.tags].sort()).toEqual(['living_alone', 'subsistence']);
    // Nor may they set one: a tag one cannot see is not one's to give.
    const setting = await w.patch<ErrorBody>(`/api/residents/${r.id}`, { version: 2, tags: ['disability'] });
    expect(setting.status).toBe(403);
    expect(setting.body.error.code).toBe('auth.forbidden');
  });
});

describe('moving out', () => {
  it('ends the registration, keeps it findable by status, and closes the household with its last member', async () => {
    const a = await as(world.users.adminA);
    const s = await site();
    const dwellingId = s.dwelling('5号楼2单元302');
    const head = await addResident(a, { dwellingId, name: '蒋父' });
    const child = await addResident(a, {
      householdId: head.householdId,
      name: '蒋子',
      relationToHead: 'child',
    });
    expect(child.householdId).toBe(head.householdId);
    const today = todayInShanghai();

    const moved = await a.post<Resident>(`/api/residents/${child.id}/move-out`, {
      version: 1,
      kind: 'moved_out',
      date: today,
      movedOutTo: '浦东新区',
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body).toMatchObject({ status: 'moved_out', movedOutAt: today, movedOutTo: '浦东新区' });

    expect(idsOf((await search(a, { compoundId: s.compoundId })).body)).toEqual([head.id]);
    expect(idsOf((await search(a, { compoundId: s.compoundId, status: 'moved_out' })).body)).toEqual([
      child.id,
    ]);

    const patch = await a.patch<ErrorBody>(`/api/residents/${child.id}`, {
      version: moved.body.version,
      name: '蒋小',
    });
    expect(patch.status).toBe(409);
    expect(patch.body.error.code).toBe('resident.not_active');

    const households = async () =>
      (await a.get<{ items: Household[] }>(`/api/households?dwellingId=${dwellingId}`)).body.items;
    expect(await households()).toEqual([
      expect.objectContaining({ id: head.householdId, status: 'active', memberCount: 1 }),
    ]);

    const last = await a.post<Resident>(`/api/residents/${head.id}/move-out`, {
      version: 1,
      kind: 'moved_out',
      date: today,
    });
    expect(last.status).toBe(200);
    const [household] = await households();
    expect(household).toMatchObject({ id: head.householdId, status: 'moved_out', memberCount: 0 });
    expect(household!.members.map((m) => m.status)).toEqual(['moved_out', 'moved_out']);
  });
});

describe('building occupancy', () => {
  it('counts residents per dwelling and reports living_alone and aged_80', async () => {
    const a = await as(world.users.adminA);
    const s = await site();
    const family = s.dwelling('5号楼1单元101');
    const alone = s.dwelling('5号楼2单元201');
    const grandpa = await addResident(a, { dwellingId: family, name: '韩老', idNumber: idForAge(85).id });
    await addResident(a, { householdId: grandpa.householdId, name: '韩少', idNumber: idForAge(20).id });
    await addResident(a, { dwellingId: family, name: '租客', tenure: 'tenant' });
    await addResident(a, { dwellingId: alone, name: '杨独', tags: ['living_alone'] });

    const res = await a.get<{
      dwellings: { dwellingId: string; households: number; residents: number; tags: string[] }[];
    }>(`/api/buildings/${s.building.id}/occupancy`);
    expect(res.status).toBe(200);
    const byId = new Map(res.body.dwellings.map((d) => [d.dwellingId, d]));
    expect(res.body.dwellings).toHaveLength(2);
    expect(byId.get(family)).toMatchObject({ households: 2, residents: 3, tags: ['aged_80'] });
    expect(byId.get(alone)).toMatchObject({ households: 1, residents: 1, tags: ['living_alone'] });
  });
});
