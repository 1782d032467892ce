import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildWorld,
  insertUser,
  PASSWORD,
  sessionsFor,
  signIn,
  startApp,
  type TestApp,
  unique,
  type World,
} from '../../../test/fixtures';
import { roleGrants, users } from './users.table';

type Grant = { id: string; role: string; areaId: string; areaName: string; areaKind: string; via: string };
type User = {
  id: string;
  username: string;
  name: string;
  phone: string | null;
  status: 'active' | 'disabled';
  homeAreaId: string;
  homeAreaName: string;
  mustChangePassword: boolean;
  lockedUntil: string | null;
  grants: Grant[];
  createdAt: string;
  version: number;
};
type Page = { items: User[]; nextCursor: string | null };
type ErrorBody = { error: { code: string; message: string; details?: { current?: User } } };

let t: TestApp;
let world: World;
const as = sessionsFor(() => t.app);

beforeAll(async () => {
  t = await startApp();
  world = await buildWorld(t.database);
});
afterAll(() => t.close());

const newUsername = () =>
  unique('user')
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '');

describe('creating users', () => {
  it('creates a user with a temporary password and grants, who must change it at first sign-in', async () => {
    const a = await as(world.users.adminA);
    const username = newUsername();
    const res = await a.post<User>('/api/users', {
      username: username.toUpperCase(),
      name: '王小明',
      phone: '13800138000',
      password: 'temporary-pass-1',
      homeAreaId: world.communityA.id,
      grants: [{ role: 'community_worker', areaId: world.communityA.id }],
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      id: expect.any(String),
      username,
      name: '王小明',
      phone: '13800138000',
      status: 'active',
      homeAreaId: world.communityA.id,
      homeAreaName: world.communityA.name,
      mustChangePassword: true,
      lockedUntil: null,
      grants: [
        {
          id: expect.any(String),
          role: 'community_worker',
          areaId: world.communityA.id,
          areaName: world.communityA.name,
          areaKind: 'community',
          via: 'grant',
          endsAt: null,
        },
      ],
      createdAt: expect.any(String),
      version: 1,
    });
    expect(JSON.stringify(res.body)).not.toMatch(/temporary-pass-1|passwordHash|argon2/);
    const [row] = await t.database.db.select().from(users).where(eq(users.id, res.body.id));
    expect(row).toMatchObject({
      streetId: world.street.id,
      communityId: world.communityA.id,
      createdBy: world.users.adminA.id,
    });
    expect(row!.passwordHash).toMatch(/^\$argon2id\$/);
    const s = await signIn(t.app, username, 'temporary-pass-1');
    const me = await s.get<{ user: { mustChangePassword: boolean }; permissions: string[] }>('/api/me');
    expect(me.body.user.mustChangePassword).toBe(true);
    expect(me.body.permissions).toContain('building.manage');
  });

  it('refuses a taken username, whatever its case', async () => {
    const a = await as(world.users.adminA);
    const body = {
      username: world.users.workerA.username.toUpperCase(),
      name: '重名',
      password: 'temporary-pass-1',
      homeAreaId: world.communityA.id,
    };
    const res = await a.post<ErrorBody>('/api/users', body);
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('user.username_taken');
  });

  it('creates nothing when one of the grants is refused', async () => {
    const a = await as(world.users.adminA);
    const username = newUsername();
    const res = await a.post<ErrorBody>('/api/users', {
      username,
      name: '半个',
      password: 'temporary-pass-1',
      homeAreaId: world.communityA.id,
      grants: [
        { role: 'community_worker', areaId: world.communityA.id },
        { role: 'community_worker', areaId: world.communityB.id },
      ],
    });
    expect(res.status).toBe(404);
    expect(await t.database.db.select().from(users).where(eq(users.username, username))).toEqual([]);
  });

  it('one username asked for at once: one account, the others get 409, never a 500', async () => {
    const a = await as(world.users.adminA);
    const username = newUsername();
    const body = { username, name: '并发', password: 'temporary-pass-1', homeAreaId: world.communityA.id };
    const rs = await Promise.all([1, 2, 3].map(() => a.post<ErrorBody>('/api/users', body)));
    expect(rs.map((r) => r.status).sort()).toEqual([200, 409, 409]);
    for (const r of rs.filter((x) => x.status === 409)) expect(r.body.error.code).toBe('user.username_taken');
    expect(await t.database.db.select().from(users).where(eq(users.username, username))).toHaveLength(1);
  });

  it('refuses a home outside the caller’s community, and callers without user.manage', async () => {
    const a = await as(world.users.adminA);
    const outside = await a.post<ErrorBody>('/api/users', {
      username: newUsername(),
      name: '越界',
      password: 'temporary-pass-1',
      homeAreaId: world.communityB.id,
    });
    expect(outside.status).toBe(404);
    const w = await as(world.users.workerA);
    const denied = await w.post<ErrorBody>('/api/users', {
      username: newUsername(),
      name: '无权',
      password: 'temporary-pass-1',
      homeAreaId: world.communityA.id,
    });
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('auth.forbidden');
  });
});

describe('roles', () => {
  it('grants a role, takes a repeated grant as done, and revokes it', async () => {
    const a = await as(world.users.adminA);
    const target = await insertUser(t.database, world.communityA, [
      { role: 'volunteer', area: world.communityA },
    ]);
    const granted = await a.post<User>(`/api/users/${target.id}/grants`, {
      role: 'grid_worker',
      areaId: world.communityA.id,
    });
    expect(granted.status).toBe(200);
    expect(granted.body.grants.map((g) => g.role).sort()).toEqual(['grid_worker', 'volunteer']);
    const again = await a.post<User>(`/api/users/${target.id}/grants`, {
      role: 'grid_worker',
      areaId: world.communityA.id,
    });
    expect(again.status).toBe(200);
    expect(again.body.grants).toHaveLength(2);
    const grid = granted.body.grants.find((g) => g.role === 'grid_worker')!;
    const revoked = await a.post<User>(`/api/users/${target.id}/grants/${grid.id}/revoke`);
    expect(revoked.status).toBe(200);
    expect(revoked.body.grants.map((g) => g.role)).toEqual(['volunteer']);
    const [row] = await t.database.db.select().from(roleGrants).where(eq(roleGrants.id, grid.id));
    expect(row!.revokedAt).toBeInstanceOf(Date);
    expect(row!.revokedBy).toBe(world.users.adminA.id);
    const twice = await a.post<ErrorBody>(`/api/users/${target.id}/grants/${grid.id}/revoke`);
    expect(twice.status).toBe(404);
    expect(twice.body.error.code).toBe('user.grant_not_found');
  });

  it('a revoked role stops working at the next request', async () => {
    const target = await insertUser(t.database, world.communityA, [
      { role: 'community_worker', area: world.communityA },
    ]);
    const s = await signIn(t.app, target.username);
    expect((await s.get(`/api/areas/${world.compoundA.id}`)).status).toBe(200);
    const a = await as(world.users.adminA);
    const user = await a.get<User>(`/api/users/${target.id}`);
    await a.post(`/api/users/${target.id}/grants/${user.body.grants[0]!.id}/revoke`);
    expect((await s.get('/api/areas/tree')).status).toBe(403);
  });

  it('refuses to grant above the caller’s own reach', async () => {
    const a = await as(world.users.adminA);
    const attempts: [Record<string, string>, number, string][] = [
      [{ role: 'street_admin', areaId: world.street.id }, 404, 'area.not_found'],
      [{ role: 'community_admin', areaId: world.communityB.id }, 404, 'area.not_found'],
      [{ role: 'district_admin', areaId: world.district.id }, 404, 'area.not_found'],
      [{ role: 'street_admin', areaId: world.communityA.id }, 422, 'user.scope_kind_mismatch'],
    ];
    for (const [body, status, code] of attempts) {
      const res = await a.post<ErrorBody>(`/api/users/${world.users.workerA.id}/grants`, body);
      expect(res.status, JSON.stringify(body)).toBe(status);
      expect(res.body.error.code).toBe(code);
    }
    const after = await a.get<User>(`/api/users/${world.users.workerA.id}`);
    expect(after.body.grants.map((g) => g.role)).toEqual(['community_worker']);
  });

  it('refuses a role on the wrong level of the tree, naming the role', async () => {
    const street = await as(world.users.streetAdmin);
    const res = await street.request(
      'POST',
      `/api/users/${world.users.workerA.id}/grants`,
      { role: 'community_worker', areaId: world.street.id },
      { 'accept-language': 'en-US' },
    );
    expect(res.status).toBe(422);
    expect((res.body as ErrorBody).error).toMatchObject({
      code: 'user.scope_kind_mismatch',
      message: 'The role "community_worker" can only be granted on a community',
    });
    const compound = await street.post<ErrorBody>(`/api/users/${world.users.workerA.id}/grants`, {
      role: 'viewer',
      areaId: world.compoundA.id,
    });
    expect(compound.status).toBe(422);
    // The street admin may hand out a street role it holds.
    const ok = await street.post<User>(`/api/users/${world.users.workerA.id}/grants`, {
      role: 'street_staff',
      areaId: world.street.id,
    });
    expect(ok.status).toBe(200);
    expect(ok.body.grants.map((g) => g.role).sort()).toEqual(['community_worker', 'street_staff']);
  });

  it('a community admin cannot take over or disable an account that holds roles above theirs', async () => {
    // A street officer who also sits on community A as a viewer is visible to A's admin …
    const officer = await insertUser(t.database, world.street, [
      { role: 'street_admin', area: world.street },
      { role: 'viewer', area: world.communityA },
    ]);
    const a = await as(world.users.adminA);
    const seen = await a.get<User>(`/api/users/${officer.id}`);
    expect(seen.status).toBe(200);
    // … but A's admin may not reset its password, disable it or rename it.
    const reset = await a.post<ErrorBody>(`/api/users/${officer.id}/reset-password`, {
      newPassword: 'taken-over-123',
    });
    expect(reset.status).toBe(403);
    expect(reset.body.error.code).toBe('user.role_not_allowed');
    const disable = await a.patch<ErrorBody>(`/api/users/${officer.id}`, { version: 1, status: 'disabled' });
    expect(disable.status).toBe(403);
    expect(disable.body.error.code).toBe('user.role_not_allowed');
    // Nor revoke the street role.
    const streetGrant = seen.body.grants.find((g) => g.role === 'street_admin')!;
    const revoke = await a.post<ErrorBody>(`/api/users/${officer.id}/grants/${streetGrant.id}/revoke`);
    expect(revoke.status).toBe(404);
    const [row] = await t.database.db.select().from(users).where(eq(users.id, officer.id));
    expect(row).toMatchObject({ status: 'active', version: 1, mustChangePassword: false });
    expect((await signIn(t.app, officer.username, PASSWORD)).username).toBe(officer.username);
    // A's admin may still take away the viewer role it could have given.
    const viewer = seen.body.grants.find((g) => g.role === 'viewer')!;
    expect((await a.post(`/api/users/${officer.id}/grants/${viewer.id}/revoke`)).status).toBe(200);
    expect((await a.get(`/api/users/${officer.id}`)).status).toBe(404);
  });

  it('no one changes their own roles or disables themselves', async () => {
    const a = await as(world.users.adminA);
    const me = await a.get<User>(`/api/users/${world.users.adminA.id}`);
    const grant = await a.post<ErrorBody>(`/api/users/${world.users.adminA.id}/grants`, {
      role: 'viewer',
      areaId: world.communityA.id,
    });
    expect(grant.status).toBe(422);
    expect(grant.body.error.code).toBe('user.cannot_change_self');
    const revoke = await a.post<ErrorBody>(
      `/api/users/${world.users.adminA.id}/grants/${me.body.grants[0]!.id}/revoke`,
    );
    expect(revoke.status).toBe(422);
    expect(revoke.body.error.code).toBe('user.cannot_change_self');
    const disable = await a.patch<ErrorBody>(`/api/users/${world.users.adminA.id}`, {
      version: me.body.version,
      status: 'disabled',
    });
    expect(disable.status).toBe(422);
    expect(disable.body.error.code).toBe('user.cannot_change_self');
    const after = await a.get<User>(`/api/users/${world.users.adminA.id}`);
    expect(after.body).toMatchObject({ status: 'active', version: me.body.version });
    expect(after.body.grants).toEqual(me.body.grants);
  });
});

describe('editing users', () => {
  it('updates name and phone with the version; a stale version answers 409 with the current user', async () => {
    const a = await as(world.users.adminA);
    const target = await insertUser(t.database, world.communityA, [
      { role: 'volunteer', area: world.communityA },
    ]);
    const ok = await a.patch<User>(`/api/users/${target.id}`, {
      version: 1,
      name: '李四',
      phone: '13900139000',
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ name: '李四', phone: '13900139000', version: 2 });
    const stale = await a.patch<ErrorBody>(`/api/users/${target.id}`, { version: 1, name: '张三' });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('user.version_conflict');
    expect(stale.body.error.details!.current).toMatchObject({ id: target.id, name: '李四', version: 2 });
    const cleared = await a.patch<User>(`/api/users/${target.id}`, { version: 2, phone: null });
    expect(cleared.body).toMatchObject({ phone: null, version: 3 });
  });

  it('resets a password: the user must change it, and the old one stops working', async () => {
    const a = await as(world.users.adminA);
    const target = await insertUser(t.database, world.communityA, [
      { role: 'volunteer', area: world.communityA },
    ]);
    const s = await signIn(t.app, target.username);
    const res = await a.post(`/api/users/${target.id}/reset-password`, { newPassword: 'reset-pass-42' });
    expect(res.status).toBe(200);
    expect((await s.get('/api/me')).status).toBe(401);
    const login = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: target.username, password: PASSWORD },
    });
    expect(login.statusCode).toBe(401);
    const [row] = await t.database.db.select().from(users).where(eq(users.id, target.id));
    expect(row!.mustChangePassword).toBe(true);
    const weak = await a.post<ErrorBody>(`/api/users/${target.id}/reset-password`, { newPassword: 'short' });
    expect(weak.status).toBe(400);
  });
});

describe('seeing users', () => {
  it('searches by name, username and phone within scope', async () => {
    const a = await as(world.users.adminA);
    const tag = unique('查').slice(-8);
    const created = await a.post<User>('/api/users', {
      username: newUsername(),
      name: `赵${tag}`,
      phone: '13712345678',
      password: 'temporary-pass-1',
      homeAreaId: world.communityA.id,
    });
    const byName = await a.get<Page>(`/api/users?q=${encodeURIComponent(tag)}`);
    expect(byName.body.items.map((u) => u.id)).toEqual([created.body.id]);
    const byUser = await a.get<Page>(`/api/users?q=${created.body.username.slice(-10).toUpperCase()}`);
    expect(byUser.body.items.map((u) => u.id)).toEqual([created.body.id]);
    const byPhone = await a.get<Page>('/api/users?q=12345678');
    expect(byPhone.body.items.map((u) => u.id)).toContain(created.body.id);
    // LIKE wildcards are taken literally.
    expect((await a.get<Page>('/api/users?q=%25')).body.items).toEqual([]);
    // B's admin does not find A's user.
    const b = await as(world.users.adminB);
    expect((await b.get<Page>(`/api/users?q=${encodeURIComponent(tag)}`)).body.items).toEqual([]);
  });

  it('pages by username', async () => {
    const a = await as(world.users.adminA);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/api/users?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page: { body: Page } = await a.get<Page>(url);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((u) => u.username));
      cursor = page.body.nextCursor;
    } while (cursor);
    const all = await a.get<Page>('/api/users?limit=200');
    expect(seen).toEqual(all.body.items.map((u) => u.username));
    expect([...seen].sort()).toEqual(seen);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('another community’s user answers 404 on every route and is not listed', async () => {
    const a = await as(world.users.adminA);
    const b = await as(world.users.adminB);
    const theirs = await b.get<User>(`/api/users/${world.users.workerB.id}`);
    const id = world.users.workerB.id;
    const attempts = [
      await a.get<ErrorBody>(`/api/users/${id}`),
      await a.patch<ErrorBody>(`/api/users/${id}`, { version: theirs.body.version, name: '改' }),
      await a.post<ErrorBody>(`/api/users/${id}/reset-password`, { newPassword: 'hijack-1234' }),
      await a.post<ErrorBody>(`/api/users/${id}/grants`, { role: 'viewer', areaId: world.communityA.id }),
      await a.post<ErrorBody>(`/api/users/${id}/grants/${theirs.body.grants[0]!.id}/revoke`),
    ];
    for (const r of attempts) {
      expect(r.status).toBe(404);
      expect(r.body.error.code).toBe('user.not_found');
    }
    const list = await a.get<Page>('/api/users?limit=200');
    expect(list.body.items.map((u) => u.id)).not.toContain(id);
    const after = await b.get<User>(`/api/users/${id}`);
    expect(after.body).toEqual(theirs.body);
  });

  it('the street admin sees the users of both communities', async () => {
    const s = await as(world.users.streetAdmin);
    const list = await s.get<Page>('/api/users?limit=200');
    const ids = list.body.items.map((u) => u.id);
    for (const u of [world.users.adminA, world.users.workerA, world.users.adminB, world.users.workerB]) {
      expect(ids).toContain(u.id);
    }
    expect(ids).not.toContain(world.users.otherStreetAdmin.id);
    const onlyB = await s.get<Page>(`/api/users?limit=200&areaId=${world.communityB.id}`);
    const bIds = onlyB.body.items.map((u) => u.id);
    expect(bIds).toContain(world.users.workerB.id);
    expect(bIds).not.toContain(world.users.workerA.id);
    // Filtering by the street takes in everything below it.
    const street = await s.get<Page>(`/api/users?limit=200&areaId=${world.street.id}`);
    const streetIds = street.body.items.map((u) => u.id);
    for (const u of [world.users.streetAdmin, world.users.adminA, world.users.workerB])
      expect(streetIds).toContain(u.id);
    expect(streetIds).not.toContain(world.users.otherStreetAdmin.id);
    // An area outside the caller's scope is not a filter, it is a 404.
    expect((await s.get(`/api/users?areaId=${world.otherStreet.id}`)).status).toBe(404);
  });

  it('a user homed elsewhere with a role in community A is visible to A’s admin', async () => {
    const seconded = await insertUser(t.database, world.communityB, [
      { role: 'community_worker', area: world.communityA },
    ]);
    const a = await as(world.users.adminA);
    const read = await a.get<User>(`/api/users/${seconded.id}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ homeAreaId: world.communityB.id, homeAreaName: world.communityB.name });
    expect(read.body.grants).toEqual([
      expect.objectContaining({ role: 'community_worker', areaId: world.communityA.id }),
    ]);
    const list = await a.get<Page>(`/api/users?limit=200&areaId=${world.communityA.id}`);
    expect(list.body.items.map((u) => u.id)).toContain(seconded.id);
    // Its home committee sees it too.
    const b = await as(world.users.adminB);
    expect((await b.get(`/api/users/${seconded.id}`)).status).toBe(200);
  });
});
