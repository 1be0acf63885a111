import * as assert from 'assert';
import { existsSync, readFileSync, statSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { run as scan } from '../../src/cli/commands/scan';
import type { Engine } from '../../src/core/engine';
import type { JsonReport } from '../../src/core/report/json';
import type { SarifLog } from '../../src/core/report/sarif';
import { createEngine } from '../../src/node/createEngine';
import { loadProjectIndex } from '../../src/node/scan';
import { recordingIO, removeProject, SFDX_PROJECT, tempProject } from './helpers/project';
import { commitAll, gitIn, initRepo, writeFiles } from './helpers/git';

const CLS = 'force-app/main/default/classes/Payments.cls';
const PAYMENTS = `public with sharing class Payments {
    private static final String API_PASSWORD = 'hunter2!x';

    public static HttpResponse charge(Integer cents) {
        HttpRequest req = new HttpRequest();
        req.setEndpoint('https://api.example.com/charge');
        req.setHeader('Authorization', 'Bearer sk_live_51HdWEkJtq0xYbZ1mN7pQ3rS');
        req.setBody('{"amount":' + cents + '}');
        return new Http().send(req);
    }
}
`;
const ENV_FILE = 'DB_USER=app\nDB_PASSWORD=Tr0ub4dor&3x\n';
const NC_DIR = 'force-app/main/default/namedCredentials';
const RS_DIR = 'force-app/main/default/remoteSiteSettings';
const nc = (url: string) => `<?xml version="1.0" encoding="UTF-8"?>
<NamedCredential xmlns="http://soap.sforce.com/2006/04/metadata">
    <label>Stripe</label>
    <namedCredentialParameters>
        <parameterName>Url</parameterName>
        <parameterType>Url</parameterType>
        <parameterValue>${url}</parameterValue>
    </namedCredentialParameters>
    <namedCredentialType>SecuredEndpoint</namedCredentialType>
</NamedCredential>
`;
const site = (url: string) => `<?xml version="1.0" encoding="UTF-8"?>
<RemoteSiteSetting xmlns="http://soap.sforce.com/2006/04/metadata">
    <disableProtocolSecurity>false</disableProtocolSecurity>
    <isActive>true</isActive>
    <url>${url}</url>
</RemoteSiteSetting>
`;

describe('adoption: baseline, --changed, --staged, --cache', function () {
  this.timeout(60000);
  let engine: Engine;
  before(async () => { engine = await createEngine(); });
  const cli = async (root: string, args: string[]) => {
    const io = recordingIO(root);
    const code = await scan(args, io, { engine });
    return { code, out: io.stdout, err: io.stderr };
  };
  const json = async (root: string, args: string[]) => {
    const r = await cli(root, [...args, '--format', 'json']);
    return { ...r, j: JSON.parse(r.out) as JsonReport };
  };

  describe('baseline', () => {
    let root: string;
    beforeEach(() => { root = tempProject({ 'sfdx-project.json': SFDX_PROJECT, [CLS]: PAYMENTS, '.env': ENV_FILE }); });
    afterEach(() => removeProject(root));

    it('--update-baseline records counts and no secret; a re-scan has 0 new findings and exits 0', async () => {
      const full = await json(root, []);
      assert.strictEqual(full.code, 1);
      const total = full.j.findings.filter(f => !f.suppressed).length;
      assert.ok(total >= 3, JSON.stringify(full.j.findings.map(f => f.ruleId)));
      const up = await cli(root, ['--update-baseline']);
      assert.strictEqual(up.code, 0, up.err);
      assert.match(up.out, new RegExp(`baseline of ${total} findings in \\d+ files written to \\.apiguard-baseline\\.json`));
      const text = readFileSync(path.join(root, '.apiguard-baseline.json'), 'utf8');
      for (const secret of ['hunter2', 'sk_live', 'Tr0ub4dor', 'sk_l…', 'Tr0u']) { assert.ok(!text.includes(secret), `baseline holds ${secret}`); }
      const b = JSON.parse(text) as { entries: Array<{ count: number }> };
      assert.strictEqual(b.entries.reduce((a, e) => a + e.count, 0), total);

      const again = await cli(root, ['--baseline', '.apiguard-baseline.json']);
      assert.strictEqual(again.code, 0, again.out);
      assert.match(again.out, /✔ 0 errors, 0 warnings, 0 info/);
      assert.match(again.out, new RegExp(`${total} findings in the baseline \\(\\.apiguard-baseline\\.json\\) not shown\\.`));
    });

    it('moving code (lines added above, re-indented) keeps 0 new; a new secret is 1 new; a second identical line is new', async () => {
      await cli(root, ['--update-baseline']);
      const moved = '// Payments: owned by the billing team.\n\n' + PAYMENTS.replace(/\n {4}/g, '\n\t').replace('public static HttpResponse', 'public static final Integer RETRIES = 3;\n\n\tpublic static HttpResponse');
      writeFileSync(path.join(root, CLS), moved);
      writeFileSync(path.join(root, '.env'), '# local settings\n' + ENV_FILE.replace('=', ' = '));
      let r = await json(root, ['--baseline', '.apiguard-baseline.json']);
      assert.strictEqual(r.j.findings.length, 0, JSON.stringify(r.j.findings));
      assert.strictEqual(r.code, 0);

      writeFileSync(path.join(root, '.env'), ENV_FILE + 'STRIPE_SECRET_KEY=sk_live_51HdWEkJtq0xYbZ1mN7pQ3rT\n');
      r = await json(root, ['--baseline', '.apiguard-baseline.json']);
      assert.deepStrictEqual(r.j.findings.map(f => [f.path, f.line]), [['.env', 3]]);
      assert.strictEqual(r.code, 1);
      assert.strictEqual(r.j.baseline?.new, 1);

      writeFileSync(path.join(root, '.env'), ENV_FILE + ENV_FILE.split('\n')[1] + '\n');
      r = await json(root, ['--baseline', '.apiguard-baseline.json']);
      assert.deepStrictEqual(r.j.findings.map(f => [f.path, f.line]), [['.env', 3]], 'the second identical credential is new');
    });

    it('SARIF marks results new, unchanged (suppressed externally) and absent', async () => {
      await cli(root, ['--update-baseline']);
      writeFileSync(path.join(root, '.env'), 'DB_USER=app\n');
      writeFileSync(path.join(root, CLS), PAYMENTS.replace("private static final String API_PASSWORD = 'hunter2!x';", "private static final String API_PASSWORD = 'hunter2!x';\n    private static final String API_SECRET = 'Zq9!vR2#mK';"));
      const r = await cli(root, ['--baseline', '.apiguard-baseline.json', '--format', 'sarif']);
      assert.strictEqual(r.code, 1);
      const results = (JSON.parse(r.out) as SarifLog).runs[0].results;
      const states = results.map(x => x.baselineState);
      assert.ok(states.every(Boolean));
      assert.strictEqual(states.filter(s => s === 'new').length, 1);
      assert.ok(states.filter(s => s === 'unchanged').length >= 2);
      const absent = results.filter(x => x.baselineState === 'absent');
      assert.strictEqual(absent.length, 1);
      assert.deepStrictEqual([absent[0].kind, absent[0].level, absent[0].locations[0].physicalLocation.artifactLocation.uri], ['pass', 'none', '.env']);
      for (const u of results.filter(x => x.baselineState === 'unchanged')) { assert.strictEqual(u.suppressions?.[0].kind, 'external'); }
      assert.ok(!r.out.includes('Zq9!vR2#mK') && !r.out.includes('hunter2'));
    });

    it('a corrupt, foreign or missing baseline file is a clear error, exit 2, and never overwritten', async () => {
      const f = path.join(root, 'base.json');
      for (const [content, why] of [['{"format": "apiguard-baseline/v1", "entries": [', /not valid JSON/], ['{"version": 2}', /not an API Guard baseline/],
        ['{"format": "apiguard-baseline/v1", "entries": [{"ruleId": "x", "path": "a", "fingerprint": "zz", "count": 1}]}', /entry 1 is malformed/]] as const) {
        writeFileSync(f, content);
        const r = await cli(root, ['--baseline', 'base.json']);
        assert.strictEqual(r.code, 2);
        assert.match(r.err, /^apiguard scan: baseline file base\.json is corrupt: /);
        assert.match(r.err, why);
        assert.ok(!r.err.includes('    at '), 'no stack trace');
        assert.strictEqual(readFileSync(f, 'utf8'), content);
      }
      unlinkSync(f);
      const missing = await cli(root, ['--baseline', 'base.json']);
      assert.strictEqual(missing.code, 2);
      assert.match(missing.err, /baseline file base\.json does not exist \(create it with --update-baseline\)/);
      const partial = await cli(root, ['--update-baseline', 'force-app']);
      assert.strictEqual(partial.code, 2);
      assert.match(partial.err, /--update-baseline records a whole-project scan/);
    });
  });

  describe('--changed and --staged', () => {
    let root: string;
    beforeEach(() => {
      root = tempProject({});
      initRepo(root);
      writeFiles(root, {
        'sfdx-project.json': SFDX_PROJECT,
        [`${NC_DIR}/Stripe.namedCredential-meta.xml`]: nc('https://api.stripe.com'),
        'force-app/main/default/classes/Old.cls': PAYMENTS.replace('Payments', 'Old'),
        '.forceignore': 'force-app/main/default/classes/Ignored.cls\n',
      });
      commitAll(root, 'base');
      gitIn(root, 'checkout', '-q', '-b', 'feature');
    });
    afterEach(() => removeProject(root));

    it('--changed REF: committed, uncommitted and untracked changes since the merge base; project facts from the whole project', async () => {
      writeFiles(root, { [`${RS_DIR}/Stripe.remoteSite-meta.xml`]: site('https://api.stripe.com'), [`${RS_DIR}/Books.remoteSite-meta.xml`]: site('https://books.example.com') });
      commitAll(root, 'remote sites');
      writeFiles(root, { [CLS]: PAYMENTS, 'force-app/main/default/classes/Ignored.cls': PAYMENTS });
      const changed = await json(root, ['--changed', 'main']);
      const full = await json(root, []);
      const paths = (j: JsonReport) => [...new Set(j.findings.map(f => f.path))].sort();
      assert.deepStrictEqual(paths(changed.j), [CLS, `${RS_DIR}/Books.remoteSite-meta.xml`]);
      assert.strictEqual(changed.j.summary.filesScanned, 3, 'Payments.cls and the two remote sites; not Old.cls, not the ignored file');
      // The Stripe site is covered by the (unchanged) Named Credential: same answer as the full scan.
      const key = (f: JsonReport['findings'][number]) => `${f.path}:${f.line}:${f.ruleId}:${f.message}:${f.fingerprint}`;
      assert.deepStrictEqual(changed.j.findings.map(key), full.j.findings.filter(f => paths(changed.j).includes(f.path)).map(key));
      const text = await cli(root, ['--changed', 'main']);
      assert.match(text.out, /Checked 3 files changed since main \(merge base [0-9a-f]{12}\)\./);
      // A path after --changed is a path, not a ref.
      const under = await json(root, ['--changed=main', 'force-app/main/default/remoteSiteSettings']);
      assert.deepStrictEqual(paths(under.j), [`${RS_DIR}/Books.remoteSite-meta.xml`]);
    });

    it('--changed without REF uses the upstream, else origin/HEAD, else exits 2 saying so', async () => {
      const r = await cli(root, ['--changed']);
      assert.strictEqual(r.code, 2);
      assert.match(r.err, /no upstream and there is no origin\/HEAD: pass one, e\.g\. --changed=origin\/main/);
      gitIn(root, 'update-ref', 'refs/remotes/origin/main', 'main');
      gitIn(root, 'symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/main');
      writeFiles(root, { '.env': ENV_FILE });
      const viaOrigin = await json(root, ['--changed']);
      assert.deepStrictEqual([...new Set(viaOrigin.j.findings.map(f => f.path))], ['.env']);
      gitIn(root, 'branch', '-q', '--set-upstream-to=main');
      const viaUpstream = await cli(root, ['--changed']);
      assert.match(viaUpstream.out, /changed since main /);
    });

    it('not a git repository, or an unknown ref: exit 2 with a clear message', async () => {
      const plain = tempProject({ 'sfdx-project.json': SFDX_PROJECT, [CLS]: PAYMENTS });
      try {
        for (const args of [['--changed', 'main'], ['--staged']]) {
          const r = await cli(plain, args);
          assert.strictEqual(r.code, 2);
          assert.match(r.err, /is not inside a git repository/);
        }
      } finally { removeProject(plain); }
      const r = await cli(root, ['--changed', 'no-such-branch']);
      assert.strictEqual(r.code, 2);
      assert.match(r.err, /^apiguard scan: unknown git ref "no-such-branch"\n$/);
    });

    it('--staged scans the index, not the work tree', async () => {
      writeFiles(root, { [CLS]: PAYMENTS, '.env': ENV_FILE });
      gitIn(root, 'add', CLS);
      // Work tree: the secret is gone from Payments.cls; the index still has it. .env is not staged.
      writeFileSync(path.join(root, CLS), PAYMENTS.replace(/'hunter2!x'/, 'Settings__c.getInstance().Password__c').replace(/'Bearer sk_live_\w+'/, "'Bearer ' + token"));
      const staged = await json(root, ['--staged']);
      assert.strictEqual(staged.code, 1);
      assert.deepStrictEqual([...new Set(staged.j.findings.map(f => f.path))], [CLS]);
      assert.ok(staged.j.findings.some(f => f.ruleId === 'hardcoded-credential' && f.line === 2), JSON.stringify(staged.j.findings));
      // Stage the fixed version: clean, although the work tree's unstaged .env has a password.
      gitIn(root, 'add', CLS);
      const clean = await json(root, ['--staged']);
      assert.strictEqual(clean.j.findings.filter(f => f.path === CLS && f.severity === 'error').length, 0, JSON.stringify(clean.j.findings));
      assert.ok(!clean.j.findings.some(f => f.path === '.env'));
    });

    it('--changed and --staged see values kept in other files (constants, labels) as a full scan does', async () => {
      writeFiles(root, { 'force-app/main/default/classes/Config.cls': "public class Config {\n    public static final String BASE = 'https://api.partner.example.com';\n}\n" });
      commitAll(root, 'config');
      const reader = 'force-app/main/default/classes/Sync.cls';
      writeFiles(root, { [reader]: "public with sharing class Sync {\n    public static HttpResponse go() {\n        HttpRequest req = new HttpRequest();\n        req.setEndpoint(Config.BASE + '/v1/sync');\n        return new Http().send(req);\n    }\n}\n" });
      const full = await json(root, []);
      const rules = (j: JsonReport) => j.findings.filter(f => f.path === reader).map(f => `${f.line}:${f.ruleId}`).sort();
      assert.ok(rules(full.j).includes('4:callout-without-named-credential'), JSON.stringify(full.j.findings));
      assert.deepStrictEqual(rules((await json(root, ['--changed', 'main'])).j), rules(full.j));
      gitIn(root, 'add', reader);
      assert.deepStrictEqual(rules((await json(root, ['--staged'])).j), rules(full.j));
    });

    it('the index of --changed/--staged reads only the classes the files name (transitively) and the objects they name, with a full scan\'s findings', async () => {
      const C = 'force-app/main/default/classes';
      const O = 'force-app/main/default/objects/Gateway_Settings__c';
      const xml = (type: string, body: string) => `<?xml version="1.0" encoding="UTF-8"?>\n<${type} xmlns="http://soap.sforce.com/2006/04/metadata">${body}\n</${type}>\n`;
      writeFiles(root, {
        [`${C}/Hosts.cls`]: "public class Hosts {\n    public static final String PARTNER = 'https://api.partner.example.com';\n}\n",
        // Config names Hosts only in a constant's initializer: the index must follow it.
        [`${C}/Config.cls`]: "public class Config {\n    public static final String BASE = Hosts.PARTNER + '/api';\n}\n",
        [`${C}/Unrelated.cls`]: "public class Unrelated {\n    public static final String OTHER = 'https://unrelated.example.com';\n}\n",
        [`${O}/Gateway_Settings__c.object-meta.xml`]: xml('CustomObject', '\n    <customSettingsType>Hierarchy</customSettingsType>\n    <label>Gateway Settings</label>\n    <visibility>Public</visibility>'),
      });
      commitAll(root, 'values');
      const reader = `${C}/Sync.cls`;
      const field = `${O}/fields/Api_Password__c.field-meta.xml`;
      writeFiles(root, {
        [reader]: "public with sharing class Sync {\n    public static HttpResponse go() {\n        HttpRequest req = new HttpRequest();\n        req.setEndpoint(Config.BASE + '/v1/sync');\n        return new Http().send(req);\n    }\n}\n",
        [field]: xml('CustomField', '\n    <fullName>Api_Password__c</fullName>\n    <label>Api Password</label>\n    <length>255</length>\n    <type>Text</type>'),
      });
      const full = await json(root, []);
      const mine = (j: JsonReport) => j.findings.filter(f => f.path === reader || f.path === field).map(f => `${f.path}:${f.line}:${f.ruleId}:${f.message}:${f.fingerprint}`).sort();
      const rules = full.j.findings.filter(f => f.path === reader || f.path === field).map(f => `${f.path === reader ? 'reader' : 'field'}:${f.ruleId}`);
      // Both need the index: the endpoint's host comes through two classes, the field's object decides the message.
      assert.ok(rules.includes('reader:callout-without-named-credential') && rules.includes('field:secret-field-unprotected'), JSON.stringify(full.j.findings));
      assert.deepStrictEqual(mine((await json(root, ['--changed', 'main'])).j), mine(full.j));
      gitIn(root, 'add', reader, field);
      assert.deepStrictEqual(mine((await json(root, ['--staged'])).j), mine(full.j));
      // What the index held: Sync's own constants aside, Config and Hosts, not Unrelated.
      const files = [reader, field, `${C}/Hosts.cls`, `${C}/Config.cls`, `${C}/Unrelated.cls`, `${O}/Gateway_Settings__c.object-meta.xml`].map(f => path.join(root, f));
      const texts = [readFileSync(files[0], 'utf8'), readFileSync(files[1], 'utf8')];
      const index = await loadProjectIndex(root, { files, readers: { paths: files.slice(0, 2), texts } });
      assert.deepStrictEqual([...index.symbols?.keys() ?? []].map(f => path.basename(f)).sort(), ['Config.cls', 'Hosts.cls']);
      assert.deepStrictEqual([...index.objects?.keys() ?? []], ['gateway_settings__c']);
      const unrelated = await loadProjectIndex(root, { files, readers: { paths: [files[2]], texts: ['public class Hosts {}'] } });
      assert.strictEqual(unrelated.objects, undefined, 'an object no file names is not read');
    });

    it('--staged decodes a staged UTF-16 file as a disk scan does', async () => {
      const env = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(ENV_FILE, 'utf16le')]);
      writeFileSync(path.join(root, '.env'), env);
      gitIn(root, 'add', '.env');
      const staged = await json(root, ['--staged']);
      assert.ok(staged.j.findings.some(f => f.path === '.env' && f.ruleId === 'hardcoded-credential'), JSON.stringify(staged.j));
    });
  });

  describe('--cache', () => {
    let root: string;
    beforeEach(() => {
      root = tempProject({ 'sfdx-project.json': SFDX_PROJECT, [CLS]: PAYMENTS, '.env': ENV_FILE, [`${RS_DIR}/Stripe.remoteSite-meta.xml`]: site('https://api.stripe.com') });
    });
    afterEach(() => removeProject(root));
    const strip = (j: JsonReport) => ({ ...j, summary: { ...j.summary, durationMs: 0 } });

    it('gives the same results as a scan without it, and re-lints what changed: text, config, project facts', async () => {
      const plain = await json(root, []);
      const first = await json(root, ['--cache']);
      assert.ok(existsSync(path.join(root, '.apiguardcache')));
      const cached = readFileSync(path.join(root, '.apiguardcache'), 'utf8');
      for (const secret of ['hunter2', 'sk_live', 'Tr0ub4dor']) { assert.ok(!cached.includes(secret), `cache holds ${secret}`); }
      const second = await json(root, ['--cache']);
      assert.deepStrictEqual(strip(first.j), strip(plain.j));
      assert.deepStrictEqual(strip(second.j), strip(plain.j));
      // The file's text changed.
      writeFileSync(path.join(root, '.env'), 'DB_USER=app\n');
      const edited = await json(root, ['--cache']);
      assert.ok(!edited.j.findings.some(f => f.path === '.env'));
      // The configuration changed.
      writeFileSync(path.join(root, '.apiguard.json'), JSON.stringify({ rules: { 'remote-site-without-named-credential': 'off' } }));
      const configured = await json(root, ['--cache']);
      assert.ok(!configured.j.findings.some(f => f.ruleId === 'remote-site-without-named-credential'));
      unlinkSync(path.join(root, '.apiguard.json'));
      const back = await json(root, ['--cache']);
      assert.ok(back.j.findings.some(f => f.ruleId === 'remote-site-without-named-credential'));
      // A project fact another file's result depends on: a Named Credential now covers the site.
      writeFiles(root, { [`${NC_DIR}/Stripe.namedCredential-meta.xml`]: nc('https://api.stripe.com') });
      const facts = await json(root, ['--cache']);
      assert.ok(!facts.j.findings.some(f => f.ruleId === 'remote-site-without-named-credential'), JSON.stringify(facts.j.findings.map(f => f.ruleId)));
    });

    it('files older than the run are vouched for by size and mtime (no read); an edit changes both and is re-linted', async () => {
      const old = new Date(Date.now() - 3600_000);
      for (const f of [CLS, '.env', `${RS_DIR}/Stripe.remoteSite-meta.xml`, 'sfdx-project.json']) { utimesSync(path.join(root, f), old, old); }
      const plain = await json(root, []);
      await json(root, ['--cache']);
      // v3: per folder [names, digests, sizes, mtimes, reports].
      const stored = JSON.parse(readFileSync(path.join(root, '.apiguardcache'), 'utf8')) as { files: Record<string, [string, string, unknown[], unknown[]]> };
      const stamps = Object.values(stored.files).flatMap(f => f[2].map((s, i) => [s, f[3][i]]));
      assert.ok(stamps.length === 4 && stamps.every(([s, m]) => typeof s === 'number' && typeof m === 'number'), 'stamped');
      const before = statSync(path.join(root, '.apiguardcache')).mtimeMs;
      const again = await json(root, ['--cache']);
      assert.deepStrictEqual(strip(again.j), strip(plain.j));
      assert.strictEqual(statSync(path.join(root, '.apiguardcache')).mtimeMs, before, 'nothing changed: the cache file is not rewritten');
      writeFileSync(path.join(root, '.env'), ENV_FILE.replace('DB_PASSWORD', 'DB_HOST'));
      const edited = await json(root, ['--cache']);
      assert.ok(!edited.j.findings.some(f => f.path === '.env'), JSON.stringify(edited.j.findings));
    });

    it('--cache-location; a corrupt or unreadable cache is an empty cache, said on stderr, with complete results', async () => {
      const plain = await json(root, []);
      writeFiles(root, { 'tmp/c.cache': '{not json' });
      const r = await json(root, ['--cache', '--cache-location', 'tmp/c.cache']);
      assert.strictEqual(r.code, 1);
      assert.deepStrictEqual(strip(r.j), strip(plain.j));
      assert.match(r.err, /^apiguard scan: warning: the cache tmp\/c\.cache is not a cache file API Guard can read \(not JSON\): every file is linted again and the cache rewritten\n$/);
      assert.match(readFileSync(path.join(root, 'tmp/c.cache'), 'utf8'), /^\{"format":"apiguard-cache\/v3"/);
      // The right key, but entries that are not results (a hand edit, another tool): dropped, never a crash.
      const good = JSON.parse(readFileSync(path.join(root, 'tmp/c.cache'), 'utf8')) as { files: Record<string, unknown[]> };
      for (const f of Object.values(good.files)) { f[4] = { x: 5 }; }
      writeFileSync(path.join(root, 'tmp/c.cache'), JSON.stringify(good));
      const mangled = await json(root, ['--cache', '--cache-location', 'tmp/c.cache']);
      assert.deepStrictEqual([mangled.code, strip(mangled.j)], [1, strip(plain.j)]);
      assert.match(mangled.err, /warning: the cache tmp\/c\.cache .*entries that are not results/);
      // A folder where the cache file should be: it can be neither read nor written.
      writeFiles(root, { 'tmp/dir/keep': '' });
      const d = await json(root, ['--cache', '--cache-location', 'tmp/dir']);
      assert.deepStrictEqual([d.code, strip(d.j)], [1, strip(plain.j)]);
      assert.match(d.err, /^apiguard scan: warning: cannot read the cache tmp\/dir \(EISDIR\): every file is linted again\n/m);
      assert.match(d.err, /^apiguard scan: warning: cannot write the cache tmp\/dir \(EISDIR\); results are complete\n/m);
      const u = await cli(root, ['--cache-location', 'x']);
      assert.deepStrictEqual([u.code, u.err], [2, 'apiguard scan: --cache-location needs --cache\n']);
    });
  });
});
