import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  hkdfSync,
  randomBytes,
  randomFillSync,
} from 'node:crypto';
import {
  closeSync,
  existsSync,
  fchmodSync,
  fsyncSync,
  linkSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Config } from './config';

/**
 * Sensitive fields (DESIGN §7): AES-256-GCM ciphertext plus an HMAC-SHA256 for exact-match lookup.
 * Both keys are derived from one master key, whose id is stored with each value so keys can rotate
 * (ADR 0010): a key ring reads values written under the current key or any previous one, and writes
 * and hashes with the current key only.
 */
export type FieldCrypto = {
  /** The current key's id: every new value is written under it. */
  keyId: string;
  encrypt(plain: string): string;
  /** Reads a value written under the current key or a previous one; any other key id is refused. */
  decrypt(stored: string): string;
  /** Deterministic keyed hash: equal inputs give equal hashes, and nothing can be learned without the key. */
  hash(value: string): string;
  /** The same AES-256-GCM for files: version byte, key id, IV, tag, then the body, all binary. */
  encryptBytes(plain: Buffer): Buffer;
  decryptBytes(stored: Buffer): Buffer;
  /** The key id a stored value was written under (without decrypting it). */
  keyIdOf(stored: string): string;
  keyIdOfBytes(stored: Buffer): string;
  /**
   * The previous keys, each on its own: only the rotation job uses them, to recognise keyed hashes and
   * tokens written under an old key (a hash carries no key id).
   */
  previous: readonly FieldCrypto[];
};

const BYTES_VERSION = 1;
/** Version byte, eight ASCII characters of key id, 12-byte IV, 16-byte tag. */
const BYTES_HEAD = 37;

type FieldKey = {
  keyId: string;
  aesKey: Buffer;
  macKey: Buffer;
};

function deriveKey(masterKey: Buffer): FieldKey {
  if (masterKey.length !== 32) throw new Error('the encryption key must be 32 bytes');
  const derive = (info: string) => Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), info, 32));
  return {
    keyId: createHmac('sha256', masterKey).update('linli/key-id').digest('hex').slice(0, 8),
    aesKey: derive('linli/field-encryption/v1'),
    macKey: derive('linli/field-lookup/v1'),
  };
}

/**
 * Fresh random IVs, taken from a buffer refilled by the CSPRNG in one call rather than one call per
 * value: each IV is still 12 bytes no other IV shares, and every IV is handed out once only.
 */
const IV_BYTES = 12;
const ivPool = Buffer.alloc(IV_BYTES * 256);
let ivOffset = ivPool.length;
function freshIv(): Buffer {
  if (ivOffset + IV_BYTES > ivPool.length) {
    randomFillSync(ivPool);
    ivOffset = 0;
  }
  const iv = Buffer.from(ivPool.subarray(ivOffset, ivOffset + IV_BYTES));
  ivOffset += IV_BYTES;
  return iv;
}

function parseStored(stored: string) {
  const [version, keyId, iv, body, tag] = stored.split(':');
  if (version !== 'v1' || !keyId || !iv || body === undefined || !tag)
    throw new Error('unreadable encrypted value');
  return { keyId, iv, body, tag };
}

function keyIdOfBytes(stored: Buffer) {
  if (stored.length < BYTES_HEAD || stored[0] !== BYTES_VERSION) throw new Error('unreadable encrypted file');
  return stored.subarray(1, 9).toString('ascii');
}

/** The current key first, then the previous ones, in the order the operator listed them. */
export function createFieldCrypto(currentKey: Buffer, previousKeys: readonly Buffer[] = []): FieldCrypto {
  const current = deriveKey(currentKey);
  const retired = previousKeys.map(deriveKey);
  const ring = new Map<string, FieldKey>();
  for (const key of [current, ...retired]) {
    // The id is 32 bits of an HMAC of the key: two different keys sharing one would make values ambiguous.
    if (ring.has(key.keyId)) throw new Error(`two configured encryption keys share the key id ${key.keyId}`);
    ring.set(key.keyId, key);
  }
  const keyFor = (keyId: string, what: string) => {
    const key = ring.get(keyId);
    if (key) return key;
    const known = [...ring.keys()].join(', ');
    throw new Error(
      `${what} encrypted under key ${keyId}, which is not configured (current key ${current.keyId}; known keys: ${known})`,
    );
  };
  return {
    keyId: current.keyId,
    encrypt(plain) {
      const iv = freshIv();
      const cipher = createCipheriv('aes-256-gcm', current.aesKey, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return [
        'v1',
        current.keyId,
        iv.toString('base64'),
        body.toString('base64'),
        cipher.getAuthTag().toString('base64'),
      ].join(':');
    },
    decrypt(stored) {
      const { keyId, iv, body, tag } = parseStored(stored);
      const key = keyFor(keyId, 'value');
      const decipher = createDecipheriv('aes-256-gcm', key.aesKey, Buffer.from(iv, 'base64'));
      decipher.setAuthTag(Buffer.from(tag, 'base64'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
    },
    hash(value) {
      return createHmac('sha256', current.macKey).update(value).digest('hex');
    },
    encryptBytes(plain) {
      const iv = freshIv();
      const cipher = createCipheriv('aes-256-gcm', current.aesKey, iv);
      const body = Buffer.concat([cipher.update(plain), cipher.final()]);
      const head = Buffer.concat([Buffer.from([BYTES_VERSION]), Buffer.from(current.keyId, 'ascii'), iv]);
      return Buffer.concat([head, cipher.getAuthTag(), body]);
    },
    decryptBytes(stored) {
      const key = keyFor(keyIdOfBytes(stored), 'file');
      const decipher = createDecipheriv('aes-256-gcm', key.aesKey, stored.subarray(9, 21));
      decipher.setAuthTag(stored.subarray(21, BYTES_HEAD));
      return Buffer.concat([decipher.update(stored.subarray(BYTES_HEAD)), decipher.final()]);
    },
    keyIdOf: (stored) => parseStored(stored).keyId,
    keyIdOfBytes,
    previous: previousKeys.map((k) => createFieldCrypto(k)),
  };
}

/**
 * The master keys: from LINLI_ENCRYPTION_KEY (and LINLI_ENCRYPTION_KEYS_PREVIOUS), or, for the zero-setup
 * embedded database, from a key file beside its data directory (created on first start, readable by the
 * owner only): its first key line is the current key, any further lines previous keys. Losing that file
 * makes the encrypted fields unreadable: back it up with the data directory.
 */
export function resolveFieldCrypto(config: Config): FieldCrypto {
  const fromBase64 = (key: string) => Buffer.from(key, 'base64');
  if (config.encryptionKey)
    return createFieldCrypto(fromBase64(config.encryptionKey), config.previousEncryptionKeys.map(fromBase64));
  if (config.database.kind === 'postgres')
    throw new Error('LINLI_ENCRYPTION_KEY is required with DATABASE_URL');
  if (!config.database.dataDir) return createFieldCrypto(randomBytes(32));
  const path = keyFilePath(config.database.dataDir);
  if (!existsSync(path)) writeKeyFile(path, `${randomBytes(32).toString('base64')}\n`, 'create');
  const [current, ...previous] = readKeyFile(path);
  return createFieldCrypto(current!, previous);
}

export function keyFilePath(dataDir: string) {
  return `${resolve(dataDir)}.key`;
}

/** Key lines in base64; blank lines and `#` comments (a date, why a key was retired) are skipped. */
function readKeyFile(path: string): Buffer[] {
  const keys: Buffer[] = [];
  readFileSync(path, 'utf8')
    .split('\n')
    .forEach((raw, index) => {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) return;
      const key = Buffer.from(line, 'base64');
      if (key.length !== 32)
        throw new Error(`${path}, line ${index + 1}: a key must be 32 random bytes in base64`);
      keys.push(key);
    });
  if (keys.length === 0) throw new Error(`${path} holds no key`);
  return keys;
}

/**
 * Starts a rotation on the embedded database's key file: a fresh key becomes the first line and the keys
 * it held move down as previous keys. Returns the new key's id.
 */
export function addKeyToKeyFile(dataDir: string): string {
  const path = keyFilePath(dataDir);
  const held = readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '' && line.trim() !== PREVIOUS_KEYS_NOTE);
  const fresh = randomBytes(32);
  writeKeyFile(path, [fresh.toString('base64'), PREVIOUS_KEYS_NOTE, ...held, ''].join('\n'), 'replace');
  return createFieldCrypto(fresh).keyId;
}

/**
 * The database fsyncs what it writes under a key; the key must be on disk first, or a power cut could
 * keep the values and lose the only key that reads them. So the text goes to a file of its own beside
 * the key file (owner-only from its creation), is flushed, and only then takes the key file's name:
 * renamed over it, or linked when creating so that a key file someone else made is never overwritten.
 * A crash leaves the old file or the new one, never half of one; the directory is flushed last so the
 * new name itself survives.
 */
function writeKeyFile(path: string, text: string, mode: 'create' | 'replace') {
  const temporary = `${path}.new`;
  // Left by a crash before its rename: it never became the key file, so nothing was written under it.
  rmSync(temporary, { force: true });
  const fd = openSync(temporary, 'wx', 0o600);
  try {
    fchmodSync(fd, 0o600);
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  if (mode === 'replace') renameSync(temporary, path);
  else {
    try {
      linkSync(temporary, path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      rmSync(temporary, { force: true });
    }
  }
  fsyncDirectory(dirname(path));
}

function fsyncDirectory(dir: string) {
  // Windows cannot open a directory to flush it.
  if (process.platform === 'win32') return;
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

const PREVIOUS_KEYS_NOTE =
  '# previous keys below: drop them once `linli rotate-key --check` finds none in use (keep a copy with older backups)';
