/**
 * Phase: reduced-cost fixing. With the relaxation's bound LB and reduced costs d, a shift column at 0 in the LP
 * costs at least LB + d in any roster that uses it; with a roster of cost UB in hand, every column with
 * d > UB − LB can be fixed to 0 without losing any better roster. The MIP over the columns left is the whole
 * problem, and its bound, capped at UB, is a bound of the whole problem.
 *
 * Reads: the relaxation (values and reduced costs), the bound, the incumbent, the budget. Changes: the
 * incumbent (only when no worse), the bound (raised only), `ctx.proof`, the window counters, a note. Stops:
 * when the MIP ends or at the deadline; does nothing without a relaxation, a bound or a roster that keeps every
 * rule, or when more than `priceAndFixMaxColumns` columns are left open. Returns whether the optimum (within
 * the MIP gap) is proved.
 */
import { pinColumns } from '../../lp/model.js';
import { reducedCostFixing } from '../../lp/reduced-cost.js';
import type { Shift } from '../../expand/problem.js';
import { round2, WITHIN_GAP_PROOF, type SolveContext } from '../context.js';

export async function priceAndFix(ctx: SolveContext): Promise<boolean> {
  const { lp, backend, built, main, decision } = ctx;
  if (ctx.closeEnough()) {
    ctx.proof = WITHIN_GAP_PROOF;
    return true;
  }
  const relaxation = ctx.relaxation;
  if (!relaxation || ctx.bound === undefined || main.inf > 0 || ctx.stopped()) return false;
  const upper = main.cost;
  const lower = ctx.bound;
  const inRoster = ctx.rosterColumns(main);
  const fixing = reducedCostFixing(lp, relaxation, decision, inRoster, upper);
  if (!fixing) return false;
  const { pins, open } = fixing;
  const describe = `reduced-cost fixing: ${open} of ${fixing.candidates} shift columns can beat ${round2(upper)} (LP bound ${round2(lower)})`;
  if (open > ctx.tuning.priceAndFixMaxColumns) {
    ctx.note('price-and-fix', `${describe}; too many for one MIP, windows instead`);
    return false;
  }
  const sub = pinColumns(lp, pins);
  const subStart = Float64Array.from(sub.columns, (j) => (decision[j] ? inRoster[j]! : NaN));
  const t = performance.now();
  const r = await backend.solve(sub.model, { timeLimitSeconds: Math.max(0.05, ctx.left() - 0.05), mipRelativeGap: ctx.mipGap, signal: ctx.signal, initialSolution: subStart });
  ctx.windows++;
  if (r.values && (r.status === 'optimal' || r.status === 'feasible')) {
    const shifts = built.decode(sub.expand(r.values));
    const changes = new Map<number, Shift[]>();
    shifts.forEach((sh, ai) => changes.set(ai, sh));
    if (ctx.tryShifts(changes)) ctx.improving++;
  }
  if (r.bound !== undefined && Number.isFinite(r.bound)) ctx.raiseBound(Math.max(lower, Math.min(upper, r.bound)), 'mip');
  ctx.report('lns');
  ctx.note('price-and-fix', `${describe}; MIP over them: ${r.status} in ${round2((performance.now() - t) / 1000)} s, bound ${round2(ctx.bound)}`);
  ctx.trace?.('price-and-fix', `${describe}: ${r.status} ${r.objective} bound ${r.bound} → ${main.cost}`);
  const proved = ctx.closeEnough() || (r.status === 'optimal' && main.cost <= (r.objective ?? Infinity) + 1e-6 * Math.max(1, Math.abs(main.cost)));
  if (proved) ctx.proof = `reduced-cost fixing left ${open} of ${fixing.candidates} shifts able to beat ${round2(upper)}, and ${backend.name} solved the MIP over them`;
  return proved;
}
