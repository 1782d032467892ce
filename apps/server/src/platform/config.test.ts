import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';
import { resolveFieldCrypto } from './crypto';

const keyA = randomBytes(32);
const keyB = randomBytes(32);
const keyC = randomBytes(32);

const problemsOf = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('LINLI_PUBLIC_URL', () => {
  it('is unset by default: the console’s own address is the public one', () => {
    expect(loadConfig({}).publicUrl).toBeNull();
  });

  it('keeps the address without its trailing slash', () => {
    expect(loadConfig({ LINLI_PUBLIC_URL: 'https://linli.example.cn/' }).publicUrl).toBe(
      'https://linli.example.cn',
    );
    expect(loadConfig({ LINLI_PUBLIC_URL: 'http://jd.example.cn:8080' }).publicUrl).toBe(
      'http://jd.example.cn:8080',
    );
  });

  it('refuses what a phone could not open as the start of a link, naming the variable', () => {
    for (const bad of [
      'linli.example.cn',
      'ftp://linli.example.cn',
      'https://x.cn/?a=1',
      'https://x.cn/#top',
      // The resident's page cannot run under a prefix: its links would be dead.
      'https://gov.example.cn/linli',
    ]) {
      const problems = problemsOf({ LINLI_PUBLIC_URL: bad });
      expect(problems, bad).toHaveLength(1);
      expect(problems[0], bad).toMatch(/^LINLI_PUBLIC_URL: /);
    }
  });
});

describe('configuration of previous keys', () => {
  const base = { LINLI_ENCRYPTION_KEY: keyB.toString('base64') };

  it('takes a comma-separated list of 32-byte base64 keys', () => {
    const config = loadConfig({
      ...base,
      LINLI_ENCRYPTION_KEYS_PREVIOUS: ` ${keyA.toString('base64')} , ${keyC.toString('base64')} `,
    });
    expect(config.previousEncryptionKeys).toEqual([keyA.toString('base64'), keyC.toString('base64')]);
    expect(resolveFieldCrypto(config).previous).toHaveLength(2);
    expect(loadConfig(base).previousEncryptionKeys).toEqual([]);
  });

  it('refuses to boot on a previous key that is not 32 bytes, naming the variable and the key, never its value', () => {
    const short = randomBytes(16).toString('base64');
    const found = problemsOf({
      ...base,
      LINLI_ENCRYPTION_KEYS_PREVIOUS: `${keyA.toString('base64')},${short}`,
    });
    expect(found).toEqual([
      'LINLI_ENCRYPTION_KEYS_PREVIOUS: key 2 of 2 must be 32 random bytes in base64 (keys separated by commas)',
    ]);
  });

  it('refuses previous keys without a current one, and a key listed twice, however it is written', () => {
    expect(problemsOf({ LINLI_ENCRYPTION_KEYS_PREVIOUS: keyA.toString('base64') })).toEqual([
      expect.stringMatching(/^LINLI_ENCRYPTION_KEYS_PREVIOUS: is read only with LINLI_ENCRYPTION_KEY/),
    ]);
    // The same bytes without base64's padding are the same key.
    const unpadded = keyB.toString('base64').replace(/=+$/, '');
    expect(
      problemsOf({ ...base, LINLI_ENCRYPTION_KEYS_PREVIOUS: `${keyA.toString('base64')},${unpadded}` }),
    ).toEqual([
      'LINLI_ENCRYPTION_KEYS_PREVIOUS: key 2 repeats LINLI_ENCRYPTION_KEY: list only keys that came before it',
    ]);
    const a = keyA.toString('base64');
    expect(
      problemsOf({ ...base, LINLI_ENCRYPTION_KEYS_PREVIOUS: `${a},${keyC.toString('base64')},${a}` }),
    ).toEqual(['LINLI_ENCRYPTION_KEYS_PREVIOUS: key 3 repeats key 1']);
  });
});
