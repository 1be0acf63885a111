import * as assert from 'assert';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { main } from '../../src/cli/main';
import { run as scan } from '../../src/cli/commands/scan';
import type { Engine } from '../../src/core/engine';
import { allRules } from '../../src/rules';
import { CLEAN_CLASS, fixtureEngine, recordingIO, removeProject, S3_UPLOADER, SFDX_PROJECT, tempProject } from './helpers/project';

/** A project whose only finding is a warning (plain http) and an info (debug call). */
const WARN_ONLY = S3_UPLOADER.replace("'AKIAIOSFODNN7EXAMPLE'", "Settings__c.getOrgDefaults().Key_Id__c");

describe('apiguard scan (CLI)', () => {
  let engine: Engine;
  let root: string;
  before(async () => {
    engine = await fixtureEngine();
    root = tempProject({
      'sfdx-project.json': SFDX_PROJECT,
      '.forceignore': 'force-app/main/default/classes/Ignored.cls\n',
      'force-app/main/default/classes/S3InvoiceUploader.cls': S3_UPLOADER,
      'force-app/main/default/classes/Ignored.cls': S3_UPLOADER,
      'force-app/main/default/classes/AccountService.cls': CLEAN_CLASS,
      'force-app/main/default/classes/Broken.cls': 'public class Broken {\n    public void go( {\n',
      'warn/force-app/main/default/classes/Exporter.cls': WARN_ONLY,
      'warn/sfdx-project.json': SFDX_PROJECT,
      'clean/sfdx-project.json': SFDX_PROJECT,
      'clean/force-app/main/default/classes/AccountService.cls': CLEAN_CLASS,
    });
  });
  after(() => removeProject(root));

  const cli = async (args: string[], cwd = root, opts: Parameters<typeof recordingIO>[1] = {}) => {
    const io = recordingIO(cwd, opts);
    const code = await scan(args, io, { engine });
    return { code, out: io.stdout, err: io.stderr };
  };

  it('text: groups by file, file:line:col severity rule message, notes, summary; exit 1 on an error', async () => {
    const r = await cli([]);
    assert.strictEqual(r.code, 1);
    assert.strictEqual(r.err, '', 'nothing on stderr');
    const lines = r.out.split('\n');
    const header = lines.indexOf('force-app/main/default/classes/S3InvoiceUploader.cls');
    assert.ok(header >= 0, r.out);
    assert.strictEqual(lines[header + 1], '  force-app/main/default/classes/S3InvoiceUploader.cls:5:50 error aws-key Found an AWS access key id (20 chars).');
    assert.strictEqual(lines[header + 2], '  force-app/main/default/classes/S3InvoiceUploader.cls:11:26 warning plain-http Found a plain http:// URL (40 chars).');
    assert.match(r.out, /Broken\.cls\n {2}note: parse-error: Apex syntax error near line \d+/);
    assert.ok(!r.out.includes('Ignored.cls'), '.forceignore honoured');
    assert.ok(!r.out.includes('AccountService.cls'), 'clean files are not listed');
    assert.ok(!r.out.includes('\u001b['), 'no colours when not a TTY');
    assert.match(lines.filter(Boolean).pop()!, /^✖ 1 error, 2 warnings, 2 info \(1 note\) in \d+ files, \d+ ms$/);
  });

  it('colours on a TTY only (and NO_COLOR wins)', async () => {
    const tty = await cli([], root, { isTTY: true });
    assert.ok(tty.out.includes('\u001b[31merror\u001b[0m'), tty.out);
    const noColor = await cli([], root, { isTTY: true, env: { NO_COLOR: '1' } });
    assert.ok(!noColor.out.includes('\u001b['));
  });

  it('--fail-on decides the exit status', async () => {
    const warn = path.join(root, 'warn');
    assert.strictEqual((await cli([], warn)).code, 0, 'default error: a warning does not fail');
    assert.strictEqual((await cli(['--fail-on', 'warning'], warn)).code, 1);
    assert.strictEqual((await cli(['--fail-on=info'], warn)).code, 1);
    assert.strictEqual((await cli(['--fail-on', 'never'])).code, 0, 'never: even errors pass');
    assert.strictEqual((await cli([], path.join(root, 'clean'))).code, 0);
  });

  it('suppressed findings do not count toward the exit status and are shown as suppressed', async () => {
    const p = tempProject({ 'sfdx-project.json': SFDX_PROJECT, 'classes/K.cls': S3_UPLOADER.replace("    private static final String ACCESS_KEY_ID", "    // apiguard-disable-next-line aws-key -- demo bucket, read-only\n    private static final String ACCESS_KEY_ID") });
    try {
      const r = await cli([], p);
      assert.strictEqual(r.code, 0);
      assert.match(r.out, /K\.cls:6:50 error aws-key Found an AWS access key id \(20 chars\)\. \[suppressed \(inline\): demo bucket, read-only\]/);
      assert.match(r.out, /0 errors, 1 warning, 1 info \(1 suppressed\)/);
      const q = await cli(['--quiet', '--fail-on', 'warning'], p);
      assert.ok(!q.out.includes('[suppressed') && !q.out.includes('debug-call') && q.out.includes('plain-http'), q.out);
    } finally { removeProject(p); }
  });

  it('scans only the given paths, relative to the project root found above them', async () => {
    const r = await cli(['force-app/main/default/classes/Broken.cls', 'warn']);
    assert.strictEqual(r.code, 0);
    assert.match(r.out, /^force-app\/main\/default\/classes\/Broken\.cls$/m);
    assert.match(r.out, /^ {2}warn\/force-app\/main\/default\/classes\/Exporter\.cls:11:26 warning plain-http/m);
    assert.ok(!r.out.includes('S3InvoiceUploader'));
    // From a subfolder the root is still the folder with sfdx-project.json: paths stay project-relative.
    const sub = await cli(['.'], path.join(root, 'force-app/main/default'));
    assert.match(sub.out, /^ {2}force-app\/main\/default\/classes\/S3InvoiceUploader\.cls:5:50 /m);
    assert.ok(!sub.out.includes('Ignored.cls'));
  });

  it('--format json and --format sarif on stdout are valid JSON with the findings', async () => {
    const j = await cli(['--format', 'json']);
    const report = JSON.parse(j.out) as { findings: Array<{ ruleId: string; path: string }>; summary: { error: number } };
    assert.strictEqual(report.summary.error, 1);
    assert.ok(report.findings.some(f => f.ruleId === 'aws-key' && f.path === 'force-app/main/default/classes/S3InvoiceUploader.cls'));
    const s = await cli(['-f', 'sarif']);
    const log = JSON.parse(s.out) as { version: string; runs: Array<{ tool: { driver: { rules: Array<{ id: string }> } }; results: unknown[] }> };
    assert.strictEqual(log.version, '2.1.0');
    assert.deepStrictEqual(log.runs[0].tool.driver.rules.map(x => x.id), ['aws-key', 'plain-http', 'debug-call']);
    assert.strictEqual(log.runs[0].results.length, 5);
    assert.strictEqual(s.code, 1);
  });

  it('--output writes the report to a file and prints one line', async () => {
    const file = path.join(root, 'out.sarif');
    const r = await cli(['--format', 'sarif', '--output', 'out.sarif']);
    assert.strictEqual(r.code, 1);
    assert.strictEqual((JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version, '2.1.0');
    assert.match(r.out, /^apiguard: 5 findings in \d+ files; sarif report written to out\.sarif\n$/);
    const q = await cli(['--format', 'sarif', '-o', file, '--quiet']);
    assert.strictEqual(q.out, '');
    const bad = await cli(['-o', path.join(root, 'no-such-dir', 'x.txt')]);
    assert.strictEqual(bad.code, 2);
    assert.match(bad.err, /cannot write .*x\.txt: ENOENT/);
  });

  it('--include-tests and the config file reach the engine', async () => {
    const p = tempProject({ 'sfdx-project.json': SFDX_PROJECT, 'classes/K.cls': S3_UPLOADER,
      '.apiguard.json': JSON.stringify({ rules: { 'aws-key': 'warning', 'plain-http': 'off' } }),
      'alt.json': JSON.stringify({ rules: { 'debug-call': 'off' } }) });
    try {
      const r = await cli([], p);
      assert.strictEqual(r.code, 0, 'aws-key downgraded to a warning');
      assert.ok(r.out.includes('warning aws-key') && !r.out.includes('plain-http'));
      const alt = await cli(['--config', 'alt.json'], p);
      assert.ok(alt.out.includes('error aws-key') && alt.out.includes('plain-http') && !alt.out.includes('debug-call'));
      assert.strictEqual(alt.code, 1);
    } finally { removeProject(p); }
  });

  it('progress goes to stderr only on a TTY and only after a second', async () => {
    const r = await cli([], root, { errIsTTY: true });
    assert.strictEqual(r.err, '', 'a fast scan prints no progress');
    // A clock that says each step takes 1.5 s: a slow scan.
    let t = 0;
    const slow = async (errIsTTY: boolean) => {
      const io = recordingIO(root, { errIsTTY });
      const code = await scan([], io, { engine, now: () => (t += 1500) });
      return { code, io };
    };
    const tty = await slow(true);
    assert.ok(tty.io.stderr.startsWith('\r\u001b[Kapiguard: '), tty.io.stderr);
    assert.match(tty.io.stderr, /apiguard: scanning \d+\/\d+ files…/);
    assert.ok(tty.io.stderr.endsWith('\r\u001b[K'), 'the progress line is cleared at the end');
    assert.ok(!tty.io.stdout.includes('scanning'), 'stdout holds only the report');
    assert.strictEqual(tty.code, 1);
    const piped = await slow(false);
    assert.strictEqual(piped.io.stderr, '', 'stderr not a terminal: no progress');
  });
});

describe('apiguard (main, in-process)', () => {
  it('exit 2 with a message naming the problem: config errors, bad options, missing paths', async () => {
    const p = tempProject({ 'sfdx-project.json': SFDX_PROJECT, '.apiguard.json': '{"rules":{"hardcoded-secrets":"off"}}', 'classes/A.cls': CLEAN_CLASS });
    try {
      const cases: Array<[string[], RegExp]> = [
        [['scan'], /configuration error: .apiguard.json: unknown rule "hardcoded-secrets"/],
        [['scan', '--config', 'missing.json'], /configuration error: cannot read config file .*missing\.json/],
        [['scan', '--format', 'xml'], /option --format must be one of text, json, sarif \(got "xml"\)/],
        [['scan', '--fail-on'], /option --fail-on needs a value/],
        [['scan', '--frobnicate'], /unknown option --frobnicate/],
        [['scan', 'no/such/dir'], /no such file or folder: no\/such\/dir/],
        [['lint'], /unknown command "lint"/],
        [['rules', '--format', 'yaml'], /option --format must be one of text, json/],
      ];
      for (const [argv, re] of cases) {
        const io = recordingIO(p);
        assert.strictEqual(await main(argv, io), 2, argv.join(' '));
        assert.match(io.stderr, re);
        assert.strictEqual(io.stdout, '');
      }
      writeFileSync(path.join(p, '.apiguard.json'), '{"rules": {');
      const io = recordingIO(p);
      assert.strictEqual(await main(['scan'], io), 2);
      assert.match(io.stderr, /configuration error: .apiguard.json: not valid JSON/);
    } finally { removeProject(p); }
  });

  it('scan --help and rules --format json', async () => {
    const h = recordingIO('/');
    assert.strictEqual(await main(['scan', '--help'], h), 0);
    assert.match(h.stdout, /--fail-on LEVEL/);
    const io = recordingIO('/');
    assert.strictEqual(await main(['rules', '--format', 'json'], io), 0);
    const rules = JSON.parse(io.stdout) as Array<{ id: string; defaultSeverity: string; docs: string }>;
    assert.deepStrictEqual(rules.map(r => r.id), allRules.map(r => r.meta.id));
    assert.ok(rules.every(r => ['error', 'warning', 'info'].includes(r.defaultSeverity) && r.docs.endsWith(`${r.id}/docs.md`)));
  });

  it('with every product rule: broken, binary, empty and 5 MB one-line files get notes, and the other files\' findings are all reported', async () => {
    const payments = `public with sharing class PaymentGateway {
    private static final String SECRET_KEY = 'sk_live_' + '4eC39HqLyjWDarjtT1zdp7dc9Zq2mVxN';

    public static HttpResponse refund(String chargeId) {
        HttpRequest req = new HttpRequest();
        req.setEndpoint('https://api.stripe.com/v1/refunds');
        req.setMethod('POST');
        req.setHeader('Authorization', 'Bearer ' + SECRET_KEY);
        req.setBody('charge=' + EncodingUtil.urlEncode(chargeId, 'UTF-8'));
        return new Http().send(req);
    }
}
`;
    const p = tempProject({
      'sfdx-project.json': SFDX_PROJECT,
      'force-app/main/default/classes/PaymentGateway.cls': payments,
      // Something a rule looks for, so the text pre-check sends it to the parser (a broken class no rule could
      // fire in is not parsed, and no finding can be missing there).
      'force-app/main/default/classes/Broken.cls': 'public class Broken {\n    public void go( {\n        req.setEndpoint(url;\n',
      'force-app/main/default/classes/Empty.cls': '',
      'force-app/main/default/classes/Minified.cls': 'public class Minified { ' + 'Integer i = 0; '.repeat(360000) + '}',
      'force-app/main/default/staticresources/vendor.js': 'var a="' + 'x'.repeat(64) + '";'.repeat(1) + 'function f(n){return n+1;}'.repeat(200000),
      'certs/server.key': Buffer.concat([Buffer.from([0x30, 0x82, 0x04, 0xa4, 0x02, 0x01, 0x00]), Buffer.alloc(1200, 7)]),
      '.env': 'SF_USERNAME=ci@acme.example.com\nAWS_ACCESS_KEY_ID=AKIA2E3AQF3B2Y4C7T6K\n',
    });
    try {
      const io = recordingIO(p);
      const code = await main(['scan', '--format', 'json'], io);
      assert.strictEqual(code, 1);
      assert.strictEqual(io.stderr, '');
      const report = JSON.parse(io.stdout) as { findings: Array<{ ruleId: string; path: string }>; notes: Array<{ path: string; code: string }>; summary: { filesScanned: number } };
      const notes = new Map(report.notes.map(n => [n.path.split('/').pop(), n.code]));
      assert.strictEqual(notes.get('Broken.cls'), 'parse-error');
      assert.strictEqual(notes.get('Empty.cls'), 'empty');
      assert.strictEqual(notes.get('Minified.cls'), 'too-large');
      assert.strictEqual(notes.get('server.key'), 'binary');
      assert.strictEqual(report.summary.filesScanned, 8);
      const rules = (file: string) => new Set(report.findings.filter(f => f.path.endsWith(file)).map(f => f.ruleId));
      assert.ok(rules('PaymentGateway.cls').has('hardcoded-secret'), JSON.stringify(report.findings));
      assert.ok(rules('PaymentGateway.cls').has('callout-without-named-credential'));
      assert.ok(rules('.env').has('hardcoded-secret'));
    } finally { removeProject(p); }
  });

  it('with every product rule, a clean project exits 0 with a summary and nothing on stderr', async () => {
    const p = tempProject({ 'sfdx-project.json': SFDX_PROJECT, 'force-app/main/default/classes/AccountService.cls': CLEAN_CLASS,
      'force-app/main/default/classes/AccountService.cls-meta.xml': '<?xml version="1.0" encoding="UTF-8"?>\n<ApexClass xmlns="http://soap.sforce.com/2006/04/metadata">\n    <apiVersion>62.0</apiVersion>\n    <status>Active</status>\n</ApexClass>\n' });
    try {
      const io = recordingIO(p);
      assert.strictEqual(await main(['scan'], io), 0, io.stdout);
      assert.match(io.stdout, /^✔ 0 errors, 0 warnings, 0 info in 3 files, \d+ ms\n$/);
      assert.strictEqual(io.stderr, '');
    } finally { removeProject(p); }
  });
});
