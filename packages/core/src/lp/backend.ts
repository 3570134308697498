import type { LpModel } from './model.js';

/** What a backend reports. `optimal` and `feasible` come with `values`. */
export type LpStatus = 'optimal' | 'feasible' | 'infeasible' | 'unbounded' | 'no-solution' | 'error';

export interface LpProgress {
  /** Objective of the best integer solution found so far (undefined before the first). */
  readonly objective?: number;
  /** Best proven lower bound so far. */
  readonly bound?: number;
  readonly elapsedSeconds: number;
}

export interface LpSolveOptions {
  /** Hard wall-clock limit. A backend must return (with its best solution, if any) within about this time. */
  readonly timeLimitSeconds: number;
  /** Relative MIP gap at which the backend may stop and call the result optimal (default 1e-4). */
  readonly mipRelativeGap?: number;
  /** Solve the LP relaxation: ignore `integer` on every column. */
  readonly relaxIntegrality?: boolean;
  /** Stop early; the backend returns its best solution so far. */
  readonly signal?: AbortSignal;
  /**
   * A start: values for every column (or for some, with NaN for the rest) of a solution believed to be
   * feasible, e.g. the heuristic's roster. Backends that cannot use one ignore it.
   */
  readonly initialSolution?: Float64Array;
  /**
   * Whether the backend may presolve (simplify) the model first (default true). Backends without a presolve
   * ignore it. On some LPs the simplex is faster on the model as it is: see `LpBackend.presolveSwitch`.
   */
  readonly presolve?: boolean;
  /**
   * Whether a MIP may look for symmetry among its columns first (default true). Backends without that step
   * ignore it. Agents of one class make many symmetric columns; on XL's chunk MIPs (HiGHS) the search for them
   * held about 80 MB per worker and won nothing (see `FollowPlanOptions.detectSymmetry`).
   */
  readonly detectSymmetry?: boolean;
  /** Called whenever the backend finds a better integer solution or bound (if it can report them). */
  readonly onProgress?: (progress: LpProgress) => void;
}

export interface LpSolution {
  readonly status: LpStatus;
  /** Objective including `objectiveOffset`; present with `values`. */
  readonly objective?: number;
  /** Proven lower bound on the optimum (for `optimal`, equal to `objective` up to the gap). */
  readonly bound?: number;
  /** One value per model column, in column order. */
  readonly values?: Float64Array;
  /**
   * Reduced cost of every column, for an LP (or relaxation) solved to optimality, where the backend can
   * tell them. A column at 0 with reduced cost d appears in no solution cheaper than `objective + d`:
   * the decomposition uses this to leave out columns that cannot improve a known roster.
   */
  readonly reducedCosts?: Float64Array;
  readonly seconds: number;
  /** Why: the backend's own status text, time limit hit, error message. */
  readonly message?: string;
}

/**
 * A solver of `LpModel`s. The core ships `jslpBackend` (javascript-lp-solver); `@flexroster/solver-highs`
 * provides HiGHS. Backends never throw for solver trouble: they return status `error` with a message.
 */
export interface LpBackend {
  readonly name: string;
  /** Rough size beyond which this backend should not be tried (columns × rows), if it has one. */
  readonly maxModelSize?: number;
  /**
   * Whether `presolve: false` changes how the backend solves. The decomposition then solves a lone LP
   * relaxation both ways at once, on two workers, and takes the first answer (`raceRelaxation` in solve/phases/relaxation.ts).
   */
  readonly presolveSwitch?: boolean;
  solve(model: LpModel, options: LpSolveOptions): Promise<LpSolution>;
}
