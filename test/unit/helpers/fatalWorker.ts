/** A lint worker whose start-up fails at once (as a missing grammar would): it says so, then ends. For the pool's start-up tests. */
import { parentPort } from 'node:worker_threads';
import type { FromWorker } from '../../../src/node/pool';

parentPort?.postMessage({ type: 'fatal', message: 'no grammar here (test)' } satisfies FromWorker);
