// Per-file analysis latency, in-process and warm: the engine (all rules) on every file of a corpus.
// Prints JSON: p50/p95/max for files under 1,000 lines, and the largest file's median of 5 runs.
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
const small = [];
let largest = 0;
for (let i = 0; i < files.length; i++) {
  if (texts[i].length > texts[largest].length) largest = i;
  const lines = texts[i].split('\n').length;
  const t0 = performance.now(); lint(i); const ms = performance.now() - t0;
  if (lines < 1000 && /\.(cls|trigger)$/.test(files[i])) small.push(ms);
}
small.sort((a, b) => a - b);
const q = p => small[Math.min(small.length - 1, Math.floor(p * small.length))];
const runs = Array.from({ length: 5 }, () => { const t0 = performance.now(); lint(largest); return performance.now() - t0; }).sort((a, b) => a - b);
console.log(JSON.stringify({
  apexFilesUnder1000Lines: small.length, p50: q(0.5), p95: q(0.95), max: small[small.length - 1],
  largestFile: path.relative(dir, files[largest]), largestBytes: statSync(files[largest]).size, largestMs: runs[2],
}));
