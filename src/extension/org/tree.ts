/**
 * The "Org Security" tree: org → the ten groups (worst-status icon) → checks (summary) → items.
 * Holds the last inspection until Refresh. Only types come from src/org: the jsforce bundle is
 * loaded elsewhere, lazily.
 */
import * as vscode from 'vscode';
import type { CheckItem, CheckResult, CheckStatus, GroupResult, InspectionReport } from '../../org/types';

export type OrgState =
  | { kind: 'none' }
  | { kind: 'loading'; label: string }
  | { kind: 'error'; label: string; message: string; retry: 'refresh' | 'reconnect' }
  | { kind: 'ready'; label: string; report: InspectionReport };

export type OrgNode =
  | { type: 'org'; state: OrgState }
  | { type: 'action'; label: string; command: string; icon: string }
  | { type: 'group'; group: GroupResult; report: InspectionReport }
  | { type: 'check'; check: CheckResult; report: InspectionReport }
  | { type: 'item'; item: CheckItem; check: CheckResult; report: InspectionReport };

const ICONS: Record<CheckStatus, [string, string]> = {
  fail: ['error', 'testing.iconFailed'],
  warn: ['warning', 'list.warningForeground'],
  pass: ['pass', 'testing.iconPassed'],
  info: ['info', 'charts.blue'],
  unavailable: ['circle-slash', 'disabledForeground'],
  partial: ['circle-large-outline', 'list.warningForeground'],
};
export function statusIcon(s: CheckStatus): vscode.ThemeIcon {
  return new vscode.ThemeIcon(ICONS[s][0], new vscode.ThemeColor(ICONS[s][1]));
}

function counts(checks: CheckResult[]): string {
  const order: CheckStatus[] = ['fail', 'warn', 'partial', 'unavailable', 'info', 'pass'];
  return order.map(s => [s, checks.filter(c => c.status === s).length] as const).filter(([, n]) => n).map(([s, n]) => `${n} ${s}`).join(', ');
}

export class OrgTreeProvider implements vscode.TreeDataProvider<OrgNode> {
  private readonly changed = new vscode.EventEmitter<OrgNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private state: OrgState = { kind: 'none' };
  private root: OrgNode | undefined;

  get current(): OrgState { return this.state; }

  setState(s: OrgState): void {
    this.state = s;
    this.root = s.kind === 'none' ? undefined : { type: 'org', state: s };
    void vscode.commands.executeCommand('setContext', 'apiguard.org.connected', s.kind !== 'none');
    this.changed.fire(undefined);
  }

  getChildren(node?: OrgNode): OrgNode[] {
    if (!node) { return this.root ? [this.root] : []; }
    switch (node.type) {
      case 'org': {
        const s = node.state;
        if (s.kind === 'ready') { return s.report.groups.map(group => ({ type: 'group', group, report: s.report })); }
        if (s.kind === 'error') {
          return s.retry === 'reconnect'
            ? [{ type: 'action', label: 'Reconnect…', command: 'apiguard.org.connect', icon: 'plug' }]
            : [{ type: 'action', label: 'Retry', command: 'apiguard.org.refresh', icon: 'refresh' }];
        }
        return [];
      }
      case 'group': return node.group.checks.map(check => ({ type: 'check', check, report: node.report }));
      case 'check': return node.check.items.map(item => ({ type: 'item', item, check: node.check, report: node.report }));
      default: return [];
    }
  }

  getTreeItem(node: OrgNode): vscode.TreeItem {
    switch (node.type) {
      case 'org': {
        const s = node.state;
        const t = new vscode.TreeItem(s.kind === 'none' ? 'No org' : s.label, s.kind === 'loading' ? vscode.TreeItemCollapsibleState.None : vscode.TreeItemCollapsibleState.Expanded);
        t.id = 'org';
        t.contextValue = `apiguard.org.${s.kind}`;
        if (s.kind === 'loading') { t.description = 'inspecting…'; t.iconPath = new vscode.ThemeIcon('loading~spin'); }
        if (s.kind === 'error') {
          t.description = s.message;
          t.tooltip = s.message;
          t.iconPath = new vscode.ThemeIcon(s.retry === 'reconnect' ? 'debug-disconnect' : 'cloud-offline', new vscode.ThemeColor('testing.iconFailed'));
        }
        if (s.kind === 'ready') {
          const o = s.report.org;
          const kind = o.isSandbox === true ? 'sandbox' : o.isSandbox === false ? 'production' : 'org';
          t.description = [kind, o.healthScore !== undefined ? `Health Check ${o.healthScore}%` : undefined, `${s.report.requests} requests`].filter(Boolean).join(' · ');
          const md = new vscode.MarkdownString();
          md.appendMarkdown(`**${esc(s.label)}**\n\n`);
          md.appendMarkdown(`Instance: ${esc(o.instanceUrl)}  \n${o.username ? `User: ${esc(o.username)}  \n` : ''}${o.orgId ? `Org ID: ${esc(o.orgId)}  \n` : ''}API ${esc(o.apiVersion)} · ${kind}  \n`);
          md.appendMarkdown(`Inspected ${esc(s.report.startedAt)} with ${s.report.requests} API requests in ${s.report.durationMs} ms  \n${esc(counts(s.report.checks))}`);
          t.tooltip = md;
          t.iconPath = new vscode.ThemeIcon('cloud');
        }
        return t;
      }
      case 'action': {
        const t = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
        t.command = { command: node.command, title: node.label };
        t.iconPath = new vscode.ThemeIcon(node.icon);
        t.contextValue = 'apiguard.org.action';
        return t;
      }
      case 'group': {
        const g = node.group;
        const t = new vscode.TreeItem(g.title, g.status === 'fail' || g.status === 'warn' ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
        t.id = `group:${g.id}`;
        t.description = counts(g.checks);
        t.iconPath = statusIcon(g.status);
        t.tooltip = `${g.title}: ${g.status}`;
        t.contextValue = 'apiguard.group';
        return t;
      }
      case 'check': {
        const c = node.check;
        const t = new vscode.TreeItem(c.title, c.items.length ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
        t.id = `check:${c.id}`;
        t.description = c.summary;
        t.iconPath = statusIcon(c.status);
        t.contextValue = 'apiguard.check';
        const md = new vscode.MarkdownString();
        md.appendMarkdown(`**${esc(c.title)}** — ${c.status}\n\n${esc(c.summary)}\n\n`);
        if (c.reason) { md.appendMarkdown(`_${esc(c.reason)}_\n\n`); }
        md.appendMarkdown(`**Fix:** ${esc(c.remediation)}\n\n\`${c.id}\``);
        t.tooltip = md;
        return t;
      }
      case 'item': {
        const i = node.item;
        const t = new vscode.TreeItem(i.label, vscode.TreeItemCollapsibleState.None);
        t.description = i.detail;
        t.tooltip = i.detail ? `${i.label} — ${i.detail}` : i.label;
        if (i.status) { t.iconPath = statusIcon(i.status); }
        t.contextValue = 'apiguard.item';
        return t;
      }
    }
  }

  getParent(): undefined { return undefined; }

  dispose(): void { this.changed.dispose(); }
}

function esc(s: string): string { return s.replace(/([\\`*_{}[\]()#+\-!|<>])/g, '\\$1'); }
