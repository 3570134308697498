/**
 * Phase (direct route): the LP relaxation that runs beside the whole-model MIP for its bound is, once in,
 * rounded and repaired (rounding.ts) on this thread, and then the restricted MIP over its shifts and the
 * roster's (restricted-mip.ts), first alone and then with their neighbours, runs on the relaxation's worker, now free: while the whole MIP works in its own
 * worker, no thread waits. A small model's whole MIP may find nothing better than its start within the limit;
 * the rounded relaxation and its restricted MIP often do.
 *
 * Reads: the relaxation, the heuristic's roster (the context's incumbent). Changes: the context's incumbent
 * only (the caller compares it with the whole MIP's roster). Stops: at the context's deadline or signal, or at
 * once when the relaxation brings no values.
 */
import type { LpSolution } from '../../lp/backend.js';
import type { SolveContext } from '../context.js';
import { restrictedMip } from './restricted-mip.js';
import { roundRelaxation, tryRounded } from './rounding.js';

export async function improveBesideMip(ctx: SolveContext, relaxation: Promise<LpSolution | undefined>): Promise<void> {
  const r = await relaxation;
  if (!r?.values || r.status !== 'optimal' || ctx.stopped()) return;
  ctx.relaxation = r;
  ctx.relaxationDone = true;
  await tryRounded(ctx, roundRelaxation(ctx, r.values), 'LP relaxation beside the MIP, rounded');
  // Narrow first (the relaxation's and the roster's own shifts: small, often proved in time), then, in what is
  // left, with their neighbours open too (larger: better where it finishes).
  if (!ctx.stopped()) await restrictedMip(ctx, { values: r.values, neighbours: false, timeLimit: ctx.left() * ctx.tuning.besideNarrowShare });
  if (!ctx.stopped()) await restrictedMip(ctx, { values: r.values, neighbours: true, timeLimit: ctx.left() });
}
