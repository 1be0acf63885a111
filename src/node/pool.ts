import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ApiGuardConfig } from '../core/config';
import type { SeverityOrOff } from '../core/types';
import type { FileSymbols, ProjectIndex } from '../core/project';
import type { ReportFile } from '../core/report/model';
import type { FileSeen } from './scan';

/**
 * A pool of worker threads that lint files for one scan. Each worker (`lintWorker.ts`, bundled as
 * `dist/lintWorker.js`) loads the grammar and the rules once, gets the project index once (structured
 * clone of plain data, in its first message: workers start while the caller still builds the index),
 * then reads and lints the files it is handed in chunks and posts back the reports that have findings
 * or notes. The caller sorts; the output does not depend on which worker linted which file.
 */

/** What every worker needs besides the file paths. Plain data: it crosses the thread boundary by structured clone. */
export interface PoolSetup {
  root: string;
  rules: Record<string, SeverityOrOff>;
  includeTests: boolean;
  project: ProjectIndex;
  /** `.apiguard.json` per-file budgets. */
  limits?: ApiGuardConfig['limits'];
  /** Post the cache key (`textKey`) of each file linted, so the caller can store every result (`--cache`). */
  keys?: boolean;
}

/** Messages between the pool and a worker: `symbols` (optional) and `setup` first, then chunks to lint. */
export type ToWorker = { type: 'symbols'; files: string[] } | { type: 'setup'; setup: PoolSetup } | { type: 'lint'; chunk: number; files: string[] };
export type FromWorker =
  | { type: 'symbols'; results: Array<[string, FileSymbols | undefined, FileSeen?]> }
  | { type: 'done'; chunk: number; reports: ReportFile[]; count: number; keys?: Array<[file: string, key: string, seen?: FileSeen]> }
  | { type: 'fatal'; message: string };

/**
 * Files per message, guided: a quarter of each worker's share of what is left, between MIN_CHUNK and
 * MAX_CHUNK. Large chunks while much is left (each message wakes a thread: 8-file chunks spent 5% of
 * a worker's time in postMessage on 11,752 files), small ones at the end so the cores finish together.
 */
const MIN_CHUNK = 4;
const MAX_CHUNK = 64;
/** Chunks in flight per worker, so a worker never waits for the next one. */
const IN_FLIGHT = 2;

/** How many workers `--jobs` defaults to: one per core the process may use. */
export function defaultJobs(): number {
  return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length || 1;
}

/** The worker script next to this module (dist/ when bundled, out/src/node/ when compiled), or undefined if absent. */
export function lintWorkerScript(from = __dirname): string | undefined {
  const f = path.join(from, 'lintWorker.js');
  return existsSync(f) ? f : undefined;
}

/**
 * Project-wide values (`symbolsOf`) of these files, extracted by the workers while they wait for the
 * project index that needs them (`scanProject`). `done` gets what came back, once, even when a worker
 * died or the run ended first: a file missing from the map is read by the caller.
 */
export interface SymbolsRequest {
  files: readonly string[];
  /** `seen`: each read file's size and mtime before the worker read it (for `--cache` to remember the file's digest by). */
  done: (symbols: ReadonlyMap<string, FileSymbols | undefined>, seen: ReadonlyMap<string, FileSeen>) => void;
}

/**
 * Workers started before the file list is known: a whole-root scan starts them during its walk, so that
 * their start-up (module load, grammar compile: 150-250 ms each) overlaps discovery instead of following
 * it. `lintOnPool` takes them (`started`) instead of spawning its own; what a worker emitted before it
 * was taken (a fatal start-up error, an exit) is kept and handed over. `close` ends the ones not taken.
 */
export class StartedWorkers {
  private readonly waiting: Array<{ worker: Worker; events: EarlyEvent[]; detach: () => void }> = [];
  constructor(readonly script: string, count: number) {
    for (let i = 0; i < count; i++) {
      let worker: Worker;
      // A thread that cannot be created now is left to lintOnPool, which spawns what it lacks (and says why not).
      try { worker = new Worker(script); } catch { break; }
      const events: EarlyEvent[] = [];
      const onMessage = (m: FromWorker) => events.push({ type: 'message', value: m });
      const onError = (e: Error) => events.push({ type: 'error', value: e });
      const onExit = (code: number) => events.push({ type: 'exit', value: code });
      worker.on('message', onMessage).on('error', onError).on('exit', onExit);
      this.waiting.push({ worker, events, detach: () => { worker.off('message', onMessage).off('error', onError).off('exit', onExit); } });
    }
  }
  get count(): number { return this.waiting.length; }
  /** A started worker and what it emitted so far (its recording stops: the caller listens now). */
  take(): { worker: Worker; events: EarlyEvent[] } | undefined {
    const w = this.waiting.shift();
    if (!w) { return undefined; }
    w.detach();
    return { worker: w.worker, events: w.events };
  }
  /** Ends the workers not taken (their listeners stay, so a late error event cannot go unheard). */
  close(): void {
    for (const w of this.waiting.splice(0)) { void w.worker.terminate(); }
  }
}
export type EarlyEvent = { type: 'message'; value: FromWorker } | { type: 'error'; value: Error } | { type: 'exit'; value: number };

export interface PoolRun {
  /** Reports with findings or notes, in completion order (the caller sorts). */
  reports: ReportFile[];
  /** With `PoolSetup.keys`: each file linted, the key of the text it was linted as, and its size and mtime before that read (a file that failed has none). */
  keys: Array<[file: string, key: string, seen?: FileSeen]>;
  /** Files linted (or given a note). */
  done: number;
}

/**
 * Lints `files` on `jobs` workers. `setup` may still be on its way (the project index being built):
 * the workers start at once and get their first chunk when it is there; if it fails, so does the run.
 * `onDone(n)` is called with the running count after each chunk.
 * Aborting stops dispatching and terminates the workers; what finished is returned. A worker that
 * dies (out of memory on one file, a crash in WASM) is replaced; the files it held are retried one
 * per chunk, and a file that kills a worker on its own gets an `internal-error` note, so one bad
 * file never ends the scan and never silently drops a file.
 */
export function lintOnPool(files: readonly string[], jobs: number, setup: PoolSetup | Promise<PoolSetup>,
  options: { script: string; signal?: AbortSignal; onDone?: (done: number) => void; symbols?: SymbolsRequest; started?: StartedWorkers }): Promise<PoolRun> {
  const { script, signal, onDone } = options;
  return new Promise<PoolRun>((resolve, reject) => {
    const reports: ReportFile[] = [];
    const keys: Array<[string, string, FileSeen?]> = [];
    let done = 0;
    let nextChunkId = 0;
    /** Files not yet handed out: `files` from `next` on, and files to retry one by one, which go first. */
    let next = 0;
    const retries: string[] = [];
    const hasWork = () => retries.length > 0 || next < files.length;
    const take = (): { files: string[]; retry: boolean } => {
      if (retries.length) { return { files: [retries.shift()!], retry: true }; }
      const size = Math.max(MIN_CHUNK, Math.min(MAX_CHUNK, Math.ceil((files.length - next) / (jobs * 4))));
      return { files: files.slice(next, next += size), retry: false };
    };
    let ready: PoolSetup | undefined;
    const held = new Map<Worker, Map<number, { files: string[]; retry: boolean }>>();
    let finished = false;
    let spawned = 0;

    /** The symbols request: what came back, and the workers still holding a share of it. */
    const symbols = new Map<string, FileSymbols | undefined>();
    const symbolsSeen = new Map<string, FileSeen>();
    const symbolsFrom = new Set<Worker>();
    let symbolsRequest = options.symbols;
    const symbolsDone = () => {
      if (symbolsRequest && symbolsFrom.size === 0) { const r = symbolsRequest; symbolsRequest = undefined; r.done(symbols, symbolsSeen); }
    };
    const finish = (error?: Error) => {
      if (finished) { return; }
      finished = true;
      symbolsFrom.clear();
      symbolsDone();
      signal?.removeEventListener('abort', onAbort);
      options.started?.close();
      for (const w of held.keys()) { void w.terminate(); }
      held.clear();
      if (error) { reject(error); } else { resolve({ reports, keys, done }); }
    };
    const onAbort = () => finish();
    signal?.addEventListener('abort', onAbort);

    const feed = (w: Worker) => {
      const mine = held.get(w);
      if (!mine || !ready) { return; }
      // A retried file goes alone to its worker, so that if it kills the worker it is the only file lost.
      const alone = () => [...mine.values()].some(c => c.retry) || (mine.size > 0 && retries.length > 0);
      while (mine.size < IN_FLIGHT && hasWork() && !signal?.aborted && !alone()) {
        const c = take();
        const chunk = nextChunkId++;
        mine.set(chunk, c);
        w.postMessage({ type: 'lint', chunk, files: c.files } satisfies ToWorker);
      }
      if (signal?.aborted || (!hasWork() && [...held.values()].every(m => m.size === 0))) { finish(); }
    };

    const spawn = () => {
      spawned++;
      const early = options.started?.take();
      const w = early?.worker ?? new Worker(script);
      held.set(w, new Map());
      if (ready) { w.postMessage({ type: 'setup', setup: ready } satisfies ToWorker); }
      let failed = false;
      const onMessage = (m: FromWorker) => {
        // A result that comes after the worker's error (another port: it may) is for a chunk already handed out again.
        if (finished || failed) { return; }
        if (m.type === 'fatal') { finish(new Error(`API Guard lint worker could not start: ${m.message}`)); return; }
        if (m.type === 'symbols') {
          for (const [f, s, seen] of m.results) { symbols.set(f, s); if (seen) { symbolsSeen.set(f, seen); } }
          symbolsFrom.delete(w);
          symbolsDone();
          return;
        }
        held.get(w)?.delete(m.chunk);
        for (const r of m.reports) { reports.push(r); }
        for (const k of m.keys ?? []) { keys.push(k); }
        done += m.count;
        onDone?.(done);
        feed(w);
      };
      w.on('message', onMessage);
      const lost = (why: string) => {
        if (finished || failed) { return; }
        failed = true;
        // Its share of the symbols is read by the caller instead.
        if (symbolsFrom.delete(w)) { symbolsDone(); }
        const mine = held.get(w) ?? new Map<number, { files: string[]; retry: boolean }>();
        held.delete(w);
        for (const c of mine.values()) {
          if (c.retry) {
            // It failed on its own: say so and go on.
            for (const f of c.files) {
              reports.push({ path: f, findings: [], notes: [{ path: f, code: 'internal-error', message: `The lint worker stopped while checking this file (${why}): not checked.` }] });
              done++;
            }
            onDone?.(done);
          } else {
            retries.unshift(...c.files);
          }
        }
        void w.terminate();
        if (hasWork() && !signal?.aborted) {
          // A fresh worker for the rest, but never a respawn loop: at most one per file of the scan.
          if (spawned > jobs + files.length) { finish(new Error(`API Guard lint workers keep failing (${why})`)); return; }
          feed(spawn());
        } else if ([...held.values()].every(x => x.size === 0)) {
          finish();
        }
      };
      const onExit = (code: number) => { if (code !== 0) { lost(`exit code ${code}`); } else if (!finished && held.has(w)) { lost('exited'); } };
      w.on('error', e => lost(e.message));
      w.on('exit', onExit);
      // A worker started early: what it said before it was taken, as if it came now.
      for (const e of early?.events ?? []) {
        if (e.type === 'message') { onMessage(e.value); } else if (e.type === 'error') { lost(e.value.message); } else { onExit(e.value); }
      }
      return w;
    };

    if (!files.length || signal?.aborted) { finish(); return; }
    const n = Math.max(1, Math.min(jobs, files.length));
    for (let i = 0; i < n && !finished; i++) { spawn(); }
    options.started?.close();
    const wanted = options.symbols?.files ?? [];
    if (wanted.length) {
      [...held.keys()].forEach((w, i) => {
        symbolsFrom.add(w);
        w.postMessage({ type: 'symbols', files: wanted.filter((_, j) => j % n === i) } satisfies ToWorker);
      });
    } else {
      symbolsDone();
    }
    Promise.resolve(setup).then(s => {
      if (finished) { return; }
      ready = s;
      for (const w of [...held.keys()]) { w.postMessage({ type: 'setup', setup: s } satisfies ToWorker); feed(w); }
    }, (e: Error) => finish(e));
  });
}
