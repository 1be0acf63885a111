import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { classUri, closeAll, linted, open, positionOf, until, withRule } from './helpers';

/**
 * A callout whose endpoint is a constant of another class: the reader's diagnostics follow the
 * defining class as it is edited (unsaved), and as it changes on disk. The files are written by the
 * test and removed after it, so the other suites see the workspace unchanged.
 */
describe('project-wide values: a reader re-lints when the defining file changes', () => {
  const settings = classUri('HostIdxSettings.cls');
  const client = classUri('HostIdxClient.cls');
  const SETTINGS = `public with sharing class HostIdxSettings {
    public static final String BILLING_BASE = 'callout:Billing_API';
}
`;
  const CLIENT = `public with sharing class HostIdxClient {
    public HttpResponse invoices() {
        HttpRequest req = new HttpRequest();
        req.setEndpoint(HostIdxSettings.BILLING_BASE + '/v1/invoices');
        req.setMethod('GET');
        return new Http().send(req);
    }
}
`;

  before(() => {
    fs.writeFileSync(settings.fsPath, SETTINGS);
    fs.writeFileSync(client.fsPath, CLIENT);
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await closeAll();
    for (const u of [settings, client]) { fs.rmSync(u.fsPath, { force: true }); }
  });

  const callout = () => withRule(client, 'callout-without-named-credential');

  it('an unsaved edit of the constant adds the finding in the reader, and undo removes it', async () => {
    const reader = await open(client);
    await linted(reader.document);
    assert.equal(callout().length, 0, 'callout:Billing_API is a Named Credential');
    const editor = await open(settings);
    await linted(editor.document);
    const at = positionOf(editor.document, 'callout:Billing_API');
    await editor.edit(b => b.replace(new vscode.Range(at, at.translate(0, 'callout:Billing_API'.length)), 'https://billing.acme-corp.com'));
    const diags = await until('finding in the reader', () => (callout().length ? callout() : undefined));
    assert.equal(diags[0].range.start.line, 3);
    assert.match(diags[0].message, /https:\/\/billing\.acme-corp\.com/);
    const rel = diags[0].relatedInformation ?? [];
    assert.ok(rel.some(r => r.location.uri.fsPath === settings.fsPath && r.location.range.start.line === 1),
      `related location in HostIdxSettings.cls line 2: ${JSON.stringify(rel.map(r => [r.location.uri.fsPath, r.location.range.start.line]))}`);
    assert.ok(!editor.document.isClosed && editor.document.isDirty, 'the defining file was not saved');
    await vscode.commands.executeCommand('undo');
    await until('finding gone after undo', () => callout().length === 0);
  });

  it('a change on disk of a closed defining file updates the reader', async () => {
    await vscode.commands.executeCommand('workbench.action.files.revert');
    await closeAll();
    const reader = await open(client);
    await linted(reader.document);
    await until('no finding to start with', () => callout().length === 0);
    fs.writeFileSync(settings.fsPath, SETTINGS.replace('callout:Billing_API', 'https://legacy-billing.acme-corp.com'));
    const diags = await until('finding after the disk change', () => (callout().length ? callout() : undefined));
    assert.match(diags[0].message, /legacy-billing\.acme-corp\.com/);
    fs.writeFileSync(settings.fsPath, SETTINGS);
    await until('finding gone after the file is restored', () => callout().length === 0);
  });
});
