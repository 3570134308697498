/**
 * A bounded pool of solve workers. At most `size` solves run at once, at most `maxQueue` wait behind
 * them, and anything beyond is refused at once (the API answers 503) rather than piling up in memory.
 * Every solve has a watchdog: a worker still busy `graceSeconds` after its time limit (or after a
 * cancel) is terminated and replaced, because a synchronous solver cannot be interrupted any other way.
 */
import { Worker } from 'node:worker_threads';
import { FlexrosterInputError, RosterInputError, ScenarioValidationError, SolveOptionsError, type SolveProgress, type SolveResult } from '@flexroster/core';
import type { FromWorker, SerializedError, SolveCheckpoint, SolveTask, StartedFrom, ToWorker } from './protocol.js';

export interface SolvePoolOptions {
  /** Solves that run at the same time, one worker thread each. */
  readonly size: number;
  /** Solves that may wait for a free worker. */
  readonly maxQueue: number;
  /** How long past its time limit (or a cancel) a solve may take before its worker is terminated (default 10 s). */
  readonly graceSeconds?: number;
  /** Heap limit of each worker; a solve that exceeds it fails alone instead of taking the server down. */
  readonly workerMaxHeapMb?: number;
  /** The worker script (default: ./solve-worker.js beside this file); it must speak protocol.ts. */
  readonly workerUrl?: URL;
}

export interface SolveHooks {
  /** The solve left the queue and started on a worker. */
  readonly onStart?: () => void;
  readonly onProgress?: (progress: SolveProgress) => void;
  /** The best roster so far, at most every few seconds (jobs: their row keeps it should the runner die). */
  readonly onCheckpoint?: (checkpoint: SolveCheckpoint) => void;
  /** What the search started from (protocol.ts 'started'). */
  readonly onStartedFrom?: (from: StartedFrom) => void;
}

/**
 * The caller's own clock (Date.now() ms), for synchronous solves whose time limit is the caller's whole
 * wait: a solve still queued at `startBy` is refused with `StartTooLateError`, and one that starts later
 * than it arrived gets only the time left until `deadline` as its limit.
 */
export interface SolveTiming {
  readonly startBy: number;
  readonly deadline: number;
}

export interface SolveHandle {
  readonly id: string;
  /** The result (also after a cancel, with the best roster found so far); rejects with the errors below or a core input error. */
  readonly result: Promise<SolveResult>;
  /** Queued: the solve never starts and `result` rejects with `SolveCancelledError`. Running: the solve stops early and resolves. */
  cancel(): void;
}

/** The queue is full. */
export class PoolSaturatedError extends Error {
  override readonly name = 'PoolSaturatedError';
}
/** Cancelled before a worker picked it up: there is no roster. */
export class SolveCancelledError extends Error {
  override readonly name = 'SolveCancelledError';
}
/** The worker overran its limit plus grace, crashed, or ran out of memory. */
export class SolveAbortedError extends Error {
  override readonly name = 'SolveAbortedError';
}
export class PoolClosedError extends Error {
  override readonly name = 'PoolClosedError';
}
/** A synchronous solve could not start in time to finish within its limit. */
export class StartTooLateError extends Error {
  override readonly name = 'StartTooLateError';
}

interface Task {
  readonly id: string;
  readonly scenario: unknown;
  readonly task: SolveTask;
  readonly hooks: SolveHooks;
  readonly resolve: (result: SolveResult) => void;
  readonly reject: (error: Error) => void;
  readonly cancelFlag: SharedArrayBuffer;
  readonly timing?: SolveTiming;
  cancelled: boolean;
}

interface Slot {
  worker?: Worker;
  /** The worker has loaded its modules and takes solves. */
  ready: boolean;
  current?: Task;
  watchdog?: NodeJS.Timeout;
  /** When the watchdog fires (Date.now() ms). */
  watchdogAt?: number;
  /** When the current solve's own limit ends (Date.now() ms). */
  endsAt?: number;
}

/**
 * What a timed solve's worker gets of the time left: the solver overruns its limit a little (it checks the
 * clock between steps, then decodes and evaluates), and the answer must still come within limit + 1 s.
 */
const ANSWER_SHARE = 0.9;
const ANSWER_RESERVE_MS = 200;

const DEFAULT_GRACE_SECONDS = 10;
/** setTimeout fires at once for delays beyond 2^31-1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export function reviveError(error: SerializedError): Error {
  if (error.name === 'ScenarioValidationError') return new ScenarioValidationError(error.issues ?? []);
  if (error.name === 'RosterInputError') return new RosterInputError(error.issues ?? []);
  if (error.name === 'SolveOptionsError') return new SolveOptionsError(error.message.split(':')[0] ?? 'invalid solve options', error.issues ?? []);
  if (error.name === 'FlexrosterInputError') return new FlexrosterInputError(error.message.split(':')[0] ?? 'invalid input', error.issues ?? []);
  const revived = new Error(error.message);
  revived.name = error.name;
  return revived;
}

export class SolvePool {
  private readonly slots: Slot[];
  private readonly queue: Task[] = [];
  private readonly graceSeconds: number;
  private nextId = 1;
  private closed = false;
  /** Callers of `warm()` waiting for a worker to finish loading. */
  private warming: (() => void)[] = [];

  constructor(private readonly options: SolvePoolOptions) {
    if (!(options.size >= 1)) throw new RangeError('a solve pool needs at least one worker');
    this.slots = Array.from({ length: Math.floor(options.size) }, () => ({ ready: false }));
    this.graceSeconds = options.graceSeconds ?? DEFAULT_GRACE_SECONDS;
  }

  get stats(): { size: number; running: number; queued: number; maxQueue: number; started: number } {
    return {
      size: this.slots.length,
      running: this.slots.filter((s) => s.current).length,
      queued: this.queue.length,
      maxQueue: this.options.maxQueue,
      started: this.slots.filter((s) => s.worker).length,
    };
  }

  /**
   * Resolves once some worker has loaded (starting one if none has): a worker's one-time start-up is not
   * part of a timed solve's wait. Resolves at once when a worker is ready; also when the start fails (the
   * solve submitted next then fails as usual).
   */
  warm(): Promise<void> {
    if (this.closed || this.slots.some((s) => s.worker && s.ready)) return Promise.resolve();
    if (!this.slots.some((s) => s.worker)) {
      const slot = this.slots.find((s) => !s.current)!;
      slot.worker = this.spawn(slot);
    }
    return new Promise((resolve) => this.warming.push(resolve));
  }

  private wakeWarming(): void {
    for (const resolve of this.warming.splice(0)) resolve();
  }

  /** 1 for the next solve to start, 2 for the one behind it …; undefined once it left the queue. */
  position(id: string): number | undefined {
    const i = this.queue.findIndex((t) => t.id === id);
    return i < 0 ? undefined : i + 1;
  }

  /**
   * Seconds until a solve submitted now would start, if every solve ahead of it used its whole limit:
   * each queued solve takes the worker that frees first.
   */
  expectedWaitSeconds(): number {
    const now = Date.now();
    const free = this.slots.map((s) => (s.current ? Math.max(0, (s.endsAt ?? now) - now) : 0));
    for (const task of this.queue) {
      free.sort((a, b) => a - b);
      free[0]! += task.task.timeLimitSeconds * 1000;
    }
    return Math.min(...free) / 1000;
  }

  /** Throws `PoolSaturatedError` when every worker is busy and the queue is full. */
  submit(scenario: unknown, task: SolveTask, hooks: SolveHooks = {}, timing?: SolveTiming): SolveHandle {
    if (this.closed) throw new PoolClosedError('the solve pool is closed');
    // Solves wait in the queue while a worker starts, so every free slot adds one place to it.
    const free = this.slots.filter((s) => !s.current).length;
    if (this.queue.length >= this.options.maxQueue + free)
      throw new PoolSaturatedError(`all ${this.slots.length} solve workers are busy and ${this.queue.length} solves are queued`);
    const id = `s${this.nextId++}`;
    let entry!: Task;
    const result = new Promise<SolveResult>((resolve, reject) => {
      entry = { id, scenario, task, hooks, resolve, reject, cancelFlag: new SharedArrayBuffer(4), cancelled: false, ...(timing ? { timing } : {}) };
    });
    // Callers that only cancel must not trigger an unhandled rejection.
    result.catch(() => undefined);
    this.queue.push(entry);
    if (timing) {
      const timer = setTimeout(() => this.expire(entry), Math.max(0, timing.startBy - Date.now()));
      timer.unref();
      void result.finally(() => clearTimeout(timer)).catch(() => undefined);
    }
    this.dispatch();
    return { id, result, cancel: () => this.cancel(entry) };
  }

  /** Terminates every worker; running and queued solves reject with `PoolClosedError`. */
  async close(): Promise<void> {
    this.closed = true;
    this.wakeWarming();
    for (const t of this.queue.splice(0)) t.reject(new PoolClosedError('the solve pool closed before this solve started'));
    await Promise.all(
      this.slots.map(async (slot) => {
        const task = slot.current;
        const worker = slot.worker;
        this.release(slot);
        slot.worker = undefined;
        slot.ready = false;
        task?.reject(new PoolClosedError('the solve pool closed while this solve ran'));
        if (worker) await worker.terminate();
      }),
    );
  }

  private cancel(task: Task): void {
    if (task.cancelled) return;
    task.cancelled = true;
    const queued = this.queue.indexOf(task);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      task.reject(new SolveCancelledError('cancelled before it started'));
      return;
    }
    const slot = this.slots.find((s) => s.current === task);
    if (!slot?.worker) return;
    Atomics.store(new Int32Array(task.cancelFlag), 0, 1);
    slot.worker.postMessage({ type: 'cancel', jobId: task.id } satisfies ToWorker);
    // A cancelled solve should wind down within moments; if it does not, the watchdog ends it sooner.
    this.arm(slot, task, this.graceSeconds, `did not stop within ${this.graceSeconds} s of being cancelled`);
  }

  /** A timed solve still queued at its `startBy` is refused. */
  private expire(task: Task): void {
    const queued = this.queue.indexOf(task);
    if (queued < 0) return;
    this.queue.splice(queued, 1);
    task.reject(new StartTooLateError(`no solve worker became free in time to finish within the time limit of ${task.task.timeLimitSeconds} s`));
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (slot.current || this.queue.length === 0) continue;
      // A new worker gets its first task once it has loaded, so start-up does not eat into the time limit.
      if (!slot.worker) {
        const starting = this.slots.filter((s) => s.worker && !s.ready).length;
        if (starting < this.queue.length) slot.worker = this.spawn(slot);
        continue;
      }
      if (!slot.ready) continue;
      const worker = slot.worker;
      const task = this.queue.shift()!;
      if (task.timing && Date.now() > task.timing.startBy) {
        task.reject(new StartTooLateError(`no solve worker became free in time to finish within the time limit of ${task.task.timeLimitSeconds} s`));
        this.dispatch();
        return;
      }
      // A timed solve that waited gets the time left, so that waiting and solving together keep its limit.
      const seconds = task.timing ? Math.min(task.task.timeLimitSeconds, Math.max(0.05, ((task.timing.deadline - Date.now()) * ANSWER_SHARE - ANSWER_RESERVE_MS) / 1000)) : task.task.timeLimitSeconds;
      slot.current = task;
      slot.endsAt = Date.now() + seconds * 1000;
      this.arm(slot, task, seconds + this.graceSeconds, `overran its time limit of ${Number(seconds.toFixed(2))} s by more than ${this.graceSeconds} s`);
      try {
        task.hooks.onStart?.();
      } catch {
        // A failing listener must not stop the solve.
      }
      worker.postMessage({ type: 'solve', jobId: task.id, scenario: task.scenario, task: { ...task.task, timeLimitSeconds: seconds }, cancelFlag: task.cancelFlag, checkpoint: task.hooks.onCheckpoint !== undefined } satisfies ToWorker);
    }
  }

  private spawn(slot: Slot): Worker {
    slot.ready = false;
    const worker = new Worker(this.options.workerUrl ?? new URL('./solve-worker.js', import.meta.url), {
      // The worker is compiled JS: do not hand it the parent's loaders (a test runner's TypeScript hook, for one).
      execArgv: [],
      ...(this.options.workerMaxHeapMb ? { resourceLimits: { maxOldGenerationSizeMb: this.options.workerMaxHeapMb } } : {}),
    });
    // An idle pool must not keep the process alive; the HTTP server does that.
    worker.unref();
    worker.on('message', (message: FromWorker) => this.onMessage(slot, worker, message));
    worker.on('error', (error) => this.onWorkerDeath(slot, worker, `its worker failed: ${error.message}`));
    worker.on('exit', (code) => this.onWorkerDeath(slot, worker, `its worker exited (code ${code})`));
    return worker;
  }

  private onMessage(slot: Slot, worker: Worker, message: FromWorker): void {
    if (message.type === 'ready') {
      if (slot.worker === worker) slot.ready = true;
      this.wakeWarming();
      this.dispatch();
      return;
    }
    const task = slot.current;
    if (slot.worker !== worker || !task || task.id !== message.jobId) return;
    if (message.type === 'progress' || message.type === 'checkpoint' || message.type === 'started') {
      try {
        if (message.type === 'progress') task.hooks.onProgress?.(message.progress);
        else if (message.type === 'started') task.hooks.onStartedFrom?.(message.from);
        else task.hooks.onCheckpoint?.(message.checkpoint);
      } catch {
        // A failing listener must not stop the solve.
      }
      return;
    }
    this.release(slot);
    if (message.type === 'result') task.resolve(message.result);
    else task.reject(reviveError(message.error));
    this.dispatch();
  }

  private onWorkerDeath(slot: Slot, worker: Worker, why: string): void {
    if (slot.worker !== worker) return;
    const started = slot.ready;
    slot.worker = undefined;
    slot.ready = false;
    const task = slot.current;
    this.release(slot);
    task?.reject(new SolveAbortedError(`the solve was stopped: ${why}`));
    // A worker that cannot even start fails the next waiting solve: one attempt per solve, never a respawn loop.
    if (!started) {
      this.queue.shift()?.reject(new SolveAbortedError(`no solve worker could start: ${why}`));
      this.wakeWarming();
    }
    if (!this.closed) this.dispatch();
  }

  /** Sets the watchdog to fire in `seconds`, unless it is already set to fire sooner. */
  private arm(slot: Slot, task: Task, seconds: number, why: string): void {
    const ms = seconds * 1000;
    if (ms >= MAX_TIMER_MS) return;
    const at = Date.now() + ms;
    if (slot.watchdog && slot.watchdogAt !== undefined && slot.watchdogAt <= at) return;
    if (slot.watchdog) clearTimeout(slot.watchdog);
    slot.watchdogAt = at;
    slot.watchdog = setTimeout(() => {
      if (slot.current !== task || !slot.worker) return;
      const worker = slot.worker;
      slot.worker = undefined;
      slot.ready = false;
      this.release(slot);
      task.reject(new SolveAbortedError(`the solve ${why}; its worker was terminated`));
      void worker.terminate();
      this.dispatch();
    }, ms);
    slot.watchdog.unref();
  }

  private release(slot: Slot): void {
    if (slot.watchdog) clearTimeout(slot.watchdog);
    slot.watchdog = undefined;
    slot.watchdogAt = undefined;
    slot.endsAt = undefined;
    slot.current = undefined;
  }
}
