/**
 * What the phone keeps per form (localStorage, one entry per slug): the answer being typed, the
 * idempotency key that answer will be sent with, an answer waiting to be sent, and the last receipt.
 * A reload, a dropped network or a closed tab loses none of it.
 */
import type { SubmissionAck, SubmissionBody } from './api';

export type Pending = {
  key: string;
  body: SubmissionBody;
  /** When the resident pressed send (ms). */
  since: number;
  /** Failed tries so far; 0 while the first is under way. */
  attempts: number;
  /** Earliest time (ms) of the next try. */
  nextAt: number;
};

export type Stored = {
  /** Field values as the inputs hold them (strings, booleans, lists, address choices). */
  values: Record<string, unknown>;
  /** Sent with the answer now being typed; a new one only once that answer was accepted or refused. */
  key: string;
  pending: Pending | null;
  done: SubmissionAck | null;
};

type StorageLike = Pick<Storage, 'getItem' | 'setItem'>;

const PREFIX = 'linli.form.';
/**
 * An answer typed but never sent is forgotten after a week: phones are shared in families, and a
 * half-filled form holds an ID number. An answer waiting to be sent is never dropped.
 */
export const DRAFT_TTL_MS = 7 * 24 * 3_600_000;

function browserStorage(): StorageLike | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

/** A random key in the shape the server accepts. `randomUUID` exists only on https, so fall back. */
export function newIdempotencyKey(): string {
  const c = globalThis.crypto;
  if (typeof c?.randomUUID === 'function') return c.randomUUID();
  const bytes = new Uint8Array(16);
  c.getRandomValues(bytes);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function emptyStored(): Stored {
  return { values: {}, key: newIdempotencyKey(), pending: null, done: null };
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** What the phone has for this form; anything unreadable (another version of the page, a hand edit) starts afresh. */
export function loadStored(
  slug: string,
  storage: StorageLike | null = browserStorage(),
  now: number = Date.now(),
): Stored {
  const fresh = emptyStored();
  let raw: unknown;
  try {
    raw = JSON.parse(storage?.getItem(PREFIX + slug) ?? 'null');
  } catch {
    return fresh;
  }
  if (!isObject(raw)) return fresh;
  const pending = raw.pending;
  const done = raw.done;
  const recent = typeof raw.savedAt === 'number' && now - raw.savedAt < DRAFT_TTL_MS;
  return {
    // A waiting answer keeps its values: if the server refuses it, the resident corrects rather than retypes.
    values: isObject(raw.values) && (recent || isObject(pending)) ? raw.values : {},
    key: typeof raw.key === 'string' && /^[A-Za-z0-9_-]{8,100}$/.test(raw.key) ? raw.key : fresh.key,
    pending:
      isObject(pending) &&
      typeof pending.key === 'string' &&
      isObject(pending.body) &&
      typeof pending.since === 'number'
        ? {
            key: pending.key,
            body: pending.body as SubmissionBody,
            since: pending.since,
            attempts: typeof pending.attempts === 'number' ? pending.attempts : 1,
            nextAt: typeof pending.nextAt === 'number' ? pending.nextAt : 0,
          }
        : null,
    done: isObject(done) && typeof done.reference === 'string' ? (done as SubmissionAck) : null,
  };
}

/** Returns false when the phone would not keep it (private mode, storage full). */
export function saveStored(
  slug: string,
  stored: Stored,
  storage: StorageLike | null = browserStorage(),
): boolean {
  try {
    if (!storage) return false;
    storage.setItem(PREFIX + slug, JSON.stringify({ ...stored, savedAt: Date.now() }));
    return true;
  } catch {
    return false;
  }
}

/** Waits between tries of a pending answer: 2 s, 4 s, 8 s … capped at a minute, with a little jitter. */
export function retryDelay(attempts: number, random: () => number = Math.random): number {
  const base = Math.min(60_000, 2_000 * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.85 + 0.3 * random()));
}

/** A reference as people read it aloud: 4-character groups (`K7Q2 9XMB`). */
export function groupReference(reference: string): string {
  const clean = reference.trim();
  if (!/^[A-Za-z0-9]{6,}$/.test(clean)) return clean;
  return clean.match(/.{1,4}/g)?.join(' ') ?? clean;
}

/** What a resident types back: spaces and full-width characters are how they copied it. */
export function normaliseReference(typed: string): string {
  return typed
    .replace(/[\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A]/g, (c) =>
      String.fromCharCode(c.charCodeAt(0) - 0xfee0),
    )
    .replace(/\s+/g, '');
}
