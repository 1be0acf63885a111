#!/usr/bin/env node
// Proves the Apex text pre-check (src/core/apex/precheck.ts, and test classes left unparsed: apex/testClass.ts) loses nothing: lints every Apex file of
// the given folders twice, with the pre-check and with every file parsed, and compares the findings.
// Prints how many files the pre-check cleared and every difference; exits 1 on a finding difference.
//   node bench/precheck-equivalence.mjs <folder> [<folder> ...]     (e.g. bench/.corpus/p2000-s42 /work/corpus)
import { build } from 'esbuild';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const bundle = path.join(here, '.tools', 'engine.cjs');
await build({ entryPoints: [path.join(here, 'latency-entry.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile: bundle, logLevel: 'error',
  define: { 'import.meta.url': '__apiguardImportMetaUrl' }, banner: { js: 'var __apiguardImportMetaUrl = require("url").pathToFileURL(__filename).href;' } });
const { createEngine, loadProjectIndex, apexRulesMayReport, testClassSpan } = createRequire(import.meta.url)(bundle);
const engine = await createEngine();
const apexRules = engine.rules.filter(r => r.meta.kinds.includes('apex')).map(r => r.meta.id);

let files = 0, cleared = 0, bytes = 0, clearedBytes = 0, testClasses = 0, testBytes = 0, findings = 0, msWith = 0, msWithout = 0;
const differences = [], notesDropped = {};
for (const dir of process.argv.slice(2).map(d => path.resolve(d))) {
  // Each folder given is one project.
  const list = [];
  const walk = d => { for (const e of readdirSync(d, { withFileTypes: true })) { const f = path.join(d, e.name); if (e.isDirectory()) { if (e.name !== 'node_modules' && e.name !== '.git') walk(f); } else list.push(f); } };
  walk(dir);
  const project = await loadProjectIndex(dir);   // as a scan builds it (project-wide constants, labels, records)
  for (const f of list.filter(x => /\.(cls|trigger)$/.test(x))) {
    const text = readFileSync(f, 'utf8');
    files++; bytes += text.length;
    let t0 = performance.now();
    const a = engine.lint(f, text, { project });
    msWith += performance.now() - t0; t0 = performance.now();
    const b = engine.lint(f, text, { project, precheck: false });
    msWithout += performance.now() - t0;
    findings += b.findings.length;
    const ja = JSON.stringify(a.findings), jb = JSON.stringify(b.findings);
    if (ja !== jb) { differences.push({ file: f, withPrecheck: a.findings.map(x => x.ruleId), parsed: b.findings.map(x => x.ruleId) }); }
    // A cleared file can lose only notes that depend on the parse.
    for (const n of b.notes) { if (!a.notes.some(m => m.code === n.code && m.message === n.message)) { notesDropped[n.code] = (notesDropped[n.code] ?? 0) + 1; } }
    if (testClassSpan(text)) { testClasses++; testBytes += text.length; } else if (!apexRulesMayReport(text, apexRules)) { cleared++; clearedBytes += text.length; }
  }
}
console.log(JSON.stringify({ apexFiles: files, testClasses, testBytesPct: +(100 * testBytes / bytes).toFixed(1), cleared, clearedBytesPct: +(100 * clearedBytes / bytes).toFixed(1), findings, differences: differences.length, notesDropped, msWithPrecheck: Math.round(msWith), msAllParsed: Math.round(msWithout) }));
for (const d of differences.slice(0, 50)) { console.log(JSON.stringify(d)); }
process.exitCode = differences.length ? 1 : 0;
