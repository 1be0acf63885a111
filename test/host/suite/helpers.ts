import * as vscode from 'vscode';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const EXTENSION_ID = 'apiguard.apiguard';

export interface Api {
  whenIdle(): Promise<void>; activationMs: number; activationCpuMs: number | undefined; lastLintMs(): number; lintedVersion(uri: vscode.Uri): number | undefined;
  maxMainThreadMs(reset?: boolean): number;
  maxMainThreadCpuMs(reset?: boolean): number;
  lastLintIncremental(): { mode: string; why?: string; relinted?: number; units?: number } | undefined;
  statusBar(): { text: string; tooltip: string; command: string | undefined };
}

/** Waits until the document's current version has been linted. */
export async function linted(doc: vscode.TextDocument, ms = 15000): Promise<void> {
  const a = await api();
  await until(`lint of ${doc.uri.fsPath} v${doc.version}`, () => a.lintedVersion(doc.uri) === doc.version, ms);
}

export async function api(): Promise<Api> {
  const ext = vscode.extensions.getExtension<Api>(EXTENSION_ID);
  if (!ext) { throw new Error(`extension ${EXTENSION_ID} is not loaded`); }
  return ext.isActive ? ext.exports : ext.activate();
}

export function wsRoot(): vscode.Uri {
  const f = vscode.workspace.workspaceFolders?.[0];
  if (!f) { throw new Error('no workspace folder'); }
  return f.uri;
}

export function wsFile(...segments: string[]): vscode.Uri { return vscode.Uri.joinPath(wsRoot(), ...segments); }
export function classUri(name: string): vscode.Uri { return wsFile('force-app', 'main', 'default', 'classes', name); }
export function fsPath(uri: vscode.Uri): string { return path.normalize(uri.fsPath); }

/** API Guard's diagnostics of a file. */
export function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter(d => d.source === 'API Guard');
}
export function codeOf(d: vscode.Diagnostic): string {
  return typeof d.code === 'object' ? String(d.code.value) : String(d.code);
}
export function withRule(uri: vscode.Uri, rule: string): vscode.Diagnostic[] { return ours(uri).filter(d => codeOf(d) === rule); }

/** Polls until `fn` returns something other than undefined/false, or throws with `what` after `ms`. */
export async function until<T>(what: string, fn: () => T | undefined | false, ms = 15000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined && v !== false) { return v; }
    if (Date.now() > end) { throw new Error(`timed out waiting for ${what}`); }
    await sleep(40);
  }
}
export function sleep(ms: number): Promise<void> { return new Promise(r => setTimeout(r, ms)); }

export async function open(uri: vscode.Uri): Promise<vscode.TextEditor> {
  return vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: false });
}

/** 0-based position of the first occurrence of `needle` in the document. */
export function positionOf(doc: vscode.TextDocument, needle: string): vscode.Position {
  const i = doc.getText().indexOf(needle);
  if (i < 0) { throw new Error(`"${needle}" not in ${doc.uri.fsPath}`); }
  return doc.positionAt(i);
}

export async function setSetting(key: string, value: unknown): Promise<void> {
  await vscode.workspace.getConfiguration('apiguard').update(key, value, vscode.ConfigurationTarget.Workspace);
}

export async function closeAll(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/**
 * Code actions at a range. The workbench learns about diagnostics asynchronously (the extension host
 * sees them first), so this asks again until an action matching `want` is offered (or `ms` passed).
 */
export async function codeActionsUntil(uri: vscode.Uri, range: vscode.Range, kind: string, want: (a: vscode.CodeAction) => boolean, ms = 10000): Promise<vscode.CodeAction[]> {
  const end = Date.now() + ms;
  for (;;) {
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, range, kind) ?? [];
    if (actions.some(want) || Date.now() > end) { return actions; }
    await sleep(100);
  }
}

/** The fixture the run's workspace was copied from (test/host/workspace in the repo). */
export const FIXTURE = path.resolve(__dirname, '..', '..', '..', '..', 'test', 'host', 'workspace');

/**
 * Puts the workspace back as the fixture has it (suites that apply fixes call it when done): saves
 * what is dirty, copies the fixture over, removes files the fixture does not have, and waits until
 * open documents show the restored text.
 */
export async function restoreWorkspace(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.files.saveAll');
  const root = wsRoot().fsPath;
  const walk = (d: string): string[] => fs.readdirSync(d, { withFileTypes: true })
    .flatMap(e => (e.isDirectory() ? (e.name === '.vscode' ? [] : walk(path.join(d, e.name))) : [path.join(d, e.name)]));
  for (const f of walk(root)) {
    const rel = path.relative(root, f);
    if (!fs.existsSync(path.join(FIXTURE, rel))) { fs.rmSync(f); }
  }
  fs.cpSync(FIXTURE, root, { recursive: true, force: true });
  for (const doc of vscode.workspace.textDocuments) {
    if (doc.uri.scheme !== 'file' || !doc.uri.fsPath.startsWith(root + path.sep) || !fs.existsSync(doc.uri.fsPath)) { continue; }
    const want = fs.readFileSync(doc.uri.fsPath, 'utf8');
    await until(`${doc.uri.fsPath} reloaded`, () => doc.getText() === want, 10000);
  }
  await vscode.commands.executeCommand('apiguard.clearFindings');
}
