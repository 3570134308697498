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
 */
import type { LpBackend, LpSolution } from '../lp/backend.js';
import { columnIndex, partitionRelaxation, windowModel, type ColumnIndex } from '../lp/window.js';
import { pinColumns, type LpModel } from '../lp/model.js';
import { reducedCostFixing } from '../lp/reduced-cost.js';
import type { AgentAggregation } from '../lp/aggregate.js';
import { classAggregation, disaggregate } from './class-bound.js';
import { followAgentPlan, followClassPlan } from './follow-plan.js';
import { mapWithLimit } from './map-with-limit.js';
import type { Problem, Shift } from '../expand/problem.js';
import { shiftColumnOwners, type BuiltModel } from '../model/build.js';
import { RosterSearch, rng, runHeuristic, type HeuristicOptions, type HeuristicResult } from './heuristic.js';
import { DEFAULT_TUNING, type Tuning } from './tuning.js';
import type { SolveEvent, SolveStep } from './events.js';

export interface DecomposeOptions {
  /** `performance.now()` value by which everything must be done (decoding reserve already deducted). */
  readonly deadline: number;
  readonly seed: number;
  /** Thresholds and time shares (solve/tuning.ts; default DEFAULT_TUNING). */
  readonly tuning?: Tuning;
  readonly signal?: AbortSignal;
  readonly onImprove?: (phase: 'heuristic' | 'relaxation' | 'lns', cost: number | undefined, bound: number | undefined) => void;
  /** Each step as it ends, in words (see `SolveEvent`); messages are only made when this is given. */
  readonly onEvent?: (event: SolveEvent) => void;
  /** Which LP relaxation gives the bound: per agent, over agent classes, or (`auto`) classes when the per-agent one would not finish in time, both when it is one LP with demand per interval. */
  readonly relaxation?: 'auto' | 'agents' | 'classes';
  /** Relative gap for the MIPs over reduced-cost-fixed models (default 1e-4). */
  readonly mipRelativeGap?: number;
  /**
   * How much slower than the machine `predictedRelaxationSeconds` was measured on this one is (at least 1;
   * default 1). solve() takes it from the model's build time per column.
   */
  readonly machineSlowness?: number;
}

export interface DecomposeResult {
  readonly shifts: Shift[][];
  readonly heuristicCost?: number;
  /** LP relaxation bound (only when the relaxation was solved to optimality). */
  readonly bound?: number;
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
    return await decompose(p, built, backend, options, controller);
  } finally {
    // Backend calls the roster no longer waits for (the raced relaxation's runner-up, say) stop with it.
    controller.abort();
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}

async function decompose(p: Problem, built: BuiltModel, backend: LpBackend, options: DecomposeOptions, controller: AbortController): Promise<DecomposeResult> {
  const signal = controller.signal;
  const tuning = options.tuning ?? DEFAULT_TUNING;
  const start = performance.now();
  const onEvent = options.onEvent;
  // Called as `trace?.(…)`: without a listener the message is never built.
  const trace = onEvent ? (step: SolveStep, message: string) => onEvent({ step, message, elapsedSeconds: (performance.now() - start) / 1000 }) : undefined;
  /** A note for the result's reason, told as an event too. */
  const note = (step: SolveStep, message: string) => {
    notes.push(message);
    trace?.(step, message);
  };
  const total = Math.max(0.05, (options.deadline - start) / 1000);
  const left = () => (options.deadline - performance.now()) / 1000;
  const stopped = () => signal.aborted || left() <= 0.05;
  const notes: string[] = [];
  const lp = built.lp;
  const size = lp.variables.length * Math.max(1, lp.rows.length);
  const fitsWhole = backend.maxModelSize === undefined || size <= backend.maxModelSize;

  // 1. Relaxation in the backend's worker, heuristic here, in parallel.
  // Shift-type models (Curtois–Qu) keep the per-agent relaxation and the unscaled forecast their results were
  // measured with.
  const intervalDemand = p.shiftDemand.length === 0;
  // The MIPs of huge interval-demand models (XL: chunks and windows) skip the backend's symmetry search: it held
  // memory and won nothing there (see `FollowPlanOptions.detectSymmetry`).
  const symmetry = intervalDemand && lp.variables.length > tuning.hugeModelColumns ? ({ detectSymmetry: false } as const) : {};
  const relaxSeconds = predictedRelaxationSeconds(p, lp.variables.length, tuning) * (intervalDemand ? Math.max(1, options.machineSlowness ?? 1) : 1);
  // A relaxation that cannot end in time would take a core and gigabytes from the windows for nothing; one that
  // would take most of the time leaves the roster none (L on a 2-core EPYC 2.7 times slower than the machine
  // the forecast was made on: its weekly LPs were unfinished at 85 % of the minute, 43–51 % above the bound,
  // where the class route gave 0.19 %).
  // A lone LP with demand per interval (M) has the class chain beside it instead (see `classChainFirst`): on M
  // it did better than the class route (2-core EPYC: 33 / 0 / 0.27 % against 18 / 15 / 0.27 % on seeds 1–3).
  const loneIntervalLp = intervalDemand && (lp.variables.length <= tuning.splitRelaxationColumns || p.weeks.length < 2);
  const tooSlow = intervalDemand && !loneIntervalLp && relaxSeconds > tuning.slowRelaxationShare * total;
  const relaxationHopeless = options.relaxation === 'classes' || (options.relaxation !== 'agents' && (relaxSeconds > tuning.hopelessRelaxationFactor * total || tooSlow));
  // Then the bound comes from the LP aggregated over agent classes, and its plan gives a first roster.
  let classPlan: { aggregation: AgentAggregation; values: Float64Array } | undefined;
  /** The class LP over what is left of the time, less `marginSeconds`: for the bound where the per-agent one is skipped, beside it, or late. */
  const solveClassLp = async (marginSeconds: number): Promise<{ aggregation: AgentAggregation; r: LpSolution; seconds: number }> => {
    const t = performance.now();
    const aggregation = classAggregation(p, built);
    const r = await backend.solve(aggregation.model, { timeLimitSeconds: Math.max(0.05, left() - marginSeconds), relaxIntegrality: true, signal });
    return { aggregation, r, seconds: (performance.now() - t) / 1000 };
  };
  const relaxByClasses = async (): Promise<LpSolution> => {
    const { aggregation, r, seconds } = await solveClassLp(tuning.classLpMarginSeconds);
    note('class-lp', 
      (options.relaxation === 'classes' ? 'class relaxation asked for; ' : `per-agent relaxation skipped (about ${Math.round(relaxSeconds)} s on ${lp.variables.length} columns, ${Math.round(total)} s left); `) +
        `class relaxation (${aggregation.classes} classes, ${aggregation.model.variables.length} columns, ${aggregation.droppedRows} agent-specific rows relaxed): ${r.status} in ${round2(seconds)} s`,
    );
    if (r.status !== 'optimal' || r.objective === undefined) return { status: r.status, seconds: r.seconds, ...(r.message ? { message: r.message } : {}) };
    // The plan is the LP's (fractional) one, followed chunk by chunk (follow-plan.ts). The class MIP was tried
    // for the plan and the bound: on XL its 60 s gave a plan 3.7 % above the LP and no bound above the LP's.
    classPlan = r.values ? { aggregation, values: r.values } : undefined;
    trace?.('class-lp', `class LP ${r.objective} at ${(total - left()).toFixed(1)} s`);
    // Its values are per class, not per agent column: only the objective (the bound) goes on.
    return { status: 'optimal', objective: r.objective, seconds: r.seconds };
  };
  /** The other way of solving the relaxation, still running when the first answered (see `raceRelaxation`). */
  let runnerUp: Promise<LpSolution> | undefined;
  // A lone per-agent LP of an interval-demand model (M: 100 agents × 7 days) has the class LP beside it, in the
  // second worker: the class LP gives the same bound in a fraction of the time, and the per-agent LP over its
  // plan's shifts, then the restricted MIP over that LP's shifts, often the optimum (see `classChain` below).
  // The per-agent LP then runs alone, with presolve (not raced without it, see `raceRelaxation`).
  const classChainFirst = fitsWhole && !relaxationHopeless && loneIntervalLp && (options.relaxation ?? 'auto') === 'auto';
  const classChainLp = classChainFirst ? solveClassLp(tuning.classLpMarginSeconds) : undefined;
  const relaxationPromise = !fitsWhole
    ? undefined
    : relaxationHopeless
      ? relaxByClasses()
      : relax(p, built, backend, Math.max(0.05, total - tuning.classLpMarginSeconds), signal, notes, tuning, classChainFirst ? undefined : (r) => (runnerUp = r));
  // With a class plan coming, the heuristic only gives the chunks a fallback: it stops when the plan is in.
  const heuristicStop = new AbortController();
  const stopHeuristic = () => heuristicStop.abort();
  signal.addEventListener('abort', stopHeuristic, { once: true });
  if (relaxationHopeless) void relaxationPromise?.then(stopHeuristic, stopHeuristic);
  const heuristic = await runHeuristicYielding(p, {
    deadline: Math.min(options.deadline, start + Math.max(0.05, total * tuning.decomposeHeuristicShare) * 1000),
    seed: options.seed,
    signal: heuristicStop.signal,
    onImprove: (cost, inf) => (inf === 0 ? options.onImprove?.('heuristic', cost, undefined) : undefined),
  });
  const main = incumbent(new RosterSearch(p, heuristic.shifts));
  /**
   * The agents of `target` breaking a hard rule re-planned on this thread with the local search's moves
   * (`RosterSearch.repairAgent`), for at most `share` of the time, yielding every tenth of a second so that a
   * backend's answer or the deadline is seen. Demand per interval only: shift-type models (Curtois–Qu) keep the
   * repairs their results were measured with (the backend re-plans, `repairAgents`).
   */
  const repairHere = async (target: Incumbent, share = tuning.repairShare): Promise<void> => {
    if (target.inf === 0 || !intervalDemand) return;
    const until = Math.min(options.deadline, performance.now() + total * share * 1000);
    const out = () => signal.aborted || performance.now() >= until;
    const broken = target.search.brokenAgents();
    const t = performance.now();
    let turn = t;
    let kept = 0;
    for (const ai of broken) {
      if (out()) break;
      if (target.search.repairAgent(ai, out)) kept++;
      if (performance.now() - turn > 100) {
        await new Promise((resolve) => setTimeout(resolve, 0));
        turn = performance.now();
      }
    }
    // Its moves never make an agent's standing worse, so the roster only gets better.
    target.cost = target.search.totalCost();
    target.inf = target.search.totalInfeasibility();
    note('local-repair', `${kept} of ${broken.length} agents breaking a hard rule re-planned by local search in ${round2((performance.now() - t) / 1000)} s`);
    trace?.('local-repair', `local repair: ${kept} of ${broken.length} agents in ${((performance.now() - t) / 1000).toFixed(1)} s → ${target.cost} inf ${target.inf} at ${(total - left()).toFixed(1)} s`);
  };
  // A roster that keeps every rule first: it is every later MIP's start and the fallback of every part that
  // finds nothing in time. Where a class plan comes, this runs beside its per-agent LP instead (below).
  if (!relaxationHopeless) await repairHere(main);
  const search = main.search;
  const heuristicCost = main.inf === 0 ? main.cost : undefined;
  let bound: number | undefined;
  let relaxation: LpSolution | undefined;
  let relaxationDone = relaxationPromise === undefined;
  if (!fitsWhole) note('relaxation', `model of ${lp.variables.length} columns × ${lp.rows.length} rows is beyond ${backend.name}'s limit: no LP relaxation, windows only`);
  void relaxationPromise?.then((r) => {
    relaxation = r;
    relaxationDone = true;
    // The max: a class LP bound given while this one was late may be the higher of two valid bounds.
    if (r.status === 'optimal' && r.objective !== undefined) bound = Math.max(bound ?? -Infinity, r.objective);
    else note('relaxation', `LP relaxation: ${r.status}${r.message ? ` (${r.message})` : ''}`);
    options.onImprove?.('relaxation', main.inf === 0 ? main.cost : undefined, bound);
  });
  const decision = new Uint8Array(lp.variables.length);
  for (const cols of built.model.columns) for (const j of cols) decision[j] = 1;
  const index = columnIndex(lp);
  const random = rng(options.seed * 7 + 3);
  let windows = 0;
  let improving = 0;

  /** Replaces the given agents' shifts in `target` if its roster gets no worse; returns whether it got better. */
  const tryShifts = (changes: Map<number, Shift[]>, target: Incumbent = main): boolean => {
    const saved = new Map<number, Shift[]>();
    for (const [ai, shifts] of changes) {
      saved.set(ai, target.search.state[ai]!.shifts);
      target.search.setShifts(ai, shifts);
    }
    return keepIfNotWorse(target, { cost: target.cost, inf: target.inf }, () => {
      for (const [ai, shifts] of saved) target.search.setShifts(ai, shifts);
    });
  };
  /**
   * Keeps `target`'s roster as it now stands if it is no worse than `before`, else calls `restore`; returns
   * whether it got better.
   */
  const keepIfNotWorse = (target: Incumbent, before: { cost: number; inf: number }, restore: () => void): boolean => {
    const cost = target.search.totalCost();
    const inf = target.search.totalInfeasibility();
    if (inf < before.inf - 1e-9 || (Math.abs(inf - before.inf) <= 1e-9 && cost <= before.cost + 1e-9)) {
      const better = inf < before.inf - 1e-9 || cost < before.cost - 1e-9;
      target.cost = cost;
      target.inf = inf;
      if (better && inf === 0 && target === main) options.onImprove?.('lns', cost, bound);
      return better;
    }
    restore();
    target.cost = before.cost;
    target.inf = before.inf;
    return false;
  };

  /** Position of each candidate shift in its agent's list, built once per agent on first use (not per window). */
  const candidatePositions: (Map<Shift, number> | undefined)[] = [];
  /** Candidate indices of agent `ai`'s shifts in `target`'s roster. */
  const rosterCandidates = (target: Incumbent, ai: number): number[] => {
    const pos = (candidatePositions[ai] ??= new Map(p.agents[ai]!.candidates.map((s, i) => [s, i])));
    return target.search.state[ai]!.shifts.flatMap((s) => pos.get(s) ?? []);
  };
  /** 1 on the shift columns of `target`'s roster. */
  const rosterColumns = (target: Incumbent): Uint8Array => {
    const inRoster = new Uint8Array(lp.variables.length);
    target.search.state.forEach((_, ai) => {
      const cols = built.model.columns[ai]!;
      for (const i of rosterCandidates(target, ai)) inRoster[cols[i]!] = 1;
    });
    return inRoster;
  };

  /** Solves the window in which `free` (candidate indices per agent) are open and every other shift is fixed. */
  const solveWindow = async (free: Map<number, number[]>, fixedToIncumbent: boolean, timeLimit: number, mipRelativeGap = 1e-6, target: Incumbent = main): Promise<LpSolution | undefined> => {
    // The incumbent's shift columns: pinned values when the window is fixed to it, and the MIP start either way.
    const inRoster = rosterColumns(target);
    const freeCols: number[] = [];
    for (const [ai, list] of free) for (const i of list) freeCols.push(built.model.columns[ai]![i]!);
    const sub = windowModel(lp, index, decision, freeCols, (j) => (fixedToIncumbent ? inRoster[j]! : 0));
    if (backend.maxModelSize !== undefined && sub.model.variables.length * Math.max(1, sub.model.rows.length) > backend.maxModelSize) return undefined;
    // The current roster, restricted to the window, as a MIP start (shift columns only; slacks are left to the backend).
    const start = Float64Array.from(sub.columns, (j) => (decision[j] ? inRoster[j]! : NaN));
    // Building the window takes time too (XL on a 2-core EPYC: a second or two over every coverage row), which
    // must not carry the window past the deadline.
    const result = await backend.solve(sub.model, { timeLimitSeconds: Math.max(0.05, Math.min(timeLimit, left() - 0.05)), mipRelativeGap, signal, initialSolution: start, ...symmetry });
    windows++;
    if (!result.values || (result.status !== 'optimal' && result.status !== 'feasible')) return result;
    const value = new Map<number, number>();
    sub.columns.forEach((j, k) => value.set(j, result.values![k]!));
    const changes = new Map<number, Shift[]>();
    for (const [ai, list] of free) {
      const cands = p.agents[ai]!.candidates;
      const freeShifts = new Set(list.map((i) => cands[i]!));
      const cols = built.model.columns[ai]!;
      const kept = fixedToIncumbent ? target.search.state[ai]!.shifts.filter((s) => !freeShifts.has(s)) : [];
      const chosen = list.filter((i) => (value.get(cols[i]!) ?? 0) > 0.5).map((i) => cands[i]!);
      changes.set(ai, [...kept, ...chosen]);
    }
    if (!fixedToIncumbent) p.agents.forEach((_, ai) => changes.has(ai) || changes.set(ai, []));
    if (tryShifts(changes, target)) improving++;
    return result;
  };

  // 3. Fix-and-optimise windows until the deadline.
  const small = backend.maxModelSize !== undefined;
  /** Columns a window aims at; grows while windows are proved optimal quickly, shrinks when they are not. */
  // On very large models (XL: 1.44 million columns) windows of 800 columns barely move the cost and the
  // growth to useful sizes took the first quarter of the windows' time: start nearer where they settle.
  const huge = lp.variables.length > tuning.hugeModelColumns;
  let windowColumns = small ? tuning.smallBackendWindowColumnsStart : huge ? tuning.hugeWindowColumnsStart : tuning.windowColumnsStart;
  /** Whether the roster came from following a class plan (follow-plan.ts). */
  let followed = false;
  /** Per agent, the candidates a followed per-agent plan uses (see `agentPlanOverClassPlan`). */
  let planSupport: number[][] | undefined;
  const agentOrder = p.agents.map((_, i) => i);
  const candidatesPerDay = p.agents.reduce((n, a) => n + a.candidates.length, 0) / Math.max(1, p.agents.length * p.days);
  let round = 0;
  /** An agent's plan shifts and current roster shifts, as candidate indices. */
  const planAndRoster = (ai: number): number[] => [...new Set([...planSupport![ai]!, ...rosterCandidates(main, ai)])];
  const lnsUntil = async (done: () => boolean) => {
  while (!stopped() && !done() && p.agents.length > 0) {
    round++;
    const free = new Map<number, number[]>();
    let count = 0;
    const shuffled = [...agentOrder];
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
    }
    // Windows of many agents over a day or two improve about three times more per second than windows of a
    // few agents over the whole horizon on XL (measured over 25 windows); there, three in four are by days.
    // After a followed class plan, windows of a few agents over the whole horizon gain most (XL: about 670 a
    // second against 300 for days: they let agents re-place hours the chunks' rounding put where nobody was short).
    const byDays = small || (huge && !followed ? round % 4 !== 0 : planSupport ? round % 3 === 0 : round % 2 === 0);
    // After a followed per-agent plan, one window in three frees many agents, each over its plan's shifts and
    // its roster's only: they re-round what the chunks rounded, with everyone else at their rosters.
    const alongPlan = !byDays && planSupport !== undefined && round % 3 === 1;
    // One or two days of many agents where a day holds many candidate shifts (contact centres: dozens per
    // agent-day); where it holds few (shift-type planning: two to five per agent-day), enough days to make a
    // window of about `windowColumns`, so runs of days can change inside one window.
    const daysForTarget = Math.max(1, Math.round(windowColumns / Math.max(1, candidatesPerDay * p.agents.length)));
    const span = small ? 1 + Math.floor(random() * 3) : Math.min(p.days, Math.max(1 + Math.floor(random() * 2), Math.round(daysForTarget * (0.5 + random()))));
    const firstDay = Math.floor(random() * Math.max(1, p.days - span + 1));
    for (const ai of shuffled) {
      if (count >= windowColumns) break;
      const list = byDays
        ? Array.from({ length: span }, (_, k) => built.model.candidatesOnDay(ai, firstDay + k)).flat()
        : alongPlan
          ? planAndRoster(ai)
          : p.agents[ai]!.candidates.map((_, i) => i);
      if (list.length === 0) continue;
      free.set(ai, list);
      count += list.length;
    }
    if (free.size === 0) continue;
    const perWindow = Math.max(0.05, Math.min(left() - 0.05, small ? tuning.smallBackendWindowSeconds : Math.max(1, total * tuning.windowShare)));
    const before = main.cost;
    const t = performance.now();
    const r = await solveWindow(free, true, perWindow);
    const took = (performance.now() - t) / 1000;
    trace?.('window', `window ${byDays ? `days ${firstDay}+${span}` : alongPlan ? 'plan' : 'agents'} ${free.size} agents ${count} cols: ${r?.status ?? 'too big'} in ${took.toFixed(2)} s, ${before} → ${main.cost}`);
    const shrunk = Math.max(tuning.windowColumnsMin, windowColumns * tuning.windowShrink);
    if (!r) windowColumns = shrunk;
    else if (r.status === 'optimal' && took < perWindow * tuning.windowFastShare) windowColumns = Math.min(small ? tuning.smallBackendWindowColumnsMax : tuning.windowColumnsMax, windowColumns * tuning.windowGrowth);
    else if (r.status !== 'optimal') windowColumns = shrunk;
  }
  };
  // 2. Restricted MIP over the shifts the relaxation and the heuristic point at.
  const restricted = async (neighbours = lp.variables.length <= tuning.restrictedNeighboursMaxColumns, values = relaxation?.values, timeLimit = Math.min(left() * tuning.restrictedShareOfLeft, total * tuning.restrictedShareOfTotal)) => {
  if (values && fitsWhole && !stopped()) {
    const free = new Map<number, number[]>();
    let count = 0;
    p.agents.forEach((a, ai) => {
      const cols = built.model.columns[ai]!;
      const roster = new Set(search.state[ai]!.shifts);
      const keep = new Set<number>();
      const seeds: Shift[] = [];
      a.candidates.forEach((s, i) => {
        if ((values[cols[i]!] ?? 0) > 1e-4 || roster.has(s)) {
          keep.add(i);
          seeds.push(s);
        }
      });
      if (neighbours) for (const d of new Set(seeds.map((s) => s.day))) {
        const today = seeds.filter((s) => s.day === d);
        for (const i of built.model.candidatesOnDay(ai, d)) {
          const c = a.candidates[i]!;
          if (today.some((s) => s.skill === c.skill && s.template === c.template && Math.abs(s.start - c.start) <= 3_600_000)) keep.add(i);
        }
      }
      free.set(ai, [...keep]);
      count += keep.size;
    });
    const t = performance.now();
    // Most of what is left: it usually proves its subset optimal early, and a machine 1.6× slower than the one
    // M was tuned on (LP 5 s, not 3 s) left it 1.9 s, which ended with a roster 44 % above the bound.
    const r = await solveWindow(free, false, Math.max(0.05, timeLimit));
    trace?.('restricted-mip', `restricted ${count} cols: ${r?.status} ${r?.objective} in ${((performance.now() - t) / 1000).toFixed(2)} s → ${main.cost}`);
    note('restricted-mip', `restricted MIP over ${count} of ${p.agents.reduce((n, a) => n + a.candidates.length, 0)} shifts: ${r?.status ?? 'not run'}`);
  }
  };
  /** Per agent-day the relaxation's strongest shift, where the day is worked at least half. */
  const roundRelaxation = (values: Float64Array): Shift[][] =>
    p.agents.map((_, ai) => {
      const cols = built.model.columns[ai]!;
      const out: Shift[] = [];
      for (const d of built.model.daysWithCandidates(ai)) {
        let sum = 0;
        let best = -1;
        let bestValue = 0;
        for (const i of built.model.candidatesOnDay(ai, d)) {
          const v = values[cols[i]!] ?? 0;
          sum += v;
          if (v > bestValue) {
            bestValue = v;
            best = i;
          }
        }
        if (sum >= 0.5 && best >= 0) out.push(p.agents[ai]!.candidates[best]!);
      }
      return out;
    });
  const mipGap = options.mipRelativeGap ?? 1e-4;
  let proof: string | undefined;
  const withinGapProof = "the roster's cost is within the MIP gap of the LP relaxation's bound";
  /** The incumbent keeps every hard rule and is within the MIP gap of the bound: nothing left to gain. */
  const closeEnough = () => bound !== undefined && main.inf === 0 && main.cost - bound <= mipGap * Math.max(1e-9, Math.abs(main.cost)) + 1e-9;
  /**
   * Reduced-cost fixing. With the relaxation's bound LB and reduced costs d, a shift column at 0 in the LP
   * costs at least LB + d in any roster that uses it; with a roster of cost UB in hand, every column with
   * d > UB − LB can be fixed to 0 without losing any better roster. The MIP over the columns left is the whole
   * problem, and its bound, capped at UB, is a bound of the whole problem. Returns whether it proved the
   * optimum (within the MIP gap).
   */
  const priceAndFix = async (): Promise<boolean> => {
    if (closeEnough()) {
      proof = withinGapProof;
      return true;
    }
    if (!relaxation || bound === undefined || main.inf > 0 || stopped()) return false;
    const upper = main.cost;
    const lower = bound;
    const inRoster = rosterColumns(main);
    const fixing = reducedCostFixing(lp, relaxation, decision, inRoster, upper);
    if (!fixing) return false;
    const { pins, open } = fixing;
    const describe = `reduced-cost fixing: ${open} of ${fixing.candidates} shift columns can beat ${round2(upper)} (LP bound ${round2(lower)})`;
    if (open > tuning.priceAndFixMaxColumns) {
      note('price-and-fix', `${describe}; too many for one MIP, windows instead`);
      return false;
    }
    const sub = pinColumns(lp, pins);
    const subStart = Float64Array.from(sub.columns, (j) => (decision[j] ? inRoster[j]! : NaN));
    const t = performance.now();
    const r = await backend.solve(sub.model, { timeLimitSeconds: Math.max(0.05, left() - 0.05), mipRelativeGap: mipGap, signal, initialSolution: subStart });
    windows++;
    if (r.values && (r.status === 'optimal' || r.status === 'feasible')) {
      const shifts = built.decode(sub.expand(r.values));
      const changes = new Map<number, Shift[]>();
      shifts.forEach((sh, ai) => changes.set(ai, sh));
      if (tryShifts(changes)) improving++;
    }
    if (r.bound !== undefined && Number.isFinite(r.bound)) bound = Math.max(lower, Math.min(upper, r.bound));
    options.onImprove?.('lns', main.inf === 0 ? main.cost : undefined, bound);
    note('price-and-fix', `${describe}; MIP over them: ${r.status} in ${round2((performance.now() - t) / 1000)} s, bound ${round2(bound)}`);
    trace?.('price-and-fix', `${describe}: ${r.status} ${r.objective} bound ${r.bound} → ${main.cost}`);
    const proved = closeEnough() || (r.status === 'optimal' && main.cost <= (r.objective ?? Infinity) + 1e-6 * Math.max(1, Math.abs(main.cost)));
    if (proved) proof = `reduced-cost fixing left ${open} of ${fixing.candidates} shifts able to beat ${round2(upper)}, and ${backend.name} solved the MIP over them`;
    return proved;
  };

  // Agents the heuristic left breaking a hard rule (long minimum runs of days on or off, say, which its
  // moves of one to three days cannot reach) are re-planned one at a time over the whole horizon on the
  // backend, every other agent fixed: the window holds all of that agent's rows, so the backend either finds
  // a roster that keeps them or shows there is none. This runs before waiting on the relaxation: a roster
  // that keeps every hard rule comes first.
  let replanned = 0;
  const repairAgents = async (target: Incumbent) => {
    await repairHere(target);
    for (let pass = 0; pass < 3 && target.inf > 0 && !stopped(); pass++) {
      const broken = target.search.brokenAgents();
      // Two at a time (one per core): on a year-long instance each agent's window takes seconds and many
      // agents need one. A 2 % gap: a roster that keeps the rules matters here, the windows polish it later.
      await mapWithLimit(broken, 2, async (ai) => {
        if (stopped() || target.search.state[ai]!.infeasibility === 0) return;
        const before = target.search.state[ai]!.infeasibility;
        const perAgent = Math.max(0.05, Math.min(left() - 0.05, Math.max(tuning.agentWindowMinSeconds, left() / broken.length)));
        await solveWindow(new Map([[ai, p.agents[ai]!.candidates.map((_, i) => i)]]), true, perAgent, tuning.agentWindowGap, target);
        if (target.search.state[ai]!.infeasibility < before) replanned++;
      });
    }
  };
  // A class plan's chunks re-plan every agent under all of its rows anyway: the repair waits for what they leave.
  // So does the class chain's restricted MIP: the repair waits for it, unless the chain ends or the time runs
  // short with the roster still breaking a rule (below). Repairs beside the chain (2-core EPYC, M seed 1: 14
  // agents, two workers beside its two) left its MIP too little time: 31–66 % where it otherwise proves 0.08 %.
  const planComing = (relaxationHopeless && relaxationPromise !== undefined) || classChainFirst;
  if (!planComing) await repairAgents(main);
  if (replanned > 0) note('repair', `${replanned} agents re-planned alone to keep their hard rules`);
  // The relaxation has a core to itself while it runs: windows alongside it (a second worker plus this
  // thread's bookkeeping on two cores) slowed it about twofold and gained little; the deadline aborts it.
  // Meanwhile this thread keeps improving (or, on large models, still repairing) the heuristic roster in
  // one-second rounds, yielding between rounds so the relaxation's answer is seen as soon as it comes.
  let round0 = 0;
  // Once the heuristic's roster keeps every hard rule, this thread only waits for the relaxation (measured on
  // L, whose two weekly LPs at once fill both cores: the heuristic beside them slowed them by about a third;
  // on M, with one LP, waiting brought the restricted MIP's proof 0.6–1.2 s sooner, out of 10). The rosters
  // the heuristic would find meanwhile are replaced by the restricted MIP's anyway.
  // Interval-demand models only: on shift-type models (Curtois–Qu) the heuristic's rounds during long yearly
  // relaxations are what the measured results were made with.
  const waitForRelaxation = p.shiftDemand.length === 0 && !relaxationHopeless;
  // A per-agent relaxation still running late in the limit (L seed 2 on a machine 1.6× slower: its weekly LPs
  // took more than the whole minute) would leave the roster without a bound: the class LP, which gives the
  // per-agent LP's value on S, M and L in a second or two, then gives it one.
  let classBoundAsked = false;
  const classBoundIfLate = () => {
    if (classBoundAsked || classChainFirst || relaxationDone || !waitForRelaxation || left() > total * (1 - tuning.lateRelaxationShare)) return;
    classBoundAsked = true;
    void solveClassLp(tuning.lateClassLpMarginSeconds).then(({ r, seconds }) => {
      note('class-lp', `per-agent relaxation unfinished at ${Math.round(tuning.lateRelaxationShare * 100)} % of the time: class LP bound ${r.status === 'optimal' ? round2(r.objective!) : r.status} in ${round2(seconds)} s`);
      if (r.status !== 'optimal' || r.objective === undefined) return;
      bound = Math.max(bound ?? -Infinity, r.objective);
      options.onImprove?.('relaxation', main.inf === 0 ? main.cost : undefined, bound);
    });
  };
  /**
   * Beside a lone per-agent LP: the class LP's bound, then the per-agent LP over the class plan's shifts, then
   * the restricted MIP over that LP's shifts and the roster's, as after the per-agent LP. On M the class LP
   * equals the per-agent LP (seeds 1–3: 3140, 3767.5, 3750) and takes 2 s on a 2-core EPYC where the per-agent
   * LP takes 9.4 s, so on such a machine the roster is proved here or nowhere within 10 s. It stops once the
   * per-agent LP is in, whose own restricted MIP and reduced-cost fixing take over.
   */
  const classChain = async (classLp: Promise<{ aggregation: AgentAggregation; r: LpSolution; seconds: number }>): Promise<void> => {
    const { aggregation, r, seconds } = await classLp;
    note('class-lp', `class LP beside the per-agent LP (${aggregation.classes} classes, ${aggregation.model.variables.length} columns): ${r.status === 'optimal' ? round2(r.objective!) : r.status} in ${round2(seconds)} s`);
    if (r.status !== 'optimal' || r.objective === undefined || !r.values) return;
    bound = Math.max(bound ?? -Infinity, r.objective);
    options.onImprove?.('relaxation', main.inf === 0 ? main.cost : undefined, bound);
    if (relaxationDone || closeEnough() || stopped()) return;
    const t = performance.now();
    const agentLp = await agentPlanOverClassPlan(p, built, { aggregation, values: r.values }, index, decision, backend, Math.max(0.05, left() * tuning.agentPlanShare), signal);
    note('agent-plan', agentPlanNote(agentLp, t));
    if (!agentLp.values || relaxationDone || closeEnough() || stopped()) return;
    // All of what is left (where the per-agent LP comes in time, its own restricted MIP runs beside this one),
    // less the re-planning's share while the roster breaks a rule: it keeps every rule, should this MIP not.
    await restricted(undefined, agentLp.values, main.inf > 0 ? left() * tuning.chainRestrictedShareWhileBroken : left() - 0.1);
  };
  let classChainEnded = false;
  const classChainDone = classChainLp ? classChain(classChainLp).finally(() => (classChainEnded = true)) : undefined;
  // With the class chain beside the per-agent LP, two workers have the cores even while the roster still
  // breaks a rule: the chain's restricted MIP gives one that keeps them all. If it does not (the chain ended, or
  // 60 % of the time is gone), the agents breaking a rule are re-planned alone, after it.
  const chainMayRepair = () => classChainFirst && !classChainEnded && left() > total * tuning.chainRepairShare;
  while (relaxationPromise && !relaxationDone && !stopped() && waitForRelaxation && (main.inf === 0 || chainMayRepair()) && !closeEnough()) {
    classBoundIfLate();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  if (classChainFirst && main.inf > 0) await repairAgents(main);
  while (relaxationPromise && !relaxationDone && !stopped() && !closeEnough()) {
    const more = runHeuristic(p, { deadline: Math.min(options.deadline, performance.now() + 1000), seed: options.seed + 100 + round0++, initial: search.shifts(), signal });
    const changes = new Map<number, Shift[]>();
    more.shifts.forEach((sh, ai) => changes.set(ai, sh));
    tryShifts(changes);
    await new Promise((resolve) => setImmediate(resolve));
  }
  // Interval-demand (contact-centre) models: the restricted MIP comes first, started from the incumbent; the
  // LP's own shifts hold a roster within a fraction of a percent of the bound (M: 910 of 36,942 columns,
  // 3142.5 against the bound 3140, in about a second), and reduced-cost fixing may then prove the optimum.
  // Shift-type models (Curtois–Qu) keep the order measured on them: rounding first, restricted MIP after.
  const lpFirst = p.shiftDemand.length === 0;
  if (lpFirst) {
    await restricted();
    // The raced relaxation's other optimal vertex: its shifts may hold a roster the first one's miss (M seed 2,
    // relaxation without presolve: 3777.5 over its shifts, 3767.5, the optimum, over those of the one with).
    // It is waited for at most as long as the first took (on M it was done by then or soon after); a runner-up
    // far slower than that is left to the deadline, which stops it.
    if (runnerUp && !closeEnough() && !stopped()) {
      const wait = Math.min(left(), relaxation?.seconds ?? 0) * 1000;
      const other = await Promise.race([runnerUp, new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), wait))]);
      if (other?.status === 'optimal' && other.values) await restricted(false, other.values);
    }
    if (await priceAndFix()) {
      note('window', `${windows} windows solved, ${improving} improved the roster`);
      return finish();
    }
  }
  // The class chain's restricted MIP may still be running (it has the rest of the time): without the per-agent
  // LP, windows beside it would only compete with it for the cores, and the deadline stops it with its best
  // roster. With the per-agent LP in (and its restricted MIP done), the windows go on beside it.
  if (classChainDone && !relaxationDone) await classChainDone;
  // A class plan (no per-agent relaxation in time) is followed chunk by chunk; keep the roster if it is better.
  if (classPlan && !stopped()) {
    // First the per-agent LP over the class plan's shifts, which the chunks then follow agent by agent; when
    // it is not solved in its share of the time, the class plan's shares are followed instead.
    const t0 = performance.now();
    const agentLpComing = agentPlanOverClassPlan(p, built, classPlan, index, decision, backend, Math.max(0.05, left() * tuning.agentPlanShare), signal);
    // While the workers solve it, this thread makes the heuristic's roster (cut short when the class LP came)
    // keep every rule: the chunks start from it, and keep it where they find nothing in time.
    await repairHere(main);
    const agentLp = await agentLpComing;
    const agentPlan = agentLp.values ? { values: agentLp.values } : undefined;
    note('agent-plan', agentPlanNote(agentLp, t0));
    trace?.('agent-plan', `agent plan ${agentLp.objective ?? agentLp.status} at ${(total - left()).toFixed(1)} s`);
    const t = performance.now();
    const followOptions = {
      backend,
      index,
      decision,
      base: search.shifts(),
      // The rest of the time goes to the windows, which also see the coverage as it ends up.
      deadline: performance.now() + left() * tuning.followPlanShare * 1000,
      signal,
      ...symmetry,
      ...(trace ? { onChunk: (c: { agents: number; columns: number; status: string; seconds: number }) => trace('chunk', `chunk ${c.agents} agents ${c.columns} cols: ${c.status} in ${c.seconds.toFixed(2)} s`) } : {}),
    };
    // The per-agent plan's chunks stop at a gap of 0.1 % (XL: the chunks ended at 95 s instead of 136 s, and
    // their roster at 183,117 against 182,812.5 with 0.02 %), leaving the windows 40 s more.
    const plan = agentPlan ? await followAgentPlan(p, built, agentPlan.values, { ...followOptions, mipRelativeGap: tuning.followAgentPlanGap }) : await followClassPlan(p, built, classPlan.aggregation, classPlan.values, followOptions);
    // Both rosters keep every rule before they are compared: the chunks' roster would otherwise win on the few
    // agents the other still had broken, however much more it costs (XL with 150 s on a 2-core EPYC: 709,948
    // with 939 of shortfall against 494,902.5 with 2,847; repaired, the cheaper one is kept).
    // The base is set aside and the chunks' roster repaired in its place (a second RosterSearch over XL would
    // hold another copy of every agent's candidates by day).
    await repairHere(main, tuning.repairAfterFollowShare);
    const base = { shifts: search.shifts(), cost: main.cost, inf: main.inf };
    plan.shifts.forEach((sh, ai) => search.setShifts(ai, sh));
    main.cost = search.totalCost();
    main.inf = search.totalInfeasibility();
    await repairHere(main, tuning.repairAfterFollowShare);
    followed = keepIfNotWorse(main, base, () => base.shifts.forEach((sh, ai) => search.setShifts(ai, sh)));
    const before = base.cost;
    if (followed && agentPlan)
      planSupport = built.model.columns.map((cols) => cols.flatMap((j, i) => ((agentPlan.values[j] ?? 0) > 1e-4 ? [i] : [])));
    note('follow-plan', `${agentPlan ? 'per-agent' : 'class'} plan followed in ${plan.chunks} chunks (${plan.solved} solved) in ${round2((performance.now() - t) / 1000)} s${followed ? ' (kept)' : ''}`);
    trace?.('follow-plan', `plan followed: ${before} → ${main.cost} inf ${main.inf} at ${(total - left()).toFixed(1)} s`);
  }
  if (planComing) await repairAgents(main);
  // Otherwise round the relaxation (per agent-day its strongest shift, where the day is worked at least half;
  // or, from the class LP, each class shift handed to as many class agents as it holds) and let the local
  // search repair and polish it; keep it if it beats the incumbent.
  const values = relaxation?.values;
  const rounded = followed
    ? undefined
    : values
    ? roundRelaxation(values)
    : classPlan
      ? disaggregate(p, built, classPlan.aggregation, classPlan.values)
      : undefined;
  if (rounded && !stopped()) {
    const repaired = await runHeuristicYielding(p, {
      deadline: Math.min(options.deadline, performance.now() + Math.max(0.05, total * tuning.roundingRepairShare) * 1000),
      seed: options.seed + 1,
      initial: rounded,
      signal,
    });
    const changes = new Map<number, Shift[]>();
    repaired.shifts.forEach((sh, ai) => changes.set(ai, sh));
    const before = main.cost;
    const took = tryShifts(changes);
    note('rounding', `rounded relaxation: ${repaired.infeasibility === 0 ? repaired.cost : 'infeasible'}${took ? ' (kept)' : ''}`);
    trace?.('rounding', `rounded ${repaired.cost} inf ${repaired.infeasibility}: ${before} → ${main.cost}`);
    if (repaired.infeasibility > 0 && repaired.cost < main.cost && !stopped()) {
      // The local search could not make the rounded roster keep every rule, but it is cheaper than the
      // incumbent (on year-long instances many times cheaper, as its coverage follows the relaxation):
      // re-plan its broken agents alone, as above, and take it if it then keeps every rule and is cheaper.
      const rounding = incumbent(new RosterSearch(p, repaired.shifts));
      await repairAgents(rounding);
      const all = new Map<number, Shift[]>();
      rounding.search.state.forEach((st, ai) => all.set(ai, st.shifts));
      const kept = rounding.inf === 0 && tryShifts(all);
      note('rounding', `rounded relaxation with its agents re-planned: ${rounding.inf === 0 ? rounding.cost : 'still breaking hard rules'}${kept ? ' (kept)' : ''}`);
      trace?.('rounding', `rounded + agent repair ${rounding.cost} inf ${rounding.inf} → ${main.cost}`);
    }
  }
  // On larger shift-type models the restricted MIP found no roster better than the rounded one in our runs,
  // so there it only runs on models of up to 20,000 columns.
  if (!lpFirst && lp.variables.length <= tuning.shiftLevelRestrictedMaxColumns) await restricted();
  await lnsUntil(closeEnough);
  note('window', `${windows} windows solved, ${improving} improved the roster`);
  if (closeEnough()) proof = withinGapProof;
  return finish();

  function finish(): DecomposeResult {
    return {
      shifts: search.shifts(),
      ...(heuristicCost !== undefined ? { heuristicCost } : {}),
      ...(bound !== undefined ? { bound } : {}),
      ...(relaxation ? { relaxation } : {}),
      ...(proof !== undefined ? { proof } : {}),
      notes,
      windows,
      improvingWindows: improving,
    };
  }
}

/** A roster under improvement with the standing it is judged by: hard-rule shortfall first, then cost. */
interface Incumbent {
  readonly search: RosterSearch;
  cost: number;
  inf: number;
}

function incumbent(search: RosterSearch): Incumbent {
  return { search, cost: search.totalCost(), inf: search.totalInfeasibility() };
}

/** What the per-agent LP over the class plan's shifts came to, since `started` (a `performance.now()` value). */
function agentPlanNote(agentLp: { status: string; objective?: number; columns: number }, started: number): string {
  return `per-agent LP over the class plan's shifts: ${agentLp.objective !== undefined ? round2(agentLp.objective) : agentLp.status} over ${agentLp.columns} shift columns in ${round2((performance.now() - started) / 1000)} s`;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/**
 * A rough forecast of the relaxation's wall time on HiGHS (WebAssembly, one thread) on the reference machine:
 * `relaxationForecastSeconds` for one LP of `relaxationForecastColumns` columns, growing as the ratio to the
 * power `relaxationForecastExponent`; weekly LPs run two at a time. Used to skip relaxations that would
 * clearly not finish.
 */
export function predictedRelaxationSeconds(p: Problem, columns: number, tuning: Tuning = DEFAULT_TUNING): number {
  const split = columns > tuning.splitRelaxationColumns && p.weeks.length >= 2;
  const perPart = split ? columns / p.weeks.length : columns;
  const rounds = split ? Math.ceil(p.weeks.length / 2) : 1;
  return rounds * tuning.relaxationForecastSeconds * Math.pow(perPart / tuning.relaxationForecastColumns, tuning.relaxationForecastExponent);
}

/**
 * The LP relaxation: of the whole model, or, for large multi-week models, of one model per week without the
 * rows that link weeks (rest over the week boundary, runs of days, horizon totals), solved in parallel
 * workers. Either way its objective is a valid lower bound; its values are only used for rounding.
 */
async function relax(p: Problem, built: BuiltModel, backend: LpBackend, timeLimitSeconds: number, signal: AbortSignal, notes: string[], tuning: Tuning, onRunnerUp: ((solve: Promise<LpSolution>) => void) | undefined): Promise<LpSolution> {
  const lp = built.lp;
  if (lp.variables.length <= tuning.splitRelaxationColumns || p.weeks.length < 2)
    return p.shiftDemand.length === 0 && onRunnerUp ? raceRelaxation(backend, lp, timeLimitSeconds, signal, onRunnerUp) : backend.solve(lp, { timeLimitSeconds, relaxIntegrality: true, signal });
  const week = weekOfColumns(p, built);
  const split = partitionRelaxation(lp, week, p.weeks.length);
  if (!split) return backend.solve(lp, { timeLimitSeconds, relaxIntegrality: true, signal });
  notes.push(`relaxation split into ${p.weeks.length} weekly LPs (${split.droppedRows} linking rows dropped)`);
  return solveWeekly(lp, split, backend, performance.now() + timeLimitSeconds * 1000, signal);
}

/** The week of every shift column of `built.lp` (-1 for auxiliary columns). */
function weekOfColumns(p: Problem, built: BuiltModel): Int32Array {
  const { owner, candidate } = shiftColumnOwners(built);
  return owner.map((ai, j) => (ai < 0 ? -1 : p.agents[ai]!.candidates[candidate[j]!]!.week));
}

type Split = NonNullable<ReturnType<typeof partitionRelaxation>>;

/**
 * The weekly LPs of a split relaxation, two at a time (one worker per core: a year of weeks at once would start
 * 52 workers), every one done by `deadline` (a `performance.now()` value): a week started late gets only what
 * is left, so the whole takes the time it was given, not that time for every pair of weeks.
 */
function solveWeeks(split: Split, backend: LpBackend, deadline: number, signal: AbortSignal): Promise<LpSolution[]> {
  return mapWithLimit(split.models, 2, (m) => backend.solve(m, { timeLimitSeconds: Math.max(0.05, (deadline - performance.now()) / 1000), relaxIntegrality: true, signal }));
}

const weekSolved = (r: LpSolution): boolean => r.status === 'optimal' && r.objective !== undefined && r.values !== undefined;

/** The weekly LPs of a split relaxation put back together as one solution of `model` (a bound only if every week is solved). */
async function solveWeekly(model: LpModel, split: Split, backend: LpBackend, deadline: number, signal: AbortSignal): Promise<LpSolution> {
  const started = performance.now();
  const parts = await solveWeeks(split, backend, deadline, signal);
  const seconds = (performance.now() - started) / 1000;
  const failed = parts.find((r) => !weekSolved(r));
  if (failed) return { ...failed, seconds, message: `weekly relaxation: ${failed.status}${failed.message ? ` (${failed.message})` : ''}` };
  const values = new Float64Array(model.variables.length);
  parts.forEach((r, k) => split.columns[k]!.forEach((j, c) => (values[j] = r.values![c]!)));
  // A column in no part sits at its cheaper bound with its cost as reduced cost (it is in no kept row).
  const reducedCosts = parts.every((r) => r.reducedCosts) ? Float64Array.from(model.variables, (v) => v.cost) : undefined;
  if (reducedCosts) parts.forEach((r, k) => split.columns[k]!.forEach((j, c) => (reducedCosts[j] = r.reducedCosts![c]!)));
  return { status: 'optimal', objective: split.constant + parts.reduce((sum, r) => sum + r.objective!, 0), values, ...(reducedCosts ? { reducedCosts } : {}), seconds };
}

/**
 * A per-agent plan from the class plan: the per-agent LP with only the shifts the class plan uses open (every
 * other shift fixed to 0), week by week. It is no bound (shifts are left out), but it is small and nearly
 * integral. XL seed 1 on a 2-core Xeon: the class plan opens 124,844 of 1,440,512 shift columns; the four weekly
 * LPs took 41–47 s two at a time (seed 2: 73 s) and came to 166,255.5 against the class LP's 165,870; 21,047
 * columns are used, 7,448 of them fractionally. Followed chunk by chunk, it rounds far less than the class
 * plan's shares.
 *
 * Weeks whose LP is not solved in time keep the class plan's shares (each class agent counts for the class
 * value over the class's agents who have the shift), so a slow machine still gets the per-agent plan of the
 * weeks it could solve: XL with 150 s on a 2-core EPYC (as a machine half as fast would have 300 s) had the
 * first two weeks in 40 s, but the last two were unfinished, and the class plan's shares alone, followed in the
 * time left, gave chunks without a roster and 1,129 hard violations. Without values when no week (or the
 * one LP of a model of one week) is solved in time, or the class plan's shifts cannot keep some agent's rows;
 * `status` then says which.
 */
async function agentPlanOverClassPlan(p: Problem, built: BuiltModel, classPlan: { aggregation: AgentAggregation; values: Float64Array }, index: ColumnIndex, decision: Uint8Array, backend: LpBackend, timeLimitSeconds: number, signal: AbortSignal): Promise<{ status: string; values?: Float64Array; objective?: number; columns: number }> {
  const deadline = performance.now() + timeLimitSeconds * 1000;
  const { classColumn, members } = classPlan.aggregation;
  const free: number[] = [];
  for (const cols of built.model.columns)
    for (const j of cols) {
      const c = classColumn[j]!;
      if (c >= 0 && (classPlan.values[c] ?? 0) > 1e-6) free.push(j);
    }
  const sub = windowModel(built.lp, index, decision, free, () => 0);
  const week = weekOfColumns(p, built);
  const split = p.weeks.length >= 2 ? partitionRelaxation(sub.model, Int32Array.from(sub.columns, (j) => week[j]!), p.weeks.length) : undefined;
  const values = new Float64Array(built.lp.variables.length);
  if (!split) {
    const r = await backend.solve(sub.model, { timeLimitSeconds, relaxIntegrality: true, signal });
    if (!weekSolved(r)) return { status: r.message ?? r.status, columns: free.length };
    sub.columns.forEach((j, k) => (values[j] = r.values![k]!));
    return { status: r.status, values, objective: r.objective!, columns: free.length };
  }
  const parts = await solveWeeks(split, backend, deadline, signal);
  const solved = parts.map(weekSolved);
  const count = solved.filter(Boolean).length;
  if (count === 0) {
    const r = parts[0]!;
    return { status: `weekly relaxation: ${r.status}${r.message ? ` (${r.message})` : ''}`, columns: free.length };
  }
  parts.forEach((r, k) =>
    split.columns[k]!.forEach((c, i) => {
      const j = sub.columns[c]!;
      if (solved[k]) values[j] = r.values![i]!;
      else if (decision[j]) values[j] = classPlan.values[classColumn[j]!]! / members[classColumn[j]!]!;
    }),
  );
  return count === parts.length
    ? { status: 'optimal', values, objective: split.constant + parts.reduce((sum, r) => sum + r.objective!, 0), columns: free.length }
    : { status: `${count} of ${parts.length} weeks solved in time, the others follow the class plan's shares`, values, columns: free.length };
}

/**
 * One LP relaxation solved with and without presolve at once, on two workers, where the backend can switch it
 * (HiGHS): the first optimal answer is taken. Neither way is always faster: on the M LPs of seeds 1–7 (36,942
 * columns) HiGHS took 2.8–3.6 s with presolve and 1.6–4.1 s without, so the race took 1.6–3.6 s (2.2 s on
 * average against 3.1 s). The other solve goes on (`onRunnerUp`): it ends at another optimal vertex, whose
 * shifts the restricted MIP may try next; the deadline stops it. Only for interval-demand models, whose thread
 * waits for the relaxation (see `waitForRelaxation`): on shift-type models the heuristic keeps working on this
 * thread and a third busy thread on two cores would slow it.
 */
async function raceRelaxation(backend: LpBackend, lp: LpModel, timeLimitSeconds: number, signal: AbortSignal, onRunnerUp: (solve: Promise<LpSolution>) => void): Promise<LpSolution> {
  if (!backend.presolveSwitch) return backend.solve(lp, { timeLimitSeconds, relaxIntegrality: true, signal });
  const runs = [true, false].map((presolve) => backend.solve(lp, { timeLimitSeconds, relaxIntegrality: true, signal, presolve }));
  const first = await Promise.race(runs.map((run, k) => run.then((r) => ({ r, k }))));
  const other = runs[1 - first.k]!;
  if (first.r.status !== 'optimal') return other;
  onRunnerUp(other);
  return first.r;
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
