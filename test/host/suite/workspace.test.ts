import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { api, classUri, closeAll, codeOf, linted, ours, until, withRule, wsFile } from './helpers';

interface SarifLike {
  version: string;
  runs: Array<{
    tool: { driver: { name: string; rules: Array<{ id: string }> } };
    results: Array<{ ruleId: string; level: string; message: { text: string };
      locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number; startColumn: number } } }> }>;
  }>;
}

describe('workspace commands', () => {
  after(closeAll);

  it('Scan Workspace fills Problems for files that were never opened; @IsTest code stays quiet', async () => {
    const shipping = classUri('ShippingClient.cls');
    const testClass = classUri('PaymentServiceTest.cls');
    const remote = wsFile('force-app', 'main', 'default', 'remoteSiteSettings', 'Legacy_Shipping.remoteSite-meta.xml');
    const props = wsFile('config', 'integration.properties');
    assert.ok(!vscode.workspace.textDocuments.some(d => d.uri.toString() === props.toString()), 'integration.properties was never opened');
    await vscode.commands.executeCommand('apiguard.clearFindings');     // earlier suites may have scanned
    assert.equal(ours(props).length, 0);
    const summary = await vscode.commands.executeCommand<{ files: number; findings: number; cancelled: boolean; ms: number }>('apiguard.scanWorkspace', { silent: true });
    console.log(`      scan: ${summary.files} files, ${summary.findings} findings, ${summary.ms.toFixed(0)} ms`);
    assert.equal(summary.cancelled, false);
    assert.ok(summary.files >= 10, `files scanned: ${summary.files}`);
    const [http] = withRule(shipping, 'insecure-endpoint');
    assert.ok(http, `ShippingClient diagnostics: ${ours(shipping).map(codeOf).join(', ')}`);
    assert.equal(http.range.start.line, 1);
    assert.equal(http.range.start.character, "    private static final String BASE_URL = ".length);
    assert.ok(withRule(remote, 'remote-site-insecure').length === 1);
    const [aws] = withRule(props, 'hardcoded-secret');
    assert.ok(aws, `integration.properties: ${ours(props).map(codeOf).join(', ')}`);
    assert.deepEqual([aws.range.start.line, aws.range.start.character], [3, 'export.apiKey='.length]);
    assert.ok(!aws.message.includes('AKIA4QWERTYUIOPASDFG'), aws.message);
    assert.deepEqual(ours(testClass).map(codeOf), [], 'dummy keys in @IsTest classes are not reported by default');
  });

  it('the status bar counts the workspace errors and warnings, with a breakdown, and then opens Problems', async () => {
    const a = await api();
    const all = vscode.languages.getDiagnostics().flatMap(([, ds]) => ds.filter(d => d.source === 'API Guard'));
    const errors = all.filter(d => d.severity === vscode.DiagnosticSeverity.Error).length;
    const warnings = all.filter(d => d.severity === vscode.DiagnosticSeverity.Warning).length;
    assert.ok(errors > 0 && warnings > 0, `errors ${errors}, warnings ${warnings}`);
    const s = a.statusBar();
    assert.ok(s.text.startsWith(`$(shield) $(error) ${errors} $(warning) ${warnings}`), s.text);
    assert.match(s.tooltip, /`insecure-endpoint`: \d+/);
    assert.equal(s.command, 'workbench.actions.view.problems');
  });

  it('includeTests turns findings inside @IsTest code on', async () => {
    const testClass = classUri('PaymentServiceTest.cls');
    await vscode.workspace.getConfiguration('apiguard').update('includeTests', true, vscode.ConfigurationTarget.Workspace);
    try {
      await vscode.commands.executeCommand('apiguard.scanWorkspace', { silent: true });
      assert.ok(withRule(testClass, 'hardcoded-authorization-header').length > 0, `findings in the test class: ${ours(testClass).map(codeOf).join(', ')}`);
    } finally {
      await vscode.workspace.getConfiguration('apiguard').update('includeTests', undefined, vscode.ConfigurationTarget.Workspace);
    }
    await vscode.commands.executeCommand('apiguard.scanWorkspace', { silent: true });
    assert.deepEqual(ours(testClass).map(codeOf), []);
  });

  it('Export Report writes a valid SARIF 2.1.0 file of the workspace findings', async () => {
    const target = wsFile('out', 'apiguard.sarif');
    const written = await vscode.commands.executeCommand<vscode.Uri>('apiguard.exportReport', 'sarif', target);
    assert.equal(written?.toString(), target.toString());
    const sarif = JSON.parse(fs.readFileSync(target.fsPath, 'utf8')) as SarifLike;
    assert.equal(sarif.version, '2.1.0');
    const run = sarif.runs[0];
    assert.equal(run.tool.driver.name, 'apiguard');
    assert.ok(run.tool.driver.rules.some(r => r.id === 'insecure-endpoint'));
    const r = run.results.find(x => x.ruleId === 'insecure-endpoint' && x.locations[0].physicalLocation.artifactLocation.uri === 'force-app/main/default/classes/ShippingClient.cls');
    assert.ok(r, JSON.stringify(run.results.map(x => [x.ruleId, x.locations[0].physicalLocation.artifactLocation.uri])));
    assert.equal(r.level, 'error');
    assert.equal(r.locations[0].physicalLocation.region.startLine, 2);
    assert.ok(!fs.readFileSync(target.fsPath, 'utf8').includes('sk_live_51NqAbCdEfGhIjKlMnOpQrStUv'), 'no secret in the report');
  });

  it('Export Report writes Markdown and HTML too', async () => {
    const md = wsFile('out', 'apiguard.md');
    await vscode.commands.executeCommand('apiguard.exportReport', 'markdown', md);
    const text = fs.readFileSync(md.fsPath, 'utf8');
    assert.match(text, /^# API Guard report/);
    assert.match(text, /\| error \| force-app\/main\/default\/classes\/ShippingClient\.cls \| 2 \| insecure-endpoint \|/);
    const html = wsFile('out', 'apiguard.html');
    await vscode.commands.executeCommand('apiguard.exportReport', 'html', html);
    assert.match(fs.readFileSync(html.fsPath, 'utf8'), /<td>insecure-endpoint<\/td>/);
  });

  it('apiguard.exclude leaves matching files out of scans and of the editor; deleting a file clears its diagnostics', async () => {
    const props = wsFile('config', 'integration.properties');
    const shipping = classUri('ShippingClient.cls');
    await vscode.commands.executeCommand('apiguard.scanWorkspace', { silent: true });
    assert.ok(ours(props).length > 0 && ours(shipping).length > 0);
    await vscode.workspace.getConfiguration('apiguard').update('exclude', ['config/**'], vscode.ConfigurationTarget.Workspace);
    try {
      await vscode.commands.executeCommand('apiguard.scanWorkspace', { silent: true });
      assert.equal(ours(props).length, 0, 'excluded file cleared by the scan');
      const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(props));
      await linted(editor.document);
      assert.equal(ours(props).length, 0, 'excluded file not linted in the editor');
    } finally {
      await vscode.workspace.getConfiguration('apiguard').update('exclude', undefined, vscode.ConfigurationTarget.Workspace);
    }
    await until('linted again once no longer excluded', () => ours(props).length > 0);
    await closeAll();
    const remote = wsFile('force-app', 'main', 'default', 'remoteSiteSettings', 'Legacy_Shipping.remoteSite-meta.xml');
    assert.ok(ours(remote).length > 0);
    fs.rmSync(remote.fsPath);                                        // deleted outside VS Code (git, a terminal)
    await until('diagnostics of the deleted file cleared', () => ours(remote).length === 0);
  });

  it('Clear Findings empties Problems', async () => {
    await until('findings present', () => ours(classUri('ShippingClient.cls')).length > 0);
    await vscode.commands.executeCommand('apiguard.clearFindings');
    assert.equal(ours(classUri('ShippingClient.cls')).length, 0);
  });

  it('Show Rule Documentation renders the rule doc in a webview with a strict CSP', async () => {
    const panel = await vscode.commands.executeCommand<vscode.WebviewPanel>('apiguard.showRuleDocumentation', 'hardcoded-secret');
    assert.equal(panel.title, 'API Guard: hardcoded-secret');
    const html = panel.webview.html;
    assert.match(html, /default-src 'none'/);
    assert.doesNotMatch(html, /<script/i);
    assert.match(html, /Rule Details/);
    assert.match(html, /<h2[^>]*>/, 'markdown rendered to HTML');
    assert.equal((await vscode.commands.executeCommand<vscode.WebviewPanel>('apiguard.showRuleDocumentation', 'weak-crypto')), panel, 'one panel, reused');
    assert.equal(panel.title, 'API Guard: weak-crypto');
  });
});
