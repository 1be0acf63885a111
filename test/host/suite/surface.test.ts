// The API Surface view and CodeLens in the real extension host, on a REST resource, an Aura
// controller and a guest profile written into the temporary workspace copy for this suite.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SurfaceViewApi } from '../../../src/extension/surface/surfaceView';
import type { OrgViewApi } from '../../../src/extension/org';
import { startFakeOrg, type FakeOrg } from '../../fake-org/server';
import { EXTENSION_ID, classUri, open, wsFile } from './helpers';

const ORDER_API = `@RestResource(urlMapping='/orders/*')
global without sharing class OrderApi {
    @HttpGet
    global static Order__c getOrder() {
        String orderId = RestContext.request.requestURI.substringAfterLast('/');
        return [SELECT Id, Name FROM Order__c WHERE Id = :orderId];
    }
}
`;
const SEARCH_CTRL = `public with sharing class OrderSearchController {
    @AuraEnabled(cacheable=true)
    public static List<Order__c> search(String term) {
        return Database.query('SELECT Id FROM Order__c WHERE Name LIKE \\'%' + term + '%\\' WITH USER_MODE');
    }
}
`;
const GUEST = `<?xml version="1.0" encoding="UTF-8"?>
<Profile xmlns="http://soap.sforce.com/2006/04/metadata">
    <classAccesses>
        <apexClass>OrderApi</apexClass>
        <enabled>true</enabled>
    </classAccesses>
    <custom>false</custom>
    <userLicense>Guest User License</userLicense>
</Profile>
`;

async function surfaceApi(): Promise<SurfaceViewApi> {
  const ext = vscode.extensions.getExtension<{ surface: SurfaceViewApi }>(EXTENSION_ID);
  assert.ok(ext, 'extension loaded');
  return (ext.isActive ? ext.exports : await ext.activate()).surface;
}

async function orgApi(): Promise<OrgViewApi> {
  const ext = vscode.extensions.getExtension<{ org: OrgViewApi }>(EXTENSION_ID);
  assert.ok(ext, 'extension loaded');
  return (ext.isActive ? ext.exports : await ext.activate()).org;
}

const text = (t: vscode.TreeItem) => `${typeof t.label === 'string' ? t.label : t.label?.label ?? ''}${t.description ? ` — ${String(t.description)}` : ''}`;

describe('API Surface view and CodeLens', function () {
  this.timeout(60000);
  const files = [
    [classUri('OrderApi.cls'), ORDER_API],
    [classUri('OrderSearchController.cls'), SEARCH_CTRL],
    [wsFile('force-app', 'main', 'default', 'profiles', 'Orders Site Profile.profile-meta.xml'), GUEST],
  ] as const;
  before(() => { for (const [u, text] of files) { fs.mkdirSync(path.dirname(u.fsPath), { recursive: true }); fs.writeFileSync(u.fsPath, text); } });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const [u] of files) { fs.rmSync(u.fsPath, { force: true }); }
    fs.rmSync(path.dirname(files[2][0].fsPath), { recursive: true, force: true });
  });

  it('lists the entry points with callers, sharing and risks, and opens the code', async () => {
    const api = await surfaceApi();
    await vscode.commands.executeCommand('apiguard.surface.show');
    const entries = await api.refresh();
    const order = entries.find(e => e.className === 'OrderApi');
    const search = entries.find(e => e.className === 'OrderSearchController');
    assert.ok(order && search, `entries: ${entries.map(e => e.className).join(', ')}`);
    assert.equal(order.label, 'REST GET /orders/*');
    assert.equal(order.lens, 'REST GET /orders/* · guest · without sharing · 3 risks');
    assert.deepEqual(order.risks.map(r => r.id), ['endpoint-without-sharing', 'guest-accessible-endpoint', 'rest-unchecked-record-id']);
    assert.ok(order.grants.some(g => g.guest && g.name === 'Orders Site Profile'));
    assert.deepEqual(search.risks.map(r => r.id), ['soql-injection', 'endpoint-not-granted']);
    assert.equal(search.sharing, 'with sharing; 1 in user mode');
  });

  it('shows a CodeLens above each entry point, and the view reacts to a saved class', async () => {
    const api = await surfaceApi();
    const editor = await open(classUri('OrderApi.cls'));
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri);
    const ours = lenses.filter(l => l.command?.command === 'apiguard.surface.show');
    assert.equal(ours.length, 1);
    assert.equal(ours[0].range.start.line, 2, 'above the @HttpGet method');
    assert.match(ours[0].command?.title ?? '', /^REST GET \/orders\/\* · guest · without sharing/);

    // Make the class with sharing and save: the view and the lens follow.
    await editor.edit(b => b.replace(new vscode.Range(1, 0, 1, 'global without sharing'.length), 'global with sharing'));
    await editor.document.save();
    const t0 = Date.now();
    for (;;) {
      const e = api.entries().find(x => x.className === 'OrderApi');
      if (e && !e.lens.includes('without sharing')) { assert.match(e.lens, /with sharing, system mode/); break; }
      if (Date.now() - t0 > 20000) { assert.fail(`still ${e?.lens}`); }
      await new Promise(r => setTimeout(r, 100));
    }
  });

  describe('with an org connected (the fake org)', () => {
    let fake: FakeOrg | undefined;
    after(async () => {
      await vscode.commands.executeCommand('apiguard.org.disconnect');
      await fake?.close();
    });

    it('adds who the org grants each class to, flags the guest-runnable ones, and drops it all on disconnect', async () => {
      const api = await surfaceApi();
      await api.refresh();
      fake = await startFakeOrg('surface');
      const org = await orgApi();
      assert.ok(await org.connectWithToken(fake.url, fake.accessToken), 'inspection finished');
      const entries = await api.orgChanged();
      const host = new URL(fake.url).host;
      const order = entries.find(e => e.className === 'OrderApi')!;
      const search = entries.find(e => e.className === 'OrderSearchController')!;
      assert.strictEqual(order.org?.state, 'granted');
      assert.strictEqual(order.orgName, host);
      assert.match(search.lens, /^@AuraEnabled \(cacheable\) · not granted in the project · org: guest \+ 1 profile · user mode · 2 risks$/);
      assert.deepStrictEqual(search.risks.map(r => r.id), ['guest-accessible-endpoint', 'soql-injection', 'endpoint-not-granted']);

      const shown = await api.tree();
      const entry = shown.find(n => text(n.item).startsWith('OrderSearchController.search'))!;
      assert.match(String(entry.item.description), /^\$\(globe\) guest in the org · /);
      const orgLine = entry.children.map(text).find(t => t.startsWith('In the org'));
      assert.strictEqual(orgLine, `In the org: granted to 2 profiles or permission sets — ${host} · a site guest user can run it`);
      const grants = shown.find(n => text(n.item).startsWith('In the org') && n.children.some(c => text(c).startsWith('Site Search')))!;
      assert.deepStrictEqual(grants.children.map(text), ['Site Search (guest user) — permission set assigned to the guest user of Orders Site Profile', 'System Administrator — profile']);

      // The CodeLens says it too.
      const editor = await open(classUri('OrderSearchController.cls'));
      const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri);
      assert.ok(lenses.some(l => /org: guest \+ 1 profile/.test(l.command?.title ?? '')), lenses.map(l => l.command?.title).join('\n'));

      await vscode.commands.executeCommand('apiguard.org.disconnect');
      const after = await api.orgChanged();
      assert.ok(after.every(e => !e.org), 'no org: no org lines');
      assert.ok(!after.find(e => e.className === 'OrderSearchController')!.risks.some(r => r.id === 'guest-accessible-endpoint'));
    });

    it('an org that cannot be read shows "org grants unknown", never "not granted"', async () => {
      const api = await surfaceApi();
      await fake?.close();
      fake = await startFakeOrg('hardened');
      const org = await orgApi();
      assert.ok(await org.connectWithToken(fake.url, fake.accessToken));
      const entries = await api.orgChanged();
      assert.ok(entries.length && entries.every(e => e.org?.state === 'unknown'), entries.map(e => e.org?.state).join());
      const shown = await api.tree();
      const lines = shown.flatMap(n => n.children.map(text)).filter(t => t.startsWith('In the org'));
      assert.ok(lines.length && lines.every(t => t.startsWith('In the org: org grants unknown: not available (INVALID_TYPE)')), lines.join('\n'));
    });
  });
});
