import * as assert from 'assert';
import { createEngine } from '../../node/createEngine';
import type { Engine } from '../engine';
import { buildProjectIndex } from '../metadata/facts';
import type { Finding } from '../types';

const D = '/p/force-app/main/default';

describe('headers copied from a map, and header values configured in metadata', () => {
  let engine: Engine;
  before(async () => { engine = await createEngine(); });
  const rules = (text: string, fs: Finding[]) => fs.map(f => `${f.ruleId}@${f.range.start.line + 1}`);

  const CLIENT = `public with sharing class ShipmentClient {
    private static final String TOKEN = 'shp_live_4eC39HqLyjWDarjtT1zdp7dc';
    private static final Map<String, String> DEFAULT_HEADERS = new Map<String, String>{
        'Authorization' => 'Bearer ' + TOKEN,
        'Content-Type' => 'application/json'
    };

    public HttpResponse track(String id) {
        HttpRequest req = new HttpRequest();
        req.setEndpoint('callout:Shipping/v2/track/' + id);
        for (String name : DEFAULT_HEADERS.keySet()) {
            req.setHeader(name, DEFAULT_HEADERS.get(name));
        }
        return new Http().send(req);
    }

    public HttpResponse label(String id) {
        Map<String, String> headers = new Map<String, String>();
        headers.put('Accept', 'application/pdf');
        headers.put('x-api-key', 'k_7f3a9c2e51b84d06a1e2f3b4c5d6e7f8');
        HttpRequest req = new HttpRequest();
        req.setEndpoint('https://labels.shipfast.io/v1/' + id);
        for (String h : headers.keySet()) { req.setHeader(h, (String) headers.get(h)); }
        return new Http().send(req);
    }

    public HttpResponse relay(Map<String, String> incoming) {
        HttpRequest req = new HttpRequest();
        req.setEndpoint('callout:Shipping/relay');
        for (String h : incoming.keySet()) { req.setHeader(h, incoming.get(h)); }
        return new Http().send(req);
    }

    public HttpResponse plain() {
        Map<String, String> hs = new Map<String, String>{ 'Accept' => 'application/json' };
        HttpRequest req = new HttpRequest();
        req.setEndpoint('callout:Shipping/ping');
        for (String h : hs.keySet()) { req.setHeader(h, hs.get(h)); }
        return new Http().send(req);
    }
}
`;

  it('reports the credential header a loop copies from a map built from literals (initializer and put), with the literal as related location', () => {
    const fs = engine.lint(`${D}/classes/ShipmentClient.cls`, CLIENT).findings;
    assert.deepStrictEqual(rules(CLIENT, fs).filter(r => !r.startsWith('hardcoded-credential') && !r.startsWith('hardcoded-secret')), [
      'hardcoded-authorization-header@12',
      'callout-without-named-credential@22',
      'hardcoded-authorization-header@23',
    ]);
    const h = fs.filter(f => f.ruleId === 'hardcoded-authorization-header');
    assert.deepStrictEqual(h.map(f => f.hints?.header), ['Authorization', 'x-api-key']);
    assert.ok(h[0].related?.some(r => r.range.start.line === 1), 'TOKEN, where the credential is written');
    assert.ok(h[1].related?.some(r => r.range.start.line === 19), 'the put() call holding the key');
    assert.ok(!JSON.stringify(fs).includes('shp_live_4eC39HqLyjWDarjtT1zdp7dc'));
  });

  it('a loop over a map it cannot see (a parameter) or without credential headers reports nothing', () => {
    const fs = engine.lint(`${D}/classes/ShipmentClient.cls`, CLIENT).findings.filter(f => f.range.start.line >= 25);
    assert.deepStrictEqual(rules(CLIENT, fs), []);
  });

  it('a header value kept as a placeholder in a custom metadata record is built at run time (manual), a real one is hardcoded', () => {
    const rec = (name: string, token: string) => ({ path: `${D}/customMetadata/Ship_Config.${name}.md-meta.xml`, text: `<?xml version="1.0" encoding="UTF-8"?>
<CustomMetadata xmlns="http://soap.sforce.com/2006/04/metadata" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema">
    <label>${name}</label>
    <protected>false</protected>
    <values>
        <field>Token__c</field>
        <value xsi:type="xsd:string">${token}</value>
    </values>
</CustomMetadata>
` });
    const p = buildProjectIndex('/p', [rec('Prod', 'YOUR_TOKEN_HERE'), rec('Legacy', 'shp_live_9xY8wV7uT6sR5qP4oN3mL2kJ')]);
    const text = `public class ShipAuth {
    public static void sign(HttpRequest req, String env) {
        req.setHeader('Authorization', 'Bearer ' + Ship_Config__mdt.getInstance('Prod').Token__c);
        req.setHeader('X-Legacy-Auth', 'x');
        req.setHeader('x-api-key', Ship_Config__mdt.getInstance('Legacy').Token__c);
    }
}
`;
    assert.deepStrictEqual(rules(text, engine.lint(`${D}/classes/ShipAuth.cls`, text, { project: p }).findings),
      ['manual-authorization-header@3', 'hardcoded-authorization-header@5']);
  });
});
