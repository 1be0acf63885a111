import * as assert from 'assert';
import rule from './index';
import { lintWith, metadataXml } from '../../core/metadata/testkit';
import { buildProjectIndex } from '../../core/metadata/facts';

const D = 'force-app/main/default/objects';
/** Fields and objects as `sf project retrieve start` writes them (alphabetical elements). */
const field = (name: string, type: string, extra = '') => metadataXml('CustomField', `
    <fullName>${name}</fullName>
    <description>Set by the integration admin</description>
    <externalId>false</externalId>${extra}
    <label>${name.replace(/__c$/, '').replace(/_/g, ' ')}</label>
    <length>255</length>
    <required>false</required>
    <trackTrending>false</trackTrending>
    <type>${type}</type>
    <unique>false</unique>`);
const setting = (visibility: string, kind = 'Hierarchy') => metadataXml('CustomObject', `
    <customSettingsType>${kind}</customSettingsType>
    <description>Payment gateway settings</description>
    <enableFeeds>false</enableFeeds>
    <label>Gateway Settings</label>
    <visibility>${visibility}</visibility>`);
const mdtType = (visibility: string) => metadataXml('CustomObject', `
    <description>Partner API configuration</description>
    <label>Partner API</label>
    <pluralLabel>Partner APIs</pluralLabel>
    <visibility>${visibility}</visibility>`);
const sobject = metadataXml('CustomObject', `
    <deploymentStatus>Deployed</deploymentStatus>
    <label>Integration Account</label>
    <nameField><label>Name</label><type>Text</type></nameField>
    <pluralLabel>Integration Accounts</pluralLabel>
    <sharingModel>ReadWrite</sharingModel>
    <visibility>Public</visibility>`);

function project(objects: Record<string, string>) {
  return buildProjectIndex('/p', Object.entries(objects).map(([name, text]) => ({ path: `/p/${D}/${name}/${name}.object-meta.xml`, text })));
}

describe('secret-field-unprotected', () => {
  const idx = project({
    Gateway_Settings__c: setting('Public'), Vault_Settings__c: setting('Protected'),
    Partner_API__mdt: mdtType('Public'), Signing_Key__mdt: mdtType('Protected'), Integration_Account__c: sobject,
  });
  const run = (obj: string, f: string) => lintWith(rule, `/p/${D}/${obj}/fields/${f.slice(f.indexOf('<fullName>') + 10, f.indexOf('</fullName>'))}.field-meta.xml`, f, idx).findings;

  it('credential fields on a public custom setting and a public custom metadata type', () => {
    const a = run('Gateway_Settings__c', field('Api_Key__c', 'Text'));
    assert.deepStrictEqual(a.map(f => [f.messageId, f.line, f.text]), [['publicSetting', 3, 'Api_Key__c']]);
    const b = run('Partner_API__mdt', field('Client_Secret__c', 'Text'));
    assert.deepStrictEqual(b.map(f => [f.messageId, f.text]), [['publicMetadata', 'Client_Secret__c']]);
    assert.match(b[0].message, /Named\/External Credential/);
  });

  it('protected settings and types, non-credential names and non-text types are fine', () => {
    assert.deepStrictEqual(run('Vault_Settings__c', field('Api_Key__c', 'Text')), []);
    assert.deepStrictEqual(run('Signing_Key__mdt', field('Private_Key__c', 'LongTextArea')), []);
    assert.deepStrictEqual(run('Gateway_Settings__c', field('Endpoint__c', 'Text')), []);
    assert.deepStrictEqual(run('Gateway_Settings__c', field('Token_Expiry_Minutes__c', 'Number')), []);
    assert.deepStrictEqual(run('Partner_API__mdt', field('Use_Token__c', 'Checkbox')), []);
  });

  it('plain Text on an ordinary object; EncryptedText and Shield encryption are fine', () => {
    const a = run('Integration_Account__c', field('Refresh_Token__c', 'LongTextArea'));
    assert.deepStrictEqual(a.map(f => [f.messageId, f.text]), [['plainText', 'LongTextArea']]);
    assert.deepStrictEqual(run('Contact', field('Portal_Password__c', 'Text')).map(f => f.messageId), ['plainText']);
    assert.deepStrictEqual(run('Integration_Account__c', field('Api_Secret__c', 'EncryptedText', '\n    <maskChar>asterisk</maskChar>\n    <maskType>all</maskType>')), []);
    assert.deepStrictEqual(run('Integration_Account__c', field('Access_Token__c', 'Text', '\n    <encryptionScheme>ProbabilisticEncryption</encryptionScheme>')), []);
    assert.deepStrictEqual(run('Integration_Account__c', field('Password_Reset_Link__c', 'Url', '\n    <formula>&quot;https://x&quot;</formula>')), []);
  });

  it('fields of installed managed packages (ns__Field__c) in an org dump are not the project\'s to change', () => {
    assert.deepStrictEqual(run('Gateway_Settings__c', field('b3o__API_Key__c', 'Text')), []);
    assert.deepStrictEqual(run('Contact', field('dsfs__DSProSFPassword__c', 'Text')), []);
    assert.deepStrictEqual(run('Contact', field('tc9_et__Expense_Claim_Link_Token__c', 'TextArea')), []);
  });

  it('a custom object whose definition is not in the project is not judged (setting or object unknown)', () => {
    assert.deepStrictEqual(run('Unknown_Config__c', field('Api_Key__c', 'Text')), []);
  });

  it('Metadata API format: the object file holds its visibility and its fields', () => {
    const obj = setting('Public').replace('</CustomObject>', `    <fields>
        <fullName>Webhook_Secret__c</fullName>
        <type>Text</type>
    </fields>
    <fields>
        <fullName>Region__c</fullName>
        <type>Text</type>
    </fields>
</CustomObject>`);
    const f = lintWith(rule, 'src/objects/Gateway_Settings__c.object', obj).findings;
    assert.deepStrictEqual(f.map(x => [x.messageId, x.text]), [['publicSetting', 'Webhook_Secret__c']]);
  });

  // SalesforceFoundation/apex-volunteermatch: custom settings of older API versions say <customSettingsVisibility>.
  it('a custom setting whose visibility is written <customSettingsVisibility> (older API versions) is judged the same', () => {
    const obj = (v: string) => metadataXml('CustomObject', `
    <customSettingsType>Hierarchy</customSettingsType>
    <customSettingsVisibility>${v}</customSettingsVisibility>
    <fields>
        <fullName>API_Key__c</fullName>
        <type>Text</type>
    </fields>
    <label>Partner Settings</label>`);
    assert.deepStrictEqual(lintWith(rule, 'src/objects/Partner_Settings__c.object', obj('Public')).findings.map(x => [x.messageId, x.text]),
      [['publicSetting', 'API_Key__c']]);
    assert.deepStrictEqual(lintWith(rule, 'src/objects/Partner_Settings__c.object', obj('Protected')).findings, []);
  });

  it('the project index reads visibility without parsing the fields', () => {
    assert.strictEqual(idx.objects?.get('gateway_settings__c')?.visibility, 'Public');
    assert.strictEqual(idx.objects?.get('gateway_settings__c')?.customSettingsType, 'Hierarchy');
    assert.strictEqual(idx.objects?.get('integration_account__c')?.customSettingsType, undefined);
  });

  it('malformed field file: a note, no crash', () => {
    const r = lintWith(rule, `/p/${D}/Gateway_Settings__c/fields/Api_Key__c.field-meta.xml`, field('Api_Key__c', 'Text').replace('</type>', ''), idx);
    assert.ok(r.notes.some(n => n.code === 'malformed-xml'));
  });
});
