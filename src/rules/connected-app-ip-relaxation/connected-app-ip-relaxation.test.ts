import * as assert from 'assert';
import rule from './index';
import { lintWith, metadataXml, connectedAppXml, CONNECTED_APP_PATH, ecaOauthPolicyXml, ECA_OAUTH_POLICY_PATH } from '../../core/metadata/testkit';

const P = CONNECTED_APP_PATH;
const app = connectedAppXml;
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
  it('reports an External Client App OAuth policy that relaxes IP restrictions (Bypass, Bypass_2factor)', () => {
    for (const v of ['Bypass', 'Bypass_2factor']) {
      const { findings } = lintWith(rule, ECA_OAUTH_POLICY_PATH, ecaOauthPolicyXml({ ip: v }));
      assert.deepStrictEqual(findings.map(f => [f.line, f.text]), [[4, v]]);
      assert.match(findings[0].message, /ipRelaxationPolicyType/);
    }
    for (const v of ['Enforce', 'Enforce_RelaxRefresh']) {
      assert.deepStrictEqual(lintWith(rule, ECA_OAUTH_POLICY_PATH, ecaOauthPolicyXml({ ip: v })).findings, []);
    }
  });
});
