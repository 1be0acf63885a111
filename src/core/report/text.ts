import type { Finding, Severity } from '../types';
import { safeTerminal } from '../redact';
import { maskedInput } from './mask';
import { atOrAbove, relativePath, summarise, type FailOn, type ReportInput, type Summary } from './model';

export interface TextOptions {
  /** ANSI colours (the CLI sets this only when writing to a terminal). */
  color?: boolean;
  /** Show only unsuppressed findings at or above this level, no notes, no summary when clean. */
  quiet?: boolean;
  failOn?: FailOn;
}

const ANSI = { red: 31, yellow: 33, cyan: 36, gray: 90, bold: 1, dim: 2, green: 32 } as const;
type Style = keyof typeof ANSI;
const SEVERITY_STYLE: Record<Severity, Style> = { error: 'red', warning: 'yellow', info: 'cyan' };

/**
 * Human-readable report grouped by file:
 *   force-app/main/default/classes/Pay.cls
 *     force-app/main/default/classes/Pay.cls:12:35 error hardcoded-secret Salesforce access token …
 *     note: parse-error: Apex syntax error near line 40 …
 *
 *   ✖ 1 error, 0 warnings, 0 info (1 suppressed) in 34 files, 0.41 s
 * Each finding line is `file:line:col severity rule message` (1-based), clickable in terminals.
 */
export function formatText(input: ReportInput, options: TextOptions = {}): string {
  input = maskedInput(input);   // no secret, and (t below) no terminal control sequence from files
  const t = safeTerminal;
  const c = (style: Style, s: string) => (options.color ? `\u001b[${ANSI[style]}m${s}\u001b[0m` : s);
  const out: string[] = [];
  const threshold: FailOn = options.failOn ?? 'info';
  const shown = (f: Finding) => !options.quiet || (!f.suppressed && atOrAbove(f.severity, threshold));
  for (const r of input.reports) {
    const findings = r.findings.filter(shown);
    const notes = options.quiet ? [] : r.notes;
    if (!findings.length && !notes.length) { continue; }
    const rel = t(relativePath(input.root, r.path) || r.path);
    out.push(c('bold', rel));
    for (const f of findings) {
      const where = `${rel}:${f.range.start.line + 1}:${f.range.start.character + 1}`;
      if (f.suppressed) {
        const why = f.suppressed.justification ? `: ${t(f.suppressed.justification)}` : '';
        out.push(c('gray', `  ${where} ${f.severity} ${t(f.ruleId)} ${t(f.message)} [suppressed (${f.suppressed.kind})${why}]`));
      } else {
        out.push(`  ${c('dim', where)} ${c(SEVERITY_STYLE[f.severity], f.severity)} ${c('gray', t(f.ruleId))} ${t(f.message)}`);
      }
    }
    for (const n of notes) { out.push(`  ${c('gray', `note: ${t(n.code)}:`)} ${t(n.message)}`); }
    out.push('');
  }
  const s = summarise(input);
  if (!(options.quiet && s.error + s.warning + s.info === 0)) { out.push(summaryLine(s, !!input.cancelled, c)); }
  return out.length ? out.join('\n') + '\n' : '';
}

function plural(n: number, word: string): string { return `${n} ${word}${n === 1 || word === 'info' ? '' : 's'}`; }

export function summaryLine(s: Summary, cancelled: boolean, c: (style: Style, s: string) => string = (_st, x) => x): string {
  const problems = s.error + s.warning + s.info;
  const mark = s.error ? c('red', '✖') : problems ? c('yellow', '⚠') : c('green', '✔');
  const counts = `${plural(s.error, 'error')}, ${plural(s.warning, 'warning')}, ${plural(s.info, 'info')}`;
  const extra = [s.suppressed ? `${s.suppressed} suppressed` : '', s.notes ? plural(s.notes, 'note') : ''].filter(Boolean).join(', ');
  const time = s.durationMs >= 1000 ? `${(s.durationMs / 1000).toFixed(1)} s` : `${Math.round(s.durationMs)} ms`;
  return `${mark} ${counts}${extra ? ` (${extra})` : ''} in ${plural(s.filesScanned, 'file')}, ${time}${cancelled ? ' (cancelled)' : ''}`;
}
