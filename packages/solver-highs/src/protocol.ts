/**
 * What the main thread and the HiGHS worker say to each other, and the conversion of an `LpModel` into the
 * sparse arrays HiGHS takes. The model travels as typed arrays (transferred, not copied) because a roster
 * model can have millions of nonzeros: object graphs would be cloned field by field, and LP text would have
 * to be written and parsed again, which is about ten times slower.
 */
import type { LpModel, LpStatus } from '@flexroster/core';

/** The model in HiGHS's terms: column data, row bounds and the matrix in compressed-row (CSR) form. */
export interface HighsArrays {
  readonly numCols: number;
  readonly numRows: number;
  readonly offset: number;
  readonly colCost: Float64Array;
  readonly colLower: Float64Array;
  readonly colUpper: Float64Array;
  /** Absent for an LP, or when the caller asked for the LP relaxation. */
  readonly integrality: Int32Array | undefined;
  readonly rowLower: Float64Array;
  readonly rowUpper: Float64Array;
  readonly starts: Int32Array;
  readonly indices: Int32Array;
  readonly values: Float64Array;
}

export interface WorkerInput {
  readonly model: HighsArrays;
  /** Wall-clock start of the solve (`Date.now()` in the main thread) so the worker can subtract its own start-up time. */
  readonly startedAt: number;
  /** HiGHS `time_limit`, counted from `startedAt`; `Infinity` means none. */
  readonly timeLimitSeconds: number;
  readonly mipRelativeGap: number;
  /** Whether the caller wants bound progress (costs a callback at every MIP checkpoint, so only when asked). */
  readonly reportBounds: boolean;
  /** HiGHS `presolve` on or off. */
  readonly presolve: boolean;
  /** HiGHS `mip_detect_symmetry`. */
  readonly detectSymmetry: boolean;
  /** A start for HiGHS (`setSolution`): a value per column, NaN where unknown. */
  readonly initialSolution?: Float64Array;
}

/** The part of an `LpSolution` the worker can know; the main thread adds `seconds`. */
export interface WorkerResult {
  readonly status: LpStatus;
  readonly objective?: number;
  readonly bound?: number;
  readonly values?: Float64Array;
  /** Column duals of an LP solved to optimality. */
  readonly reducedCosts?: Float64Array;
  readonly message?: string;
}

export type WorkerMessage =
  /** A new best integer solution. Posted at once so the watchdog has it if it must terminate the worker. */
  | { readonly kind: 'incumbent'; readonly objective: number; readonly bound?: number; readonly values: Float64Array; readonly elapsedSeconds: number }
  /** A better proven lower bound (throttled). */
  | { readonly kind: 'bound'; readonly bound: number; readonly elapsedSeconds: number }
  | { readonly kind: 'done'; readonly result: WorkerResult };

/** Converts the model; `relaxIntegrality` drops the integrality vector so HiGHS solves the LP relaxation. */
export function toHighsArrays(model: LpModel, relaxIntegrality: boolean): HighsArrays {
  const numCols = model.variables.length;
  const numRows = model.rows.length;
  const colCost = new Float64Array(numCols);
  const colLower = new Float64Array(numCols);
  const colUpper = new Float64Array(numCols);
  const integrality = new Int32Array(numCols);
  let anyInteger = false;
  for (let j = 0; j < numCols; j++) {
    const v = model.variables[j]!;
    colCost[j] = v.cost;
    // ±Infinity is copied as is: this HiGHS build's `infinity` is IEEE Infinity (the worker checks that).
    colLower[j] = v.lower;
    colUpper[j] = v.upper;
    if (v.integer) {
      integrality[j] = 1;
      anyInteger = true;
    }
  }
  let nonzeros = 0;
  for (const row of model.rows) nonzeros += row.indices.length;
  const rowLower = new Float64Array(numRows);
  const rowUpper = new Float64Array(numRows);
  const starts = new Int32Array(numRows + 1);
  const indices = new Int32Array(nonzeros);
  const values = new Float64Array(nonzeros);
  let k = 0;
  for (let i = 0; i < numRows; i++) {
    const row = model.rows[i]!;
    rowLower[i] = row.lower;
    rowUpper[i] = row.upper;
    // Rows are already sparse and duplicate-free (LpModelBuilder merges repeats), which is exactly CSR.
    const n = row.indices.length;
    if (row.coefficients.length !== n) throw new Error(`row ${row.name}: ${n} indices but ${row.coefficients.length} coefficients`);
    for (let p = 0; p < n; p++, k++) {
      indices[k] = row.indices[p]!;
      values[k] = row.coefficients[p]!;
    }
    starts[i + 1] = k;
  }
  return {
    numCols,
    numRows,
    offset: model.objectiveOffset,
    colCost,
    colLower,
    colUpper,
    integrality: anyInteger && !relaxIntegrality ? integrality : undefined,
    rowLower,
    rowUpper,
    starts,
    indices,
    values,
  };
}

/** The buffers to transfer to the worker with the model (they are fresh, so the main thread gives them up). */
export function transferables(arrays: HighsArrays): ArrayBuffer[] {
  const list = [arrays.colCost, arrays.colLower, arrays.colUpper, arrays.rowLower, arrays.rowUpper, arrays.starts, arrays.indices, arrays.values];
  if (arrays.integrality) list.push(arrays.integrality);
  return list.map((a) => a.buffer as ArrayBuffer);
}

/**
 * The MIP dual bound of a callback event, if it is one. Before HiGHS has solved any LP (when it reports a
 * MIP start, say) its `mip_dual_bound` equals the incumbent's objective, which would claim a proof it does
 * not have (measured: a start of cost 4409 came back with bound 4409 on a model whose optimum is 3140).
 */
export function provenBound(data: { mip_dual_bound?: number; mip_total_lp_iterations?: bigint }): number | undefined {
  const iterations = data.mip_total_lp_iterations;
  if (iterations === undefined || Number(iterations) <= 0) return undefined;
  const bound = data.mip_dual_bound;
  return bound !== undefined && Number.isFinite(bound) ? bound : undefined;
}
