import type { RuleMeta } from '../rule';
import { ruleDocsUrl } from '../rule';
import type { Finding, Range, Severity } from '../types';
import { relativePath, uriReference, fileUri, type ReportInput } from './model';
import { maskedInput } from './mask';
import { sha256 } from '../sha256';

/**
 * SARIF 2.1.0 for GitHub code scanning (and any SARIF viewer). Pure: the caller passes the rule
 * metadata, the rule docs (markdown, front matter removed) and the tool version.
 */
export interface SarifOptions {
  rules: readonly RuleMeta[];
  /** rule id → docs.md text without front matter (help.text / help.markdown). */
  docs?: Readonly<Record<string, string>>;
  toolVersion: string;
  informationUri?: string;
  /** Baseline entries no longer found (written as `kind: pass` results with `baselineState: absent`). */
  absent?: ReadonlyArray<{ ruleId: string; path: string; count: number }>;
  /** The baseline file's name, for the justification of findings it covers. */
  baselineFile?: string;
  /** `runAutomationDetails.id` (e.g. one per `--shard`, so code scanning keeps the shards' runs apart). */
  automationId?: string;
}

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
export const INFORMATION_URI = 'https://github.com/apiguard/apiguard';
/** The `partialFingerprints` key apiguard writes. */
export const FINGERPRINT_KEY = 'apiguardFindingHash/v2';

export type SarifLevel = 'error' | 'warning' | 'note';
export function sarifLevel(s: Severity): SarifLevel { return s === 'info' ? 'note' : s; }

/* Minimal typings of the parts of SARIF we write. */
export interface SarifRegion { startLine: number; startColumn: number; endLine: number; endColumn: number }
export interface SarifPhysicalLocation { artifactLocation: { uri: string; uriBaseId: string }; region?: SarifRegion }
export interface SarifLocation { id?: number; physicalLocation: SarifPhysicalLocation; message?: { text: string } }
export interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  kind?: 'pass';
  level: SarifLevel | 'none';
  message: { text: string };
  locations: SarifLocation[];
  baselineState?: 'new' | 'unchanged' | 'absent';
  relatedLocations?: SarifLocation[];
  partialFingerprints: Record<string, string>;
  suppressions?: Array<{ kind: 'inSource' | 'external'; status: 'accepted'; justification?: string; location?: SarifLocation }>;
  properties?: Record<string, unknown>;
}
export interface SarifLog {
  $schema: string;
  version: '2.1.0';
  runs: Array<{
    tool: { driver: {
      name: string; informationUri: string; version: string; semanticVersion: string;
      rules: Array<Record<string, unknown>>;
    } };
    originalUriBaseIds: Record<string, { uri: string }>;
    columnKind: 'utf16CodeUnits';
    automationDetails?: { id: string };
    invocations: Array<{ executionSuccessful: boolean; toolExecutionNotifications: Array<Record<string, unknown>> }>;
    results: SarifResult[];
  }>;
}

const SRCROOT = '%SRCROOT%';
/** GitHub code scanning's numeric `security-severity` (high, medium, low) by default severity. */
const SECURITY_SEVERITY: Record<Severity, string> = { error: '8.0', warning: '5.0', info: '2.0' };

/** 1-based SARIF region from a 0-based range (end column exclusive in both). */
export function sarifRegion(r: Range): SarifRegion {
  const endLine = Math.max(r.end.line, r.start.line);
  const endColumn = endLine === r.start.line ? Math.max(r.end.character, r.start.character) : r.end.character;
  return { startLine: r.start.line + 1, startColumn: r.start.character + 1, endLine: endLine + 1, endColumn: endColumn + 1 };
}

/** Markdown to plain text, good enough for `help.text` (code fences kept, markup dropped). */
export function markdownToText(md: string): string {
  return md
    .replace(/^#{1,6}\s+/gm, '')
    .replace(/\*\*([^*]+)\*\*/g, '$1')
    .replace(/`([^`\n]+)`/g, '$1')
    .replace(/\[([^\]]+)\]\(([^)]+)\)/g, '$1 ($2)')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

export function toSarif(input: ReportInput, options: SarifOptions): SarifLog {
  const ruleIndex = new Map<string, number>();
  const rules = options.rules.map((m, i) => {
    ruleIndex.set(m.id, i);
    const md = options.docs?.[m.id]?.trim();
    const help = md ? { text: markdownToText(md), markdown: md } : { text: m.description, markdown: m.description };
    return {
      id: m.id,
      name: m.id.replace(/(^|-)(\w)/g, (_: string, __: string, c: string) => c.toUpperCase()),
      shortDescription: { text: m.description },
      fullDescription: { text: fullDescription(m, md) },
      help,
      helpUri: ruleDocsUrl(m.id),
      defaultConfiguration: { level: sarifLevel(m.defaultSeverity) },
      properties: { tags: ['security', m.type], precision: 'high', 'problem.severity': m.defaultSeverity === 'info' ? 'recommendation' : m.defaultSeverity,
        'security-severity': SECURITY_SEVERITY[m.defaultSeverity] },
    };
  });
  const location = (path: string, range?: Range, message?: string): SarifLocation => {
    const loc: SarifLocation = { physicalLocation: { artifactLocation: { uri: uriReference(relativePath(input.root, path)), uriBaseId: SRCROOT } } };
    if (range) { loc.physicalLocation.region = sarifRegion(range); }
    if (message) { loc.message = { text: message }; }
    return loc;
  };
  const results: SarifResult[] = [];
  const notifications: Array<Record<string, unknown>> = [];
  // Texts masked (maskedInput); fingerprints computed from the findings as they came, as before.
  const masked = maskedInput(input);
  for (const report of masked.reports) {
    const rel = relativePath(input.root, report.path);
    report.findings.forEach((f, i) => {
      const r = result(f, ruleIndex.get(f.ruleId) ?? -1, report.fingerprints?.[i] ?? fallbackFingerprint(f, rel), location);
      const state = report.baselineState?.[i];
      if (state) {
        r.baselineState = state;
        if (state === 'unchanged' && !r.suppressions) {
          r.suppressions = [{ kind: 'external', status: 'accepted', justification: `In the baseline${options.baselineFile ? ` (${options.baselineFile})` : ''}.` }];
        }
      }
      results.push(r);
    });
    for (const n of report.notes) {
      notifications.push({
        level: n.code === 'internal-error' ? 'error' : n.code === 'parse-error' || n.code === 'malformed-xml' || n.code === 'unreadable' || n.code === 'too-large' ? 'warning' : 'note',
        message: { text: n.message },
        descriptor: { id: n.code },
        locations: [location(n.path)],
      });
    }
  }
  for (const a of options.absent ?? []) {
    const r: SarifResult = {
      ruleId: a.ruleId, ruleIndex: ruleIndex.get(a.ruleId) ?? -1, kind: 'pass', level: 'none',
      message: { text: `${a.count === 1 ? 'A baseline finding is' : `${a.count} baseline findings are`} no longer found.` },
      locations: [location(input.root + '/' + a.path)],
      partialFingerprints: {}, baselineState: 'absent',
    };
    if (r.ruleIndex < 0) { delete (r as Partial<SarifResult>).ruleIndex; }
    results.push(r);
  }
  const version = options.toolVersion;
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [{
      tool: { driver: { name: 'apiguard', informationUri: options.informationUri ?? INFORMATION_URI, version, semanticVersion: version, rules } },
      originalUriBaseIds: { [SRCROOT]: { uri: fileUri(input.root, true) } },
      columnKind: 'utf16CodeUnits',
      ...(options.automationId ? { automationDetails: { id: options.automationId } } : {}),
      invocations: [{ executionSuccessful: !input.cancelled, toolExecutionNotifications: notifications }],
      results,
    }],
  };
}

function fullDescription(m: RuleMeta, md: string | undefined): string {
  // The first paragraph under "## Rule Details", else the short description.
  const m2 = md ? /##\s+Rule Details\s*\n+([\s\S]*?)(?:\n\s*\n|\n#)/.exec(md) : null;
  const para = m2?.[1]?.trim();
  return para && !para.startsWith('#') && !para.startsWith('```') ? markdownToText(para) : m.description;
}

function result(f: Finding, index: number, fingerprint: string,
  location: (p: string, r?: Range, m?: string) => SarifLocation): SarifResult {
  const r: SarifResult = {
    ruleId: f.ruleId,
    ruleIndex: index,
    level: sarifLevel(f.severity),
    message: { text: f.message },
    locations: [location(f.path, f.range)],
    partialFingerprints: { [FINGERPRINT_KEY]: fingerprint },
  };
  if (index < 0) { delete (r as Partial<SarifResult>).ruleIndex; }
  if (f.related?.length) { r.relatedLocations = f.related.map((x, i) => ({ id: i + 1, ...location(x.path, x.range, x.message) })); }
  if (f.suppressed) {
    const s: NonNullable<SarifResult['suppressions']>[number] = { kind: 'inSource', status: 'accepted' };
    if (f.suppressed.justification) { s.justification = f.suppressed.justification; }
    if (f.suppressed.location) { s.location = location(f.path, f.suppressed.location); }
    r.suppressions = [s];
  }
  if (f.hints && Object.keys(f.hints).length) { r.properties = { hints: f.hints }; }
  return r;
}

/** When no text was available to fingerprint (e.g. a report built elsewhere): rule + path + message. */
function fallbackFingerprint(f: Finding, rel: string): string {
  return `${sha256(`${f.ruleId}\u0000${rel}\u0000${f.message}`)}:0`;
}
