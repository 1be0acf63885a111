/**
 * API usage as static SVG line charts (the HTML report; no script, no external resource). Each
 * chart carries its numbers in `data-*` attributes and a <title> per point, so they can be read
 * back by tests and by screen readers. Pure string building: no IO.
 */
import type { ApiUsage, UsageSeries } from './types';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
/** Colour-blind-safe palette (Okabe–Ito). */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#000000'];

export interface ChartSpec {
  id: string;
  title: string;
  days: string[];
  series: { key: string; label: string; values: number[] }[];
  /** Points to mark (anomalies): series key + day index + text. */
  marks: { key: string; day: number; text: string }[];
}

/** The charts of the dashboard and the report: all requests, per app, per user, per client IP (top 5). */
export function usageCharts(u: ApiUsage): ChartSpec[] {
  const marksFor = (keys: string[]) => u.anomalies.filter(a => a.series && keys.includes(a.series))
    .map(a => ({ key: a.series!, day: u.days.indexOf(a.day), text: `${a.label}: ${a.detail}` })).filter(m => m.day >= 0);
  const of = (list: UsageSeries[]) => list.slice(0, 5).map(x => ({ key: x.key, label: x.label, values: x.perDay }));
  const spec = (id: string, title: string, series: ChartSpec['series']): ChartSpec => ({ id, title, days: u.days, series, marks: marksFor(series.map(x => x.key)) });
  return [
    spec('total', 'All API requests per day', [{ key: 'total', label: 'All requests', values: u.total }]),
    spec('apps', 'Requests per day by connected app', of(u.byApp)),
    spec('users', 'Requests per day by user', of(u.byUser)),
    spec('ips', 'Requests per day by client IP', of(u.byIp)),
  ];
}

/** One line chart as an inline SVG (640×220), anomalies as red rings. */
export function svgChart(c: ChartSpec): string {
  const W = 640, H = 220, L = 56, R = 24, T = 28, B = 36;
  const max = Math.max(1, ...c.series.flatMap(s => s.values));
  const x = (i: number) => L + (c.days.length <= 1 ? 0 : (i * (W - L - R)) / (c.days.length - 1));
  const y = (v: number) => T + (H - T - B) * (1 - v / max);
  const out: string[] = [`<svg class="chart" role="img" aria-labelledby="${esc(c.id)}-t" viewBox="0 0 ${W} ${H}" width="${W}" height="${H}" data-chart="${esc(c.id)}" data-days="${esc(c.days.join(','))}" xmlns="http://www.w3.org/2000/svg">`,
    `<title id="${esc(c.id)}-t">${esc(c.title)}</title>`, `<text x="${L}" y="16" class="ct">${esc(c.title)}</text>`];
  for (const f of [0, 0.5, 1]) {
    const v = Math.round(max * f);
    out.push(`<line x1="${L}" x2="${W - R}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" class="grid"/><text x="${L - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" class="ax">${v.toLocaleString('en-US')}</text>`);
  }
  c.days.forEach((d, i) => { if (c.days.length <= 8 || i % 2 === 0 || i === c.days.length - 1) { out.push(`<text x="${x(i).toFixed(1)}" y="${H - 14}" text-anchor="middle" class="ax">${esc(d.slice(5))}</text>`); } });
  if (!c.series.length) { out.push(`<text x="${W / 2}" y="${H / 2}" text-anchor="middle" class="ax">no data</text>`); }
  c.series.forEach((s, k) => {
    const color = PALETTE[k % PALETTE.length];
    const pts = s.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    out.push(`<g data-series="${esc(s.key)}" data-label="${esc(s.label)}" data-values="${s.values.join(',')}"><polyline points="${pts}" fill="none" stroke="${color}" stroke-width="2"/>`);
    s.values.forEach((v, i) => out.push(`<circle cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="3" fill="${color}"><title>${esc(`${s.label} · ${c.days[i]}: ${v.toLocaleString('en-US')} requests`)}</title></circle>`));
    out.push('</g>');
  });
  for (const m of c.marks) {
    const s = c.series.find(x2 => x2.key === m.key);
    if (!s) { continue; }
    out.push(`<circle class="anomaly" data-anomaly="${esc(m.key)}" data-day="${esc(c.days[m.day])}" cx="${x(m.day).toFixed(1)}" cy="${y(s.values[m.day]).toFixed(1)}" r="8" fill="none" stroke="#D55E00" stroke-width="2.5"><title>${esc(m.text)}</title></circle>`);
  }
  // Legend under the title.
  let lx = L + 8 + c.title.length * 6.5;
  c.series.forEach((s, k) => {
    const label = s.label.length > 28 ? s.label.slice(0, 27) + '…' : s.label;
    if (lx + 14 + label.length * 6 > W) { return; }
    out.push(`<rect x="${lx.toFixed(0)}" y="8" width="10" height="10" fill="${PALETTE[k % PALETTE.length]}"/><text x="${(lx + 14).toFixed(0)}" y="17" class="lg">${esc(label)}</text>`);
    lx += 24 + label.length * 6;
  });
  out.push('</svg>');
  return out.join('');
}

/** The usage section of the HTML report (empty without usage data). */
export function usageHtml(u: ApiUsage | undefined): string {
  if (!u) { return ''; }
  const from = u.source === 'event-log-object' ? 'ApiTotalUsageEventLog' : 'ApiTotalUsage log files';
  const list = u.anomalies.length
    ? `<ul>${u.anomalies.map(a => `<li><span class="pill warn">${esc(a.kind)}</span> ${esc(a.label)} <span class="d">— ${esc(a.detail)}</span></li>`).join('')}</ul>`
    : '<p>No anomaly.</p>';
  const skipped = u.skipped.length ? `<p class="reason">Skipped: ${esc(u.skipped.join('; '))}</p>` : '';
  return `<section id="usage"><h2>API usage, ${esc(u.days[0] ?? '')} – ${esc(u.days[u.days.length - 1] ?? '')}</h2><p class="sum">From ${esc(from)}; anomalies ringed in red.</p>` +
    `<div class="charts">${usageCharts(u).map(svgChart).join('')}</div><h3>Anomalies</h3>${list}${skipped}</section>`;
}
