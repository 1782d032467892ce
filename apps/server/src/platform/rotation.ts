import { and, asc, getTableName, gt, or, type SQL, sql } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { FieldCrypto } from './crypto';
import type { Db, Tx } from './db';

/**
 * Key rotation (ADR 0010): each module owns a step that moves its own tables' protected values to the
 * current key; `linli rotate-key` runs them in turn. Counts are per `table.column`.
 */
export type RotationCounts = Record<string, number>;

export type RotationRun = {
  db: Db;
  crypto: FieldCrypto;
  batchSize: number;
  /**
   * Called once a batch has committed, never before: a run that stops part-way then reports (and
   * audits) exactly what it kept. `rows` is how many rows the batch rewrote, `counts` its values.
   */
  committed(table: string, rows: number, counts: RotationCounts): void;
};

export type RotationStep = {
  module: string;
  /** Values written under a key other than the current one, per column; changes nothing. */
  remaining(db: Db, crypto: FieldCrypto): Promise<RotationCounts>;
  /** Rewrites every such value under the current key, batch by batch, each reported to `run.committed`. */
  rotate(run: RotationRun): Promise<void>;
};

export function addCounts(into: RotationCounts, more: RotationCounts): RotationCounts {
  for (const [key, n] of Object.entries(more)) into[key] = (into[key] ?? 0) + n;
  return into;
}

/** A text ciphertext (`v1:<keyId>:…`) written under another key than the current one. */
export const underOtherKey = (column: PgColumn, crypto: FieldCrypto): SQL =>
  sql`(${column} is not null and split_part(${column}, ':', 2) <> ${crypto.keyId})`;

/** A file from `encryptBytes` (a version byte, then the key id in eight ASCII bytes) under another key. */
export const bytesUnderOtherKey = (column: PgColumn, crypto: FieldCrypto): SQL =>
  sql`(${column} is not null and encode(substring(${column} from 2 for 8), 'escape') <> ${crypto.keyId})`;

/** The ciphertext as it should be now: re-encrypted when an old key wrote it, with its plaintext. */
export function reEncrypt(crypto: FieldCrypto, stored: string): { stored: string; plain: string | null } {
  if (crypto.keyIdOf(stored) === crypto.keyId) return { stored, plain: null };
  const plain = crypto.decrypt(stored);
  return { stored: crypto.encrypt(plain), plain };
}

/**
 * Runs `work` for one stored value, so that an unreadable one is reported with its table, column and row.
 * A JSON parse error is the one error that quotes its input: callers parse plaintext with `parsePlain`.
 */
export function atRow<T>(where: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    throw new Error(`${where}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** `JSON.parse` of a decrypted value, whose error would otherwise quote the clear text it choked on. */
export function parsePlain<T>(plain: string, what: string): T {
  try {
    return JSON.parse(plain) as T;
  } catch {
    throw new Error(`${what} decrypts to something that is not JSON`);
  }
}

/** A ciphertext column, with the column holding the keyed hash of the same plaintext when there is one. */
export type ProtectedColumn = { enc: PgColumn; hash?: PgColumn };

/**
 * Re-encrypts, in `record` itself, each value an old key wrote, and recomputes its keyed hash (where the
 * record holds one) from the plaintext just decrypted: a hash cannot be translated, only recomputed.
 * `record` is a row or a row's snapshot, keyed by column name. Returns what it rewrote.
 */
export function rotateRecord(
  crypto: FieldCrypto,
  record: Record<string, unknown>,
  columns: readonly ProtectedColumn[],
  where: string,
): { enc: PgColumn; hash: PgColumn | null }[] {
  const rewritten: { enc: PgColumn; hash: PgColumn | null }[] = [];
  for (const { enc, hash } of columns) {
    const stored = record[enc.name];
    if (typeof stored !== 'string') continue;
    const next = atRow(`${where}: ${enc.name}`, () => reEncrypt(crypto, stored));
    if (next.plain === null) continue;
    record[enc.name] = next.stored;
    const rehashed = hash && typeof record[hash.name] === 'string' ? hash : null;
    if (rehashed) record[rehashed.name] = crypto.hash(next.plain);
    rewritten.push({ enc, hash: rehashed });
  }
  return rewritten;
}

/** What one batch rewrote: rows, and values per `table.column`. */
export type BatchResult = { rows: number; counts: RotationCounts };

/**
 * Walks a table in primary-key order, each batch in its own transaction with its rows locked, so a
 * crash loses at most the batch in flight and a re-run starts again from the rows still under an old key.
 * Paging after the last id (not "the next rows still to do") means a row left as it is is never met twice.
 * A short page is the end: PostgreSQL applies LIMIT above the row locks, so a row that someone changed
 * meanwhile and no longer matches is replaced by the next one, not dropped from the page.
 */
export async function inBatches<R extends { id: string }>(
  run: RotationRun,
  table: string,
  select: (tx: Tx, afterId: string | null, limit: number) => Promise<R[]>,
  rewrite: (tx: Tx, rows: R[]) => Promise<BatchResult>,
  /** Fewer rows per batch for tables of large values (files, whole spreadsheets), to bound memory. */
  maxBatch = Number.POSITIVE_INFINITY,
): Promise<void> {
  const limit = Math.max(1, Math.min(run.batchSize, maxBatch));
  let after: string | null = null;
  for (;;) {
    const batch: BatchResult & { size: number; last: string | null } = await run.db.transaction(
      async (tx) => {
        const rows = await select(tx, after, limit);
        const result = rows.length ? await rewrite(tx, rows) : { rows: 0, counts: {} };
        return { ...result, size: rows.length, last: rows.at(-1)?.id ?? null };
      },
    );
    if (batch.rows) run.committed(table, batch.rows, batch.counts);
    if (batch.size < limit || !batch.last) return;
    after = batch.last;
  }
}

/** Text ciphertext columns of one table, each with the keyed hash of the same plaintext when it has one. */
export type EncryptedColumns = {
  table: PgTable;
  id: PgColumn;
  columns: readonly ProtectedColumn[];
  maxBatch?: number;
};

type ColumnRow = { id: string } & Record<string, string | null>;

export async function remainingIn(db: Db, crypto: FieldCrypto, spec: EncryptedColumns) {
  const fields = Object.fromEntries(
    spec.columns.map(({ enc }) => [
      enc.name,
      sql<number>`count(*) filter (where ${underOtherKey(enc, crypto)})`,
    ]),
  );
  const [row] = await db.select(fields).from(spec.table);
  const table = getTableName(spec.table);
  return Object.fromEntries(
    spec.columns.map(({ enc }) => [`${table}.${enc.name}`, Number(row?.[enc.name] ?? 0)]),
  );
}

/**
 * Moves a table's text ciphertexts (and their hashes) to the current key. `check` sees the batch's new
 * values before they are written and may refuse them (a unique hash that now collides).
 */
export async function rotateColumns(
  run: RotationRun,
  spec: EncryptedColumns,
  check?: (tx: Tx, rows: ColumnRow[]) => Promise<void>,
): Promise<void> {
  const table = getTableName(spec.table);
  const columns = spec.columns.flatMap(({ enc, hash }) => (hash ? [enc, hash] : [enc]));
  await inBatches<ColumnRow>(
    run,
    table,
    async (tx, after, limit) =>
      (await tx
        .select({ id: spec.id, ...Object.fromEntries(columns.map((c) => [c.name, c])) })
        .from(spec.table)
        .where(
          and(
            after ? gt(spec.id, after) : undefined,
            or(...spec.columns.map((c) => underOtherKey(c.enc, run.crypto))),
          ),
        )
        .orderBy(asc(spec.id))
        .limit(limit)
        .for('update')) as ColumnRow[],
    async (tx, rows) => {
      const counts: RotationCounts = {};
      for (const row of rows) {
        for (const { enc, hash } of rotateRecord(run.crypto, row, spec.columns, `${table} row ${row.id}`)) {
          for (const column of hash ? [enc, hash] : [enc])
            addCounts(counts, { [`${table}.${column.name}`]: 1 });
        }
      }
      await check?.(tx, rows);
      // Every selected column is written back, changed or not: the rows are locked, so these are their
      // current values, and an edit of any other column (waiting on the lock) is not overwritten.
      await updateByIds(tx, spec.table, spec.id, columns, rows);
      return { rows: rows.length, counts };
    },
    spec.maxBatch,
  );
}

/** One UPDATE for a whole batch of text columns: the new values ride in a VALUES list joined on the uuid id. */
export async function updateByIds(
  tx: Tx,
  table: PgTable,
  id: PgColumn,
  columns: PgColumn[],
  rows: ({ id: string } & Record<string, string | null>)[],
) {
  if (rows.length === 0) return;
  const names = columns.map((c) => sql.identifier(c.name));
  const values = rows.map(
    (r) =>
      sql`(${r.id}::uuid, ${sql.join(
        columns.map((c) => sql`${r[c.name] ?? null}::text`),
        sql`, `,
      )})`,
  );
  await tx.execute(
    sql`update ${table} set ${sql.join(
      columns.map((c) => sql`${sql.identifier(c.name)} = v.${sql.identifier(c.name)}`),
      sql`, `,
    )} from (values ${sql.join(values, sql`, `)}) as v(id, ${sql.join(names, sql`, `)}) where ${id} = v.id`,
  );
}
