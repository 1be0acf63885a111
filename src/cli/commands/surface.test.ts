import * as assert from 'assert';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CliIO } from '../io';
import { run } from './surface';
import { startFakeOrg, type FakeOrg } from '../../../test/fake-org/server';

function recordingIO(cwd: string, env: Record<string, string | undefined> = {}): CliIO & { stdout: string; stderr: string } {
  const io = { stdout: '', stderr: '', isTTY: false, cwd, env, out(s: string) { io.stdout += s; }, err(s: string) { io.stderr += s; } };
  return io;
}

/** An SFDX project whose classes are those of the `surface` fake org, plus one the org does not have. */
function project(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'apiguard-surface-org-'));
  const dir = (...p: string[]) => { const d = path.join(root, 'force-app', 'main', 'default', ...p); mkdirSync(d, { recursive: true }); return d; };
  writeFileSync(path.join(root, 'sfdx-project.json'), '{"packageDirectories":[{"path":"force-app","default":true}]}');
  const classes: Record<string, string> = {
    OrderApi: `@RestResource(urlMapping='/orders/*')
global with sharing class OrderApi {
    @HttpGet
    global static List<Order__c> getOrders() { return [SELECT Id FROM Order__c WITH USER_MODE]; }
}`,
    OrderSearchController: `public with sharing class OrderSearchController {
    @AuraEnabled(cacheable=true)
    public static List<Order__c> search() { return [SELECT Id FROM Order__c WITH USER_MODE]; }
}`,
    PartnerApi: `@RestResource(urlMapping='/partners')
global with sharing class PartnerApi {
    @HttpPost
    global static void create() {}
}`,
    LegacyService: `public with sharing class LegacyService {
    @AuraEnabled
    public static String ping() { return 'pong'; }
}`,
    NewApi: `public with sharing class NewApi {
    @AuraEnabled
    public static String hello() { return 'hi'; }
}`,
  };
  for (const [name, text] of Object.entries(classes)) { writeFileSync(path.join(dir('classes'), `${name}.cls`), text); }
  // The project grants LegacyService (the org grants it to nobody) and not PartnerApi (the org does).
  writeFileSync(path.join(dir('permissionsets'), 'Legacy.permissionset-meta.xml'), `<?xml version="1.0" encoding="UTF-8"?>
<PermissionSet xmlns="http://soap.sforce.com/2006/04/metadata">
    <classAccesses><apexClass>LegacyService</apexClass><enabled>true</enabled></classAccesses>
    <label>Legacy</label>
</PermissionSet>`);
  return root;
}

describe('apiguard surface --instance-url (org grants) against the fake org', function () {
  this.timeout(30000);
  let fake: FakeOrg | undefined;
  afterEach(async () => { await fake?.close(); fake = undefined; });

  it('text: each entry point says who the org grants the class to, flags guest-runnable classes; exit 0 when every class was read', async () => {
    fake = await startFakeOrg('surface');
    const root = project();
    const io = recordingIO(root, { SF_ACCESS_TOKEN: fake.accessToken });
    const code = await run(['--instance-url', fake.url], io);
    assert.strictEqual(code, 0, io.stderr);
    const host = new URL(fake.url).host;
    const block = (cls: string) => io.stdout.split(/\n(?= {2}\S)/).find(b => b.startsWith(`  ${cls}.`)) ?? '';
    assert.match(block('OrderApi'), new RegExp(`in the org ${host}: granted to Orders API \\(permission set\\), Orders Site Profile \\(guest profile\\)`));
    assert.match(block('OrderApi'), /! guest-accessible-endpoint: .*in the org .*Orders Site Profile/);
    assert.match(block('OrderSearchController'), /granted to Site Search \(guest permission set via Orders Site Profile\), System Administrator \(profile\)/);
    assert.match(block('OrderSearchController'), /! guest-accessible-endpoint: .*Site Search \(assigned to Orders Site Profile\)/);
    assert.match(block('OrderSearchController'), /· org: guest \+ 1 profile ·/, 'the lens line');
    assert.match(block('LegacyService'), /in the org \S+: not granted in the org/);
    assert.match(block('LegacyService'), /callers: Legacy\b/, 'the project grants it');
    assert.match(block('PartnerApi'), /callers: not granted in the project/);
    assert.match(block('PartnerApi'), /in the org \S+: granted to Orders API \(permission set\)/);
    assert.match(block('NewApi'), /in the org \S+: not in the org/);
    assert.doesNotMatch(block('NewApi'), /guest-accessible/);
    assert.match(io.stdout, new RegExp(`Org ${host}: 2 API requests\\n`));
    assert.ok(!io.stdout.includes(fake.accessToken) && !io.stderr.includes(fake.accessToken));
  });

  it('json: per entry point org state and grants; top-level org with its request count', async () => {
    fake = await startFakeOrg('surface');
    const io = recordingIO(project(), { SF_ACCESS_TOKEN: fake.accessToken });
    assert.strictEqual(await run(['--instance-url', fake.url, '--format', 'json'], io), 0, io.stderr);
    const j = JSON.parse(io.stdout) as { entryPoints: Array<{ class: string; org: { state: string; grants: Array<{ name: string; guest: boolean }> }; risks: Array<{ id: string }> }>; org: { requests: number; complete: boolean } };
    const e = (c: string) => j.entryPoints.find(x => x.class === c)!;
    assert.deepStrictEqual(j.org.requests, 2);
    assert.strictEqual(j.org.complete, true);
    assert.deepStrictEqual(e('OrderSearchController').org.grants.map(g => [g.name, g.guest]), [['Site Search', true], ['System Administrator', false]]);
    assert.deepStrictEqual(e('OrderSearchController').risks.map(r => r.id), ['guest-accessible-endpoint', 'endpoint-not-granted']);
    assert.strictEqual(e('NewApi').org.state, 'not-in-org');
    assert.strictEqual(e('LegacyService').org.state, 'not-granted');
  });

  it('markdown and html carry the org line too', async () => {
    fake = await startFakeOrg('surface');
    for (const format of ['markdown', 'html']) {
      const io = recordingIO(project(), { SF_ACCESS_TOKEN: fake.accessToken });
      assert.strictEqual(await run(['--instance-url', fake.url, '--format', format], io), 0, io.stderr);
      assert.match(io.stdout, /in the org \S+: not in the org/, format);
      assert.match(io.stdout, /Site Search \(guest permission set via Orders Site Profile\)/, format);
    }
  });

  it('fails closed: an org whose grants cannot be read prints "org grants unknown" and exits 2; no connection too', async () => {
    fake = await startFakeOrg('hardened'); // no ApexClass / SetupEntityAccess: INVALID_TYPE
    const io = recordingIO(project(), { SF_ACCESS_TOKEN: fake.accessToken });
    assert.strictEqual(await run(['--instance-url', fake.url], io), 2);
    assert.match(io.stdout, /OrderApi\.getOrders[\s\S]*in the org \S+: org grants unknown: .*INVALID_TYPE/);
    assert.doesNotMatch(io.stdout, /not granted in the org/);
    assert.match(io.stderr, /org grants unknown for 5 entry points/);

    const noToken = recordingIO(project(), {});
    assert.strictEqual(await run(['--instance-url', fake.url], noToken), 2);
    assert.match(noToken.stdout, /org grants unknown: no connection to the org/);
    assert.match(noToken.stdout, /SF_ACCESS_TOKEN/);
  });

  it('usage errors: --target-org with --instance-url, a bad timeout', async () => {
    const io = recordingIO(project());
    assert.strictEqual(await run(['--target-org', 'x', '--instance-url', 'https://x.my.salesforce.com'], io), 2);
    assert.strictEqual(await run(['--org', '--request-timeout', 'soon'], recordingIO(project())), 2);
  });
});
