/**
 * Every threshold and time share a solve uses, in one place: its name, what it means and its default.
 * `SolveOptions.tuning` overrides any of them for one solve; unknown names and values outside their range
 * are refused with the field named (`resolveTuning`). What each default was chosen from is recorded,
 * dated, in benchmarks/results/tuning.md, not here.
 *
 * Time shares are fractions: of the whole solve's time (`total`) or of what is left when the step starts
 * (`left`), as each entry says.
 */
import { SolveOptionsError, type InputIssue } from '../schema/errors.js';

interface Entry {
  readonly default: number;
  readonly min: number;
  readonly max: number;
  readonly meaning: string;
}

const share = (value: number, meaning: string): Entry => ({ default: value, min: 0, max: 1, meaning });
const count = (value: number, meaning: string): Entry => ({ default: value, min: 0, max: Number.MAX_SAFE_INTEGER, meaning });
const positive = (value: number, meaning: string): Entry => ({ default: value, min: 0, max: Number.MAX_VALUE, meaning });

export const TUNING = {
  // The route: which path a model takes.
  directMipMaxColumns: count(20_000, 'interval-demand models of up to this many columns go to the backend whole (strategy auto)'),
  directMipMaxColumnsShiftLevel: count(1_400, 'the same for shift-type models, whose runs-of-days rules make the whole MIP harder'),
  splitRelaxationColumns: count(60_000, 'models of more columns over two weeks or more are relaxed week by week'),
  hugeModelColumns: count(500_000, 'models of more columns start with large windows over days and skip the MIP symmetry search'),
  priceAndFixMaxColumns: count(40_000, 'reduced-cost fixing hands the columns left to the backend as one MIP up to this many'),
  restrictedNeighboursMaxColumns: count(20_000, "up to this many columns, the restricted MIP also opens each kept shift's neighbours"),
  shiftLevelRestrictedMaxColumns: count(20_000, 'shift-type models run the restricted MIP after rounding only up to this many columns'),
  // The relaxation's forecast, and when it is skipped for the class route.
  relaxationForecastSeconds: positive(3, 'forecast seconds of one LP relaxation of relaxationForecastColumns columns on the reference machine'),
  relaxationForecastColumns: positive(37_000, 'columns of the forecast reference LP'),
  relaxationForecastExponent: positive(2.3, 'forecast time grows as (columns / reference) to this power'),
  buildForecastPerCandidateTime: positive(4, 'the model build is forecast to take this many times as long as generating the candidate shifts took'),
  buildRefusalFactor: positive(3, 'a solve whose preparation and forecast build exceed this many times its limit is refused at once; one that passes its limit while building is refused then'),
  buildSecondsPerColumn: positive(9e-6, "the model build's seconds per column on the reference machine: the build measures this machine's slowness"),
  machineSlownessMax: positive(4, 'the measured slowness is capped at this factor'),
  slowRelaxationShare: share(0.4, 'a split per-agent relaxation forecast to take more than this share of total goes the class route'),
  hopelessRelaxationFactor: positive(1, 'a per-agent relaxation forecast (on this machine) to take more than this many times total goes the class route: one that cannot finish only takes a core from the roster'),
  classRouteMaxClassShare: share(0.5, 'that class route only where the agent classes are at most this share of the agents (else its LP is barely smaller)'),
  improveBesideRelaxationShare: share(0.45, 'a per-agent relaxation forecast to take more than this share of total has windows (and local repair) improve the roster beside it instead of a wait'),
  lateRelaxationShare: share(0.85, 'a per-agent relaxation still running after this share of total gets the class LP bound beside it'),
  // Time shares of the phases.
  heuristicShare: share(0.2, 'share of the limit the heuristic may use before a direct MIP'),
  decomposeHeuristicShare: share(0.15, 'share of total the first heuristic may use in a decomposition'),
  replanHeuristicShare: share(0.3, "the same for a re-plan that prices change: its exchanges of one agent's change for another's come after a pass over every agent-day"),
  classLpMarginSeconds: positive(0.2, 'seconds the class LP (and the per-agent relaxation) leave free before the deadline'),
  lateClassLpMarginSeconds: positive(0.1, 'the same for the class LP started late beside an unfinished per-agent relaxation'),
  repairShare: share(0.15, 'share of total the local repair of broken agents may use at a time'),
  repairTurnShare: share(0.03, 'share of total one turn of local repair takes beside the relaxation, between looks at it'),
  repairAfterFollowShare: share(0.05, 'the same, for the repairs before and after following a plan'),
  agentPlanShare: share(0.5, "share of left the per-agent LP over the class plan's shifts may take, all weeks together"),
  restrictedShareOfLeft: share(0.8, 'the restricted MIP takes at most this share of left…'),
  restrictedShareOfTotal: share(0.35, '…and at most this share of total'),
  chainRepairShare: share(0.4, 'beside the class chain, broken agents wait for its MIP while more than this share of total is left'),
  chainRestrictedShareWhileBroken: share(0.6, "the class chain's restricted MIP takes this share of left while the roster breaks a rule"),
  besideNarrowShare: share(0.5, "beside a whole MIP, the share of what is left the restricted MIP over the relaxation's and the roster's own shifts takes before the one that also opens their neighbours"),
  followPlanShare: share(0.75, 'share of left the chunks following a plan may take; the windows get the rest'),
  followAgentPlanGap: positive(1e-3, "relative MIP gap of the chunks following a per-agent plan"),
  roundingRepairShare: share(0.15, 'share of total the local search may spend repairing a rounded relaxation'),
  agentWindowMinSeconds: positive(5, 'a broken agent re-planned alone on the backend gets at least this many seconds (within what is left)'),
  agentWindowGap: positive(0.02, 'relative MIP gap of an agent re-planned alone'),
  // Fix-and-optimise windows.
  windowShare: share(0.08, 'share of total one window may take (at least a second)'),
  smallBackendWindowSeconds: positive(3, 'seconds of one window on a size-limited backend'),
  windowColumnsStart: count(800, 'columns of the first window'),
  hugeWindowColumnsStart: count(8_000, 'columns of the first window of a huge model'),
  smallBackendWindowColumnsStart: count(60, 'columns of the first window on a size-limited backend'),
  windowColumnsMin: count(10, 'windows never shrink below this many columns'),
  windowColumnsMax: count(60_000, 'windows never grow above this many columns'),
  smallBackendWindowColumnsMax: count(2_000, 'the same on a size-limited backend'),
  windowGrowth: positive(1.3, 'a window proved optimal within windowFastShare of its time makes the next this much larger'),
  windowShrink: share(0.6, 'a window not proved optimal (or too large for the backend) makes the next this much smaller'),
  windowFastShare: share(0.25, 'a window proved within this share of its time is fast'),
  // What is kept back for decoding and evaluating, so the whole solve ends within its limit.
  finishReserveBaseMs: positive(50, 'milliseconds kept back at any size…'),
  finishReservePerLimitSecondMs: positive(20, '…plus this many per second of the limit…'),
  finishReserveMaxMs: positive(1000, '…at most this many in all for those two…'),
  finishReservePerColumnMs: positive(0.002, '…plus this many per model column…'),
  finishReserveColumnsCapPerLimitSecondMs: positive(10, '…at most this many per second of the limit for the columns part'),
  // The second stage (breaks placed per day by MIP).
  secondStageShare: share(0.12, "share of total kept back from the shift stage, where templates have break rules, for the second stage's per-day break MIPs"),
  secondStageMinSolveSeconds: positive(1.5, "seconds one backend call of the second stage should get (a fresh solver's start and a small model): where the time holds fewer calls than days, consecutive days share one model (all days one, when it holds none)"),
  secondStageCallOverrunSeconds: positive(0.15, "seconds a backend call of the second stage is expected to overrun its limit until one overrun is measured; later calls leave room for the largest seen"),
  secondStageAfterFactor: positive(5, "the steps after the break MIPs (the evaluator's choice, activities, resets) are given this many times the greedy break placement's time"),
  secondStageMinMsPerColumn: positive(0.02, "a day's break MIP is left to the greedy when the time it may take, per column of its model, is below this many milliseconds"),
  decomposeMarginMs: positive(300, 'milliseconds a decomposition leaves free before its deadline'),
  backendMarginSeconds: positive(0.3, 'seconds a direct MIP leaves free before the deadline'),
} as const satisfies Record<string, Entry>;

export type TuningName = keyof typeof TUNING;
export type Tuning = { readonly [K in TuningName]: number };
export type TuningOverrides = { readonly [K in TuningName]?: number };

export const DEFAULT_TUNING: Tuning = Object.freeze(
  Object.fromEntries(Object.entries(TUNING).map(([name, entry]) => [name, entry.default])) as Tuning,
);

/** The defaults with `overrides` applied; throws FlexrosterInputError naming every unknown name or bad value. */
export function resolveTuning(overrides: unknown, path = '/tuning'): Tuning {
  if (overrides === undefined) return DEFAULT_TUNING;
  if (typeof overrides !== 'object' || overrides === null || Array.isArray(overrides))
    throw new SolveOptionsError('invalid solve options', [{ path, message: 'must be an object of tuning values' }]);
  const issues: InputIssue[] = [];
  const out: Record<string, number> = { ...DEFAULT_TUNING };
  for (const [name, value] of Object.entries(overrides)) {
    const entry = Object.hasOwn(TUNING, name) ? (TUNING as Record<string, Entry>)[name] : undefined;
    if (!entry) {
      issues.push({ path: `${path}/${name}`, message: `unknown tuning value (known: ${Object.keys(TUNING).join(', ')})` });
      continue;
    }
    if (typeof value !== 'number' || !Number.isFinite(value) || value < entry.min || value > entry.max) {
      issues.push({ path: `${path}/${name}`, message: `must be a number from ${entry.min} to ${entry.max === Number.MAX_SAFE_INTEGER || entry.max === Number.MAX_VALUE ? 'any size' : entry.max} (got ${JSON.stringify(value)})` });
      continue;
    }
    out[name] = value;
  }
  if (issues.length > 0) throw new SolveOptionsError('invalid solve options', issues);
  return Object.freeze(out as Tuning);
}
