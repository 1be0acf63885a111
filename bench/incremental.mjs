// Incremental re-lint in the editor worker's path (src/core/incremental.ts), warm, in-process:
// one-character edits at random places of a real 1 MB WSDL2Apex class, each followed by a lint, as the
// worker does after a keystroke (debounced). Prints JSON: median / p95 / max per kind of edit
// (inside a method body, inside an inner class's field, a field of the top-level class, and one that breaks
// the parse: before a statement's ';'), how many edits
// took the member path or a full lint (and why), the full-lint time for comparison, and the load average.
// Each edit's time includes what the worker does besides the lint: the class's constants for the project
// index (ApexConstantsDoc: kept when the edit cannot change them; how many edits needed a full re-read), put
// into the project index of the file's project (--root, default two folders up: apex-mdapi/ for src/classes/X.cls);
// when they changed (typing in a constant's value), the key changes, as the worker's project epoch does.
//   node bench/incremental.mjs [file.cls] [--edits=50] [--seed=1] [--check] [--kinds=topField,statement] [--root=dir]
// Without a file: the certinia apex-mdapi MetadataService.cls of the shared corpus; skipped when absent.
// --check: also compares every result with a fresh full lint (slow: a full lint per edit).
import { build } from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (k, d) => { const a = args.find(x => x.startsWith(`--${k}=`)); return a ? a.slice(k.length + 3) : d; };
const file = path.resolve(args.find(a => !a.startsWith('--')) ?? '/work/corpus/certinia__apex-mdapi/apex-mdapi/src/classes/MetadataService.cls');
if (!existsSync(file)) { console.log(JSON.stringify({ skipped: `${file} not found` })); process.exit(0); }
const EDITS = Number(opt('edits', '50'));
const check = args.includes('--check');
/** --kinds: only these kinds of edit (e.g. to profile one). */
const kinds = opt('kinds', '') ? new Set(opt('kinds', '').split(',')) : undefined;
let seed = Number(opt('seed', '1'));
const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };

const bundle = path.join(here, '.tools', 'incremental.cjs');
await build({ entryPoints: [path.join(here, 'incremental-entry.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: bundle, logLevel: 'error',
  define: { 'import.meta.url': '__apiguardImportMetaUrl' }, banner: { js: 'var __apiguardImportMetaUrl = require("url").pathToFileURL(__filename).href;' } });
const { createEngine, IncrementalApexDoc, ApexConstantsDoc, offsetAtLine, symbolsOf, setFileSymbols, loadProjectIndex } = createRequire(import.meta.url)(bundle);

const engine = await createEngine();
const text0 = readFileSync(file, 'utf8');
const project = await loadProjectIndex(path.resolve(opt('root', path.join(path.dirname(file), '..', '..'))));
const options = { project };
/** The worker's lint key: it changes when project values change (here: this class's constants). */
let epoch = 0;
const keyOf = () => `bench\0${epoch}`;
const fullMs = [];
for (let i = 0; i < 3; i++) { const t0 = performance.now(); engine.lint(file, text0, options); fullMs.push(performance.now() - t0); }

/** Places to type at: [line, character] inside method bodies, inner-class fields and top-level fields. */
const lines = text0.split('\n');
const places = { method: [], innerField: [], topField: [], methodBreaking: [] };
let depth = 0;
let inMethod = 0;
for (let l = 0; l < lines.length; l++) {
  const s = lines[l];
  const t = s.trim();
  // In a method: inside the statement's first identifier (the text still parses), and before its ';' (it does not).
  if (depth >= 2 && inMethod && inMethod <= depth && /;\s*$/.test(t) && /^[A-Za-z_]\w{2,}/.test(t)) { places.method.push([l, s.length - t.length + 1]); places.methodBreaking.push([l, s.length - 1]); }
  else if (depth === 2 && /^public\s+[\w.<>\[\], ]+\s+\w+\s*;$/.test(t)) places.innerField.push([l, s.indexOf(';')]);
  else if (depth === 1 && /^(private|public)\s+static\s+(final\s+)?String\s+\w+\s*=/.test(t)) places.topField.push([l, s.length - 2]);
  if (depth >= 1 && /\)\s*\{\s*$/.test(t) && /\(/.test(t) && !/^(if|for|while|else|try|catch)\b/.test(t)) { if (!inMethod) inMethod = depth + 1; }
  for (const c of s) { if (c === '{') depth++; else if (c === '}') { depth--; if (inMethod && depth < inMethod) inMethod = 0; } }
}

const doc = new IncrementalApexDoc(file, text0);
// The worker also keeps the class's constants for the project index (ApexConstantsDoc): part of each edit's time.
const consts = new ApexConstantsDoc(file, text0);
const first = performance.now(); consts.constants(); doc.lint(engine, options, keyOf()); const firstMs = performance.now() - first;
/** CPU time (user + system) of this process since `c0`, in ms: less sensitive than wall time to other load on the machine. */
const cpuMs = c0 => { const c = process.cpuUsage(c0); return (c.user + c.system) / 1000; };
/** As the worker: the edit to both copies, the constants (kept unless the edit can change them), then the lint. */
function edit(change) {
  const t = consts.current;
  const s = offsetAtLine(t, change.range.start.line, change.range.start.character);
  consts.edit(s, Math.max(s, offsetAtLine(t, change.range.end.line, change.range.end.character)), change.text);
  doc.applyChanges([change]);
  const constants = consts.constants();
  if (setFileSymbols(project, file, constants.length ? { constants, labels: [], records: [] } : undefined).length) { epoch++; }
  return doc.lint(engine, options, keyOf());
}
const results = {};
let mismatches = 0;
for (const kind of Object.keys(places)) {
  const ps = places[kind];
  if (!ps.length || (kinds && !kinds.has(kind))) continue;
  const ms = [], cpu = [], modes = {}, relinted = [];
  for (let i = 0; i < EDITS; i++) {
    const [line, character] = ps[Math.floor(rnd() * ps.length)];
    const ch = 'abcdefghijklmnopqrstuvwxyz '[Math.floor(rnd() * 27)];
    // A character typed, then (next round) deleted: the file stays valid Apex half of the time.
    const t0 = performance.now(), c0 = process.cpuUsage();
    let r = edit({ range: { start: { line, character }, end: { line, character } }, text: ch });
    ms.push(performance.now() - t0); cpu.push(cpuMs(c0));
    if (r.mode === 'members') relinted.push(r.relinted);
    modes[r.mode + (r.why ? `: ${r.why}` : '')] = (modes[r.mode + (r.why ? `: ${r.why}` : '')] ?? 0) + 1;
    if (check && JSON.stringify(r.report) !== JSON.stringify(engine.lint(file, doc.current, options))) mismatches++;
    const t1 = performance.now(), c1 = process.cpuUsage();
    r = edit({ range: { start: { line, character }, end: { line, character: character + 1 } }, text: '' });
    ms.push(performance.now() - t1); cpu.push(cpuMs(c1));
    modes[r.mode + (r.why ? `: ${r.why}` : '')] = (modes[r.mode + (r.why ? `: ${r.why}` : '')] ?? 0) + 1;
    if (check && JSON.stringify(r.report) !== JSON.stringify(engine.lint(file, doc.current, options))) mismatches++;
  }
  ms.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const q = (p, a = ms) => +a[Math.min(a.length - 1, Math.floor(p * a.length))].toFixed(1);
  relinted.sort((a, b) => a - b);
  results[kind] = { edits: ms.length, medianMs: q(0.5), p95Ms: q(0.95), cpuMedianMs: q(0.5, cpu), cpuP95Ms: q(0.95, cpu), maxMs: +ms[ms.length - 1].toFixed(1), modes, membersRelintedMedian: relinted[relinted.length >> 1] };
}
// Typing a whole statement key by key into method bodies, as a user does: punctuation, an open string literal
// (the text does not parse until its quote is closed), then deleting it again key by key.
if (!kinds || kinds.has('statement')) {
  const statement = "String apiKey = 'sk_live_51HxYzAbCdEf';";
  const ms = [], cpu = [], modes = {};
  const lints = (r, t0, c0) => { ms.push(performance.now() - t0); cpu.push(cpuMs(c0)); const k = r.mode + (r.why ? `: ${r.why}` : r.confined ? ' (broken member alone)' : ''); modes[k] = (modes[k] ?? 0) + 1; };
  for (let round = 0; round < Math.max(1, Math.round(EDITS / 25)); round++) {
    const [line, character] = places.method[Math.floor(rnd() * places.method.length)];
    let col = character - 1;
    for (const ch of statement) {
      const t0 = performance.now(), c0 = process.cpuUsage();
      lints(edit({ range: { start: { line, character: col }, end: { line, character: col } }, text: ch }), t0, c0);
      col++;
    }
    for (; col > character - 1; col--) {
      const t0 = performance.now(), c0 = process.cpuUsage();
      lints(edit({ range: { start: { line, character: col - 1 }, end: { line, character: col } }, text: '' }), t0, c0);
    }
  }
  ms.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const q = (p, a = ms) => +a[Math.min(a.length - 1, Math.floor(p * a.length))].toFixed(1);
  results.statement = { edits: ms.length, medianMs: q(0.5), p95Ms: q(0.95), cpuMedianMs: q(0.5, cpu), cpuP95Ms: q(0.95, cpu), maxMs: +ms[ms.length - 1].toFixed(1), modes };
}
doc.dispose();
// A full re-read of the class's constants (what each edit cost before ApexConstantsDoc), and how often the edits above needed one.
const sym = [];
for (let i = 0; i < 5; i++) { const t0 = performance.now(); symbolsOf(file, text0); sym.push(performance.now() - t0); }
sym.sort((a, b) => a - b);
console.log(JSON.stringify({
  file: path.basename(file), bytes: text0.length, lines: lines.length, cores: cpus().length, loadavg: loadavg().map(x => +x.toFixed(2)),
  fullLintMs: +fullMs.sort((a, b) => a - b)[1].toFixed(1), firstIncrementalLintMs: +firstMs.toFixed(1),
  targetMs: 50, ...results, constantsFullScanMedianMs: +sym[2].toFixed(1), constantsScansDuringEdits: consts.scans - 1, ...(check ? { mismatches } : {}),
}, null, 1));
