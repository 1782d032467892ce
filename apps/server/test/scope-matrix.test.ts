import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedForm, seedSubmission } from '../src/modules/submissions/submissions.test-data';
import { resolveFieldCrypto } from '../src/platform/crypto';
import { testConfig } from './database';
import { buildWorld, signIn, startApp, type TestApp, type World } from './fixtures';

/**
 * DESIGN §4: a row outside the caller's scope answers 404, never 403. Community B's admin creates one
 * of everything; then callers of community A try every URL that names one of B's objects.
 */
let t: TestApp;
let world: World;
let requests: { method: 'GET' | 'POST' | 'PATCH'; url: string; body?: unknown }[];
let residentB: string;

beforeAll(async () => {
  t = await startApp();
  world = await buildWorld(t.database);
  const b = await signIn(t.app, world.users.adminB.username);
  const building = await b.post<{ id: string; entrances: { id: string }[]; dwellings: { id: string }[] }>(
    '/api/buildings',
    { compoundId: world.compoundB.id, name: '9', floors: 2, entrances: 1, roomsPerFloor: 2 },
  );
  const grid = await b.post<{ id: string }>('/api/grids', {
    communityId: world.communityB.id,
    name: 'B网格',
  });
  const workerB = await b.get<{ grants: { id: string }[] }>(`/api/users/${world.users.workerB.id}`);
  const delegation = await b.post<{ id: string }>('/api/delegations', {
    granteeId: world.users.workerB.id,
    role: 'community_admin',
    areaId: world.communityB.id,
    title: 'acting_secretary',
    reason: '书记病假',
    startsAt: new Date().toISOString(),
    endsAt: new Date(Date.now() + 86_400_000).toISOString(),
  });
  const token = await b.post<{ id: string }>('/api/api-tokens', {
    name: 'B bridge',
    role: 'viewer',
    areaId: world.communityB.id,
  });
  const resident = await b.post<{ id: string; dwellingId: string }>('/api/residents', {
    dwellingId: building.body.dwellings[1]!.id,
    name: '乙社区居民',
    phone: '13800009999',
  });
  for (const r of [building, grid, delegation, token, resident]) expect(r.status).toBe(200);
  residentB = resident.body.id;
  // Dedupe: two more of B's residents, merged, so its merge record can be named too.
  const twinB = await b.post<{ id: string }>('/api/residents', {
    householdId: (await b.get<{ householdId: string }>(`/api/residents/${residentB}`)).body.householdId,
    name: '乙社区居明',
  });
  const thirdB = await b.post<{ id: string }>('/api/residents', {
    householdId: (await b.get<{ householdId: string }>(`/api/residents/${residentB}`)).body.householdId,
    name: '乙社区居敏',
  });
  const mergeB = await b.post<{ id: string }>('/api/dedupe/merges', {
    survivorId: twinB.body.id,
    survivorVersion: 1,
    mergedId: thirdB.body.id,
    mergedVersion: 1,
  });
  for (const r of [twinB, thirdB, mergeB]) expect(r.status).toBe(200);
  const importB = await b.request(
    'POST',
    `/api/imports?communityId=${world.communityB.id}&fileName=b.csv`,
    Buffer.from('姓名,楼号,房号\n乙导入,9,101\n'),
    { 'content-type': 'text/csv' },
  );
  expect(importB.status).toBe(200);
  const importIdB = (importB.body as { id: string }).id;
  // Ledgers: one of B's, shared with its area, with a link.
  const ledgerB = await b.post<{ id: string }>('/api/ledgers', {
    name: 'B台账',
    areaId: world.communityB.id,
    sharing: 'area',
    filter: {},
    columns: ['name', 'phone'],
  });
  const linkB = await b.post<{ id: string }>(`/api/ledgers/${ledgerB.body.id}/links`, {
    expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
  });
  for (const r of [ledgerB, linkB]) expect(r.status).toBe(200);
  // Forms: one of B's, published.
  const formB = await b.post<{ id: string; version: number }>('/api/forms', {
    areaId: world.communityB.id,
    title: 'B登记',
    template: 'feedback',
  });
  const formBLive = await b.post<{ version: number }>(`/api/forms/${formB.body.id}/publish`, {
    version: formB.body.version,
  });
  for (const r of [formB, formBLive]) expect(r.status).toBe(200);
  const formV = { version: formBLive.body.version };
  // Submissions inbox: an answer to one of B's forms, stored as the public route stores it.
  const seededB = await seedForm(t.database.db, world.communityB, {
    sections: [{ title: '', fields: [{ key: 'name', type: 'text', label: '姓名', maps: 'resident.name' }] }],
  });
  const answerB = await seedSubmission(t.database.db, resolveFieldCrypto(testConfig()), seededB, {
    name: '乙答',
  });
  // Register model: a relation and a household of B's resident.
  const relationB = await b.post<{ id: string }>(`/api/residents/${residentB}/relations`, {
    kind: 'other',
    otherName: '乙的亲戚',
  });
  expect(relationB.status).toBe(200);
  const householdB = (await b.get<{ householdId: string }>(`/api/residents/${residentB}`)).body.householdId;
  const dwelling = building.body.dwellings[0]!.id;
  const v = { version: 1 };
  requests = [
    { method: 'GET', url: `/api/areas/${world.communityB.id}` },
    { method: 'GET', url: `/api/areas/${world.compoundB.id}` },
    { method: 'PATCH', url: `/api/areas/${world.compoundB.id}`, body: { ...v, name: '改名' } },
    { method: 'POST', url: `/api/areas/${world.compoundB.id}/archive`, body: v },
    {
      method: 'POST',
      url: '/api/areas',
      body: { kind: 'compound', parentId: world.communityB.id, name: '新' },
    },
    { method: 'GET', url: `/api/buildings?compoundId=${world.compoundB.id}` },
    {
      method: 'POST',
      url: '/api/buildings',
      body: { compoundId: world.compoundB.id, name: '1', floors: 1, entrances: 1, roomsPerFloor: 1 },
    },
    { method: 'GET', url: `/api/buildings/${building.body.id}` },
    { method: 'PATCH', url: `/api/buildings/${building.body.id}`, body: { ...v, name: '10' } },
    {
      method: 'POST',
      url: `/api/buildings/${building.body.id}/dwellings`,
      body: { entranceId: building.body.entrances[0]!.id, floor: 1, number: '199' },
    },
    { method: 'POST', url: `/api/buildings/${building.body.id}/floors`, body: { ...v, floors: 3 } },
    { method: 'POST', url: `/api/buildings/${building.body.id}/entrances`, body: { ...v, entrances: 2 } },
    { method: 'PATCH', url: `/api/dwellings/${dwelling}`, body: { ...v, number: '888' } },
    { method: 'POST', url: `/api/dwellings/${dwelling}/archive`, body: v },
    { method: 'GET', url: `/api/grids?communityId=${world.communityB.id}` },
    { method: 'POST', url: '/api/grids', body: { communityId: world.communityB.id, name: '越界网格' } },
    { method: 'PATCH', url: `/api/grids/${grid.body.id}`, body: { ...v, name: '改' } },
    { method: 'GET', url: `/api/users/${world.users.workerB.id}` },
    { method: 'PATCH', url: `/api/users/${world.users.workerB.id}`, body: { ...v, name: '改' } },
    {
      method: 'POST',
      url: `/api/users/${world.users.workerB.id}/reset-password`,
      body: { newPassword: 'hijacked-123' },
    },
    {
      method: 'POST',
      url: `/api/users/${world.users.workerB.id}/grants`,
      body: { role: 'viewer', areaId: world.communityB.id },
    },
    {
      method: 'POST',
      url: `/api/users/${world.users.workerB.id}/grants/${workerB.body.grants[0]!.id}/revoke`,
    },
    {
      method: 'POST',
      url: '/api/users',
      body: { username: 'intruder', name: '越界', password: 'abcdefgh12', homeAreaId: world.communityB.id },
    },
    {
      method: 'POST',
      url: '/api/delegations',
      body: {
        granteeId: world.users.workerA.id,
        role: 'community_worker',
        areaId: world.communityB.id,
        title: 'cover',
        reason: '越界',
        startsAt: new Date().toISOString(),
        endsAt: new Date(Date.now() + 3_600_000).toISOString(),
      },
    },
    { method: 'POST', url: `/api/delegations/${delegation.body.id}/revoke`, body: {} },
    {
      method: 'POST',
      url: '/api/api-tokens',
      body: { name: 'x', role: 'viewer', areaId: world.communityB.id },
    },
    { method: 'POST', url: `/api/api-tokens/${token.body.id}/revoke` },
    { method: 'GET', url: `/api/residents/${resident.body.id}` },
    { method: 'PATCH', url: `/api/residents/${resident.body.id}`, body: { ...v, phone: '13900000000' } },
    {
      method: 'POST',
      url: `/api/residents/${resident.body.id}/move-out`,
      body: { ...v, kind: 'moved_out', date: '2026-01-01' },
    },
    {
      method: 'POST',
      url: `/api/residents/${resident.body.id}/reveal`,
      body: { fields: ['phone'], reason: '越界' },
    },
    { method: 'GET', url: `/api/residents/${resident.body.id}/access-log` },
    { method: 'GET', url: `/api/residents/${resident.body.id}/timeline` },
    { method: 'GET', url: `/api/households?dwellingId=${resident.body.dwellingId}` },
    { method: 'GET', url: `/api/buildings/${building.body.id}/occupancy` },
    { method: 'GET', url: `/api/residents/${residentB}/relations` },
    {
      method: 'POST',
      url: `/api/residents/${residentB}/relations`,
      body: { kind: 'other', otherName: '越界' },
    },
    { method: 'POST', url: `/api/residents/${residentB}/relations/${relationB.body.id}/end` },
    { method: 'PATCH', url: `/api/households/${householdB}/tags`, body: { ...v, tags: [] } },
    {
      method: 'POST',
      url: `/api/residents/${resident.body.id}/move`,
      body: { ...v, dwellingId: dwelling, movedAt: '2026-01-01' },
    },
    {
      method: 'POST',
      url: `/api/households/${householdB}/move`,
      body: { ...v, dwellingId: dwelling, movedAt: '2026-01-01' },
    },
    { method: 'GET', url: `/api/dwellings/${dwelling}/profile` },
    { method: 'PATCH', url: `/api/dwellings/${dwelling}/profile`, body: { ...v, use: 'vacant' } },
    { method: 'POST', url: `/api/dwellings/${dwelling}/owner-phone/reveal`, body: { reason: '越界' } },
    { method: 'POST', url: '/api/residents', body: { dwellingId: dwelling, name: '越界登记' } },
    { method: 'GET', url: `/api/dedupe/compare?a=${residentB}&b=${twinB.body.id}` },
    { method: 'POST', url: '/api/dedupe/dismissals', body: { aId: residentB, bId: twinB.body.id } },
    {
      method: 'POST',
      url: '/api/dedupe/merges',
      body: { survivorId: residentB, survivorVersion: 1, mergedId: twinB.body.id, mergedVersion: 2 },
    },
    { method: 'GET', url: `/api/dedupe/merges/${mergeB.body.id}` },
    { method: 'POST', url: `/api/dedupe/merges/${mergeB.body.id}/undo`, body: v },
    { method: 'POST', url: `/api/imports?communityId=${world.communityB.id}&fileName=x.csv`, body: {} },
    { method: 'GET', url: `/api/imports/${importIdB}` },
    { method: 'PATCH', url: `/api/imports/${importIdB}`, body: { ...v, mapping: ['name', null, null] } },
    { method: 'GET', url: `/api/imports/${importIdB}/preview` },
    { method: 'POST', url: `/api/imports/${importIdB}/commit`, body: v },
    { method: 'GET', url: `/api/imports/${importIdB}/report` },
    { method: 'GET', url: `/api/imports/${importIdB}/report.xlsx` },
    {
      method: 'POST',
      url: '/api/import-templates',
      body: { communityId: world.communityB.id, name: '越界模板', columns: {} },
    },
    {
      method: 'POST',
      url: '/api/ledgers',
      body: { name: '越界台账', areaId: world.communityB.id, filter: {}, columns: ['name'] },
    },
    { method: 'GET', url: `/api/ledgers/${ledgerB.body.id}` },
    { method: 'GET', url: `/api/ledgers/${ledgerB.body.id}/rows` },
    { method: 'PATCH', url: `/api/ledgers/${ledgerB.body.id}`, body: { ...v, name: '越界' } },
    { method: 'POST', url: `/api/ledgers/${ledgerB.body.id}/archive`, body: v },
    {
      method: 'POST',
      url: `/api/ledgers/${ledgerB.body.id}/export`,
      body: { format: 'csv', purpose: '越界' },
    },
    { method: 'GET', url: `/api/ledgers/${ledgerB.body.id}/links` },
    {
      method: 'POST',
      url: `/api/ledgers/${ledgerB.body.id}/links`,
      body: { expiresAt: new Date(Date.now() + 86_400_000).toISOString() },
    },
    { method: 'POST', url: `/api/ledgers/${ledgerB.body.id}/links/${linkB.body.id}/revoke` },
    { method: 'GET', url: `/api/forms/${formB.body.id}` },
    { method: 'PATCH', url: `/api/forms/${formB.body.id}`, body: { ...formV, title: '越界' } },
    { method: 'POST', url: `/api/forms/${formB.body.id}/publish`, body: formV },
    { method: 'POST', url: `/api/forms/${formB.body.id}/close`, body: formV },
    { method: 'POST', url: `/api/forms/${formB.body.id}/reopen`, body: formV },
    { method: 'POST', url: `/api/forms/${formB.body.id}/archive`, body: formV },
    { method: 'GET', url: `/api/forms/${formB.body.id}/chain` },
    { method: 'POST', url: '/api/forms', body: { areaId: world.communityB.id, title: '越界表单' } },
    { method: 'GET', url: `/api/submissions/${answerB.id}` },
    { method: 'GET', url: `/api/submissions/${answerB.id}/candidates` },
    { method: 'GET', url: `/api/submissions/${answerB.id}/diff` },
    { method: 'POST', url: `/api/submissions/${answerB.id}/reveal`, body: { reason: '越界' } },
    { method: 'POST', url: `/api/submissions/${answerB.id}/status`, body: { status: 'reviewed', ...v } },
    {
      method: 'POST',
      url: `/api/submissions/${answerB.id}/apply`,
      body: { ...v, create: true, fields: ['resident.name'] },
    },
  ];
});
afterAll(() => t.close());

describe('another community’s objects', () => {
  for (const who of ['workerA', 'adminA', 'gridWorkerA', 'volunteerA'] as const) {
    it(`answer 404 to ${who} on every URL`, async () => {
      const s = await signIn(t.app, world.users[who].username);
      for (const r of requests) {
        const res = await s.request(r.method, r.url, r.body);
        expect(res.status, `${who} ${r.method} ${r.url} → ${JSON.stringify(res.body)}`).toBe(404);
      }
    });
  }

  it('stay out of lists and the tree', async () => {
    const s = await signIn(t.app, world.users.adminA.username);
    const tree = await s.get<{ nodes: { id: string }[] }>('/api/areas/tree');
    const ids = tree.body.nodes.map((n) => n.id);
    expect(ids).toContain(world.compoundA.id);
    expect(ids).not.toContain(world.communityB.id);
    expect(ids).not.toContain(world.compoundB.id);
    const users = await s.get<{ items: { id: string }[] }>('/api/users?limit=200');
    expect(users.body.items.map((u) => u.id)).not.toContain(world.users.workerB.id);
    const delegations = await s.get<{ items: unknown[] }>('/api/delegations');
    expect(delegations.body.items).toEqual([]);
    const residents = await s.get<{ items: { id: string }[] }>(
      '/api/residents?q=%E4%B9%99%E7%A4%BE%E5%8C%BA',
    );
    expect(residents.status).toBe(200);
    expect(residents.body.items.map((r) => r.id)).not.toContain(residentB);
    const byPhone = await s.get<{ items: unknown[] }>('/api/residents?q=13800009999');
    expect(byPhone.body.items).toEqual([]);
    const tokens = await s.get<{ items: unknown[] }>('/api/api-tokens');
    expect(tokens.body.items).toEqual([]);
    const audit = await s.get<{ items: { communityId: string | null }[] }>('/api/audit?limit=200');
    expect(audit.body.items.every((e) => e.communityId !== world.communityB.id)).toBe(true);
  });

  it('are reachable by the street above both communities', async () => {
    const s = await signIn(t.app, world.users.streetAdmin.username);
    for (const r of requests.filter((q) => q.method === 'GET')) {
      expect((await s.request(r.method, r.url)).status, r.url).toBe(200);
    }
  });

  it('answer 404 to the admin of another street', async () => {
    const s = await signIn(t.app, world.users.otherStreetAdmin.username);
    for (const r of requests) {
      expect((await s.request(r.method, r.url, r.body)).status, `${r.method} ${r.url}`).toBe(404);
    }
  });
});
