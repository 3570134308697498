/** Messages between the solve pool (main thread) and a solve worker. */
import type { InputIssue, SolveProgress, SolveResult } from '@flexroster/core';
import type { BackendName } from '../backends.js';

export interface SolveTask {
  readonly timeLimitSeconds: number;
  readonly backend: BackendName;
  /** Share of the limit the heuristic may use (core default 0.2); tests raise it to keep a solve busy. */
  readonly heuristicShare?: number;
  readonly seed?: number;
}

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
    }
  | { readonly type: 'cancel'; readonly jobId: string };

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
  | { readonly type: 'result'; readonly jobId: string; readonly result: SolveResult }
  | { readonly type: 'error'; readonly jobId: string; readonly error: SerializedError };
