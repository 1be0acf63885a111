import * as assert from 'assert';
import rule from './index';
import { lintWith, metadataXml } from '../../core/metadata/testkit';

const P = 'force-app/main/default/permissionsets/ERP_Integration.permissionset-meta.xml';
/** A permission set as retrieved: alphabetical userPermissions, enabled before name. */
const permset = (perms: Array<[string, boolean]>) => metadataXml('PermissionSet', `
    <description>Integration user for the ERP sync</description>
    <hasActivationRequired>false</hasActivationRequired>
    <label>ERP Integration</label>
    <objectPermissions>
        <allowCreate>true</allowCreate>
        <allowDelete>false</allowDelete>
        <allowEdit>true</allowEdit>
        <allowRead>true</allowRead>
        <modifyAllRecords>false</modifyAllRecords>
        <object>Order__c</object>
        <viewAllRecords>false</viewAllRecords>
    </objectPermissions>
${[...perms].sort(([a], [b]) => a.localeCompare(b)).map(([n, e]) => `    <userPermissions>
        <enabled>${e}</enabled>
        <name>${n}</name>
    </userPermissions>`).join('\n')}`);

describe('privileged-api-permission', () => {
  it('reports ApiEnabled with ModifyAllData and ViewAllData once, at ApiEnabled', () => {
    const { findings } = lintWith(rule, P, permset([['ApiEnabled', true], ['ModifyAllData', true], ['ViewAllData', true], ['RunReports', true]]));
    assert.deepStrictEqual(findings.map(f => [f.line, f.column, f.text]), [[17, 15, 'ApiEnabled']]);
    assert.match(findings[0].message, /ModifyAllData, ViewAllData/);
  });
  for (const p of ['AuthorApex', 'ManageUsers']) {
    it(`reports ApiEnabled with ${p}`, () => assert.strictEqual(lintWith(rule, P, permset([['ApiEnabled', true], [p, true]])).findings.length, 1));
  }
  it('clean: API only; privileged without API; privileged disabled; API disabled', () => {
    assert.deepStrictEqual(lintWith(rule, P, permset([['ApiEnabled', true], ['RunReports', true]])).findings, []);
    assert.deepStrictEqual(lintWith(rule, P, permset([['ModifyAllData', true], ['ViewAllData', true]])).findings, []);
    assert.deepStrictEqual(lintWith(rule, P, permset([['ApiEnabled', true], ['ModifyAllData', false]])).findings, []);
    assert.deepStrictEqual(lintWith(rule, P, permset([['ApiEnabled', false], ['ModifyAllData', true]])).findings, []);
  });
  it('profiles are not read by this rule (admin profiles always hold both)', () => {
    const t = permset([['ApiEnabled', true], ['ModifyAllData', true]]).replace(/PermissionSet/g, 'Profile');
    assert.deepStrictEqual(lintWith(rule, 'force-app/main/default/profiles/Admin.profile-meta.xml', t).findings, []);
  });
});
