/**
 * solve: validate → expand → candidates → heuristic (always an answer) → LP model from every rule module
 * → backend (if the model suits it) → decode → evaluate. Every solve ends within its time limit and
 * says whether the roster is optimal, feasible (with the gap where a bound is known) or infeasible, and why.
 */
import type { LpBackend, LpSolution } from '../lp/backend.js';
import { jslpBackend } from '../lp/jslp.js';
import { expandProblem, type Problem, type Shift } from '../expand/problem.js';
import { generateCandidates } from '../shifts/candidates.js';
import { parseScenario, validateScenario } from '../validate/validate.js';
import { runHeuristic } from './heuristic.js';
import { solveWholeMip } from './whole-mip.js';
import { buildRosterModel, type BuiltModel } from '../model/build.js';
import { evaluateShifts } from '../evaluate/evaluate.js';
import { shiftsToRoster } from '../evaluate/roster.js';
import { placeInsideShiftsWithin } from './phases/second-stage.js';
import { hasBreakRules } from '../expand/breaks.js';
import { unplacedMessage, unplacedSessions } from '../rules/activities.js';
import type { ReplanBase, Roster, SolveResult, SolveStatus } from '../schema/roster.js';
import { locateBase, withBase } from './base.js';
import type { StabilityBase } from '../rules/stability.js';
import { changesBetween } from '../evaluate/changes.js';
import { diagnoseAgents, withoutUnreachableMinimums } from './diagnose.js';
import { coverageLowerBound } from './bounds.js';
import { withExpectedBreakLoss } from '../expand/break-loss.js';
import { solveByDecomposition } from './scale.js';
import { SolveOptionsError } from '../schema/errors.js';
import { resolveTuning, type Tuning, type TuningOverrides } from './tuning.js';
import type { SolveEvent } from './events.js';

export interface SolveProgress {
  /** The decomposition's relaxation, restricted MIP and windows report as `backend`. */
  readonly phase: 'heuristic' | 'backend' | 'done';
  readonly bestCost?: number;
  readonly lowerBound?: number;
  readonly gap?: number;
  readonly elapsedSeconds: number;
}

export interface SolveOptions {
  /** Wall-clock limit for the whole solve (default 30 s). */
  readonly timeLimitSeconds?: number;
  /** The LP backend (default: javascript-lp-solver, which only takes small models). */
  readonly backend?: LpBackend;
  /** Relative MIP gap at which the backend may stop (default 1e-4). */
  readonly mipRelativeGap?: number;
  /**
   * Share of the time limit the heuristic may use before the backend starts (default 0.2; 0.15 in a
   * decomposition). Shorthand for both `tuning.heuristicShare` and `tuning.decomposeHeuristicShare`.
   */
  readonly heuristicShare?: number;
  /** Thresholds and time shares of this solve (solve/tuning.ts lists each with its meaning and default). */
  readonly tuning?: TuningOverrides;
  readonly seed?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: SolveProgress) => void;
  /**
   * Each time the best roster keeping every hard rule improves (heuristic, decomposition windows; a MIP's
   * rosters only arrive with the result). The roster's shifts are copied when this is called, so `roster()`
   * may be called at any time later, and only when wanted: improvements can come thousands a second, and
   * building the roster costs more than the copy.
   */
  readonly onIncumbent?: (incumbent: SolveIncumbent) => void;
  /** Each step of a decomposition as it ends, in words (solve/events.ts): for logs, never needed for the result. */
  readonly onEvent?: (event: SolveEvent) => void;
  /**
   * `direct`: heuristic, then the whole MIP on the backend. `decompose`: LP relaxation (bound) + restricted
   * MIP + fix-and-optimise windows (see scale.ts and solve/route.ts), for large models or size-limited backends. `auto` (default):
   * direct for models of up to `tuning.directMipMaxColumns` columns (`directMipMaxColumnsShiftLevel` with shift
   * demand) that the backend takes, decompose otherwise.
   */
  readonly strategy?: 'auto' | 'direct' | 'decompose';
  /**
   * The decomposition's LP relaxation: `agents` (one column per agent and shift), `classes` (aggregated over
   * agents with the same contract, skills, opt-ins and time zone: much smaller, still a valid bound, no
   * reduced-cost fixing), or `auto` (default): classes only when the per-agent one would not finish in time, and
   * both side by side when the per-agent one is a single LP with demand per interval (see solve/route.ts).
   */
  readonly relaxation?: 'auto' | 'agents' | 'classes';
  /**
   * A minimal-change solve (re-plan): the published roster, the price of each change against it (the
   * `stability` rule), and what may not change (hard): anything starting before `frozenBefore`, the `pinned`
   * shifts, every agent outside `onlyAgents`. The search starts from the base, and the result lists `changes`.
   * A bad base is refused before solving (SolveOptionsError at `/base/...`). See solve/base.ts.
   */
  readonly base?: ReplanBase;
}

export interface SolveIncumbent {
  /** The cost of the roster, as `bestCost` in progress. */
  readonly cost: number;
  readonly roster: () => Roster;
}

export const DEFAULT_TIME_LIMIT_SECONDS = 30;

const OPTION_CHOICES = { strategy: ['auto', 'direct', 'decompose'], relaxation: ['auto', 'agents', 'classes'] } as const;

/** Options typed as unions can still arrive misspelt from JavaScript: name the field rather than fall back silently. */
function checkSolveOptions(options: SolveOptions): void {
  const issues = (Object.keys(OPTION_CHOICES) as (keyof typeof OPTION_CHOICES)[]).flatMap((field) => {
    const value: unknown = options[field];
    const allowed: readonly string[] = OPTION_CHOICES[field];
    return value === undefined || allowed.includes(value as string) ? [] : [{ path: `/${field}`, message: `must be one of ${allowed.join(', ')} (got ${JSON.stringify(value)})` }];
  });
  if (issues.length > 0) throw new SolveOptionsError('invalid solve options', issues);
}

/** The tuning of one solve: `options.tuning` over the defaults, with `heuristicShare` as its shorthand. */
function solveTuning(options: SolveOptions): Tuning {
  const tuning = resolveTuning(options.tuning);
  const share: unknown = options.heuristicShare;
  if (share === undefined) return tuning;
  if (typeof share !== 'number' || !(share >= 0 && share <= 1))
    throw new SolveOptionsError('invalid solve options', [{ path: '/heuristicShare', message: `must be a number from 0 to 1 (got ${JSON.stringify(share)})` }]);
  return { ...tuning, heuristicShare: share, decomposeHeuristicShare: share };
}

export async function solve(input: unknown, options: SolveOptions = {}): Promise<SolveResult> {
  checkSolveOptions(options);
  const tuning = solveTuning(options);
  const t0 = performance.now();
  const elapsed = () => (performance.now() - t0) / 1000;
  const limit = options.timeLimitSeconds ?? DEFAULT_TIME_LIMIT_SECONDS;
  const deadline = t0 + limit * 1000;
  const scenario = parseScenario(input);
  const warnings = [...validateScenario(scenario).warnings];
  const expanded = expandProblem(scenario);
  const base = options.base !== undefined ? locateBase(expanded, options.base) : undefined;
  const candidatesStart = performance.now();
  const candidateShifts = generateCandidates(expanded);
  const p = base ? withBase(expanded, base) : expanded;
  refuseUnbuildable(performance.now() - candidatesStart, elapsed(), limit, candidateShifts, tuning);
  const diagnosis = diagnoseAgents(p);
  warnings.push(...diagnosis.warnings);
  // Agents whose contract minimum is out of reach are solved without it: everyone else still gets a roster.
  const q = withoutUnreachableMinimums(p, diagnosis.unreachableMinimum);
  // The shift stage plans with each shift less its breaks' expected loss where templates have break rules (else
  // it is q itself). That model is no relaxation, so its LP and MIP bounds are not reported: only `coverageBound`.
  const stage = withExpectedBreakLoss(q);
  const stageBoundsValid = stage === q;
  const progress = (phase: SolveProgress['phase'], bestCost?: number, lowerBound?: number) =>
    options.onProgress?.({
      phase,
      ...(bestCost !== undefined ? { bestCost } : {}),
      ...(lowerBound !== undefined ? { lowerBound } : {}),
      ...(bestCost !== undefined && lowerBound !== undefined ? { gap: relativeGap(bestCost, lowerBound) } : {}),
      elapsedSeconds: elapsed(),
    });

  const onIncumbent = options.onIncumbent;
  const incumbent = onIncumbent
    ? (cost: number | undefined, shifts: (() => Shift[][]) | undefined) => {
        if (cost === undefined || !shifts) return;
        const copy = shifts();
        onIncumbent({ cost, roster: () => shiftsToRoster(p, copy) });
      }
    : undefined;

  const backend = options.backend ?? jslpBackend();
  // The model is built first: whether the backend will take it decides how long the heuristic may run.
  const built = buildRosterModel(stage, deadline, (done, of) =>
    tooLarge(`too large to build within the time limit: the model's build passed the ${limit} s limit with ${done} of ${of} rule modules built; give at least ${Math.ceil(elapsed() * (of / done) * 2)} s`),
  );
  const variables = built.lp.variables.length;
  const rows = built.lp.rows.length;
  const size = variables * Math.max(1, rows);
  const backendTakesIt = backend.maxModelSize === undefined || size <= backend.maxModelSize;
  const buildSeconds = elapsed();
  const coverageBound = coverageLowerBound(q);
  const bounds: NonNullable<SolveResult['bounds']> = coverageBound > 0 ? { coverage: coverageBound } : {};
  const share = backendTakesIt ? tuning.heuristicShare : 1;
  // Time kept back for decoding and evaluating, so the solve as a whole ends within its limit. Large models
  // get more: their final evaluation takes longer, and a window's worker may overrun its limit (HiGHS checks
  // it coarsely; the watchdog allows 2 s).
  const finishReserveMs =
    Math.min(tuning.finishReserveMaxMs, tuning.finishReserveBaseMs + limit * tuning.finishReservePerLimitSecondMs) +
    Math.min(limit * tuning.finishReserveColumnsCapPerLimitSecondMs, variables * tuning.finishReservePerColumnMs);
  // With break rules, the second stage's break MIPs get their share of the limit too (they end by the finish reserve).
  const reserveMs = finishReserveMs + (hasBreakRules(p.templates.values()) ? limit * tuning.secondStageShare * 1000 : 0);
  const strategy = options.strategy ?? 'auto';
  const directLimit = p.shiftDemand.length > 0 ? tuning.directMipMaxColumnsShiftLevel : tuning.directMipMaxColumns;
  const decompose = strategy === 'decompose' || (strategy === 'auto' && (!backendTakesIt || variables > directLimit) && p.agents.length > 0);
  if (decompose && !options.signal?.aborted) {
    let lastCost: number | undefined;
    let lastBound: number | undefined;
    const d = await solveByDecomposition(stage, built, backend, {
      deadline: deadline - reserveMs - tuning.decomposeMarginMs,
      seed: options.seed ?? 1,
      tuning,
      // Small models' builds are mostly fixed costs, which say little about the machine.
      machineSlowness: variables >= tuning.directMipMaxColumns ? Math.min(tuning.machineSlownessMax, Math.max(1, buildSeconds / (variables * tuning.buildSecondsPerColumn))) : 1,
      mipRelativeGap: options.mipRelativeGap ?? 1e-4,
      // Classes would share one agent's prices of change among agents with different bases (a base priced at
      // zero, a warm start, changes no cost and leaves the choice to the route).
      ...(base && pricesChange(base) && (options.relaxation ?? 'auto') === 'auto' ? { relaxation: 'agents' as const } : options.relaxation ? { relaxation: options.relaxation } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
      onImprove: (phase, cost, bound, shifts) => {
        incumbent?.(cost, shifts);
        if (cost !== undefined) lastCost = cost;
        if (bound !== undefined && stageBoundsValid) lastBound = Math.max(bound, coverageBound);
        progress(phase === 'heuristic' ? 'heuristic' : 'backend', lastCost, lastBound ?? (coverageBound > 0 ? coverageBound : undefined));
      },
    });
    const ev = evaluateShifts(stage, d.shifts);
    const bound = stageBoundsValid ? Math.max(coverageBound, d.bound ?? -Infinity) : coverageBound;
    if (stageBoundsValid) Object.assign(bounds, d.bounds);
    return finish({
      shifts: d.shifts,
      ev,
      bound,
      source: `decomposition on ${backend.name}`,
      lp: undefined,
      note: `decomposition: ${d.notes.join('; ')}`,
      heuristicCost: d.heuristicCost,
      solveStart: t0 + buildSeconds * 1000,
      provenBy: stageBoundsValid ? d.proof : undefined,
    });
  }
  const heuristic = runHeuristic(stage, {
    deadline: Math.min(deadline - reserveMs, performance.now() + Math.max(0.05, limit * share) * 1000),
    seed: options.seed ?? 1,
    ...(options.signal ? { signal: options.signal } : {}),
    // A re-plan starts from the base, so it ends no worse than the base (where the base keeps every hard rule).
    ...(q.stability ? { initial: q.stability.initial } : {}),
    onImprove: (cost, inf, shifts) => {
      if (inf > 0) return;
      incumbent?.(cost, shifts);
      progress('heuristic', cost);
    },
  });
  let best: { shifts: Shift[][]; source: string } = { shifts: heuristic.shifts, source: 'heuristic' };
  let bestEval = evaluateShifts(stage, best.shifts);
  let bound = coverageBound;
  let lp: LpSolution | undefined;
  let solveStart = performance.now();
  let backendNote: string | undefined;
  const remaining = (deadline - performance.now()) / 1000;
  if (options.signal?.aborted) backendNote = 'cancelled before the backend started';
  else if (!backendTakesIt) backendNote = `model of ${variables} columns × ${rows} rows is beyond ${backend.name}'s limit; roster from the heuristic`;
  else if (remaining < 0.05) backendNote = 'no time left for the backend';
  else {
    solveStart = performance.now();
    const whole = await solveWholeMip({
      q: stage,
      built,
      backend,
      tuning,
      heuristic,
      deadline: performance.now() + remaining * 1000 - reserveMs,
      seed: options.seed ?? 1,
      mipRelativeGap: options.mipRelativeGap ?? 1e-4,
      ...(options.relaxation ? { relaxation: options.relaxation } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onEvent ? { onEvent: options.onEvent } : {}),
      progress: (cost, lowerBound) => progress('backend', cost, lowerBound),
      ...(incumbent ? { incumbent } : {}),
    }, { ...best, ev: bestEval });
    lp = whole.lp;
    best = whole.best;
    bestEval = whole.best.ev;
    if (stageBoundsValid) {
      Object.assign(bounds, whole.bounds);
      bound = Math.max(bound, whole.bounds.mip ?? -Infinity, whole.bounds.lp ?? -Infinity);
    }
    backendNote = whole.note;
  }
  return finish({ shifts: best.shifts, ev: bestEval, bound, source: best.source, lp, note: backendNote, heuristicCost: heuristic.infeasibility === 0 ? heuristic.cost : undefined, solveStart });

  async function finish(r: { shifts: Shift[][]; ev: ReturnType<typeof evaluateShifts>; bound: number; source: string; lp: LpSolution | undefined; note: string | undefined; heuristicCost: number | undefined; solveStart: number; provenBy?: string | undefined }): Promise<SolveResult> {
    const { lp, bound } = r;
    // Second stage: breaks and lunches, activities and continuous-work resets placed in the shifts (the same
    // shifts when the scenario has none of them); every status, cost and evaluation below is of the roster with them.
    const second = await placeInsideShiftsWithin(p, r.shifts, {
      backend,
      deadline: deadline - finishReserveMs,
      minMsPerColumn: tuning.secondStageMinMsPerColumn,
      minSolveSeconds: tuning.secondStageMinSolveSeconds,
      callOverrunSeconds: tuning.secondStageCallOverrunSeconds,
      afterFactor: tuning.secondStageAfterFactor,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const shifts = second.shifts;
    const placed = shifts !== r.shifts;
    // The status reads the roster against the problem solved; the answer's evaluation is the scenario's own.
    const solvedEval = placed || !stageBoundsValid ? evaluateShifts(q, shifts) : r.ev;
    const bestEval = q === p ? solvedEval : evaluateShifts(p, shifts);
    const best = { shifts, source: r.source };
    const backendNote = r.note;
    const solveSeconds = (performance.now() - r.solveStart) / 1000;
    const cost = bestEval.costs.total;
    const feasible = solvedEval.violations.length === 0;
    let status: SolveStatus;
    let reason: string;
    // A bound of 0 under a positive cost says nothing: report the gap as unknown rather than 100 %.
    const gap = feasible && (bound > 0 || cost <= 1e-9) ? relativeGap(cost, bound) : undefined;
    if (lp?.status === 'infeasible' && !feasible) {
      status = 'infeasible';
      reason = `proven infeasible by ${backend.name}: no roster keeps every hard rule. ${explainViolations(bestEval.violations)}`;
    } else if (!feasible) {
      status = 'infeasible';
      reason = `no roster keeping every hard rule was found in ${round(elapsed())} s (not proven impossible). ${explainViolations(solvedEval.violations)}`;
    } else if (lp?.status === 'optimal' && best.source === backend.name && Math.abs((lp.objective ?? NaN) - cost) <= 1e-6 * Math.max(1, Math.abs(cost))) {
      status = 'optimal';
      reason = `optimal: ${backend.name} proved it${gap !== undefined && gap > 0 ? ` within a relative gap of ${round(gap * 100, 4)} %` : ''}`;
    } else if (r.provenBy !== undefined && gap !== undefined) {
      status = 'optimal';
      reason = `optimal: ${r.provenBy}${gap > 1e-9 ? ` (within a relative gap of ${round(gap * 100, 4)} %)` : ''}`;
    } else if (gap !== undefined && gap <= 1e-9) {
      status = 'optimal';
      reason = 'optimal: the cost equals a proven lower bound';
    } else {
      status = 'feasible';
      reason = `feasible roster from ${best.source === 'heuristic' ? 'the heuristic' : best.source}; ${bound > 0 ? `gap ${round((gap ?? 0) * 100, 2)} % to the lower bound ${round(bound)} (${describeBounds(bounds)})` : 'no useful lower bound is known, so the gap is unknown'}`;
      if (lp) reason += `; ${backend.name}: ${lp.status}${lp.message ? ` (${lp.message})` : ''}`;
      if (backendNote) reason += `; ${backendNote}`;
    }
    if (!stageBoundsValid && status !== 'infeasible')
      reason += `; the shift stage counted each shift less its breaks' expected loss, which is no relaxation, so the lower bound is ${bound > 0 ? 'the coverage bound alone' : 'unknown'}`;
    if (placed && status === 'optimal') {
      status = 'feasible'; // proven for the shifts; the breaks placed afterwards are not part of the proof
      reason = `feasible: ${reason}, for the shifts before their breaks were placed by the second stage (${second.stats.method === 'greedy' ? 'greedy' : `MIP on ${second.stats.daysByMip} of ${second.stats.days} days`})`;
    }
    if (q !== p && feasible) {
      // Only the agents diagnosed before solving break a rule: say so, and what the roster is for everyone else.
      const n = diagnosis.unreachableMinimum.size;
      reason = `no roster can keep every hard rule: ${n} agent${n === 1 ? '' : 's'} cannot reach their contract's minimum hours (${explainViolations(bestEval.violations)}). Solved without those minimums, the roster keeps every other hard rule for every agent; for that roster: ${reason}`;
      status = 'infeasible';
    }
    // A bound says something only where it is positive (or the cost is 0), and only of a feasible answer.
    const lowerBound = gap !== undefined && status !== 'infeasible' ? bound : null;
    progress('done', cost, lowerBound ?? undefined);
    return {
      status,
      reason,
      cost,
      lowerBound,
      ...(gap !== undefined && lowerBound !== null ? { gap } : {}),
      ...(lowerBound !== null && Object.keys(bounds).length > 0 ? { bounds } : {}),
      ...(q !== p ? { infeasibleAgents: [...diagnosis.unreachableMinimum].map((ai) => p.agents[ai]!.id) } : {}),
      roster: shiftsToRoster(p, best.shifts),
      ...(p.scenario.activities?.length ? { unplacedActivities: unplacedActivities(p, best.shifts) } : {}),
      ...(p.stability ? { changes: changesBetween(p, p.stability.shifts, best.shifts) } : {}),
      evaluation: bestEval,
      warnings,
      stats: {
        backend: backend.name,
        variables,
        rows,
        candidateShifts,
        buildSeconds,
        solveSeconds,
        totalSeconds: elapsed(),
        ...(lp ? { backendStatus: lp.status } : {}),
        ...(lp?.message || backendNote ? { backendMessage: [lp?.message, backendNote].filter(Boolean).join('; ') } : {}),
        ...(r.heuristicCost !== undefined ? { heuristicCost: r.heuristicCost } : {}),
        ...(lp?.objective !== undefined ? { backendObjective: lp.objective } : {}),
        secondStage: second.stats,
      },
    };
  }
}

/** Whether a base puts a price on any change (a base priced at zero only gives the search its start). */
function pricesChange(base: StabilityBase): boolean {
  return Object.values(base.changeCost).some((price) => price > 0);
}

/** The activity sessions the roster leaves unplaced, named (the `activities` rule's shortfall). */
function unplacedActivities(p: Problem, shifts: readonly (readonly Shift[])[]): NonNullable<SolveResult['unplacedActivities']> {
  return unplacedSessions(p, shifts).map((u) => ({
    activityId: u.need.activity.id,
    kind: u.need.activity.kind,
    hard: u.need.hard,
    agentIds: u.need.agents.map((i) => p.agents[i]!.id),
    sessions: u.missing,
    message: unplacedMessage(u),
  }));
}

/**
 * A scenario whose model clearly cannot be built within the limit is refused before the build starts, with
 * the forecast: the build takes a near-constant multiple of the candidate generation's time on any machine.
 */
function refuseUnbuildable(candidatesMs: number, elapsedSeconds: number, limit: number, candidates: number, tuning: Tuning): void {
  const forecast = (candidatesMs / 1000) * tuning.buildForecastPerCandidateTime;
  // One timing on a busy machine can be far off: refuse at once only a clear case, else the build's own check stops it.
  if (elapsedSeconds + forecast <= limit * tuning.buildRefusalFactor) return;
  tooLarge(`too large to build within the time limit: ${candidates} candidate shifts took ${round(elapsedSeconds)} s to prepare, and building their model is forecast at ${round(forecast)} s more on this machine; give at least ${Math.ceil((elapsedSeconds + forecast) * 2)} s`);
}

function tooLarge(message: string): never {
  throw new SolveOptionsError('time limit too short for this scenario', [{ path: '/timeLimitSeconds', message }]);
}

export function relativeGap(cost: number, bound: number): number {
  if (cost <= bound + 1e-9) return 0;
  return (cost - bound) / Math.max(Math.abs(cost), 1e-9);
}

const BOUND_NAMES: Record<keyof NonNullable<SolveResult['bounds']>, string> = {
  coverage: 'coverage alone',
  lp: 'LP relaxation',
  lpByWeek: 'weekly LP relaxations',
  classLp: 'class LP',
  mip: 'MIP bound',
};

/** "LP relaxation 3140; MIP bound 3142.5": every bound found, weakest first, so the reader sees which carried it. */
function describeBounds(bounds: NonNullable<SolveResult['bounds']>): string {
  return (Object.entries(bounds) as [keyof typeof BOUND_NAMES, number][])
    .sort((a, b) => a[1] - b[1])
    .map(([k, v]) => `${BOUND_NAMES[k]} ${round(v)}`)
    .join('; ');
}

function explainViolations(v: readonly { rule: string; agentId?: string; message: string }[]): string {
  const byAgent = new Map<string, Set<string>>();
  for (const f of v) {
    const key = f.agentId ?? '(roster)';
    byAgent.set(key, (byAgent.get(key) ?? new Set()).add(`${f.rule} (${f.message})`));
  }
  return [...byAgent].slice(0, 10).map(([agent, rules]) => `${agent}: ${[...rules].slice(0, 3).join('; ')}`).join(' | ');
}

function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export type { Problem };
