/**
 * The solve path for models too large to hand to a MIP solver whole (or to a backend with a size limit):
 *
 * 1. LP relaxation of the full model on the backend (in its worker thread) while the constructive heuristic
 *    runs on this thread: the relaxation gives the lower bound, the heuristic the first roster.
 * 2. Restricted MIP: per agent-day only the shifts the LP uses, the heuristic roster's shifts and their
 *    neighbours (same template and skill, start within ±1 h, any length); every other shift is fixed to 0.
 *    Then reduced-cost fixing (lp/reduced-cost.ts): with the roster in hand, every shift whose reduced cost
 *    exceeds the gap is fixed to 0 and the MIP over the rest is the whole problem, so its answer is proven
 *    optimal (its bound is the whole problem's bound). Interval-demand models only; shift-type models round
 *    the relaxation first (below).
 * 3. Fix-and-optimise (large-neighbourhood search) until the deadline: free a window of a few agents (whole
 *    horizon) or of many agents over one or two days, fix every other shift to the incumbent, solve the
 *    window's sub-model exactly on the backend, keep it when the roster is not worse. Window sizes adapt to
 *    how quickly the backend proves the windows optimal.
 *
 * A lone per-agent LP of an interval-demand model (one LP, not split by weeks: M) has a second route beside it
 * from the start: the class LP (class-bound.ts, the same bound on M in a fifth of the time), the per-agent LP
 * over the class plan's shifts, and the restricted MIP of step 2 over that LP's shifts (`classChain`). On a
 * machine where the per-agent LP takes most of the limit, the roster and its proof come from there.
 *
 * Where the per-agent relaxation cannot finish in time (XL), the bound is the class LP's (class-bound.ts). The
 * per-agent LP restricted to the class plan's shifts (`agentPlanOverClassPlan`) then gives a nearly integral
 * per-agent plan, which is followed chunk by chunk of agents (follow-plan.ts) before step 3; there, one window
 * in three frees many agents over their plan's shifts and their roster's. While that LP runs, this thread
 * re-plans the agents whose heuristic roster breaks a rule with the local search's moves (`repairHere`), so the
 * chunks start from a roster that keeps every rule and keep it where they find nothing in time.
 *
 * Every roster is judged by the rule modules (the evaluator's arithmetic), never by the LP objective.
 *
 * This file is the orchestrator: `chooseRoute` (route.ts) decides the route once from the model's facts, and
 * the phases (phases/*.ts, each with its contract in its header) run in order on one `SolveContext`
 * (context.ts), which holds everything they share.
 */
import type { LpBackend, LpSolution } from '../lp/backend.js';
import type { Problem, Shift } from '../expand/problem.js';
import type { BuiltModel } from '../model/build.js';
import { DEFAULT_TUNING } from './tuning.js';
import { SolveContext, WITHIN_GAP_PROOF, type BoundSource, type DecomposeOptions } from './context.js';
import { chooseRoute, routeFacts } from './route.js';
import { relax, watchRelaxation } from './phases/relaxation.js';
import { relaxByClasses, solveClassLp, startClassChain } from './phases/class-lp.js';
import { startRoster } from './phases/start-roster.js';
import { repairAgents, repairHere } from './phases/repair.js';
import { whileRelaxing } from './phases/meanwhile.js';
import { restrictedMip } from './phases/restricted-mip.js';
import { priceAndFix } from './phases/price-and-fix.js';
import { followPlanPhase } from './phases/follow-plan-phase.js';
import { roundingPhase } from './phases/rounding.js';
import { lnsUntil } from './phases/windows.js';

export type { DecomposeOptions } from './context.js';

export interface DecomposeResult {
  readonly shifts: Shift[][];
  readonly heuristicCost?: number;
  /** The strongest lower bound found (only from relaxations solved to optimality and MIP bounds). */
  readonly bound?: number;
  /** The strongest bound of each source. */
  readonly bounds: Partial<Record<BoundSource, number>>;
  readonly relaxation?: LpSolution;
  /** How the roster was proved optimal (within the MIP gap), when it was. */
  readonly proof?: string;
  readonly notes: string[];
  readonly windows: number;
  readonly improvingWindows: number;
}

export async function solveByDecomposition(p: Problem, built: BuiltModel, backend: LpBackend, options: DecomposeOptions): Promise<DecomposeResult> {
  const start = performance.now();
  // One signal for every backend call: the caller's, or the deadline (so no call outlives the solve).
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const timer = setTimeout(onAbort, Math.max(0, options.deadline - start));
  try {
    return await decompose(p, built, backend, options, controller.signal);
  } finally {
    // Backend calls the roster no longer waits for (the raced relaxation's runner-up, say) stop with it.
    controller.abort();
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}

/** The route's phases on one context, in order (each phase's contract is in its module's header). */
async function decompose(p: Problem, built: BuiltModel, backend: LpBackend, options: DecomposeOptions, signal: AbortSignal): Promise<DecomposeResult> {
  const tuning = options.tuning ?? DEFAULT_TUNING;
  const total = Math.max(0.05, (options.deadline - performance.now()) / 1000);
  const facts = routeFacts(p, built, backend, total, tuning, options.machineSlowness);
  const route = chooseRoute(facts, tuning, options);
  const ctx = new SolveContext(p, built, backend, route, options, signal);
  // 1. The bound in the backend's workers (and the class chain beside a lone LP), the first roster here.
  const classChainLp = route.classChainBeside ? solveClassLp(ctx, tuning.classLpMarginSeconds) : undefined;
  const relaxation = route.bound === 'none' ? undefined : route.bound === 'classes' ? relaxByClasses(ctx, facts.relaxationSeconds) : relax(ctx);
  await startRoster(ctx, relaxation);
  // A roster that keeps every rule first: it is every later MIP's start and the fallback of every part that
  // finds nothing in time. Where a class plan comes, this runs beside its per-agent LP instead.
  if (route.repairBeforeRelaxation) await repairHere(ctx, ctx.main);
  ctx.heuristicCost = ctx.main.inf === 0 ? ctx.main.cost : undefined;
  if (route.bound === 'none') ctx.note('relaxation', `model of ${ctx.lp.variables.length} columns × ${ctx.lp.rows.length} rows is beyond ${backend.name}'s limit: no LP relaxation, windows only`);
  watchRelaxation(ctx, relaxation, route.bound === 'classes' ? 'classLp' : route.bound === 'agents-split' ? 'lpByWeek' : 'lp');
  ctx.indexModel();
  // A coming plan's chunks (or the class chain's MIP) re-plan the broken agents anyway: the backend's repair waits.
  if (!route.repairAfterPlan) await repairAgents(ctx, ctx.main);
  if (ctx.replanned > 0) ctx.note('repair', `${ctx.replanned} agents re-planned alone to keep their hard rules`);
  const chain = classChainLp ? startClassChain(ctx, classChainLp) : undefined;
  await whileRelaxing(ctx, relaxation, chain);
  // 2. Interval-demand models: the restricted MIP over the LP's shifts, the runner-up's, reduced-cost fixing.
  if (route.lpFirst && (await afterRelaxation(ctx))) return finish(ctx);
  // The class chain's restricted MIP may still be running: without the per-agent LP, windows beside it would
  // only compete with it for the cores.
  if (chain && !ctx.relaxationDone) await chain.done;
  if (ctx.classPlan && !ctx.stopped()) await followPlanPhase(ctx, ctx.classPlan);
  if (route.repairAfterPlan) await repairAgents(ctx, ctx.main);
  await roundingPhase(ctx);
  if (route.restrictedAfterRounding) await restrictedMip(ctx);
  // 3. Fix-and-optimise windows until the deadline.
  await lnsUntil(ctx, () => ctx.closeEnough());
  return finish(ctx);
}

/**
 * The restricted MIP over the relaxation's shifts; then, waited for at most as long as the relaxation took,
 * the raced runner-up's other optimal vertex, whose shifts may hold a roster the first one's miss; then
 * reduced-cost fixing. Returns whether the roster is proved optimal.
 */
async function afterRelaxation(ctx: SolveContext): Promise<boolean> {
  await restrictedMip(ctx);
  if (ctx.runnerUp && !ctx.closeEnough() && !ctx.stopped()) {
    const wait = Math.min(ctx.left(), ctx.relaxation?.seconds ?? 0) * 1000;
    const other = await Promise.race([ctx.runnerUp, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), wait))]);
    if (other?.status === 'optimal' && other.values) await restrictedMip(ctx, { neighbours: false, values: other.values });
  }
  return priceAndFix(ctx);
}

function finish(ctx: SolveContext): DecomposeResult {
  ctx.note('window', `${ctx.windows} windows solved, ${ctx.improving} improved the roster`);
  if (!ctx.proof && ctx.closeEnough()) ctx.proof = WITHIN_GAP_PROOF;
  return {
    shifts: ctx.main.search.shifts(),
    ...(ctx.heuristicCost !== undefined ? { heuristicCost: ctx.heuristicCost } : {}),
    ...(ctx.bound !== undefined ? { bound: ctx.bound } : {}),
    bounds: { ...ctx.bounds },
    ...(ctx.relaxation ? { relaxation: ctx.relaxation } : {}),
    ...(ctx.proof !== undefined ? { proof: ctx.proof } : {}),
    notes: ctx.notes,
    windows: ctx.windows,
    improvingWindows: ctx.improving,
  };
}
