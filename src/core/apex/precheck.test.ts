import * as assert from 'assert';
import { Engine } from '../engine';
import { initApexParser, setReadyParser } from './parser';
import { apexRulesMayReport, GATED_RULES } from './precheck';
import { allRules } from '../../rules';
import { locateApexAssets } from '../../node/assets';

const APEX_RULES = allRules.filter(r => r.meta.kinds.includes('apex')).map(r => r.meta.id);

/** Classes no rule can fire in, and one near miss per rule that must still be parsed and reported. */
const CLEAN = `public with sharing class OpportunityRollup {
    public static void recalc(List<Opportunity> opps) {
        Map<Id, Decimal> totals = new Map<Id, Decimal>();
        for (Opportunity o : opps) {
            Decimal t = totals.containsKey(o.AccountId) ? totals.get(o.AccountId) : 0;
            totals.put(o.AccountId, t + o.Amount);
        }
        update [SELECT Id FROM Account WHERE Id IN :totals.keySet()];
    }
}
`;
const BROKEN_CLEAN = 'public class Half {\n    public void go( {\n';
const MUST_PARSE: Array<[string, string]> = [
  ['hardcoded-secret', "public class A { String k = 'sk_live_' + '51Hx9K2eZvKYlo2Cq8Rt3Wm7aQ'; }"],
  ['hardcoded-secret', "public class A {\n    // old: req.setHeader('X', 'ghp_R7x2Kq9LmZ4vT8wYb3Nc6Hd1Jf5Gs0PqWeUa');\n}"],
  ['hardcoded-credential', "public class A { private static final String CLIENT_SECRET = 'f8a3kq93jz0vm2'; }"],
  ['callout-without-named-credential', "public class A { void go(HttpRequest r) { r.setEndpoint('https://api.example.com/v1'); } }"],
  ['insecure-endpoint', "public class A { void go(HttpRequest r) { r.setEndpoint('http://api.example.com/v1'); } }"],
  ['credential-in-url', "public class A { String u = 'https://bob:' + 'Xk29fj3kqQ' + '@ftp.example.com/'; }"],
  ['credential-in-url', "public class A { String u = 'https://ftp.example.com/data?user=bob&pass=' + 'Xk29fj3kqQ'; }"],
  ['secret-in-debug-log', 'public class A { void go() { System.debug(UserInfo.getSessionId()); } }'],
  ['weak-crypto', "public class A { Blob h = Crypto.generateDigest('MD5', Blob.valueOf('x')); }"],
  ['session-id-in-callout', "public class A { void go(HttpRequest r) { r.setHeader('Sid', UserInfo.getSessionId()); } }"],
];

describe('Apex text pre-check', () => {
  let engine: Engine;
  before(async () => { setReadyParser(await initApexParser(locateApexAssets())); engine = new Engine(allRules); });

  it('clears a class without sinks, secret keywords or credential names', () => {
    assert.strictEqual(apexRulesMayReport(CLEAN, APEX_RULES), false);
  });

  it('a cleared file is not parsed: a syntax error there gives no note, since no finding can be missing', () => {
    assert.deepStrictEqual(engine.lint('/p/Half.cls', BROKEN_CLEAN), { path: '/p/Half.cls', findings: [], notes: [] });
    assert.deepStrictEqual(engine.lint('/p/Half.cls', BROKEN_CLEAN, { precheck: false }).notes.map(n => n.code), ['parse-error']);
  });

  for (const [rule, text] of MUST_PARSE) {
    it(`${rule}: the file is parsed and the finding is the same as without the pre-check`, () => {
      assert.strictEqual(apexRulesMayReport(text, [rule]), true);
      const a = engine.lint('/p/A.cls', text);
      assert.ok(a.findings.some(f => f.ruleId === rule), JSON.stringify(a.findings.map(f => f.ruleId)));
      assert.deepStrictEqual(a, engine.lint('/p/A.cls', text, { precheck: false }));
    });
  }

  it('every Apex rule of the registry has a text test (one without would make every Apex file parsed)', () => {
    assert.deepStrictEqual(APEX_RULES.filter(id => !GATED_RULES.has(id)), []);
  });

  it('the surface rules need an entry point (REST, SOAP, Aura, invocable, remote action) written in the file', () => {
    const surface = ['soql-injection', 'aura-returns-sobject', 'endpoint-without-sharing'];
    assert.strictEqual(apexRulesMayReport(CLEAN, surface), false);
    assert.strictEqual(apexRulesMayReport(CLEAN.replace('public static void', '@AuraEnabled public static void'), surface), true);
    assert.strictEqual(apexRulesMayReport('@RestResource(urlMapping=\'/x/*\') global class A {}', surface), true);
  });

  it('a rule it has no test for (a new rule) always needs the parse', () => {
    assert.strictEqual(apexRulesMayReport(CLEAN, ['some-new-rule']), true);
  });

  it('only the rules that run count: with hardcoded-credential off, a credential name alone does not force the parse', () => {
    const text = 'public class A { String password; }';
    assert.strictEqual(apexRulesMayReport(text, APEX_RULES), true);
    assert.strictEqual(apexRulesMayReport(text, APEX_RULES.filter(id => id !== 'hardcoded-credential' && id !== 'credential-in-url' && id !== 'secret-in-debug-log')), false);
  });

  it('credential names are read as words, the way isCredentialName splits them', () => {
    const only = (t: string) => apexRulesMayReport(t, ['hardcoded-credential']);
    assert.strictEqual(only('/** @author jdoe */ public class AuthorService { Integer bypassCount; }'), false, '@author, bypass are not names');
    for (const name of ['String apiKey;', 'String API_KEY;', 'String gettoken() { return x; }', "m.put('client_secret', x);", 'String ns__Password__c;', "'grant_type=password'"]) {
      assert.strictEqual(only(`public class A { ${name} }`), true, name);
    }
  });

  it('unicode escapes can spell any keyword in a literal, so such a file is always parsed', () => {
    const text = "public class A { String k = '\\u0041KIA'; }";
    assert.strictEqual(apexRulesMayReport(text, APEX_RULES), true);
  });
});
