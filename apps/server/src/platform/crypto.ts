import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Config } from './config';

/**
 * Sensitive fields (DESIGN §7): AES-256-GCM ciphertext plus an HMAC-SHA256 for exact-match lookup.
 * Both keys are derived from one master key, whose id is stored with each value so keys can rotate.
 */
export type FieldCrypto = {
  keyId: string;
  encrypt(plain: string): string;
  decrypt(stored: string): string;
  /** Deterministic keyed hash: equal inputs give equal hashes, and nothing can be learned without the key. */
  hash(value: string): string;
  /** The same AES-256-GCM for files: version byte, key id, IV, tag, then the body, all binary. */
  encryptBytes(plain: Buffer): Buffer;
  decryptBytes(stored: Buffer): Buffer;
};

const BYTES_VERSION = 1;

export function createFieldCrypto(masterKey: Buffer): FieldCrypto {
  if (masterKey.length !== 32) throw new Error('the encryption key must be 32 bytes');
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), info, 32));
  const aesKey = derive('linli/field-encryption/v1');
  const macKey = derive('linli/field-lookup/v1');
  const keyId = createHmac('sha256', masterKey).update('linli/key-id').digest('hex').slice(0, 8);
  return {
    keyId,
    encrypt(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', aesKey, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return [
        'v1',
        keyId,
        iv.toString('base64'),
        body.toString('base64'),
        cipher.getAuthTag().toString('base64'),
      ].join(':');
    },
    decrypt(stored) {
      const [version, storedKeyId, iv, body, tag] = stored.split(':');
      if (version !== 'v1' || !iv || body === undefined || !tag)
        throw new Error('unreadable encrypted value');
      if (storedKeyId !== keyId)
        throw new Error(`value encrypted under key ${storedKeyId}, current key is ${keyId}`);
      const decipher = createDecipheriv('aes-256-gcm', aesKey, Buffer.from(iv, 'base64'));
      decipher.setAuthTag(Buffer.from(tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
    },
    hash(value) {
      return createHmac('sha256', macKey).update(value).digest('hex');
    },
    encryptBytes(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', aesKey, iv);
      const body = Buffer.concat([cipher.update(plain), cipher.final()]);
      const head = Buffer.concat([Buffer.from([BYTES_VERSION]), Buffer.from(keyId, 'ascii'), iv]);
      return Buffer.concat([head, cipher.getAuthTag(), body]);
    },
    decryptBytes(stored) {
      if (stored.length < 37 || stored[0] !== BYTES_VERSION) throw new Error('unreadable encrypted file');
      const storedKeyId = stored.subarray(1, 9).toString('ascii');
      if (storedKeyId !== keyId)
        throw new Error(`file encrypted under key ${storedKeyId}, current key is ${keyId}`);
      const decipher = createDecipheriv('aes-256-gcm', aesKey, stored.subarray(9, 21));
      decipher.setAuthTag(stored.subarray(21, 37));
      return Buffer.concat([decipher.update(stored.subarray(37)), decipher.final()]);
    },
  };
}

/**
 * The master key: from LINLI_ENCRYPTION_KEY, or, for the zero-setup embedded database, from a key
 * file beside its data directory (created on first start, readable by the owner only). Losing that
 * file makes the encrypted fields unreadable: back it up with the data directory.
 */
export function resolveFieldCrypto(config: Config): FieldCrypto {
  if (config.encryptionKey) return createFieldCrypto(Buffer.from(config.encryptionKey, 'base64'));
  if (config.database.kind === 'postgres')
    throw new Error('LINLI_ENCRYPTION_KEY is required with DATABASE_URL');
  if (!config.database.dataDir) return createFieldCrypto(randomBytes(32));
  const path = `${resolve(config.database.dataDir)}.key`;
  if (!existsSync(path)) {
    writeFileSync(path, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    chmodSync(path, 0o600);
  }
  return createFieldCrypto(Buffer.from(readFileSync(path, 'utf8').trim(), 'base64'));
}
