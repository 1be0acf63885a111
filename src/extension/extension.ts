import { loadStart, loadStartCpu, threadCpuMs } from './timing';
import * as vscode from 'vscode';
import { ApiGuardCodeActions } from './codeActions';
import { registerCommands } from './commands';
import { Linter, kindOf } from './diagnostics';
import { RuleDocsView } from './docsView';
import { readSettings, watchSettings } from './settings';
import { StatusBar } from './statusBar';
import { EngineWorker } from './workerClient';
import type { LintResult } from './protocol';
import { registerOrgView, type OrgViewApi } from './org/orgView';
import { registerSurfaceView, type SurfaceViewApi } from './surface/surfaceView';

/** What the extension exports (the host tests use it; other extensions and the org view may too). */
export interface ApiGuardApi {
  /** Resolves when no lint is scheduled or running. */
  whenIdle(): Promise<void>;
  /** Milliseconds spent loading the bundle plus running activate() (VS Code's own setup between them excluded). */
  activationMs: number;
  /** The same as this thread's CPU time (no waiting for a core or the disk); undefined where Node lacks `process.threadCpuUsage`. */
  activationCpuMs: number | undefined;
  /** Engine time (in the worker) of the last document lint. */
  lastLintMs(): number;
  /** How the worker linted the last Apex document (`members`: only what the edits can change), undefined for other kinds. */
  lastLintIncremental(): LintResult['incremental'];
  /** The document version whose diagnostics are shown (undefined: not linted yet). */
  lintedVersion(uri: vscode.Uri): number | undefined;
  /** Longest synchronous stretch of linter work on the extension host's thread since the last reset (ms); `reset` starts over. */
  maxMainThreadMs(reset?: boolean): number;
  /** The most thread CPU time in one such stretch (ms; 0 where Node lacks `process.threadCpuUsage`); `reset` starts over. */
  maxMainThreadCpuMs(reset?: boolean): number;
  /** The status bar item's text, tooltip and click command. */
  statusBar(): { text: string; tooltip: string; command: string | undefined };
  /** Shows the connected org in the status bar (undefined: none). */
  setConnectedOrg(org: string | undefined): void;
  /** The Org Security view (connect, inspect, report). */
  org: OrgViewApi;
  /** The API Surface view and its CodeLens. */
  surface: SurfaceViewApi;
}

let worker: EngineWorker | undefined;
/** Bundle evaluation time (ms): from the first module to the end of this one. */
let loadMs = 0;

/**
 * Wiring only. Nothing here loads the engine: the first lint starts the worker (dist/worker.js),
 * which loads the rules and the Apex grammar on its own thread.
 */
export function activate(context: vscode.ExtensionContext): ApiGuardApi {
  const activateStart = performance.now();
  const activateStartCpu = threadCpuMs();
  context.subscriptions.push(watchSettings());      // first: its listener must run before those that read settings
  const log = vscode.window.createOutputChannel('API Guard');
  worker = new EngineWorker();
  const w = worker;
  const linter = new Linter(w, log);
  const status = new StatusBar(linter);
  const docs = new RuleDocsView(context.extensionUri, w);
  context.subscriptions.push(log, linter, status, docs, { dispose: () => w.dispose() });

  const runMode = (doc: vscode.TextDocument) => readSettings(doc.uri).run;
  context.subscriptions.push(
    vscode.workspace.onDidOpenTextDocument(doc => { if (kindOf(doc)) { void linter.validate(doc); } }),
    vscode.workspace.onDidChangeTextDocument(e => {
      if (!e.contentChanges.length || !kindOf(e.document)) { return; }
      linter.onDidChangeDocument(e);
      if (runMode(e.document) === 'onType') { linter.schedule(e.document); }
    }),
    vscode.workspace.onDidSaveTextDocument(doc => { if (kindOf(doc)) { void linter.validate(doc); } }),
    vscode.workspace.onDidCloseTextDocument(doc => linter.clear(doc.uri)),
    // The document itself may stay loaded for a while after its editor closes: clear on the tab too.
    vscode.window.tabGroups.onDidChangeTabs(e => {
      if (!e.closed.length) { return; }
      const open = new Set(vscode.window.tabGroups.all.flatMap(g => g.tabs).flatMap(tabUris).map(u => u.toString()));
      for (const uri of e.closed.flatMap(tabUris)) { if (!open.has(uri.toString())) { linter.clear(uri); } }
    }),
    // A document still loaded after its tab closed gets no open event when it is shown again.
    vscode.window.onDidChangeVisibleTextEditors(eds => {
      for (const ed of eds) { if (kindOf(ed.document) && linter.lintedVersion(ed.document.uri) === undefined) { void linter.validate(ed.document); } }
    }),
    vscode.workspace.onDidDeleteFiles(e => e.files.forEach(u => linter.clearDeleted(u))),
    vscode.workspace.onDidChangeConfiguration(e => { if (e.affectsConfiguration('apiguard')) { void linter.revalidateOpen(); } }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void linter.revalidateOpen()),
    vscode.languages.registerCodeActionsProvider([{ scheme: 'file' }, { scheme: 'untitled', language: 'apex' }],
      new ApiGuardCodeActions(linter, w), { providedCodeActionKinds: ApiGuardCodeActions.kinds }),
  );

  // .apiguard.json, sfdx-project.json and the metadata the cross-file rules read: reload and re-lint.
  const watcher = vscode.workspace.createFileSystemWatcher(
    '{**/.apiguard.json,**/.apiguard-baseline.json,**/sfdx-project.json,**/.forceignore,**/.gitignore,**/*.namedCredential-meta.xml,**/*.externalCredential-meta.xml,**/*.remoteSite-meta.xml}');
  let reload: NodeJS.Timeout | undefined;
  const onConfigFile = (uri: vscode.Uri) => {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (folder) { w.invalidate(folder.uri.fsPath); }
    clearTimeout(reload);
    reload = setTimeout(() => void linter.revalidateOpen(), 300);
  };
  // Files deleted outside VS Code (git checkout, a terminal): their diagnostics go too.
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    const deletions = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '**/*'), true, true, false);
    context.subscriptions.push(deletions, deletions.onDidDelete(u => linter.clearDeleted(u)));
  }
  context.subscriptions.push(watcher, watcher.onDidChange(onConfigFile), watcher.onDidCreate(onConfigFile), watcher.onDidDelete(onConfigFile),
    { dispose: () => clearTimeout(reload) });
  // Files whose constants, labels and custom metadata values other files read: update the index for that file only.
  const values = vscode.workspace.createFileSystemWatcher('**/*.{cls,trigger,labels-meta.xml,label-meta.xml,md-meta.xml}');
  const onValues = (uri: vscode.Uri) => void linter.reindex(uri);
  context.subscriptions.push(values, values.onDidChange(onValues), values.onDidCreate(onValues), values.onDidDelete(onValues));

  registerCommands(context, linter, w, docs, status);
  // The API Surface view asks the connected org who it grants the classes to, again on each (dis)connection.
  const surface: { view?: SurfaceViewApi } = {};
  const orgView = registerOrgView(context, { setConnectedOrg: org => { status.setOrg(org); void surface.view?.orgChanged(); } });
  const surfaceView = surface.view = registerSurfaceView(context, w, log, names => orgView.surfaceAccess(names));

  for (const doc of vscode.workspace.textDocuments) { if (kindOf(doc)) { void linter.validate(doc); } }
  if (vscode.workspace.workspaceFolders?.length && readSettings().scanOnStartup) {
    setTimeout(() => void vscode.commands.executeCommand('apiguard.scanWorkspace', { silent: true }), 1000);
  }

  return {
    whenIdle: () => linter.whenIdle(),
    activationMs: loadMs + (performance.now() - activateStart),
    activationCpuMs: loadCpuMs === undefined || activateStartCpu === undefined ? undefined : loadCpuMs + threadCpuMs()! - activateStartCpu,
    lastLintMs: () => linter.lastLintMs,
    lastLintIncremental: () => linter.lastIncremental,
    lintedVersion: uri => linter.lintedVersion(uri),
    setConnectedOrg: org => status.setOrg(org),
    statusBar: () => status.snapshot(),
    maxMainThreadMs: reset => { const v = linter.maxSyncMs; if (reset) { linter.maxSyncMs = 0; } return v; },
    maxMainThreadCpuMs: reset => { const v = linter.maxSyncCpuMs; if (reset) { linter.maxSyncCpuMs = 0; } return v; },
    org: orgView,
    surface: surfaceView,
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
/** Bundle evaluation's thread CPU time (ms), where Node gives it. */
const loadEndCpu = threadCpuMs();
const loadCpuMs = loadStartCpu === undefined || loadEndCpu === undefined ? undefined : loadEndCpu - loadStartCpu;
