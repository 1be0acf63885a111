// Side-by-side on whole repositories: API Guard's surface rules (apiguard surface --format json)
// against PMD 7's ApexCRUDViolation, ApexSharingViolations and ApexSOQLInjection.
// Usage: node bench/surface-vs-pmd.mjs <repo-dir>... [--out FILE]
// Needs `npm run build` and `bash bench/setup-tools.sh` (PMD jars from npm, Java 17).
// Writes a JSON file with every finding of both tools (path, line, rule) for review, and prints
// the counts per repository. Not part of npm test.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..');
const args = process.argv.slice(2);
const outIdx = args.indexOf('--out');
const out = outIdx >= 0 ? args.splice(outIdx, 2)[1] : path.join(here, 'results', 'surface-vs-pmd.json');
const tools = path.join(here, '.tools');
const javaLib = path.join(tools, 'node_modules/@salesforce/code-analyzer-pmd-engine/dist/java-lib');
const tmp = path.join(tools, 'tmp-surface'); mkdirSync(tmp, { recursive: true });
const ruleset = path.join(tmp, 'pmd-three.xml');
writeFileSync(ruleset, `<?xml version="1.0"?>
<ruleset name="three" xmlns="http://pmd.sourceforge.net/ruleset/2.0.0">
  <description>PMD's three rules for exposed Apex</description>
  <rule ref="category/apex/security.xml/ApexCRUDViolation"/>
  <rule ref="category/apex/security.xml/ApexSharingViolations"/>
  <rule ref="category/apex/security.xml/ApexSOQLInjection"/>
</ruleset>
`);
const apexFiles = d => { const o = []; const w = x => { for (const e of readdirSync(x, { withFileTypes: true })) { const f = path.join(x, e.name); if (e.isDirectory()) { if (e.name !== 'node_modules' && e.name !== '.git') { w(f); } } else if (/\.(cls|trigger)$/.test(f)) { o.push(f); } } }; w(d); return o; };

const report = { date: new Date().toISOString(), repos: [] };
for (const dir of args) {
  const abs = path.resolve(dir);
  const files = apexFiles(abs);
  const t0 = Date.now();
  const ag = spawnSync('node', [path.join(repo, 'dist/cli.js'), 'surface', abs, '--format', 'json'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const agMs = Date.now() - t0;
  if (ag.status !== 0) { console.error(`apiguard surface failed on ${dir}: ${ag.stderr}`); continue; }
  const inv = JSON.parse(ag.stdout);
  const apiguard = inv.entryPoints.flatMap(e => e.risks.filter(r => r.id !== 'endpoint-not-granted' && r.id !== 'input-to-callout')
    .map(r => ({ rule: r.id, path: e.path, line: e.line, entry: `${e.class}.${e.method}`, summary: r.summary })));
  const input = path.join(tmp, 'pmd-input.json');
  writeFileSync(input, JSON.stringify({ ruleSetInputFile: ruleset, runDataPerLanguage: { apex: { filesToScan: files } } }));
  const t1 = Date.now();
  const pmdOut = path.join(tmp, 'pmd-results.json');
  const p = spawnSync('java', ['-cp', `${javaLib}/*`, 'com.salesforce.sfca.pmdwrapper.PmdWrapper', 'run', input, pmdOut], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const pmdMs = Date.now() - t1;
  let pmd = [];
  try {
    const j = JSON.parse(readFileSync(pmdOut, 'utf8'));
    pmd = (j.violations ?? []).map(v => ({ rule: v.rule, path: path.relative(abs, v.codeLocation?.file ?? ''), line: v.codeLocation?.startLine }));
  } catch (e) { console.error(`PMD output unreadable for ${dir}: ${e.message} ${p.stderr?.slice(0, 500)}`); }
  const count = xs => xs.reduce((a, x) => { a[x.rule] = (a[x.rule] ?? 0) + 1; return a; }, {});
  const row = { repo: path.basename(abs), apexFiles: files.length, entryPoints: inv.entryPoints.length, apiguardMs: agMs, pmdMs, apiguard: count(apiguard), pmd: count(pmd), apiguardFindings: apiguard, pmdFindings: pmd };
  report.repos.push(row);
  console.log(`${row.repo}: ${files.length} Apex files, ${row.entryPoints} entry points | API Guard ${apiguard.length} ${JSON.stringify(row.apiguard)} in ${agMs} ms | PMD ${pmd.length} ${JSON.stringify(row.pmd)} in ${pmdMs} ms`);
}
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, JSON.stringify(report, null, 2));
console.log(`written: ${path.relative(process.cwd(), out)}`);
