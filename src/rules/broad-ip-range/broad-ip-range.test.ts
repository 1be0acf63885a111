import * as assert from 'assert';
import rule from './index';
import { lintWith, metadataXml, securitySettingsXml, SECURITY_SETTINGS_PATH } from '../../core/metadata/testkit';

const P = SECURITY_SETTINGS_PATH;
const settings = securitySettingsXml;

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
