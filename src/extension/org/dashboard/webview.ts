/// <reference lib="dom" />
/**
 * The Org Dashboard's webview script (bundled by esbuild into dist/dashboard.js with uPlot; loaded
 * only by the dashboard page, under a nonce CSP). Draws the usage charts from the model the
 * extension posts, rings the anomalies, and posts back the numbers each chart holds.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { DashboardModel, DashboardRendered } from './model';

declare function acquireVsCodeApi(): { postMessage(m: unknown): void };
const vscodeApi = acquireVsCodeApi();
const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#999999'];
let plots: uPlot[] = [];

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) { e.className = cls; }
  if (text !== undefined) { e.textContent = text; }
  return e;
}

/** Draws a red ring on each anomaly's point (a uPlot draw hook). */
function anomalyPlugin(marks: { series: number; day: number }[]): uPlot.Plugin {
  return {
    hooks: {
      draw: [u => {
        const ctx = u.ctx;
        ctx.save();
        ctx.strokeStyle = '#D55E00';
        ctx.lineWidth = 2.5 * devicePixelRatio;
        for (const m of marks) {
          const v = u.data[m.series]?.[m.day];
          if (v == null) { continue; }
          const x = u.valToPos(u.data[0][m.day], 'x', true), y = u.valToPos(v, 'y', true);
          ctx.beginPath();
          ctx.arc(x, y, 8 * devicePixelRatio, 0, 2 * Math.PI);
          ctx.stroke();
        }
        ctx.restore();
      }],
    },
  };
}

function render(model: DashboardModel): void {
  for (const p of plots) { p.destroy(); }
  plots = [];
  const root = document.getElementById('charts')!;
  root.replaceChildren();
  const rendered: DashboardRendered = { type: 'rendered', charts: [] };
  if (!model.usage) {
    root.append(el('p', 'muted', 'No API usage data: the org has neither ApiTotalUsageEventLog nor ApiTotalUsage log files readable for this user.'));
    vscodeApi.postMessage(rendered);
    return;
  }
  const days = model.usage.days;
  const xs = days.map(d => Date.parse(d + 'T00:00:00Z') / 1000);
  const width = Math.max(320, Math.min(720, root.clientWidth - 16 || 640));
  for (const c of model.usage.charts) {
    const box = el('div', 'chart');
    box.dataset.chart = c.id;
    root.append(box);
    const marks = c.marks.map(m => ({ series: c.series.findIndex(s => s.key === m.key) + 1, day: m.day })).filter(m => m.series > 0);
    const plot = new uPlot({
      title: c.title, width, height: 220,
      scales: { x: { time: true } },
      axes: [{ stroke: 'currentColor', grid: { stroke: '#8884' } }, { stroke: 'currentColor', grid: { stroke: '#8884' } }],
      series: [{}, ...c.series.map((s, k) => ({ label: s.label, stroke: PALETTE[k % PALETTE.length], width: 2, points: { show: true } }))],
      plugins: [anomalyPlugin(marks)],
    }, [xs, ...c.series.map(s => s.values)], box);
    plots.push(plot);
    rendered.charts.push({ id: c.id, days: plot.data[0].length,
      series: c.series.map((s, k) => ({ label: s.label, values: Array.from(plot.data[k + 1] as ArrayLike<number>) })), marks: marks.length });
    if (c.marks.length) {
      const ul = el('ul', 'marks');
      for (const m of c.marks) { ul.append(el('li', undefined, m.text)); }
      box.append(ul);
    }
  }
  vscodeApi.postMessage(rendered);
}

window.addEventListener('message', (e: MessageEvent<{ type: string; model?: DashboardModel }>) => {
  if (e.data?.type === 'state' && e.data.model) { render(e.data.model); }
});
vscodeApi.postMessage({ type: 'ready' });
