/** Worker thread of the javascript-lp-solver backend: one solve per worker, answered once. */
import { parentPort } from 'node:worker_threads';
import type { LpModel } from './model.js';
import { solveWithJslp } from './jslp.js';

parentPort!.once('message', (m: { model: LpModel; timeLimitSeconds: number; relaxIntegrality: boolean }) => {
  const solution = solveWithJslp(m.model, { timeLimitSeconds: m.timeLimitSeconds, relaxIntegrality: m.relaxIntegrality });
  parentPort!.postMessage({ solution });
});
