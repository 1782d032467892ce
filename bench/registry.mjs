// Linli registry search benchmark: GET /api/residents at street scale on PostgreSQL.
//
// Recreates the `linli_bench_registry` database, loads the street-scale demo (`seed-demo --scale
// street`, timed, residents counted), starts the built server as a child process on 127.0.0.1 and
// signs in as the demo `street_admin` (the whole street) and `community_admin` (one community). For
// each search query it captures the exact search statement the server sends (with `log_statement =
// 'all'` set on the benchmark database for one probe request, read back through pg_read_file), then
// measures, one request at a time, the API request and the captured statement alone through `pg` in
// this process, alternately, the same number of times each after the same warm-up; then the API again
// with autocannon at BENCH_CONNECTIONS. The goal of the registry issue — API p95 ≤ 2× the raw SQL p95
// of the same query, and < 20 ms — is judged on the one-at-a-time pair, figures from the same run.
//
// Run: npm run bench:registry   (builds first)   or   node bench/registry.mjs   (uses the existing build)
//      node bench/registry.mjs --from-results   (re-prints and re-writes the document from the last raw results)
// Env: BENCH_SECONDS (10), BENCH_CONNECTIONS (10),
//      BENCH_RUNS (200; measured runs of each one-at-a-time series, the SQL and the API, after 5 discarded),
//      BENCH_WRITE_DOC ("1"),
//      BENCH_STARTUP_TIMEOUT_SECONDS (240), BENCH_SEED_TIMEOUT_SECONDS (1800),
//      BENCH_REGISTRY_KEEP_DB ("0"; "1" leaves the database in place afterwards),
//      BENCH_REGISTRY_REUSE ("0"; "1" skips drop + seed and uses a database kept by an earlier run —
//      LINLI_ENCRYPTION_KEY must then be the key that run used, or tag and hash lookups find nothing),
//      BENCH_REGISTRY_QUIET_WAIT_SECONDS (300: how long to wait, before measuring, for the 1-minute load to
//      fall to the number of CPUs — seeding and the capture server raise it — before measuring anyway,
//      flagged busy).

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import pg from 'pg';
import {
  assertBuilt,
  autocannonVersion,
  CLI,
  CONNECTIONS,
  cannon,
  cleanup,
  commandLine,
  commandOutput,
  formatRps,
  intFromEnv,
  loadAverage,
  log,
  login,
  machineBusy,
  machineFacts,
  PG_ADMIN_URL,
  PG_ROLE,
  padColumns,
  markdownTable as paddedMarkdownTable,
  pgUrl,
  publish,
  ROOT,
  runMain,
  SECONDS,
  sleep,
  startServer,
  stopServer,
  tail,
  WARMUP_SECONDS,
  writeDocSection,
} from './lib.mjs';

const RESULTS_FILE = 'registry-latest.json';
const PG_DB = 'linli_bench_registry';
const PG_BENCH_URL = pgUrl(PG_DB);
const ACTORS = [
  { key: 'street', username: 'street_admin', label: 'street_admin (whole street)' },
  { key: 'community', username: 'community_admin', label: 'community_admin (one community)' },
];

// One knob for both one-at-a-time series, so the API figure never rests on fewer samples than the SQL one.
for (const retired of ['BENCH_SQL_RUNS', 'BENCH_API_SEQ_RUNS']) {
  if (process.env[retired]) throw new Error(`${retired} is gone: BENCH_RUNS sets both one-at-a-time series`);
}
const RUNS = intFromEnv('BENCH_RUNS', 200, 20, 10_000);
const WARMUP_RUNS = 5;
const DEDUPE_RUNS = intFromEnv('BENCH_DEDUPE_RUNS', 20, 3, 1000);
const DEDUPE_WARMUP_RUNS = 2;
const SEED_TIMEOUT_MS = intFromEnv('BENCH_SEED_TIMEOUT_SECONDS', 1800, 60, 7200) * 1000;
const KEEP_DB = process.env.BENCH_REGISTRY_KEEP_DB === '1';
const REUSE = process.env.BENCH_REGISTRY_REUSE === '1';
const QUIET_WAIT_SECONDS = intFromEnv('BENCH_REGISTRY_QUIET_WAIT_SECONDS', 300, 0, 3600);
/** The goal of the registry issue. */
const GOAL = { maxRatio: 2, maxApiP95Ms: 20 };
/** DESIGN §8's bar, kept in the targets table of docs/performance.md. */
const DESIGN_BAR_MS = 50;

/**
 * The searches, in the order they run: every kind the search box reads, with and without filters.
 * `{id}` and `{compound}` are filled in once the data is there (an ID number revealed once through
 * the API, the first compound of the community admin's community).
 */
const QUERY_TEMPLATES = [
  { key: 'initials', label: 'pinyin initials', query: 'q=zw' },
  { key: 'pinyin', label: 'full pinyin prefix', query: 'q=zhang' },
  { key: 'name1', label: 'name, 1 character (surname)', query: 'q=王' },
  { key: 'name2', label: 'name, 2 characters', query: 'q=王伟' },
  { key: 'fragment', label: 'given-name fragment', query: 'q=国强' },
  { key: 'phoneTail', label: 'phone tail', query: 'q=1234' },
  { key: 'idNumber', label: 'ID number (exact, keyed hash)', query: 'q={id}', shown: 'q=<ID number>' },
  { key: 'address', label: 'address', query: 'q=5-2-301' },
  { key: 'addressWritten', label: 'address, written form', query: 'q=5号楼301' },
  { key: 'letterCompound', label: 'one letter + compound filter', query: 'q=w&compoundId={compound}' },
  { key: 'filter', label: 'filter only', query: 'tag=living_alone&ageMin=80' },
];

/** The templates with their placeholders filled in; set by resolveQueries before anything is measured. */
let QUERIES = [];

/** Query strings are sent URL-encoded; the tables show them as typed. */
function materialise(values) {
  QUERIES = QUERY_TEMPLATES.map((t) => {
    const typed = t.query.replace('{id}', values.id).replace('{compound}', values.compound);
    const query = typed
      .split('&')
      .map((pair) => {
        const [k, v] = pair.split('=');
        return `${k}=${encodeURIComponent(v)}`;
      })
      .join('&');
    return { ...t, query, shown: t.shown ?? t.query.replace('{compound}', '…') };
  });
}

/**
 * An ID number to search for: the first resident the community admin sees, revealed once through the
 * API (with a reason, audited, as anyone would), and the first compound of that community.
 */
async function resolveQueries(baseUrl, cookie) {
  const headers = { cookie };
  const list = await (await fetch(`${baseUrl}/api/residents?limit=1`, { headers })).json();
  const first = list.items?.[0];
  if (!first) throw new Error('the community admin sees no resident to search for by ID number');
  const me = await (await fetch(`${baseUrl}/api/me`, { headers })).json();
  const res = await fetch(`${baseUrl}/api/residents/${first.id}/reveal`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json', 'x-csrf-token': me.csrfToken },
    body: JSON.stringify({ fields: ['idNumber'], reason: 'registry benchmark: exact ID search' }),
  });
  const revealed = await res.json();
  if (res.status !== 200 || !revealed.idNumber) {
    throw new Error(
      `revealing an ID number answered ${res.status}: ${JSON.stringify(revealed).slice(0, 300)}`,
    );
  }
  const compound = await withClient(PG_BENCH_URL, async (c) => {
    const r = await c.query('select compound_id from residents where id = $1', [first.id]);
    return r.rows[0].compound_id;
  });
  materialise({ id: revealed.idNumber, compound });
}

/** Set while the benchmark database logs every statement; reset on the way out. */
let statementLoggingOn = false;

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

async function recreateDatabase() {
  await withClient(PG_ADMIN_URL, async (c) => {
    await c.query(`drop database if exists ${PG_DB} with (force)`);
    await c.query(`create database ${PG_DB} owner ${PG_ROLE}`);
  });
}

async function dropDatabase() {
  await withClient(PG_ADMIN_URL, (c) => c.query(`drop database if exists ${PG_DB} with (force)`));
}

/** Statement logging for new sessions on the benchmark database only (set while probing, then reset). */
async function setStatementLogging(on) {
  await withClient(PG_ADMIN_URL, (c) =>
    c.query(
      on
        ? `alter database ${PG_DB} set log_statement = 'all'`
        : `alter database ${PG_DB} reset log_statement`,
    ),
  );
  statementLoggingOn = on;
}

/**
 * The server's log file, read through the database (the role is a superuser), so the runner needs no
 * access to /var/log. Debian's clusters log to the file pg_lsclusters names; with logging_collector on,
 * pg_current_logfile() names it.
 */
async function logFileOf(client) {
  const current = (await client.query('select pg_current_logfile() as f')).rows[0]?.f;
  if (current) {
    const dir = (await client.query('show data_directory')).rows[0].data_directory;
    return path.isAbsolute(current) ? current : path.join(dir, current);
  }
  const port = String((await client.query('show port')).rows[0].port);
  const line = (commandOutput('pg_lsclusters', ['--no-header']) ?? '')
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .find((f) => f[2] === port);
  if (!line?.[6])
    throw new Error('cannot find the PostgreSQL log file (no pg_current_logfile, no pg_lsclusters)');
  return line[6];
}

async function logSize(client, file) {
  return Number((await client.query('select (pg_stat_file($1)).size as s', [file])).rows[0].s);
}

async function readLog(client, file, from) {
  const size = await logSize(client, file);
  if (size <= from) return '';
  const r = await client.query('select pg_read_binary_file($1, $2, $3) as b', [file, from, size - from]);
  return r.rows[0].b.toString('utf8');
}

/** Splits a PostgreSQL stderr log into entries: a line starting with a timestamp opens one. */
function logEntries(text) {
  const entries = [];
  for (const line of text.split('\n')) {
    if (/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}/.test(line) || entries.length === 0) entries.push(line);
    else entries[entries.length - 1] += `\n${line}`;
  }
  return entries;
}

/** `$1 = 'a', $2 = NULL, …` from a `DETAIL:  parameters:` entry. */
function parseParameters(detail) {
  const values = [];
  const re = /\$(\d+) = (NULL|'((?:[^']|'')*)')/g;
  for (const m of detail.matchAll(re)) {
    values[Number(m[1]) - 1] = m[2] === 'NULL' ? null : m[3].replaceAll("''", "'");
  }
  return values;
}

/**
 * The statements logged between two marker queries: each `statement:` / `execute …:` entry with the
 * parameters of the DETAIL entry that follows it from the same backend.
 */
function statementsBetween(text, startMarker, endMarker) {
  const entries = logEntries(text);
  const start = entries.findIndex((e) => e.includes(startMarker));
  const end = entries.findIndex((e, i) => i > start && e.includes(endMarker));
  if (start === -1 || end === -1) return null;
  const out = [];
  for (let i = start + 1; i < end; i++) {
    const e = entries[i];
    const m = e.match(/^(.*?)\bLOG:\s+(?:statement|execute [^:]*): ([\s\S]*)$/);
    if (!m) continue;
    const prefix = m[1];
    const pid = prefix.match(/\[(\d+)\]/)?.[1] ?? null;
    const stmt = { pid, text: m[2].trim(), values: [] };
    for (let j = i + 1; j < end; j++) {
      const d = entries[j];
      if (pid && !d.includes(`[${pid}]`)) continue;
      if (/\bDETAIL:\s+parameters:/.test(d)) stmt.values = parseParameters(d);
      break;
    }
    out.push(stmt);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Seeding

async function seed(env) {
  const started = Date.now();
  const child = spawn(process.execPath, [CLI, 'seed-demo', '--scale', 'street'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cleanup.child = child;
  const out = tail(20_000);
  child.stdout.on('data', (c) => out.push(c.toString()));
  child.stderr.on('data', (c) => out.push(c.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), SEED_TIMEOUT_MS);
  const { code, signal } = await new Promise((resolve) =>
    child.once('exit', (c, s) => resolve({ code: c, signal: s })),
  );
  clearTimeout(timer);
  cleanup.child = null;
  if (code !== 0) throw new Error(`seed-demo failed (code ${code}, signal ${signal})\n${out.text}`);
  return { seconds: Math.round((Date.now() - started) / 100) / 10, output: out.text.trim().slice(-2_000) };
}

async function dataCounts() {
  return withClient(PG_BENCH_URL, async (c) => {
    const { rows } = await c.query(`select
      (select count(*)::int from residents) as residents,
      (select count(*)::int from residents where status = 'active') as active_residents,
      (select count(*)::int from households) as households,
      (select count(*)::int from dwellings) as dwellings,
      (select count(*)::int from resident_tags) as resident_tags,
      (select count(*)::int from areas where kind = 'community') as communities,
      (select pg_size_pretty(pg_total_relation_size('residents'))) as residents_size`);
    return rows[0];
  });
}

// ---------------------------------------------------------------------------------------------
// Measuring

/** One request through fetch: it must answer 200; returns the page size and whether there is more. */
async function probe(baseUrl, query, cookie) {
  const res = await fetch(`${baseUrl}/api/residents?${query.query}`, {
    headers: { cookie },
    signal: AbortSignal.timeout(60_000),
  });
  const body = await res.text();
  if (res.status !== 200) {
    throw new Error(`GET /api/residents?${query.query} answered ${res.status}: ${body.slice(0, 500)}`);
  }
  const json = JSON.parse(body);
  return { items: json.items.length, more: json.nextCursor !== null, responseBytes: Buffer.byteLength(body) };
}

async function measureApi(baseUrl, query, cookie) {
  const url = `${baseUrl}/api/residents?${query.query}`;
  const r = await cannon(url, { cookie }, 30);
  const p95 = r.latency.p95 ?? r.latency.p97_5;
  return {
    requestsPerSec: r.requests.average,
    requestsPerSecStddev: r.requests.stddev,
    totalRequests: r.requests.total,
    latencyMs: {
      mean: r.latency.average,
      p50: r.latency.p50,
      p95,
      p95Is: r.latency.p95 !== undefined ? 'p95' : 'p97.5',
      p97_5: r.latency.p97_5,
      p99: r.latency.p99,
      max: r.latency.max,
    },
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    raw: r,
  };
}

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

const round2 = (n) => Math.round(n * 100) / 100;

function latencySummary(times) {
  const sorted = [...times].sort((a, b) => a - b);
  return {
    mean: round2(sorted.reduce((a, b) => a + b, 0) / sorted.length),
    p50: round2(percentile(sorted, 50)),
    p95: round2(percentile(sorted, 95)),
    p99: round2(percentile(sorted, 99)),
    max: round2(sorted.at(-1)),
  };
}

/**
 * One kept-alive connection to the server, like the one `pg` connection to the database: node:http
 * with nothing on top, so the client adds as little of its own as the `pg` client does to the SQL.
 */
function sequentialAgent() {
  return new http.Agent({ keepAlive: true, maxSockets: 1 });
}

/** One GET, timed from the request to the last byte of the body; it must answer 200. */
function timedGet(agent, url, cookie) {
  return new Promise((resolve, reject) => {
    const t = process.hrtime.bigint();
    const req = http.get(url, { agent, headers: { cookie }, timeout: 60_000 }, (res) => {
      let bytes = 0;
      res.on('data', (chunk) => {
        bytes += chunk.length;
      });
      res.on('end', () => {
        const ms = Number(process.hrtime.bigint() - t) / 1e6;
        if (res.statusCode !== 200) reject(new Error(`GET ${url} answered ${res.statusCode} one at a time`));
        else resolve({ ms, bytes });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)));
    req.on('error', reject);
  });
}

/** The captured statement once (unnamed, as drizzle sends it), timed until its rows are in. */
async function timedSql(client, statement) {
  const t = process.hrtime.bigint();
  const r = await client.query({ text: statement.text, values: statement.values });
  return { ms: Number(process.hrtime.bigint() - t) / 1e6, rows: r.rowCount };
}

/**
 * The issue's comparison: the API request and the captured statement, one at a time, alternately, so
 * both series see the same machine at the same moments; WARMUP_RUNS of each are discarded, then RUNS
 * of each are measured.
 */
async function measureOneAtATime(baseUrl, query, cookie, sqlClient, statement) {
  const url = `${baseUrl}/api/residents?${query.query}`;
  const agent = sequentialAgent();
  const api = [];
  const sql = [];
  let rows = 0;
  try {
    for (let i = 0; i < WARMUP_RUNS + RUNS; i++) {
      const a = await timedGet(agent, url, cookie);
      const s = await timedSql(sqlClient, statement);
      rows = s.rows;
      if (i < WARMUP_RUNS) continue;
      api.push(a.ms);
      sql.push(s.ms);
    }
  } finally {
    agent.destroy();
  }
  return {
    api: { runs: RUNS, latencyMs: latencySummary(api) },
    sql: { runs: RUNS, rows, latencyMs: latencySummary(sql) },
  };
}

/**
 * Duplicate candidates (`GET /api/dedupe/candidates`, every rule) for one actor, one at a time,
 * alternating with the baseline: one pass over the same residents (`count(*)` of the actor's active
 * residents, the least any whole-scope check reads). Scope from the actor's own grant.
 */
async function measureDedupe(baseUrl, actor, cookie, sqlClient) {
  const me = await (await fetch(`${baseUrl}/api/me`, { headers: { cookie } })).json();
  const grant = me.grants.find((g) => g.areaKind === 'street' || g.areaKind === 'community');
  const column = grant.areaKind === 'street' ? 'street_id' : 'community_id';
  const baseline = {
    text: `select count(*) from residents where ${column} = $1 and status = 'active'`,
    values: [grant.areaId],
  };
  const url = `${baseUrl}/api/dedupe/candidates`;
  const agent = sequentialAgent();
  const api = [];
  const sql = [];
  let bytes = 0;
  try {
    for (let i = 0; i < DEDUPE_WARMUP_RUNS + DEDUPE_RUNS; i++) {
      const a = await timedGet(agent, url, cookie);
      const s = await timedSql(sqlClient, baseline);
      bytes = a.bytes;
      if (i < DEDUPE_WARMUP_RUNS) continue;
      api.push(a.ms);
      sql.push(s.ms);
    }
  } finally {
    agent.destroy();
  }
  const body = await (await fetch(url, { headers: { cookie } })).json();
  return {
    actor: actor.key,
    username: actor.username,
    pairs: body.items.length,
    truncated: body.truncated,
    responseBytes: bytes,
    runs: DEDUPE_RUNS,
    api: latencySummary(api),
    baseline: { statement: baseline.text, latencyMs: latencySummary(sql) },
  };
}

async function explain(client, statement) {
  const r = await client.query({
    text: `explain (analyze, buffers) ${statement.text}`,
    values: statement.values,
  });
  return r.rows.map((row) => row['QUERY PLAN']);
}

/** The indexes (and sequential scans) a plan uses, for the table. */
function planSummary(plan) {
  const used = new Set();
  for (const line of plan) {
    const idx = line.match(
      /(?:Index Scan|Index Only Scan|Bitmap Index Scan)(?: Backward)? (?:using|on) (\w+)/,
    );
    if (idx) used.add(idx[1]);
    const seq = line.match(/Seq Scan on (\w+)/);
    if (seq) used.add(`seq scan ${seq[1]}`);
  }
  const time = plan.find((l) => l.startsWith('Execution Time'));
  // The statement's own buffers (its first Buffers line): pages touched, whatever the machine's load.
  const buffers = plan.find((l) => /^\s*Buffers:/.test(l));
  const pages = buffers
    ? [...buffers.matchAll(/(?:hit|read)=(\d+)/g)].reduce((a, m) => a + Number(m[1]), 0)
    : null;
  return { used: [...used], executionTime: time ?? null, pages };
}

/**
 * Marks the log, sends one request per query per actor, marks again: the statements in between are
 * the ones the server ran for that request, the search statement among them.
 */
async function captureStatements(env, cookiesFor) {
  await setStatementLogging(true);
  const server = await startServer({ env });
  const captured = {};
  try {
    await withClient(PG_BENCH_URL, async (c) => {
      const file = await logFileOf(c);
      const from = await logSize(c, file);
      const cookies = await cookiesFor(server.baseUrl);
      await resolveQueries(server.baseUrl, cookies.community);
      for (const actor of ACTORS) {
        for (const query of QUERIES) {
          const tag = `${actor.key}:${query.key}:${randomBytes(4).toString('hex')}`;
          await c.query(`select 'linli-bench-start:${tag}'`);
          const result = await probe(server.baseUrl, query, cookies[actor.key]);
          await c.query(`select 'linli-bench-end:${tag}'`);
          captured[`${actor.key}:${query.key}`] = { tag, probe: result };
        }
      }
      await sleep(500);
      const text = await readLog(c, file, from);
      for (const entry of Object.values(captured)) {
        const statements = statementsBetween(
          text,
          `linli-bench-start:${entry.tag}`,
          `linli-bench-end:${entry.tag}`,
        );
        if (!statements) throw new Error(`could not find the markers for ${entry.tag} in ${file}`);
        const search = statements.filter(
          (s) => /from "residents"/i.test(s.text) && /order by "residents"\."name_pinyin"/i.test(s.text),
        );
        if (search.length !== 1) {
          throw new Error(
            `expected one search statement for ${entry.tag}, found ${search.length} in ${file}`,
          );
        }
        entry.statementsPerRequest = statements.length;
        entry.otherStatements = statements.filter((s) => s !== search[0]).map((s) => s.text.slice(0, 160));
        entry.search = { text: search[0].text, values: search[0].values };
      }
    });
  } finally {
    await stopServer(server);
    await setStatementLogging(false);
  }
  return captured;
}

/**
 * Waits for the 1-minute load to fall to the number of CPUs (seeding, the capture server and other
 * work raise it), at most QUIET_WAIT_SECONDS; returns the seconds waited.
 */
async function waitForQuiet() {
  const started = Date.now();
  while (machineBusy() && Date.now() - started < QUIET_WAIT_SECONDS * 1000) {
    log(`machine busy (load ${loadAverage().join(' ')}); waiting for it to quieten …`);
    await sleep(10_000);
  }
  return Math.round((Date.now() - started) / 1000);
}

async function run(report) {
  const env = { ...process.env, DATABASE_URL: PG_BENCH_URL };
  delete env.LINLI_DATA_DIR;
  if (REUSE && !env.LINLI_ENCRYPTION_KEY) {
    throw new Error(
      'BENCH_REGISTRY_REUSE=1 needs the LINLI_ENCRYPTION_KEY the kept database was seeded with',
    );
  }
  // A real server needs the operator's key; the benchmark makes a throwaway one.
  env.LINLI_ENCRYPTION_KEY ??= randomBytes(32).toString('base64');

  report.postgresVersion = await withClient(
    PG_ADMIN_URL,
    async (c) => (await c.query('show server_version')).rows[0].server_version,
  );
  if (REUSE) {
    log(`reusing the existing ${PG_DB} (no drop, no seed)`);
    report.seed = { reused: true };
  } else {
    log(`recreating ${PG_DB} and loading the street-scale demo (seed-demo --scale street)`);
    await recreateDatabase();
    report.seed = await seed(env);
    log(`seeded in ${report.seed.seconds} s`);
  }
  // As autovacuum leaves a settled table: statistics, and the visibility map index-only scans need.
  await withClient(PG_BENCH_URL, (c) => c.query('vacuum (analyze)'));
  report.counts = await dataCounts();
  log(
    `${report.counts.residents} residents (${report.counts.active_residents} active), ${report.counts.dwellings} dwellings`,
  );

  const cookiesFor = async (baseUrl) => {
    const cookies = {};
    for (const actor of ACTORS) cookies[actor.key] = await login(baseUrl, actor.username);
    return cookies;
  };
  log('capturing the search statements (log_statement = all on the benchmark database, one request each)');
  const captured = await captureStatements(env, cookiesFor);

  report.quietWaitedSeconds = await waitForQuiet();
  report.loadAverageBefore = loadAverage();
  const server = await startServer({ env });
  report.rows = [];
  try {
    report.serverVersion = server.health.version;
    report.healthDatabase = server.health.database;
    report.readySeconds = server.readySeconds;
    if (server.health.database !== 'postgres') {
      throw new Error(`expected a postgres server, /api/health says ${server.health.database}`);
    }
    const cookies = await cookiesFor(server.baseUrl);
    await withClient(PG_BENCH_URL, async (sqlClient) => {
      for (const actor of ACTORS) {
        for (const query of QUERIES) {
          const cap = captured[`${actor.key}:${query.key}`];
          const check = await probe(server.baseUrl, query, cookies[actor.key]);
          log(`${actor.username} ${query.shown ?? query.query}: ${check.items} items; API ${SECONDS} s`);
          const api = await measureApi(server.baseUrl, query, cookies[actor.key]);
          log(
            `${actor.username} ${query.shown ?? query.query}: API and SQL one at a time, alternately, ×${RUNS} each`,
          );
          const one = await measureOneAtATime(
            server.baseUrl,
            query,
            cookies[actor.key],
            sqlClient,
            cap.search,
          );
          const plan = await explain(sqlClient, cap.search);
          const sqlP95 = one.sql.latencyMs.p95;
          const ratio = api.latencyMs.p95 / sqlP95;
          const ratioOne = one.api.latencyMs.p95 / sqlP95;
          report.rows.push({
            actor: actor.key,
            username: actor.username,
            query: query.key,
            label: query.label,
            queryString: query.shown ?? query.query,
            items: check.items,
            more: check.more,
            responseBytes: check.responseBytes,
            statementsPerRequest: cap.statementsPerRequest,
            otherStatements: cap.otherStatements,
            search: cap.search,
            api: { ...api, raw: undefined },
            apiRaw: api.raw,
            apiOneAtATime: one.api,
            sql: one.sql,
            ratioOneAtATimeP95: ratioOne,
            goalMetOneAtATime: ratioOne <= GOAL.maxRatio && one.api.latencyMs.p95 < GOAL.maxApiP95Ms,
            plan,
            planSummary: planSummary(plan),
            ratioP95: ratio,
            goalMet: ratio <= GOAL.maxRatio && api.latencyMs.p95 < GOAL.maxApiP95Ms,
            designBarMet: api.latencyMs.p95 < DESIGN_BAR_MS,
          });
        }
      }
      report.dedupe = [];
      for (const actor of ACTORS) {
        log(`${actor.username}: duplicate candidates one at a time, ×${DEDUPE_RUNS}`);
        report.dedupe.push(await measureDedupe(server.baseUrl, actor, cookies[actor.key], sqlClient));
      }
    });
  } finally {
    report.serverOutputDuringBench = server.afterReady.lines;
    report.serverStop = await stopServer(server);
    report.loadAverageAfter = loadAverage();
  }
}

// ---------------------------------------------------------------------------------------------
// Reporting

const fmt = {
  rps: formatRps,
  ms: (n) => (n === null || n === undefined ? '–' : n >= 100 ? String(Math.round(n)) : n.toFixed(1)),
  ratio: (n) => (Number.isFinite(n) ? n.toFixed(1) : '–'),
  bytes: (n) => (n >= 1024 ? `${(n / 1024).toFixed(1)} KB` : `${n} B`),
  int: (n) => Number(n).toLocaleString('en-US'),
};

function pad(rows) {
  return padColumns(rows, () => false)
    .padded.map((r) => r.join('  '))
    .join('\n');
}

function tableRows(report, actor) {
  const p97 = report.rows[0]?.api.latencyMs.p95Is ?? 'p95';
  const header = [
    'query',
    'items',
    'SQL p50',
    'SQL p95',
    'API p50',
    'API p95',
    'API ÷ SQL p95',
    'goal',
    '10 conn. req/s',
    '10 conn. p50',
    `10 conn. ${p97}`,
    '10 conn. p99',
    `10 conn. ${p97} ÷ SQL p95`,
    '10 conn. goal',
    'pages',
    'plan',
    'non-2xx / errors',
  ];
  const rows = report.rows
    .filter((r) => r.actor === actor)
    .map((r) => [
      `${r.label} \`${r.queryString}\``,
      `${r.items}${r.more ? '+' : ''}`,
      fmt.ms(r.sql.latencyMs.p50),
      fmt.ms(r.sql.latencyMs.p95),
      fmt.ms(r.apiOneAtATime.latencyMs.p50),
      fmt.ms(r.apiOneAtATime.latencyMs.p95),
      `${fmt.ratio(r.ratioOneAtATimeP95)}×`,
      r.goalMetOneAtATime ? 'yes' : 'no',
      fmt.rps(r.api.requestsPerSec),
      fmt.ms(r.api.latencyMs.p50),
      fmt.ms(r.api.latencyMs.p95),
      fmt.ms(r.api.latencyMs.p99),
      `${fmt.ratio(r.ratioP95)}×`,
      r.goalMet ? 'yes' : 'no',
      r.planSummary.pages === null || r.planSummary.pages === undefined ? '–' : fmt.int(r.planSummary.pages),
      r.planSummary.used.join(', ') || '–',
      `${r.api.non2xx} / ${r.api.errors}`,
    ]);
  return { header, rows };
}

function printTables(report) {
  for (const actor of ACTORS) {
    const { header, rows } = tableRows(report, actor.key);
    console.log(`\n${actor.label}, PostgreSQL ${report.postgresVersion}`);
    console.log(pad([header, ...rows]));
  }
  console.log('');
}

function markdownTable(report, actor) {
  const { header, rows } = tableRows(report, actor);
  const right = new Set([1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 14, 16]);
  return paddedMarkdownTable([header, ...rows], (i) => right.has(i));
}

function markdownSection(report) {
  const m = report.machine;
  const s = report.settings;
  const c = report.counts;
  const n = report.rows.length;
  const met = report.rows.filter((r) => r.goalMet).length;
  const metOne = report.rows.filter((r) => r.goalMetOneAtATime).length;
  const barOne = report.rows.filter((r) => r.apiOneAtATime.latencyMs.p95 < DESIGN_BAR_MS).length;
  const bar = report.rows.filter((r) => r.designBarMet).length;
  const statements = [...new Set(report.rows.map((r) => r.statementsPerRequest))].sort((a, b) => a - b);
  const p95Label = report.rows[0]?.api.latencyMs.p95Is ?? 'p95';
  const seedLine = report.seed?.reused
    ? 'reused from an earlier run (`BENCH_REGISTRY_REUSE=1`; not re-seeded)'
    : `\`seed-demo --scale street\` took ${report.seed.seconds} s`;
  const lines = [
    '',
    '## Registry: resident search at street scale (PostgreSQL)',
    '',
    '_Written by `npm run bench:registry` (`bench/registry.mjs`); do not edit by hand, the next run replaces it._',
    '',
    `- Date: ${m.date}`,
    `- Machine: ${m.cpuModel}, ${m.nproc} CPUs (nproc), ${m.totalMemoryGiB} GiB RAM, ${m.platform}`,
    `- Node ${m.node}; commit ${m.gitCommit}${m.gitDirty ? ' (with uncommitted changes)' : ''}; PostgreSQL ${report.postgresVersion}; server ${report.serverVersion}`,
    `- Per search: first autocannon, ${s.connections} connections, ${s.warmupSeconds} s warm-up (discarded), then ${s.seconds} s; then one at a time, ` +
      `alternately, the API request (one kept-alive \`node:http\` connection) and the captured statement (one \`pg\` connection), ` +
      `${s.oneAtATimeWarmupRuns} of each discarded, then ${s.oneAtATimeRuns} of each measured; ` +
      'server, PostgreSQL and load generator on the same machine, traffic to 127.0.0.1 only.',
    `- Command: \`${s.command}\``,
    `- Data: ${fmt.int(c.residents)} residents (${fmt.int(c.active_residents)} active), ${fmt.int(c.households)} households, ` +
      `${fmt.int(c.dwellings)} dwellings, ${c.communities} communities, ${fmt.int(c.resident_tags)} stored tags; residents table ${c.residents_size}; ${seedLine}.` +
      (c.residents < 250_000
        ? ` **Below the 250k residents the goal names** (${fmt.int(c.residents)}): the figures are for this size.`
        : ''),
    `- Load average (1, 5, 15 min) ${m.loadAverageAtStart.join(' / ')} at start, ${report.loadAverageBefore.join(' / ')} before measuring` +
      (report.quietWaitedSeconds > 0
        ? ` (after waiting ${report.quietWaitedSeconds} s for it to fall)`
        : '') +
      ', ' +
      `${report.loadAverageAfter.join(' / ')} after it (${m.nproc} CPUs).` +
      // The load after measuring includes this benchmark's own server, database and load generator.
      (report.loadAverageBefore[0] > m.nproc
        ? ' **Busy machine**: the load was above the number of CPUs, so other work shared them with the server, ' +
          'PostgreSQL and the load generator; every latency below is inflated and noisy, and should be taken again on a ' +
          'quiet machine. The "pages" column and the plans do not depend on the load.'
        : ''),
    '',
  ];
  for (const actor of ACTORS) {
    lines.push(`### ${actor.label}`, '', markdownTable(report, actor.key), '');
  }
  lines.push(
    `Goal (registry issue): API p95 ≤ ${GOAL.maxRatio}× the SQL p95 of the same search, and < ${GOAL.maxApiP95Ms} ms. ` +
      `One request at a time (the "goal" column, the comparison the issue asks for): met by ${metOne} of ${n} searches. ` +
      `At ${s.connections} connections (API ${p95Label} against the same one-at-a-time SQL p95): met by ${met} of ${n}. ` +
      `DESIGN §8's bar (p95 < ${DESIGN_BAR_MS} ms): ${barOne} of ${n} one at a time, ${bar} of ${n} at ${s.connections} connections.`,
    '',
    "SQL = the search statement the server sent for the same request, captured from PostgreSQL's statement log " +
      "(`log_statement = 'all'` on the benchmark database for one probe request, then reset), with the same parameters " +
      '(scope, status, tag token, birth bound, limit 51), sent unnamed as the server sends it and timed in the runner until ' +
      'its rows are in. API = `GET /api/residents?…` timed in the runner from the request to the last byte of the answer, ' +
      `the same number of times as the SQL, alternating with it, after the same warm-up: the cost of the route itself, ` +
      `without queueing. Each API request runs ${statements.join(' or ')} statements (the session with its user and grants ` +
      'in one prepared statement, then the search, which brings the tags of its page), validates the page against the ' +
      'shared response schema and encodes the JSON, so the ratio is not a pure driver overhead. ' +
      `"10 conn." = the same request under autocannon at ${s.connections} concurrent connections: its latencies include ` +
      `queueing behind the other connections on ${m.nproc} CPUs shared with PostgreSQL and the load generator ` +
      `(autocannon records them at 1 ms resolution${p95Label === 'p95' ? '' : ` and reports no p95, so the column is ${p95Label}`}). ` +
      '"items" is the page returned (50 with `+` = more pages). ' +
      '"pages" = the buffers (8 KB pages) the statement touched in `EXPLAIN (ANALYZE, BUFFERS)`, which does not depend ' +
      'on the load of the machine; "plan" lists the indexes (or sequential scans) in that plan; full plans are in ' +
      '`bench/results/registry-latest.json`.',
    '',
    ...keyPlans(report),
    ...dedupeSection(report),
  );
  if (report.serverOutputDuringBench.length > 0) {
    lines.push(
      `The server wrote ${report.serverOutputDuringBench.length} line(s) at warn level or above while under load; ` +
        'see `bench/results/registry-latest.json`.',
      '',
    );
  }
  return lines.join('\n');
}

/** Duplicate candidates at the same scale: absent from results written before it was measured. */
function dedupeSection(report) {
  if (!report.dedupe) return [];
  return [
    '### Duplicate candidates (查重) at the same scale',
    '',
    `\`GET /api/dedupe/candidates\` (all four rules, up to 500 pairs each) one request at a time, ${report.dedupe[0].runs} runs after ` +
      `${DEDUPE_WARMUP_RUNS} discarded, alternating with the baseline: one pass over the same residents ` +
      "(`select count(*) from residents where street_id|community_id = … and status = 'active'`), the least any " +
      'check of the whole scope reads. Each rule finds the keys held twice from its covering index ' +
      '(`residents_dedupe_*`), then reads only those groups; the flatmate rule gets its candidate pairs from SQL.',
    '',
    paddedMarkdownTable(
      [
        [
          'actor',
          'pairs',
          'API p50 ms',
          'API p95 ms',
          'baseline p50 ms',
          'baseline p95 ms',
          'API ÷ baseline p95',
        ],
        ...report.dedupe.map((d) => [
          d.username,
          `${d.pairs}${d.truncated ? '+' : ''}`,
          fmt.ms(d.api.p50),
          fmt.ms(d.api.p95),
          fmt.ms(d.baseline.latencyMs.p50),
          fmt.ms(d.baseline.latencyMs.p95),
          `${fmt.ratio(d.api.p95 / d.baseline.latencyMs.p95)}×`,
        ]),
      ],
      (i) => i > 0,
    ),
    '',
  ];
}

/**
 * How the page of hits is found, for the street-wide searches: the InitPlan of each plan (the branches
 * of the search, before the page is joined to its address and tags), costs left out.
 */
function keyPlans(report) {
  const shown = new Set(['initials', 'pinyin', 'name1', 'fragment', 'address', 'filter']);
  const rows = report.rows.filter((r) => r.actor === 'street' && shown.has(r.query));
  if (rows.length === 0) return [];
  const out = [
    '### How the street-wide searches find their page',
    '',
    'From `EXPLAIN (ANALYZE, BUFFERS)` of each captured statement (street_admin): the part that picks the page ' +
      '(the `array(…)` of ids, an InitPlan), with estimates and timings dropped. The rest of every plan is the same: ' +
      'the page fetched by primary key, then its dwelling, entrance, building, compound and tags by key.',
    '',
  ];
  for (const r of rows) {
    const start = r.plan.findIndex((l) => /InitPlan \d+ \(returns \$\d+\)/.test(l) && !/SubPlan/.test(l));
    if (start === -1) continue;
    const indent = r.plan[start].search(/\S/);
    const block = [];
    for (const line of r.plan.slice(start + 1)) {
      if (line.trim() && line.search(/\S/) <= indent) break;
      if (/^\s*(Buffers|Sort Method|Heap Fetches|Planning|Execution)/.test(line)) continue;
      block.push(
        line
          .replace(/\s*\(cost=[^)]*\)/, '')
          .replace(/\(actual time=[\d.]+\.\.[\d.]+ (rows=\d+) loops=(\d+)\)/, '($1, loops=$2)')
          .replace(/'[0-9a-f]{8}-[0-9a-f-]{27}'::uuid/g, "'…'::uuid")
          .slice(indent)
          .replace(/\s+$/, ''),
      );
    }
    out.push(
      `${r.label} \`${r.queryString}\` (${r.planSummary.pages ?? '?'} pages in all):`,
      '',
      '```text',
      ...block,
      '```',
      '',
    );
  }
  return out;
}

function writeDoc(report) {
  // Before the notes, after the platform section, when there is one.
  return writeDocSection('registry', markdownSection(report), { before: '\n## Notes' });
}

// ---------------------------------------------------------------------------------------------
// Main

async function main() {
  const outputs = { print: printTables, writeDoc };
  // `--from-results`: print and write the document again from the last raw results, measuring nothing.
  if (process.argv.includes('--from-results')) {
    return publish(RESULTS_FILE, {
      ...outputs,
      print: (report) => {
        // Results from before the paired one-at-a-time series have nothing to fill the goal column with.
        if (!report.rows?.[0]?.apiOneAtATime) {
          throw new Error('the last results predate the paired one-at-a-time runs: run the benchmark again');
        }
        printTables(report);
      },
    });
  }
  assertBuilt();
  const report = {
    machine: machineFacts(),
    settings: {
      seconds: SECONDS,
      warmupSeconds: WARMUP_SECONDS,
      connections: CONNECTIONS,
      oneAtATimeRuns: RUNS,
      oneAtATimeWarmupRuns: WARMUP_RUNS,
      command: commandLine(
        [
          'BENCH_SECONDS',
          'BENCH_CONNECTIONS',
          'BENCH_RUNS',
          'BENCH_REGISTRY_REUSE',
          'BENCH_REGISTRY_QUIET_WAIT_SECONDS',
        ],
        'bench:registry',
        'registry.mjs',
      ),
      autocannon: await autocannonVersion(),
    },
  };
  log(
    `Node ${report.machine.node}, ${report.machine.cpuModel}, nproc ${report.machine.nproc}; ` +
      `${CONNECTIONS} connections, ${SECONDS} s per query; ${RUNS} runs each of the API and the SQL one at a time`,
  );
  try {
    await run(report);
  } finally {
    if (!KEEP_DB && !REUSE) {
      await dropDatabase().catch((e) => log(`could not drop ${PG_DB}: ${e.message}`));
      log(`dropped ${PG_DB} (BENCH_REGISTRY_KEEP_DB=1 keeps it)`);
    }
  }
  await publish(RESULTS_FILE, { ...outputs, report });
}

runMain('bench:registry', main, {
  interrupted: 'stopping the server and resetting statement logging',
  extraCleanup: async () => {
    if (statementLoggingOn) await setStatementLogging(false).catch(() => {});
  },
});
