import * as assert from 'assert';
import rule from './index';
import { lintWith, metadataXml } from '../../core/metadata/testkit';

const D = 'force-app/main/default';

const CONNECTED_APP = metadataXml('ConnectedApp', `
    <contactEmail>integrations@acme.example</contactEmail>
    <label>Acme ERP Sync</label>
    <oauthConfig>
        <callbackUrl>https://erp.acme.example/oauth/callback</callbackUrl>
        <consumerKey>3MVG9A2kN3Bn17hsUZHiKXtQ_rY7Bfh4JQLk.7tbC6W1jmNCbE.EvW9LyBxOVYgoP_sw1oQyYyq2xXzNqA1Ek</consumerKey>
        <consumerSecret>8F3A11D0C0E9B3B6F7E0A2C2D9E4F11A0C2B3D4E5F6A7B8C9D0E1F2A3B4C5D6E</consumerSecret>
        <isAdminApproved>true</isAdminApproved>
        <scopes>Api</scopes>
    </oauthConfig>`);

describe('metadata-secret', () => {
  it('reports a connected app consumerSecret at its value, redacted', () => {
    const { findings } = lintWith(rule, `${D}/connectedApps/Acme_ERP.connectedApp-meta.xml`, CONNECTED_APP);
    assert.strictEqual(findings.length, 1);
    const f = findings[0];
    assert.strictEqual(f.messageId, 'secretField');
    assert.strictEqual(f.line, 8);
    assert.strictEqual(f.column, 25);
    assert.strictEqual(f.text, '8F3A11D0C0E9B3B6F7E0A2C2D9E4F11A0C2B3D4E5F6A7B8C9D0E1F2A3B4C5D6E');
    assert.ok(!f.message.includes('0C0E9B3B6F7E'), 'secret must be redacted');
    assert.match(f.message, /'8F3A…' \(64 chars\)/);
  });

  it('a retrieved connected app (no consumerSecret, consumerKey only) is clean', () => {
    const retrieved = CONNECTED_APP.replace(/ *<consumerSecret>.*\n/, '');
    assert.deepStrictEqual(lintWith(rule, `${D}/connectedApps/Acme_ERP.connectedApp-meta.xml`, retrieved).findings, []);
  });

  it('reports legacy named credential password, oauthToken and awsAccessSecret; ignores placeholders', () => {
    const nc = metadataXml('NamedCredential', `
    <allowMergeFieldsInBody>false</allowMergeFieldsInBody>
    <allowMergeFieldsInHeader>true</allowMergeFieldsInHeader>
    <awsAccessKey>AKIA2OGYBAH6TESTKEY7</awsAccessKey>
    <awsAccessSecret>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</awsAccessSecret>
    <endpoint>https://legacy.acme.example</endpoint>
    <generateAuthorizationHeader>true</generateAuthorizationHeader>
    <label>Legacy ERP</label>
    <oauthToken>00D5g000004Fz9A!AQ0AQHc7v1dS2fS8pQm.Zx_Yq3rTtL9</oauthToken>
    <password>Spr1ng-Deploy!42</password>
    <principalType>NamedUser</principalType>
    <protocol>Password</protocol>
    <username>integration@acme.example</username>`);
    const { findings } = lintWith(rule, `${D}/namedCredentials/Legacy_ERP.namedCredential-meta.xml`, nc);
    // awsAccessSecret here is AWS's documented sample (EXAMPLEKEY): a placeholder, not reported.
    assert.deepStrictEqual(findings.map(f => [f.line, f.text]), [[10, '00D5g000004Fz9A!AQ0AQHc7v1dS2fS8pQm.Zx_Yq3rTtL9'], [11, 'Spr1ng-Deploy!42']]);
    assert.ok(findings.every(f => !f.message.includes('Deploy!42')));
  });

  it('ignores xsi:nil and empty secret fields and a SecuredEndpoint named credential', () => {
    const nc = metadataXml('NamedCredential', `
    <label>Payments</label>
    <password xsi:nil="true"/>
    <oauthToken></oauthToken>
    <namedCredentialParameters>
        <parameterName>Url</parameterName>
        <parameterType>Url</parameterType>
        <parameterValue>https://api.payments.example</parameterValue>
    </namedCredentialParameters>
    <namedCredentialType>SecuredEndpoint</namedCredentialType>`, ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"');
    assert.deepStrictEqual(lintWith(rule, `${D}/namedCredentials/Payments.namedCredential-meta.xml`, nc).findings, []);
  });

  it('reports an auth provider consumerSecret and an external client app global OAuth consumerSecret', () => {
    const ap = metadataXml('AuthProvider', `
    <authorizeUrl>https://github.com/login/oauth/authorize</authorizeUrl>
    <consumerKey>Iv1.8a61f9b3a7aba766</consumerKey>
    <consumerSecret>1f4e2b7c9d0a3e5f6b8c1d2e3f4a5b6c7d8e9f0a</consumerSecret>
    <friendlyName>GitHub</friendlyName>
    <providerType>OpenIdConnect</providerType>`);
    assert.strictEqual(lintWith(rule, `${D}/authproviders/GitHub.authprovider-meta.xml`, ap).findings[0]?.line, 5);
    const eca = metadataXml('ExtlClntAppGlobalOauthSettings', `
    <callbackUrl>https://app.acme.example/callback</callbackUrl>
    <consumerKey>3MVG9bWq7j6xw0rT1.Lq1QXgkGm</consumerKey>
    <consumerSecret>D4C1E58A0F7E3B2A9C6D5E4F3A2B1C0D9E8F7A6B5C4D3E2F1A0B9C8D7E6F5A4B</consumerSecret>
    <externalClientApplication>Acme_Portal</externalClientApplication>
    <label>Acme Portal</label>`);
    const f = lintWith(rule, `${D}/extlClntAppGlobalOauthSets/Acme_Portal.ecaGlblOauth-meta.xml`, eca).findings;
    assert.deepStrictEqual(f.map(x => x.line), [5]);
  });

  it('external credential: literal API key parameter and literal Authorization header are reported; formulas are not', () => {
    const ec = metadataXml('ExternalCredential', `
    <authenticationProtocol>Custom</authenticationProtocol>
    <externalCredentialParameters>
        <parameterName>Acme_Principal</parameterName>
        <parameterType>NamedPrincipal</parameterType>
        <sequenceNumber>1</sequenceNumber>
    </externalCredentialParameters>
    <externalCredentialParameters>
        <parameterGroup>DefaultGroup</parameterGroup>
        <parameterName>Authorization</parameterName>
        <parameterType>AuthHeader</parameterType>
        <parameterValue>{!&apos;Bearer &apos; &amp; $Credential.Acme.ApiKey}</parameterValue>
        <sequenceNumber>1</sequenceNumber>
    </externalCredentialParameters>
    <externalCredentialParameters>
        <parameterGroup>DefaultGroup</parameterGroup>
        <parameterName>X-Api-Key</parameterName>
        <parameterType>AuthHeader</parameterType>
        <parameterValue>&quot;k9Xq2LmP7vR4tY8wZ3nB6cD1&quot;</parameterValue>
        <sequenceNumber>2</sequenceNumber>
    </externalCredentialParameters>
    <externalCredentialParameters>
        <parameterName>ClientSecret</parameterName>
        <parameterType>AuthParameter</parameterType>
        <parameterValue>a8Fq-73kLm_02XcvB91z</parameterValue>
    </externalCredentialParameters>
    <externalCredentialParameters>
        <parameterName>AwsRegion</parameterName>
        <parameterType>AuthParameter</parameterType>
        <parameterValue>eu-west-1</parameterValue>
    </externalCredentialParameters>
    <label>Acme</label>`);
    const { findings } = lintWith(rule, `${D}/externalCredentials/Acme.externalCredential-meta.xml`, ec);
    assert.deepStrictEqual(findings.map(f => [f.messageId, f.line]), [['secretParameter', 20], ['secretParameter', 26]]);
  });

  it('named credential: a literal API key in a custom header parameter is reported; formulas and ordinary headers are not', () => {
    // Found validating on public org backups: a managed package's SecuredEndpoint named credential
    // retrieved with its api-key header value in clear.
    const nc = metadataXml('NamedCredential', `
    <allowMergeFieldsInHeader>true</allowMergeFieldsInHeader>
    <calloutStatus>Enabled</calloutStatus>
    <generateAuthorizationHeader>true</generateAuthorizationHeader>
    <label>Parcel Tracking</label>
    <namedCredentialParameters>
        <externalCredential>Parcel_Tracking_EC</externalCredential>
        <parameterName>ExternalCredential</parameterName>
        <parameterType>Authentication</parameterType>
    </namedCredentialParameters>
    <namedCredentialParameters>
        <parameterName>x-api-key</parameterName>
        <parameterType>HttpHeader</parameterType>
        <parameterValue>7c0e9b52-41d8-4f3a-a6b0-93e1d25f8c47</parameterValue>
        <sequenceNumber>1</sequenceNumber>
    </namedCredentialParameters>
    <namedCredentialParameters>
        <parameterName>X-Tenant-Token</parameterName>
        <parameterType>HttpHeader</parameterType>
        <parameterValue>{!$Credential.Parcel_Tracking_EC.TenantToken}</parameterValue>
        <sequenceNumber>2</sequenceNumber>
    </namedCredentialParameters>
    <namedCredentialParameters>
        <parameterName>Accept</parameterName>
        <parameterType>HttpHeader</parameterType>
        <parameterValue>application/json</parameterValue>
        <sequenceNumber>3</sequenceNumber>
    </namedCredentialParameters>
    <namedCredentialParameters>
        <parameterName>Url</parameterName>
        <parameterType>Url</parameterType>
        <parameterValue>https://api.parcels.example</parameterValue>
    </namedCredentialParameters>
    <namedCredentialType>SecuredEndpoint</namedCredentialType>`);
    const { findings } = lintWith(rule, `${D}/namedCredentials/Parcel_Tracking.namedCredential-meta.xml`, nc);
    assert.deepStrictEqual(findings.map(f => [f.messageId, f.line]), [['secretHeaderParameter', 15]]);
    assert.ok(!findings[0].message.includes('7c0e9b52-41d8'), 'the value is redacted');
  });

  it('deploy-time template tokens are not secrets', () => {
    for (const token of ['{client_secret}', '__ERP_CONSUMER_SECRET__', '@@CONSUMER_SECRET@@', '${CONSUMER_SECRET}']) {
      const t = CONNECTED_APP.replace(/<consumerSecret>.*<\/consumerSecret>/, `<consumerSecret>${token}</consumerSecret>`);
      assert.deepStrictEqual(lintWith(rule, `${D}/connectedApps/Acme_ERP.connectedApp-meta.xml`, t).findings, [], token);
    }
  });

  it('works in Metadata API format (no -meta.xml) and ignores other types', () => {
    assert.strictEqual(lintWith(rule, 'src/connectedApps/Acme_ERP.connectedApp', CONNECTED_APP).findings.length, 1);
    assert.strictEqual(lintWith(rule, `${D}/objects/Account/Account.object-meta.xml`, CONNECTED_APP).findings.length, 0);
  });

  it('malformed XML gives one note and no crash; secrets read before the error are still reported', () => {
    const broken = CONNECTED_APP.replace('</oauthConfig>', '</oauthConfg>');
    const { findings, notes } = lintWith(rule, `${D}/connectedApps/Acme_ERP.connectedApp-meta.xml`, broken);
    assert.strictEqual(notes.filter(n => n.code === 'malformed-xml').length, 1);
    assert.match(notes[0].message, /line 11/);
    assert.strictEqual(findings.length, 1);
  });
});
