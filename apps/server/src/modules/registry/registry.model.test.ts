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
import { newId } from '../../platform/ids';
import { auditLog } from '../audit/audit.table';
import { dwellings } from '../buildings/buildings.table';
import { householdTags, residentRelations, residents, residentTags } from './registry.table';

type Resident = {
  id: string;
  householdId: string;
  name: string;
  idNumberMasked: string | null;
  phoneMasked: string | null;
  hasHealthNote: boolean;
  formerName: string | null;
  ethnicity: string | null;
  maritalStatus: string | null;
  politicalStatus: string | null;
  education: string | null;
  occupation: string | null;
  employer: string | null;
  arrivalReason: string | null;
  arrivalDate: string | null;
  provenance: string | null;
  emergencyContactName: string | null;
  tags: string[];
  version: number;
};
type Relation = {
  id: string;
  kind: string;
  residentId: string;
  residentName: string;
  otherResidentId: string | null;
  otherName: string;
  otherPhoneMasked: string | null;
  side: 'subject' | 'other';
};
type Household = {
  id: string;
  version: number;
  tags: { code: string; since: string | null; source: string | null }[];
  history: { date: string; kind: string; residentName: string | null }[];
  members: Resident[];
};
type Profile = {
  id: string;
  type: string | null;
  use: string | null;
  ownerName: string | null;
  ownerPhoneMasked: string | null;
  safetyFlags: string[];
  safetyNotes: string | null;
  lastVerifiedAt: string | null;
  lastVerifiedByName: string | null;
  version: number;
};
type ErrorBody = {
  error: { code: string; details?: { issues?: { path: string; message?: string }[]; current?: unknown } };
};
type Events = {
  items: {
    id: string;
    at: string;
    kind: string;
    actorName: string | null;
    changes: Record<string, { from?: unknown; to?: unknown }> | null;
  }[];
};

let t: TestApp;
let world: World;
const as = sessionsFor(() => t.app);

beforeAll(async () => {
  t = await startApp();
  world = await buildWorld(t.database);
});
afterAll(() => t.close());

const runTag = String(Math.floor(Math.random() * 9000) + 1000);
let counter = 0;
const next = () => ++counter;

function idForAge(age: number) {
  const [y, m, d] = todayInShanghai().split('-').map(Number) as [number, number, number];
  const birth = new Date(Date.UTC(y - age, m - 1, d - 40)).toISOString().slice(0, 10);
  const seq = String(next() * 2 + 1)
    .padStart(3, '0')
    .slice(-3);
  const body = `12${runTag}${birth.replaceAll('-', '')}${seq}`;
  return body + idCheckChar(body);
}
const phone = () => `137${runTag}${String(next() + 1000).slice(-4)}`;
const masked = (p: string) => `${p.slice(0, 3)}****${p.slice(-4)}`;

/** A fresh building in community A (or B) with 1 entrance × 2 floors × 2 rooms. */
async function site(s: Session, communityId = world.communityA.id) {
  const compound = await s.post<{ id: string }>('/api/areas', {
    kind: 'compound',
    parentId: communityId,
    name: unique('小区'),
  });
  expect(compound.status, JSON.stringify(compound.body)).toBe(200);
  const building = await s.post<{ dwellings: { id: string; number: string }[] }>('/api/buildings', {
    compoundId: compound.body.id,
    name: '9',
    floors: 2,
    entrances: 1,
    roomsPerFloor: 2,
  });
  expect(building.status, JSON.stringify(building.body)).toBe(200);
  return (n: string) => building.body.dwellings.find((d) => d.number === n)!.id;
}

async function add(s: Session, body: Record<string, unknown>) {
  const res = await s.post<Resident>('/api/residents', body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}
const paths = (b: ErrorBody) => b.error.details?.issues?.map((i) => i.path) ?? [];

describe('resident fields', () => {
  it('round-trips ethnicity, marital and political status, education, work and arrival', async () => {
    const a = await as(world.users.adminA);
    const dwelling = await site(a);
    const r = await add(a, {
      dwellingId: dwelling('101'),
      name: '阿依古丽',
      ethnicity: '05',
      maritalStatus: 'married',
      politicalStatus: 'cpc_member',
      education: 'bachelor',
      occupation: '教师',
      employer: '第一小学',
      residenceType: 'non_hukou',
      arrivalReason: 'work',
      arrivalDate: '2021-09-01',
    });
    expect(r).toMatchObject({
      ethnicity: '05',
      maritalStatus: 'married',
      politicalStatus: 'cpc_member',
      education: 'bachelor',
      occupation: '教师',
      employer: '第一小学',
      arrivalReason: 'work',
      arrivalDate: '2021-09-01',
      provenance: 'manual',
    });
    const cleared = await a.patch<Resident>(`/api/residents/${r.id}`, {
      version: r.version,
      employer: null,
      maritalStatus: 'widowed',
    });
    expect(cleared.status, JSON.stringify(cleared.body)).toBe(200);
    expect(cleared.body).toMatchObject({ employer: null, maritalStatus: 'widowed', occupation: '教师' });
    const timeline = await a.get<Events>(`/api/residents/${r.id}/timeline`);
    expect(timeline.body.items[0]!.changes).toEqual({
      employer: { from: '第一小学', to: null },
      maritalStatus: { from: 'married', to: 'widowed' },
    });
    expect(timeline.body.items[1]!.changes?.provenance).toEqual({ to: 'manual' });
  });

  it('refuses an unknown ethnicity, education or arrival reason naming the field, and changes nothing', async () => {
    const a = await as(world.users.adminA);
    const dwelling = await site(a);
    for (const [field, value] of [
      ['ethnicity', '57'],
      ['education', 'phd'],
      ['politicalStatus', 'party'],
      ['arrivalReason', 'tourism'],
      ['arrivalDate', '2021-02-30'],
      ['arrivalDate', '2999-01-01'],
    ] as const) {
      const res = await a.post<ErrorBody>('/api/residents', {
        dwellingId: dwelling('102'),
        name: '错字段',
        [field]: value,
      });
      expect(res.status, field).toBe(400);
      expect(paths(res.body), field).toContain(field);
    }
    const households = await a.get<{ items: Household[] }>(`/api/households?dwellingId=${dwelling('102')}`);
    expect(households.body.items).toEqual([]);
  });
});

describe('resident tags', () => {
  it('keep the row of a tag that stays, so when and by whom it was set is not lost', async () => {
    const a = await as(world.users.adminA);
    const dwelling = await site(a);
    const r = await add(a, { dwellingId: dwelling('102'), name: '志愿者', tags: ['volunteer'] });
    const rowsOf = () => t.database.db.select().from(residentTags).where(eq(residentTags.residentId, r.id));
    const [first] = await rowsOf();
    const res = await a.patch<Resident>(`/api/residents/${r.id}`, {
      version: r.version,
      tags: ['volunteer', 'party_member'],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const after = await rowsOf();
    expect(after.map((x) => x.tag).sort()).toEqual(['party_member', 'volunteer']);
    expect(after.find((x) => x.tag === 'volunteer')!.createdAt).toEqual(first!.createdAt);
    const dropped = await a.patch<Resident>(`/api/residents/${r.id}`, { version: r.version + 1, tags: [] });
    expect(dropped.body.tags).toEqual([]);
    expect(await rowsOf()).toEqual([]);
  });
});

describe('clearing sensitive fields', () => {
  it('clears a phone, an ID number and a health note with null, and the history stays masked', async () => {
    const a = await as(world.users.adminA);
    const dwelling = await site(a);
    const tel = phone();
    const idNumber = idForAge(50);
    const r = await add(a, {
      dwellingId: dwelling('201'),
      name: '钱多',
      formerName: '钱小多',
      phone: tel,
      idNumber,
      health: '高血压',
    });
    expect(r.hasHealthNote).toBe(true);
    const res = await a.patch<Resident>(`/api/residents/${r.id}`, {
      version: r.version,
      phone: null,
      idNumber: null,
      health: null,
      formerName: null,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      phoneMasked: null,
      idNumberMasked: null,
      hasHealthNote: false,
      formerName: null,
    });
    const timeline = await a.get<Events>(`/api/residents/${r.id}/timeline`);
    const changes = timeline.body.items[0]!.changes!;
    expect(changes.phone).toEqual({ from: masked(tel), to: null });
    expect(changes.idNumber).toEqual({ from: r.idNumberMasked, to: null });
    expect(changes.health).toEqual({ from: '[redacted]', to: '[redacted]' });
    expect(changes.formerName).toEqual({ from: '钱小多', to: null });
    const json = JSON.stringify(timeline.body);
    expect(json).not.toContain(tel);
    expect(json).not.toContain(idNumber);
    expect(json).not.toContain('高血压');
  });
});

describe('emergency contact of an elderly resident living alone', () => {
  it('is required on create and cannot be removed later; younger residents need none', async () => {
    const a = await as(world.users.adminA);
    const dwelling = await site(a);
    const old = idForAge(72);
    const refused = await a.post<ErrorBody>('/api/residents', {
      dwellingId: dwelling('202'),
      name: '孙独居',
      idNumber: old,
      tags: ['living_alone'],
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('resident.emergency_contact_required');
    expect(paths(refused.body)).toEqual(['emergencyContactName']);

    const young = await add(a, {
      dwellingId: dwelling('202'),
      name: '孙年轻',
      idNumber: idForAge(40),
      tags: ['living_alone'],
    });
    expect(young.tags).toContain('living_alone');

    const r = await add(a, {
      dwellingId: dwelling('101'),
      name: '孙独居',
      idNumber: old,
      tags: ['living_alone'],
      emergencyContactName: '孙女儿',
    });
    const removed = await a.patch<ErrorBody>(`/api/residents/${r.id}`, {
      version: r.version,
      emergencyContactName: null,
    });
    expect(removed.status).toBe(400);
    expect(paths(removed.body)).toEqual(['emergencyContactName']);
    const still = await a.get<Resident>(`/api/residents/${r.id}`);
    expect(still.body).toMatchObject({ emergencyContactName: '孙女儿', version: r.version });

    // Tagging an existing elderly resident without a contact is refused the same way.
    const other = await add(a, { dwellingId: dwelling('102'), name: '周老', idNumber: idForAge(66) });
    const tagged = await a.patch<ErrorBody>(`/api/residents/${other.id}`, {
      version: other.version,
      tags: ['living_alone'],
    });
    expect(tagged.status).toBe(400);
    expect(paths(tagged.body)).toEqual(['emergencyContactName']);
  });
});

describe('relations', () => {
  it('shows a relation on both ends, audits it on both, and ends it', async () => {
    const a = await as(world.users.adminA);
    const dwelling = await site(a);
    const cared = await add(a, { dwellingId: dwelling('101'), name: '李四' });
    const carer = await add(a, { dwellingId: dwelling('102'), name: '张三' });
    const created = await a.post<Relation>(`/api/residents/${cared.id}/relations`, {
      kind: 'carer',
      otherResidentId: carer.id,
      note: '每天送饭',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    expect(created.body).toMatchObject({
      kind: 'carer',
      residentName: '李四',
      otherName: '张三',
      side: 'subject',
    });

    const ofCarer = await a.get<{ items: Relation[] }>(`/api/residents/${carer.id}/relations`);
    expect(ofCarer.body.items).toMatchObject([
      { id: created.body.id, kind: 'carer', residentName: '李四', otherName: '张三', side: 'other' },
    ]);
    const ofCared = await a.get<{ items: Relation[] }>(`/api/residents/${cared.id}/relations`);
    expect(ofCared.body.items.map((r) => r.side)).toEqual(['subject']);

    for (const id of [cared.id, carer.id]) {
      const events = await a.get<Events>(`/api/residents/${id}/timeline`);
      expect(events.body.items[0]).toMatchObject({
        kind: 'resident.relation_add',
        changes: { relation: { to: 'carer' }, subject: { to: '李四' }, other: { to: '张三' } },
      });
    }

    // Ended from the carer's side: gone from both lists, kept in both timelines.
    const ended = await a.post(`/api/residents/${carer.id}/relations/${created.body.id}/end`);
    expect(ended.status, JSON.stringify(ended.body)).toBe(200);
    expect((await a.get<{ items: Relation[] }>(`/api/residents/${cared.id}/relations`)).body.items).toEqual(
      [],
    );
    expect((await a.get<Events>(`/api/residents/${cared.id}/timeline`)).body.items[0]!.kind).toBe(
      'resident.relation_end',
    );
    const again = await a.post(`/api/residents/${carer.id}/relations/${created.body.id}/end`);
    expect(again.status).toBe(404);
  });

  it('keeps a person outside the register by name with the phone encrypted and masked', async () => {
    const a = await as(world.users.adminA);
    const dwelling = await site(a);
    const r = await add(a, { dwellingId: dwelling('201'), name: '吴奶奶' });
    const tel = phone();
    const res = await a.post<Relation>(`/api/residents/${r.id}/relations`, {
      kind: 'emergency_contact',
      otherName: '吴儿子',
      otherPhone: tel,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      otherResidentId: null,
      otherName: '吴儿子',
      otherPhoneMasked: masked(tel),
    });
    const [row] = await t.database.db
      .select()
      .from(residentRelations)
      .where(eq(residentRelations.id, res.body.id));
    expect(row!.otherPhoneEnc).not.toContain(tel);
    const audit = await t.database.db.select().from(auditLog).where(eq(auditLog.entityId, r.id));
    expect(JSON.stringify(audit)).not.toContain(tel);

    const neither = await a.post<ErrorBody>(`/api/residents/${r.id}/relations`, { kind: 'guardian' });
    expect(neither.status).toBe(400);
    expect(paths(neither.body)).toContain('otherName');
    const badKind = await a.post<ErrorBody>(`/api/residents/${r.id}/relations`, {
      kind: 'friend',
      otherName: 'x',
    });
    expect(badKind.status).toBe(400);
    expect(paths(badKind.body)).toContain('kind');
  });

  it("answers 404 for another community's resident and refuses another community's resident as the other end", async () => {
    const a = await as(world.users.adminA);
    const b = await as(world.users.adminB);
    const dwellingA = await site(a);
    const dwellingB = await site(b, world.communityB.id);
    const inA = await add(a, { dwellingId: dwellingA('101'), name: '甲' });
    const inB = await add(b, { dwellingId: dwellingB('101'), name: '乙' });

    const fromB = await b.post<ErrorBody>(`/api/residents/${inA.id}/relations`, {
      kind: 'carer',
      otherResidentId: inB.id,
    });
    expect(fromB.status).toBe(404);
    expect(fromB.body.error.code).toBe('resident.not_found');
    expect((await b.get<ErrorBody>(`/api/residents/${inA.id}/relations`)).status).toBe(404);

    const outside = await a.post<ErrorBody>(`/api/residents/${inA.id}/relations`, {
      kind: 'carer',
      otherResidentId: inB.id,
    });
    expect(outside.status).toBe(400);
    expect(outside.body.error.code).toBe('relation.invalid_other');
    expect(paths(outside.body)).toEqual(['otherResidentId']);
    const self = await a.post<ErrorBody>(`/api/residents/${inA.id}/relations`, {
      kind: 'carer',
      otherResidentId: inA.id,
    });
    expect(self.status).toBe(400);
    const rows = await t.database.db
      .select()
      .from(residentRelations)
      .where(eq(residentRelations.residentId, inA.id));
    expect(rows).toEqual([]);

    const relation = await a.post<Relation>(`/api/residents/${inA.id}/relations`, {
      kind: 'other',
      otherName: '丙',
    });
    const endFromB = await b.post(`/api/residents/${inA.id}/relations/${relation.body.id}/end`);
    expect(endFromB.status).toBe(404);
  });
});

describe('household tags and history', () => {
  it('sets tags with a date and source, stores sensitive ones as tokens and shows them only to those allowed', async () => {
    const a = await as(world.users.adminA);
    const worker = await as(world.users.workerA);
    const dwelling = await site(a);
    const r = await add(a, { dwellingId: dwelling('101'), name: '陈家' });
    const put = (s: Session, body: unknown) => s.patch(`/api/households/${r.householdId}/tags`, body);

    const before = await a.get<{ items: Household[] }>(`/api/households?dwellingId=${dwelling('101')}`);
    const res = await put(a, {
      version: before.body.items[0]!.version,
      tags: [
        { code: 'subsistence_household', since: '2024-03-01', source: '街道低保名单' },
        { code: 'empty_nest_household' },
      ],
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const saved = res.body as Household;
    expect(saved.tags).toEqual(
      expect.arrayContaining([
        { code: 'subsistence_household', since: '2024-03-01', source: '街道低保名单' },
        { code: 'empty_nest_household', since: null, source: null },
      ]),
    );
    const stored = await t.database.db
      .select()
      .from(householdTags)
      .where(eq(householdTags.householdId, r.householdId));
    expect(stored.map((s) => s.tag)).not.toContain('subsistence_household');
    expect(stored.map((s) => s.tag)).toContain('empty_nest_household');

    // The worker (no read_sensitive) sees only the plain tag, cannot set a sensitive one, and keeps
    // the hidden one when saving the list.
    const seen = await worker.get<{ items: Household[] }>(`/api/households?dwellingId=${dwelling('101')}`);
    expect(seen.body.items[0]!.tags.map((x) => x.code)).toEqual(['empty_nest_household']);
    const forbidden = await put(worker, { version: saved.version, tags: [{ code: 'hardship_household' }] });
    expect(forbidden.status).toBe(403);
    const plain = await put(worker, { version: saved.version, tags: [{ code: 'living_alone_household' }] });
    expect(plain.status, JSON.stringify(plain.body)).toBe(200);
    const after = await a.get<{ items: Household[] }>(`/api/households?dwellingId=${dwelling('101')}`);
    expect(after.body.items[0]!.tags.map((x) => x.code).sort()).toEqual([
      'living_alone_household',
      'subsistence_household',
    ]);
    expect(after.body.items[0]!.history.map((h) => h.kind)).toContain('tags_changed');

    const stale = await put(a, { version: saved.version, tags: [] });
    expect(stale.status).toBe(409);
    expect((stale.body as ErrorBody).error.code).toBe('household.version_conflict');
    const badCode = await put(a, { version: saved.version + 1, tags: [{ code: 'rich' }] });
    expect(badCode.status).toBe(400);

    const audit = await t.database.db.select().from(auditLog).where(eq(auditLog.entityId, r.householdId));
    expect(JSON.stringify(audit)).not.toContain('subsistence');
    const b = await as(world.users.adminB);
    expect((await put(b, { version: saved.version + 1, tags: [] })).status).toBe(404);
  });

  it('derives the history from move-in, members joining and moving out', async () => {
    const a = await as(world.users.adminA);
    const dwelling = await site(a);
    const head = await add(a, { dwellingId: dwelling('102'), name: '林父' });
    const child = await add(a, { householdId: head.householdId, name: '林子' });
    const moved = await a.post(`/api/residents/${child.id}/move-out`, {
      version: child.version,
      kind: 'moved_out',
      date: todayInShanghai(),
    });
    expect(moved.status).toBe(200);
    const list = await a.get<{ items: Household[] }>(`/api/households?dwellingId=${dwelling('102')}`);
    const history = list.body.items[0]!.history;
    expect(history[0]).toMatchObject({ kind: 'member_moved_out', residentName: '林子' });
    expect(history.map((h) => h.kind).sort()).toEqual([
      'member_joined',
      'member_joined',
      'member_moved_out',
      'moved_in',
    ]);
  });
});

describe('dwelling profile', () => {
  it('keeps type, use, owner (phone masked), safety notes and who verified it, under a version', async () => {
    const a = await as(world.users.adminA);
    const grid = await as(world.users.gridWorkerA);
    const dwelling = await site(a);
    const id = dwelling('201');
    const tel = phone();
    const first = await a.get<Profile>(`/api/dwellings/${id}/profile`);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ type: null, use: null, safetyFlags: [], lastVerifiedAt: null });

    const res = await grid.patch<Profile>(`/api/dwellings/${id}/profile`, {
      version: first.body.version,
      type: 'reformed_public',
      use: 'group_rental',
      ownerName: '房东王',
      ownerPhone: tel,
      safetyFlags: ['gas', 'fire'],
      safetyNotes: '燃气软管老化',
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({
      type: 'reformed_public',
      use: 'group_rental',
      ownerName: '房东王',
      ownerPhoneMasked: masked(tel),
      safetyFlags: ['gas', 'fire'],
      lastVerifiedByName: world.users.gridWorkerA.name,
    });
    expect(res.body.lastVerifiedAt).not.toBeNull();
    expect(JSON.stringify(res.body)).not.toContain(tel);
    const [row] = await t.database.db.select().from(dwellings).where(eq(dwellings.id, id));
    expect(row!.ownerPhoneEnc).not.toContain(tel);

    // The building drawing carries type and use for the grid colours, never the owner.
    const building = await a.get<{ dwellings: { id: string; use: string | null }[] }>(
      `/api/buildings/${row!.buildingId}`,
    );
    expect(building.body.dwellings.find((d) => d.id === id)).toMatchObject({ use: 'group_rental' });
    expect(JSON.stringify(building.body)).not.toContain('房东王');

    const stale = await a.patch<ErrorBody>(`/api/dwellings/${id}/profile`, {
      version: first.body.version,
      use: 'vacant',
    });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('dwelling.version_conflict');
    expect(stale.body.error.details?.current).toMatchObject({ use: 'group_rental' });

    const cleared = await a.patch<Profile>(`/api/dwellings/${id}/profile`, {
      version: res.body.version,
      ownerPhone: null,
    });
    expect(cleared.body.ownerPhoneMasked).toBeNull();
    const audit = await t.database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.entityId, id))
      .orderBy(auditLog.id);
    const last = audit.at(-1)!;
    expect(last.action).toBe('dwelling.profile_update');
    expect(last.changes).toEqual({ ownerPhone: { from: masked(tel), to: null } });
    expect(JSON.stringify(audit)).not.toContain(tel);

    const badUse = await a.patch<ErrorBody>(`/api/dwellings/${id}/profile`, {
      version: cleared.body.version,
      use: 'hotel',
    });
    expect(badUse.status).toBe(400);
    expect(paths(badUse.body)).toContain('use');

    const b = await as(world.users.adminB);
    expect((await b.get<ErrorBody>(`/api/dwellings/${id}/profile`)).status).toBe(404);
    const fromB = await b.patch<ErrorBody>(`/api/dwellings/${id}/profile`, {
      version: cleared.body.version,
      use: 'vacant',
    });
    expect(fromB.status).toBe(404);
    expect(fromB.body.error.code).toBe('dwelling.not_found');
    const volunteer = await as(world.users.volunteerA);
    expect((await volunteer.get(`/api/dwellings/${id}/profile`)).status).toBe(403);
  });

  it("reveals the owner's phone only with a reason, audited without the value, and never to a grid worker", async () => {
    const a = await as(world.users.adminA);
    const dwelling = await site(a);
    const id = dwelling('102');
    const tel = phone();
    const first = await a.get<Profile>(`/api/dwellings/${id}/profile`);
    await a.patch(`/api/dwellings/${id}/profile`, { version: first.body.version, ownerPhone: tel });
    const url = `/api/dwellings/${id}/owner-phone/reveal`;

    const noReason = await a.post<ErrorBody>(url, {});
    expect(noReason.status).toBe(400);
    expect(paths(noReason.body)).toContain('reason');
    const res = await a.request('POST', url, { reason: '联系房东核实群租' });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ownerPhone: tel });
    expect(res.headers['cache-control']).toBe('no-store');
    const audit = await t.database.db.select().from(auditLog).where(eq(auditLog.entityId, id));
    const read = audit.find((r) => r.action === 'dwelling.reveal')!;
    expect(read).toMatchObject({ reason: '联系房东核实群租', changes: { ownerPhone: { to: '[revealed]' } } });
    expect(JSON.stringify(audit)).not.toContain(tel);

    const grid = await as(world.users.gridWorkerA);
    expect((await grid.post(url, { reason: 'x' })).status).toBe(403);
    const b = await as(world.users.adminB);
    expect((await b.post(url, { reason: 'x' })).status).toBe(404);
  });
});

describe('timeline of a resident written in bulk', () => {
  /**
   * A resident as the import job writes it: its row (provenance, creator, time) but no audit row of its own,
   * beside a housemate registered by hand.
   */
  async function bulkWritten(provenance: string | null, createdBy: string | null) {
    const a = await as(world.users.adminA);
    const dwelling = await site(a);
    const housemate = await add(a, { dwellingId: dwelling('101'), name: '董建国' });
    const [home] = await t.database.db.select().from(residents).where(eq(residents.id, housemate.id));
    const id = newId();
    const createdAt = new Date('2024-03-05T02:30:00.000Z');
    await t.database.db.insert(residents).values({
      id,
      streetId: home!.streetId,
      communityId: home!.communityId,
      compoundId: home!.compoundId,
      buildingId: home!.buildingId,
      dwellingId: home!.dwellingId,
      householdId: home!.householdId,
      name: '董秀兰',
      namePinyin: 'dongxiulan',
      nameInitials: 'dxl',
      relationToHead: 'spouse',
      provenance,
      createdBy,
      createdAt,
      updatedAt: createdAt,
    });
    return { a, id, createdAt, housemate };
  }

  it('starts with its creation, told from the row: when, by whom, and from which file and row', async () => {
    const { a, id, createdAt } = await bulkWritten('导入: 阳光台账.xlsx 第3行', world.users.adminA.id);
    const before = await a.get<Events>(`/api/residents/${id}/timeline`);
    expect(before.status).toBe(200);
    expect(before.body.items).toEqual([
      {
        id,
        at: createdAt.toISOString(),
        kind: 'resident.create',
        actorName: world.users.adminA.name,
        changes: { provenance: { to: '导入: 阳光台账.xlsx 第3行' } },
      },
    ]);

    const r = (await a.get<Resident>(`/api/residents/${id}`)).body;
    const edited = await a.patch<Resident>(`/api/residents/${id}`, {
      version: r.version,
      occupation: '退休',
    });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    const after = (await a.get<Events>(`/api/residents/${id}/timeline`)).body.items;
    expect(after.map((e) => e.kind)).toEqual(['resident.update', 'resident.create']);
    // Newest first, the creation last: the oldest event, with an id no audit row has.
    expect(after.at(-1)).toEqual(before.body.items[0]);
    expect(after[0]!.id).not.toBe(id);
  });

  it('says nothing it does not know: no creator, no provenance', async () => {
    const { a, id } = await bulkWritten(null, null);
    const items = (await a.get<Events>(`/api/residents/${id}/timeline`)).body.items;
    expect(items).toEqual([
      { id, at: expect.any(String), kind: 'resident.create', actorName: null, changes: null },
    ]);
  });

  it('adds nothing to a resident whose creation is in the audit log', async () => {
    const { a, housemate } = await bulkWritten('demo', null);
    const items = (await a.get<Events>(`/api/residents/${housemate.id}/timeline`)).body.items;
    expect(items.map((e) => e.kind)).toEqual(['resident.create']);
    expect(items[0]!.id).not.toBe(housemate.id);
    expect(items[0]!.changes?.provenance).toEqual({ to: 'manual' });
  });

  it("answers 404 for another community's bulk-written resident", async () => {
    const { id } = await bulkWritten('导入: 阳光台账.xlsx 第4行', world.users.adminA.id);
    const b = await as(world.users.adminB);
    const res = await b.get<ErrorBody>(`/api/residents/${id}/timeline`);
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('resident.not_found');
  });
});
