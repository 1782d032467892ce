#!/usr/bin/env node
/**
 * The resident form page's weight on a phone: every script `form.html` loads (its module script, its
 * modulepreload links, whatever those import, statically or on demand, and the service worker they
 * register), gzip-compressed, summed.
 * Fails over the budget of issue 4 (100 KB of compressed JavaScript). Run after `npm run build`.
 *
 *   node scripts/public-form-size.mjs [distDir]
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const BUDGET_BYTES = 100 * 1024;
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dist = resolve(process.argv[2] ?? join(root, 'apps', 'web', 'dist'));
const htmlPath = join(dist, 'form.html');
if (!existsSync(htmlPath)) {
  console.error(`${htmlPath} is missing: run \`npm run build\` first`);
  process.exit(2);
}
const html = readFileSync(htmlPath, 'utf8');

/** Site paths (`/assets/x.js`) of the scripts and styles the page names. */
const tags = [...html.matchAll(/<(script|link)\b[^>]*>/gi)].map((m) => m[0]);
const attr = (tag, name) => new RegExp(`\\b${name}\\s*=\\s*["']([^"']+)["']`, 'i').exec(tag)?.[1];
const scripts = [];
const styles = [];
for (const tag of tags) {
  if (/^<script/i.test(tag) && attr(tag, 'src')) scripts.push(attr(tag, 'src'));
  const rel = attr(tag, 'rel')?.toLowerCase();
  if (rel === 'modulepreload' && attr(tag, 'href')) scripts.push(attr(tag, 'href'));
  if (rel === 'stylesheet' && attr(tag, 'href')) styles.push(attr(tag, 'href'));
}
if (!scripts.length) {
  console.error('form.html names no script: is this the public form entry?');
  process.exit(2);
}

const toSite = (from, spec) => (spec.startsWith('/') ? spec : posix.join(posix.dirname(from), spec));
const fileOf = (site) => join(dist, ...site.replace(/^\//, '').split('/'));

/** Follows imports inside the chunks: `from"./x.js"`, `import("./x.js")`, and the preload lists of lazy imports. */
const seen = new Set();
const queue = [...scripts.map((s) => toSite('/', s))];
while (queue.length) {
  const site = queue.shift();
  if (seen.has(site)) continue;
  seen.add(site);
  const file = fileOf(site);
  if (!existsSync(file)) {
    console.error(`form.html needs ${site}, which is not in ${dist}`);
    process.exit(2);
  }
  const code = readFileSync(file, 'utf8');
  for (const m of code.matchAll(/["'`]((?:\.{1,2}\/|\/assets\/|assets\/)[\w./-]+\.js)["'`]/g)) {
    const spec = m[1].startsWith('assets/') ? `/${m[1]}` : m[1];
    queue.push(toSite(site, spec));
  }
  // The service worker the page registers is JavaScript the phone downloads too.
  for (const m of code.matchAll(/serviceWorker\.register\(\s*["'`](\/[\w./-]+\.js)["'`]/g)) queue.push(m[1]);
}

const measure = (site) => {
  const bytes = readFileSync(fileOf(site));
  return { site, raw: bytes.length, gzip: gzipSync(bytes, { level: 6 }).length };
};
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
const js = [...seen].map(measure);
const css = styles.map((s) => measure(toSite('/', s)));
const total = js.reduce((sum, f) => sum + f.gzip, 0);

console.log('Public form page (/f/:slug): what a phone downloads');
for (const f of [...js, ...css])
  console.log(`  ${f.site.padEnd(44)} ${kb(f.raw).padStart(10)} raw ${kb(f.gzip).padStart(9)} gzip`);
console.log(`  JavaScript total (gzip -6, the zlib default): ${kb(total)} of ${kb(BUDGET_BYTES)} budget`);
if (css.length)
  console.log(
    `  CSS total (gzip -6, the zlib default): ${kb(css.reduce((s, f) => s + f.gzip, 0))} (not in the budget)`,
  );
if (total > BUDGET_BYTES) {
  console.error(`Over budget by ${kb(total - BUDGET_BYTES)}`);
  process.exit(1);
}
