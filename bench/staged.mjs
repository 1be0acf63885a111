#!/usr/bin/env node
// `apiguard scan --staged` on a 3-file commit in the 10,000-class corpus (target: <= 1 s wall), and
// `--changed` for the same three files against the previous commit.
//   node bench/staged.mjs [--apex 10000] [--seed 42] [--reps 5]
// Needs `npm run build`. Generates the corpus and commits it to a git repository when missing.
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.join(here, '..', 'dist', 'cli.js');
const opt = (n, d) => { const i = process.argv.indexOf(`--${n}`); return i > 0 ? process.argv[i + 1] : d; };
const N = Number(opt('apex', '10000'));
const reps = Number(opt('reps', '5'));
if (!existsSync(cli)) { console.error('bench/staged: run `npm run build` first'); process.exit(2); }
const corpus = path.join(here, '.corpus', `git-p${N}`);
const git = (...a) => { const r = spawnSync('git', a, { cwd: corpus, encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@e', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@e' } }); if (r.status !== 0) { throw new Error(r.stderr); } return r.stdout; };
if (!existsSync(path.join(corpus, '.git'))) {
  spawnSync('node', [path.join(here, 'generate-corpus.mjs'), '--apex', String(N), '--out', corpus, '--seed', opt('seed', '42')], { stdio: 'inherit' });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'corpus');
}
const files = git('ls-files', '-z').split('\0').filter(Boolean);
console.log(`corpus: ${corpus} (${files.length} tracked files)`);
const classes = readdirSync(path.join(corpus, 'force-app/main/default/classes')).filter(f => f.endsWith('.cls')).slice(0, 3)
  .map(f => `force-app/main/default/classes/${f}`);
const wall = args => {
  const t0 = process.hrtime.bigint();
  const r = spawnSync('node', [cli, 'scan', ...args, '--format', 'json', '--fail-on', 'never'], { cwd: corpus, encoding: 'utf8', maxBuffer: 1 << 26 });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) { throw new Error(r.stderr); }
  return { s, files: JSON.parse(r.stdout).summary.filesScanned };
};
const median = a => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
for (const f of classes) { appendFileSync(path.join(corpus, f), `\n// change ${Date.now()}\n`); }
git('add', ...classes);
const staged = [], changed = [];
let n = 0;
for (let i = 0; i < reps; i++) {
  const a = wall(['--staged']); staged.push(a.s); n = a.files;
  changed.push(wall(['--changed', 'HEAD']).s);
}
git('reset', '-q', '--hard', 'HEAD');
console.log(`  --staged (${n} files)   median ${median(staged).toFixed(2)} s  (${staged.map(x => x.toFixed(2)).join(', ')})  target <= 1 s`);
console.log(`  --changed HEAD          median ${median(changed).toFixed(2)} s  (${changed.map(x => x.toFixed(2)).join(', ')})`);
