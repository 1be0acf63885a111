#!/usr/bin/env node
// Deterministic (seeded) generator of realistic SFDX projects for the benchmark.
//   node bench/generate-corpus.mjs --apex 2000 --out bench/.corpus/p2000 [--seed 42]
// Shapes follow real projects: services, selectors, trigger handlers, batch jobs, REST resources,
// integration clients (most through Named Credentials, a few with literal URLs and planted
// credentials), WSDL2Apex stubs, test classes (~35 % of classes, as in real orgs), one ≈1 MB class,
// and the metadata of a real org in proportion: objects with many fields, layouts, profiles,
// permission sets, LWC bundles, flows, plus config files. Most metadata is irrelevant to the rules,
// as in real projects.
import { mkdirSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import path from 'node:path';

const args = Object.fromEntries(process.argv.slice(2).reduce((a, v, i, all) => (v.startsWith('--') ? [...a, [v.slice(2), all[i + 1]]] : a), []));
const N = Number(args.apex ?? 200);
const out = path.resolve(args.out ?? `bench/.corpus/p${N}`);
const seed = Number(args.seed ?? 42);

let s = seed >>> 0;
const rnd = () => { s = (s + 0x6D2B79F5) >>> 0; let t = s; t = Math.imul(t ^ (t >>> 15), t | 1); t ^= t + Math.imul(t ^ (t >>> 7), t | 61); return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
const pick = a => a[Math.floor(rnd() * a.length)];
const int = (lo, hi) => lo + Math.floor(rnd() * (hi - lo + 1));
const alnum = (n, set = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789') => Array.from({ length: n }, () => set[Math.floor(rnd() * set.length)]).join('');

const SOBJECTS = ['Account', 'Contact', 'Opportunity', 'Case', 'Lead', 'Order', 'Invoice__c', 'Shipment__c', 'Payment__c', 'Subscription__c', 'Asset', 'Contract', 'Product2', 'Quote', 'WorkOrder'];
const VERBS = ['sync', 'load', 'refresh', 'validate', 'recalculate', 'publish', 'archive', 'enrich', 'score', 'assign'];
const HOSTS = ['api.stripe.com', 'api.twilio.com', 'erp.acme-corp.com', 'hooks.slack.com', 'api.sendgrid.com', 'graph.microsoft.com', 'api.hubapi.com', 'sap.acme-corp.com', 'maps.googleapis.com', 'api.github.com'];
const META = '<?xml version="1.0" encoding="UTF-8"?>\n';
const NS = 'xmlns="http://soap.sforce.com/2006/04/metadata"';

const files = new Map();
const put = (rel, text) => files.set(rel, text);
const base = 'force-app/main/default';
const clsMeta = `${META}<ApexClass ${NS}>\n    <apiVersion>62.0</apiVersion>\n    <status>Active</status>\n</ApexClass>\n`;

function fieldList(obj) { return ['Id', 'Name', ...Array.from({ length: int(2, 8) }, (_, i) => `Field_${i}__c`)].join(', '); }

function method(obj, i) {
  const v = pick(VERBS);
  const body = [];
  const n = int(3, 14);
  for (let k = 0; k < n; k++) {
    switch (int(0, 6)) {
      case 0: body.push(`        List<${obj.replace('__c', '__c')}> rows = [SELECT ${fieldList(obj)} FROM ${obj} WHERE Id IN :ids WITH USER_MODE LIMIT ${int(10, 2000)}];`); break;
      case 1: body.push(`        for (${obj} r : rows) {\n            if (r.Name != null && r.Name.length() > ${int(3, 40)}) {\n                r.Name = r.Name.abbreviate(${int(10, 80)});\n            }\n        }`); break;
      case 2: body.push(`        Map<Id, ${obj}> byId = new Map<Id, ${obj}>(rows);\n        Set<Id> changed = new Set<Id>();`); break;
      case 3: body.push(`        if (Schema.sObjectType.${obj}.isUpdateable()) {\n            update as user rows;\n        }`); break;
      case 4: body.push(`        String label = String.format('{0} {1} of {2}', new List<Object>{ '${v}', rows.size(), total });`); break;
      case 5: body.push(`        // ${pick(['TODO', 'NOTE', 'Keep in sync with the ERP mapping', 'Governor limits: stay under 100 queries'])}\n        Integer total = rows.size() + ${int(0, 9)};`); break;
      default: body.push(`        System.debug(LoggingLevel.FINE, '${v} ' + rows.size() + ' records');`);
    }
  }
  return `    public static void ${v}${obj.replace('__c', '')}${i}(Set<Id> ids) {\n        List<${obj}> rows = new List<${obj}>();\n        Integer total = 0;\n${body.join('\n')}\n    }\n`;
}

function serviceClass(name) {
  const obj = pick(SOBJECTS);
  return `/**\n * ${name}: business logic for ${obj}.\n */\npublic with sharing class ${name} {\n    public class ${name}Exception extends Exception {}\n\n${Array.from({ length: int(2, 12) }, (_, i) => method(obj, i)).join('\n')}}\n`;
}

function selectorClass(name) {
  const obj = pick(SOBJECTS);
  return `public inherited sharing class ${name} {\n    public List<${obj}> selectById(Set<Id> ids) {\n        return [SELECT ${fieldList(obj)} FROM ${obj} WHERE Id IN :ids WITH USER_MODE];\n    }\n    public List<${obj}> selectRecent(Integer lim) {\n        return Database.query('SELECT ${fieldList(obj)} FROM ${obj} ORDER BY CreatedDate DESC LIMIT ' + lim, AccessLevel.USER_MODE);\n    }\n}\n`;
}

function handlerClass(name, obj) {
  return `public with sharing class ${name} {\n    public void run() {\n        switch on Trigger.operationType {\n            when BEFORE_INSERT { beforeInsert((List<${obj}>) Trigger.new); }\n            when AFTER_UPDATE { afterUpdate((Map<Id, ${obj}>) Trigger.oldMap, (List<${obj}>) Trigger.new); }\n            when else {}\n        }\n    }\n    private void beforeInsert(List<${obj}> rows) {\n        for (${obj} r : rows) { if (r.Name == null) { r.Name = 'New ${obj}'; } }\n    }\n    private void afterUpdate(Map<Id, ${obj}> oldMap, List<${obj}> rows) {\n        Set<Id> ids = new Set<Id>();\n        for (${obj} r : rows) { if (r.Name != oldMap.get(r.Id).Name) { ids.add(r.Id); } }\n        if (!ids.isEmpty()) { System.enqueueJob(new ${name}Job(ids)); }\n    }\n    public class ${name}Job implements Queueable {\n        Set<Id> ids;\n        public ${name}Job(Set<Id> ids) { this.ids = ids; }\n        public void execute(QueueableContext ctx) { System.debug(ids.size()); }\n    }\n}\n`;
}

/** Integration client: mostly Named Credentials; `kind` plants the mistakes real code has. */
function clientClass(name, host, kind) {
  const path0 = pick(['/v1/charges', '/v2/orders', '/api/customers', '/services/data', '/rest/items', '/v3/mail/send']);
  let endpoint, auth = '', consts = '';
  if (kind === 'nc') { endpoint = `'callout:${host.split('.')[1] ?? 'Api'}_API${path0}'`; }
  else if (kind === 'literal') { endpoint = `'https://${host}${path0}'`; auth = `        req.setHeader('Authorization', 'Bearer ' + Settings__c.getOrgDefaults().Token__c);\n`; }
  else if (kind === 'const') { consts = `    private static final String BASE_URL = 'https://${host}';\n`; endpoint = `BASE_URL + '${path0}?limit=' + pageSize`; auth = `        req.setHeader('Authorization', 'Bearer ' + getToken());\n`; }
  else if (kind === 'planted') {
    consts = `    private static final String API_KEY = 'sk_live_${alnum(24)}';\n`;
    endpoint = `'https://${host}${path0}'`;
    auth = `        req.setHeader('Authorization', 'Bearer ' + API_KEY);\n`;
  } else { endpoint = `'http://${host}${path0}'`; }
  return `public with sharing class ${name} {\n${consts}    private static final Integer TIMEOUT_MS = ${int(10, 120) * 1000};\n    private Integer pageSize = ${int(10, 200)};\n\n    public HttpResponse send(String payload) {\n        HttpRequest req = new HttpRequest();\n        req.setEndpoint(${endpoint});\n        req.setMethod('POST');\n        req.setTimeout(TIMEOUT_MS);\n        req.setHeader('Content-Type', 'application/json');\n${auth}        req.setBody(payload);\n        HttpResponse res = new Http().send(req);\n        if (res.getStatusCode() >= 400) {\n            throw new CalloutException('${name} failed: ' + res.getStatus());\n        }\n        return res;\n    }\n\n    private String getToken() {\n        return [SELECT Token__c FROM Integration_Setting__mdt WHERE DeveloperName = 'Default' LIMIT 1].Token__c;\n    }\n}\n`;
}

function wsdlStub(name, host, lines) {
  const types = [];
  for (let i = 0; types.join('\n').split('\n').length < lines; i++) {
    types.push(`    public class Type${i} {\n        public String field${i}a;\n        public Integer field${i}b;\n        public DateTime field${i}c;\n        private String[] field${i}a_type_info = new String[]{'field${i}a','http://${host}/schema','string','0','1','false'};\n        private String[] field${i}b_type_info = new String[]{'field${i}b','http://${host}/schema','int','0','1','false'};\n        private String[] apex_schema_type_info = new String[]{'http://${host}/schema','true','false'};\n        private String[] field_order_type_info = new String[]{'field${i}a','field${i}b','field${i}c'};\n    }`);
  }
  return `//Generated by wsdl2apex\n\npublic class ${name} {\n${types.join('\n')}\n    public class Port {\n        public String endpoint_x = 'https://${host}/soap/services/Port';\n        public Map<String,String> inputHttpHeaders_x;\n        public Integer timeout_x;\n        private String[] ns_map_type_info = new String[]{'http://${host}/schema', '${name}'};\n        public String ping(String message) {\n            Type0 request_x = new Type0();\n            Map<String, Type0> response_map_x = new Map<String, Type0>();\n            response_map_x.put('response_x', new Type0());\n            WebServiceCallout.invoke(this, request_x, response_map_x, new String[]{endpoint_x, '', 'http://${host}/schema', 'ping', 'http://${host}/schema', 'pingResponse', '${name}.Type0'});\n            return response_map_x.get('response_x').field0a;\n        }\n    }\n}\n`;
}

function testClass(name, target) {
  return `@IsTest\nprivate class ${name} {\n    private static final String FAKE_TOKEN = '00D${alnum(12)}!AQ${alnum(60, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.')}';\n    @TestSetup\n    static void setup() {\n        insert new Account(Name = 'Test ${name}');\n    }\n    @IsTest\n    static void itWorks() {\n        Test.setMock(HttpCalloutMock.class, new Mock());\n        Test.startTest();\n        ${target}.class.getName();\n        Test.stopTest();\n        Assert.areEqual(1, [SELECT COUNT() FROM Account]);\n    }\n    private class Mock implements HttpCalloutMock {\n        public HttpResponse respond(HttpRequest req) {\n            HttpResponse res = new HttpResponse();\n            res.setHeader('Authorization', 'Bearer ' + FAKE_TOKEN);\n            res.setStatusCode(200);\n            res.setBody('{"ok":true}');\n            return res;\n        }\n    }\n}\n`;
}

// ---- Apex
let planted = 0;
const classNames = [];
for (let i = 0; i < N; i++) {
  const r = rnd();
  let name, text;
  if (i === 0) { name = 'LegacyErpWsdl'; text = wsdlStub(name, 'erp.acme-corp.com', 14500); } // ≈1 MB, the largest file
  else if (r < 0.35 && classNames.length) { name = `${pick(classNames)}Test${i}`; text = testClass(name, pick(classNames)); }
  else if (r < 0.60) { name = `${pick(SOBJECTS).replace('__c', '')}Service${i}`; text = serviceClass(name); }
  else if (r < 0.72) { name = `${pick(SOBJECTS).replace('__c', '')}Selector${i}`; text = selectorClass(name); }
  else if (r < 0.82) { const obj = pick(SOBJECTS); name = `${obj.replace('__c', '')}TriggerHandler${i}`; text = handlerClass(name, obj); put(`${base}/triggers/${obj.replace('__c', '')}Trigger${i}.trigger`, `trigger ${obj.replace('__c', '')}Trigger${i} on ${obj} (before insert, after update) {\n    new ${name}().run();\n}\n`); put(`${base}/triggers/${obj.replace('__c', '')}Trigger${i}.trigger-meta.xml`, `${META}<ApexTrigger ${NS}>\n    <apiVersion>62.0</apiVersion>\n    <status>Active</status>\n</ApexTrigger>\n`); }
  else if (r < 0.97) {
    const host = pick(HOSTS);
    const kind = rnd() < 0.7 ? 'nc' : rnd() < 0.5 ? 'literal' : rnd() < 0.6 ? 'const' : rnd() < 0.5 ? 'planted' : 'http';
    if (kind === 'planted') { planted++; }
    name = `${host.split('.')[1].replace(/-/g, '')}Client${i}`; name = name[0].toUpperCase() + name.slice(1); text = clientClass(name, host, kind);
  } else { name = `Wsdl${i}Stub`; text = wsdlStub(name, pick(HOSTS), int(200, 1500)); }
  classNames.push(name);
  put(`${base}/classes/${name}.cls`, text);
  put(`${base}/classes/${name}.cls-meta.xml`, clsMeta);
}

// ---- metadata in realistic proportions: ~5 fields and 1 layout per class, plus the rest
const objects = Math.max(5, Math.round(N / 12));
for (let o = 0; o < objects; o++) {
  const obj = `Custom_Object_${o}__c`;
  put(`${base}/objects/${obj}/${obj}.object-meta.xml`, `${META}<CustomObject ${NS}>\n    <deploymentStatus>Deployed</deploymentStatus>\n    <label>Custom Object ${o}</label>\n    <nameField>\n        <label>Name</label>\n        <type>Text</type>\n    </nameField>\n    <pluralLabel>Custom Objects ${o}</pluralLabel>\n    <sharingModel>ReadWrite</sharingModel>\n</CustomObject>\n`);
  for (let f = 0; f < 40; f++) {
    put(`${base}/objects/${obj}/fields/Field_${f}__c.field-meta.xml`, `${META}<CustomField ${NS}>\n    <fullName>Field_${f}__c</fullName>\n    <externalId>false</externalId>\n    <label>Field ${f}</label>\n    <length>${int(10, 255)}</length>\n    <required>false</required>\n    <trackTrending>false</trackTrending>\n    <type>Text</type>\n    <unique>false</unique>\n</CustomField>\n`);
  }
  put(`${base}/layouts/${obj.replace('__c', '__c')}-Layout.layout-meta.xml`, `${META}<Layout ${NS}>\n${Array.from({ length: 40 }, (_, f) => `    <layoutSections>\n        <layoutColumns>\n            <layoutItems>\n                <behavior>Edit</behavior>\n                <field>Field_${f}__c</field>\n            </layoutItems>\n        </layoutColumns>\n        <style>TwoColumnsTopToBottom</style>\n    </layoutSections>`).join('\n')}\n</Layout>\n`);
}
const perms = Math.max(2, Math.round(N / 100));
const permBody = () => Array.from({ length: 120 }, (_, f) => `    <fieldPermissions>\n        <editable>${rnd() < 0.5}</editable>\n        <field>Custom_Object_${f % objects}__c.Field_${f % 40}__c</field>\n        <readable>true</readable>\n    </fieldPermissions>`).join('\n');
for (let p = 0; p < perms; p++) {
  const risky = p === 0;
  put(`${base}/permissionsets/Integration_${p}.permissionset-meta.xml`, `${META}<PermissionSet ${NS}>\n${permBody()}\n    <hasActivationRequired>false</hasActivationRequired>\n    <label>Integration ${p}</label>\n    <userPermissions>\n        <enabled>true</enabled>\n        <name>ApiEnabled</name>\n    </userPermissions>\n${risky ? '    <userPermissions>\n        <enabled>true</enabled>\n        <name>ModifyAllData</name>\n    </userPermissions>\n' : ''}</PermissionSet>\n`);
  put(`${base}/profiles/Custom Profile ${p}.profile-meta.xml`, `${META}<Profile ${NS}>\n    <custom>true</custom>\n${permBody()}\n${risky ? '    <loginIpRanges>\n        <endAddress>255.255.255.255</endAddress>\n        <startAddress>0.0.0.0</startAddress>\n    </loginIpRanges>\n' : ''}    <userLicense>Salesforce</userLicense>\n</Profile>\n`);
}
for (const host of HOSTS) {
  const n = host.split('.')[1].replace(/-/g, '_');
  put(`${base}/remoteSiteSettings/${n}.remoteSite-meta.xml`, `${META}<RemoteSiteSetting ${NS}>\n    <disableProtocolSecurity>false</disableProtocolSecurity>\n    <isActive>true</isActive>\n    <url>https://${host}</url>\n</RemoteSiteSetting>\n`);
}
put(`${base}/namedCredentials/Stripe_API.namedCredential-meta.xml`, `${META}<NamedCredential ${NS}>\n    <allowMergeFieldsInBody>false</allowMergeFieldsInBody>\n    <allowMergeFieldsInHeader>false</allowMergeFieldsInHeader>\n    <calloutStatus>Enabled</calloutStatus>\n    <generateAuthorizationHeader>true</generateAuthorizationHeader>\n    <label>Stripe API</label>\n    <namedCredentialParameters>\n        <parameterName>Url</parameterName>\n        <parameterType>Url</parameterType>\n        <parameterValue>https://api.stripe.com</parameterValue>\n    </namedCredentialParameters>\n    <namedCredentialParameters>\n        <externalCredential>Stripe_API</externalCredential>\n        <parameterName>ExternalCredential</parameterName>\n        <parameterType>Authentication</parameterType>\n    </namedCredentialParameters>\n    <namedCredentialType>SecuredEndpoint</namedCredentialType>\n</NamedCredential>\n`);
put(`${base}/settings/Security.settings-meta.xml`, `${META}<SecuritySettings ${NS}>\n    <passwordPolicies>\n        <complexity>AlphaNumeric</complexity>\n        <expiration>Never</expiration>\n        <historyRestriction>3</historyRestriction>\n        <lockoutInterval>FifteenMinutes</lockoutInterval>\n        <maxLoginAttempts>TenAttempts</maxLoginAttempts>\n        <minimumPasswordLength>8</minimumPasswordLength>\n    </passwordPolicies>\n    <sessionSettings>\n        <requireHttpOnly>true</requireHttpOnly>\n        <sessionTimeout>TwelveHours</sessionTimeout>\n    </sessionSettings>\n</SecuritySettings>\n`);
const lwc = Math.max(3, Math.round(N / 20));
for (let l = 0; l < lwc; l++) {
  const n = `recordPanel${l}`;
  put(`${base}/lwc/${n}/${n}.js`, `import { LightningElement, api, wire } from 'lwc';\nimport { getRecord } from 'lightning/uiRecordApi';\nimport NAME from '@salesforce/schema/Account.Name';\n\nexport default class RecordPanel${l} extends LightningElement {\n    @api recordId;\n    @wire(getRecord, { recordId: '$recordId', fields: [NAME] }) record;\n    get name() { return this.record?.data?.fields?.Name?.value; }\n    handleClick() { this.dispatchEvent(new CustomEvent('select', { detail: this.recordId })); }\n}\n`);
  put(`${base}/lwc/${n}/${n}.html`, `<template>\n    <lightning-card title={name}>\n        <lightning-button label="Select" onclick={handleClick}></lightning-button>\n    </lightning-card>\n</template>\n`);
  put(`${base}/lwc/${n}/${n}.js-meta.xml`, `${META}<LightningComponentBundle ${NS}>\n    <apiVersion>62.0</apiVersion>\n    <isExposed>true</isExposed>\n</LightningComponentBundle>\n`);
}
put('sfdx-project.json', JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }], name: `bench-${N}`, sourceApiVersion: '62.0' }, null, 2) + '\n');
put('.forceignore', '**/jsconfig.json\n**/.eslintrc.json\n');
put('.env', `SF_USERNAME=integration@acme.example\nSTRIPE_SECRET_KEY=sk_live_${alnum(24)}\nLOG_LEVEL=debug\n`);
put('config/project-scratch-def.json', JSON.stringify({ orgName: 'Acme', edition: 'Developer', features: ['EnableSetPasswordInApi'] }, null, 2) + '\n');
put('package.json', JSON.stringify({ name: `bench-${N}`, private: true, scripts: { lint: 'eslint **/lwc/**/*.js' }, devDependencies: { '@salesforce/eslint-config-lwc': '3.5.3' } }, null, 2) + '\n');

if (existsSync(out)) { rmSync(out, { recursive: true, force: true }); }
let bytes = 0;
for (const [rel, text] of files) {
  const f = path.join(out, rel);
  mkdirSync(path.dirname(f), { recursive: true });
  writeFileSync(f, text);
  bytes += Buffer.byteLength(text);
}
const apexFiles = [...files.keys()].filter(f => /\.(cls|trigger)$/.test(f)).length;
const summary = { out, seed, apexClasses: N, apexFiles, files: files.size, bytes, plantedSecrets: planted };
writeFileSync(path.join(out, '.corpus.json'), JSON.stringify(summary, null, 2));
console.log(JSON.stringify(summary));
