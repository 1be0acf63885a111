import * as assert from 'assert';
import { execFileSync } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { defaultConfig } from '../../src/core/config';
import { lintOnPool, StartedWorkers } from '../../src/node/pool';
import { scanProject, type ScanResult } from '../../src/node/scan';
import { removeProject, S3_UPLOADER, SFDX_PROJECT, tempProject } from './helpers/project';

const repo = path.resolve(__dirname, '../../..');
const lintWorker = path.join(repo, 'out/src/node/lintWorker.js');
const content = (r: ScanResult) => JSON.stringify({ reports: r.reports, notes: r.notes, filesScanned: r.filesScanned, cancelled: r.cancelled, project: r.project });

/**
 * Records every worker thread the pool creates, in order with other events. pool.ts reads `Worker`
 * from node:worker_threads at each `new`, so a subclass put there sees them all (real threads still).
 */
function watchWorkers(log: string[]): { made: Worker[]; restore: () => void } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const wt = require('node:worker_threads') as { Worker: typeof Worker };
  const Real = wt.Worker;
  const made: Worker[] = [];
  wt.Worker = class extends Real {
    constructor(...args: ConstructorParameters<typeof Worker>) { super(...args); made.push(this); log.push('worker'); }
  };
  return { made, restore: () => { wt.Worker = Real; } };
}

const exited = (w: Worker) => new Promise<number>(resolve => { w.once('exit', resolve); });

describe('lint pool: workers start during discovery', function () {
  this.timeout(120000);
  let corpus: string;
  before(() => {
    corpus = path.join(os.tmpdir(), `apiguard-pool-start-${process.pid}`);
    execFileSync(process.execPath, [path.join(repo, 'bench/generate-corpus.mjs'), '--apex', '60', '--out', corpus, '--seed', '11'], { stdio: 'ignore' });
  });
  after(() => removeProject(corpus));

  it('a whole-root scan starts its workers while the walk still lists folders, uses exactly those, and reports as one thread does', async () => {
    const one = await scanProject({ root: corpus, config: defaultConfig(), jobs: 1 });
    const log: string[] = [];
    const watch = watchWorkers(log);
    let pool: ScanResult;
    try {
      pool = await scanProject({ root: corpus, config: defaultConfig(), jobs: 2, minFilesPerWorker: 1,
        discover: { readdir: async dir => { log.push('list'); return fsp.readdir(dir, { withFileTypes: true }); } },
        onProgress: p => { if (p.phase === 'lint' && !log.includes('lint')) { log.push('lint'); } } });
    } finally { watch.restore(); }
    assert.strictEqual(pool.threads, 2);
    assert.strictEqual(content(pool), content(one));
    assert.strictEqual(log.filter(e => e === 'worker').length, 2, `two threads in all, none spawned after the walk: ${log.join(' ')}`);
    const firstWorker = log.indexOf('worker');
    assert.ok(firstWorker < log.indexOf('lint'), 'the workers started before discovery ended');
    assert.ok(log.slice(firstWorker).includes('list'), `folders were still listed after the workers started: ${log.join(' ')}`);
  });

  it('a small project starts no worker at all', async () => {
    const root = tempProject({ 'sfdx-project.json': SFDX_PROJECT, 'force-app/main/default/classes/S3InvoiceUploader.cls': S3_UPLOADER });
    const log: string[] = [];
    const watch = watchWorkers(log);
    try {
      const r = await scanProject({ root, config: defaultConfig(), jobs: 4 });
      assert.deepStrictEqual([r.threads, r.filesScanned, log], [1, 2, []]);
    } finally { watch.restore(); removeProject(root); }
  });

  it('the pool takes started workers instead of spawning; the ones it does not need are ended', async () => {
    const one = await scanProject({ root: corpus, config: defaultConfig(), jobs: 1 });
    const files = one.reports.map(r => r.path);
    const log: string[] = [];
    const watch = watchWorkers(log);
    try {
      const started = new StartedWorkers(lintWorker, 3);
      const extraEnded = exited(watch.made[2]);
      log.length = 0;
      const run = await lintOnPool(files, 2, { root: corpus, rules: defaultConfig().rules, includeTests: false, project: one.project }, { script: lintWorker, started });
      run.reports.sort((a, b) => (a.path < b.path ? -1 : 1));
      assert.deepStrictEqual(run.reports, one.reports);
      assert.deepStrictEqual(log, [], 'no worker spawned: the started ones linted');
      assert.strictEqual(started.count, 0);
      assert.strictEqual(typeof await extraEnded, 'number', 'the third worker was ended');
    } finally { watch.restore(); }
  });

  it('a thread that cannot be created is left to the pool, which spawns what it lacks', async () => {
    const none = new StartedWorkers('not/an/absolute/path.js', 2);
    assert.strictEqual(none.count, 0);
    const one = await scanProject({ root: corpus, config: defaultConfig(), jobs: 1 });
    const run = await lintOnPool(one.reports.map(r => r.path), 2, { root: corpus, rules: defaultConfig().rules, includeTests: false, project: one.project }, { script: lintWorker, started: none });
    assert.strictEqual(run.reports.length, one.reports.length);
  });

  it('what a started worker said before it was taken is not lost: a failed start fails the run', async () => {
    const log: string[] = [];
    const watch = watchWorkers(log);
    try {
      const fatal = path.join(__dirname, 'helpers/fatalWorker.js');
      const started = new StartedWorkers(fatal, 1);
      // The worker has said it and ended before the pool takes it.
      await Promise.all([new Promise(resolve => watch.made[0].once('message', resolve)), exited(watch.made[0])]);
      const run = lintOnPool([path.join(corpus, 'A.cls')], 1, { root: corpus, rules: {}, includeTests: false, project: { root: corpus } as never }, { script: fatal, started });
      await assert.rejects(run, /^Error: API Guard lint worker could not start: no grammar here \(test\)$/);
    } finally { watch.restore(); }
  });
});
