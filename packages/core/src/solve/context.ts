/**
 * What the phases of a decomposition share: the problem and its model, the backend, the tuning and the route,
 * one budget (`left()`, `stopped()`, one abort signal for every backend call), the incumbent roster, the best
 * bound (raised only, never replaced by a weaker one), the relaxation as it arrives, the notes of the result's
 * reason and the events, and the windows' counters. Phases (phases/*.ts) read and change it; nothing else is
 * shared between them.
 */
import type { LpBackend, LpSolution } from '../lp/backend.js';
import { columnIndex, type ColumnIndex } from '../lp/window.js';
import type { LpModel } from '../lp/model.js';
import type { AgentAggregation } from '../lp/aggregate.js';
import type { Problem, Shift } from '../expand/problem.js';
import type { BuiltModel } from '../model/build.js';
import { RosterSearch, rng } from './heuristic.js';
import { DEFAULT_TUNING, type Tuning } from './tuning.js';
import type { SolveEvent, SolveStep } from './events.js';
import type { Route } from './route.js';

export interface DecomposeOptions {
  /** `performance.now()` value by which everything must be done (decoding reserve already deducted). */
  readonly deadline: number;
  readonly seed: number;
  /** Thresholds and time shares (solve/tuning.ts; default DEFAULT_TUNING). */
  readonly tuning?: Tuning;
  readonly signal?: AbortSignal;
  /** `shifts()` copies the standing roster (call it within the callback); given with a cost only. */
  readonly onImprove?: (phase: 'heuristic' | 'relaxation' | 'lns', cost: number | undefined, bound: number | undefined, shifts?: () => Shift[][]) => void;
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

/** A roster under improvement with the standing it is judged by: hard-rule shortfall first, then cost. */
export interface Incumbent {
  readonly search: RosterSearch;
  cost: number;
  inf: number;
}

export function incumbent(search: RosterSearch): Incumbent {
  return { search, cost: search.totalCost(), inf: search.totalInfeasibility() };
}

/** The class LP's (fractional) plan: per class column, how much of it the classes' agents work. */
export interface ClassPlan {
  readonly aggregation: AgentAggregation;
  readonly values: Float64Array;
}

/**
 * Where a lower bound came from: the per-agent LP relaxation (`lp`, or `lpByWeek` when solved week by week
 * with the rows linking weeks dropped), the LP over agent classes (`classLp`), or a MIP's bound over the
 * reduced-cost-fixed model (`mip`). Each is a valid bound on its own; the strongest is the solve's.
 */
export type BoundSource = 'lp' | 'lpByWeek' | 'classLp' | 'mip';

export const WITHIN_GAP_PROOF = "the roster's cost is within the MIP gap of the LP relaxation's bound";

export class SolveContext {
  readonly tuning: Tuning;
  readonly lp: LpModel;
  /** `performance.now()` when the decomposition started; `total` its seconds in all. */
  readonly start = performance.now();
  readonly total: number;
  readonly deadline: number;
  readonly seed: number;
  readonly mipGap: number;
  /** The result's reason, note by note. */
  readonly notes: string[] = [];
  /** Called as `trace?.(…)`: without a listener the message is never built. */
  readonly trace: ((step: SolveStep, message: string) => void) | undefined;
  readonly random: () => number;

  /** Set once the first roster is made (phases/start-roster.ts). */
  #main: Incumbent | undefined;
  #bound: number | undefined;
  /** The strongest bound each source gave (`raiseBound`). */
  readonly bounds: Partial<Record<BoundSource, number>> = {};
  /** The per-agent relaxation (or the class LP's objective, without values, on the class route) once in. */
  relaxation: LpSolution | undefined;
  relaxationDone = false;
  /** The other way of solving the raced relaxation, still running when the first answered. */
  runnerUp: Promise<LpSolution> | undefined;
  /** The class LP's plan on the class route. */
  classPlan: ClassPlan | undefined;
  heuristicCost: number | undefined;
  /** How the roster was proved optimal (within the MIP gap), when it was. */
  proof: string | undefined;
  /** Backend windows solved, and how many improved the roster; agents re-planned alone. */
  windows = 0;
  improving = 0;
  replanned = 0;
  /** Columns a window aims at (phases/windows.ts), and the windows' round. */
  windowColumns: number;
  windowRound = 0;
  /** Whether the roster came from following a plan, and per agent the candidates a followed per-agent plan uses. */
  followed = false;
  planSupport: number[][] | undefined;
  #index: { decision: Uint8Array; index: ColumnIndex } | undefined;
  /** Position of each candidate shift in its agent's list, built once per agent on first use (not per window). */
  readonly #candidatePositions: (Map<Shift, number> | undefined)[] = [];

  constructor(
    readonly p: Problem,
    readonly built: BuiltModel,
    readonly backend: LpBackend,
    readonly route: Route,
    readonly options: DecomposeOptions,
    /** One signal for every backend call: the caller's, or the deadline. */
    readonly signal: AbortSignal,
  ) {
    this.tuning = options.tuning ?? DEFAULT_TUNING;
    this.lp = built.lp;
    this.deadline = options.deadline;
    this.total = Math.max(0.05, (options.deadline - this.start) / 1000);
    this.seed = options.seed;
    this.mipGap = options.mipRelativeGap ?? 1e-4;
    const onEvent = options.onEvent;
    this.trace = onEvent ? (step, message) => onEvent({ step, message, elapsedSeconds: (performance.now() - this.start) / 1000 }) : undefined;
    this.random = rng(options.seed * 7 + 3);
    const t = this.tuning;
    this.windowColumns = route.windows === 'small' ? t.smallBackendWindowColumnsStart : route.windows === 'huge' ? t.hugeWindowColumnsStart : t.windowColumnsStart;
  }

  /** Seconds left before the deadline. */
  left(): number {
    return (this.deadline - performance.now()) / 1000;
  }

  stopped(): boolean {
    return this.signal.aborted || this.left() <= 0.05;
  }

  /** Seconds since the start. */
  elapsed(): number {
    return this.total - this.left();
  }

  /** A note for the result's reason, told as an event too. */
  note(step: SolveStep, message: string): void {
    this.notes.push(message);
    this.trace?.(step, message);
  }

  get main(): Incumbent {
    if (!this.#main) throw new Error('no roster yet');
    return this.#main;
  }

  set main(value: Incumbent) {
    this.#main = value;
  }

  get bound(): number | undefined {
    return this.#bound;
  }

  /** Records `value` from `source`, and takes it as the bound if it is stronger than the one standing; returns whether it was. */
  raiseBound(value: number, source: BoundSource): boolean {
    if (Number.isNaN(value)) return false;
    this.bounds[source] = Math.max(this.bounds[source] ?? -Infinity, value);
    if (this.#bound !== undefined && value <= this.#bound) return false;
    this.#bound = value;
    return true;
  }

  /** Tells the caller the standing roster (when it keeps every rule) and bound. */
  report(phase: 'heuristic' | 'relaxation' | 'lns'): void {
    const main = this.main;
    if (main.inf === 0) this.options.onImprove?.(phase, main.cost, this.#bound, () => main.search.shifts());
    else this.options.onImprove?.(phase, undefined, this.#bound);
  }

  /** The incumbent keeps every hard rule and is within the MIP gap of the bound: nothing left to gain. */
  closeEnough(): boolean {
    return this.#bound !== undefined && this.main.inf === 0 && this.main.cost - this.#bound <= this.mipGap * Math.max(1e-9, Math.abs(this.main.cost)) + 1e-9;
  }

  /** Builds the column index the windows use (once, at the point of the solve where its time is spent). */
  indexModel(): void {
    const decision = new Uint8Array(this.lp.variables.length);
    for (const cols of this.built.model.columns) for (const j of cols) decision[j] = 1;
    this.#index = { decision, index: columnIndex(this.lp) };
  }

  /** 1 on the shift columns. */
  get decision(): Uint8Array {
    if (!this.#index) throw new Error('model not indexed');
    return this.#index.decision;
  }

  get index(): ColumnIndex {
    if (!this.#index) throw new Error('model not indexed');
    return this.#index.index;
  }

  /** Candidate indices of agent `ai`'s shifts in `target`'s roster. */
  rosterCandidates(target: Incumbent, ai: number): number[] {
    const pos = (this.#candidatePositions[ai] ??= new Map(this.p.agents[ai]!.candidates.map((s, i) => [s, i])));
    return target.search.state[ai]!.shifts.flatMap((s) => pos.get(s) ?? []);
  }

  /** 1 on the shift columns of `target`'s roster. */
  rosterColumns(target: Incumbent): Uint8Array {
    const inRoster = new Uint8Array(this.lp.variables.length);
    target.search.state.forEach((_, ai) => {
      const cols = this.built.model.columns[ai]!;
      for (const i of this.rosterCandidates(target, ai)) inRoster[cols[i]!] = 1;
    });
    return inRoster;
  }

  /** Replaces the given agents' shifts in `target` if its roster gets no worse; returns whether it got better. */
  tryShifts(changes: Map<number, Shift[]>, target: Incumbent = this.main): boolean {
    const saved = new Map<number, Shift[]>();
    for (const [ai, shifts] of changes) {
      saved.set(ai, target.search.state[ai]!.shifts);
      target.search.setShifts(ai, shifts);
    }
    return this.keepIfNotWorse(target, { cost: target.cost, inf: target.inf }, () => {
      for (const [ai, shifts] of saved) target.search.setShifts(ai, shifts);
    });
  }

  /**
   * Keeps `target`'s roster as it now stands if it is no worse than `before`, else calls `restore`; returns
   * whether it got better.
   */
  keepIfNotWorse(target: Incumbent, before: { cost: number; inf: number }, restore: () => void): boolean {
    const cost = target.search.totalCost();
    const inf = target.search.totalInfeasibility();
    if (inf < before.inf - 1e-9 || (Math.abs(inf - before.inf) <= 1e-9 && cost <= before.cost + 1e-9)) {
      const better = inf < before.inf - 1e-9 || cost < before.cost - 1e-9;
      target.cost = cost;
      target.inf = inf;
      if (better && inf === 0 && target === this.#main) this.options.onImprove?.('lns', cost, this.#bound, () => target.search.shifts());
      return better;
    }
    restore();
    target.cost = before.cost;
    target.inf = before.inf;
    return false;
  }
}

export function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
