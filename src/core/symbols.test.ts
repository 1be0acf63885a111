import * as assert from 'assert';
import { createEngine } from '../node/createEngine';
import { scanApexConstants } from './apex/constants';
import type { Engine } from './engine';
import { buildProjectIndex } from './metadata/facts';
import { extractLabels, extractMetadataRecord } from './metadata/values';
import { findConstant, readsAny, resolveName, setFileSymbols, symbolsOf } from './symbols';
import type { ProjectIndex } from './project';
import type { Finding } from './types';

const D = '/p/force-app/main/default';

const CONFIG = `public with sharing class Config {
    // Base of every Acme call; 'https://old.example.com' is gone.
    public static final String BASE_URL = 'https://api.acme-payments.com';
    public static final String API_ROOT = BASE_URL + '/v2';
    @TestVisible private static final Integer TIMEOUT_MS = 20000;
    public static String statusUrl;
    public static String mutable = 'https://changes.example.com';
    static {
        statusUrl = 'https://status.acme-payments.com';
    }
    public static void reset() { mutable = null; }
    public class Keys {
        public static final String PARTNER_KEY = 'pk_9fA3kQ7mZ2xW8vB1nC5tY4uR';
        public final String notStatic = 'x';
    }
    public static String getter { get { return 'https://computed.example.com'; } }
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
        <fullName>Acme_Base</fullName>
        <language>en_US</language>
        <protected>false</protected>
        <shortDescription>Acme base URL</shortDescription>
        <value>https://labels.acme-payments.com/api</value>
    </labels>
</CustomLabels>
`;

const ONE_LABEL = `<?xml version="1.0" encoding="UTF-8"?>
<CustomLabel xmlns="http://soap.sforce.com/2006/04/metadata">
    <fullName>Geo_Endpoint</fullName>
    <language>en_US</language>
    <protected>false</protected>
    <shortDescription>Geo</shortDescription>
    <value>https://geo.example.org/v1</value>
</CustomLabel>
`;

const RECORD = (endpoint: string, key: string) => `<?xml version="1.0" encoding="UTF-8"?>
<CustomMetadata xmlns="http://soap.sforce.com/2006/04/metadata" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">
    <label>Record</label>
    <protected>false</protected>
    <values>
        <field>Api_Key__c</field>
        <value xsi:type="xsd:string">${key}</value>
    </values>
    <values>
        <field>Endpoint__c</field>
        <value xsi:type="xsd:string">${endpoint}</value>
    </values>
    <values>
        <field>Notes__c</field>
        <value xsi:nil="true"/>
    </values>
</CustomMetadata>
`;

function project(files: Record<string, string>): ProjectIndex {
  return buildProjectIndex('/p', Object.entries(files).map(([path, text]) => ({ path, text })));
}

const BASE_FILES = {
  [`${D}/classes/Config.cls`]: CONFIG,
  [`${D}/labels/CustomLabels.labels-meta.xml`]: LABELS,
  [`${D}/labels/Geo_Endpoint.label-meta.xml`]: ONE_LABEL,
  [`${D}/customMetadata/Acme_Setting.Production.md-meta.xml`]: RECORD('https://prod.acme-payments.com/api', 'c3VwZXJzZWNyZXRrZXk6OTg3NjU0MzIxMGFiY2RlZg=='),
  [`${D}/customMetadata/Acme_Setting.Sandbox.md-meta.xml`]: RECORD('https://sandbox.acme-payments.com/api', 'placeholder'),
  [`${D}/customMetadata/Feature_Flag.Default.md-meta.xml`]: RECORD('not a url', 'x'),
};

describe('project-wide values (symbols)', () => {
  let engine: Engine;
  before(async () => { engine = await createEngine(); });

  const lint = (path: string, text: string, p: ProjectIndex): Finding[] =>
    engine.lint(path, text, { project: p }).findings;
  const lines = (text: string, fs: Finding[]) => fs.map(f => `${f.ruleId}@${f.range.start.line + 1}`);

  describe('Apex constants text scan', () => {
    it('collects static final fields, statics set once in a static block, nested classes; skips reassigned, instance and getter fields', () => {
      const cs = scanApexConstants(`${D}/classes/Config.cls`, CONFIG);
      assert.deepStrictEqual(cs.map(c => `${c.className}.${c.name}`).sort(),
        ['Config.API_ROOT', 'Config.BASE_URL', 'Config.TIMEOUT_MS', 'Config.Keys.PARTNER_KEY', 'Config.statusUrl'].sort());
      const root = cs.find(c => c.name === 'API_ROOT')!;
      assert.deepStrictEqual(root.parts.map(p => p.kind === 'literal' ? `'${p.value}'` : p.text), ['BASE_URL', "'/v2'"]);
      const base = cs.find(c => c.name === 'BASE_URL')!;
      assert.strictEqual(CONFIG.split('\n')[base.range.start.line].slice(base.range.start.character, base.range.end.character),
        "BASE_URL = 'https://api.acme-payments.com'");
    });

    it('ignores constants in comments and strings, and files without static', () => {
      const text = `public class A {\n  // public static final String X = 'https://a.example.com';\n  String s = 'static final String Y = 1;';\n  /* static final String Z = 'q'; */\n}\n`;
      assert.deepStrictEqual(scanApexConstants('/A.cls', text).map(c => c.name), []);
      assert.deepStrictEqual(scanApexConstants('/B.cls', 'public class B { String x = \'y\'; }'), []);
    });

    it('never throws on broken or hostile text', () => {
      for (const t of ["public class { static final String = ;", "static final String X = 'unterminated", '}}}}{{{ static', '\u0000static\uffff']) {
        assert.doesNotThrow(() => scanApexConstants('/X.cls', t));
      }
    });
  });

  describe('labels and custom metadata records', () => {
    it('reads the bundle and decomposed labels with value ranges', () => {
      const ls = extractLabels(`${D}/labels/CustomLabels.labels-meta.xml`, LABELS);
      assert.deepStrictEqual(ls.map(l => [l.name, l.value]), [['Acme_Api_Token', 'acme_live_7Hq2Lx9Vb3Nc8Mz4Kd6Pf1Rt'], ['Acme_Base', 'https://labels.acme-payments.com/api']]);
      assert.strictEqual(ls[0].range.start.line, 7);
      assert.deepStrictEqual(extractLabels(`${D}/labels/Geo_Endpoint.label-meta.xml`, ONE_LABEL).map(l => [l.name, l.value]), [['Geo_Endpoint', 'https://geo.example.org/v1']]);
      assert.deepStrictEqual(extractLabels('/x/labels/Bad.labels-meta.xml', '<CustomLabels><labels><fullName>A'), []);
    });

    it('reads a record: type and name from the file name, nil values left out', () => {
      const r = extractMetadataRecord(`${D}/customMetadata/Acme_Setting.Production.md-meta.xml`, RECORD('https://a.example.com', 'k'))!;
      assert.strictEqual(r.type, 'Acme_Setting');
      assert.strictEqual(r.record, 'Production');
      assert.deepStrictEqual(r.values.map(v => v.field), ['Api_Key__c', 'Endpoint__c']);
    });
  });

  describe('resolveName', () => {
    const p = project(BASE_FILES);
    const text = (name: string, from?: string) => (resolveName(p, name, from) ?? []).map(x => (x.kind === 'literal' ? x.value : `{${x.text}}`)).join('');
    it('follows constants through other constants, nested classes, labels (both spellings)', () => {
      assert.strictEqual(text('Config.API_ROOT'), 'https://api.acme-payments.com/v2');
      assert.strictEqual(text('config.keys.partner_key'), 'pk_9fA3kQ7mZ2xW8vB1nC5tY4uR');
      assert.strictEqual(text('Keys.PARTNER_KEY', 'Config'), 'pk_9fA3kQ7mZ2xW8vB1nC5tY4uR');
      assert.strictEqual(text('Label.Acme_Base'), 'https://labels.acme-payments.com/api');
      assert.strictEqual(text('System.Label.Geo_Endpoint'), 'https://geo.example.org/v1');
      assert.strictEqual(text('Config.mutable'), '');
      assert.strictEqual(text('Nope.X'), '');
    });
    it('a constant that refers to itself does not loop', () => {
      const q = project({ '/p/A.cls': 'public class A { public static final String X = B.Y + \'a\'; }', '/p/B.cls': 'public class B { public static final String Y = A.X; }' });
      assert.doesNotThrow(() => resolveName(q, 'A.X'));
    });
  });

  describe('resolve() at callout sinks', () => {
    const p = project(BASE_FILES);
    const client = `public with sharing class PaymentClient {
    public HttpResponse charge(String body) {
        HttpRequest req = new HttpRequest();
        req.setEndpoint(Config.API_ROOT + '/charges');
        req.setMethod('POST');
        req.setHeader('Authorization', 'Bearer ' + Label.Acme_Api_Token);
        req.setHeader('x-api-key', Config.Keys.PARTNER_KEY);
        req.setBody(body);
        return new Http().send(req);
    }
    public HttpResponse status() {
        HttpRequest req = new HttpRequest();
        Acme_Setting__mdt cfg = Acme_Setting__mdt.getInstance('Production');
        req.setEndpoint(cfg.Endpoint__c + '/status');
        req.setHeader('Authorization', 'Basic ' + Acme_Setting__mdt.getAll().get('Production').Api_Key__c);
        return new Http().send(req);
    }
    public void each() {
        for (Acme_Setting__mdt s : Acme_Setting__mdt.getAll().values()) {
            HttpRequest req = new HttpRequest();
            req.setEndpoint(s.Endpoint__c);
            new Http().send(req);
        }
    }
    public void soql() {
        Acme_Setting__mdt prod = [SELECT Endpoint__c FROM Acme_Setting__mdt WHERE DeveloperName = 'Production' LIMIT 1];
        HttpRequest req = new HttpRequest();
        req.setEndpoint(prod.Endpoint__c);
        for (Acme_Setting__mdt any : [SELECT Endpoint__c FROM Acme_Setting__mdt]) { req.setEndpoint(any.Endpoint__c); }
        for (Acme_Setting__mdt some : [SELECT Endpoint__c FROM Acme_Setting__mdt WHERE Active__c = true]) { req.setEndpoint(some.Endpoint__c); }
    }
    public void settings() {
        HttpRequest r2 = new HttpRequest();
        r2.setEndpoint(Acme_Config__c.getOrgDefaults().Url__c);
        r2.setHeader('Authorization', 'Bearer ' + Acme_Config__c.getInstance().Token__c);
        new Http().send(r2);
        HttpRequest r3 = new HttpRequest();
        r3.setEndpoint(Feature_Flag__mdt.getInstance('Default').Endpoint__c);
        r3.setEndpoint(System.Label.Geo_Endpoint);
        new Http().send(r3);
    }
}
`;
    const path = `${D}/classes/PaymentClient.cls`;

    it('finds endpoints and credentials kept in other classes, labels and custom metadata records', () => {
      assert.deepStrictEqual(lines(client, lint(path, client, p)), [
        'callout-without-named-credential@4',     // Config.API_ROOT (+ BASE_URL) in Config.cls
        'hardcoded-authorization-header@6',       // Label.Acme_Api_Token
        'hardcoded-authorization-header@7',       // Config.Keys.PARTNER_KEY
        'callout-without-named-credential@14',    // the Production record's Endpoint__c through a local
        'hardcoded-authorization-header@15',      // getAll().get('Production').Api_Key__c
        'callout-without-named-credential@21',    // getAll().values(): a record holds a literal URL
        'callout-without-named-credential@28',    // SOQL on the type, WHERE DeveloperName = 'Production'
        'callout-without-named-credential@29',    // loop over every record of the type (one holds a URL)
        'manual-authorization-header@35',         // custom setting: run-time value, as before
        'callout-without-named-credential@39',    // System.Label.Geo_Endpoint
      ]);
    });

    it('points related locations at the file and line where the value lives', () => {
      const fs = lint(path, client, p);
      const at = (line: number) => fs.find(f => f.range.start.line === line - 1)!;
      const rel = (f: Finding) => (f.related ?? []).map(r => `${r.path.slice(D.length + 1)}:${r.range.start.line + 1}`);
      assert.deepStrictEqual(rel(at(4)), ['classes/Config.cls:3']);
      assert.deepStrictEqual(rel(at(6)), ['labels/CustomLabels.labels-meta.xml:8']);
      assert.deepStrictEqual(rel(at(7)), ['classes/Config.cls:13']);
      assert.deepStrictEqual(rel(at(14)), ['customMetadata/Acme_Setting.Production.md-meta.xml:11']);
      assert.deepStrictEqual(rel(at(15)), ['customMetadata/Acme_Setting.Production.md-meta.xml:7']);
      assert.match(at(4).message, /https:\/\/api\.acme-payments\.com.*\/v2\/charges/);
      assert.ok(!JSON.stringify(fs).includes('acme_live_7Hq2Lx9Vb3Nc8Mz4Kd6Pf1Rt'), 'the label secret never appears in clear');
    });

    it('without the project index nothing cross-file is concluded (same findings as before)', () => {
      assert.deepStrictEqual(lines(client, lint(path, client, buildProjectIndex('/p', []))), [
        'manual-authorization-header@6', 'manual-authorization-header@7', 'manual-authorization-header@15', 'manual-authorization-header@35',
      ]);
    });

    it('a local variable named like a class is not taken for the class', () => {
      const t = `public class C {\n  public void m(Config config) {\n    HttpRequest req = new HttpRequest();\n    req.setEndpoint(config.BASE_URL);\n  }\n}\n`;
      assert.deepStrictEqual(lines(t, lint(`${D}/classes/C.cls`, t, p)), []);
    });

    it('a constant of the same file still resolves locally, and an Outer.Inner constant from inside Outer', () => {
      const t = `public class Outer {\n  public class Inner { public static final String U = 'https://inner.example.com'; }\n  public void m() {\n    HttpRequest req = new HttpRequest();\n    req.setEndpoint(Inner.U + '/x');\n  }\n}\n`;
      const q = project({ ...BASE_FILES, [`${D}/classes/Outer.cls`]: t });
      assert.deepStrictEqual(lines(t, lint(`${D}/classes/Outer.cls`, t, q)), ['callout-without-named-credential@5']);
    });
  });

  describe('per-file updates', () => {
    it('setFileSymbols replaces one file and names what changed; readsAny finds the readers', () => {
      const p = project(BASE_FILES);
      const cfg = `${D}/classes/Config.cls`;
      assert.deepStrictEqual(setFileSymbols(p, cfg, symbolsOf(cfg, CONFIG)), []);
      const changed = setFileSymbols(p, cfg, symbolsOf(cfg, CONFIG.replace('api.acme-payments.com', 'api2.acme-payments.com')));
      assert.deepStrictEqual(changed.sort(), ['config', 'config.keys']);
      assert.strictEqual((resolveName(p, 'Config.BASE_URL')![0] as { value: string }).value, 'https://api2.acme-payments.com');
      assert.ok(readsAny('req.setEndpoint(Config.BASE_URL);', changed));
      assert.ok(!readsAny('req.setEndpoint(Other.BASE_URL);', changed));
      assert.deepStrictEqual(setFileSymbols(p, cfg, undefined).sort(), ['config', 'config.keys']);
      assert.strictEqual(findConstant(p, 'Config', 'BASE_URL'), undefined);
      const lab = `${D}/labels/CustomLabels.labels-meta.xml`;
      assert.deepStrictEqual(setFileSymbols(p, lab, symbolsOf(lab, LABELS.replace('labels.acme', 'labels2.acme'))).sort(), ['label.acme_api_token', 'label.acme_base']);
      assert.ok(readsAny('x = System.Label.Acme_Base;', ['label.acme_base']));
    });
  });
});
