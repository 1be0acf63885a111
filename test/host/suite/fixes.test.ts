import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { classUri, closeAll, codeActionsUntil, linted, open, restoreWorkspace, until, withRule, wsFile } from './helpers';

describe('fixes applied in the extension host', () => {
  after(async () => {
    await restoreWorkspace();
    await closeAll();
  });

  it('the Named Credential quick fix rewrites the callout and creates the metadata files, with the name the user chose', async () => {
    const uri = classUri('PaymentService.cls');
    const editor = await open(uri);
    const [d] = await until('callout-without-named-credential', () => withRule(uri, 'callout-without-named-credential').length ? withRule(uri, 'callout-without-named-credential') : undefined);
    const actions = await codeActionsUntil(uri, d.range, vscode.CodeActionKind.QuickFix.value, a => a.command?.command === 'apiguard.applyFix');
    const fix = actions.find(a => a.command?.command === 'apiguard.applyFix');
    assert.ok(fix, `no Named Credential fix among: ${actions.map(a => a.title).join(' | ')}`);
    assert.equal(fix.isPreferred, true);
    // What the input box and the refactor preview would do, without the UI: the name, then apply.
    const [fixUri, finding] = fix.command!.arguments as [vscode.Uri, unknown];
    const ok = await vscode.commands.executeCommand<boolean>('apiguard.applyFix', fixUri, finding, { name: 'Stripe_Payments', preview: false });
    assert.equal(ok, true);

    const text = editor.document.getText();
    assert.ok(text.includes("'callout:Stripe_Payments/v1/charges'"), text);
    assert.ok(!text.includes('https://api.stripe.com'), 'endpoint literal replaced');
    const nc = wsFile('force-app', 'main', 'default', 'namedCredentials', 'Stripe_Payments.namedCredential-meta.xml');
    await until('named credential file on disk', () => fs.existsSync(nc.fsPath));
    const xml = fs.readFileSync(nc.fsPath, 'utf8');
    assert.match(xml, /<namedCredentialType>SecuredEndpoint<\/namedCredentialType>/);
    assert.match(xml, /https:\/\/api\.stripe\.com/);
    const ecDir = wsFile('force-app', 'main', 'default', 'externalCredentials').fsPath;
    assert.ok(fs.existsSync(ecDir) && fs.readdirSync(ecDir).some(f => f.endsWith('.externalCredential-meta.xml')), 'external credential created');
    assert.ok(!xml.includes('sk_live_'), 'no secret in generated metadata');

    await editor.document.save();
    await linted(editor.document);
    assert.equal(withRule(uri, 'callout-without-named-credential').length, 0, 'the callout finding is gone');
  });

  it('source.fixAll.apiguard switches http:// endpoints to https:// in the file', async () => {
    const uri = classUri('ShippingClient.cls');
    const editor = await open(uri);
    await until('insecure-endpoint', () => withRule(uri, 'insecure-endpoint').length > 0);
    const actions = await codeActionsUntil(uri, new vscode.Range(0, 0, editor.document.lineCount, 0), 'source.fixAll.apiguard',
      a => a.kind?.value === 'source.fixAll.apiguard');
    const all = actions.find(a => a.kind?.value === 'source.fixAll.apiguard');
    assert.ok(all?.edit, `fix-all offered: ${actions.map(a => a.title).join(' | ')}`);
    assert.ok(await vscode.workspace.applyEdit(all.edit));
    assert.ok(editor.document.getText().includes("'https://legacy-shipping.example.net/api'"), editor.document.getText());
    await until('insecure-endpoint gone', () => withRule(uri, 'insecure-endpoint').length === 0);
    await vscode.commands.executeCommand('workbench.action.files.revert');
  });

  it('Migrate Callouts to Named Credentials rewrites every remaining hardcoded callout of the workspace in one edit', async () => {
    const shipping = classUri('ShippingClient.cls');
    const plan = await vscode.commands.executeCommand<{ title: string; creates: Array<{ path: string }>; edits: Array<{ path: string }> } | undefined>(
      'apiguard.migrateCallouts', { preview: false });
    assert.ok(plan, 'a plan was applied');
    assert.ok(plan.edits.some(e => e.path.endsWith('ShippingClient.cls')), plan.title);
    const created = plan.creates.map(c => c.path).filter(p => p.endsWith('.namedCredential-meta.xml'));
    assert.ok(created.length >= 1, plan.title);
    const doc = vscode.workspace.textDocuments.find(d => d.uri.toString() === shipping.toString()) ?? await vscode.workspace.openTextDocument(shipping);
    assert.match(doc.getText(), /'callout:[A-Za-z0-9_]+/);
    for (const c of created) { await until(`created ${c}`, () => fs.existsSync(c)); }
    const ncXml = fs.readFileSync(created.find(c => /Shipping|Example/i.test(c)) ?? created[0], 'utf8');
    assert.match(ncXml, /legacy-shipping\.example\.net/);
  });
});
