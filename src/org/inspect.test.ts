import * as assert from 'assert';
import { Connection } from 'jsforce';
import { loadFixture, startFakeOrg, type FakeOrg } from '../../test/fake-org/server';
import { materializeUsage } from '../../test/fake-org/usage';
import { windowDays } from './monitoring';
import { connectWithToken, browserLogin } from './connect';
import { inspectOrg } from './inspect';
import { render } from './report';
import { OrgError, type CheckStatus, type GroupId, type InspectionReport } from './types';
import { errorText, forgetSecrets } from './scrub';

const GROUP_IDS: GroupId[] = ['oauth', 'mfa', 'ip', 'encryption', 'password', 'rotation', 'api-usage', 'event-monitoring', 'named-credentials', 'audits'];

/** Expected worst status per group for each fixture org. */
const EXPECTED: Record<string, Record<GroupId, CheckStatus>> = {
  // Informational lines (inventory, callers) no longer pull a passing group down to `info`.
  hardened: { oauth: 'pass', mfa: 'pass', ip: 'pass', encryption: 'pass', password: 'pass', rotation: 'pass', 'api-usage': 'pass', 'event-monitoring': 'pass', 'named-credentials': 'pass', audits: 'pass' },
  // Stale tokens of apps any user may self-authorize are a failure, not a warning.
  careless: { oauth: 'fail', mfa: 'fail', ip: 'fail', encryption: 'fail', password: 'fail', rotation: 'fail', 'api-usage': 'fail', 'event-monitoring': 'warn', 'named-credentials': 'warn', audits: 'fail' },
  // One day of ApiTotalUsage (no Event Monitoring): too little to look for anomalies, so not a pass.
  'no-shield': { oauth: 'pass', mfa: 'pass', ip: 'pass', encryption: 'pass', password: 'pass', rotation: 'pass', 'api-usage': 'partial', 'event-monitoring': 'warn', 'named-credentials': 'pass', audits: 'pass' },
  'no-view-setup': { oauth: 'unavailable', mfa: 'unavailable', ip: 'unavailable', encryption: 'unavailable', password: 'unavailable', rotation: 'unavailable', 'api-usage': 'unavailable', 'event-monitoring': 'unavailable', 'named-credentials': 'unavailable', audits: 'unavailable' },
};

const status = (r: InspectionReport, id: string) => r.checks.find(c => c.id === id)?.status;
const check = (r: InspectionReport, id: string) => r.checks.find(c => c.id === id)!;

describe('org inspection with jsforce against the fake org', function () {
  this.timeout(20000);
  let fake: FakeOrg | undefined;
  afterEach(async () => { await fake?.close(); fake = undefined; forgetSecrets(); });

  for (const [name, expected] of Object.entries(EXPECTED)) {
    it(`${name}: expected status for all ten groups, at most 15 requests`, async () => {
      fake = await startFakeOrg(name);
      const t0 = Date.now();
      const r = await inspectOrg(connectWithToken({ instanceUrl: fake.url, accessToken: fake.accessToken }), { alias: name });
      const ms = Date.now() - t0;
      assert.deepStrictEqual(r.groups.map(g => g.id), GROUP_IDS);
      assert.deepStrictEqual(Object.fromEntries(r.groups.map(g => [g.id, g.status])), expected);
      // The base inspection stays within 15 requests; monitoring adds one per downloaded log file.
      const files = fake.requests.filter(q => q.path.endsWith('/LogFile')).length;
      assert.ok(r.requests - files <= 15, `${r.requests} requests, ${files} log files`);
      assert.ok((r.usage?.requests ?? 0) >= files, 'the downloads are counted as monitoring requests');
      assert.strictEqual(r.requests, fake.apiRequests(), 'the client counts what the server saw');
      assert.ok(r.checks.every(c => c.summary && c.remediation && c.setupPath.startsWith('/lightning/setup/')));
      // Measured figure for the report (fake org on loopback).
      console.log(`      ${name}: ${r.requests} requests, ${ms} ms`);
    });
  }

  it('careless org: the findings name the offending users, apps, endpoints and settings', async () => {
    fake = await startFakeOrg('careless');
    const r = await inspectOrg(connectWithToken({ instanceUrl: fake.url, accessToken: fake.accessToken }), { workspaceOrigins: ['https://billing.careless.example/v2/x', 'https://api.payments.example.com'] });
    const items = (id: string) => check(r, id).items.map(i => `${i.status ?? ''} ${i.label}`);
    assert.deepStrictEqual(items('oauth.admin-approval').sort(), ['warn Legacy Sync', 'warn Zapier']);
    assert.deepStrictEqual(items('mfa.api-users'), ['fail Carl Admin (admin@careless.example)', 'warn ERP Sync (erp.sync@careless.example)', 'warn Marketing Bot (marketing.bot@careless.example)']);
    assert.deepStrictEqual(items('ip.trusted-ranges'), ['fail 0.0.0.0 – 255.255.255.255', 'pass 198.51.100.0 – 198.51.100.255']);
    assert.deepStrictEqual(items('encryption.endpoints'), ['fail Remote site ERP', 'fail Named Credential Legacy ERP (LegacyErp)']);
    assert.deepStrictEqual(items('named-credentials.remote-sites'), ['warn Billing'], 'inactive OldCrm and ERP (covered by a Named Credential) are not listed');
    assert.deepStrictEqual(items('named-credentials.workspace'), ['info https://api.payments.example.com', 'warn https://billing.careless.example']);
    assert.strictEqual(status(r, 'encryption.shield'), 'info', 'TenantSecret INVALID_TYPE = not licensed');
    // 14 failures from one IP in the last 7 days; the failures older than 7 days are not counted
    assert.deepStrictEqual(check(r, 'event-monitoring.failed-logins').items.map(i => `${i.label} ${i.detail}`), ['192.0.2.66 14 failed logins', '198.51.100.30 1 failed login']);
    assert.strictEqual(r.org.healthScore, 41);
  });

  it('careless org: API usage from daily ApiTotalUsage log files, one download per day, anomalies with evidence', async () => {
    fake = await startFakeOrg('careless');
    const r = await inspectOrg(connectWithToken({ instanceUrl: fake.url, accessToken: fake.accessToken }));
    const u = r.usage!;
    assert.strictEqual(u.source, 'log-files');
    assert.strictEqual(fake.requests.filter(q => q.path.endsWith('/LogFile')).length, 7);
    assert.deepStrictEqual(u.total, [270, 270, 270, 270, 270, 270, 2310]);
    assert.deepStrictEqual(u.byApp.map(a => `${a.label} ${a.total}`), ['Legacy Sync 1930', 'Zapier 2000'].sort((a, b) => Number(b.split(' ').pop()) - Number(a.split(' ').pop())));
    assert.deepStrictEqual(check(r, 'api-usage.anomalies').items.map(i => i.label).sort(), [
      'New client IP: 192.0.2.66', 'New connected app: Zapier', 'Off-hours calls: ERP Sync (erp.sync@careless.example)',
      'Spike: All API requests', 'Spike: Marketing Bot (marketing.bot@careless.example)', 'Spike: Zapier']);
    assert.strictEqual(status(r, 'api-usage.anomalies'), 'warn');
    assert.match(check(r, 'api-usage.anomalies').items.find(i => i.label === 'Spike: All API requests')!.detail!, /^2,310 requests on \d{4}-\d\d-\d\d, 8\.6× the median of the other days \(270\)$/);
  });

  it('hardened org: API usage from the ApiTotalUsageEventLog aggregate (no download), nothing unusual', async () => {
    fake = await startFakeOrg('hardened');
    const r = await inspectOrg(connectWithToken({ instanceUrl: fake.url, accessToken: fake.accessToken }), { usageDays: 5 });
    assert.strictEqual(r.usage!.source, 'event-log-object');
    assert.strictEqual(r.usage!.days.length, 5);
    assert.deepStrictEqual(r.usage!.total, [185, 185, 185, 185, 185]);
    assert.deepStrictEqual(r.usage!.byApp.map(a => a.label), ['Payments Integration', 'Dataloader Partner']);
    assert.strictEqual(fake.requests.filter(q => q.path.endsWith('/LogFile')).length, 0);
    assert.strictEqual(status(r, 'api-usage.anomalies'), 'pass');
    const off = await inspectOrg(connectWithToken({ instanceUrl: fake.url, accessToken: fake.accessToken }), { usageDays: 0 });
    assert.strictEqual(off.usage, undefined);
    // Monitoring turned off by the user: skipped and said so, not a fault (the coverage stays complete).
    for (const id of ['api-usage.callers', 'api-usage.anomalies']) {
      assert.strictEqual(status(off, id), 'info', id);
      assert.strictEqual(check(off, id).skipped, true, id);
      assert.match(check(off, id).summary, /^Skipped: API usage monitoring is off \(--usage-days 0\)/, id);
      assert.strictEqual(check(off, id).cause, undefined, id);
    }
    assert.ok(off.coverage!.complete, off.notes.join('\n'));
    assert.strictEqual(off.coverage!.total, off.checks.length - 2, 'skipped checks are not counted as evaluated');
    assert.ok(off.notes.some(n => /API usage monitoring skipped \(--usage-days 0\)/.test(n)), off.notes.join('\n'));
  });

  describe('API usage anomalies never pass on data with gaps', () => {
    /** The hardened org's usage served as daily ApiTotalUsage log files (no event log object). */
    function viaFiles(keepDay: (logDate: string) => boolean = () => true) {
      const fx = loadFixture('hardened');
      delete fx.objects.ApiTotalUsageEventLog;
      const u = materializeUsage({ ...fx.usage!, object: false, files: true }, fx.orgId, new Date());
      fx.objects.EventLogFile = [...(fx.objects.EventLogFile ?? []), ...u.files.filter(f => keepDay(String(f.LogDate)))];
      fx.logFiles = u.logFiles;
      return fx;
    }

    it('every daily file read, every login read: pass', async () => {
      fake = await startFakeOrg(viaFiles());
      const r = await inspectOrg(connectWithToken({ instanceUrl: fake.url, accessToken: fake.accessToken }));
      assert.strictEqual(r.usage!.source, 'log-files');
      assert.strictEqual(status(r, 'api-usage.anomalies'), 'pass', check(r, 'api-usage.anomalies').summary);
    });

    it('a day without a log file: partial, naming the day', async () => {
      const days = windowDays(new Date(), 7);
      fake = await startFakeOrg(viaFiles(d => !d.startsWith(days[3])));
      const r = await inspectOrg(connectWithToken({ instanceUrl: fake.url, accessToken: fake.accessToken }));
      assert.strictEqual(status(r, 'api-usage.anomalies'), 'partial', check(r, 'api-usage.anomalies').summary);
      assert.match(check(r, 'api-usage.anomalies').reason!, new RegExp(`no daily ApiTotalUsage log file for ${days[3]}`));
    });

    it('a log file that cannot be downloaded: partial', async () => {
      fake = await startFakeOrg(viaFiles(), { faults: [{ path: /\/LogFile$/, kind: 'not-found', times: 1 }] });
      const r = await inspectOrg(connectWithToken({ instanceUrl: fake.url, accessToken: fake.accessToken }));
      assert.strictEqual(status(r, 'api-usage.anomalies'), 'partial', check(r, 'api-usage.anomalies').summary);
      assert.match(check(r, 'api-usage.anomalies').reason!, /log file of \d{4}-\d\d-\d\d not readable \(NOT_FOUND\)/);
    });

    it('LoginHistory beyond what the budget reads (failed-login bursts judged on part of the logins): partial', async () => {
      const fx = loadFixture('hardened');
      const login = fx.objects.LoginHistory[0];
      fx.objects.LoginHistory = [...fx.objects.LoginHistory, ...Array.from({ length: 12_100 }, (_, i) => ({ ...login, Id: `0Ya${String(i).padStart(15, '0')}`, LoginTime: new Date(Date.now() - (i + 1) * 60_000).toISOString().replace('Z', '+0000'), Status: 'Success' }))];
      fake = await startFakeOrg(fx);
      const r = await inspectOrg(connectWithToken({ instanceUrl: fake.url, accessToken: fake.accessToken }));
      assert.strictEqual(status(r, 'api-usage.anomalies'), 'partial', check(r, 'api-usage.anomalies').summary);
      assert.match(check(r, 'api-usage.anomalies').reason!, /failed-login bursts: only the most recent \d+ of \d+ LoginHistory rows were read/);
    });

    it('the ApiTotalUsageEventLog aggregate beyond one answer: partial', async () => {
      // An aggregate answer cannot be paged: Salesforce refuses a GROUP BY of more rows than one batch
      // ("Aggregate query does not support queryMore(), use LIMIT to restrict the results to a single batch",
      // Salesforce Help 000386516), so the query carries LIMIT 2000 and a full answer is a lower bound.
      const fx = loadFixture('hardened');
      // 7 days x 24 hours x 13 client IPs = 2,184 groups (one request each): more than one 2,000-row batch.
      const extra: { day: number; hour: number; ip: string; n: number }[] = [];
      for (let day = -7; day < 0; day++) { for (let hour = 0; hour < 24; hour++) { for (let ip = 0; ip < 13; ip++) { extra.push({ day, hour, ip: `198.51.100.${ip}`, n: 1 }); } } }
      fx.objects.ApiTotalUsageEventLog.push(...materializeUsage({ object: true, rows: extra }, fx.orgId, new Date()).events);
      fake = await startFakeOrg(fx);
      const r = await inspectOrg(connectWithToken({ instanceUrl: fake.url, accessToken: fake.accessToken }));
      assert.strictEqual(r.usage?.source, 'event-log-object', JSON.stringify(check(r, 'api-usage.callers')));
      // 2,000 of the groups: never an all-clear (partial), and any finding only a lower bound.
      const a = check(r, 'api-usage.anomalies');
      assert.ok(a.status === 'partial' || (a.status === 'warn' && /^At least /.test(a.summary)), `${a.status}: ${a.summary}`);
      assert.match(a.reason!, /ApiTotalUsageEventLog aggregate reached its LIMIT of 2,000 groups/);
    });

    it('an ApiTotalUsageEventLog GROUP BY without LIMIT over one batch is refused by the org (as Salesforce does), not paged', async () => {
      const fx = loadFixture('hardened');
      fx.objects.ApiTotalUsageEventLog.push(...materializeUsage({ object: true, rows: Array.from({ length: 30 }, (_, ip) => ({ day: -1, hour: 3, ip: `198.51.100.${ip}`, n: 1 })) }, fx.orgId, new Date()).events);
      fake = await startFakeOrg({ ...fx, batchSize: 20 });
      const conn = connectWithToken({ instanceUrl: fake.url, accessToken: fake.accessToken });
      await assert.rejects(async () => { await conn.query('SELECT ClientIp ip, COUNT(Id) n FROM ApiTotalUsageEventLog GROUP BY ClientIp'); },
        (e: Error & { errorCode?: string }) => e.errorCode === 'EXCEEDED_ID_LIMIT' && /Aggregate query does not support queryMore\(\)/.test(e.message));
      const ok = await conn.query('SELECT ClientIp ip, COUNT(Id) n FROM ApiTotalUsageEventLog GROUP BY ClientIp LIMIT 2000');
      assert.ok(ok.done && ok.records.length > 20, 'with LIMIT the whole answer comes in one batch');
    });
  });

  describe('Named Credentials of the new model: NamedCredential.Endpoint is "only valid for legacy named credentials" (object reference)', () => {
    /** The hardened org (its Payments credential is a SecuredEndpoint: Endpoint null, URL in Setup) plus a remote site and one more credential. */
    function org() {
      const fx = loadFixture('hardened');
      const nc = fx.tooling.NamedCredential[0];
      fx.tooling.NamedCredential.push({ ...nc, Id: '0XA5e0000000002AAA', DeveloperName: 'Crm', MasterLabel: 'CRM', CalloutUrl: 'http://crm.hardened.example' });
      fx.tooling.RemoteProxy = [{ Id: '0rp5e0000000001AAA', SiteName: 'Payments', EndpointUrl: 'https://api.payments.example.com', IsActive: true, ProtocolMismatch: false, Description: null, NamespacePrefix: null, CreatedDate: '@-100d' }];
      return fx;
    }

    it('their URLs come from the Connect REST API (one request): an http:// one fails, a remote site they cover is no finding', async () => {
      fake = await startFakeOrg(org());
      const r = await inspectOrg(connectWithToken({ instanceUrl: fake.url, accessToken: fake.accessToken }), { workspaceOrigins: ['https://api.payments.example.com/v1/charges'] });
      assert.deepStrictEqual(check(r, 'encryption.endpoints').items.map(i => `${i.status} ${i.label} ${i.detail}`), ['fail Named Credential CRM (Crm) http://crm.hardened.example']);
      assert.strictEqual(status(r, 'named-credentials.remote-sites'), 'pass', check(r, 'named-credentials.remote-sites').summary);
      assert.strictEqual(status(r, 'named-credentials.workspace'), 'pass', check(r, 'named-credentials.workspace').summary);
      assert.deepStrictEqual(check(r, 'named-credentials.inventory').items.slice(0, 2).map(i => i.detail), ['SecuredEndpoint · http://crm.hardened.example', 'SecuredEndpoint · https://api.payments.example.com']);
      assert.strictEqual(fake.requests.filter(q => q.path.endsWith('/named-credentials/named-credential-setup')).length, 1);
      assert.ok(r.requests <= 15, `${r.requests} requests`);
      assert.strictEqual(r.requests, fake.apiRequests());
    });

    it('their URLs unreadable: the endpoint and remote-site checks are partial, never pass', async () => {
      fake = await startFakeOrg(org(), { faults: [{ path: /\/named-credential-setup$/, kind: 'not-found', times: 1 }] });
      const r = await inspectOrg(connectWithToken({ instanceUrl: fake.url, accessToken: fake.accessToken }));
      for (const id of ['encryption.endpoints', 'named-credentials.remote-sites']) {
        assert.strictEqual(status(r, id), 'partial', `${id}: ${check(r, id).summary}`);
        assert.match(check(r, id).reason!, /URL of 2 Named Credentials could not be read/, id);
      }
    });
  });

  it('metadata the Metadata API does not return (an installed connected app, a profile whose API name was guessed wrong): partial, never a pass on the others', async () => {
    // readMetadata answers a name it does not know with an empty record, not an error; ConnectedApplication
    // lists installed apps too, whose policies are not ConnectedApp metadata of the org.
    const fx = loadFixture('hardened');
    fx.objects.ConnectedApplication.push({ ...fx.objects.ConnectedApplication[0], Id: '0H45e000000IosAAA', Name: 'Salesforce for iOS', OptionsAllowAdminApprovedUsersOnly: false });
    delete fx.metadata!.Profile['API Integration'];
    fake = await startFakeOrg(fx);
    const r = await inspectOrg(connectWithToken({ instanceUrl: fake.url, accessToken: fake.accessToken }));
    for (const id of ['ip.app-relaxation', 'rotation.token-lifetime', 'ip.profile-ranges']) {
      assert.strictEqual(status(r, id), 'partial', `${id}: ${check(r, id).summary}`);
    }
    assert.match(check(r, 'ip.app-relaxation').summary, /^Read 2 of 3 Metadata API ConnectedApp rows/);
    assert.match(check(r, 'ip.profile-ranges').reason!, /API Integration/);
  });

  it('hardened org: logins older than 7 days and audit entries older than 30 days are outside the window', async () => {
    fake = await startFakeOrg('hardened');
    const r = await inspectOrg(connectWithToken({ instanceUrl: fake.url, accessToken: fake.accessToken }));
    assert.strictEqual(status(r, 'encryption.tls'), 'pass');
    assert.strictEqual(status(r, 'oauth.password-flow'), 'pass');
    assert.strictEqual(status(r, 'audits.setup-trail'), 'pass');
    assert.strictEqual(r.org.isSandbox, false);
  });

  it('limited user: unavailable checks carry the reason and what grants access; readable checks still run', async () => {
    fake = await startFakeOrg('no-view-setup');
    const r = await inspectOrg(connectWithToken({ instanceUrl: fake.url, accessToken: fake.accessToken }));
    const unavailable = r.checks.filter(c => c.status === 'unavailable');
    assert.ok(unavailable.length >= 15, `${unavailable.length}`);
    for (const c of unavailable) { assert.match(c.reason ?? '', /(INSUFFICIENT_ACCESS|INVALID_TYPE).*Granted by: \S|only their own rows; \S.* would show every user's/, c.id); }
    assert.match(check(r, 'api-usage.daily').reason!, /View Setup and Configuration/);
    assert.match(check(r, 'event-monitoring.log-files').reason!, /View Event Log Files/);
    // PermissionSetAssignment stays readable: MFA for API is still evaluated, and the INVALID_FIELD
    // for the missing Waive-MFA permission was retried without that field (one extra request).
    assert.strictEqual(status(r, 'mfa.api-users'), 'pass');
    assert.strictEqual(status(r, 'mfa.waived'), 'info');
    // 3 data + 2 Tooling batches, the one retry, and OauthToken's COUNT() fallback (no aggregates there).
    assert.strictEqual(fake.requests.filter(q => q.path.endsWith('/composite')).length, 7);
    // LoginHistory and OauthToken answer this user with their own rows only: not a pass, not
    // information either — unavailable, with the permission that would show every row.
    for (const id of ['encryption.tls', 'event-monitoring.failed-logins', 'oauth.password-flow']) {
      assert.strictEqual(status(r, id), 'unavailable', id);
      assert.match(check(r, id).reason!, /LoginHistory shows this user only their own rows; Manage Users or Monitor Login History would show every user's/);
    }
    assert.strictEqual(status(r, 'oauth.stale-tokens'), 'unavailable');
    assert.match(check(r, 'oauth.stale-tokens').reason!, /OauthToken shows this user only their own rows; Customize Application/);
    // …decided from the assignments already read, without an extra query.
    assert.ok(r.requests <= 12, `${r.requests}`);
  });

  it('Named Credentials unreadable: the endpoint check (remote sites AND Named Credentials over http) does not pass on remote sites alone', async () => {
    fake = await startFakeOrg({ ...loadFixture('hardened'), deny: { 'tooling:NamedCredential': 'INSUFFICIENT_ACCESS' } });
    const r = await inspectOrg(connectWithToken({ instanceUrl: fake.url, accessToken: fake.accessToken }));
    assert.strictEqual(status(r, 'encryption.endpoints'), 'unavailable', check(r, 'encryption.endpoints').summary);
    assert.match(check(r, 'encryption.endpoints').reason!, /NamedCredential \(Tooling\): INSUFFICIENT_ACCESS/);
  });

  it('no Shield / no Event Monitoring: TransactionSecurityPolicy is unavailable, API logs missing is a warning', async () => {
    fake = await startFakeOrg('no-shield');
    const r = await inspectOrg(connectWithToken({ instanceUrl: fake.url, accessToken: fake.accessToken }));
    assert.strictEqual(status(r, 'event-monitoring.policies'), 'unavailable');
    assert.match(check(r, 'event-monitoring.policies').reason!, /INVALID_TYPE.*Real-Time Event Monitoring/);
    assert.deepStrictEqual(check(r, 'event-monitoring.log-files').items.map(i => `${i.label}:${i.status}`), ['API:warn', 'RestApi:warn', 'Login:pass']);
    assert.strictEqual(check(r, 'encryption.shield').summary, 'Shield Platform Encryption is not licensed in this org');
  });

  it('401 with a refresh token: jsforce refreshes at the token endpoint and the inspection completes', async () => {
    fake = await startFakeOrg('careless');
    const conn = connectWithToken({ instanceUrl: fake.url, accessToken: fake.accessToken, refreshToken: fake.refreshToken, clientId: fake.clientId, loginUrl: fake.url });
    fake.expireAccessTokens();
    let refreshed = '';
    conn.on('refresh', (t: string) => { refreshed = t; });
    const r = await inspectOrg(conn);
    assert.ok(refreshed && refreshed !== fake.accessToken);
    assert.strictEqual(fake.requests.filter(q => q.path === '/services/oauth2/token').length, 1);
    assert.strictEqual(r.groups.find(g => g.id === 'mfa')!.status, 'fail');
    assert.ok(r.requests - (r.usage?.requests ?? 0) <= 15);
    for (const out of (['text', 'json', 'markdown', 'html'] as const).map(f => render(r, f))) {
      assert.ok(!out.includes(refreshed) && !out.includes(fake.refreshToken) && !out.includes(fake.accessToken));
    }
  });

  it('401 without a way to refresh: a session OrgError whose message holds no token', async () => {
    fake = await startFakeOrg('hardened');
    const conn = connectWithToken({ instanceUrl: fake.url, accessToken: fake.accessToken });
    fake.expireAccessTokens();
    const e = await inspectOrg(conn).then(() => undefined, (x: unknown) => x);
    assert.ok(e instanceof OrgError);
    assert.strictEqual(e.kind, 'session');
    assert.ok(!e.message.includes(fake.accessToken));
  });

  it('revoked refresh token: a session OrgError, no token in the message', async () => {
    fake = await startFakeOrg('hardened');
    const conn = connectWithToken({ instanceUrl: fake.url, accessToken: fake.accessToken, refreshToken: fake.refreshToken, clientId: fake.clientId, loginUrl: fake.url });
    fake.expireAccessTokens();
    fake.revokeRefreshToken();
    const e = await inspectOrg(conn).then(() => undefined, (x: unknown) => x);
    assert.ok(e instanceof OrgError && e.kind === 'session', String(e));
    assert.ok(!e.message.includes(fake.refreshToken) && !e.message.includes(fake.accessToken));
  });

  it('network failure: a network OrgError, quickly (the first request is a POST, never retried)', async () => {
    fake = await startFakeOrg('hardened');
    const { url, accessToken } = fake;
    await fake.close(); fake = undefined;
    const t0 = Date.now();
    const e = await inspectOrg(connectWithToken({ instanceUrl: url, accessToken })).then(() => undefined, (x: unknown) => x);
    assert.ok(e instanceof OrgError && e.kind === 'network', String(e));
    assert.ok(Date.now() - t0 < 3000);
  });

  it('query locators: jsforce follows nextRecordsUrl pages served by the fake org', async () => {
    fake = await startFakeOrg({ ...loadFixture('careless'), batchSize: 5 });
    const conn = new Connection({ instanceUrl: fake.url, accessToken: fake.accessToken, version: '62.0' });
    const first = await conn.query<{ SourceIp: string }>('SELECT SourceIp FROM LoginHistory ORDER BY LoginTime DESC');
    assert.strictEqual(first.done, false);
    assert.strictEqual(first.records.length, 5);
    const all = await conn.query('SELECT SourceIp FROM LoginHistory', { autoFetch: true, maxFetch: 100 });
    assert.strictEqual(all.records.length, 19);
    const tooling = await conn.tooling.query<{ SiteName: string }>('SELECT SiteName FROM RemoteProxy WHERE IsActive = true ORDER BY SiteName');
    assert.deepStrictEqual(tooling.records.map(x => x.SiteName), ['Billing', 'ERP']);
  });

  it('browser login: OAuth web-server flow with PKCE on a loopback redirect; the fake checks the verifier', async () => {
    fake = await startFakeOrg('hardened');
    const res = await browserLogin({ clientId: fake.clientId, loginUrl: fake.url, open: async url => {
      assert.match(url, /code_challenge=[\w-]{43}&/);
      await fetch(url); // the fake approves and redirects to the loopback callback
    } });
    assert.strictEqual(res.instanceUrl, fake.url);
    assert.strictEqual(res.refreshToken, fake.refreshToken);
    assert.strictEqual(res.orgId, fake.fixture.orgId);
    // the refresh token works for a later session
    const conn = connectWithToken({ instanceUrl: res.instanceUrl, accessToken: 'expired', refreshToken: res.refreshToken, clientId: fake.clientId, loginUrl: fake.url });
    const r = await conn.query<{ Name: string }>('SELECT Name FROM Organization');
    assert.strictEqual(r.records[0].Name, 'Hardened Corp');
    // a wrong verifier is refused
    const auth = await fetch(`${fake.url}/services/oauth2/authorize?response_type=code&client_id=${fake.clientId}&redirect_uri=${encodeURIComponent('http://127.0.0.1:9/cb')}&code_challenge=abc`, { redirect: 'manual' });
    const code = new URL(auth.headers.get('location')!).searchParams.get('code')!;
    const tok = await fetch(`${fake.url}/services/oauth2/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, client_id: fake.clientId, redirect_uri: 'http://127.0.0.1:9/cb', code_verifier: 'not-the-verifier' }) });
    assert.strictEqual(tok.status, 400);
    assert.strictEqual(((await tok.json()) as { error: string }).error, 'invalid_request');
  });

  it('error texts are scrubbed of tokens', () => {
    const t = '00D5e000000Hrd1!AQ4kZ3xY9wQpL2mN8vB7cD6fG5hJ4kL3zX2cV1bN0m';
    assert.ok(!errorText(new Error(`request failed: Authorization: Bearer ${t}`)).includes(t));
    assert.ok(!errorText(new Error(`body grant_type=refresh_token&refresh_token=5Aep861abcdefghijklmnop&client_id=x`)).includes('5Aep861abcdefghijklmnop'));
    assert.ok(!errorText(new Error(`<sessionId>${t}</sessionId>`)).includes(t));
    assert.strictEqual(errorText(new Error('No username-password OAuth logins')), 'No username-password OAuth logins');
  });
});

describe('org inspection at real scale (the large fixture: 20,000 users, 30,000 tokens, 40,000 logins)', function () {
  this.timeout(60000);
  let fake: FakeOrg | undefined;
  afterEach(async () => { await fake?.close(); fake = undefined; forgetSecrets(); });
  const rows = (r: InspectionReport, id: string) => r.checks.find(c => c.id === id)!;

  it('OauthToken without aggregates: tokens beyond the 2,500-row cap are counted (COUNT() per self-authorizable app), the group fails, within 15 requests', async () => {
    fake = await startFakeOrg('large');
    const r = await inspectOrg(connectWithToken({ instanceUrl: fake.url, accessToken: fake.accessToken }));
    // The old query (500 most recent tokens) saw none of the 3,000 stale "Shadow Sync" tokens.
    const stale = rows(r, 'oauth.stale-tokens');
    assert.strictEqual(stale.status, 'fail');
    assert.strictEqual(stale.summary, '3,000 tokens of 30,002 unused for 90+ days');
    assert.deepStrictEqual(stale.items[0], { label: 'Shadow Sync', detail: '3,000 stale tokens · any user may self-authorize this app', status: 'fail' });
    assert.match(stale.items[1].label, /^Shadow Sync: User \d+ \(user\d+@large\.example\)$/, 'people by full name and username');
    assert.strictEqual(r.groups.find(g => g.id === 'oauth')!.status, 'fail');
    // The self-authorizable app's tokens are counted exactly, not read from a page.
    const approval = rows(r, 'oauth.admin-approval');
    assert.strictEqual(approval.status, 'warn');
    assert.deepStrictEqual(approval.items[0], { label: 'Shadow Sync', detail: '3,000 tokens in use · all users may self-authorize', status: 'warn' });
    assert.strictEqual(approval.read, undefined);
    assert.ok(r.requests <= 15, `${r.requests} requests`);
    assert.strictEqual(r.requests, fake.apiRequests());
    // Every page the org capped: never a pass.
    for (const c of r.checks.filter(x => x.read)) { assert.notStrictEqual(c.status, 'pass', c.id); }
    assert.strictEqual(rows(r, 'event-monitoring.failed-logins').status, 'partial');
    // The first page and as many next pages as the 15 requests leave (3 here; one request reads the URL of
    // the new-model Named Credential): 8,000 of the 40,004 logins.
    assert.deepStrictEqual(rows(r, 'event-monitoring.failed-logins').read, { rows: 8000, total: 40004 });
    // MFA methods asked for the API-enabled users only (a semi-join): exact.
    assert.strictEqual(rows(r, 'mfa.methods').status, 'pass');
    // Questions asked in the query stay exact at any volume.
    assert.strictEqual(rows(r, 'encryption.tls').status, 'pass');
    assert.strictEqual(rows(r, 'mfa.api-users').summary, 'All 202 API-enabled users require MFA for API logins');
    console.log(`      large: ${r.requests} requests, ${r.durationMs} ms`);
  });

  it('more self-authorizable apps than the fallback counts: the uncounted ones come from a page, and the check says "at least"', async () => {
    const fx = loadFixture('large');
    const open = (Name: string) => ({ ...fx.objects.ConnectedApplication.find(a => a.Name === 'Shadow Sync')!, Id: `0H4Lg0000000${Name.slice(0, 3)}AAA`, Name });
    fx.objects.ConnectedApplication.push(open('Aardvark'), open('Badger'), open('Cheetah'));
    fake = await startFakeOrg(fx);
    const r = await inspectOrg(connectWithToken({ instanceUrl: fake.url, accessToken: fake.accessToken }));
    const stale = rows(r, 'oauth.stale-tokens');
    assert.strictEqual(stale.status, 'fail');
    assert.strictEqual(stale.summary, '3,000 tokens of 30,002 unused for 90+ days', 'the totals stay exact (COUNT())');
    const approval = rows(r, 'oauth.admin-approval');
    assert.strictEqual(approval.status, 'warn');
    assert.match(approval.summary, /\(at least: read 1,000 of 30,002 OauthToken rows\)$/);
    assert.ok(r.requests <= 15, `${r.requests} requests`);
  });

  it('LoginHistory over one page: further pages are read with the requests the budget leaves, so failed logins are counted exactly', async () => {
    const fx = loadFixture('hardened');
    const login = fx.objects.LoginHistory[0];
    const at = (min: number) => new Date(Date.now() - min * 60_000).toISOString().replace('Z', '+0000');
    // 2,100 recent successes push 12 failures from one IP (within one hour, two days ago) off the first 2,000-row page.
    fx.objects.LoginHistory = [...fx.objects.LoginHistory,
      ...Array.from({ length: 2100 }, (_, i) => ({ ...login, Id: `0Ya${String(i).padStart(15, '0')}`, LoginTime: at(i + 1), Status: 'Success' })),
      ...Array.from({ length: 12 }, (_, i) => ({ ...login, Id: `0Yb${String(i).padStart(15, '0')}`, LoginTime: at(2 * 1440 + 60 + i), Status: 'Invalid Password', SourceIp: '192.0.2.99' }))];
    fake = await startFakeOrg(fx);
    const r = await inspectOrg(connectWithToken({ instanceUrl: fake.url, accessToken: fake.accessToken }));
    const failed = rows(r, 'event-monitoring.failed-logins');
    assert.strictEqual(failed.status, 'warn', failed.summary);
    assert.strictEqual(failed.read, undefined, 'every login read');
    assert.deepStrictEqual(failed.items[0], { label: '192.0.2.99', detail: '12 failed logins', status: 'warn' });
    assert.ok(check(r, 'api-usage.anomalies').items.some(i => /Failed-login burst: 192\.0\.2\.99/.test(i.label)), JSON.stringify(check(r, 'api-usage.anomalies')));
    assert.ok(r.requests <= 15, `${r.requests} requests`);
    assert.strictEqual(r.requests, fake.apiRequests());
    assert.strictEqual(fake.requests.filter(q => /\/query\/01g/.test(q.path)).length, 1, 'one queryMore request');
  });

  it('an answer holding exactly LIMIT rows is a capped page: the checks built on it are partial, never pass', async () => {
    const fx = loadFixture('hardened');
    const site = { SiteName: 'x', EndpointUrl: 'https://api.payments.example.com', IsActive: true, ProtocolMismatch: false, Description: null, NamespacePrefix: null, CreatedDate: '@-100d' };
    const cert = fx.tooling.Certificate[0];
    // Exactly 500 (the queries' LIMIT), every one of them clean.
    fx.tooling.RemoteProxy = Array.from({ length: 500 }, (_, i) => ({ ...site, Id: `0rp${String(i).padStart(12, '0')}AAA`, SiteName: `Site${String(i).padStart(3, '0')}` }));
    fx.tooling.Certificate = Array.from({ length: 500 }, (_, i) => ({ ...cert, Id: `0P1${String(i).padStart(12, '0')}AAA`, DeveloperName: `Cert${i}`, MasterLabel: `Cert ${i}` }));
    fake = await startFakeOrg(fx);
    const r = await inspectOrg(connectWithToken({ instanceUrl: fake.url, accessToken: fake.accessToken }));
    for (const id of ['encryption.endpoints', 'encryption.certificates']) {
      assert.strictEqual(rows(r, id).status, 'partial', `${id}: ${rows(r, id).summary}`);
      assert.deepStrictEqual(rows(r, id).read, { rows: 500, total: undefined }, id);
      assert.match(rows(r, id).summary, /^Read 500 of more /, id);
    }
    assert.strictEqual(r.groups.find(g => g.id === 'encryption')!.status, 'partial');
  });

  /** The hardened org with `n` more admin-approved connected apps (`App 000`…), their metadata enforcing IP restrictions. */
  function manyApps(n: number, extra: { name: string; ipRelaxation: string; tokens?: number }[] = []) {
    const fx = loadFixture('hardened');
    const base = fx.objects.ConnectedApplication[0];
    const meta = fx.metadata!.ConnectedApp;
    const add = (Name: string, ipRelaxation: string, i: number) => {
      fx.objects.ConnectedApplication.push({ ...base, Id: `0H4Mny${String(i).padStart(9, '0')}AAA`, Name });
      meta[Name.replace(/\s+/g, '_')] = { label: Name, contactEmail: 'it@hardened.example', oauthPolicy: { ipRelaxation, refreshTokenPolicy: 'specific_lifetime:30:DAYS' } };
    };
    for (let i = 0; i < n; i++) { add(`App ${String(i).padStart(3, '0')}`, 'ENFORCE', i); }
    extra.forEach((x, i) => {
      add(x.name, x.ipRelaxation, n + i);
      const token = fx.objects.OauthToken[0];
      for (let t = 0; t < (x.tokens ?? 0); t++) { fx.objects.OauthToken.push({ ...token, AppName: x.name, LastUsedDate: new Date().toISOString().replace('Z', '+0000') }); }
    });
    return fx;
  }

  it('connected app metadata is read for every app (10 names per Metadata API read), within 15 requests', async () => {
    // 17 apps: the one relaxing IP restrictions sorts last, beyond the first ten.
    fake = await startFakeOrg(manyApps(14, [{ name: 'Zz Bypass', ipRelaxation: 'BYPASS' }]));
    const r = await inspectOrg(connectWithToken({ instanceUrl: fake.url, accessToken: fake.accessToken }));
    const relax = rows(r, 'ip.app-relaxation');
    assert.strictEqual(relax.status, 'fail', relax.summary);
    assert.strictEqual(relax.items.length, 17);
    assert.deepStrictEqual(relax.items.filter(i => i.status === 'fail').map(i => i.label), ['Zz Bypass']);
    assert.strictEqual(rows(r, 'rotation.token-lifetime').items.length, 17);
    assert.strictEqual(fake.requests.filter(q => /\/Soap\/m\//.test(q.path)).length, 4, 'SecuritySettings, Profile and two ConnectedApp reads');
    assert.ok(r.requests <= 15, `${r.requests} requests`);
    assert.strictEqual(r.requests, fake.apiRequests());
  });

  it('more connected apps than the budget reads: the apps in use first, the rest partial with the count read', async () => {
    // 81 apps: at most 15 requests cannot read them all. The one in use (it has tokens) is read first.
    fake = await startFakeOrg(manyApps(80, [{ name: 'Zz In Use', ipRelaxation: 'BYPASS', tokens: 3 }]));
    const r = await inspectOrg(connectWithToken({ instanceUrl: fake.url, accessToken: fake.accessToken }));
    assert.ok(r.requests <= 15, `${r.requests} requests`);
    const relax = rows(r, 'ip.app-relaxation');
    assert.strictEqual(relax.status, 'fail', relax.summary);
    assert.match(relax.summary, /\(at least: read \d+ of 83 Metadata API ConnectedApp rows\)$/);
    const lifetime = rows(r, 'rotation.token-lifetime');
    assert.strictEqual(lifetime.status, 'partial', lifetime.summary);
    assert.ok(lifetime.read && lifetime.read.rows >= 10 && lifetime.read.rows < 83 && lifetime.read.total === 83, JSON.stringify(lifetime.read));
    assert.ok(r.notes.some(n => /^connectedAppMeta: \d+ of 83 rows read/.test(n)), r.notes.join('\n'));
  });

  it('TwoFactorMethodsInfo over one page (500 rows, as OauthToken): users whose row was not read are unknown, never "without a method"', async () => {
    // Object reference, TwoFactorMethodsInfo: "A query() call returns up to 500 rows. A queryMore() call returns
    // 500 more, up to 2500 total." 600 API-enabled users, every one with an authenticator app.
    const fx = loadFixture('hardened');
    const user = fx.objects.User[1], mfa = fx.objects.TwoFactorMethodsInfo[0];
    for (let i = 0; i < 600; i++) {
      const Id = `005Mfa${String(i).padStart(9, '0')}AAA`;
      fx.objects.User.push({ ...user, Id, Username: `api${i}@hardened.example`, Name: `Api ${i}` });
      fx.objects.PermissionSetAssignment.push({ Id: `0PaMfa${String(i).padStart(9, '0')}AAA`, AssigneeId: Id, PermissionSetId: '0PS5e000000IntAAA', PermissionSetGroupId: null, IsActive: true, ExpirationDate: null });
      fx.objects.TwoFactorMethodsInfo.push({ ...mfa, Id: `0MvMfa${String(i).padStart(9, '0')}AAA`, UserId: Id, HasTotp: true, HasSalesforceAuthenticator: false, HasSecurityKey: false });
    }
    fake = await startFakeOrg(fx);
    const r = await inspectOrg(connectWithToken({ instanceUrl: fake.url, accessToken: fake.accessToken }));
    const m = rows(r, 'mfa.methods');
    assert.strictEqual(m.status, 'partial', `${m.status}: ${m.summary}`);
    assert.deepStrictEqual(m.items, []);
    assert.ok(m.read && m.read.rows === 500 && m.read.total !== undefined && m.read.total > 600, JSON.stringify(m.read));
    assert.ok(r.requests <= 15, `${r.requests} requests`);
  });

  for (const code of ['INVALID_FIELD', 'INVALID_TYPE_FOR_OPERATION']) {
    it(`OauthToken refusing GROUP BY with ${code} (the refusal's code is not documented): the COUNT() fallback still runs`, async () => {
      fake = await startFakeOrg({ ...loadFixture('large'), aggregateRefusalCode: code });
      const r = await inspectOrg(connectWithToken({ instanceUrl: fake.url, accessToken: fake.accessToken }));
      const stale = rows(r, 'oauth.stale-tokens');
      assert.strictEqual(stale.status, 'fail', stale.summary);
      assert.strictEqual(stale.summary, '3,000 tokens of 30,002 unused for 90+ days');
      assert.strictEqual(rows(r, 'oauth.admin-approval').status, 'warn');
      assert.ok(r.requests <= 15, `${r.requests} requests`);
    });
  }

  it('OauthToken answering GROUP BY: per-app counts are exact, no "at least"', async () => {
    fake = await startFakeOrg({ ...loadFixture('large'), aggregates: { OauthToken: 'full' } });
    const r = await inspectOrg(connectWithToken({ instanceUrl: fake.url, accessToken: fake.accessToken }));
    const approval = rows(r, 'oauth.admin-approval');
    assert.deepStrictEqual(approval.items.map(i => `${i.status} ${i.label}: ${i.detail}`), [
      'warn Shadow Sync: 3,000 tokens in use · all users may self-authorize',
      'pass Dataloader Partner: 1 token in use · admin approved users only',
      'pass Mobile: 27,000 tokens in use · admin approved users only',
      'pass Payments Integration: 1 token in use · admin approved users only',
    ]);
    assert.strictEqual(approval.summary, '1 connected app with tokens in use let any user self-authorize');
    assert.strictEqual(rows(r, 'oauth.stale-tokens').items[0].detail, '3,000 stale tokens · any user may self-authorize this app');
    assert.ok(r.requests <= 15, `${r.requests} requests`);
  });
});
