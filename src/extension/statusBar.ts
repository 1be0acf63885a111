import * as vscode from 'vscode';
import type { Linter } from './diagnostics';

/**
 * Shield + error/warning counts of the workspace; tooltip with the breakdown; click scans the
 * workspace (nothing known yet) or opens Problems. `setOrg` shows the connected org (org view).
 */
export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('apiguard.status', vscode.StatusBarAlignment.Left, 50);
  private org: string | undefined;
  private scanned = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly linter: Linter) {
    this.item.name = 'API Guard';
    linter.onDidChange(() => this.schedule());
    this.update();
    this.item.show();
  }

  /** Called after a workspace scan: the counts now cover the workspace, clicks open Problems. */
  markScanned(): void { this.scanned = true; this.update(); }

  /** The connected org (alias or username), or undefined when disconnected. */
  setOrg(org: string | undefined): void { this.org = org; this.update(); }

  private schedule(): void {
    if (this.timer) { return; }
    this.timer = setTimeout(() => { this.timer = undefined; this.update(); }, 100);
  }

  counts(): { error: number; warning: number; info: number; files: number; byRule: Map<string, number> } {
    const c = { error: 0, warning: 0, info: 0, files: 0, byRule: new Map<string, number>() };
    const files = new Set<string>();
    for (const f of this.linter.allFindings()) {
      c[f.severity]++;
      files.add(f.path);
      c.byRule.set(f.ruleId, (c.byRule.get(f.ruleId) ?? 0) + 1);
    }
    c.files = files.size;
    return c;
  }

  private update(): void {
    const c = this.counts();
    this.item.text = `$(shield) $(error) ${c.error} $(warning) ${c.warning}${this.org ? ` $(cloud) ${this.org}` : ''}`;
    const md = new vscode.MarkdownString(undefined, true);
    md.appendMarkdown(`**API Guard** ${this.scanned ? '(workspace)' : '(open files; click to scan the workspace)'}\n\n`);
    md.appendMarkdown(`$(error) ${c.error} errors · $(warning) ${c.warning} warnings · $(info) ${c.info} info in ${c.files} file${c.files === 1 ? '' : 's'}\n\n`);
    const top = [...c.byRule].sort((a, b) => b[1] - a[1]).slice(0, 8);
    for (const [rule, n] of top) { md.appendMarkdown(`- \`${rule}\`: ${n}\n`); }
    if (this.org) { md.appendMarkdown(`\n$(cloud) Connected org: ${this.org}\n`); }
    this.item.tooltip = md;
    this.item.command = this.scanned
      ? { command: 'workbench.actions.view.problems', title: 'Open Problems' }
      : { command: 'apiguard.scanWorkspace', title: 'Scan Workspace' };
  }

  /** What the item shows now (text, tooltip as Markdown, the command a click runs). */
  snapshot(): { text: string; tooltip: string; command: string | undefined } {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.update();
    const cmd = this.item.command;
    return { text: this.item.text, tooltip: (this.item.tooltip as vscode.MarkdownString).value, command: typeof cmd === 'string' ? cmd : cmd?.command };
  }

  dispose(): void { clearTimeout(this.timer); this.item.dispose(); }
}
