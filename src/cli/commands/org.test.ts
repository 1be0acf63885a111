import * as assert from 'assert';
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CliIO } from '../io';
import { run } from './org';
import { startFakeOrg, type FakeOrg } from '../../../test/fake-org/server';

function recordingIO(cwd: string, env: Record<string, string | undefined>): CliIO & { stdout: string; stderr: string } {
  const io = { stdout: '', stderr: '', isTTY: false, cwd, env, out(s: string) { io.stdout += s; }, err(s: string) { io.stderr += s; } };
  return io;
}

describe('apiguard org (CLI) against the fake org', function () {
  this.timeout(20000);
  let fake: FakeOrg | undefined;
  afterEach(async () => { await fake?.close(); fake = undefined; });

  it('--format json lists every check with id, group, status, summary, items and the request count; exit 1 on fail', async () => {
    fake = await startFakeOrg('careless');
    const io = recordingIO(tmpdir(), { SF_ACCESS_TOKEN: fake.accessToken });
    const code = await run(['--instance-url', fake.url, '--format', 'json', '--no-workspace'], io);
    assert.strictEqual(code, 1, io.stderr);
    const j = JSON.parse(io.stdout) as { requests: number; checks: { id: string; group: string; status: string; summary: string; items: unknown[] }[]; usage: { requests: number; days: string[] } };
    assert.ok(j.requests > 0 && j.requests - j.usage.requests <= 15);
    assert.strictEqual(j.checks.length, 30);
    assert.strictEqual(j.usage.days.length, 7);
    for (const c of j.checks) {
      assert.match(c.id, /^[a-z-]+\.[a-z-]+$/);
      assert.ok(c.group && c.status && c.summary && Array.isArray(c.items), c.id);
    }
    assert.strictEqual(j.checks.find(c => c.id === 'ip.trusted-ranges')!.status, 'fail');
    assert.ok(!io.stdout.includes(fake.accessToken) && !io.stderr.includes(fake.accessToken));
  });

  it('--fail-on: hardened passes with fail, fails with warn only when something warns; never → 0', async () => {
    fake = await startFakeOrg('no-shield');
    const env = { SF_ACCESS_TOKEN: fake.accessToken };
    assert.strictEqual(await run(['--instance-url', fake.url, '--no-workspace'], recordingIO(tmpdir(), env)), 0);
    assert.strictEqual(await run(['--instance-url', fake.url, '--no-workspace', '--fail-on', 'warn'], recordingIO(tmpdir(), env)), 1);
    fake.resetCounts();
    assert.strictEqual(await run(['--instance-url', fake.url, '--no-workspace', '--fail-on', 'never', '--format', 'markdown'], recordingIO(tmpdir(), env)), 0);
    assert.ok(fake.apiRequests() <= 15);
  });

  it('--usage-days sets the monitoring window (0 skips it; more than 14 is a usage error)', async () => {
    fake = await startFakeOrg('careless');
    const env = { SF_ACCESS_TOKEN: fake.accessToken };
    const io = recordingIO(tmpdir(), env);
    await run(['--instance-url', fake.url, '--format', 'json', '--no-workspace', '--usage-days', '3'], io);
    const j = JSON.parse(io.stdout) as { usage: { days: string[]; requests: number } };
    assert.deepStrictEqual([j.usage.days.length, j.usage.requests], [3, 3], 'one download per day');
    fake.resetCounts();
    const none = recordingIO(tmpdir(), env);
    await run(['--instance-url', fake.url, '--format', 'json', '--no-workspace', '--usage-days', '0'], none);
    assert.strictEqual((JSON.parse(none.stdout) as { usage?: unknown }).usage, undefined);
    // Turned off by the user: skipped, not a fault, so it does not make the run incomplete (exit 2).
    assert.doesNotMatch(none.stderr, /incomplete/);
    const skipped = (JSON.parse(none.stdout) as { checks: { id: string; status: string; skipped?: boolean }[] }).checks.filter(c => c.skipped).map(c => `${c.id} ${c.status}`);
    assert.deepStrictEqual(skipped, ['api-usage.callers info', 'api-usage.anomalies info']);
    assert.strictEqual(fake.requests.filter(q => q.path.endsWith('/LogFile')).length, 0);
    const bad = recordingIO(tmpdir(), env);
    assert.strictEqual(await run(['--instance-url', fake.url, '--usage-days', '30'], bad), 2);
    assert.match(bad.stderr, /--usage-days must be a whole number from 0 to 14/);
  });

  it('--output writes an HTML report from the template; the token appears in no output', async () => {
    fake = await startFakeOrg('careless');
    const dir = mkdtempSync(path.join(tmpdir(), 'apiguard-org-'));
    const io = recordingIO(dir, { SF_ACCESS_TOKEN: fake.accessToken });
    assert.strictEqual(await run(['--instance-url', fake.url, '--format', 'html', '--output', 'r.html', '--no-workspace'], io), 1);
    const html = readFileSync(path.join(dir, 'r.html'), 'utf8');
    assert.match(html, /^<!doctype html>/);
    assert.match(html, /Content-Security-Policy/);
    assert.match(html, /<section id="mfa"><h2><span class="pill fail">fail<\/span>Multi-factor authentication/);
    assert.match(html, /href="http:\/\/127\.0\.0\.1:\d+\/lightning\/setup\/NetworkAccess\/home"/);
    assert.ok(!html.includes(fake.accessToken) && !io.stdout.includes(fake.accessToken) && !io.stderr.includes(fake.accessToken));
  });

  it('compares the project\'s Apex callouts with the org', async () => {
    fake = await startFakeOrg('careless');
    const dir = mkdtempSync(path.join(tmpdir(), 'apiguard-proj-'));
    writeFileSync(path.join(dir, 'sfdx-project.json'), '{"packageDirectories":[{"path":"force-app","default":true}]}');
    mkdirSync(path.join(dir, 'force-app/main/default/classes'), { recursive: true });
    writeFileSync(path.join(dir, 'force-app/main/default/classes/Billing.cls'),
      "public class Billing {\n  // docs: 'https://docs.careless.example/api'\n  static final String BASE = 'https://billing.careless.example/v2';\n  public static void go() { HttpRequest r = new HttpRequest(); r.setEndpoint('callout:LegacyErp/x'); }\n}\n");
    const io = recordingIO(dir, { SF_ACCESS_TOKEN: fake.accessToken });
    await run(['--instance-url', fake.url, '--format', 'json'], io);
    const j = JSON.parse(io.stdout) as { checks: { id: string; status: string; items: { label: string }[] }[] };
    const ws = j.checks.find(c => c.id === 'named-credentials.workspace')!;
    assert.strictEqual(ws.status, 'warn');
    assert.deepStrictEqual(ws.items.map(i => i.label), ['https://billing.careless.example']);
  });

  it('usage: a token flag is refused, --instance-url needs SF_ACCESS_TOKEN, session errors exit 2 with a hint', async () => {
    let io = recordingIO(tmpdir(), {});
    assert.strictEqual(await run(['--instance-url', 'https://x.my.salesforce.com', '--access-token', '00Dabc'], io), 2);
    assert.match(io.stderr, /never accepted as flags/);
    io = recordingIO(tmpdir(), {});
    assert.strictEqual(await run(['--instance-url', 'https://x.my.salesforce.com'], io), 2);
    assert.match(io.stderr, /SF_ACCESS_TOKEN/);
    fake = await startFakeOrg('hardened');
    fake.expireAccessTokens();
    io = recordingIO(tmpdir(), { SF_ACCESS_TOKEN: fake.accessToken });
    assert.strictEqual(await run(['--instance-url', fake.url, '--no-workspace'], io), 2);
    assert.match(io.stderr, /log in again/);
    assert.ok(!io.stderr.includes(fake.accessToken));
  });
});
