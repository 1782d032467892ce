import { ERRORS } from '@linli/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWorld, signIn, startApp, type TestApp, type World } from './fixtures';

let t: TestApp;
let world: World;

beforeAll(async () => {
  t = await startApp();
  world = await buildWorld(t.database);
});
afterAll(() => t.close());

describe('the HTTP edge', () => {
  it('answers health with the database kind', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      status: 'ok',
      database: process.env.DATABASE_URL ? 'postgres' : 'pglite',
      version: expect.any(String),
    });
  });

  it('sets security headers', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/health' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(String(res.headers['content-security-policy'])).toContain("default-src 'self'");
  });

  it('answers unknown API routes with a coded 404 in the error envelope (401 before sign-in)', async () => {
    const anonymous = await t.app.inject({ method: 'GET', url: '/api/no-such-thing' });
    expect(anonymous.statusCode).toBe(401);
    const s = await signIn(t.app, world.users.workerA.username);
    const res = await s.request('GET', '/api/no-such-thing', undefined, { 'accept-language': 'en' });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      error: { code: 'request.route_not_found', message: 'No such endpoint' },
      requestId: expect.any(String),
    });
  });

  it('rejects malformed JSON, oversized bodies and foreign content types with 4xx codes', async () => {
    const s = await signIn(t.app, world.users.adminA.username);
    const malformed = await s.request('POST', '/api/areas', '{"kind":', {
      'content-type': 'application/json',
    });
    expect(malformed.status).toBe(400);
    expect((malformed.body as { error: { code: string } }).error.code).toBe('request.malformed');
    const huge = await s.request('POST', '/api/areas', {
      kind: 'compound',
      parentId: world.communityA.id,
      name: 'x'.repeat(300_000),
    });
    expect(huge.status).toBe(413);
    expect((huge.body as { error: { code: string } }).error.code).toBe('request.too_large');
    const xml = await s.request('POST', '/api/areas', '<a/>', { 'content-type': 'application/xml' });
    expect(xml.status).toBe(415);
  });

  it('names every invalid field with a message in the caller’s language', async () => {
    const s = await signIn(t.app, world.users.adminA.username);
    const body = { kind: 'compound', parentId: 'not-a-uuid', name: '', code: '12', extra: true };
    const zh = await s.request('POST', '/api/areas', body, { 'accept-language': 'zh-CN' });
    const en = await s.request('POST', '/api/areas', body, { 'accept-language': 'en-US' });
    type Err = {
      error: { code: string; message: string; details: { issues: { path: string; message: string }[] } };
    };
    const zhErr = (zh.body as Err).error;
    const enErr = (en.body as Err).error;
    expect(zh.status).toBe(400);
    expect(zhErr.code).toBe('request.validation');
    expect(zhErr.details.issues.map((i) => i.path).sort()).toEqual(['', 'code', 'name', 'parentId']);
    expect(zhErr.details.issues.find((i) => i.path === 'code')!.message).toBe(
      '区划代码应为 6、9 或 12 位数字',
    );
    expect(enErr.details.issues.find((i) => i.path === 'code')!.message).toBe(
      'A division code has 6, 9 or 12 digits',
    );
    expect(enErr.details.issues.find((i) => i.path === '')!.message).toContain('extra');
    // The submitted values are never echoed back.
    expect(JSON.stringify(zh.body)).not.toContain('not-a-uuid');
  });

  it('validates query strings and path parameters too', async () => {
    const s = await signIn(t.app, world.users.adminA.username);
    const badParam = await s.get<{ error: { code: string; details: { in: string } } }>('/api/areas/123');
    expect(badParam.status).toBe(400);
    expect(badParam.body.error.details.in).toBe('params');
    const badQuery = await s.get<{ error: { details: { in: string } } }>('/api/audit?limit=100000');
    expect(badQuery.status).toBe(400);
    expect(badQuery.body.error.details.in).toBe('querystring');
  });

  it('publishes OpenAPI 3 with an operationId and schemas on every route', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    const spec = res.json() as {
      openapi: string;
      paths: Record<string, Record<string, { operationId?: string; responses?: Record<string, unknown> }>>;
    };
    expect(spec.openapi).toMatch(/^3\./);
    const operations = Object.entries(spec.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ path, method, op })),
    );
    expect(operations.length).toBeGreaterThan(25);
    for (const { path, method, op } of operations) {
      expect(op.operationId, `${method} ${path}`).toBeTruthy();
      const documented = Object.keys(op.responses ?? {}).filter((status) => /^2\d\d$/.test(status));
      expect(documented, `${method} ${path}`).not.toHaveLength(0);
    }
    const docs = await t.app.inject({ method: 'GET', url: '/api/docs' });
    expect(docs.statusCode).toBeLessThan(400);
  });

  it('maps every error code to an HTTP status in the shared table', () => {
    for (const [code, entry] of Object.entries(ERRORS)) {
      expect(entry.status, code).toBeGreaterThanOrEqual(400);
      expect(entry.zh.length, code).toBeGreaterThan(0);
      expect(entry.en.length, code).toBeGreaterThan(0);
    }
  });
});
