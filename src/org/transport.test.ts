import * as assert from 'assert';
import { checkAnswer, describeBody, NetGuard } from './transport';
import { coverageOf, unreadable } from './coverage';
import { browserLogin, connectWithToken } from './connect';
import { inspectOrg } from './inspect';
import type { OrgError } from './types';
import { ENDPOINT, startFakeOrg, type FakeOrg } from '../../test/fake-org/server';
import type { CheckResult, GroupResult } from './types';

const res = (statusCode: number, body: string, ctype = 'application/json;charset=UTF-8', headers: Record<string, string> = {}) => ({ statusCode, body, headers: { 'content-type': ctype, ...headers } });
const GET = (p: string) => ({ method: 'GET', url: `https://x.my.salesforce.com${p}` });

describe('org transport: answers are checked before jsforce parses them', () => {
  it('REST: cut JSON, HTML, redirects and error statuses get their true class; good JSON and 401 pass through', () => {
    assert.strictEqual(checkAnswer(GET('/services/data/v62.0/limits'), res(200, '{"DailyApiRequests":{}}')), undefined);
    assert.strictEqual(checkAnswer(GET('/services/data/v62.0/limits'), res(401, '[{"errorCode":"INVALID_SESSION_ID"}]')), undefined, 'jsforce handles the refresh');
    const cases: [ReturnType<typeof res>, string, RegExp][] = [
      [res(200, '{"records": [ {"Id": '), 'malformed', /truncated or malformed JSON/],
      [res(200, '<html><title>Login | Salesforce</title></html>', 'text/html'), 'malformed', /HTML page \("Login \| Salesforce"\)/],
      [res(302, '', 'text/plain', { location: 'https://login.salesforce.com/?ec=302' }), 'malformed', /redirected .*https:\/\/login\.salesforce\.com/],
      [res(500, '[{"errorCode":"UNKNOWN_EXCEPTION","message":"An unexpected error occurred"}]'), 'server', /server error \(HTTP 500\) UNKNOWN_EXCEPTION/],
      [res(503, '<html><title>Down for Maintenance</title></html>', 'text/html'), 'server', /HTML page/],
      [res(403, '[{"errorCode":"REQUEST_LIMIT_EXCEEDED","message":"TotalRequests Limit exceeded."}]'), 'rate-limit', /REQUEST_LIMIT_EXCEEDED/],
      [res(429, ''), 'rate-limit', /empty body/],
      [res(403, '[{"errorCode":"API_DISABLED_FOR_ORG","message":"API is not enabled"}]'), 'permission', /API_DISABLED_FOR_ORG/],
    ];
    for (const [r, kind, msg] of cases) {
      const e = checkAnswer(GET('/services/data/v62.0/limits'), r);
      assert.ok(e, JSON.stringify(r));
      assert.strictEqual(e.kind, kind, e.message);
      assert.match(e.message, msg);
    }
  });

  it('4xx answers: only real permission and licence codes are `permission`; every other code is a fault', () => {
    const e = (status: number, code: string) => checkAnswer(GET('/services/data/v62.0/query'), res(status, JSON.stringify([{ errorCode: code, message: `${code} happened` }])))!;
    const expected: [number, string, string][] = [
      [403, 'INSUFFICIENT_ACCESS', 'permission'], [403, 'INSUFFICIENT_ACCESS_OR_READONLY', 'permission'], [400, 'INVALID_TYPE', 'permission'],
      [403, 'API_DISABLED_FOR_ORG', 'permission'], [403, 'FUNCTIONALITY_NOT_ENABLED', 'permission'],
      [400, 'QUERY_TIMEOUT', 'timeout'], [400, 'MALFORMED_QUERY', 'other'], [400, 'INVALID_FIELD', 'other'], [404, 'NOT_FOUND', 'other'],
      [400, 'INVALID_QUERY_LOCATOR', 'other'], [400, 'SOMETHING_NEW', 'other'], [405, 'METHOD_NOT_ALLOWED', 'other'],
    ];
    for (const [status, code, kind] of expected) { assert.strictEqual(e(status, code).kind, kind, `${status} ${code}`); }
    assert.strictEqual(checkAnswer(GET('/services/data/v62.0/limits'), res(403, ''))!.kind, 'other', 'a 403 without an error code (a proxy?) is not a permission answer');
  });

  it('SOAP: a fault passes to jsforce, an envelope that does not close is malformed', () => {
    const post = { method: 'POST', url: 'https://x.my.salesforce.com/services/Soap/m/62.0' };
    const env = '<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="x"><soapenv:Body><readMetadataResponse><result><records><fullName>Security</fullName></records></result></readMetadataResponse></soapenv:Body></soapenv:Envelope>';
    assert.strictEqual(checkAnswer(post, res(200, env, 'text/xml')), undefined);
    assert.strictEqual(checkAnswer(post, res(500, '<soapenv:Envelope><soapenv:Body><soapenv:Fault><faultcode>sf:INSUFFICIENT_ACCESS</faultcode></soapenv:Fault></soapenv:Body></soapenv:Envelope>', 'text/xml')), undefined);
    for (const cut of [env.slice(0, env.length / 2), env.slice(0, -5), '']) {
      assert.strictEqual(checkAnswer(post, res(200, cut, 'text/xml'))?.kind, 'malformed', cut);
    }
  });

  it('token endpoint: anything but a token is a clear error, never an empty reason', () => {
    const post = { method: 'POST', url: 'https://login.salesforce.com/services/oauth2/token' };
    assert.strictEqual(checkAnswer(post, res(200, '{"access_token":"00Dx!abc","instance_url":"https://x"}')), undefined);
    assert.match(checkAnswer(post, res(200, '<html><title>Login</title></html>', 'text/html'))!.message, /token endpoint https:\/\/login\.salesforce\.com answered HTTP 200 with an HTML page/);
    assert.match(checkAnswer(post, res(200, '{}'))!.message, /instead of a token/);
    assert.match(checkAnswer(post, res(500, '', 'text/plain'))!.message, /HTTP 500 with an empty body/);
    const denied = checkAnswer(post, res(400, '{"error":"invalid_grant","error_description":""}'))!;
    assert.strictEqual(denied.kind, 'session');
    assert.match(denied.message, /refused the request \(HTTP 400\) invalid_grant$/);
  });

  it('describeBody never prints control characters or a whole body', () => {
    const d = describeBody('\u0000\u001b[31mred' + 'x'.repeat(500), 'application/json');
    assert.ok([...d].every(ch => ch.charCodeAt(0) >= 0x20), d);
    assert.ok(d.length < 120, d);
  });
});

describe('coverage: permission gaps vs faults, and the threshold', () => {
  const check = (id: string, group: string, status: CheckResult['status'], cause?: CheckResult['cause']): CheckResult =>
    ({ id, group: group as CheckResult['group'], title: id, status, summary: '', items: [], remediation: '', setupPath: '/', cause });
  const groupsOf = (checks: CheckResult[]): GroupResult[] => [...new Set(checks.map(c => c.group))].map(g => ({ id: g, title: g, status: 'pass', checks: checks.filter(c => c.group === g) }));

  it('complete only with enough checks and groups, and no fault', () => {
    const ok = ['oauth', 'mfa', 'ip', 'encryption', 'password', 'rotation'].map((g, i) => check(`${g}.a`, g, i < 5 ? 'pass' : 'unavailable', 'permission'));
    assert.strictEqual(coverageOf(ok, groupsOf(ok)).complete, true);
    const fault = ok.map((c, i) => (i === 0 ? { ...c, status: 'unavailable' as const, cause: 'network' as const } : c));
    const cf = coverageOf(fault, groupsOf(fault));
    assert.strictEqual(cf.complete, false);
    assert.deepStrictEqual(cf.faultCauses, ['network']);
    const thin = ok.map((c, i) => (i < 4 ? { ...c, status: 'unavailable' as const, cause: 'permission' as const } : c));
    assert.strictEqual(coverageOf(thin, groupsOf(thin)).complete, false, '2 of 6 evaluated');
    assert.strictEqual(coverageOf(thin, groupsOf(thin), 30).complete, false, 'still fewer than half the groups');
  });

  it('"Granted by" only for permission causes; faults say what happened', () => {
    assert.match(unreadable('limits', { ok: false, code: 'INSUFFICIENT_ACCESS', message: 'no', kind: 'permission' }).reason!, /Granted by: View Setup and Configuration/);
    assert.match(unreadable('limits', { ok: false, code: 'API_DISABLED_FOR_ORG', message: 'no', kind: 'permission' }).reason!, /Granted by: the API Enabled permission/);
    for (const kind of ['network', 'tls', 'timeout', 'rate-limit', 'server', 'malformed'] as const) {
      const u = unreadable('limits', { ok: false, code: 'X', message: 'boom', kind });
      assert.strictEqual(u.cause, kind);
      assert.doesNotMatch(u.reason!, /Granted by/);
    }
  });
});

describe('browser login: the token exchange is guarded too', function () {
  this.timeout(20000);
  let fake: FakeOrg | undefined;
  afterEach(async () => { await fake?.close(); fake = undefined; });

  it('an HTML answer from the token endpoint is a clear session error', async () => {
    fake = await startFakeOrg('hardened', { faults: [{ path: ENDPOINT.token, kind: 'html-200' }] });
    const e = await browserLogin({ clientId: fake.clientId, loginUrl: fake.url, open: async url => { await fetch(url); } }).then(() => undefined, (x: unknown) => x as Error);
    assert.ok(e);
    assert.match(e.message, /token endpoint .*HTML page/);
  });

  it('a silent token endpoint fails after the request timeout', async () => {
    fake = await startFakeOrg('hardened', { faults: [{ path: ENDPOINT.token, kind: 'hang' }] });
    const t0 = Date.now();
    const e = await browserLogin({ clientId: fake.clientId, loginUrl: fake.url, net: { requestTimeoutMs: 500 }, open: async url => { await fetch(url); } }).then(() => undefined, (x: unknown) => x as Error);
    assert.ok(e);
    assert.match(e.message, /token endpoint .*no answer/);
    assert.ok(Date.now() - t0 < 5000);
  });

  it('a connection inspected again keeps one set of wrappers (no stacked listeners), and each run its own timeouts', async () => {
    fake = await startFakeOrg('hardened');
    const conn = connectWithToken({ instanceUrl: fake.url, accessToken: fake.accessToken, refreshToken: fake.refreshToken, clientId: fake.clientId, loginUrl: fake.url });
    await inspectOrg(conn);
    const listeners = conn.listenerCount('refresh');
    fake.expireAccessTokens();
    const r = await inspectOrg(conn);
    assert.strictEqual(conn.listenerCount('refresh'), listeners);
    assert.strictEqual(fake.requests.filter(q => ENDPOINT.token.test(q.path)).length, 1);
    assert.ok(r.coverage?.complete);
    fake.faults.push({ path: ENDPOINT.any, kind: 'hang' });
    const t0 = Date.now();
    const e = await inspectOrg(conn, { net: { requestTimeoutMs: 300 } }).then(() => undefined, (x: OrgError) => x);
    assert.ok(e && e.kind === 'timeout', String(e));
    assert.ok(Date.now() - t0 < 3000);
  });

  it('NetGuard.close aborts what is in flight', async () => {
    fake = await startFakeOrg('hardened', { faults: [{ path: ENDPOINT.any, kind: 'hang' }] });
    const g = new NetGuard({ requestTimeoutMs: 60_000 });
    const p = g.send({ method: 'GET', url: `${fake.url}/services/data/v62.0/limits` }).then(() => 'answered', (x: Error) => x.message);
    setTimeout(() => g.close(), 100);
    assert.match(await p, /./);
  });
});
