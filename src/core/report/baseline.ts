import { fingerprintHash } from './fingerprint';
import { relativePath, type ReportFile, type ReportInput } from './model';

/**
 * The baseline: the findings a team accepted when it adopted API Guard, so that a build fails only
 * on new ones. Each entry is a fingerprint (rule, path, masked line shape: see fingerprint.ts) and
 * how many findings had it, so a second identical credential in the same file is new. It holds no
 * secret value, not even masked: only rule ids, paths, hashes and counts.
 */
export const BASELINE_FORMAT = 'apiguard-baseline/v1';
export const DEFAULT_BASELINE_FILE = '.apiguard-baseline.json';

export interface BaselineEntry { ruleId: string; path: string; fingerprint: string; count: number }
export interface BaselineFile { format: typeof BASELINE_FORMAT; entries: BaselineEntry[] }
export type BaselineState = 'new' | 'unchanged';

/** The baseline file could not be used; the message says why and what to do. */
export class BaselineError extends Error {}

/** Parses and checks a baseline file's text; throws BaselineError with a clear message. */
export function parseBaseline(text: string): BaselineFile {
  let raw: unknown;
  try { raw = JSON.parse(text.replace(/^\uFEFF/, '')); } catch (e) {
    throw new BaselineError(`not valid JSON (${(e as Error).message}); recreate it with --update-baseline`);
  }
  const o = raw as Partial<BaselineFile> | null;
  if (!o || typeof o !== 'object' || o.format !== BASELINE_FORMAT || !Array.isArray(o.entries)) {
    throw new BaselineError(`not an API Guard baseline (expected "format": "${BASELINE_FORMAT}" and an "entries" array); recreate it with --update-baseline`);
  }
  o.entries.forEach((e: Partial<BaselineEntry>, i) => {
    if (!e || typeof e.ruleId !== 'string' || typeof e.path !== 'string' || typeof e.fingerprint !== 'string'
      || !/^[0-9a-f]{64}$/.test(e.fingerprint) || !Number.isInteger(e.count) || (e.count as number) < 1) {
      throw new BaselineError(`entry ${i + 1} is malformed (needs ruleId, path, a 64-hex fingerprint and a count >= 1); recreate it with --update-baseline`);
    }
  });
  return o as BaselineFile;
}

/** A baseline of every unsuppressed, fingerprinted finding of a scan. */
export function createBaseline(input: ReportInput): BaselineFile {
  const byKey = new Map<string, BaselineEntry>();
  for (const r of input.reports) {
    const path = relativePath(input.root, r.path);
    r.findings.forEach((f, i) => {
      const fp = r.fingerprints?.[i];
      if (f.suppressed || !fp) { return; }
      const fingerprint = fingerprintHash(fp);
      const e = byKey.get(fingerprint);
      if (e) { e.count++; } else { byKey.set(fingerprint, { ruleId: f.ruleId, path, fingerprint, count: 1 }); }
    });
  }
  const entries = [...byKey.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : a.fingerprint < b.fingerprint ? -1 : 1));
  return { format: BASELINE_FORMAT, entries };
}

/** Stable text (sorted entries, one per line) so the file diffs well in review. */
export function serializeBaseline(b: BaselineFile): string {
  return `{\n  "format": ${JSON.stringify(b.format)},\n  "entries": [\n${b.entries.map(e => `    ${JSON.stringify(e)}`).join(',\n')}\n  ]\n}\n`;
}

export interface BaselineComparison {
  /** The scan's reports, each with `baselineState[i]` for `findings[i]`. */
  reports: ReportFile[];
  /** Unsuppressed findings the baseline does not cover. */
  fresh: number;
  /** Findings the baseline covers. */
  unchanged: number;
  /** Baseline entries (or parts of their count) no longer found; `count` is how many are missing. */
  absent: BaselineEntry[];
}

/**
 * Marks each finding `new` or `unchanged`: per fingerprint, the first `count` findings are in the
 * baseline and the rest are new. `scanned` (given a relative path) limits `absent` to files this scan
 * looked at (a partial scan does not report the rest of the baseline as gone); omit it for a full scan.
 */
export function compareWithBaseline(input: ReportInput, baseline: BaselineFile, scanned?: (relPath: string) => boolean): BaselineComparison {
  const left = new Map<string, number>();
  for (const e of baseline.entries) { left.set(e.fingerprint, (left.get(e.fingerprint) ?? 0) + e.count); }
  let fresh = 0, unchanged = 0;
  const reports = input.reports.map(r => {
    const baselineState: BaselineState[] = r.findings.map((f, i) => {
      const fp = r.fingerprints?.[i];
      if (f.suppressed || !fp) { if (!f.suppressed) { fresh++; } return 'new'; }
      const h = fingerprintHash(fp);
      const n = left.get(h) ?? 0;
      if (n > 0) { left.set(h, n - 1); unchanged++; return 'unchanged'; }
      fresh++;
      return 'new';
    });
    return { ...r, baselineState };
  });
  const absent: BaselineEntry[] = [];
  for (const e of baseline.entries) {
    const n = left.get(e.fingerprint) ?? 0;
    if (n <= 0 || (scanned && !scanned(e.path))) { continue; }
    const missing = Math.min(n, e.count);
    left.set(e.fingerprint, n - missing);
    absent.push({ ...e, count: missing });
  }
  return { reports, fresh, unchanged, absent };
}

/** The reports with only the findings that are new (or suppressed in the source), for text and JSON output. */
export function onlyNew(reports: readonly ReportFile[]): ReportFile[] {
  return reports.map(r => {
    if (!r.baselineState) { return r; }
    const keep = r.findings.map((f, i) => r.baselineState![i] !== 'unchanged');
    return {
      ...r,
      findings: r.findings.filter((_f, i) => keep[i]),
      fingerprints: r.fingerprints?.filter((_f, i) => keep[i]),
      baselineState: r.baselineState.filter((_s, i) => keep[i]),
    };
  }).filter(r => r.findings.length || r.notes.length);
}
