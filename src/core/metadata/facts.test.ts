import * as assert from 'assert';
import { buildProjectIndex, componentName, extractProjectFacts } from './facts';
import { metadataTypeOf } from './types';
import { metadataXml } from './testkit';

const D = 'force-app/main/default';

const LEGACY = metadataXml('NamedCredential', `
    <allowMergeFieldsInBody>false</allowMergeFieldsInBody>
    <allowMergeFieldsInHeader>false</allowMergeFieldsInHeader>
    <endpoint>https://www.googleapis.com/books/v1/</endpoint>
    <generateAuthorizationHeader>true</generateAuthorizationHeader>
    <label>GoogleBooksAPI</label>
    <principalType>Anonymous</principalType>
    <protocol>NoAuthentication</protocol>`);
const SECURED = metadataXml('NamedCredential', `
    <label>SampleNamedCredential</label>
    <namedCredentialType>SecuredEndpoint</namedCredentialType>
    <namedCredentialParameters>
        <description>IAM Endpoint</description>
        <parameterName>DefaultEndpoint</parameterName>
        <parameterType>Url</parameterType>
        <parameterValue>https://iam.amazonaws.com/</parameterValue>
    </namedCredentialParameters>
    <namedCredentialParameters>
        <parameterName>DefaultAuth</parameterName>
        <parameterType>Authentication</parameterType>
        <externalCredential>SampleExternalCredential</externalCredential>
    </namedCredentialParameters>`);
const EC = metadataXml('ExternalCredential', `
    <authenticationProtocol>AwsSv4</authenticationProtocol>
    <externalCredentialParameters>
        <parameterName>Principal</parameterName>
        <parameterType>NamedPrincipal</parameterType>
        <sequenceNumber>1</sequenceNumber>
    </externalCredentialParameters>
    <externalCredentialParameters>
        <parameterName>AwsService</parameterName>
        <parameterType>AuthParameter</parameterType>
        <parameterValue>iam</parameterValue>
    </externalCredentialParameters>
    <label>SampleExternalCredential</label>`);
const RS = metadataXml('RemoteSiteSetting', `
    <description>Payments API</description>
    <disableProtocolSecurity>false</disableProtocolSecurity>
    <isActive>false</isActive>
    <url>https://api.example.com</url>`);

describe('metadata types', () => {
  const cases: Array<[string, string | undefined]> = [
    [`${D}/namedCredentials/X.namedCredential-meta.xml`, 'NamedCredential'],
    ['src/namedCredentials/X.namedCredential', 'NamedCredential'],
    ['src\\remoteSiteSettings\\X.remoteSite', 'RemoteSiteSetting'],
    [`${D}/settings/Security.settings-meta.xml`, 'SecuritySettings'],
    ['src/settings/Security.settings', 'SecuritySettings'],
    [`${D}/settings/Apex.settings-meta.xml`, 'Settings'],
    [`${D}/customMetadata/Api_Config.Stripe.md-meta.xml`, 'CustomMetadata'],
    ['src/customMetadata/Api_Config.Stripe.md', 'CustomMetadata'],
    ['docs/notes.md', undefined],
    ['home/.profile', undefined],
    ['scripts/x.profile', undefined],
    ['src/profiles/Admin.profile', 'Profile'],
    [`${D}/extlClntAppGlobalOauthSets/Portal.ecaGlblOauth-meta.xml`, 'ExtlClntAppGlobalOauthSettings'],
    [`${D}/objects/Account/fields/Api_Key__c.field-meta.xml`, 'CustomField'],
    [`${D}/layouts/Account-Account Layout.layout-meta.xml`, 'Layout'],
    [`${D}/classes/Foo.cls-meta.xml`, 'ApexClass'],
    ['src/classes/Foo.cls', undefined],
    ['manifest/package.xml', 'Package'],
  ];
  for (const [p, t] of cases) {
    it(`${p} → ${t}`, () => assert.strictEqual(metadataTypeOf(p), t));
  }
});

describe('project facts', () => {
  it('reads a legacy and a SecuredEndpoint named credential', () => {
    assert.deepStrictEqual(extractProjectFacts(`${D}/namedCredentials/GoogleBooksAPI.namedCredential-meta.xml`, LEGACY), {
      namedCredentials: [{ name: 'GoogleBooksAPI', path: `${D}/namedCredentials/GoogleBooksAPI.namedCredential-meta.xml`,
        model: 'legacy', url: 'https://www.googleapis.com/books/v1/' }],
    });
    const s = extractProjectFacts('src/namedCredentials/Sample.namedCredential', SECURED).namedCredentials![0];
    assert.deepStrictEqual([s.name, s.model, s.url, s.externalCredential], ['Sample', 'secured', 'https://iam.amazonaws.com/', 'SampleExternalCredential']);
  });

  it('reads external credential principals and a remote site', () => {
    const ec = extractProjectFacts(`${D}/externalCredentials/SampleExternalCredential.externalCredential-meta.xml`, EC).externalCredentials![0];
    assert.deepStrictEqual([ec.name, ec.protocol, ec.principals], ['SampleExternalCredential', 'AwsSv4', ['Principal']]);
    const rs = extractProjectFacts(`${D}/remoteSiteSettings/Payments.remoteSite-meta.xml`, RS).remoteSites![0];
    assert.deepStrictEqual([rs.name, rs.url, rs.active, rs.disableProtocolSecurity], ['Payments', 'https://api.example.com', false, false]);
  });

  it('returns {} for other types, malformed XML and a wrong root', () => {
    assert.deepStrictEqual(extractProjectFacts(`${D}/objects/A/A.object-meta.xml`, LEGACY), {});
    assert.deepStrictEqual(extractProjectFacts(`${D}/namedCredentials/X.namedCredential-meta.xml`, '<<<'), {});
    assert.deepStrictEqual(extractProjectFacts(`${D}/namedCredentials/X.namedCredential-meta.xml`, RS), {});
  });

  it('builds a sorted index with sfdx-project.json facts', () => {
    const idx = buildProjectIndex('/p', [
      { path: `${D}/namedCredentials/Z.namedCredential-meta.xml`, text: SECURED },
      { path: `${D}/namedCredentials/A.namedCredential-meta.xml`, text: LEGACY },
      { path: `${D}/externalCredentials/E.externalCredential-meta.xml`, text: EC },
      { path: `${D}/remoteSiteSettings/R.remoteSite-meta.xml`, text: RS },
      { path: `${D}/classes/Foo.cls`, text: 'public class Foo {}' },
    ], '{"packageDirectories":[{"path":"force-app","default":true}],"sourceApiVersion":"62.0"}');
    assert.deepStrictEqual(idx.namedCredentials.map(n => n.name), ['A', 'Z']);
    assert.strictEqual(idx.externalCredentials.length, 1);
    assert.strictEqual(idx.remoteSites.length, 1);
    assert.strictEqual(idx.sourceApiVersion, '62.0');
    assert.deepStrictEqual(idx.packageDirectories, [{ path: 'force-app', default: true }]);
    assert.strictEqual(idx.root, '/p');
  });

  it('component names', () => {
    assert.strictEqual(componentName('a/b/My_Site.remoteSite-meta.xml'), 'My_Site');
    assert.strictEqual(componentName('src/namedCredentials/Nc.namedCredential'), 'Nc');
  });
});
