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
import { areas } from './areas.table';

type Node = {
  id: string;
  kind: string;
  name: string;
  code: string | null;
  parentId: string | null;
  streetId: string | null;
  communityId: string | null;
  sortOrder: number;
  buildingCount: number;
  dwellingCount: number;
  version: number;
  inScope?: boolean;
};
type ErrorBody = { error: { code: string; message: string; details?: { current?: Node } } };
type Detail = { id: string; dwellings: { id: string }[] };

let t: TestApp;
const as = sessionsFor(() => t.app);

beforeAll(async () => {
  t = await startApp();
});
afterAll(() => t.close());

async function newCompound(s: Session, communityId: string, name = unique('小区')) {
  const res = await s.post<Node>('/api/areas', { kind: 'compound', parentId: communityId, name });
  expect(res.status).toBe(200);
  return res.body;
}

async function newBuilding(s: Session, compoundId: string, name: string, floors = 2, rooms = 2) {
  const res = await s.post<Detail>('/api/buildings', {
    compoundId,
    name,
    floors,
    entrances: 1,
    roomsPerFloor: rooms,
  });
  expect(res.status).toBe(200);
  return res.body;
}

describe('creating areas', () => {
  let world: World;
  beforeAll(async () => {
    world = await buildWorld(t.database);
  });

  it('a community admin creates a compound under their community', async () => {
    const s = await as(world.users.adminA);
    const name = unique('新小区');
    const res = await s.post<Node>('/api/areas', {
      kind: 'compound',
      parentId: world.communityA.id,
      name,
      code: '310101001001',
      sortOrder: 3,
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      kind: 'compound',
      name,
      code: '310101001001',
      parentId: world.communityA.id,
      streetId: world.street.id,
      communityId: world.communityA.id,
      sortOrder: 3,
      buildingCount: 0,
      dwellingCount: 0,
      version: 1,
    });
    const [row] = await t.database.db.select().from(areas).where(eq(areas.id, res.body.id));
    expect(row).toMatchObject({
      districtId: world.district.id,
      path: `${world.communityA.path}${res.body.id}/`,
      createdBy: world.users.adminA.id,
    });
    const read = await s.get<Node>(`/api/areas/${res.body.id}`);
    expect(read.status).toBe(200);
    expect(read.body.name).toBe(name);
  });

  it('refuses a duplicate name under the same parent, and allows it under another', async () => {
    const a = await as(world.users.adminA);
    const name = unique('同名');
    await newCompound(a, world.communityA.id, name);
    const dup = await a.post<ErrorBody>('/api/areas', {
      kind: 'compound',
      parentId: world.communityA.id,
      name,
    });
    expect(dup.status).toBe(409);
    expect(dup.body.error.code).toBe('area.duplicate_name');
    const b = await as(world.users.adminB);
    await newCompound(b, world.communityB.id, name);
  });

  it('refuses a parent of the wrong kind with 422', async () => {
    const street = await as(world.users.streetAdmin);
    for (const body of [
      { kind: 'compound', parentId: world.street.id, name: unique('x') },
      { kind: 'community', parentId: world.communityA.id, name: unique('x') },
      { kind: 'street', parentId: world.street.id, name: unique('x') },
      { kind: 'community', parentId: world.compoundA.id, name: unique('x') },
      { kind: 'district', parentId: null, name: unique('x') },
    ]) {
      const res = await street.post<ErrorBody>('/api/areas', body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      expect(res.body.error.code).toBe('area.invalid_parent');
    }
    // The street admin may create a community under its street.
    const ok = await street.post<Node>('/api/areas', {
      kind: 'community',
      parentId: world.street.id,
      name: unique('新居民区'),
    });
    expect(ok.status).toBe(200);
    expect(ok.body.communityId).toBe(ok.body.id);
  });

  it('refuses creation to callers without area.manage, and under a community out of reach', async () => {
    const worker = await as(world.users.workerA);
    const denied = await worker.post<ErrorBody>('/api/areas', {
      kind: 'compound',
      parentId: world.communityA.id,
      name: unique('x'),
    });
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('auth.forbidden');
    const a = await as(world.users.adminA);
    const outside = await a.post<ErrorBody>('/api/areas', {
      kind: 'compound',
      parentId: world.communityB.id,
      name: unique('x'),
    });
    expect(outside.status).toBe(404);
    expect(outside.body.error.code).toBe('area.not_found');
  });
});

describe('renaming areas', () => {
  let world: World;
  beforeAll(async () => {
    world = await buildWorld(t.database);
  });

  it('renames with the version read, and answers a stale version with 409 and the current row', async () => {
    const a = await as(world.users.adminA);
    const compound = await newCompound(a, world.communityA.id);
    const first = await a.patch<Node>(`/api/areas/${compound.id}`, {
      version: 1,
      name: `${compound.name}-1`,
    });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ name: `${compound.name}-1`, version: 2 });
    const stale = await a.patch<ErrorBody>(`/api/areas/${compound.id}`, { version: 1, name: 'lost update' });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('area.version_conflict');
    expect(stale.body.error.details!.current).toMatchObject({
      id: compound.id,
      name: `${compound.name}-1`,
      version: 2,
      kind: 'compound',
    });
    const read = await a.get<Node>(`/api/areas/${compound.id}`);
    expect(read.body).toMatchObject({ name: `${compound.name}-1`, version: 2 });
  });

  it('refuses a rename onto a sibling’s name', async () => {
    const a = await as(world.users.adminA);
    const one = await newCompound(a, world.communityA.id);
    const two = await newCompound(a, world.communityA.id);
    const res = await a.patch<ErrorBody>(`/api/areas/${two.id}`, { version: 1, name: one.name });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('area.duplicate_name');
  });

  it('a community admin cannot rename their own community, the street admin can', async () => {
    const a = await as(world.users.adminA);
    const own = await a.get<Node>(`/api/areas/${world.communityA.id}`);
    expect(own.status).toBe(200);
    const denied = await a.patch<ErrorBody>(`/api/areas/${world.communityA.id}`, {
      version: own.body.version,
      name: unique('自改名'),
    });
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('auth.forbidden');
    expect((await a.get<Node>(`/api/areas/${world.communityA.id}`)).body.name).toBe(world.communityA.name);
    const street = await as(world.users.streetAdmin);
    const name = unique('更名居民区');
    const ok = await street.patch<Node>(`/api/areas/${world.communityA.id}`, {
      version: own.body.version,
      name,
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ name, version: own.body.version + 1 });
    expect((await a.get<Node>(`/api/areas/${world.communityA.id}`)).body.name).toBe(name);
  });

  it('a street admin cannot rename its own street; nobody renames a district through the API', async () => {
    const street = await as(world.users.streetAdmin);
    const res = await street.patch<ErrorBody>(`/api/areas/${world.street.id}`, {
      version: 1,
      name: unique('x'),
    });
    expect(res.status).toBe(403);
    const district = await as(world.users.districtAdmin);
    const top = await district.patch<ErrorBody>(`/api/areas/${world.district.id}`, {
      version: 1,
      name: unique('x'),
    });
    expect(top.status).toBe(403);
  });
});

describe('archiving areas', () => {
  let world: World;
  beforeAll(async () => {
    world = await buildWorld(t.database);
  });

  it('refuses a node that still has children or buildings, and changes nothing', async () => {
    const a = await as(world.users.adminA);
    const compound = await newCompound(a, world.communityA.id);
    await newBuilding(a, compound.id, '1');
    const withBuilding = await a.post<ErrorBody>(`/api/areas/${compound.id}/archive`, { version: 1 });
    expect(withBuilding.status).toBe(409);
    expect(withBuilding.body.error.code).toBe('area.not_empty');
    const street = await as(world.users.streetAdmin);
    const community = await street.get<Node>(`/api/areas/${world.communityA.id}`);
    const withChildren = await street.post<ErrorBody>(`/api/areas/${world.communityA.id}/archive`, {
      version: community.body.version,
    });
    expect(withChildren.status).toBe(409);
    expect(withChildren.body.error.code).toBe('area.not_empty');
    const after = await a.get<Node>(`/api/areas/${compound.id}`);
    expect(after.status).toBe(200);
    expect(after.body.version).toBe(1);
    const [row] = await t.database.db.select().from(areas).where(eq(areas.id, world.communityA.id));
    expect(row!.archivedAt).toBeNull();
    expect(row!.version).toBe(community.body.version);
    const tree = await a.get<{ nodes: Node[] }>('/api/areas/tree');
    expect(tree.body.nodes.map((n) => n.id)).toContain(compound.id);
  });

  it('archives an empty compound, which leaves the tree and answers 404', async () => {
    const a = await as(world.users.adminA);
    const compound = await newCompound(a, world.communityA.id);
    const stale = await a.post<ErrorBody>(`/api/areas/${compound.id}/archive`, { version: 7 });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('area.version_conflict');
    const res = await a.post(`/api/areas/${compound.id}/archive`, { version: 1 });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true });
    const tree = await a.get<{ nodes: Node[] }>('/api/areas/tree');
    expect(tree.body.nodes.map((n) => n.id)).not.toContain(compound.id);
    expect(tree.body.nodes.map((n) => n.id)).toContain(world.compoundA.id);
    expect((await a.get(`/api/areas/${compound.id}`)).status).toBe(404);
    // The row stays, marked archived; its name is free again.
    const [row] = await t.database.db.select().from(areas).where(eq(areas.id, compound.id));
    expect(row!.archivedAt).toBeInstanceOf(Date);
    await newCompound(a, world.communityA.id, compound.name);
  });

  it('a community admin cannot archive their own community', async () => {
    const a = await as(world.users.adminA);
    const own = await a.get<Node>(`/api/areas/${world.communityA.id}`);
    const res = await a.post<ErrorBody>(`/api/areas/${world.communityA.id}/archive`, {
      version: own.body.version,
    });
    expect(res.status).toBe(403);
  });
});

describe('moving areas', () => {
  let world: World;
  beforeAll(async () => {
    world = await buildWorld(t.database);
  });

  it('moves a compound to another community of the street, taking its buildings and dwellings', async () => {
    const a = await as(world.users.adminA);
    const compound = await newCompound(a, world.communityA.id);
    const building = await newBuilding(a, compound.id, '7', 3, 2);
    // The building sits in one of A's grids; a grid never spans communities.
    const grid = await a.post<{ id: string }>('/api/grids', {
      communityId: world.communityA.id,
      name: unique('网格'),
      buildingIds: [building.id],
    });
    expect(grid.status).toBe(200);

    const street = await as(world.users.streetAdmin);
    const moved = await street.patch<Node>(`/api/areas/${compound.id}`, {
      version: 1,
      parentId: world.communityB.id,
    });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({
      parentId: world.communityB.id,
      communityId: world.communityB.id,
      streetId: world.street.id,
      version: 2,
    });
    const [row] = await t.database.db.select().from(areas).where(eq(areas.id, compound.id));
    expect(row!.path).toBe(`${world.communityB.path}${compound.id}/`);

    const b = await as(world.users.adminB);
    const list = await b.get<{ items: { id: string; communityId: string; dwellingCount: number }[] }>(
      `/api/buildings?compoundId=${compound.id}`,
    );
    expect(list.status).toBe(200);
    expect(list.body.items).toEqual([
      expect.objectContaining({ id: building.id, communityId: world.communityB.id, dwellingCount: 6 }),
    ]);
    const detail = await b.get<Detail>(`/api/buildings/${building.id}`);
    expect(detail.status).toBe(200);
    // B's admin can now change the dwellings: they carry B's keys.
    const dwelling = detail.body.dwellings[0]!.id;
    expect((await b.patch(`/api/dwellings/${dwelling}`, { version: 1, number: '199' })).status).toBe(200);

    // A's admin lost all of it.
    expect((await a.get(`/api/areas/${compound.id}`)).status).toBe(404);
    expect((await a.get(`/api/buildings?compoundId=${compound.id}`)).status).toBe(404);
    expect((await a.get(`/api/buildings/${building.id}`)).status).toBe(404);
    expect((await a.patch(`/api/dwellings/${dwelling}`, { version: 2, number: '198' })).status).toBe(404);
    const gridsA = await a.get<{ items: { id: string; buildingIds: string[] }[] }>(
      `/api/grids?communityId=${world.communityA.id}`,
    );
    expect(gridsA.body.items.find((g) => g.id === grid.body.id)!.buildingIds).toEqual([]);
  });

  it('refuses moving a community to another street, or a compound under a street', async () => {
    const district = await as(world.users.districtAdmin);
    const community = await district.get<Node>(`/api/areas/${world.communityB.id}`);
    const res = await district.patch<ErrorBody>(`/api/areas/${world.communityB.id}`, {
      version: community.body.version,
      parentId: world.otherStreet.id,
    });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('area.invalid_parent');
    const street = await as(world.users.streetAdmin);
    const compound = await street.patch<ErrorBody>(`/api/areas/${world.compoundB.id}`, {
      version: 1,
      parentId: world.street.id,
    });
    expect(compound.status).toBe(422);
    // Another street's community is out of the street admin's reach.
    const far = await street.patch<ErrorBody>(`/api/areas/${world.compoundB.id}`, {
      version: 1,
      parentId: world.communityC.id,
    });
    expect(far.status).toBe(404);
    const [row] = await t.database.db.select().from(areas).where(eq(areas.id, world.communityB.id));
    expect(row!.parentId).toBe(world.street.id);
    expect(row!.version).toBe(community.body.version);
  });

  it('a community admin cannot move a compound to a community it does not manage', async () => {
    const a = await as(world.users.adminA);
    const res = await a.patch<ErrorBody>(`/api/areas/${world.compoundA.id}`, {
      version: 1,
      parentId: world.communityB.id,
    });
    expect(res.status).toBe(404);
    expect((await a.get<Node>(`/api/areas/${world.compoundA.id}`)).body.parentId).toBe(world.communityA.id);
  });
});

describe('the area tree', () => {
  let world: World;
  beforeAll(async () => {
    world = await buildWorld(t.database);
  });

  it('shows a community admin its community in scope, the street and district as context, nothing of B', async () => {
    const a = await as(world.users.adminA);
    const extra = await newCompound(a, world.communityA.id);
    const tree = await a.get<{ nodes: Node[] }>('/api/areas/tree');
    expect(tree.status).toBe(200);
    const byId = new Map(tree.body.nodes.map((n) => [n.id, n]));
    expect(byId.get(world.communityA.id)).toMatchObject({ kind: 'community', inScope: true });
    expect(byId.get(world.compoundA.id)).toMatchObject({ kind: 'compound', inScope: true });
    expect(byId.get(extra.id)).toMatchObject({ inScope: true, parentId: world.communityA.id });
    expect(byId.get(world.street.id)).toMatchObject({ kind: 'street', inScope: false });
    expect(byId.get(world.district.id)).toMatchObject({ kind: 'district', inScope: false });
    for (const id of [world.communityB.id, world.compoundB.id, world.otherStreet.id, world.communityC.id]) {
      expect(byId.has(id)).toBe(false);
    }
    // Everything shown is either A's or an ancestor of A.
    const allowed = new Set([world.district.id, world.street.id, world.communityA.id]);
    for (const n of tree.body.nodes)
      expect(allowed.has(n.id) || n.communityId === world.communityA.id).toBe(true);
  });

  it('rolls building and dwelling counts up from compounds', async () => {
    const a = await as(world.users.adminA);
    const second = await newCompound(a, world.communityA.id);
    await newBuilding(a, world.compoundA.id, '1', 2, 2); // 4 dwellings
    await newBuilding(a, world.compoundA.id, '2', 3, 1); // 3
    await newBuilding(a, second.id, '1', 1, 5); // 5
    const b = await as(world.users.adminB);
    await newBuilding(b, world.compoundB.id, '1', 4, 4); // 16, in B

    const tree = await a.get<{ nodes: Node[] }>('/api/areas/tree');
    const byId = new Map(tree.body.nodes.map((n) => [n.id, n]));
    expect(byId.get(world.compoundA.id)).toMatchObject({ buildingCount: 2, dwellingCount: 7 });
    expect(byId.get(second.id)).toMatchObject({ buildingCount: 1, dwellingCount: 5 });
    expect(byId.get(world.communityA.id)).toMatchObject({ buildingCount: 3, dwellingCount: 12 });

    const street = await as(world.users.streetAdmin);
    const streetTree = await street.get<{ nodes: Node[] }>('/api/areas/tree');
    const all = new Map(streetTree.body.nodes.map((n) => [n.id, n]));
    expect(all.get(world.communityB.id)).toMatchObject({
      inScope: true,
      buildingCount: 1,
      dwellingCount: 16,
    });
    expect(all.get(world.street.id)).toMatchObject({ inScope: true, buildingCount: 4, dwellingCount: 28 });
    expect(all.get(world.district.id)).toMatchObject({ inScope: false });
    expect(all.has(world.communityC.id)).toBe(false);
  });

  it('counts on a single node agree with the tree', async () => {
    const a = await as(world.users.adminA);
    const node = await a.get<Node>(`/api/areas/${world.compoundA.id}`);
    const tree = await a.get<{ nodes: Node[] }>('/api/areas/tree');
    const inTree = tree.body.nodes.find((n) => n.id === world.compoundA.id)!;
    expect(inTree.dwellingCount).toBeGreaterThan(0);
    expect(node.body).toMatchObject({
      buildingCount: inTree.buildingCount,
      dwellingCount: inTree.dwellingCount,
    });
  });

  it('answers 403 to a caller without area.read', async () => {
    const v = await as(world.users.volunteerA);
    const res = await v.get<ErrorBody>('/api/areas/tree');
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('auth.forbidden');
  });
});

describe('concurrent writes', () => {
  let world: World;
  beforeAll(async () => {
    world = await buildWorld(t.database);
  });

  const codes = (rs: { status: number; body: unknown }[]) =>
    rs.map((r) => (r.status === 200 ? 'ok' : `${r.status} ${(r.body as ErrorBody).error.code}`)).sort();

  it('one name created or renamed at once: one wins, the others get 409, never a 500', async () => {
    const a = await as(world.users.adminA);
    const name = unique('并发');
    const created = await Promise.all(
      [1, 2, 3, 4].map(() => a.post('/api/areas', { kind: 'compound', parentId: world.communityA.id, name })),
    );
    expect(codes(created)).toEqual([
      '409 area.duplicate_name',
      '409 area.duplicate_name',
      '409 area.duplicate_name',
      'ok',
    ]);
    const nodes = await Promise.all([1, 2, 3].map(() => newCompound(a, world.communityA.id)));
    const target = unique('同名');
    const renamed = await Promise.all(
      nodes.map((n) => a.patch(`/api/areas/${n.id}`, { version: n.version, name: target })),
    );
    expect(codes(renamed)).toEqual(['409 area.duplicate_name', '409 area.duplicate_name', 'ok']);
  });

  it('a compound moves while its buildings and dwellings are being edited: every request succeeds', async () => {
    const street = await as(world.users.streetAdmin);
    const compound = await newCompound(street, world.communityA.id);
    const building = await newBuilding(street, compound.id, '8', 2, 2);
    const results = await Promise.all([
      street.patch<Detail>(`/api/buildings/${building.id}`, { version: 1, name: '8A' }),
      ...building.dwellings.map((d, i) =>
        street.patch(`/api/dwellings/${d.id}`, { version: 1, number: `9${i}` }),
      ),
      street.patch(`/api/areas/${compound.id}`, { version: 1, parentId: world.communityB.id }),
      street.post(`/api/buildings/${building.id}/dwellings`, {
        entranceId: (await street.get<{ entrances: { id: string }[] }>(`/api/buildings/${building.id}`)).body
          .entrances[0]!.id,
        floor: 1,
        number: '150',
      }),
    ]);
    expect(codes(results)).toEqual(Array(results.length).fill('ok'));
    const after = await street.get<Detail & { communityId: string; name: string }>(
      `/api/buildings/${building.id}`,
    );
    expect(after.body).toMatchObject({ communityId: world.communityB.id, name: '8A' });
    expect(after.body.dwellings).toHaveLength(5);
  });
});
