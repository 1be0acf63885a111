import * as assert from 'assert';
import { buildUsage, CsvReader, rowsFromLogFile, windowDays, type UsageRow } from './monitoring';

const now = new Date('2026-06-15T12:00:00Z');
const days = windowDays(now, 7);
const names = { appName: (id: string) => ({ '0H4A': 'Billing Sync', '0H4B': 'Zap' } as Record<string, string>)[id], userName: (id: string) => (id === '005U' ? 'Una User (una@x.example)' : undefined) };
/** `n` requests a day for each of the seven days, 09:00–17:00, one app, user and IP. */
const steady = (n: number, over: Partial<UsageRow> = {}): UsageRow[] => days.flatMap(day => [9, 12, 16].map(hour => ({ day, hour, app: '0H4A', user: '005U', ip: '10.0.0.1', n: n / 3, ...over })));

describe('API usage monitoring', () => {
  it('the window is the N full days before today, oldest first', () => {
    assert.deepStrictEqual(windowDays(now, 3), ['2026-06-12', '2026-06-13', '2026-06-14']);
  });

  it('reads quoted CSV fields (commas, doubled quotes, line breaks) across chunk boundaries', () => {
    const got: Record<string, string>[] = [];
    const r = new CsvReader(x => got.push(x));
    const csv = 'A,B,C\r\n"1","x, y","say ""hi"""\r\n2,"multi\nline",\r\n';
    for (const ch of csv) { r.push(ch); } // one character at a time: every boundary
    r.end();
    assert.deepStrictEqual(got, [{ A: '1', B: 'x, y', C: 'say "hi"' }, { A: '2', B: 'multi\nline', C: '' }]);
  });

  it('counts a log file per day, hour, app, user and IP (text or jsforce-parsed records)', () => {
    const csv = 'EVENT_TYPE,TIMESTAMP,USER_ID,CLIENT_IP,CONNECTED_APP_ID,USER_ID_DERIVED\n' +
      'ApiTotalUsage,20260614083000.000,005Ushort,1.2.3.4,0H4A,005U\nApiTotalUsage,20260614084500.000,005Ushort,1.2.3.4,0H4A,005U\nApiTotalUsage,20260614090000.000,005Ushort,1.2.3.4,0H4A,005U\n';
    const rows = rowsFromLogFile(csv, 7);
    assert.deepStrictEqual(rows, [{ day: '2026-06-14', hour: 8, app: '0H4A', user: '005U', ip: '1.2.3.4', n: 2 }, { day: '2026-06-14', hour: 9, app: '0H4A', user: '005U', ip: '1.2.3.4', n: 1 }]);
    assert.deepStrictEqual(rowsFromLogFile([{ TIMESTAMP_DERIVED: '2026-06-14T08:30:00.000Z', USER_ID: '005U', CLIENT_IP: '1.2.3.4', CONNECTED_APP_ID: '0H4A' }]),
      [{ day: '2026-06-14', hour: 8, app: '0H4A', user: '005U', ip: '1.2.3.4', n: 1 }]);
  });

  it('steady usage: per-day series per app, user and IP, no anomaly', () => {
    const u = buildUsage({ source: 'event-log-object', days, rows: steady(300), ...names });
    assert.deepStrictEqual(u.total, [300, 300, 300, 300, 300, 300, 300]);
    assert.deepStrictEqual(u.byApp.map(x => [x.label, x.total]), [['Billing Sync', 2100]]);
    assert.deepStrictEqual(u.byUser.map(x => x.label), ['Una User (una@x.example)']);
    assert.deepStrictEqual(u.anomalies, []);
  });

  it('a day above 3x the median of the others is a spike; 3x exactly is not', () => {
    const rows = [...steady(300), { day: days[6], hour: 12, app: '0H4A', user: '005U', ip: '10.0.0.1', n: 601 }];
    const u = buildUsage({ source: 'event-log-object', days, rows, ...names });
    assert.deepStrictEqual(u.anomalies.filter(a => a.series === 'total').map(a => a.detail), [`901 requests on ${days[6]}, 3.0× the median of the other days (300)`]);
    const flat = buildUsage({ source: 'event-log-object', days, rows: [...steady(300), { day: days[6], hour: 12, app: '0H4A', user: '005U', ip: '10.0.0.1', n: 600 }], ...names });
    assert.deepStrictEqual(flat.anomalies, [], '900 is 3x 300, not above');
  });

  it('a client IP and an app first seen on the last day; a user calling outside their usual hours', () => {
    const rows = [...steady(300), { day: days[6], hour: 3, app: '0H4B', user: '005U', ip: '192.0.2.66', n: 5 }];
    const u = buildUsage({ source: 'event-log-object', days, rows, ...names });
    assert.deepStrictEqual(u.anomalies.map(a => `${a.kind} ${a.label}`).sort(), ['new-app Zap', 'new-ip 192.0.2.66', 'off-hours Una User (una@x.example)']);
    assert.strictEqual(u.anomalies.find(a => a.kind === 'off-hours')!.detail, `API calls at 03:00 UTC on ${days[6]}; usual hours 09:00–17:00 UTC`);
  });

  it('days without a log file are unknown, not zero: no spike against them', () => {
    const rows: UsageRow[] = [{ day: days[6], hour: 10, app: '0H4A', user: '005U', ip: '10.0.0.1', n: 5000 }];
    const u = buildUsage({ source: 'log-files', days, rows, covered: [days[6]], ...names });
    assert.deepStrictEqual(u.anomalies, []);
    const all = buildUsage({ source: 'log-files', days, rows, ...names });
    assert.ok(all.anomalies.some(a => a.kind === 'spike'), 'with every day read, zeros are real');
  });

  it('10 failed logins from one IP within an hour is a burst; 9 is not', () => {
    const fail = (min: number, ip = '198.51.100.9') => ({ Status: 'Invalid Password', SourceIp: ip, UserId: `005X${min}`, LoginTime: `2026-06-14T04:${String(min).padStart(2, '0')}:00.000+0000` });
    const burst = buildUsage({ source: 'event-log-object', days, rows: [], ...names, logins: [...Array.from({ length: 10 }, (_, i) => fail(i * 5)), { Status: 'Success', SourceIp: '198.51.100.9', UserId: 'x', LoginTime: '2026-06-14T04:30:00.000+0000' }] });
    assert.deepStrictEqual(burst.anomalies.map(a => a.detail), ['10 failed logins from this IP between 04:00 and 04:45 UTC on 2026-06-14']);
    const nine = buildUsage({ source: 'event-log-object', days, rows: [], ...names, logins: Array.from({ length: 9 }, (_, i) => fail(i * 5)) });
    assert.deepStrictEqual(nine.anomalies, []);
  });

  it('a burst across a clock hour (04:55 to 05:04) is one burst; the same failures spread over more than an hour are not', () => {
    const at = (t: string, ip = '198.51.100.9') => ({ Status: 'Invalid Password', SourceIp: ip, UserId: '005Xburst', LoginTime: `2026-06-14T${t}:00.000+0000` });
    const minutes = ['04:55', '04:56', '04:57', '04:58', '04:59', '05:00', '05:01', '05:02', '05:03', '05:04'];
    const burst = buildUsage({ source: 'event-log-object', days, rows: [], ...names, logins: minutes.map(m => at(m)) });
    assert.deepStrictEqual(burst.anomalies.map(a => a.detail), ['10 failed logins from this IP between 04:55 and 05:04 UTC on 2026-06-14',
      '10 failed logins for this user between 04:55 and 05:04 UTC on 2026-06-14']);
    const spread = buildUsage({ source: 'event-log-object', days, rows: [], ...names,
      logins: ['04:00', '04:07', '04:14', '04:21', '04:28', '04:35', '04:42', '04:49', '04:56', '05:03'].map(m => at(m)) });
    assert.deepStrictEqual(spread.anomalies, [], 'ten failures over 63 minutes: never ten within one hour');
  });
});
