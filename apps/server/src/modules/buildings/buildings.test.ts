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
import { dwellings } from './buildings.table';

type Dwelling = {
  id: string;
  buildingId: string;
  entranceId: string;
  floor: number;
  number: string;
  label: string;
  status: 'active' | 'archived';
  version: number;
};
type Detail = {
  id: string;
  streetId: string;
  communityId: string;
  compoundId: string;
  name: string;
  kind: string;
  floors: number;
  entranceCount: number;
  roomsPerFloor: number;
  builtYear: number | null;
  notes: string;
  dwellingCount: number;
  version: number;
  entrances: { id: string; number: number; name: string }[];
  dwellings: Dwelling[];
};
type ErrorBody = {
  error: {
    code: string;
    message?: string;
    details?: { current?: Dwelling & Detail; issues?: { path: string }[] };
  };
};
type Raised = { building: Detail; created: number; skipped: string[] };

let t: TestApp;
let world: World;
const as = sessionsFor(() => t.app);

beforeAll(async () => {
  t = await startApp();
  world = await buildWorld(t.database);
});
afterAll(() => t.close());

async function create(s: Session, compoundId: string, spec: Record<string, unknown> = {}) {
  const res = await s.post<Detail>('/api/buildings', {
    compoundId,
    name: '5',
    floors: 6,
    entrances: 2,
    roomsPerFloor: 2,
    ...spec,
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

const listOf = async (s: Session, compoundId: string) =>
  (await s.get<{ items: Detail[] }>(`/api/buildings?compoundId=${compoundId}`)).body.items;

describe('a building and its dwellings', () => {
  let compoundId: string;
  let building: Detail;

  beforeAll(async () => {
    const a = await as(world.users.adminA);
    const compound = await a.post<{ id: string }>('/api/areas', {
      kind: 'compound',
      parentId: world.communityA.id,
      name: unique('小区'),
    });
    compoundId = compound.body.id;
    building = await create(a, compoundId, { builtYear: 1998, notes: '老公房' });
  });

  it('is generated from its shape: 6 floors × 2 entrances × 2 rooms', () => {
    expect(building).toMatchObject({
      streetId: world.street.id,
      communityId: world.communityA.id,
      compoundId,
      name: '5',
      kind: 'residential',
      floors: 6,
      entranceCount: 2,
      roomsPerFloor: 2,
      builtYear: 1998,
      notes: '老公房',
      dwellingCount: 24,
      version: 1,
    });
    expect(building.entrances.map((e) => [e.number, e.name]).sort()).toEqual([
      [1, '1单元'],
      [2, '2单元'],
    ]);
    expect(building.dwellings).toHaveLength(24);
    const entranceNo = new Map(building.entrances.map((e) => [e.id, e.number]));
    for (const entrance of [1, 2]) {
      const numbers = building.dwellings
        .filter((d) => entranceNo.get(d.entranceId) === entrance)
        .map((d) => d.number)
        .sort();
      expect(numbers).toEqual([
        '101',
        '102',
        '201',
        '202',
        '301',
        '302',
        '401',
        '402',
        '501',
        '502',
        '601',
        '602',
      ]);
    }
    for (const d of building.dwellings) {
      expect(d.buildingId).toBe(building.id);
      expect(d.status).toBe('active');
      expect(d.floor).toBe(Number(d.number.slice(0, -2)));
      expect(d.label).toBe(`5号楼${entranceNo.get(d.entranceId)}单元${d.number}`);
    }
    expect(building.dwellings.map((d) => d.label)).toContain('5号楼2单元301');
  });

  it('is listed under its compound with its dwelling count, and read back whole', async () => {
    const a = await as(world.users.adminA);
    const list = await listOf(a, compoundId);
    expect(list).toEqual([expect.objectContaining({ id: building.id, name: '5', dwellingCount: 24 })]);
    const read = await a.get<Detail>(`/api/buildings/${building.id}`);
    expect(read.status).toBe(200);
    expect(read.body.dwellings).toHaveLength(24);
    expect(read.body.dwellingCount).toBe(24);
    // A grid worker may read it.
    const g = await as(world.users.gridWorkerA);
    expect((await g.get(`/api/buildings/${building.id}`)).status).toBe(200);
  });

  it('refuses a second building of the same name in the compound', async () => {
    const a = await as(world.users.adminA);
    const res = await a.post<ErrorBody>('/api/buildings', {
      compoundId,
      name: '5',
      floors: 1,
      entrances: 1,
      roomsPerFloor: 1,
    });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('building.duplicate_name');
    expect(await listOf(a, compoundId)).toHaveLength(1);
  });

  it('refuses a building anywhere but under a compound', async () => {
    const a = await as(world.users.adminA);
    const res = await a.post<ErrorBody>('/api/buildings', {
      compoundId: world.communityA.id,
      name: unique('b'),
      floors: 1,
      entrances: 1,
      roomsPerFloor: 1,
    });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('area.invalid_parent');
  });

  it('takes an added dwelling, but not a duplicate number in the entrance or a floor outside', async () => {
    const a = await as(world.users.adminA);
    const [e1, e2] = [...building.entrances].sort((x, y) => x.number - y.number);
    const added = await a.post<Dwelling>(`/api/buildings/${building.id}/dwellings`, {
      entranceId: e2!.id,
      floor: 6,
      number: '603',
    });
    expect(added.status).toBe(200);
    expect(added.body).toMatchObject({
      buildingId: building.id,
      entranceId: e2!.id,
      floor: 6,
      number: '603',
      label: '5号楼2单元603',
      status: 'active',
      version: 1,
    });
    const dup = await a.post<ErrorBody>(`/api/buildings/${building.id}/dwellings`, {
      entranceId: e2!.id,
      floor: 3,
      number: '301',
    });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('dwelling.duplicate');
    // The same number in the other entrance is another flat.
    const other = await a.post<Dwelling>(`/api/buildings/${building.id}/dwellings`, {
      entranceId: e1!.id,
      floor: 6,
      number: '603',
    });
    expect(other.status).toBe(200);
    for (const floor of [7, 0]) {
      const out = await a.post<ErrorBody>(`/api/buildings/${building.id}/dwellings`, {
        entranceId: e1!.id,
        floor,
        number: `${floor}99`,
      });
      expect(out.status).toBe(422);
      expect(out.body.error.code).toBe('dwelling.floor_out_of_range');
    }
    // A basement flat is fine.
    const basement = await a.post<Dwelling>(`/api/buildings/${building.id}/dwellings`, {
      entranceId: e1!.id,
      floor: -1,
      number: 'B101',
    });
    expect(basement.status).toBe(200);
    const read = await a.get<Detail>(`/api/buildings/${building.id}`);
    expect(read.body.dwellingCount).toBe(27);
    expect((await listOf(a, compoundId))[0]!.dwellingCount).toBe(27);
  });

  it('refuses an entrance of another building', async () => {
    const a = await as(world.users.adminA);
    const other = await create(a, compoundId, {
      name: unique('b'),
      floors: 1,
      entrances: 1,
      roomsPerFloor: 1,
    });
    const res = await a.post<ErrorBody>(`/api/buildings/${building.id}/dwellings`, {
      entranceId: other.entrances[0]!.id,
      floor: 1,
      number: '199',
    });
    expect(res.status).toBe(404);
    expect((await a.get<Detail>(`/api/buildings/${other.id}`)).body.dwellings).toHaveLength(1);
  });

  it('renames a dwelling with its version and answers a stale one with 409 and the current row', async () => {
    const a = await as(world.users.adminA);
    const target = building.dwellings.find((d) => d.label === '5号楼1单元101')!;
    const renamed = await a.patch<Dwelling>(`/api/dwellings/${target.id}`, { version: 1, number: '101A' });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ number: '101A', label: '5号楼1单元101A', version: 2 });
    const stale = await a.patch<ErrorBody>(`/api/dwellings/${target.id}`, { version: 1, number: '101B' });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('dwelling.version_conflict');
    expect(stale.body.error.details!.current).toMatchObject({ id: target.id, number: '101A', version: 2 });
    const clash = await a.patch<ErrorBody>(`/api/dwellings/${target.id}`, { version: 2, number: '102' });
    expect(clash.status).toBe(409);
    expect(clash.body.error.code).toBe('dwelling.duplicate');
    const high = await a.patch<ErrorBody>(`/api/dwellings/${target.id}`, { version: 2, floor: 9 });
    expect(high.status).toBe(422);
    const [row] = await t.database.db.select().from(dwellings).where(eq(dwellings.id, target.id));
    expect(row).toMatchObject({ number: '101A', floor: 1, version: 2 });
  });

  it('archives a dwelling: it stays, marked archived, and leaves the count', async () => {
    const a = await as(world.users.adminA);
    const before = (await a.get<Detail>(`/api/buildings/${building.id}`)).body;
    const target = before.dwellings.find((d) => d.label === '5号楼2单元602')!;
    const stale = await a.post<ErrorBody>(`/api/dwellings/${target.id}/archive`, { version: 5 });
    expect(stale.status).toBe(409);
    const res = await a.post<Dwelling>(`/api/dwellings/${target.id}/archive`, { version: target.version });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: target.id, status: 'archived', version: target.version + 1 });
    const after = (await a.get<Detail>(`/api/buildings/${building.id}`)).body;
    expect(after.dwellingCount).toBe(before.dwellingCount - 1);
    expect(after.dwellings.find((d) => d.id === target.id)!.status).toBe('archived');
    // An archived dwelling is history: archiving or editing it again is refused.
    const again = await a.post<ErrorBody>(`/api/dwellings/${target.id}/archive`, {
      version: res.body.version,
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('dwelling.archived');
    const edit = await a.patch<ErrorBody>(`/api/dwellings/${target.id}`, {
      version: res.body.version,
      number: '699',
    });
    expect(edit.body.error.code).toBe('dwelling.archived');
    expect((await listOf(a, compoundId)).find((b) => b.id === building.id)!.dwellingCount).toBe(
      before.dwellingCount - 1,
    );
    // Its number is free for a new flat.
    const reused = await a.post<Dwelling>(`/api/buildings/${building.id}/dwellings`, {
      entranceId: target.entranceId,
      floor: 6,
      number: '602',
    });
    expect(reused.status).toBe(200);
    expect(reused.body.id).not.toBe(target.id);
  });
});

describe('the plain 24-flat count', () => {
  it('counts 24, then 23 after one archive', async () => {
    const a = await as(world.users.adminA);
    const b = await create(a, world.compoundA.id, { name: unique('楼') });
    expect((await listOf(a, world.compoundA.id)).find((x) => x.id === b.id)!.dwellingCount).toBe(24);
    await a.post(`/api/dwellings/${b.dwellings[0]!.id}/archive`, { version: 1 });
    expect((await listOf(a, world.compoundA.id)).find((x) => x.id === b.id)!.dwellingCount).toBe(23);
    expect((await a.get<Detail>(`/api/buildings/${b.id}`)).body.dwellingCount).toBe(23);
  });
});

describe('updating a building', () => {
  it('changes its name, kind and notes with the version, with 409 on a stale one', async () => {
    const a = await as(world.users.adminA);
    const b = await create(a, world.compoundA.id, {
      name: unique('楼'),
      floors: 1,
      entrances: 1,
      roomsPerFloor: 2,
    });
    const name = unique('新楼');
    const res = await a.patch<Detail>(`/api/buildings/${b.id}`, {
      version: 1,
      name,
      kind: 'mixed',
      notes: '底层商铺',
      builtYear: 2001,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ name, kind: 'mixed', notes: '底层商铺', builtYear: 2001, version: 2 });
    expect(res.body.dwellings).toHaveLength(2);
    expect(res.body.dwellingCount).toBe(2);
    expect(res.body.dwellings[0]!.label.startsWith(name)).toBe(true);
    const stale = await a.patch<ErrorBody>(`/api/buildings/${b.id}`, { version: 1, name: 'lost' });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('building.version_conflict');
    expect(stale.body.error.details!.current).toMatchObject({ id: b.id, name, version: 2 });
    const rows = await t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, b.id), eq(auditLog.action, 'building.update')));
    expect(rows).toHaveLength(1);
    expect(Object.keys(rows[0]!.changes!).sort()).toEqual(['builtYear', 'kind', 'name', 'notes']);
  });
});

describe('who may manage buildings', () => {
  it('a community worker may; a grid worker and a volunteer may not', async () => {
    const w = await as(world.users.workerA);
    const made = await create(w, world.compoundA.id, {
      name: unique('社工楼'),
      floors: 1,
      entrances: 1,
      roomsPerFloor: 1,
    });
    expect(made.dwellingCount).toBe(1);
    const renamed = await w.patch<Dwelling>(`/api/dwellings/${made.dwellings[0]!.id}`, {
      version: 1,
      number: '101A',
    });
    expect(renamed.status).toBe(200);
    for (const who of [world.users.gridWorkerA, world.users.volunteerA]) {
      const s = await as(who);
      const attempts = [
        await s.post<ErrorBody>('/api/buildings', {
          compoundId: world.compoundA.id,
          name: unique('x'),
          floors: 1,
          entrances: 1,
          roomsPerFloor: 1,
        }),
        await s.patch<ErrorBody>(`/api/buildings/${made.id}`, { version: 1, name: unique('x') }),
        await s.post<ErrorBody>(`/api/buildings/${made.id}/dwellings`, {
          entranceId: made.entrances[0]!.id,
          floor: 1,
          number: '102',
        }),
        await s.patch<ErrorBody>(`/api/dwellings/${made.dwellings[0]!.id}`, { version: 2, number: '101B' }),
        await s.post<ErrorBody>(`/api/dwellings/${made.dwellings[0]!.id}/archive`, { version: 2 }),
      ];
      for (const r of attempts) {
        expect(r.status, who.username).toBe(403);
        expect(r.body.error.code).toBe('auth.forbidden');
      }
    }
    const after = (await (await as(world.users.adminA)).get<Detail>(`/api/buildings/${made.id}`)).body;
    expect(after).toMatchObject({ version: 1, dwellingCount: 1 });
    expect(after.dwellings[0]).toMatchObject({ number: '101A', status: 'active', version: 2 });
  });
});

describe('another community’s building', () => {
  it('answers 404 to community A’s admin on every route and stays unchanged', async () => {
    const b = await as(world.users.adminB);
    const theirs = await create(b, world.compoundB.id, {
      name: unique('B楼'),
      floors: 2,
      entrances: 1,
      roomsPerFloor: 1,
    });
    const a = await as(world.users.adminA);
    const dwelling = theirs.dwellings[0]!;
    const attempts = [
      await a.get<ErrorBody>(`/api/buildings/${theirs.id}`),
      await a.get<ErrorBody>(`/api/buildings?compoundId=${world.compoundB.id}`),
      await a.patch<ErrorBody>(`/api/buildings/${theirs.id}`, { version: 1, name: unique('x') }),
      await a.post<ErrorBody>(`/api/buildings/${theirs.id}/dwellings`, {
        entranceId: theirs.entrances[0]!.id,
        floor: 1,
        number: '199',
      }),
      await a.patch<ErrorBody>(`/api/dwellings/${dwelling.id}`, { version: 1, number: '188' }),
      await a.post<ErrorBody>(`/api/dwellings/${dwelling.id}/archive`, { version: 1 }),
      await a.post<ErrorBody>('/api/buildings', {
        compoundId: world.compoundB.id,
        name: unique('x'),
        floors: 1,
        entrances: 1,
        roomsPerFloor: 1,
      }),
    ];
    for (const r of attempts) {
      expect(r.status).toBe(404);
      expect(r.body.error.code).toMatch(/^(building|dwelling|area)\.not_found$/);
    }
    const again = (await b.get<Detail>(`/api/buildings/${theirs.id}`)).body;
    expect(again).toMatchObject({ name: theirs.name, version: 1, dwellingCount: 2 });
    expect(again.dwellings.find((d) => d.id === dwelling.id)).toMatchObject({
      number: dwelling.number,
      version: 1,
    });
    expect(await listOf(b, world.compoundB.id)).toHaveLength(1);
  });
});

describe('raising a building (加层)', () => {
  const entranceOf = (b: Detail) => new Map(b.entrances.map((e) => [e.id, e.number]));
  /** `entrance|number` of the active dwellings on `floor`, sorted. */
  const onFloor = (b: Detail, floor: number) =>
    b.dwellings
      .filter((d) => d.floor === floor && d.status === 'active')
      .map((d) => `${entranceOf(b).get(d.entranceId)}|${d.number}`)
      .sort();

  it('adds the new floors on top, numbered per entrance as at creation, leaving every dwelling as it was', async () => {
    const a = await as(world.users.adminA);
    const name = unique('加层楼');
    const b = await create(a, world.compoundA.id, { name, floors: 6, entrances: 2, roomsPerFloor: 2 });
    // A flat renumbered by hand to a number the new 7th floor would use: it keeps it.
    const e1 = b.entrances.find((e) => e.number === 1)!;
    const odd = b.dwellings.find((d) => d.entranceId === e1.id && d.number === '602')!;
    const renamed = await a.patch<Dwelling>(`/api/dwellings/${odd.id}`, { version: 1, number: '701' });
    expect(renamed.status).toBe(200);
    const before = (await a.get<Detail>(`/api/buildings/${b.id}`)).body;

    const res = await a.post<Raised>(`/api/buildings/${b.id}/floors`, { version: before.version, floors: 8 });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.created).toBe(7);
    expect(res.body.skipped).toEqual([`${name}1单元701`]);
    const after = res.body.building;
    expect(after).toMatchObject({
      floors: 8,
      roomsPerFloor: 2,
      version: before.version + 1,
      dwellingCount: 31,
    });
    // Entrance 1's 701 exists already (on floor 6): the new floor goes without a second one.
    expect(onFloor(after, 7)).toEqual(['1|702', '2|701', '2|702']);
    expect(onFloor(after, 8)).toEqual(['1|801', '1|802', '2|801', '2|802']);
    // The renumbered flat is still on floor 6 under its own number; no dwelling changed or went.
    expect(after.dwellings.find((d) => d.id === odd.id)).toMatchObject({
      floor: 6,
      number: '701',
      version: 2,
    });
    for (const d of before.dwellings) expect(after.dwellings).toContainEqual(d);
    for (const d of after.dwellings.filter((x) => x.floor > 6)) {
      expect(d).toMatchObject({ status: 'active', version: 1 });
      expect(d.label).toBe(`${name}${entranceOf(after).get(d.entranceId)}单元${d.number}`);
    }
    // What the building grid reads: the detail and the compound's list agree.
    expect((await a.get<Detail>(`/api/buildings/${b.id}`)).body).toEqual(after);
    expect((await listOf(a, world.compoundA.id)).find((x) => x.id === b.id)).toMatchObject({
      floors: 8,
      dwellingCount: 31,
    });
    // The new floors take flats by hand like any other floor.
    const added = await a.post<Dwelling>(`/api/buildings/${b.id}/dwellings`, {
      entranceId: e1.id,
      floor: 8,
      number: '803',
    });
    expect(added.status).toBe(200);

    const audits = await t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, b.id), eq(auditLog.action, 'building.add_floors')));
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({
      actorUserId: world.users.adminA.id,
      communityId: world.communityA.id,
      changes: {
        floors: { from: 6, to: 8 },
        roomsPerNewFloor: { to: 2 },
        dwellingsCreated: { to: 7 },
        skipped: { to: [`${name}1单元701`] },
      },
    });
  });

  it('takes another number of flats per new floor, or none', async () => {
    const a = await as(world.users.adminA);
    const b = await create(a, world.compoundA.id, {
      name: unique('楼'),
      floors: 2,
      entrances: 1,
      roomsPerFloor: 2,
    });
    const wider = await a.post<Raised>(`/api/buildings/${b.id}/floors`, {
      version: 1,
      floors: 3,
      roomsPerFloor: 3,
    });
    expect(wider.status, JSON.stringify(wider.body)).toBe(200);
    expect(onFloor(wider.body.building, 3)).toEqual(['1|301', '1|302', '1|303']);
    // The building's regular shape is what it was built with.
    expect(wider.body.building.roomsPerFloor).toBe(2);
    const empty = await a.post<Raised>(`/api/buildings/${b.id}/floors`, {
      version: 2,
      floors: 4,
      roomsPerFloor: 0,
    });
    expect(empty.status).toBe(200);
    expect(empty.body).toMatchObject({ created: 0, skipped: [], building: { floors: 4, dwellingCount: 7 } });
  });

  it('raises a building an import created with only the flats its file named', async () => {
    const a = await as(world.users.adminA);
    const compoundName = unique('导入小区');
    const compound = await a.post<{ id: string }>('/api/areas', {
      kind: 'compound',
      parentId: world.communityA.id,
      name: compoundName,
    });
    const file = ['姓名,小区,楼号,单元,房号', `甲,${compoundName},12,1,301`, `乙,${compoundName},12,2,102`];
    const upload = await a.request(
      'POST',
      `/api/imports?${new URLSearchParams({ communityId: world.communityA.id, fileName: 'x.csv' })}`,
      `${file.join('\n')}\n`,
      { 'content-type': 'text/csv' },
    );
    expect(upload.status, JSON.stringify(upload.body)).toBe(200);
    const job = upload.body as { id: string; version: number };
    const preview = await a.get<{ unknownPlaces: { key: string }[] }>(`/api/imports/${job.id}/preview`);
    const chosen = await a.patch<{ version: number }>(`/api/imports/${job.id}/places`, {
      version: job.version,
      createPlaces: preview.body.unknownPlaces.map((p) => p.key),
    });
    expect(chosen.status, JSON.stringify(chosen.body)).toBe(200);
    const commit = await a.post(`/api/imports/${job.id}/commit`, { version: chosen.body.version });
    expect(commit.status, JSON.stringify(commit.body)).toBe(202);
    let status = '';
    for (let i = 0; i < 400 && status !== 'succeeded' && status !== 'failed'; i++) {
      status = (await a.get<{ status: string }>(`/api/imports/${job.id}`)).body.status;
      if (status !== 'succeeded') await new Promise((r) => setTimeout(r, 25));
    }
    expect(status).toBe('succeeded');

    const [imported] = await listOf(a, compound.body.id);
    expect(imported).toMatchObject({
      name: '12',
      floors: 3,
      entranceCount: 2,
      roomsPerFloor: 2,
      dwellingCount: 2,
    });
    const before = (await a.get<Detail>(`/api/buildings/${imported!.id}`)).body;
    const res = await a.post<Raised>(`/api/buildings/${imported!.id}/floors`, {
      version: before.version,
      floors: 5,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.created).toBe(8);
    expect(onFloor(res.body.building, 4)).toEqual(['1|401', '1|402', '2|401', '2|402']);
    expect(onFloor(res.body.building, 5)).toEqual(['1|501', '1|502', '2|501', '2|502']);
    // The floors below keep exactly the flats the file named, with their residents.
    expect(onFloor(res.body.building, 3)).toEqual(['1|301']);
    expect(onFloor(res.body.building, 1)).toEqual(['2|102']);
    for (const d of before.dwellings) expect(res.body.building.dwellings).toContainEqual(d);
    const people = await a.get<{ items: { name: string; dwellingId: string }[] }>(
      `/api/residents?compoundId=${compound.body.id}`,
    );
    expect(people.body.items.map((p) => p.dwellingId).sort()).toEqual(
      before.dwellings.map((d) => d.id).sort(),
    );
  });

  it('refuses a stale version with 409 and the current building, fewer floors and bad input, changing nothing', async () => {
    const a = await as(world.users.adminA);
    const b = await create(a, world.compoundA.id, {
      name: unique('楼'),
      floors: 3,
      entrances: 1,
      roomsPerFloor: 2,
    });
    await a.patch(`/api/buildings/${b.id}`, { version: 1, notes: '改过' });
    const stale = await a.post<ErrorBody>(`/api/buildings/${b.id}/floors`, { version: 1, floors: 4 });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('building.version_conflict');
    expect(stale.body.error.details!.current).toMatchObject({
      id: b.id,
      floors: 3,
      version: 2,
      notes: '改过',
    });
    expect(stale.body.error.details!.current!.dwellings).toHaveLength(6);
    for (const floors of [3, 2]) {
      const lower = await a.post<ErrorBody>(`/api/buildings/${b.id}/floors`, { version: 2, floors });
      expect(lower.status).toBe(422);
      expect(lower.body.error.code).toBe('building.floors_not_raised');
      expect(lower.body.error.message).toContain('3');
    }
    const bad = await a.post<ErrorBody>(`/api/buildings/${b.id}/floors`, { floors: 100, roomsPerFloor: 31 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details!.issues!.map((i) => i.path).sort()).toEqual([
      'floors',
      'roomsPerFloor',
      'version',
    ]);
    const after = (await a.get<Detail>(`/api/buildings/${b.id}`)).body;
    expect(after).toMatchObject({ floors: 3, version: 2, dwellingCount: 6 });
    const audits = await t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, b.id), eq(auditLog.action, 'building.add_floors')));
    expect(audits).toHaveLength(0);
  });

  it('needs building.manage, and another community’s building answers 404 and stays as it was', async () => {
    const a = await as(world.users.adminA);
    const mine = await create(a, world.compoundA.id, {
      name: unique('楼'),
      floors: 1,
      entrances: 1,
      roomsPerFloor: 1,
    });
    for (const who of [world.users.gridWorkerA, world.users.volunteerA]) {
      const res = await (await as(who)).post<ErrorBody>(`/api/buildings/${mine.id}/floors`, {
        version: 1,
        floors: 2,
      });
      expect(res.status, who.username).toBe(403);
      expect(res.body.error.code).toBe('auth.forbidden');
    }
    const worker = await (await as(world.users.workerA)).post<Raised>(`/api/buildings/${mine.id}/floors`, {
      version: 1,
      floors: 2,
    });
    expect(worker.status).toBe(200);

    const b = await as(world.users.adminB);
    const theirs = await create(b, world.compoundB.id, {
      name: unique('B楼'),
      floors: 2,
      entrances: 1,
      roomsPerFloor: 1,
    });
    const res = await a.post<ErrorBody>(`/api/buildings/${theirs.id}/floors`, { version: 1, floors: 3 });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('building.not_found');
    expect((await b.get<Detail>(`/api/buildings/${theirs.id}`)).body).toMatchObject({
      floors: 2,
      version: 1,
      dwellingCount: 2,
    });
  });

  it('one raise at a time: the second with the same version gets 409, never a duplicate floor', async () => {
    const a = await as(world.users.adminA);
    const b = await create(a, world.compoundA.id, {
      name: unique('楼'),
      floors: 1,
      entrances: 1,
      roomsPerFloor: 2,
    });
    const both = await Promise.all(
      [2, 3].map((floors) => a.post(`/api/buildings/${b.id}/floors`, { version: 1, floors })),
    );
    expect(both.map((r) => r.status).sort()).toEqual([200, 409]);
    const after = (await a.get<Detail>(`/api/buildings/${b.id}`)).body;
    const numbers = after.dwellings.map((d) => d.number);
    expect(new Set(numbers).size).toBe(numbers.length);
    expect(after.version).toBe(2);
  });
});

describe('adding entrances (加单元)', () => {
  type Widened = { building: Detail; created: number };
  const labelsOf = (b: Detail) => b.dwellings.map((d) => d.label).sort();

  it('adds entrances after the last, each with every floor’s flats; the old flats stay and their labels gain the entrance', async () => {
    const a = await as(world.users.adminA);
    // A number, as buildings are usually named, so the register's address search can name it.
    const name = String(Date.now() % 1_000_000);
    const b = await create(a, world.compoundA.id, { name, floors: 2, entrances: 1, roomsPerFloor: 2 });
    const label = `${name}号楼`;
    expect(labelsOf(b)).toEqual([`${label}101`, `${label}102`, `${label}201`, `${label}202`]);
    const res = await a.post<Widened>(`/api/buildings/${b.id}/entrances`, { version: 1, entrances: 3 });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.created).toBe(8);
    const after = res.body.building;
    expect(after).toMatchObject({
      entranceCount: 3,
      floors: 2,
      roomsPerFloor: 2,
      version: 2,
      dwellingCount: 12,
    });
    expect(after.entrances.map((e) => [e.number, e.name])).toEqual([
      [1, '1单元'],
      [2, '2单元'],
      [3, '3单元'],
    ]);
    // Same ids, numbers, floors and versions; only the label now names the entrance.
    for (const d of b.dwellings) {
      expect(after.dwellings.find((x) => x.id === d.id)).toMatchObject({
        number: d.number,
        floor: d.floor,
        version: d.version,
        label: `${label}1单元${d.number}`,
      });
    }
    expect(labelsOf(after).filter((l) => l.includes('3单元'))).toEqual(
      ['101', '102', '201', '202'].map((n) => `${label}3单元${n}`),
    );
    expect((await a.get<Detail>(`/api/buildings/${b.id}`)).body).toEqual(after);
    // The register finds the new entrance's flats by address.
    const e3 = after.entrances.find((e) => e.number === 3)!;
    const flat = after.dwellings.find((d) => d.entranceId === e3.id && d.number === '201')!;
    const person = await a.post<{ id: string }>('/api/residents', { dwellingId: flat.id, name: '单元三' });
    expect(person.status, JSON.stringify(person.body)).toBe(200);
    const found = await a.get<{ items: { id: string }[] }>(
      `/api/residents?${new URLSearchParams({ compoundId: world.compoundA.id, q: `${name}-3-201` })}`,
    );
    expect(found.body.items.map((r) => r.id)).toEqual([person.body.id]);

    const audits = await t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, b.id), eq(auditLog.action, 'building.add_entrances')));
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({
      actorUserId: world.users.adminA.id,
      communityId: world.communityA.id,
      changes: {
        entranceCount: { from: 1, to: 3 },
        entrancesAdded: { to: ['2单元', '3单元'] },
        dwellingsCreated: { to: 8 },
      },
    });
  });

  it('takes another number of flats per floor, or none', async () => {
    const a = await as(world.users.adminA);
    const b = await create(a, world.compoundA.id, {
      name: unique('楼'),
      floors: 2,
      entrances: 2,
      roomsPerFloor: 1,
    });
    const res = await a.post<Widened>(`/api/buildings/${b.id}/entrances`, {
      version: 1,
      entrances: 3,
      roomsPerFloor: 3,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.created).toBe(6);
    const empty = await a.post<Widened>(`/api/buildings/${b.id}/entrances`, {
      version: 2,
      entrances: 4,
      roomsPerFloor: 0,
    });
    expect(empty.status).toBe(200);
    expect(empty.body).toMatchObject({ created: 0, building: { entranceCount: 4, dwellingCount: 10 } });
  });

  it('refuses a stale version, no more entrances than now and bad input, changing nothing; another community’s building answers 404', async () => {
    const a = await as(world.users.adminA);
    const b = await create(a, world.compoundA.id, {
      name: unique('楼'),
      floors: 1,
      entrances: 2,
      roomsPerFloor: 1,
    });
    await a.patch(`/api/buildings/${b.id}`, { version: 1, notes: '改过' });
    const stale = await a.post<ErrorBody>(`/api/buildings/${b.id}/entrances`, { version: 1, entrances: 3 });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('building.version_conflict');
    expect(stale.body.error.details!.current).toMatchObject({ id: b.id, entranceCount: 2, version: 2 });
    const same = await a.post<ErrorBody>(`/api/buildings/${b.id}/entrances`, { version: 2, entrances: 2 });
    expect(same.status).toBe(422);
    expect(same.body.error.code).toBe('building.entrances_not_added');
    expect(same.body.error.message).toContain('2');
    const bad = await a.post<ErrorBody>(`/api/buildings/${b.id}/entrances`, {
      entrances: 31,
      roomsPerFloor: -1,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details!.issues!.map((i) => i.path).sort()).toEqual([
      'entrances',
      'roomsPerFloor',
      'version',
    ]);
    const grid = await (await as(world.users.gridWorkerA)).post<ErrorBody>(
      `/api/buildings/${b.id}/entrances`,
      {
        version: 2,
        entrances: 3,
      },
    );
    expect(grid.status).toBe(403);
    const other = await (await as(world.users.adminB)).post<ErrorBody>(`/api/buildings/${b.id}/entrances`, {
      version: 2,
      entrances: 3,
    });
    expect(other.status).toBe(404);
    expect(other.body.error.code).toBe('building.not_found');
    expect((await a.get<Detail>(`/api/buildings/${b.id}`)).body).toMatchObject({
      entranceCount: 2,
      version: 2,
      dwellingCount: 2,
    });
  });
});

describe('concurrent writes', () => {
  const codes = (rs: { status: number; body: unknown }[]) =>
    rs.map((r) => (r.status === 200 ? 'ok' : `${r.status} ${(r.body as ErrorBody).error.code}`)).sort();

  it('one building name at once: one wins, the others get 409, never a 500', async () => {
    const a = await as(world.users.adminA);
    const name = unique('并发楼');
    const spec = { compoundId: world.compoundA.id, name, floors: 1, entrances: 1, roomsPerFloor: 1 };
    const created = await Promise.all([1, 2, 3].map(() => a.post('/api/buildings', spec)));
    expect(codes(created)).toEqual(['409 building.duplicate_name', '409 building.duplicate_name', 'ok']);
    const others = await Promise.all(
      [1, 2].map(() => create(a, world.compoundA.id, { ...spec, name: unique('楼') })),
    );
    const renamed = await Promise.all(
      others.map((b) => a.patch(`/api/buildings/${b.id}`, { version: 1, name: `${name}二` })),
    );
    expect(codes(renamed)).toEqual(['409 building.duplicate_name', 'ok']);
  });

  it('one dwelling number at once: one wins, the others get 409, never a 500', async () => {
    const a = await as(world.users.adminA);
    const b = await create(a, world.compoundA.id, {
      name: unique('楼'),
      floors: 1,
      entrances: 1,
      roomsPerFloor: 3,
    });
    const renamed = await Promise.all(
      b.dwellings.map((d) => a.patch(`/api/dwellings/${d.id}`, { version: 1, number: '199' })),
    );
    expect(codes(renamed)).toEqual(['409 dwelling.duplicate', '409 dwelling.duplicate', 'ok']);
    const added = await Promise.all(
      [1, 2].map(() =>
        a.post(`/api/buildings/${b.id}/dwellings`, {
          entranceId: b.entrances[0]!.id,
          floor: 1,
          number: '188',
        }),
      ),
    );
    expect(codes(added)).toEqual(['409 dwelling.duplicate', 'ok']);
  });
});
