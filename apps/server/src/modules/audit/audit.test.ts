import { asc, eq, inArray, or, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildWorld,
  PASSWORD,
  type Session,
  sessionsFor,
  signIn,
  startApp,
  type TestApp,
  unique,
  type World,
} from '../../../test/fixtures';
import { type AuditRow, auditLog } from './audit.table';

type Entry = {
  id: string;
  at: string;
  actorUserId: string | null;
  actorName: string | null;
  actorTokenId: string | null;
  delegationId: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  streetId: string | null;
  communityId: string | null;
  changes: Record<string, { from?: unknown; to?: unknown }> | null;
  reason: string | null;
};
type Page = { items: Entry[]; nextCursor: string | null };
type ErrorBody = { error: { code: string } };

const TEMP_PASSWORD = 'Temp-secret-77x';
const NEW_PASSWORD = 'Brand-new-secret-88';
const RESET_PASSWORD = 'Reset-secret-99';
const WRONG_PASSWORD = 'Wrong-guess-555';

let t: TestApp;
let world: World;
const as = sessionsFor(() => t.app);

beforeAll(async () => {
  t = await startApp();
  world = await buildWorld(t.database);
});
afterAll(() => t.close());

const rowsOf = (actorId: string) =>
  t.database.db.select().from(auditLog).where(eq(auditLog.actorUserId, actorId)).orderBy(asc(auditLog.id));

/** Runs one write and returns the single audit row it added for the actor. */
async function audited<T>(actorId: string, write: () => Promise<{ status: number; body: T }>) {
  const before = (await rowsOf(actorId)).length;
  const res = await write();
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const rows = await rowsOf(actorId);
  expect(rows.length - before, 'audit rows written').toBe(1);
  return { body: res.body, row: rows.at(-1)! };
}

function expectRow(
  row: AuditRow,
  expected: { actor: string; action: string; entityType: string; entityId: string; fields?: string[] },
) {
  expect(row).toMatchObject({
    actorUserId: expected.actor,
    action: expected.action,
    entityType: expected.entityType,
    entityId: expected.entityId,
  });
  expect(row.requestId).toBeTruthy();
  expect(row.at).toBeInstanceOf(Date);
  if (expected.fields) expect(Object.keys(row.changes ?? {}).sort()).toEqual([...expected.fields].sort());
}

describe('every write leaves one audit row', () => {
  it('areas, buildings, dwellings and grids', async () => {
    const a = await as(world.users.adminA);
    const actor = world.users.adminA.id;
    const compound = await audited(actor, () =>
      a.post<{ id: string; name: string }>('/api/areas', {
        kind: 'compound',
        parentId: world.communityA.id,
        name: unique('审计小区'),
      }),
    );
    expectRow(compound.row, { actor, action: 'area.create', entityType: 'area', entityId: compound.body.id });
    expect(compound.row.changes).toMatchObject({
      name: { to: compound.body.name },
      kind: { to: 'compound' },
      parentId: { to: world.communityA.id },
    });
    expect(compound.row.communityId).toBe(world.communityA.id);
    expect(compound.row.streetId).toBe(world.street.id);

    const renamed = await audited(actor, () =>
      a.patch(`/api/areas/${compound.body.id}`, { version: 1, name: `${compound.body.name}改` }),
    );
    expectRow(renamed.row, {
      actor,
      action: 'area.update',
      entityType: 'area',
      entityId: compound.body.id,
      fields: ['name'],
    });
    expect(renamed.row.changes!.name).toEqual({ from: compound.body.name, to: `${compound.body.name}改` });

    const spare = await a.post<{ id: string }>('/api/areas', {
      kind: 'compound',
      parentId: world.communityA.id,
      name: unique('空小区'),
    });
    const archived = await audited(actor, () =>
      a.post(`/api/areas/${spare.body.id}/archive`, { version: 1 }),
    );
    expectRow(archived.row, {
      actor,
      action: 'area.archive',
      entityType: 'area',
      entityId: spare.body.id,
      fields: ['archivedAt'],
    });

    const building = await audited(actor, () =>
      a.post<{ id: string; entrances: { id: string }[]; dwellings: { id: string }[] }>('/api/buildings', {
        compoundId: compound.body.id,
        name: '3',
        floors: 2,
        entrances: 1,
        roomsPerFloor: 2,
      }),
    );
    expectRow(building.row, {
      actor,
      action: 'building.create',
      entityType: 'building',
      entityId: building.body.id,
    });
    expect(building.row.changes).toMatchObject({
      name: { to: '3' },
      floors: { to: 2 },
      entranceCount: { to: 1 },
    });

    const buildingUpdate = await audited(actor, () =>
      a.patch(`/api/buildings/${building.body.id}`, { version: 1, name: '3A' }),
    );
    expectRow(buildingUpdate.row, {
      actor,
      action: 'building.update',
      entityType: 'building',
      entityId: building.body.id,
      fields: ['name'],
    });

    const dwelling = await audited(actor, () =>
      a.post<{ id: string }>(`/api/buildings/${building.body.id}/dwellings`, {
        entranceId: building.body.entrances[0]!.id,
        floor: 2,
        number: '203',
      }),
    );
    expectRow(dwelling.row, {
      actor,
      action: 'dwelling.create',
      entityType: 'dwelling',
      entityId: dwelling.body.id,
    });
    expect(dwelling.row.changes).toMatchObject({ number: { to: '203' }, floor: { to: 2 } });

    const dwellingUpdate = await audited(actor, () =>
      a.patch(`/api/dwellings/${dwelling.body.id}`, { version: 1, number: '203A' }),
    );
    expectRow(dwellingUpdate.row, {
      actor,
      action: 'dwelling.update',
      entityType: 'dwelling',
      entityId: dwelling.body.id,
      fields: ['number'],
    });
    expect(dwellingUpdate.row.changes!.number).toEqual({ from: '203', to: '203A' });

    const dwellingArchive = await audited(actor, () =>
      a.post(`/api/dwellings/${dwelling.body.id}/archive`, { version: 2 }),
    );
    expectRow(dwellingArchive.row, {
      actor,
      action: 'dwelling.archive',
      entityType: 'dwelling',
      entityId: dwelling.body.id,
      fields: ['status'],
    });
    expect(dwellingArchive.row.changes!.status).toEqual({ from: 'active', to: 'archived' });

    const grid = await audited(actor, () =>
      a.post<{ id: string; name: string }>('/api/grids', {
        communityId: world.communityA.id,
        name: unique('审计网格'),
        workerUserId: world.users.gridWorkerA.id,
        buildingIds: [building.body.id],
      }),
    );
    expectRow(grid.row, {
      actor,
      action: 'grid.create',
      entityType: 'grid',
      entityId: grid.body.id,
      fields: ['buildingIds', 'name', 'workerUserId'],
    });
    const gridUpdate = await audited(actor, () =>
      a.patch(`/api/grids/${grid.body.id}`, { version: 1, name: `${grid.body.name}改` }),
    );
    expectRow(gridUpdate.row, {
      actor,
      action: 'grid.update',
      entityType: 'grid',
      entityId: grid.body.id,
      fields: ['name'],
    });
  });

  it('users, roles, delegations and tokens', async () => {
    const a = await as(world.users.adminA);
    const actor = world.users.adminA.id;
    const created = await audited(actor, () =>
      a.post<{ id: string; username: string }>('/api/users', {
        username: unique('audit').toLowerCase(),
        name: '审计对象',
        password: TEMP_PASSWORD,
        homeAreaId: world.communityA.id,
      }),
    );
    expectRow(created.row, { actor, action: 'user.create', entityType: 'user', entityId: created.body.id });
    expect(created.row.changes).toMatchObject({
      username: { to: created.body.username },
      name: { to: '审计对象' },
      homeAreaId: { to: world.communityA.id },
      password: { to: '[redacted]' },
    });

    const updated = await audited(actor, () =>
      a.patch(`/api/users/${created.body.id}`, { version: 1, name: '审计对象二' }),
    );
    expectRow(updated.row, {
      actor,
      action: 'user.update',
      entityType: 'user',
      entityId: created.body.id,
      fields: ['name'],
    });

    const reset = await audited(actor, () =>
      a.post(`/api/users/${created.body.id}/reset-password`, { newPassword: RESET_PASSWORD }),
    );
    expectRow(reset.row, {
      actor,
      action: 'user.reset_password',
      entityType: 'user',
      entityId: created.body.id,
      fields: ['password'],
    });

    const granted = await audited(actor, () =>
      a.post<{ grants: { id: string; role: string }[] }>(`/api/users/${created.body.id}/grants`, {
        role: 'volunteer',
        areaId: world.communityA.id,
      }),
    );
    expectRow(granted.row, {
      actor,
      action: 'user.grant_role',
      entityType: 'user',
      entityId: created.body.id,
      fields: ['area', 'grantId', 'role'],
    });
    expect(granted.row.changes!.role).toEqual({ to: 'volunteer' });
    const grantId = granted.body.grants[0]!.id;
    const revoked = await audited(actor, () =>
      a.post(`/api/users/${created.body.id}/grants/${grantId}/revoke`),
    );
    expectRow(revoked.row, {
      actor,
      action: 'user.revoke_role',
      entityType: 'user',
      entityId: created.body.id,
      fields: ['area', 'grantId', 'role'],
    });

    const token = await audited(actor, () =>
      a.post<{ id: string; token: string }>('/api/api-tokens', {
        name: 'audit bridge',
        role: 'community_worker',
        areaId: world.communityA.id,
      }),
    );
    expectRow(token.row, {
      actor,
      action: 'token.create',
      entityType: 'api_token',
      entityId: token.body.id,
      fields: ['area', 'name', 'role'],
    });
    // The token's own writes are attributed to it.
    const viaToken = await t.app.inject({
      method: 'POST',
      url: '/api/buildings',
      headers: { authorization: `Bearer ${token.body.token}` },
      payload: {
        compoundId: world.compoundA.id,
        name: unique('令牌楼'),
        floors: 1,
        entrances: 1,
        roomsPerFloor: 1,
      },
    });
    expect(viaToken.statusCode).toBe(200);
    const [tokenRow] = await t.database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.entityId, viaToken.json().id));
    expect(tokenRow).toMatchObject({
      actorUserId: null,
      actorTokenId: token.body.id,
      action: 'building.create',
    });
    const tokenRevoke = await audited(actor, () => a.post(`/api/api-tokens/${token.body.id}/revoke`));
    expectRow(tokenRevoke.row, {
      actor,
      action: 'token.revoke',
      entityType: 'api_token',
      entityId: token.body.id,
      fields: ['revokedAt'],
    });
    // Revoking again changes nothing and writes nothing.
    const again = (await rowsOf(actor)).length;
    expect((await a.post(`/api/api-tokens/${token.body.id}/revoke`)).status).toBe(200);
    expect((await rowsOf(actor)).length).toBe(again);
    expect(JSON.stringify(await rowsOf(actor))).not.toContain(token.body.token);

    const street = await as(world.users.streetAdmin);
    const streetActor = world.users.streetAdmin.id;
    const delegation = await audited(streetActor, () =>
      street.post<{ id: string }>('/api/delegations', {
        granteeId: world.users.workerA.id,
        role: 'community_worker',
        areaId: world.communityB.id,
        title: 'cover',
        reason: '病假顶岗',
        startsAt: new Date().toISOString(),
        endsAt: new Date(Date.now() + 86_400_000).toISOString(),
      }),
    );
    expectRow(delegation.row, {
      actor: streetActor,
      action: 'delegation.create',
      entityType: 'delegation',
      entityId: delegation.body.id,
    });
    expect(delegation.row.reason).toBe('病假顶岗');
    const delegationRevoke = await audited(streetActor, () =>
      street.post(`/api/delegations/${delegation.body.id}/revoke`, {}),
    );
    expectRow(delegationRevoke.row, {
      actor: streetActor,
      action: 'delegation.revoke',
      entityType: 'delegation',
      entityId: delegation.body.id,
      fields: ['status'],
    });
  });

  it('sign-in, password change and sign-out; no password ever appears in clear', async () => {
    const a = await as(world.users.adminA);
    const username = unique('pw').toLowerCase();
    const created = await a.post<{ id: string }>('/api/users', {
      username,
      name: '改密者',
      password: TEMP_PASSWORD,
      homeAreaId: world.communityA.id,
      grants: [{ role: 'volunteer', areaId: world.communityA.id }],
    });
    expect(created.status).toBe(200);
    const me = created.body.id;
    await a.post(`/api/users/${me}/reset-password`, { newPassword: RESET_PASSWORD });

    const failed = await t.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username, password: WRONG_PASSWORD },
    });
    expect(failed.statusCode).toBe(401);
    const [failedRow] = (await rowsOf(me)).slice(-1);
    expect(failedRow).toMatchObject({ action: 'auth.login_failed', entityId: me });

    let s!: Session;
    const login = await audited(me, async () => {
      s = await signIn(t.app, username, RESET_PASSWORD);
      return { status: 200, body: null };
    });
    expectRow(login.row, { actor: me, action: 'auth.login', entityType: 'user', entityId: me });
    expect(login.row.communityId).toBe(world.communityA.id);

    const change = await audited(me, () =>
      s.post('/api/me/password', { currentPassword: RESET_PASSWORD, newPassword: NEW_PASSWORD }),
    );
    expectRow(change.row, {
      actor: me,
      action: 'auth.change_password',
      entityType: 'user',
      entityId: me,
      fields: ['password'],
    });
    expect(change.row.changes!.password).toEqual({ from: '[redacted]', to: '[redacted]' });

    const logout = await audited(me, () => s.post('/api/auth/logout'));
    expectRow(logout.row, { actor: me, action: 'auth.logout', entityType: 'user', entityId: me });

    const everything = await t.database.db
      .select()
      .from(auditLog)
      .where(
        or(
          inArray(auditLog.actorUserId, [me, world.users.adminA.id, world.users.streetAdmin.id]),
          eq(auditLog.entityId, me),
        ),
      );
    const text = JSON.stringify(everything);
    expect(everything.length).toBeGreaterThan(10);
    for (const secret of [TEMP_PASSWORD, NEW_PASSWORD, RESET_PASSWORD, WRONG_PASSWORD, PASSWORD]) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toMatch(/argon2/);
  });
});

describe('the audit log itself', () => {
  it('refuses UPDATE, DELETE and TRUNCATE', async () => {
    const [row] = await rowsOf(world.users.adminA.id);
    expect(row).toBeDefined();
    await expect(
      t.database.db.execute(sql`update audit_log set action = 'tampered' where id = ${row!.id}`),
    ).rejects.toThrow();
    await expect(t.database.db.execute(sql`delete from audit_log where id = ${row!.id}`)).rejects.toThrow();
    await expect(
      t.database.db.update(auditLog).set({ reason: 'rewritten' }).where(eq(auditLog.id, row!.id)),
    ).rejects.toThrow();
    await expect(t.database.db.execute(sql`truncate audit_log`)).rejects.toThrow();
    const [after] = await t.database.db.select().from(auditLog).where(eq(auditLog.id, row!.id));
    expect(after).toEqual(row);
  });

  it('is scoped: community B’s admin sees none of A’s entries, A’s admin sees them', async () => {
    const a = await as(world.users.adminA);
    const mine = await a.get<Page>(`/api/audit?actorId=${world.users.adminA.id}&limit=200`);
    expect(mine.status).toBe(200);
    expect(mine.body.items.length).toBeGreaterThan(5);
    expect(mine.body.items.every((e) => e.communityId === world.communityA.id)).toBe(true);
    expect(mine.body.items[0]!.actorName).toBe(world.users.adminA.name);

    const b = await as(world.users.adminB);
    const theirs = await b.get<Page>(`/api/audit?actorId=${world.users.adminA.id}&limit=200`);
    expect(theirs.status).toBe(200);
    expect(theirs.body.items).toEqual([]);
    const all = await b.get<Page>('/api/audit?limit=200');
    expect(all.body.items.some((e) => e.communityId === world.communityA.id)).toBe(false);
    const one = mine.body.items[0]!;
    const direct = await b.get<Page>(`/api/audit?entityId=${one.entityId}`);
    expect(direct.body.items).toEqual([]);

    // The street sees both.
    const street = await as(world.users.streetAdmin);
    const fromStreet = await street.get<Page>(`/api/audit?actorId=${world.users.adminA.id}&limit=200`);
    expect(fromStreet.body.items.map((e) => e.id)).toEqual(mine.body.items.map((e) => e.id));
  });

  it('is closed to callers without audit.read', async () => {
    const w = await as(world.users.workerA);
    const res = await w.get<ErrorBody>('/api/audit');
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('auth.forbidden');
  });

  it('filters by actor, entity type, action and entity', async () => {
    const a = await as(world.users.adminA);
    const byType = await a.get<Page>('/api/audit?entityType=dwelling&limit=200');
    expect(byType.body.items.length).toBeGreaterThanOrEqual(3);
    expect(byType.body.items.every((e) => e.entityType === 'dwelling')).toBe(true);
    const byAction = await a.get<Page>('/api/audit?action=dwelling.archive&limit=200');
    expect(byAction.body.items.map((e) => e.action)).toEqual(
      byType.body.items.filter((e) => e.action === 'dwelling.archive').map((e) => e.action),
    );
    const byActor = await a.get<Page>(`/api/audit?actorId=${world.users.gridWorkerA.id}`);
    expect(byActor.body.items).toEqual([]);
    const entityId = byType.body.items[0]!.entityId!;
    const byEntity = await a.get<Page>(`/api/audit?entityId=${entityId}`);
    expect(byEntity.body.items.length).toBeGreaterThan(0);
    expect(byEntity.body.items.every((e) => e.entityId === entityId)).toBe(true);
  });

  it('filters by time', async () => {
    const b = await as(world.users.adminB);
    const pause = () => new Promise((resolve) => setTimeout(resolve, 50));
    const make = async () =>
      (
        await b.post<{ id: string }>('/api/areas', {
          kind: 'compound',
          parentId: world.communityB.id,
          name: unique('时'),
        })
      ).body.id;
    const early = [await make(), await make()];
    await pause();
    const mark = new Date().toISOString();
    await pause();
    const late = [await make(), await make()];
    const q = `/api/audit?actorId=${world.users.adminB.id}&action=area.create&limit=200`;
    const from = await b.get<Page>(`${q}&from=${encodeURIComponent(mark)}`);
    expect(from.body.items.map((e) => e.entityId).sort()).toEqual([...late].sort());
    const to = await b.get<Page>(`${q}&to=${encodeURIComponent(mark)}`);
    expect(to.body.items.map((e) => e.entityId).sort()).toEqual([...early].sort());
    // An entry's own time, given as both bounds, finds it (the API shows milliseconds, the
    // database keeps microseconds).
    const one = from.body.items[0]!;
    const exact = await b.get<Page>(
      `${q}&from=${encodeURIComponent(one.at)}&to=${encodeURIComponent(one.at)}`,
    );
    expect(exact.body.items.map((e) => e.id)).toContain(one.id);
    const bad = await b.get<ErrorBody>(`${q}&from=yesterday`);
    expect(bad.status).toBe(400);
  });

  it('pages with a cursor, newest first, without gaps or repeats', async () => {
    const a = await as(world.users.adminA);
    const q = `/api/audit?actorId=${world.users.adminA.id}`;
    const all = (await a.get<Page>(`${q}&limit=200`)).body.items;
    expect(all.length).toBeGreaterThan(6);
    expect(all.map((e) => e.id)).toEqual([...all.map((e) => e.id)].sort().reverse());
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `${q}&limit=3${cursor ? `&cursor=${cursor}` : ''}`;
      const page: { body: Page } = await a.get<Page>(url);
      expect(page.body.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.body.items.map((e) => e.id));
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor && pages < 100);
    expect(seen).toEqual(all.map((e) => e.id));
    expect(pages).toBe(Math.ceil(all.length / 3));
  });
});
