// Runs the in-host mocha suite (out/test/host/suite/index.js) inside a real VS Code extension host:
// the Node extension host of the VS Code server bundled in code-server (installed by
// scripts/setup-host.sh into .vscode-host/). Debian chromium, driven by playwright-core, only shows
// the workbench: the server starts an extension host when a workbench connects, and the workbench URL
// carries the test payload (extensionDevelopmentPath = this repo, extensionTestsPath = the suite).
// Writes out/host-results.json = {"passed":N,"failed":N}, prints "host: N passed, N failed" last and
// exits non-zero when a test fails, the host crashes or the run times out.
//
// Prerequisites: `npm run compile` (out/test/host) and `npm run build` (dist/extension.js).
// Environment: HOST_TEST_TIMEOUT_MS (default 300000), HOST_TEST_VERBOSE=1 (code-server + browser
// console), HOST_TEST_KEEP=1 (keep the temp folder), HOST_TEST_GREP=<regex> (run matching tests only),
// HOST_TEST_SCREENSHOT=<file.png> (on failure), CHROMIUM_PATH.
// HOST_TEST_EXTENSION=<dir> (extensionDevelopmentPath, default this repo) and HOST_TEST_SUITE=<module
// without .js> (extensionTestsPath, default out/test/host/suite/index): bench/host-typing.mjs runs its
// typing suite with them, with and without API Guard's code.
// Desktop alternative with internet: scripts/run-electron-tests.mjs (@vscode/test-electron).
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const hostDir = path.join(repo, '.vscode-host');
const resultsFile = path.join(repo, 'out', 'host-results.json');
const testsPath = path.resolve(process.env.HOST_TEST_SUITE || path.join(repo, 'out', 'test', 'host', 'suite', 'index'));
const extensionPath = path.resolve(process.env.HOST_TEST_EXTENSION || repo);
const wsSrc = path.join(repo, 'test', 'host', 'workspace');
const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const timeoutMs = Number(process.env.HOST_TEST_TIMEOUT_MS || 300000);
const verbose = !!process.env.HOST_TEST_VERBOSE;
const t0 = Date.now();
const elapsed = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;

mkdirSync(path.dirname(resultsFile), { recursive: true });
rmSync(resultsFile, { force: true });
const fail = (msg, code = 1) => {
  console.error(`run-host-tests: ${msg}`);
  writeFileSync(resultsFile, JSON.stringify({ passed: 0, failed: 1, error: msg }));
  console.log('host: 0 passed, 1 failed');
  process.exit(code);
};

let paths;
try { paths = JSON.parse(readFileSync(path.join(hostDir, 'paths.json'), 'utf8')); } catch {
  fail('the VS Code host is not installed: run `bash scripts/setup-host.sh` first', 64);
}
for (const [what, p] of [['compiled suite (npm run compile)', testsPath + '.js'], ['extension bundle (npm run build)', path.join(repo, 'dist', 'extension.js')],
  ['extension under development', path.join(extensionPath, 'package.json')], ['fixture workspace', wsSrc], ['Node 24', paths.node], ['code-server', paths.codeServer], ['chromium', chromiumPath]]) {
  if (!existsSync(p)) { fail(`missing ${what}: ${p}`, 64); }
}
let chromium;
try { ({ chromium } = await import('playwright-core')); } catch { fail('playwright-core is not installed: run npm install', 64); }

const freePort = () => new Promise((res, rej) => {
  const s = createServer(); s.on('error', rej);
  s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)); });
});

// Everything this run writes lives under one temp folder, removed at the end.
const tmp = mkdtempSync(path.join(tmpdir(), 'apiguard-host-'));
for (const d of ['data/User', 'exts', 'xdg-config', 'xdg-data', 'xdg-cache', 'tmp']) { mkdirSync(path.join(tmp, d), { recursive: true }); }
const ws = path.join(tmp, 'workspace');
cpSync(wsSrc, ws, { recursive: true });                 // tests edit files: always a fresh copy
const inHostResults = path.join(tmp, 'results.json');  // the suite writes its counts here
writeFileSync(path.join(tmp, 'config.yaml'), 'auth: none\ncert: false\n');
writeFileSync(path.join(tmp, 'data/User/settings.json'), JSON.stringify({
  'telemetry.telemetryLevel': 'off', 'update.mode': 'none', 'workbench.startupEditor': 'none',
  'extensions.autoCheckUpdates': false, 'extensions.autoUpdate': false, 'extensions.ignoreRecommendations': true,
  'chat.disableAIFeatures': true, 'git.enabled': false, 'github.gitAuthentication': false,
  'workbench.enableExperiments': false, 'security.workspace.trust.enabled': false,
  'files.autoSave': 'off', 'editor.formatOnSave': false,
  // The remote host's port auto-forwarding scans processes (exec) from the extension host thread every few
  // seconds: 50-110 ms blocks in bench/host-typing.mjs's profile. Not part of what we test. With
  // code-server's tunnel provider only the source `output` turns the scan off.
  'remote.autoForwardPorts': false, 'remote.autoForwardPortsSource': 'output',
}, null, 1));
const port = await freePort();
const host = `127.0.0.1:${port}`;

const server = spawn(paths.node, [path.join(paths.codeServer, 'out/node/entry.js'),
  '--config', path.join(tmp, 'config.yaml'), '--auth', 'none', '--bind-addr', host,
  '--user-data-dir', path.join(tmp, 'data'), '--extensions-dir', path.join(tmp, 'exts'),
  '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust',
  '--disable-getting-started-override', '--ignore-last-opened', '--disable-proxy',
  // Makes the built workbench honour the payload's extensionDevelopmentPath / extensionTestsPath.
  '--vscode-option', 'enable-smoke-test-driver'], {
  env: {
    ...process.env,
    XDG_CONFIG_HOME: path.join(tmp, 'xdg-config'), XDG_DATA_HOME: path.join(tmp, 'xdg-data'), XDG_CACHE_HOME: path.join(tmp, 'xdg-cache'),
    EXTENSIONS_GALLERY: '{}',                        // no marketplace lookups
    TMPDIR: path.join(tmp, 'tmp'),                   // IPC sockets etc. land here, removed with tmp
    APIGUARD_HOST_RESULTS: inHostResults,            // read by test/host/suite/index.ts
    ...(process.env.HOST_TEST_GREP ? { APIGUARD_HOST_GREP: process.env.HOST_TEST_GREP } : {}),
  },
  stdio: ['ignore', 'pipe', 'pipe'], detached: true,    // own process group: stopped as a group
});
let serverLog = '';
const onServer = d => { serverLog = (serverLog + d).slice(-20000); if (verbose) { process.stderr.write('[code-server] ' + d); } };
server.stdout.on('data', onServer); server.stderr.on('data', onServer);

let browser, page, finishing = false, hostLog = '';
async function finish(code, reason) {
  if (finishing) { return; }
  finishing = true;
  clearTimeout(timer);
  if (code !== 0 && process.env.HOST_TEST_SCREENSHOT && page) { try { await page.screenshot({ path: process.env.HOST_TEST_SCREENSHOT }); } catch { /* best effort */ } }
  try { await browser?.close(); } catch { /* already gone */ }
  if (server.exitCode === null && server.signalCode === null) {
    const exited = new Promise(r => server.once('exit', r));
    try { process.kill(-server.pid, 'SIGTERM'); } catch { /* gone */ }
    await Promise.race([exited, new Promise(r => setTimeout(r, 5000))]);
    try { process.kill(-server.pid, 'SIGKILL'); } catch { /* gone */ }
  }
  // Counts: what the suite wrote, else the closing line it printed, else one failure for the run.
  let counts;
  try { counts = JSON.parse(readFileSync(inHostResults, 'utf8')); } catch {
    const m = /host-tests: (\d+) passed, (\d+) failed/.exec(hostLog);
    if (m) { counts = { passed: Number(m[1]), failed: Number(m[2]) }; }
  }
  if (!counts) { counts = { passed: 0, failed: 1, error: reason ?? `extension host exit code ${code}` }; }
  if (code !== 0 && counts.failed === 0) { counts.failed = 1; counts.error = reason ?? `extension host exit code ${code}`; }
  writeFileSync(resultsFile, JSON.stringify(counts));
  if (code !== 0 && !verbose) { process.stderr.write('--- code-server log (tail) ---\n' + serverLog.slice(-3000) + '\n'); }
  if (process.env.HOST_TEST_KEEP) { console.error('kept ' + tmp); } else { rmSync(tmp, { recursive: true, force: true }); }
  console.log(`host tests took ${elapsed()}`);
  console.log(`host: ${counts.passed} passed, ${counts.failed} failed`);
  process.exit(code === 0 && counts.failed === 0 ? 0 : 1);
}
const timer = setTimeout(() => { console.error(`run-host-tests: timed out after ${timeoutMs} ms`); void finish(2, 'timeout'); }, timeoutMs);
server.on('exit', c => { if (!finishing) { console.error(`run-host-tests: code-server exited (${c})`); void finish(3, 'code-server exited'); } });
for (const s of ['SIGINT', 'SIGTERM']) { process.on(s, () => void finish(130, s)); }

for (let i = 0; ; i++) {                               // wait until the server answers
  try { if ((await fetch(`http://${host}/healthz`)).ok) { break; } } catch { /* not yet */ }
  if (i > 600) { await finish(4, 'code-server did not come up'); }
  await new Promise(r => setTimeout(r, 100));
}
if (verbose) { console.error(`code-server up after ${elapsed()}`); }

browser = await chromium.launch({
  executablePath: chromiumPath, headless: true,
  env: { ...process.env, XDG_CONFIG_HOME: path.join(tmp, 'xdg-config'), XDG_CACHE_HOME: path.join(tmp, 'xdg-cache') },
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
});
page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
page.on('pageerror', e => { if (verbose) { console.error('[page error]', e.message); } });
if (verbose) { page.on('console', m => console.error(`[browser ${m.type()}]`, m.text())); }
// Workbench chatter mixed into the relayed log; shown only with HOST_TEST_VERBOSE.
const NOISE = /^(Resolving connection token|Resolved connection token|Creating a socket|\[|Ignoring fetching additional|Creation of workbench contribution|Updating additional builtin|Timed out waiting for authentication provider|\s+at .*(workbench\.js|\/static\/out\/))/;
// The workbench forwards the extension host's console here while the tests run ...
await page.exposeFunction('codeAutomationLog', (type, args) => {
  const text = format(...(Array.isArray(args) ? args : [args]));
  hostLog = (hostLog + text + '\n').slice(-50000);
  const shown = verbose ? text : text.split('\n').filter(l => !NOISE.test(l)).join('\n');
  if (!shown.trim() && text.trim()) { return; }
  (type === 'error' ? console.error : console.log)(shown);
});
// ... and calls this with the extension host's exit code when the test runner finishes.
await page.exposeFunction('codeAutomationExit', async (code, logs) => {
  if (process.env.HOST_TEST_LOGS_DIR && Array.isArray(logs)) {
    for (const l of logs) {
      const f = path.join(process.env.HOST_TEST_LOGS_DIR, l.relativePath);
      mkdirSync(path.dirname(f), { recursive: true }); writeFileSync(f, l.contents);
    }
  }
  setTimeout(() => void finish(code === 0 ? 0 : 1, code === 0 ? undefined : `extension host exit code ${code}`), 0);
});
const remote = p => `vscode-remote://${host}${p}`;
const payload = JSON.stringify([['extensionDevelopmentPath', remote(extensionPath)], ['extensionTestsPath', remote(testsPath)],
  ['skipWelcome', 'true'], ['skipReleaseNotes', 'true']]);
await page.goto(`http://${host}/?folder=${encodeURIComponent(ws)}&payload=${encodeURIComponent(payload)}`);
