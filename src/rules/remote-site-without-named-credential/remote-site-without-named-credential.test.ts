import * as assert from 'assert';
import rule from './index';
import { lintWith, metadataXml } from '../../core/metadata/testkit';
import { buildProjectIndex } from '../../core/metadata/facts';

const D = 'force-app/main/default';
const site = (url: string, active = 'true') => metadataXml('RemoteSiteSetting', `
    <disableProtocolSecurity>false</disableProtocolSecurity>
    <isActive>${active}</isActive>
    <url>${url}</url>`);
const nc = (url: string) => metadataXml('NamedCredential', `
    <label>Stripe</label>
    <namedCredentialParameters>
        <parameterName>Url</parameterName>
        <parameterType>Url</parameterType>
        <parameterValue>${url}</parameterValue>
    </namedCredentialParameters>
    <namedCredentialType>SecuredEndpoint</namedCredentialType>`);
const legacy = (url: string) => metadataXml('NamedCredential', `
    <endpoint>${url}</endpoint>
    <label>Books</label>
    <principalType>Anonymous</principalType>
    <protocol>NoAuthentication</protocol>`);
const project = (...files: Array<[string, string]>) => buildProjectIndex('/p', files.map(([path, text]) => ({ path, text })));
const P = `${D}/remoteSiteSettings/Stripe.remoteSite-meta.xml`;

describe('remote-site-without-named-credential', () => {
  it('reports an active remote site no named credential covers, with origin and name hints', () => {
    const { findings } = lintWith(rule, P, site('https://api.stripe.com/v1'), project([`${D}/namedCredentials/Other.namedCredential-meta.xml`, nc('https://other.example')]));
    assert.strictEqual(findings.length, 1);
    assert.deepStrictEqual([findings[0].line, findings[0].column, findings[0].text], [5, 10, 'https://api.stripe.com/v1']);
    assert.deepStrictEqual(findings[0].finding.hints, { origin: 'https://api.stripe.com', name: 'Stripe' });
    assert.strictEqual(findings[0].finding.severity, 'info');
  });
  const covered: Array<[string, string, string]> = [
    ['SecuredEndpoint Url parameter, same origin with a path', 'https://api.stripe.com', 'https://API.stripe.com:443/v1/charges'],
    ['legacy endpoint', 'https://www.googleapis.com/books/v1/', 'https://www.googleapis.com'],
  ];
  for (const [what, ncUrl, siteUrl] of covered) {
    it(`clean when a named credential covers it (${what})`, () => {
      const p = project([`${D}/namedCredentials/X.namedCredential-meta.xml`, ncUrl.includes('googleapis') ? legacy(ncUrl) : nc(ncUrl)]);
      assert.deepStrictEqual(lintWith(rule, P, site(siteUrl), p).findings, []);
    });
  }
  it('different port or scheme is a different origin', () => {
    const p = project([`${D}/namedCredentials/X.namedCredential-meta.xml`, nc('https://api.stripe.com:8443')]);
    assert.strictEqual(lintWith(rule, P, site('https://api.stripe.com'), p).findings.length, 1);
  });
  it('inactive sites and sites without a URL are not reported', () => {
    assert.deepStrictEqual(lintWith(rule, P, site('https://api.stripe.com', 'false')).findings, []);
    assert.deepStrictEqual(lintWith(rule, P, site('')).findings, []);
  });
});
