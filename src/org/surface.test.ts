import * as assert from 'assert';
import { ENDPOINT, loadFixture, startFakeOrg, type FakeOrg } from '../../test/fake-org/server';
import { connectWithToken } from './connect';
import { surfaceAccess } from './surface';
import { forgetSecrets } from './scrub';

const PROJECT = ['OrderApi', 'OrderSearchController', 'PartnerApi', 'LegacyService', 'NewApi'];

describe('org grants of the API surface (SetupEntityAccess) against the fake org', function () {
  this.timeout(20000);
  let fake: FakeOrg | undefined;
  afterEach(async () => { await fake?.close(); fake = undefined; forgetSecrets(); });

  it('reads who grants each class in two requests: guest profile, guest-assigned permission set, not granted, not deployed', async () => {
    fake = await startFakeOrg('surface');
    const before = fake.apiRequests();
    const a = await surfaceAccess(connectWithToken({ instanceUrl: fake.url, accessToken: fake.accessToken }), PROJECT, { org: 'fake' });
    assert.strictEqual(a.requests, 2, a.notes.join('\n'));
    assert.strictEqual(fake.apiRequests() - before, 2);
    assert.deepStrictEqual(a.notes, []);
    assert.deepStrictEqual(a.classes.orderapi, { state: 'granted', grants: [
      // The namespaced acme.OrderApi's guest grant is not the project's class.
      { kind: 'permissionset', name: 'Orders API', apiName: 'Orders_API', guest: false },
      { kind: 'profile', name: 'Orders Site Profile', guest: true },
    ] });
    assert.deepStrictEqual(a.classes.ordersearchcontroller, { state: 'granted', grants: [
      { kind: 'permissionset', name: 'Site Search', apiName: 'Site_Search', guest: true, guestVia: ['Orders Site Profile'] },
      { kind: 'profile', name: 'System Administrator', guest: false },
    ] });
    assert.strictEqual(a.classes.partnerapi.state, 'granted');
    assert.deepStrictEqual(a.classes.legacyservice, { state: 'not-granted', grants: [] });
    assert.deepStrictEqual(a.classes.newapi, { state: 'not-in-org', grants: [] });
  });

  it('fails closed: an org without the objects (or a denied query) leaves every class "unknown", never "not granted"', async () => {
    fake = await startFakeOrg('hardened'); // no ApexClass / SetupEntityAccess rows: INVALID_TYPE
    const a = await surfaceAccess(connectWithToken({ instanceUrl: fake.url, accessToken: fake.accessToken }), PROJECT, { org: 'fake' });
    for (const n of PROJECT) { assert.strictEqual(a.classes[n.toLowerCase()].state, 'unknown', n); }
    assert.match(a.classes.orderapi.why ?? '', /INVALID_TYPE/);
  });

  it('fails closed when SetupEntityAccess is denied after the classes were found', async () => {
    fake = await startFakeOrg({ ...loadFixture('surface'), deny: { SetupEntityAccess: 'INSUFFICIENT_ACCESS' } });
    const a = await surfaceAccess(connectWithToken({ instanceUrl: fake.url, accessToken: fake.accessToken }), PROJECT, { org: 'fake' });
    assert.strictEqual(a.classes.legacyservice.state, 'unknown');
    assert.match(a.classes.legacyservice.why ?? '', /INSUFFICIENT_ACCESS/);
    assert.strictEqual(a.classes.newapi.state, 'not-in-org', 'what was read stays known');
  });

  it('fails closed when the guest assignments cannot be read: classes granted by permission sets are unknown', async () => {
    fake = await startFakeOrg({ ...loadFixture('surface'), deny: { PermissionSetAssignment: 'INSUFFICIENT_ACCESS' } });
    const a = await surfaceAccess(connectWithToken({ instanceUrl: fake.url, accessToken: fake.accessToken }), PROJECT, { org: 'fake' });
    assert.strictEqual(a.classes.ordersearchcontroller.state, 'unknown');
    assert.strictEqual(a.classes.legacyservice.state, 'not-granted', 'no permission set involved');
    assert.ok(a.notes.some(n => /guest user holds/.test(n)), a.notes.join('\n'));
  });

  it('a session the org refuses, or an org that does not answer in time: every class unknown, with the reason, no throw', async () => {
    fake = await startFakeOrg('surface', { faults: [{ path: ENDPOINT.any, kind: 'hang', times: 1 }] });
    const t0 = Date.now();
    const a = await surfaceAccess(connectWithToken({ instanceUrl: fake.url, accessToken: fake.accessToken }), PROJECT, { org: 'fake', net: { requestTimeoutMs: 300, totalTimeoutMs: 2000 } });
    assert.ok(Date.now() - t0 < 5000);
    for (const n of PROJECT) { assert.strictEqual(a.classes[n.toLowerCase()].state, 'unknown', n); }
    assert.ok(a.notes.some(n => /could not be read/.test(n)), a.notes.join('\n'));

    const b = await surfaceAccess(connectWithToken({ instanceUrl: fake.url, accessToken: 'bogus' }), ['OrderApi'], { org: 'fake' });
    assert.strictEqual(b.classes.orderapi.state, 'unknown');
    assert.ok(!JSON.stringify(b).includes('bogus'));
  });
});
