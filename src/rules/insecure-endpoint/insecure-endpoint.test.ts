import * as assert from 'assert';
import type { Engine, LintOptions } from '../../core/engine';
import type { Finding } from '../../core/types';
import { createEngine } from '../../node/createEngine';
import { underlined } from '../../core/testkit';

const RULE = 'insecure-endpoint';
const CLS = '/p/force-app/main/default/classes/Sample.cls';
let engine: Engine;

function findings(src: string, opts: LintOptions = {}, path = CLS): Finding[] {
  return engine.lint(path, src, opts).findings.filter(f => f.ruleId === RULE);
}

/** Each finding as `line:source text of its range` (1-based line). */
function found(src: string, opts: LintOptions = {}, path = CLS): string[] {
  return underlined(src, findings(src, opts, path));
}

const INVENTORY = `public with sharing class LegacyInventoryClient {
    private static final String HOST = 'http://inventory.example.com';
    private static final String SOAP_NS = 'http://schemas.xmlsoap.org/soap/envelope/';

    public static HttpResponse stockLevel(String sku) {
        HttpRequest req = new HttpRequest();
        req.setEndpoint(HOST + '/api/stock/' + EncodingUtil.urlEncode(sku, 'UTF-8'));
        req.setMethod('GET');
        return new Http().send(req);
    }

    public static HttpResponse reserve(String sku, Integer qty) {
        Dom.Document doc = new Dom.Document();
        Dom.XmlNode env = doc.createRootElement('Envelope', SOAP_NS, 'soapenv');
        env.addChildElement('Body', 'http://schemas.xmlsoap.org/soap/envelope/', 'soapenv')
           .addChildElement('Reserve', 'http://inventory.example.com/ns', 'inv');
        HttpRequest req = new HttpRequest();
        req.setEndpoint('http://' + Inventory_Settings__c.getOrgDefaults().Host__c + '/soap');
        req.setBodyDocument(doc);
        return new Http().send(req);
    }

    public static HttpResponse secure() {
        HttpRequest req = new HttpRequest();
        req.setEndpoint('https://inventory.example.com/api/health');
        req.setEndpoint('callout:Inventory/api/health');
        return new Http().send(req);
    }
}`;

const STUB = `public class InventoryService {
    public class InventoryPort {
        public String endpoint_x = 'http://inventory.example.com/soap/InventoryService';
        private String[] ns_map_type_info = new String[]{'http://inventory.example.com/types', 'InventoryService'};
        private String[] apex_schema_type_info = new String[]{'http://inventory.example.com/types', 'true', 'false'};
    }
}`;

describe(`${RULE} (Apex)`, () => {
  before(async () => { engine = await createEngine(); });

  it('http:// endpoints through a constant and through \'http://\' + host; not namespaces nor https/callout:', () => {
    assert.deepStrictEqual(found(INVENTORY), ['2:\'http://inventory.example.com\'', '18:\'http://\'']);
  });

  it('WSDL2Apex endpoint_x over http://, not the stub\'s namespace arrays', () => {
    assert.deepStrictEqual(found(STUB), ['3:\'http://inventory.example.com/soap/InventoryService\'']);
  });

  it('message, hints and related location', () => {
    const [viaConstant, viaHost] = findings(INVENTORY);
    assert.strictEqual(viaConstant.severity, 'error');
    assert.strictEqual(viaConstant.message, 'Callout endpoint uses plain http:// (http://inventory.example.com/api/stock/{sku}): use https:// (through a Named Credential) so credentials and data are encrypted in transit.');
    assert.deepStrictEqual(viaConstant.hints, { url: 'http://inventory.example.com/api/stock/{sku}' });
    assert.deepStrictEqual(viaConstant.related?.map(r => r.range.start.line + 1), [7]);
    assert.strictEqual(viaHost.hints?.url, 'http://{Inventory_Settings__c.getOrgDefaults().Host__c}/soap');
    assert.strictEqual(viaHost.related, undefined);
    assert.match(findings(STUB)[0].message, /^SOAP stub endpoint_x uses plain http:\/\//);
  });

  it('either branch of a ternary over http:// is reported at its literal', () => {
    const src = `public with sharing class PartnerPing {
    public static HttpResponse ping(Boolean legacy) {
        HttpRequest req = new HttpRequest();
        req.setEndpoint(legacy ? 'https://partner.example.com/ping' : 'http://partner-old.example.com/ping');
        return new Http().send(req);
    }
}`;
    assert.deepStrictEqual(found(src), ['4:\'http://partner-old.example.com/ping\'']);
  });

  it('test code is skipped unless includeTests', () => {
    const src = `@IsTest
private class LegacyInventoryClientTest {
    @IsTest static void t() {
        HttpRequest req = new HttpRequest();
        req.setEndpoint('http://localhost:8080/mock');
    }
}`;
    assert.deepStrictEqual(found(src), []);
    assert.deepStrictEqual(found(src, { includeTests: true }), ['5:\'http://localhost:8080/mock\'']);
  });
});
