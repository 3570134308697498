/**
 * Runs one HiGHS solve in a worker thread. `Model.run()` is synchronous and blocks this thread until HiGHS
 * returns, and HiGHS checks its time limit only at coarse checkpoints, so the main thread keeps its own clock
 * and may terminate this worker at any moment. That is why every improving incumbent is posted the moment
 * HiGHS reports it: after a termination, the last one posted is the answer.
 */
import { parentPort, workerData } from 'node:worker_threads';
import highsModule from 'highs';
import type { Highs, HighsCallbackMap, InitOptions, Model, ModelStatusCode } from 'highs';
import { provenBound, type HighsArrays, type WorkerInput, type WorkerMessage, type WorkerResult } from './protocol.js';

// highs' types.d.ts sits in a "type": "commonjs" package, so TypeScript reads its `export default` as a property
// of the CommonJS module object; at run time Node picks the package's "import" condition (highs.mjs), whose
// default export is the loader itself.
const loadHighs = highsModule as unknown as (options?: InitOptions) => Promise<Highs>;

/** Bound-only progress is posted at most this often: HiGHS's MIP checkpoint fires thousands of times a second. */
const BOUND_REPORT_INTERVAL_MS = 100;

const STATUS_TEXT: Record<ModelStatusCode, string> = {
  0: 'Not set',
  1: 'Load error',
  2: 'Model error',
  3: 'Presolve error',
  4: 'Solve error',
  5: 'Postsolve error',
  6: 'Empty',
  7: 'Optimal',
  8: 'Infeasible',
  9: 'Primal infeasible or unbounded',
  10: 'Unbounded',
  11: 'Bound on objective reached',
  12: 'Target for objective reached',
  13: 'Time limit reached',
  14: 'Iteration limit reached',
  15: 'Unknown',
  16: 'Solution limit reached',
  17: 'Interrupted',
};

const port = parentPort;
if (!port) throw new Error('@flexroster/solver-highs: worker.js must be started as a worker thread');

function send(message: WorkerMessage, ...vectors: (Float64Array | undefined)[]): void {
  // Hand over the vectors' memory instead of copying it when an array owns its whole buffer.
  const transfer = vectors.filter((v): v is Float64Array => v !== undefined && v.byteOffset === 0 && v.byteLength === v.buffer.byteLength).map((v) => v.buffer as ArrayBuffer);
  port!.postMessage(message, transfer);
}

function finite(x: number | bigint | undefined): number | undefined {
  const n = Number(x);
  return x !== undefined && Number.isFinite(n) ? n : undefined;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** HiGHS marks "no bound" with its own infinity; the model uses IEEE ±Infinity. They coincide in this build, but check. */
function useHighsInfinity(arrays: HighsArrays, infinity: number): void {
  if (infinity === Infinity) return;
  for (const a of [arrays.colLower, arrays.colUpper, arrays.rowLower, arrays.rowUpper]) {
    for (let i = 0; i < a.length; i++) {
      if (a[i] === Infinity) a[i] = infinity;
      else if (a[i] === -Infinity) a[i] = -infinity;
    }
  }
}

function progressCallbacks(highs: Highs, input: WorkerInput): HighsCallbackMap {
  const types = highs.constants.callbackType;
  let lastBound = -Infinity;
  let lastBoundSentAt = 0;
  const onImprovingSolution: HighsCallbackMap[4] = (event) => {
    const values = event.data.mip_solution;
    const objective = finite(event.data.objective_function_value);
    if (!values || objective === undefined) return;
    send({ kind: 'incumbent', objective, bound: provenBound(event.data), values, elapsedSeconds: (Date.now() - input.startedAt) / 1000 }, values);
  };
  const onCheckpoint: HighsCallbackMap[6] = (event) => {
    const bound = provenBound(event.data);
    const now = Date.now();
    if (bound === undefined || bound <= lastBound || now - lastBoundSentAt < BOUND_REPORT_INTERVAL_MS) return;
    lastBound = bound;
    lastBoundSentAt = now;
    send({ kind: 'bound', bound, elapsedSeconds: (now - input.startedAt) / 1000 });
  };
  return input.reportBounds
    ? { [types.mipImprovingSolution]: onImprovingSolution, [types.mipInterrupt]: onCheckpoint }
    : { [types.mipImprovingSolution]: onImprovingSolution };
}

/** One `run()` with whatever is left of the caller's time (the worker's start-up and `passModel` count too). */
function runWithinLimit(model: Model, input: WorkerInput, callbacks: HighsCallbackMap): ModelStatusCode {
  // HiGHS's default time_limit is +Infinity, but the option setter rejects non-finite numbers: leave it unset then.
  if (Number.isFinite(input.timeLimitSeconds)) {
    const remaining = input.timeLimitSeconds - (Date.now() - input.startedAt) / 1000;
    model.options.set('time_limit', Math.max(0, remaining));
  }
  return model.run(callbacks).modelStatus;
}

function result(model: Model, highs: Highs, status: ModelStatusCode, isMip: boolean): WorkerResult {
  const s = highs.constants.modelStatus;
  const message = `HiGHS: ${STATUS_TEXT[status]}`;
  const hasPrimal = () => model.info.get('primal_solution_status') === highs.constants.solutionStatus.feasible;
  // HiGHS's objective includes the offset we passed it, so it is the model's objective as is.
  const solution = () => ({ objective: model.getObjectiveValue(), values: model.getSolution().colValue });
  // For an LP there is no MIP dual bound (HiGHS reports 0); a non-optimal LP gives no proven bound here.
  const mipBound = () => (isMip ? finite(model.info.get('mip_dual_bound')) : undefined);
  switch (status) {
    case s.optimal: {
      const found = solution();
      const reducedCosts = isMip ? undefined : Float64Array.from(model.getSolution().colDual);
      return { status: 'optimal', ...found, bound: mipBound() ?? found.objective, ...(reducedCosts && reducedCosts.length === found.values.length ? { reducedCosts } : {}), message };
    }
    case s.infeasible:
      return { status: 'infeasible', message };
    case s.unbounded:
      return { status: 'unbounded', message };
    case s.unboundedOrInfeasible:
      return { status: 'error', message: `${message}, even without presolve` };
    case s.timeLimit:
    case s.iterationLimit:
    case s.solutionLimit:
    case s.objectiveBound:
    case s.objectiveTarget:
    case s.interrupted:
      return hasPrimal() ? { status: 'feasible', ...solution(), bound: mipBound(), message } : { status: 'no-solution', bound: mipBound(), message };
    case s.unknown:
      // HiGHS gave up (numerical trouble); a feasible point it kept is still worth returning.
      return hasPrimal() ? { status: 'feasible', ...solution(), bound: mipBound(), message } : { status: 'error', message };
    default:
      return { status: 'error', message };
  }
}

async function solve(input: WorkerInput): Promise<WorkerResult> {
  // No `print`/`printErr`: HiGHS's console output is dropped (and output_flag is off below).
  const highs = await loadHighs();
  const arrays = input.model;
  useHighsInfinity(arrays, highs.infinity);
  const model = highs.createModel();
  try {
    model.passModel({
      numCols: arrays.numCols,
      numRows: arrays.numRows,
      offset: arrays.offset,
      colCost: arrays.colCost,
      colLower: arrays.colLower,
      colUpper: arrays.colUpper,
      rowLower: arrays.rowLower,
      rowUpper: arrays.rowUpper,
      matrix: { format: 'csr', numRows: arrays.numRows, numCols: arrays.numCols, starts: arrays.starts, indices: arrays.indices, values: arrays.values },
      ...(arrays.integrality ? { integrality: arrays.integrality } : {}),
    });
    model.options.set({ output_flag: false, mip_rel_gap: input.mipRelativeGap, ...(input.presolve ? {} : { presolve: 'off' }), ...(input.detectSymmetry ? {} : { mip_detect_symmetry: false }) });
    if (input.initialSolution && input.initialSolution.length === arrays.numCols && arrays.integrality) {
      // A known roster as a MIP start: HiGHS checks it (and completes unset columns) rather than trusting it.
      const known: number[] = [];
      const values: number[] = [];
      input.initialSolution.forEach((v, j) => {
        if (!Number.isNaN(v)) {
          known.push(j);
          values.push(v);
        }
      });
      try {
        model.setSolution(known.length === arrays.numCols ? { colValue: input.initialSolution } : { indices: known, values });
      } catch {
        // An unusable start is no reason to fail the solve.
      }
    }
    // Callbacks are MIP events; registering them on an LP still slows the simplex (measured: 10.1 s against 6.9 s).
    const callbacks = arrays.integrality ? progressCallbacks(highs, input) : {};
    let status = runWithinLimit(model, input, callbacks);
    if (status === highs.constants.modelStatus.unboundedOrInfeasible) {
      // Presolve can prove "infeasible or unbounded" without saying which (e.g. an unbounded MIP); HiGHS's own
      // advice is to solve again without presolve, which tells them apart. The time limit is cumulative over
      // runs, so restart the clock: runWithinLimit sets what is left of the caller's time.
      model.options.set('presolve', 'off');
      model.clearSolver();
      model.zeroAllClocks();
      status = runWithinLimit(model, input, callbacks);
    }
    return result(model, highs, status, arrays.integrality !== undefined);
  } finally {
    model.dispose();
  }
}

solve(workerData as WorkerInput).then(
  (outcome) => send({ kind: 'done', result: outcome }, outcome.values, outcome.reducedCosts),
  (error: unknown) => send({ kind: 'done', result: { status: 'error', message: `HiGHS: ${errorText(error)}` } }),
);
