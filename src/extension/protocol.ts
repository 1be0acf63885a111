/**
 * Messages between the extension (main extension-host thread) and its engine worker
 * (`dist/worker.js`, a `worker_threads` Worker). Plain data only: no `vscode` import here, the
 * worker loads this file too.
 */
import type { FileKind, Finding, Range, Severity, SeverityOrOff } from '../core/types';
import type { FixPlan } from '../core/fix/types';
import type { SurfaceEntryView } from '../core/surface/inventory';
import type { ReportFile } from '../core/report/model';

/** The editor settings that change what the engine reports (merged over `.apiguard.json`). */
export interface LintSettings {
  rules: Record<string, SeverityOrOff>;
  exclude: string[];
  /** undefined: not set in the editor, `.apiguard.json` decides. */
  includeTests?: boolean;
  /** `apiguard.baseline.file`: baseline path relative to the workspace folder; empty: `.apiguard-baseline.json` when present. */
  baselineFile?: string;
}

export type ReportFormat = 'sarif' | 'markdown' | 'html';

export type Request =
  /**
   * Lint a document. Without `text` the worker uses its copy of the document (kept current by
   * `change` messages) and answers `out-of-sync` when that copy is not at `version` with `lineCount` lines.
   */
  | { type: 'lint'; id: number; path: string; version: number; lineCount: number; text?: string; root: string; kind?: FileKind; settings: LintSettings }
  /** An edit of a document the worker holds at `fromVersion`: the changes in event order (ranges on the text before each). */
  | { type: 'change'; path: string; fromVersion: number; version: number; changes: Array<{ range: Range; text: string }> }
  /** The document closed: drop the worker's copy. */
  | { type: 'forget'; path: string }
  | { type: 'scan'; id: number; root: string; settings: LintSettings }
  | { type: 'export'; id: number; root: string; settings: LintSettings; format: ReportFormat }
  /** `overlays`: absolute path → text of editors with unsaved changes (the plan reads them instead of the disk). */
  | { type: 'planFix'; id: number; root: string; finding: Finding; nameOverride?: string; findings: Finding[]; overlays: Record<string, string> }
  | { type: 'planMigration'; id: number; root: string; findings: Finding[]; overlays: Record<string, string> }
  | { type: 'rules'; id: number }
  /** The project's inbound API surface (entry points, callers, sharing and mode, risks). */
  | { type: 'surface'; id: number; root: string; settings: LintSettings }
  | { type: 'ruleDoc'; id: number; ruleId: string }
  | { type: 'cancel'; id: number }
  /** A config or metadata file changed: drop what the worker cached for that root. */
  | { type: 'invalidate'; root: string }
  /**
   * A file that defines project-wide values (Apex class, labels, custom metadata record) changed on disk
   * or was deleted: update the index for that file only. Answers the open documents to lint again.
   */
  | { type: 'reindex'; id: number; root: string; path: string };

export interface LintResult {
  /** With `fingerprints`, and `baselineState` when a baseline applies. */
  report: ReportFile;
  /** The file matches `exclude`, `.forceignore` or `.gitignore`: nothing reported. */
  excluded: boolean;
  /** `.apiguard.json` problem, shown once to the user. */
  configError?: string;
  ms: number;
  /** Other open documents that read a constant, label or custom metadata value this document changed: lint them again. */
  relint?: string[];
  /** Apex documents: how the worker linted it (`members`: only the members the edits can change; `full` and why). */
  incremental?: { mode: 'full' | 'members' | 'unchanged'; why?: string; relinted?: number; units?: number };
}
export interface ScanResult { reports: ReportFile[]; filesScanned: number; cancelled: boolean; configError?: string; ms: number }
export interface ExportResult { content: string; findings: number; filesScanned: number; cancelled: boolean }
export interface RuleInfo { id: string; description: string; defaultSeverity: Severity; fixable: boolean }
export interface RuleDoc { id: string; markdown?: string; description?: string }
export type PlanResult = FixPlan | undefined;
export interface SurfaceResult { entries: SurfaceEntryView[]; hasAccessMetadata: boolean; notes: string[]; ms: number }

/** Error text of a `lint` whose document copy is missing or stale: send the text again. */
export const OUT_OF_SYNC = 'out-of-sync';

export type Response =
  | { type: 'result'; id: number; ok: true; value: unknown }
  | { type: 'result'; id: number; ok: false; error: string; cancelled?: boolean }
  | { type: 'progress'; id: number; done: number; total: number };
