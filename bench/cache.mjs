#!/usr/bin/env node
// `apiguard scan --cache`: first scan (no cache file) against a re-scan of the unchanged project
// (target: re-scan <= 10 % of the first), then a re-scan after editing one file.
//   node bench/cache.mjs [--apex 2000] [--seed 42] [--reps 3]
// Needs `npm run build`. Generates the corpus with bench/generate-corpus.mjs when missing.
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.join(here, '..', 'dist', 'cli.js');
const opt = (n, d) => { const i = process.argv.indexOf(`--${n}`); return i > 0 ? process.argv[i + 1] : d; };
const N = Number(opt('apex', '2000'));
const reps = Number(opt('reps', '3'));
const seed = opt('seed', '42');
if (!existsSync(cli)) { console.error('bench/cache: run `npm run build` first'); process.exit(2); }
const corpus = path.join(here, '.corpus', `p${N}`);
if (!existsSync(corpus)) { spawnSync('node', [path.join(here, 'generate-corpus.mjs'), '--apex', String(N), '--out', corpus, '--seed', seed], { stdio: 'inherit' }); }
const cache = path.join(here, '.corpus', `cache-p${N}.json`);

const wall = args => {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('node', [cli, 'scan', '--format', 'json', '--output', '/dev/null', '--fail-on', 'never', '--cache', '--cache-location', cache, ...args], { cwd: corpus, encoding: 'utf8' });
  if (r.status !== 0) { throw new Error(r.stderr); }
  return Number(process.hrtime.bigint() - t0) / 1e9;
};
const median = a => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const first = [], again = [], edited = [];
const classes = path.join(corpus, 'force-app', 'main', 'default', 'classes');
const one = path.join(classes, readdirSync(classes).find(f => f.endsWith('.cls')));
for (let i = 0; i < reps; i++) {
  rmSync(cache, { force: true });
  first.push(wall([]));
  again.push(wall([]));
  appendFileSync(one, `\n// edit ${Date.now()}\n`);
  edited.push(wall([]));
}
const f = median(first), a = median(again), e = median(edited);
console.log(`corpus: ${corpus}, ${reps} runs each, median wall time (process start to exit)`);
console.log(`  first scan (no cache)     ${f.toFixed(2)} s  (${first.map(x => x.toFixed(2)).join(', ')})`);
console.log(`  re-scan, unchanged        ${a.toFixed(2)} s  (${again.map(x => x.toFixed(2)).join(', ')})  = ${(100 * a / f).toFixed(1)} % of the first (target <= 10 %)`);
console.log(`  re-scan, one file edited  ${e.toFixed(2)} s  (${edited.map(x => x.toFixed(2)).join(', ')})`);
