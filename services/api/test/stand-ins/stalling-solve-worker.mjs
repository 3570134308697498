// The service's solve worker, except that a scenario named "stall" blocks its thread for good: the
// watchdog's case (a synchronous solver that never checks its clock), which the real core no longer has.
import { parentPort } from 'node:worker_threads';

parentPort.on('message', (message) => {
  if (message.type === 'solve' && message.scenario?.name === 'stall') Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
});
// Registered after the listener above, so the real worker never sees a stalled solve first.
await import('../../dist/workers/solve-worker.js');
