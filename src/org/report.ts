/**
 * Renders an inspection as text (terminal), Markdown, self-contained HTML (template
 * `media/org-report.html`) or JSON. Every output passes through `scrub`.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { scrub, scrubDeep } from './scrub';
import { usageHtml } from './charts';
import type { CheckStatus, InspectionReport } from './types';

export type ReportFormat = 'text' | 'json' | 'markdown' | 'html';

const ICON: Record<CheckStatus, string> = { pass: '✔', warn: '⚠', fail: '✖', info: 'ℹ', unavailable: '∅', partial: '◐' };
const STATUSES: CheckStatus[] = ['fail', 'warn', 'partial', 'unavailable', 'info', 'pass'];

export function setupUrl(instanceUrl: string, setupPath: string): string {
  return instanceUrl.replace(/\/+$/, '') + setupPath;
}

function counts(r: InspectionReport): Record<CheckStatus, number> {
  const c: Record<CheckStatus, number> = { fail: 0, warn: 0, partial: 0, unavailable: 0, info: 0, pass: 0 };
  for (const k of r.checks) { c[k.status]++; }
  return c;
}

function orgLine(r: InspectionReport): string {
  const o = r.org;
  const kind = o.isSandbox === true ? 'sandbox' : o.isSandbox === false ? 'production' : 'org';
  return `${o.alias ?? o.username ?? o.instanceUrl} (${kind}, ${o.instanceUrl}, API ${o.apiVersion})${o.healthScore !== undefined ? ` · Health Check ${o.healthScore}%` : ''}`;
}

export function renderText(r: InspectionReport, opts: { color?: boolean } = {}): string {
  r = scrubDeep(r, true);   // org data is masked and shows no terminal escape sequence
  const col = (s: CheckStatus, t: string) => {
    if (!opts.color) { return t; }
    const code = { fail: 31, warn: 33, pass: 32, info: 36, unavailable: 90, partial: 35 }[s];
    return `\x1b[${code}m${t}\x1b[0m`;
  };
  const lines: string[] = [`Org security: ${orgLine(r)}`, ''];
  for (const g of r.groups) {
    lines.push(col(g.status, `${ICON[g.status]} ${g.title} [${g.status}]`));
    for (const c of g.checks) {
      lines.push(`  ${col(c.status, ICON[c.status])} ${c.title}: ${c.summary}`);
      for (const i of c.items.slice(0, 20)) { lines.push(`      ${i.status ? ICON[i.status] + ' ' : '- '}${i.label}${i.detail ? ` — ${i.detail}` : ''}`); }
      if (c.items.length > 20) { lines.push(`      … ${c.items.length - 20} more`); }
      if (c.reason) { lines.push(`      ${c.reason}`); }
    }
  }
  const n = counts(r);
  lines.push('', `${r.checks.length} checks: ${n.fail} fail, ${n.warn} warn, ${n.partial} partial, ${n.unavailable} unavailable, ${n.info} info, ${n.pass} pass · ${r.requests} API requests · ${r.durationMs} ms`);
  for (const note of r.notes) { lines.push(`note: ${note}`); }
  return scrub(lines.join('\n') + '\n');
}

const mdEsc = (s: string) => s.replace(/([\\`*_[\]|<>])/g, '\\$1');

export function renderMarkdown(r: InspectionReport): string {
  r = scrubDeep(r);   // before escaping
  const n = counts(r);
  const out: string[] = [`# Org API security: ${mdEsc(r.org.alias ?? r.org.username ?? r.org.instanceUrl)}`, '',
    `${mdEsc(orgLine(r))}  `, `Inspected ${r.startedAt} · ${r.requests} API requests · ${r.durationMs} ms`, '',
    `**${n.fail} fail · ${n.warn} warn · ${n.partial} partial · ${n.unavailable} unavailable · ${n.info} info · ${n.pass} pass**`, '',
    '| Group | Status | Checks |', '|---|---|---|',
    ...r.groups.map(g => `| ${g.title} | ${ICON[g.status]} ${g.status} | ${g.checks.length} |`), ''];
  for (const g of r.groups) {
    out.push(`## ${ICON[g.status]} ${g.title}`, '');
    for (const c of g.checks) {
      out.push(`### ${ICON[c.status]} ${mdEsc(c.title)} — ${c.status}`, '', mdEsc(c.summary), '');
      for (const i of c.items) { out.push(`- ${i.status ? ICON[i.status] + ' ' : ''}${mdEsc(i.label)}${i.detail ? ` — ${mdEsc(i.detail)}` : ''}`); }
      if (c.items.length) { out.push(''); }
      if (c.reason) { out.push(`> ${mdEsc(c.reason)}`, ''); }
      out.push(`**Fix:** ${mdEsc(c.remediation)} ([Setup](${setupUrl(r.org.instanceUrl, c.setupPath)}))`, '');
    }
  }
  if (r.notes.length) { out.push('## Notes', '', ...r.notes.map(n => `- ${mdEsc(n)}`), ''); }
  return scrub(out.join('\n'));
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const FALLBACK_TEMPLATE = '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>{{title}}</title></head><body><h1>{{title}}</h1><div class="meta">{{meta}}</div>{{body}}</body></html>';

function loadTemplate(): string {
  // dist/org.js → ../media; out/src/org/report.js → ../../../media
  for (const rel of ['../media', '../../media', '../../../media']) {
    const p = path.join(__dirname, rel, 'org-report.html');
    if (existsSync(p)) { return readFileSync(p, 'utf8'); }
  }
  return FALLBACK_TEMPLATE;
}

export function renderHtml(r: InspectionReport, template = loadTemplate()): string {
  r = scrubDeep(r);   // before escaping
  const n = counts(r);
  const pills = STATUSES.map(s => `<span class="pill ${s}">${n[s]} ${s}</span>`).join('');
  const body = [`<div class="summary">${pills}</div>`];
  for (const g of r.groups) {
    body.push(`<section id="${esc(g.id)}"><h2><span class="pill ${g.status}">${g.status}</span>${esc(g.title)}</h2>`);
    for (const c of g.checks) {
      body.push(`<div class="check" id="${esc(c.id)}"><h3><span class="pill ${c.status}">${c.status}</span>${esc(c.title)}</h3><p class="sum">${esc(c.summary)}</p>`);
      if (c.items.length) { body.push('<ul>' + c.items.map(i => `<li>${i.status ? `<span class="pill ${i.status}">${i.status}</span> ` : ''}${esc(i.label)}${i.detail ? ` <span class="d">— ${esc(i.detail)}</span>` : ''}</li>`).join('') + '</ul>'); }
      if (c.reason) { body.push(`<p class="reason">${esc(c.reason)}</p>`); }
      body.push(`<p class="fix"><strong>Fix:</strong> ${esc(c.remediation)} <a href="${esc(setupUrl(r.org.instanceUrl, c.setupPath))}">Open in Setup</a></p></div>`);
    }
    body.push('</section>');
    // The API usage charts (static SVG) right after their group.
    if (g.id === 'api-usage') { body.push(usageHtml(r.usage)); }
  }
  if (r.notes.length) { body.push(`<section id="notes"><h2>Notes</h2><ul>${r.notes.map(n => `<li>${esc(n)}</li>`).join('')}</ul></section>`); }
  const title = `Org API security: ${r.org.alias ?? r.org.username ?? r.org.instanceUrl}`;
  const meta = `${orgLine(r)} · inspected ${r.startedAt} · ${r.requests} API requests · ${r.durationMs} ms`;
  return scrub(template.replace(/\{\{title\}\}/g, esc(title)).replace('{{meta}}', esc(meta)).replace('{{body}}', body.join('\n')));
}

export function renderJson(r: InspectionReport): string {
  r = scrubDeep(r);
  return scrub(JSON.stringify({
    tool: r.tool, org: r.org, startedAt: r.startedAt, durationMs: r.durationMs, requests: r.requests,
    groups: r.groups.map(g => ({ id: g.id, title: g.title, status: g.status })),
    checks: r.checks.map(c => ({ id: c.id, group: c.group, status: c.status, title: c.title, summary: c.summary, items: c.items, remediation: c.remediation, setupUrl: setupUrl(r.org.instanceUrl, c.setupPath), ...(c.reason ? { reason: c.reason } : {}), ...(c.cause ? { cause: c.cause } : {}), ...(c.read ? { read: c.read } : {}), ...(c.skipped ? { skipped: true } : {}) })),
    notes: r.notes,
    ...(r.coverage ? { coverage: r.coverage } : {}),
    ...(r.usage ? { usage: r.usage } : {}),
  }, null, 2) + '\n');
}

export function render(r: InspectionReport, format: ReportFormat, opts: { color?: boolean } = {}): string {
  switch (format) {
    case 'json': return renderJson(r);
    case 'markdown': return renderMarkdown(r);
    case 'html': return renderHtml(r);
    default: return renderText(r, opts);
  }
}
