import * as assert from 'assert';
import rule from './index';
import { lintWith, connectedAppXml, CONNECTED_APP_PATH, ecaOauthPolicyXml, ECA_OAUTH_POLICY_PATH } from '../../core/metadata/testkit';

const P = CONNECTED_APP_PATH;
const app = connectedAppXml;
describe('connected-app-refresh-token', () => {
  it('reports infinite at its value, as info', () => {
    const { findings } = lintWith(rule, P, app({ refresh: 'infinite' }));
    assert.deepStrictEqual(findings.map(f => [f.line, f.text]), [[20, 'infinite']]);
    assert.strictEqual(findings[0].finding.severity, 'info');
  });
  for (const v of ['zero', 'specific_lifetime:90:DAYS', 'specific_inactivity:30:DAYS']) {
    it(`${v} is clean`, () => assert.deepStrictEqual(lintWith(rule, P, app({ refresh: v })).findings, []));
  }
  // shunkosa/apex-mock-web-service: an External Client App's OAuth policy with refreshTokenPolicyType Infinite.
  it('reports an External Client App OAuth policy whose refresh tokens never expire', () => {
    const { findings } = lintWith(rule, ECA_OAUTH_POLICY_PATH, ecaOauthPolicyXml({ refresh: 'Infinite' }));
    assert.deepStrictEqual(findings.map(f => [f.line, f.text]), [[8, 'Infinite']]);
    assert.match(findings[0].message, /external client app/i);
    assert.match(findings[0].message, /refreshTokenPolicyType/);
    assert.deepStrictEqual(lintWith(rule, ECA_OAUTH_POLICY_PATH, ecaOauthPolicyXml()).findings, []);
  });
});
