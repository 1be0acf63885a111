/**
 * One thread of the lint pool (`pool.ts`), bundled as `dist/lintWorker.js`. Loads the grammar and the
 * rules once, takes the project index and the effective rule levels from its first message, then reads and
 * lints each chunk of paths it is sent, exactly as a one-thread scan does (`lintRead`).
 */
import { parentPort } from 'node:worker_threads';
import type { FileSymbols } from '../core/project';
import type { ReportFile } from '../core/report/model';
import { symbolsOf } from '../core/symbols';
import { createEngine } from './createEngine';
import type { FromWorker, PoolSetup, ToWorker } from './pool';
import { lintRead, readOneSync, type FileSeen } from './scan';
import { textKey } from './cache';

/** The project index and rule levels, from the pool's first message. */
let setup: PoolSetup | undefined;
const port = parentPort;
const ready = createEngine();
ready.catch((e: Error) => port?.postMessage({ type: 'fatal', message: e.message } satisfies FromWorker));

port?.on('message', (m: ToWorker) => {
  if (m.type === 'symbols') {
    // Text scans for the project index, done while the grammar compiles and the index is built.
    const results: Array<[string, FileSymbols | undefined, FileSeen?]> = [];
    for (const f of m.files) {
      const read = readOneSync(f);
      if (read.text === undefined) { results.push([f, undefined]); continue; }
      try { results.push([f, symbolsOf(f, read.text), read.seen]); } catch { /* left to the caller, which reads it again */ }
    }
    port.postMessage({ type: 'symbols', results } satisfies FromWorker);
    return;
  }
  if (m.type === 'setup') { setup = m.setup; return; }
  const s = setup;
  if (!s) { port.postMessage({ type: 'fatal', message: 'files to lint before the setup' } satisfies FromWorker); return; }
  void ready.then(engine => {
    // This thread does nothing but lint, so it reads synchronously (readOneSync says why).
    const reports: ReportFile[] = [];
    const keys: Array<[string, string, FileSeen?]> = [];
    for (const file of m.files) {
      const read = readOneSync(file);
      let report: ReportFile;
      try {
        report = lintRead(engine, read, s);
        if (s.keys && read.text !== undefined) { keys.push([file, textKey(read.text), read.seen]); }
      } catch (e) {
        report = { path: read.path, findings: [], notes: [{ path: read.path, code: 'internal-error', message: `Linting failed: ${(e as Error).message}. Not checked.` }] };
      }
      if (report.findings.length || report.notes.length) { reports.push(report); }
    }
    port.postMessage({ type: 'done', chunk: m.chunk, reports, count: m.files.length, ...(s.keys ? { keys } : {}) } satisfies FromWorker);
  }, () => { /* reported as fatal above */ });
});
