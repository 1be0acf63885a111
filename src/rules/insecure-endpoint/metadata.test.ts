import * as assert from 'assert';
import rule from './index';
import { lintWith, metadataXml } from '../../core/metadata/testkit';

const D = 'force-app/main/default';

describe('insecure-endpoint (metadata)', () => {
  it('remote site url over http://, at the URL, with the url hint', () => {
    const t = metadataXml('RemoteSiteSetting', `
    <disableProtocolSecurity>false</disableProtocolSecurity>
    <isActive>true</isActive>
    <url>http://inventory.acme.example:8080</url>`);
    const { findings } = lintWith(rule, `${D}/remoteSiteSettings/Inventory.remoteSite-meta.xml`, t);
    assert.deepStrictEqual(findings.map(f => [f.line, f.column, f.text]), [[5, 10, 'http://inventory.acme.example:8080']]);
    assert.deepStrictEqual(findings[0].finding.hints, { url: 'http://inventory.acme.example:8080' });
    assert.match(findings[0].message, /^Remote site URL uses plain http:\/\//);
  });

  it('named credential: legacy endpoint and SecuredEndpoint Url parameter (not other parameters)', () => {
    const legacy = metadataXml('NamedCredential', `
    <endpoint>http://books.acme.example/v1</endpoint>
    <label>Books</label>
    <principalType>Anonymous</principalType>
    <protocol>NoAuthentication</protocol>`);
    assert.deepStrictEqual(lintWith(rule, `${D}/namedCredentials/Books.namedCredential-meta.xml`, legacy).findings.map(f => f.line), [3]);
    const secured = metadataXml('NamedCredential', `
    <label>Books</label>
    <namedCredentialParameters>
        <parameterName>Url</parameterName>
        <parameterType>Url</parameterType>
        <parameterValue>http://books.acme.example/v1?a=1&amp;b=2</parameterValue>
    </namedCredentialParameters>
    <namedCredentialParameters>
        <description>see http://wiki.acme.example</description>
        <parameterName>X-Docs</parameterName>
        <parameterType>HttpHeader</parameterType>
        <parameterValue>&quot;http://wiki.acme.example&quot;</parameterValue>
    </namedCredentialParameters>
    <namedCredentialType>SecuredEndpoint</namedCredentialType>`);
    const { findings } = lintWith(rule, `${D}/namedCredentials/Books.namedCredential-meta.xml`, secured);
    assert.deepStrictEqual(findings.map(f => [f.line, f.text]), [[7, 'http://books.acme.example/v1?a=1&amp;b=2']]);
    assert.strictEqual(findings[0].finding.hints?.url, 'http://books.acme.example/v1?a=1&b=2');
  });

  it('connected app: each http:// callback URL in a multi-line value; loopback redirects are allowed', () => {
    const t = metadataXml('ConnectedApp', `
    <contactEmail>it@acme.example</contactEmail>
    <label>ERP</label>
    <oauthConfig>
        <callbackUrl>https://erp.acme.example/callback
http://erp-staging.acme.example/callback
http://localhost:1717/OauthRedirect</callbackUrl>
        <isAdminApproved>true</isAdminApproved>
        <scopes>Api</scopes>
    </oauthConfig>`);
    const { findings } = lintWith(rule, `${D}/connectedApps/ERP.connectedApp-meta.xml`, t);
    assert.deepStrictEqual(findings.map(f => [f.line, f.column, f.text]), [[7, 1, 'http://erp-staging.acme.example/callback']]);
  });

  it('CSP trusted site and external client app callback', () => {
    const csp = metadataXml('CspTrustedSite', `
    <context>All</context>
    <endpointUrl>http://cdn.acme.example</endpointUrl>
    <isActive>true</isActive>`);
    assert.strictEqual(lintWith(rule, `${D}/cspTrustedSites/Acme_CDN.cspTrustedSite-meta.xml`, csp).findings.length, 1);
    const eca = metadataXml('ExtlClntAppGlobalOauthSettings', `
    <callbackUrl>http://portal.acme.example/cb</callbackUrl>
    <externalClientApplication>Portal</externalClientApplication>
    <label>Portal</label>`);
    assert.strictEqual(lintWith(rule, `${D}/extlClntAppGlobalOauthSets/Portal.ecaGlblOauth-meta.xml`, eca).findings.length, 1);
  });

  it('https, xsi:nil, namespaces and http:// in unrelated elements or types are clean', () => {
    const t = metadataXml('RemoteSiteSetting', `
    <description>Mirror of http://old.acme.example</description>
    <disableProtocolSecurity>false</disableProtocolSecurity>
    <isActive>true</isActive>
    <url>https://inventory.acme.example</url>`);
    assert.deepStrictEqual(lintWith(rule, `${D}/remoteSiteSettings/Inventory.remoteSite-meta.xml`, t).findings, []);
    const obj = metadataXml('CustomObject', `
    <label>Order</label>
    <description>http://acme.example</description>`);
    assert.deepStrictEqual(lintWith(rule, `${D}/objects/Order__c/Order__c.object-meta.xml`, obj).findings, []);
  });

  it('does not parse XML types it does not read', () => {
    const r = lintWith(rule, `${D}/layouts/Account-Account Layout.layout-meta.xml`, '<Layout><broken>');
    assert.deepStrictEqual(r.findings, []);
  });
});
