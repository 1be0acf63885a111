import * as assert from 'assert';
import rule from './index';
import { lintWith, metadataXml } from '../../core/metadata/testkit';

const P = 'force-app/main/default/settings/Security.settings-meta.xml';
/** Security.settings as retrieved: alphabetical sections and fields. */
const settings = (pw: Record<string, string> = {}, ss: Record<string, string> = {}, ranges = '') => {
  const pwd = { complexity: 'AlphaNumeric', expiration: 'NinetyDays', historyRestriction: '3', lockoutInterval: 'FifteenMinutes',
    maxLoginAttempts: 'TenAttempts', minimumPasswordLength: '8', minimumPasswordLifetime: 'false', obscureSecretAnswer: 'false',
    passwordAssistanceURL: '', questionRestriction: 'DoesNotContainPassword', ...pw };
  const sess = { allowUserAuthenticationByCertificate: 'false', enableCSRFOnGet: 'true', enableCSRFOnPost: 'true',
    enableClickjackNonsetupSFDC: 'true', enableClickjackNonsetupUser: 'false', enableClickjackNonsetupUserHeaderless: 'false',
    enableClickjackSetup: 'true', forceLogoutOnSessionTimeout: 'false', lockSessionsToDomain: 'true', lockSessionsToIp: 'false',
    requireHttpOnly: 'true', sessionTimeout: 'TwoHours', ...ss };
  const el = (k: string, v: string) => (v === '' ? `        <${k}/>` : `        <${k}>${v}</${k}>`);
  return metadataXml('SecuritySettings', `
    <canUsersGrantLoginAccess>true</canUsersGrantLoginAccess>
    <enableAdminLoginAsAnyUser>false</enableAdminLoginAsAnyUser>
    <networkAccess>${ranges}
    </networkAccess>
    <passwordPolicies>
${Object.entries(pwd).sort().map(([k, v]) => el(k, v)).join('\n')}
    </passwordPolicies>
    <sessionSettings>
${Object.entries(ss.__drop__ ? {} : sess).filter(([k]) => !k.startsWith('__')).sort().map(([k, v]) => el(k, v)).join('\n')}
    </sessionSettings>`);
};

describe('weak-session-settings', () => {
  it('reports retrieved defaults that are off (lock to IP, clickjack for customer pages)', () => {
    const { findings } = lintWith(rule, P, settings());
    assert.deepStrictEqual(findings.map(f => [f.messageId, f.text, f.line]), [
      ['clickjack', 'false', 24], ['clickjack', 'false', 25], ['lockToIp', 'false', 29],
    ]);
    assert.match(findings[0].message, /enableClickjackNonsetupUser\)/);
  });
  it('reports a long timeout, HttpOnly and CSRF off', () => {
    const t = settings({}, { sessionTimeout: 'TwelveHours', requireHttpOnly: 'false', enableCSRFOnPost: 'false',
      enableClickjackNonsetupUser: 'true', enableClickjackNonsetupUserHeaderless: 'true', lockSessionsToIp: 'true' });
    const { findings } = lintWith(rule, P, t);
    assert.deepStrictEqual(findings.map(f => [f.messageId, f.text]), [['csrf', 'false'], ['httpOnly', 'false'], ['timeout', 'TwelveHours']]);
    assert.match(findings[2].message, /after twelve hours/);
  });
  it('the Health Check standard is clean, and so is a file without sessionSettings values', () => {
    const t = settings({}, { enableClickjackNonsetupUser: 'true', enableClickjackNonsetupUserHeaderless: 'true', lockSessionsToIp: 'true', sessionTimeout: 'FifteenMinutes' });
    assert.deepStrictEqual(lintWith(rule, P, t).findings, []);
    assert.deepStrictEqual(lintWith(rule, P, settings({}, { __drop__: '1' })).findings, []);
  });
});
