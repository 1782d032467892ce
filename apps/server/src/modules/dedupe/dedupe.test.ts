import { type DedupeCandidate, type DedupeComparison, idCheckChar, type MergeRecord } from '@linli/shared';
import { and, eq, sql } from 'drizzle-orm';
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
import { households, residents } from '../registry/registry.table';

type Resident = {
  id: string;
  householdId: string;
  dwellingId: string;
  name: string;
  phoneMasked: string | null;
  idNumberMasked: string | null;
  tags: string[];
  status: string;
  version: number;
};
type Building = { id: string; dwellings: { id: string; label: string }[] };
type ErrorBody = { error: { code: string; details?: { fields?: string[]; current?: Resident } } };
type Candidates = { items: DedupeCandidate[]; truncated: boolean };

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

/** A valid resident ID for a birth date, unique in this file. */
function idFor(birthDate: string, sex: 'male' | 'female' = 'male') {
  const seq = String(next() * 2 + (sex === 'male' ? 1 : 0))
    .padStart(3, '0')
    .slice(-3);
  const body = `12${runTag}${birthDate.replaceAll('-', '')}${seq}`;
  return body + idCheckChar(body);
}
const phone = () => `137${runTag}${String(next() + 1000).slice(-4)}`;

async function site(s: Session, communityId: string) {
  const compound = await s.post<{ id: string }>('/api/areas', {
    kind: 'compound',
    parentId: communityId,
    name: unique('小区'),
  });
  expect(compound.status, JSON.stringify(compound.body)).toBe(200);
  const building = await s.post<Building>('/api/buildings', {
    compoundId: compound.body.id,
    name: '3',
    floors: 3,
    entrances: 2,
    roomsPerFloor: 2,
  });
  expect(building.status, JSON.stringify(building.body)).toBe(200);
  return (label: string) => building.body.dwellings.find((d) => d.label === label)!.id;
}

async function add(s: Session, body: Record<string, unknown>) {
  const res = await s.post<Resident>('/api/residents', body);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

/** The whole row as PostgreSQL has it, every column included (ciphertext, hashes, timestamps). */
async function rawRow(table: 'residents' | 'households', id: string) {
  const tbl = table === 'residents' ? residents : households;
  const res = await t.database.db.execute(
    sql`select to_jsonb(r)::text as j from ${tbl} r where r.id = ${id}`,
  );
  return ((res as unknown as { rows: { j: string }[] }).rows[0]?.j ?? null) as string | null;
}
async function rawTags(id: string) {
  const res = await t.database.db.execute(
    sql`select coalesce(jsonb_agg(to_jsonb(x) order by x.tag), '[]')::text as j from resident_tags x where x.resident_id = ${id}`,
  );
  return (res as unknown as { rows: { j: string }[] }).rows[0]!.j;
}

const pairOf = (c: Candidates, x: string, y: string) =>
  c.items.find((i) => (i.a.id === x && i.b.id === y) || (i.a.id === y && i.b.id === x));

describe('candidates', () => {
  it('finds each rule’s duplicates, with their reasons, and not a father and son in one flat', async () => {
    const a = await as(world.users.adminA);
    const dwelling = await site(a, world.communityA.id);
    const tel = phone();
    const p1 = await add(a, { dwellingId: dwelling('3号楼1单元101'), name: '王秀兰', phone: tel });
    const p2 = await add(a, { dwellingId: dwelling('3号楼1单元102'), name: '王秀兰', phone: tel });
    const zhangId = idFor('1956-03-02');
    const p3 = await add(a, { dwellingId: dwelling('3号楼1单元201'), name: '张伟', idNumber: zhangId });
    const p4 = await add(a, { dwellingId: dwelling('3号楼1单元202'), name: '张玮', birthDate: '1956-03-02' });
    const p5 = await add(a, { dwellingId: dwelling('3号楼1单元301'), name: '李明' });
    const p6 = await add(a, { householdId: p5.householdId, name: '李敏' });
    const father = await add(a, { householdId: p5.householdId, name: '张建国', birthDate: '1950-01-01' });
    const son = await add(a, { householdId: p5.householdId, name: '张建华', birthDate: '1978-05-01' });
    const gone = idFor('1970-07-07');
    const p8 = await add(a, { dwellingId: dwelling('3号楼1单元302'), name: '赵强', idNumber: gone });
    const out = await a.post(`/api/residents/${p8.id}/move-out`, {
      version: 1,
      kind: 'moved_out',
      date: '2025-01-01',
    });
    expect(out.status).toBe(200);
    const p7 = await add(a, { dwellingId: dwelling('3号楼1单元301'), name: '赵强', idNumber: gone });

    const res = await a.get<Candidates>('/api/dedupe/candidates');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(pairOf(res.body, p1.id, p2.id)?.reasons).toEqual(['name_phone']);
    expect(pairOf(res.body, p3.id, p4.id)?.reasons).toEqual(['pinyin_birth']);
    expect(pairOf(res.body, p5.id, p6.id)?.reasons).toEqual(['dwelling_similar_name']);
    // The same ID implies the same birth date, so the pinyin rule holds as well.
    expect(pairOf(res.body, p7.id, p8.id)?.reasons).toEqual(['same_id', 'pinyin_birth']);
    expect(pairOf(res.body, father.id, son.id)).toBeUndefined();
    const json = JSON.stringify(res.body);
    expect(json).not.toContain(tel);
    expect(json).not.toContain(zhangId);

    const byReason = await a.get<Candidates>('/api/dedupe/candidates?reason=same_id');
    expect(byReason.body.items.every((i) => i.reasons.includes('same_id'))).toBe(true);
    expect(pairOf(byReason.body, p7.id, p8.id)).toBeDefined();
    expect(pairOf(byReason.body, p1.id, p2.id)).toBeUndefined();

    // Community B's admin does not see A's pairs.
    const b = await as(world.users.adminB);
    const other = await b.get<Candidates>('/api/dedupe/candidates');
    expect(pairOf(other.body, p1.id, p2.id)).toBeUndefined();
  });

  it('pairs flatmates by initials and birth year when their pinyin differs more, and within a community filter', async () => {
    const a = await as(world.users.adminA);
    const dwelling = await site(a, world.communityA.id);
    const x = await add(a, {
      dwellingId: dwelling('3号楼2单元101'),
      name: '张三丰',
      birthDate: '1960-01-01',
    });
    // zhangsanfeng / zhangsifei: two letters shorter, but the same initials (zsf) and birth year.
    const y = await add(a, { householdId: x.householdId, name: '张思飞', birthDate: '1960-08-08' });
    // The same initials a generation apart: father and son, not one person.
    const z = await add(a, { householdId: x.householdId, name: '张少峰', birthDate: '1988-08-08' });
    for (const query of ['', `?communityId=${world.communityA.id}&reason=dwelling_similar_name`]) {
      const res = await a.get<Candidates>(`/api/dedupe/candidates${query}`);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(pairOf(res.body, x.id, y.id)?.reasons, query).toEqual(['dwelling_similar_name']);
      expect(pairOf(res.body, x.id, z.id), query).toBeUndefined();
      expect(pairOf(res.body, y.id, z.id), query).toBeUndefined();
    }
    const elsewhere = await a.get<Candidates>(`/api/dedupe/candidates?communityId=${world.communityB.id}`);
    expect(pairOf(elsewhere.body, x.id, y.id)).toBeUndefined();
  });

  it('remembers a dismissed pair, with an audit row', async () => {
    const a = await as(world.users.adminA);
    const dwelling = await site(a, world.communityA.id);
    const p1 = await add(a, { dwellingId: dwelling('3号楼1单元101'), name: '孙丽' });
    const p2 = await add(a, { householdId: p1.householdId, name: '孙莉' });
    expect(pairOf((await a.get<Candidates>('/api/dedupe/candidates')).body, p1.id, p2.id)).toBeDefined();
    const dismissed = await a.post('/api/dedupe/dismissals', { aId: p2.id, bId: p1.id });
    expect(dismissed.status, JSON.stringify(dismissed.body)).toBe(200);
    expect(pairOf((await a.get<Candidates>('/api/dedupe/candidates')).body, p1.id, p2.id)).toBeUndefined();
    // Dismissing twice changes nothing and logs nothing more.
    expect((await a.post('/api/dedupe/dismissals', { aId: p1.id, bId: p2.id })).status).toBe(200);
    const audits = await t.database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'resident.dedupe_dismiss'));
    expect(audits.filter((r) => r.entityId === [p1.id, p2.id].sort()[0])).toHaveLength(1);
  });
});

describe('merging', () => {
  it('compares side by side, merges field by field, unions tags and keeps the merged record', async () => {
    const a = await as(world.users.adminA);
    const dwelling = await site(a, world.communityA.id);
    const tel = phone();
    const survivor = await add(a, {
      dwellingId: dwelling('3号楼1单元101'),
      name: '王秀兰',
      phone: tel,
      hukouAddress: '旧户籍地址',
      tags: ['party_member'],
    });
    const otherTel = phone();
    const idNumber = idFor('1948-02-03', 'female');
    const merged = await add(a, {
      dwellingId: dwelling('3号楼1单元102'),
      name: '王秀兰',
      phone: tel,
      idNumber,
      health: '高血压',
      emergencyContactName: '王小明',
      emergencyContactPhone: otherTel,
      hukouAddress: '新户籍地址',
      tags: ['living_alone', 'subsistence'],
    });
    const [mergedBefore] = await t.database.db.select().from(residents).where(eq(residents.id, merged.id));

    const cmp = await a.get<DedupeComparison>(`/api/dedupe/compare?a=${survivor.id}&b=${merged.id}`);
    expect(cmp.status, JSON.stringify(cmp.body)).toBe(200);
    expect(cmp.body.reasons).toContain('name_phone');
    expect(cmp.body.a.resident.tags).toContain('party_member');
    expect(cmp.body.b.resident.idNumberMasked).toMatch(/\*{11}/);
    expect(cmp.body.b.timelineCount).toBeGreaterThanOrEqual(1);
    // The merged record is more recently verified and is the only one with an ID: its values are the default.
    expect(cmp.body.defaults).toMatchObject({ idNumber: 'b', health: 'b', hukouAddress: 'b' });
    expect(JSON.stringify(cmp.body)).not.toContain(idNumber);

    const res = await a.post<MergeRecord>('/api/dedupe/merges', {
      survivorId: survivor.id,
      survivorVersion: survivor.version,
      mergedId: merged.id,
      mergedVersion: merged.version,
      choices: {
        hukouAddress: 'survivor',
        idNumber: 'merged',
        health: 'merged',
        emergencyContactPhone: 'merged',
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ survivorId: survivor.id, mergedId: merged.id, status: 'merged' });
    expect(res.body.takenFromMerged).toEqual(
      expect.arrayContaining([
        'idNumber',
        'health',
        'emergencyContactName',
        'emergencyContactPhone',
        'sex',
        'birthDate',
      ]),
    );
    expect(res.body.takenFromMerged).not.toContain('hukouAddress');
    // Same name and phone on both: nothing to take, so the record does not claim it.
    expect(res.body.takenFromMerged).not.toContain('name');
    expect(res.body.takenFromMerged).not.toContain('phone');

    const [s] = await t.database.db.select().from(residents).where(eq(residents.id, survivor.id));
    // Sensitive values moved as stored: the same ciphertext, hash and mask, never re-encrypted.
    expect(s!.idNumberEnc).toBe(mergedBefore!.idNumberEnc);
    expect(s!.idNumberHash).toBe(mergedBefore!.idNumberHash);
    expect(s!.idNumberMasked).toBe(mergedBefore!.idNumberMasked);
    expect(s!.healthEnc).toBe(mergedBefore!.healthEnc);
    expect(s!.emergencyContactPhoneEnc).toBe(mergedBefore!.emergencyContactPhoneEnc);
    expect(s).toMatchObject({
      hukouAddress: '旧户籍地址',
      emergencyContactName: '王小明',
      sex: 'female',
      birthDate: '1948-02-03',
      status: 'active',
      version: survivor.version + 1,
    });
    const after = await a.get<Resident>(`/api/residents/${survivor.id}`);
    expect(after.body.tags).toEqual(expect.arrayContaining(['party_member', 'living_alone', 'subsistence']));

    const [m] = await t.database.db.select().from(residents).where(eq(residents.id, merged.id));
    expect(m).toMatchObject({ status: 'merged', mergedIntoId: survivor.id });
    const mergedPage = await a.get<Resident & { status: string; mergedIntoId: string | null }>(
      `/api/residents/${merged.id}`,
    );
    expect(mergedPage.body).toMatchObject({ status: 'merged', mergedIntoId: survivor.id });
    expect(m!.idNumberEnc).toBe(mergedBefore!.idNumberEnc);

    const [audit] = await t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'resident.merge'), eq(auditLog.entityId, survivor.id)));
    expect(audit!.changes).toMatchObject({
      mergeId: { to: res.body.id },
      mergedResidentId: { to: merged.id },
    });
    const log = JSON.stringify(audit);
    expect(log).not.toContain(idNumber);
    expect(log).not.toContain('高血压');
    expect(log).not.toContain('subsistence');

    // Neither record can be merged again, nor merged into.
    const again = await a.post<ErrorBody>('/api/dedupe/merges', {
      survivorId: merged.id,
      survivorVersion: m!.version,
      mergedId: survivor.id,
      mergedVersion: s!.version,
    });
    expect(again.body.error.code).toBe('dedupe.survivor_not_active');

    const history = await a.get<{ items: MergeRecord[] }>('/api/dedupe/merges');
    expect(history.body.items.map((i) => i.id)).toContain(res.body.id);
    expect(
      pairOf((await a.get<Candidates>('/api/dedupe/candidates')).body, survivor.id, merged.id),
    ).toBeUndefined();
  });

  it('answers 409 with the current record to a stale version, and changes nothing', async () => {
    const a = await as(world.users.adminA);
    const dwelling = await site(a, world.communityA.id);
    const p1 = await add(a, { dwellingId: dwelling('3号楼1单元101'), name: '周杰' });
    const p2 = await add(a, { householdId: p1.householdId, name: '周洁' });
    const edited = await a.patch<Resident>(`/api/residents/${p2.id}`, { version: 1, hukouAddress: '改过' });
    expect(edited.status).toBe(200);
    const before = await rawRow('residents', p1.id);
    const res = await a.post<ErrorBody>('/api/dedupe/merges', {
      survivorId: p1.id,
      survivorVersion: 1,
      mergedId: p2.id,
      mergedVersion: 1,
    });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('resident.version_conflict');
    expect(res.body.error.details?.current?.version).toBe(2);
    expect(await rawRow('residents', p1.id)).toBe(before);

    const self = await a.post<{ error: { code: string; details: { issues: { path: string }[] } } }>(
      '/api/dedupe/merges',
      { survivorId: p1.id, survivorVersion: 1, mergedId: p1.id, mergedVersion: 1 },
    );
    expect(self.status).toBe(400);
    expect(self.body.error.details.issues.map((i) => i.path)).toContain('mergedId');
    const selfPair = await a.get<{ error: { details: { issues: { path: string; message: string }[] } } }>(
      `/api/dedupe/compare?a=${p1.id}&b=${p1.id}`,
    );
    expect(selfPair.status).toBe(400);
    expect(selfPair.body.error.details.issues[0]).toMatchObject({
      path: 'b',
      message: '不能把记录与自身合并',
    });
  });

  it('undoes a merge byte for byte, including the household it closed, and audits it', async () => {
    const a = await as(world.users.adminA);
    const dwelling = await site(a, world.communityA.id);
    const idNumber = idFor('1956-03-02');
    const merged = await add(a, {
      dwellingId: dwelling('3号楼1单元201'),
      name: '张伟',
      idNumber,
      phone: phone(),
      health: '糖尿病',
      tags: ['veteran_care', 'volunteer'],
    });
    const survivor = await add(a, {
      dwellingId: dwelling('3号楼1单元202'),
      name: '张玮',
      birthDate: '1956-03-02',
      tags: ['volunteer'],
    });
    // A neighbour cares for the merged record, and the merged record names its own emergency contact.
    const carer = await add(a, { dwellingId: dwelling('3号楼1单元101'), name: '邻居甲' });
    const r1 = await a.post(`/api/residents/${carer.id}/relations`, {
      kind: 'carer',
      otherResidentId: merged.id,
    });
    const r2 = await a.post(`/api/residents/${merged.id}/relations`, {
      kind: 'emergency_contact',
      otherName: '外甥',
    });
    expect([r1.status, r2.status], JSON.stringify([r1.body, r2.body])).toEqual([200, 200]);
    const versions = {
      s: (await a.get<Resident>(`/api/residents/${survivor.id}`)).body.version,
      m: (await a.get<Resident>(`/api/residents/${merged.id}`)).body.version,
    };
    const relations = async () => {
      const res = await t.database.db.execute(
        sql`select coalesce(jsonb_agg(to_jsonb(x) order by x.id), '[]')::text as j from resident_relations x where x.resident_id in (${merged.id}, ${carer.id}, ${survivor.id})`,
      );
      return (res as unknown as { rows: { j: string }[] }).rows[0]!.j;
    };
    const before = {
      rel: await relations(),
      s: await rawRow('residents', survivor.id),
      m: await rawRow('residents', merged.id),
      st: await rawTags(survivor.id),
      mt: await rawTags(merged.id),
      h: await rawRow('households', merged.householdId),
    };
    const res = await a.post<MergeRecord>('/api/dedupe/merges', {
      survivorId: survivor.id,
      survivorVersion: versions.s,
      mergedId: merged.id,
      mergedVersion: versions.m,
      choices: { name: 'merged', idNumber: 'merged', phone: 'merged', health: 'merged' },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const [h] = await t.database.db.select().from(households).where(eq(households.id, merged.householdId));
    expect(h).toMatchObject({ status: 'moved_out', headResidentId: null });
    expect(await rawRow('residents', survivor.id)).not.toBe(before.s);
    const repointed = JSON.parse(await relations()) as {
      resident_id: string;
      other_resident_id: string | null;
    }[];
    expect(repointed.find((r) => r.resident_id === carer.id)?.other_resident_id).toBe(survivor.id);
    expect(repointed.some((r) => r.resident_id === survivor.id && r.other_resident_id === null)).toBe(true);

    const undo = await a.post<MergeRecord>(`/api/dedupe/merges/${res.body.id}/undo`, {
      version: res.body.version,
    });
    expect(undo.status, JSON.stringify(undo.body)).toBe(200);
    expect(undo.body.status).toBe('undone');
    expect(await rawRow('residents', survivor.id)).toBe(before.s);
    expect(await rawRow('residents', merged.id)).toBe(before.m);
    expect(await rawTags(survivor.id)).toBe(before.st);
    expect(await rawTags(merged.id)).toBe(before.mt);
    expect(await rawRow('households', merged.householdId)).toBe(before.h);
    expect(await relations()).toBe(before.rel);

    const [audit] = await t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'resident.merge_undo'), eq(auditLog.entityId, survivor.id)));
    expect(audit!.changes).toMatchObject({ mergeId: { to: res.body.id } });

    const twice = await a.post<ErrorBody>(`/api/dedupe/merges/${res.body.id}/undo`, {
      version: undo.body.version,
    });
    expect(twice.body.error.code).toBe('dedupe.already_undone');
    const stale = await a.post<ErrorBody>(`/api/dedupe/merges/${res.body.id}/undo`, {
      version: res.body.version,
    });
    expect(stale.body.error.code).toBe('dedupe.version_conflict');
  });

  it('refuses to undo when the survivor was edited since, naming the fields', async () => {
    const a = await as(world.users.adminA);
    const dwelling = await site(a, world.communityA.id);
    const p1 = await add(a, { dwellingId: dwelling('3号楼1单元101'), name: '吴刚' });
    const p2 = await add(a, { householdId: p1.householdId, name: '吴钢', hukouAddress: '某地' });
    const res = await a.post<MergeRecord>('/api/dedupe/merges', {
      survivorId: p1.id,
      survivorVersion: 1,
      mergedId: p2.id,
      mergedVersion: 1,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const edited = await a.patch(`/api/residents/${p1.id}`, { version: 2, phone: phone() });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    const before = await rawRow('residents', p1.id);
    const undo = await a.post<ErrorBody>(`/api/dedupe/merges/${res.body.id}/undo`, {
      version: res.body.version,
    });
    expect(undo.status).toBe(409);
    expect(undo.body.error.code).toBe('dedupe.undo_conflict');
    expect(undo.body.error.details?.fields).toContain('phone');
    expect(await rawRow('residents', p1.id)).toBe(before);
  });
});

describe('scope and permissions', () => {
  it('answers 404 about another community’s pair and merge, and 403 to a volunteer inside its own', async () => {
    const b = await as(world.users.adminB);
    const dwellingB = await site(b, world.communityB.id);
    const b1 = await add(b, { dwellingId: dwellingB('3号楼1单元101'), name: '郑红' });
    const b2 = await add(b, { householdId: b1.householdId, name: '郑宏' });
    const b3 = await add(b, { householdId: b1.householdId, name: '郑虹' });
    const mergeB = await b.post<MergeRecord>('/api/dedupe/merges', {
      survivorId: b1.id,
      survivorVersion: 1,
      mergedId: b2.id,
      mergedVersion: 1,
    });
    expect(mergeB.status).toBe(200);

    const a = await as(world.users.adminA);
    const dwellingA = await site(a, world.communityA.id);
    const a1 = await add(a, { dwellingId: dwellingA('3号楼1单元101'), name: '钱多' });
    const a2 = await add(a, { householdId: a1.householdId, name: '钱朵' });

    for (const who of ['adminA', 'gridWorkerA', 'volunteerA'] as const) {
      const s = await as(world.users[who]);
      const urls = [
        await s.get<ErrorBody>(`/api/dedupe/compare?a=${b1.id}&b=${b3.id}`),
        await s.get<ErrorBody>(`/api/dedupe/compare?a=${a1.id}&b=${b3.id}`),
        await s.post<ErrorBody>('/api/dedupe/dismissals', { aId: b1.id, bId: b3.id }),
        await s.post<ErrorBody>('/api/dedupe/merges', {
          survivorId: b1.id,
          survivorVersion: 2,
          mergedId: b3.id,
          mergedVersion: 1,
        }),
        await s.post<ErrorBody>('/api/dedupe/merges', {
          survivorId: a1.id,
          survivorVersion: 1,
          mergedId: b3.id,
          mergedVersion: 1,
        }),
        await s.get<ErrorBody>(`/api/dedupe/merges/${mergeB.body.id}`),
        await s.post<ErrorBody>(`/api/dedupe/merges/${mergeB.body.id}/undo`, { version: 1 }),
      ];
      for (const r of urls) expect(r.status, `${who} ${JSON.stringify(r.body)}`).toBe(404);
      const history = await s.get<{ items: MergeRecord[] }>('/api/dedupe/merges');
      if (history.status === 200) expect(history.body.items.map((i) => i.id)).not.toContain(mergeB.body.id);
    }
    const [stillB] = await t.database.db.select().from(residents).where(eq(residents.id, b3.id));
    expect(stillB!.status).toBe('active');

    // Inside its own community a volunteer, and a grid worker (who edits residents but does not merge
    // records), are refused with 403.
    for (const who of ['volunteerA', 'gridWorkerA'] as const) {
      const v = await as(world.users[who]);
      expect((await v.get('/api/dedupe/candidates')).status).toBe(403);
      expect((await v.get('/api/dedupe/merges')).status).toBe(403);
      expect((await v.get(`/api/dedupe/compare?a=${a1.id}&b=${a2.id}`)).status).toBe(403);
      const tryMerge = await v.post('/api/dedupe/merges', {
        survivorId: a1.id,
        survivorVersion: 1,
        mergedId: a2.id,
        mergedVersion: 1,
      });
      expect(tryMerge.status).toBe(403);
      expect((await v.post('/api/dedupe/dismissals', { aId: a1.id, bId: a2.id })).status).toBe(403);
    }
  });

  it('lets a street admin see pairs across the street’s communities and merge them', async () => {
    const s = await as(world.users.streetAdmin);
    const a = await as(world.users.adminA);
    const b = await as(world.users.adminB);
    const tel = phone();
    const inA = await add(a, {
      dwellingId: (await site(a, world.communityA.id))('3号楼1单元101'),
      name: '冯云',
      phone: tel,
    });
    const inB = await add(b, {
      dwellingId: (await site(b, world.communityB.id))('3号楼1单元101'),
      name: '冯云',
      phone: tel,
    });
    expect(pairOf((await s.get<Candidates>('/api/dedupe/candidates')).body, inA.id, inB.id)?.reasons).toEqual(
      ['name_phone'],
    );
    expect(pairOf((await a.get<Candidates>('/api/dedupe/candidates')).body, inA.id, inB.id)).toBeUndefined();
    const filtered = await s.get<Candidates>(`/api/dedupe/candidates?communityId=${world.communityB.id}`);
    expect(pairOf(filtered.body, inA.id, inB.id)).toBeDefined();
    const merged = await s.post<MergeRecord>('/api/dedupe/merges', {
      survivorId: inA.id,
      survivorVersion: 1,
      mergedId: inB.id,
      mergedVersion: 1,
    });
    expect(merged.status, JSON.stringify(merged.body)).toBe(200);
    // Community A's admin reaches only the survivor, not the merged record: the merge is not theirs to undo.
    expect((await a.get(`/api/dedupe/merges/${merged.body.id}`)).status).toBe(404);
  });
});
