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

const range = (start: string, end: string) => `
        <ipRanges>
            <description>range</description>
            <end>${end}</end>
            <start>${start}</start>
        </ipRanges>`;
const profile = (ranges: Array<[string, string]>) => metadataXml('Profile', `
    <custom>true</custom>
${ranges.map(([s, e]) => `    <loginIpRanges>
        <endAddress>${e}</endAddress>
        <startAddress>${s}</startAddress>
    </loginIpRanges>`).join('\n')}
    <userLicense>Salesforce</userLicense>`);
const PROFILE = 'force-app/main/default/profiles/Integration.profile-meta.xml';

describe('broad-ip-range', () => {
  it('reports trusted ranges over 100,000 addresses, spanning the end and start values', () => {
    const { findings } = lintWith(rule, P, settings({}, {}, range('10.0.0.0', '10.255.255.255') + range('203.0.113.0', '203.0.113.255')));
    assert.strictEqual(findings.length, 1);
    assert.strictEqual(findings[0].messageId, 'broadRange');
    assert.strictEqual(findings[0].text, '10.255.255.255</end>\n            <start>10.0.0.0');
    assert.match(findings[0].message, /16,777,216 addresses/);
  });
  it('the whole IPv4 space gets its own message and is an error; other broad ranges stay warnings', () => {
    const { findings } = lintWith(rule, PROFILE, profile([['0.0.0.0', '255.255.255.255'], ['10.0.0.0', '10.255.255.255']]));
    assert.deepStrictEqual(findings.map(f => [f.messageId, f.finding.severity]), [['wholeSpace', 'error'], ['broadRange', 'warning']]);
    assert.strictEqual(findings[0].line, 5);
  });
  it('a level set by the user applies to the whole-space finding too', () => {
    const { findings } = lintWith(rule, PROFILE, profile([['0.0.0.0', '255.255.255.255']]), undefined, { rules: { 'broad-ip-range': 'info' } });
    assert.deepStrictEqual(findings.map(f => f.finding.severity), ['info']);
  });
  it('boundaries: 100,000 addresses is allowed, 100,001 is reported; reversed ranges count too', () => {
    // 10.0.0.0 + 99,999 = 10.1.134.159
    assert.strictEqual(lintWith(rule, PROFILE, profile([['10.0.0.0', '10.1.134.159']])).findings.length, 0);
    assert.strictEqual(lintWith(rule, PROFILE, profile([['10.0.0.0', '10.1.134.160']])).findings.length, 1);
    assert.strictEqual(lintWith(rule, PROFILE, profile([['10.255.255.255', '10.0.0.0']])).findings.length, 1);
  });
  it('IPv6, malformed and narrow ranges are not reported', () => {
    assert.deepStrictEqual(lintWith(rule, PROFILE, profile([['2001:db8::', '2001:db8:ffff::'], ['10.0.0.300', '10.0.0.1'], ['192.168.1.0', '192.168.1.255']])).findings, []);
  });
  it('connected app ipRanges', () => {
    const app = metadataXml('ConnectedApp', `
    <contactEmail>it@acme.example</contactEmail>
    <ipRanges>
        <description>Anywhere</description>
        <end>255.255.255.255</end>
        <start>1.0.0.0</start>
    </ipRanges>
    <label>ERP</label>`);
    const { findings } = lintWith(rule, 'force-app/main/default/connectedApps/ERP.connectedApp-meta.xml', app);
    assert.deepStrictEqual(findings.map(f => f.messageId), ['broadRange']);
  });
});
