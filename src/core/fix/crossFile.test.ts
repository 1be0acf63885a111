import * as assert from 'assert';
import { createEngine } from '../../node/createEngine';
import type { Engine } from '../engine';
import { buildProjectIndex } from '../metadata/facts';
import type { ProjectIndex } from '../project';
import type { Finding } from '../types';
import { FIXABLE_RULES } from './plan';
import { applyPlanToFiles, planFix, planMigration, type FixContext } from './index';

const ROOT = '/work/acme';
const D = `${ROOT}/force-app/main/default`;
const SFDX = JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }], sourceApiVersion: '62.0' });

const CONFIG = `public with sharing class AcmeConfig {
    public static final String BASE_URL = 'https://api.acme-payments.com';
    public static final String API_ROOT = BASE_URL + '/v2';
    public static final String DOCS_LINK = 'https://docs.acme-payments.com/start';
}
`;
const CLIENT = `public with sharing class AcmeClient {
    public HttpResponse charge(String body) {
        HttpRequest req = new HttpRequest();
        req.setEndpoint(AcmeConfig.API_ROOT + '/charges');
        req.setMethod('POST');
        req.setHeader('Authorization', 'Bearer ' + Label.Acme_Api_Token);
        req.setBody(body);
        return new Http().send(req);
    }
    public HttpResponse refund(String id) {
        HttpRequest req = new HttpRequest();
        req.setEndpoint(AcmeConfig.API_ROOT + '/refunds/' + id);
        req.setMethod('POST');
        req.setHeader('Authorization', 'Bearer ' + Label.Acme_Api_Token);
        return new Http().send(req);
    }
}
`;
const GEO = `public with sharing class GeoLookup {
    public static String find(String q) {
        HttpRequest req = new HttpRequest();
        req.setEndpoint(System.Label.Geo_Endpoint + '/search?q=' + EncodingUtil.urlEncode(q, 'UTF-8'));
        return new Http().send(req).getBody();
    }
}
`;
const LABELS = `<?xml version="1.0" encoding="UTF-8"?>
<CustomLabels xmlns="http://soap.sforce.com/2006/04/metadata">
    <labels>
        <fullName>Acme_Api_Token</fullName>
        <language>en_US</language>
        <protected>false</protected>
        <shortDescription>Acme API token</shortDescription>
        <value>acme_live_7Hq2Lx9Vb3Nc8Mz4Kd6Pf1Rt</value>
    </labels>
    <labels>
        <fullName>Geo_Endpoint</fullName>
        <language>en_US</language>
        <protected>false</protected>
        <shortDescription>Geo service</shortDescription>
        <value>https://geo.example.org/v1</value>
    </labels>
</CustomLabels>
`;

describe('fix: the value lives in another file', () => {
  let engine: Engine;
  before(async () => { engine = await createEngine(); });

  const files = () => new Map<string, string>([
    [`${D}/classes/AcmeConfig.cls`, CONFIG],
    [`${D}/classes/AcmeClient.cls`, CLIENT],
    [`${D}/classes/GeoLookup.cls`, GEO],
    [`${D}/labels/CustomLabels.labels-meta.xml`, LABELS],
  ]);
  const index = (fs: Map<string, string>): ProjectIndex => buildProjectIndex(ROOT, [...fs].map(([path, text]) => ({ path, text })), SFDX);
  const findings = (fs: Map<string, string>, p: ProjectIndex): Finding[] => [...fs].filter(([f]) => f.endsWith('.cls'))
    .flatMap(([f, t]) => engine.lint(f, t, { project: p }).findings.filter(x => FIXABLE_RULES.includes(x.ruleId)));
  const ctx = (fs: Map<string, string>, p: ProjectIndex, all: Finding[]): FixContext =>
    ({ project: p, readFile: f => fs.get(f), exists: f => fs.has(f), findings: all });

  it('Migrate rewrites the constant in the class that defines it and the label in the labels file, once each', () => {
    const fs = files();
    const p = index(fs);
    const all = findings(fs, p);
    assert.deepStrictEqual(all.map(f => `${f.path.slice(D.length + 1)}:${f.range.start.line + 1}:${f.ruleId}`).sort(), [
      'classes/AcmeClient.cls:12:callout-without-named-credential',
      'classes/AcmeClient.cls:14:hardcoded-authorization-header',
      'classes/AcmeClient.cls:4:callout-without-named-credential',
      'classes/AcmeClient.cls:6:hardcoded-authorization-header',
      'classes/GeoLookup.cls:4:callout-without-named-credential',
    ]);
    const plan = planMigration(all, ctx(fs, p, all));
    const byFile = new Set(plan.edits.map(e => e.path.slice(D.length + 1)));
    assert.deepStrictEqual([...byFile].sort(), ['classes/AcmeClient.cls', 'classes/AcmeConfig.cls', 'labels/CustomLabels.labels-meta.xml']);
    const out = applyPlanToFiles(fs, plan);
    const config = out.get(`${D}/classes/AcmeConfig.cls`)!;
    const nc = /BASE_URL = 'callout:(\w+)';/.exec(config)?.[1];
    assert.ok(nc, config);
    assert.match(config, /API_ROOT = BASE_URL \+ '\/v2';/, 'the derived constant is left as it is');
    assert.match(config, /DOCS_LINK = 'https:\/\/docs\.acme-payments\.com\/start'/, 'other constants untouched');
    const labels = out.get(`${D}/labels/CustomLabels.labels-meta.xml`)!;
    assert.match(labels, /<value>callout:\w+<\/value>/, 'the endpoint label is rewritten where it lives (its /v1 is now the Named Credential base path)');
    assert.match(labels, /<value>acme_live_7Hq2Lx9Vb3Nc8Mz4Kd6Pf1Rt<\/value>/, 'the secret label is not rewritten by the endpoint fix');
    const client = out.get(`${D}/classes/AcmeClient.cls`)!;
    assert.ok(!/setHeader\('Authorization'/.test(client), 'the Authorization headers are removed');
    assert.match(client, /req\.setEndpoint\(AcmeConfig\.API_ROOT \+ '\/charges'\);/, 'the call site is unchanged: the constant carries the credential');
    assert.ok(plan.notes.some(n => /AcmeConfig\.cls:2: the URL lives in AcmeConfig\.API_ROOT, which now starts with callout:/.test(n)), plan.notes.join('\n'));
    assert.ok(plan.notes.some(n => /CustomLabels\.labels-meta\.xml:8: Label\.Acme_Api_Token still holds the credential/.test(n)), plan.notes.join('\n'));
    assert.ok(plan.creates.some(c => c.path.endsWith(`namedCredentials/${nc}.namedCredential-meta.xml`) && c.content.includes('https://api.acme-payments.com')));
    assert.ok(plan.creates.some(c => c.path.endsWith('.namedCredential-meta.xml') && c.content.includes('https://geo.example.org/v1')));
    assert.ok(!JSON.stringify(plan).includes('acme_live_7Hq2Lx9Vb3Nc8Mz4Kd6Pf1Rt'), 'no secret in the plan');

    // Applied, re-indexed and scanned again: nothing left to fix, and planning again changes nothing.
    const p2 = index(out);
    const again = findings(out, p2);
    assert.deepStrictEqual(again.map(f => f.ruleId), []);
  });

  it('the quick fix on one callout rewrites the label where it lives', () => {
    const fs = files();
    const p = index(fs);
    const all = findings(fs, p);
    const geo = all.find(f => f.path.endsWith('GeoLookup.cls'))!;
    const plan = planFix(geo, ctx(fs, p, all))!;
    assert.ok(plan);
    assert.deepStrictEqual(plan.edits.map(e => e.path.slice(D.length + 1)), ['labels/CustomLabels.labels-meta.xml']);
    assert.strictEqual(plan.edits[0].range.start.line, 14);
    assert.match(plan.edits[0].newText, /^callout:\w+$/);
    assert.ok(plan.creates.some(c => c.content.includes('https://geo.example.org/v1')), 'the Named Credential carries the label\'s base path');
  });

  it('an endpoint read from a custom metadata record: the note names the record field and its file', () => {
    const fs = files();
    fs.set(`${D}/customMetadata/Acme_Endpoint.Prod.md-meta.xml`, `<?xml version="1.0" encoding="UTF-8"?>
<CustomMetadata xmlns="http://soap.sforce.com/2006/04/metadata" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">
    <label>Prod</label>
    <protected>false</protected>
    <values>
        <field>Url__c</field>
        <value xsi:type="xsd:string">https://reports.acme-payments.com/v1</value>
    </values>
</CustomMetadata>
`);
    fs.set(`${D}/classes/AcmeReports.cls`, `public with sharing class AcmeReports {
    public static HttpResponse daily() {
        HttpRequest req = new HttpRequest();
        req.setEndpoint(Acme_Endpoint__mdt.getInstance('Prod').Url__c + '/daily');
        return new Http().send(req);
    }
}
`);
    const p = index(fs);
    const all = findings(fs, p);
    const f = all.find(x => x.path.endsWith('AcmeReports.cls'));
    assert.ok(f && f.ruleId === 'callout-without-named-credential');
    const plan = planMigration([f], ctx(fs, p, all));
    assert.ok(plan.notes.some(n => n.includes(`AcmeReports.cls:4: the endpoint is read from Acme_Endpoint.Prod.Url__c in ${D}/customMetadata/Acme_Endpoint.Prod.md-meta.xml:7`)), plan.notes.join('\n'));
  });

  it('headers copied from a map in a loop: a note says to move the credential entries by hand, not that there is no authentication', () => {
    const fs = new Map<string, string>([[`${D}/classes/ShipClient.cls`, `public with sharing class ShipClient {
    private static final Map<String, String> HEADERS = new Map<String, String>{ 'Authorization' => 'Bearer shp_live_4eC39HqLyjWDarjtT1zdp7dc' };
    public static HttpResponse track(String id) {
        HttpRequest req = new HttpRequest();
        req.setEndpoint('https://api.shipfast.io/v2/track/' + id);
        for (String k : HEADERS.keySet()) { req.setHeader(k, HEADERS.get(k)); }
        return new Http().send(req);
    }
}
`]]);
    const p = index(fs);
    const all = findings(fs, p);
    assert.deepStrictEqual(all.map(f => f.ruleId).sort(), ['callout-without-named-credential', 'hardcoded-authorization-header']);
    const plan = planMigration(all, ctx(fs, p, all));
    assert.ok(plan.notes.some(n => /ShipClient\.cls:6: headers are copied from a map in a loop/.test(n)), plan.notes.join('\n'));
    assert.ok(!plan.notes.some(n => /no authentication was found/.test(n)), plan.notes.join('\n'));
  });

  it('a label edited since the index was built is not rewritten blindly', () => {
    const fs = files();
    const p = index(fs);
    const all = findings(fs, p);
    fs.set(`${D}/labels/CustomLabels.labels-meta.xml`, LABELS.replace('https://geo.example.org/v1', 'https://geo2.example.org/v1'));
    const geo = all.find(f => f.path.endsWith('GeoLookup.cls'))!;
    assert.strictEqual(planFix(geo, ctx(fs, p, all)), undefined);
  });
});
