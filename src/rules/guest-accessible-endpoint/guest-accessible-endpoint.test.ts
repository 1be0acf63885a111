import * as assert from 'assert';
import { Engine } from '../../core/engine';
import { initApexParser, setReadyParser } from '../../core/apex/parser';
import { locateApexAssets } from '../../node/assets';
import { allRules } from '..';
import { lintRule, permissionSetXml, profileXml, projectWith } from '../../core/surface/testkit';

const CTRL = `public without sharing class SiteFormController {
    @AuraEnabled
    public static void submit(String email) {
        insert new Lead(LastName = 'Web', Company = 'Web', Email = email);
    }
    @AuraEnabled(cacheable=true)
    public static List<Product2> products() { return [SELECT Id, Name FROM Product2]; }
}`;

describe('guest-accessible-endpoint', () => {
  let engine: Engine;
  before(async () => { setReadyParser(await initApexParser(locateApexAssets())); engine = new Engine(allRules); });

  it('every entry point of a class the guest profile of a site may run', () => {
    const project = projectWith({
      'force-app/main/default/profiles/Customer Support Profile.profile-meta.xml': profileXml({ SiteFormController: true }, 'Guest User License'),
      'force-app/main/default/profiles/Admin.profile-meta.xml': profileXml({ SiteFormController: true }),
    });
    const r = lintRule(engine, 'guest-accessible-endpoint', CTRL, project);
    assert.deepStrictEqual(r.shown, ['3:submit', '7:products']);
    assert.match(r.findings[0].message, /guest user of Customer Support Profile/);
    assert.deepStrictEqual(r.findings[0].related?.map(l => l.path), ['/p/force-app/main/default/profiles/Customer Support Profile.profile-meta.xml']);
  });

  it('a permission set group that bundles a guest-licensed permission set', () => {
    const project = projectWith({
      'force-app/main/default/permissionsets/Guest_Forms.permissionset-meta.xml': permissionSetXml(['SiteFormController']).replace('<label>', '<license>Guest User License</license>\n    <label>'),
      'force-app/main/default/permissionsetgroups/Site_Guest.permissionsetgroup-meta.xml': '<PermissionSetGroup xmlns="http://soap.sforce.com/2006/04/metadata"><label>Site Guest</label><permissionSets>Guest_Forms</permissionSets></PermissionSetGroup>',
    });
    const r = lintRule(engine, 'guest-accessible-endpoint', CTRL, project);
    assert.deepStrictEqual(r.shown, ['3:submit', '7:products']);
    assert.match(r.findings[0].message, /Guest_Forms, Site_Guest/);
  });

  it('a permission set without a licence named for guest users (assignable to a site guest user)', () => {
    const project = projectWith({
      'force-app/main/default/permissionsets/Custom_Login_Guest_Access.permissionset-meta.xml': permissionSetXml(['SiteFormController'], 'Custom Login Access'),
      'force-app/main/default/permissionsets/Forms.permissionset-meta.xml': permissionSetXml(['SiteFormController'], 'Survey - Guest'),
      'force-app/main/default/permissionsets/Guestbook_Admin.permissionset-meta.xml': permissionSetXml(['SiteFormController'], 'Guestbook Admin'),
      'force-app/main/default/permissionsets/Guest_Sales.permissionset-meta.xml': permissionSetXml(['SiteFormController'], 'Guest Sales').replace('<label>', '<license>Salesforce</license>\n    <label>'),
    });
    const r = lintRule(engine, 'guest-accessible-endpoint', CTRL, project);
    assert.deepStrictEqual(r.shown, ['3:submit', '7:products']);
    // By API name and by label; not a word that merely starts with "guest", not a set whose licence guests cannot hold.
    assert.match(r.findings[0].message, /guest user of Custom_Login_Guest_Access, Forms\.?$/);
  });

  it('clean: granted to internal profiles only, or disabled for the guest profile', () => {
    const project = projectWith({
      'force-app/main/default/profiles/Guest.profile-meta.xml': profileXml({ SiteFormController: false }, 'Guest User License'),
      'force-app/main/default/permissionsets/Sales.permissionset-meta.xml': permissionSetXml(['SiteFormController']),
    });
    assert.deepStrictEqual(lintRule(engine, 'guest-accessible-endpoint', CTRL, project).shown, []);
  });
});
