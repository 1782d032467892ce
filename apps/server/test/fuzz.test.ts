import { sql } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '../src/platform/db';
import { buildWorld, type Session, signIn, startApp, type TestApp, type World } from './fixtures';

/**
 * Throws random bodies at every write route the OpenAPI document lists, as a signed-in administrator
 * whose scope holds the objects named in the URLs. No input may produce a 5xx, and a refused request
 * must leave every table exactly as it was.
 */
// 300 bodies per route keep a local `npm test` to minutes; CI's PGlite pass throws 1,000.
const RUNS = Number(process.env.LINLI_FUZZ_RUNS ?? 300);
const TABLES = [
  'households',
  'residents',
  'resident_tags',
  'areas',
  'buildings',
  'entrances',
  'dwellings',
  'grids',
  'grid_buildings',
  'users',
  'role_grants',
  'delegations',
  'api_tokens',
  'sessions',
  'audit_log',
];

let t: TestApp;
let world: World;
let admin: Session;
let ids: Record<string, string>;
let valid: Record<string, Record<string, unknown>>;

async function fingerprint(): Promise<string> {
  // Row counts, plus the sum of versions where rows carry one, so an update shows as well as an insert.
  const parts = TABLES.map((table) => {
    const versioned = [
      'areas',
      'buildings',
      'dwellings',
      'grids',
      'users',
      'households',
      'residents',
    ].includes(table);
    return `select '${table}' as t, count(*)::text || ':' || ${versioned ? 'coalesce(sum(version), 0)::text' : "''"} as f from ${table}`;
  });
  const result = await t.database.db.execute(sql.raw(parts.join(' union all ')));
  return rowsOf<{ t: string; f: string }>(result)
    .map((r) => `${r.t}=${r.f}`)
    .sort()
    .join(',');
}

beforeAll(async () => {
  t = await startApp();
  world = await buildWorld(t.database);
  admin = await signIn(t.app, world.users.adminA.username);
  const building = await admin.post<{ id: string; entrances: { id: string }[]; dwellings: { id: string }[] }>(
    '/api/buildings',
    { compoundId: world.compoundA.id, name: '1', floors: 3, entrances: 2, roomsPerFloor: 2 },
  );
  const grid = await admin.post<{ id: string }>('/api/grids', {
    communityId: world.communityA.id,
    name: 'G',
  });
  const worker = await admin.get<{ grants: { id: string }[] }>(`/api/users/${world.users.workerA.id}`);
  const delegation = await admin.post<{ id: string }>('/api/delegations', {
    granteeId: world.users.workerA.id,
    role: 'community_worker',
    areaId: world.communityA.id,
    title: 'cover',
    reason: 'fuzz',
    startsAt: new Date().toISOString(),
    endsAt: new Date(Date.now() + 86_400_000).toISOString(),
  });
  const token = await admin.post<{ id: string }>('/api/api-tokens', {
    name: 't',
    role: 'viewer',
    areaId: world.communityA.id,
  });
  const resident = await admin.post<{ id: string }>('/api/residents', {
    dwellingId: building.body.dwellings[0]!.id,
    name: '样本居民',
    phone: '13800001234',
  });
  const family = await admin.post<{ householdId: string }>('/api/residents', {
    dwellingId: building.body.dwellings[2]!.id,
    name: '样本户主',
  });
  ids = {
    areas: world.compoundA.id,
    households: family.body.householdId,
    buildings: building.body.id,
    dwellings: building.body.dwellings[0]!.id,
    grids: grid.body.id,
    users: world.users.workerA.id,
    grantId: worker.body.grants[0]!.id,
    delegations: delegation.body.id,
    'api-tokens': token.body.id,
    residents: resident.body.id,
  };
  const future = new Date(Date.now() + 3_600_000).toISOString();
  valid = {
    'POST /api/areas': { kind: 'compound', parentId: world.communityA.id, name: '样本小区' },
    'PATCH /api/areas/{id}': { version: 1, name: '改名' },
    'POST /api/areas/{id}/archive': { version: 1 },
    'POST /api/buildings': {
      compoundId: world.compoundA.id,
      name: '2',
      floors: 2,
      entrances: 1,
      roomsPerFloor: 2,
    },
    'PATCH /api/buildings/{id}': { version: 1, name: '3' },
    'POST /api/buildings/{id}/dwellings': {
      entranceId: building.body.entrances[0]!.id,
      floor: 1,
      number: '105',
    },
    'POST /api/buildings/{id}/floors': { version: 1, floors: 4 },
    'POST /api/buildings/{id}/entrances': { version: 1, entrances: 3 },
    'PATCH /api/dwellings/{id}': { version: 1, number: '109' },
    'POST /api/dwellings/{id}/archive': { version: 1 },
    'POST /api/grids': { communityId: world.communityA.id, name: 'G2', buildingIds: [building.body.id] },
    'PATCH /api/grids/{id}': { version: 1, name: 'G3' },
    'POST /api/users': {
      username: 'fuzz.user',
      name: '样本',
      password: 'abcdefgh12',
      homeAreaId: world.communityA.id,
    },
    'PATCH /api/users/{id}': { version: 1, name: '改' },
    'POST /api/users/{id}/reset-password': { newPassword: 'abcdefgh12' },
    'POST /api/users/{id}/grants': { role: 'viewer', areaId: world.communityA.id },
    'POST /api/delegations': {
      granteeId: world.users.gridWorkerA.id,
      role: 'community_worker',
      areaId: world.communityA.id,
      title: 'cover',
      reason: 'r',
      startsAt: new Date().toISOString(),
      endsAt: future,
    },
    'POST /api/delegations/{id}/revoke': { reason: 'r' },
    'POST /api/api-tokens': { name: 'n', role: 'viewer', areaId: world.communityA.id, expiresAt: future },
    'POST /api/me/password': { currentPassword: 'wrong-password-1', newPassword: 'abcdefgh12' },
    'POST /api/auth/login': { username: 'nobody', password: 'x' },
    'POST /api/residents': { dwellingId: building.body.dwellings[1]!.id, name: '样本', phone: '13800005678' },
    'PATCH /api/residents/{id}': { version: 1, phone: '13900001234' },
    'POST /api/residents/{id}/move-out': { version: 1, kind: 'moved_out', date: '2026-01-01' },
    'POST /api/residents/{id}/reveal': { fields: ['phone'], reason: '核实' },
    'POST /api/residents/{id}/move': {
      version: 1,
      dwellingId: building.body.dwellings[3]!.id,
      movedAt: '2026-01-01',
    },
    'POST /api/households/{id}/move': {
      version: 1,
      dwellingId: building.body.dwellings[4]!.id,
      movedAt: '2026-01-01',
    },
  };
});
afterAll(() => t.close());

type Operation = { method: string; path: string; bodyKeys: string[] };

async function writeOperations(): Promise<Operation[]> {
  const spec = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as {
    paths: Record<
      string,
      Record<string, { requestBody?: { content: Record<string, { schema: { properties?: object } }> } }>
    >;
  };
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      if (!['post', 'patch', 'put', 'delete'].includes(method)) continue;
      // Logging out ends the session the fuzzer is using; it takes no body anyway.
      if (path === '/api/auth/logout') continue;
      const schema = op.requestBody?.content['application/json']?.schema;
      ops.push({ method: method.toUpperCase(), path, bodyKeys: Object.keys(schema?.properties ?? {}) });
    }
  }
  return ops;
}

function urlFor(path: string): string {
  return path
    .replace(/\/api\/([a-z-]+)\/\{id\}/, (_, collection: string) => `/api/${collection}/${ids[collection]}`)
    .replace('{grantId}', ids.grantId!);
}

const anyValue = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.uuid(),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  fc.array(fc.oneof(fc.uuid(), fc.string(), fc.integer()), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }),
  fc.constantFrom('', ' ', '0', '-1', '1e309', '__proto__', '<script>', "'; drop table users; --", '\u0000'),
);

function bodies(op: Operation) {
  const sample = valid[`${op.method} ${op.path}`] ?? {};
  const keys = [...new Set([...op.bodyKeys, ...Object.keys(sample)])];
  return fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    keys.length
      ? fc.record(Object.fromEntries(keys.map((k) => [k, anyValue])), { requiredKeys: [] })
      : fc.object(),
    // One field of an otherwise valid body replaced or removed: reaches the service, not just the schema.
    fc
      .record({
        key: keys.length ? fc.constantFrom(...keys) : fc.constant('x'),
        value: anyValue,
        drop: fc.boolean(),
      })
      .map(({ key, value, drop }) => {
        const body: Record<string, unknown> = { ...sample };
        if (drop) delete body[key];
        else body[key] = value;
        return body;
      }),
    fc.string({ maxLength: 50 }).map((raw) => ({ __raw: raw })),
  );
}

describe('random bodies at every write route', () => {
  it('never produce a 5xx, and a refused request changes nothing', async () => {
    const ops = await writeOperations();
    expect(ops.length).toBeGreaterThanOrEqual(18);
    for (const op of ops) {
      const url = urlFor(op.path);
      await fc.assert(
        fc.asyncProperty(bodies(op), async (body) => {
          const before = await fingerprint();
          const raw = typeof body === 'object' && body !== null && '__raw' in body;
          const res = await admin.request(
            op.method,
            url,
            raw ? (body as { __raw: string }).__raw : body,
            raw ? { 'content-type': 'application/json' } : {},
          );
          expect(
            res.status,
            `${op.method} ${url} ${JSON.stringify(body)} → ${JSON.stringify(res.body)}`,
          ).toBeLessThan(500);
          if (res.status >= 400 && op.path !== '/api/auth/login') {
            expect(await fingerprint(), `${op.method} ${url} ${JSON.stringify(body)}`).toBe(before);
          }
        }),
        { numRuns: RUNS },
      );
    }
    // No timing is asserted: a slow machine only needs the room (1,000 runs per route took 600 s on a busy day).
  }, 1_800_000);
});
