import * as vscode from 'vscode';
import type { FixPlan } from '../core/fix/types';
import type { Finding } from '../core/types';
import { kindOf, ruleIdOf, type Linter } from './diagnostics';
import { isTextOnly, requestPlan, toWorkspaceEdit } from './fixes';
import { commentStyle, disableFileEdit, disableLineEdit, linesForDisable, type LineEdit } from './suppress';
import type { EngineWorker } from './workerClient';

export const FIX_ALL_KIND = vscode.CodeActionKind.SourceFixAll.append('apiguard');
/** Rules whose findings `planFix` may fix (src/core/fix/plan.ts FIXABLE_RULES); kept here so the main thread does not load the planner. */
const FIXABLE = new Set(['callout-without-named-credential', 'hardcoded-authorization-header', 'manual-authorization-header',
  'credential-in-url', 'remote-site-without-named-credential', 'insecure-endpoint', 'legacy-named-credential']);

function sameRange(f: Finding, d: vscode.Diagnostic): boolean {
  const r = f.range;
  return r.start.line === d.range.start.line && r.start.character === d.range.start.character
    && r.end.line === d.range.end.line && r.end.character === d.range.end.character;
}

/** The finding behind a diagnostic (same rule and range). */
export function findingOf(linter: Linter, uri: vscode.Uri, d: vscode.Diagnostic): Finding | undefined {
  const rule = ruleIdOf(d);
  return rule ? linter.findingsFor(uri).find(f => f.ruleId === rule && sameRange(f, d)) : undefined;
}

function lineEditToWorkspaceEdit(uri: vscode.Uri, e: LineEdit): vscode.WorkspaceEdit {
  const we = new vscode.WorkspaceEdit();
  we.insert(uri, new vscode.Position(e.line, e.insert ? 0 : e.character), e.text);
  return we;
}

/**
 * Quick fixes on API Guard diagnostics: the rule's fix (from the fix planner, in the worker),
 * "Disable <rule> for this line", "Disable <rule> for this file", "Show documentation for <rule>";
 * and `source.fixAll.apiguard` (every text-only fix of the file) for editor.codeActionsOnSave.
 */
export class ApiGuardCodeActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix, FIX_ALL_KIND];

  constructor(private readonly linter: Linter, private readonly worker: EngineWorker) {}

  async provideCodeActions(doc: vscode.TextDocument, _range: vscode.Range, ctx: vscode.CodeActionContext, token: vscode.CancellationToken): Promise<vscode.CodeAction[]> {
    const kind = kindOf(doc);
    if (!kind) { return []; }
    if (ctx.only && FIX_ALL_KIND.intersects(ctx.only) && !vscode.CodeActionKind.QuickFix.intersects(ctx.only)) {
      return this.fixAll(doc, token);
    }
    if (ctx.only && !vscode.CodeActionKind.QuickFix.intersects(ctx.only)) { return []; }
    // VS Code asks on every cursor move: only the lines the "Disable …" edits read, never the whole document.
    const ours = ctx.diagnostics.filter(d => ruleIdOf(d));
    if (!ours.length) { return []; }
    const lines = linesForDisable(doc.lineCount, ours.map(d => d.range.start.line), i => doc.lineAt(i).text);
    const path = doc.uri.scheme === 'file' ? doc.uri.fsPath : doc.uri.toString();
    const actions: vscode.CodeAction[] = [];
    const all = this.linter.allFindings();
    for (const d of ctx.diagnostics) {
      const rule = ruleIdOf(d);
      if (!rule) { continue; }
      const finding = findingOf(this.linter, doc.uri, d);
      if (finding && FIXABLE.has(rule)) {
        let plan: FixPlan | undefined;
        try { plan = await requestPlan(this.worker, finding, all); } catch { plan = undefined; }
        if (token.isCancellationRequested) { return []; }
        if (plan && (plan.edits.length || plan.creates.length || plan.deletes.length)) {
          const a = new vscode.CodeAction(plan.title, vscode.CodeActionKind.QuickFix);
          a.diagnostics = [d];
          if (isTextOnly(plan, path)) {
            a.edit = toWorkspaceEdit(plan, false);
            a.isPreferred = true;
          } else {
            // Creates metadata: the user names the Named Credential, then previews every change.
            a.command = { command: 'apiguard.applyFix', title: plan.title, arguments: [doc.uri, finding] };
            a.isPreferred = true;
          }
          actions.push(a);
        }
      }
      const lineStyle = commentStyle(path, kind, 'line');
      const lineEdit = lineStyle && disableLineEdit(lines, d.range.start.line, rule, lineStyle);
      if (lineEdit) {
        const a = new vscode.CodeAction(`Disable ${rule} for this line`, vscode.CodeActionKind.QuickFix);
        a.diagnostics = [d];
        a.edit = lineEditToWorkspaceEdit(doc.uri, lineEdit);
        if (lineEdit.select) { a.command = { command: 'apiguard.selectText', title: 'Select the reason', arguments: [doc.uri, lineEdit.select.line, lineEdit.select.text] }; }
        actions.push(a);
      }
      const fileStyle = commentStyle(path, kind, 'file');
      const fileEdit = fileStyle && disableFileEdit(lines, rule, fileStyle);
      if (fileEdit) {
        const a = new vscode.CodeAction(`Disable ${rule} for this file`, vscode.CodeActionKind.QuickFix);
        a.diagnostics = [d];
        a.edit = lineEditToWorkspaceEdit(doc.uri, fileEdit);
        if (fileEdit.select) { a.command = { command: 'apiguard.selectText', title: 'Select the reason', arguments: [doc.uri, fileEdit.select.line, fileEdit.select.text] }; }
        actions.push(a);
      }
      const docs = new vscode.CodeAction(`Show documentation for ${rule}`, vscode.CodeActionKind.QuickFix);
      docs.command = { command: 'apiguard.showRuleDocumentation', title: docs.title, arguments: [rule] };
      actions.push(docs);
    }
    return actions;
  }

  /** Every text-only fix of this file (no generated metadata), as one action: `source.fixAll.apiguard` on save. */
  private async fixAll(doc: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.CodeAction[]> {
    const path = doc.uri.fsPath;
    const findings = this.linter.findingsFor(doc.uri).filter(f => FIXABLE.has(f.ruleId));
    if (!findings.length || doc.uri.scheme !== 'file') { return []; }
    const all = this.linter.allFindings();
    const edit = new vscode.WorkspaceEdit();
    const taken: vscode.Range[] = [];
    for (const f of findings) {
      let plan: FixPlan | undefined;
      try { plan = await requestPlan(this.worker, f, all); } catch { continue; }
      if (token.isCancellationRequested) { return []; }
      // Only plans that edit text (no generated or deleted files); their edits in other files (e.g. the
      // Remote Site of an http:// endpoint) are left to that file's own fix.
      if (!plan || plan.creates.length || plan.deletes.length) { continue; }
      const mine = plan.edits.filter(e => e.path === path);
      if (!mine.length) { continue; }
      const ranges = mine.map(e => new vscode.Range(e.range.start.line, e.range.start.character, e.range.end.line, e.range.end.character));
      if (ranges.some(r => taken.some(t => t.intersection(r)))) { continue; }     // overlapping fixes: the next save applies the rest
      taken.push(...ranges);
      mine.forEach((e, i) => edit.replace(doc.uri, ranges[i], e.newText));
    }
    if (!taken.length) { return []; }
    const a = new vscode.CodeAction('API Guard: fix all auto-fixable problems', FIX_ALL_KIND);
    a.edit = edit;
    return [a];
  }
}
