import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

/**
 * The command line as an operator meets it: a real process on a real PGlite directory. The CLI runs
 * from source through tsx, so this suite needs no build.
 */
const SERVER_DIR = resolve(import.meta.dirname, '..');
const CLI = join(SERVER_DIR, 'src', 'cli', 'cli.ts');
const children: ChildProcess[] = [];
const dirs: string[] = [];

afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function tempDir() {
  const d = await mkdtemp(join(tmpdir(), 'linli-cli-'));
  dirs.push(d);
  return d;
}

function freePort(): Promise<number> {
  return new Promise((res) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => res(port));
    });
  });
}

/** Only the variables the CLI should see: the suite's DATABASE_URL must not leak into these PGlite runs. */
function env(extra: Record<string, string>) {
  const { PATH, HOME } = process.env;
  return { PATH: PATH ?? '', HOME: HOME ?? '', LINLI_LOG_LEVEL: 'warn', ...extra };
}

function start(args: string[], extra: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    cwd: SERVER_DIR,
    env: env(extra),
  });
  children.push(child);
  let output = '';
  child.stdout.on('data', (d) => {
    output += d;
  });
  child.stderr.on('data', (d) => {
    output += d;
  });
  const exited = new Promise<number>((res) =>
    child.on('exit', (code, signal) => res(code ?? (signal ? 128 : -1))),
  );
  return { child, exited, output: () => output };
}

async function waitForHealth(port: number, timeoutMs = 90_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/api/health`);
      if (res.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('server did not become healthy');
}

describe('linli CLI', () => {
  it('refuses a bad configuration, listing every problem, and exits non-zero', async () => {
    const run = start(['migrate'], {
      PORT: 'eighty',
      DATABASE_URL: 'mysql://x',
      LINLI_SESSION_TTL_HOURS: '0',
    });
    expect(await run.exited).toBe(2);
    expect(run.output()).toContain('PORT');
    expect(run.output()).toContain('DATABASE_URL');
    expect(run.output()).toContain('LINLI_SESSION_TTL_HOURS');
  });

  it('a second process on the same data directory exits non-zero naming the lock and its holder', async () => {
    const dataDir = join(await tempDir(), 'data');
    const port = await freePort();
    const first = start(['serve'], { LINLI_DATA_DIR: dataDir, PORT: String(port) });
    await waitForHealth(port);
    const second = start(['serve'], { LINLI_DATA_DIR: dataDir, PORT: String(await freePort()) });
    expect(await second.exited).toBe(2);
    expect(second.output()).toContain(`${dataDir}.lock`);
    expect(second.output()).toContain(`pid ${first.child.pid}`);
    // The first is unharmed.
    expect((await fetch(`http://127.0.0.1:${port}/api/health`)).status).toBe(200);
  });

  it('keeps every acknowledged write across a kill -9, and takes over the dead process’s lock', async () => {
    const dataDir = join(await tempDir(), 'data');
    const port = await freePort();
    const server = start(['serve', '--seed-demo-if-empty'], { LINLI_DATA_DIR: dataDir, PORT: String(port) });
    await waitForHealth(port, 180_000);
    const base = `http://127.0.0.1:${port}`;
    const login = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'community_admin', password: 'linli-demo' }),
    });
    const me = (await login.json()) as { csrfToken: string; grants: { areaId: string }[] };
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const headers = { 'content-type': 'application/json', cookie, 'x-csrf-token': me.csrfToken };
    const names = ['崩溃前一', '崩溃前二', '崩溃前三'];
    for (const name of names) {
      const res = await fetch(`${base}/api/areas`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ kind: 'compound', parentId: me.grants[0]!.areaId, name }),
      });
      expect(res.status).toBe(200);
    }
    server.child.kill('SIGKILL');
    await server.exited;
    const restarted = start(['serve'], { LINLI_DATA_DIR: dataDir, PORT: String(port) });
    await waitForHealth(port, 120_000);
    const again = await fetch(`${base}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'community_admin', password: 'linli-demo' }),
    });
    const tree = await fetch(`${base}/api/areas/tree`, {
      headers: { cookie: again.headers.get('set-cookie')!.split(';')[0]! },
    });
    const nodes = ((await tree.json()) as { nodes: { name: string }[] }).nodes.map((n) => n.name);
    for (const name of names) expect(nodes).toContain(name);
    restarted.child.kill('SIGTERM');
    expect(await restarted.exited).toBe(0);
  }, 400_000);

  it('create-admin then doctor on a fresh database: no demo data, migrations current', async () => {
    const dataDir = join(await tempDir(), 'data');
    const created = start(
      [
        'create-admin',
        '--username',
        'chief',
        '--name',
        '区管理员',
        '--district',
        '测试区',
        '--district-code',
        '310115',
      ],
      { LINLI_DATA_DIR: dataDir },
    );
    expect(await created.exited).toBe(0);
    expect(created.output()).toMatch(/Temporary password \(change at first sign-in\): \S{10,}/);
    const doctor = start(['doctor'], { LINLI_DATA_DIR: dataDir });
    expect(await doctor.exited).toBe(0);
    expect(doctor.output()).toContain('migrations current');
    const port = await freePort();
    start(['serve'], { LINLI_DATA_DIR: dataDir, PORT: String(port) });
    await waitForHealth(port);
    const password = created.output().match(/Temporary password \(change at first sign-in\): (\S+)/)![1]!;
    const login = await fetch(`http://127.0.0.1:${port}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'chief', password }),
    });
    expect(login.status).toBe(200);
    expect(((await login.json()) as { user: { mustChangePassword: boolean } }).user.mustChangePassword).toBe(
      true,
    );
    const demo = await fetch(`http://127.0.0.1:${port}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'linli-demo' }),
    });
    expect(demo.status).toBe(401);
  }, 200_000);
});
