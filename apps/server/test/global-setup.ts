import pg from 'pg';
import { testDatabaseUrl } from './database';

/** On PostgreSQL: start every run from an empty schema, so migrations are tested from scratch too. */
export default async function setup() {
  const url = testDatabaseUrl();
  if (!url) return;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(
      'drop schema if exists public cascade; drop schema if exists drizzle cascade; create schema public;',
    );
  } finally {
    await client.end();
  }
}
