/**
 * The real lint worker, except that after it has sent the result of a chunk of several files holding one whose name
 * contains `DiesAfterDone`, the thread dies of an uncaught error (as an out-of-memory error would end it). Just before
 * it sends that result it creates `<that file>.posting`, and waits a little, so that a test can keep the pool's thread
 * busy meanwhile: the pool then hears of the error before the result (they come on different ports). For the pool's
 * recovery tests.
 */
import { writeFileSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import type { FromWorker, ToWorker } from '../../../src/node/pool';

const doomed = new Map<number, string>();
parentPort?.on('message', (m: ToWorker) => {
  const file = m.type === 'lint' && m.files.length > 1 ? m.files.find(f => f.includes('DiesAfterDone')) : undefined;
  if (m.type === 'lint' && file) { doomed.set(m.chunk, file); }
});
const port = parentPort;
if (port) {
  const post = port.postMessage.bind(port);
  port.postMessage = (m: FromWorker) => {
    const file = m.type === 'done' ? doomed.get(m.chunk) : undefined;
    if (file) {
      writeFileSync(`${file}.posting`, '');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 150);
    }
    post(m);
    if (file) { setImmediate(() => { throw new Error('died after its last result (test)'); }); }
  };
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
require('../../../src/node/lintWorker');
