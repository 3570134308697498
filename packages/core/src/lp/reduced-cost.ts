/**
 * Reduced-cost fixing. An LP relaxation solved to optimality with objective LB and reduced costs d says: any
 * solution with column j at 1 (where the LP has it at 0) costs at least LB + d_j. So, given a solution of cost
 * UB in hand, every such column with d_j > UB − LB can be fixed to 0 without losing a solution cheaper than UB.
 * The MIP over the columns left is then the whole problem as far as improving on UB goes.
 */
import type { LpSolution } from './backend.js';
import type { LpModel } from './model.js';

export interface ReducedCostFixing {
  /** Columns fixed to 0. */
  readonly pins: Map<number, number>;
  /** Candidate (decision) columns left open. */
  readonly open: number;
  readonly candidates: number;
}

/**
 * @param candidate 1 for the columns that may be fixed (binary shift columns); others are never touched.
 * @param keep 1 for columns that must stay open (the incumbent's, so it stays a feasible start).
 * @param upper cost of a known feasible solution.
 */
export function reducedCostFixing(model: LpModel, relaxation: LpSolution, candidate: Uint8Array, keep: Uint8Array, upper: number): ReducedCostFixing | undefined {
  const { values, reducedCosts: reduced, objective: lower } = relaxation;
  if (relaxation.status !== 'optimal' || !values || !reduced || lower === undefined) return undefined;
  // A small tolerance in favour of keeping columns open: the duals are only as exact as the simplex's tolerances.
  const room = upper - lower + 1e-6 * Math.max(1, Math.abs(lower));
  const pins = new Map<number, number>();
  let open = 0;
  let candidates = 0;
  for (let j = 0; j < model.variables.length; j++) {
    if (!candidate[j]) continue;
    candidates++;
    if (values[j]! > 1e-6 || keep[j] || reduced[j]! <= room) open++;
    else pins.set(j, 0);
  }
  return { pins, open, candidates };
}
