import * as assert from 'assert';
import { Engine } from '../engine';
import { initApexParser, parseApex, setReadyParser } from '../apex/parser';
import { locateApexAssets } from '../../node/assets';
import { allRules } from '../../rules';
import { objectFact } from '../metadata/facts';
import { buildInventory, dataText, entryRows } from './inventory';
import { lintRule, projectWith } from './testkit';

const SETTINGS = `public without sharing class SettingsController {
    private static Map<Id, Contact> byId = new Map<Id, Contact>();
    @AuraEnabled
    public static void saveSetting(String v) {
        Api_Settings__c s = Api_Settings__c.getOrgDefaults();
        s.Value__c = v;
        upsert s;
    }
    @AuraEnabled
    public static void publish(String v) {
        insert new Order_Placed__e(Payload__c = v);
        Database.insert(new List<Order_Placed__e>{ new Order_Placed__e() }, false);
    }
    @AuraEnabled
    public static void createAccount(String name) {
        insert new Account(Name = name);
    }
    @AuraEnabled
    public static void touch() {
        update byId.values();
        List<Case> cases = new List<Case>();
        Database.update(cases, false);
        delete (Lead) null;
        insert new Task[]{};
    }
    @AuraEnabled
    public static void readSetting() {
        Api_Settings__c s = [SELECT Value__c FROM Api_Settings__c LIMIT 1];
    }
}`;

const SETTINGS_OBJECT = `<?xml version="1.0" encoding="UTF-8"?>
<CustomObject xmlns="http://soap.sforce.com/2006/04/metadata">
    <customSettingsType>Hierarchy</customSettingsType>
    <label>API Settings</label>
    <visibility>Protected</visibility>
</CustomObject>`;
const SETTINGS_PATH = '/p/force-app/main/default/objects/Api_Settings__c/Api_Settings__c.object-meta.xml';

describe('surface: DML targets are typed; custom settings and platform events are not shared records', () => {
  let engine: Engine;
  before(async () => { setReadyParser(await initApexParser(locateApexAssets())); engine = new Engine(allRules); });

  it('types the target from new X(), the declared variable or field, a cast, an array or list creation, Map.values()', () => {
    const inv = buildInventory([{ path: '/p/classes/SettingsController.cls', root: parseApex(SETTINGS).rootNode }], projectWith().access!);
    const rows = entryRows(inv);
    const data = (m: string) => dataText(rows.find(r => r.entry.methodName === m)!);
    assert.strictEqual(data('saveSetting'), 'writes Api_Settings__c (upsert)');
    assert.strictEqual(data('publish'), 'writes Order_Placed__e (insert, Database.insert)');
    assert.strictEqual(data('createAccount'), 'writes Account (insert)');
    assert.strictEqual(data('touch'), 'writes Contact, Case, Lead, Task (update, Database.update, delete, insert)');
  });

  it('types a target written as a query from its FROM object (delete [SELECT Id FROM X])', () => {
    const src = `public with sharing class Cleanup {
    @AuraEnabled
    public static void purge() {
        delete [SELECT Id FROM Booking__c WITH USER_MODE];
        Database.delete([SELECT Id FROM Session__c WHERE CreatedDate < TODAY], false);
    }
}`;
    const rows = entryRows(buildInventory([{ path: '/p/classes/Cleanup.cls', root: parseApex(src).rootNode }], projectWith().access!));
    assert.strictEqual(dataText(rows[0]), 'reads Booking__c, Session__c; writes Booking__c, Session__c (delete, Database.delete)');
  });

  it('endpoint-without-sharing: no finding for writing a custom setting (from the object metadata) or publishing a platform event', () => {
    const project = projectWith();
    project.objects = new Map([['api_settings__c', objectFact(SETTINGS_PATH, SETTINGS_OBJECT)]]);
    const r = lintRule(engine, 'endpoint-without-sharing', SETTINGS, project);
    assert.deepStrictEqual(r.shown, ['15:createAccount', '19:touch']);
  });

  it('an object the code reads as a custom setting (X__c.getOrgDefaults(), getInstance, getValues, getAll) is one, without its metadata', () => {
    const src = `public without sharing class SettingsFacade {
    @AuraEnabled
    public static void save(String v) {
        npe01__Contacts_And_Orgs_Settings__c s = npe01__Contacts_And_Orgs_Settings__c.getOrgDefaults();
        s.Value__c = v;
        upsert s;
        Levels__c l = Levels__c.getInstance(UserInfo.getUserId());
        update l;
        Map<String, Feed__c> feeds = Feed__c.getAll();
        update feeds.values();
    }
    @AuraEnabled
    public static void other() {
        insert new Payment__c();
    }
}`;
    const r = lintRule(engine, 'endpoint-without-sharing', src, projectWith());
    assert.deepStrictEqual(r.shown, ['13:other']);
  });

  it('without the object metadata or a custom-setting method a __c object is shared data (it could be a custom object)', () => {
    const r = lintRule(engine, 'endpoint-without-sharing', SETTINGS.replace('Api_Settings__c.getOrgDefaults()', 'new Api_Settings__c()'), projectWith());
    assert.deepStrictEqual(r.shown, ['4:saveSetting', '15:createAccount', '19:touch', '27:readSetting']);
  });
});
