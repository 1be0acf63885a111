import { safeTerminal } from '../redact';
import { grantSummary } from './access';
import { dataText, entryRows, lensText, runsText, type EntryRow } from './inventory';
import { orgSummary } from './orgAccess';
import { CHANNEL_LABEL, channelLabel, type Channel, type SurfaceInventory } from './types';

/**
 * `apiguard surface` output: the inventory as text, JSON, Markdown or self-contained HTML, for a
 * security review. Paths are relative to the project root. Pure: no IO.
 */
export type SurfaceFormat = 'text' | 'json' | 'markdown' | 'html';

function rel(root: string, p: string): string {
  const r = root.endsWith('/') ? root : `${root}/`;
  return p.startsWith(r) ? p.slice(r.length) : p;
}

export function surfaceJson(inv: SurfaceInventory, root: string): object {
  return {
    formatVersion: 1,
    entryPoints: entryRows(inv).map(r => ({
      channel: r.entry.channel, label: channelLabel(r.entry), class: r.cls.name, method: r.entry.methodName,
      path: rel(root, r.entry.path), line: r.entry.range.start.line + 1,
      ...(r.entry.httpMethod ? { httpMethod: r.entry.httpMethod, urlMapping: r.entry.urlMapping } : {}),
      ...(r.entry.cacheable !== undefined ? { cacheable: r.entry.cacheable } : {}),
      sharingDeclared: r.entry.sharingDecl, sharing: r.entry.sharing,
      grants: r.grants.map(g => ({ kind: g.kind, name: g.name, guest: g.guest, path: rel(root, g.path), ...(g.via ? { via: g.via } : {}) })),
      operations: r.entry.ops.map(o => ({ kind: o.kind, mode: o.mode, sharing: o.sharing, what: o.what, in: o.where, path: rel(root, o.loc.path), line: o.loc.range.start.line + 1 })),
      ...(r.org ? { org: { state: r.org.state, grants: r.org.grants.map(g => ({ kind: g.kind, name: g.name, ...(g.apiName ? { apiName: g.apiName } : {}), guest: g.guest, ...(g.guestVia ? { guestVia: g.guestVia } : {}) })), ...(r.org.why ? { why: r.org.why } : {}) } } : {}),
      reaches: r.entry.reaches,
      ...(r.entry.truncated ? { truncated: true } : {}),
      risks: r.risks.map(k => ({ id: k.id, summary: k.summary, path: k.related.map(l => ({ path: rel(root, l.path), line: l.range.start.line + 1, message: l.message })) })),
    })),
    apiClients: inv.apiClients.map(a => ({ name: a.name, scopes: a.scopes, path: rel(root, a.path) })),
    accessMetadata: inv.hasAccessMetadata,
    ...(inv.org ? { org: { name: inv.org.org, requests: inv.org.requests, complete: orgComplete(inv), notes: inv.org.notes } } : {}),
    notes: inv.notes,
  };
}

export function formatSurface(inv: SurfaceInventory, root: string, format: SurfaceFormat): string {
  if (format === 'json') { return JSON.stringify(surfaceJson(inv, root), null, 2) + '\n'; }
  const rows = entryRows(inv);
  const risky = rows.filter(r => r.risks.length).length;
  const head = `${rows.length} entry point${rows.length === 1 ? '' : 's'} in ${inv.classes.length} class${inv.classes.length === 1 ? '' : 'es'}, ${risky} with risks`;
  if (format === 'text') { return text(rows, inv, root, head); }
  if (format === 'markdown') { return markdown(rows, inv, root, head); }
  return html(rows, inv, root, head);
}

/** Every exposed class's org grants were read in full (no org asked: true). */
export function orgComplete(inv: SurfaceInventory): boolean {
  return entryRows(inv).every(r => r.org?.state !== 'unknown');
}

const orgLine = (inv: SurfaceInventory, r: EntryRow) => r.org ? `in the org ${inv.org?.org ?? ''}: ${orgSummary(r.org)}` : '';

function groups(rows: EntryRow[]): Array<[Channel, EntryRow[]]> {
  const out = new Map<Channel, EntryRow[]>();
  for (const r of rows) { (out.get(r.entry.channel) ?? out.set(r.entry.channel, []).get(r.entry.channel)!).push(r); }
  return [...out];
}

function text(rows: EntryRow[], inv: SurfaceInventory, root: string, head: string): string {
  const lines: string[] = [`API surface: ${head}`];
  for (const [ch, list] of groups(rows)) {
    lines.push('', `${CHANNEL_LABEL[ch]} (${list.length})`);
    for (const r of list) {
      lines.push(`  ${safeTerminal(r.cls.name)}.${safeTerminal(r.entry.methodName)}  ${safeTerminal(rel(root, r.entry.path))}:${r.entry.range.start.line + 1}`);
      lines.push(`    ${safeTerminal(lensText(r))}`);
      lines.push(`    callers: ${safeTerminal(r.grants.length ? r.grants.map(g => `${g.name}${g.guest ? ' (guest)' : ''}`).join(', ') : grantSummary(r.grants))}`);
      if (r.org) { lines.push(`    ${safeTerminal(orgLine(inv, r))}`); }
      lines.push(`    runs: ${runsText(r)}; data: ${safeTerminal(dataText(r))}${r.entry.truncated ? ' (call graph cut: more methods than are followed per entry point)' : ''}`);
      for (const k of r.risks) { lines.push(`    ! ${k.id}: ${safeTerminal(k.summary)}`); }
    }
  }
  if (inv.apiClients.length) { lines.push('', `Connected apps with API scopes: ${inv.apiClients.map(a => `${safeTerminal(a.name)} (${a.scopes.join(', ')})`).join('; ')}`); }
  if (!inv.hasAccessMetadata) { lines.push('', 'No profiles or permission sets in the project: who may call each class is decided in the org (connect one in VS Code to see it).'); }
  if (inv.org) {
    const unknown = rows.filter(r => r.org?.state === 'unknown').length;
    lines.push('', `Org ${safeTerminal(inv.org.org)}: ${inv.org.requests} API request${inv.org.requests === 1 ? '' : 's'}${unknown ? `; org grants unknown for ${unknown} entry point${unknown === 1 ? '' : 's'}` : ''}`);
    for (const n of inv.org.notes) { lines.push(`org note: ${safeTerminal(n)}`); }
  }
  for (const n of inv.notes) { lines.push(`note: ${safeTerminal(n)}`); }
  return lines.join('\n') + '\n';
}

const mdCell = (s: string) => safeTerminal(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');

function markdown(rows: EntryRow[], inv: SurfaceInventory, root: string, head: string): string {
  const out: string[] = ['# API surface', '', head, ''];
  for (const [ch, list] of groups(rows)) {
    out.push(`## ${CHANNEL_LABEL[ch]} (${list.length})`, '', '| entry point | callers | runs | data | risks |', '|---|---|---|---|---|');
    for (const r of list) {
      out.push(`| \`${mdCell(r.cls.name)}.${mdCell(r.entry.methodName)}\` ${mdCell(channelLabel(r.entry))}<br>${mdCell(rel(root, r.entry.path))}:${r.entry.range.start.line + 1} | ${mdCell(r.grants.map(g => `${g.name}${g.guest ? ' (guest)' : ''}`).join(', ') || grantSummary(r.grants))}${r.org ? `<br>${mdCell(orgLine(inv, r))}` : ''} | ${mdCell(runsText(r))} | ${mdCell(dataText(r))} | ${r.risks.map(k => `**${k.id}**: ${mdCell(k.summary)}`).join('<br>') || '—'} |`);
    }
    out.push('');
  }
  if (inv.apiClients.length) { out.push(`Connected apps with API scopes: ${inv.apiClients.map(a => `${mdCell(a.name)} (${a.scopes.join(', ')})`).join('; ')}`, ''); }
  for (const n of [...(inv.org?.notes ?? []), ...inv.notes]) { out.push(`> note: ${mdCell(n)}`); }
  return out.join('\n') + '\n';
}

const h = (s: string) => safeTerminal(s).replace(/[&<>"']/g, c => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]!));

function html(rows: EntryRow[], inv: SurfaceInventory, root: string, head: string): string {
  const sections = groups(rows).map(([ch, list]) => `<h2>${h(CHANNEL_LABEL[ch])} (${list.length})</h2>
<table><thead><tr><th>entry point</th><th>callers</th><th>runs</th><th>data</th><th>risks</th></tr></thead><tbody>
${list.map(r => `<tr${r.risks.length ? ' class="risk"' : ''}><td><code>${h(r.cls.name)}.${h(r.entry.methodName)}</code><br>${h(channelLabel(r.entry))}<br><small>${h(rel(root, r.entry.path))}:${r.entry.range.start.line + 1}</small></td><td>${h(r.grants.map(g => `${g.name}${g.guest ? ' (guest)' : ''}`).join(', ') || grantSummary(r.grants))}${r.org ? `<br>${h(orgLine(inv, r))}` : ''}</td><td>${h(runsText(r))}</td><td>${h(dataText(r))}</td><td>${r.risks.map(k => `<b>${h(k.id)}</b>: ${h(k.summary)}`).join('<br>') || '—'}</td></tr>`).join('\n')}
</tbody></table>`).join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>API surface</title><style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse;width:100%}td,th{border:1px solid #ccc;padding:4px 8px;vertical-align:top;text-align:left}tr.risk td:last-child{color:#a00}</style></head>
<body><h1>API surface</h1><p>${h(head)}</p>
${sections}
${[...(inv.org?.notes ?? []), ...inv.notes].map(n => `<p><small>note: ${h(n)}</small></p>`).join('\n')}
</body></html>
`;
}
