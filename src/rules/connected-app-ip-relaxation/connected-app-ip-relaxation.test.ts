import * as assert from 'assert';
import rule from './index';
import { lintWith, metadataXml } from '../../core/metadata/testkit';

const P = 'force-app/main/default/connectedApps/ERP_Sync.connectedApp-meta.xml';
/** A connected app as `sf project retrieve` writes it (alphabetical, no consumerSecret). */
const app = (o: { approved?: string; scopes?: string[]; ip?: string; refresh?: string } = {}) => metadataXml('ConnectedApp', `
    <contactEmail>integrations@acme.example</contactEmail>
    <label>ERP Sync</label>
    <oauthConfig>
        <callbackUrl>https://erp.acme.example/oauth/callback</callbackUrl>
        <consumerKey>3MVG9A2kN3Bn17hsUZHiKXtQ_rY7Bfh4JQLk.7tbC6W1jmNCbE</consumerKey>
        <isAdminApproved>${o.approved ?? 'true'}</isAdminApproved>
        <isClientCredentialEnabled>false</isClientCredentialEnabled>
        <isCodeCredentialEnabled>false</isCodeCredentialEnabled>
        <isCodeCredentialPostOnly>false</isCodeCredentialPostOnly>
        <isConsumerSecretOptional>false</isConsumerSecretOptional>
        <isIntrospectAllTokens>false</isIntrospectAllTokens>
        <isSecretRequiredForRefreshToken>true</isSecretRequiredForRefreshToken>
${(o.scopes ?? ['Api', 'RefreshToken']).map(s => `        <scopes>${s}</scopes>`).join('\n')}
    </oauthConfig>
    <oauthPolicy>
        <ipRelaxation>${o.ip ?? 'ENFORCE'}</ipRelaxation>
        <refreshTokenPolicy>${o.refresh ?? 'specific_lifetime:90:DAYS'}</refreshTokenPolicy>
    </oauthPolicy>`);

describe('connected-app-ip-relaxation', () => {
  for (const v of ['BYPASS', 'BYPASS_2FACTOR']) {
    it(`reports ${v} at its value`, () => {
      const { findings } = lintWith(rule, P, app({ ip: v }));
      assert.deepStrictEqual(findings.map(f => [f.line, f.column, f.text]), [[19, 23, v]]);
      assert.strictEqual(findings[0].finding.severity, 'warning');
    });
  }
  for (const v of ['ENFORCE', 'ENFORCE_RELAXREFRESH']) {
    it(`${v} is clean`, () => assert.deepStrictEqual(lintWith(rule, P, app({ ip: v })).findings, []));
  }
  it('an app without oauthPolicy (SAML or canvas only) is clean', () => {
    const t = metadataXml('ConnectedApp', `
    <contactEmail>it@acme.example</contactEmail>
    <label>Portal SSO</label>
    <samlConfig>
        <acsUrl>https://portal.acme.example/saml</acsUrl>
        <entityUrl>https://portal.acme.example</entityUrl>
    </samlConfig>`);
    assert.deepStrictEqual(lintWith(rule, P, t).findings, []);
  });
});
