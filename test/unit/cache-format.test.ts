import * as assert from 'assert';
import { mkdirSync, readFileSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { run as scan } from '../../src/cli/commands/scan';
import type { Engine } from '../../src/core/engine';
import type { JsonReport } from '../../src/core/report/json';
import { createEngine } from '../../src/node/createEngine';
import { FileLintCache } from '../../src/node/cache';
import type { ReportFile } from '../../src/core/report/model';
import { recordingIO, removeProject, SFDX_PROJECT, tempProject } from './helpers/project';

function writeFiles(file: string, text: string): void { mkdirSync(path.dirname(file), { recursive: true }); writeFileSync(file, text); }

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

  it('v3: paths relative to the root, grouped by folder in columns; a clean file keeps only size, mtime and a short digest', async () => {
    await run();
    const text = readFileSync(cacheFile(), 'utf8');
    type Folder = [string, string, Array<number | null>, Array<number | null>, Record<string, unknown>];
    const data = JSON.parse(text) as { format: string; files: Record<string, Folder> };
    assert.strictEqual(data.format, 'apiguard-cache/v3');
    assert.ok(!Object.keys(data.files).some(k => k.startsWith(root) || path.isAbsolute(k)), `keys relative to the root: ${Object.keys(data.files).join(', ')}`);
    const inputs = (JSON.parse(text) as { inputs: Record<string, unknown> }).inputs;
    assert.ok(Object.keys(inputs).length && !Object.keys(inputs).some(k => path.isAbsolute(k)), `index inputs relative: ${Object.keys(inputs).join(', ')}`);
    for (const secret of ['sk_live', 'Tr0ub4dor']) { assert.ok(!text.includes(secret), `cache holds ${secret}`); }
    const classes = data.files[`${D}/classes`];
    assert.ok(classes, Object.keys(data.files).join(', '));
    const [names, digests, sizes, mtimes, reports] = classes;
    assert.deepStrictEqual(names.split('/'), ['Payments.cls', 'Plain.cls']);
    assert.strictEqual(digests.length, 2 * 22, `short digests: ${digests}`);
    assert.deepStrictEqual(sizes, [PAYMENTS.length, 'public class Plain { }\n'.length]);
    assert.ok(mtimes.every(m => typeof m === 'number'));
    assert.deepStrictEqual(Object.keys(reports), ['Payments.cls'], 'only a file with findings keeps a report');
    assert.ok(data.files['']?.[0].split('/').includes('.env'), 'root files are under the folder ""');
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
    const data = JSON.parse(readFileSync(cacheFile(), 'utf8')) as { files: Record<string, unknown> };
    // A clean result claimed for the file with findings (its report is not one), columns that do not
    // line up, and a folder that is not columns at all: each folder is dropped whole, never trusted in part.
    const classes = data.files[`${D}/classes`] as [string, string, unknown[], unknown[], Record<string, unknown>];
    classes[4]['Payments.cls'] = { findings: 'none', notes: [] };
    data.files[''] = ['.env/sfdx-project.json', 'x', [1, 2], [3, 4], {}];
    data.files['force-app'] = 7;
    writeFileSync(cacheFile(), JSON.stringify(data));
    const r = await run();
    assert.deepStrictEqual(r.j, expected);
    assert.match(r.err, /warning: the cache \.apiguardcache had 5 entries that are not results/);
    // Not JSON of an object at all.
    writeFileSync(cacheFile(), '[1,2]');
    const arr = await run();
    assert.deepStrictEqual(arr.j, expected);
    assert.match(arr.err, /is not a cache file API Guard can read/);
  });

  it('each file gets its own stored result, looked up in order, out of order, after files were added or deleted', async () => {
    const dir = path.join(root, D, 'many');
    const names = ['a.cls', 'b.cls', 'c.cls', 'c-d.cls', 'e.cls', 'f.cls'];
    const old = new Date(Date.now() - 3600_000);
    const report = (f: string): ReportFile => ({ path: f, findings: f.endsWith('c.cls') || f.endsWith('f.cls') ? [{ ruleId: 'r', severity: 'error', message: path.basename(f), path: f, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } } }] : [], notes: [] });
    const open = () => FileLintCache.open(cacheFile(), { tool: 'test' }, undefined, { root });
    const first = await open();
    first.useProjectKey('k');
    for (const n of names) {
      const f = path.join(dir, n);
      writeFiles(f, `// ${n}\n`);
      utimesSync(f, old, old);
      first.set(f, `// ${n}\n`, report(f));
    }
    await first.save();
    unlinkSync(path.join(dir, 'b.cls'));
    const second = await open();
    second.useProjectKey('k');
    const seen = async (n: string) => { const r = await second.lookup(path.join(dir, n)); return r && [path.basename(r.path), r.findings.map(x => x.message)]; };
    assert.deepStrictEqual(await seen('a.cls'), ['a.cls', []]);
    assert.strictEqual(await seen('b.cls'), undefined, 'deleted');
    assert.strictEqual(await seen('bb.cls'), undefined, 'never stored');
    assert.deepStrictEqual(await seen('f.cls'), ['f.cls', ['f.cls']], 'out of order');
    assert.deepStrictEqual(await seen('c.cls'), ['c.cls', ['c.cls']]);
    assert.deepStrictEqual(await seen('c-d.cls'), ['c-d.cls', []]);
    assert.deepStrictEqual(await seen('e.cls'), ['e.cls', []]);
    assert.deepStrictEqual(await seen('c.cls'), ['c.cls', ['c.cls']], 'again');
    // A result set in this run replaces the stored one, and the rest are written back unchanged.
    const f = path.join(dir, 'e.cls');
    second.set(f, '// e.cls\n', report(path.join(dir, 'f.cls')));
    await second.save();
    const third = await open();
    third.useProjectKey('k');
    assert.deepStrictEqual((await third.lookup(f))?.findings.map(x => x.message), ['f.cls']);
    assert.deepStrictEqual((await third.lookup(path.join(dir, 'c.cls')))?.findings.map(x => x.message), ['c.cls']);
    assert.deepStrictEqual((await third.lookup(path.join(dir, 'a.cls')))?.findings, []);
  });
});
