import * as assert from 'assert';
import rule from './index';
import { lintWith, connectedAppXml, CONNECTED_APP_PATH } from '../../core/metadata/testkit';

const P = CONNECTED_APP_PATH;
const app = connectedAppXml;
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
