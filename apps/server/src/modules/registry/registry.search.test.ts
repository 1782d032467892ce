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

type Resident = { id: string; name: string; tags: string[] };
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

/** A valid resident ID for someone aged 40, unique in this run of the file. */
function idNumber() {
  const [y, m, d] = todayInShanghai().split('-').map(Number) as [number, number, number];
  const birth = new Date(Date.UTC(y - 40, m - 1, d - 40)).toISOString().slice(0, 10);
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
  return { compoundId: compound.body.id, add };
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
