#!/usr/bin/env node
// Proves the Apex text pre-checks lose nothing: the file-level one (src/core/apex/precheck.ts: no parse;
// test classes left unparsed: apex/testClass.ts) and the member-level ones (src/core/apex/members.ts:
// members left out of the parse, found on the text by apex/outline.ts, or of the model). Lints every Apex file of the given folders twice, with the pre-checks
// and with every file parsed and modelled whole, and compares the findings. Prints how many files each
// pre-check trimmed and every difference; exits 1 on a finding difference.
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
const { createEngine, loadProjectIndex, apexRulesMayReport, testClassSpan, modelledRanges, parseTrim, parseApex } = createRequire(import.meta.url)(bundle);
const engine = await createEngine();
const apexRules = engine.rules.filter(r => r.meta.kinds.includes('apex')).map(r => r.meta.id);

let files = 0, cleared = 0, bytes = 0, clearedBytes = 0, testClasses = 0, testBytes = 0, findings = 0, msWith = 0, msWithout = 0;
let trimmed = 0, trimmedBytes = 0, leftOutBytes = 0, trimmedFindings = 0, parseTrimmed = 0, parseTrimmedBytes = 0, parseLeftOutBytes = 0;
const differences = [], notesDropped = {}, noteDifferences = [];
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
    const a = engine.lint(f, text, { project, memberPrecheck: true });   // at every size (by default only large classes)
    msWith += performance.now() - t0; t0 = performance.now();
    const b = engine.lint(f, text, { project, precheck: false });
    msWithout += performance.now() - t0;
    findings += b.findings.length;
    const ja = JSON.stringify(a.findings), jb = JSON.stringify(b.findings);
    if (ja !== jb) { differences.push({ file: f, withPrecheck: a.findings.map(x => x.ruleId), parsed: b.findings.map(x => x.ruleId) }); }
    const lost = b.notes.filter(n => !a.notes.some(m => m.code === n.code && m.message === n.message)).map(n => n.code);
    const added = a.notes.filter(n => !b.notes.some(m => m.code === n.code && m.message === n.message)).map(n => n.code);
    const isTest = !!testClassSpan(text);
    if (isTest || !apexRulesMayReport(text, apexRules)) {
      // A file left unparsed can lose only notes that depend on the parse.
      for (const c of lost) { notesDropped[c] = (notesDropped[c] ?? 0) + 1; }
      if (isTest) { testClasses++; testBytes += text.length; } else { cleared++; clearedBytes += text.length; }
      continue;
    }
    // The member-level pre-check: which files it trimmed, and how much of them it left out of the model.
    const tree = parseApex(text);
    const only = modelledRanges(tree, text, apexRules);
    tree.delete();
    // A file the member pre-check trimmed is parsed: its notes must be the same.
    if (lost.length || added.length) { noteDifferences.push({ file: f, lost, added }); }
    // The parse-level one (members found on the text, not parsed at all).
    const cut = parseTrim(text, apexRules);
    if (cut?.leftOut.length) {
      parseTrimmed++; parseTrimmedBytes += text.length;
      parseLeftOutBytes += cut.leftOut.reduce((n, u) => n + u.end - u.start, 0);
    }
    if (only) {
      trimmed++; trimmedBytes += text.length; trimmedFindings += b.findings.length;
      leftOutBytes += text.length - only.reduce((n, [s, e]) => n + e - s, 0);
    }
  }
}
console.log(JSON.stringify({ apexFiles: files, testClasses, testBytesPct: +(100 * testBytes / bytes).toFixed(1), cleared, clearedBytesPct: +(100 * clearedBytes / bytes).toFixed(1),
  memberTrimmed: trimmed, memberTrimmedFindings: trimmedFindings, memberLeftOutPctOfTrimmed: trimmedBytes ? +(100 * leftOutBytes / trimmedBytes).toFixed(1) : 0,
  parseTrimmed, parseLeftOutPctOfTrimmed: parseTrimmedBytes ? +(100 * parseLeftOutBytes / parseTrimmedBytes).toFixed(1) : 0,
  findings, differences: differences.length, notesDroppedInUnparsedFiles: notesDropped, noteDifferencesInParsedFiles: noteDifferences.length, msWithPrecheck: Math.round(msWith), msAllParsed: Math.round(msWithout) }));
for (const d of [...differences, ...noteDifferences].slice(0, 50)) { console.log(JSON.stringify(d)); }
process.exitCode = differences.length || noteDifferences.length ? 1 : 0;
