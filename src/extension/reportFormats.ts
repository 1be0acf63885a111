/**
 * Markdown and HTML reports of a workspace scan (Export Report). Pure: no `vscode`, no IO. SARIF comes
 * from `src/core/report/sarif.ts`. No secret can appear: messages are redacted by the rules and masked
 * again here (`maskedInput`).
 */
import type { RuleMeta } from '../core/rule';
import { ruleDocsUrl } from '../core/rule';
import { relativePath, summarise, type ReportInput } from '../core/report/model';
import { maskedInput } from '../core/report/mask';
import type { Finding } from '../core/types';

const ORDER = { error: 0, warning: 1, info: 2 } as const;

function rows(input: ReportInput): Array<{ rel: string; f: Finding }> {
  return maskedInput(input).reports.flatMap(r => r.findings.filter(f => !f.suppressed).map(f => ({ rel: relativePath(input.root, r.path), f })))
    .sort((a, b) => ORDER[a.f.severity] - ORDER[b.f.severity] || a.rel.localeCompare(b.rel) || a.f.range.start.line - b.f.range.start.line);
}

function byRule(input: ReportInput): Array<[string, number]> {
  const m = new Map<string, number>();
  for (const { f } of rows(input)) { m.set(f.ruleId, (m.get(f.ruleId) ?? 0) + 1); }
  return [...m].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
function summaryText(input: ReportInput, s: ReturnType<typeof summarise>): string {
  return `${count(s.error, 'error')}, ${count(s.warning, 'warning')}, ${s.info} info in ${s.filesWithFindings} of ${count(s.filesScanned, 'file')}` +
    `${s.suppressed ? ` (${s.suppressed} suppressed)` : ''}${input.cancelled ? ' (scan cancelled: partial results)' : ''}`;
}

const mdCell = (s: string) => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

export function toMarkdown(input: ReportInput, rules: readonly RuleMeta[], toolVersion: string, title = 'API Guard report'): string {
  const s = summarise(input);
  const desc = new Map(rules.map(r => [r.id, r.description]));
  const out = [`# ${title}`, '',
    `${summaryText(input, s)}. API Guard ${toolVersion}.`, ''];
  const counts = byRule(input);
  if (counts.length) {
    out.push('## Rules', '', '| Rule | Findings | Description |', '|---|---:|---|');
    for (const [id, n] of counts) { out.push(`| [${id}](${ruleDocsUrl(id)}) | ${n} | ${mdCell(desc.get(id) ?? '')} |`); }
    out.push('', '## Findings', '', '| Severity | File | Line | Rule | Message |', '|---|---|---:|---|---|');
    for (const { rel, f } of rows(input)) {
      out.push(`| ${f.severity} | ${mdCell(rel)} | ${f.range.start.line + 1} | ${f.ruleId} | ${mdCell(f.message)} |`);
    }
  } else {
    out.push('No findings.');
  }
  out.push('');
  return out.join('\n');
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** A self-contained HTML page (inline styles only, no scripts, a CSP that forbids everything else). */
export function toHtml(input: ReportInput, rules: readonly RuleMeta[], toolVersion: string, title = 'API Guard report'): string {
  const s = summarise(input);
  const desc = new Map(rules.map(r => [r.id, r.description]));
  const counts = byRule(input);
  const body = counts.length ? `
<h2>Rules</h2>
<table><thead><tr><th>Rule</th><th>Findings</th><th>Description</th></tr></thead><tbody>
${counts.map(([id, n]) => `<tr><td><a href="${esc(ruleDocsUrl(id))}">${esc(id)}</a></td><td class="n">${n}</td><td>${esc(desc.get(id) ?? '')}</td></tr>`).join('\n')}
</tbody></table>
<h2>Findings</h2>
<table><thead><tr><th>Severity</th><th>File</th><th>Line</th><th>Rule</th><th>Message</th></tr></thead><tbody>
${rows(input).map(({ rel, f }) => `<tr class="${f.severity}"><td>${f.severity}</td><td>${esc(rel)}</td><td class="n">${f.range.start.line + 1}</td><td>${esc(f.ruleId)}</td><td>${esc(f.message)}</td></tr>`).join('\n')}
</tbody></table>` : '<p>No findings.</p>';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${esc(title)}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2em;color:#1f2328}table{border-collapse:collapse;width:100%;margin-bottom:2em}
th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f6f8fa}.n{text-align:right}
tr.error td:first-child{color:#cf222e;font-weight:600}tr.warning td:first-child{color:#9a6700;font-weight:600}tr.info td:first-child{color:#0969da}
</style></head><body>
<h1>${esc(title)}</h1>
<p>${esc(summaryText(input, s))}. API Guard ${esc(toolVersion)}.</p>
${body}
</body></html>
`;
}
