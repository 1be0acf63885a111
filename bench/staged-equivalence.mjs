#!/usr/bin/env node
// --changed/--staged build a project index of only what the scanned files can use (the classes they
// name, transitively; the objects they name). This checks, on a corpus, that files linted against
// that index give exactly the findings they get against the whole project's index.
//   node bench/staged-equivalence.mjs [--root bench/.corpus/git-p10000] [--sample 400] [--seed 3]
// Needs `npm run compile` (uses out/).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const here = path.dirname(fileURLToPath(import.meta.url));
const opt = (n, d) => { const i = process.argv.indexOf(`--${n}`); return i > 0 ? process.argv[i + 1] : d; };
const root = path.resolve(opt('root', path.join(here, '.corpus', 'git-p10000')));
const sample = Number(opt('sample', '400'));
let s = Number(opt('seed', '3')) >>> 0;
const rnd = () => { s = (s * 1103515245 + 12345) >>> 0; return s / 4294967296; };
const out = path.join(here, '..', 'out', 'src');
const { scanProject, feedsProjectIndex, readAll } = await import(path.join(out, 'node', 'scan.js'));
const { createEngine } = await import(path.join(out, 'node', 'createEngine.js'));
const { fileKindOf } = await import(path.join(out, 'core', 'fileKind.js'));

const { discoverFiles } = await import(path.join(out, 'node', 'discover.js'));
// A git work tree: its tracked files (as --staged lists them); else the files discovery finds (the /work/corpus trees).
const all = existsSync(path.join(root, '.git'))
  ? execFileSync('git', ['ls-files', '-z'], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28 }).split('\0').filter(Boolean).map(f => path.join(root, f))
  : await discoverFiles(root, { exclude: [] });
const lintable = all.filter(f => fileKindOf(f));
// Apex files that name another class's constant are the interesting ones; take those first, then any file.
const apex = lintable.filter(f => /\.(cls|trigger)$/.test(f));
const readsOthers = apex.filter(f => /\b[A-Z]\w*\.[A-Z][A-Z0-9_]+\b/.test(readFileSync(f, 'utf8')));
const pick = (list, n) => { const c = [...list]; const o = []; while (o.length < n && c.length) { o.push(c.splice(Math.floor(rnd() * c.length), 1)[0]); } return o; };
// And files where findings are likely (callouts, headers, credential words).
const likely = lintable.filter(f => /setEndpoint|setHeader|password|secret|token|api_?key/i.test(readFileSync(f, 'latin1')));
const files = [...new Set([...pick(readsOthers, sample / 3), ...pick(likely, sample / 3), ...pick(lintable, sample / 3)])].sort();
const projectFiles = all.filter(feedsProjectIndex);
const engine = await createEngine();
const config = { rules: {}, exclude: [], includeTests: false };
const key = r => r.reports.flatMap(x => x.findings.map(f => `${x.path}:${f.range.start.line}:${f.range.start.character}:${f.ruleId}:${f.message}:${(f.related ?? []).map(l => `${l.path}:${l.range.start.line}`).join(',')}`)).sort();
let diffs = 0, findings = 0, t0, tWhole = 0, tReaders = 0;
// In groups of 3, like a small commit: each group's index is built from its own files.
for (let i = 0; i < files.length; i += 3) {
  const group = files.slice(i, i + 3);
  t0 = performance.now();
  const whole = await scanProject({ root, files: group, projectFiles, config, engine });
  tWhole += performance.now() - t0;
  t0 = performance.now();
  const texts = (await readAll(group)).map(r => r.text);
  const reduced = await scanProject({ root, files: group, projectFiles, readers: { paths: group, texts }, config, engine });
  tReaders += performance.now() - t0;
  const a = key(whole), b = key(reduced);
  findings += a.length;
  if (JSON.stringify(a) !== JSON.stringify(b)) { diffs++; console.log('DIFFERENT', group.map(f => path.relative(root, f)), { whole: a.filter(x => !b.includes(x)), reduced: b.filter(x => !a.includes(x)) }); }
}
console.log(`${files.length} files in ${Math.ceil(files.length / 3)} groups of 3 (${readsOthers.length} Apex files of ${apex.length} read another class's constant; ${likely.length} likely to have findings): ${findings} findings, ${diffs} groups differ`);
console.log(`  index + lint per group: whole index ${(tWhole / Math.ceil(files.length / 3)).toFixed(0)} ms, readers' index ${(tReaders / Math.ceil(files.length / 3)).toFixed(0)} ms`);
process.exit(diffs ? 1 : 0);
