import * as vscode from 'vscode';
import type { FixPlan } from '../core/fix/types';
import type { Finding } from '../core/types';
import { kindOf, type Linter } from './diagnostics';
import type { RuleDocsView } from './docsView';
import { applyPlan, dirtyOverlays, requestPlan } from './fixes';
import type { ExportResult, ReportFormat, RuleInfo, ScanResult } from './protocol';
import { readSettings } from './settings';
import type { StatusBar } from './statusBar';
import { CancelledError, type EngineWorker } from './workerClient';

export interface ScanSummary { files: number; findings: number; cancelled: boolean; ms: number }

const UNTRUSTED = 'API Guard: this needs a trusted workspace (Restricted Mode blocks writing files outside the edit preview, org connections and processes). Use "Manage Workspace Trust" to trust this folder.';

function requireTrust(): boolean {
  if (vscode.workspace.isTrusted) { return true; }
  void vscode.window.showWarningMessage(UNTRUSTED);
  return false;
}

export function registerCommands(context: vscode.ExtensionContext, linter: Linter, worker: EngineWorker, docs: RuleDocsView, status: StatusBar): void {
  const folders = () => vscode.workspace.workspaceFolders?.filter(f => f.uri.scheme === 'file') ?? [];

  /** Scans every workspace folder in the worker; findings go to Problems. Cancellable. */
  async function scanWorkspace(options: { silent?: boolean } = {}): Promise<ScanSummary> {
    const roots = folders();
    if (!roots.length) { void vscode.window.showInformationMessage('API Guard: open a folder to scan a workspace.'); return { files: 0, findings: 0, cancelled: false, ms: 0 }; }
    const t0 = performance.now();
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'API Guard: scanning the workspace', cancellable: true }, async (progress, token) => {
      const total: ScanSummary = { files: 0, findings: 0, cancelled: false, ms: 0 };
      for (const folder of roots) {
        if (token.isCancellationRequested) { total.cancelled = true; break; }
        let last = 0;
        const { id, result } = worker.request<ScanResult>({ type: 'scan', root: folder.uri.fsPath, settings: readSettings(folder.uri).lint }, (done, n) => {
          const pct = n ? (done / n) * 100 : 0;
          progress.report({ message: `${roots.length > 1 ? folder.name + ': ' : ''}${done} / ${n} files`, increment: (pct - last) / roots.length });
          last = pct;
        });
        const sub = token.onCancellationRequested(() => worker.cancel(id));
        try {
          const r = await result;
          if (r.configError) { void vscode.window.showWarningMessage(`API Guard: ${r.configError}. Using the defaults until it is fixed.`); }
          linter.setReports(r.reports, folder.uri.fsPath, !r.cancelled);
          total.files += r.filesScanned;
          total.findings += r.reports.reduce((n, x) => n + x.findings.filter(f => !f.suppressed).length, 0);
          total.cancelled ||= r.cancelled;
        } catch (e) {
          if (e instanceof CancelledError || token.isCancellationRequested) { total.cancelled = true; break; }
          throw e;
        } finally { sub.dispose(); }
      }
      total.ms = performance.now() - t0;
      status.markScanned();
      if (!options.silent) {
        const msg = `API Guard: ${total.findings} finding${total.findings === 1 ? '' : 's'} in ${total.files} files${total.cancelled ? ' (cancelled: partial results)' : ''}.`;
        void vscode.window.showInformationMessage(msg, 'Open Problems').then(c => { if (c) { void vscode.commands.executeCommand('workbench.actions.view.problems'); } });
      }
      return total;
    });
  }

  async function pickRule(): Promise<string | undefined> {
    const rules = await worker.request<RuleInfo[]>({ type: 'rules' }).result;
    const pick = await vscode.window.showQuickPick(rules.map(r => ({ label: r.id, description: r.defaultSeverity, detail: r.description })), { placeHolder: 'Rule' });
    return pick?.label;
  }

  /** Export Report: scans the workspace (in the worker) and writes SARIF, Markdown or HTML. Tests pass the format and target. */
  async function exportReport(format?: ReportFormat, target?: vscode.Uri): Promise<vscode.Uri | undefined> {
    if (!requireTrust()) { return undefined; }
    const folder = (vscode.window.activeTextEditor && vscode.workspace.getWorkspaceFolder(vscode.window.activeTextEditor.document.uri)) ?? folders()[0];
    if (!folder) { void vscode.window.showInformationMessage('API Guard: open a folder to export a report.'); return undefined; }
    if (!format) {
      const pick = await vscode.window.showQuickPick([
        { label: 'SARIF', description: 'GitHub code scanning, SARIF viewers', format: 'sarif' as const },
        { label: 'Markdown', description: 'pull requests, wikis', format: 'markdown' as const },
        { label: 'HTML', description: 'a page to share', format: 'html' as const },
      ], { placeHolder: 'Report format' });
      if (!pick) { return undefined; }
      format = pick.format;
    }
    const ext = format === 'sarif' ? 'sarif' : format === 'html' ? 'html' : 'md';
    target ??= await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.joinPath(folder.uri, `apiguard-report.${ext}`), filters: { [format.toUpperCase()]: [ext] } });
    if (!target) { return undefined; }
    const fmt = format;
    const r = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'API Guard: exporting the report', cancellable: true }, async (_p, token) => {
      const { id, result } = worker.request<ExportResult>({ type: 'export', root: folder.uri.fsPath, settings: readSettings(folder.uri).lint, format: fmt });
      const sub = token.onCancellationRequested(() => worker.cancel(id));
      try { return await result; } finally { sub.dispose(); }
    });
    await vscode.workspace.fs.writeFile(target, Buffer.from(r.content, 'utf8'));
    void vscode.window.showInformationMessage(`API Guard: report with ${r.findings} findings written to ${vscode.workspace.asRelativePath(target)}.`, 'Open').then(c => {
      if (c) { void vscode.commands.executeCommand('vscode.open', target); }
    });
    return target;
  }

  /** The quick fix that generates metadata: the user may rename the Named Credential, then previews every change. */
  async function applyFix(uri: vscode.Uri, finding: Finding, options: { name?: string; preview?: boolean } = {}): Promise<boolean> {
    const all = linter.allFindings();
    let plan = await requestPlan(worker, finding, all);
    if (!plan) { void vscode.window.showInformationMessage('API Guard: nothing to fix here any more.'); return false; }
    if (plan.namedCredential && plan.creates.some(c => c.path.endsWith('.namedCredential-meta.xml'))) {
      const name = options.name ?? await vscode.window.showInputBox({
        title: 'Named Credential name', value: plan.namedCredential, prompt: 'Developer name of the Named Credential the callout will use',
        validateInput: v => (/^[A-Za-z](?!.*__)[A-Za-z0-9_]{0,79}$/.test(v) && !v.endsWith('_') ? undefined : 'Letters, digits and single underscores; starts with a letter; at most 80 characters'),
      });
      if (name === undefined) { return false; }
      if (name !== plan.namedCredential) { plan = await requestPlan(worker, finding, all, name); }
      if (!plan) { return false; }
    }
    // Restricted Mode: files are only written through the edit preview.
    const ok = await applyPlan(plan, !vscode.workspace.isTrusted || (options.preview ?? true));
    if (ok) { const d = vscode.workspace.textDocuments.find(x => x.uri.toString() === uri.toString()); if (d) { void linter.validate(d); } }
    return ok;
  }

  /** Migrate Callouts to Named Credentials: every fixable workspace finding, one reviewable edit. */
  async function migrate(options: { preview?: boolean } = {}): Promise<FixPlan | undefined> {
    const root = folders()[0];
    if (!root) { return undefined; }
    const scan = await scanWorkspace({ silent: true });
    if (scan.cancelled) { return undefined; }
    const findings = linter.allFindings();
    const plan = await worker.request<FixPlan>({ type: 'planMigration', root: root.uri.fsPath, findings, overlays: dirtyOverlays() }).result;
    if (!plan.edits.length && !plan.creates.length && !plan.deletes.length) {
      void vscode.window.showInformationMessage('API Guard: no callout needs migrating.');
      return plan;
    }
    const ok = await applyPlan(plan, !vscode.workspace.isTrusted || (options.preview ?? true));
    if (ok) { await linter.revalidateOpen(); }
    return ok ? plan : undefined;
  }

  const reg = (id: string, fn: (...args: never[]) => unknown) => context.subscriptions.push(vscode.commands.registerCommand(id, fn));
  reg('apiguard.scanWorkspace', (options?: { silent?: boolean }) => scanWorkspace(options));
  reg('apiguard.scanFile', async () => {
    const doc = vscode.window.activeTextEditor?.document;
    if (!doc || !kindOf(doc)) { void vscode.window.showInformationMessage('API Guard: open an Apex, metadata XML or config file to scan it.'); return; }
    await linter.validate(doc, true);
    return linter.findingsFor(doc.uri).length;
  });
  reg('apiguard.clearFindings', () => linter.clearAll());
  reg('apiguard.showRuleDocumentation', async (ruleId?: string) => {
    const id = typeof ruleId === 'string' ? ruleId : await pickRule();
    return id ? docs.show(id) : undefined;
  });
  reg('apiguard.exportReport', (format?: ReportFormat, target?: vscode.Uri) => exportReport(format, target));
  reg('apiguard.migrateCallouts', (options?: { preview?: boolean }) => migrate(options));
  reg('apiguard.openSettings', () => vscode.commands.executeCommand('workbench.action.openSettings', '@ext:apiguard.apiguard'));
  reg('apiguard.applyFix', (uri: vscode.Uri, finding: Finding, options?: { name?: string; preview?: boolean }) => applyFix(uri, finding, options));
  reg('apiguard.selectText', (uri: vscode.Uri, line: number, text: string) => {
    const ed = vscode.window.visibleTextEditors.find(e => e.document.uri.toString() === uri.toString());
    if (!ed || line >= ed.document.lineCount) { return; }
    const col = ed.document.lineAt(line).text.lastIndexOf(text);
    if (col < 0) { return; }
    ed.selection = new vscode.Selection(line, col, line, col + text.length);
    ed.revealRange(ed.selection);
  });
}
