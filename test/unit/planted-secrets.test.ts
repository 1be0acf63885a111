import * as assert from 'assert';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { run as fix } from '../../src/cli/commands/fix';
import { run as scan } from '../../src/cli/commands/scan';
import { run as org } from '../../src/cli/commands/org';
import { main } from '../../src/cli/main';
import { SECRET_PATTERNS } from '../../src/core/secrets/patterns';
import { loadFixture, startFakeOrg, type FakeOrg } from '../fake-org/server';
import { recordingIO, removeProject, tempProject, type RecordingIO } from './helpers/project';

/*
 * Plants fresh random secrets of every shape API Guard knows (each pattern of src/core/secrets, plus
 * secrets in URL paths and userinfo, passwords in code and metadata) in a project and in an org, runs
 * every command and format, and greps every output, every file written and stderr for the secret
 * part of each: neither in full nor any 8-character piece of it may show.
 */
const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';
const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const B64 = ALNUM + '+/';
const B64URL = ALNUM + '-_';
const UP = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const DIGITS = '0123456789';

/** Random text from `alphabet`, with letters and digits both present (so the shapes' entropy checks pass). */
function rand(alphabet: string, n: number): string {
  for (;;) {
    const b = randomBytes(n);
    let s = '';
    for (let i = 0; i < n; i++) { s += alphabet[b[i] % alphabet.length]; }
    if ((!/[0-9]/.test(alphabet) || /\d/.test(s)) && (!/[A-Za-z]/.test(alphabet) || /[A-Za-z]/.test(s)) && !/(.)\1\1/.test(s)) { return s; }
  }
}
const b64url = (s: string) => Buffer.from(s).toString('base64url');

/** One planted secret: how it is written (`text`) and the part that must never show (`secret`). */
interface Planted { id: string; text: string; secret: string; extra?: string }

function plantAll(): Planted[] {
  const refreshPart = rand(ALNUM + '._', 80), refresh = `5Aep861${refreshPart}`;
  const session = rand(ALNUM + '._', 100);
  const ck = `3MVG9${rand(ALNUM, 80)}`;
  const cs = rand('0123456789ABCDEF', 64);
  const pem = rand(B64, 64 * 12);
  const jwtPayload = b64url(JSON.stringify({ sub: rand(ALNUM, 24), aud: 'https://login.salesforce.com' }));
  const jwtSig = rand(B64URL, 86);
  const basicPw = rand(ALNUM, 24);
  const p: Planted[] = [
    { id: 'salesforce-cli-auth-url', text: `force://PlatformCLI::${refresh}@acme.my.salesforce.com`, secret: refreshPart },
    { id: 'salesforce-access-token', text: `00D${rand(ALNUM, 12)}!AQ${session}`, secret: session },
    { id: 'salesforce-refresh-token', text: `5Aep861${rand(ALNUM + '.', 80)}`, secret: '' },
    { id: 'salesforce-consumer-secret', text: `${ck}\nSF_CLIENT_SECRET=${cs}`, secret: cs },
    { id: 'private-key', text: `-----BEGIN RSA PRIVATE KEY-----\n${pem.replace(/(.{64})/g, '$1\n')}-----END RSA PRIVATE KEY-----`, secret: pem },
    { id: 'aws-access-key-id', text: `AKIA${rand(B32, 16)}`, secret: '' },
    { id: 'aws-secret-access-key', text: rand(B64, 40), secret: '' },
    { id: 'github-token', text: `ghp_${rand(ALNUM, 36)}`, secret: '' },
    { id: 'slack-token', text: `xoxb-${rand(DIGITS, 12)}-${rand(DIGITS, 13)}-${rand(ALNUM, 24)}`, secret: '' },
    { id: 'slack-webhook-url', text: '', secret: rand(ALNUM, 24) },
    { id: 'stripe-secret-key', text: `sk_live_${rand(ALNUM, 24)}`, secret: '' },
    { id: 'stripe-test-secret-key', text: `sk_test_${rand(ALNUM, 24)}`, secret: '' },
    { id: 'google-api-key', text: `AIza${rand(B64URL, 35)}`, secret: '' },
    { id: 'openai-api-key', text: '', secret: rand(ALNUM, 24), extra: rand(ALNUM, 24) },   // sk-proj-<secret>T3BlbkFJ<extra>: the marker is no secret
    { id: 'anthropic-api-key', text: `sk-ant-api03-${rand(B64URL, 93)}AA`, secret: '' },
    { id: 'sendgrid-api-key', text: `SG.${rand(B64URL, 22)}.${rand(B64URL, 43)}`, secret: '' },
    { id: 'npm-token', text: `npm_${rand(ALNUM, 36)}`, secret: '' },
    { id: 'shopify-token', text: `shpat_${rand(HEX, 32)}`, secret: '' },
    { id: 'hubspot-private-app-token', text: `pat-na1-${rand(HEX, 8)}-${rand(HEX, 4)}-${rand(HEX, 4)}-${rand(HEX, 4)}-${rand(HEX, 12)}`, secret: '' },
    { id: 'azure-storage-account-key', text: '', secret: `${rand(B64, 86)}==` },
    { id: 'jwt', text: `${b64url('{"alg":"RS256","typ":"JWT"}')}.${jwtPayload}.${jwtSig}`, secret: `${jwtPayload}.${jwtSig}` },
    { id: 'bearer-token', text: '', secret: rand(ALNUM, 40) },
    { id: 'basic-auth-credentials', text: '', secret: Buffer.from(`api:${basicPw}`).toString('base64') },
    // The PKCS#8 header (MIIEvwIBADANBgkq…) is the same in every key, and in docs: only what follows is secret.
    { id: 'private-key-base64', text: '', secret: rand(B64, 600) },
    { id: 'signed-url', text: '', secret: rand(ALNUM, 43) },
    { id: 'session-cookie', text: '', secret: rand(HEX, 32) },
    // Not patterns of their own: secrets in URL paths and userinfo, passwords by name.
    { id: 'telegram-bot-token', text: '', secret: `AAH${rand(B64URL, 32)}` },
    { id: 'discord-webhook-token', text: '', secret: rand(B64URL, 68) },
    { id: 'url-password', text: '', secret: rand(ALNUM, 18) },
    { id: 'apex-password', text: '', secret: rand(ALNUM, 16) },
    { id: 'metadata-password', text: '', secret: rand(ALNUM, 16) },
  ];
  const pk8 = p.find(x => x.id === 'private-key-base64')!;
  pk8.text = `MIIEvwIBADANBgkqhkiG9w0BAQEFAASC${pk8.secret}`;
  const oai = p.find(x => x.id === 'openai-api-key')!;
  oai.text = `sk-proj-${oai.secret}T3BlbkFJ${oai.extra!}`;
  for (const x of p) { if (!x.secret) { x.secret = x.text.replace(/^(?:sk_live_|sk_test_|ghp_|npm_|shpat_|xoxb-|AIza|sk-proj-|sk-ant-api03-|SG\.|pat-na1-|5Aep861)/, ''); } }
  p.find(x => x.id === 'basic-auth-credentials')!.extra = basicPw;   // the password inside is a secret too
  return p;
}

function project(p: Planted[]): Record<string, string> {
  const v = (id: string) => p.find(x => x.id === id)!;
  const slack = `https://hooks.slack.com/services/T${rand(UP, 10)}/B${rand(UP, 10)}/${v('slack-webhook-url').secret}`;
  const env = [
    `SFDX_AUTH_URL=${v('salesforce-cli-auth-url').text}`,
    `SF_ACCESS_TOKEN=${v('salesforce-access-token').text}`,
    `SF_REFRESH_TOKEN=${v('salesforce-refresh-token').text}`,
    `SF_CLIENT_ID=${v('salesforce-consumer-secret').text}`,
    `AWS_ACCESS_KEY_ID=${v('aws-access-key-id').text}`,
    `AWS_SECRET_ACCESS_KEY=${v('aws-secret-access-key').text}`,
    `GITHUB_TOKEN=${v('github-token').text}`,
    `SLACK_BOT_TOKEN=${v('slack-token').text}`,
    `SLACK_WEBHOOK=${slack}`,
    `STRIPE_TEST_KEY=${v('stripe-test-secret-key').text}`,
    `OPENAI_API_KEY=${v('openai-api-key').text}`,
    `ANTHROPIC_API_KEY=${v('anthropic-api-key').text}`,
    `SENDGRID_API_KEY=${v('sendgrid-api-key').text}`,
    `NPM_TOKEN=${v('npm-token').text}`,
    `SHOPIFY_ADMIN_TOKEN=${v('shopify-token').text}`,
    `HUBSPOT_TOKEN=${v('hubspot-private-app-token').text}`,
    `AZURE_STORAGE_CONNECTION_STRING="DefaultEndpointsProtocol=https;AccountName=acmeexports;AccountKey=${v('azure-storage-account-key').secret};EndpointSuffix=core.windows.net"`,
    `ID_TOKEN=${v('jwt').text}`,
    `DOCS_SIGNING_KEY_PKCS8=${v('private-key-base64').text}`,
    `UPLOAD_SAS_URL=https://acmedocs.blob.core.windows.net/uploads?sv=2021-06-08&se=2030-01-01T00:00:00Z&sp=rw&sig=${v('signed-url').secret}`,
    `PORTAL_COOKIE=JSESSIONID=${v('session-cookie').secret}`,
    '',
  ].join('\n');
  const cls = `public with sharing class Integrations {
    private static final String SLACK_WEBHOOK = '${slack}';
    private static final String STRIPE_KEY = '${v('stripe-secret-key').text}';
    private static final String MAPS_KEY = '${v('google-api-key').text}';
    private static final String PASSWORD = '${v('apex-password').secret}';

    public static void notifySlack(String text) {
        HttpRequest req = new HttpRequest();
        req.setEndpoint(SLACK_WEBHOOK);
        req.setMethod('POST');
        req.setBody(JSON.serialize(new Map<String, Object>{ 'text' => text }));
        new Http().send(req);
    }
    public static void telegram(String text) {
        HttpRequest req = new HttpRequest();
        req.setEndpoint('https://api.telegram.org/bot${rand(DIGITS, 9)}:${v('telegram-bot-token').secret}/sendMessage?text=' + text);
        new Http().send(req);
    }
    public static void discord() {
        HttpRequest req = new HttpRequest();
        req.setEndpoint('https://discord.com/api/webhooks/${rand(DIGITS, 18)}/${v('discord-webhook-token').secret}');
        new Http().send(req);
    }
    public static String charge(String body) {
        HttpRequest req = new HttpRequest();
        req.setEndpoint('https://api.stripe.com/v1/charges');
        req.setHeader('Authorization', 'Bearer ' + STRIPE_KEY);
        req.setBody(body);
        return new Http().send(req).getBody();
    }
    public static String erp() {
        HttpRequest req = new HttpRequest();
        req.setEndpoint('https://integration:${v('url-password').secret}@erp.partner.example/api/orders');
        return new Http().send(req).getBody();
    }
    public static String legacy() {
        HttpRequest req = new HttpRequest();
        req.setEndpoint('https://legacy.partner.example/api');
        req.setHeader('Authorization', 'Bearer ${v('bearer-token').secret}');
        return new Http().send(req).getBody();
    }
    public static String basic() {
        HttpRequest req = new HttpRequest();
        req.setEndpoint('https://basic.partner.example/api');
        req.setHeader('Authorization', 'Basic ${v('basic-auth-credentials').secret}');
        return new Http().send(req).getBody();
    }
    public static String maps(String q) {
        HttpRequest req = new HttpRequest();
        req.setEndpoint('https://maps.googleapis.com/maps/api/geocode/json?address=' + q + '&key=' + MAPS_KEY);
        return new Http().send(req).getBody();
    }
    public static Boolean login(String pw) { return pw == PASSWORD; }
}
`;
  return {
    'sfdx-project.json': JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }], name: 'planted', sourceApiVersion: '62.0' }),
    '.env': env,
    'config/server.pem': v('private-key').text + '\n',
    'force-app/main/default/classes/Integrations.cls': cls,
    'force-app/main/default/classes/Integrations.cls-meta.xml': '<?xml version="1.0" encoding="UTF-8"?>\n<ApexClass xmlns="http://soap.sforce.com/2006/04/metadata"><apiVersion>62.0</apiVersion><status>Active</status></ApexClass>\n',
    'force-app/main/default/namedCredentials/Legacy_Erp.namedCredential-meta.xml': `<?xml version="1.0" encoding="UTF-8"?>
<NamedCredential xmlns="http://soap.sforce.com/2006/04/metadata">
    <endpoint>https://erp.partner.example</endpoint>
    <label>Legacy ERP</label>
    <password>${v('metadata-password').secret}</password>
    <principalType>NamedUser</principalType>
    <protocol>Password</protocol>
    <username>integration</username>
</NamedCredential>
`,
  };
}

/** Every 8-character piece of each planted secret (and each whole secret) found in `text`. */
function leaks(channel: string, text: string, planted: Planted[]): string[] {
  const out: string[] = [];
  for (const p of planted) {
    for (const s of [p.secret, p.extra ?? ''].filter(x => x.length >= 8)) {
      const bare = s.replace(/\s+/g, '');
      for (let i = 0; i + 8 <= bare.length; i++) {
        const piece = bare.slice(i, i + 8);
        const at = text.indexOf(piece);
        if (at >= 0) { out.push(`${channel}: ${p.id} piece '${piece}' in …${JSON.stringify(text.slice(Math.max(0, at - 60), at + 40))}…`); break; }
      }
    }
  }
  return out;
}

function filesUnder(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = path.join(d, e);
      if (statSync(p).isDirectory()) { walk(p); } else { out.set(path.relative(root, p), readFileSync(p, 'latin1')); }
    }
  };
  walk(root);
  return out;
}

describe('planted secrets: no output of scan, fix, fix --dry-run or org shows any of them', function () {
  this.timeout(60000);
  const roots: string[] = [];
  let fake: FakeOrg | undefined;
  after(async () => { for (const r of roots) { removeProject(r); } await fake?.close(); });

  it('covers every secret shape src/core/secrets knows', () => {
    const ids = new Set(plantAll().map(p => p.id));
    assert.deepStrictEqual(SECRET_PATTERNS.map(p => p.id).filter(id => !ids.has(id)), []);
  });

  it('scan (text, json, sarif; stdout and --output), fix --dry-run, fix and the scan after it', async () => {
    const planted = plantAll();
    const root = tempProject(project(planted));
    roots.push(root);
    const found: string[] = [];
    const channels: string[] = [];
    const check = (channel: string, io: RecordingIO) => {
      channels.push(`${channel} stdout`, `${channel} stderr`);
      found.push(...leaks(`${channel} stdout`, io.stdout, planted), ...leaks(`${channel} stderr`, io.stderr, planted));
    };
    // Findings first: the planted secrets are really found (otherwise "no leak" would prove nothing).
    const json = recordingIO(root);
    assert.strictEqual(await scan(['--format', 'json', '--fail-on', 'never'], json), 0);
    const rules = new Set((JSON.parse(json.stdout) as { findings: Array<{ ruleId: string }> }).findings.map(f => f.ruleId));
    for (const r of ['hardcoded-secret', 'hardcoded-credential', 'callout-without-named-credential', 'credential-in-url', 'metadata-secret']) { assert.ok(rules.has(r), `${r} reported: ${[...rules].join(', ')}`); }
    check('scan json', json);
    for (const format of ['text', 'json', 'sarif']) {
      const io = recordingIO(root);
      await scan(['--format', format, '--fail-on', 'never'], io);
      check(`scan ${format}`, io);
      const toFile = recordingIO(root);
      await scan(['--format', format, '--output', `report.${format}`], toFile);
      check(`scan ${format} -o`, toFile);
      channels.push(`report.${format} file`);
      found.push(...leaks(`report.${format} file`, readFileSync(path.join(root, `report.${format}`), 'utf8'), planted));
    }
    const colour = recordingIO(root, { isTTY: true, env: { FORCE_COLOR: '1' } });
    await scan([], colour);
    check('scan text (colour)', colour);
    const viaMain = recordingIO(root);
    await main(['scan', '--format', 'text'], viaMain);
    check('apiguard scan (main)', viaMain);

    const before = filesUnder(root);
    const dry = recordingIO(root);
    assert.strictEqual(await fix(['--dry-run'], dry), 1);
    assert.match(dry.stdout, /^--- a\//m, 'the dry run shows a diff');
    check('fix --dry-run', dry);
    assert.deepStrictEqual(filesUnder(root), before, 'a dry run writes nothing');

    const applied = recordingIO(root);
    const code = await fix([], applied);
    assert.strictEqual(code, 1, `some findings are left (the path secrets): ${applied.stdout}${applied.stderr}`);
    check('fix', applied);
    // Files written by fix: a new file holds no secret; an edited file holds none it did not hold before.
    const after = filesUnder(root);
    channels.push('files written by fix');
    let written = 0;
    for (const [rel, text] of after) {
      if (before.get(rel) === text) { continue; }
      written++;
      const was = before.get(rel) ?? '';
      const held = new Set(planted.filter(x => leaks('', was, [x]).length).map(x => x.id));
      found.push(...leaks(`fix wrote ${rel}`, text, planted.filter(x => !held.has(x.id))));
    }
    assert.ok(written >= 3, `fix wrote ${written} files`);
    // The path secrets stay detected after the fix.
    const again = recordingIO(root);
    await scan(['--format', 'json', '--fail-on', 'never'], again);
    check('scan after fix', again);
    const left = (JSON.parse(again.stdout) as { findings: Array<{ ruleId: string; message: string }> }).findings;
    assert.ok(left.some(f => f.ruleId === 'hardcoded-secret' && /Slack/i.test(f.message)), 'the Slack webhook is still reported');
    assert.ok(left.filter(f => f.ruleId === 'callout-without-named-credential').length >= 3, 'the webhook/bot callouts are still reported');

    assert.deepStrictEqual(found, [], `${found.length} leaks:\n${found.slice(0, 30).join('\n')}`);
    assert.ok(channels.length >= 25, channels.join(', '));
  });

  it('org (text, json, markdown, html; stdout and --output): secrets in record names, endpoints, audit trail and echoed error bodies', async () => {
    const planted = plantAll();
    const v = (id: string) => planted.find(x => x.id === id)!;
    const fx = loadFixture('careless');
    const apps = fx.objects.ConnectedApplication;
    apps[0].Name = `Deploy ${v('github-token').text}`;
    apps[1].StartUrl = `https://hooks.slack.com/services/T${rand(UP, 10)}/B${rand(UP, 10)}/${v('slack-webhook-url').secret}`;
    fx.tooling.NamedCredential[0].Endpoint = `https://integration:${v('url-password').secret}@erp.careless.example/api/${v('discord-webhook-token').secret}`;
    fx.tooling.RemoteProxy[0].EndpointUrl = `https://api.telegram.org/bot123456789:${v('telegram-bot-token').secret}`;
    fx.tooling.RemoteProxy[0].Description = `key ${v('stripe-secret-key').text}`;
    const audit = fx.objects.SetupAuditTrail;
    audit[0].Display = `Changed endpoint to https://svc:${v('apex-password').secret}@erp.example/; token ${v('slack-token').text} and ${v('openai-api-key').text}`;
    fake = await startFakeOrg(fx);
    // The server echoes parts of the connection's own tokens in error bodies (after the `!`, without the head).
    fake.fixture.deny = { ...(fake.fixture.deny ?? {}), EventLogFile: `INVALID_SESSION_ID ${fake.accessToken.slice(fake.accessToken.indexOf('!') + 1)}`,
      'tooling:Certificate': `FORBIDDEN refresh=${fake.refreshToken.slice(6)}` };
    const tokens: Planted[] = [
      { id: 'org access token (after !)', text: '', secret: fake.accessToken.slice(fake.accessToken.indexOf('!') + 1) },
      { id: 'org refresh token', text: '', secret: fake.refreshToken },
    ];
    const all = [...planted, ...tokens];
    const dir = tempProject({});
    roots.push(dir);
    const env = { SF_ACCESS_TOKEN: fake.accessToken, SF_REFRESH_TOKEN: fake.refreshToken, SF_CLIENT_ID: fake.clientId };
    const found: string[] = [];
    let sawEcho = false;
    for (const format of ['text', 'json', 'markdown', 'html']) {
      const io = recordingIO(dir, { env, isTTY: format === 'text' });
      await org(['--instance-url', fake.url, '--format', format, '--no-workspace', '--fail-on', 'never'], io);
      assert.ok(io.stdout.length > 1000, `${format}: a report\n${io.stderr}`);
      sawEcho ||= /INVALID_SESSION_ID|FORBIDDEN/.test(io.stdout);
      found.push(...leaks(`org ${format} stdout`, io.stdout, all), ...leaks(`org ${format} stderr`, io.stderr, all));
      const toFile = recordingIO(dir, { env });
      await org(['--instance-url', fake.url, '--format', format, '--no-workspace', '--output', `org.${format}`], toFile);
      found.push(...leaks(`org.${format} file`, readFileSync(path.join(dir, `org.${format}`), 'utf8'), all), ...leaks(`org ${format} -o stderr`, toFile.stderr, all));
    }
    assert.ok(sawEcho, 'the echoed error bodies reached the report (as reasons)');
    // A password in --instance-url is never printed, whatever fails.
    const pw = recordingIO(dir, { env });
    await org(['--instance-url', fake.url.replace('http://', `http://admin:${v('url-password').secret}@`), '--no-workspace', '--format', 'json'], pw);
    found.push(...leaks('org --instance-url user:pass@ stdout', pw.stdout, all), ...leaks('org --instance-url user:pass@ stderr', pw.stderr, all));
    const bad = recordingIO(dir, { env });
    await org(['--instance-url', `http://admin:${v('url-password').secret}@127.0.0.1:9`, '--no-workspace'], bad);
    found.push(...leaks('org unreachable user:pass@ stderr', bad.stderr + bad.stdout, all));
    assert.ok(existsSync(path.join(dir, 'org.html')));
    assert.deepStrictEqual(found, [], `${found.length} leaks:\n${found.slice(0, 30).join('\n')}`);
  });
});
