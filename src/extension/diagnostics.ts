import { threadCpuMs } from './timing';
import * as vscode from 'vscode';
import { fileKindOf } from '../core/fileKind';
import { ruleDocsUrl } from '../core/rule';
import { maskSecrets } from '../core/redact';
import type { FileKind, Finding } from '../core/types';
import type { ReportFile } from '../core/report/model';
import { OUT_OF_SYNC, type LintResult } from './protocol';
import { readSettings } from './settings';
import { CancelledError, type EngineWorker } from './workerClient';

export const SOURCE = 'API Guard';
const DEBOUNCE_MS = 250;

const SEVERITY: Record<Finding['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

function toRange(r: Finding['range']): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

/**
 * A finding as VS Code shows it. Suppressed findings are not shown (they still count in reports).
 * A finding the baseline covers is a hint, so the team sees it without it counting as a problem.
 */
export function toDiagnostic(f: Finding, inBaseline = false): vscode.Diagnostic {
  const d = new vscode.Diagnostic(toRange(f.range), inBaseline ? `${f.message} (in the baseline)` : f.message,
    inBaseline ? vscode.DiagnosticSeverity.Hint : SEVERITY[f.severity]);
  d.source = SOURCE;
  d.code = { value: f.ruleId, target: vscode.Uri.parse(ruleDocsUrl(f.ruleId)) };
  if (f.related?.length) {
    d.relatedInformation = f.related.map(r => new vscode.DiagnosticRelatedInformation(
      new vscode.Location(vscode.Uri.file(r.path), toRange(r.range)), r.message));
  }
  return d;
}

export function ruleIdOf(d: vscode.Diagnostic): string | undefined {
  if (d.source !== SOURCE) { return undefined; }
  return typeof d.code === 'object' ? String(d.code.value) : d.code === undefined ? undefined : String(d.code);
}

/** Which documents API Guard reads: on disk files of a known kind, and unsaved Apex buffers. */
export function kindOf(doc: vscode.TextDocument): FileKind | undefined {
  if (doc.uri.scheme === 'untitled') { return doc.languageId === 'apex' ? 'apex' : undefined; }
  if (doc.uri.scheme !== 'file') { return undefined; }
  return fileKindOf(doc.uri.fsPath) ?? (doc.languageId === 'apex' ? 'apex' : undefined);
}

/** The path the engine sees: the file system path, or the URI of an unsaved buffer. */
export function pathOf(uri: vscode.Uri): string {
  return uri.scheme === 'file' ? uri.fsPath : uri.toString();
}

export function rootOf(uri: vscode.Uri): string {
  return vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath ?? '';
}

type Stamp = { wall: number; cpu: number | undefined };
function stamp(): Stamp { return { wall: performance.now(), cpu: threadCpuMs() }; }

/**
 * Diagnostics for open documents (on open, debounced on edit, on save; cleared on close/delete) and
 * for workspace scans. All engine work happens in the worker; a result is dropped when the document
 * changed since it was requested.
 */
export class Linter implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection('apiguard');
  /** Findings behind the diagnostics (code actions need their hints), by URI string. */
  private readonly findings = new Map<string, Finding[]>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly inflight = new Map<string, { version: number; id: number }>();
  private readonly idleWaiters: Array<() => void> = [];
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  private readonly reportedConfigErrors = new Set<string>();
  /** Engine time (in the worker) of the last document lint (ms). */
  lastLintMs = 0;
  /** How the worker linted the last document (Apex: member-wise or full, and why). */
  lastIncremental: LintResult['incremental'];
  /** Document version whose diagnostics are shown, by URI string. */
  private readonly linted = new Map<string, number>();
  /** Document version the worker's copy of the text is at, by URI string. */
  private readonly synced = new Map<string, number>();

  constructor(private readonly worker: EngineWorker, private readonly log: vscode.OutputChannel) {}

  /** Findings currently shown for a document (not suppressed). */
  findingsFor(uri: vscode.Uri): Finding[] { return this.findings.get(uri.toString()) ?? []; }

  /** The document version the shown diagnostics belong to (undefined: not linted since opened). */
  lintedVersion(uri: vscode.Uri): number | undefined { return this.linted.get(uri.toString()); }

  allFindings(): Finding[] { return [...this.findings.values()].flat(); }

  /** Longest synchronous stretch the linter spent on the extension host's thread (ms, wall time), since the last reset. */
  maxSyncMs = 0;
  /** The most CPU time the thread spent in one such stretch (ms): unlike wall time, not lengthened while the OS runs other threads. */
  maxSyncCpuMs = 0;
  private track(t0: Stamp): void {
    const d = performance.now() - t0.wall;
    if (d > this.maxSyncMs) { this.maxSyncMs = d; }
    const c = threadCpuMs();
    if (c !== undefined && t0.cpu !== undefined && c - t0.cpu > this.maxSyncCpuMs) { this.maxSyncCpuMs = c - t0.cpu; }
  }

  /** Called on edit: lint this document after a quiet period. */
  schedule(doc: vscode.TextDocument): void {
    const t0 = stamp();
    this.scheduleNow(doc);
    this.track(t0);
  }

  private scheduleNow(doc: vscode.TextDocument): void {
    const key = doc.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(() => { this.timers.delete(key); void this.validate(doc); }, DEBOUNCE_MS));
  }

  /** Lints one open document now (in the worker); resolves when its diagnostics are updated. */
  async validate(doc: vscode.TextDocument, force = false): Promise<void> {
    const kind = kindOf(doc);
    if (!kind) { return; }
    let t0 = stamp();
    const key = doc.uri.toString();
    const settings = readSettings(doc.uri);
    if (settings.run === 'off' && !force) { this.clear(doc.uri); this.linted.set(key, doc.version); return; }
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    const version = doc.version;
    const path = pathOf(doc.uri);
    for (let attempt = 0; attempt < 2; attempt++) {
      // The worker keeps its own copy of the document (see `onDidChangeDocument`): the text crosses threads
      // once, when the document is first linted, not on every keystroke.
      const sendText = this.synced.get(key) !== version;
      const { id, result } = this.worker.request<LintResult>({
        type: 'lint', path, version, lineCount: doc.lineCount, ...(sendText ? { text: doc.getText() } : {}),
        root: rootOf(doc.uri), kind, settings: settings.lint,
      });
      if (sendText) { this.synced.set(key, version); }
      this.inflight.set(key, { version, id });
      this.track(t0);
      try {
        const r = await result;
        t0 = stamp();
        if (this.inflight.get(key)?.id !== id) { return; }          // a newer request owns this document
        if (doc.isClosed || doc.version !== version) { return; }     // stale: the text changed meanwhile
        this.lastLintMs = r.ms;
        this.lastIncremental = r.incremental;
        if (r.configError && !this.reportedConfigErrors.has(r.configError)) {
          this.reportedConfigErrors.add(r.configError);
          void vscode.window.showWarningMessage(`API Guard: ${r.configError}. Using the defaults until it is fixed.`);
        }
        for (const n of r.report.notes) { this.log.appendLine(maskSecrets(`${n.path}: ${n.code}: ${n.message}`)); }
        this.set(doc.uri, r.report.findings, r.report.baselineState);
        this.linted.set(key, version);
        if (r.relint?.length) { this.relint(r.relint); }
        this.track(t0);
        return;
      } catch (e) {
        if ((e as Error).message === OUT_OF_SYNC && !doc.isClosed && doc.version === version && this.inflight.get(key)?.id === id) {
          this.synced.delete(key);                                   // the worker lost track: send the text again
          t0 = stamp();
          continue;
        }
        if (!(e instanceof CancelledError) && (e as Error).message !== OUT_OF_SYNC) { this.log.appendLine(maskSecrets(`lint ${path}: ${(e as Error).message}`)); }
        return;
      } finally {
        if (this.inflight.get(key)?.id === id) { this.inflight.delete(key); }
        this.notifyIdle();
      }
    }
  }

  /** Lints again the open documents at these paths (they read a value another file just changed). */
  relint(paths: readonly string[]): void {
    const want = new Set(paths);
    for (const d of vscode.workspace.textDocuments) {
      if (!d.isClosed && want.has(pathOf(d.uri)) && this.linted.has(d.uri.toString())) { void this.validate(d); }
    }
  }

  /** A file defining constants, labels or custom metadata records changed on disk: update the index, lint its readers. */
  async reindex(uri: vscode.Uri): Promise<void> {
    if (uri.scheme !== 'file') { return; }
    try {
      const paths = await this.worker.request<string[]>({ type: 'reindex', root: rootOf(uri), path: pathOf(uri) }).result;
      this.relint(paths);
    } catch { /* the worker restarted: it rebuilds the index on next use */ }
  }

  /** Every edit of a document the worker holds goes to the worker as a small change message. */
  onDidChangeDocument(e: vscode.TextDocumentChangeEvent): void {
    const key = e.document.uri.toString();
    const from = this.synced.get(key);
    if (from === undefined || !e.contentChanges.length) { return; }
    const t0 = stamp();
    this.worker.notify({
      type: 'change', path: pathOf(e.document.uri), fromVersion: from, version: e.document.version,
      changes: e.contentChanges.map(c => ({
        range: { start: { line: c.range.start.line, character: c.range.start.character }, end: { line: c.range.end.line, character: c.range.end.character } },
        text: c.text,
      })),
    });
    this.synced.set(key, e.document.version);
    this.track(t0);
  }

  /**
   * Shows findings of a file (from a document lint or a workspace scan). `baselineState[i]` says
   * whether `findings[i]` is in the baseline: shown as a hint, or not at all with `apiguard.baseline.hide`.
   */
  set(uri: vscode.Uri, findings: readonly Finding[], baselineState?: ReadonlyArray<'new' | 'unchanged'>): void {
    const hide = baselineState?.includes('unchanged') === true && readSettings(uri).hideBaseline;
    const shown: Finding[] = [];
    const diagnostics: vscode.Diagnostic[] = [];
    findings.forEach((f, i) => {
      const inBaseline = baselineState?.[i] === 'unchanged';
      if (f.suppressed || (inBaseline && hide)) { return; }
      shown.push(f);
      diagnostics.push(toDiagnostic(f, inBaseline));
    });
    const key = uri.toString();
    if (shown.length) { this.findings.set(key, shown); } else { this.findings.delete(key); }
    this.collection.set(uri, diagnostics);
    this.changed.fire();
  }

  /**
   * Shows a workspace scan's results. Open documents keep their live results (the scan read the disk,
   * the editor may hold newer text). When the scan of `root` completed, files under it that no longer
   * have findings are cleared.
   */
  setReports(reports: readonly ReportFile[], root?: string, complete = false): void {
    // Live results: documents linted since they were shown, or with unsaved changes.
    const open = new Set([...this.linted.keys(), ...vscode.workspace.textDocuments.filter(d => d.isDirty).map(d => d.uri.toString())]);
    const seen = new Set<string>();
    for (const r of reports) {
      const uri = vscode.Uri.file(r.path);
      seen.add(uri.toString());
      if (!open.has(uri.toString())) { this.set(uri, r.findings, r.baselineState); }
    }
    if (complete && root) {
      const prefix = vscode.Uri.file(root).toString() + '/';
      for (const key of [...this.findings.keys()]) {
        if (key.startsWith(prefix) && !seen.has(key) && !open.has(key)) { this.set(vscode.Uri.parse(key), []); }
      }
    }
  }

  clear(uri: vscode.Uri): void {
    const key = uri.toString();
    this.linted.delete(key);
    if (this.synced.delete(key)) { this.worker.notify({ type: 'forget', path: pathOf(uri) }); }
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    const inflight = this.inflight.get(key);
    if (inflight) { this.worker.cancel(inflight.id); this.inflight.delete(key); }
    if (this.findings.delete(key) || this.collection.has(uri)) { this.collection.delete(uri); this.changed.fire(); }
    this.notifyIdle();
  }

  /** A file or folder was deleted (in VS Code or on disk): drop what is shown for it and below it. */
  clearDeleted(uri: vscode.Uri): void {
    const prefix = uri.toString() + '/';
    for (const key of [...this.findings.keys(), ...this.linted.keys()]) {
      if (key.startsWith(prefix)) { this.clear(vscode.Uri.parse(key)); }
    }
    this.clear(uri);
  }

  clearAll(): void {
    for (const t of this.timers.values()) { clearTimeout(t); }
    this.timers.clear();
    this.findings.clear();
    this.collection.clear();
    this.changed.fire();
  }

  /**
   * Re-lints the documents the user has (settings or configuration changed): those linted since they
   * were shown and those in visible editors. Documents VS Code keeps loaded after their tab closed stay clear.
   */
  async revalidateOpen(): Promise<void> {
    const visible = new Set(vscode.window.visibleTextEditors.map(e => e.document.uri.toString()));
    const docs = vscode.workspace.textDocuments.filter(d => kindOf(d) && (this.linted.has(d.uri.toString()) || visible.has(d.uri.toString())));
    await Promise.all(docs.map(d => this.validate(d)));
  }

  /** Resolves when no lint is scheduled or running (tests use it instead of sleeping). */
  whenIdle(): Promise<void> {
    if (!this.timers.size && !this.inflight.size) { return Promise.resolve(); }
    return new Promise(r => this.idleWaiters.push(r));
  }

  private notifyIdle(): void {
    if (this.timers.size || this.inflight.size) { return; }
    for (const w of this.idleWaiters.splice(0)) { w(); }
  }

  dispose(): void {
    for (const t of this.timers.values()) { clearTimeout(t); }
    this.collection.dispose();
    this.changed.dispose();
  }
}
