/** Messages between the solve pool (main thread) and a solve worker. */
import type { Evaluation, InputIssue, Problem, ReplanBase, Roster, RosterChange, SolveProgress, SolveResult, SwapCandidate, SwapCheck, SwapCycle, SwapPolicy, SwapWish, ValidationReport } from '@flexroster/core';
import type { ReportData } from '@flexroster/report';
import type { BackendName } from '../backends.js';
import type { ComputedOffer, Need, OfferKind } from '../offers.js';

export interface SolveTask {
  readonly timeLimitSeconds: number;
  readonly backend: BackendName;
  /** Share of the limit the heuristic may use (core default 0.2); tests raise it to keep a solve busy. */
  readonly heuristicShare?: number;
  readonly seed?: number;
  /** A minimal-change solve against this base (core `SolveOptions.base`): the re-plan of a stored schedule. */
  readonly base?: ReplanBase;
  /**
   * A retried job's best roster from an earlier attempt (its checkpoint): the search starts from it, and the
   * result is never worse than it (see warm-start.ts). Not with `base`, which a re-plan starts from.
   */
  readonly start?: SolveCheckpoint;
}

/** What a solve's search started from: nothing of an earlier attempt (a re-plan's base counts so), or its checkpoint (`SolveTask.start`). */
export type StartedFrom = 'scratch' | 'checkpoint';

export type ToWorker =
  | {
      readonly type: 'solve';
      readonly jobId: string;
      readonly scenario: unknown;
      readonly task: SolveTask;
      /**
       * One Int32 the main thread sets to 1 on cancel. The heuristic is synchronous, so a posted 'cancel'
       * message would only be read after it finished; a shared flag is seen at its next check.
       */
      readonly cancelFlag: SharedArrayBuffer;
      /** Post 'checkpoint' messages (a job's solve; a synchronous solve needs none). */
      readonly checkpoint?: boolean;
    }
  | { readonly type: 'cancel'; readonly jobId: string };

/** A solve's best roster keeping every hard rule so far, and its cost. */
export interface SolveCheckpoint {
  readonly cost: number;
  readonly roster: Roster;
}

/** An error crossing the thread boundary: class name, message, and the input issues of core input errors. */
export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly issues?: readonly InputIssue[];
}

export type FromWorker =
  /** Modules loaded: the worker takes solves from now on (start-up does not count against a time limit). */
  | { readonly type: 'ready' }
  | { readonly type: 'progress'; readonly jobId: string; readonly progress: SolveProgress }
  /** Posted once a solve starts, before its first progress; again if a `start` roster was refused (`scratch`). */
  | { readonly type: 'started'; readonly jobId: string; readonly from: StartedFrom }
  /** The best roster so far, at most every CHECKPOINT_INTERVAL_MS (solve-worker.ts). */
  | { readonly type: 'checkpoint'; readonly jobId: string; readonly checkpoint: SolveCheckpoint }
  | { readonly type: 'result'; readonly jobId: string; readonly result: SolveResult }
  | { readonly type: 'error'; readonly jobId: string; readonly error: SerializedError };

/**
 * Scenario work other than solving, done on a compute worker so that no request's expansion, evaluation
 * or swap check runs on the event loop. Each kind names its answer in `ComputeResults`.
 */
export type ComputeTask =
  | { readonly kind: 'validate'; readonly scenario: unknown }
  /** The expanded scenario itself (plain data: maps and typed arrays survive the copy), for the stored-workflow routes' cache. */
  | { readonly kind: 'expand'; readonly scenario: unknown }
  | { readonly kind: 'evaluate'; readonly scenario: unknown; readonly roster: unknown; /** Prefix of roster paths in errors (default /roster/assignments). */ readonly rosterPath?: string }
  | { readonly kind: 'swap-check'; readonly scenario: unknown; readonly roster: unknown; readonly swap: unknown; readonly policy: unknown }
  | { readonly kind: 'swap-candidates'; readonly scenario: unknown; readonly roster: unknown; readonly agentId: string; readonly shift: unknown; readonly policy: unknown }
  /** A stored schedule's report data (evaluation, coverage, Gantt, fairness), for the planner page. */
  | { readonly kind: 'report'; readonly scenario: unknown; readonly roster: unknown; readonly title: string }
  /** The shifts changed from roster `a` to roster `b` of one scenario (two versions of a stored schedule). */
  | { readonly kind: 'changes'; readonly scenario: unknown; readonly a: unknown; readonly b: unknown }
  /** VTO and overtime offers from a stored schedule's coverage, cheapest first (offers.ts). */
  | { readonly kind: 'offers'; readonly scenario: unknown; readonly roster: unknown; readonly policy: unknown; readonly kinds: readonly OfferKind[]; readonly limit: number }
  /** The allowed cycles among swap wishes on a roster (core findSwapCyclesOn); wishes whose shift is not held are left out, with their issues. */
  | { readonly kind: 'swap-cycles'; readonly scenario: unknown; readonly roster: unknown; readonly wishes: readonly SwapWish[]; readonly policy: SwapPolicy; readonly answer: SwapCyclesAnswer }
  /** One cycle judged again (core checkSwapCycleOn) and, when allowed, the roster with it applied. */
  | { readonly kind: 'swap-cycle-apply'; readonly scenario: unknown; readonly roster: unknown; readonly cycle: readonly SwapWish[]; readonly policy: SwapPolicy };

/**
 * What a cycle search answers with. Thousands of cycles would take the main thread long to copy in as
 * objects, so a list comes back as one JSON text (copied as a string), ready to be sent.
 */
export type SwapCyclesAnswer =
  /** The cycles, cheapest first, as JSON text (the first `limit`); with `agentId`, only the cycles that agent is in. */
  | { readonly as: 'json'; readonly agentId?: string; readonly limit?: number }
  /** Only the cheapest cycle through wish `wishId` (a new wish under auto-approval). */
  | { readonly as: 'cheapest-through'; readonly wishId: string };

/** Swap cycles found; `stale` are the wishes left out (index in the wishes sent) and why, paths `/wishes/i/…`. */
export interface SwapCyclesResult {
  /** Answer `json`: the cycles (a JSON array), and how many there are before the limit. */
  readonly json?: string;
  readonly total?: number;
  /** Answer `cheapest-through`: that cycle, if any. */
  readonly cheapest?: SwapCycle;
  readonly truncated: boolean;
  readonly stale: readonly { readonly index: number; readonly issues: readonly InputIssue[] }[];
}

/** A cycle re-judged: `stale` when a wish's shift is no longer its agent's; else the check, and the roster after it when allowed. */
export type SwapCycleApplyResult =
  | { readonly status: 'stale'; readonly issues: readonly InputIssue[] }
  | { readonly status: 'judged'; readonly check: SwapCheck & { cycle?: SwapCycle }; readonly roster?: Roster };

export interface ComputeResults {
  /** The validation report (guard issues first: with any, the core's validation is not run), and the scenario's build units. */
  readonly validate: { readonly report: ValidationReport; readonly buildUnits: number };
  readonly expand: Problem;
  readonly evaluate: Evaluation;
  readonly 'swap-check': SwapCheck;
  readonly 'swap-candidates': SwapCandidate[];
  readonly report: ReportData;
  readonly changes: RosterChange[];
  readonly offers: { readonly needs: Need[]; readonly offers: ComputedOffer[] };
  readonly 'swap-cycles': SwapCyclesResult;
  readonly 'swap-cycle-apply': SwapCycleApplyResult;
}

export type ToComputeWorker = { readonly type: 'compute'; readonly id: number; readonly task: ComputeTask };

export type FromComputeWorker =
  /** Modules loaded; `buildRate` is the build units per second this worker measured on a reference scenario. */
  | { readonly type: 'ready'; readonly buildRate: number }
  | { readonly type: 'done'; readonly id: number; readonly value: unknown }
  | { readonly type: 'error'; readonly id: number; readonly error: SerializedError };
