import * as assert from 'assert';
import rule from './index';
import { lintWith, securitySettingsXml, SECURITY_SETTINGS_PATH } from '../../core/metadata/testkit';

const P = SECURITY_SETTINGS_PATH;
const settings = securitySettingsXml;

describe('weak-password-policy', () => {
  it('the org defaults as retrieved are clean except maxLoginAttempts TenAttempts', () => {
    const { findings } = lintWith(rule, P, settings());
    assert.deepStrictEqual(findings.map(f => [f.messageId, f.text]), [['maxAttempts', 'TenAttempts']]);
  });
  it('the Health Check standard is clean', () => {
    assert.deepStrictEqual(lintWith(rule, P, settings({ maxLoginAttempts: 'FiveAttempts' })).findings, []);
    assert.deepStrictEqual(lintWith(rule, P, settings({ maxLoginAttempts: 'ThreeAttempts', minimumPasswordLength: '12',
      historyRestriction: '24', expiration: 'ThirtyDays', complexity: 'UpperLowerCaseNumericSpecialCharacters', lockoutInterval: 'Forever' })).findings, []);
  });
  it('reports each weak value at its own line', () => {
    const t = settings({ complexity: 'NoRestriction', expiration: 'Never', historyRestriction: '0', maxLoginAttempts: 'NoLimit', minimumPasswordLength: '6' });
    const { findings } = lintWith(rule, P, t);
    assert.deepStrictEqual(findings.map(f => [f.messageId, f.line, f.text]), [
      ['complexity', 8, 'NoRestriction'], ['expiration', 9, 'Never'], ['history', 10, '0'],
      ['maxAttempts', 12, 'NoLimit'], ['minimumLength', 13, '6'],
    ]);
    assert.match(findings[1].message, /expire never/);
  });
  it('SixMonths and OneYear expiry are reported; SixtyDays is not', () => {
    assert.strictEqual(lintWith(rule, P, settings({ expiration: 'OneYear', maxLoginAttempts: 'FiveAttempts' })).findings.length, 1);
    assert.strictEqual(lintWith(rule, P, settings({ expiration: 'SixMonths', maxLoginAttempts: 'FiveAttempts' })).findings.length, 1);
    assert.strictEqual(lintWith(rule, P, settings({ expiration: 'SixtyDays', maxLoginAttempts: 'FiveAttempts' })).findings.length, 0);
  });
  it('reads Metadata API format and ignores other settings files', () => {
    assert.strictEqual(lintWith(rule, 'src/settings/Security.settings', settings()).findings.length, 1);
    assert.strictEqual(lintWith(rule, 'force-app/main/default/settings/Apex.settings-meta.xml', settings()).findings.length, 0);
  });
});
