/**
 * Messages between the extension (main extension-host thread) and its engine worker
 * (`dist/worker.js`, a `worker_threads` Worker). Plain data only: no `vscode` import here, the
 * worker loads this file too.
 */
import type { FileKind, FileReport, Finding, Severity, SeverityOrOff } from '../core/types';
import type { FixPlan } from '../core/fix/types';

/** The editor settings that change what the engine reports (merged over `.apiguard.json`). */
export interface LintSettings {
  rules: Record<string, SeverityOrOff>;
  exclude: string[];
  /** undefined: not set in the editor, `.apiguard.json` decides. */
  includeTests?: boolean;
}

export type ReportFormat = 'sarif' | 'markdown' | 'html';

export type Request =
  | { type: 'lint'; id: number; path: string; text: string; root: string; kind?: FileKind; settings: LintSettings }
  | { type: 'scan'; id: number; root: string; settings: LintSettings }
  | { type: 'export'; id: number; root: string; settings: LintSettings; format: ReportFormat }
  /** `overlays`: absolute path → text of editors with unsaved changes (the plan reads them instead of the disk). */
  | { type: 'planFix'; id: number; root: string; finding: Finding; nameOverride?: string; findings: Finding[]; overlays: Record<string, string> }
  | { type: 'planMigration'; id: number; root: string; findings: Finding[]; overlays: Record<string, string> }
  | { type: 'rules'; id: number }
  | { type: 'ruleDoc'; id: number; ruleId: string }
  | { type: 'cancel'; id: number }
  /** A config or metadata file changed: drop what the worker cached for that root. */
  | { type: 'invalidate'; root: string };

export interface LintResult {
  report: FileReport;
  /** The file matches `exclude`, `.forceignore` or `.gitignore`: nothing reported. */
  excluded: boolean;
  /** `.apiguard.json` problem, shown once to the user. */
  configError?: string;
  ms: number;
}
export interface ScanResult { reports: FileReport[]; filesScanned: number; cancelled: boolean; configError?: string; ms: number }
export interface ExportResult { content: string; findings: number; filesScanned: number; cancelled: boolean }
export interface RuleInfo { id: string; description: string; defaultSeverity: Severity; fixable: boolean }
export interface RuleDoc { id: string; markdown?: string; description?: string }
export type PlanResult = FixPlan | undefined;

export type Response =
  | { type: 'result'; id: number; ok: true; value: unknown }
  | { type: 'result'; id: number; ok: false; error: string; cancelled?: boolean }
  | { type: 'progress'; id: number; done: number; total: number };
