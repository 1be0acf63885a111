#!/usr/bin/env node
// `apiguard history` against `git log -p` on the same commits (target: <= 1.5x), on a seeded
// generated repository (git fast-import), or on any repository given with --repo.
//   node bench/history.mjs [--commits 5000] [--seed 7] [--reps 3] [--repo PATH]
// Needs `npm run build` (runs dist/cli.js). Prints the medians and the ratio; peak RSS from GNU time.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.join(here, '..', 'dist', 'cli.js');
const opt = (n, d) => { const i = process.argv.indexOf(`--${n}`); return i > 0 ? process.argv[i + 1] : d; };
const N = Number(opt('commits', '5000'));
const seed = Number(opt('seed', '7'));
const reps = Number(opt('reps', '3'));
if (!existsSync(cli)) { console.error('bench/history: run `npm run build` first'); process.exit(2); }

let s = seed >>> 0;
const rnd = () => { s = (s + 0x6D2B79F5) >>> 0; let t = s; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
const int = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));
const pick = a => a[Math.floor(rnd() * a.length)];
const alnum = n => Array.from({ length: n }, () => 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'[Math.floor(rnd() * 62)]).join('');

/** A repository of N commits touching ~400 Apex classes and some config; about 1 % add a secret. */
function generate(dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  spawnSync('git', ['init', '-q', '-b', 'main', dir]);
  const files = new Map();
  const objs = ['Account', 'Contact', 'Opportunity', 'Case', 'Invoice__c', 'Payment__c'];
  const stmt = () => pick([
    () => `        List<${pick(objs)}> rows = [SELECT Id, Name FROM ${pick(objs)} WHERE CreatedDate = LAST_N_DAYS:${int(1, 90)} LIMIT ${int(10, 500)}];`,
    () => `        Integer total${int(0, 99)} = rows.size() * ${int(2, 9)};`,
    () => `        System.debug(LoggingLevel.FINE, 'processed ' + rows.size());`,
    () => `        Map<Id, ${pick(objs)}> byId = new Map<Id, ${pick(objs)}>(rows);`,
    () => `        req.setEndpoint('callout:${pick(['Stripe', 'Erp', 'Slack'])}/v${int(1, 3)}/items');`,
    () => `        if (rows.isEmpty()) { return; }`,
    () => `        update rows;`,
  ])();
  const secret = () => pick([
    () => `        req.setHeader('Authorization', 'Bearer sk_live_${alnum(24)}');`,
    () => `        String password = '${alnum(int(8, 14))}';`,
    () => `        String apiKey = 'AKIA${alnum(16).toUpperCase()}';`,
  ])();
  for (let i = 0; i < 400; i++) {
    files.set(`force-app/main/default/classes/Service${i}.cls`, [`public with sharing class Service${i} {`, '    public static void run() {', '        HttpRequest req = new HttpRequest();', ...Array.from({ length: int(20, 80) }, stmt), '    }', '}']);
  }
  files.set('config/app.properties', ['app.name=demo', 'app.timeout=30']);
  const out = [];
  let t = 1600000000;
  const commit = (paths, msg) => {
    out.push(`commit refs/heads/main\nauthor Bench <bench@example.com> ${t} +0000\ncommitter Bench <bench@example.com> ${t} +0000\ndata ${Buffer.byteLength(msg)}\n${msg}`);
    t += 3600;
    for (const p of paths) {
      const body = files.get(p).join('\n') + '\n';
      out.push(`M 100644 inline ${p}\ndata ${Buffer.byteLength(body)}\n${body}`);
    }
    out.push('');
  };
  commit([...files.keys()], 'initial import');
  let secrets = 0;
  for (let c = 1; c < N; c++) {
    const touched = new Set();
    for (let k = int(1, 3); k > 0; k--) {
      const p = rnd() < 0.03 ? 'config/app.properties' : `force-app/main/default/classes/Service${int(0, 399)}.cls`;
      const lines = files.get(p);
      if (p.endsWith('.properties')) {
        lines.push(rnd() < 0.1 ? `db.password=${alnum(12)}` : `feature.f${c}=${rnd() < 0.5}`);
        if (lines[lines.length - 1].startsWith('db.password')) { secrets++; }
      } else {
        const at = int(3, lines.length - 2);
        const add = Array.from({ length: int(1, 6) }, stmt);
        if (rnd() < 0.01) { add.push(secret()); secrets++; }
        lines.splice(at, rnd() < 0.3 ? 1 : 0, ...add);
      }
      touched.add(p);
    }
    commit([...touched], `change ${c}`);
  }
  const r = spawnSync('git', ['fast-import', '--quiet'], { cwd: dir, input: out.join('\n'), maxBuffer: 1 << 30 });
  if (r.status !== 0) { throw new Error(r.stderr.toString()); }
  spawnSync('git', ['checkout', '-q', '-f', 'main'], { cwd: dir });
  return secrets;
}

function timed(cmd, args, cwd) {
  const r = spawnSync('/usr/bin/time', ['-f', '__TIME__ %e %M %U %S', cmd, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'ignore', 'pipe'] });
  const m = /__TIME__ ([\d.]+) (\d+) ([\d.]+) ([\d.]+)/.exec(r.stderr);
  return { seconds: Number(m?.[1]), peakMiB: Number(m?.[2]) / 1024, cpu: Number(m?.[3]) + Number(m?.[4]), status: r.status };
}
const median = a => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

const repo = opt('repo') ? path.resolve(opt('repo')) : path.join(here, '.corpus', `history-${N}`);
if (!opt('repo')) {
  const t0 = Date.now();
  const planted = generate(repo);
  console.log(`generated ${N} commits (${planted} planted secrets) in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${repo}`);
}
const commits = spawnSync('git', ['rev-list', '--count', 'HEAD'], { cwd: repo, encoding: 'utf8' }).stdout.trim();
// Alternated A B C A B C; git's output goes through a pipe (as it does into apiguard), not to /dev/null.
const rows = { 'git log -p': [], 'git log -p -U0 --cc': [], 'apiguard history': [] };
const cpu = { 'git log -p': [], 'git log -p -U0 --cc': [], 'apiguard history': [] };
let mem = 0;
for (let i = 0; i < reps; i++) {
  for (const [k, cmd, args] of [['git log -p', 'sh', ['-c', 'git log -p --no-color HEAD | cat >/dev/null']],
    // What history asks git for: merges as dense combined diffs (git log -p shows no diff for a merge).
    ['git log -p -U0 --cc', 'sh', ['-c', 'git log -p -U0 --cc --no-renames --no-color HEAD | cat >/dev/null']],
    ['apiguard history', 'node', [cli, 'history', '--format', 'json', '--output', '/dev/null']]]) {
    const r = timed(cmd, args, repo);
    rows[k].push(r.seconds); cpu[k].push(r.cpu);
    if (k === 'apiguard history') { mem = Math.max(mem, r.peakMiB); }
  }
}
const g = median(rows['git log -p']), a = median(rows['apiguard history']);
console.log(`repository: ${repo} (${commits} commits), ${reps} runs each, alternated; median wall and CPU (user+sys, all processes)`);
for (const [k, v] of Object.entries(rows)) { console.log(`  ${k.padEnd(18)} wall ${median(v).toFixed(2)} s (${v.map(x => x.toFixed(2)).join(', ')})   cpu ${median(cpu[k]).toFixed(2)} s`); }
console.log(`  ratio history / git log -p: wall ${(a / g).toFixed(2)}x, cpu ${(median(cpu['apiguard history']) / median(cpu['git log -p'])).toFixed(2)}x (target <= 1.5x); history peak RSS ${mem.toFixed(0)} MiB`);
const cc = median(rows['git log -p -U0 --cc']);
console.log(`  ratio history / git log -p -U0 --cc: wall ${(a / cc).toFixed(2)}x, cpu ${(median(cpu['apiguard history']) / median(cpu['git log -p -U0 --cc'])).toFixed(2)}x`);
console.log(`  load average at the end: ${(await import('node:os')).loadavg().map(x => x.toFixed(2)).join(' ')}`);
const found = spawnSync('node', [cli, 'history', '--format', 'json'], { cwd: repo, encoding: 'utf8', maxBuffer: 1 << 28 });
try { const j = JSON.parse(found.stdout); console.log(`  secrets reported: ${j.summary.secrets} (${j.summary.inHead} still in HEAD)`); } catch { console.log('  (could not read the history report)', found.stderr); }
