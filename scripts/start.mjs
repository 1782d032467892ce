// `npm start`: the whole set-up on a fresh clone. Installs what is missing, builds what is stale,
// then serves Linli on the embedded database with the demo street (or on DATABASE_URL when set).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(args) {
  const result = spawnSync(npm, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function newest(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    latest = Math.max(latest, newest(join(path, entry)));
  }
  return latest;
}

const installed = join(root, 'node_modules', '.package-lock.json');
if (!existsSync(installed) || newest(join(root, 'package-lock.json')) > newest(installed)) {
  console.log('linli: installing dependencies (npm ci) …');
  run(['ci', '--no-audit', '--no-fund']);
}

const sources = Math.max(
  newest(join(root, 'packages', 'shared', 'src')),
  newest(join(root, 'apps', 'server', 'src')),
  newest(join(root, 'apps', 'server', 'drizzle')),
  newest(join(root, 'apps', 'web', 'src')),
  newest(join(root, 'apps', 'web', 'index.html')),
);
const built = Math.min(
  newest(join(root, 'apps', 'server', 'dist', 'cli.js')),
  newest(join(root, 'apps', 'web', 'dist', 'index.html')),
);
if (built === 0 || sources > built) {
  console.log('linli: building …');
  run(['run', 'build']);
}

const server = spawn(
  process.execPath,
  [join(root, 'apps', 'server', 'dist', 'cli.js'), 'serve', '--seed-demo-if-empty'],
  { cwd: root, stdio: 'inherit' },
);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.kill(signal));
server.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
