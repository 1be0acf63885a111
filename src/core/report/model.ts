import type { FileReport, Severity } from '../types';

/** A file's report as a scan hands it to the formatters: `fingerprints[i]` belongs to `findings[i]`. */
export interface ReportFile extends FileReport {
  fingerprints?: string[];
  /** Set when the scan was compared with a baseline: `baselineState[i]` belongs to `findings[i]`. */
  baselineState?: Array<'new' | 'unchanged'>;
}

/** What the formatters read: the result of a scan (see `scanProject` in src/node/scan.ts). */
export interface ReportInput {
  /** Absolute path of the scan root; report paths are made relative to it. */
  root: string;
  reports: readonly ReportFile[];
  filesScanned: number;
  durationMs: number;
  cancelled?: boolean;
}

export interface Summary {
  error: number;
  warning: number;
  info: number;
  /** Findings covered by a disable comment (not in the three counts above). */
  suppressed: number;
  filesScanned: number;
  filesWithFindings: number;
  notes: number;
  durationMs: number;
}

export function summarise(input: ReportInput): Summary {
  const s: Summary = { error: 0, warning: 0, info: 0, suppressed: 0, filesScanned: input.filesScanned,
    filesWithFindings: 0, notes: 0, durationMs: input.durationMs };
  for (const r of input.reports) {
    if (r.findings.some(f => !f.suppressed)) { s.filesWithFindings++; }
    s.notes += r.notes.length;
    for (const f of r.findings) { if (f.suppressed) { s.suppressed++; } else { s[f.severity]++; } }
  }
  return s;
}

/** `--fail-on` levels, most to least severe; `never` fails on nothing. */
export type FailOn = Severity | 'never';
const RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

export function atOrAbove(severity: Severity, threshold: FailOn): boolean {
  return threshold !== 'never' && RANK[severity] >= RANK[threshold];
}

/** Whether any unsuppressed finding is at or above the threshold. */
export function failsOn(input: Pick<ReportInput, 'reports'>, threshold: FailOn): boolean {
  return input.reports.some(r => r.findings.some(f => !f.suppressed && atOrAbove(f.severity, threshold)));
}

/**
 * `p` relative to `root`, with forward slashes (both absolute, either separator). Pure: no `path`
 * module, so it works the same for Windows paths on any platform. Paths outside the root get `../`.
 */
export function relativePath(root: string, p: string): string {
  const norm = (s: string) => s.replace(/\\/g, '/').replace(/\/+$/, '');
  const windows = /^[a-zA-Z]:\//.test(norm(root));
  const key = (s: string) => (windows ? s.toLowerCase() : s);
  const r = norm(root), q = norm(p);
  if (key(q) === key(r)) { return ''; }
  if (key(q).startsWith(key(r) + '/')) { return q.slice(r.length + 1); }
  const rs = r.split('/').filter(Boolean), qs = q.split('/').filter(Boolean);
  let i = 0;
  while (i < rs.length && i < qs.length && key(rs[i]) === key(qs[i])) { i++; }
  if (i === 0 && windows) { return q; }
  return [...rs.slice(i).map(() => '..'), ...qs.slice(i)].join('/');
}

/** A `file://` URI for an absolute path (for SARIF `originalUriBaseIds`). */
export function fileUri(abs: string, trailingSlash = false): string {
  let p = abs.replace(/\\/g, '/');
  if (!p.startsWith('/')) { p = '/' + p; }
  if (trailingSlash && !p.endsWith('/')) { p += '/'; }
  return 'file://' + p.split('/').map(seg => encodeURIComponent(seg).replace(/%3A/g, ':')).join('/');
}

/** A relative path as a URI reference (each segment percent-encoded, slashes kept). */
export function uriReference(rel: string): string {
  return rel.split('/').map(seg => encodeURIComponent(seg)).join('/');
}
