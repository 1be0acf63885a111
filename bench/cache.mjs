#!/usr/bin/env node
// `apiguard scan --cache`: first scan (no cache file, on the lint pool like a scan without --cache, which is
// measured too) against a re-scan of the unchanged project (target: re-scan <= 10 % of the first), then a
// re-scan after editing one file.
//   node bench/cache.mjs [--apex 2000] [--seed 42] [--reps 3]
// Needs `npm run build`. Generates the corpus with bench/generate-corpus.mjs when missing.
// Wall time is from process start to exit; on a shared machine also read the CPU time (user+system,
// measured with /usr/bin/time when present) and the load average printed with it.
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
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
// A cache file of this run's own (the corpus folder may be shared by several checkouts benchmarking at once).
const tmp = mkdtempSync(path.join(os.tmpdir(), 'apiguard-bench-cache-'));
const cache = path.join(tmp, `cache-p${N}.json`);
const timeBin = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/** Wall seconds, and CPU seconds (user+system) when /usr/bin/time is there. */
const run = (args, cached = true) => {
  const argv = [cli, 'scan', '--format', 'json', '--output', '/dev/null', '--fail-on', 'never', ...(cached ? ['--cache', '--cache-location', cache] : []), ...args];
  const t0 = process.hrtime.bigint();
  const r = timeBin ? spawnSync(timeBin, ['-f', 'cpu %U %S', 'node', ...argv], { cwd: corpus, encoding: 'utf8' }) : spawnSync('node', argv, { cwd: corpus, encoding: 'utf8' });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) { throw new Error(r.stderr); }
  const m = /cpu ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr);
  return { wall, cpu: m ? Number(m[1]) + Number(m[2]) : NaN };
};
const median = a => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const plain = [], first = [], again = [], edited = [];
const classes = path.join(corpus, 'force-app', 'main', 'default', 'classes');
const one = path.join(classes, readdirSync(classes).find(f => f.endsWith('.cls')));
const load0 = os.loadavg();
try {
  for (let i = 0; i < reps; i++) {
    plain.push(run([], false));
    rmSync(cache, { force: true });
    first.push(run([]));
    again.push(run([]));
    appendFileSync(one, `\n// edit ${Date.now()}\n`);
    edited.push(run([]));
  }
} finally { rmSync(tmp, { recursive: true, force: true }); }
const load1 = os.loadavg();
const show = (runs, key) => `${median(runs.map(r => r[key])).toFixed(2)} s  (${runs.map(r => r[key].toFixed(2)).join(', ')})`;
const f = median(first.map(r => r.wall)), a = median(again.map(r => r.wall));
const fc = median(first.map(r => r.cpu)), ac = median(again.map(r => r.cpu));
console.log(`corpus: ${corpus}, ${reps} runs each, median (process start to exit); load average ${load0[0].toFixed(2)} before, ${load1[0].toFixed(2)} after`);
console.log(`  scan without --cache      wall ${show(plain, 'wall')}`);
console.log(`                            cpu  ${show(plain, 'cpu')}`);
console.log(`  first scan (no cache)     wall ${show(first, 'wall')}  = ${(100 * f / median(plain.map(r => r.wall))).toFixed(1)} % of a scan without --cache`);
console.log(`                            cpu  ${show(first, 'cpu')}`);
console.log(`  re-scan, unchanged        wall ${show(again, 'wall')}  = ${(100 * a / f).toFixed(1)} % of the first (target <= 10 %)`);
console.log(`                            cpu  ${show(again, 'cpu')}  = ${(100 * ac / fc).toFixed(1)} % of the first's CPU time`);
console.log(`  re-scan, one file edited  wall ${show(edited, 'wall')}`);
console.log(`                            cpu  ${show(edited, 'cpu')}`);
