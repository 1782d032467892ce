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
import { newId } from '../../platform/ids';
import { auditLog } from '../audit/audit.table';
import { delegations } from './delegations.table';

type Delegation = {
  id: string;
  grantorId: string;
  grantorName: string;
  granteeId: string;
  granteeName: string;
  role: string;
  areaId: string;
  areaName: string;
  title: string;
  reason: string;
  startsAt: string;
  endsAt: string;
  revokedAt: string | null;
  revokedByName: string | null;
  status: 'scheduled' | 'active' | 'ended' | 'revoked';
  createdAt: string;
};
type ErrorBody = { error: { code: string } };

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

let t: TestApp;
const as = sessionsFor(() => t.app);

beforeAll(async () => {
  t = await startApp();
});
afterAll(() => t.close());

const delegate = (s: Session, body: Record<string, unknown>) =>
  s.post<Delegation & ErrorBody>('/api/delegations', {
    role: 'community_admin',
    title: 'acting_secretary',
    reason: '书记住院，代理书记',
    startsAt: iso(-60_000),
    endsAt: iso(DAY),
    ...body,
  });

/** A row written straight to the table: windows the API refuses to create (already over, long ago). */
async function insertDelegation(world: World, window: { startsAt: Date; endsAt: Date }) {
  const [row] = await t.database.db
    .insert(delegations)
    .values({
      id: newId(),
      grantorId: world.users.adminB.id,
      granteeId: world.users.workerA.id,
      role: 'community_admin',
      areaId: world.communityB.id,
      districtId: world.district.id,
      streetId: world.street.id,
      communityId: world.communityB.id,
      title: 'cover',
      reason: '测试',
      ...window,
    })
    .returning();
  return row!;
}

/** What worker A can do to community B's things right now. */
async function reachOfWorkerA(world: World) {
  const w = await as(world.users.workerA);
  return {
    readCommunity: (await w.get(`/api/areas/${world.communityB.id}`)).status,
    readCompound: (await w.get(`/api/areas/${world.compoundB.id}`)).status,
    buildings: (await w.get(`/api/buildings?compoundId=${world.compoundB.id}`)).status,
  };
}

describe('a delegation gives access exactly for its window', () => {
  let world: World;
  beforeAll(async () => {
    world = await buildWorld(t.database);
  });

  it('worker A reaches nothing of community B without one', async () => {
    expect(await reachOfWorkerA(world)).toEqual({ readCommunity: 404, readCompound: 404, buildings: 404 });
  });

  it('grants, lets the grantee manage B through it, and stops on revoke', async () => {
    const street = await as(world.users.streetAdmin);
    const created = await delegate(street, {
      granteeId: world.users.workerA.id,
      areaId: world.communityB.id,
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      grantorId: world.users.streetAdmin.id,
      grantorName: world.users.streetAdmin.name,
      granteeId: world.users.workerA.id,
      granteeName: world.users.workerA.name,
      role: 'community_admin',
      areaId: world.communityB.id,
      areaName: world.communityB.name,
      title: 'acting_secretary',
      status: 'active',
      revokedAt: null,
    });
    const delegationId = created.body.id;

    expect(await reachOfWorkerA(world)).toEqual({ readCommunity: 200, readCompound: 200, buildings: 200 });
    const w = await as(world.users.workerA);
    const me = await w.get<{
      grants: { role: string; areaId: string; via: string; endsAt: string | null }[];
    }>('/api/me');
    expect(me.body.grants).toContainEqual(
      expect.objectContaining({ role: 'community_admin', areaId: world.communityB.id, via: 'delegation' }),
    );
    // Managing B through the delegation: the audit row names it.
    const compound = await w.post<{ id: string }>('/api/areas', {
      kind: 'compound',
      parentId: world.communityB.id,
      name: unique('代管小区'),
    });
    expect(compound.status).toBe(200);
    const renamed = await w.patch(`/api/areas/${world.compoundB.id}`, { version: 1, name: unique('改名') });
    expect(renamed.status).toBe(200);
    const rows = await t.database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.actorUserId, world.users.workerA.id));
    const byEntity = new Map(rows.map((r) => [`${r.action}:${r.entityId}`, r]));
    expect(byEntity.get(`area.create:${compound.body.id}`)!.delegationId).toBe(delegationId);
    expect(byEntity.get(`area.update:${world.compoundB.id}`)!.delegationId).toBe(delegationId);
    // Cover does the work but hands out nothing that would outlast it: roles, delegations, tokens.
    const handOuts = [
      await w.post<ErrorBody>(`/api/users/${world.users.workerB.id}/grants`, {
        role: 'viewer',
        areaId: world.communityB.id,
      }),
      await w.post<ErrorBody>('/api/api-tokens', { name: 'x', role: 'viewer', areaId: world.communityB.id }),
      await w.post<ErrorBody>('/api/users', {
        username: unique('deleg')
          .toLowerCase()
          .replace(/[^a-z0-9-]/g, ''),
        name: '代理期间新建',
        password: 'abcdefgh12',
        homeAreaId: world.communityB.id,
        grants: [{ role: 'community_worker', areaId: world.communityB.id }],
      }),
    ];
    for (const r of handOuts) {
      expect(r.status).toBe(403);
      expect(r.body.error.code).toBe('user.delegated_cannot_grant');
    }
    // Work in its own community is not attributed to the delegation.
    const own = await w.post<{ id: string }>('/api/buildings', {
      compoundId: world.compoundA.id,
      name: unique('楼'),
      floors: 1,
      entrances: 1,
      roomsPerFloor: 1,
    });
    const [ownRow] = await t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.entityId, own.body.id), eq(auditLog.action, 'building.create')));
    expect(ownRow!.delegationId).toBeNull();

    const revoked = await street.post<Delegation>(`/api/delegations/${delegationId}/revoke`, {
      reason: '书记康复',
    });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({
      status: 'revoked',
      revokedAt: expect.any(String),
      revokedByName: world.users.streetAdmin.name,
    });
    expect(await reachOfWorkerA(world)).toEqual({ readCommunity: 404, readCompound: 404, buildings: 404 });
    expect((await w.patch(`/api/areas/${world.compoundB.id}`, { version: 2, name: 'x' })).status).toBe(404);

    // Both changes of the delegation itself are in the audit log, with the reasons.
    const own2 = await t.database.db.select().from(auditLog).where(eq(auditLog.entityId, delegationId));
    expect(own2.map((r) => r.action).sort()).toEqual(['delegation.create', 'delegation.revoke']);
    for (const r of own2) {
      expect(r.actorUserId).toBe(world.users.streetAdmin.id);
      expect(r.entityType).toBe('delegation');
      expect(r.communityId).toBe(world.communityB.id);
    }
    const createRow = own2.find((r) => r.action === 'delegation.create')!;
    expect(createRow.reason).toBe('书记住院，代理书记');
    expect(Object.keys(createRow.changes!).sort()).toEqual(
      ['area', 'endsAt', 'grantee', 'role', 'startsAt', 'title'].sort(),
    );
    const revokeRow = own2.find((r) => r.action === 'delegation.revoke')!;
    expect(revokeRow.reason).toBe('书记康复');
    expect(revokeRow.changes).toEqual({ status: { from: 'active', to: 'revoked' } });
  });

  it('a delegation that starts tomorrow gives nothing yet', async () => {
    const street = await as(world.users.streetAdmin);
    const created = await delegate(street, {
      granteeId: world.users.workerA.id,
      areaId: world.communityB.id,
      startsAt: iso(DAY),
      endsAt: iso(2 * DAY),
    });
    expect(created.status).toBe(200);
    expect(created.body.status).toBe('scheduled');
    expect(await reachOfWorkerA(world)).toEqual({ readCommunity: 404, readCompound: 404, buildings: 404 });
    expect((await street.post(`/api/delegations/${created.body.id}/revoke`, {})).status).toBe(200);
  });

  it('an expired delegation gives nothing and cannot be revoked any more', async () => {
    const expired = await insertDelegation(world, {
      startsAt: new Date(Date.now() - 2 * DAY),
      endsAt: new Date(Date.now() - 1000),
    });
    expect(await reachOfWorkerA(world)).toEqual({ readCommunity: 404, readCompound: 404, buildings: 404 });
    const street = await as(world.users.streetAdmin);
    const list = await street.get<{ items: Delegation[] }>(
      `/api/delegations?userId=${world.users.workerA.id}`,
    );
    expect(list.body.items.find((d) => d.id === expired.id)!.status).toBe('ended');
    const res = await street.post<ErrorBody>(`/api/delegations/${expired.id}/revoke`, {});
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('delegation.already_ended');
    const [row] = await t.database.db.select().from(delegations).where(eq(delegations.id, expired.id));
    expect(row!.revokedAt).toBeNull();
  });

  it('a delegation inserted as active works until its end, with no job to end it', async () => {
    const live = await insertDelegation(world, {
      startsAt: new Date(Date.now() - DAY),
      endsAt: new Date(Date.now() + 2500),
    });
    expect((await reachOfWorkerA(world)).readCommunity).toBe(200);
    await new Promise((resolve) =>
      setTimeout(resolve, Math.max(0, live.endsAt.getTime() - Date.now()) + 200),
    );
    expect(await reachOfWorkerA(world)).toEqual({ readCommunity: 404, readCompound: 404, buildings: 404 });
  });

  it('community B’s admin may delegate its own community to one of its users', async () => {
    const b = await as(world.users.adminB);
    const created = await delegate(b, {
      granteeId: world.users.workerB.id,
      areaId: world.communityB.id,
      title: 'second_secretary',
    });
    expect(created.status).toBe(200);
    expect(created.body.grantorId).toBe(world.users.adminB.id);
    // … but not A's community, nor to a user it cannot see.
    const other = await delegate(b, { granteeId: world.users.workerB.id, areaId: world.communityA.id });
    expect(other.status).toBe(404);
    const stranger = await delegate(b, { granteeId: world.users.workerA.id, areaId: world.communityB.id });
    expect(stranger.status).toBe(404);
    // Nor a role above its own.
    const high = await delegate(b, {
      granteeId: world.users.workerB.id,
      areaId: world.street.id,
      role: 'street_admin',
    });
    expect(high.status).toBe(404);
    expect((await b.post(`/api/delegations/${created.body.id}/revoke`, {})).status).toBe(200);
  });
});

describe('refused delegations', () => {
  let world: World;
  beforeAll(async () => {
    world = await buildWorld(t.database);
  });

  it('refuse a bad window with 422', async () => {
    const street = await as(world.users.streetAdmin);
    const windows = [
      { startsAt: iso(DAY), endsAt: iso(HOUR) }, // end before start
      { startsAt: iso(0), endsAt: iso(91 * DAY) }, // more than 90 days
      { startsAt: iso(-3 * DAY), endsAt: iso(-DAY) }, // already over
      { startsAt: iso(HOUR), endsAt: iso(HOUR) }, // empty
    ];
    for (const w of windows) {
      const res = await delegate(street, {
        granteeId: world.users.workerA.id,
        areaId: world.communityB.id,
        ...w,
      });
      expect(res.status, JSON.stringify(w)).toBe(422);
      expect(res.body.error.code).toBe('delegation.invalid_window');
    }
    // One instant for both ends: two Date.now() calls a millisecond apart would make it 90 days and 1 ms.
    const start = Date.now() + HOUR;
    const exactly90 = await delegate(street, {
      granteeId: world.users.workerA.id,
      areaId: world.communityB.id,
      startsAt: new Date(start).toISOString(),
      endsAt: new Date(start + 90 * DAY).toISOString(),
    });
    expect(exactly90.status).toBe(200);
    await street.post(`/api/delegations/${exactly90.body.id}/revoke`, {});
  });

  it('refuse delegating to oneself', async () => {
    const street = await as(world.users.streetAdmin);
    const res = await delegate(street, {
      granteeId: world.users.streetAdmin.id,
      areaId: world.communityB.id,
    });
    expect(res.status).toBe(422);
    expect(res.body.error.code).toBe('delegation.self');
  });

  it('refuse a role on the wrong level, and callers without delegation.manage', async () => {
    const countOf = async () =>
      (
        await t.database.db
          .select()
          .from(delegations)
          .where(eq(delegations.granteeId, world.users.workerA.id))
      ).length;
    const before = await countOf();
    const street = await as(world.users.streetAdmin);
    const wrong = await delegate(street, {
      granteeId: world.users.workerA.id,
      areaId: world.street.id,
      role: 'community_admin',
    });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.code).toBe('user.scope_kind_mismatch');
    const w = await as(world.users.workerA);
    const denied = await delegate(w, { granteeId: world.users.gridWorkerA.id, areaId: world.communityA.id });
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('auth.forbidden');
    expect(await countOf()).toBe(before);
  });

  it('refuse revoking twice', async () => {
    const street = await as(world.users.streetAdmin);
    const created = await delegate(street, {
      granteeId: world.users.workerB.id,
      areaId: world.communityB.id,
    });
    expect((await street.post(`/api/delegations/${created.body.id}/revoke`, {})).status).toBe(200);
    const again = await street.post<ErrorBody>(`/api/delegations/${created.body.id}/revoke`, {});
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('delegation.already_ended');
  });
});

describe('seeing delegations', () => {
  let world: World;
  let id: string;
  beforeAll(async () => {
    world = await buildWorld(t.database);
    const street = await as(world.users.streetAdmin);
    const created = await delegate(street, {
      granteeId: world.users.workerA.id,
      areaId: world.communityB.id,
    });
    id = created.body.id;
  });

  it('both the grantor and the grantee see it', async () => {
    const grantor = await (await as(world.users.streetAdmin)).get<{ items: Delegation[] }>(
      '/api/delegations',
    );
    expect(grantor.body.items.map((d) => d.id)).toContain(id);
    // The grantee holds no delegation.read of its own, yet sees the delegations about itself.
    const grantee = await (await as(world.users.workerA)).get<{ items: Delegation[] }>('/api/delegations');
    expect(grantee.body.items.map((d) => d.id)).toEqual([id]);
    expect(grantee.body.items[0]).toMatchObject({ status: 'active', granteeId: world.users.workerA.id });
  });

  it('community B’s admin sees it in its scope; community A’s admin and others do not', async () => {
    const b = await (await as(world.users.adminB)).get<{ items: Delegation[] }>('/api/delegations');
    expect(b.body.items.map((d) => d.id)).toContain(id);
    const a = await (await as(world.users.adminA)).get<{ items: Delegation[] }>('/api/delegations');
    expect(a.body.items.map((d) => d.id)).not.toContain(id);
    const far = await (await as(world.users.otherStreetAdmin)).get<{ items: Delegation[] }>(
      '/api/delegations',
    );
    expect(far.body.items.map((d) => d.id)).not.toContain(id);
  });

  it('filters by status', async () => {
    const street = await as(world.users.streetAdmin);
    const active = await street.get<{ items: Delegation[] }>('/api/delegations?status=active');
    expect(active.body.items.map((d) => d.id)).toContain(id);
    const revoked = await street.get<{ items: Delegation[] }>('/api/delegations?status=revoked');
    expect(revoked.body.items.map((d) => d.id)).not.toContain(id);
  });

  it('the grantee cannot revoke it, community A’s admin gets 404', async () => {
    const a = await as(world.users.adminA);
    const res = await a.post<ErrorBody>(`/api/delegations/${id}/revoke`, {});
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('delegation.not_found');
    const [row] = await t.database.db.select().from(delegations).where(eq(delegations.id, id));
    expect(row!.revokedAt).toBeNull();
  });
});
