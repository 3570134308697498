/**
 * The HiGHS `LpBackend`. Each solve runs in a fresh worker thread (worker.ts) because HiGHS blocks the thread
 * it runs on and honours its time limit only at coarse checkpoints; this side keeps a watchdog and the
 * caller's AbortSignal, and can always answer with the best incumbent the worker has streamed so far.
 * A fresh worker per solve costs about 0.1 s and gives every solve a clean WebAssembly heap (a Wasm heap
 * never shrinks, so one long-lived worker would keep the memory of the largest model it ever saw).
 */
import { Worker } from 'node:worker_threads';
import type { LpBackend, LpModel, LpProgress, LpSolution, LpSolveOptions } from '@flexroster/core';
import { toHighsArrays, transferables, type WorkerInput, type WorkerMessage } from './protocol.js';

export interface HighsBackendOptions {
  /** This WebAssembly build of HiGHS is single-threaded; the field exists so that passing `threads` is a type error. */
  readonly threads?: never;
  /** How long past `timeLimitSeconds` to wait for HiGHS before terminating its worker (default 2). */
  readonly workerTimeoutGraceSeconds?: number;
}

/** Settings of one solve. `highsTimeLimitSeconds` exists for tests: it lets HiGHS overrun so the watchdog must act. */
export interface SolveSettings {
  readonly graceSeconds: number;
  readonly highsTimeLimitSeconds?: number;
}

const DEFAULT_GRACE_SECONDS = 2;
const DEFAULT_MIP_RELATIVE_GAP = 1e-4;
/** setTimeout fires at once for delays beyond 2^31-1 ms, so longer limits get no watchdog timer. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export function highsBackend(options: HighsBackendOptions = {}): LpBackend {
  const grace = options.workerTimeoutGraceSeconds;
  const graceSeconds = grace !== undefined && grace >= 0 && Number.isFinite(grace) ? grace : DEFAULT_GRACE_SECONDS;
  return {
    name: 'highs',
    presolveSwitch: true,
    solve: (model, solveOptions) => solveWithHighs(model, solveOptions, { graceSeconds }),
  };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Never rejects: every failure becomes status `error`. */
export async function solveWithHighs(model: LpModel, options: LpSolveOptions, settings: SolveSettings): Promise<LpSolution> {
  const startedAt = Date.now();
  const elapsed = () => (Date.now() - startedAt) / 1000;
  try {
    const limit = options.timeLimitSeconds;
    if (!(limit >= 0)) return { status: 'error', seconds: elapsed(), message: `timeLimitSeconds must be a non-negative number, got ${limit}` };
    if (options.signal?.aborted) return { status: 'no-solution', seconds: elapsed(), message: 'aborted before HiGHS started' };
    // HiGHS calls a model without columns "Empty" even when one of its (necessarily empty) rows excludes 0.
    if (model.variables.length === 0) return { ...solveWithoutColumns(model), seconds: elapsed() };
    const input: WorkerInput = {
      model: toHighsArrays(model, options.relaxIntegrality ?? false),
      startedAt,
      timeLimitSeconds: settings.highsTimeLimitSeconds ?? limit,
      mipRelativeGap: options.mipRelativeGap ?? DEFAULT_MIP_RELATIVE_GAP,
      reportBounds: options.onProgress !== undefined,
      presolve: options.presolve ?? true,
      detectSymmetry: options.detectSymmetry ?? true,
      ...(options.initialSolution ? { initialSolution: options.initialSolution } : {}),
    };
    return await runWorker(input, options, settings.graceSeconds, startedAt);
  } catch (error) {
    return { status: 'error', seconds: elapsed(), message: `HiGHS backend: ${errorText(error)}` };
  }
}

function solveWithoutColumns(model: LpModel): Omit<LpSolution, 'seconds'> {
  const excluding = model.rows.find((r) => r.lower > 0 || r.upper < 0);
  if (excluding) return { status: 'infeasible', message: `row ${excluding.name} has no columns and its bounds exclude 0` };
  return { status: 'optimal', objective: model.objectiveOffset, bound: model.objectiveOffset, values: new Float64Array(0), message: 'model has no columns' };
}

function runWorker(input: WorkerInput, options: LpSolveOptions, graceSeconds: number, startedAt: number): Promise<LpSolution> {
  return new Promise<LpSolution>((resolve) => {
    let incumbent: { objective: number; values: Float64Array } | undefined;
    let bound: number | undefined;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;

    const worker = new Worker(new URL('./worker.js', import.meta.url), {
      workerData: input,
      transferList: transferables(input.model),
      // The worker is plain compiled JS: do not hand it the parent's loaders (tap's TypeScript hook, for one).
      execArgv: [],
    });

    const settle = (solution: Omit<LpSolution, 'seconds'>): void => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      resolve({ ...solution, seconds: (Date.now() - startedAt) / 1000 });
    };
    // Stopping HiGHS from outside loses its final report, so answer with what it streamed before.
    const stopNow = (why: string): void =>
      settle(incumbent ? { status: 'feasible', objective: incumbent.objective, bound, values: incumbent.values, message: why } : { status: 'no-solution', bound, message: why });
    const onAbort = (): void => stopNow('aborted by the caller: HiGHS worker terminated');
    const report = (progress: LpProgress): void => {
      try {
        options.onProgress?.(progress);
      } catch {
        // A failing progress listener must not take the solve down with it.
      }
    };

    worker.on('message', (message: WorkerMessage) => {
      if (settled) return;
      switch (message.kind) {
        case 'incumbent':
          incumbent = { objective: message.objective, values: message.values };
          if (message.bound !== undefined) bound = Math.max(bound ?? -Infinity, message.bound);
          report({ objective: message.objective, bound, elapsedSeconds: message.elapsedSeconds });
          break;
        case 'bound':
          bound = Math.max(bound ?? -Infinity, message.bound);
          report({ objective: incumbent?.objective, bound, elapsedSeconds: message.elapsedSeconds });
          break;
        case 'done':
          settle(message.result);
          break;
      }
    });
    worker.on('error', (error) => settle({ status: 'error', message: `HiGHS worker failed: ${errorText(error)}` }));
    worker.on('exit', (code) => settle({ status: 'error', message: `HiGHS worker exited (code ${code}) without answering` }));

    const limit = options.timeLimitSeconds;
    const delayMs = startedAt + (limit + graceSeconds) * 1000 - Date.now();
    if (delayMs < MAX_TIMER_MS) {
      timer = setTimeout(() => stopNow(`HiGHS did not answer within ${limit} s + ${graceSeconds} s grace: worker terminated`), Math.max(0, delayMs));
    }
    options.signal?.addEventListener('abort', onAbort, { once: true });
  });
}
