/**
 * One solve at a time on its own thread, so the event loop of the HTTP server never runs the solver.
 * Progress is posted as it happens (throttled); a 'cancel' message or the shared cancel flag aborts the
 * solve, which then returns the best roster found so far. A retried job's solve starts from its checkpoint
 * (warm-start.ts).
 */
import { parentPort } from 'node:worker_threads';
import { FlexrosterInputError, solve, type SolveIncumbent, type SolveProgress } from '@flexroster/core';
import { getBackend } from '../backends.js';
import type { FromWorker, SerializedError, ToWorker } from './protocol.js';
import { solveFrom } from './warm-start.js';

/** The heuristic reports every improvement, often thousands a second; the API needs a few a second. */
const PROGRESS_INTERVAL_MS = 200;
/**
 * A job's best roster goes to its row at most this often: a runner that dies loses at most these seconds
 * of search, and a roster of thousands of assignments (tens of kB of jsonb) is not rewritten on each of
 * the heuristic's improvements. The first roster is posted at once.
 */
const CHECKPOINT_INTERVAL_MS = 5000;

const port = parentPort;
if (!port) throw new Error('solve-worker.js must run in a worker thread');

const controllers = new Map<string, AbortController>();

function post(message: FromWorker): void {
  port!.postMessage(message);
}

function serializeError(error: unknown): SerializedError {
  if (error instanceof FlexrosterInputError) return { name: error.name, message: error.message, issues: error.issues };
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

/**
 * An AbortSignal whose `aborted` also reads the shared flag. Synchronous code (the heuristic, which polls
 * `signal.aborted`) sees a cancel at once; asynchronous code (the HiGHS backend, which listens for the
 * 'abort' event) gets the event when the 'cancel' message aborts the controller.
 */
function cancellableSignal(controller: AbortController, flag: Int32Array): AbortSignal {
  const signal = controller.signal;
  const nativeAborted = Object.getOwnPropertyDescriptor(AbortSignal.prototype, 'aborted')!.get!;
  Object.defineProperty(signal, 'aborted', { get: () => Atomics.load(flag, 0) === 1 || (nativeAborted.call(signal) as boolean) });
  return signal;
}

async function runSolve(message: Extract<ToWorker, { type: 'solve' }>): Promise<void> {
  const { jobId, task } = message;
  const controller = new AbortController();
  controllers.set(jobId, controller);
  const flag = new Int32Array(message.cancelFlag);
  let lastPost = 0;
  let pending: SolveProgress | undefined;
  let flushTimer: NodeJS.Timeout | undefined;
  const flush = () => {
    flushTimer = undefined;
    if (pending) post({ type: 'progress', jobId, progress: pending });
    pending = undefined;
    lastPost = performance.now();
  };
  const onProgress = (progress: SolveProgress) => {
    pending = progress;
    // During the synchronous heuristic timers cannot fire, so post directly when enough time has passed;
    // the timer catches the last update of a quiet spell.
    if (performance.now() - lastPost >= PROGRESS_INTERVAL_MS) flush();
    else flushTimer ??= setTimeout(flush, PROGRESS_INTERVAL_MS);
  };
  const checkpoints = message.checkpoint ? checkpointer(jobId) : undefined;
  const signal = cancellableSignal(controller, flag);
  try {
    const result = await solveFrom(message.scenario, task, (from, timeLimitSeconds, base) => {
      post({ type: 'started', jobId, from });
      return solve(message.scenario, {
        timeLimitSeconds,
        backend: getBackend(task.backend),
        signal,
        onProgress,
        ...(checkpoints ? { onIncumbent: checkpoints.onIncumbent } : {}),
        ...(task.heuristicShare !== undefined ? { heuristicShare: task.heuristicShare } : {}),
        ...(task.seed !== undefined ? { seed: task.seed } : {}),
        ...(base !== undefined ? { base } : {}),
      });
    });
    if (flushTimer) clearTimeout(flushTimer);
    flush();
    post({ type: 'result', jobId, result });
  } catch (error) {
    if (flushTimer) clearTimeout(flushTimer);
    post({ type: 'error', jobId, error: serializeError(error) });
  } finally {
    // The result (or the error) supersedes a checkpoint still waiting.
    checkpoints?.stop();
    controllers.delete(jobId);
  }
}

/**
 * Posts the newest incumbent at most every CHECKPOINT_INTERVAL_MS; one held back is posted when the
 * interval is over (a timer: it fires once the solver awaits its backend, as after the heuristic).
 */
function checkpointer(jobId: string): { onIncumbent: (incumbent: SolveIncumbent) => void; stop: () => void } {
  let last = -Infinity;
  let pending: SolveIncumbent | undefined;
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    timer = undefined;
    if (!pending) return;
    const { cost, roster } = pending;
    pending = undefined;
    last = performance.now();
    post({ type: 'checkpoint', jobId, checkpoint: { cost, roster: roster() } });
  };
  return {
    onIncumbent: (incumbent) => {
      pending = incumbent;
      const wait = last + CHECKPOINT_INTERVAL_MS - performance.now();
      if (wait <= 0) flush();
      else timer ??= setTimeout(flush, wait);
    },
    stop: () => {
      if (timer) clearTimeout(timer);
      pending = undefined;
    },
  };
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'solve') void runSolve(message);
  else controllers.get(message.jobId)?.abort();
});
post({ type: 'ready' });
