// Linli forms benchmark: public form submissions per second on PostgreSQL, against a bare INSERT route.
//
// Recreates the `linli_bench_forms` database, starts the built server on it (loading the demo street),
// signs in as the demo `community_admin`, creates a form from the newcomer template for that community
// and publishes it. A second server on the same database, run with V8's sampling profiler, takes the
// same load for a few seconds first and is stopped (where the server's CPU time goes). Then, in the same
// run, with the same autocannon settings and the same request bodies, one after the other:
//   bare       = a bare Fastify route started by this script (`--baseline-server`, a child process)
//                that does one parameterised INSERT of the request body (jsonb) into a scratch table
//                through `pg`, with the same pool size as Linli's default
//   linli      = POST /api/public/forms/:slug/submissions, every request a distinct valid answer (ID
//                number with its check character, mobile number, address in the form's area) under a
//                distinct Idempotency-Key
//   bare
//   linli 1M   = the same after 1,000,000 answers are bulk-loaded into `form_submissions` (copies of one
//                real stored answer with distinct references, keys and hashes), then VACUUM (ANALYZE)
//   bare
// Each Linli row is set against the mean of the bare rows around it. Then, when cheap, the submit route
// on PGlite (no bare route there: it inserts through `pg`). Per row it also records the cores used by
// the server, PostgreSQL and the load generator, and PostgreSQL's commits, WAL and table scans per answer.
// The issue's goals: linli ≥ 0.6 × baseline; linli 1M ≥ 0.9 × linli. It also records the public form
// page's compressed JavaScript (scripts/public-form-size.mjs when present, else gzip of the scripts
// apps/web/dist/form.html loads).
//
// Run: npm run bench:forms   (builds first)   or   node bench/forms.mjs   (uses the existing build)
//      node bench/forms.mjs --from-results   (re-prints and re-writes the document from the last raw results)
// Env: BENCH_SECONDS (12 here), BENCH_CONNECTIONS (10), BENCH_FORMS_PRELOAD (1000000),
//      BENCH_FORMS_PGLITE ("1"; "0" skips the PGlite run), BENCH_FORMS_PROFILE ("1"; "0" skips the CPU
//      profile of a second server), BENCH_FORMS_PROFILE_OUT (a path to keep that raw .cpuprofile at),
//      BENCH_FORMS_QUIET_WAIT_SECONDS (300: how long
//      to wait for a quiet machine before measuring anyway, flagged busy), BENCH_FORMS_KEEP_DB ("0"),
//      BENCH_FORMS_WARMUP_SECONDS (5), BENCH_WRITE_DOC ("1"), BENCH_STARTUP_TIMEOUT_SECONDS (240),
//      LINLI_PG_POOL_SIZE (Linli's default, 10).

import { spawn } from 'node:child_process';
import { createCipheriv, createHmac, randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { copyFile, mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import autocannon from 'autocannon';
import pg from 'pg';
import { tsImport } from 'tsx/esm/api';
import {
  assertBuilt,
  autocannonVersion,
  CONNECTIONS,
  cleanup,
  commandLine,
  commandOutput,
  formatRps,
  HOST,
  intFromEnv,
  loadAverage,
  log,
  login,
  machineBusy,
  machineFacts,
  markdownTable,
  PG_ADMIN_URL,
  PG_PORT,
  PG_ROLE,
  pgUrl,
  publish,
  ROOT,
  runMain,
  sleep,
  startServer,
  stopServer,
  tail,
  writeDocSection,
} from './lib.mjs';

const THIS_FILE = fileURLToPath(import.meta.url);
const RESULTS_FILE = 'forms-latest.json';
const PG_DB = 'linli_bench_forms';
const PG_BENCH_URL = pgUrl(PG_DB);
const SECONDS = intFromEnv('BENCH_SECONDS', 12, 1, 600);
const PRELOAD = intFromEnv('BENCH_FORMS_PRELOAD', 1_000_000, 1_000, 10_000_000);
const QUIET_WAIT_SECONDS = intFromEnv('BENCH_FORMS_QUIET_WAIT_SECONDS', 300, 0, 3600);
const WITH_PGLITE = process.env.BENCH_FORMS_PGLITE !== '0';
const WITH_PROFILE = process.env.BENCH_FORMS_PROFILE !== '0';
/** Where to keep the raw .cpuprofile (for Chrome DevTools), if anywhere. */
const PROFILE_OUT = process.env.BENCH_FORMS_PROFILE_OUT || null;
const PROFILE_SECONDS = 6;
/**
 * Longer than the other runners' 2 s: the submit route's code takes a few thousand requests to be
 * optimised by V8, and a shorter warm-up left the first Linli row measuring that.
 */
const WARMUP_SECONDS = intFromEnv('BENCH_FORMS_WARMUP_SECONDS', 5, 1, 60);
const KEEP_DB = process.env.BENCH_FORMS_KEEP_DB === '1';
/** Linli's default pool (LINLI_PG_POOL_SIZE); the bare route gets the same. */
const POOL_SIZE = intFromEnv('LINLI_PG_POOL_SIZE', 10, 1, 200);
const GOAL = { minRatioToBaseline: 0.6, minRatioPreloaded: 0.9 };
/** What the issue quotes for the most-used open-source submission server on this kind of machine. */
const REFERENCE_RPS = 300;
const JS_BUDGET_KB = 100;
const REQUEST_TIMEOUT_S = 30;
const BASELINE_TABLE = 'bench_forms_baseline';

/**
 * The per-IP and per-form limits of the public submit route would answer 429 to a load generator that
 * sends everything from 127.0.0.1: they are raised for the benchmark, through the environment only.
 */
const RATE_LIMIT_ENV = {
  LINLI_FORM_SUBMITS_PER_IP_PER_MINUTE: '1000000',
  LINLI_FORM_SUBMITS_PER_FORM_PER_MINUTE: '1000000',
};

// ---------------------------------------------------------------------------------------------
// Answers: every request a distinct, valid answer to the form's definition

const SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕';
const GIVEN = '伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚华玉萍红建国志文海燕春梅晓东';

/** The shared identity helpers (TypeScript source), loaded once through tsx. */
let shared = null;
async function loadShared() {
  shared ??= await tsImport('@linli/shared', import.meta.url);
  return shared;
}

/** Answer `i` (unique across the run): an 18-character ID number with its check character. */
function idNumber(i) {
  const birth = new Date(Date.UTC(1950, 0, 1) + Math.floor(i / 1000) * 86_400_000 * 7);
  const ymd = birth.toISOString().slice(0, 10).replaceAll('-', '');
  const body = `310104${ymd}${String(i % 1000).padStart(3, '0')}`;
  return { value: body + shared.idCheckChar(body), birthDate: birth.toISOString().slice(0, 10) };
}

function personName(i) {
  return (
    SURNAMES[i % SURNAMES.length] +
    GIVEN[Math.floor(i / SURNAMES.length) % GIVEN.length] +
    (i % 3 ? GIVEN[(i * 7) % GIVEN.length] : '')
  );
}

const phone = (i, prefix = '139') => `${prefix}${String(i % 100_000_000).padStart(8, '0')}`;

/** Options a resident may pick without running into a capacity (the form is not a chain). */
const openOptions = (field) => {
  const free = (field.options ?? []).filter((o) => o.capacity === undefined);
  return free.length ? free : (field.options ?? []);
};

function answerFor(field, i, ctx) {
  const id = idNumber(i);
  switch (field.type) {
    case 'text': {
      if (field.maps === 'resident.name' || (!field.maps && /name/.test(field.key))) return personName(i);
      const max = Math.min(field.max ?? 200, 200);
      return `${field.label.slice(0, 10)} ${i}`.slice(0, max);
    }
    case 'textarea':
      return `基准测试第 ${i} 份答卷：情况正常，无其他说明。`;
    case 'number': {
      const min = field.min ?? 0;
      const max = field.max ?? min + 10;
      return Math.min(max, min + (i % 5));
    }
    case 'single': {
      // The ID number's 17th digit is odd for men: i odd.
      if (field.maps === 'resident.sex' && field.options?.some((o) => o.value === 'male'))
        return i % 2 ? 'male' : 'female';
      const options = openOptions(field);
      return options[i % options.length].value;
    }
    case 'multi':
      return [openOptions(field)[0].value];
    case 'date':
      return field.maps === 'resident.birthDate' ? id.birthDate : '2026-11-01';
    case 'datetime':
      return '2026-11-20T08:30:00.000Z';
    case 'phone':
      return field.maps === 'resident.emergencyContactPhone' ? phone(i, '137') : phone(i);
    case 'id_number':
      return id.value;
    case 'address':
      return { dwellingId: ctx.dwellings[i % ctx.dwellings.length].id };
    case 'temperature':
      return 36 + (i % 10) / 10;
    case 'yes_no':
      return i % 2 === 0;
    case 'consent':
      return true;
    default:
      // file and info take no answer here; a required file field is refused in prepareAnswers.
      return undefined;
  }
}

/** Checks once that generated answers pass the shared validator, so the load is all valid answers. */
function prepareAnswers(definition, ctx) {
  const fields = shared.fieldsOf(definition);
  const required = fields.filter((f) => f.required && f.type === 'file');
  if (required.length)
    throw new Error(`the form requires a file (${required[0].key}); pick another template`);
  const answersOf = (i) => {
    const answers = {};
    for (const field of fields) {
      const value = answerFor(field, i, ctx);
      if (value !== undefined) answers[field.key] = value;
    }
    return answers;
  };
  for (const i of [0, 1, 2, 3, 999_999]) {
    const check = shared.checkAnswers(definition, answersOf(i));
    if (!check.ok) throw new Error(`generated answer ${i} is not valid: ${JSON.stringify(check.issues)}`);
  }
  return answersOf;
}

/**
 * One counter across the whole run, so no two requests (warm-up included) share an answer or a key.
 * The request bodies come from `body(i)`; the baseline gets exactly the same bodies as Linli.
 */
let requestCounter = 0;
function requestsFor(pathname, body, runTag) {
  return [
    {
      method: 'POST',
      path: pathname,
      setupRequest(req) {
        const i = requestCounter++;
        req.body = body(i);
        req.headers = {
          ...req.headers,
          'content-type': 'application/json',
          'idempotency-key': `bench-${runTag}-${i}`,
        };
        return req;
      },
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Measuring

function summarise(r) {
  const status = Object.fromEntries(Object.entries(r.statusCodeStats ?? {}).map(([k, v]) => [k, v.count]));
  return {
    requestsPerSec: r.requests.average,
    requestsPerSecStddev: r.requests.stddev,
    totalRequests: r.requests.total,
    latencyMs: {
      mean: r.latency.average,
      p50: r.latency.p50,
      p97_5: r.latency.p97_5,
      p99: r.latency.p99,
      max: r.latency.max,
    },
    status,
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
  };
}

// Where the CPU goes while measuring: the server process, every PostgreSQL process (the cluster's, so a
// neighbour's queries count too) and this process (autocannon), from /proc, in CPU seconds.
const CLK_TCK = Number(commandOutput('getconf', ['CLK_TCK']) ?? 100);

function cpuOfPid(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return 0;
  }
}

function postgresCpu() {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres') total += cpuOfPid(entry);
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

function cpuSnapshot(serverPid) {
  const own = process.cpuUsage();
  return {
    at: performance.now(),
    server: cpuOfPid(serverPid),
    postgres: postgresCpu(),
    loadGenerator: (own.user + own.system) / 1e6,
  };
}

/** Cores used on average between two snapshots, per part. */
function coresBetween(a, b) {
  const wall = (b.at - a.at) / 1000;
  const cores = (k) => Math.round(((b[k] - a[k]) / wall) * 100) / 100;
  return { server: cores('server'), postgres: cores('postgres'), loadGenerator: cores('loadGenerator') };
}

/**
 * PostgreSQL 15 publishes a backend's statistics at most once a second, and an idle backend's last ones
 * up to 10 s later: the counters are read after this pause, with no request in flight.
 */
const STATS_SETTLE_MS = 11_000;

/** The benchmark database's transaction and row counters, per-table scans, and the cluster's WAL counters. */
async function dbCounters(client) {
  await sleep(STATS_SETTLE_MS);
  const db = await client.query(
    `select xact_commit::bigint as commits, tup_inserted::bigint as inserted,
            (tup_fetched + tup_returned)::bigint as read, blks_read::bigint as blocks_read
       from pg_stat_database where datname = current_database()`,
  );
  const wal = await client.query(
    'select wal_records, wal_bytes::bigint as wal_bytes, wal_sync, wal_sync_time, wal_write_time from pg_stat_wal',
  );
  // The cluster is shared (the project's own test database lives in it too): commits elsewhere during
  // a row mean other work shared the WAL and its fsyncs.
  const others = await client.query(
    `select coalesce(sum(xact_commit), 0)::bigint as commits from pg_stat_database
      where datname is not null and datname <> current_database()`,
  );
  const tables = await client.query(
    `select relname, seq_scan::bigint as seq_scan, seq_tup_read::bigint as seq_tup_read,
            coalesce(idx_scan, 0)::bigint as idx_scan, n_tup_ins::bigint as inserted
       from pg_stat_user_tables`,
  );
  return { ...db.rows[0], ...wal.rows[0], otherCommits: others.rows[0].commits, tables: tables.rows };
}

/**
 * The database work per answer stored in `table` during the measured window (answers still in flight
 * when autocannon stops are done by the server too, so they count; autocannon's 2xx would not).
 */
function perRequest(a, b, table) {
  const rowsOf = (x) => Number(x.tables.find((t) => t.relname === table)?.inserted ?? 0);
  const requests = rowsOf(b) - rowsOf(a);
  const per = (x, y) => (requests ? Math.round(((Number(y) - Number(x)) / requests) * 100) / 100 : null);
  const before = new Map(a.tables.map((t) => [t.relname, t]));
  // Tables read by a sequential scan during the run, most rows first: what grows with the data.
  const seqScans = b.tables
    .map((t) => {
      const o = before.get(t.relname) ?? { seq_scan: 0, seq_tup_read: 0, idx_scan: 0 };
      return {
        table: t.relname,
        seqScans: per(o.seq_scan, t.seq_scan),
        seqRowsRead: per(o.seq_tup_read, t.seq_tup_read),
        indexScans: per(o.idx_scan, t.idx_scan),
      };
    })
    .filter((t) => t.seqScans > 0 || t.indexScans > 0)
    .sort((x, y) => y.seqRowsRead - x.seqRowsRead || y.indexScans - x.indexScans);
  return {
    answers: requests,
    commits: per(a.commits, b.commits),
    rowsInserted: per(a.inserted, b.inserted),
    rowsRead: per(a.read, b.read),
    blocksRead: per(a.blocks_read, b.blocks_read),
    walRecords: per(a.wal_records, b.wal_records),
    walBytes: per(a.wal_bytes, b.wal_bytes),
    walSyncs: per(a.wal_sync, b.wal_sync),
    walSyncMs: per(a.wal_sync_time, b.wal_sync_time),
    walWriteMs: per(a.wal_write_time, b.wal_write_time),
    otherDatabasesCommits: Number(b.otherCommits) - Number(a.otherCommits),
    tables: seqScans,
  };
}

/**
 * A warm-up of WARMUP_SECONDS (discarded), then SECONDS measured, POSTing distinct bodies. Returns the
 * measured run, the 2xx count of both (every 2xx answer must be a stored row), the cores each part
 * used and, with a database client, the database work per acknowledged request.
 */
async function measure(label, url, pathname, body, runTag, { serverPid, client, table } = {}) {
  const load = loadAverage();
  log(`${label} (${WARMUP_SECONDS} s warm-up, ${SECONDS} s measured; load ${load.join(' ')})`);
  const options = {
    url,
    connections: CONNECTIONS,
    timeout: REQUEST_TIMEOUT_S,
    requests: requestsFor(pathname, body, runTag),
  };
  const warm = await autocannon({ ...options, duration: WARMUP_SECONDS });
  const counters = client ? await dbCounters(client) : null;
  const cpuBefore = cpuSnapshot(serverPid);
  const r = await autocannon({ ...options, duration: SECONDS });
  const cpuAfter = cpuSnapshot(serverPid);
  const result = { label, ...summarise(r), loadBefore: load, loadAfter: loadAverage() };
  result.acknowledged = (warm['2xx'] ?? 0) + (r['2xx'] ?? 0);
  result.cores = coresBetween(cpuBefore, cpuAfter);
  if (client) result.perRequest = perRequest(counters, await dbCounters(client), table);
  log(
    `${label}: ${formatRps(result.requestsPerSec)} req/s, p50 ${result.latencyMs.p50} ms, ` +
      `p99 ${result.latencyMs.p99} ms, status ${JSON.stringify(result.status)}, errors ${result.errors}`,
  );
  return result;
}

async function countRows(client, table, where = '') {
  const r = await client.query(`select count(*)::int as n from ${table} ${where}`);
  return r.rows[0].n;
}

/** Every answer acknowledged with a 2xx must be stored; a few more may be (in flight when the run stopped). */
function checkStored(result, before, after) {
  result.rowsStored = after - before;
  if (result.rowsStored < result.acknowledged) {
    throw new Error(
      `${result.label}: ${result.acknowledged} answers were acknowledged but only ${result.rowsStored} stored`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

async function withClient(url, fn) {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Starts the local cluster on PG_PORT if it is down (Debian's pg_ctlcluster), then checks the connection. */
async function ensurePostgres() {
  try {
    return await withClient(PG_ADMIN_URL, async (c) => (await c.query('show server_version')).rows[0]);
  } catch (error) {
    const line = (commandOutput('pg_lsclusters', ['--no-header']) ?? '')
      .split('\n')
      .map((l) => l.trim().split(/\s+/))
      .find((f) => f[2] === String(PG_PORT));
    if (!line || line[3] === 'online') throw error;
    log(`PostgreSQL cluster ${line[0]}/${line[1]} is ${line[3]}; starting it`);
    commandOutput('pg_ctlcluster', [line[0], line[1], 'start'], { timeout: 60_000 });
    return withClient(PG_ADMIN_URL, async (c) => (await c.query('show server_version')).rows[0]);
  }
}

async function recreateDatabase() {
  await withClient(PG_ADMIN_URL, async (c) => {
    await c.query(`drop database if exists ${PG_DB} with (force)`);
    await c.query(`create database ${PG_DB} owner ${PG_ROLE}`);
    // Time WAL writes and flushes in this database's sessions (pg_stat_wal then says how long commits
    // waited on fsync); a superuser setting, scoped to the benchmark database.
    await c.query(`alter database ${PG_DB} set track_wal_io_timing = on`);
  });
}

async function dropDatabase() {
  await withClient(PG_ADMIN_URL, (c) => c.query(`drop database if exists ${PG_DB} with (force)`));
}

async function settingsOf(client) {
  const names = ['shared_buffers', 'synchronous_commit', 'fsync', 'wal_level', 'max_connections'];
  const r = await client.query(
    'select name, current_setting(name) as value from unnest($1::text[]) as name',
    [names],
  );
  return Object.fromEntries(r.rows.map((row) => [row.name, row.value]));
}

/**
 * PRELOAD copies of one real stored answer, in one INSERT … SELECT generate_series: the same
 * ciphertext, summary, masks and form version; distinct ids, references, idempotency keys, body and
 * phone / ID / name hashes (and limit keys when the form has a limit), submission times spread over the
 * preceding weeks. Every column not named here is copied from the real row, so a column added to the
 * table later keeps a real value. Foreign-key triggers are skipped for the load (session_replication_role
 * = replica, a superuser setting): every copy points at the form and version of the real row.
 */
async function preload(client, formId) {
  const source = await client.query(
    'select id from form_submissions where form_id = $1 order by submitted_at limit 1',
    [formId],
  );
  if (!source.rows[0]) throw new Error('no real answer to copy for the preload');
  const columns = (
    await client.query(
      `select column_name from information_schema.columns
        where table_schema = 'public' and table_name = 'form_submissions' order by ordinal_position`,
    )
  ).rows.map((r) => r.column_name);
  const hex = (salt) => `encode(sha256(convert_to('${salt}' || g::text, 'UTF8')), 'hex')`;
  const overrides = {
    id: 'gen_random_uuid()',
    reference: `'P' || lpad(g::text, 9, '0')`,
    idempotency_key: `'bench-preload-' || g::text`,
    body_hash: hex('body'),
    name_hash: `case when s.name_hash is null then null else ${hex('name')} end`,
    phone_hash: `case when s.phone_hash is null then null else ${hex('phone')} end`,
    id_hash: `case when s.id_hash is null then null else ${hex('id')} end`,
    limit_key: `case when s.limit_key is null then null else ${hex('limit')} end`,
    submitted_at: `now() - make_interval(secs => g * 2)`,
    updated_at: `now() - make_interval(secs => g * 2)`,
  };
  const select = columns.map((c) => overrides[c] ?? `s.${c}`).join(', ');
  const started = performance.now();
  await client.query('begin');
  await client.query('set local session_replication_role = replica');
  await client.query(
    `insert into form_submissions (${columns.join(', ')})
     select ${select} from generate_series(1, $1::int) as g, form_submissions s where s.id = $2`,
    [PRELOAD, source.rows[0].id],
  );
  await client.query('commit');
  const insertMs = performance.now() - started;
  // VACUUM as well as ANALYZE: otherwise autovacuum's insert threshold starts a vacuum of the whole
  // table in the middle of the measurement.
  const v0 = performance.now();
  await client.query('vacuum (analyze) form_submissions');
  const vacuumMs = performance.now() - v0;
  await client.query('checkpoint');
  const size = (
    await client.query(
      `select pg_size_pretty(pg_table_size('form_submissions')) as heap,
              pg_size_pretty(pg_indexes_size('form_submissions')) as indexes,
              (select count(*)::int from pg_indexes where tablename = 'form_submissions') as index_count,
              (select count(*)::int from pg_constraint
                where conrelid = 'form_submissions'::regclass and contype = 'f') as foreign_key_count`,
    )
  ).rows[0];
  return {
    rows: PRELOAD,
    insertSeconds: round1(insertMs / 1000),
    vacuumSeconds: round1(vacuumMs / 1000),
    ...size,
  };
}

const round1 = (n) => Math.round(n * 10) / 10;

// ---------------------------------------------------------------------------------------------
// The bare INSERT route (this file, started with --baseline-server)

async function baselineServer() {
  const { default: Fastify } = await import('fastify');
  const pool = new pg.Pool({ connectionString: process.env.BENCH_BASELINE_DB, max: POOL_SIZE });
  // The same body limit as Linli's server.
  const app = Fastify({ logger: false, bodyLimit: 256 * 1024 });
  app.post('/submit', async (req, reply) => {
    const id = randomUUID();
    await pool.query(`insert into ${BASELINE_TABLE} (id, idempotency_key, payload) values ($1, $2, $3)`, [
      id,
      req.headers['idempotency-key'] ?? null,
      req.body,
    ]);
    reply.code(201);
    return { id };
  });
  await app.listen({ port: 0, host: HOST });
  process.stdout.write(`${JSON.stringify({ port: app.server.address().port })}\n`);
  const stop = () =>
    app
      .close()
      .then(() => pool.end())
      .finally(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

let baselineChild = null;

async function startBaseline() {
  await withClient(PG_BENCH_URL, (c) =>
    c.query(`drop table if exists ${BASELINE_TABLE};
      create table ${BASELINE_TABLE} (
        id uuid primary key,
        idempotency_key text,
        payload jsonb not null,
        received_at timestamptz not null default now()
      )`),
  );
  const child = spawn(process.execPath, [THIS_FILE, '--baseline-server'], {
    cwd: ROOT,
    env: { ...process.env, BENCH_BASELINE_DB: PG_BENCH_URL, LINLI_PG_POOL_SIZE: String(POOL_SIZE) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  baselineChild = child;
  const err = tail(5_000);
  child.stderr.on('data', (c) => err.push(c.toString()));
  const port = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c) => {
      out += c.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve(JSON.parse(line).port);
    });
    child.once('exit', (code) => reject(new Error(`the bare route exited (code ${code}): ${err.text}`)));
  });
  return { child, baseUrl: `http://${HOST}:${port}` };
}

async function stopBaseline() {
  const child = baselineChild;
  baselineChild = null;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  if (!(await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)])))
    child.kill('SIGKILL');
}

// ---------------------------------------------------------------------------------------------
// Linli: the form

async function api(base, auth, method, url, body) {
  const res = await fetch(`${base}${url}`, {
    method,
    headers: {
      ...(auth && { cookie: auth.cookie, 'x-csrf-token': auth.csrf }),
      ...(body !== undefined && { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url} answered ${res.status}: ${text.slice(0, 500)}`);
  return text ? JSON.parse(text) : null;
}

/**
 * A form from the newcomer template in the community admin's community, published with no per-phone
 * or per-dwelling limit (every request is a different person anyway), and some dwellings of that
 * community, picked the way the public page does (compound → building → dwellings).
 */
async function publishForm(base) {
  const cookie = await login(base, 'community_admin');
  const me = await api(base, { cookie, csrf: '' }, 'GET', '/api/me');
  const auth = { cookie, csrf: me.csrfToken };
  const community = me.grants.find((g) => g.areaKind === 'community');
  if (!community) throw new Error('the demo community_admin has no community grant');
  let form = await api(base, auth, 'POST', '/api/forms', {
    areaId: community.areaId,
    title: '新来人员登记（基准测试）',
    mode: 'form',
    template: 'newcomer',
  });
  form = await api(base, auth, 'GET', `/api/forms/${form.id}`);
  if (form.submissionLimit && form.submissionLimit !== 'none') {
    form = await api(base, auth, 'PATCH', `/api/forms/${form.id}`, {
      version: form.version,
      submissionLimit: 'none',
    });
  }
  form = await api(base, auth, 'POST', `/api/forms/${form.id}/publish`, { version: form.version });
  const slug = form.slug;
  const page = await api(base, null, 'GET', `/api/public/forms/${slug}`);
  if (page.state !== 'open') throw new Error(`the published form is ${page.state}, not open`);
  const dwellings = [];
  const compounds = (await api(base, null, 'GET', `/api/public/forms/${slug}/places`)).items;
  for (const compound of compounds) {
    const buildings = (
      await api(base, null, 'GET', `/api/public/forms/${slug}/places?compoundId=${compound.id}`)
    ).items;
    for (const building of buildings.slice(0, 2)) {
      const items = (
        await api(base, null, 'GET', `/api/public/forms/${slug}/places?buildingId=${building.id}`)
      ).items;
      dwellings.push(...items.slice(0, 20));
    }
    if (dwellings.length >= 100) break;
  }
  if (!dwellings.length) throw new Error('the form’s area has no dwellings to answer with');
  return { formId: form.id, slug, versionNo: page.versionNo, definition: page.definition, dwellings };
}

/** One answer through fetch, twice with the same key: 201, then 200 with the same reference. */
async function probeSubmit(base, form, body) {
  const url = `${base}/api/public/forms/${form.slug}/submissions`;
  const send = () =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'bench-probe-0001' },
      body,
      signal: AbortSignal.timeout(60_000),
    });
  const first = await send();
  const firstBody = await first.text();
  if (first.status !== 201)
    throw new Error(`the probe answer got ${first.status}: ${firstBody.slice(0, 500)}`);
  const again = await send();
  const againBody = await again.text();
  if (again.status !== 200 || JSON.parse(againBody).reference !== JSON.parse(firstBody).reference) {
    throw new Error(`the replayed probe got ${again.status}: ${againBody.slice(0, 300)}`);
  }
}

function definitionShape(definition) {
  return shared.fieldsOf(definition).map((f) => `${f.key}:${f.type}${f.required ? '*' : ''}`);
}

async function benchPostgres(report) {
  const version = await ensurePostgres();
  report.postgresVersion = version.server_version;
  await recreateDatabase();
  cleanup.dropDb = !KEEP_DB;
  report.postgresSettings = await withClient(PG_ADMIN_URL, settingsOf);

  log('PostgreSQL: starting the server (loads the demo street on first start) …');
  const server = await startServer({ env: postgresServerEnv(), args: ['--seed-demo-if-empty'] });
  const client = new pg.Client({ connectionString: PG_BENCH_URL });
  await client.connect();
  try {
    report.serverVersion = server.health.version;
    const form = await publishForm(server.baseUrl);
    const answersOf = prepareAnswers(form.definition, form);
    const body = (i) => JSON.stringify({ versionNo: form.versionNo, answers: answersOf(i) });
    report.form = {
      fields: definitionShape(form.definition),
      dwellingsUsed: form.dwellings.length,
      bodyBytes: Buffer.byteLength(body(123_456)),
      sampleAnswersJson: JSON.stringify(answersOf(123_456)),
    };
    await probeSubmit(server.baseUrl, form, body(0));
    const stored = (
      await client.query('select length(answers_enc) as n from form_submissions where form_id = $1', [
        form.formId,
      ])
    ).rows[0];
    report.form.storedCiphertextChars = stored.n;

    const baseline = await startBaseline();
    const linliPath = `/api/public/forms/${form.slug}/submissions`;
    const where = `where form_id = '${form.formId}'`;
    const runs = {};
    // Profiled in a second server now, stopped before anything is measured. (Not at the end: other work
    // on this tree may regenerate the pending migration meanwhile, and a later start would then fail.)
    if (WITH_PROFILE) await profileLinli(report);
    // The demo street was just loaded: vacuum and analyse it now, or autovacuum does it (and writes WAL)
    // during the first measurements.
    await client.query('vacuum (analyze)');
    await client.query('checkpoint');

    const bare = async (key, label, tag) => {
      const before = await countRows(client, BASELINE_TABLE);
      runs[key] = await measure(label, baseline.baseUrl, '/submit', body, tag, {
        serverPid: baseline.child.pid,
        client,
        table: BASELINE_TABLE,
      });
      checkStored(runs[key], before, await countRows(client, BASELINE_TABLE));
    };
    const submit = async (key, label, tag) => {
      const before = await countRows(client, 'form_submissions', where);
      runs[key] = await measure(label, server.baseUrl, linliPath, body, tag, {
        serverPid: server.child.pid,
        client,
        table: 'form_submissions',
      });
      checkStored(runs[key], before, await countRows(client, 'form_submissions', where));
    };

    // The bare route before and after each Linli row: each Linli figure is set against the mean of the
    // two around it, so a machine that gets busier or quieter during the run skews the ratios less.
    await bare('baseline', 'bare INSERT route', 'base');
    await submit('linli', 'Linli submit, empty table', 'empty');
    await bare('baselineMiddle', 'bare INSERT route (between)', 'mid');

    log(`bulk-loading ${PRELOAD.toLocaleString('en-US')} stored answers …`);
    report.preload = await preload(client, form.formId);
    log(
      `preload: insert ${report.preload.insertSeconds} s, vacuum ${report.preload.vacuumSeconds} s; ` +
        `heap ${report.preload.heap}, ${report.preload.index_count} indexes ${report.preload.indexes}`,
    );

    await submit('linliPreloaded', `Linli submit, ${PRELOAD.toLocaleString('en-US')} stored`, 'full');
    await bare('baselineAgain', 'bare INSERT route again', 'again');

    report.runs = runs;
    report.serverOutputDuringBench = server.afterReady.lines.slice();
  } finally {
    await client.end();
    await stopBaseline();
    report.stoppedWith = await stopServer(server);
  }
}

let encryptionKey = null;
function postgresServerEnv(extra = {}) {
  encryptionKey ??= randomBytes(32).toString('base64');
  return {
    ...process.env,
    ...RATE_LIMIT_ENV,
    DATABASE_URL: PG_BENCH_URL,
    LINLI_DATA_DIR: '',
    LINLI_ENCRYPTION_KEY: encryptionKey,
    ...extra,
  };
}

/**
 * Where the server's CPU time goes while it takes answers: a second server on the same database (the
 * table still holds the preloaded answers) with V8's sampling profiler on (`--cpu-prof`), a new form,
 * PROFILE_SECONDS of load; the samples taken inside that window are summed by package and by function.
 * A separate server, so the profiler's overhead touches none of the figures in the table.
 */
async function profileLinli(report) {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'linli-bench-forms-prof-'));
  cleanup.tempDirs.add(dir);
  log('profile: starting a second server with --cpu-prof …');
  const server = await startServer({
    env: postgresServerEnv(),
    nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${dir}`],
    dataDir: dir,
  });
  let window;
  try {
    const form = await publishForm(server.baseUrl);
    const answersOf = prepareAnswers(form.definition, form);
    const body = (i) => JSON.stringify({ versionNo: form.versionNo, answers: answersOf(i) });
    const options = {
      url: server.baseUrl,
      connections: CONNECTIONS,
      timeout: REQUEST_TIMEOUT_S,
      requests: requestsFor(`/api/public/forms/${form.slug}/submissions`, body, 'prof'),
    };
    await autocannon({ ...options, duration: WARMUP_SECONDS });
    // V8's profile timestamps and process.hrtime both read the monotonic clock, in µs and ns.
    const from = Number(process.hrtime.bigint() / 1000n);
    const r = await autocannon({ ...options, duration: PROFILE_SECONDS });
    window = { from, to: Number(process.hrtime.bigint() / 1000n), requestsPerSec: r.requests.average };
    // Stopped by SIGTERM: the server exits normally and V8 writes the profile.
    await stopServerKeepingDir(server);
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    if (!file) throw new Error('the profiled server wrote no .cpuprofile');
    if (PROFILE_OUT) await copyFile(path.join(dir, file), PROFILE_OUT);
    report.profile = {
      seconds: PROFILE_SECONDS,
      ...window,
      ...summariseProfile(JSON.parse(await readFile(path.join(dir, file), 'utf8')), window),
    };
  } finally {
    await stopServer({ ...server, dataDir: dir });
  }
}

/** stopServer without removing the directory (it holds the profile). */
async function stopServerKeepingDir(server) {
  await stopServer({ ...server, dataDir: null });
}

function categoryOf(frame) {
  const url = frame.url ?? '';
  const at = url.lastIndexOf('/node_modules/');
  if (at !== -1) {
    const rest = url.slice(at + '/node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.includes('apps/server/dist/')) return 'Linli (server and shared code)';
  if (url.startsWith('node:')) return 'Node.js core (node:*)';
  if (frame.functionName === '(garbage collector)') return 'garbage collection';
  if (frame.functionName === '(idle)') return '(idle)';
  return 'V8 and native code';
}

/** Self time of the samples inside `window`, by package and by function, as shares of the busy samples. */
function summariseProfile(profile, window) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  let t = profile.startTime;
  const selfByNode = new Map();
  let inWindow = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i];
    if (t < window.from || t > window.to) continue;
    inWindow++;
    selfByNode.set(profile.samples[i], (selfByNode.get(profile.samples[i]) ?? 0) + 1);
  }
  const byCategory = new Map();
  const byFunction = new Map();
  let idle = 0;
  for (const [id, n] of selfByNode) {
    const frame = byId.get(id).callFrame;
    const category = categoryOf(frame);
    if (category === '(idle)') {
      idle += n;
      continue;
    }
    byCategory.set(category, (byCategory.get(category) ?? 0) + n);
    const fn = `${frame.functionName || '(anonymous)'} (${category})`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + n);
  }
  const busy = inWindow - idle;
  const share = (entries, top) =>
    [...entries]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, n]) => ({ name, percent: Math.round((n / busy) * 1000) / 10 }));
  return {
    samples: inWindow,
    idlePercent: inWindow ? Math.round((idle / inWindow) * 1000) / 10 : null,
    byCategory: share(byCategory, 10),
    topFunctions: share(byFunction, 12),
  };
}

async function benchPglite(report) {
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'linli-bench-forms-pglite-'));
  cleanup.tempDirs.add(dataDir);
  const env = { ...process.env, ...RATE_LIMIT_ENV, LINLI_DATA_DIR: dataDir };
  delete env.DATABASE_URL;
  delete env.LINLI_ENCRYPTION_KEY;
  log('PGlite: starting the server …');
  const server = await startServer({ env, args: ['--seed-demo-if-empty'], dataDir });
  try {
    const form = await publishForm(server.baseUrl);
    const answersOf = prepareAnswers(form.definition, form);
    const body = (i) => JSON.stringify({ versionNo: form.versionNo, answers: answersOf(i) });
    await probeSubmit(server.baseUrl, form, body(0));
    report.pglite = await measure(
      'PGlite: Linli submit, empty table',
      server.baseUrl,
      `/api/public/forms/${form.slug}/submissions`,
      body,
      'pglite',
      { serverPid: server.child.pid },
    );
  } finally {
    await stopServer(server);
  }
}

// ---------------------------------------------------------------------------------------------
// The public page's compressed JavaScript

async function publicPageSize() {
  const script = path.join(ROOT, 'scripts/public-form-size.mjs');
  if (existsSync(script)) {
    const out = commandOutput(process.execPath, [script], { timeout: 120_000 });
    if (out !== null) return { source: 'scripts/public-form-size.mjs', output: out.slice(-2_000) };
    log('scripts/public-form-size.mjs failed; measuring apps/web/dist/form.html instead');
  }
  const html = path.join(ROOT, 'apps/web/dist/form.html');
  if (!existsSync(html))
    return { source: 'none', missing: 'apps/web/dist/form.html (the public page entry)' };
  const text = await readFile(html, 'utf8');
  const refs = [
    ...text.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g),
    ...text.matchAll(/<link\b[^>]*\brel="modulepreload"[^>]*\bhref="([^"]+)"/g),
  ].map((m) => m[1]);
  const files = [];
  for (const ref of new Set(refs)) {
    const file = path.join(ROOT, 'apps/web/dist', ref.replace(/^\//, ''));
    const data = await readFile(file);
    files.push({ file: ref, bytes: data.length, gzipBytes: gzipSync(data, { level: 9 }).length });
  }
  return {
    source: 'gzip -9 of the scripts apps/web/dist/form.html loads (script src + modulepreload)',
    files,
    gzipBytes: files.reduce((s, f) => s + f.gzipBytes, 0),
    bytes: files.reduce((s, f) => s + f.bytes, 0),
  };
}

// ---------------------------------------------------------------------------------------------
// Reporting

const ms = (n) => (n === undefined || n === null ? '–' : Number.isInteger(n) ? `${n}` : n.toFixed(1));
const ratioOf = (a, b) => (a && b ? a.requestsPerSec / b.requestsPerSec : null);

const mean = (a, b) => ({ requestsPerSec: (a.requestsPerSec + b.requestsPerSec) / 2 });

/**
 * Each Linli row against the mean of the bare rows measured just before and after it; the preloaded
 * figure against the empty one both as measured and corrected for drift (each first divided by its
 * own bare figure).
 */
function ratios(r) {
  const { baseline, baselineMiddle, baselineAgain, linli, linliPreloaded } = r.runs;
  const linliToBaseline = ratioOf(linli, mean(baseline, baselineMiddle));
  const preloadedToBaseline = ratioOf(linliPreloaded, mean(baselineMiddle, baselineAgain));
  return {
    linliToBaseline,
    preloadedToBaseline,
    preloadedToEmpty: ratioOf(linliPreloaded, linli),
    preloadedToEmptyCorrected: preloadedToBaseline / linliToBaseline,
    baselineDriftPercent: (ratioOf(baselineAgain, baseline) - 1) * 100,
  };
}

function statusText(run) {
  const codes = Object.entries(run.status)
    .map(([k, v]) => `${k}×${v}`)
    .join(' ');
  return `${codes || '–'}${run.errors ? `, ${run.errors} errors` : ''}${run.timeouts ? `, ${run.timeouts} timeouts` : ''}`;
}

function resultRows(r) {
  const q = ratios(r);
  const row = (label, run, ratio) => [
    label,
    formatRps(run.requestsPerSec),
    ratio === null ? '–' : ratio.toFixed(2),
    ms(run.latencyMs.p50),
    ms(run.latencyMs.p99),
    statusText(run),
  ];
  const n = PRELOADED_LABEL(r);
  return [
    ['route (in the order measured)', 'req/s', 'ratio to bare', 'p50 ms', 'p99 ms', 'responses'],
    row('bare INSERT route (`pg`, Fastify)', r.runs.baseline, null),
    row('Linli submit, empty table', r.runs.linli, q.linliToBaseline),
    row('bare INSERT route', r.runs.baselineMiddle, null),
    row(`Linli submit, ${n} answers stored`, r.runs.linliPreloaded, q.preloadedToBaseline),
    row('bare INSERT route', r.runs.baselineAgain, null),
  ];
}

const PRELOADED_LABEL = (r) => (r.preload?.rows ?? PRELOAD).toLocaleString('en-US');

function jsSizeText(size) {
  if (size.source === 'none') return `not measured: ${size.missing} is not built yet.`;
  if (size.output !== undefined) return `\`${size.source}\` reports:\n\n\`\`\`text\n${size.output}\n\`\`\``;
  const kb = (b) => `${(b / 1024).toFixed(1)} KB`;
  return (
    `**${kb(size.gzipBytes)}** of gzip-compressed JavaScript (${kb(size.bytes)} uncompressed, ` +
    `${size.files.length} file(s): ${size.files.map((f) => `\`${f.file}\` ${kb(f.gzipBytes)}`).join(', ')}); ` +
    `budget ${JS_BUDGET_KB} KB — ${size.gzipBytes <= JS_BUDGET_KB * 1024 ? 'met' : 'not met'}. Measured as ${size.source}.`
  );
}

function print(r) {
  const rows = resultRows(r);
  console.log('');
  for (const row of rows) console.log(row.map((c, i) => (i === 0 ? c.padEnd(44) : c.padStart(12))).join(' '));
  const q = ratios(r);
  console.log(
    `\nratio Linli / bare ${q.linliToBaseline.toFixed(2)} (goal ≥ ${GOAL.minRatioToBaseline}); ` +
      `${PRELOADED_LABEL(r)} stored / empty ${q.preloadedToEmpty.toFixed(2)}, drift-corrected ` +
      `${q.preloadedToEmptyCorrected.toFixed(2)} (goal ≥ ${GOAL.minRatioPreloaded}); ` +
      `bare drift ${q.baselineDriftPercent.toFixed(1)}%`,
  );
  if (r.pglite)
    console.log(`PGlite: ${formatRps(r.pglite.requestsPerSec)} req/s, p99 ${r.pglite.latencyMs.p99} ms`);
  console.log(`public page JS: ${jsSizeText(r.jsSize)}`);
  if (r.busy) console.log('BUSY MACHINE: the load was above the number of CPUs when the run started');
}

async function writeDoc(r) {
  const q = ratios(r);
  const met = (ok) => (ok ? 'met' : 'not met');
  const m = r.machine;
  const body = [
    '## Forms: public submissions per second (PostgreSQL)',
    '',
    '_Written by `npm run bench:forms` (`bench/forms.mjs`); do not edit by hand, the next run replaces it._',
    '',
    `- Date: ${m.date}; machine: ${m.cpuModel}, ${m.nproc} CPUs, ${m.totalMemoryGiB} GiB RAM; Node ${m.node}; ` +
      `PostgreSQL ${r.postgresVersion} (shared_buffers ${r.postgresSettings.shared_buffers}, ` +
      `synchronous_commit ${r.postgresSettings.synchronous_commit}, fsync ${r.postgresSettings.fsync}); ` +
      `commit ${m.gitCommit ?? 'unknown'}${m.gitDirty ? ' with uncommitted changes' : ''}.`,
    `- Command: \`${r.settings.command}\`; autocannon ${r.settings.autocannon}, ${r.settings.connections} ` +
      `connections, ${r.settings.warmupSeconds} s warm-up (discarded) then ${r.settings.seconds} s per row; ` +
      'server, PostgreSQL and load generator on the same machine.',
    `- Load average (1 min) ${r.loadAtStart.join(' / ')} when the run started` +
      (r.busy
        ? ': **busy machine** — the load was above the number of CPUs' +
          (r.quietWaitedSeconds > 0 ? ` after ${r.quietWaitedSeconds} s of waiting for it to fall` : '') +
          ', so other work shared the CPUs with the server, PostgreSQL and the load generator; every figure ' +
          'below is lower than a quiet machine gives, and the ratios are less trustworthy.'
        : r.quietWaitedSeconds > 0
          ? ` (after waiting ${r.quietWaitedSeconds} s for other work to finish); quiet enough to measure.`
          : '; the machine was otherwise quiet.'),
    '',
    `The form: the newcomer template (${r.form.fields.length} fields: ${r.form.fields.map((f) => `\`${f}\``).join(', ')}; ` +
      '`*` required) in the demo community, published, no per-phone or per-dwelling limit. Every request is a ' +
      'different valid answer (a new name, mobile number and ID number with its check character, one of ' +
      `${r.form.dwellingsUsed} dwellings of the community) under its own \`Idempotency-Key\`; request bodies are ` +
      `~${r.form.bodyBytes} bytes, stored as a ${r.form.storedCiphertextChars}-character ciphertext. The bare route ` +
      'receives exactly the same bodies and keys and does one parameterised `INSERT` of the body (jsonb) into a ' +
      `scratch table with a primary key only, through \`pg\` with a pool of ${r.settings.poolSize} (Linli's default ` +
      '`LINLI_PG_POOL_SIZE`), in a Fastify 5 process this script starts. Every answer acknowledged with a 2xx ' +
      'was checked to be stored (rows counted before and after each row of the table).',
    '',
    markdownTable(resultRows(r), (i) => i > 0 && i < 5),
    '',
    'Each Linli row is set against the mean of the bare rows just before and after it.',
    '',
    `- Linli / bare: **${q.linliToBaseline.toFixed(2)}** on the empty table, ` +
      `${q.preloadedToBaseline.toFixed(2)} with ${PRELOADED_LABEL(r)} answers stored (goal ≥ ` +
      `${GOAL.minRatioToBaseline}) — ${met(q.linliToBaseline >= GOAL.minRatioToBaseline)}.`,
    `- With ${PRELOADED_LABEL(r)} answers stored / empty table: **${q.preloadedToEmpty.toFixed(2)}** as ` +
      `measured, ${q.preloadedToEmptyCorrected.toFixed(2)} corrected for drift (each first divided by its own ` +
      `bare figure); goal ≥ ${GOAL.minRatioPreloaded} — ` +
      `${
        q.preloadedToEmpty >= GOAL.minRatioPreloaded && q.preloadedToEmptyCorrected >= GOAL.minRatioPreloaded
          ? 'met'
          : q.preloadedToEmpty >= GOAL.minRatioPreloaded ||
              q.preloadedToEmptyCorrected >= GOAL.minRatioPreloaded
            ? 'met by one of the two figures only'
            : 'not met'
      }. The ` +
      `${PRELOADED_LABEL(r)} rows were loaded in ${r.preload.insertSeconds} s by one \`INSERT … SELECT ` +
      'generate_series` (copies of the first real stored answer: same ciphertext and summary, distinct ' +
      'references, idempotency keys and hashes), then `VACUUM (ANALYZE)` ' +
      `(${r.preload.vacuumSeconds} s, so autovacuum does not start during the measurement) and a checkpoint; ` +
      `the table was then ${r.preload.heap} with ${r.preload.index_count} indexes of ${r.preload.indexes}.`,
    `- For scale: the issue quotes about ${REFERENCE_RPS} submissions/s for the most-used open-source ` +
      'submission server on this kind of machine, slowing as its table grows; Linli took ' +
      `${formatRps(r.runs.linli.requestsPerSec)}/s here (${(r.runs.linli.requestsPerSec / REFERENCE_RPS).toFixed(1)}×) ` +
      `and ${formatRps(r.runs.linliPreloaded.requestsPerSec)}/s with ${PRELOADED_LABEL(r)} answers stored.`,
    `- The bare route drifted ${q.baselineDriftPercent.toFixed(1)}% between the first and last row ` +
      '(a large drift means other work shared the machine).',
    r.pglite
      ? `- PGlite (embedded, same form, empty table): ${formatRps(r.pglite.requestsPerSec)} req/s, p50 ` +
        `${ms(r.pglite.latencyMs.p50)} ms, p99 ${ms(r.pglite.latencyMs.p99)} ms (${statusText(r.pglite)}); no ratio, ` +
        'the bare route writes to PostgreSQL.'
      : '- PGlite: not measured in this run (`BENCH_FORMS_PGLITE=0`).',
    '',
    'Rate limits: the public submit route limits answers per client address and per form; everything here ' +
      'comes from 127.0.0.1, so the run raises them through the environment only ' +
      `(${Object.entries(r.settings.rateLimitEnv)
        .map(([k, v]) => `\`${k}=${v}\``)
        .join(', ')}); no code path differs.`,
    '',
    `Public form page (\`/f/…\`): ${jsSizeText(r.jsSize)}`,
    '',
    '### What limits it',
    '',
    limitsText(r),
    '',
  ].join('\n');
  await writeDocSection('forms', body);
}

// ---------------------------------------------------------------------------------------------
// What limits it

/**
 * What encrypting one answer costs, the way the server stores it (AES-256-GCM of the answers JSON,
 * plus keyed SHA-256 hashes of the name, phone and ID number), timed in this process.
 */
function encryptionCost(sample) {
  const key = randomBytes(32);
  const once = () => {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    Buffer.concat([cipher.update(sample, 'utf8'), cipher.final()]).toString('base64');
    cipher.getAuthTag();
    for (const v of ['name', 'phone', 'id']) createHmac('sha256', key).update(v).digest('hex');
  };
  for (let i = 0; i < 500; i++) once();
  const n = 5_000;
  const t = performance.now();
  for (let i = 0; i < n; i++) once();
  return Math.round(((performance.now() - t) / n) * 1000 * 10) / 10;
}

function seqScanText(tables) {
  const scanned = tables.filter((t) => t.seqScans >= 0.5);
  if (!scanned.length) return 'no table read by a sequential scan';
  return scanned
    .map((t) => `\`${t.table}\` ×${Math.round(t.seqScans)} (${Math.round(t.seqRowsRead)} rows)`)
    .join(', ');
}

function limitsText(r) {
  const { baseline, linli, linliPreloaded } = r.runs;
  const c = linli.cores;
  const total = c.server + c.postgres + c.loadGenerator;
  const cpus = r.machine.nproc;
  const lines = [];
  lines.push(
    `While Linli was measured on the empty table its server process used ${c.server} of a core, ` +
      `PostgreSQL ${c.postgres} and the load generator ${c.loadGenerator} — ${total.toFixed(2)} of ` +
      `${cpus} CPUs (the bare route: server ${baseline.cores.server}, PostgreSQL ${baseline.cores.postgres}, ` +
      `load generator ${baseline.cores.loadGenerator}); other processes on the machine had the rest.`,
  );
  const perAnswerMs = (run, part) => ((run.cores[part] / run.requestsPerSec) * 1000).toFixed(2);
  lines.push(
    `CPU per answer: Linli's server ${perAnswerMs(linli, 'server')} ms and PostgreSQL ` +
      `${perAnswerMs(linli, 'postgres')} ms; the bare route ${perAnswerMs(baseline, 'server')} ms and ` +
      `${perAnswerMs(baseline, 'postgres')} ms (PostgreSQL also keeps the answers table's ` +
      `${r.preload?.index_count ?? 'other'} indexes` +
      (r.preload?.foreign_key_count ? ` and checks its ${r.preload.foreign_key_count} foreign keys` : '') +
      '; the scratch table has a primary key only).',
  );
  if (linli.perRequest && baseline.perRequest) {
    const p = linli.perRequest;
    const b = baseline.perRequest;
    lines.push(
      `Per stored answer PostgreSQL committed ${p.commits} transactions (the bare route ${b.commits}: each ` +
        'statement outside a transaction is one) and wrote ' +
        `${Math.round(p.walBytes)} bytes of WAL (${Math.round(b.walBytes)}) with ${p.walSyncs} WAL flushes ` +
        `(${b.walSyncs})${p.walSyncMs !== undefined ? ` taking ${p.walSyncMs} ms (${b.walSyncMs})` : ''} — ` +
        'fewer than one flush per commit: concurrent commits share an fsync. ' +
        `Tables read whole per answer: ${seqScanText(p.tables)} — small tables (the ` +
        'demo community) that the planner reads whole rather than through an index.',
    );
  }
  lines.push(
    `Encrypting one answer (AES-256-GCM of the answers plus three keyed hashes) takes ${r.encryptionMicros} µs ` +
      `in this process — ${((r.encryptionMicros / (1e6 / linli.requestsPerSec)) * 100).toFixed(1)}% of the ` +
      'time one request gets at the measured rate, so encryption is not what limits it either.',
  );
  if (r.profile) {
    const p = r.profile;
    const list = (items) => items.map((x) => `${x.name} ${x.percent}%`).join(', ');
    lines.push(
      'A CPU profile of the server under the same load (a separate, profiled server process, ' +
        `${p.seconds} s, ${formatRps(p.requestsPerSec)} req/s) finds its one JavaScript thread busy ` +
        `${(100 - p.idlePercent).toFixed(0)}% of the time, spent in: ${list(p.byCategory.slice(0, 7))}. ` +
        `Heaviest functions (self time): ${list(p.topFunctions.slice(0, 6))}.`,
    );
  }
  const serverBound = c.server >= 0.85 || (r.profile && r.profile.idlePercent < 15);
  if (serverBound) {
    lines.push(
      'So the Node process is the bottleneck. ' +
        (linli.perRequest
          ? `PostgreSQL committed ${linli.perRequest.commits} statement(s) per answer (the bare route 1): `
          : '') +
        'an answer to a form and dwelling the server has read before is stored by one conditional ' +
        'INSERT (ADR 0011), the first one for a form or a flat by two round trips. Beyond what the bare ' +
        'route does, each answer is validated (the body’s shape, then every field by the shared ' +
        'checkAnswers), encrypted and hashed three times, and answered through Fastify with rate limits ' +
        'and security headers; the socket writes to PostgreSQL are the `writev` above (the bare route ' +
        'makes the same one per answer).',
    );
  } else if (total >= cpus * 0.85) {
    lines.push(
      'Both CPUs are busy: the server, PostgreSQL and the load generator share them, so the total CPU ' +
        'work per answer limits it, not the disk or one thread.',
    );
  } else {
    lines.push(
      'Neither the CPUs nor the server thread are saturated, so requests mostly wait: on round trips to ' +
        'PostgreSQL and on the commit’s WAL flush.',
    );
  }
  if (linliPreloaded?.perRequest && linli.perRequest) {
    const ratio = linliPreloaded.requestsPerSec / linli.requestsPerSec;
    const corrected = ratios(r).preloadedToEmptyCorrected;
    const grows = linliPreloaded.perRequest.tables.some(
      (t) => t.table === 'form_submissions' && t.seqScans > 0,
    );
    lines.push(
      `With ${PRELOADED_LABEL(r)} answers stored the rate is ${ratio.toFixed(2)}× the empty table's ` +
        `(${corrected.toFixed(2)}× corrected for drift); ` +
        `WAL per answer ${Math.round(linli.perRequest.walBytes)} → ${Math.round(linliPreloaded.perRequest.walBytes)} ` +
        (linliPreloaded.perRequest.walBytes > 1.25 * linli.perRequest.walBytes
          ? 'bytes, because indexes whose keys are random (reference, idempotency key) take each new key at a ' +
            'random place, and the first change to each of their pages after a checkpoint writes the whole ' +
            'page to the WAL'
          : 'bytes') +
        `; pages read from outside PostgreSQL's buffers ${linli.perRequest.blocksRead} → ` +
        `${linliPreloaded.perRequest.blocksRead} per answer` +
        (linliPreloaded.perRequest.walSyncMs !== undefined
          ? `; WAL flush time per answer ${linli.perRequest.walSyncMs} → ${linliPreloaded.perRequest.walSyncMs} ms. `
          : '. ') +
        `The server used ${linliPreloaded.cores.server} of a core (${c.server} on the empty table). ` +
        (grows
          ? 'The submit path read `form_submissions` by a sequential scan: something on it grows with the table.'
          : 'Every read of `form_submissions` on the submit path is an index lookup (the idempotency key is ' +
            'unique per form) and nothing counts or scans it, so its size shows only as deeper B-trees.'),
    );
  }
  const others = [linli, linliPreloaded].map((x) => x?.perRequest?.otherDatabasesCommits ?? 0);
  if (others.some((n) => n > 100)) {
    lines.push(
      `Other databases of the same PostgreSQL cluster committed ${others.join(' and ')} transactions during ` +
        'the two Linli rows: they shared its WAL and fsyncs, so those rows are less trustworthy.',
    );
  }
  return lines.join(' ');
}

// ---------------------------------------------------------------------------------------------
// Main

/** Waits for the 1-minute load to fall to the number of CPUs, at most QUIET_WAIT_SECONDS. */
async function waitForQuiet() {
  const started = Date.now();
  while (machineBusy() && Date.now() - started < QUIET_WAIT_SECONDS * 1000) {
    log(`machine busy (load ${loadAverage().join(' ')}); waiting for it to quieten …`);
    await sleep(15_000);
  }
  return { busy: machineBusy(), waited: Math.round((Date.now() - started) / 1000) };
}

async function main() {
  assertBuilt();
  await loadShared();
  const quiet = await waitForQuiet();
  const report = {
    machine: machineFacts(),
    loadAtStart: loadAverage(),
    busy: quiet.busy,
    quietWaitedSeconds: quiet.waited,
    quietWaitSeconds: QUIET_WAIT_SECONDS,
    settings: {
      seconds: SECONDS,
      warmupSeconds: WARMUP_SECONDS,
      connections: CONNECTIONS,
      poolSize: POOL_SIZE,
      preload: PRELOAD,
      rateLimitEnv: RATE_LIMIT_ENV,
      command: commandLine(
        [
          'BENCH_SECONDS',
          'BENCH_CONNECTIONS',
          'BENCH_FORMS_WARMUP_SECONDS',
          'BENCH_FORMS_PRELOAD',
          'BENCH_FORMS_PGLITE',
          'BENCH_FORMS_PROFILE',
        ],
        'bench:forms',
        'forms.mjs',
      ),
      autocannon: await autocannonVersion(),
    },
  };
  await benchPostgres(report);
  report.encryptionMicros = encryptionCost(report.form.sampleAnswersJson);
  if (WITH_PGLITE) await benchPglite(report);
  report.jsSize = await publicPageSize();
  report.loadAtEnd = loadAverage();
  if (!KEEP_DB) {
    await dropDatabase();
    cleanup.dropDb = false;
  }
  await publish(RESULTS_FILE, { report, print, writeDoc });
}

if (process.argv.includes('--baseline-server')) {
  baselineServer().catch((error) => {
    console.error(error);
    process.exit(1);
  });
} else if (process.argv.includes('--from-results')) {
  runMain('bench:forms', () => loadShared().then(() => publish(RESULTS_FILE, { print, writeDoc })), {
    interrupted: 'stopped',
  });
} else {
  runMain('bench:forms', main, {
    interrupted: 'stopping the servers; the benchmark database is dropped',
    extraCleanup: async () => {
      await stopBaseline();
      if (cleanup.dropDb) await dropDatabase().catch(() => undefined);
    },
  });
}
