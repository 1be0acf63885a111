import * as assert from 'assert';
import rule from './index';
import { lintWith, metadataXml } from '../../core/metadata/testkit';

const perms = (root: string, list: Array<[string, boolean]>) => metadataXml(root, `
    <label>Sales Ops</label>
${list.map(([n, e]) => `    <userPermissions>
        <enabled>${e}</enabled>
        <name>${n}</name>
    </userPermissions>`).join('\n')}`);
const PS = 'force-app/main/default/permissionsets/Sales_Ops.permissionset-meta.xml';
const PR = 'force-app/main/default/profiles/Sales Ops.profile-meta.xml';

describe('mfa-bypass-permission', () => {
  it('reports BypassMFAForUiLogins in a permission set at the permission name', () => {
    const { findings } = lintWith(rule, PS, perms('PermissionSet', [['ApiEnabled', true], ['BypassMFAForUiLogins', true]]));
    assert.deepStrictEqual(findings.map(f => [f.line, f.text]), [[10, 'BypassMFAForUiLogins']]);
    assert.match(findings[0].message, /permission set/);
  });
  it('reports it in a profile (also in Metadata API format)', () => {
    const t = perms('Profile', [['BypassMFAForUiLogins', true]]);
    assert.match(lintWith(rule, PR, t).findings[0].message, /This profile/);
    assert.strictEqual(lintWith(rule, 'src/profiles/Sales Ops.profile', t).findings.length, 1);
  });
  it('disabled or absent is clean', () => {
    assert.deepStrictEqual(lintWith(rule, PS, perms('PermissionSet', [['BypassMFAForUiLogins', false]])).findings, []);
    assert.deepStrictEqual(lintWith(rule, PR, perms('Profile', [['ApiEnabled', true]])).findings, []);
  });
  it('malformed profile: a note, no crash', () => {
    const r = lintWith(rule, PR, perms('Profile', [['BypassMFAForUiLogins', true]]).replace('<enabled>', '<enabled'));
    assert.deepStrictEqual(r.notes.map(n => n.code), ['malformed-xml']);
  });
});
