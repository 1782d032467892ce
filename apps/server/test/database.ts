import { loadConfig } from '../src/platform/config';
import { type Database, openDatabase } from '../src/platform/db';

/**
 * Tests run on PGlite in memory by default, or on the PostgreSQL of TEST_DATABASE_URL / DATABASE_URL.
 * A PostgreSQL database whose name does not end in `_test` is refused: the suite writes freely.
 */
export function testDatabaseUrl(): string | null {
  const url = process.env.DATABASE_URL || null;
  if (!url) return null;
  const name = new URL(url).pathname.replace(/^\//, '');
  if (!name.endsWith('_test')) {
    throw new Error(`Refusing to run tests on database "${name}": its name must end in _test`);
  }
  return url;
}

/** A fixed key, so every test file of a run can read what the others encrypted on a shared database. */
export const TEST_ENCRYPTION_KEY = Buffer.from('linli-test-key-not-for-real-use!').toString('base64');

export function testConfig(overrides: Record<string, string> = {}) {
  const url = testDatabaseUrl();
  return loadConfig({
    LINLI_LOG_LEVEL: 'silent',
    LINLI_PG_POOL_SIZE: '4',
    LINLI_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
    ...(url && { DATABASE_URL: url }),
    ...overrides,
  });
}

export async function openTestDatabase(): Promise<Database> {
  const config = testConfig();
  const database = await openDatabase(
    config.database.kind === 'postgres' ? config.database : { kind: 'pglite', dataDir: null },
  );
  await database.migrate();
  return database;
}
