import * as assert from 'assert';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadSurface, supertypesIn } from './surface';
import { entryRows } from '../core/surface/inventory';

function project(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'apiguard-surface-'));
  for (const [rel, text] of Object.entries(files)) {
    const p = path.join(root, rel);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, text);
  }
  return root;
}

const C = 'force-app/main/default/classes';

describe('loadSurface (whole project)', function () {
  this.timeout(20000);

  it('follows an interface call into implementations in other files, found by their headers', async () => {
    const root = project({
      [`${C}/Api.cls`]: `@RestResource(urlMapping='/jobs')
global with sharing class Api {
    @HttpPost
    global static void run(String kind) { Job j = Jobs.of(kind); j.execute(kind); }
}`,
      [`${C}/Job.cls`]: 'public interface Job { void execute(String arg); }',
      [`${C}/Jobs.cls`]: 'public class Jobs { public static Job of(String k) { return null; } }',
      [`${C}/PurgeJob.cls`]: `/* implements Nothing */ public without sharing class PurgeJob implements Job {
    public void execute(String arg) { delete [SELECT Id FROM Contact WHERE LastName = :arg]; }
}`,
      [`${C}/Unrelated.cls`]: 'public class Unrelated { public void execute(String arg) { delete [SELECT Id FROM Lead]; } }',
    });
    const inv = await loadSurface(root);
    const run = entryRows(inv).find(r => r.entry.methodName === 'run')!;
    assert.deepStrictEqual(run.entry.reaches, ['Jobs.of', 'PurgeJob.execute']);
    assert.ok(run.risks.some(r => r.id === 'endpoint-without-sharing'));
  });

  it('keeps at most maxTrees parsed classes between entry-point files: the same inventory as keeping them all', async () => {
    const root = project({
      [`${C}/A.cls`]: `public with sharing class A { @AuraEnabled public static void a(String s) { Shared.write(s); Jobs.run(s); } }`,
      [`${C}/B.cls`]: `public without sharing class B { @AuraEnabled public static void b(String s) { Shared.write(s); } }`,
      [`${C}/C.cls`]: `public class C { @AuraEnabled public static void c(String s) { A.a(s); B.b(s); } }`,
      [`${C}/Shared.cls`]: `public inherited sharing class Shared { public static void write(String s) { insert new Account(Name = s); } }`,
      [`${C}/Jobs.cls`]: `public without sharing class Jobs { public static void run(String s) { Database.query('SELECT Id FROM Lead WHERE Name = ' + s); } }`,
    });
    const all = await loadSurface(root, { maxTrees: Infinity });
    const one = await loadSurface(root, { maxTrees: 1 });
    assert.deepStrictEqual(one, all);
    assert.strictEqual(entryRows(one).length, 3);
    assert.deepStrictEqual(entryRows(one).find(r => r.entry.methodName === 'c')!.entry.reaches, ['A.a', 'B.b', 'Jobs.run', 'Shared.write']);
  });

  it('a class name used in another file means the top-level class, not an inner class of that name parsed before it', async () => {
    const root = project({
      [`${C}/Aaa.cls`]: `public with sharing class Aaa { @AuraEnabled public static void a() {} public class Service { public void run(String s) {} } }`,
      [`${C}/Service.cls`]: `public without sharing class Service { public static void run(String s) { insert new Account(Name = s); } }`,
      [`${C}/Zed.cls`]: `public with sharing class Zed { @AuraEnabled public static void z(String s) { Service.run(s); } }`,
    });
    for (const maxTrees of [Infinity, 1]) {
      const z = entryRows(await loadSurface(root, { maxTrees })).find(r => r.entry.methodName === 'z')!;
      assert.deepStrictEqual(z.entry.reaches, ['Service.run'], String(maxTrees));
      assert.deepStrictEqual(z.entry.ops.map(o => o.what.join()), ['Account'], String(maxTrees));
    }
  });

  it('reads custom settings from the object metadata: writing one without sharing is not a risk', async () => {
    const root = project({
      [`${C}/Prefs.cls`]: `public without sharing class Prefs {
    @AuraEnabled
    public static void save(String v) { Pref__c p = Pref__c.getInstance(); p.Value__c = v; upsert p; }
}`,
      'force-app/main/default/objects/Pref__c/Pref__c.object-meta.xml': '<?xml version="1.0" encoding="UTF-8"?>\n<CustomObject xmlns="http://soap.sforce.com/2006/04/metadata">\n    <customSettingsType>Hierarchy</customSettingsType>\n    <label>Pref</label>\n</CustomObject>\n',
    });
    const inv = await loadSurface(root);
    assert.deepStrictEqual(inv.customSettings, ['pref__c']);
    const save = entryRows(inv).find(r => r.entry.methodName === 'save')!;
    assert.deepStrictEqual(save.risks.map(r => r.id), []);
  });

  it('supertypesIn reads headers, not comments or strings', () => {
    assert.deepStrictEqual(supertypesIn("// class X extends Y {\npublic class A extends Base implements Ns.I1, Database.Batchable<SObject> { String s = 'class Q implements Z {'; }"),
      ['base', 'i1', 'batchable']);
  });
});
