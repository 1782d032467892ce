import type { Role } from '@linli/shared';
import type { FastifyInstance } from 'fastify';
import { placeUnder } from '../src/modules/areas/areas.rules';
import { type AreaRow, areas } from '../src/modules/areas/areas.table';
import { roleGrants, users } from '../src/modules/users/users.table';
import { resolveFieldCrypto } from '../src/platform/crypto';
import type { Database } from '../src/platform/db';
import { buildApp } from '../src/platform/http';
import { newId } from '../src/platform/ids';
import { hashPassword } from '../src/platform/passwords';
import { openTestDatabase, testConfig } from './database';

export const PASSWORD = 'fixture-pass-1';
let passwordHash: Promise<string> | null = null;

/** Names unique to one test, so tests sharing a PostgreSQL database never see each other's rows. */
export const unique = (prefix: string) => `${prefix}-${newId().slice(-12)}`;

export type TestApp = { app: FastifyInstance; database: Database; close(): Promise<void> };

export async function startApp(configOverrides: Record<string, string> = {}): Promise<TestApp> {
  const database = await openTestDatabase();
  const config = testConfig(configOverrides);
  const app = await buildApp({ config, database, crypto: resolveFieldCrypto(config) });
  await app.ready();
  return {
    app,
    database,
    async close() {
      await app.close();
      await database.close();
    },
  };
}

async function insertArea(database: Database, kind: AreaRow['kind'], parent: AreaRow | null, name: string) {
  const id = newId();
  const [row] = await database.db
    .insert(areas)
    .values({ id, kind, parentId: parent?.id ?? null, ...placeUnder(id, kind, parent), name })
    .returning();
  return row!;
}

export async function insertUser(database: Database, home: AreaRow, grants: { role: Role; area: AreaRow }[]) {
  passwordHash ??= hashPassword(PASSWORD);
  const id = newId();
  const username = unique('u').toLowerCase();
  const [row] = await database.db
    .insert(users)
    .values({
      id,
      username,
      name: `测试${username.slice(-4)}`,
      passwordHash: await passwordHash,
      homeAreaId: home.id,
      districtId: home.districtId,
      streetId: home.streetId,
      communityId: home.communityId,
    })
    .returning();
  for (const g of grants) {
    await database.db.insert(roleGrants).values({
      id: newId(),
      userId: id,
      role: g.role,
      areaId: g.area.id,
      districtId: g.area.districtId,
      streetId: g.area.streetId,
      communityId: g.area.communityId,
    });
  }
  return row!;
}

/**
 * A district with two streets; street 1 has communities A and B, each with a compound; the usual
 * cast of users. Every test builds its own, so tests never depend on each other.
 */
export async function buildWorld(database: Database) {
  const district = await insertArea(database, 'district', null, unique('区'));
  const street = await insertArea(database, 'street', district, unique('街道'));
  const otherStreet = await insertArea(database, 'street', district, unique('街道'));
  const communityA = await insertArea(database, 'community', street, unique('A居民区'));
  const communityB = await insertArea(database, 'community', street, unique('B居民区'));
  const communityC = await insertArea(database, 'community', otherStreet, unique('C居民区'));
  const compoundA = await insertArea(database, 'compound', communityA, unique('A小区'));
  const compoundB = await insertArea(database, 'compound', communityB, unique('B小区'));
  const compoundC = await insertArea(database, 'compound', communityC, unique('C小区'));
  const user = (home: AreaRow, role: Role, area: AreaRow = home) =>
    insertUser(database, home, [{ role, area }]);
  return {
    district,
    street,
    otherStreet,
    communityA,
    communityB,
    communityC,
    compoundA,
    compoundB,
    compoundC,
    users: {
      districtAdmin: await user(district, 'district_admin'),
      streetAdmin: await user(street, 'street_admin'),
      otherStreetAdmin: await user(otherStreet, 'street_admin'),
      adminA: await user(communityA, 'community_admin'),
      workerA: await user(communityA, 'community_worker'),
      gridWorkerA: await user(communityA, 'grid_worker'),
      volunteerA: await user(communityA, 'volunteer'),
      adminB: await user(communityB, 'community_admin'),
      workerB: await user(communityB, 'community_worker'),
    },
  };
}
export type World = Awaited<ReturnType<typeof buildWorld>>;

export type Session = {
  username: string;
  request(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  get<T = unknown>(url: string): Promise<{ status: number; body: T }>;
  post<T = unknown>(url: string, body?: unknown): Promise<{ status: number; body: T }>;
  patch<T = unknown>(url: string, body?: unknown): Promise<{ status: number; body: T }>;
};

type Response = { status: number; body: unknown; headers: Record<string, unknown> };

/** Signs in through the real login route and keeps the cookie and CSRF token like a browser. */
export async function signIn(app: FastifyInstance, username: string, password = PASSWORD): Promise<Session> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.statusCode} ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === 'linli_session')!;
  const csrf = (res.json() as { csrfToken: string }).csrfToken;
  const request = async (
    method: string,
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const r = await app.inject({
      method: method as 'GET',
      url,
      cookies: { linli_session: cookie.value },
      headers: { 'x-csrf-token': csrf, ...headers },
      ...(body !== undefined && { payload: body as object }),
    });
    let parsed: unknown = r.body;
    try {
      parsed = r.json();
    } catch {
      // Not JSON (the console's HTML): keep the text.
    }
    return { status: r.statusCode, body: parsed, headers: r.headers };
  };
  const typed =
    (method: string) =>
    async <T>(url: string, body?: unknown) => {
      const r = await request(method, url, body);
      return { status: r.status, body: r.body as T };
    };
  return { username, request, get: typed('GET'), post: typed('POST'), patch: typed('PATCH') };
}

/** One sign-in per user and test file, reused: the login route is rate-limited per address. */
export function sessionsFor(app: () => FastifyInstance) {
  const sessions = new Map<string, Promise<Session>>();
  return (user: { username: string }): Promise<Session> => {
    let session = sessions.get(user.username);
    if (!session) {
      session = signIn(app(), user.username);
      sessions.set(user.username, session);
    }
    return session;
  };
}
