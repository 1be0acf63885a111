import * as vscode from 'vscode';
import type { RuleDoc } from './protocol';
import type { EngineWorker } from './workerClient';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * Rule documentation (the repo's `src/rules/<id>/docs.md`, embedded in the worker bundle) rendered
 * with VS Code's own Markdown renderer into a webview that runs no script: its Content-Security-Policy
 * allows only the stylesheet from `media/` and images from the extension or https.
 */
export class RuleDocsView implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;

  constructor(private readonly extensionUri: vscode.Uri, private readonly worker: EngineWorker) {}

  async show(ruleId: string): Promise<vscode.WebviewPanel> {
    const doc = await this.worker.request<RuleDoc>({ type: 'ruleDoc', ruleId }).result;
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel('apiguard.ruleDoc', `API Guard: ${ruleId}`, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
        { enableScripts: false, enableCommandUris: false, localResourceRoots: [vscode.Uri.joinPath(this.extensionUri, 'media')] });
      this.panel.onDidDispose(() => { this.panel = undefined; });
    }
    const panel = this.panel;
    panel.title = `API Guard: ${ruleId}`;
    let body: string;
    if (!doc.markdown) {
      body = `<h1>${esc(ruleId)}</h1><p>No documentation for this rule${doc.description ? `: ${esc(doc.description)}` : ''}.</p>`;
    } else {
      try {
        body = await vscode.commands.executeCommand<string>('markdown.api.render', doc.markdown);
      } catch {
        body = `<pre>${esc(doc.markdown)}</pre>`;     // the built-in Markdown extension is disabled
      }
    }
    const css = panel.webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, 'media', 'rule-doc.css'));
    const csp = `default-src 'none'; style-src ${panel.webview.cspSource}; img-src ${panel.webview.cspSource} https:;`;
    panel.webview.html = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${css.toString()}"><title>${esc(ruleId)}</title></head>
<body data-rule="${esc(ruleId)}">${doc.description ? `<p class="meta">${esc(ruleId)}: ${esc(doc.description)}</p>` : ''}${body}</body></html>`;
    panel.reveal(vscode.ViewColumn.Beside, true);
    return panel;
  }

  dispose(): void { this.panel?.dispose(); }
}
