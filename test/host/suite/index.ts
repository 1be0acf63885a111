// Loaded by the VS Code extension host through `extensionTestsPath`: runs INSIDE the host, with the
// real `vscode` API. Both launchers use it: scripts/run-host-tests.mjs (code-server's VS Code server,
// offline) and scripts/run-electron-tests.mjs (@vscode/test-electron, desktop VS Code).
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

export function run(): Promise<void> {
  const grep = process.env.APIGUARD_HOST_GREP;
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 30000, reporter: 'spec', ...(grep ? { grep } : {}) });
  const files = fs.readdirSync(__dirname).filter(f => f.endsWith('.test.js')).sort();
  for (const f of files) { mocha.addFile(path.join(__dirname, f)); }
  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run(failures => {
        const passed = runner.stats?.passes ?? 0;
        const failed = runner.stats?.failures ?? failures;
        const out = process.env.APIGUARD_HOST_RESULTS;
        if (out) { fs.writeFileSync(out, JSON.stringify({ passed, failed, pending: runner.stats?.pending ?? 0 })); }
        console.log(`host-tests: ${passed} passed, ${failed} failed`);
        if (failed > 0) { reject(new Error(`${failed} host test(s) failed.`)); } else { resolve(); }
      });
    } catch (e) {
      reject(e instanceof Error ? e : new Error(String(e)));
    }
  });
}
