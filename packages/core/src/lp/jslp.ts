/**
 * LpBackend on javascript-lp-solver. The solver is synchronous and its own timeout is not reliable (a
 * 14-day, 3-agent model ran for over ten minutes with a 8 s timeout), so the backend runs it in a worker
 * thread and terminates the worker at the time limit; it also refuses models above `maxModelSize`.
 * `solveWithJslp` is the same solve on the calling thread, for callers that bound it themselves.
 */
import { Worker } from 'node:worker_threads';
import jslpDefault from 'javascript-lp-solver';
import type { SolverAPI, Model as JslpModel } from 'javascript-lp-solver';
import type { LpBackend, LpSolution } from './backend.js';
import type { LpModel } from './model.js';
import { objectiveValue, plainVariable, violatedRows } from './model.js';

// The package's types describe a CommonJS default export; at run time the ESM default is the solver.
const jslp = jslpDefault as unknown as SolverAPI;

/** Columns × rows above which the JS solver is not tried (measured: a 10-agent week does not finish). */
export const JSLP_DEFAULT_MAX_MODEL_SIZE = 400_000;

export function jslpBackend(options: { maxModelSize?: number; graceSeconds?: number } = {}): LpBackend {
  const maxModelSize = options.maxModelSize ?? JSLP_DEFAULT_MAX_MODEL_SIZE;
  const grace = options.graceSeconds ?? 0.2;
  return {
    name: 'javascript-lp-solver',
    maxModelSize,
    solve(model, opts): Promise<LpSolution> {
      const size = model.variables.length * Math.max(1, model.rows.length);
      if (size > maxModelSize) return Promise.resolve({ status: 'error', seconds: 0, message: `model of ${model.variables.length} columns × ${model.rows.length} rows exceeds this backend's limit (${maxModelSize})` });
      if (opts.signal?.aborted) return Promise.resolve({ status: 'no-solution', seconds: 0, message: 'cancelled' });
      const t0 = performance.now();
      const seconds = () => (performance.now() - t0) / 1000;
      return new Promise<LpSolution>((resolve) => {
        // No inherited execArgv: loaders of the parent (a test runner's, say) would add seconds to each start.
        const worker = new Worker(new URL('./jslp-worker.js', import.meta.url), { execArgv: [] });
        let settled = false;
        const finish = (solution: LpSolution) => {
          if (settled) return;
          settled = true;
          clearTimeout(watchdog);
          opts.signal?.removeEventListener('abort', onAbort);
          void worker.terminate();
          resolve(solution);
        };
        const watchdog = setTimeout(() => finish({ status: 'no-solution', seconds: seconds(), message: `javascript-lp-solver stopped at the time limit (${opts.timeLimitSeconds} s) without a proven answer` }), (opts.timeLimitSeconds + grace) * 1000);
        const onAbort = () => finish({ status: 'no-solution', seconds: seconds(), message: 'cancelled' });
        opts.signal?.addEventListener('abort', onAbort);
        worker.on('message', (m: { solution: LpSolution }) => finish({ ...m.solution, seconds: seconds() }));
        worker.on('error', (e) => finish({ status: 'error', seconds: seconds(), message: `javascript-lp-solver worker failed: ${e.message}` }));
        // Plain objects: a structured clone keeps own fields only, not the getters of a column family's members.
        worker.postMessage({ model: { ...model, variables: model.variables.map(plainVariable) }, timeLimitSeconds: opts.timeLimitSeconds, relaxIntegrality: opts.relaxIntegrality === true });
      });
    },
  };
}

/** Solves on the calling thread (blocking). */
export function solveWithJslp(model: LpModel, opts: { timeLimitSeconds: number; relaxIntegrality?: boolean }): LpSolution {
  const t0 = performance.now();
  const seconds = () => (performance.now() - t0) / 1000;
  const jm = toJslp(model, opts.relaxIntegrality === true, opts.timeLimitSeconds);
  let raw: Record<string, number | boolean | undefined>;
  try {
    raw = jslp.Solve(jm) as Record<string, number | boolean | undefined>;
  } catch (e) {
    return { status: 'error', seconds: seconds(), message: `javascript-lp-solver failed: ${(e as Error).message}` };
  }
  const timedOut = seconds() >= opts.timeLimitSeconds * 0.98;
  // After its timeout the JS solver reports "not feasible" for models that are feasible: only a finished
  // search proves infeasibility.
  if (raw.feasible !== true)
    return timedOut
      ? { status: 'no-solution', seconds: seconds(), message: 'time limit reached without an integer solution' }
      : { status: raw.bounded === false ? 'unbounded' : 'infeasible', seconds: seconds(), message: 'javascript-lp-solver: not feasible' };
  if (raw.bounded === false) return { status: 'unbounded', seconds: seconds() };
  const values = new Float64Array(model.variables.length);
  model.variables.forEach((v, j) => {
    const x = raw[v.name];
    values[j] = typeof x === 'number' ? x : 0;
  });
  // The JS solver sometimes returns non-integral or slightly infeasible answers on MIPs: trust only what checks out.
  const bad = violatedRows(opts.relaxIntegrality ? { ...model, variables: model.variables.map((v) => ({ ...plainVariable(v), integer: false })) } : model, values, 1e-5);
  const objective = objectiveValue(model, values);
  if (bad.length > 0) return { status: 'error', seconds: seconds(), message: `javascript-lp-solver returned an answer that breaks ${bad.length} rows or bounds (first: ${bad[0]})` };
  return {
    status: timedOut ? 'feasible' : 'optimal',
    objective,
    ...(timedOut ? {} : { bound: objective }),
    values,
    seconds: seconds(),
    message: timedOut ? 'time limit reached in branch and bound' : 'javascript-lp-solver finished',
  };
}

function toJslp(model: LpModel, relax: boolean, timeLimitSeconds: number): JslpModel {
  const constraints: JslpModel['constraints'] = {};
  const variables: JslpModel['variables'] = {};
  const ints: Record<string, 1> = {};
  model.variables.forEach((v, j) => {
    const coeffs: Record<string, number> = { __cost: v.cost };
    if (v.upper !== Infinity) {
      constraints[`__ub${j}`] = { max: v.upper };
      coeffs[`__ub${j}`] = 1;
    }
    if (v.lower !== 0) {
      constraints[`__lb${j}`] = { min: v.lower };
      coeffs[`__lb${j}`] = 1;
    }
    variables[v.name] = coeffs;
    if (v.integer && !relax) ints[v.name] = 1;
  });
  model.rows.forEach((r, i) => {
    const name = `r${i}`;
    const bound: { min?: number; max?: number } = {};
    if (r.lower !== -Infinity) bound.min = r.lower;
    if (r.upper !== Infinity) bound.max = r.upper;
    constraints[name] = bound;
    r.indices.forEach((j, k) => {
      variables[model.variables[j]!.name]![name] = r.coefficients[k]!;
    });
  });
  return { optimize: '__cost', opType: 'min', constraints, variables, ints, options: { timeout: Math.max(1, Math.floor(timeLimitSeconds * 1000)), tolerance: 0 } };
}
