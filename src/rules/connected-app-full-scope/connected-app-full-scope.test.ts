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

describe('connected-app-full-scope', () => {
  it('reports the Full scope even on an admin-approved app', () => {
    const { findings } = lintWith(rule, P, app({ scopes: ['Full', 'RefreshToken'] }));
    assert.deepStrictEqual(findings.map(f => [f.messageId, f.line, f.text]), [['fullScope', 15, 'Full']]);
  });
  it('reports RefreshToken with Api on an app that is not admin-approved', () => {
    const { findings } = lintWith(rule, P, app({ approved: 'false', scopes: ['Api', 'RefreshToken', 'Web'] }));
    assert.deepStrictEqual(findings.map(f => [f.messageId, f.line, f.text]), [['offlineApi', 16, 'RefreshToken']]);
    assert.match(findings[0].message, /RefreshToken with Api/);
  });
  it('reports both Full and RefreshToken when not admin-approved', () => {
    const { findings } = lintWith(rule, P, app({ approved: 'false', scopes: ['Full', 'RefreshToken'] }));
    assert.deepStrictEqual(findings.map(f => f.messageId), ['fullScope', 'offlineApi']);
  });
  it('clean: Api + RefreshToken admin-approved; Api/Web/OpenID without RefreshToken', () => {
    assert.deepStrictEqual(lintWith(rule, P, app({ scopes: ['Api', 'RefreshToken'] })).findings, []);
    assert.deepStrictEqual(lintWith(rule, P, app({ approved: 'false', scopes: ['Api', 'Web', 'OpenID'] })).findings, []);
    assert.deepStrictEqual(lintWith(rule, P, app({ approved: 'false', scopes: ['OpenID', 'RefreshToken'] })).findings, []);
  });
});
