import { idCheckChar, todayInShanghai } from '@linli/shared';
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

// The search paths of ADR 0007: pinyin ranges split from initials, names by their leading readings,
// fragments by two-character pieces, addresses resolved to dwellings first, all within the scope.

type Resident = { id: string; name: string; tags: string[]; version: number };
type Page = { items: Resident[]; nextCursor: string | null };
type Building = { id: string; dwellings: { id: string; label: string }[] };

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

/** A valid resident ID for someone of `age` (40 unless told), unique in this run of the file. */
function idNumber(age = 40) {
  const [y, m, d] = todayInShanghai().split('-').map(Number) as [number, number, number];
  const birth = new Date(Date.UTC(y - age, m - 1, d - 40)).toISOString().slice(0, 10);
  const body = `12${runTag}${birth.replaceAll('-', '')}${String(++counter * 2 + 1).padStart(3, '0')}`;
  return body + idCheckChar(body);
}
const phone = () => `137${runTag}${String(++counter + 1000).slice(-4)}`;

/** A fresh compound of community A (or B) with one building named `name`: 2 entrances × 3 floors × 2 rooms. */
async function site(name: string, community: 'A' | 'B' = 'A') {
  const admin = await as(community === 'A' ? world.users.adminA : world.users.adminB);
  const compound = await admin.post<{ id: string }>('/api/areas', {
    kind: 'compound',
    parentId: (community === 'A' ? world.communityA : world.communityB).id,
    name: unique('小区'),
  });
  expect(compound.status, JSON.stringify(compound.body)).toBe(200);
  const building = await admin.post<Building>('/api/buildings', {
    compoundId: compound.body.id,
    name,
    floors: 3,
    entrances: 2,
    roomsPerFloor: 2,
  });
  expect(building.status, JSON.stringify(building.body)).toBe(200);
  const dwelling = (label: string) => {
    const found = building.body.dwellings.find((x) => x.label === label);
    if (!found) throw new Error(`no dwelling ${label}`);
    return found.id;
  };
  const add = async (label: string, name: string, extra: Record<string, unknown> = {}) => {
    const res = await admin.post<Resident>('/api/residents', { dwellingId: dwelling(label), name, ...extra });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  };
  return { compoundId: compound.body.id, buildingId: building.body.id, add };
}

async function search(s: Session, query: Record<string, string | number>) {
  const qs = new URLSearchParams(
    Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]),
  ).toString();
  const res = await s.get<Page>(`/api/residents?${qs}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}
const namesOf = (p: Page) => p.items.map((r) => r.name);

describe('searching by name and pinyin', () => {
  let compoundId: string;
  const people: Record<string, Resident> = {};

  beforeAll(async () => {
    const s = await site('3');
    compoundId = s.compoundId;
    const names = [
      '王秀英',
      '王伟明',
      '汪伟',
      '李王芳',
      '欧阳秀英',
      '单田芳',
      '曾浩',
      '张华',
      '周伟',
      '吕方',
    ];
    for (const [i, name] of names.entries()) {
      people[name] = await s.add(`3号楼${(i % 2) + 1}单元${[101, 102, 201, 202, 301, 302][i % 6]}`, name);
    }
  });

  const find = async (q: string, extra: Record<string, string | number> = {}) =>
    namesOf(await search(await as(world.users.adminA), { compoundId, q, ...extra }));

  it('reads one Chinese character as a surname: names starting with it, by any reading', async () => {
    expect(await find('王')).toEqual(['王伟明', '王秀英']);
    expect(await find('单')).toEqual(['单田芳']);
    expect(await find('欧')).toEqual(['欧阳秀英']);
    // Not a name that merely holds the character further in.
    expect(await find('芳')).toEqual([]);
  });

  it('finds two characters at the start, as a same-pinyin typo, and inside a name', async () => {
    expect(await find('王伟')).toEqual(['汪伟', '王伟明']);
    expect(await find('秀英')).toEqual(['欧阳秀英', '王秀英']);
    expect(await find('阳秀英')).toEqual(['欧阳秀英']);
    expect(await find('王芳')).toEqual(['李王芳']);
    expect(await find('伟芳')).toEqual([]);
    expect(await find('田芳')).toEqual(['单田芳']);
  });

  it('finds 吕 by lv, as pinyin keyboards type ü', async () => {
    expect(await find('lv')).toEqual(['吕方']);
    expect(await find('lf')).toEqual(['吕方']);
  });

  it('finds by pinyin prefix and by initials, each resident once, in pinyin order', async () => {
    // zh: 曾浩 by its initials only, 张华 by both, 周伟 by its pinyin only.
    expect(await find('zh')).toEqual(['曾浩', '张华', '周伟']);
    expect(await find('z')).toEqual(['曾浩', '张华', '周伟']);
    expect(await find('zhangh')).toEqual(['张华']);
    expect(await find('wxy')).toEqual(['王秀英']);
    expect(await find('oyxy')).toEqual(['欧阳秀英']);
  });

  it('pages across the branches with a cursor, without repeating or losing anyone', async () => {
    const a = await as(world.users.adminA);
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 5; i++) {
      const page: Page = await search(a, { compoundId, q: 'zh', limit: 1, ...(cursor && { cursor }) });
      seen.push(...namesOf(page));
      cursor = page.nextCursor;
      if (!cursor) break;
    }
    expect(seen).toEqual(['曾浩', '张华', '周伟']);
  });

  it('answers 400 naming the cursor when it is not one it gave out', async () => {
    const a = await as(world.users.adminA);
    const res = await a.get<{ error: { code: string; details?: { issues?: { path: string }[] } } }>(
      `/api/residents?q=zh&cursor=${encodeURIComponent('zhanghua|not-an-id')}`,
    );
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('request.validation');
    expect(res.body.error.details?.issues?.map((i) => i.path)).toEqual(['cursor']);
  });
});

describe('a hit', () => {
  it("shows exactly what the resident's own page shows, and no stored secret", async () => {
    const s = await site('8');
    const admin = await as(world.users.adminA);
    const r = await s.add('8号楼1单元101', '陶长寿', {
      idNumber: idNumber(85),
      phone: phone(),
      health: '高血压，每月随访',
      formerName: '陶长生',
      hukouAddress: '上海市徐汇区某路1号',
      emergencyContactName: '陶小梅',
      emergencyContactPhone: phone(),
      ethnicity: '01',
      selfCare: 'partial',
      tags: ['subsistence', 'living_alone'],
    });
    const own = await admin.get<Resident & Record<string, unknown>>(`/api/residents/${r.id}`);
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({
      hasHealthNote: true,
      tags: expect.arrayContaining(['aged_80', 'subsistence', 'living_alone']),
      lastVerifiedAt: expect.any(String),
    });
    const page = await search(admin, { compoundId: s.compoundId, q: 'tcs' });
    expect(page.items).toEqual([own.body]);
    // Masked forms only: no ciphertext (v1:…) and no keyed hash (64 hex digits) in the answer.
    expect(JSON.stringify(page)).not.toMatch(/v1:|[0-9a-f]{64}/);
  });
});

describe('searching by address', () => {
  it('resolves 5-2-301, 5号楼2单元301 and 5号301 to the dwellings they name, within the filters', async () => {
    const a = await as(world.users.adminA);
    const here = await site('15');
    const there = await site('15号楼');
    const first = await here.add('15号楼2单元301', '陶然');
    const second = await there.add('15号楼2单元301', '陶醉');
    const other = await here.add('15号楼1单元301', '陶冶');
    const names = async (q: string, extra: Record<string, string> = {}) =>
      namesOf(await search(a, { q, ...extra }))
        .filter((n) => n.startsWith('陶'))
        .sort();
    expect(await names('15-2-301')).toEqual([second.name, first.name].sort());
    expect(await names('15号楼2单元301')).toEqual([second.name, first.name].sort());
    expect(await names('15号301')).toEqual([first.name, second.name, other.name].sort());
    expect(await names('15-2-301', { compoundId: here.compoundId })).toEqual([first.name]);
    expect(await names('15-3-301')).toEqual([]);
    expect(await names('15-2-999')).toEqual([]);
  });
});

describe('searching within the scope', () => {
  it("never returns another community's resident, by any path, even by exact ID number", async () => {
    const b = await site('8', 'B');
    const id = idNumber();
    const tel = phone();
    const theirs = await b.add('8号楼1单元101', '蒋秀兰', { idNumber: id, phone: tel });
    const adminB = await as(world.users.adminB);
    const workerA = await as(world.users.workerA);
    const queries = [id, tel, tel.slice(-4), '蒋', '蒋秀', '秀兰', 'jxl', 'jiang', '8-1-101', '8号楼101'];
    for (const q of queries) {
      expect(namesOf(await search(adminB, { q })), `B finds ${q}`).toContain(theirs.name);
      expect(namesOf(await search(workerA, { q })), `A finds ${q}`).not.toContain(theirs.name);
    }
    // Naming B's compound from A finds nothing either.
    expect((await search(workerA, { q: 'jxl', compoundId: world.compoundB.id })).items).toEqual([]);
  });
});

describe('filtering by grid and residence type', () => {
  // 韩梅 (hukou) and 韩雪 (non-hukou) in building 21, 韩磊 (separated) and 韩冰 (no type) in 22: the grid;
  // 韩松 (hukou) in 23, outside it.
  let gridId: string;
  const people: Record<string, Resident> = {};

  beforeAll(async () => {
    const [b21, b22, b23] = [await site('21'), await site('22'), await site('23')];
    people.韩梅 = await b21.add('21号楼1单元101', '韩梅', { residenceType: 'hukou' });
    people.韩雪 = await b21.add('21号楼2单元201', '韩雪', { residenceType: 'non_hukou' });
    people.韩磊 = await b22.add('22号楼1单元101', '韩磊', { residenceType: 'separated' });
    people.韩冰 = await b22.add('22号楼1单元102', '韩冰');
    people.韩松 = await b23.add('23号楼1单元101', '韩松', { residenceType: 'hukou' });
    const admin = await as(world.users.adminA);
    const grid = await admin.post<{ id: string }>('/api/grids', {
      communityId: world.communityA.id,
      name: unique('网格'),
      buildingIds: [b21.buildingId, b22.buildingId],
    });
    expect(grid.status, JSON.stringify(grid.body)).toBe(200);
    gridId = grid.body.id;
  });

  const find = async (query: Record<string, string | number>, who = world.users.adminA) =>
    namesOf(await search(await as(who), query));

  it("finds exactly the residents of the grid's buildings, in pinyin order", async () => {
    expect(await find({ gridId })).toEqual(['韩冰', '韩磊', '韩梅', '韩雪']);
    // The community's other residents, 韩松 among them, stay out.
    expect(await find({ gridId, communityId: world.communityA.id })).toEqual([
      '韩冰',
      '韩磊',
      '韩梅',
      '韩雪',
    ]);
  });

  it('filters by residence type, alone and with the grid', async () => {
    expect((await find({ residenceType: 'hukou', q: '韩' })).sort()).toEqual(['韩松', '韩梅'].sort());
    expect(await find({ gridId, residenceType: 'hukou' })).toEqual(['韩梅']);
    expect(await find({ gridId, residenceType: 'non_hukou' })).toEqual(['韩雪']);
    expect(await find({ gridId, residenceType: 'separated' })).toEqual(['韩磊']);
  });

  it('combines the grid with every kind of query', async () => {
    expect(await find({ gridId, q: '韩' })).toEqual(['韩冰', '韩磊', '韩梅', '韩雪']);
    expect(await find({ gridId, q: 'hanm' })).toEqual(['韩梅']);
    expect(await find({ gridId, q: 'hx' })).toEqual(['韩雪']);
    expect(await find({ gridId, q: '韩磊' })).toEqual(['韩磊']);
    expect(await find({ gridId, q: '韩松' })).toEqual([]);
    expect(await find({ gridId, q: '22-1-102' })).toEqual(['韩冰']);
    expect(await find({ gridId, q: '23-1-101' })).toEqual([]);
    expect(await find({ q: '23-1-101', residenceType: 'hukou' })).toEqual(['韩松']);
    expect(await find({ gridId, q: '韩', residenceType: 'non_hukou' })).toEqual(['韩雪']);
  });

  it('pages through a grid with the cursor', async () => {
    const a = await as(world.users.adminA);
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 6 && (i === 0 || cursor); i++) {
      const page: Page = await search(a, { gridId, limit: 3, ...(cursor && { cursor }) });
      seen.push(...namesOf(page));
      cursor = page.nextCursor;
    }
    expect(seen).toEqual(['韩冰', '韩磊', '韩梅', '韩雪']);
  });

  it('keeps moved-out residents apart unless asked for them, within the grid too', async () => {
    const admin = await as(world.users.adminA);
    const leaver = await b22Resident('韩冰');
    const moved = await admin.post(`/api/residents/${leaver.id}/move-out`, {
      version: leaver.version,
      kind: 'moved_out',
      date: todayInShanghai(),
    });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(await find({ gridId })).toEqual(['韩磊', '韩梅', '韩雪']);
    expect(await find({ gridId, status: 'moved_out' })).toEqual(['韩冰']);
    expect(await find({ q: 'hanb', status: 'moved_out' })).toEqual(['韩冰']);
    expect(await find({ gridId, status: 'deceased' })).toEqual([]);
  });

  async function b22Resident(name: string) {
    const res = await (await as(world.users.adminA)).get<Resident>(`/api/residents/${people[name]!.id}`);
    expect(res.status).toBe(200);
    return res.body;
  }

  it("counts a saved ledger's grid and residence type like the list", async () => {
    const admin = await as(world.users.adminA);
    const ledger = await admin.post<{ id: string }>('/api/ledgers', {
      name: unique('网格台账'),
      areaId: world.communityA.id,
      filter: { gridId, residenceType: 'hukou' },
      columns: ['name'],
    });
    expect(ledger.status, JSON.stringify(ledger.body)).toBe(200);
    const rows = await admin.get<{ rows: { cells: string[] }[]; total: number }>(
      `/api/ledgers/${ledger.body.id}/rows`,
    );
    expect(rows.status, JSON.stringify(rows.body)).toBe(200);
    expect(rows.body.rows.map((r) => r.cells[0])).toEqual(['韩梅']);
    expect(rows.body.total).toBe(1);
  });

  it("finds no one by another community's grid, and answers 400 for a malformed filter", async () => {
    const b = await site('21', 'B');
    await b.add('21号楼1单元101', '韩露', { residenceType: 'hukou' });
    const adminB = await as(world.users.adminB);
    const theirs = await adminB.post<{ id: string }>('/api/grids', {
      communityId: world.communityB.id,
      name: unique('网格'),
      buildingIds: [b.buildingId],
    });
    expect(theirs.status, JSON.stringify(theirs.body)).toBe(200);
    expect(await find({ gridId: theirs.body.id }, world.users.adminB)).toEqual(['韩露']);
    // Like a compound of B named from A: an empty list, the same as for a grid that does not exist.
    expect(await find({ gridId: theirs.body.id }, world.users.adminA)).toEqual([]);
    expect(await find({ gridId: theirs.body.id, q: '韩露' }, world.users.adminA)).toEqual([]);
    expect(await find({ gridId: theirs.body.id, q: '21-1-101' }, world.users.workerA)).toEqual([]);
    expect(await find({ gridId }, world.users.adminB)).toEqual([]);
    expect(await find({ gridId: '01900000-0000-7000-8000-000000000000' })).toEqual([]);

    const a = await as(world.users.adminA);
    for (const [field, value] of [
      ['gridId', 'not-a-grid'],
      ['residenceType', 'tourist'],
    ]) {
      const res = await a.get<{ error: { code: string; details?: { issues?: { path: string }[] } } }>(
        `/api/residents?${field}=${value}`,
      );
      expect(res.status).toBe(400);
      expect(res.body.error.details?.issues?.map((i) => i.path)).toEqual([field]);
    }
  });
});
