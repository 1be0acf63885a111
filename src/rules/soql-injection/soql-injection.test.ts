import * as assert from 'assert';
import { Engine } from '../../core/engine';
import { initApexParser, setReadyParser } from '../../core/apex/parser';
import { locateApexAssets } from '../../node/assets';
import { allRules } from '..';
import { lintRule } from '../../core/surface/testkit';

const cases: Array<{ name: string; src: string; expect: string[]; path?: string[] }> = [
  {
    name: 'Aura search controller concatenating the search term and the sort field',
    src: `public with sharing class AccountSearchController {
    @AuraEnabled(cacheable=true)
    public static List<Account> search(String term, String sortField) {
        String soql = 'SELECT Id, Name FROM Account WHERE Name LIKE \\'%' + term + '%\\'';
        soql += ' ORDER BY ' + sortField;
        return Database.query(soql);
    }
}`,
    expect: ['6:Database.query(soql)'],
    path: ['3:Entry point: @AuraEnabled (cacheable) AccountSearchController.search.', "3:Request input 'term'.", "4:'soql' carries term."],
  },
  {
    name: 'REST resource building a query from a URL parameter',
    src: `@RestResource(urlMapping='/accounts/search/*')
global with sharing class AccountSearchApi {
    @HttpGet
    global static List<Account> doGet() {
        RestRequest req = RestContext.request;
        String industry = req.params.get('industry');
        return Database.query('SELECT Id FROM Account WHERE Industry = \\'' + industry + '\\'');
    }
}`,
    expect: ["7:Database.query('SELECT Id FROM Account WHERE Industry = \\'' + industry + '\\'')"],
  },
  {
    name: 'input passed to a helper method of the same class that runs the query',
    src: `public with sharing class CaseController {
    @AuraEnabled
    public static List<Case> casesFor(String status) {
        return runQuery('SELECT Id FROM Case WHERE Status = \\'' + status + '\\'');
    }
    private static List<Case> runQuery(String q) {
        return Database.query(q);
    }
}`,
    expect: ['7:Database.query(q)'],
  },
  {
    name: 'SOSL built from the search term',
    src: `public with sharing class GlobalSearch {
    @AuraEnabled
    public static List<List<SObject>> find(String term) {
        return Search.query('FIND \\'' + term + '\\' IN ALL FIELDS RETURNING Account(Name)');
    }
}`,
    expect: ["4:Search.query('FIND \\'' + term + '\\' IN ALL FIELDS RETURNING Account(Name)')"],
  },
  {
    name: 'clean: bound variables, escaped input, Id-typed input, a whole-query constant',
    src: `public with sharing class SafeController {
    private static final String BASE = 'SELECT Id FROM Contact';
    @AuraEnabled
    public static List<Contact> bound(String name) {
        return Database.query(BASE + ' WHERE LastName = :name');
    }
    @AuraEnabled
    public static List<Contact> escaped(String name) {
        return Database.query(BASE + ' WHERE LastName = \\'' + String.escapeSingleQuotes(name) + '\\'');
    }
    @AuraEnabled
    public static List<Contact> byId(Id accountId) {
        return Database.query(BASE + ' WHERE AccountId = \\'' + accountId + '\\'');
    }
    @AuraEnabled
    public static List<Contact> sorted(String orderBy) {
        String sOrder = ' ORDER BY ' + ((orderBy == null || orderBy == '') ? 'Name' : String.escapeSingleQuotes(orderBy));
        Boolean asc = !String.isBlank(orderBy) && orderBy.endsWith('ASC');
        Integer n = orderBy.length();
        return Database.query(BASE + sOrder + ' LIMIT ' + n + (asc ? '' : ''));
    }
    @AuraEnabled
    public static List<Contact> withBinds(String name) {
        return Database.queryWithBinds(BASE + ' WHERE LastName = :name', new Map<String, Object>{ 'name' => name }, AccessLevel.USER_MODE);
    }
    @AuraEnabled
    public static List<Contact> byTemplate(String templateName) {
        Document_Template__c t = new TemplateSelector().byName(templateName);
        return Database.query(BASE + ' WHERE Template__c = \\'' + t.Id + '\\'');
    }
    public static List<Contact> notExposed(String name) {
        return Database.query(BASE + ' WHERE LastName = \\'' + name + '\\'');
    }
}`,
    expect: [],
  },
  {
    name: 'clean: the input only picks a value from an allow-list map of this method (field sets, filters)',
    src: `@RestResource(urlMapping='/v9/account/*')
global with sharing class AccountData {
    @HttpGet
    global static List<Account> doGet() {
        String fieldSetType = RestContext.request.params.get('fieldSetType');
        Map<String, String> fieldSets = new Map<String, String>{ 'agent' => 'Id, Name', 'buyer' => 'Id, Credit_Limit__c' };
        String fields = fieldSets.get(fieldSetType);
        if (fields == null) { return null; }
        return Database.query('SELECT ' + fields + ' FROM Account LIMIT 10');
    }
    @HttpPost
    global static List<Contact> login(String loginType, String email) {
        Map<String, String> filters = new Map<String, String>{ 'google' => 'Google_Username__c = :email' };
        return Database.query('SELECT Id FROM Contact WHERE ' + filters.get(loginType));
    }
}`,
    expect: [],
  },
  {
    name: 'a map keyed by the request and holding request values stays tainted',
    src: `@RestResource(urlMapping='/v9/search')
global with sharing class SearchApi {
    @HttpGet
    global static List<Account> doGet() {
        Map<String, String> params = RestContext.request.params;
        return Database.query('SELECT Id FROM Account WHERE Name = \\'' + params.get('name') + '\\'');
    }
}`,
    expect: ["6:Database.query('SELECT Id FROM Account WHERE Name = \\'' + params.get('name') + '\\'')"],
  },
  {
    // j-fischer/rflib: the object name must be a key of the global describe, so it names an existing sObject.
    name: 'an input confirmed as an sObject or field API name (a key of the describe maps) names, it cannot inject',
    src: `public with sharing class SettingsEditor {
    @AuraEnabled
    public static List<SObject> records(String objectName, String fieldName, String term) {
        Map<String, Schema.SObjectType> schemaMap = Schema.getGlobalDescribe();
        Schema.SObjectType type = schemaMap.get(objectName);
        DescribeSObjectResult d = type.getDescribe();
        if (!d.fields.getMap().containsKey(fieldName)) { return null; }
        String q = 'SELECT Id, ' + fieldName + ' FROM ' + objectName;
        List<SObject> all = Database.query(q);
        return Database.query(q + ' WHERE Name = \\'' + term + '\\'');
    }
    @AuraEnabled
    public static List<SObject> unchecked(String objectName, Map<String, String> cfg) {
        Schema.SObjectType t = Schema.getGlobalDescribe().get('Account');
        String fromInput = objectName.trim();
        if (Schema.getGlobalDescribe().containsKey(fromInput)) { System.debug('known'); }
        String other = objectName + '';
        cfg.getMap().get(other);
        Database.query('SELECT Id FROM ' + fromInput);
        return Database.query('SELECT Id FROM ' + other);
    }
}`,
    expect: ["10:Database.query(q + ' WHERE Name = \\'' + term + '\\'')", "19:Database.query('SELECT Id FROM ' + fromInput)",
      "20:Database.query('SELECT Id FROM ' + other)"],
  },
  {
    name: 'test classes are not an API surface',
    src: `@IsTest
private class SearchTest {
    @AuraEnabled
    public static List<Account> s(String t) { return Database.query('SELECT Id FROM Account WHERE Name = \\'' + t + '\\''); }
}`,
    expect: [],
  },
];

describe('soql-injection', () => {
  let engine: Engine;
  before(async () => { setReadyParser(await initApexParser(locateApexAssets())); engine = new Engine(allRules); });
  for (const c of cases) {
    it(c.name, () => {
      const r = lintRule(engine, 'soql-injection', c.src);
      assert.deepStrictEqual(r.shown, c.expect);
      if (c.path) {
        assert.deepStrictEqual(r.findings[0].related?.map(l => `${l.range.start.line + 1}:${l.message}`), c.path);
      }
      for (const f of r.findings) { assert.strictEqual(f.severity, 'error'); }
    });
  }
});
