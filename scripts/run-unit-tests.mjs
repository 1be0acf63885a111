// Runs the compiled unit tests (out/**/*.test.js outside out/test/host) with mocha and prints
// "unit: N passed, N failed"; writes the counts to out/unit-results.json for scripts/test-all.mjs.
// Usage: node scripts/run-unit-tests.mjs [path-prefix ...]   (e.g. out/src/rules/hardcoded-secret)
import Mocha from 'mocha';
import { readdirSync, statSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';

const roots = process.argv.slice(2).filter(a => !a.startsWith('-'));
const grep = process.argv.find(a => a.startsWith('--grep='))?.slice(7);
const files = [];
const walk = d => {
  for (const e of readdirSync(d)) {
    const p = path.join(d, e);
    if (statSync(p).isDirectory()) { if (!p.startsWith(path.join('out', 'test', 'host'))) walk(p); }
    else if (p.endsWith('.test.js')) files.push(p);
  }
};
for (const r of roots.length ? roots : ['out/src', 'out/test']) {
  if (!existsSync(r)) continue;
  if (statSync(r).isDirectory()) walk(r); else files.push(r);
}
files.sort();
const mocha = new Mocha({ reporter: process.env.CI ? 'dot' : 'spec', timeout: 20000, grep });
for (const f of files) mocha.addFile(path.resolve(f));
const runner = mocha.run(failures => {
  const passed = runner.stats?.passes ?? 0;
  const failed = runner.stats?.failures ?? failures;
  writeFileSync('out/unit-results.json', JSON.stringify({ passed, failed, pending: runner.stats?.pending ?? 0 }));
  console.log(`unit: ${passed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
});
