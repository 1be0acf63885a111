/**
 * "API Guard: Open Org Dashboard": a webview beside the Org Security tree with the Health Check
 * score, the ten groups at a glance and the API usage charts. The page is built here (no script
 * needed for the numbers); the charts are drawn by dist/dashboard.js (uPlot), loaded only by this
 * page under a strict CSP: a nonce for the one script and stylesheet, nothing from the network.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { InspectionReport } from '../../../org/types';
import type { ChartSpec } from '../../../org/charts';
import { dashboardModel, type DashboardModel, type DashboardRendered } from './model';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const LABEL: Record<string, string> = { fail: 'fail', warn: 'warn', partial: 'partial', unavailable: 'unavailable', info: 'info', pass: 'pass' };

export class OrgDashboard implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private model: DashboardModel | undefined;
  private ready = false;
  private rendered: DashboardRendered | undefined;
  private waiters: ((r: DashboardRendered) => void)[] = [];

  constructor(private readonly extensionUri: vscode.Uri, private readonly org: () => {
    usageCharts(u: NonNullable<InspectionReport['usage']>): ChartSpec[];
    /** The one masking of every output channel (src/org/scrub.ts): the dashboard is one. */
    scrubDeep<T>(value: T): T;
  }) {}

  /** Opens (or updates) the dashboard; resolves when the webview has drawn the charts. */
  show(report: InspectionReport): Promise<DashboardRendered> {
    const org = this.org();
    this.model = org.scrubDeep(dashboardModel(report, u => org.usageCharts(u)));
    this.rendered = undefined;
    const done = new Promise<DashboardRendered>(r => this.waiters.push(r));
    if (!this.panel) {
      const dist = vscode.Uri.joinPath(this.extensionUri, 'dist');
      this.panel = vscode.window.createWebviewPanel('apiguard.orgDashboard', 'API Guard: Org Dashboard', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false },
        { enableScripts: true, enableCommandUris: false, retainContextWhenHidden: false, localResourceRoots: [dist] });
      this.ready = false;
      this.panel.onDidDispose(() => { this.panel = undefined; this.ready = false; });
      this.panel.webview.onDidReceiveMessage((m: { type?: string }) => {
        if (m.type === 'ready') { this.ready = true; this.post(); }
        if (m.type === 'rendered') {
          this.rendered = m as DashboardRendered;
          for (const w of this.waiters.splice(0)) { w(this.rendered); }
        }
      });
      this.panel.webview.html = this.html(this.panel.webview, dist);
    } else {
      this.panel.webview.html = this.html(this.panel.webview, vscode.Uri.joinPath(this.extensionUri, 'dist'));
      this.ready = false;
      this.panel.reveal(vscode.ViewColumn.Beside);
    }
    return done;
  }

  /** A new inspection: redraws the dashboard when it is open (never opens it). */
  update(report: InspectionReport): void {
    if (this.panel) { void this.show(report); }
  }

  /** The model shown and what the charts hold (for tests and `Copy`). */
  state(): { model?: DashboardModel; rendered?: DashboardRendered } { return { model: this.model, rendered: this.rendered }; }

  private post(): void {
    if (this.panel && this.ready && this.model) { void this.panel.webview.postMessage({ type: 'state', model: this.model }); }
  }

  private html(webview: vscode.Webview, dist: vscode.Uri): string {
    const m = this.model!;
    const nonce = randomBytes(16).toString('base64');
    const script = webview.asWebviewUri(vscode.Uri.joinPath(dist, 'dashboard.js'));
    const css = webview.asWebviewUri(vscode.Uri.joinPath(dist, 'dashboard.css'));
    const csp = `default-src 'none'; script-src 'nonce-${nonce}'; style-src ${webview.cspSource} 'nonce-${nonce}'; img-src ${webview.cspSource} data:; font-src ${webview.cspSource};`;
    const score = m.healthScore === undefined ? '<div class="score none" data-score="">–</div>'
      : `<div class="score ${m.healthScore >= 80 ? 'pass' : m.healthScore >= 55 ? 'warn' : 'fail'}" data-score="${m.healthScore}">${m.healthScore}%</div>`;
    const groups = m.groups.map(g => `<div class="group ${g.status}" data-group="${esc(g.id)}" data-status="${g.status}"><div class="gt">${esc(g.title)}</div><div class="gs">${LABEL[g.status]}</div>` +
      `<div class="gc">${Object.entries(g.counts).map(([s, n]) => `${n} ${s}`).join(' · ')}</div></div>`).join('');
    const anomalies = m.usage?.anomalies.length
      ? `<ul class="anomalies">${m.usage.anomalies.map(a => `<li><b>${esc(a.kind)}</b> ${esc(a.label)} — ${esc(a.detail)}</li>`).join('')}</ul>` : '<p class="muted">No anomaly in the window.</p>';
    return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${css.toString()}" nonce="${nonce}">
<style nonce="${nonce}">
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); padding: 0 1rem 2rem; }
.head { display: flex; gap: 1.2rem; align-items: center; } .score { font-size: 2.4rem; font-weight: 700; }
.pass { --c: var(--vscode-testing-iconPassed, #2e7d32); } .warn, .partial { --c: var(--vscode-list-warningForeground, #b26a00); }
.fail { --c: var(--vscode-testing-iconFailed, #c62828); } .info { --c: var(--vscode-charts-blue, #1565c0); } .unavailable, .none { --c: var(--vscode-disabledForeground, #777); }
.score { color: var(--c); } .groups { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: .6rem; margin: 1rem 0; }
.group { border: 1px solid var(--vscode-panel-border, #8884); border-left: 5px solid var(--c); border-radius: 4px; padding: .5rem .7rem; }
.gt { font-weight: 600; } .gs { color: var(--c); font-weight: 600; text-transform: uppercase; font-size: .8rem; } .gc, .muted { opacity: .75; font-size: .85rem; }
.chart { margin: .8rem 0 1.2rem; } .marks { font-size: .85rem; margin: .2rem 0 0 1rem; } .u-legend { font-size: .8rem; }
</style><title>Org Dashboard</title></head><body data-org="${esc(m.org)}">
<div class="head">${score}<div><h2>${esc(m.org)}</h2><div class="muted">Health Check score · inspected ${esc(m.inspectedAt)}</div></div></div>
<div class="groups">${groups}</div>
<h2>API usage${m.usage ? ` (${esc(m.usage.days[0])} – ${esc(m.usage.days[m.usage.days.length - 1])}, ${esc(m.usage.source)})` : ''}</h2>
<div id="charts"></div>
<h3>Anomalies</h3>${anomalies}${m.usage?.skipped.length ? `<p class="muted">Skipped: ${esc(m.usage.skipped.join('; '))}</p>` : ''}
<script nonce="${nonce}" src="${script.toString()}"></script>
</body></html>`;
  }

  dispose(): void { this.panel?.dispose(); }
}
