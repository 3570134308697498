/**
 * Phase: the LP aggregated over agent classes (class-bound.ts), in three roles.
 * - `relaxByClasses`: the bound on the class route (the per-agent relaxation would not finish in time); its
 *   plan (`ctx.classPlan`) is followed later (follow-plan-phase.ts).
 * - `startClassChain`: beside a lone per-agent LP of an interval-demand model, the class LP's bound, then the
 *   per-agent LP over its plan's shifts, then the restricted MIP over that LP's shifts and the roster's with that
 *   plan rounded beside it (rounding.ts); it stops once the per-agent LP is in, whose own restricted MIP and
 *   reduced-cost fixing take over.
 * - `lateClassBound`: a per-agent relaxation still running after `lateRelaxationShare` of the time gets the
 *   class LP's bound beside it.
 *
 * Reads: the model, the budget. Changes: the bound (raised only), `ctx.classPlan`, the incumbent (through the
 * chain's restricted MIP), notes. Stops: at the deadline less `classLpMarginSeconds`
 * (`lateClassLpMarginSeconds` late); the chain also when the per-agent LP is in or the roster is proved.
 */
import type { LpSolution } from '../../lp/backend.js';
import type { AgentAggregation } from '../../lp/aggregate.js';
import { classAggregation } from '../class-bound.js';
import { round2, type SolveContext } from '../context.js';
import { agentPlanNote, agentPlanOverClassPlan } from './follow-plan-phase.js';
import { restrictedMip } from './restricted-mip.js';
import { roundRelaxation, tryRounded } from './rounding.js';

export interface ClassLp {
  readonly aggregation: AgentAggregation;
  readonly r: LpSolution;
  readonly seconds: number;
}

/** The class LP over what is left of the time, less `marginSeconds`. */
export async function solveClassLp(ctx: SolveContext, marginSeconds: number): Promise<ClassLp> {
  const t = performance.now();
  const aggregation = classAggregation(ctx.p, ctx.built);
  const r = await ctx.backend.solve(aggregation.model, { timeLimitSeconds: Math.max(0.05, ctx.left() - marginSeconds), relaxIntegrality: true, signal: ctx.signal });
  return { aggregation, r, seconds: (performance.now() - t) / 1000 };
}

/** The class route's relaxation: the class LP's objective (its values are per class: they go to `ctx.classPlan`). */
export async function relaxByClasses(ctx: SolveContext, forecastSeconds: number): Promise<LpSolution> {
  const { aggregation, r, seconds } = await solveClassLp(ctx, ctx.tuning.classLpMarginSeconds);
  ctx.note(
    'class-lp',
    (ctx.options.relaxation === 'classes' ? 'class relaxation asked for; ' : `per-agent relaxation skipped (about ${Math.round(forecastSeconds)} s on ${ctx.lp.variables.length} columns, ${Math.round(ctx.total)} s left); `) +
      `class relaxation (${aggregation.classes} classes, ${aggregation.model.variables.length} columns, ${aggregation.droppedRows} agent-specific rows relaxed): ${r.status} in ${round2(seconds)} s`,
  );
  if (r.status !== 'optimal' || r.objective === undefined) return { status: r.status, seconds: r.seconds, ...(r.message ? { message: r.message } : {}) };
  // The plan is the LP's (fractional) one, followed chunk by chunk (follow-plan.ts).
  ctx.classPlan = r.values ? { aggregation, values: r.values } : undefined;
  ctx.trace?.('class-lp', `class LP ${r.objective} at ${ctx.elapsed().toFixed(1)} s`);
  return { status: 'optimal', objective: r.objective, seconds: r.seconds };
}

/** The class chain beside a lone per-agent LP, started on `classLp`; `ended` turns true when it is over. */
export interface ClassChain {
  readonly done: Promise<void>;
  readonly ended: () => boolean;
}

export function startClassChain(ctx: SolveContext, classLp: Promise<ClassLp>): ClassChain {
  let ended = false;
  const done = classChain(ctx, classLp).finally(() => (ended = true));
  return { done, ended: () => ended };
}

async function classChain(ctx: SolveContext, classLp: Promise<ClassLp>): Promise<void> {
  const { aggregation, r, seconds } = await classLp;
  ctx.note('class-lp', `class LP beside the per-agent LP (${aggregation.classes} classes, ${aggregation.model.variables.length} columns): ${r.status === 'optimal' ? round2(r.objective!) : r.status} in ${round2(seconds)} s`);
  if (r.status !== 'optimal' || r.objective === undefined || !r.values) return;
  ctx.raiseBound(r.objective, 'classLp');
  ctx.report('relaxation');
  if (ctx.relaxationDone || ctx.closeEnough() || ctx.stopped()) return;
  const t = performance.now();
  const agentLp = await agentPlanOverClassPlan(ctx.p, ctx.built, { aggregation, values: r.values }, ctx.index, ctx.decision, ctx.backend, Math.max(0.05, ctx.left() * ctx.tuning.agentPlanShare), ctx.signal);
  ctx.note('agent-plan', agentPlanNote(agentLp, t));
  if (!agentLp.values || ctx.relaxationDone || ctx.closeEnough() || ctx.stopped()) return;
  // All of what is left (where the per-agent LP comes in time, its own restricted MIP runs beside this one),
  // less the re-planning's share while the roster breaks a rule: it keeps every rule, should this MIP not.
  const mip = restrictedMip(ctx, { values: agentLp.values, timeLimit: ctx.main.inf > 0 ? ctx.left() * ctx.tuning.chainRestrictedShareWhileBroken : ctx.left() - 0.1 });
  // Meanwhile this thread rounds the nearly integral plan: a roster near its objective at once, kept should the
  // MIP (in a worker) not finish in what is left on a slow or busy machine. Rounded first, the MIP lost the
  // heuristic roster's shifts from its columns and did worse on a quiet machine.
  await tryRounded(ctx, roundRelaxation(ctx, agentLp.values), 'rounded per-agent plan');
  await mip;
}

/** Starts the class LP for the bound, beside a per-agent relaxation still running late (no wait for it). */
export function lateClassBound(ctx: SolveContext): void {
  void solveClassLp(ctx, ctx.tuning.lateClassLpMarginSeconds).then(({ r, seconds }) => {
    ctx.note('class-lp', `per-agent relaxation unfinished at ${Math.round(ctx.tuning.lateRelaxationShare * 100)} % of the time: class LP bound ${r.status === 'optimal' ? round2(r.objective!) : r.status} in ${round2(seconds)} s`);
    if (r.status !== 'optimal' || r.objective === undefined) return;
    ctx.raiseBound(r.objective, 'classLp');
    ctx.report('relaxation');
  });
}
