// The API Surface view and CodeLens in the real extension host, on a REST resource, an Aura
// controller and a guest profile written into the temporary workspace copy for this suite.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SurfaceViewApi } from '../../../src/extension/surface/surfaceView';
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
});
