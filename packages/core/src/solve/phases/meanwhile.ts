/**
 * Phase: while the relaxation runs. Where it is forecast to leave enough time after it, it has a core to
 * itself (windows alongside it slowed it and gained little): once the roster keeps every hard rule, an
 * interval-demand model's thread only waits (`Route.waitForRelaxation`; a per-agent relaxation still running
 * late gets the class LP's bound beside it); beside the class chain it also waits while the roster breaks a
 * rule, until the chain ends or `chainRepairShare` of the time is left, and then re-plans the broken agents.
 * Where it is not (`Route.improveWhileRelaxing`: a slow machine, a short limit), nothing waits: windows improve
 * a roster that keeps the rules, local repair one that breaks them, one step at a time. Otherwise (shift-type models)
 * the heuristic keeps improving the roster in one-second rounds, yielding between rounds so the relaxation's
 * answer is seen as soon as it comes.
 *
 * Reads: the relaxation's state, the chain's, the budget. Changes: the incumbent (only when no worse), the
 * bound through the late class LP. Stops: when the relaxation is in, the roster is proved, or at the deadline.
 */
import type { LpSolution } from '../../lp/backend.js';
import type { Shift } from '../../expand/problem.js';
import { runHeuristic } from '../heuristic.js';
import type { SolveContext } from '../context.js';
import { lateClassBound, type ClassChain } from './class-lp.js';
import { repairAgents, repairHere } from './repair.js';
import { lnsUntil } from './windows.js';

export async function whileRelaxing(ctx: SolveContext, relaxation: Promise<LpSolution> | undefined, chain: ClassChain | undefined): Promise<void> {
  const { route, tuning } = ctx;
  let lateAsked = false;
  const classBoundIfLate = () => {
    if (lateAsked || !route.lateClassBound || ctx.relaxationDone || ctx.left() > ctx.total * (1 - tuning.lateRelaxationShare)) return;
    lateAsked = true;
    lateClassBound(ctx);
  };
  const chainMayRepair = () => chain !== undefined && !chain.ended() && ctx.left() > ctx.total * tuning.chainRepairShare;
  while (relaxation && !ctx.relaxationDone && !ctx.stopped() && route.waitForRelaxation && (ctx.main.inf === 0 || chainMayRepair()) && !ctx.closeEnough()) {
    classBoundIfLate();
    if (!route.improveWhileRelaxing) await new Promise((resolve) => setTimeout(resolve, 50));
    // One window (or a turn of local repair) at a time, so that the relaxation's answer is taken up soon.
    else if (ctx.main.inf === 0) await lnsUntil(ctx, () => ctx.relaxationDone || ctx.closeEnough(), 1);
    else await repairHere(ctx, ctx.main, tuning.repairTurnShare);
  }
  if (route.classChainBeside && ctx.main.inf > 0) await repairAgents(ctx, ctx.main);
  let round = 0;
  while (relaxation && !ctx.relaxationDone && !ctx.stopped() && !ctx.closeEnough()) {
    const more = runHeuristic(ctx.p, { deadline: Math.min(ctx.deadline, performance.now() + 1000), seed: ctx.seed + 100 + round++, initial: ctx.main.search.shifts(), signal: ctx.signal });
    const changes = new Map<number, Shift[]>();
    more.shifts.forEach((sh, ai) => changes.set(ai, sh));
    ctx.tryShifts(changes);
    await new Promise((resolve) => setImmediate(resolve));
  }
}
