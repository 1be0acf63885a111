import * as assert from 'assert';
import { Engine } from '../../core/engine';
import { initApexParser, setReadyParser } from '../../core/apex/parser';
import { locateApexAssets } from '../../node/assets';
import { allRules } from '..';
import { lintRule } from '../../core/surface/testkit';

describe('aura-returns-sobject', () => {
  let engine: Engine;
  before(async () => { setReadyParser(await initApexParser(locateApexAssets())); engine = new Engine(allRules); });

  it('records read in system mode and returned to the component', () => {
    const src = `public with sharing class ContactListController {
    @AuraEnabled(cacheable=true)
    public static List<Contact> contacts(Id accountId) {
        return [SELECT Id, Name, Email, Salary__c FROM Contact WHERE AccountId = :accountId];
    }
    @AuraEnabled
    public static Invoice__c invoice(Id invoiceId) {
        Invoice__c inv = [SELECT Id, Amount__c FROM Invoice__c WHERE Id = :invoiceId];
        return inv;
    }
}`;
    const r = lintRule(engine, 'aura-returns-sobject', src);
    assert.deepStrictEqual(r.shown, ['3:contacts', '7:invoice']);
    assert.deepStrictEqual(r.findings[0].related?.map(l => l.range.start.line + 1), [4]);
  });

  it('clean: WITH USER_MODE, WITH SECURITY_ENFORCED, stripInaccessible, a wrapper type, a string', () => {
    const src = `public with sharing class SafeController {
    @AuraEnabled public static List<Contact> a() { return [SELECT Id, Email FROM Contact WITH USER_MODE]; }
    @AuraEnabled public static List<Contact> b() { return [SELECT Id, Email FROM Contact WITH SECURITY_ENFORCED]; }
    @AuraEnabled public static List<Contact> c() {
        return (List<Contact>) Security.stripInaccessible(AccessType.READABLE, [SELECT Id, Email FROM Contact]).getRecords();
    }
    @AuraEnabled public static List<Row> d() { List<Row> out = new List<Row>(); for (Contact x : [SELECT Name FROM Contact]) { out.add(new Row(x.Name)); } return out; }
    @AuraEnabled public static String e() { return [SELECT Name FROM Contact LIMIT 1].Name; }
    @AuraEnabled public static Address__c g(Id accId) {
        Account a = [SELECT Id, Name FROM Account WHERE Id = :accId];
        return [SELECT Id, Street__c FROM Address__c WHERE Account__c = :a.Id WITH USER_MODE];
    }
    @AuraEnabled public static List<Invoice__c> f(Id acc) { return Database.query('SELECT Id, Amount__c FROM Invoice__c WHERE Account__c = :acc WITH USER_MODE'); }
    public class Row { @AuraEnabled public String name; Row(String n) { name = n; } }
}`;
    assert.deepStrictEqual(lintRule(engine, 'aura-returns-sobject', src).shown, []);
  });
});
