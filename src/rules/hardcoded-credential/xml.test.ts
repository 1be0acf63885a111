import * as assert from 'assert';
import rule from './index';
import { lintWith, metadataXml } from '../../core/metadata/testkit';

const D = 'force-app/main/default';
const XSI = ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:xsd="http://www.w3.org/2001/XMLSchema"';
const record = (values: Array<[string, string | null, string?]>) => metadataXml('CustomMetadata', `
    <label>Stripe</label>
    <protected>false</protected>
${values.map(([f, v, t]) => `    <values>
        <field>${f}</field>
${v === null ? '        <value xsi:nil="true"/>' : `        <value xsi:type="xsd:${t ?? 'string'}">${v}</value>`}
    </values>`).join('\n')}`, XSI);
const CMDT = `${D}/customMetadata/Payment_Gateway.Stripe.md-meta.xml`;

describe('hardcoded-credential (metadata XML)', () => {
  it('custom metadata: credential-named field with a value, at the value, redacted', () => {
    const t = record([['Endpoint__c', 'https://api.stripe.com'], ['Secret_Key__c', 'rk_prod_51Hq8ZfG2nXv0QpLmT4sWb9Yc'], ['Enabled__c', 'true', 'boolean']]);
    const { findings } = lintWith(rule, CMDT, t);
    assert.deepStrictEqual(findings.map(f => [f.messageId, f.line, f.column, f.text]),
      [['customMetadataCredential', 11, 38, 'rk_prod_51Hq8ZfG2nXv0QpLmT4sWb9Yc']]);
    assert.ok(!findings[0].message.includes('51Hq8ZfG2nXv'));
  });

  it('custom metadata: nil, placeholders, non-string types, prose and names about a credential are clean', () => {
    const t = record([
      ['Api_Key__c', null], ['Password__c', 'changeme'], ['Client_Secret__c', '{!$Credential.Stripe.Secret}'],
      ['Token_Expiry_Hours__c', '24.0', 'double'], ['Api_Key__c', 'Stored in the Stripe named credential'],
      ['Token_Type__c', 'Bearer'], ['Password_Policy__c', 'StrongPasswordsOnly'],
      ['Named_Credential__c', 'Stripe_API'], ['acme__External_Credential__c', 'Stripe_Keys'],
    ]);
    assert.deepStrictEqual(lintWith(rule, CMDT, t).findings, []);
  });

  it('custom metadata in Metadata API format (read as XML)', () => {
    const t = record([['Password__c', 'Wint3r-Sync-2024!']]);
    const { findings } = lintWith(rule, 'src/customMetadata/Payment_Gateway.Stripe.md', t, undefined, { kind: 'xml' });
    assert.deepStrictEqual(findings.map(f => f.messageId), ['customMetadataCredential']);
  });

  it('custom labels: credential-named label with a secret value; prose labels are clean', () => {
    const t = metadataXml('CustomLabels', `
    <labels>
        <fullName>Maps_Api_Key</fullName>
        <categories>Integration</categories>
        <language>en_US</language>
        <protected>true</protected>
        <shortDescription>Maps API key</shortDescription>
        <value>AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY</value>
    </labels>
    <labels>
        <fullName>Password_Reset_Help</fullName>
        <language>en_US</language>
        <protected>false</protected>
        <shortDescription>Password reset help</shortDescription>
        <value>Check your inbox for a link to reset your password.</value>
    </labels>
    <labels>
        <fullName>Auth_Token</fullName>
        <language>en_US</language>
        <protected>false</protected>
        <shortDescription>Token</shortDescription>
        <value>Enter your token</value>
    </labels>`);
    const { findings } = lintWith(rule, `${D}/labels/CustomLabels.labels-meta.xml`, t);
    const mine = findings.filter(f => f.messageId === 'customLabelCredential');
    assert.deepStrictEqual(mine.map(f => [f.line, f.text]), [[9, 'AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY']]);
  });

  it('custom setting field default: a quoted literal on a credential-named field', () => {
    const t = metadataXml('CustomField', `
    <fullName>Api_Token__c</fullName>
    <defaultValue>&quot;tok_8d7F2kLq9XvB3mN6pR1s&quot;</defaultValue>
    <externalId>false</externalId>
    <label>Api Token</label>
    <length>255</length>
    <required>false</required>
    <type>Text</type>
    <unique>false</unique>`);
    const { findings } = lintWith(rule, `${D}/objects/Stripe_Settings__c/fields/Api_Token__c.field-meta.xml`, t);
    assert.deepStrictEqual(findings.filter(f => f.messageId === 'fieldDefaultCredential').map(f => f.line), [4]);
    const formula = t.replace(/<defaultValue>.*<\/defaultValue>/, '<defaultValue>$Setup.Other__c.Token__c</defaultValue>');
    assert.deepStrictEqual(lintWith(rule, `${D}/objects/Stripe_Settings__c/fields/Api_Token__c.field-meta.xml`, formula).findings, []);
  });

  it('does not parse object, layout or other field files whose names are not credentials', () => {
    // Malformed on purpose: a note would prove the file was parsed by this rule.
    for (const p of [`${D}/objects/Account/fields/Region__c.field-meta.xml`, `${D}/layouts/Account-Account Layout.layout-meta.xml`]) {
      const r = lintWith(rule, p, '<?xml version="1.0"?>\n<CustomField><fullName>Region__c</fullName>');
      assert.deepStrictEqual(r.findings, []);
    }
  });

  it('custom metadata records scrubbed in an org dump: REMOVED, [REDACTED], masks are placeholders', () => {
    const t = record([['Client_Secret__c', 'REMOVED'], ['Api_Token__c', '[REDACTED]'], ['Password__c', '********'],
      ['Secret_Key__c', 'Removed'], ['Access_Token__c', 'SCRUBBED'], ['Refresh_Token__c', 'q7Lm2Zt9WkRx4Vp8']]);
    const { findings } = lintWith(rule, CMDT, t);
    assert.deepStrictEqual(findings.map(f => f.text), ['q7Lm2Zt9WkRx4Vp8']);
  });

  it('a label or record value that only repeats its own name, or a {SLOT} a deploy script fills in, is not a credential', () => {
    // Seen in public projects: a label created with its name as the value, to be set in the org; a
    // template record whose value a script replaces before deploying.
    const labels = metadataXml('CustomLabels', `
    <labels>
        <fullName>CrmToken</fullName>
        <language>en_US</language>
        <protected>true</protected>
        <shortDescription>CrmToken</shortDescription>
        <value>CrmToken</value>
    </labels>
    <labels>
        <fullName>Billing_Api_Key</fullName>
        <language>en_US</language>
        <protected>true</protected>
        <shortDescription>Billing API key</shortDescription>
        <value>Billing_Api_Key</value>
    </labels>
    <labels>
        <fullName>Erp_Token</fullName>
        <language>en_US</language>
        <protected>true</protected>
        <shortDescription>ERP token</shortDescription>
        <value>q7Lm2Zt9WkRx4Vp8</value>
    </labels>`);
    const l = lintWith(rule, `${D}/labels/CustomLabels.labels-meta.xml`, labels).findings;
    assert.deepStrictEqual(l.map(f => f.text), ['q7Lm2Zt9WkRx4Vp8']);
    const t = record([['Signing_Key__c', '{SIGNINGKEY}'], ['Api_Token__c', '{apiToken}'], ['Client_Secret__c', '{CLIENT_SECRET}'],
      ['Webhook_Secret__c', 'Webhook_Secret'], ['Hmac_Key__c', '{9f3Kq2LmZ8xW}']]);
    assert.deepStrictEqual(lintWith(rule, CMDT, t).findings.map(f => f.text), ['{9f3Kq2LmZ8xW}']);
  });
});

