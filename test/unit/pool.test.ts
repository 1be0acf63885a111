import * as assert from 'assert';
import { execFileSync } from 'node:child_process';
import fsMod, { existsSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultConfig } from '../../src/core/config';
import { lintOnPool, type PoolSetup } from '../../src/node/pool';
import { FileLintCache } from '../../src/node/cache';
import { discoverFiles } from '../../src/node/discover';
import { loadProjectIndex, scanProject, shardOf, type ScanResult } from '../../src/node/scan';
import { run as scan } from '../../src/cli/commands/scan';
import { recordingIO, removeProject, S3_UPLOADER, SFDX_PROJECT, tempProject } from './helpers/project';

const repo = path.resolve(__dirname, '../../..');
const example = path.join(repo, 'examples/insecure-project');
/** Everything a report says, without the timing. */
const content = (r: ScanResult) => JSON.stringify({ reports: r.reports, notes: r.notes, filesScanned: r.filesScanned, cancelled: r.cancelled, project: r.project });

describe('lint pool (worker threads)', function () {
  this.timeout(120000);
  let corpus: string;
  before(() => {
    corpus = path.join(os.tmpdir(), `apiguard-pool-${process.pid}`);
    execFileSync(process.execPath, [path.join(repo, 'bench/generate-corpus.mjs'), '--apex', '60', '--out', corpus, '--seed', '7'], { stdio: 'ignore' });
  });
  after(() => removeProject(corpus));

  for (const [name, root] of [['the example project', () => example], ['a generated corpus (60 classes, planted secrets)', () => corpus]] as const) {
    it(`${name}: the pool's reports are identical to a one-thread scan, in the same order`, async () => {
      const one = await scanProject({ root: root(), config: defaultConfig(), jobs: 1 });
      const pool = await scanProject({ root: root(), config: defaultConfig(), jobs: 3, minFilesPerWorker: 1 });
      assert.strictEqual(one.threads, 1);
      assert.strictEqual(pool.threads, 3, 'the pool ran');
      assert.ok(one.reports.some(r => r.findings.length), 'the project has findings');
      assert.strictEqual(content(pool), content(one));
    });
  }

  it('with a cache: a cold run lints on the pool and stores every result; a warm one lints nothing; a few edits lint here', async () => {
    const config = defaultConfig();
    const location = path.join(os.tmpdir(), `apiguard-pool-cache-${process.pid}`);
    const dir = path.join(os.tmpdir(), `apiguard-pool-cached-${process.pid}`);
    execFileSync(process.execPath, [path.join(repo, 'bench/generate-corpus.mjs'), '--apex', '60', '--out', dir, '--seed', '9'], { stdio: 'ignore' });
    try {
      // Files older than the run, so that size and mtime vouch for them next time.
      const old = new Date(Date.now() - 3600_000);
      const files = await discoverFiles(dir);
      for (const f of files) { utimesSync(f, old, old); }
      // A warm run reads the project index only when asked (ScanResult.loadProject): the results, not the index.
      const results = (r: ScanResult) => JSON.stringify({ reports: r.reports, notes: r.notes, filesScanned: r.filesScanned, cancelled: r.cancelled });
      const one = await scanProject({ root: dir, config, jobs: 1 });
      assert.strictEqual(one.filesScanned, files.length);
      const run = async () => {
        const cache = await FileLintCache.open(location, { tool: 'test' });
        const r = await scanProject({ root: dir, config, jobs: 2, minFilesPerWorker: 1, cache });
        await cache.save();
        return { r, hits: cache.hits, misses: cache.misses };
      };
      const cold = await run();
      assert.strictEqual(cold.r.threads, 2, 'the misses were linted on the pool');
      assert.strictEqual(content(cold.r), content(one));
      assert.ok(one.reports.some(r => r.findings.length), 'the corpus has findings');
      const warm = await run();
      assert.deepStrictEqual([warm.r.threads, warm.hits, warm.misses], [1, files.length, 0], 'every result was stored, with its text\'s key');
      assert.strictEqual(results(warm.r), results(one));
      // One class edited (not its constants: they are project facts), one touched without a change: the edit is linted
      // on this thread, the touch is a hit by its text.
      const cls = files.filter(f => f.endsWith('.cls'));
      writeFileSync(cls[0], `${readFileSync(cls[0], 'utf8')}\n// reviewed\n`);
      utimesSync(cls[1], new Date(), new Date());
      const edited = await run();
      assert.deepStrictEqual([edited.r.threads, edited.hits], [1, files.length - 1]);
      assert.strictEqual(results(edited.r), results(await scanProject({ root: dir, config, jobs: 1 })));
    } finally {
      removeProject(dir);
      rmSync(location, { force: true });
    }
  });

  it('with an empty cache: the classes are read by the workers only (constants and lint, as without a cache), and their index inputs are remembered', async () => {
    // A first --cache run (a fresh CI runner) read every class on this thread for the index key before any worker
    // started: 22 % slower than a scan without --cache on the bench corpus.
    const config = defaultConfig();
    const location = path.join(os.tmpdir(), `apiguard-pool-empty-${process.pid}`);
    const dir = path.join(os.tmpdir(), `apiguard-pool-emptied-${process.pid}`);
    execFileSync(process.execPath, [path.join(repo, 'bench/generate-corpus.mjs'), '--apex', '40', '--out', dir, '--seed', '3'], { stdio: 'ignore' });
    const open = fsMod.open;
    try {
      const files = await discoverFiles(dir);
      const old = new Date(Date.now() - 3600_000);
      for (const f of files) { utimesSync(f, old, old); }
      const classes = files.filter(f => f.endsWith('.cls'));
      const one = await scanProject({ root: dir, config, jobs: 1 });
      const opened: string[] = [];
      (fsMod as { open: unknown }).open = (...a: Parameters<typeof open>) => { opened.push(String(a[0])); return (open as (...x: unknown[]) => void)(...a); };
      const cache = await FileLintCache.open(location, { tool: 'test' });
      const cold = await scanProject({ root: dir, config, jobs: 2, minFilesPerWorker: 1, cache });
      fsMod.open = open;
      await cache.save();
      assert.strictEqual(cold.threads, 2);
      assert.strictEqual(content(cold), content(one));
      assert.deepStrictEqual(opened.filter(f => f.endsWith('.cls')), [], 'no class was read on this thread');
      const again = await FileLintCache.open(location, { tool: 'test' });
      const warm = await scanProject({ root: dir, config, jobs: 2, minFilesPerWorker: 1, cache: again });
      assert.deepStrictEqual([warm.threads, again.hits, again.misses], [1, files.length, 0]);
      assert.ok(again.inputHits >= classes.length, `every class's index input was remembered (${again.inputHits} of at least ${classes.length})`);
    } finally {
      fsMod.open = open;
      removeProject(dir);
      rmSync(location, { force: true });
    }
  });

  it('with a cache: a file rewritten (its mtime set back) after a worker read it is linted again next time', async () => {
    // Size and mtime vouch for a result only as they were when its text was read: stamped after the pool run, a file
    // replaced meanwhile (a `cp -p`, a `tar x`: an older mtime) was vouched for with the old text's result.
    const config = defaultConfig();
    const location = path.join(os.tmpdir(), `apiguard-pool-race-${process.pid}`);
    const dir = path.join(os.tmpdir(), `apiguard-pool-raced-${process.pid}`);
    execFileSync(process.execPath, [path.join(repo, 'bench/generate-corpus.mjs'), '--apex', '30', '--out', dir, '--seed', '5'], { stdio: 'ignore' });
    try {
      const files = await discoverFiles(dir);
      const old = new Date(Date.now() - 3600_000), older = new Date(Date.now() - 7200_000);
      for (const f of files) { utimesSync(f, old, old); }
      const cls = files.filter(f => f.endsWith('.cls'));
      let rewritten = false;
      const cache = await FileLintCache.open(location, { tool: 'test' });
      const cold = await scanProject({ root: dir, config, jobs: 2, minFilesPerWorker: 1, cache, onProgress: p => {
        // While the pool runs (some files linted): every class gets a hardcoded secret, and an older mtime.
        if (p.phase !== 'lint' || p.done === 0 || rewritten) { return; }
        rewritten = true;
        for (const f of cls) {
          writeFileSync(f, `${readFileSync(f, 'utf8')}\n// token: ghp_${'a1B2c3D4e5'.repeat(3)}abcdef\n`);
          utimesSync(f, older, older);
        }
      } });
      await cache.save();
      assert.ok(rewritten && cold.threads === 2, 'the files were rewritten while the pool ran');
      const warm = await scanProject({ root: dir, config, jobs: 2, minFilesPerWorker: 1, cache: await FileLintCache.open(location, { tool: 'test' }) });
      const fresh = await scanProject({ root: dir, config, jobs: 1 });
      assert.ok(fresh.reports.filter(r => r.findings.some(f => f.ruleId === 'hardcoded-secret')).length >= cls.length, 'every class has the secret');
      const secrets = (r: ScanResult) => r.reports.filter(x => x.path.endsWith('.cls') && x.findings.some(f => f.message.includes('GitHub'))).length;
      assert.strictEqual(secrets(warm), secrets(fresh), 'classes with the secret');
      assert.strictEqual(JSON.stringify(warm.reports), JSON.stringify(fresh.reports));
    } finally {
      removeProject(dir);
      rmSync(location, { force: true });
    }
  });

  it('small scans lint on this thread (starting workers would cost more than it saves)', async () => {
    const root = tempProject({ 'sfdx-project.json': SFDX_PROJECT, 'force-app/main/default/classes/S3InvoiceUploader.cls': S3_UPLOADER });
    try {
      const r = await scanProject({ root, config: defaultConfig(), jobs: 4 });
      assert.deepStrictEqual([r.threads, r.filesScanned], [1, 2]);
    } finally { removeProject(root); }
  });

  it('a file that kills its worker gets an internal-error note; every other file is still linted', async () => {
    const root = tempProject({
      'sfdx-project.json': SFDX_PROJECT,
      ...Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`force-app/main/default/classes/S3Uploader${i}.cls`, S3_UPLOADER])),
      'force-app/main/default/classes/CrashesWorker.cls': S3_UPLOADER,
    });
    try {
      const config = defaultConfig();
      const files = (await scanProject({ root, config, jobs: 1 })).reports.map(r => r.path).sort();
      assert.strictEqual(files.length, 31);
      const project = await loadProjectIndex(root);
      const run = await lintOnPool(files, 2, { root, rules: config.rules, includeTests: false, project },
        { script: path.join(__dirname, 'helpers/crashingLintWorker.js') });
      assert.strictEqual(run.done, 31);
      const crashed = run.reports.filter(r => r.path.includes('CrashesWorker'));
      assert.strictEqual(crashed.length, 1);
      assert.deepStrictEqual(crashed[0].findings, []);
      assert.match(crashed[0].notes[0].message, /^The lint worker stopped while checking this file \(exit code 7\): not checked\.$/);
      assert.strictEqual(crashed[0].notes[0].code, 'internal-error');
      const others = run.reports.filter(r => !r.path.includes('CrashesWorker'));
      assert.strictEqual(others.length, 30);
      assert.deepStrictEqual(others.filter(r => !r.findings.some(f => f.ruleId === 'insecure-endpoint')).map(r => [r.path, r.findings.map(f => f.ruleId), r.notes]), [], 'the files chunked with it were retried and linted');
    } finally { removeProject(root); }
  });

  it('a worker that dies of an error just after sending a result: each file is counted and reported once', async () => {
    // The error comes on the worker's internal port, its results on another: the pool may hear of the error first
    // (always when it is busy meanwhile). The chunk it still holds is linted again, so the late result must not count.
    const names = ['A0', 'A1', 'A2', 'A3', 'B0', 'DiesAfterDone', 'B2', 'B3'];
    const root = tempProject({
      'sfdx-project.json': SFDX_PROJECT,
      ...Object.fromEntries(names.map(n => [`force-app/main/default/classes/${n}.cls`, S3_UPLOADER])),
    });
    try {
      const config = defaultConfig();
      const one = await scanProject({ root, config, jobs: 1 });
      const files = names.map(n => path.join(root, `force-app/main/default/classes/${n}.cls`));
      const project = await loadProjectIndex(root);
      // This thread is busy (not in a message of the worker) while the worker sends the result of B* and dies.
      const posting = `${files[5]}.posting`;
      const busy = setInterval(() => {
        if (!existsSync(posting)) { return; }
        clearInterval(busy);
        const t = Date.now();
        while (Date.now() - t < 600) { /* busy */ }
      }, 5);
      const run = await lintOnPool(files, 1, { root, rules: config.rules, includeTests: false, project, keys: true },
        { script: path.join(__dirname, 'helpers/dyingAfterDoneLintWorker.js') }).finally(() => clearInterval(busy));
      assert.ok(existsSync(posting), 'the worker died after a result');
      assert.strictEqual(run.done, files.length);
      assert.deepStrictEqual(run.keys.map(([f]) => f).sort(), [...files].sort(), 'one key per file');
      run.reports.sort((a, b) => (a.path < b.path ? -1 : 1));
      assert.deepStrictEqual(run.reports, one.reports.filter(r => r.path.endsWith('.cls')));
    } finally { removeProject(root); }
  });

  it('the workers start before the project index is there: a late setup gives the same reports, a failed one fails the run', async () => {
    const config = defaultConfig();
    const one = await scanProject({ root: corpus, config, jobs: 1 });
    const files = one.reports.map(r => r.path);
    const script = path.join(repo, 'out/src/node/lintWorker.js');
    const late = new Promise<PoolSetup>(resolve => setTimeout(() => resolve({ root: corpus, rules: config.rules, includeTests: false, project: one.project }), 300));
    const run = await lintOnPool(files, 2, late, { script });
    run.reports.sort((a, b) => (a.path < b.path ? -1 : 1));
    assert.strictEqual(run.done, files.length);
    assert.deepStrictEqual(run.reports, one.reports);
    const failed = lintOnPool(files, 2, Promise.reject(new Error('the index could not be built')), { script });
    await assert.rejects(failed, /the index could not be built/);
  });

  it('the workers extract the classes\' constants for the index; a worker that dies on them leaves its share to the caller', async () => {
    const config = defaultConfig();
    const one = await scanProject({ root: corpus, config, jobs: 1 });
    const apex = one.reports.map(r => r.path).filter(f => f.endsWith('.cls'));
    const script = path.join(repo, 'out/src/node/lintWorker.js');
    const got = await new Promise<ReadonlyMap<string, unknown>>(done => {
      void lintOnPool(apex, 2, { root: corpus, rules: config.rules, includeTests: false, project: one.project }, { script, symbols: { files: apex, done } });
    });
    assert.deepStrictEqual([...got.keys()].sort(), [...apex].sort());
    for (const f of apex) { assert.deepStrictEqual(got.get(f), one.project.symbols?.get(f), f); }
    const crashing = path.join(__dirname, 'helpers/crashingLintWorker.js');
    const doomed = [...apex, path.join(corpus, 'CrashesOnSymbols.cls')];
    let partial: ReadonlyMap<string, unknown> | undefined;
    const run = await lintOnPool(apex, 2, { root: corpus, rules: config.rules, includeTests: false, project: one.project },
      { script: crashing, symbols: { files: doomed, done: m => { partial = m; } } });
    assert.strictEqual(run.done, apex.length, 'the lint went on with a fresh worker');
    assert.ok(partial && partial.size > 0 && partial.size < doomed.length, `a share came back, the dead worker's did not: ${partial?.size}`);
  });

  it('aborting stops the workers and returns what was done, marked cancelled', async () => {
    const total = (JSON.parse(readFileSync(path.join(corpus, '.corpus.json'), 'utf8')) as { files: number }).files;
    const ac = new AbortController();
    const r = await scanProject({ root: corpus, config: defaultConfig(), jobs: 2, minFilesPerWorker: 1, signal: ac.signal,
      onProgress: p => { if (p.phase === 'lint' && p.done > 0) { ac.abort(); } } });
    assert.strictEqual(r.threads, 2);
    assert.strictEqual(r.cancelled, true);
    assert.ok(r.filesScanned > 0 && r.filesScanned < total, `${r.filesScanned} of ${total}`);
    const before = new AbortController();
    before.abort();
    const none = await lintOnPool(r.reports.map(x => x.path), 2, { root: corpus, rules: {}, includeTests: false, project: r.project },
      { script: path.join(repo, 'out/src/node/lintWorker.js'), signal: before.signal });
    assert.deepStrictEqual(none, { reports: [], keys: [], done: 0 });
  });

  it('CLI: a scan on the pool never compiles the grammar on its own thread; one on this thread does', () => {
    // A fresh process each time (this one has loaded the parser long ago); parseApex throws until the grammar is loaded.
    const probe = (jobs: string) => {
      const script = `const { run } = require(${JSON.stringify(path.join(repo, 'out/src/cli/commands/scan.js'))});
        const { recordingIO } = require(${JSON.stringify(path.join(repo, 'out/test/unit/helpers/project.js'))});
        const { parseApex } = require(${JSON.stringify(path.join(repo, 'out/src/core/apex/parser.js'))});
        (async () => {
          const io = recordingIO(${JSON.stringify(corpus)});
          const code = await run(['--jobs', '${jobs}', '--format', 'json', '--output', ${JSON.stringify(path.join(os.tmpdir(), `apiguard-grammar-${process.pid}.json`))}, '--fail-on', 'never'], io);
          let loaded = true;
          try { parseApex('public class A {}').delete(); } catch { loaded = false; }
          console.log(JSON.stringify({ code, loaded, stderr: io.stderr }));
        })();`;
      return JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }).trim().split('\n').pop()!) as { code: number; loaded: boolean; stderr: string };
    };
    const pooled = probe('2');
    assert.strictEqual(pooled.code, 0, pooled.stderr);
    assert.strictEqual(pooled.loaded, false, 'the CLI thread loaded the grammar although two workers linted');
    const oneThread = probe('1');
    assert.strictEqual(oneThread.code, 0, oneThread.stderr);
    assert.strictEqual(oneThread.loaded, true, 'a one-thread scan lints with the grammar on this thread');
  });
});

describe('--shard i/n', function () {
  this.timeout(60000);

  it('the shards partition the files, their reports add up to the whole scan, and project facts come from the whole tree', async () => {
    const whole = await scanProject({ root: example, config: defaultConfig(), jobs: 1 });
    const parts = await Promise.all([1, 2, 3].map(index => scanProject({ root: example, config: defaultConfig(), jobs: 1, shard: { index, count: 3 } })));
    assert.strictEqual(parts.reduce((n, p) => n + p.filesScanned, 0), whole.filesScanned);
    assert.ok(parts.every(p => p.filesScanned > 0 && p.filesScanned < whole.filesScanned), 'every shard has some files');
    for (const p of parts) { assert.deepStrictEqual(p.project, whole.project); }
    const merged = parts.flatMap(p => p.reports).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    assert.strictEqual(JSON.stringify(merged), JSON.stringify(whole.reports));
    // A rule that reads project facts: its findings in a shard are the whole scan's findings.
    assert.ok(whole.reports.some(r => r.findings.some(f => f.ruleId === 'remote-site-without-named-credential' || f.ruleId === 'legacy-named-credential')));
  });

  it('the split is a stable hash of the root-relative path', () => {
    assert.strictEqual(shardOf('force-app/main/default/classes/A.cls', 4), shardOf('force-app/main/default/classes/A.cls', 4));
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) { counts[shardOf(`force-app/main/default/classes/C${i}.cls`, 4) - 1]++; }
    assert.ok(counts.every(c => c > 900 && c < 1100), `balanced: ${counts.join(',')}`);
    assert.strictEqual(shardOf('x.cls', 1), 1);
  });

  it('CLI: --shard 2/3 writes SARIF with a per-shard runAutomationDetails id; bad --shard and --jobs are usage errors', async () => {
    const io = recordingIO(example);
    const out = path.join(os.tmpdir(), `apiguard-shard-${process.pid}.sarif`);
    const code = await scan(['--shard', '2/3', '--jobs', '1', '--format', 'sarif', '--output', out, '--fail-on', 'never'], io);
    assert.strictEqual(code, 0, io.stderr);
    const sarif = JSON.parse(readFileSync(out, 'utf8')) as { runs: Array<{ automationDetails?: { id: string } }> };
    assert.deepStrictEqual(sarif.runs[0].automationDetails, { id: 'apiguard/shard-2-of-3/' });
    writeFileSync(out, '');
    for (const bad of [['--shard', '4/3'], ['--shard', '0/3'], ['--shard', '2'], ['--jobs', '0'], ['--jobs', 'many']]) {
      const e = recordingIO(example);
      assert.strictEqual(await scan(bad, e), 2, bad.join(' '));
      assert.match(e.stderr, new RegExp(`option ${bad[0]} must`));
    }
  });
});
