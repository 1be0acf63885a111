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

/** Mutual recursion: what a method reaches does not depend on which entry point walked it first. */
const CYCLE: Record<string, string> = {
  CaseApi: `public with sharing class CaseApi {
    @AuraEnabled
    public static void open() { CaseService.open(); }
    @AuraEnabled
    public static void escalate() { Escalation.run(); }
}`,
  CaseService: `public without sharing class CaseService {
    public static void open() {
        insert new Case(Subject = 'x');
        Escalation.run();
    }
}`,
  Escalation: `public with sharing class Escalation {
    public static void run() {
        if ([SELECT COUNT() FROM Case WHERE IsEscalated = true] < 10) { CaseService.open(); }
    }
}`,
};

describe('surface: a method met again while it is being walked (recursion)', () => {
  before(async () => { setReadyParser(await initApexParser(locateApexAssets())); });

  it('the methods of the cycle keep each other\'s effects for later callers', () => {
    const units: ApexUnit[] = [{ path: '/p/classes/CaseApi.cls', root: parseApex(CYCLE.CaseApi).rootNode }];
    const load = (lower: string) => {
      const name = Object.keys(CYCLE).find(n => n.toLowerCase() === lower);
      return name && name !== 'CaseApi' ? { path: `/p/classes/${name}.cls`, root: parseApex(CYCLE[name]).rootNode } : undefined;
    };
    const r = entryRows(buildInventory(units, projectWith().access!, [], load));
    const ops = (m: string) => r.find(x => x.entry.methodName === m)!.entry.ops.map(o => `${o.kind}:${o.what.join()}:${o.sharing}:${o.where}`).sort();
    const both = ['dml:Case:without:CaseService.open', 'soql:Case:with:Escalation.run'];
    assert.deepStrictEqual(ops('open'), both);
    assert.deepStrictEqual(ops('escalate'), both);
    assert.ok(r.find(x => x.entry.methodName === 'escalate')!.risks.some(k => k.id === 'endpoint-without-sharing'));
  });
});

/** `new X(...)` runs X's constructor: its queries and DML are the caller's too. */
const CTOR: Record<string, string> = {
  ImportApi: `public with sharing class ImportApi {
    @InvocableMethod
    public static void run(List<String> names) {
        Importer i = new Importer(names[0], true);
    }
    @AuraEnabled
    public static void plain() {
        new Importer();
    }
}`,
  Importer: `public without sharing class Importer {
    public Importer() {
        insert new Import_Log__c();
    }
    public Importer(String name, Boolean dryRun) {
        List<Account> found = Database.query('SELECT Id FROM Account WHERE Name = \\'' + name + '\\'');
    }
}`,
};

describe('surface: constructors', () => {
  before(async () => { setReadyParser(await initApexParser(locateApexAssets())); });

  it('new X(args) follows the constructor of that arity, in X\'s sharing, with the arguments\' taint', () => {
    const units: ApexUnit[] = [{ path: '/p/classes/ImportApi.cls', root: parseApex(CTOR.ImportApi).rootNode }];
    const load = (lower: string) => lower === 'importer' ? { path: '/p/classes/Importer.cls', root: parseApex(CTOR.Importer).rootNode } : undefined;
    const r = entryRows(buildInventory(units, projectWith().access!, [], load));
    const run = r.find(x => x.entry.methodName === 'run')!;
    assert.deepStrictEqual(run.entry.ops.map(o => `${o.kind}:${o.what.join()}:${o.sharing}:${o.where}`), ['dynamic-soql:Account:without:Importer.Importer']);
    assert.deepStrictEqual(run.risks.map(k => k.id).sort(), ['endpoint-without-sharing', 'soql-injection']);
    const plain = r.find(x => x.entry.methodName === 'plain')!;
    assert.deepStrictEqual(plain.entry.ops.map(o => `${o.kind}:${o.what.join()}:${o.sharing}`), ['dml:Import_Log__c:without']);
    assert.deepStrictEqual(plain.entry.reaches, ['Importer.Importer']);
  });
});

/** A call on a field runs the method of the field's declared type. */
const FIELD: Record<string, string> = {
  OrderApi: `@RestResource(urlMapping='/orders/*')
global with sharing class OrderApi {
    private static OrderSelector selector = new OrderSelector();
    private OrderService service;
    @HttpGet
    global static List<Order__c> recent() {
        return selector.recent();
    }
    @HttpPost
    global static void place() {
        new OrderApi().placeNow();
    }
    void placeNow() { this.service.place(); }
}`,
  OrderSelector: `public without sharing class OrderSelector {
    public List<Order__c> recent() { return [SELECT Id FROM Order__c]; }
}`,
  OrderService: `public without sharing class OrderService {
    public void place() { insert new Order__c(); }
}`,
};

describe('surface: calls on fields', () => {
  before(async () => { setReadyParser(await initApexParser(locateApexAssets())); });

  it('selector.m() on a field of type OrderSelector follows OrderSelector.m', () => {
    const units: ApexUnit[] = [{ path: '/p/classes/OrderApi.cls', root: parseApex(FIELD.OrderApi).rootNode }];
    const load = (lower: string) => {
      const name = Object.keys(FIELD).find(n => n.toLowerCase() === lower);
      return name && name !== 'OrderApi' ? { path: `/p/classes/${name}.cls`, root: parseApex(FIELD[name]).rootNode } : undefined;
    };
    const r = entryRows(buildInventory(units, projectWith().access!, [], load));
    const recent = r.find(x => x.entry.methodName === 'recent')!;
    assert.deepStrictEqual(recent.entry.ops.map(o => `${o.kind}:${o.what.join()}:${o.sharing}:${o.where}`), ['soql:Order__c:without:OrderSelector.recent']);
    assert.ok(recent.risks.some(k => k.id === 'endpoint-without-sharing'));
    const place = r.find(x => x.entry.methodName === 'place')!;
    assert.deepStrictEqual(place.entry.ops.map(o => `${o.kind}:${o.what.join()}:${o.sharing}:${o.where}`), ['dml:Order__c:without:OrderService.place']);
  });
});
