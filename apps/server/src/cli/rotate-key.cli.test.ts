import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { idCheckChar } from '@linli/shared';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { buildWorld, signIn } from '../../test/fixtures';
import { auditLog } from '../modules/audit/audit.table';
import { loadConfig } from '../platform/config';
import { addKeyToKeyFile, keyFilePath, resolveFieldCrypto } from '../platform/crypto';
import { openDatabase } from '../platform/db';
import { buildApp } from '../platform/http';

/**
 * `linli rotate-key` as an operator of the zero-setup install runs it: a real process on a PGlite
 * directory whose key file holds the keys (the CLI runs from source through tsx).
 */
const SERVER_DIR = resolve(import.meta.dirname, '..', '..');
const CLI = join(SERVER_DIR, 'src', 'cli', 'cli.ts');
const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

function linli(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    cwd: SERVER_DIR,
    // Only what the command should see: never the suite's DATABASE_URL.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', LINLI_LOG_LEVEL: 'warn', ...env },
  });
  let output = '';
  child.stdout.on('data', (d) => {
    output += d;
  });
  child.stderr.on('data', (d) => {
    output += d;
  });
  return new Promise<{ code: number; output: string }>((res) =>
    child.on('exit', (code) => res({ code: code ?? -1, output })),
  );
}

const body = '120105195203040021';
const ID_NUMBER = body.slice(0, 17) + idCheckChar(body.slice(0, 17));

/** Opens the directory in this process (the CLI must not hold it meanwhile), like a server would. */
async function withApp<T>(dataDir: string, work: (app: Awaited<ReturnType<typeof buildApp>>) => Promise<T>) {
  const config = loadConfig({ LINLI_DATA_DIR: dataDir, LINLI_LOG_LEVEL: 'silent' });
  const database = await openDatabase(config.database);
  try {
    await database.migrate();
    const app = await buildApp({ config, database, crypto: resolveFieldCrypto(config) });
    await app.ready();
    try {
      return await work(app);
    } finally {
      await app.close();
    }
  } finally {
    await database.close();
  }
}

describe('linli rotate-key', () => {
  it('moves a key-file install to a new key, checks it, and works with the old key dropped', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'linli-rotate-'));
    dirs.push(dir);
    const dataDir = join(dir, 'data');
    const env = { LINLI_DATA_DIR: dataDir };
    // First start: a resident with an ID number, a phone and a sensitive tag, under the key file's key.
    const config = loadConfig({ LINLI_DATA_DIR: dataDir, LINLI_LOG_LEVEL: 'silent' });
    const database = await openDatabase(config.database);
    await database.migrate();
    const world = await buildWorld(database);
    const app = await buildApp({ config, database, crypto: resolveFieldCrypto(config) });
    await app.ready();
    const a = await signIn(app, world.users.adminA.username);
    const building = await a.post<{ dwellings: { id: string }[] }>('/api/buildings', {
      compoundId: world.compoundA.id,
      name: '1',
      floors: 1,
      entrances: 1,
      roomsPerFloor: 1,
    });
    const resident = await a.post<{ id: string }>('/api/residents', {
      dwellingId: building.body.dwellings[0]!.id,
      name: '吴桂英',
      idNumber: ID_NUMBER,
      phone: '13912345678',
      tags: ['disability'],
    });
    expect(resident.status, JSON.stringify(resident.body)).toBe(200);
    await app.close();
    await database.close();

    // The operator puts a new key on top of the file (what --new-key does) and checks before rotating.
    const firstNew = addKeyToKeyFile(dataDir);
    const pending = await linli(['rotate-key', '--check'], env);
    expect(pending.code, pending.output).toBe(3);
    expect(pending.output).toContain(`current key ${firstNew}`);
    expect(pending.output).toMatch(/residents\.id_number_enc\s+1\n/);
    expect(pending.output).toMatch(/resident_tags\.tag\s+1\n/);

    // Run with the old key dropped too early, the job stops at the first old value, names its key, says
    // that nothing is lost and what to do; with the file put back it is simply run again.
    const keyFile = await readFile(keyFilePath(dataDir), 'utf8');
    await writeFile(keyFilePath(dataDir), `${keyFile.split('\n')[0]}\n`);
    const early = await linli(['rotate-key'], env);
    expect(early.code, early.output).toBe(1);
    expect(early.output).toMatch(/under key \w{8}, which is not configured/);
    expect(early.output).toContain('run `linli rotate-key` again');
    await writeFile(keyFilePath(dataDir), keyFile);

    const rotated = await linli(['rotate-key', '--batch-size', '50'], env);
    expect(rotated.code, rotated.output).toBe(0);
    expect(rotated.output).toMatch(/residents\.id_number_hash\s+1\n/);
    expect(rotated.output).toContain('no value is left under a previous key');

    // --new-key does both steps at once; the two keys before it stay in the file until dropped.
    const again = await linli(['rotate-key', '--new-key'], env);
    expect(again.code, again.output).toBe(0);
    const newest = again.output.match(/new key (\w{8}) written/)![1]!;
    expect(again.output).toMatch(/residents\.phone_enc\s+1\n/);
    expect((await linli(['rotate-key', '--check'], env)).code).toBe(0);

    // The keys themselves are never printed; the file stays the owner's alone.
    const lines = (await readFile(keyFilePath(dataDir), 'utf8')).split('\n');
    for (const output of [pending.output, early.output, rotated.output, again.output])
      for (const key of lines.filter((l) => l && !l.startsWith('#'))) expect(output).not.toContain(key);
    expect((await stat(keyFilePath(dataDir))).mode & 0o777).toBe(0o600);

    // With --check at zero, the operator drops the old keys: only the first line stays.
    await writeFile(keyFilePath(dataDir), `${lines[0]}\n`);
    await withApp(dataDir, async (server) => {
      expect(resolveFieldCrypto(config).keyId).toBe(newest);
      const s = await signIn(server, world.users.adminA.username);
      const found = await s.get<{ items: { id: string; tags: string[] }[] }>(`/api/residents?q=${ID_NUMBER}`);
      expect(found.body.items.map((r) => r.id)).toEqual([resident.body.id]);
      expect(found.body.items[0]!.tags).toContain('disability');
      const revealed = await s.post(`/api/residents/${resident.body.id}/reveal`, {
        fields: ['idNumber', 'phone'],
        reason: '核对',
      });
      expect(revealed.body).toEqual({ idNumber: ID_NUMBER, phone: '13912345678' });
    });
    const check = await openDatabase(config.database);
    const audits = await check.db.select().from(auditLog).where(eq(auditLog.action, 'crypto.rotate'));
    await check.close();
    expect(audits.map((r) => (r.changes as { key: { to: string } }).key.to)).toEqual([firstNew, newest]);
  }, 300_000);

  it('--new-key refuses an install whose key comes from LINLI_ENCRYPTION_KEY', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'linli-rotate-'));
    dirs.push(dir);
    const res = await linli(['rotate-key', '--new-key'], {
      LINLI_DATA_DIR: join(dir, 'data'),
      LINLI_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    });
    expect(res.code).toBe(1);
    expect(res.output).toContain('LINLI_ENCRYPTION_KEYS_PREVIOUS');
  }, 120_000);
});
