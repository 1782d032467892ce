import { idCheckChar, todayInShanghai } from '@linli/shared';
import { and, eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
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
import { ledgerLinks } from './ledgers.table';

type Ledger = {
  id: string;
  name: string;
  version: number;
  canManage: boolean;
  columns: string[];
  sharing: string;
};
type Rows = {
  columns: string[];
  rows: { id: string; cells: string[] }[];
  total: number;
  nextCursor: string | null;
};
type Link = { id: string; token: string; status: string; opens: number; lastOpenedAt: string | null };
type PublicPage = {
  name: string;
  sharedBy: string;
  watermark: string;
  rows: string[][];
  total: number;
  nextCursor: string | null;
};
type ErrorBody = {
  error: { code: string; details?: { issues?: { path: string; message: string }[]; current?: Ledger } };
};

let t: TestApp;
let world: World;
const as = sessionsFor(() => t.app);

const runTag = String(Math.floor(Math.random() * 9000) + 1000);
let counter = 0;

/** A valid resident ID of someone `age` years old (born forty days before that birthday). */
function idForAge(age: number) {
  const [y, m, d] = todayInShanghai().split('-').map(Number) as [number, number, number];
  const birth = new Date(Date.UTC(y - age, m - 1, d - 40)).toISOString().slice(0, 10);
  const seq = String(++counter * 2 + 1)
    .padStart(3, '0')
    .slice(-3);
  const body = `12${runTag}${birth.replaceAll('-', '')}${seq}`;
  return body + idCheckChar(body);
}
const phone = () => `137${runTag}${String(++counter + 1000).slice(-4)}`;

type Person = { name: string; idNumber: string; phone: string };
const peopleA: Person[] = [];
const peopleB: Person[] = [];

/** A compound with one building in `community`, and residents in it; answers the building's id. */
async function populate(s: Session, communityId: string, names: string[], ages: number[], into: Person[]) {
  const compound = await s.post<{ id: string }>('/api/areas', {
    kind: 'compound',
    parentId: communityId,
    name: unique('小区'),
  });
  expect(compound.status, JSON.stringify(compound.body)).toBe(200);
  const building = await s.post<{ id: string; dwellings: { id: string }[] }>('/api/buildings', {
    compoundId: compound.body.id,
    name: '7',
    floors: 2,
    entrances: 1,
    roomsPerFloor: 2,
  });
  expect(building.status, JSON.stringify(building.body)).toBe(200);
  for (const [i, name] of names.entries()) {
    const p = { name, idNumber: idForAge(ages[i]!), phone: phone() };
    const res = await s.post('/api/residents', {
      dwellingId: building.body.dwellings[i % building.body.dwellings.length]!.id,
      name,
      idNumber: p.idNumber,
      phone: p.phone,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    into.push(p);
  }
  return building.body.id;
}

let buildingA = '';

beforeAll(async () => {
  t = await startApp();
  world = await buildWorld(t.database);
  buildingA = await populate(
    await as(world.users.adminA),
    world.communityA.id,
    ['赵老伯', '钱阿婆', '孙小明'],
    [85, 91, 30],
    peopleA,
  );
  await populate(await as(world.users.adminB), world.communityB.id, ['李奶奶'], [88], peopleB);
});
afterAll(() => t.close());

const elderly = { ageMin: 80 };

async function newLedger(s: Session, body: Record<string, unknown> = {}) {
  const res = await s.post<Ledger>('/api/ledgers', {
    name: unique('高龄台账'),
    areaId: world.communityA.id,
    filter: elderly,
    columns: ['name', 'idNumber', 'phone', 'age', 'tags'],
    ...body,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

async function exportFile(s: Session, id: string, body: Record<string, unknown>) {
  const res = await t.app.inject({
    method: 'POST',
    url: `/api/ledgers/${id}/export`,
    cookies: { linli_session: await cookieOf(s) },
    headers: { 'x-csrf-token': await csrfOf(s) },
    payload: body,
  });
  return res;
}

// The shared Session keeps its cookie private; sign in again for raw binary responses.
const raw = new Map<string, { cookie: string; csrf: string }>();
async function rawLogin(s: Session) {
  let r = raw.get(s.username);
  if (!r) {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: s.username, password: 'fixture-pass-1' },
    });
    r = { cookie: res.cookies.find((c) => c.name === 'linli_session')!.value, csrf: res.json().csrfToken };
    raw.set(s.username, r);
  }
  return r;
}
const cookieOf = async (s: Session) => (await rawLogin(s)).cookie;
const csrfOf = async (s: Session) => (await rawLogin(s)).csrf;

const auditRows = (entityId: string) =>
  t.database.db.select().from(auditLog).where(eq(auditLog.entityId, entityId)).orderBy(auditLog.id);

describe('ledger CRUD', () => {
  it('creates, updates with the version read, answers 409 on a stale version, archives, all audited', async () => {
    const a = await as(world.users.adminA);
    const ledger = await newLedger(a, { description: '每月慰问' });
    expect(ledger).toMatchObject({ version: 1, canManage: true, sharing: 'private' });

    const updated = await a.patch<Ledger>(`/api/ledgers/${ledger.id}`, {
      version: 1,
      name: '高龄 80+',
      sharing: 'area',
    });
    expect(updated.status, JSON.stringify(updated.body)).toBe(200);
    expect(updated.body).toMatchObject({ name: '高龄 80+', version: 2, sharing: 'area' });

    const stale = await a.patch<ErrorBody>(`/api/ledgers/${ledger.id}`, { version: 1, name: '过期' });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('ledger.version_conflict');
    expect(stale.body.error.details?.current).toMatchObject({ name: '高龄 80+', version: 2 });

    const archived = await a.post<Ledger>(`/api/ledgers/${ledger.id}/archive`, { version: 2 });
    expect(archived.status, JSON.stringify(archived.body)).toBe(200);
    expect(archived.body).toMatchObject({ status: 'archived', version: 3 });
    expect((await a.get<{ items: Ledger[] }>('/api/ledgers')).body.items.map((l) => l.id)).not.toContain(
      ledger.id,
    );
    expect(
      (await a.get<{ items: Ledger[] }>('/api/ledgers?status=archived')).body.items.map((l) => l.id),
    ).toContain(ledger.id);

    const actions = (await auditRows(ledger.id)).map((r) => r.action);
    expect(actions).toEqual(['ledger.create', 'ledger.update', 'ledger.archive']);
  });

  it('refuses bad input naming the field, and changes nothing', async () => {
    const a = await as(world.users.adminA);
    const res = await a.post<ErrorBody>('/api/ledgers', {
      name: '',
      areaId: world.communityA.id,
      filter: { ageMin: 500 },
      columns: ['name', 'name', 'salary'],
    });
    expect(res.status).toBe(400);
    const paths = res.body.error.details?.issues?.map((i) => i.path) ?? [];
    expect(paths).toEqual(expect.arrayContaining(['name', 'filter.ageMin', 'columns.2']));
    const compound = await a.post<ErrorBody>('/api/ledgers', {
      name: '小区台账',
      areaId: world.compoundA.id,
      filter: {},
      columns: ['name'],
    });
    expect(compound.status).toBe(422);
    expect(compound.body.error.code).toBe('ledger.area_kind');
  });

  it('keeps private ledgers to their owner and shared ones to the area', async () => {
    const a = await as(world.users.adminA);
    const worker = await as(world.users.workerA);
    const mine = await newLedger(a);
    const shared = await newLedger(a, { sharing: 'area' });
    const seen = (await worker.get<{ items: Ledger[] }>('/api/ledgers')).body.items;
    expect(seen.map((l) => l.id)).toContain(shared.id);
    expect(seen.map((l) => l.id)).not.toContain(mine.id);
    expect(seen.find((l) => l.id === shared.id)?.canManage).toBe(false);
    expect((await worker.get(`/api/ledgers/${mine.id}`)).status).toBe(404);
    const edit = await worker.patch<ErrorBody>(`/api/ledgers/${shared.id}`, { version: 1, name: '改' });
    expect(edit.status).toBe(403);
  });

  it('answers 404 for another community’s ledger, whatever is asked', async () => {
    const a = await as(world.users.adminA);
    const b = await as(world.users.adminB);
    const ledger = await newLedger(a, { sharing: 'area' });
    for (const [method, url, body] of [
      ['GET', `/api/ledgers/${ledger.id}`],
      ['GET', `/api/ledgers/${ledger.id}/rows`],
      ['PATCH', `/api/ledgers/${ledger.id}`, { version: 1, name: '越界' }],
      ['POST', `/api/ledgers/${ledger.id}/archive`, { version: 1 }],
      ['POST', `/api/ledgers/${ledger.id}/export`, { format: 'csv', purpose: '越界' }],
      ['GET', `/api/ledgers/${ledger.id}/links`],
      [
        'POST',
        `/api/ledgers/${ledger.id}/links`,
        { expiresAt: new Date(Date.now() + 86_400_000).toISOString() },
      ],
    ] as const) {
      const res = await b.request(method, url, body);
      expect(res.status, `${method} ${url}`).toBe(404);
      expect((res.body as ErrorBody).error.code).toBe('ledger.not_found');
    }
    const street = await b.post<ErrorBody>('/api/ledgers', {
      name: 'x',
      areaId: world.communityA.id,
      filter: {},
      columns: ['name'],
    });
    expect(street.status).toBe(404);
  });
});

describe('ledger rows', () => {
  it('lists the filtered residents of its area, masked, with a count', async () => {
    const a = await as(world.users.adminA);
    const ledger = await newLedger(a);
    const res = await a.get<Rows>(`/api/ledgers/${ledger.id}/rows?limit=1`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.total).toBe(2);
    expect(res.body.rows).toHaveLength(1);
    expect(res.body.nextCursor).not.toBeNull();
    const next = await a.get<Rows>(
      `/api/ledgers/${ledger.id}/rows?limit=1&cursor=${encodeURIComponent(res.body.nextCursor!)}`,
    );
    const names = [...res.body.rows, ...next.body.rows].map((r) => r.cells[0]).sort();
    expect(names).toEqual(['赵老伯', '钱阿婆'].sort());
    const json = JSON.stringify([res.body, next.body]);
    for (const p of peopleA) {
      expect(json).not.toContain(p.idNumber);
      expect(json).not.toContain(p.phone);
    }
    expect(res.body.rows[0]!.cells[1]).toMatch(/^\d{3}\*{11}[\dX]{4}$/);
  });

  it('never lists residents outside its area, even when its filter names another community', async () => {
    const s = await as(world.users.streetAdmin);
    const ledger = await s.post<Ledger>('/api/ledgers', {
      name: unique('越界筛选'),
      areaId: world.communityA.id,
      filter: { ...elderly, communityId: world.communityB.id },
      columns: ['name'],
    });
    expect(ledger.status).toBe(200);
    const rows = await s.get<Rows>(`/api/ledgers/${ledger.body.id}/rows`);
    expect(rows.body.total).toBe(0);
    const street = await s.post<Ledger>('/api/ledgers', {
      name: unique('街道台账'),
      areaId: world.street.id,
      filter: elderly,
      columns: ['name'],
    });
    const all = await s.get<Rows>(`/api/ledgers/${street.body.id}/rows`);
    expect(all.body.rows.map((r) => r.cells[0]).sort()).toEqual(['李奶奶', '赵老伯', '钱阿婆'].sort());
    // A community admin cannot see a street-wide list, shared or not.
    const a = await as(world.users.adminA);
    await s.patch(`/api/ledgers/${street.body.id}`, { version: 1, sharing: 'area' });
    expect((await a.get(`/api/ledgers/${street.body.id}`)).status).toBe(404);
  });
});

describe('export', () => {
  it('is masked by default: xlsx with the watermark in row 1, the page header and footer', async () => {
    const a = await as(world.users.adminA);
    const ledger = await newLedger(a, { name: '高龄老人台账' });
    const res = await exportFile(a, ledger.id, { format: 'xlsx', purpose: '重阳慰问' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['content-disposition']).toContain(
      `filename*=UTF-8''${encodeURIComponent('高龄老人台账')}_`,
    );
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    const watermark = String(ws.getRow(1).getCell(1).value);
    expect(watermark).toMatch(
      /^导出人 .+（.+） · 导出时间 \d{4}-\d\d-\d\d \d\d:\d\d · 用途 重阳慰问 · 邻里 Linli$/,
    );
    expect(ws.headerFooter.oddHeader).toContain(watermark);
    expect(ws.headerFooter.oddFooter).toContain(watermark);
    expect(ws.getRow(2).values).toEqual([undefined, '姓名', '证件号码', '联系电话', '年龄', '标签']);
    const body = [3, 4].map((n) => (ws.getRow(n).values as string[]).slice(1));
    expect(body.map((r) => r[0]).sort()).toEqual(['赵老伯', '钱阿婆'].sort());
    for (const r of body) {
      expect(r[1]).toMatch(/\*{11}/);
      expect(r[2]).toMatch(/^\d{3}\*{4}\d{4}$/);
    }
    expect(ws.rowCount).toBe(4);

    const [entry] = (await auditRows(ledger.id)).filter((r) => r.action === 'ledger.export');
    expect(entry).toMatchObject({ actorUserId: world.users.adminA.id, reason: null });
    expect(entry!.changes).toMatchObject({
      rows: { to: 2 },
      masked: { to: true },
      format: { to: 'xlsx' },
      purpose: { to: '重阳慰问' },
      columns: { to: ['name', 'idNumber', 'phone', 'age', 'tags'] },
    });
  });

  it('writes csv with a BOM and the watermark as first and last line', async () => {
    const a = await as(world.users.adminA);
    const ledger = await newLedger(a);
    const res = await exportFile(a, ledger.id, { format: 'csv', purpose: '核对' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    const bytes = res.rawPayload;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.toString('utf8').slice(1).trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^导出人 .* · 用途 核对 · 邻里 Linli$/);
    expect(lines.at(-1)).toBe(lines[0]);
    expect(lines[1]).toBe('姓名,证件号码,联系电话,年龄,标签');
    expect(lines).toHaveLength(5);
    for (const p of peopleA) expect(bytes.toString('utf8')).not.toContain(p.idNumber);
  });

  it('unmasked needs the reveal permission and a reason, and is audited with both', async () => {
    const a = await as(world.users.adminA);
    const grid = await as(world.users.gridWorkerA);
    const ledger = await newLedger(a, { sharing: 'area' });

    const noReason = await exportFile(a, ledger.id, { format: 'csv', purpose: '核对', unmasked: true });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().error.details.issues[0].path).toBe('reason');

    const forbidden = await exportFile(grid, ledger.id, {
      format: 'csv',
      purpose: '核对',
      unmasked: true,
      reason: '上报',
    });
    expect(forbidden.statusCode).toBe(403);
    expect((await auditRows(ledger.id)).filter((r) => r.action === 'ledger.export')).toHaveLength(0);

    const ok = await exportFile(a, ledger.id, {
      format: 'csv',
      purpose: '民政上报',
      unmasked: true,
      reason: '区民政局核对高龄补贴',
    });
    expect(ok.statusCode, ok.body).toBe(200);
    const text = ok.rawPayload.toString('utf8');
    const elders = peopleA.filter((p) => p.name !== '孙小明');
    for (const p of elders) {
      expect(text).toContain(p.idNumber);
      expect(text).toContain(p.phone);
    }
    const [entry] = (await auditRows(ledger.id)).filter((r) => r.action === 'ledger.export');
    expect(entry).toMatchObject({ reason: '区民政局核对高龄补贴' });
    expect(entry!.changes).toMatchObject({ masked: { to: false }, rows: { to: 2 } });
    const logged = JSON.stringify(entry);
    for (const p of elders) expect(logged).not.toContain(p.idNumber);
  });
});

describe('shared links', () => {
  const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString();

  it('opens masked without a sign-in, audits each open, then answers 410 after revocation', async () => {
    const a = await as(world.users.adminA);
    const ledger = await newLedger(a, { name: '物业核对台账' });
    const created = await a.post<Link>(`/api/ledgers/${ledger.id}/links`, {
      expiresAt: inDays(7),
      note: '物业核对',
    });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    const { token, id } = created.body;
    expect(token.length).toBeGreaterThanOrEqual(43);
    const [stored] = await t.database.db.select().from(ledgerLinks).where(eq(ledgerLinks.id, id));
    expect(JSON.stringify(stored)).not.toContain(token);

    const open = () =>
      t.app.inject({
        method: 'GET',
        url: `/api/public/ledgers/${token}`,
        headers: { 'user-agent': 'partner-browser' },
      });
    const first = await open();
    expect(first.statusCode, first.body).toBe(200);
    const page = first.json() as PublicPage;
    expect(page.name).toBe('物业核对台账');
    expect(page.sharedBy).toBe(world.users.adminA.name);
    expect(page.watermark).toContain('物业核对');
    expect(page.rows.map((r) => r[0]).sort()).toEqual(['赵老伯', '钱阿婆'].sort());
    for (const p of peopleA) expect(first.body).not.toContain(p.idNumber);
    expect(first.headers['cache-control']).toBe('no-store');
    await open();

    const opens = (await auditRows(id)).filter((r) => r.action === 'ledger_link.open');
    expect(opens).toHaveLength(2);
    expect(opens[0]).toMatchObject({
      actorUserId: null,
      entityType: 'ledger_link',
      userAgent: 'partner-browser',
    });
    expect(opens[0]!.ip).toBeTruthy();
    expect(opens[0]!.communityId).toBe(world.communityA.id);

    const listed = await a.get<{ items: Link[] }>(`/api/ledgers/${ledger.id}/links`);
    expect(listed.body.items[0]).toMatchObject({ id, opens: 2, status: 'active' });
    expect(listed.body.items[0]!.lastOpenedAt).not.toBeNull();
    expect(JSON.stringify(listed.body)).not.toContain(token);

    const revoked = await a.post<Link>(`/api/ledgers/${ledger.id}/links/${id}/revoke`, {});
    expect(revoked.body.status).toBe('revoked');
    const after = await open();
    expect(after.statusCode).toBe(410);
    expect(after.json().error.code).toBe('ledger.link_gone');
    expect((await auditRows(id)).map((r) => r.action)).toContain('ledger_link.revoke');
  });

  it('answers 410 once expired or archived, 404 for an unknown token', async () => {
    const a = await as(world.users.adminA);
    const ledger = await newLedger(a);
    const created = await a.post<Link>(`/api/ledgers/${ledger.id}/links`, { expiresAt: inDays(1) });
    await t.database.db
      .update(ledgerLinks)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(and(eq(ledgerLinks.id, created.body.id)));
    const expired = await t.app.inject({ method: 'GET', url: `/api/public/ledgers/${created.body.token}` });
    expect(expired.statusCode).toBe(410);
    const other = await newLedger(a);
    const live = await a.post<Link>(`/api/ledgers/${other.id}/links`, { expiresAt: inDays(1) });
    expect(
      (await t.app.inject({ method: 'GET', url: `/api/public/ledgers/${live.body.token}` })).statusCode,
    ).toBe(200);
    await a.post(`/api/ledgers/${other.id}/archive`, { version: 1 });
    const archived = await t.app.inject({ method: 'GET', url: `/api/public/ledgers/${live.body.token}` });
    expect(archived.statusCode).toBe(410);
    for (const token of ['x'.repeat(43), 'short']) {
      const unknown = await t.app.inject({ method: 'GET', url: `/api/public/ledgers/${token}` });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json().error.code).toBe('ledger.link_not_found');
    }
  });

  it('is always masked, keeps to its area, and needs ledger.share and a bounded expiry', async () => {
    const s = await as(world.users.streetAdmin);
    const ledger = await s.post<Ledger>('/api/ledgers', {
      name: unique('社区A'),
      areaId: world.communityA.id,
      filter: { ...elderly, communityId: world.communityB.id, tag: 'aged_80' },
      columns: ['name', 'idNumber', 'phone'],
      sharing: 'area',
    });
    const link = await s.post<Link>(`/api/ledgers/${ledger.body.id}/links`, { expiresAt: inDays(2) });
    const page = (
      await t.app.inject({ method: 'GET', url: `/api/public/ledgers/${link.body.token}` })
    ).json() as PublicPage;
    expect(page.rows).toHaveLength(0);

    const widened = await s.post<Ledger>('/api/ledgers', {
      name: unique('社区A全部'),
      areaId: world.communityA.id,
      filter: elderly,
      columns: ['name', 'idNumber', 'phone'],
    });
    const link2 = await s.post<Link>(`/api/ledgers/${widened.body.id}/links`, { expiresAt: inDays(2) });
    const res = await t.app.inject({ method: 'GET', url: `/api/public/ledgers/${link2.body.token}` });
    const rows = (res.json() as PublicPage).rows;
    expect(rows.map((r) => r[0]).sort()).toEqual(['赵老伯', '钱阿婆'].sort());
    for (const p of [...peopleA, ...peopleB]) {
      expect(res.body).not.toContain(p.idNumber);
      expect(res.body).not.toContain(p.phone);
    }

    const worker = await as(world.users.workerA);
    const shared = await newLedger(await as(world.users.adminA), { sharing: 'area' });
    const denied = await worker.post<ErrorBody>(`/api/ledgers/${shared.id}/links`, { expiresAt: inDays(2) });
    expect(denied.status).toBe(403);
    const tooLong = await s.post<ErrorBody>(`/api/ledgers/${widened.body.id}/links`, {
      expiresAt: inDays(31),
    });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.error.details?.issues?.[0]?.path).toBe('expiresAt');
    const past = await s.post<ErrorBody>(`/api/ledgers/${widened.body.id}/links`, { expiresAt: inDays(-1) });
    expect(past.status).toBe(400);
  });
});

describe('the grid column', () => {
  const gridName = unique('第一网格');
  let gridId = '';
  const outside: Person[] = [];

  beforeAll(async () => {
    const a = await as(world.users.adminA);
    const grid = await a.post<{ id: string }>('/api/grids', {
      communityId: world.communityA.id,
      name: gridName,
      buildingIds: [buildingA],
    });
    expect(grid.status, JSON.stringify(grid.body)).toBe(200);
    gridId = grid.body.id;
    // A building of community A in no grid, with a resident younger than the other tests' filter.
    await populate(a, world.communityA.id, ['周大姐'], [45], outside);
  });

  it('names the grid of each resident’s building, and leaves it empty outside any grid', async () => {
    const a = await as(world.users.adminA);
    const ledger = await newLedger(a, { filter: {}, columns: ['name', 'grid', 'age'] });
    const res = await a.get<Rows>(`/api/ledgers/${ledger.id}/rows`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.columns).toEqual(['name', 'grid', 'age']);
    const byName = Object.fromEntries(res.body.rows.map((r) => [r.cells[0], r.cells[1]]));
    expect(byName).toEqual({ 赵老伯: gridName, 钱阿婆: gridName, 孙小明: gridName, 周大姐: '' });
  });

  it('filters a ledger by grid: only the grid’s buildings', async () => {
    const a = await as(world.users.adminA);
    const ledger = await newLedger(a, { filter: { gridId }, columns: ['name', 'grid'] });
    const res = await a.get<Rows>(`/api/ledgers/${ledger.id}/rows`);
    expect(res.body.total).toBe(3);
    expect(res.body.rows.map((r) => r.cells).sort()).toEqual(
      [
        ['孙小明', gridName],
        ['赵老伯', gridName],
        ['钱阿婆', gridName],
      ].sort(),
    );
  });

  it('goes into xlsx and csv exports under its header, and onto the shared page', async () => {
    const a = await as(world.users.adminA);
    const ledger = await newLedger(a, { columns: ['name', 'grid', 'phone'] });
    const xlsx = await exportFile(a, ledger.id, { format: 'xlsx', purpose: '网格走访' });
    expect(xlsx.statusCode, xlsx.body).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(xlsx.rawPayload as unknown as ArrayBuffer);
    const ws = wb.worksheets[0]!;
    expect(ws.getRow(2).values).toEqual([undefined, '姓名', '网格', '联系电话']);
    expect([3, 4].map((n) => ws.getRow(n).getCell(2).value)).toEqual([gridName, gridName]);

    // Not a secret: an unmasked export carries the same grid name, beside the clear phone.
    const csv = await exportFile(a, ledger.id, {
      format: 'csv',
      purpose: '网格走访',
      unmasked: true,
      reason: '网格员上门核对',
    });
    expect(csv.statusCode, csv.body).toBe(200);
    const lines = csv.rawPayload.toString('utf8').slice(1).trimEnd().split('\r\n');
    expect(lines[1]).toBe('姓名,网格,联系电话');
    const body = lines.slice(2, -1).map((l) => l.split(','));
    expect(body).toHaveLength(2);
    for (const [name, grid, phone] of body) {
      expect(grid).toBe(gridName);
      expect(phone).toBe(peopleA.find((p) => p.name === name)!.phone);
    }

    const link = await a.post<Link>(`/api/ledgers/${ledger.id}/links`, {
      expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    const shared = await t.app.inject({ method: 'GET', url: `/api/public/ledgers/${link.body.token}` });
    expect(shared.statusCode, shared.body).toBe(200);
    const page = shared.json() as PublicPage & { columns: string[] };
    expect(page.columns).toEqual(['name', 'grid', 'phone']);
    expect(page.rows.map((r) => r[1])).toEqual([gridName, gridName]);
  });

  it('answers 404 for another community’s ledger, and another community’s grid filters to no one', async () => {
    const a = await as(world.users.adminA);
    const b = await as(world.users.adminB);
    const ledger = await newLedger(a, { sharing: 'area', filter: { gridId }, columns: ['name', 'grid'] });
    for (const url of [`/api/ledgers/${ledger.id}`, `/api/ledgers/${ledger.id}/rows`]) {
      const res = await b.get<ErrorBody>(url);
      expect(res.status, url).toBe(404);
      expect(res.body.error.code).toBe('ledger.not_found');
    }
    const exported = await exportFile(b, ledger.id, { format: 'csv', purpose: '越界' });
    expect(exported.statusCode).toBe(404);
    const theirs = await b.post<Ledger>('/api/ledgers', {
      name: unique('越界网格'),
      areaId: world.communityB.id,
      filter: { gridId },
      columns: ['name', 'grid'],
    });
    expect(theirs.status, JSON.stringify(theirs.body)).toBe(200);
    const rows = await b.get<Rows>(`/api/ledgers/${theirs.body.id}/rows`);
    expect(rows.body).toMatchObject({ total: 0, rows: [] });
    const own = await b.post<Ledger>('/api/ledgers', {
      name: unique('本社区'),
      areaId: world.communityB.id,
      filter: {},
      columns: ['name', 'grid'],
    });
    const ownRows = await b.get<Rows>(`/api/ledgers/${own.body.id}/rows`);
    expect(ownRows.body.rows.map((r) => r.cells)).toEqual([['李奶奶', '']]);
  });
});

describe('the public endpoint', () => {
  it('is rate-limited per address', async () => {
    let status = 0;
    for (let i = 0; i < 70 && status !== 429; i++) {
      status = (await t.app.inject({ method: 'GET', url: `/api/public/ledgers/${'y'.repeat(43)}` }))
        .statusCode;
    }
    expect(status).toBe(429);
  });
});
