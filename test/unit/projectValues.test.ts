import * as assert from 'assert';
import path from 'node:path';
import { defaultConfig } from '../../src/core/config';
import { createEngine } from '../../src/node/createEngine';
import { loadProjectIndex, scanProject } from '../../src/node/scan';
import { removeProject, SFDX_PROJECT, tempProject } from './helpers/project';

/** The index read from disk by the loader every entry point shares (CLI scan, fix, the editor's worker). */
describe('project-wide values read from an SFDX project on disk', () => {
  let root: string;
  const D = 'force-app/main/default';
  before(() => {
    root = tempProject({
      'sfdx-project.json': SFDX_PROJECT,
      [`${D}/classes/InvoiceApi.cls`]: `public inherited sharing class InvoiceApi {
    public static final String HOST = 'https://invoices.contoso-erp.com';
    public static final String BASE = HOST + '/api/v3';
}
`,
      [`${D}/classes/InvoiceSync.cls`]: `public with sharing class InvoiceSync implements Queueable, Database.AllowsCallouts {
    public void execute(QueueableContext ctx) {
        HttpRequest req = new HttpRequest();
        req.setEndpoint(InvoiceApi.BASE + '/invoices?status=open');
        req.setHeader('Authorization', 'Bearer ' + System.Label.ERP_Token);
        req.setMethod('GET');
        HttpResponse res = new Http().send(req);
        System.debug(res.getStatusCode());
    }
}
`,
      [`${D}/labels/CustomLabels.labels-meta.xml`]: `<?xml version="1.0" encoding="UTF-8"?>
<CustomLabels xmlns="http://soap.sforce.com/2006/04/metadata">
    <labels>
        <fullName>ERP_Token</fullName>
        <categories>Integration</categories>
        <language>en_US</language>
        <protected>true</protected>
        <shortDescription>ERP token</shortDescription>
        <value>erp_9b1d4c7e2f8a6b3d5c0e1f2a3b4c5d6e</value>
    </labels>
</CustomLabels>
`,
      [`${D}/customMetadata/ERP_Endpoint.Default.md-meta.xml`]: `<?xml version="1.0" encoding="UTF-8"?>
<CustomMetadata xmlns="http://soap.sforce.com/2006/04/metadata" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">
    <label>Default</label>
    <protected>false</protected>
    <values>
        <field>Url__c</field>
        <value xsi:type="xsd:string">https://reports.contoso-erp.com</value>
    </values>
</CustomMetadata>
`,
    });
  });
  after(() => removeProject(root));

  it('loadProjectIndex holds the constants, labels and records by file', async () => {
    const p = await loadProjectIndex(root);
    const files = [...(p.symbols?.keys() ?? [])].map(f => path.relative(root, f).split(path.sep).join('/')).sort();
    assert.deepStrictEqual(files, [`${D}/classes/InvoiceApi.cls`, `${D}/customMetadata/ERP_Endpoint.Default.md-meta.xml`, `${D}/labels/CustomLabels.labels-meta.xml`]);
  });

  it('scanProject reports the callout and the header where they are used, with the values\' files as related locations', async () => {
    const r = await scanProject({ root, config: defaultConfig(), engine: await createEngine() });
    const sync = r.reports.find(x => x.path.endsWith('InvoiceSync.cls'));
    assert.ok(sync);
    const rel = (p: string) => path.relative(root, p).split(path.sep).join('/');
    assert.deepStrictEqual(sync.findings.map(f => [f.ruleId, f.range.start.line + 1, (f.related ?? []).map(x => `${rel(x.path)}:${x.range.start.line + 1}`)]), [
      ['callout-without-named-credential', 4, [`${D}/classes/InvoiceApi.cls:2`]],
      ['hardcoded-authorization-header', 5, [`${D}/labels/CustomLabels.labels-meta.xml:9`]],
    ]);
    // Scanning only the reader still resolves through the whole project.
    const one = await scanProject({ root, paths: [`${D}/classes/InvoiceSync.cls`], config: defaultConfig(), engine: await createEngine() });
    assert.deepStrictEqual(one.reports.flatMap(x => x.findings.map(f => f.ruleId)), ['callout-without-named-credential', 'hardcoded-authorization-header']);
  });
});
