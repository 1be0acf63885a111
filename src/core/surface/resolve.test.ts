import * as assert from 'assert';
import { initApexParser, parseApex, setReadyParser } from '../apex/parser';
import { locateApexAssets } from '../../node/assets';
import { buildInventory, entryRows } from './inventory';
import { projectWith } from './testkit';
import type { ApexUnit } from './analyze';

/**
 * Apex resolves a type name written inside a class to an inner class of that class (or of its
 * outer class) before any other class: two files may each declare their own `private class Crud`,
 * and each file's code means its own.
 */
const FIRST = `public with sharing class RegistrationController {
    @AuraEnabled
    public static void register(String name) {
        Crud c = new Crud();
        c.save(new Contact(LastName = name));
    }
    private without sharing class Crud {
        void save(Contact c) { insert c; }
    }
}`;
const SECOND = `@RestResource(urlMapping='/feed/*')
global with sharing class EventFeed {
    @HttpGet
    global static List<Event__c> feed() {
        String q = 'SELECT Id FROM Event__c WHERE Type__c = \\'' + RestContext.request.params.get('type') + '\\'';
        Crud crud = new Crud();
        return crud.eventsByQuery(q);
    }
    @HttpPost
    global static void count() {
        new Crud().countAll();
    }
    private without sharing class Crud {
        List<Event__c> eventsByQuery(String query) { return Database.query(query); }
        Integer countAll() { return [SELECT COUNT() FROM Event__c]; }
    }
}`;

function rows(order: Array<[string, string]>) {
  const units: ApexUnit[] = order.map(([name, text]) => ({ path: `/p/classes/${name}.cls`, root: parseApex(text).rootNode }));
  return entryRows(buildInventory(units, projectWith().access!, [], () => undefined));
}

describe('surface: a type name resolves to the inner class of the class it is written in', () => {
  before(async () => { setReadyParser(await initApexParser(locateApexAssets())); });

  for (const order of [[['RegistrationController', FIRST], ['EventFeed', SECOND]], [['EventFeed', SECOND], ['RegistrationController', FIRST]]] as Array<Array<[string, string]>>) {
    it(`whichever file is read first (${order[0][0]} first)`, () => {
      const r = rows(order);
      const feed = r.find(x => x.entry.methodName === 'feed')!;
      assert.deepStrictEqual(feed.entry.ops.map(o => `${o.kind}:${o.sharing}:${o.where}`), ['dynamic-soql:without:Crud.eventsByQuery']);
      assert.deepStrictEqual(feed.risks.map(k => k.id).sort(), ['endpoint-without-sharing', 'soql-injection']);
      const count = r.find(x => x.entry.methodName === 'count')!;
      assert.deepStrictEqual(count.entry.ops.map(o => `${o.kind}:${o.what.join()}:${o.sharing}`), ['soql:Event__c:without']);
      const reg = r.find(x => x.entry.methodName === 'register')!;
      assert.deepStrictEqual(reg.entry.ops.map(o => `${o.kind}:${o.what.join()}:${o.sharing}:${o.where}`), ['dml:Contact:without:Crud.save']);
    });
  }
});
