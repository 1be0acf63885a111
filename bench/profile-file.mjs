// Per-phase timing for one file: parse, member pre-check, Apex model, each rule, and the whole engine.lint.
// Prints wall (performance.now) and CPU (process.cpuUsage, user+system) medians of N warm runs, in ms.
//   node bench/profile-file.mjs <file> [runs=5]
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const file = path.resolve(process.argv[2]);
const runs = Number(process.argv[3] ?? 5);
const bundle = path.join(here, '.tools', 'profile.cjs');
await build({ entryPoints: [path.join(here, 'profile-entry.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: bundle, logLevel: 'error',
  // web-tree-sitter's ESM build reads import.meta.url, which is empty in a CommonJS bundle (as in esbuild.js).
  define: { 'import.meta.url': '__apiguardImportMetaUrl' }, banner: { js: 'var __apiguardImportMetaUrl = require("url").pathToFileURL(__filename).href;' } });
const m = createRequire(import.meta.url)(bundle);
const engine = await m.createEngine();
const text = readFileSync(file, 'utf8');
const kind = m.fileKindOf(file);
if (!kind) { console.error(`not a file kind the engine checks: ${file}`); process.exit(2); }
const project = m.emptyProject(path.dirname(file));

const times = new Map();   // phase -> [{ wall, cpu }]
function time(phase, fn) {
  const c0 = process.cpuUsage(), t0 = performance.now();
  const r = fn();
  const wall = performance.now() - t0, c = process.cpuUsage(c0);
  if (!times.has(phase)) { times.set(phase, []); }
  times.get(phase).push({ wall, cpu: (c.user + c.system) / 1000 });
  return r;
}

function once() {
  const sf = new m.SourceFile(file, text, kind, true);
  if (kind === 'apex') {
    const tree = time('parse', () => m.parseApex(text));
    // As inside engine.lint: the member-level pre-check picks what the model covers (apex/members.ts).
    const running = engine.rules.filter(r => r.meta.kinds.includes('apex')).map(r => r.meta.id);
    const only = time('members (member pre-check)', () => m.modelledRanges(tree, text, running));
    const model = time('model', () => m.buildApexFile(tree, sf.lines, undefined, only));
    sf.apexCache = model;   // the rules below share this model, as inside engine.lint
  }
  for (const rule of m.allRules) {
    if (!rule.meta.kinds.includes(kind)) { continue; }
    if (rule.meta.metadataTypes && !(sf.metadataType && rule.meta.metadataTypes.includes(sf.metadataType))) { continue; }
    const ctx = { file: sf, project, report: () => {} };
    time(`rule ${rule.meta.id}`, () => { try { rule.check(ctx); } catch (e) { console.error(rule.meta.id, e.message); } });
  }
  sf.dispose();
  let findings = 0;
  time('engine.lint (all rules)', () => { findings = engine.lint(file, text, { project }).findings.length; });
  return findings;
}

once();                                   // warm-up (JIT, query compilation)
let findings = 0;
for (let i = 0; i < runs; i++) { findings = once(); }
const med = a => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };
const rows = [...times].map(([phase, l]) => ({ phase, wallMs: +med(l.map(x => x.wall)).toFixed(2), cpuMs: +med(l.map(x => x.cpu)).toFixed(2) }));
const { loadavg, cpus } = await import('node:os');
console.log(`load average ${loadavg().map(x => x.toFixed(2)).join(' ')} on ${cpus().length} cores`);
console.log(`${path.basename(file)}: ${text.length} chars, ${text.split('\n').length} lines, ${findings} findings, median of ${runs} runs`);
for (const r of rows) { console.log(`${r.phase.padEnd(48)} wall ${String(r.wallMs).padStart(9)} ms   cpu ${String(r.cpuMs).padStart(9)} ms`); }
