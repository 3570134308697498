/**
 * Which way a decomposition goes, decided once from what is known before the relaxation starts: the model's
 * size and shape, what the backend takes, the relaxation's forecast and the time. Pure: `chooseRoute` reads
 * only its arguments (tested as a table in test/route.test.ts); `routeFacts` gathers the facts from a model.
 */
import { agentClasses } from './class-bound.js';
import type { LpBackend } from '../lp/backend.js';
import type { Problem } from '../expand/problem.js';
import type { BuiltModel } from '../model/build.js';
import { DEFAULT_TUNING, type Tuning } from './tuning.js';

export interface RouteFacts {
  readonly columns: number;
  /** Known before the relaxation; no decision uses it yet. */
  readonly rows: number;
  readonly weeks: number;
  /** Demand per interval and skill (contact centres), not per shift type (Curtois–Qu). */
  readonly intervalDemand: boolean;
  /** The backend takes the whole model (no size limit, or the model is within it). */
  readonly backendTakesWhole: boolean;
  /** The backend has a size limit (small windows, see `Route.windows`). */
  readonly sizeLimited: boolean;
  /** The backend can switch presolve off (`LpBackend.presolveSwitch`). */
  readonly presolveSwitch: boolean;
  /** Forecast seconds of the per-agent relaxation on this machine (`predictedRelaxationSeconds` × slowness). */
  readonly relaxationSeconds: number;
  /** Seconds the decomposition has in all. */
  readonly totalSeconds: number;
  /** Agents, and the classes the class LP aggregates them into (class-bound.ts `agentClasses`). */
  readonly agents: number;
  readonly classes: number;
}

export interface RouteOptions {
  readonly relaxation?: 'auto' | 'agents' | 'classes';
}

export interface Route {
  /** Where the bound comes from: the per-agent LP whole or week by week, the class LP, or nowhere (backend too small). */
  readonly bound: 'agents' | 'agents-split' | 'classes' | 'none';
  /** The class LP, the per-agent LP over its plan's shifts and a restricted MIP run beside a lone per-agent LP. */
  readonly classChainBeside: boolean;
  /** The lone per-agent LP is solved with and without presolve at once; the runner-up's shifts are tried too. */
  readonly raceRelaxation: boolean;
  /** The first heuristic stops when the class LP's bound (and plan) is in. */
  readonly stopHeuristicAtBound: boolean;
  /** The heuristic's broken agents are re-planned on this thread before anything waits for the relaxation. */
  readonly repairBeforeRelaxation: boolean;
  /** A plan is coming (class route or class chain): re-planning agents on the backend waits until after it. */
  readonly repairAfterPlan: boolean;
  /** With a roster that keeps every rule, this thread waits for the relaxation instead of running heuristic rounds. */
  readonly waitForRelaxation: boolean;
  /**
   * Instead of waiting, improve the roster beside the relaxation (fix-and-optimise windows; local repair while
   * it breaks a rule): the relaxation is forecast, on this machine, to leave too little of the time after it.
   */
  readonly improveWhileRelaxing: boolean;
  /** A per-agent relaxation still running late in the limit gets the class LP's bound beside it. */
  readonly lateClassBound: boolean;
  /** Restricted MIP and reduced-cost fixing right after the relaxation (else rounding first). */
  readonly lpFirst: boolean;
  /** Shift-type models: the restricted MIP after rounding. */
  readonly restrictedAfterRounding: boolean;
  /** The restricted MIP also opens each kept shift's neighbours. */
  readonly restrictedNeighbours: boolean;
  /** Window sizes: a size-limited backend's, a huge model's, or the usual. */
  readonly windows: 'small' | 'huge' | 'normal';
  /** The MIPs may run the backend's symmetry search. */
  readonly symmetrySearch: boolean;
}

/**
 * A rough forecast of the relaxation's wall time on HiGHS (WebAssembly, one thread) on the reference machine:
 * `relaxationForecastSeconds` for one LP of `relaxationForecastColumns` columns, growing as the ratio to the
 * power `relaxationForecastExponent`; weekly LPs run two at a time. Used to skip relaxations that would
 * clearly not finish.
 */
export function predictedRelaxationSeconds(columns: number, weeks: number, tuning: Tuning = DEFAULT_TUNING): number {
  const split = columns > tuning.splitRelaxationColumns && weeks >= 2;
  const perPart = split ? columns / weeks : columns;
  const rounds = split ? Math.ceil(weeks / 2) : 1;
  return rounds * tuning.relaxationForecastSeconds * Math.pow(perPart / tuning.relaxationForecastColumns, tuning.relaxationForecastExponent);
}

/**
 * The facts of `built` on `backend` with `totalSeconds` to go. Shift-type models keep the unscaled forecast
 * their results were measured with; interval-demand ones scale it by the machine's measured slowness.
 */
export function routeFacts(p: Problem, built: BuiltModel, backend: LpBackend, totalSeconds: number, tuning: Tuning, machineSlowness = 1): RouteFacts {
  const lp = built.lp;
  const intervalDemand = p.shiftDemand.length === 0;
  const size = lp.variables.length * Math.max(1, lp.rows.length);
  return {
    columns: lp.variables.length,
    rows: lp.rows.length,
    weeks: p.weeks.length,
    intervalDemand,
    backendTakesWhole: backend.maxModelSize === undefined || size <= backend.maxModelSize,
    sizeLimited: backend.maxModelSize !== undefined,
    presolveSwitch: backend.presolveSwitch === true,
    relaxationSeconds: predictedRelaxationSeconds(lp.variables.length, p.weeks.length, tuning) * (intervalDemand ? Math.max(1, machineSlowness) : 1),
    totalSeconds,
    agents: p.agents.length,
    classes: new Set(agentClasses(p)).size,
  };
}

/** Today's route for `facts`: the decisions the decomposition once made with its boolean flags, made once. */
export function chooseRoute(facts: RouteFacts, tuning: Tuning = DEFAULT_TUNING, options: RouteOptions = {}): Route {
  const { columns, intervalDemand, backendTakesWhole, relaxationSeconds, totalSeconds } = facts;
  const relaxation = options.relaxation ?? 'auto';
  const loneLp = columns <= tuning.splitRelaxationColumns || facts.weeks < 2;
  // A lone LP with demand per interval (M) has the class chain beside it instead of the class route.
  const loneIntervalLp = intervalDemand && loneLp;
  // A split relaxation that would take most of the time leaves the roster none: the class route instead.
  const tooSlow = intervalDemand && !loneIntervalLp && relaxationSeconds > tuning.slowRelaxationShare * totalSeconds;
  // A relaxation that cannot finish goes the class route, where classes make the LP smaller: a class LP nearly
  // as large as the per-agent one would not finish either, and the per-agent route repairs the roster first.
  const aggregates = facts.classes <= tuning.classRouteMaxClassShare * facts.agents;
  const hopeless = relaxationSeconds > tuning.hopelessRelaxationFactor * totalSeconds && aggregates;
  const classRoute = relaxation === 'classes' || (relaxation !== 'agents' && (hopeless || tooSlow));
  const classChainBeside = backendTakesWhole && !classRoute && loneIntervalLp && relaxation === 'auto';
  const bound = !backendTakesWhole ? 'none' : classRoute ? 'classes' : loneLp ? 'agents' : 'agents-split';
  const waitForRelaxation = intervalDemand && !classRoute;
  const improveWhileRelaxing = waitForRelaxation && relaxationSeconds > tuning.improveBesideRelaxationShare * totalSeconds;
  const huge = columns > tuning.hugeModelColumns;
  return {
    bound,
    classChainBeside,
    raceRelaxation: bound === 'agents' && intervalDemand && !classChainBeside && facts.presolveSwitch,
    stopHeuristicAtBound: bound === 'classes',
    repairBeforeRelaxation: !classRoute,
    repairAfterPlan: bound === 'classes' || classChainBeside,
    waitForRelaxation,
    improveWhileRelaxing,
    lateClassBound: waitForRelaxation && !classChainBeside,
    lpFirst: intervalDemand,
    restrictedAfterRounding: !intervalDemand && columns <= tuning.shiftLevelRestrictedMaxColumns,
    restrictedNeighbours: columns <= tuning.restrictedNeighboursMaxColumns,
    windows: facts.sizeLimited ? 'small' : huge ? 'huge' : 'normal',
    symmetrySearch: !(intervalDemand && huge),
  };
}
