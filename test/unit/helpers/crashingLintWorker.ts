/**
 * The real lint worker, except that a chunk holding a file whose name contains `CrashesWorker` ends
 * the thread (as an out-of-memory abort in WASM would), and so does a symbols request holding one named
 * `CrashesOnSymbols`. For the pool's recovery tests.
 */
import { parentPort } from 'node:worker_threads';
import type { ToWorker } from '../../../src/node/pool';

parentPort?.on('message', (m: ToWorker) => {
  if (m.type === 'lint' && m.files.some(f => f.includes('CrashesWorker'))) { process.exit(7); }
  if (m.type === 'symbols' && m.files.some(f => f.includes('CrashesOnSymbols'))) { process.exit(7); }
});
// eslint-disable-next-line @typescript-eslint/no-require-imports
require('../../../src/node/lintWorker');
