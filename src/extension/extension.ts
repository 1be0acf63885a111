import { loadStart } from './timing';
import * as vscode from 'vscode';
import { Linter, kindOf } from './diagnostics';
import { readSettings } from './settings';
import { EngineWorker } from './workerClient';

/** What the extension exports (the host tests use it; other extensions may too). */
export interface ApiGuardApi {
  /** Resolves when no lint is scheduled or running. */
  whenIdle(): Promise<void>;
  /** Milliseconds spent loading the bundle plus running activate() (VS Code's own setup between them excluded). */
  activationMs: number;
  /** Engine time (in the worker) of the last document lint. */
  lastLintMs(): number;
  /** The document version whose diagnostics are shown (undefined: not linted yet). */
  lintedVersion(uri: vscode.Uri): number | undefined;
}

let worker: EngineWorker | undefined;

/** Bundle evaluation time (ms): from the first module to the end of this one. */
let loadMs = 0;

export function activate(context: vscode.ExtensionContext): ApiGuardApi {
  const activateStart = performance.now();
  const log = vscode.window.createOutputChannel('API Guard');
  worker = new EngineWorker();
  const linter = new Linter(worker, log);
  context.subscriptions.push(log, linter, { dispose: () => worker?.dispose() });

  const runMode = (doc: vscode.TextDocument) => readSettings(doc.uri).run;
  context.subscriptions.push(
    vscode.workspace.onDidOpenTextDocument(doc => { if (kindOf(doc)) { void linter.validate(doc); } }),
    vscode.workspace.onDidChangeTextDocument(e => {
      if (e.contentChanges.length && kindOf(e.document) && runMode(e.document) === 'onType') { linter.schedule(e.document); }
    }),
    vscode.workspace.onDidSaveTextDocument(doc => { if (kindOf(doc)) { void linter.validate(doc); } }),
    vscode.workspace.onDidCloseTextDocument(doc => linter.clear(doc.uri)),
    // The document itself may stay loaded for a while after its editor closes: clear on the tab too.
    vscode.window.tabGroups.onDidChangeTabs(e => {
      if (!e.closed.length) { return; }
      const open = new Set(vscode.window.tabGroups.all.flatMap(g => g.tabs).flatMap(tabUris).map(u => u.toString()));
      for (const uri of e.closed.flatMap(tabUris)) { if (!open.has(uri.toString())) { linter.clear(uri); } }
    }),
    vscode.workspace.onDidDeleteFiles(e => e.files.forEach(u => linter.clear(u))),
    vscode.workspace.onDidChangeConfiguration(e => { if (e.affectsConfiguration('apiguard')) { void linter.revalidateOpen(); } }),
  );
  for (const doc of vscode.workspace.textDocuments) { if (kindOf(doc)) { void linter.validate(doc); } }

  return {
    whenIdle: () => linter.whenIdle(),
    activationMs: loadMs + (performance.now() - activateStart),
    lastLintMs: () => linter.lastLintMs,
    lintedVersion: uri => linter.lintedVersion(uri),
  };
}

function tabUris(tab: vscode.Tab): vscode.Uri[] {
  const i = tab.input;
  if (i instanceof vscode.TabInputText) { return [i.uri]; }
  if (i instanceof vscode.TabInputTextDiff) { return [i.original, i.modified]; }
  return [];
}

export function deactivate(): void {
  worker?.dispose();
  worker = undefined;
}

loadMs = performance.now() - loadStart;
