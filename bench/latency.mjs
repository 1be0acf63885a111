// Per-file analysis latency, in-process and warm: the engine (all rules) on every file of a corpus.
// Prints JSON: p50/p95/max for files under 1,000 lines (wall, and CPU time of this thread: on a shared
// machine the wall figures carry the scheduler's delays, the CPU figures do not), and the largest
// Apex file's median of 5 runs (wall and CPU).
//   node bench/latency.mjs <corpus-dir>
import { build } from 'esbuild';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = path.resolve(process.argv[2]);
const bundle = path.join(here, '.tools', 'engine.cjs');
await build({ entryPoints: [path.join(here, 'latency-entry.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: bundle, logLevel: 'error',
  // web-tree-sitter's ESM build reads import.meta.url, which is empty in a CommonJS bundle (as in esbuild.js).
  define: { 'import.meta.url': '__apiguardImportMetaUrl' }, banner: { js: 'var __apiguardImportMetaUrl = require("url").pathToFileURL(__filename).href;' } });
const { createEngine, fileKindOf, buildIndex } = createRequire(import.meta.url)(bundle);

const files = [];
const walk = d => { for (const e of readdirSync(d, { withFileTypes: true })) { const f = path.join(d, e.name); if (e.isDirectory()) { if (e.name !== 'node_modules') walk(f); } else if (fileKindOf(f)) files.push(f); } };
walk(dir);
const engine = await createEngine();
const project = buildIndex(dir, files);
const texts = files.map(f => readFileSync(f, 'utf8'));
const lint = i => engine.lint(files[i], texts[i], { project });
for (let i = 0; i < files.length; i++) lint(i);                 // warm-up pass (JIT, caches)
const small = [], smallCpu = [];
let largest = 0;
const cpuMs = () => { const c = process.cpuUsage(); return (c.user + c.system) / 1000; };
for (let i = 0; i < files.length; i++) {
  if (/\.(cls|trigger)$/.test(files[i]) && (!/\.(cls|trigger)$/.test(files[largest]) || texts[i].length > texts[largest].length)) largest = i;
  const lines = texts[i].split('\n').length;
  const c0 = cpuMs(), t0 = performance.now(); lint(i); const ms = performance.now() - t0, cpu = cpuMs() - c0;
  if (lines < 1000 && /\.(cls|trigger)$/.test(files[i])) { small.push(ms); smallCpu.push(cpu); }
}
// Each file timed once carries whatever GC pause or JIT tier-up lands on it; also give each file's median of 3 runs
// (two more passes), which says what the lint itself costs. The target is judged on the single run above.
const small3 = [];
for (let i = 0; i < files.length; i++) {
  if (!/\.(cls|trigger)$/.test(files[i]) || texts[i].split('\n').length >= 1000) { continue; }
  const r = Array.from({ length: 3 }, () => { const t0 = performance.now(); lint(i); return performance.now() - t0; }).sort((a, b) => a - b);
  small3.push(r[1]);
}
small3.sort((a, b) => a - b);
small.sort((a, b) => a - b);
smallCpu.sort((a, b) => a - b);
const q = (xs, p) => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))];
const runs = Array.from({ length: 5 }, () => { const c0 = cpuMs(), t0 = performance.now(); lint(largest); return { wall: performance.now() - t0, cpu: cpuMs() - c0 }; });
const mid = k => runs.map(r => r[k]).sort((a, b) => a - b)[2];
console.log(JSON.stringify({
  apexFilesUnder1000Lines: small.length, p50: q(small, 0.5), p95: q(small, 0.95), max: small[small.length - 1],
  cpuP50: q(smallCpu, 0.5), cpuP95: q(smallCpu, 0.95), cpuMax: smallCpu[smallCpu.length - 1],
  median3P50: q(small3, 0.5), median3P95: q(small3, 0.95),
  largestFile: path.relative(dir, files[largest]), largestBytes: statSync(files[largest]).size, largestMs: mid('wall'), largestCpuMs: mid('cpu'),
  load: (await import('node:os')).loadavg().map(x => +x.toFixed(2)),
}));
