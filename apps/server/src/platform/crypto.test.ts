import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from './config';
import { addKeyToKeyFile, createFieldCrypto, keyFilePath, resolveFieldCrypto } from './crypto';

const keyA = randomBytes(32);
const keyB = randomBytes(32);
const keyC = randomBytes(32);

describe('encryption', () => {
  it('gives every value its own IV, also across refills of the IV buffer', () => {
    const crypto = createFieldCrypto(keyA);
    const ivs = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const stored = crypto.encrypt(`value ${i}`);
      ivs.add(stored.split(':')[2]!);
      expect(crypto.decrypt(stored)).toBe(`value ${i}`);
    }
    expect(ivs.size).toBe(1000);
  });
});

describe('the key ring', () => {
  const a = createFieldCrypto(keyA);
  const ring = createFieldCrypto(keyB, [keyA]);

  it('reads values and files by the key id they carry, and writes and hashes with the current key only', () => {
    const old = a.encrypt('310101194901011234');
    const oldFile = a.encryptBytes(Buffer.from('照片'));
    expect(ring.keyIdOf(old)).toBe(a.keyId);
    expect(ring.keyIdOfBytes(oldFile)).toBe(a.keyId);
    expect(ring.decrypt(old)).toBe('310101194901011234');
    expect(ring.decryptBytes(oldFile).toString()).toBe('照片');

    const fresh = ring.encrypt('13800138000');
    expect(ring.keyIdOf(fresh)).toBe(ring.keyId);
    expect(ring.keyIdOf(fresh)).not.toBe(a.keyId);
    expect(ring.keyIdOfBytes(ring.encryptBytes(Buffer.from('x')))).toBe(ring.keyId);
    expect(ring.hash('13800138000')).toBe(createFieldCrypto(keyB).hash('13800138000'));
    expect(ring.hash('13800138000')).not.toBe(a.hash('13800138000'));
    // The previous keys, on their own, give the hashes and tokens an old key wrote.
    expect(ring.previous.map((k) => k.keyId)).toEqual([a.keyId]);
    expect(ring.previous[0]!.hash('13800138000')).toBe(a.hash('13800138000'));
  });

  it('refuses a value of a key it does not hold, naming that key and the ones it has', () => {
    const stranger = createFieldCrypto(keyC);
    const value = stranger.encrypt('秘密');
    expect(() => ring.decrypt(value)).toThrow(
      `value encrypted under key ${stranger.keyId}, which is not configured (current key ${ring.keyId}; known keys: ${ring.keyId}, ${a.keyId})`,
    );
    expect(() => ring.decryptBytes(stranger.encryptBytes(Buffer.from('x')))).toThrow(
      `file encrypted under key ${stranger.keyId}, which is not configured`,
    );
    // Once the old key is dropped, its values are refused the same way.
    expect(() => createFieldCrypto(keyB).decrypt(a.encrypt('x'))).toThrow(
      `key ${a.keyId}, which is not configured`,
    );
    expect(() => ring.decrypt('not a value')).toThrow('unreadable encrypted value');
  });

  it('refuses a key listed twice', () => {
    expect(() => createFieldCrypto(keyA, [keyB, keyA])).toThrow('share the key id');
  });
});

describe('the key file of the embedded database', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });
  const dataDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'linli-key-'));
    dirs.push(dir);
    return join(dir, 'data');
  };

  it('keeps previous keys as further lines; a new key goes on top and the old ones stay readable', async () => {
    const dir = await dataDir();
    const config = loadConfig({ LINLI_DATA_DIR: dir });
    const first = resolveFieldCrypto(config);
    const value = first.encrypt('310101194901011234');
    const newId = addKeyToKeyFile(dir);
    const ring = resolveFieldCrypto(config);
    expect(ring.keyId).toBe(newId);
    expect(ring.previous.map((k) => k.keyId)).toEqual([first.keyId]);
    expect(ring.decrypt(value)).toBe('310101194901011234');
    // A second rotation keeps both older keys, with one note, not two.
    addKeyToKeyFile(dir);
    const text = await readFile(keyFilePath(dir), 'utf8');
    expect(text.match(/^#/gm)).toHaveLength(1);
    expect(resolveFieldCrypto(config).previous.map((k) => k.keyId)).toEqual([newId, first.keyId]);
    // Owner-only, and nothing of the write left beside it.
    expect((await stat(keyFilePath(dir))).mode & 0o777).toBe(0o600);
    expect((await readdir(join(dir, '..'))).filter((f) => f.includes('.key'))).toEqual(['data.key']);
  });

  it('clears a half-written file a crash left beside the key file, and keeps the key it finds', async () => {
    const dir = await dataDir();
    await writeFile(`${keyFilePath(dir)}.new`, 'half a ke');
    const first = resolveFieldCrypto(loadConfig({ LINLI_DATA_DIR: dir }));
    expect(resolveFieldCrypto(loadConfig({ LINLI_DATA_DIR: dir })).keyId).toBe(first.keyId);
    expect((await stat(keyFilePath(dir))).mode & 0o777).toBe(0o600);
    expect((await readdir(join(dir, '..'))).filter((f) => f.includes('.key'))).toEqual(['data.key']);
    // A stale temporary file does not stop a rotation either, and does not end up in the key file.
    await writeFile(`${keyFilePath(dir)}.new`, 'half a ke');
    addKeyToKeyFile(dir);
    expect(await readFile(keyFilePath(dir), 'utf8')).not.toContain('half a ke');
  });

  it('refuses a line that is not a key, naming the file and the line', async () => {
    const dir = await dataDir();
    await writeFile(keyFilePath(dir), `${keyA.toString('base64')}\n# old\nnot-a-key\n`);
    expect(() => resolveFieldCrypto(loadConfig({ LINLI_DATA_DIR: dir }))).toThrow(
      `${keyFilePath(dir)}, line 3: a key must be 32 random bytes in base64`,
    );
  });
});
