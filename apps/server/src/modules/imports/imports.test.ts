import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ImportJob, type ImportPreview, type ImportReportRow, idCheckChar } from '@linli/shared';
import { and, eq, sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../../../test/database';
import {
  buildWorld,
  type Session,
  sessionsFor,
  startApp,
  type TestApp,
  unique,
  type World,
} from '../../../test/fixtures';
import { resolveFieldCrypto } from '../../platform/crypto';
import { buildApp } from '../../platform/http';
import { auditLog } from '../audit/audit.table';
import { buildings, dwellings, entrances } from '../buildings/buildings.table';
import { households, residents } from '../registry/registry.table';
import { importJobs } from './imports.table';

const fixtures = join(fileURLToPath(new URL('.', import.meta.url)), '../../../test/fixtures/imports');
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

type Resident = { id: string; name: string; phoneMasked: string | null; householdId: string; tags: string[] };
type ErrorBody = { error: { code: string } };

let t: TestApp;
let world: World;
const as = sessionsFor(() => t.app);

beforeAll(async () => {
  t = await startApp();
  world = await buildWorld(t.database);
});
afterAll(() => t.close());

/** A compound named `compoundName` with building 5: 2 entrances × 3 floors × 2 rooms. */
async function site(compoundName = unique('小区'), inB = false) {
  const a = await as(inB ? world.users.adminB : world.users.adminA);
  const compound = await a.post<{ id: string }>('/api/areas', {
    kind: 'compound',
    parentId: inB ? world.communityB.id : world.communityA.id,
    name: compoundName,
  });
  expect(compound.status, JSON.stringify(compound.body)).toBe(200);
  const building = await a.post<{ id: string; dwellings: { id: string; label: string }[] }>(
    '/api/buildings',
    {
      compoundId: compound.body.id,
      name: '5',
      floors: 3,
      entrances: 2,
      roomsPerFloor: 2,
    },
  );
  expect(building.status, JSON.stringify(building.body)).toBe(200);
  const dwelling = (label: string) => building.body.dwellings.find((d) => d.label === label)!.id;
  return { compoundId: compound.body.id, buildingId: building.body.id, dwelling };
}

async function upload(
  s: Session,
  communityId: string,
  body: Buffer | string | undefined,
  fileName: string,
  contentType = XLSX,
) {
  const qs = new URLSearchParams({ communityId, fileName });
  return s.request('POST', `/api/imports?${qs}`, body, { 'content-type': contentType });
}

async function uploadOk(
  s: Session,
  communityId: string,
  body: Buffer | string,
  fileName: string,
  type = XLSX,
) {
  const res = await upload(s, communityId, body, fileName, type);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as ImportJob;
}

async function waitForJob(s: Session, id: string): Promise<ImportJob> {
  for (let i = 0; i < 400; i++) {
    const res = await s.get<ImportJob>(`/api/imports/${id}`);
    expect(res.status).toBe(200);
    if (res.body.status === 'succeeded' || res.body.status === 'failed') return res.body;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('import did not finish');
}

async function residentsOfCompound(s: Session, compoundId: string) {
  const res = await s.get<{ items: Resident[] }>(`/api/residents?compoundId=${compoundId}&limit=100`);
  expect(res.status).toBe(200);
  return res.body.items;
}

describe('Must-show 3: an xlsx produced by LibreOffice', () => {
  it('finds the header under the title, names the bad rows, then takes exactly the good rows', async () => {
    const a = await as(world.users.adminA);
    const { compoundId } = await site('阳光小区');
    const file = readFileSync(join(fixtures, 'ledger-libreoffice.xlsx'));
    const job = await uploadOk(a, world.communityA.id, file, '阳光台账.xlsx');
    expect(job).toMatchObject({ status: 'draft', headerRow: 2, totalRows: 9, hasRows: true });
    expect(job.mapping).toEqual([
      null,
      'name',
      'sex',
      'idNumber',
      'birthDate',
      'phone',
      'compound',
      'building',
      'entrance',
      'room',
      'relationToHead',
      'tags',
    ]);

    const preview = await a.get<ImportPreview>(`/api/imports/${job.id}/preview?onlyProblems=true`);
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    expect(preview.body.summary).toEqual({ total: 9, create: 3, update: 0, skip: 6, withProblems: 6 });
    const named = preview.body.rows.map((r) => [r.row, r.problems.map((p) => `${p.column}:${p.code}`)]);
    expect(named).toEqual([
      [5, ['公民身份号码:id_numeric']],
      [6, ['公民身份号码:id_checksum']],
      [7, ['联系电话:phone_invalid']],
      [8, ['楼号:building_unknown']],
      [10, ['公民身份号码:duplicate_in_file']],
      [11, ['出生日期:birth_conflict']],
    ]);
    expect(preview.body.rows.find((r) => r.row === 10)!.problems[0]!.params).toEqual({ row: 3 });
    expect(preview.body.unknownBuildings).toEqual([{ label: '阳光小区 9号楼', rows: 1 }]);
    // The preview shows masked values only.
    expect(JSON.stringify(preview.body)).not.toContain('110101197001010030');

    const all = await a.get<ImportPreview>(`/api/imports/${job.id}/preview`);
    const good = all.body.rows.filter((r) => r.action === 'create');
    expect(good.map((r) => r.row)).toEqual([3, 4, 9]);
    // Merged 楼号 cell, a date cell, full-width digits and spaces, 1988年8月8日.
    expect(good[1]).toMatchObject({ name: '李芳', birthDate: '1952-08-17', phoneMasked: '139****5679' });
    expect(good[2]).toMatchObject({ name: '周杰', sex: 'male', birthDate: '1988-08-08' });
    expect(good[2]!.tags.sort()).toEqual(['living_alone', 'volunteer']);

    const commit = await a.post<ImportJob>(`/api/imports/${job.id}/commit`, { version: job.version });
    expect(commit.status, JSON.stringify(commit.body)).toBe(202);
    const done = await waitForJob(a, job.id);
    expect(done).toMatchObject({ status: 'succeeded', created: 3, updated: 0, skipped: 6, hasRows: false });

    const taken = await residentsOfCompound(a, compoundId);
    expect(taken.map((r) => r.name).sort()).toEqual(['周杰', '张伟', '李芳'].sort());
    const zhang = taken.find((r) => r.name === '张伟')!;
    const li = taken.find((r) => r.name === '李芳')!;
    expect(li.householdId).toBe(zhang.householdId);
    expect(zhang.tags).toContain('party_member');
    const [row] = await t.database.db.select().from(residents).where(eq(residents.id, zhang.id));
    expect(row!.provenance).toBe('导入: 阳光台账.xlsx 第3行');
    expect(row!.idNumberEnc).not.toContain('110101');
    const [hh] = await t.database.db.select().from(households).where(eq(households.id, zhang.householdId));
    expect(hh!.headResidentId).toBe(zhang.id);

    const audits = await t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, job.id), eq(auditLog.action, 'import.commit')));
    expect(audits).toHaveLength(1);
    expect(audits[0]!.changes).toMatchObject({ created: { to: 3 }, skipped: { to: 6 } });
    const [stored] = await t.database.db.select().from(importJobs).where(eq(importJobs.id, job.id));
    expect(stored!.rowsEnc).toBeNull();

    const report = await a.get<{ items: ImportReportRow[] }>(`/api/imports/${job.id}/report`);
    expect(report.body.items.map((r) => [r.row, r.outcome])).toEqual([
      [3, 'created'],
      [4, 'created'],
      [5, 'skipped'],
      [6, 'skipped'],
      [7, 'skipped'],
      [8, 'skipped'],
      [9, 'created'],
      [10, 'skipped'],
      [11, 'skipped'],
    ]);
    const xlsx = await t.app.inject({
      method: 'GET',
      url: `/api/imports/${job.id}/report.xlsx`,
      cookies: { linli_session: await cookieOf(a) },
    });
    expect(xlsx.statusCode).toBe(200);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const text = JSON.stringify(book.worksheets[0]!.getSheetValues());
    expect(text).toContain('110***********0012');
    expect(text).not.toContain('110101195003050012');
    expect(text).toContain('身份证号被存成了数字');

    // Committed once: a second commit is refused.
    const again = await a.post<ErrorBody>(`/api/imports/${job.id}/commit`, { version: done.version });
    expect(again.body.error.code).toBe('import.not_draft');
  });
});

/** The session cookie of a signed-in test session, for a raw inject. */
async function cookieOf(s: Session) {
  const login = await t.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username: s.username, password: 'fixture-pass-1' },
  });
  return login.cookies.find((c) => c.name === 'linli_session')!.value;
}

describe('a GB18030 csv with an ID already registered', () => {
  it('reads the encoding, updates the existing resident when asked, and keeps its household', async () => {
    const a = await as(world.users.adminB);
    const { compoundId, dwelling } = await site(undefined, true);
    const existing = await a.post<Resident>('/api/residents', {
      dwellingId: dwelling('5号楼2单元301'),
      name: '林海',
      idNumber: '320102197003030032',
      phone: '13900009999',
    });
    expect(existing.status, JSON.stringify(existing.body)).toBe(200);
    const file = readFileSync(join(fixtures, 'ledger-gbk.csv'));
    const job = await uploadOk(a, world.communityB.id, file, '台账.csv', 'text/csv');
    expect(job.headers.slice(0, 3)).toEqual(['姓名', '身份证号码', '手机号码']);
    expect(job.headerRow).toBe(2);

    const preview = await a.get<ImportPreview>(`/api/imports/${job.id}/preview`);
    expect(preview.body.rows.map((r) => [r.name, r.action])).toEqual([
      ['陈建国', 'create'],
      ['陈小红', 'create'],
      ['林海', 'skip'],
      ['刘洋', 'skip'],
    ]);
    expect(preview.body.rows[1]!.problems).toMatchObject([{ code: 'tag_unknown', severity: 'warning' }]);
    expect(preview.body.rows[2]!.problems).toMatchObject([{ code: 'already_registered' }]);
    expect(preview.body.rows[3]!.problems).toMatchObject([{ code: 'id_scientific', column: '身份证号码' }]);

    const patched = await a.patch<ImportJob>(`/api/imports/${job.id}`, {
      version: job.version,
      mapping: job.mapping,
      onDuplicate: 'update',
    });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    const stale = await a.patch<ErrorBody>(`/api/imports/${job.id}`, {
      version: job.version,
      mapping: job.mapping,
    });
    expect(stale.status).toBe(409);
    const commit = await a.post<ImportJob>(`/api/imports/${job.id}/commit`, {
      version: patched.body.version,
    });
    expect(commit.status).toBe(202);
    const done = await waitForJob(a, job.id);
    expect(done).toMatchObject({ status: 'succeeded', created: 2, updated: 1, skipped: 1 });

    const people = await residentsOfCompound(a, compoundId);
    const lin = people.find((r) => r.name === '林海')!;
    expect(lin.id).toBe(existing.body.id);
    expect(lin.phoneMasked).toBe('138****3333');
    const chen = people.find((r) => r.name === '陈建国')!;
    expect(chen.tags.sort()).toEqual(['party_member', 'subsistence']);
    expect(people.find((r) => r.name === '陈小红')!.householdId).toBe(chen.householdId);
  });

  it('does not let a caller without the sensitive-tag permission set 低保', async () => {
    const w = await as(world.users.workerA);
    await site();
    const file = readFileSync(join(fixtures, 'ledger-gbk.csv'));
    const job = await uploadOk(w, world.communityA.id, file, '台账.csv', 'text/csv');
    const preview = await w.get<ImportPreview>(`/api/imports/${job.id}/preview`);
    const chen = preview.body.rows[0]!;
    expect(chen.tags).toEqual(['party_member']);
    expect(chen.problems).toContainEqual(
      expect.objectContaining({ code: 'tag_forbidden', severity: 'warning' }),
    );
    // Several compounds of community A have a building 5, and this file names no compound.
    expect(chen.problems).toContainEqual(
      expect.objectContaining({ code: 'building_ambiguous', column: '楼号' }),
    );
  });
});

const csv = (lines: string[]) => Buffer.from(`${lines.join('\n')}\n`, 'utf8');

describe('all or nothing', () => {
  it('a failure in the middle of the commit leaves no resident, no household and no audit row', async () => {
    const a = await as(world.users.adminB);
    const name = unique('小区');
    const { compoundId } = await site(name, true);
    const job = await uploadOk(
      a,
      world.communityB.id,
      csv([
        '姓名,小区,楼号,单元,房号',
        `甲一,${name},5,1,101`,
        `乙二,${name},5,1,102`,
        `爆炸测试,${name},5,2,201`,
      ]),
      'boom.csv',
      'text/csv',
    );
    // A real database failure on one row: a trigger refusing that name.
    await t.database.db.execute(sql`
      create or replace function import_test_boom() returns trigger language plpgsql as $$
      begin if new.name = '爆炸测试' then raise exception 'boom'; end if; return new; end $$`);
    await t.database.db.execute(sql`
      create trigger import_test_boom before insert on residents for each row execute function import_test_boom()`);
    try {
      const commit = await a.post<ImportJob>(`/api/imports/${job.id}/commit`, { version: job.version });
      expect(commit.status).toBe(202);
      const done = await waitForJob(a, job.id);
      expect(done).toMatchObject({ status: 'failed', errorCode: 'import.commit_failed', created: 0 });
      expect(done.errorMessage).toContain('P0001');
      expect(done.hasRows).toBe(true);
    } finally {
      await t.database.db.execute(sql`drop trigger import_test_boom on residents`);
    }
    expect(await residentsOfCompound(a, compoundId)).toEqual([]);
    const hh = await t.database.db.select().from(households).where(eq(households.compoundId, compoundId));
    expect(hh).toEqual([]);
    const audits = await t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, job.id), eq(auditLog.action, 'import.commit')));
    expect(audits).toEqual([]);

    // Fixed, the same job commits again.
    const current = await a.get<ImportJob>(`/api/imports/${job.id}`);
    const retry = await a.post<ImportJob>(`/api/imports/${job.id}/commit`, { version: current.body.version });
    expect(retry.status).toBe(202);
    expect(await waitForJob(a, job.id)).toMatchObject({ status: 'succeeded', created: 3 });
  });

  it('a job left running by a stopped server is marked failed on the next start', async () => {
    const a = await as(world.users.adminA);
    const job = await uploadOk(
      a,
      world.communityA.id,
      csv(['姓名,楼号,房号', '丙三,5,101']),
      'x.csv',
      'text/csv',
    );
    await t.database.db.update(importJobs).set({ status: 'running' }).where(eq(importJobs.id, job.id));
    const config = testConfig();
    const second = await buildApp({ config, database: t.database, crypto: resolveFieldCrypto(config) });
    await second.ready();
    await second.close();
    const after = await a.get<ImportJob>(`/api/imports/${job.id}`);
    expect(after.body).toMatchObject({ status: 'failed', errorCode: 'import.interrupted' });
  });
});

describe('scope', () => {
  it('another community’s import answers 404; importing into a community out of scope answers 404', async () => {
    const a = await as(world.users.adminA);
    const b = await as(world.users.workerB);
    const job = await uploadOk(
      a,
      world.communityA.id,
      csv(['姓名,楼号,房号', '丁四,5,101']),
      'a.csv',
      'text/csv',
    );
    for (const url of [
      `/api/imports/${job.id}`,
      `/api/imports/${job.id}/preview`,
      `/api/imports/${job.id}/report`,
      `/api/imports/${job.id}/report.xlsx`,
    ]) {
      const res = await b.get<ErrorBody>(url);
      expect(res.status, url).toBe(404);
      expect(res.body.error.code).toBe('import.not_found');
    }
    const commit = await b.post<ErrorBody>(`/api/imports/${job.id}/commit`, { version: job.version });
    expect(commit.status).toBe(404);
    const patch = await b.patch<ErrorBody>(`/api/imports/${job.id}`, {
      version: job.version,
      mapping: job.mapping,
    });
    expect(patch.status).toBe(404);
    const listed = await b.get<{ items: ImportJob[] }>(`/api/imports?communityId=${world.communityA.id}`);
    expect(listed.body.items).toEqual([]);

    const into = await upload(
      b,
      world.communityA.id,
      csv(['姓名,楼号,房号', '丁四,5,101']),
      'a.csv',
      'text/csv',
    );
    expect(into.status).toBe(404);
    expect((into.body as ErrorBody).error.code).toBe('area.not_found');
    const other = await upload(a, world.communityC.id, csv(['姓名,楼号', '丁四,5']), 'a.csv', 'text/csv');
    expect(other.status).toBe(404);

    // Inside its community, a volunteer without resident.write is refused, not misled.
    const v = await as(world.users.volunteerA);
    const refused = await upload(v, world.communityA.id, csv(['姓名,楼号', '丁四,5']), 'a.csv', 'text/csv');
    expect(refused.status).toBe(403);
  });
});

describe('bad uploads and mappings', () => {
  it('answers 4xx with a clear code and keeps nothing', async () => {
    const a = await as(world.users.adminA);
    const c = world.communityA.id;
    const before = await t.database.db.select({ n: sql<number>`count(*)::int` }).from(importJobs);
    const expectCode = async (res: { status: number; body: unknown }, status: number, code: string) => {
      expect(res.status, JSON.stringify(res.body)).toBe(status);
      expect((res.body as ErrorBody).error.code).toBe(code);
    };
    await expectCode(await upload(a, c, Buffer.alloc(0), 'empty.xlsx'), 400, 'import.empty_file');
    await expectCode(
      await upload(a, c, Buffer.from([0, 1, 2, 3, 0, 9, 8, 7]), 'x.xlsx'),
      400,
      'import.unreadable_file',
    );
    await expectCode(
      await upload(a, c, Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(100)]), 'broken.xlsx'),
      400,
      'import.unreadable_file',
    );
    await expectCode(
      await upload(a, c, Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), 'old.xls'),
      400,
      'import.unreadable_file',
    );
    await expectCode(
      await upload(a, c, csv(['a,b,c', '1,2,3']), 'x.csv', 'text/csv'),
      400,
      'import.no_header',
    );
    await expectCode(
      await upload(a, c, Buffer.alloc(20 * 1024 * 1024 + 1, 65), 'big.csv', 'text/csv'),
      413,
      'request.too_large',
    );
    await expectCode(
      await upload(a, c, JSON.stringify({ a: 1 }), 'x.json', 'application/json'),
      415,
      'request.unsupported_media_type',
    );
    const after = await t.database.db.select({ n: sql<number>`count(*)::int` }).from(importJobs);
    expect(after[0]!.n).toBe(before[0]!.n);
  });

  it('refuses a mapping without a name column and saves a template that fits the next file', async () => {
    const a = await as(world.users.adminA);
    const job = await uploadOk(
      a,
      world.communityA.id,
      csv(['姓名,住址,电话', '戊五,5-1-101,13800000000']),
      'm.csv',
      'text/csv',
    );
    expect(job.mapping).toEqual(['name', 'address', 'phone']);
    const bad = await a.patch<ErrorBody>(`/api/imports/${job.id}`, {
      version: job.version,
      mapping: [null, 'address', 'phone'],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('import.mapping_invalid');
    const twice = await a.patch<ErrorBody>(`/api/imports/${job.id}`, {
      version: job.version,
      mapping: ['name', 'name', null],
    });
    expect(twice.body.error.code).toBe('import.mapping_invalid');

    const name = unique('模板');
    const tpl = await a.post<{ id: string; columns: Record<string, string> }>('/api/import-templates', {
      communityId: world.communityA.id,
      name,
      columns: { 姓名: 'name', 住址: 'address', 电话: 'phone' },
    });
    expect(tpl.status, JSON.stringify(tpl.body)).toBe(200);
    const dup = await a.post<ErrorBody>('/api/import-templates', {
      communityId: world.communityA.id,
      name,
      columns: {},
    });
    expect(dup.status).toBe(409);
    const list = await a.get<{ items: { name: string }[] }>(
      `/api/import-templates?communityId=${world.communityA.id}`,
    );
    expect(list.body.items.map((x) => x.name)).toContain(name);
    const b = await as(world.users.workerB);
    const hidden = await b.get<{ items: unknown[] }>(
      `/api/import-templates?communityId=${world.communityA.id}`,
    );
    expect(hidden.body.items).toEqual([]);
  });
});

/** Dwellings of a compound as `building|entrance|number`, straight from the register. */
async function dwellingsOfCompound(compoundId: string) {
  const rows = await t.database.db
    .select({ building: buildings.name, entrance: entrances.number, number: dwellings.number })
    .from(dwellings)
    .innerJoin(buildings, eq(buildings.id, dwellings.buildingId))
    .innerJoin(entrances, eq(entrances.id, dwellings.entranceId))
    .where(and(eq(dwellings.compoundId, compoundId), eq(dwellings.status, 'active')));
  return rows.map((r) => `${r.building}|${r.entrance}|${r.number}`).sort();
}

async function namesInCompound(compoundId: string) {
  const rows = await t.database.db
    .select({ name: residents.name })
    .from(residents)
    .where(eq(residents.compoundId, compoundId));
  return rows.map((r) => r.name).sort();
}

/** A ledger of compound `name` (building 5 exists: 2 entrances × 3 floors × 2 rooms). */
const placesLedger = (name: string, boom = '') =>
  csv([
    '姓名,小区,楼号,单元,房号',
    `甲,${name},5,1,101`, // known
    `乙,${name},5,2,103`, // missing flat of a known building and entrance
    `丙,${name},5,1,401`, // floor 4 of a 3-floor building: never offered
    `丁,${name},8号楼,1,101`, // unknown building 8 …
    `戊,${name},8,2,502`,
    `己${boom},${name},8栋,2,502`, // … same flat as 戊
    `庚,${name},9,1,101`, // unknown building 9, left to skip
    `辛,不存在的小区,5,1,101`, // unknown compound: never created
  ]);

describe('unknown buildings and dwellings: create or skip', () => {
  it('offers them, refuses "create" without building.manage, and creates exactly the chosen ones', async () => {
    const a = await as(world.users.adminA);
    const g = await as(world.users.gridWorkerA);
    const name = unique('小区');
    const { compoundId, buildingId } = await site(name);
    const before = await dwellingsOfCompound(compoundId);
    expect(before).toHaveLength(12);
    const job = await uploadOk(a, world.communityA.id, placesLedger(name), 'places.csv', 'text/csv');

    const preview = await a.get<ImportPreview>(`/api/imports/${job.id}/preview`);
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    expect(preview.body.mayCreatePlaces).toBe(true);
    expect(preview.body.toCreate).toEqual({ buildings: 0, dwellings: 0 });
    const places = preview.body.unknownPlaces;
    expect(places.map((p) => [p.kind, p.label, p.dwellings, p.rows, p.create])).toEqual([
      ['building', `${name} 8号楼`, 2, 3, false],
      ['building', `${name} 9号楼`, 1, 1, false],
      ['dwelling', `${name} 5号楼2单元103`, 1, 1, false],
    ]);
    // Skipped by default: the rows stay skipped with their problem.
    const codes = (p: ImportPreview) =>
      Object.fromEntries(p.rows.map((r) => [r.name, [r.action, ...r.problems.map((x) => x.code)]]));
    expect(codes(preview.body)).toMatchObject({
      甲: ['create'],
      乙: ['skip', 'dwelling_unknown'],
      丙: ['skip', 'dwelling_unknown'],
      丁: ['skip', 'building_unknown'],
      辛: ['skip', 'compound_unknown'],
    });
    const [b8, , d103] = places.map((p) => p.key);

    // A grid worker may write residents but not manage buildings: not offered, and refused.
    const gp = await g.get<ImportPreview>(`/api/imports/${job.id}/preview`);
    expect(gp.status).toBe(200);
    expect(gp.body.mayCreatePlaces).toBe(false);
    const refused = await g.patch<ErrorBody>(`/api/imports/${job.id}/places`, {
      version: job.version,
      createPlaces: [b8],
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('import.create_places_forbidden');

    const chosen = await a.patch<ImportJob>(`/api/imports/${job.id}/places`, {
      version: job.version,
      createPlaces: [b8, d103],
    });
    expect(chosen.status, JSON.stringify(chosen.body)).toBe(200);
    expect(chosen.body.createPlaces).toEqual([b8, d103]);
    const stale = await a.patch<ErrorBody>(`/api/imports/${job.id}/places`, {
      version: job.version,
      createPlaces: [],
    });
    expect(stale.status).toBe(409);

    const shown = await a.get<ImportPreview>(`/api/imports/${job.id}/preview`);
    expect(shown.body.toCreate).toEqual({ buildings: 1, dwellings: 3 });
    expect(shown.body.summary).toMatchObject({ create: 5, skip: 3 });
    const byName = Object.fromEntries(shown.body.rows.map((r) => [r.name, r]));
    expect(byName.乙).toMatchObject({
      action: 'create',
      createsPlace: 'dwelling',
      address: `${name} 5号楼2单元103`,
    });
    expect(byName.戊).toMatchObject({
      action: 'create',
      createsPlace: 'building',
      address: `${name} 8号楼2单元502`,
    });
    expect(byName.甲!.createsPlace).toBeNull();
    expect(codes(shown.body)).toMatchObject({ 庚: ['skip', 'building_unknown'] });
    // Nothing is written by choosing or previewing.
    expect(await dwellingsOfCompound(compoundId)).toEqual(before);

    // The grid worker cannot commit what it may not create either.
    const gCommit = await g.post<ErrorBody>(`/api/imports/${job.id}/commit`, {
      version: chosen.body.version,
    });
    expect(gCommit.status).toBe(403);
    expect(gCommit.body.error.code).toBe('import.create_places_forbidden');

    const commit = await a.post<ImportJob>(`/api/imports/${job.id}/commit`, {
      version: chosen.body.version,
    });
    expect(commit.status, JSON.stringify(commit.body)).toBe(202);
    const done = await waitForJob(a, job.id);
    expect(done).toMatchObject({
      status: 'succeeded',
      created: 5,
      skipped: 3,
      buildingsCreated: 1,
      dwellingsCreated: 3,
    });

    expect(await dwellingsOfCompound(compoundId)).toEqual(
      [...before, '5|2|103', '8|1|101', '8|2|502'].sort(),
    );
    const [b] = await t.database.db
      .select()
      .from(buildings)
      .where(and(eq(buildings.compoundId, compoundId), eq(buildings.name, '8')));
    expect(b).toMatchObject({ floors: 5, entranceCount: 2, roomsPerFloor: 2, kind: 'residential' });
    expect(await namesInCompound(compoundId)).toEqual(['丁', '乙', '己', '戊', '甲'].sort());
    const people = await t.database.db.select().from(residents).where(eq(residents.compoundId, compoundId));
    const of = (n: string) => people.find((p) => p.name === n)!;
    expect(of('戊').householdId).toBe(of('己').householdId);
    expect(of('戊').buildingId).toBe(b!.id);
    expect(of('乙').buildingId).toBe(buildingId);

    const audits = await t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, b!.id), eq(auditLog.action, 'building.create')));
    expect(audits).toHaveLength(1);
    expect(audits[0]!.changes).toMatchObject({
      name: { to: '8' },
      dwellings: { to: 2 },
      importId: { to: job.id },
    });
    const [summary] = await t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, job.id), eq(auditLog.action, 'import.commit')));
    expect(summary!.changes).toMatchObject({ buildingsCreated: { to: 1 }, dwellingsCreated: { to: 3 } });
  });

  it('does not offer a place of another community, and a job out of scope answers 404', async () => {
    const b = await as(world.users.adminB);
    const a = await as(world.users.adminA);
    const name = unique('小区');
    await site(name);
    // Community B does not know community A's compound: it is a problem there, never a choice.
    const job = await uploadOk(b, world.communityB.id, placesLedger(name), 'p.csv', 'text/csv');
    const preview = await b.get<ImportPreview>(`/api/imports/${job.id}/preview`);
    expect(preview.body.unknownPlaces).toEqual([]);
    const other = await a.patch<ErrorBody>(`/api/imports/${job.id}/places`, {
      version: job.version,
      createPlaces: [],
    });
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe('import.not_found');
  });

  it('creates nothing when the commit fails', async () => {
    const a = await as(world.users.adminA);
    const name = unique('小区');
    const { compoundId } = await site(name);
    const before = await dwellingsOfCompound(compoundId);
    const job = await uploadOk(
      a,
      world.communityA.id,
      placesLedger(name, '爆炸测试'),
      'boom-places.csv',
      'text/csv',
    );
    const preview = await a.get<ImportPreview>(`/api/imports/${job.id}/preview`);
    const chosen = await a.patch<ImportJob>(`/api/imports/${job.id}/places`, {
      version: job.version,
      createPlaces: preview.body.unknownPlaces.map((p) => p.key),
    });
    expect(chosen.status).toBe(200);
    await t.database.db.execute(sql`
      create or replace function import_test_boom() returns trigger language plpgsql as $$
      begin if new.name like '%爆炸测试' then raise exception 'boom'; end if; return new; end $$`);
    await t.database.db.execute(sql`
      create trigger import_test_boom before insert on residents for each row execute function import_test_boom()`);
    try {
      const commit = await a.post<ImportJob>(`/api/imports/${job.id}/commit`, {
        version: chosen.body.version,
      });
      expect(commit.status).toBe(202);
      const done = await waitForJob(a, job.id);
      expect(done).toMatchObject({
        status: 'failed',
        errorCode: 'import.commit_failed',
        dwellingsCreated: 0,
      });
    } finally {
      await t.database.db.execute(sql`drop trigger import_test_boom on residents`);
    }
    expect(await dwellingsOfCompound(compoundId)).toEqual(before);
    const names = await t.database.db
      .select({ name: buildings.name })
      .from(buildings)
      .where(eq(buildings.compoundId, compoundId));
    expect(names.map((n) => n.name)).toEqual(['5']);
    expect(await namesInCompound(compoundId)).toEqual([]);
    const audits = await t.database.db
      .select()
      .from(auditLog)
      .where(
        and(eq(auditLog.action, 'building.create'), sql`${auditLog.changes}->'importId'->>'to' = ${job.id}`),
      );
    expect(audits).toEqual([]);

    // Fixed, the same choice commits: two new buildings and one flat.
    const current = await a.get<ImportJob>(`/api/imports/${job.id}`);
    await a.post(`/api/imports/${job.id}/commit`, { version: current.body.version });
    expect(await waitForJob(a, job.id)).toMatchObject({
      status: 'succeeded',
      buildingsCreated: 2,
      dwellingsCreated: 4,
    });
  });
});

const validId = (first17: string) => first17 + idCheckChar(first17);

describe('the register’s finer fields and the living-alone rule', () => {
  it('maps them, warns on an unknown value or a missing emergency contact, and writes them', async () => {
    const a = await as(world.users.adminB);
    const name = unique('小区');
    const { compoundId, dwelling } = await site(name, true);
    const old = validId('32010219500101003');
    const oldWithContact = validId('32010219500202004');
    const young = validId('32010219900303005');
    const updated = validId('32010219450404006');
    // Already registered, living alone at 80 with no emergency contact: the update keeps that true.
    const existing = await a.post<Resident>('/api/residents', {
      dwellingId: dwelling('5号楼2单元302'),
      name: '周老',
      idNumber: updated,
      emergencyContactName: '周小',
      tags: ['living_alone'],
    });
    expect(existing.status, JSON.stringify(existing.body)).toBe(200);
    await t.database.db
      .update(residents)
      .set({ emergencyContactName: null })
      .where(eq(residents.id, existing.body.id));
    const job = await uploadOk(
      a,
      world.communityB.id,
      csv([
        '姓名,小区,楼号,单元,房号,身份证号,民族,婚姻状况,政治面貌,文化程度,职业,工作单位,来沪原因,来沪日期,紧急联系人,紧急联系电话,标签',
        `张三,${name},5,1,101,,汉,已婚,中共党员,大学本科,教师,阳光小学,务工,2015.6.1,张小,13900001111,`,
        `李四,${name},5,1,102,,火星族,同居,党员,初中毕业,,,,,,12345,`,
        `王五,${name},5,1,201,${old},汉族,丧偶,群众,小学,,,,,,,独居`,
        `赵六,${name},5,1,202,${oldWithContact},,,,,,,,,赵小,13900002222,独居老人`,
        `钱七,${name},5,2,101,${young},,,,,,,,,,,独居`,
        `周老,${name},5,2,302,${updated},,,,,,,,,,,`,
      ]),
      'fields.csv',
      'text/csv',
    );
    expect(job.mapping).toEqual([
      'name',
      'compound',
      'building',
      'entrance',
      'room',
      'idNumber',
      'ethnicity',
      'maritalStatus',
      'politicalStatus',
      'education',
      'occupation',
      'employer',
      'arrivalReason',
      'arrivalDate',
      'emergencyContactName',
      'emergencyContactPhone',
      'tags',
    ]);
    const patched = await a.patch<ImportJob>(`/api/imports/${job.id}`, {
      version: job.version,
      mapping: job.mapping,
      onDuplicate: 'update',
    });
    expect(patched.status).toBe(200);

    const preview = await a.get<ImportPreview>(`/api/imports/${job.id}/preview`);
    expect(preview.body.summary).toMatchObject({ total: 6, create: 5, update: 1, skip: 0 });
    const problems = Object.fromEntries(
      preview.body.rows.map((r) => [
        r.name,
        r.problems.map((p) => `${p.column ?? ''}:${p.code}:${p.severity}`),
      ]),
    );
    expect(problems).toEqual({
      张三: [],
      李四: [
        '民族:value_ignored:warning',
        '婚姻状况:value_ignored:warning',
        '紧急联系电话:contact_phone_ignored:warning',
      ],
      王五: ['紧急联系人:emergency_contact_missing:warning'],
      赵六: [],
      钱七: [],
      周老: ['紧急联系人:emergency_contact_missing:warning'],
    });

    const commit = await a.post<ImportJob>(`/api/imports/${job.id}/commit`, {
      version: patched.body.version,
    });
    expect(commit.status).toBe(202);
    expect(await waitForJob(a, job.id)).toMatchObject({ status: 'succeeded', created: 5, updated: 1 });

    const people = await t.database.db.select().from(residents).where(eq(residents.compoundId, compoundId));
    const of = (n: string) => people.find((p) => p.name === n)!;
    expect(of('张三')).toMatchObject({
      ethnicity: '01',
      maritalStatus: 'married',
      politicalStatus: 'cpc_member',
      education: 'bachelor',
      occupation: '教师',
      employer: '阳光小学',
      arrivalReason: 'work',
      arrivalDate: '2015-06-01',
      emergencyContactName: '张小',
      emergencyContactPhoneMasked: '139****1111',
    });
    expect(of('张三').emergencyContactPhoneEnc).not.toContain('13900001111');
    expect(of('李四')).toMatchObject({
      ethnicity: null,
      maritalStatus: null,
      politicalStatus: 'cpc_member',
      education: 'junior_secondary',
      emergencyContactPhoneEnc: null,
    });
    expect(of('王五')).toMatchObject({
      ethnicity: '01',
      maritalStatus: 'widowed',
      politicalStatus: 'masses',
    });

    const report = await a.get<{ items: ImportReportRow[] }>(`/api/imports/${job.id}/report`);
    const wang = report.body.items.find((r) => r.name === '王五')!;
    expect(wang.outcome).toBe('created');
    expect(wang.reasons.map((r) => r.code)).toEqual(['emergency_contact_missing']);
  });
});
