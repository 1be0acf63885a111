import * as assert from 'assert';
import { Engine } from '../../core/engine';
import { initApexParser, setReadyParser } from '../../core/apex/parser';
import { locateApexAssets } from '../../node/assets';
import { allRules } from '..';
import { lintRule } from '../../core/surface/testkit';

const ORDER_API = `@RestResource(urlMapping='/orders/*')
global without sharing class OrderApi {
    @HttpGet
    global static Order__c getOrder() {
        String orderId = RestContext.request.requestURI.substringAfterLast('/');
        return [SELECT Id, Name, Total__c FROM Order__c WHERE Id = :orderId];
    }
    @HttpPost
    global static Id create(String name) {
        Order__c o = new Order__c(Name = name);
        insert as user o;
        return o.Id;
    }
}`;

describe('endpoint-without-sharing', () => {
  let engine: Engine;
  before(async () => { setReadyParser(await initApexParser(locateApexAssets())); engine = new Engine(allRules); });

  it('REST GET of a without sharing class reading records in system mode; the user-mode POST is fine', () => {
    const r = lintRule(engine, 'endpoint-without-sharing', ORDER_API);
    assert.deepStrictEqual(r.shown, ['4:getOrder']);
    assert.match(r.findings[0].message, /REST GET \/orders\/\* OrderApi.getOrder runs without sharing and reads Order__c in system mode/);
    assert.deepStrictEqual(r.findings[0].related?.map(l => l.range.start.line + 1), [6]);
  });

  it('an entry point typed key by key into a large class with none is found (the edited class is read around the edit)', () => {
    // The text test for entry points remembers the last large text: typing must not hide what a fresh read finds,
    // also when the annotation's name is typed after a long run of white space behind its `@`.
    const fields = Array.from({ length: 2500 }, (_, i) => `    public String field${i};\n`).join('');
    const head = `global without sharing class Big {\n${fields}    @${' '.repeat(200)}\n`;
    const tail = `\n    public static List<Case> open() {\n        return [SELECT Id FROM Case WHERE IsClosed = false];\n    }\n}`;
    assert.ok(head.length > 64 * 1024);
    assert.deepStrictEqual(lintRule(engine, 'endpoint-without-sharing', `${head}Deprecated${tail}`).shown, []);
    const typed = [...'InvocableMethod'].map((_, n) => lintRule(engine, 'endpoint-without-sharing', head + 'InvocableMethod'.slice(0, n + 1) + tail).shown);
    assert.deepStrictEqual(typed.slice(0, -1).flat(), []);
    assert.deepStrictEqual(typed[typed.length - 1], ['2504:open']);
  });

  it('no sharing keyword: SOAP and invocable entry points run without sharing; @AuraEnabled runs with sharing', () => {
    const src = `global class LegacyService {
    webservice static Integer countOpen() {
        return [SELECT COUNT() FROM Case WHERE IsClosed = false];
    }
    @InvocableMethod(label='Close cases')
    public static void close(List<Id> ids) {
        List<Case> cs = [SELECT Id FROM Case WHERE Id IN :ids];
        for (Case c : cs) { c.Status = 'Closed'; }
        update cs;
    }
    @AuraEnabled
    public static List<Case> mine() {
        return [SELECT Id FROM Case LIMIT 10];
    }
}`;
    assert.deepStrictEqual(lintRule(engine, 'endpoint-without-sharing', src).shown, ['2:countOpen', '6:close']);
  });

  it('follows calls into a without sharing helper class declared in the same file, not into a with sharing one', () => {
    const src = `public with sharing class PortalController {
    @AuraEnabled
    public static List<Contact> team() { return Elevated.contacts(); }
    @AuraEnabled
    public static List<Contact> own() { return Scoped.contacts(); }
    without sharing class Elevated {
        public List<Contact> contacts() { return [SELECT Id, Email FROM Contact]; }
    }
    with sharing class Scoped {
        public List<Contact> contacts() { return [SELECT Id, Email FROM Contact]; }
    }
}`;
    const r = lintRule(engine, 'endpoint-without-sharing', src);
    assert.deepStrictEqual(r.shown, ['3:team']);
    assert.match(r.findings[0].message, /PortalController.team calls code that runs without sharing \(Elevated.contacts\) and reads Contact in system mode/);
    assert.deepStrictEqual(r.findings[0].related?.map(l => l.range.start.line + 1), [7]);
  });

  it('reference data sharing does not apply to (currency rates, record types, custom metadata) is not reported', () => {
    const src = `public with sharing class RollupController {
    @AuraEnabled
    public static Decimal convert(String iso, Decimal val) { return new Rates().rate(iso) * val; }
    private without sharing class Rates {
        Decimal rate(String iso) {
            String query = 'SELECT IsoCode, ConversionRate FROM CurrencyType WHERE IsActive = true';
            for (SObject ct : Database.query(query)) { if (ct.get('IsoCode') == iso) { return (Decimal) ct.get('ConversionRate'); } }
            List<RecordType> rts = [SELECT Id FROM RecordType];
            List<Rollup__mdt> cfg = [SELECT Id FROM Rollup__mdt];
            return 1;
        }
    }
}`;
    assert.deepStrictEqual(lintRule(engine, 'endpoint-without-sharing', src).shown, []);
  });

  it('clean: inherited sharing (with sharing at the entry), user mode queries, no data access', () => {
    const src = `public inherited sharing class Ctl {
    @AuraEnabled public static List<Account> a() { return [SELECT Id FROM Account]; }
}
public without sharing class Util {
    @AuraEnabled public static List<Account> b() { return [SELECT Id FROM Account WITH USER_MODE]; }
    @AuraEnabled public static List<Account> c() { return Database.query('SELECT Id FROM Account', AccessLevel.USER_MODE); }
    @AuraEnabled public static String d() { return UserInfo.getName(); }
}`;
    assert.deepStrictEqual(lintRule(engine, 'endpoint-without-sharing', src).shown, []);
  });
});
