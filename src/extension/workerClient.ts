import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Request, Response } from './protocol';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type RequestBody = DistributiveOmit<Exclude<Request, { type: 'cancel' } | { type: 'invalidate' } | { type: 'change' } | { type: 'forget' }>, 'id'>;

interface Pending { resolve(v: unknown): void; reject(e: Error): void; onProgress?: (done: number, total: number) => void }

/** How many nice levels the engine worker thread runs below the extension host thread (Linux). */
const WORKER_NICE = 10;

export class CancelledError extends Error { constructor() { super('cancelled'); } }

/**
 * Owns the engine worker (`worker.js` next to the extension bundle). Started on first use, so
 * activation never loads the engine or the grammar; restarted if it dies.
 */
export class EngineWorker {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly script = path.join(__dirname, 'worker.js')) {}

  private ensure(): Worker {
    if (this.worker) { return this.worker; }
    const w = process.platform === 'linux'
      // Linux keeps a nice value per thread: the engine's thread yields to the extension host's (typing,
      // VS Code's own work) when the cores are busy. Elsewhere it would lower the whole host: not done.
      ? new Worker(`try { const os = require('node:os'); os.setPriority(0, Math.min(19, os.getPriority(0) + ${WORKER_NICE})); } catch {}\nrequire(${JSON.stringify(this.script)});`, { eval: true, name: 'apiguard-engine' })
      : new Worker(this.script, { name: 'apiguard-engine' });
    w.unref();
    w.on('message', (m: Response) => {
      const p = this.pending.get(m.id);
      if (!p) { return; }
      if (m.type === 'progress') { p.onProgress?.(m.done, m.total); return; }
      this.pending.delete(m.id);
      if (m.ok) { p.resolve(m.value); } else { p.reject(m.cancelled ? new CancelledError() : new Error(m.error)); }
    });
    const fail = (e: Error) => {
      if (this.worker !== w) { return; }
      this.worker = undefined;
      for (const p of this.pending.values()) { p.reject(e); }
      this.pending.clear();
    };
    w.on('error', fail);
    w.on('exit', code => fail(new Error(`API Guard engine stopped (exit ${code})`)));
    this.worker = w;
    return w;
  }

  /** Sends a request; `onProgress` gets scan progress. Returns the id (for `cancel`) and the result. */
  request<T>(body: RequestBody, onProgress?: (done: number, total: number) => void): { id: number; result: Promise<T> } {
    const id = this.nextId++;
    const w = this.ensure();
    const result = new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, onProgress });
    });
    w.postMessage({ ...body, id } as Request);
    return { id, result };
  }

  /** Fire-and-forget messages (document sync): not sent when the worker is not running. */
  notify(m: Extract<Request, { type: 'change' } | { type: 'forget' }>): void { this.worker?.postMessage(m); }

  cancel(id: number): void { this.worker?.postMessage({ type: 'cancel', id } satisfies Request); }
  invalidate(root: string): void { this.worker?.postMessage({ type: 'invalidate', root } satisfies Request); }

  dispose(): void {
    const w = this.worker;
    this.worker = undefined;
    for (const p of this.pending.values()) { p.reject(new CancelledError()); }
    this.pending.clear();
    void w?.terminate();
  }
}
