#!/usr/bin/env node
// Baseline stability on the generated corpus (a copy of it): after --update-baseline a re-scan has
// 0 new findings; adding lines above every finding and re-indenting every file that has one keeps 0;
// one new secret is 1 new finding.
//   node bench/baseline.mjs [--apex 2000] [--seed 42]
// Needs `npm run build`.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.join(here, '..', 'dist', 'cli.js');
const opt = (n, d) => { const i = process.argv.indexOf(`--${n}`); return i > 0 ? process.argv[i + 1] : d; };
const N = Number(opt('apex', '2000'));
if (!existsSync(cli)) { console.error('bench/baseline: run `npm run build` first'); process.exit(2); }
const src = path.join(here, '.corpus', `p${N}`);
if (!existsSync(src)) { spawnSync('node', [path.join(here, 'generate-corpus.mjs'), '--apex', String(N), '--out', src, '--seed', opt('seed', '42')], { stdio: 'inherit' }); }
const dir = path.join(here, '.corpus', `baseline-p${N}`);
rmSync(dir, { recursive: true, force: true });
cpSync(src, dir, { recursive: true });

const scan = (...args) => {
  const r = spawnSync('node', [cli, 'scan', '--format', 'json', '--fail-on', 'never', ...args], { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) { throw new Error(r.stderr); }
  return JSON.parse(r.stdout);
};
const all = scan();
const total = all.findings.filter(f => !f.suppressed).length;
spawnSync('node', [cli, 'scan', '--update-baseline'], { cwd: dir, encoding: 'utf8' });
const newCount = () => scan('--baseline', '.apiguard-baseline.json').baseline.new;
const r0 = newCount();

// Move every file with a finding: three lines above the first line, and every line re-indented.
const files = [...new Set(all.findings.map(f => f.path))];
for (const rel of files) {
  const p = path.join(dir, rel);
  const text = readFileSync(p, 'utf8');
  const comment = rel.endsWith('.xml') ? '<!-- moved -->' : rel.endsWith('.cls') || rel.endsWith('.trigger') || rel.endsWith('.js') ? '// moved' : '# moved';
  const moved = /\.(cls|trigger|js)$/.test(rel) ? text.replace(/^( +)/gm, '$1  ') : text;
  const head = rel.endsWith('.xml') && moved.startsWith('<?xml') ? moved.indexOf('\n') + 1 : 0;
  writeFileSync(p, moved.slice(0, head) + (rel.endsWith('.json') ? '' : `${comment}\n\n${comment}\n`) + moved.slice(head));
}
const r1 = newCount();
const target = files.find(f => f.endsWith('.cls'));
const cls = path.join(dir, target);
writeFileSync(cls, readFileSync(cls, 'utf8').replace(/\{/, "{\n    private static final String NEW_SERVICE_PASSWORD = 'Qp7!xZ2#vL9m';"));
const r2 = newCount();
console.log(`corpus copy: ${dir}: ${total} findings in ${files.length} files, baseline written`);
console.log(`  re-scan with the baseline:                     ${r0} new (target 0)`);
console.log(`  lines added above + re-indented (${files.length} files): ${r1} new (target 0)`);
console.log(`  one new credential in ${path.basename(target)}:     ${r2 - r1} new (target 1)`);
rmSync(dir, { recursive: true, force: true });
