// `npm test`: everything, from a fresh clone. Installs what the tests need (npm packages when
// missing, the VS Code host through scripts/setup-host.sh), runs lint, the unit tests and the tests
// inside a real VS Code extension host, and ends with the plain line "N passed, N failed" summing them.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';

const steps = [];
const sh = (name, cmd, args, opts = {}) => {
  const t0 = Date.now();
  console.log(`\n=== ${name}: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  const ok = r.status === 0;
  steps.push({ name, ok, ms: Date.now() - t0 });
  return ok;
};
const counts = file => { try { return JSON.parse(readFileSync(file, 'utf8')); } catch { return undefined; } };

if (!existsSync('node_modules/.package-lock.json')) { sh('install', 'npm', ['ci', '--no-audit', '--no-fund']); }
let passed = 0, failed = 0;
const gate = (name, ok) => { if (ok) { passed++; } else { failed++; console.log(`FAILED: ${name}`); } };

gate('compile (tsc)', sh('compile', 'npm', ['run', '--silent', 'compile']));
gate('lint (eslint, zero warnings)', sh('lint', 'npm', ['run', '--silent', 'lint']));
gate('build (esbuild)', sh('build', 'npm', ['run', '--silent', 'build']));

rmSync('out/unit-results.json', { force: true });
const unitOk = sh('unit tests', 'node', ['scripts/run-unit-tests.mjs']);
const unit = counts('out/unit-results.json');
if (unit) { passed += unit.passed; failed += unit.failed; } else { gate('unit tests ran', false); }
if (!unitOk && unit && unit.failed === 0) { gate('unit test runner exit status', false); }

rmSync('out/host-results.json', { force: true });
const setupOk = sh('VS Code host setup', 'bash', ['scripts/setup-host.sh']);
gate('VS Code host setup', setupOk);
if (setupOk) {
  const hostOk = sh('host tests', 'node', ['scripts/run-host-tests.mjs']);
  const host = counts('out/host-results.json');
  if (host) { passed += host.passed; failed += host.failed; } else { gate('host tests ran', false); }
  if (!hostOk && host && host.failed === 0) { gate('host test runner exit status', false); }
}

console.log('\n' + steps.map(s => `${s.ok ? 'ok  ' : 'FAIL'} ${s.name} (${(s.ms / 1000).toFixed(1)} s)`).join('\n'));
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
