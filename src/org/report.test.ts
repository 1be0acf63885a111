import * as assert from 'assert';
import { render } from './report';
import { usageCharts, svgChart } from './charts';
import { evaluate, groupStatus } from './checks';
import type { ApiUsage, InspectionReport } from './types';

const usage: ApiUsage = {
  source: 'log-files', days: ['2026-06-12', '2026-06-13', '2026-06-14'], total: [100, 110, 900],
  byApp: [{ key: 'app:0H4A', label: 'Billing <Sync>', perDay: [100, 110, 900], total: 1110 }], byUser: [], byIp: [],
  anomalies: [{ kind: 'spike', label: 'All API requests', detail: '900 requests on 2026-06-14', day: '2026-06-14', series: 'total' }],
  skipped: ['no daily ApiTotalUsage log file for 2026-06-11'], requests: 3,
};
const report: InspectionReport = {
  tool: 'apiguard', org: { instanceUrl: 'https://acme.my.salesforce.com', apiVersion: '62.0', alias: 'acme' }, startedAt: '2026-06-15T00:00:00.000Z', durationMs: 5, requests: 14,
  groups: [{ id: 'event-monitoring', title: 'Event Monitoring', status: 'partial', checks: [] }],
  checks: [{ id: 'event-monitoring.failed-logins', group: 'event-monitoring', title: 'Failed logins', status: 'partial', summary: 'Read 2,000 of 40,004 LoginHistory rows; no conclusion about the rest',
    items: [], remediation: 'Look.', setupPath: '/lightning/setup/OrgLoginHistory/home', reason: 'this check saw 2,000 of 40,004', read: { rows: 2000, total: 40004 } }],
  notes: [], usage,
};
report.groups[0].checks = report.checks;

describe('org report: partial checks and usage charts', () => {
  it('every format shows a partial check as partial, with what it read', () => {
    assert.match(render(report, 'text'), /◐ Failed logins: Read 2,000 of 40,004 LoginHistory rows/);
    assert.match(render(report, 'text'), /1 checks: 0 fail, 0 warn, 1 partial, 0 unavailable, 0 info, 0 pass/);
    assert.match(render(report, 'markdown'), /### ◐ Failed logins — partial/);
    assert.match(render(report, 'html'), /<span class="pill partial">partial<\/span>Failed logins/);
    const j = JSON.parse(render(report, 'json')) as { checks: { status: string; read: unknown }[]; usage: ApiUsage };
    assert.deepStrictEqual([j.checks[0].status, j.checks[0].read], ['partial', { rows: 2000, total: 40004 }]);
    assert.deepStrictEqual(j.usage.total, [100, 110, 900]);
  });

  it('the HTML report carries the usage charts as static SVG holding the numbers, anomalies ringed, labels escaped', () => {
    const html = render({ ...report, groups: [{ ...report.groups[0], id: 'api-usage' }] }, 'html');
    assert.match(html, /<svg class="chart"[^>]*data-chart="total"/);
    assert.match(html, /<g data-series="total" data-label="All requests" data-values="100,110,900">/);
    assert.match(html, /data-label="Billing &lt;Sync&gt;" data-values="100,110,900"/);
    assert.match(html, /<circle class="anomaly" data-anomaly="total" data-day="2026-06-14"/);
    assert.match(html, /Skipped: no daily ApiTotalUsage log file for 2026-06-11/);
    assert.ok(!html.includes('<Sync>') && !/<script/i.test(html), 'no markup from data, no script');
    assert.strictEqual(usageCharts(usage).length, 4);
    assert.match(svgChart({ id: 'e', title: 'Empty', days: ['2026-06-14'], series: [], marks: [] }), /no data/);
  });

  it('roll-up: information inside a passing group leaves it passing; only information is info; partial outranks unavailable', () => {
    assert.strictEqual(groupStatus(['pass', 'info', 'pass']), 'pass');
    assert.strictEqual(groupStatus(['info', 'info']), 'info');
    assert.strictEqual(groupStatus(['pass', 'partial', 'unavailable']), 'partial');
    assert.strictEqual(groupStatus(['warn', 'partial']), 'warn');
  });

  it('a check over a capped page never passes: clean rows give partial, findings give "at least"', () => {
    const page = (rows: Record<string, unknown>[]) => ({ ok: true as const, value: rows, truncated: true, totalSize: 5000 });
    const data = new Map<string, unknown>([['logins', page([{ Status: 'Success', SourceIp: '1.2.3.4' }])]]);
    const ctx = { data: (k: string) => data.get(k) as never, records: (k: string) => ((data.get(k) as { value?: unknown[] })?.value ?? []) as never, now: new Date() };
    const clean = evaluate(ctx).checks.find(c => c.id === 'event-monitoring.failed-logins')!;
    assert.deepStrictEqual([clean.status, clean.read], ['partial', { rows: 1, total: 5000 }]);
    data.set('logins', page(Array.from({ length: 12 }, () => ({ Status: 'Invalid Password', SourceIp: '6.6.6.6' }))));
    const found = evaluate(ctx).checks.find(c => c.id === 'event-monitoring.failed-logins')!;
    assert.strictEqual(found.status, 'warn');
    assert.match(found.summary, /^12 failed logins from 1 source IP \(at least: read 12 of 5,000 LoginHistory rows\)$/);
  });
});
