import * as assert from 'assert';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { run as fix } from '../../src/cli/commands/fix';
import { run as scan } from '../../src/cli/commands/scan';
import { createEngine } from '../../src/node/createEngine';
import { parseXml } from '../../src/core/xml/parse';
import { LineIndex } from '../../src/core/position';
import { recordingIO, removeProject, tempProject } from './helpers/project';

const FIXABLE = ['callout-without-named-credential', 'hardcoded-authorization-header', 'manual-authorization-header', 'credential-in-url',
  'remote-site-without-named-credential', 'insecure-endpoint', 'legacy-named-credential'];

const SFDX = JSON.stringify({ packageDirectories: [{ path: 'force-app', default: true }], name: 'acme', sourceApiVersion: '62.0' }, null, 2);
const CLASSES = 'force-app/main/default/classes';

const PAYMENTS = `public with sharing class PaymentsGateway {
    private static final String ENDPOINT = 'https://api.stripe.com/v1';
    private static final String SECRET_KEY = 'sk_live_4eC39HqLyjWDarjtT1zdp7dcXyZ0aBcD';

    public static String refund(String chargeId) {
        HttpRequest req = new HttpRequest();
        req.setEndpoint(ENDPOINT + '/refunds');
        req.setMethod('POST');
        req.setHeader('Authorization', 'Bearer ' + SECRET_KEY);
        req.setBody('charge=' + EncodingUtil.urlEncode(chargeId, 'UTF-8'));
        return new Http().send(req).getBody();
    }

    public static String balance() {
        HttpRequest req = new HttpRequest();
        req.setEndpoint(ENDPOINT + '/balance');
        req.setMethod('GET');
        req.setHeader('Authorization', 'Bearer ' + SECRET_KEY);
        return new Http().send(req).getBody();
    }
}
`;
const STATUS = `public class StatusPing {
    public static Integer ping() {
        HttpRequest req = new HttpRequest();
        req.setEndpoint('http://status.partner-erp.com/health?verbose=false');
        req.setMethod('GET');
        return new Http().send(req).getStatusCode();
    }
}
`;
const RSS = `<?xml version="1.0" encoding="UTF-8"?>
<RemoteSiteSetting xmlns="http://soap.sforce.com/2006/04/metadata">
    <disableProtocolSecurity>false</disableProtocolSecurity>
    <isActive>true</isActive>
    <url>https://api.stripe.com</url>
</RemoteSiteSetting>
`;

function snapshot(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = path.join(d, e);
      if (statSync(p).isDirectory()) { walk(p); } else { out.set(path.relative(root, p), readFileSync(p, 'utf8')); }
    }
  };
  walk(root);
  return out;
}

async function scanJson(root: string): Promise<Array<{ ruleId: string; path: string; line: number; suppressed?: unknown }>> {
  const io = recordingIO(root);
  await scan(['--format', 'json', '--fail-on', 'never'], io);
  return (JSON.parse(io.stdout) as { findings: Array<{ ruleId: string; path: string; line: number; suppressed?: unknown }> }).findings;
}

/** Every generated metadata file parses with the project's XML parser and has the expected root. */
function assertGeneratedXml(root: string, files: string[]): void {
  const roots: Record<string, string> = { namedCredential: 'NamedCredential', externalCredential: 'ExternalCredential', permissionset: 'PermissionSet' };
  for (const f of files) {
    const text = readFileSync(path.join(root, f), 'utf8');
    const doc = parseXml(text, new LineIndex(text));
    assert.strictEqual(doc.error, undefined, `${f}: ${doc.error?.message}`);
    const kind = /\.(\w+)-meta\.xml$/.exec(f)![1];
    assert.strictEqual(doc.root?.local, roots[kind], f);
    assert.strictEqual(doc.root?.attributes.xmlns, 'http://soap.sforce.com/2006/04/metadata');
  }
}

describe('apiguard fix (CLI)', function () {
  this.timeout(60000);
  let root: string;
  before(async () => { await createEngine(); });
  beforeEach(() => {
    root = tempProject({
      'sfdx-project.json': SFDX,
      [`${CLASSES}/PaymentsGateway.cls`]: PAYMENTS,
      [`${CLASSES}/StatusPing.cls`]: STATUS,
      'force-app/main/default/remoteSiteSettings/Stripe.remoteSite-meta.xml': RSS,
    });
  });
  afterEach(() => removeProject(root));

  it('--dry-run prints a unified diff and the notes, changes nothing, exits 1', async () => {
    const before = snapshot(root);
    const io = recordingIO(root);
    assert.strictEqual(await fix(['--dry-run'], io), 1);
    assert.match(io.stdout, /^--- a\/force-app\/main\/default\/classes\/PaymentsGateway\.cls\n\+\+\+ b\/force-app\/main\/default\/classes\/PaymentsGateway\.cls\n@@ /m);
    assert.match(io.stdout, /^- {4}private static final String ENDPOINT = 'https:\/\/api\.stripe\.com\/v1';$/m);
    assert.match(io.stdout, /^\+ {4}private static final String ENDPOINT = 'callout:Stripe_API';$/m);
    assert.match(io.stdout, /^- {8}req\.setHeader\('Authorization', 'Bearer ' \+ SECRET_KEY\);$/m);
    assert.match(io.stdout, /^--- \/dev\/null\n\+\+\+ b\/force-app\/main\/default\/namedCredentials\/Stripe_API\.namedCredential-meta\.xml$/m);
    assert.match(io.stdout, /^--- a\/force-app\/main\/default\/remoteSiteSettings\/Stripe\.remoteSite-meta\.xml\n\+\+\+ \/dev\/null$/m);
    assert.match(io.stdout, /Next steps:\n/);
    assert.ok(!io.stdout.includes('4eC39HqLyjWDarjtT1zdp7dc'), 'the secret is redacted in the diff');
    assert.match(io.stdout, /^- {4}private static final String SECRET_KEY = '«'sk_l…' \(40 chars\)»';$/m);
    assert.deepStrictEqual(snapshot(root), before);
  });

  it('applies the plan: scan then reports none of the fixed findings, the XML parses, and a second fix changes nothing', async () => {
    const before = (await scanJson(root)).filter(f => FIXABLE.includes(f.ruleId));
    assert.ok(before.length >= 5, `expected fixable findings, got ${before.map(f => f.ruleId).join(', ')}`);
    const io = recordingIO(root);
    assert.strictEqual(await fix([], io), 0, io.stdout + io.stderr);
    assert.match(io.stdout, /created {2}force-app\/main\/default\/namedCredentials\/Stripe_API\.namedCredential-meta\.xml/);
    assert.match(io.stdout, /deleted {2}force-app\/main\/default\/remoteSiteSettings\/Stripe\.remoteSite-meta\.xml: Remote Site Setting Stripe/);
    assert.match(io.stdout, /apiguard fix: (\d+) of \1 findings fixed\.\n$/);
    assert.ok(!existsSync(path.join(root, 'force-app/main/default/remoteSiteSettings/Stripe.remoteSite-meta.xml')));
    const cls = readFileSync(path.join(root, CLASSES, 'PaymentsGateway.cls'), 'utf8');
    assert.ok(!cls.includes('SECRET_KEY') && !cls.includes('sk_live'));
    assert.match(readFileSync(path.join(root, CLASSES, 'StatusPing.cls'), 'utf8'), /req\.setEndpoint\('callout:Partner_Erp_Status\/health\?verbose=false'\);/);
    const generated = [...snapshot(root).keys()].filter(f => /(namedCredentials|externalCredentials|permissionsets)\//.test(f));
    assert.strictEqual(generated.length, 6);
    assertGeneratedXml(root, generated);
    for (const f of generated) { assert.ok(!readFileSync(path.join(root, f), 'utf8').includes('sk_live'), f); }
    assert.deepStrictEqual((await scanJson(root)).filter(f => FIXABLE.includes(f.ruleId)), []);
    const after = snapshot(root);
    const again = recordingIO(root);
    assert.strictEqual(await fix([], again), 0);
    assert.match(again.stdout, /nothing to fix/);
    assert.deepStrictEqual(snapshot(root), after);
  });

  it('--rule limits the fix; --name names the credential; usage errors exit 2', async () => {
    const io = recordingIO(root);
    assert.strictEqual(await fix(['--rule', 'insecure-endpoint'], io), 0, io.stdout);
    assert.match(readFileSync(path.join(root, CLASSES, 'StatusPing.cls'), 'utf8'), /'https:\/\/status\.partner-erp\.com\/health\?verbose=false'/);
    assert.ok(!existsSync(path.join(root, 'force-app/main/default/namedCredentials')), 'no credential for an http-only fix');
    const named = recordingIO(root);
    assert.strictEqual(await fix([`${CLASSES}/PaymentsGateway.cls`, '--name', 'Payments', '--rule=callout-without-named-credential,hardcoded-authorization-header'], named), 0, named.stdout);
    assert.ok(existsSync(path.join(root, 'force-app/main/default/namedCredentials/Payments.namedCredential-meta.xml')));
    assert.match(readFileSync(path.join(root, CLASSES, 'PaymentsGateway.cls'), 'utf8'), /'callout:Payments'/);
    const bad = recordingIO(root);
    assert.strictEqual(await fix(['--rule', 'weak-crypto'], bad), 2);
    assert.match(bad.stderr, /no fix for rule weak-crypto/);
    assert.strictEqual(await fix(['--bogus'], recordingIO(root)), 2);
    assert.strictEqual(await fix(['missing-folder'], recordingIO(root)), 2);
  });

  it('on the example project: fixes what it can, and every finding it leaves is explained in the notes', async () => {
    const example = path.resolve(__dirname, '../../../examples/insecure-project');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'apiguard-example-'));
    try {
      cpSync(example, dir, { recursive: true });
      const before = (await scanJson(dir)).filter(f => FIXABLE.includes(f.ruleId) && !f.suppressed);
      const io = recordingIO(dir);
      const code = await fix([], io);
      assert.ok(code === 0 || code === 1, io.stderr);
      const left = (await scanJson(dir)).filter(f => FIXABLE.includes(f.ruleId) && !f.suppressed);
      assert.ok(left.length < before.length / 2, `fixed too little: ${left.length} of ${before.length} left`);
      assert.strictEqual(code, left.length ? 1 : 0);
      for (const f of left) {
        assert.ok(io.stdout.includes(`${f.path}:${f.line}`), `${f.ruleId} at ${f.path}:${f.line} left without a note\n${io.stdout}`);
      }
      const generated = [...io.stdout.matchAll(/^created {2}(\S+)/gm)].map(m => m[1]);
      assert.ok(generated.length >= 3);
      assertGeneratedXml(dir, generated);
      const again = recordingIO(dir);
      const snap = snapshot(dir);
      await fix([], again);
      assert.deepStrictEqual(snapshot(dir), snap, `second fix changed files:\n${again.stdout}`);
    } finally { removeProject(dir); }
  });
});
