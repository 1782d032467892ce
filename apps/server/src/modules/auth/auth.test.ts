import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWorld, PASSWORD, signIn, startApp, type TestApp, type World } from '../../../test/fixtures';
import { users } from '../users/users.table';

let t: TestApp;
let world: World;

beforeAll(async () => {
  t = await startApp({ LINLI_LOGIN_MAX_FAILURES: '3', LINLI_LOGIN_LOCK_MINUTES: '15' });
  world = await buildWorld(t.database);
});
afterAll(() => t.close());

const login = (username: string, password: string, lang = 'zh-CN') =>
  t.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { username, password },
    headers: { 'accept-language': lang },
  });

describe('sign-in', () => {
  it('signs in, sets an httpOnly SameSite=Strict cookie and answers /api/me', async () => {
    const res = await login(world.users.workerA.username, PASSWORD);
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'linli_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Strict');
    const me = res.json();
    expect(me.user.username).toBe(world.users.workerA.username);
    expect(me.grants).toEqual([
      expect.objectContaining({ role: 'community_worker', areaId: world.communityA.id, via: 'grant' }),
    ]);
    expect(me.permissions).toContain('area.read');
    expect(me.permissions).not.toContain('user.manage');
    expect(JSON.stringify(me)).not.toContain('passwordHash');
  });

  it('answers a wrong password and an unknown user alike, in the requested language', async () => {
    const wrong = await login(world.users.workerB.username, 'nope-nope-1', 'en-US');
    const unknown = await login('nobody-here', 'nope-nope-1');
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error).toEqual({
      code: 'auth.invalid_credentials',
      message: 'Wrong username or password',
    });
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().error.message).toBe('用户名或密码错误');
    expect(unknown.json().requestId).toBeTruthy();
  });

  it('locks the account after repeated failures, even for the right password, and logs it', async () => {
    const { username } = world.users.volunteerA;
    for (let i = 0; i < 2; i++) expect((await login(username, 'bad-bad-bad-1')).statusCode).toBe(401);
    const third = await login(username, 'bad-bad-bad-1');
    expect(third.statusCode).toBe(423);
    expect(third.json().error.code).toBe('auth.locked');
    expect((await login(username, PASSWORD)).statusCode).toBe(423);
    // An administrator's reset lifts the lock.
    const admin = await signIn(t.app, world.users.adminA.username);
    const reset = await admin.post(`/api/users/${world.users.volunteerA.id}/reset-password`, {
      newPassword: 'temporary-2024',
    });
    expect(reset.status).toBe(200);
    const after = await login(username, 'temporary-2024');
    expect(after.statusCode).toBe(200);
    expect(after.json().user.mustChangePassword).toBe(true);
  });

  it('refuses a disabled account', async () => {
    const admin = await signIn(t.app, world.users.adminB.username);
    const target = await admin.get<{ version: number }>(`/api/users/${world.users.workerB.id}`);
    const disabled = await admin.patch(`/api/users/${world.users.workerB.id}`, {
      version: target.body.version,
      status: 'disabled',
    });
    expect(disabled.status).toBe(200);
    expect((await login(world.users.workerB.username, PASSWORD)).statusCode).toBe(403);
  });
});

describe('sessions', () => {
  it('requires a session for the API and the CSRF token for writes', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/api/me' })).statusCode).toBe(401);
    const s = await signIn(t.app, world.users.adminA.username);
    const noToken = await s.request(
      'POST',
      '/api/areas',
      { kind: 'compound', parentId: world.communityA.id, name: 'x' },
      {
        'x-csrf-token': 'forged',
      },
    );
    expect(noToken.status).toBe(403);
    expect((noToken.body as { error: { code: string } }).error.code).toBe('auth.csrf');
  });

  it('logout revokes the session server-side', async () => {
    const s = await signIn(t.app, world.users.gridWorkerA.username);
    expect((await s.get('/api/me')).status).toBe(200);
    expect((await s.post('/api/auth/logout')).status).toBe(200);
    expect((await s.get('/api/me')).status).toBe(401);
  });

  it('a temporary password allows only changing it; the change keeps this session and ends the others', async () => {
    const admin = await signIn(t.app, world.users.streetAdmin.username);
    const created = await admin.post<{ id: string }>('/api/users', {
      username: 'temp.user.auth',
      name: '临时用户',
      password: 'first-pass-1',
      homeAreaId: world.communityA.id,
      grants: [{ role: 'community_worker', areaId: world.communityA.id }],
    });
    expect(created.status).toBe(200);
    const s = await signIn(t.app, 'temp.user.auth', 'first-pass-1');
    const other = await signIn(t.app, 'temp.user.auth', 'first-pass-1');
    const blocked = await s.get<{ error: { code: string } }>('/api/areas/tree');
    expect(blocked.status).toBe(403);
    expect(blocked.body.error.code).toBe('auth.password_change_required');
    const weak = await s.post<{ error: { details: { issues: { path: string }[] } } }>('/api/me/password', {
      currentPassword: 'first-pass-1',
      newPassword: 'short',
    });
    expect(weak.status).toBe(400);
    expect(weak.body.error.details.issues[0]!.path).toBe('newPassword');
    const wrong = await s.post('/api/me/password', {
      currentPassword: 'not-it-123',
      newPassword: 'second-pass-2',
    });
    expect(wrong.status).toBe(400);
    const ok = await s.post('/api/me/password', {
      currentPassword: 'first-pass-1',
      newPassword: 'second-pass-2',
    });
    expect(ok.status).toBe(200);
    expect((await s.get('/api/areas/tree')).status).toBe(200);
    expect((await other.get('/api/me')).status).toBe(401);
    const [row] = await t.database.db.select().from(users).where(eq(users.id, created.body.id));
    expect(row!.passwordHash).toMatch(/^\$argon2id\$/);
  });
});

describe('API tokens', () => {
  it('a bearer token acts with its one role and scope, needs no CSRF token, and stops when revoked', async () => {
    const admin = await signIn(t.app, world.users.adminA.username);
    const created = await admin.post<{ id: string; token: string; prefix: string }>('/api/api-tokens', {
      name: 'open311 bridge',
      role: 'community_worker',
      areaId: world.communityA.id,
    });
    expect(created.status).toBe(200);
    expect(created.body.token.startsWith(created.body.prefix)).toBe(true);
    const auth = { authorization: `Bearer ${created.body.token}` };
    const tree = await t.app.inject({ method: 'GET', url: '/api/areas/tree', headers: auth });
    expect(tree.statusCode).toBe(200);
    const otherCommunity = await t.app.inject({
      method: 'GET',
      url: `/api/areas/${world.communityB.id}`,
      headers: auth,
    });
    expect(otherCommunity.statusCode).toBe(404);
    const escalate = await t.app.inject({
      method: 'POST',
      url: '/api/users',
      headers: auth,
      payload: { username: 'x.y.z', name: 'x', password: 'abcdefgh12', homeAreaId: world.communityA.id },
    });
    expect(escalate.statusCode).toBe(403);
    const list = await admin.get<{ items: { id: string }[] }>('/api/api-tokens');
    expect(JSON.stringify(list.body)).not.toContain(created.body.token);
    expect((await admin.post(`/api/api-tokens/${created.body.id}/revoke`)).status).toBe(200);
    const after = await t.app.inject({ method: 'GET', url: '/api/areas/tree', headers: auth });
    expect(after.statusCode).toBe(401);
  });

  it('a community admin cannot mint a token above their own role', async () => {
    const admin = await signIn(t.app, world.users.adminA.username);
    const res = await admin.post<{ error: { code: string } }>('/api/api-tokens', {
      name: 'too much',
      role: 'street_admin',
      areaId: world.street.id,
    });
    expect(res.status).toBe(404);
  });
});
