// The same in-host mocha suite as scripts/run-host-tests.mjs, run in desktop VS Code downloaded by
// @vscode/test-electron (needs internet access to update.code.visualstudio.com; use it on a desktop).
// Usage: npm run test:electron   (VSCODE_TEST_VERSION=stable|insiders|1.90.0 picks the build)
// Writes out/host-results.json like the offline launcher and exits non-zero when a test fails.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests } from '@vscode/test-electron';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const resultsFile = path.join(repo, 'out', 'host-results.json');
const tmp = mkdtempSync(path.join(tmpdir(), 'apiguard-electron-'));
const ws = path.join(tmp, 'workspace');
cpSync(path.join(repo, 'test', 'host', 'workspace'), ws, { recursive: true });
const inHostResults = path.join(tmp, 'results.json');
mkdirSync(path.dirname(resultsFile), { recursive: true });
rmSync(resultsFile, { force: true });

let code = 0;
try {
  await runTests({
    version: process.env.VSCODE_TEST_VERSION || 'stable',
    extensionDevelopmentPath: repo,
    extensionTestsPath: path.join(repo, 'out', 'test', 'host', 'suite', 'index'),
    extensionTestsEnv: { APIGUARD_HOST_RESULTS: inHostResults, ...(process.env.HOST_TEST_GREP ? { APIGUARD_HOST_GREP: process.env.HOST_TEST_GREP } : {}) },
    launchArgs: [ws, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes',
      '--user-data-dir', path.join(tmp, 'user-data'), '--extensions-dir', path.join(tmp, 'extensions')],
  });
} catch (e) {
  console.error(`run-electron-tests: ${e instanceof Error ? e.message : String(e)}`);
  code = 1;
}
let counts;
try { counts = JSON.parse(readFileSync(inHostResults, 'utf8')); } catch { counts = { passed: 0, failed: 1, error: 'the suite did not report' }; }
if (code && !counts.failed) { counts.failed = 1; }
writeFileSync(resultsFile, JSON.stringify(counts));
rmSync(tmp, { recursive: true, force: true });
console.log(`host (electron): ${counts.passed} passed, ${counts.failed} failed`);
process.exit(code || counts.failed ? 1 : 0);
