import * as assert from 'assert';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startFakeOrg, type FakeOrg } from '../../test/fake-org/server';

const ROOT = path.resolve(__dirname, '..', '..', '..');

function node(script: string, env: Record<string, string>, cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise(resolve => {
    execFile(process.execPath, ['-e', script], { cwd, env: { ...process.env, ...env }, timeout: 30000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('Salesforce CLI orgs through @salesforce/core (auth store, aliases, target-org)', function () {
  this.timeout(60000);
  let fake: FakeOrg | undefined;
  after(async () => { await fake?.close(); });

  it('pins @jsforce/jsforce-node to a release that declares Node 18+ (runs on Node 20)', () => {
    const pkg = (p: string) => JSON.parse(readFileSync(path.join(ROOT, 'node_modules', p, 'package.json'), 'utf8')) as { version: string; engines?: { node?: string } };
    assert.strictEqual(pkg('@jsforce/jsforce-node').version, '3.10.16');
    assert.strictEqual(pkg('jsforce').version, '3.10.16');
    assert.match(pkg('@jsforce/jsforce-node').engines?.node ?? '', />=18/);
    assert.match(pkg('@salesforce/core').engines?.node ?? '', />=18/);
  });

  it('apiguard org uses the project target-org alias from .sf/config.json and the encrypted auth file', async () => {
    fake = await startFakeOrg('careless');
    const home = mkdtempSync(path.join(tmpdir(), 'apiguard-sfhome-'));
    const project = mkdtempSync(path.join(tmpdir(), 'apiguard-sfproj-'));
    writeFileSync(path.join(project, 'sfdx-project.json'), '{"packageDirectories":[{"path":"force-app","default":true}]}');
    const env = { HOME: home, USERPROFILE: home, SF_DISABLE_LOG_FILE: 'true', SF_USE_GENERIC_UNIX_KEYCHAIN: 'true', SF_TARGET_ORG: '' };
    // What `sf org login …` leaves behind: an auth file (token encrypted), an alias, the project's target-org.
    const save = await node(`
      const core = require(${JSON.stringify(path.join(ROOT, 'node_modules', '@salesforce', 'core'))});
      (async () => {
        const username = 'admin@careless.example';
        const auth = await core.AuthInfo.create({ username, accessTokenOptions: { accessToken: ${JSON.stringify(fake.accessToken)}, instanceUrl: ${JSON.stringify(fake.url)}, loginUrl: ${JSON.stringify(fake.url)} } });
        await auth.save();
        const state = await core.StateAggregator.getInstance();
        await state.aliases.setAndSave('careless-prod', username);
        const cfg = await core.Config.create({ isGlobal: false }); cfg.set('target-org', 'careless-prod'); await cfg.write();
      })().catch(e => { console.error(e); process.exit(1); });`, env, project);
    assert.strictEqual(save.code, 0, save.stderr);
    const authFile = readdirSync(path.join(home, '.sfdx')).find(f => f.startsWith('admin@'))!;
    assert.ok(!readFileSync(path.join(home, '.sfdx', authFile), 'utf8').includes(fake.accessToken), 'the CLI stores the token encrypted');

    fake.resetCounts();
    const run = await node(`require(${JSON.stringify(path.join(ROOT, 'out', 'src', 'cli', 'main.js'))}).main(['org', '--format', 'json', '--no-workspace']).then(c => { process.exitCode = c; })`, env, project);
    assert.strictEqual(run.code, 1, run.stderr);
    const j = JSON.parse(run.stdout) as { org: { alias: string; username: string }; requests: number; checks: { id: string; status: string }[]; usage?: { requests: number } };
    assert.strictEqual(j.org.alias, 'careless-prod');
    assert.strictEqual(j.org.username, 'admin@careless.example');
    assert.strictEqual(j.checks.find(c => c.id === 'mfa.api-users')?.status, 'fail');
    // Base inspection within 15 requests; API usage monitoring adds one per downloaded log file.
    assert.ok(fake.apiRequests() - (j.usage?.requests ?? 0) <= 15 && fake.apiRequests() === j.requests, JSON.stringify(fake.requests));
    assert.ok(!run.stdout.includes(fake.accessToken) && !run.stderr.includes(fake.accessToken));

    // --target-org with an unknown alias: exit 2 with a message, no stack trace, no token
    const bad = await node(`require(${JSON.stringify(path.join(ROOT, 'out', 'src', 'cli', 'main.js'))}).main(['org', '--target-org', 'nope', '--no-workspace']).then(c => { process.exitCode = c; })`, env, project);
    assert.strictEqual(bad.code, 2);
    assert.match(bad.stderr, /Cannot use the CLI org "nope"/);
  });
});
