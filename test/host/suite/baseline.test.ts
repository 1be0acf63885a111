import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { classUri, closeAll, codeOf, open, ours, setSetting, until, wsFile, wsRoot } from './helpers';

/** The compiled CLI next to this suite (out/src/cli/main.js): the baseline is written as a user would. */
const mainJs = path.resolve(__dirname, '..', '..', '..', 'src', 'cli', 'main.js');

describe('baseline in the editor', () => {
  const baseline = wsFile('.apiguard-baseline.json');
  after(async () => {
    fs.rmSync(baseline.fsPath, { force: true });
    await setSetting('baseline.hide', undefined);
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await closeAll();
  });

  it('findings in .apiguard-baseline.json are hints, apiguard.baseline.hide hides them, and a new secret is still an error', async () => {
    const uri = classUri('PaymentService.cls');
    const editor = await open(uri);
    await until('errors on PaymentService.cls', () => ours(uri).some(d => d.severity === vscode.DiagnosticSeverity.Error));
    const before = ours(uri).map(d => `${codeOf(d)}@${d.range.start.line}`).sort();

    const r = spawnSync(process.execPath, [mainJs, 'scan', '--update-baseline'], { cwd: wsRoot().fsPath, encoding: 'utf8' });
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
    assert.ok(fs.existsSync(baseline.fsPath));
    await until('baseline findings shown as hints', () => {
      const ds = ours(uri);
      return ds.length === before.length && ds.every(d => d.severity === vscode.DiagnosticSeverity.Hint);
    });
    assert.deepEqual(ours(uri).map(d => `${codeOf(d)}@${d.range.start.line}`).sort(), before, 'the same findings, as hints');
    for (const d of ours(uri)) { assert.ok(d.message.endsWith('(in the baseline)'), d.message); }

    await setSetting('baseline.hide', true);
    await until('baseline findings hidden', () => ours(uri).length === 0);

    // A new credential typed above the old ones (every line below moves): only it shows, as an error.
    await editor.edit(e => e.insert(new vscode.Position(4, 0), "    private static final String WEBHOOK_PASSWORD = 'Zq9!vR2#mK';\n"));
    await until('the new finding', () => ours(uri).length === 1);
    const [fresh] = ours(uri);
    assert.equal(fresh.severity, vscode.DiagnosticSeverity.Error);
    assert.equal(fresh.range.start.line, 4);
    assert.ok(!fresh.message.includes('Zq9!vR2#mK'), fresh.message);
  });
});
