#!/usr/bin/env node
// `npm run bench`: API Guard against the tools users would pick instead, on the same generated
// SFDX projects in the same run, alternated A B C A B C. Prints one table, writes bench/results/latest.json.
//   node bench/run.mjs [--sizes 200,2000,10000] [--reps 2] [--compare-sizes 200,2000] [--seed 42] [--timeout 900]
//                      [--real-corpus /work/corpus | --real-corpus none]
// A comparison tool stopped by --timeout shows as '>N' (a lower bound; its ratio as '<r').
// --real-corpus: a folder of whole public repositories (one folder per repo, as /work/corpus lays them out);
// the repos in REAL_REPOS are linked into bench/.corpus/real and measured like a size ('real' row), all
// three tools. Skipped, with a line saying so, when the folder or one of the repos is absent.
// Not part of npm test or CI: it installs PMD and secretlint into bench/.tools.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.dirname(here);
const opt = (n, d) => { const i = process.argv.indexOf(`--${n}`); return i > 0 ? process.argv[i + 1] : d; };
const sizes = opt('sizes', '200,2000,10000').split(',').map(Number).filter(Boolean);   // --sizes none: the real-code corpus only
const compareSizes = new Set(opt('compare-sizes', '200,2000').split(',').map(Number));
const reps = Number(opt('reps', '2'));
const seed = Number(opt('seed', '42'));
/** A comparison tool still running after this many seconds is stopped; its time is then a lower bound. */
const toolTimeout = Number(opt('timeout', '900'));
const tools = path.join(here, '.tools');
const realCorpus = opt('real-corpus', '/work/corpus');
/** The real-code corpus: whole repositories of real Salesforce projects (managed packages, libraries, a WSDL2Apex stub). */
const REAL_REPOS = ['SalesforceFoundation__NPSP', 'SalesforceFoundation__EDA', 'trailheadapps__apex-recipes',
  'SFDO-Community__declarative-lookup-rollup-summaries', 'jongpie__NebulaLogger', 'apex-enterprise-patterns__fflib-apex-common', 'certinia__apex-mdapi'];
const log = m => process.stderr.write(m + '\n');
const run = (cmd, args, o = {}) => spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 28, ...o });

/** Wall time (s) and peak RSS (MiB) of a command, measured by GNU time. */
function timed(cmd, args, o = {}) {
  const t0 = Date.now();
  const r = run('timeout', ['--signal=KILL', String(toolTimeout), '/usr/bin/time', '-f', '__TIME__ %e %M', cmd, ...args], o);
  if (r.status === 124 || r.status === 137 || r.signal) {   // stopped by the timeout: a lower bound
    return { seconds: (Date.now() - t0) / 1000, peakMiB: NaN, status: r.status, timedOut: true, stdout: '', stderr: '' };
  }
  const m = /__TIME__ ([\d.]+) (\d+)/.exec(r.stderr ?? '');
  if (!m) { throw new Error(`${cmd} failed: ${r.stderr?.slice(-2000)}`); }
  return { seconds: Number(m[1]), peakMiB: Number(m[2]) / 1024, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

log('== build (production bundles) and comparison tools');
if (run('npm', ['run', '--silent', 'build'], { cwd: repo, stdio: 'inherit' }).status !== 0) { process.exit(1); }
if (run('bash', [path.join(here, 'setup-tools.sh')], { stdio: 'inherit' }).status !== 0) { process.exit(1); }
const javaLib = path.join(tools, 'node_modules/@salesforce/code-analyzer-pmd-engine/dist/java-lib');
const ruleset = path.join(tools, 'pmd-apex-security.xml');
writeFileSync(ruleset, `<?xml version="1.0"?>\n<ruleset name="apex-security" xmlns="http://pmd.sourceforge.net/ruleset/2.0.0">\n  <description>PMD 7 Apex security category</description>\n  <rule ref="category/apex/security.xml"/>\n</ruleset>\n`);
const secretlintrc = path.join(tools, 'secretlintrc.json');
writeFileSync(secretlintrc, JSON.stringify({ rules: [{ id: '@secretlint/secretlint-rule-preset-recommend' }] }));

function corpus(size) {
  const dir = path.join(here, '.corpus', `p${size}-s${seed}`);
  const stamp = path.join(dir, '.corpus.json');
  const gen = statSync(path.join(here, 'generate-corpus.mjs')).mtimeMs;
  if (!existsSync(stamp) || statSync(stamp).mtimeMs < gen) {
    log(`== generate corpus: ${size} Apex classes`);
    run('node', [path.join(here, 'generate-corpus.mjs'), '--apex', String(size), '--out', dir, '--seed', String(seed)], { stdio: 'inherit' });
  }
  return { dir, ...JSON.parse(readFileSync(stamp, 'utf8')) };
}
/** The real-code corpus as one folder (hard links into bench/.corpus/real, a copy across file systems), or undefined when absent. */
function realCorpusDir() {
  if (realCorpus === 'none') { return undefined; }
  const missing = REAL_REPOS.filter(r => !existsSync(path.join(realCorpus, r)));
  if (missing.length) { log(`== real-code corpus: ${missing.join(', ')} absent under ${realCorpus}: skipped`); return undefined; }
  const dir = path.join(here, '.corpus', 'real');
  const stamp = path.join(dir, '.corpus.json');
  if (!existsSync(stamp) || !existsSync(path.join(dir, '.apiguard.json')) || JSON.parse(readFileSync(stamp, 'utf8')).repos?.join() !== REAL_REPOS.join()) {
    log(`== real-code corpus: ${REAL_REPOS.length} repositories from ${realCorpus}`);
    run('rm', ['-rf', dir]);
    mkdirSync(dir, { recursive: true });
    for (const r of REAL_REPOS) {
      if (run('cp', ['-al', path.join(realCorpus, r), dir]).status !== 0) { run('cp', ['-a', path.join(realCorpus, r), dir]); }
    }
    let files = 0, bytes = 0, apex = 0;
    const walk = d => { for (const e of readdirSync(d, { withFileTypes: true })) { const f = path.join(d, e.name); if (e.isDirectory()) walk(f); else if (e.isFile()) { files++; bytes += statSync(f).size; if (/\.(cls|trigger)$/.test(f)) apex++; } } };
    walk(dir);
    // Its own project root: without a marker here, apiguard would take the enclosing checkout as the root,
    // whose .gitignore ignores bench/.corpus (and scan nothing).
    writeFileSync(path.join(dir, '.apiguard.json'), '{}\n');
    writeFileSync(stamp, JSON.stringify({ repos: REAL_REPOS, apexFiles: apex, files, bytes }));
  }
  return { dir, size: 'real', ...JSON.parse(readFileSync(stamp, 'utf8')) };
}
const apexFiles = dir => { const out = []; const w = d => { for (const e of readdirSync(d, { withFileTypes: true })) { const f = path.join(d, e.name); if (e.isDirectory()) w(f); else if (/\.(cls|trigger)$/.test(f)) out.push(f); } }; w(dir); return out; };

const tmp = path.join(tools, 'tmp'); mkdirSync(tmp, { recursive: true });
const A = c => { const r = timed('node', [path.join(repo, 'dist/cli.js'), 'scan', c.dir, '--format', 'json', '--output', path.join(tmp, 'apiguard.json'), '--fail-on', 'never']); return r; };
const P = c => {
  const input = path.join(tmp, 'pmd-input.json');
  writeFileSync(input, JSON.stringify({ ruleSetInputFile: ruleset, runDataPerLanguage: { apex: { filesToScan: apexFiles(c.dir) } } }));
  return timed('java', ['-cp', `${javaLib}/*`, 'com.salesforce.sfca.pmdwrapper.PmdWrapper', 'run', input, path.join(tmp, 'pmd-results.json')]);
};
const S = c => timed(path.join(tools, 'node_modules/.bin/secretlint'), ['--secretlintrc', secretlintrc, '--format', 'json', '--output', path.join(tmp, 'secretlint.json'), '**/*'], { cwd: c.dir });
const median = xs => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const os = await import('node:os');
const load = () => os.loadavg().map(x => +x.toFixed(2));
const results = { date: new Date().toISOString(), machine: { cpus: os.cpus().length, availableParallelism: os.availableParallelism?.() ?? os.cpus().length, node: process.version, loadAtStart: load() }, seed, reps, sizes: [] };
const real = realCorpusDir();
for (const size of [...sizes, ...(real ? ['real'] : [])]) {
  const c = size === 'real' ? real : corpus(size);
  const tools3 = compareSizes.has(size) || size === 'real' ? [['apiguard', A], ['pmd', P], ['secretlint', S]] : [['apiguard', A]];
  const samples = Object.fromEntries(tools3.map(([n]) => [n, []]));
  for (let r = 0; r < reps; r++) {
    for (const [name, fn] of tools3) {                       // A B C A B C …
      log(`== ${size}: ${name} (rep ${r + 1}/${reps})`);
      samples[name].push(fn(c));
    }
  }
  log(`== ${size}: per-file latency`);
  const lat = JSON.parse(run('node', [path.join(here, 'latency.mjs'), c.dir]).stdout.trim().split('\n').pop());
  const row = { size, apexFiles: c.apexFiles, files: c.files, mb: c.bytes / 1048576, latency: lat, load: load() };
  for (const [name] of tools3) {
    const ss = samples[name];
    row[name] = { seconds: median(ss.map(s => s.seconds)), peakMiB: Math.max(...ss.map(s => s.peakMiB).filter(x => !Number.isNaN(x)), 0) || undefined,
      samples: ss.map(s => s.seconds), timedOut: ss.some(s => s.timedOut) || undefined };
  }
  if (row.pmd) { row.ratioPmd = row.apiguard.seconds / row.pmd.seconds; }
  if (row.secretlint) { row.ratioSecretlint = row.apiguard.seconds / row.secretlint.seconds; }
  results.sizes.push(row);
  mkdirSync(path.join(here, 'results'), { recursive: true });
  writeFileSync(path.join(here, 'results', 'partial.json'), JSON.stringify(results, null, 2));   // survives an interrupted run
  log(`== ${size}: ${JSON.stringify({ apiguard: row.apiguard.seconds, pmd: row.pmd?.seconds, secretlint: row.secretlint?.seconds, latency: row.latency })}`);
}

// Bundle, VSIX and activation.
const size = f => existsSync(f) ? statSync(f).size : undefined;
results.bundle = { extensionJs: size(path.join(repo, 'dist/extension.js')), workerJs: size(path.join(repo, 'dist/worker.js')), orgJs: size(path.join(repo, 'dist/org.js')), grammarWasm: size(path.join(repo, 'dist/tree-sitter-apex.wasm')) };
const pkg = run('npm', ['run', '--silent', 'package'], { cwd: repo });        // the same vsce flags as a release
results.bundle.vsix = pkg.status === 0 ? size(path.join(repo, 'apiguard.vsix')) : undefined;
const st = run('node', [path.join(here, 'startup.mjs')], { cwd: repo });
try { results.startup = JSON.parse(st.stdout.trim().split('\n').pop()); } catch { results.startup = { error: (st.stderr || st.stdout).slice(-500) }; }
const act = run('node', [path.join(here, 'activation.mjs')], { cwd: repo });
try { results.activation = JSON.parse(act.stdout.trim().split('\n').pop()); } catch { results.activation = { error: (act.stderr || act.stdout).slice(-500) }; }

const s2000 = results.sizes.find(s => s.size === 2000), s10000 = results.sizes.find(s => s.size === 10000);
if (s2000 && s10000) { results.growth10000over2000 = s10000.apiguard.seconds / s2000.apiguard.seconds; }
mkdirSync(path.join(here, 'results'), { recursive: true });
writeFileSync(path.join(here, 'results', 'latest.json'), JSON.stringify(results, null, 2));

const f = (x, d = 2) => (x === undefined || Number.isNaN(x) ? '—' : x.toFixed(d));
const t = (tool, d = 2) => (tool ? (tool.timedOut ? '>' : '') + f(tool.seconds, d) : '—');
const ratio = (r, tool) => (r[tool] ? (r[tool].timedOut ? '<' : '') + f(r.apiguard.seconds / r[tool].seconds, 3) : '—');
const lines = ['', '| size (Apex; real: whole public repos) | files | MB | API Guard s | RSS MiB | PMD s | RSS MiB | secretlint s | RSS MiB | AG/PMD | AG/secretlint | p50 ms | p95 ms | max ms | largest ms |', '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|'];
for (const r of results.sizes) {
  lines.push(`| ${r.size === 'real' ? `real (${r.apexFiles})` : r.size} | ${r.files} | ${f(r.mb, 1)} | ${f(r.apiguard.seconds)} | ${f(r.apiguard.peakMiB, 0)} | ${t(r.pmd)} | ${f(r.pmd?.peakMiB, 0)} | ${t(r.secretlint)} | ${f(r.secretlint?.peakMiB, 0)} | ${ratio(r, 'pmd')} | ${ratio(r, 'secretlint')} | ${f(r.latency.p50)} | ${f(r.latency.p95)} | ${f(r.latency.max)} | ${f(r.latency.largestMs, 0)} (${(r.latency.largestBytes / 1048576).toFixed(2)} MB) |`);
}
lines.push('', `dist/extension.js ${f((results.bundle.extensionJs ?? 0) / 1048576, 3)} MB · dist/worker.js ${f((results.bundle.workerJs ?? 0) / 1048576, 3)} MB · dist/org.js ${f((results.bundle.orgJs ?? 0) / 1048576, 3)} MB · VSIX ${results.bundle.vsix ? f(results.bundle.vsix / 1048576, 2) + ' MB' : 'not built'}`);
lines.push(`activation: ${results.activation?.ms !== undefined ? `${f(results.activation.ms, 1)} ms (${results.activation.what}); engine worker to first lint (WASM runtime + grammar + rules) ${f(results.activation.workerFirstLintMs, 1)} ms; sum ${f(results.activation.totalWithGrammarMs, 1)} ms` : 'not measured: ' + JSON.stringify(results.activation)}`);
if (results.growth10000over2000) { lines.push(`scan time 10,000 / 2,000 Apex files: ${f(results.growth10000over2000)}×`); }
if (results.startup?.cliVersionMs !== undefined) {
  const su = results.startup;
  lines.push(`CLI start-up: node alone ${f(su.nodeBareMs, 1)} ms · apiguard --version ${f(su.cliVersionMs, 1)} ms (module load ${f(su.cliModuleLoadMs, 1)} ms) · scan of one class ${f(su.cliScanOneFileMs, 1)} ms · grammar load ${f(su.grammarFirstMs, 1)} ms, again in the same process ${f(su.grammarSecondMs, 2)} ms`);
}
// Each target beside its measured value, with the machine's cores and load (the figures depend on both).
lines.push('', `machine: ${results.machine.availableParallelism} cores; load average ${results.machine.loadAtStart.join(' ')} at start, ${load().join(' ')} at end`);
const target = (what, value, max, unit = '', d = 2) => lines.push(`- ${what}: ${value === undefined || Number.isNaN(value) ? '—' : f(value, d) + unit} (target ≤ ${max}${unit}) ${value === undefined || Number.isNaN(value) ? '' : value <= max ? 'met' : 'MISSED'}`);
const label = r => (r.size === 'real' ? `real code (${r.apexFiles} Apex files)` : `${r.size} classes`);
for (const r of results.sizes) {
  if (r.pmd && !r.pmd.timedOut) { target(`${label(r)}: API Guard / PMD (load ${r.load.join(' ')})`, r.apiguard.seconds / r.pmd.seconds, 0.25, '×', 3); }
  if (r.secretlint && !r.secretlint.timedOut) { target(`${label(r)}: API Guard / secretlint`, r.apiguard.seconds / r.secretlint.seconds, 0.5, '×', 3); }
  target(`${label(r)}: peak RSS with the pool`, r.apiguard.peakMiB, 512, ' MiB', 0);
  target(`${label(r)}: per-file p95 (files < 1,000 lines)`, r.latency.p95, 5, ' ms');
  if (r.latency.cpuP95 !== undefined) { target(`${label(r)}: per-file p95, CPU time`, r.latency.cpuP95, 5, ' ms'); }
  if (r.latency.median3P95 !== undefined) { lines.push(`- ${label(r)}: per-file p95 with each file's median of 3 runs (not a target, what the lint costs without a pause landing on it): ${r.latency.median3P95.toFixed(2)} ms`); }
  target(`${label(r)}: largest file full lint, warm (${(r.latency.largestBytes / 1048576).toFixed(2)} MB)`, r.latency.largestMs, 250, ' ms', 0);
  if (r.latency.largestCpuMs !== undefined) { target(`${label(r)}: largest file full lint, CPU time`, r.latency.largestCpuMs, 250, ' ms', 0); }
}
console.log(lines.join('\n'));
