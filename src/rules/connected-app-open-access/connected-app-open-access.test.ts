import * as assert from 'assert';
import rule from './index';
import { lintWith, metadataXml, connectedAppXml, CONNECTED_APP_PATH, ecaOauthPolicyXml, ECA_OAUTH_POLICY_PATH } from '../../core/metadata/testkit';

const P = CONNECTED_APP_PATH;
const app = connectedAppXml;
describe('connected-app-open-access', () => {
  it('reports isAdminApproved false at its value', () => {
    const { findings } = lintWith(rule, P, app({ approved: 'false' }));
    assert.deepStrictEqual(findings.map(f => [f.line, f.column, f.text]), [[8, 26, 'false']]);
  });
  it('reports a missing isAdminApproved at the <oauthConfig> start tag', () => {
    const t = app().replace(/ *<isAdminApproved>.*\n/, '');
    const { findings } = lintWith(rule, P, t);
    assert.deepStrictEqual(findings.map(f => [f.line, f.text]), [[5, '<oauthConfig>']]);
    assert.match(findings[0].message, /not set/);
  });
  it('admin-approved and non-OAuth apps are clean', () => {
    assert.deepStrictEqual(lintWith(rule, P, app()).findings, []);
    const saml = metadataXml('ConnectedApp', `
    <contactEmail>it@acme.example</contactEmail>
    <label>Portal SSO</label>`);
    assert.deepStrictEqual(lintWith(rule, P, saml).findings, []);
  });
  it('reports an External Client App OAuth policy that lets all users self-authorize', () => {
    const { findings } = lintWith(rule, ECA_OAUTH_POLICY_PATH, ecaOauthPolicyXml({ users: 'AllSelfAuthorized' }));
    assert.deepStrictEqual(findings.map(f => [f.line, f.text]), [[7, 'AllSelfAuthorized']]);
    assert.match(findings[0].message, /permittedUsersPolicyType/);
    assert.deepStrictEqual(lintWith(rule, ECA_OAUTH_POLICY_PATH, ecaOauthPolicyXml()).findings, []);
  });
});
