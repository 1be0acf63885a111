// Activation time outside VS Code: module load of dist/extension.js to ready (engine and grammar
// loaded), with a permissive stand-in for the `vscode` module (every API call returns a no-op
// disposable). It measures our own start-up cost only; the host tests log the in-host figure.
import Module from 'node:module';
import path from 'node:path';

const stub = () => {
  const store = {};                                          // properties the extension assigns keep their values
  return new Proxy(function () {}, {
    get: (_t, p) => (p in store ? store[p] : p === 'then' ? undefined : p === Symbol.toPrimitive ? () => '' : p === 'dispose' ? () => {} : stub()),
    set: (_t, p, v) => { store[p] = v; return true; },
    defineProperty: (_t, p, d) => { store[p] = d.value; return true; },
    apply: () => stub(),
    construct: () => stub(),
  });
};
// esbuild's CommonJS interop copies the module's own keys, so the stand-in lists the real API's
// exported names (read from @types/vscode), each a permissive stub.
import { readFileSync } from 'node:fs';
const names = new Set([...readFileSync(path.resolve('node_modules/@types/vscode/index.d.ts'), 'utf8')
  .matchAll(/^\s*export (?:class|enum|namespace|function|const|let|var) (\w+)/gm)].map(m => m[1]));
const vscode = Object.fromEntries([...names].map(n => [n, stub()]));
const origResolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) { return request === 'vscode' ? 'vscode' : origResolve.call(this, request, ...rest); };
Module._cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: vscode };

const t0 = performance.now();
const ext = Module.createRequire(import.meta.url)(path.resolve('dist/extension.js'));
const tLoad = performance.now();
const context = { subscriptions: [], extensionPath: process.cwd(), extensionUri: stub(), globalState: stub(), workspaceState: stub(), secrets: stub(), asAbsolutePath: p => path.resolve(p), extension: stub(), environmentVariableCollection: stub(), storageUri: undefined, globalStorageUri: stub(), logUri: stub(), extensionMode: 1 };
const api = await ext.activate(context);
const tActivate = performance.now();
let what = 'module load + activate()';
if (api && typeof api.whenReady === 'function') { await api.whenReady(); what = 'module load + activate() + engine ready (grammar loaded)'; }
const tReady = performance.now();
// The grammar loads in the engine worker, started by the first lint: time a worker from start to
// its first lint result on a small Apex class (WASM runtime + grammar + rules loaded).
const { Worker } = await import('node:worker_threads');
const tw0 = performance.now();
const worker = new Worker(path.resolve('dist/worker.js'));
const firstLint = await new Promise((resolve, reject) => {
  worker.on('message', m => { if (m.id === 1 && m.type !== 'progress') { m.ok ? resolve(m.value) : reject(new Error(m.error)); } });
  worker.on('error', reject);
  worker.postMessage({ type: 'lint', id: 1, path: path.resolve('Probe.cls'), version: 1, lineCount: 3, root: process.cwd(), kind: 'apex', settings: { rules: {}, exclude: [] },
    text: "public class Probe {\n    static final String K = 'sk_live_4Xq8Lm2Nv7Rt5Wz9Yb3Pd6Hg';\n}\n" });
});
const workerReadyMs = performance.now() - tw0;
await worker.terminate();
console.log(JSON.stringify({ ms: tReady - t0, loadMs: tLoad - t0, activateMs: tActivate - tLoad, what,
  workerFirstLintMs: workerReadyMs, findingsInProbe: firstLint?.report?.findings?.length,
  totalWithGrammarMs: (tReady - t0) + workerReadyMs }));
process.exit(0);
