import * as vscode from 'vscode';

/** Wiring only: the editor layer (issue 6) registers diagnostics, commands and views here. */
export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push();
}

export function deactivate(): void { /* nothing to stop yet */ }
