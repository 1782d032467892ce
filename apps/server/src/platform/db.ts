import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { type SQL, sql } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import type { DatabaseConfig } from './config';
import { acquireDataDirLock, type DataDirLock } from './lock';
import * as schema from './schema';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
/** Repositories accept either, so a service decides where the transaction begins. */
export type DbOrTx = Db | Tx;

export type Database = {
  db: Db;
  kind: 'pglite' | 'postgres';
  migrate(): Promise<void>;
  close(): Promise<void>;
};

/** An arbitrary constant: the advisory lock key that serialises migrations across app instances. */
const MIGRATION_LOCK_KEY = 7_246_011;

export function migrationsFolder(): string {
  // Works from src/platform (tests, tsx) and from dist/ (the bundled CLI).
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const candidate = join(dir, 'drizzle');
    if (existsSync(join(candidate, 'meta', '_journal.json'))) return candidate;
    dir = dirname(dir);
  }
  throw new Error('Cannot find the drizzle migrations folder');
}

export async function openDatabase(config: DatabaseConfig): Promise<Database> {
  return config.kind === 'postgres' ? openPostgres(config.url, config.poolSize) : openPglite(config.dataDir);
}

async function openPglite(dataDir: string | null): Promise<Database> {
  let lock: DataDirLock | null = null;
  let client: PGlite;
  if (dataDir) {
    const absolute = resolve(dataDir);
    await mkdir(dirname(absolute), { recursive: true });
    // PGlite takes no lock of its own: two processes on one directory silently corrupt it.
    lock = acquireDataDirLock(absolute);
    try {
      client = new PGlite(absolute, { extensions: { pg_trgm } });
      await client.waitReady;
    } catch (error) {
      lock.release();
      throw error;
    }
  } else {
    client = new PGlite({ extensions: { pg_trgm } });
    await client.waitReady;
  }
  const db = drizzlePglite({ client, schema }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    async migrate() {
      await migratePglite(db as never, { migrationsFolder: migrationsFolder() });
    },
    async close() {
      await client.close();
      lock?.release();
    },
  };
}

async function openPostgres(url: string, poolSize: number): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  // Surface a bad URL or a stopped server at boot, not at the first request.
  const probe = await pool.connect();
  probe.release();
  const db = drizzlePg({ client: pool, schema }) as unknown as Db;
  return {
    db,
    kind: 'postgres',
    async migrate() {
      const client = await pool.connect();
      try {
        await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
        try {
          await migratePg(drizzlePg({ client, schema }), { migrationsFolder: migrationsFolder() });
        } finally {
          await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
        }
      } finally {
        client.release();
      }
    },
    async close() {
      await pool.end();
    },
  };
}

/** Applied migrations vs those shipped: for `linli doctor`. */
export async function migrationStatus(db: Db): Promise<{ applied: number; shipped: number }> {
  const { readFile } = await import('node:fs/promises');
  const journal = JSON.parse(await readFile(join(migrationsFolder(), 'meta', '_journal.json'), 'utf8')) as {
    entries: unknown[];
  };
  let applied = 0;
  try {
    const rows = await db.execute<{ n: number }>(
      sql`select count(*)::int as n from drizzle.__drizzle_migrations`,
    );
    applied = Number(rowsOf<{ n: number }>(rows)[0]?.n ?? 0);
  } catch {
    applied = 0;
  }
  return { applied, shipped: journal.entries.length };
}

/** node-postgres returns { rows }, PGlite returns { rows } too, but typed differently through drizzle. */
export function rowsOf<T>(result: unknown): T[] {
  const r = result as { rows?: T[] } | T[];
  return Array.isArray(r) ? r : (r.rows ?? []);
}

/**
 * A statement Drizzle's builders cannot express (e.g. INSERT … SELECT … WHERE over a subset of the
 * columns), prepared once under a name like the builders' `.prepare(name)`. Rows come back raw:
 * read them with `rowsOf`. Placeholders are `sql.placeholder(name)`; values go in as the driver takes
 * them (map them with the column's `mapToDriverValue` where Drizzle would).
 */
export function prepareStatement(db: Db, name: string, query: SQL) {
  const internals = db as unknown as {
    _: { session: { prepareQuery(q: unknown, f: undefined, n: string, arrayMode: boolean): unknown } };
    dialect: { sqlToQuery(q: SQL): unknown };
  };
  const prepared = internals._.session.prepareQuery(
    internals.dialect.sqlToQuery(query),
    undefined,
    name,
    false,
  );
  return prepared as { execute(values: Record<string, unknown>): Promise<unknown> };
}
