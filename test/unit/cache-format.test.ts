import * as assert from 'assert';
import { readFileSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { run as scan } from '../../src/cli/commands/scan';
import type { Engine } from '../../src/core/engine';
import type { JsonReport } from '../../src/core/report/json';
import { createEngine } from '../../src/node/createEngine';
import { recordingIO, removeProject, SFDX_PROJECT, tempProject } from './helpers/project';

const D = 'force-app/main/default';
const PAYMENTS = `public with sharing class Payments {
    public static HttpResponse charge() {
        HttpRequest req = new HttpRequest();
        req.setEndpoint('https://api.example.com/charge');
        req.setHeader('Authorization', 'Bearer sk_live_51HdWEkJtq0xYbZ1mN7pQ3rS');
        return new Http().send(req);
    }
}
`;
const files: Record<string, string> = {
  'sfdx-project.json': SFDX_PROJECT,
  [`${D}/classes/Payments.cls`]: PAYMENTS,
  [`${D}/classes/Plain.cls`]: 'public class Plain { }\n',
  '.env': 'DB_PASSWORD=Tr0ub4dor&3x\n',
};

describe('--cache file format', function () {
  this.timeout(60000);
  let engine: Engine;
  let root: string;
  before(async () => { engine = await createEngine(); });
  beforeEach(() => {
    root = tempProject(files);
    const old = new Date(Date.now() - 3600_000);
    for (const f of Object.keys(files)) { utimesSync(path.join(root, f), old, old); }
  });
  afterEach(() => removeProject(root));
  const cacheFile = () => path.join(root, '.apiguardcache');
  const run = async () => {
    const io = recordingIO(root);
    const code = await scan(['--cache', '--format', 'json', '--fail-on', 'never'], io, { engine });
    const j = JSON.parse(io.stdout) as JsonReport;
    return { code, err: io.stderr, j: { ...j, summary: { ...j.summary, durationMs: 0 } } };
  };
  const plain = async () => {
    const io = recordingIO(root);
    await scan(['--format', 'json', '--fail-on', 'never'], io, { engine });
    const j = JSON.parse(io.stdout) as JsonReport;
    return { ...j, summary: { ...j.summary, durationMs: 0 } };
  };

  it('v3: paths relative to the root, grouped by folder; a clean file keeps only size, mtime and a short digest', async () => {
    await run();
    const text = readFileSync(cacheFile(), 'utf8');
    const data = JSON.parse(text) as { format: string; files: Record<string, Record<string, unknown[]>> };
    assert.strictEqual(data.format, 'apiguard-cache/v3');
    assert.ok(!Object.keys(data.files).some(k => k.startsWith(root) || path.isAbsolute(k)), `keys relative to the root: ${Object.keys(data.files).join(', ')}`);
    const inputs = (JSON.parse(text) as { inputs: Record<string, unknown> }).inputs;
    assert.ok(Object.keys(inputs).length && !Object.keys(inputs).some(k => path.isAbsolute(k)), `index inputs relative: ${Object.keys(inputs).join(', ')}`);
    for (const secret of ['sk_live', 'Tr0ub4dor']) { assert.ok(!text.includes(secret), `cache holds ${secret}`); }
    const classes = data.files[`${D}/classes`];
    assert.ok(classes, Object.keys(data.files).join(', '));
    assert.strictEqual(classes['Plain.cls'].length, 3, `a clean file has no report: ${JSON.stringify(classes['Plain.cls'])}`);
    const [h, s, m] = classes['Plain.cls'];
    assert.ok(typeof h === 'string' && h.length <= 24, `short digest: ${String(h)}`);
    assert.strictEqual(s, 'public class Plain { }\n'.length);
    assert.strictEqual(typeof m, 'number');
    assert.strictEqual(classes['Payments.cls'].length, 4, 'a file with findings keeps its report');
    assert.ok(data.files['']?.['.env'], 'root files are under the folder ""');
    assert.deepStrictEqual((await run()).j, await plain(), 'results from the v3 cache equal a plain scan');
  });

  it('a cache of another format version is replaced without a warning; the scan is complete', async () => {
    writeFileSync(cacheFile(), JSON.stringify({ format: 'apiguard-cache/v2', key: 'k', files: { [path.join(root, `${D}/classes/Payments.cls`)]: { h: 'x', r: { findings: [], notes: [] }, s: 1, m: 2 } } }));
    const r = await run();
    assert.strictEqual(r.err, '');
    assert.deepStrictEqual(r.j, await plain());
    assert.match(readFileSync(cacheFile(), 'utf8'), /^\{"format":"apiguard-cache\/v3"/);
  });

  it('v3 entries of the wrong shape are dropped with a warning, never trusted', async () => {
    const expected = await plain();
    await run();
    const data = JSON.parse(readFileSync(cacheFile(), 'utf8')) as { files: Record<string, Record<string, unknown>> };
    // A clean result claimed for the file with findings, and shapes that are not entries at all.
    data.files[`${D}/classes`]['Payments.cls'] = ['x', 1, 2, { findings: 'none', notes: [] }];
    data.files[`${D}/classes`]['Plain.cls'] = { h: 'x' };
    data.files[''] = 7 as unknown as Record<string, unknown>;
    writeFileSync(cacheFile(), JSON.stringify(data));
    const r = await run();
    assert.deepStrictEqual(r.j, expected);
    assert.match(r.err, /warning: the cache \.apiguardcache had \d+ entries that are not results/);
    // Not JSON of an object at all.
    writeFileSync(cacheFile(), '[1,2]');
    const arr = await run();
    assert.deepStrictEqual(arr.j, expected);
    assert.match(arr.err, /is not a cache file API Guard can read/);
  });
});
