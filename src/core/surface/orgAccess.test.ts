import * as assert from 'assert';
import { initApexParser, parseApex, setReadyParser } from '../apex/parser';
import { locateApexAssets } from '../../node/assets';
import { buildAccess } from './access';
import { entryRows, entryViews, withOrgAccess, withOrgViews } from './inventory';
import { buildInventory } from './inventory';
import { orgSummary, outerClassOf } from './orgAccess';
import { formatSurface } from './report';
import { profileXml } from './testkit';
import type { OrgSurfaceAccess, SurfaceInventory } from './types';

const SITE = `public without sharing class SiteController {
    @AuraEnabled
    public static List<Case> cases() { return [SELECT Id FROM Case]; }
    public class Inner {
        @AuraEnabled
        public static String ping() { return 'x'; }
    }
}`;
const ADMIN = `public with sharing class AdminController {
    @AuraEnabled
    public static String hello() { return 'hi'; }
}`;

function inventory(): SurfaceInventory {
  const units = [['/p/classes/SiteController.cls', SITE], ['/p/classes/AdminController.cls', ADMIN]].map(([path, text]) => ({ path, root: parseApex(text).rootNode }));
  const access = buildAccess([{ path: '/p/profiles/Admin.profile-meta.xml', text: profileXml({ AdminController: true }) }]);
  return buildInventory(units, access);
}

const ORG: OrgSurfaceAccess = {
  org: 'prod', requests: 2, notes: [],
  classes: {
    sitecontroller: { state: 'granted', grants: [{ kind: 'permissionset', name: 'Site Access', apiName: 'Site_Access', guest: true, guestVia: ['Support Site Profile'] }] },
    admincontroller: { state: 'unknown', grants: [{ kind: 'profile', name: 'System Administrator', guest: false }], why: 'timeout (NO_ANSWER): no answer' },
  },
};

describe('surface: the org\'s grants merged into the inventory', () => {
  before(async () => { setReadyParser(await initApexParser(locateApexAssets())); });

  it('keys grants by the file\'s top-level class: an inner class\'s entry points take the outer class\'s grants', () => {
    assert.strictEqual(outerClassOf('/p/force-app/classes/SiteController.cls'), 'SiteController');
    const rows = entryRows(withOrgAccess(inventory(), ORG));
    const ping = rows.find(r => r.entry.methodName === 'ping')!;
    assert.strictEqual(ping.cls.name, 'Inner');
    assert.strictEqual(ping.org?.state, 'granted');
  });

  it('a guest-assigned permission set in the org makes the guest risk; the project alone does not', () => {
    const inv = inventory();
    const before = entryRows(inv).find(r => r.entry.methodName === 'cases')!;
    assert.ok(!before.risks.some(r => r.id === 'guest-accessible-endpoint'));
    assert.strictEqual(before.org, undefined);
    const after = entryRows(withOrgAccess(inv, ORG)).find(r => r.entry.methodName === 'cases')!;
    assert.deepStrictEqual(after.risks.map(r => r.id), ['endpoint-without-sharing', 'guest-accessible-endpoint', 'aura-returns-sobject', 'endpoint-not-granted']);
    const guest = after.risks[1];
    assert.match(guest.summary, /guest user in the org prod: Site Access \(assigned to Support Site Profile\)/);
    assert.match(guest.related[0].message, /^In the org prod: permission set Site Access, assigned to the guest user of Support Site Profile, grants the class\.$/);
  });

  it('joins the project\'s guest grant and the org\'s into one risk', () => {
    const units = [{ path: '/p/classes/SiteController.cls', root: parseApex(SITE).rootNode }];
    const inv = buildInventory(units, buildAccess([{ path: '/p/profiles/Site.profile-meta.xml', text: profileXml({ SiteController: true }, 'Guest User License') }]));
    const row = entryRows(withOrgAccess(inv, ORG)).find(r => r.entry.methodName === 'cases')!;
    const guest = row.risks.filter(r => r.id === 'guest-accessible-endpoint');
    assert.strictEqual(guest.length, 1);
    assert.match(guest[0].summary, /guest user of Site; in the org prod, the guest user of Site Access/);
    assert.strictEqual(guest[0].related.length, 2);
  });

  it('unknown is never shown as not granted: the lower bound and the reason are said', () => {
    assert.strictEqual(orgSummary(ORG.classes.admincontroller), 'org grants unknown (at least System Administrator (profile)): timeout (NO_ANSWER): no answer');
    assert.strictEqual(orgSummary({ state: 'not-granted', grants: [] }), 'not granted in the org');
    const text = formatSurface(withOrgAccess(inventory(), ORG), '/p', 'text');
    assert.match(text, /AdminController\.hello[\s\S]*· org: unknown ·[\s\S]*in the org prod: org grants unknown \(at least System Administrator \(profile\)\)/);
    assert.doesNotMatch(text, /not granted in the org/);
    assert.match(text, /org grants unknown for 1 entry point\n/);
  });

  it('the editor\'s entries with the org merged equal the entries of the inventory with the org', () => {
    const inv = inventory();
    assert.deepStrictEqual(withOrgViews(entryViews(inv), ORG), entryViews(withOrgAccess(inv, ORG)));
  });
});
