import * as assert from 'assert';
import rule from './index';
import { lintWith, securitySettingsXml, SECURITY_SETTINGS_PATH } from '../../core/metadata/testkit';

const P = SECURITY_SETTINGS_PATH;
const settings = securitySettingsXml;

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
