import * as assert from 'assert';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { scanProject, sha256Hex, type ScanResult } from '../../src/node/scan';
import { defaultConfig } from '../../src/core/config';
import type { Engine } from '../../src/core/engine';
import { toSarif, FINGERPRINT_KEY, type SarifLog } from '../../src/core/report/sarif';
import { toJsonReport } from '../../src/core/report/json';
import { relativePath } from '../../src/core/report/model';
import { compareWithBaseline, createBaseline } from '../../src/core/report/baseline';
import { fingerprintFindings } from '../../src/core/report/fingerprint';
import { LineIndex } from '../../src/core/position';
import type { Finding } from '../../src/core/types';
import { createEngine } from '../../src/node/createEngine';
import { allRules } from '../../src/rules';
import { ruleDocs } from '../../src/rules/docs.generated';
import { fixtureEngine, fixtureRules, removeProject, S3_UPLOADER, SFDX_PROJECT, tempProject } from './helpers/project';

/*
 * Checks the essential constraints of the SARIF 2.1.0 schema (oasis-tcs/sarif-spec
 * Schemata/sarif-schema-2.1.0.json) for the objects apiguard writes: required properties, enums,
 * minimums, and `additionalProperties: false` (every object we emit may only use the schema's keys).
 */
const ALLOWED: Record<string, string[]> = {
  log: ['$schema', 'version', 'runs', 'inlineExternalProperties', 'properties'],
  run: ['tool', 'invocations', 'conversion', 'language', 'versionControlProvenance', 'originalUriBaseIds', 'artifacts', 'logicalLocations', 'graphs', 'results', 'automationDetails', 'runAggregates', 'baselineGuid', 'redactionTokens', 'defaultEncoding', 'defaultSourceLanguage', 'newlineSequences', 'columnKind', 'externalPropertyFileReferences', 'threadFlowLocations', 'taxonomies', 'addresses', 'translations', 'policies', 'webRequests', 'webResponses', 'specialLocations', 'properties'],
  tool: ['driver', 'extensions', 'properties'],
  toolComponent: ['guid', 'name', 'organization', 'product', 'productSuite', 'shortDescription', 'fullDescription', 'fullName', 'version', 'semanticVersion', 'dottedQuadFileVersion', 'releaseDateUtc', 'downloadUri', 'informationUri', 'globalMessageStrings', 'notifications', 'rules', 'taxa', 'locations', 'language', 'contents', 'isComprehensive', 'localizedDataSemanticVersion', 'minimumRequiredLocalizedDataSemanticVersion', 'associatedComponent', 'translationMetadata', 'supportedTaxonomies', 'properties'],
  reportingDescriptor: ['id', 'deprecatedIds', 'guid', 'deprecatedGuids', 'name', 'deprecatedNames', 'shortDescription', 'fullDescription', 'messageStrings', 'defaultConfiguration', 'helpUri', 'help', 'relationships', 'properties'],
  multiformatMessageString: ['text', 'markdown', 'properties'],
  reportingConfiguration: ['enabled', 'level', 'rank', 'parameters', 'properties'],
  result: ['ruleId', 'ruleIndex', 'rule', 'kind', 'level', 'message', 'analysisTarget', 'locations', 'guid', 'correlationGuid', 'occurrenceCount', 'partialFingerprints', 'fingerprints', 'stacks', 'codeFlows', 'graphs', 'graphTraversals', 'relatedLocations', 'suppressions', 'baselineState', 'rank', 'attachments', 'hostedViewerUri', 'workItemUris', 'provenance', 'fixes', 'taxa', 'webRequest', 'webResponse', 'properties'],
  message: ['text', 'markdown', 'id', 'arguments', 'properties'],
  location: ['id', 'physicalLocation', 'logicalLocations', 'message', 'annotations', 'relationships', 'properties'],
  physicalLocation: ['address', 'artifactLocation', 'region', 'contextRegion', 'properties'],
  artifactLocation: ['uri', 'uriBaseId', 'index', 'description', 'properties'],
  region: ['startLine', 'startColumn', 'endLine', 'endColumn', 'charOffset', 'charLength', 'byteOffset', 'byteLength', 'snippet', 'message', 'sourceLanguage', 'properties'],
  suppression: ['guid', 'kind', 'status', 'justification', 'location', 'properties'],
  invocation: ['commandLine', 'arguments', 'responseFiles', 'startTimeUtc', 'endTimeUtc', 'exitCode', 'ruleConfigurationOverrides', 'notificationConfigurationOverrides', 'toolExecutionNotifications', 'toolConfigurationNotifications', 'exitCodeDescription', 'exitSignalName', 'exitSignalNumber', 'processStartFailureMessage', 'executionSuccessful', 'machine', 'account', 'processId', 'executableLocation', 'workingDirectory', 'environmentVariables', 'stdin', 'stdout', 'stderr', 'stdoutStderr', 'properties'],
  notification: ['locations', 'message', 'level', 'threadId', 'timeUtc', 'exception', 'descriptor', 'associatedRule', 'properties'],
  reportingDescriptorReference: ['id', 'index', 'guid', 'toolComponent', 'properties'],
};
const LEVELS = ['none', 'note', 'warning', 'error'];
/** Prints any value for an error message. */
const show = (v: unknown): string => (typeof v === 'string' ? v : JSON.stringify(v) ?? 'undefined');

function validateSarif(log: SarifLog): string[] {
  const errors: string[] = [];
  const obj = (v: unknown, kind: string, where: string, required: string[] = []): v is Record<string, unknown> => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) { errors.push(`${where}: not an object`); return false; }
    for (const k of Object.keys(v)) { if (!ALLOWED[kind].includes(k)) { errors.push(`${where}: property "${k}" not allowed in ${kind}`); } }
    for (const k of required) { if (!(k in v)) { errors.push(`${where}: missing required "${k}"`); } }
    return true;
  };
  const int = (v: unknown, min: number, where: string) => { if (!Number.isInteger(v) || (v as number) < min) { errors.push(`${where}: ${String(v)} is not an integer ≥ ${min}`); } };
  const msg = (v: unknown, where: string) => { if (obj(v, 'message', where) && typeof v.text !== 'string' && typeof v.id !== 'string') { errors.push(`${where}: message needs text or id`); } };
  const mfs = (v: unknown, where: string) => { if (obj(v, 'multiformatMessageString', where, ['text']) && typeof v.text !== 'string') { errors.push(`${where}.text`); } };
  const artifactLocation = (v: unknown, where: string) => {
    if (!obj(v, 'artifactLocation', where)) { return; }
    if (v.uri !== undefined && (typeof v.uri !== 'string' || /\\|\s/.test(v.uri) || /^[a-z]:/i.test(v.uri))) { errors.push(`${where}.uri not a uri-reference: ${show(v.uri)}`); }
  };
  const region = (v: unknown, where: string) => {
    if (!obj(v, 'region', where)) { return; }
    for (const k of ['startLine', 'startColumn', 'endLine', 'endColumn']) { if (k in v) { int(v[k], 1, `${where}.${k}`); } }
    if ((v.endLine as number) < (v.startLine as number)) { errors.push(`${where}: endLine < startLine`); }
    if (v.endLine === v.startLine && (v.endColumn as number) < (v.startColumn as number)) { errors.push(`${where}: endColumn < startColumn`); }
  };
  const location = (v: unknown, where: string) => {
    if (!obj(v, 'location', where)) { return; }
    if ('id' in v) { int(v.id, -1, `${where}.id`); }
    if (v.message !== undefined) { msg(v.message, `${where}.message`); }
    if (v.physicalLocation !== undefined && obj(v.physicalLocation, 'physicalLocation', `${where}.physicalLocation`)) {
      artifactLocation(v.physicalLocation.artifactLocation, `${where}.physicalLocation.artifactLocation`);
      if (v.physicalLocation.region !== undefined) { region(v.physicalLocation.region, `${where}.physicalLocation.region`); }
    }
  };
  if (!obj(log, 'log', 'log', ['version', 'runs'])) { return errors; }
  if (log.version !== '2.1.0') { errors.push('version'); }
  if (!Array.isArray(log.runs)) { errors.push('runs not an array'); return errors; }
  log.runs.forEach((run, ri) => {
    const w = `runs[${ri}]`;
    if (!obj(run, 'run', w, ['tool'])) { return; }
    if (!obj(run.tool, 'tool', `${w}.tool`, ['driver'])) { return; }
    const driver = run.tool.driver;
    if (!obj(driver, 'toolComponent', `${w}.tool.driver`, ['name'])) { return; }
    const rules = (driver.rules ?? []) as unknown[];
    rules.forEach((r, i) => {
      const rw = `${w}.tool.driver.rules[${i}]`;
      if (!obj(r, 'reportingDescriptor', rw, ['id'])) { return; }
      if (r.shortDescription) { mfs(r.shortDescription, `${rw}.shortDescription`); }
      if (r.fullDescription) { mfs(r.fullDescription, `${rw}.fullDescription`); }
      if (r.help) { mfs(r.help, `${rw}.help`); }
      if (r.helpUri !== undefined && !/^https?:\/\//.test(show(r.helpUri))) { errors.push(`${rw}.helpUri`); }
      if (r.defaultConfiguration && obj(r.defaultConfiguration, 'reportingConfiguration', `${rw}.defaultConfiguration`) && !LEVELS.includes(String(r.defaultConfiguration.level))) { errors.push(`${rw}.defaultConfiguration.level`); }
    });
    if (run.columnKind !== undefined && !['utf16CodeUnits', 'unicodeCodePoints'].includes(String(run.columnKind))) { errors.push(`${w}.columnKind`); }
    for (const [k, v] of Object.entries(run.originalUriBaseIds ?? {})) { artifactLocation(v, `${w}.originalUriBaseIds.${k}`); }
    (run.invocations ?? []).forEach((inv, ii) => {
      const iw = `${w}.invocations[${ii}]`;
      if (!obj(inv, 'invocation', iw, ['executionSuccessful'])) { return; }
      if (typeof inv.executionSuccessful !== 'boolean') { errors.push(`${iw}.executionSuccessful`); }
      ((inv.toolExecutionNotifications ?? []) as unknown[]).forEach((n, ni) => {
        const nw = `${iw}.toolExecutionNotifications[${ni}]`;
        if (!obj(n, 'notification', nw, ['message'])) { return; }
        msg(n.message, `${nw}.message`);
        if (n.level !== undefined && !LEVELS.includes(show(n.level))) { errors.push(`${nw}.level`); }
        if (n.descriptor !== undefined && obj(n.descriptor, 'reportingDescriptorReference', `${nw}.descriptor`) && !('id' in n.descriptor || 'index' in n.descriptor || 'guid' in n.descriptor)) { errors.push(`${nw}.descriptor needs id, index or guid`); }
        ((n.locations ?? []) as unknown[]).forEach((l, li) => location(l, `${nw}.locations[${li}]`));
      });
    });
    (run.results ?? []).forEach((res, i) => {
      const rw = `${w}.results[${i}]`;
      if (!obj(res, 'result', rw, ['message'])) { return; }
      msg(res.message, `${rw}.message`);
      if (res.level !== undefined && !LEVELS.includes(String(res.level))) { errors.push(`${rw}.level`); }
      if (res.kind !== undefined && !['notApplicable', 'pass', 'fail', 'review', 'open', 'informational'].includes(String(res.kind))) { errors.push(`${rw}.kind`); }
      if (res.kind !== undefined && String(res.kind) !== 'fail' && res.level !== undefined && res.level !== 'none') { errors.push(`${rw}.level must be none unless kind is fail`); }
      if (res.baselineState !== undefined && !['new', 'unchanged', 'updated', 'absent'].includes(String(res.baselineState))) { errors.push(`${rw}.baselineState`); }
      if ('ruleIndex' in res) {
        int(res.ruleIndex, -1, `${rw}.ruleIndex`);
        if (res.ruleIndex >= 0 && (rules[res.ruleIndex] as { id?: string } | undefined)?.id !== res.ruleId) { errors.push(`${rw}.ruleIndex does not point at ${res.ruleId}`); }
      }
      (res.locations ?? []).forEach((l, li) => location(l, `${rw}.locations[${li}]`));
      (res.relatedLocations ?? []).forEach((l, li) => location(l, `${rw}.relatedLocations[${li}]`));
      for (const [k, v] of Object.entries(res.partialFingerprints ?? {})) { if (typeof v !== 'string') { errors.push(`${rw}.partialFingerprints.${k}`); } }
      (res.suppressions ?? []).forEach((s, si) => {
        const sw = `${rw}.suppressions[${si}]`;
        if (!obj(s, 'suppression', sw, ['kind'])) { return; }
        if (!['inSource', 'external'].includes(String(s.kind))) { errors.push(`${sw}.kind`); }
        if (s.status !== undefined && !['accepted', 'underReview', 'rejected'].includes(String(s.status))) { errors.push(`${sw}.status`); }
        if (s.justification !== undefined && typeof s.justification !== 'string') { errors.push(`${sw}.justification`); }
        if (s.location !== undefined) { location(s.location, `${sw}.location`); }
      });
    });
  });
  return errors;
}

const BROKEN = 'public class Broken {\n    public void go( {\n';

describe('SARIF and JSON reports', () => {
  let engine: Engine;
  let root: string;
  let result: ScanResult;
  before(async () => {
    engine = await fixtureEngine();
    root = tempProject({
      'sfdx-project.json': SFDX_PROJECT,
      'force-app/main/default/classes/S3InvoiceUploader.cls': S3_UPLOADER,
      'force-app/main/default/classes/Legacy Sync.cls': S3_UPLOADER.replace('S3InvoiceUploader', 'LegacySync')
        .replace("    private static final String ACCESS_KEY_ID", "    // apiguard-disable-next-line aws-key -- read-only key for the public bucket\n    private static final String ACCESS_KEY_ID"),
      'force-app/main/default/classes/Broken.cls': BROKEN,
    });
    result = await scanProject({ root, config: defaultConfig(), engine });
  });
  after(() => removeProject(root));

  const sarif = () => toSarif(result, { rules: fixtureRules.map(r => r.meta), docs: { 'aws-key': '## Rule Details\n\nFlags **AWS** access key ids.\n\n### ❌ Incorrect\n\n```apex\nString k = \'AKIA…\';\n```\n' }, toolVersion: '1.2.3' });

  it('passes the essential SARIF 2.1.0 schema constraints', () => {
    assert.deepStrictEqual(validateSarif(sarif()), []);
  });

  it('the validator catches violations (so the test above can fail)', () => {
    const bad = sarif() as unknown as { runs: Array<{ results: Array<Record<string, unknown>>; tool: { driver: Record<string, unknown> } }> };
    bad.runs[0].results[0].level = 'fatal';
    (bad.runs[0].results[0].locations as Array<{ physicalLocation: { region: { startLine: number } } }>)[0].physicalLocation.region.startLine = 0;
    bad.runs[0].results[0].severity = 'error';
    delete bad.runs[0].tool.driver.name;
    const errors = validateSarif(bad as unknown as SarifLog);
    assert.ok(errors.some(e => /level/.test(e)) && errors.some(e => /startLine/.test(e)) && errors.some(e => /"severity" not allowed/.test(e)) && errors.some(e => /missing required "name"/.test(e)), errors.join('\n'));
  });

  it('driver, rules, results, locations and suppressions carry what GitHub code scanning reads', () => {
    const log = sarif();
    assert.strictEqual(log.$schema, 'https://json.schemastore.org/sarif-2.1.0.json');
    const run = log.runs[0];
    assert.strictEqual(run.tool.driver.name, 'apiguard');
    assert.strictEqual(run.tool.driver.version, '1.2.3');
    assert.match(run.tool.driver.informationUri, /^https:\/\//);
    const rule = run.tool.driver.rules[0] as { id: string; help: { text: string; markdown: string }; defaultConfiguration: { level: string }; helpUri: string; fullDescription: { text: string } };
    assert.strictEqual(rule.id, 'aws-key');
    assert.strictEqual(rule.defaultConfiguration.level, 'error');
    assert.match(rule.help.markdown, /### ❌ Incorrect/);
    assert.ok(!rule.help.text.includes('###') && rule.help.text.includes('Flags AWS access key ids.'));
    assert.strictEqual(rule.fullDescription.text, 'Flags AWS access key ids.');
    assert.match(rule.helpUri, /aws-key\/docs\.md$/);
    assert.strictEqual((run.tool.driver.rules[2] as { defaultConfiguration: { level: string } }).defaultConfiguration.level, 'note');

    const results = run.results;
    const uris = new Set(results.map(r => r.locations[0].physicalLocation.artifactLocation.uri));
    assert.deepStrictEqual([...uris].sort(), ['force-app/main/default/classes/Legacy%20Sync.cls', 'force-app/main/default/classes/S3InvoiceUploader.cls']);
    assert.ok(results.every(r => r.locations[0].physicalLocation.artifactLocation.uriBaseId === '%SRCROOT%'));
    const key = results.find(r => r.ruleId === 'aws-key' && r.locations[0].physicalLocation.artifactLocation.uri.endsWith('S3InvoiceUploader.cls'))!;
    assert.deepStrictEqual(key.locations[0].physicalLocation.region, { startLine: 5, startColumn: 50, endLine: 5, endColumn: 70 });
    assert.strictEqual(S3_UPLOADER.split('\n')[4].slice(49, 69), 'AKIAIOSFODNN7EXAMPLE');
    assert.strictEqual(key.level, 'error');
    assert.strictEqual(results.find(r => r.ruleId === 'debug-call')!.level, 'note');
    assert.strictEqual(results.find(r => r.ruleId === 'plain-http')!.ruleIndex, 1);
    assert.strictEqual(key.suppressions, undefined);
    const suppressed = results.filter(r => r.suppressions);
    assert.strictEqual(suppressed.length, 1);
    assert.deepStrictEqual(suppressed[0].suppressions![0].kind, 'inSource');
    assert.strictEqual(suppressed[0].suppressions![0].justification, 'read-only key for the public bucket');
    const notes = run.invocations[0].toolExecutionNotifications as Array<{ descriptor: { id: string }; locations: Array<{ physicalLocation: { artifactLocation: { uri: string } } }> }>;
    assert.deepStrictEqual(notes.map(n => [n.descriptor.id, n.locations[0].physicalLocation.artifactLocation.uri]), [['parse-error', 'force-app/main/default/classes/Broken.cls']]);
    assert.strictEqual(run.invocations[0].executionSuccessful, true);
    assert.ok(run.originalUriBaseIds['%SRCROOT%'].uri.startsWith('file:///') && run.originalUriBaseIds['%SRCROOT%'].uri.endsWith('/'));
  });

  it('fingerprints are unique, and stable when lines are inserted above and the file is re-indented', async () => {
    const fp = (r: ScanResult) => new Map(toSarif(r, { rules: fixtureRules.map(x => x.meta), toolVersion: '1' }).runs[0].results
      .map(x => [`${x.ruleId}|${x.locations[0].physicalLocation.artifactLocation.uri}|${x.message.text}`, { fp: x.partialFingerprints[FINGERPRINT_KEY], line: x.locations[0].physicalLocation.region!.startLine }]));
    const before = fp(result);
    const all = [...before.values()].map(v => v.fp);
    assert.strictEqual(new Set(all).size, all.length, 'unique');
    const file = path.join(root, 'force-app/main/default/classes/S3InvoiceUploader.cls');
    const edited = S3_UPLOADER.replace('public with sharing class S3InvoiceUploader {', '// Owner: integrations team\n\npublic with sharing class S3InvoiceUploader {\n    private static final Integer TIMEOUT_MS = 20000;')
      .replace(/\n {8}/g, '\n\t\t');
    writeFileSync(file, edited);
    try {
      const after = fp(await scanProject({ root, config: defaultConfig(), engine }));
      for (const [k, v] of before) {
        assert.strictEqual(after.get(k)?.fp, v.fp, `${k} kept its fingerprint`);
        if (k.includes('S3InvoiceUploader')) { assert.notStrictEqual(after.get(k)?.line, v.line, 'the line did move'); }
      }
      // Changing only the secret's value keeps the fingerprint (it holds no trace of the value) ...
      const k = [...before.keys()].find(x => x.startsWith('aws-key|') && x.includes('S3InvoiceUploader'))!;
      writeFileSync(file, S3_UPLOADER.replace('AKIAIOSFODNN7EXAMPLE', 'AKIAI44QH8DHBEXAMPLE'));
      const revalued = fp(await scanProject({ root, config: defaultConfig(), engine }));
      assert.strictEqual(revalued.get(k)?.fp, before.get(k)!.fp);
      // ... while changing the code around it changes the fingerprint.
      const line = S3_UPLOADER.split('\n').find(x => x.includes('AKIAIOSFODNN7EXAMPLE'))!;
      writeFileSync(file, S3_UPLOADER.replace(line, line.replace(/(\w+)(\s*=)/, '$1Renamed$2')));
      const changed = fp(await scanProject({ root, config: defaultConfig(), engine }));
      assert.notStrictEqual(changed.get(k)?.fp, before.get(k)!.fp);
    } finally { writeFileSync(file, S3_UPLOADER); }
  });

  it('two identical flagged lines in one file get different fingerprints (occurrence index)', async () => {
    const dup = tempProject({ 'a/Dup.cls': `public class Dup {\n    String a = 'AKIAIOSFODNN7EXAMPLE';\n    String a = 'AKIAIOSFODNN7EXAMPLE';\n}\n` });
    try {
      const r = await scanProject({ root: dup, config: defaultConfig(), engine });
      const fps = r.reports[0].fingerprints!;
      assert.strictEqual(fps.length, 2);
      assert.notStrictEqual(fps[0], fps[1]);
      assert.ok(!fps.join().includes('AKIA'), 'the fingerprint never shows the text');
    } finally { removeProject(dup); }
  });

  it('fingerprinting stays linear on a 5 MB one-line file with many findings, and edits elsewhere on the line do not matter', () => {
    const item = (i: number) => JSON.stringify({ id: i, name: `item${i}`, note: 'imported from the legacy billing system', token: `tok_${i.toString(36).padStart(6, '0')}` });
    const n = 60000;
    const text = '{"items":[' + Array.from({ length: n }, (_, i) => item(i)).join(',') + ']}';
    assert.ok(text.length > 5 * 1024 * 1024, String(text.length));
    const lines = new LineIndex(text);
    const findingsOf = (t: string): Finding[] => {
      const out: Finding[] = [];
      for (let i = t.indexOf('tok_'); i >= 0; i = t.indexOf('tok_', i + 1)) {
        out.push({ ruleId: 'hardcoded-credential', severity: 'error', message: 'm', path: '/p/data.json', range: { start: { line: 0, character: i }, end: { line: 0, character: i + 10 } } });
      }
      return out;
    };
    const findings = findingsOf(text);
    assert.strictEqual(findings.length, n);
    const t0 = performance.now();
    const fps = fingerprintFindings(findings, lines, 'data.json', sha256Hex);
    const ms = performance.now() - t0;
    assert.ok(ms < 10000, `${ms.toFixed(0)} ms`);
    assert.strictEqual(new Set(fps).size, n);
    // Inserting an item at the front shifts every column; the last finding keeps its fingerprint.
    const edited = text.replace('{"items":[', '{"items":[' + item(999999) + ',');
    const fps2 = fingerprintFindings(findingsOf(edited), new LineIndex(edited), 'data.json', sha256Hex);
    assert.strictEqual(fps2[fps2.length - 1], fps[fps.length - 1]);
  });

  it('JSON is flat, 1-based, relative, with suppressions and notes', () => {
    const j = toJsonReport(result, '1.2.3');
    assert.strictEqual(j.formatVersion, 1);
    assert.strictEqual(j.tool.version, '1.2.3');
    const f = j.findings.find(x => x.ruleId === 'aws-key' && x.path.endsWith('S3InvoiceUploader.cls'))!;
    assert.deepStrictEqual({ line: f.line, column: f.column, endLine: f.endLine, endColumn: f.endColumn, severity: f.severity, path: f.path },
      { line: 5, column: 50, endLine: 5, endColumn: 70, severity: 'error', path: 'force-app/main/default/classes/S3InvoiceUploader.cls' });
    assert.match(f.fingerprint!, /^[0-9a-f]{64}:0$/);
    const s = j.findings.find(x => x.suppressed)!;
    assert.deepStrictEqual(s.suppressed, { kind: 'inline', justification: 'read-only key for the public bucket', line: 5 });
    assert.strictEqual(s.path, 'force-app/main/default/classes/Legacy Sync.cls');
    assert.deepStrictEqual(j.notes.map(n => [n.path, n.code]), [['force-app/main/default/classes/Broken.cls', 'parse-error']]);
    assert.deepStrictEqual({ e: j.summary.error, w: j.summary.warning, i: j.summary.info, s: j.summary.suppressed, files: j.summary.filesScanned },
      { e: 1, w: 2, i: 2, s: 1, files: 4 });
  });

  it('the example project scanned with every product rule gives SARIF that passes the checks, with each rule\'s docs as help', async () => {
    const example = path.resolve(__dirname, '..', '..', '..', 'examples', 'insecure-project');
    const r = await scanProject({ root: example, config: defaultConfig(), engine: await createEngine() });
    const log = toSarif(r, { rules: allRules.map(x => x.meta), docs: ruleDocs, toolVersion: '0.1.0' });
    assert.deepStrictEqual(validateSarif(log), []);
    const run = log.runs[0];
    assert.ok(run.results.length > 0);
    for (const rule of run.tool.driver.rules as Array<{ id: string; help: { markdown: string } }>) {
      assert.match(rule.help.markdown, /## Rule Details/, `${rule.id} help comes from its docs.md`);
    }
    const fps = run.results.map(x => x.partialFingerprints[FINGERPRINT_KEY]);
    assert.strictEqual(new Set(fps).size, fps.length, 'fingerprints are unique');
    assert.ok(run.results.every(x => !x.locations[0].physicalLocation.artifactLocation.uri.startsWith('/')));
  });

  it('with a baseline: baselineState on every result, absent entries as pass results, still valid', () => {
    const baseline = createBaseline(result);
    const dropped = baseline.entries[0];
    const cmp = compareWithBaseline({ ...result, reports: result.reports.map(r => ({ ...r, findings: r.findings.filter((_f, i) => r.fingerprints?.[i] !== undefined && !r.fingerprints[i].startsWith(dropped.fingerprint)) , fingerprints: r.fingerprints?.filter(fp => !fp.startsWith(dropped.fingerprint)) })) }, baseline);
    assert.strictEqual(cmp.fresh, 0);
    assert.deepStrictEqual(cmp.absent.map(a => [a.path, a.ruleId]), [[dropped.path, dropped.ruleId]]);
    const log = toSarif({ ...result, reports: cmp.reports }, { rules: fixtureRules.map(x => x.meta), toolVersion: '1', absent: cmp.absent, baselineFile: 'b.json' });
    assert.deepStrictEqual(validateSarif(log), []);
    const states = log.runs[0].results.map(r => r.baselineState);
    assert.ok(states.includes('unchanged') && states.includes('absent') && states.every(Boolean), states.join());
  });

  it('relativePath handles separators, outside paths and Windows drives', () => {
    assert.strictEqual(relativePath('/w/p', '/w/p/force-app/a.cls'), 'force-app/a.cls');
    assert.strictEqual(relativePath('/w/p/', '/w/other/a.cls'), '../other/a.cls');
    assert.strictEqual(relativePath('C:\\w\\p', 'c:\\w\\p\\force-app\\a.cls'), 'force-app/a.cls');
  });
});
