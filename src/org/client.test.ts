import * as assert from 'assert';
import { OrgClient, REQUEST_BUDGET, type QuerySpec } from './client';
import { connectWithToken } from './connect';
import { NetGuard } from './transport';
import { ENDPOINT, startFakeOrg, type FakeOrg } from '../../test/fake-org/server';
import { forgetSecrets } from './scrub';

const ORG: QuerySpec = { key: 'organization', api: 'data', object: 'Organization', fields: ['Id', 'Name'] };
const USERS: QuerySpec = { key: 'users', api: 'data', object: 'User', fields: ['Id', 'Name'], where: "UserType = 'Standard'" };

/**
 * One OrgClient serves several `queries()` calls in one inspection (the base queries, the OauthToken
 * COUNT() fallback, the user-name lookup of the monitoring): "first contact" is the client's first
 * request, not each call's.
 */
describe('OrgClient: first contact and the request budget are per client, not per call', function () {
  this.timeout(20000);
  let fake: FakeOrg | undefined;
  let guard: NetGuard | undefined;
  afterEach(async () => { guard?.close(); guard = undefined; await fake?.close(); fake = undefined; forgetSecrets(); });

  async function client(timeoutMs = 10_000): Promise<OrgClient> {
    fake = await startFakeOrg('hardened');
    const conn = connectWithToken({ instanceUrl: fake.url, accessToken: fake.accessToken });
    guard = new NetGuard({ requestTimeoutMs: timeoutMs, totalTimeoutMs: 60_000 });
    guard.install(conn);
    return new OrgClient(conn);
  }

  it('a later call respects the budget from its first batch on', async () => {
    const c = await client();
    c.reserve = REQUEST_BUDGET - 1;
    assert.ok((await c.queries([ORG])).get('organization')!.ok, 'the very first batch always goes');
    const later = (await c.queries([USERS])).get('users')!;
    assert.ok(!later.ok && later.code === 'REQUEST_BUDGET', JSON.stringify(later));
    assert.strictEqual(c.requests, 1);
    assert.strictEqual(fake!.apiRequests(), 1);
  });

  it('a later call whose org stops answering: an unavailable dataset, not a fatal error', async () => {
    const c = await client(500);
    assert.ok((await c.queries([ORG])).get('organization')!.ok);
    fake!.faults.push({ path: ENDPOINT.data, kind: 'hang' });
    const later = (await c.queries([USERS])).get('users')!;
    assert.ok(!later.ok, 'no data');
    assert.strictEqual(later.kind, 'timeout', later.message);
  });

  it('a 404 on a later call does not ask the org for its API versions again', async () => {
    const c = await client();
    assert.ok((await c.queries([ORG])).get('organization')!.ok);
    fake!.faults.push({ path: ENDPOINT.data, kind: 'not-found', times: 1 });
    const later = (await c.queries([USERS])).get('users')!;
    assert.ok(later.ok, 'answered by a single query after the 404');
    assert.strictEqual(fake!.requests.filter(r => /^\/services\/data\/?$/.test(r.path)).length, 0);
    assert.strictEqual(c.requests, fake!.apiRequests());
  });
});
