import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildWorld,
  insertUser,
  type Session,
  sessionsFor,
  startApp,
  type TestApp,
  unique,
  type World,
} from '../../../test/fixtures';
import { auditLog } from '../audit/audit.table';

type Grid = {
  id: string;
  streetId: string;
  communityId: string;
  name: string;
  workerUserId: string | null;
  workerName: string | null;
  buildingIds: string[];
  version: number;
};
type ErrorBody = { error: { code: string; details?: { current?: Grid; issues?: { path: string }[] } } };

let t: TestApp;
let world: World;
const as = sessionsFor(() => t.app);
const buildings: Record<'a1' | 'a2' | 'a3' | 'b1', string> = { a1: '', a2: '', a3: '', b1: '' };

beforeAll(async () => {
  t = await startApp();
  world = await buildWorld(t.database);
  const a = await as(world.users.adminA);
  for (const key of ['a1', 'a2', 'a3'] as const) {
    const res = await a.post<{ id: string }>('/api/buildings', {
      compoundId: world.compoundA.id,
      name: key,
      floors: 1,
      entrances: 1,
      roomsPerFloor: 1,
    });
    buildings[key] = res.body.id;
  }
  const b = await as(world.users.adminB);
  const res = await b.post<{ id: string }>('/api/buildings', {
    compoundId: world.compoundB.id,
    name: 'b1',
    floors: 1,
    entrances: 1,
    roomsPerFloor: 1,
  });
  buildings.b1 = res.body.id;
});
afterAll(() => t.close());

const gridsOf = async (s: Session, communityId: string) => {
  const res = await s.get<{ items: Grid[] }>(`/api/grids?communityId=${communityId}`);
  expect(res.status).toBe(200);
  return res.body.items;
};

describe('grids', () => {
  it('are created with the community’s buildings and a grid worker of the community', async () => {
    const a = await as(world.users.adminA);
    const name = unique('一网格');
    const res = await a.post<Grid>('/api/grids', {
      communityId: world.communityA.id,
      name,
      workerUserId: world.users.gridWorkerA.id,
      buildingIds: [buildings.a1, buildings.a2, buildings.a1],
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: expect.any(String),
      streetId: world.street.id,
      communityId: world.communityA.id,
      name,
      workerUserId: world.users.gridWorkerA.id,
      workerName: world.users.gridWorkerA.name,
      buildingIds: [buildings.a1, buildings.a2].sort(),
      version: 1,
    });
    const listed = (await gridsOf(a, world.communityA.id)).find((g) => g.id === res.body.id);
    expect(listed).toEqual(res.body);
    // A grid worker reads them too.
    const g = await as(world.users.gridWorkerA);
    expect((await gridsOf(g, world.communityA.id)).map((x) => x.id)).toContain(res.body.id);
  });

  it('refuse a worker who does not hold the grid worker role in the community', async () => {
    const a = await as(world.users.adminA);
    // A community worker of A, B's worker, and a grid worker of B.
    const gridWorkerB = await insertUser(t.database, world.communityB, [
      { role: 'grid_worker', area: world.communityB },
    ]);
    for (const workerUserId of [world.users.workerA.id, world.users.workerB.id, gridWorkerB.id]) {
      const res = await a.post<ErrorBody>('/api/grids', {
        communityId: world.communityA.id,
        name: unique('网格'),
        workerUserId,
      });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('grid.worker_outside');
    }
    // A grid worker of A homed elsewhere is fine.
    const seconded = await insertUser(t.database, world.communityB, [
      { role: 'grid_worker', area: world.communityA },
    ]);
    const ok = await a.post<Grid>('/api/grids', {
      communityId: world.communityA.id,
      name: unique('网格'),
      workerUserId: seconded.id,
    });
    expect(ok.status).toBe(200);
    expect(ok.body.workerName).toBe(seconded.name);
  });

  it('refuse a building of another community, even for the street admin', async () => {
    const a = await as(world.users.adminA);
    const res = await a.post<ErrorBody>('/api/grids', {
      communityId: world.communityA.id,
      name: unique('网格'),
      buildingIds: [buildings.a3, buildings.b1],
    });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('grid.building_outside');
    const street = await as(world.users.streetAdmin);
    const fromAbove = await street.post<ErrorBody>('/api/grids', {
      communityId: world.communityA.id,
      name: unique('网格'),
      buildingIds: [buildings.b1],
    });
    expect(fromAbove.status).toBe(422);
    expect(fromAbove.body.error.code).toBe('grid.building_outside');
    const unknown = await a.post<ErrorBody>('/api/grids', {
      communityId: world.communityA.id,
      name: unique('网格'),
      buildingIds: ['01900000-0000-7000-8000-000000000000'],
    });
    expect(unknown.status).toBe(422);
    // Nothing was created, and b1 is in no grid of A.
    const all = await gridsOf(a, world.communityA.id);
    expect(all.flatMap((g) => g.buildingIds)).not.toContain(buildings.b1);
  });

  it('refuse a duplicate name in the community', async () => {
    const a = await as(world.users.adminA);
    const name = unique('网格');
    expect((await a.post('/api/grids', { communityId: world.communityA.id, name })).status).toBe(200);
    const dup = await a.post<ErrorBody>('/api/grids', { communityId: world.communityA.id, name });
    expect(dup.status).toBe(400);
    expect(dup.body.error.details!.issues![0]!.path).toBe('name');
  });

  it('take a building away from the grid that had it', async () => {
    const a = await as(world.users.adminA);
    const first = await a.post<Grid>('/api/grids', {
      communityId: world.communityA.id,
      name: unique('甲'),
      buildingIds: [buildings.a3],
    });
    const second = await a.post<Grid>('/api/grids', {
      communityId: world.communityA.id,
      name: unique('乙'),
      buildingIds: [buildings.a3],
    });
    expect(second.status).toBe(200);
    expect(second.body.buildingIds).toEqual([buildings.a3]);
    let all = await gridsOf(a, world.communityA.id);
    expect(all.find((g) => g.id === first.body.id)!.buildingIds).toEqual([]);
    expect(all.filter((g) => g.buildingIds.includes(buildings.a3)).map((g) => g.id)).toEqual([
      second.body.id,
    ]);
    const [created] = await t.database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.entityId, second.body.id));
    expect(created!.changes!.takenFromOtherGrids!.to).toEqual([
      { gridId: first.body.id, buildingId: buildings.a3 },
    ]);

    // And back again by update.
    const back = await a.patch<Grid>(`/api/grids/${first.body.id}`, {
      version: first.body.version,
      buildingIds: [buildings.a3],
    });
    expect(back.status).toBe(200);
    expect(back.body).toMatchObject({ buildingIds: [buildings.a3], version: 2 });
    all = await gridsOf(a, world.communityA.id);
    expect(all.find((g) => g.id === second.body.id)!.buildingIds).toEqual([]);
    expect(all.filter((g) => g.buildingIds.includes(buildings.a3)).map((g) => g.id)).toEqual([first.body.id]);
  });

  it('update with the version read; a stale one answers 409 with the current grid', async () => {
    const a = await as(world.users.adminA);
    const grid = await a.post<Grid>('/api/grids', { communityId: world.communityA.id, name: unique('丙') });
    const renamed = await a.patch<Grid>(`/api/grids/${grid.body.id}`, {
      version: 1,
      name: `${grid.body.name}改`,
      workerUserId: world.users.gridWorkerA.id,
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({
      name: `${grid.body.name}改`,
      workerUserId: world.users.gridWorkerA.id,
      workerName: world.users.gridWorkerA.name,
      version: 2,
    });
    const stale = await a.patch<ErrorBody>(`/api/grids/${grid.body.id}`, { version: 1, name: 'lost' });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('grid.version_conflict');
    expect(stale.body.error.details!.current).toMatchObject({
      id: grid.body.id,
      name: `${grid.body.name}改`,
      version: 2,
    });
    const badWorker = await a.patch<ErrorBody>(`/api/grids/${grid.body.id}`, {
      version: 2,
      workerUserId: world.users.volunteerA.id,
    });
    expect(badWorker.status).toBe(422);
    const cleared = await a.patch<Grid>(`/api/grids/${grid.body.id}`, { version: 2, workerUserId: null });
    expect(cleared.body).toMatchObject({ workerUserId: null, workerName: null, version: 3 });
  });

  it('may be managed by the community admin only, not a community or grid worker', async () => {
    for (const who of [world.users.workerA, world.users.gridWorkerA]) {
      const s = await as(who);
      const res = await s.post<ErrorBody>('/api/grids', {
        communityId: world.communityA.id,
        name: unique('x'),
      });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('auth.forbidden');
    }
  });

  it('created at once over one building or one name: never a 500, and the building ends in one grid', async () => {
    const a = await as(world.users.adminA);
    const claims = await Promise.all(
      [1, 2, 3].map((i) =>
        a.post<Grid>('/api/grids', {
          communityId: world.communityA.id,
          name: unique(`抢${i}`),
          buildingIds: [buildings.a2],
        }),
      ),
    );
    expect(claims.map((r) => r.status)).toEqual([200, 200, 200]);
    const holders = (await gridsOf(a, world.communityA.id)).filter((g) =>
      g.buildingIds.includes(buildings.a2),
    );
    expect(holders).toHaveLength(1);
    const name = unique('同名网格');
    const same = await Promise.all(
      [1, 2, 3].map(() => a.post<ErrorBody>('/api/grids', { communityId: world.communityA.id, name })),
    );
    expect(same.map((r) => r.status).sort()).toEqual([200, 400, 400]);
  });

  it('of community B answer 404 to community A', async () => {
    const b = await as(world.users.adminB);
    const theirs = await b.post<Grid>('/api/grids', {
      communityId: world.communityB.id,
      name: unique('B网格'),
      buildingIds: [buildings.b1],
    });
    expect(theirs.status).toBe(200);
    for (const who of [world.users.adminA, world.users.workerA, world.users.gridWorkerA]) {
      const a = await as(who);
      const patch = await a.patch<ErrorBody>(`/api/grids/${theirs.body.id}`, { version: 1, name: 'x' });
      expect(patch.status).toBe(404);
      expect(patch.body.error.code).toBe('grid.not_found');
      const list = await a.get<ErrorBody>(`/api/grids?communityId=${world.communityB.id}`);
      expect(list.status).toBe(404);
      const create = await a.post<ErrorBody>('/api/grids', { communityId: world.communityB.id, name: 'x' });
      expect(create.status).toBe(404);
    }
    // Nor can A pull B's building into its own grid.
    const a = await as(world.users.adminA);
    const pull = await a.post<ErrorBody>('/api/grids', {
      communityId: world.communityA.id,
      name: unique('x'),
      buildingIds: [buildings.b1],
    });
    expect(pull.status).toBe(422);
    const again = (await gridsOf(b, world.communityB.id)).find((g) => g.id === theirs.body.id);
    expect(again).toMatchObject({ name: theirs.body.name, version: 1, buildingIds: [buildings.b1] });
  });
});
