/**
 * Phase: the first roster, by the constructive heuristic on this thread while the backend's workers solve the
 * relaxation. Reads: the problem, the budget (`decomposeHeuristicShare` of it, `replanHeuristicShare` for a
 * re-plan that prices change). Changes: sets `ctx.main`.
 * Stops: at its share of the time, at the deadline, or (class route) when the class LP's plan is in: the
 * heuristic then only gives the plan's chunks a fallback.
 */
import type { LpSolution } from '../../lp/backend.js';
import type { Problem } from '../../expand/problem.js';
import { RosterSearch, runHeuristic, type HeuristicOptions, type HeuristicResult } from '../heuristic.js';
import { incumbent, type SolveContext } from '../context.js';
import { pricedReplan } from './replan-window.js';

export async function startRoster(ctx: SolveContext, relaxation: Promise<LpSolution> | undefined): Promise<void> {
  const heuristicStop = new AbortController();
  const stopHeuristic = () => heuristicStop.abort();
  ctx.signal.addEventListener('abort', stopHeuristic, { once: true });
  if (ctx.route.stopHeuristicAtBound) void relaxation?.then(stopHeuristic, stopHeuristic);
  const share = pricedReplan(ctx) ? ctx.tuning.replanHeuristicShare : ctx.tuning.decomposeHeuristicShare;
  const heuristic = await runHeuristicYielding(ctx.p, {
    deadline: Math.min(ctx.deadline, ctx.start + Math.max(0.05, ctx.total * share) * 1000),
    seed: ctx.seed,
    signal: heuristicStop.signal,
    ...(ctx.p.stability ? { initial: ctx.p.stability.initial } : {}),
    onImprove: (cost, inf, shifts) => (inf === 0 ? ctx.options.onImprove?.('heuristic', cost, undefined, shifts) : undefined),
  });
  ctx.main = incumbent(new RosterSearch(ctx.p, heuristic.shifts));
}

/**
 * The heuristic in rounds of at most a second, each continuing from the last, with a turn of the event loop
 * in between: a caller's AbortSignal (a timer, a request closing) can only fire when this thread is free.
 */
export async function runHeuristicYielding(p: Problem, options: HeuristicOptions): Promise<HeuristicResult> {
  let result: HeuristicResult | undefined;
  let round = 0;
  do {
    result = runHeuristic(p, {
      ...options,
      deadline: Math.min(options.deadline, performance.now() + 1000),
      seed: (options.seed ?? 1) + round++,
      ...(result ? { initial: result.shifts } : options.initial ? { initial: options.initial } : {}),
    });
    await new Promise((resolve) => setTimeout(resolve, 0));
  } while (performance.now() < options.deadline && options.signal?.aborted !== true);
  return result;
}
