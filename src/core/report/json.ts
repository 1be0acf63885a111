import type { FileNote, FixHints, Severity, Suppression } from '../types';
import { maskedInput } from './mask';
import { relativePath, summarise, type ReportInput, type Summary } from './model';

/**
 * The `--format json` shape, documented in docs/json-format.md. Flat: one entry per finding, paths
 * relative to the root with forward slashes, 1-based lines and columns (end column exclusive).
 */
export const JSON_FORMAT_VERSION = 1;

export interface JsonFinding {
  ruleId: string;
  severity: Severity;
  message: string;
  path: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  fingerprint?: string;
  suppressed?: { kind: Suppression['kind']; justification?: string; line?: number };
  related?: Array<{ path: string; line: number; column: number; endLine: number; endColumn: number; message: string }>;
  hints?: FixHints;
}

export interface JsonReport {
  formatVersion: number;
  tool: { name: 'apiguard'; version: string };
  root: string;
  summary: Summary & { cancelled: boolean };
  findings: JsonFinding[];
  notes: Array<Omit<FileNote, 'path'> & { path: string }>;
  /** With `--baseline`: `findings` lists only the new ones; these are the counts. */
  baseline?: { file: string; new: number; unchanged: number; absent: number };
}

export function toJsonReport(input: ReportInput, toolVersion: string): JsonReport {
  input = maskedInput(input);
  const rel = (p: string) => relativePath(input.root, p);
  const findings: JsonFinding[] = [];
  const notes: JsonReport['notes'] = [];
  for (const r of input.reports) {
    r.findings.forEach((f, i) => {
      const j: JsonFinding = {
        ruleId: f.ruleId, severity: f.severity, message: f.message, path: rel(f.path),
        line: f.range.start.line + 1, column: f.range.start.character + 1,
        endLine: f.range.end.line + 1, endColumn: f.range.end.character + 1,
      };
      const fp = r.fingerprints?.[i];
      if (fp) { j.fingerprint = fp; }
      if (f.suppressed) {
        j.suppressed = { kind: f.suppressed.kind };
        if (f.suppressed.justification) { j.suppressed.justification = f.suppressed.justification; }
        if (f.suppressed.location) { j.suppressed.line = f.suppressed.location.start.line + 1; }
      }
      if (f.related?.length) {
        j.related = f.related.map(x => ({ path: rel(x.path), line: x.range.start.line + 1, column: x.range.start.character + 1,
          endLine: x.range.end.line + 1, endColumn: x.range.end.character + 1, message: x.message }));
      }
      if (f.hints && Object.keys(f.hints).length) { j.hints = f.hints; }
      findings.push(j);
    });
    for (const n of r.notes) { notes.push({ path: rel(n.path), code: n.code, message: n.message }); }
  }
  return {
    formatVersion: JSON_FORMAT_VERSION,
    tool: { name: 'apiguard', version: toolVersion },
    root: input.root,
    summary: { ...summarise(input), durationMs: Math.round(input.durationMs), cancelled: !!input.cancelled },
    findings,
    notes,
  };
}
