/**
 * Messages between the extension (main extension-host thread) and its engine worker
 * (`dist/worker.js`, a `worker_threads` Worker). Plain data only: no `vscode` import here, the
 * worker loads this file too.
 */
import type { FileKind, FileReport, SeverityOrOff } from '../core/types';
import type { FixPlan } from '../core/fix/types';
import type { Finding } from '../core/types';

/** The editor settings that change what the engine reports (merged over `.apiguard.json`). */
export interface LintSettings {
  rules: Record<string, SeverityOrOff>;
  exclude: string[];
  /** undefined: not set in the editor, `.apiguard.json` decides. */
  includeTests?: boolean;
}

export type Request =
  | { type: 'lint'; id: number; path: string; text: string; root: string; kind?: FileKind; settings: LintSettings }
  | { type: 'scan'; id: number; root: string; settings: LintSettings; /** absolute path → text of unsaved editors */ overlays: Record<string, string> }
  | { type: 'planFix'; id: number; root: string; finding: Finding; nameOverride?: string; overlays: Record<string, string>; findings?: Finding[] }
  | { type: 'planMigration'; id: number; root: string; findings: Finding[]; overlays: Record<string, string> }
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
export interface ScanResult { reports: FileReport[]; files: number; cancelled: boolean; configError?: string; ms: number }

export type Response =
  | { type: 'result'; id: number; ok: true; value: unknown }
  | { type: 'result'; id: number; ok: false; error: string; cancelled?: boolean }
  | { type: 'progress'; id: number; done: number; total: number };

export type PlanResult = { plan?: FixPlan; reason?: string };
