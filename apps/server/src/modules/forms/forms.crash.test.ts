import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eq } from 'drizzle-orm';
import { build } from 'esbuild';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { TEST_ENCRYPTION_KEY } from '../../../test/database';
import { buildWorld, signIn } from '../../../test/fixtures';
import { loadConfig } from '../../platform/config';
import { resolveFieldCrypto } from '../../platform/crypto';
import { openDatabase } from '../../platform/db';
import { buildApp } from '../../platform/http';
import { formSubmissions } from './forms.table';

/**
 * Issue 4, "must show" 2: kill -9 during a burst of answers loses none that were answered 2xx, and
 * stores none twice. The real server runs as a child process on a PGlite data directory.
 */
const serverDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
let work: string;
let bundle: string;
let dataDir: string;
let child: ChildProcess | null = null;

const env = () => ({
  ...process.env,
  DATABASE_URL: '',
  PORT: '0',
  HOST: '127.0.0.1',
  LINLI_DATA_DIR: dataDir,
  LINLI_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
  LINLI_LOG_LEVEL: 'error',
  LINLI_FORM_SUBMITS_PER_IP_PER_MINUTE: '100000',
});

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'linli-forms-crash-'));
  dataDir = join(work, 'data');
  // The server bundled as `npm run build` does, into a private folder below apps/server (ignored by
  // git) so that it finds the migrations and packages, without touching the dist/ others may run.
  mkdirSync(join(serverDir, '.linli-test-data'), { recursive: true });
  const out = mkdtempSync(join(serverDir, '.linli-test-data', 'forms-crash-'));
  bundle = join(out, 'cli.js');
  const pkg = JSON.parse(readFileSync(join(serverDir, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  await build({
    entryPoints: { cli: join(serverDir, 'src/cli/cli.ts') },
    outdir: out,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: Object.keys(pkg.dependencies),
    logLevel: 'warning',
  });
});

afterAll(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  if (bundle) rmSync(dirname(bundle), { recursive: true, force: true });
  if (work) rmSync(work, { recursive: true, force: true });
});

function startServer(): Promise<{ proc: ChildProcess; url: string }> {
  return new Promise((resolveStart, reject) => {
    const proc = spawn(process.execPath, [bundle, 'serve'], {
      env: env(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 60_000);
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const m = /running at (http:\/\/[^\s]+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolveStart({ proc, url: m[1]! });
      }
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', onData);
    proc.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}):\n${out}`));
    });
  });
}

const exited = (proc: ChildProcess) =>
  new Promise<void>((r) =>
    proc.exitCode !== null || proc.signalCode !== null ? r() : proc.once('exit', () => r()),
  );

it('keeps every acknowledged answer, once, across a kill -9 mid-burst', async () => {
  // Set up a published form on the data directory, in process, then let go of it.
  const config = loadConfig(env());
  const setup = await openDatabase(config.database);
  await setup.migrate();
  const app = await buildApp({ config, database: setup, crypto: resolveFieldCrypto(config) });
  await app.ready();
  const world = await buildWorld(setup);
  const s = await signIn(app, world.users.adminA.username);
  const created = await s.post<{ id: string; slug: string; version: number }>('/api/forms', {
    areaId: world.communityA.id,
    title: '登记',
  });
  const patched = await s.patch<{ version: number }>(`/api/forms/${created.body.id}`, {
    version: created.body.version,
    draft: { sections: [{ title: '', fields: [{ key: 'q', type: 'text', label: '问', required: true }] }] },
  });
  const published = await s.post(`/api/forms/${created.body.id}/publish`, { version: patched.body.version });
  expect(published.status).toBe(200);
  await app.close();
  await setup.close();
  const { slug, id: formId } = created.body;

  const first = await startServer();
  const send = async (url: string, i: number) => {
    const res = await fetch(`${url}/api/public/forms/${slug}/submissions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': `crash-key-${i}` },
      body: JSON.stringify({ answers: { q: `answer ${i}` }, versionNo: 1 }),
    });
    return { status: res.status, body: (await res.json()) as { reference: string } };
  };
  const acked = new Map<number, string>();
  let killed = false;
  const total = 400;
  let next = 0;
  // Twelve senders at once; the kill comes once 60 answers are acknowledged, while others are in flight.
  const sender = async () => {
    while (next < total && !killed) {
      const i = next++;
      try {
        const r = await send(first.url, i);
        if (r.status >= 200 && r.status < 300) acked.set(i, r.body.reference);
        if (acked.size >= 60 && !killed) {
          killed = true;
          first.proc.kill('SIGKILL');
        }
      } catch {
        // The connection died with the server: this one was never acknowledged.
      }
    }
  };
  await Promise.all(Array.from({ length: 12 }, sender));
  await exited(first.proc);
  expect(first.proc.signalCode).toBe('SIGKILL');
  const tried = next;
  expect(acked.size).toBeGreaterThanOrEqual(60);
  // Some were in flight when the server died.
  expect(tried).toBeGreaterThan(acked.size);
  console.log(`crash: ${acked.size} acknowledged of ${tried} sent before the kill`);

  // Restart on the same directory: every acknowledged answer is there, under its reference.
  const second = await startServer();
  for (const [i, reference] of acked) {
    const r = await send(second.url, i);
    expect(r.status, `answer ${i}`).toBe(200);
    expect(r.body.reference).toBe(reference);
  }
  // The ones cut off are resent, as the phone does: each lands once.
  for (let i = 0; i < tried; i++)
    if (!acked.has(i)) expect([200, 201]).toContain((await send(second.url, i)).status);
  second.proc.kill('SIGTERM');
  await exited(second.proc);

  const check = await openDatabase(config.database);
  try {
    const rows = await check.db.select().from(formSubmissions).where(eq(formSubmissions.formId, formId));
    expect(rows).toHaveLength(tried);
    expect(new Set(rows.map((r) => r.idempotencyKey)).size).toBe(tried);
    const refs = new Set(rows.map((r) => `${r.reference.slice(0, 5)}-${r.reference.slice(5)}`));
    for (const reference of acked.values()) expect(refs.has(reference)).toBe(true);
  } finally {
    await check.close();
  }
}, 120_000);
