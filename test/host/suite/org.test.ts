// The Org Security view in the real extension host: connects (instance URL + token) to the fake org
// over HTTP with the bundled jsforce (dist/org.js, loaded lazily), expands the tree and checks the
// groups, statuses, items, tooltips and the Copy Details / Retry paths.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { startFakeOrg, type FakeOrg } from '../../fake-org/server';
import type { OrgViewApi, OrgNode } from '../../../src/extension/org';
import { EXTENSION_ID } from './helpers';

async function orgApi(): Promise<OrgViewApi> {
  const ext = vscode.extensions.getExtension<{ org: OrgViewApi }>(EXTENSION_ID);
  assert.ok(ext, 'extension loaded');
  const exports = ext.isActive ? ext.exports : await ext.activate();
  return exports.org;
}

const label = (t: vscode.TreeItem) => (typeof t.label === 'string' ? t.label : t.label?.label ?? '');
const iconId = (t: vscode.TreeItem) => (t.iconPath instanceof vscode.ThemeIcon ? t.iconPath.id : '');

describe('Org Security view', function () {
  this.timeout(60000);
  let fake: FakeOrg | undefined;
  after(async () => {
    await fake?.close();
    await vscode.commands.executeCommand('apiguard.org.disconnect');
  });

  it('connects to the fake org, shows the ten groups with worst-status icons, checks and items', async () => {
    fake = await startFakeOrg('careless');
    const org = await orgApi();
    await vscode.commands.executeCommand('workbench.view.extension.apiguard');
    const t0 = Date.now();
    const report = await org.connectWithToken(fake.url, fake.accessToken);
    console.log(`      org inspection in the host: ${report?.requests} requests, ${report?.durationMs} ms inspecting, ${Date.now() - t0} ms with bundle load and workspace scan`);
    assert.ok(report, 'inspection finished');
    assert.ok(report.requests - (report.usage?.requests ?? 0) <= 15, `${report.requests} requests`);

    const p = org.provider;
    const roots = (await p.getChildren()) as OrgNode[];
    assert.equal(roots.length, 1);
    const root = await p.getTreeItem(roots[0]);
    assert.equal(label(root), new URL(fake.url).host);
    assert.match(String(root.description), /^production · Health Check 41% · \d+ requests$/);
    assert.ok(root.tooltip instanceof vscode.MarkdownString && !root.tooltip.value.includes(fake.accessToken));

    const groups = (await p.getChildren(roots[0])) as OrgNode[];
    const shown = await Promise.all(groups.map(async g => { const t = await p.getTreeItem(g); return `${label(t)}:${iconId(t)}`; }));
    assert.deepEqual(shown, [
      'OAuth & connected apps:error', 'Multi-factor authentication:error', 'IP restrictions:error', 'Encryption in transit and at rest:error',
      'Password policy:error', 'Key and credential rotation:error', 'API usage:error', 'Event Monitoring:warning', 'Named Credentials:warning', 'Audits:error',
    ]);

    const mfa = groups[1];
    const checks = (await p.getChildren(mfa)) as OrgNode[];
    const apiUsers = checks.find(c => c.type === 'check' && c.check.id === 'mfa.api-users')!;
    const checkItem = await p.getTreeItem(apiUsers);
    assert.equal(label(checkItem), 'API-enabled users without MFA for API logins');
    assert.equal(checkItem.description, '3 privileged or API-enabled users of 3 without MFA for API logins');
    assert.equal(checkItem.contextValue, 'apiguard.check');
    assert.ok(checkItem.tooltip instanceof vscode.MarkdownString && /Fix:/.test(checkItem.tooltip.value));
    const items = await Promise.all(((await p.getChildren(apiUsers)) as OrgNode[]).map(i => Promise.resolve(p.getTreeItem(i))));
    assert.deepEqual(items.map(i => `${label(i)}:${iconId(i)}`), ['Carl Admin (admin@careless.example):error', 'ERP Sync (erp.sync@careless.example):warning', 'Marketing Bot (marketing.bot@careless.example):warning']);

    // Copy Details on the check puts the summary, items and the Setup link on the clipboard, no token.
    await vscode.commands.executeCommand('apiguard.org.copyDetails', apiUsers);
    const copied = await vscode.env.clipboard.readText();
    assert.match(copied, /admin@careless\.example/);
    assert.match(copied, /Setup: http:\/\/127\.0\.0\.1:\d+\/lightning\/setup\/PermSets\/home/);
    assert.ok(!copied.includes(fake.accessToken));
  });

  it('Open Org Dashboard: a webview beside the tree whose uPlot charts hold the fixture\'s numbers, anomalies marked', async () => {
    const org = await orgApi();
    assert.ok(org.report(), 'inspected');
    const rendered = await Promise.race([
      vscode.commands.executeCommand<import('../../../src/extension/org/dashboard/model').DashboardRendered>('apiguard.org.openDashboard'),
      new Promise<undefined>(r => setTimeout(() => r(undefined), 30000)),
    ]);
    assert.ok(rendered, 'the webview drew its charts and posted them back');
    const { model } = org.dashboard();
    assert.equal(model?.healthScore, 41);
    assert.deepEqual(model?.groups.map(g => `${g.id}:${g.status}`), ['oauth:fail', 'mfa:fail', 'ip:fail', 'encryption:fail', 'password:fail', 'rotation:fail',
      'api-usage:fail', 'event-monitoring:warn', 'named-credentials:warn', 'audits:fail']);
    // The numbers come back out of the uPlot instances in the webview: the careless fixture's log files.
    const chart = (id: string) => rendered.charts.find(c => c.id === id)!;
    assert.deepEqual(chart('total').series, [{ label: 'All requests', values: [270, 270, 270, 270, 270, 270, 2310] }]);
    assert.deepEqual(chart('apps').series.map(s => `${s.label}:${s.values.join(',')}`), ['Zapier:0,0,0,0,0,0,2000', 'Legacy Sync:270,270,270,270,270,270,310']);
    assert.equal(chart('total').marks, 1, 'the spike day is ringed');
    assert.equal(chart('ips').days, 7);
    assert.ok(chart('users').series.some(s => s.label === 'Marketing Bot (marketing.bot@careless.example)'));
  });

  it('apiguard.org.requestTimeout bounds a silent org (no hang in the view)', async () => {
    const cfg = vscode.workspace.getConfiguration('apiguard.org');
    await cfg.update('requestTimeout', 1, vscode.ConfigurationTarget.Global);
    const silent = await startFakeOrg('careless', { faults: [{ path: /^\/services\//, kind: 'hang' }] });
    try {
      const org = await orgApi();
      const t0 = Date.now();
      const report = await org.connectWithToken(silent.url, silent.accessToken);
      assert.equal(report, undefined, 'no report from an org that never answers');
      assert.ok(Date.now() - t0 < 10000, `${Date.now() - t0} ms`);
    } finally {
      await cfg.update('requestTimeout', undefined, vscode.ConfigurationTarget.Global);
      await silent.close();
    }
  });

  it('a network failure marks the org node with a Retry action; the results of other orgs are not mixed in', async () => {
    const org = await orgApi();
    assert.ok(fake);
    await fake.close();
    fake = undefined;
    const r = await org.refresh();
    assert.equal(r, undefined);
    const p = org.provider;
    const [root] = (await p.getChildren()) as OrgNode[];
    const t = await p.getTreeItem(root);
    assert.match(String(t.description), /Network failure/);
    const [retry] = (await p.getChildren(root)) as OrgNode[];
    const rt = await p.getTreeItem(retry);
    assert.equal(label(rt), 'Retry');
    assert.equal(rt.command?.command, 'apiguard.org.refresh');
    assert.equal(org.report(), undefined);
  });
});
