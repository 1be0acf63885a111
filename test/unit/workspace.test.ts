import * as assert from 'assert';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { discoverFiles } from '../../src/node/discover';
import { findProjectRoot, loadConfig } from '../../src/node/config';
import { scanProject, type ScanProgress } from '../../src/node/scan';
import { ConfigError, defaultConfig } from '../../src/core/config';
import { Engine } from '../../src/core/engine';
import { defineRule } from '../../src/core/rule';
import { CLEAN_CLASS, fixtureEngine, removeProject, S3_UPLOADER, SFDX_PROJECT, tempProject } from './helpers/project';

const META = `<?xml version="1.0" encoding="UTF-8"?>
<ApexClass xmlns="http://soap.sforce.com/2006/04/metadata">
    <apiVersion>62.0</apiVersion>
    <status>Active</status>
</ApexClass>
`;

describe('workspace discovery', () => {
  let root: string;
  before(() => {
    root = tempProject({
      'sfdx-project.json': SFDX_PROJECT,
      '.forceignore': '# Salesforce CLI ignore\n**/jsconfig.json\n**/.eslintrc.json\n**/__tests__/**\nforce-app/main/default/staticresources/vendor\n',
      '.gitignore': '.sfdx/\n.sf/\n*.log\ncoverage/\n/scratch-output/\n',
      'force-app/main/default/classes/S3InvoiceUploader.cls': S3_UPLOADER,
      'force-app/main/default/classes/S3InvoiceUploader.cls-meta.xml': META,
      'force-app/main/default/lwc/invoiceList/invoiceList.js': 'export default class InvoiceList {}\n',
      'force-app/main/default/lwc/invoiceList/__tests__/invoiceList.test.js': 'const key = "AKIAIOSFODNN7EXAMPLE";\n',
      'force-app/main/default/lwc/jsconfig.json': '{}\n',
      'force-app/main/default/staticresources/vendor/lib.js': 'var x = 1;\n',
      'force-app/main/default/staticresources/logo.png': Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0]),
      'node_modules/some-lib/index.js': 'module.exports = 1;\n',
      '.sfdx/sfdx-config.json': '{}\n',
      '.sf/config.json': '{}\n',
      '.git/config': '[core]\n',
      '.vscode-host/data/x.json': '{}\n',
      'coverage/report.json': '{}\n',
      'scratch-output/out.json': '{}\n',
      'tools/scratch-output/keep.json': '{}\n',
      'debug.log': 'x\n',
      'scripts/.gitignore': 'generated/\n',
      'scripts/generated/token.json': '{"token":"x"}\n',
      'scripts/deploy.sh': '#!/bin/sh\nsf project deploy start\n',
      'config/project-scratch-def.json': '{"edition":"Developer"}\n',
      '.env': 'SF_USERNAME=ci@example.com\n',
      'legacy/Old.cls': 'public class Old {}\n',
    });
  });
  after(() => removeProject(root));

  const rel = (files: string[]) => files.map(f => path.relative(root, f).split(path.sep).join('/'));

  it('walks the tree, honouring .forceignore, .gitignore (root and nested) and the always-excluded folders', async () => {
    const files = rel(await discoverFiles(root));
    assert.deepStrictEqual(files, [
      '.env',
      'config/project-scratch-def.json',
      'force-app/main/default/classes/S3InvoiceUploader.cls',
      'force-app/main/default/classes/S3InvoiceUploader.cls-meta.xml',
      'force-app/main/default/lwc/invoiceList/invoiceList.js',
      'legacy/Old.cls',
      'scripts/deploy.sh',
      'sfdx-project.json',
      'tools/scratch-output/keep.json',
    ]);
  });

  it('applies the config exclude globs (gitignore syntax, relative to the root)', async () => {
    const files = rel(await discoverFiles(root, { exclude: ['legacy/', '*.sh', 'config/**'] }));
    assert.ok(!files.some(f => f.startsWith('legacy/') || f.endsWith('.sh') || f.startsWith('config/')), files.join());
    assert.ok(files.includes('force-app/main/default/classes/S3InvoiceUploader.cls'));
  });

  it('restricts the walk to folders under the root, still applying the root ignore rules', async () => {
    const files = rel(await discoverFiles(root, {}, undefined, [path.join(root, 'force-app')]));
    assert.deepStrictEqual(files, [
      'force-app/main/default/classes/S3InvoiceUploader.cls',
      'force-app/main/default/classes/S3InvoiceUploader.cls-meta.xml',
      'force-app/main/default/lwc/invoiceList/invoiceList.js',
    ]);
  });

  it('stops when the signal is aborted', async () => {
    const ac = new AbortController();
    ac.abort();
    assert.deepStrictEqual(await discoverFiles(root, {}, ac.signal), []);
  });

  it('finds the project root from a subfolder', () => {
    assert.strictEqual(findProjectRoot(path.join(root, 'force-app/main/default/classes'), '/'), root);
    assert.strictEqual(findProjectRoot(path.join(root, 'force-app/main/default/classes/S3InvoiceUploader.cls'), '/'), root);
  });
});

describe('loadConfig', () => {
  const known = new Set(['aws-key', 'plain-http']);
  it('defaults when there is no .apiguard.json', async () => {
    const root = tempProject({ 'sfdx-project.json': SFDX_PROJECT });
    try { assert.deepStrictEqual(await loadConfig(root, undefined, known), defaultConfig()); } finally { removeProject(root); }
  });
  it('reads rules, exclude and includeTests', async () => {
    const root = tempProject({ '.apiguard.json': JSON.stringify({ rules: { 'plain-http': 'off', 'aws-key': 'warning' }, exclude: ['legacy/**'], includeTests: true }) });
    try {
      assert.deepStrictEqual(await loadConfig(root, undefined, known), { rules: { 'plain-http': 'off', 'aws-key': 'warning' }, exclude: ['legacy/**'], includeTests: true });
    } finally { removeProject(root); }
  });
  it('names the problem: unknown rule, bad level, bad JSON, missing explicit file', async () => {
    const cases: Array<[string, RegExp]> = [
      ['{"rules":{"hardcoded-secrets":"off"}}', /unknown rule "hardcoded-secrets"/],
      ['{"rules":{"aws-key":"high"}}', /rule "aws-key" must be off, error, warning or info/],
      ['{"rules":{"aws-key":"off",}}', /not valid JSON/],
      ['{"exclude":"legacy"}', /"exclude" must be an array/],
      ['{"ignore":["x"]}', /unknown key "ignore"/],
    ];
    for (const [text, re] of cases) {
      const root = tempProject({ '.apiguard.json': text });
      try {
        await assert.rejects(loadConfig(root, undefined, known), (e: Error) => e instanceof ConfigError && re.test(e.message) && e.message.includes('.apiguard.json'));
      } finally { removeProject(root); }
    }
    await assert.rejects(loadConfig('/nonexistent-root', '/nonexistent-root/custom.json', known), (e: Error) => e instanceof ConfigError && /cannot read config file .*custom\.json/.test(e.message));
  });
});

describe('scanProject', () => {
  let engine: Engine;
  before(async () => { engine = await fixtureEngine(); });

  it('lints every discovered file, keeps only reports with findings or notes, with fingerprints', async () => {
    const root = tempProject({
      'sfdx-project.json': SFDX_PROJECT,
      'force-app/main/default/classes/S3InvoiceUploader.cls': S3_UPLOADER,
      'force-app/main/default/classes/AccountService.cls': CLEAN_CLASS,
      '.env': 'AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n',
    });
    try {
      const progress: ScanProgress[] = [];
      const r = await scanProject({ root, config: defaultConfig(), engine, onProgress: p => progress.push(p) });
      assert.strictEqual(r.filesScanned, 4);
      assert.strictEqual(r.cancelled, false);
      assert.deepStrictEqual(r.reports.map(x => path.basename(x.path)), ['.env', 'S3InvoiceUploader.cls']);
      const cls = r.reports[1];
      assert.deepStrictEqual(cls.findings.map(f => `${f.ruleId}@${f.range.start.line + 1}`), ['aws-key@5', 'plain-http@11', 'debug-call@14']);
      assert.strictEqual(cls.fingerprints?.length, 3);
      assert.deepStrictEqual(progress[progress.length - 1], { phase: 'lint', done: 4, total: 4 });
      assert.strictEqual(progress[0].phase, 'discover');
    } finally { removeProject(root); }
  });

  it('strips a UTF-8 byte-order mark so columns match the editor', async () => {
    const root = tempProject({ 'classes/S3InvoiceUploader.cls': Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(S3_UPLOADER)]) });
    try {
      const r = await scanProject({ root, config: defaultConfig(), engine });
      assert.deepStrictEqual(r.reports[0].findings[0].range.start, { line: 4, character: 49 });
    } finally { removeProject(root); }
  });

  it('applies rule severities and off from the config', async () => {
    const root = tempProject({ 'classes/S3InvoiceUploader.cls': S3_UPLOADER });
    try {
      const r = await scanProject({ root, config: { ...defaultConfig(), rules: { 'plain-http': 'off', 'aws-key': 'warning' } }, engine });
      assert.deepStrictEqual(r.reports[0].findings.map(f => `${f.ruleId}:${f.severity}`), ['aws-key:warning', 'debug-call:info']);
    } finally { removeProject(root); }
  });

  it('per-file guards: broken Apex, binary, empty, 5 MB on one line, over 8 MB, not a regular file; the scan goes on', async () => {
    const oneLine = 'public class Minified { String k = \'AKIAIOSFODNN7EXAMPLE\'; ' + 'Integer i = 0; '.repeat(350000) + '}';
    assert.ok(oneLine.length > 5 * 1024 * 1024);
    const root = tempProject({
      'sfdx-project.json': SFDX_PROJECT,
      'force-app/main/default/classes/Broken.cls': 'public class Broken {\n    public void go( {\n        String k = \'AKIAIOSFODNN7EXAMPLF\';\n',
      'force-app/main/default/classes/Empty.cls': '',
      'force-app/main/default/classes/Minified.cls': oneLine,
      'certs/server.key': Buffer.concat([Buffer.from([0x30, 0x82, 0x04, 0xa4, 0x02, 0x01, 0x00]), Buffer.alloc(1200, 7)]),
      'data/huge.json': '{"a":"' + 'x'.repeat(9 * 1024 * 1024) + '"}',
      'force-app/main/default/classes/S3InvoiceUploader.cls': S3_UPLOADER,
      '.env': 'AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n',
    });
    const fifo = path.join(root, 'pipe.env');
    execFileSync('mkfifo', [fifo]);
    try {
      const r = await scanProject({ root, paths: [root, fifo], config: defaultConfig(), engine });
      const byName = new Map(r.reports.map(x => [path.basename(x.path), x]));
      const codes = (n: string) => byName.get(n)?.notes.map(x => x.code) ?? [];
      assert.deepStrictEqual(codes('Broken.cls'), ['parse-error']);
      assert.ok(byName.get('Broken.cls')!.findings.some(f => f.ruleId === 'aws-key'), 'findings before the syntax error are kept');
      assert.deepStrictEqual(codes('Empty.cls'), ['empty']);
      assert.deepStrictEqual(codes('server.key'), ['binary']);
      assert.deepStrictEqual(codes('Minified.cls'), ['too-large']);
      assert.ok(byName.get('Minified.cls')!.findings.some(f => f.ruleId === 'aws-key'), 'the text rules still run on a file too large to parse');
      assert.deepStrictEqual(codes('huge.json'), ['too-large']);
      assert.match(byName.get('huge.json')!.notes[0].message, /9\.0 MB: larger than 8 MB, so it was not read/);
      assert.deepStrictEqual(codes('pipe.env'), ['unreadable']);
      // The other files' findings are all still there.
      assert.deepStrictEqual(byName.get('S3InvoiceUploader.cls')!.findings.map(f => f.ruleId), ['aws-key', 'plain-http', 'debug-call']);
      assert.deepStrictEqual(byName.get('.env')!.findings.map(f => f.ruleId), ['aws-key']);
      assert.strictEqual(r.notes.length, 6);
    } finally { removeProject(root); }
  });

  it('builds the project index from every Named Credential and Remote Site under the root, also for a partial scan', async () => {
    const seen: string[] = [];
    const probe = new Engine([defineRule({
      meta: { id: 'probe', type: 'problem', defaultSeverity: 'info', description: 'records the project index', kinds: ['apex'], messages: { m: 'x' } },
      check(ctx) { seen.push(`${ctx.project.sourceApiVersion}|${ctx.project.namedCredentials.map(n => `${n.name}=${n.url}`).join()}|${ctx.project.remoteSites.map(r => r.name).join()}`); },
    })]);
    const root = tempProject({
      'sfdx-project.json': SFDX_PROJECT,
      'force-app/main/default/classes/S3InvoiceUploader.cls': S3_UPLOADER,
      'force-app/main/default/namedCredentials/Stripe.namedCredential-meta.xml': `<?xml version="1.0" encoding="UTF-8"?>
<NamedCredential xmlns="http://soap.sforce.com/2006/04/metadata">
    <allowMergeFieldsInBody>false</allowMergeFieldsInBody>
    <allowMergeFieldsInHeader>true</allowMergeFieldsInHeader>
    <calloutStatus>Enabled</calloutStatus>
    <generateAuthorizationHeader>false</generateAuthorizationHeader>
    <label>Stripe</label>
    <namedCredentialParameters>
        <parameterName>Url</parameterName>
        <parameterType>Url</parameterType>
        <parameterValue>https://api.stripe.com</parameterValue>
    </namedCredentialParameters>
    <namedCredentialType>SecuredEndpoint</namedCredentialType>
</NamedCredential>
`,
      'force-app/main/default/remoteSiteSettings/S3.remoteSite-meta.xml': `<?xml version="1.0" encoding="UTF-8"?>
<RemoteSiteSetting xmlns="http://soap.sforce.com/2006/04/metadata">
    <disableProtocolSecurity>false</disableProtocolSecurity>
    <isActive>true</isActive>
    <url>https://invoices-archive.s3.amazonaws.com</url>
</RemoteSiteSetting>
`,
    });
    try {
      await scanProject({ root, config: defaultConfig(), engine: probe });
      await scanProject({ root, paths: ['force-app/main/default/classes'], config: defaultConfig(), engine: probe });
      assert.deepStrictEqual(seen, ['62.0|Stripe=https://api.stripe.com|S3', '62.0|Stripe=https://api.stripe.com|S3']);
    } finally { removeProject(root); }
  });

  it('stops between files when aborted and says so', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 40; i++) { files[`classes/C${i}.cls`] = S3_UPLOADER.replace('S3InvoiceUploader', `C${i}`); }
    const root = tempProject(files);
    try {
      const ac = new AbortController();
      const r = await scanProject({ root, config: defaultConfig(), engine, signal: ac.signal,
        onProgress: p => { if (p.phase === 'lint' && p.done === 0) { setImmediate(() => ac.abort()); } } });
      assert.ok(r.cancelled);
      assert.ok(r.filesScanned < 40, `scanned ${r.filesScanned}`);
      assert.strictEqual(r.reports.length, r.filesScanned);
    } finally { removeProject(root); }
  });

  it('scans only the named paths; a named file is scanned even when ignored', async () => {
    const root = tempProject({
      '.forceignore': 'force-app/main/default/classes/Ignored.cls\n',
      'force-app/main/default/classes/Ignored.cls': S3_UPLOADER,
      'force-app/main/default/classes/Other.cls': S3_UPLOADER,
      'scripts/setup.env': 'AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE\n',
    });
    try {
      const a = await scanProject({ root, paths: ['force-app'], config: defaultConfig(), engine });
      assert.deepStrictEqual(a.reports.map(x => path.basename(x.path)), ['Other.cls']);
      const b = await scanProject({ root, paths: ['force-app/main/default/classes/Ignored.cls'], config: defaultConfig(), engine });
      assert.deepStrictEqual(b.reports.map(x => path.basename(x.path)), ['Ignored.cls']);
    } finally { removeProject(root); }
  });
});
