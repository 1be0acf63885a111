import * as assert from 'assert';
import { Engine } from '../../core/engine';
import { initApexParser, setReadyParser } from '../../core/apex/parser';
import { locateApexAssets } from '../../node/assets';
import { allRules } from '..';
import { lintRule } from '../../core/surface/testkit';

describe('rest-unchecked-record-id', () => {
  let engine: Engine;
  before(async () => { setReadyParser(await initApexParser(locateApexAssets())); engine = new Engine(allRules); });

  it('id taken from the URI of a wildcard mapping and used without sharing', () => {
    const src = `@RestResource(urlMapping='/invoices/*')
global without sharing class InvoiceResource {
    @HttpGet
    global static Invoice__c doGet() {
        RestRequest req = RestContext.request;
        String invoiceId = req.requestURI.substring(req.requestURI.lastIndexOf('/') + 1);
        return [SELECT Id, Amount__c FROM Invoice__c WHERE Id = :invoiceId];
    }
    @HttpDelete
    global static void doDelete() {
        String invoiceId = RestContext.request.requestURI.substringAfterLast('/');
        delete [SELECT Id FROM Invoice__c WHERE Id = :invoiceId AND OwnerId = :UserInfo.getUserId()];
    }
}`;
    const r = lintRule(engine, 'rest-unchecked-record-id', src);
    // doDelete filters on the owner (its query), but the delete itself still runs without sharing.
    assert.deepStrictEqual(r.shown, ['4:doGet', '10:doDelete']);
    assert.deepStrictEqual(r.findings[1].related?.map(l => l.range.start.line + 1), [12]);
  });

  it('clean: with sharing, an exact mapping, an owner-filtered read', () => {
    const src = `@RestResource(urlMapping='/invoices/*')
global with sharing class A {
    @HttpGet global static Invoice__c g() { String i = RestContext.request.requestURI.substringAfterLast('/'); return [SELECT Id FROM Invoice__c WHERE Id = :i]; }
}
@RestResource(urlMapping='/invoices/mine')
global without sharing class B {
    @HttpGet global static List<Invoice__c> g() { return [SELECT Id FROM Invoice__c WHERE OwnerId = :UserInfo.getUserId()]; }
}
@RestResource(urlMapping='/owned/*')
global without sharing class C {
    @HttpGet global static Invoice__c g() { String i = RestContext.request.requestURI.substringAfterLast('/'); return [SELECT Id FROM Invoice__c WHERE Id = :i AND OwnerId = :UserInfo.getUserId()]; }
}`;
    assert.deepStrictEqual(lintRule(engine, 'rest-unchecked-record-id', src).shown, []);
  });
});
