import * as assert from 'assert';
import rule from './index';
import { lintWith, metadataXml } from '../../core/metadata/testkit';

const P = 'force-app/main/default/remoteSiteSettings/Legacy_ERP.remoteSite-meta.xml';
const site = (dps: string, url = 'https://erp.acme.example') => metadataXml('RemoteSiteSetting', `
    <description>ERP</description>
    <disableProtocolSecurity>${dps}</disableProtocolSecurity>
    <isActive>true</isActive>
    <url>${url}</url>`);

describe('remote-site-insecure', () => {
  it('reports disableProtocolSecurity true at its value', () => {
    const { findings } = lintWith(rule, P, site('true', 'http://erp.acme.example'));
    assert.deepStrictEqual(findings.map(f => [f.line, f.column, f.text]), [[4, 30, 'true']]);
    assert.match(findings[0].message, /'Legacy_ERP'/);
  });
  it('false, absent and xsi:nil are clean', () => {
    assert.deepStrictEqual(lintWith(rule, P, site('false')).findings, []);
    assert.deepStrictEqual(lintWith(rule, P, site('false').replace(/ *<disableProtocolSecurity>.*\n/, '')).findings, []);
  });
  it('Metadata API format', () => {
    assert.strictEqual(lintWith(rule, 'src/remoteSiteSettings/Legacy_ERP.remoteSite', site('true')).findings.length, 1);
  });
  it('malformed file: one note, no crash', () => {
    const r = lintWith(rule, P, site('true').replace('</isActive>', ''));
    assert.deepStrictEqual(r.notes.map(n => n.code), ['malformed-xml']);
  });
});
