import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { classUri, closeAll, codeActionsUntil, codeOf, linted, open, ours, positionOf, setSetting, until, withRule } from './helpers';

describe('editing: live diagnostics, settings, suppression quick fix', () => {
  afterEach(async () => {
    await setSetting('rules', undefined);
    await setSetting('run', undefined);
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await closeAll();
  });

  it('an edit that adds a hardcoded API key produces a diagnostic on that line, and undo clears it', async () => {
    const uri = classUri('AccountSyncService.cls');
    const editor = await open(uri);
    await linted(editor.document);
    assert.equal(ours(uri).length, 0);
    const after = positionOf(editor.document, "req.setHeader('Content-Type'").line + 1;
    await editor.edit(b => b.insert(new vscode.Position(after, 0), "        req.setHeader('X-API-Key', 'sk_live_51QxYzAbCdEfGhIjKlMnOpQrSt');\n"));
    const diags = await until('diagnostic for the added key', () => withRule(uri, 'hardcoded-authorization-header').length ? withRule(uri, 'hardcoded-authorization-header') : undefined);
    assert.equal(diags[0].range.start.line, after);
    assert.equal(diags[0].severity, vscode.DiagnosticSeverity.Error);
    await vscode.commands.executeCommand('undo');
    assert.ok(!editor.document.getText().includes('X-API-Key'));
    await until('diagnostics cleared after undo', () => ours(uri).length === 0);
  });

  it('turning a rule off in the settings removes its diagnostics without a reload; back on restores them', async () => {
    const uri = classUri('PaymentService.cls');
    await open(uri);
    await until('hardcoded-authorization-header', () => withRule(uri, 'hardcoded-authorization-header').length > 0);
    await setSetting('rules', { 'hardcoded-authorization-header': 'off' });
    await until('rule off', () => withRule(uri, 'hardcoded-authorization-header').length === 0);
    assert.ok(withRule(uri, 'callout-without-named-credential').length > 0, 'other rules still report');
    await setSetting('rules', { 'callout-without-named-credential': 'error' });
    await until('rule back on', () => withRule(uri, 'hardcoded-authorization-header').length > 0);
    await until('severity override', () => withRule(uri, 'callout-without-named-credential')[0]?.severity === vscode.DiagnosticSeverity.Error);
  });

  it('run: off clears the diagnostics and stops checking edits; onType resumes', async () => {
    const uri = classUri('PaymentService.cls');
    const editor = await open(uri);
    await until('diagnostics', () => ours(uri).length > 0);
    await setSetting('run', 'off');
    await until('cleared by run: off', () => ours(uri).length === 0);
    await editor.edit(b => b.insert(new vscode.Position(0, 0), '// touched\n'));
    await new Promise(r => setTimeout(r, 600));          // longer than the debounce: nothing may come back
    assert.equal(ours(uri).length, 0);
    const n = await vscode.commands.executeCommand<number>('apiguard.scanFile');   // the command still works
    assert.ok(n > 0 && ours(uri).length === n, `Scan Current File: ${n}`);
    await setSetting('run', 'onType');
    await until('diagnostics back', () => ours(uri).length > 0);
    await vscode.commands.executeCommand('undo');
  });

  it('run: onSave checks on save, not while typing', async () => {
    const uri = classUri('AccountSyncService.cls');
    const editor = await open(uri);
    await linted(editor.document);
    await setSetting('run', 'onSave');
    const after = positionOf(editor.document, "req.setHeader('Content-Type'").line + 1;
    await editor.edit(b => b.insert(new vscode.Position(after, 0), "        req.setHeader('Authorization', 'Bearer sk_live_51QxYzAbCdEfGhIjKlMnOpQrSt');\n"));
    await new Promise(r => setTimeout(r, 600));
    assert.equal(withRule(uri, 'hardcoded-authorization-header').length, 0, 'nothing while typing');
    await editor.document.save();
    await until('diagnostic after save', () => withRule(uri, 'hardcoded-authorization-header').length > 0);
    await vscode.commands.executeCommand('undo');
    await editor.document.save();
    await until('cleared after the next save', () => withRule(uri, 'hardcoded-authorization-header').length === 0);
  });

  it('"Disable <rule> for this line" inserts the comment with the reason selected, and the diagnostic goes away', async () => {
    const uri = classUri('ShippingClient.cls');
    const editor = await open(uri);
    const [d] = await until('insecure-endpoint', () => withRule(uri, 'insecure-endpoint').length ? withRule(uri, 'insecure-endpoint') : undefined);
    const line = d.range.start.line;
    const actions = await codeActionsUntil(uri, d.range, vscode.CodeActionKind.QuickFix.value, a => a.title === 'Disable insecure-endpoint for this line');
    const titles = actions.map(a => a.title);
    assert.ok(titles.includes('Show documentation for insecure-endpoint'), titles.join(' | '));
    assert.ok(titles.includes('Disable insecure-endpoint for this file'), titles.join(' | '));
    const disable = actions.find(a => a.title === 'Disable insecure-endpoint for this line');
    assert.ok(disable?.edit, titles.join(' | '));
    assert.ok(await vscode.workspace.applyEdit(disable.edit));
    if (disable.command) { await vscode.commands.executeCommand(disable.command.command, ...((disable.command.arguments ?? []) as unknown[])); }
    const doc = editor.document;
    assert.equal(doc.lineAt(line).text, '    // apiguard-disable-next-line insecure-endpoint -- reason');
    assert.equal(doc.getText(editor.selection), 'reason');
    await until('insecure-endpoint suppressed', () => withRule(uri, 'insecure-endpoint').length === 0);
    assert.ok(ours(uri).some(x => codeOf(x) === 'hardcoded-authorization-header'), 'other findings stay');

    // A second rule on the same line is appended to the existing comment.
    const [cred] = await until('hardcoded-credential on the password constant', () => {
      const all = withRule(uri, 'hardcoded-credential').filter(x => x.range.start.line === line + 2);
      return all.length ? all : undefined;
    }, 5000).catch(() => [undefined]);
    if (cred) {
      const more = await codeActionsUntil(uri, cred.range, vscode.CodeActionKind.QuickFix.value, a => a.title === 'Disable hardcoded-credential for this line');
      assert.ok(more.some(a => a.title === 'Disable hardcoded-credential for this line'));
    }
  });
});
