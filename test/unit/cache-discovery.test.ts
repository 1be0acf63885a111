import * as assert from 'assert';
import { chmodSync, mkdirSync, mkdtempSync, renameSync, rmSync, statSync, unlinkSync, utimesSync, writeFileSync, promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FileLintCache } from '../../src/node/cache';
import { discoverFiles } from '../../src/node/discover';
import { scanProject } from '../../src/node/scan';
import { defaultConfig } from '../../src/core/config';
import { createEngine } from '../../src/node/createEngine';
import { removeProject, SFDX_PROJECT, tempProject } from './helpers/project';

const D = 'force-app/main/default';
const files: Record<string, string> = {
  'sfdx-project.json': SFDX_PROJECT,
  '.forceignore': '**/jsconfig.json\n',
  [`${D}/classes/A.cls`]: 'public class A { }\n',
  [`${D}/classes/B.cls`]: 'public class B { }\n',
  [`${D}/lwc/cmp/cmp.js`]: 'export default 1;\n',
  [`${D}/lwc/cmp/jsconfig.json`]: '{}\n',
  [`${D}/staticresources/lib/.gitignore`]: 'build/\n*.txt\n',
  [`${D}/staticresources/lib/a.js`]: 'x\n',
  [`${D}/staticresources/lib/notes.txt`]: 'x\n',
  [`${D}/staticresources/lib/build/out.js`]: 'x\n',
  [`${D}/staticresources/lib/src/x.js`]: 'x\n',
  [`${D}/staticresources/lib/src/y.txt`]: 'x\n',
  'config/dev.env': 'X=1\n',
};

/**
 * Discovery's memory of folder listings (`--cache`): each walk with the memo must give exactly the
 * files a walk without it gives, and an unchanged folder is not listed again.
 */
describe('--cache: discovery remembers folder listings', function () {
  this.timeout(60000);
  let root: string;
  let store: string;
  beforeEach(() => { root = tempProject(files); store = mkdtempSync(path.join(os.tmpdir(), 'apiguard-memo-')); });
  afterEach(() => { removeProject(root); rmSync(store, { recursive: true, force: true }); });
  const w = (rel: string, text = 'x\n') => { mkdirSync(path.dirname(path.join(root, rel)), { recursive: true }); writeFileSync(path.join(root, rel), text); };

  /** One run as `scan --cache` makes it (cache opened, walk, saved), a run 10 s later than now so that every folder can vouch. */
  async function run(exclude: string[] = []): Promise<{ files: string[]; listed: string[] }> {
    const cache = await FileLintCache.open(path.join(store, 'cache.json'), { tool: 'test' }, undefined, { root, now: Date.now() + 10_000 });
    const listed: string[] = [];
    const readdir = (d: string) => { listed.push(path.relative(root, d) || '.'); return fsp.readdir(d, { withFileTypes: true }); };
    const found = await discoverFiles(root, { exclude, readdir, memo: cache.discovery });
    await cache.save();
    return { files: found, listed: listed.sort() };
  }
  /** Each run with the memo equals a walk without it. */
  async function same(why: string, exclude: string[] = []): Promise<string[]> {
    const r = await run(exclude);
    assert.deepStrictEqual(r.files.map(f => path.relative(root, f)), (await discoverFiles(root, { exclude })).map(f => path.relative(root, f)), why);
    return r.listed;
  }

  it('an unchanged tree is not listed again; the result is the same', async () => {
    const first = await same('first run');
    assert.ok(first.length >= 9, first.join(', '));
    assert.deepStrictEqual(await same('unchanged'), [], 'no folder listed');
  });

  it('added, deleted and renamed files and folders are found: only the folders that changed are listed', async () => {
    await same('first run');
    w(`${D}/classes/C.cls`);
    assert.deepStrictEqual(await same('a file added'), [`${D}/classes`]);
    unlinkSync(path.join(root, `${D}/classes/A.cls`));
    assert.deepStrictEqual(await same('a file deleted'), [`${D}/classes`]);
    renameSync(path.join(root, `${D}/classes/B.cls`), path.join(root, `${D}/classes/B2.cls`));
    assert.deepStrictEqual(await same('a file renamed'), [`${D}/classes`]);
    w(`${D}/triggers/T.trigger`);
    assert.deepStrictEqual(await same('a folder added'), [D, `${D}/triggers`]);
    rmSync(path.join(root, `${D}/lwc`), { recursive: true });
    assert.deepStrictEqual(await same('a folder deleted'), [D]);
    unlinkSync(path.join(root, `${D}/classes/C.cls`));
    mkdirSync(path.join(root, `${D}/classes/C.cls`));
    w(`${D}/classes/C.cls/inner.cls`);
    await same('a file replaced by a folder of the same name');
    assert.deepStrictEqual(await same('unchanged again'), []);
  });

  it('a file added behind a restored folder mtime (rsync -t, touch -r) is found: the ctime changed', async () => {
    const dir = path.join(root, `${D}/classes`);
    const old = new Date(Date.now() - 3600_000);
    utimesSync(dir, old, old);
    await same('first run');
    const before = statSync(dir).mtimeMs;
    w(`${D}/classes/Sneaky.cls`);
    utimesSync(dir, old, old);
    assert.strictEqual(statSync(dir).mtimeMs, before);
    const listed = await same('mtime restored');
    assert.ok(listed.includes(`${D}/classes`), listed.join(', '));
    // A chmod alone changes the ctime too: listed again (a folder that became unreadable is reported as today).
    chmodSync(path.join(root, `${D}/lwc/cmp`), 0o755);
    assert.deepStrictEqual(await same('chmod'), [`${D}/lwc/cmp`]);
  });

  it('a nested .gitignore edited in place (no folder time changes) applies to its whole subtree', async () => {
    await same('first run');
    w(`${D}/staticresources/lib/build/deep/more.js`);
    await same('deeper folder');
    const lib = path.join(root, `${D}/staticresources/lib`);
    const t = statSync(lib);
    writeFileSync(path.join(lib, '.gitignore'), '*.txt\n');
    assert.strictEqual(statSync(lib).mtimeMs, t.mtimeMs, 'editing a file changes no folder time');
    const listed = await same('build/ no longer ignored');
    assert.ok(listed.includes(`${D}/staticresources/lib/build`) && listed.includes(`${D}/staticresources/lib/build/deep`), listed.join(', '));
    writeFileSync(path.join(lib, '.gitignore'), 'build/\n*.txt\n');
    await same('build/ ignored again');
    // The folder changed too (listed again): what was remembered below it was made under the old rules.
    writeFileSync(path.join(lib, '.gitignore'), 'build/\n');
    w(`${D}/staticresources/lib/b.js`);
    const both = await same('.gitignore edited (src/y.txt no longer ignored) and a file added beside it');
    assert.ok(both.includes(`${D}/staticresources/lib/src`), both.join(', '));
    unlinkSync(path.join(lib, '.gitignore'));
    await same('.gitignore deleted');
    w(`${D}/staticresources/lib/.gitignore`, 'a.js\n');
    await same('.gitignore added');
  });

  it('the root ignore rules and the exclude globs are the memo key', async () => {
    await same('first run');
    writeFileSync(path.join(root, '.forceignore'), '**/jsconfig.json\nconfig/\n');
    assert.ok((await same('.forceignore edited')).length >= 9, 'everything listed again');
    assert.deepStrictEqual(await same('unchanged'), []);
    writeFileSync(path.join(root, '.gitignore'), '*.cls\n');
    await same('root .gitignore added');
    await same('exclude', ['**/lwc/**']);
    await same('exclude dropped', []);
  });

  it('a walk of some folders (`under`) neither uses nor changes the memo', async () => {
    await same('first run');
    const cache = await FileLintCache.open(path.join(store, 'cache.json'), { tool: 'test' }, undefined, { root, now: Date.now() + 10_000 });
    w(`${D}/classes/New.cls`);
    const under = await discoverFiles(root, { memo: cache.discovery }, undefined, [`${D}/classes`]);
    assert.ok(under.some(f => f.endsWith('New.cls')));
    await cache.save();
    assert.deepStrictEqual(await same('the whole root after'), [`${D}/classes`]);
  });

  it('the list is in the order of a sort of the full paths, folder names that sort around "/" included', async () => {
    const before = (await discoverFiles(root, {})).length;
    for (const rel of ['x/a.cls', 'x/a-b/c.cls', 'x/a/c.cls', 'x/a0.cls', 'x/a.b/c.cls', 'x/B.cls', 'x/a/b/c.cls', 'x/a/b.cls', 'x/a/b-c.cls', 'x/\u00e9/c.cls', 'x/Z/c.cls']) { w(rel); }
    for (const memo of [false, true, true]) {
      const found = memo ? (await run()).files : await discoverFiles(root, {});
      assert.deepStrictEqual(found, [...found].sort());
      assert.ok(found.some(f => f.endsWith('x/a-b/c.cls')) && found.length === before + 11, String(found.length));
    }
  });

  it('folders from this second are listed every time (their times cannot vouch yet)', async () => {
    const cache = await FileLintCache.open(path.join(store, 'cache.json'), { tool: 'test' }, undefined, { root });
    await discoverFiles(root, { memo: cache.discovery });
    await cache.save();
    const again = await FileLintCache.open(path.join(store, 'cache.json'), { tool: 'test' }, undefined, { root });
    let n = 0;
    await discoverFiles(root, { memo: again.discovery, readdir: d => { n++; return fsp.readdir(d, { withFileTypes: true }); } });
    assert.ok(n >= 9, `listed ${n}`);
  });

  it('scanProject walks with the cache\'s memo: a new file in a remembered folder is linted', async () => {
    const engine = await createEngine();
    const scan = async () => {
      const cache = await FileLintCache.open(path.join(store, 'cache.json'), { tool: 'test' }, undefined, { root, now: Date.now() + 10_000 });
      const r = await scanProject({ root, config: defaultConfig(), engine, cache, jobs: 1 });
      await cache.save();
      return r;
    };
    const first = await scan();
    assert.ok(!first.reports.some(r => r.path.endsWith('Leak.cls')));
    w(`${D}/classes/Leak.cls`, "public class Leak { static final String API_PASSWORD = 'hunter2!x9'; }\n");
    const second = await scan();
    assert.ok(second.reports.some(r => r.path.endsWith('Leak.cls') && r.findings.length), JSON.stringify(second.reports.map(r => r.path)));
    assert.strictEqual(second.filesScanned, first.filesScanned + 1);
  });
});
