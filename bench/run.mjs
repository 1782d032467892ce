// Linli platform benchmark runner.
//
// For each database (PGlite, then PostgreSQL) this starts the built server as a child process on
// 127.0.0.1, waits for health, signs in as the demo community administrator and drives three routes
// with autocannon: the bare JSON route (no database, no auth), the authenticated area tree and
// GET /api/me. Every figure is also given as a ratio to the bare route measured in the same run,
// because absolute numbers vary between machines (see docs/performance.md).
//
// Run: npm run bench   (builds first)   or   node bench/run.mjs   (uses the existing build)
//      node bench/run.mjs --from-results   (re-prints and re-writes the document from the last raw results)
// Env: BENCH_SECONDS (10), BENCH_CONNECTIONS (10), BENCH_DATABASES ("pglite,postgres"),
//      BENCH_STARTUP_TIMEOUT_SECONDS (240), BENCH_WRITE_DOC ("1"; "0" leaves docs/performance.md alone).

import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  assertBuilt,
  autocannonVersion,
  CONNECTIONS,
  cannon,
  cleanup,
  commandLine,
  commandOutput,
  formatRps,
  HOST,
  loadAverage,
  log,
  login,
  machineFacts,
  markdownTable,
  PG_ADMIN_URL,
  PG_PASSWORD,
  PG_PORT,
  PG_ROLE,
  padColumns,
  pgUrl,
  publish,
  runMain,
  SECONDS,
  startServer,
  stopServer,
  WARMUP_SECONDS,
  writeDocSection,
} from './lib.mjs';

const RESULTS_FILE = 'latest.json';
const PG_DB = 'linli_bench';
const PG_BENCH_URL = pgUrl(PG_DB);
const DEMO_USER = 'community_admin';
const DATABASES = (process.env.BENCH_DATABASES ?? 'pglite,postgres')
  .split(',')
  .map((s) => s.trim())
  .filter(Boolean);

/** The routes, in the order they run. The first is the baseline every ratio is taken against. */
const ROUTES = [
  { key: 'bare', label: 'GET /api/health/live (bare)', path: '/api/health/live', auth: false },
  { key: 'areasTree', label: 'GET /api/areas/tree', path: '/api/areas/tree', auth: true },
  { key: 'me', label: 'GET /api/me', path: '/api/me', auth: true },
];

/** PGlite in a fresh temporary directory, or PostgreSQL in `linli_bench`; seeds the demo street. */
async function startServerFor(database) {
  const env = { ...process.env };
  delete env.DATABASE_URL;
  delete env.LINLI_DATA_DIR;
  let dataDir = null;
  if (database === 'pglite') {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'linli-bench-pglite-'));
    cleanup.tempDirs.add(dataDir);
    env.LINLI_DATA_DIR = dataDir;
  } else {
    env.DATABASE_URL = PG_BENCH_URL;
    // A real server needs the operator's key; the benchmark makes a throwaway one.
    env.LINLI_ENCRYPTION_KEY ??= randomBytes(32).toString('base64');
  }
  return startServer({ env, args: ['--seed-demo-if-empty'], dataDir });
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL

function psql(url, sqlText) {
  return spawnSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-Atqc', sqlText], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, PGCONNECT_TIMEOUT: '5' },
  });
}

function hasCommand(cmd) {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0;
}

/**
 * Makes sure PostgreSQL answers at 127.0.0.1:5432 as role `linli` and that `linli_bench` is a fresh,
 * empty database. Returns { ok: true, version } or { ok: false, reason }.
 */
function preparePostgres() {
  if (!hasCommand('psql')) return { ok: false, reason: 'psql is not installed' };
  let probe = psql(PG_ADMIN_URL, 'select 1');
  if (probe.status !== 0 && hasCommand('pg_lsclusters') && hasCommand('pg_ctlcluster')) {
    const clusters = commandOutput('pg_lsclusters', ['--no-header']) ?? '';
    const line = clusters.split('\n').find((l) => l.split(/\s+/)[2] === String(PG_PORT));
    if (line) {
      const [version, cluster, , status] = line.split(/\s+/);
      if (status !== 'online') {
        log(`PostgreSQL cluster ${version}/${cluster} is ${status}; starting it`);
        spawnSync('pg_ctlcluster', [version, cluster, 'start'], { encoding: 'utf8', timeout: 60_000 });
        probe = psql(PG_ADMIN_URL, 'select 1');
      }
    }
  }
  if (probe.status !== 0 && /role .* does not exist|password authentication failed/.test(probe.stderr)) {
    if (process.getuid?.() === 0 && hasCommand('su')) {
      log(`creating PostgreSQL role ${PG_ROLE}`);
      spawnSync(
        'su',
        [
          'postgres',
          '-c',
          `psql -v ON_ERROR_STOP=1 -c "create role ${PG_ROLE} login password '${PG_PASSWORD}' superuser"`,
        ],
        { encoding: 'utf8', timeout: 30_000 },
      );
      probe = psql(PG_ADMIN_URL, 'select 1');
    }
  }
  if (probe.status !== 0) {
    const detail = (probe.stderr || probe.error?.message || '').trim().split('\n')[0];
    return { ok: false, reason: `cannot connect to ${HOST}:${PG_PORT} as ${PG_ROLE}: ${detail}` };
  }
  const drop = psql(PG_ADMIN_URL, `drop database if exists ${PG_DB} with (force)`);
  if (drop.status !== 0) return { ok: false, reason: `cannot drop ${PG_DB}: ${drop.stderr.trim()}` };
  const create = psql(PG_ADMIN_URL, `create database ${PG_DB} owner ${PG_ROLE}`);
  if (create.status !== 0) return { ok: false, reason: `cannot create ${PG_DB}: ${create.stderr.trim()}` };
  const version = psql(PG_ADMIN_URL, 'show server_version').stdout.trim();
  return { ok: true, version };
}

// ---------------------------------------------------------------------------------------------
// Measuring

/** One request through fetch first: the route must answer 200 before it is worth timing. */
async function probeRoute(baseUrl, route, headers) {
  const res = await fetch(`${baseUrl}${route.path}`, { headers, signal: AbortSignal.timeout(30_000) });
  const body = await res.text();
  if (res.status !== 200) {
    throw new Error(`${route.label} answered ${res.status} before the benchmark: ${body.slice(0, 500)}`);
  }
  return Buffer.byteLength(body);
}

async function measureRoute(baseUrl, route, headers) {
  const url = `${baseUrl}${route.path}`;
  const r = await cannon(url, headers, 10);
  return {
    route: route.key,
    label: route.label,
    path: route.path,
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
    non2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
    raw: r,
  };
}

async function benchDatabase(database) {
  const entry = { database, status: 'ok' };
  if (database === 'postgres') {
    const pg = preparePostgres();
    if (!pg.ok) {
      log(`skipping PostgreSQL: ${pg.reason}`);
      return { database, status: 'skipped', reason: pg.reason };
    }
    entry.postgresVersion = pg.version;
  } else if (database !== 'pglite') {
    throw new Error(`unknown database "${database}" in BENCH_DATABASES (use pglite, postgres)`);
  }

  entry.loadAverageBefore = loadAverage();
  log(`${database}: starting the server (seeds the demo street on first start)`);
  const server = await startServerFor(database);
  try {
    entry.serverVersion = server.health.version;
    entry.healthDatabase = server.health.database;
    entry.readySeconds = server.readySeconds;
    if (server.health.database !== database) {
      throw new Error(`expected a ${database} server, /api/health says ${server.health.database}`);
    }
    log(`${database}: healthy after ${entry.readySeconds} s at ${server.baseUrl}`);
    const cookie = await login(server.baseUrl, DEMO_USER);
    entry.routes = [];
    for (const route of ROUTES) {
      const headers = route.auth ? { cookie } : {};
      const responseBytes = await probeRoute(server.baseUrl, route, headers);
      log(`${database}: ${route.label} (${WARMUP_SECONDS} s warm-up, ${SECONDS} s measured)`);
      entry.routes.push({ ...(await measureRoute(server.baseUrl, route, headers)), responseBytes });
    }
    // The baseline once more at the end: how far the machine drifted during the run.
    log(`${database}: bare route again (drift check)`);
    const again = await measureRoute(server.baseUrl, ROUTES[0], {});
    const bare = entry.routes[0].requestsPerSec;
    for (const r of entry.routes) r.ratioToBare = bare > 0 ? r.requestsPerSec / bare : null;
    entry.baselineRepeat = {
      requestsPerSec: again.requestsPerSec,
      driftPercent: bare > 0 ? ((again.requestsPerSec - bare) / bare) * 100 : null,
      raw: again.raw,
    };
    entry.serverOutputDuringBench = server.afterReady.lines.slice();
    entry.loadAverageAfter = loadAverage();
  } finally {
    entry.stoppedWith = await stopServer(server);
    log(`${database}: server stopped (${entry.stoppedWith})`);
  }
  return entry;
}

// ---------------------------------------------------------------------------------------------
// Reporting

const fmt = {
  rps: formatRps,
  ms: (n) => (n === undefined || n === null ? '–' : Number.isInteger(n) ? `${n}` : n.toFixed(2)),
  // Small ratios keep two significant digits and say how many times slower the route is.
  ratio: (n) => {
    if (n === null || n === undefined) return '–';
    if (n >= 0.5) return n.toFixed(2);
    return `${n >= 0.1 ? n.toFixed(2) : n.toPrecision(2)} (1/${Math.round(1 / n)})`;
  },
  kb: (n) => (n < 1024 ? `${n} B` : `${(n / 1024).toFixed(1)} KB`),
};

function routeRows(entry) {
  return entry.routes.map((r) => [
    r.label,
    fmt.rps(r.requestsPerSec),
    fmt.ratio(r.ratioToBare),
    fmt.ms(r.latencyMs.p50),
    fmt.ms(r.latencyMs.p97_5),
    fmt.ms(r.latencyMs.p99),
    fmt.kb(r.responseBytes),
    `${r.non2xx} / ${r.errors}`,
  ]);
}

const HEADER = [
  'route',
  'req/s',
  'ratio to bare',
  'p50 ms',
  'p97.5 ms',
  'p99 ms',
  'response',
  'non-2xx / errors',
];

function printTable(entry) {
  if (entry.status !== 'ok') {
    console.log(`\n${entry.database}: skipped — ${entry.reason}`);
    return;
  }
  const { widths, padded } = padColumns([HEADER, ...routeRows(entry)], (i) => i > 0);
  console.log(
    `\n${entry.database} (ready after ${entry.readySeconds} s; load average ` +
      `${entry.loadAverageBefore.join(' ')} before, ${entry.loadAverageAfter.join(' ')} after)`,
  );
  console.log(padded[0].join('  '));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const row of padded.slice(1)) console.log(row.join('  '));
  console.log(
    `bare route re-measured at the end: ${fmt.rps(entry.baselineRepeat.requestsPerSec)} req/s ` +
      `(${entry.baselineRepeat.driftPercent.toFixed(1)}% vs. the first measurement)`,
  );
  if (entry.serverOutputDuringBench.length > 0) {
    console.log(`server output while under load (${entry.serverOutputDuringBench.length} lines, first 5):`);
    for (const l of entry.serverOutputDuringBench.slice(0, 5)) console.log(`  ${l.slice(0, 300)}`);
  }
}

function printTables(report) {
  for (const entry of report.databases) printTable(entry);
}

function routeTable(entry) {
  const rows = routeRows(entry).map((row) => row.map((c, i) => (i === 0 ? `\`${c}\`` : c)));
  return markdownTable([HEADER, ...rows], (i) => i > 0);
}

function markdownSection(report) {
  const m = report.machine;
  const lines = [
    '',
    '## Platform: bare route, area tree, current user',
    '',
    '_Written by `npm run bench` (`bench/run.mjs`); do not edit by hand, the next run replaces it._',
    '',
    `- Date: ${m.date}`,
    `- Machine: ${m.cpuModel}, ${m.nproc} CPUs (nproc), ${m.totalMemoryGiB} GiB RAM, ${m.platform}`,
    `- Node ${m.node}; commit ${m.gitCommit ?? 'unknown'}${m.gitDirty ? ' with uncommitted changes' : ''}`,
    `- autocannon ${report.settings.connections} connections, ${report.settings.warmupSeconds} s warm-up ` +
      `(discarded), then ${report.settings.seconds} s per route; server and load generator on the same ` +
      'machine, traffic to 127.0.0.1 only.',
    `- Command: \`${report.settings.command}\``,
    '',
  ];
  for (const entry of report.databases) {
    const title = entry.database === 'pglite' ? 'PGlite (embedded)' : 'PostgreSQL';
    if (entry.status !== 'ok') {
      lines.push(`### ${title}`, '', `Skipped: ${entry.reason}`, '');
      continue;
    }
    const version = entry.postgresVersion ? ` ${entry.postgresVersion}` : '';
    lines.push(
      `### ${title}${version}`,
      '',
      `Server ${entry.serverVersion}; healthy (demo street seeded) ${entry.readySeconds} s after start. ` +
        `Load average (1, 5, 15 min) ${entry.loadAverageBefore.join(' / ')} before the run, ` +
        `${entry.loadAverageAfter.join(' / ')} after it (${report.machine.nproc} CPUs).`,
      '',
      routeTable(entry),
      '',
      `The bare route measured again at the end of the run: ${fmt.rps(entry.baselineRepeat.requestsPerSec)} ` +
        `req/s (${entry.baselineRepeat.driftPercent.toFixed(1)}% against the first measurement; ` +
        'a large drift means the machine was busy and the ratios are less trustworthy).',
      '',
    );
    if (entry.serverOutputDuringBench.length > 0) {
      lines.push(
        `The server wrote ${entry.serverOutputDuringBench.length} line(s) at warn level or above while under ` +
          'load; see `bench/results/latest.json`.',
        '',
      );
    }
  }
  lines.push(
    'Ratio = the route’s requests per second divided by the bare route’s (`GET /api/health/live`, no ' +
      'database, no session) measured against the same server process in the same run. Latencies are ' +
      `per request at ${report.settings.connections} concurrent connections, so they include queueing behind the ` +
      'other connections; autocannon records them at 1 ms resolution. The data is the demo street loaded by ' +
      '`--seed-demo-if-empty` (community scale), read as `community_admin`. The load generator runs on the ' +
      'same CPUs as the server (and PostgreSQL), so on a machine with few cores the bare route is partly ' +
      'bounded by autocannon itself.',
    '',
  );
  return lines.join('\n');
}

const DOC_INTRO = `# Performance

Linli keeps its speed figures here. They are produced by the benchmark runner in \`bench/\`, never by
tests: no unit, integration or browser test asserts a timing, because timings on shared CI machines are
noise. A benchmark is run on purpose, by a person, and its figures are read by a person.

## How to run

\`\`\`sh
npm run bench                      # builds the server, then runs bench/run.mjs
BENCH_SECONDS=30 npm run bench     # longer measurement per route (default 10 s)
\`\`\`

Other knobs: \`BENCH_CONNECTIONS\` (default 10), \`BENCH_DATABASES\` (default \`pglite,postgres\`),
\`BENCH_WRITE_DOC=0\` (leave this file alone). Raw results, including autocannon's full histograms, go
to \`bench/results/latest.json\` (not committed).

For each database the runner starts the built server (\`apps/server/dist/cli.js serve
--seed-demo-if-empty\`) as a child process on a free port of 127.0.0.1 — PGlite in a fresh temporary
directory, then PostgreSQL in a freshly recreated \`linli_bench\` database (skipped with a message when
PostgreSQL cannot be reached) — waits for \`/api/health\`, signs in as the demo \`community_admin\`, and
measures with autocannon (10 connections, 2 s warm-up discarded, then \`BENCH_SECONDS\` per route):

1. \`GET /api/health/live\` — the bare JSON route: no database, no session. The baseline.
2. \`GET /api/areas/tree\` — an authenticated, scoped read: session lookup plus the area tree with counts.
3. \`GET /api/me\` — an authenticated read of the current user.

It reports requests per second, p50, p97.5 and p99 latency, and each route's throughput as a ratio to
the bare route. The server is stopped after each database (SIGTERM, SIGKILL after 10 s) and its
temporary directory removed.

## Why ratios

Absolute numbers depend on the machine: a laptop, a CI runner and a street office's server differ by
several times. A ratio to a baseline measured against the same server process, in the same run, cancels
most of that out, so figures from different machines can be compared and a regression shows up as a
falling ratio. Absolute figures are still recorded, with the machine they came from.

## Targets (DESIGN §8)

Later modules add their own sections below, each between its own markers, when their benchmarks exist:

| target                            | bar                                         | status                              |
| --------------------------------- | ------------------------------------------- | ----------------------------------- |
| registry search at 250k residents | p95 < 50 ms                                 | not yet measured (residents module) |
| resident form page (\`/f/…\`)       | < 100 KB of compressed JavaScript           | not yet measured (forms module)     |
| form submission throughput        | ≥ half of the bare JSON route (ratio ≥ 0.5) | not yet measured (forms module)     |
| 50k-row Excel import              | < 60 s                                      | not yet measured (import module)    |
`;

function writeDoc(report) {
  return writeDocSection('platform', markdownSection(report), { intro: DOC_INTRO });
}

// ---------------------------------------------------------------------------------------------
// Main

async function main() {
  const outputs = { print: printTables, writeDoc };
  // `--from-results`: print and write the document again from the last raw results, measuring nothing.
  if (process.argv.includes('--from-results')) return publish(RESULTS_FILE, outputs);
  assertBuilt();
  const report = {
    machine: machineFacts(),
    settings: {
      seconds: SECONDS,
      warmupSeconds: WARMUP_SECONDS,
      connections: CONNECTIONS,
      databases: DATABASES,
      command: commandLine(['BENCH_SECONDS', 'BENCH_CONNECTIONS', 'BENCH_DATABASES'], 'bench', 'run.mjs'),
      autocannon: await autocannonVersion(),
    },
    databases: [],
  };
  log(
    `Node ${report.machine.node}, ${report.machine.cpuModel}, nproc ${report.machine.nproc}; ` +
      `${CONNECTIONS} connections, ${SECONDS} s per route`,
  );
  for (const database of DATABASES) report.databases.push(await benchDatabase(database));
  await publish(RESULTS_FILE, { ...outputs, report });
}

runMain('bench', main, { interrupted: 'stopping the server and removing temporary directories' });
