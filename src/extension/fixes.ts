import * as vscode from 'vscode';
import type { FixPlan } from '../core/fix/types';
import type { Finding } from '../core/types';
import { rootOf } from './diagnostics';
import type { EngineWorker } from './workerClient';

/** Text of open editors with unsaved changes: plans read them instead of the disk. */
export function dirtyOverlays(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const d of vscode.workspace.textDocuments) {
    if (d.isDirty && d.uri.scheme === 'file') { out[d.uri.fsPath] = d.getText(); }
  }
  return out;
}

export async function requestPlan(worker: EngineWorker, finding: Finding, all: Finding[], nameOverride?: string): Promise<FixPlan | undefined> {
  return worker.request<FixPlan | undefined>({
    type: 'planFix', root: rootOf(vscode.Uri.file(finding.path)), finding, findings: all, nameOverride, overlays: dirtyOverlays(),
  }).result;
}

const range = (r: FixPlan['edits'][number]['range']) => new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);

/** True when the plan only edits text in one file: safe to apply without a preview (fix-all, preferred quick fix). */
export function isTextOnly(plan: FixPlan, path: string): boolean {
  return !plan.creates.length && !plan.deletes.length && plan.edits.every(e => e.path === path);
}

/**
 * A plan as one WorkspaceEdit. With `confirm`, every change carries needs-confirmation metadata,
 * so VS Code shows the refactor preview (all file creations, edits and deletions) before applying.
 */
export function toWorkspaceEdit(plan: FixPlan, confirm: boolean): vscode.WorkspaceEdit {
  const we = new vscode.WorkspaceEdit();
  const meta = (label: string, description?: string): vscode.WorkspaceEditEntryMetadata =>
    ({ label, description, needsConfirmation: confirm });
  for (const c of plan.creates) {
    const uri = vscode.Uri.file(c.path);
    we.createFile(uri, { ignoreIfExists: false, overwrite: false, contents: Buffer.from(c.content, 'utf8') },
      meta(`Create ${vscode.workspace.asRelativePath(uri)}`, plan.title));
  }
  for (const e of plan.edits) {
    we.replace(vscode.Uri.file(e.path), range(e.range), e.newText, meta(plan.title));
  }
  for (const d of plan.deletes) {
    we.deleteFile(vscode.Uri.file(d.path), { ignoreIfNotExists: true }, meta(`Delete ${vscode.workspace.asRelativePath(vscode.Uri.file(d.path))}`, d.reason));
  }
  return we;
}

/** Applies a plan (through the preview when `confirm`) and shows its notes once. */
export async function applyPlan(plan: FixPlan, confirm: boolean): Promise<boolean> {
  const ok = await vscode.workspace.applyEdit(toWorkspaceEdit(plan, confirm), { isRefactoring: confirm });
  if (ok) {
    // Created files open as documents in the background; save them so the project on disk is complete.
    const created = new Set(plan.creates.map(c => vscode.Uri.file(c.path).toString()));
    for (const d of vscode.workspace.textDocuments) { if (created.has(d.uri.toString()) && d.isDirty) { await d.save(); } }
    if (plan.notes.length) { void vscode.window.showInformationMessage(`API Guard: ${plan.notes.join(' ')}`); }
  }
  return ok;
}
