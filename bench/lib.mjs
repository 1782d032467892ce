// What bench/run.mjs and bench/registry.mjs share: settings read from the environment, machine facts,
// the built server as a child process, signing in, autocannon, padded tables, the runner's section of
// docs/performance.md, the raw results file and clean-up on failure or interruption.

import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CLI = path.join(ROOT, 'apps/server/dist/cli.js');
export const RESULTS_DIR = path.join(ROOT, 'bench/results');
export const DOC_FILE = path.join(ROOT, 'docs/performance.md');

export const HOST = '127.0.0.1';
export const PG_ROLE = 'linli';
export const PG_PASSWORD = 'linli';
export const PG_PORT = 5432;
export const pgUrl = (database) => `postgres://${PG_ROLE}:${PG_PASSWORD}@${HOST}:${PG_PORT}/${database}`;
export const PG_ADMIN_URL = pgUrl('postgres');
export const DEMO_PASSWORD = 'linli-demo';

export function intFromEnv(name, fallback, min, max) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer between ${min} and ${max} (got "${raw}")`);
  }
  return value;
}

export const SECONDS = intFromEnv('BENCH_SECONDS', 10, 1, 600);
export const CONNECTIONS = intFromEnv('BENCH_CONNECTIONS', 10, 1, 1000);
export const WARMUP_SECONDS = 2;
const STARTUP_TIMEOUT_MS = intFromEnv('BENCH_STARTUP_TIMEOUT_SECONDS', 240, 10, 3600) * 1000;
const KILL_GRACE_MS = 10_000;
export const WRITE_DOC = process.env.BENCH_WRITE_DOC !== '0';

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Each runner prints under its own name; runMain sets it.
let logPrefix = 'bench';

export function log(message) {
  console.log(`${logPrefix}: ${message}`);
}

// ---------------------------------------------------------------------------------------------
// Machine facts

export function machineFacts() {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    cpuModel: cpus[0]?.model?.trim() ?? 'unknown',
    nproc: typeof os.availableParallelism === 'function' ? os.availableParallelism() : cpus.length,
    totalMemoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    loadAverageAtStart: loadAverage(),
    gitCommit: commandOutput('git', ['rev-parse', '--short', 'HEAD']),
    gitDirty: (commandOutput('git', ['status', '--porcelain']) ?? '') !== '',
  };
}

/** 1, 5 and 15 minute load averages: a busy machine makes every figure less trustworthy. */
export function loadAverage() {
  return os.loadavg().map((n) => Math.round(n * 100) / 100);
}

/**
 * Whether other work shares the CPUs: the 1-minute load average is above the number of CPUs. Checked
 * before a runner starts its own server, whose load would otherwise count.
 */
export function machineBusy(load = loadAverage()) {
  const nproc = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  return load[0] > nproc;
}

export function commandOutput(cmd, args, options = {}) {
  const r = spawnSync(cmd, args, { cwd: ROOT, encoding: 'utf8', timeout: 15_000, ...options });
  if (r.error || r.status !== 0) return null;
  return r.stdout.trim();
}

export async function autocannonVersion() {
  return (await import('autocannon/package.json', { with: { type: 'json' } })).default.version;
}

// ---------------------------------------------------------------------------------------------
// Server process

/** Everything that must be undone if the runner fails or is interrupted. */
export const cleanup = { child: null, tempDirs: new Set() };

export function assertBuilt() {
  if (!existsSync(CLI)) {
    throw new Error(`${path.relative(ROOT, CLI)} is missing: run \`npm run build -w apps/server\` first`);
  }
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.once('error', reject);
    probe.listen(0, HOST, () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Keeps the last `limit` characters a stream wrote, for diagnostics. */
export function tail(limit) {
  let text = '';
  return {
    push(chunk) {
      text = (text + chunk).slice(-limit);
    },
    get text() {
      return text;
    },
  };
}

/**
 * Starts `cli.js serve ...args` with `env` (plus a free port on 127.0.0.1 and warn-level logging) and
 * waits for /api/health. `dataDir`, when given, is the PGlite directory stopServer removes afterwards;
 * `nodeArgs` go to node itself (e.g. `--cpu-prof`, which NODE_OPTIONS refuses).
 */
export async function startServer({ env, args = [], dataDir = null, nodeArgs = [] }) {
  const port = await freePort();
  const started = Date.now();
  const child = spawn(process.execPath, [...nodeArgs, CLI, 'serve', ...args], {
    cwd: ROOT,
    env: { ...env, PORT: String(port), HOST, LINLI_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cleanup.child = child;
  const stdout = tail(20_000);
  const stderr = tail(20_000);
  // Everything the server writes after it is ready (it logs at warn level) is kept here.
  const afterReady = { active: false, lines: [] };
  const collect = (sink, prefix) => (chunk) => {
    const s = chunk.toString();
    sink.push(s);
    if (afterReady.active && afterReady.lines.length < 200) {
      for (const line of s.split('\n')) if (line.trim()) afterReady.lines.push(`${prefix}${line}`);
    }
  };
  child.stdout.on('data', collect(stdout, ''));
  child.stderr.on('data', collect(stderr, '[stderr] '));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let exitInfo = null;
  exited.then((info) => {
    exitInfo = info;
  });

  const baseUrl = `http://${HOST}:${port}`;
  let health = null;
  while (Date.now() - started < STARTUP_TIMEOUT_MS) {
    if (exitInfo) {
      throw new Error(
        `the server exited during start-up (code ${exitInfo.code}, signal ${exitInfo.signal})\n` +
          `--- stdout ---\n${stdout.text}\n--- stderr ---\n${stderr.text}`,
      );
    }
    try {
      const res = await fetch(`${baseUrl}/api/health`, { signal: AbortSignal.timeout(2_000) });
      if (res.status === 200) {
        health = await res.json();
        break;
      }
      await res.body?.cancel();
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  const server = { child, exited, dataDir, baseUrl, health, stdout, stderr, afterReady };
  if (!health) {
    await stopServer(server);
    throw new Error(
      `the server was not healthy within ${STARTUP_TIMEOUT_MS / 1000} s\n` +
        `--- stdout ---\n${stdout.text}\n--- stderr ---\n${stderr.text}`,
    );
  }
  server.readySeconds = Math.round(((Date.now() - started) / 1000) * 10) / 10;
  afterReady.active = true;
  return server;
}

/** The data directory and the server's `<dir>.lock` and `<dir>.key` beside it. */
async function removeDataDir(dataDir) {
  await rm(dataDir, { recursive: true, force: true });
  await rm(`${dataDir}.lock`, { force: true });
  await rm(`${dataDir}.key`, { force: true });
}

/** SIGTERM, SIGKILL after a grace period; says which it took. */
export async function stopServer(server) {
  const { child, exited, dataDir } = server;
  let how = 'already exited';
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM');
    how = 'SIGTERM';
    const done = await Promise.race([exited.then(() => true), sleep(KILL_GRACE_MS).then(() => false)]);
    if (!done) {
      log(`server did not stop within ${KILL_GRACE_MS / 1000} s of SIGTERM; sending SIGKILL`);
      child.kill('SIGKILL');
      how = 'SIGKILL';
      await Promise.race([exited, sleep(KILL_GRACE_MS)]);
    }
  }
  if (cleanup.child === child) cleanup.child = null;
  if (dataDir) {
    await removeDataDir(dataDir);
    cleanup.tempDirs.delete(dataDir);
  }
  return how;
}

async function emergencyCleanup() {
  const child = cleanup.child;
  if (child && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM');
    const exited = new Promise((resolve) => child.once('exit', resolve));
    if (!(await Promise.race([exited.then(() => true), sleep(KILL_GRACE_MS).then(() => false)]))) {
      child.kill('SIGKILL');
    }
  }
  for (const dir of cleanup.tempDirs) await removeDataDir(dir);
}

/**
 * Runs `main` under the log prefix `name`. On failure, SIGINT or SIGTERM the server and temporary
 * directories go first, then `extraCleanup` (what only that runner set up); `interrupted` ends the
 * message logged on a signal.
 */
export function runMain(name, main, { interrupted, extraCleanup = async () => {} }) {
  logPrefix = name;
  const cleanUp = () => emergencyCleanup().then(extraCleanup);
  for (const signal of ['SIGINT', 'SIGTERM']) {
    process.once(signal, () => {
      log(`${signal}: ${interrupted}`);
      cleanUp().finally(() => process.exit(130));
    });
  }
  main().catch(async (error) => {
    console.error(`${name}: failed: ${error.stack ?? error}`);
    await cleanUp();
    process.exit(1);
  });
}

// ---------------------------------------------------------------------------------------------
// Measuring

/** Signs in as a demo user and returns the `linli_session=…` cookie. */
export async function login(baseUrl, username, password = DEMO_PASSWORD) {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
    signal: AbortSignal.timeout(30_000),
  });
  const body = await res.text();
  if (res.status !== 200)
    throw new Error(`login as ${username} answered ${res.status}: ${body.slice(0, 500)}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .find((c) => c.startsWith('linli_session='));
  if (!cookie) throw new Error(`login as ${username} answered 200 without a linli_session cookie`);
  return cookie;
}

/** A warm-up of WARMUP_SECONDS (discarded), then SECONDS measured; `timeout` is per request, in seconds. */
export async function cannon(url, headers, timeout) {
  const options = { url, headers, connections: CONNECTIONS, timeout };
  await autocannon({ ...options, duration: WARMUP_SECONDS });
  return autocannon({ ...options, duration: SECONDS });
}

// ---------------------------------------------------------------------------------------------
// Reporting

/** Pads every column to its widest cell (at least `minWidth`), on the right where `isRight(column)`. */
export function padColumns(rows, isRight, minWidth = 0) {
  const widths = rows[0].map((_, i) => Math.max(minWidth, ...rows.map((row) => row[i].length)));
  const padded = rows.map((row) =>
    row.map((cell, i) => (isRight(i) ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))),
  );
  return { widths, padded };
}

/** A Markdown table (rows[0] is the header) padded the way `biome format` pads it, so `npm run lint` accepts it. */
export function markdownTable(rows, isRight) {
  const { widths, padded } = padColumns(rows, isRight, 3);
  const rule = widths.map((w, i) => (isRight(i) ? `${'-'.repeat(w - 1)}:` : '-'.repeat(w)));
  return [padded[0], rule, ...padded.slice(1)].map((row) => `| ${row.join(' | ')} |`).join('\n');
}

export function formatRps(n) {
  return Math.round(n).toLocaleString('en-US');
}

/** How the run was started, with the knobs that were set: `script` is the npm script, `file` the runner. */
export function commandLine(vars, script, file) {
  const set = vars.filter((name) => process.env[name]).map((name) => `${name}=${process.env[name]}`);
  const base = process.env.npm_lifecycle_event === script ? `npm run ${script}` : `node bench/${file}`;
  return [...set, base].join(' ');
}

/**
 * Replaces the text between `<!-- bench:NAME:start -->` and `<!-- bench:NAME:end -->` in
 * docs/performance.md with `body`. A section not there yet goes before the first `before` in the
 * document when given and present, else at the end; a missing document starts from `intro`, or is an
 * error when there is none.
 */
export async function writeDocSection(name, body, { intro, before } = {}) {
  const startMarker = `<!-- bench:${name}:start -->`;
  const endMarker = `<!-- bench:${name}:end -->`;
  const section = `${startMarker}\n${body}\n${endMarker}`;
  let text;
  try {
    text = await readFile(DOC_FILE, 'utf8');
  } catch (error) {
    if (error.code !== 'ENOENT' || intro === undefined) throw error;
    await mkdir(path.dirname(DOC_FILE), { recursive: true });
    await writeFile(DOC_FILE, `${intro}\n${section}\n`);
    return;
  }
  const start = text.indexOf(startMarker);
  const end = text.indexOf(endMarker);
  const at = before === undefined ? -1 : text.indexOf(before);
  if (start !== -1 && end > start) {
    text = text.slice(0, start) + section + text.slice(end + endMarker.length);
  } else if (at !== -1) {
    text = `${text.slice(0, at).replace(/\s*$/, '')}\n\n${section}\n${text.slice(at)}`;
  } else {
    text = `${text.replace(/\s*$/, '')}\n\n${section}\n`;
  }
  await writeFile(DOC_FILE, text);
}

/**
 * Prints the tables, keeps the raw results in bench/results/`file` and, unless BENCH_WRITE_DOC=0,
 * rewrites the runner's section of docs/performance.md. Without a `report` (the `--from-results`
 * path) it reads the last raw results back instead of measuring.
 */
export async function publish(file, { report, print, writeDoc }) {
  const resultsFile = path.join(RESULTS_DIR, file);
  const relResults = path.relative(ROOT, resultsFile);
  const data = report ?? JSON.parse(await readFile(resultsFile, 'utf8'));
  print(data);
  if (report) {
    await mkdir(RESULTS_DIR, { recursive: true });
    await writeFile(resultsFile, `${JSON.stringify(report, null, 2)}\n`);
    log(`raw results: ${relResults}`);
  }
  if (WRITE_DOC) {
    await writeDoc(data);
    log(`updated ${path.relative(ROOT, DOC_FILE)}${report ? '' : ` from ${relResults}`}`);
  }
}
