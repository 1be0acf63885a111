// Activation time outside VS Code: module load of dist/extension.js to ready (engine and grammar
// loaded), with a permissive stand-in for the `vscode` module (every API call returns a no-op
// disposable). It measures our own start-up cost only; the host tests log the in-host figure.
import Module from 'node:module';
import path from 'node:path';

const stub = () => new Proxy(function () {}, {
  get: (_t, p) => (p === 'then' ? undefined : p === Symbol.toPrimitive ? () => '' : p === 'dispose' ? () => {} : stub()),
  apply: () => stub(),
  construct: () => stub(),
});
const vscode = stub();
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
console.log(JSON.stringify({ ms: tReady - t0, loadMs: tLoad - t0, activateMs: tActivate - tLoad, readyMs: tReady - tActivate, what }));
process.exit(0);
