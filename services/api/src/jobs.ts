/**
 * Solve jobs: their life cycle on top of the worker pool, their progress, and their expiry. A finished job
 * is kept for `ttlSeconds` (and at most `maxFinished` of them), then dropped, so memory stays bounded
 * however many jobs clients start.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { FlexrosterInputError, relativeGap, type SolveProgress, type SolveResult } from '@flexroster/core';
import { PoolClosedError, SolveCancelledError, type SolveHandle, type SolvePool } from './workers/pool.js';
import type { SolveTask, StartedFrom } from './workers/protocol.js';
import type { JobCheckpoint, JobProgress, JobStatus, JobView } from './schemas.js';
import { inputProblem } from './problem.js';
import { cancelQueued, deleteJob, finishJob, handBack, insertJob, markStarted, queuePosition, readJob, requestCancel, rowView, saveCheckpoint, saveProgress, saveStart, type JobRow } from './store/solve-jobs.js';
import type { Store } from './store/store.js';
import type { LeaseKeeper } from './job-runner.js';

export interface JobStoreOptions {
  readonly ttlSeconds: number;
  readonly maxFinished: number;
  /**
   * Every job is also a `solve_jobs` row, written through (start, progress at most once a second, end),
   * held under this process's lease (`owner`) while it runs here, so that it outlives a crash.
   */
  readonly durable?: {
    readonly store: Store;
    readonly owner: string;
    readonly leaseSeconds: number;
    readonly maxAttempts: number;
    /**
     * Keeps the leases of the jobs run here (the process's JobRunner, same owner): renewed with the runner's
     * own, and given up alike when the database is lost past a lease. Needed unless `enqueueOnly`.
     */
    readonly leases?: LeaseKeeper;
  };
  /** POST only enqueues (see `enqueue`); needs `durable`. */
  readonly enqueueOnly?: boolean;
}

const PROGRESS_WRITE_MS = 1000;

/** Who may see a job: the key that created it, in its tenant; anyone else gets 404. */
export interface JobOwner {
  readonly keyId: string;
  readonly tenantId: string;
}

export interface Job {
  readonly id: string;
  readonly owner: JobOwner;
  status: JobStatus;
  readonly createdAt: Date;
  startedAt?: Date;
  finishedAt?: Date;
  expiresAt?: Date;
  cancelRequested: boolean;
  readonly task: SolveTask;
  progress: SolveProgress | undefined;
  result?: SolveResult;
  error?: JobView['error'];
  /** The best roster so far while it runs (shown until a result supersedes it). */
  checkpoint?: JobCheckpoint;
  /** What its search started from (a job run here from its POST: always from scratch). */
  startedFrom?: StartedFrom;
  /** Resolves when the job reaches done, failed or cancelled. */
  readonly finished: Promise<void>;
}

interface JobInternals {
  readonly handle: SolveHandle;
  readonly events: EventEmitter;
  expiry?: NodeJS.Timeout;
  /** The row's writes, in order; the POST answers once the insert is in. */
  writes: Promise<void>;
  lastProgressWrite: number;
  /** Its lease ran out while the database was lost: the job is others' to retry, nothing more is written from here. */
  abandoned?: boolean;
}

export interface JobListener {
  /** A status change or a progress update. */
  readonly update: (view: JobView) => void;
  /** The job ended; no further calls follow. */
  readonly end: (view: JobView) => void;
}

const TERMINAL: ReadonlySet<JobStatus> = new Set(['done', 'failed', 'cancelled']);

export const isTerminal = (status: JobStatus) => TERMINAL.has(status);

export class JobStore {
  private readonly jobs = new Map<string, Job>();
  private readonly internals = new WeakMap<Job, JobInternals>();
  /** Finished job ids, oldest first, for the `maxFinished` cap. */
  private readonly finishedOrder: string[] = [];
  private cancelPoll: NodeJS.Timeout | undefined;
  private closing = false;

  constructor(
    private readonly pool: SolvePool,
    private readonly options: JobStoreOptions,
  ) {
    const durable = options.durable;
    if (durable) {
      // A cancel asked through another API process reaches jobs held here by the row's flag.
      this.cancelPoll = setInterval(() => void this.pollCancels(durable.store, durable.owner), 500);
      this.cancelPoll.unref();
    }
  }

  private async pollCancels(store: Store, owner: string): Promise<void> {
    if (this.jobs.size === 0 || this.closing) return;
    const rows = await store
      .query<{ id: string }>("SELECT id FROM solve_jobs WHERE lease_owner = $1 AND cancel_requested AND status IN ('queued', 'running')", [owner])
      .catch(() => []);
    for (const { id } of rows) {
      const job = this.jobs.get(id);
      if (job) this.cancel(job);
    }
  }

  /** Resolves once the job's row holds everything written so far (its insert, for a new job); rejects if a write failed. */
  persisted(job: Job): Promise<void> {
    return this.internals.get(job)?.writes ?? Promise.resolve();
  }

  /** Queues a write of the job's row after the earlier ones; nothing once the store is closing. */
  private write(job: Job, fn: (store: Store) => Promise<unknown>): void {
    const internals = this.internals.get(job);
    const durable = this.options.durable;
    if (!internals || !durable || this.closing || internals.abandoned) return;
    // After a failed write (the database was lost a moment) the later ones still go.
    internals.writes = internals.writes.catch(() => undefined).then(async () => {
      if (!this.closing && !internals.abandoned) await fn(durable.store);
    });
    internals.writes.catch(() => undefined);
  }

  get size(): number {
    return this.jobs.size;
  }

  /** Queues a solve; throws `PoolSaturatedError` when the pool has no room. `onEnd` runs once the job has ended. */
  create(scenario: unknown, task: SolveTask, owner: JobOwner, onEnd: (result?: SolveResult) => void = () => undefined): Job {
    const id = randomUUID();
    let markFinished!: () => void;
    const finished = new Promise<void>((resolve) => (markFinished = resolve));
    const events = new EventEmitter();
    const job: Job = { id, owner, status: 'queued', createdAt: new Date(), cancelRequested: false, task, progress: undefined, finished };
    const handle = this.pool.submit(scenario, task, {
      onStart: () => {
        job.status = 'running';
        job.startedAt = new Date();
        events.emit('update');
        const durable = this.options.durable;
        if (durable) this.write(job, (store) => markStarted(store, id, durable.owner, durable.leaseSeconds));
      },
      onProgress: (progress) => {
        job.progress = mergeProgress(job.progress, progress);
        events.emit('update');
        const internals = this.internals.get(job);
        const durable = this.options.durable;
        if (durable && internals && Date.now() - internals.lastProgressWrite >= PROGRESS_WRITE_MS) {
          internals.lastProgressWrite = Date.now();
          const snapshot = job.progress;
          this.write(job, (store) => saveProgress(store, id, durable.owner, snapshot));
        }
      },
      onStartedFrom: (from) => {
        job.startedFrom = from;
        const durable = this.options.durable;
        if (durable) this.write(job, (store) => saveStart(store, id, durable.owner, from, undefined));
      },
      onCheckpoint: (checkpoint) => {
        job.checkpoint = { cost: checkpoint.cost, roster: checkpoint.roster, savedAt: new Date().toISOString() };
        const durable = this.options.durable;
        if (durable) this.write(job, (store) => saveCheckpoint(store, id, durable.owner, checkpoint));
      },
    });
    this.jobs.set(id, job);
    this.internals.set(job, { handle, events, writes: Promise.resolve(), lastProgressWrite: 0 });
    const durable = this.options.durable;
    if (durable) {
      this.write(job, (store) =>
        insertJob(store, { id, tenantId: owner.tenantId, keyId: owner.keyId, task, scenario, maxAttempts: durable.maxAttempts, leaseOwner: durable.owner, leaseSeconds: durable.leaseSeconds }),
      );
      // A free worker may have started it inside submit(), before its row could be written.
      if (job.status === 'running') this.write(job, (store) => markStarted(store, id, durable.owner, durable.leaseSeconds));
      durable.leases?.hold(id, { cancel: () => this.cancel(job), abandon: () => this.abandon(job) });
    }
    handle.result.then(
      (result) => {
        job.result = result;
        this.finish(job, job.cancelRequested ? 'cancelled' : 'done');
      },
      (error: unknown) => {
        if (error instanceof SolveCancelledError) return this.finish(job, 'cancelled');
        job.error = describeError(error);
        this.finish(job, 'failed');
      },
    ).finally(() => {
      onEnd(job.result);
      markFinished();
    });
    return job;
  }

  /** Jobs are only enqueued here (SOLVE_THREADS=0): worker processes, or another API's threads, run them. */
  get enqueueOnly(): boolean {
    return this.options.enqueueOnly === true;
  }

  /** Enqueues a job for any runner (no lease); resolves with its id once the row is in. */
  async enqueue(scenario: unknown, task: SolveTask, owner: JobOwner): Promise<string> {
    const durable = this.options.durable;
    if (!durable) throw new Error('enqueueing needs the durable job table');
    const id = randomUUID();
    await insertJob(durable.store, { id, tenantId: owner.tenantId, keyId: owner.keyId, task, scenario, maxAttempts: durable.maxAttempts, leaseSeconds: durable.leaseSeconds });
    return id;
  }

  /** The job held here, else its stored row (run elsewhere, or before a restart), if `owner` created it and it has not expired. */
  async find(id: string, owner: JobOwner): Promise<{ job: Job } | { row: JobRow } | undefined> {
    const job = this.get(id, owner);
    if (job) return { job };
    const durable = this.options.durable;
    if (!durable) return undefined;
    const row = await readJob(durable.store, id, owner);
    return row ? { row } : undefined;
  }

  /** The view of a stored row, with its place in the queue while queued. */
  async rowView(row: JobRow): Promise<JobView> {
    const durable = this.options.durable!;
    return rowView(row, row.status === 'queued' ? await queuePosition(durable.store, row.seq) : undefined);
  }

  /** Re-reads a stored job (for polling). */
  async reread(row: JobRow): Promise<JobRow | undefined> {
    return readJob(this.options.durable!.store, row.id, { tenantId: row.tenant_id, keyId: row.key_id });
  }

  /** Cancels a stored job: one nobody runs ends at once, a running one's runner sees the flag. False when it already ended. */
  async cancelRow(row: JobRow): Promise<boolean> {
    const store = this.options.durable!.store;
    if (!(await requestCancel(store, row.id))) return false;
    await cancelQueued(store, row.id, this.options.ttlSeconds);
    return true;
  }

  /** The job, if `owner` created it. */
  get(id: string, owner: JobOwner): Job | undefined {
    const job = this.jobs.get(id);
    return job && job.owner.keyId === owner.keyId && job.owner.tenantId === owner.tenantId ? job : undefined;
  }

  /** Asks the job to stop. A running solve keeps its best roster so far; a queued one ends at once. */
  cancel(job: Job): void {
    if (isTerminal(job.status) || job.cancelRequested) return;
    job.cancelRequested = true;
    this.internals.get(job)?.handle.cancel();
    this.internals.get(job)?.events.emit('update');
  }

  /**
   * The job's lease ran out while the database was lost: another runner retries it. Its solve stops, nothing
   * more of it is written, and it is forgotten here, so that reads go to its row.
   */
  private abandon(job: Job): void {
    const internals = this.internals.get(job);
    if (!internals || isTerminal(job.status)) return;
    internals.abandoned = true;
    internals.handle.cancel();
    this.jobs.delete(job.id);
  }

  /** Calls the listener on every update until the job ends; returns the unsubscribe function. */
  subscribe(job: Job, listener: JobListener): () => void {
    const events = this.internals.get(job)?.events;
    if (!events || isTerminal(job.status)) {
      listener.end(this.view(job));
      return () => undefined;
    }
    const update = () => listener.update(this.view(job));
    const end = () => listener.end(this.view(job));
    events.on('update', update);
    events.once('end', end);
    return () => {
      events.off('update', update);
      events.off('end', end);
    };
  }

  view(job: Job): JobView {
    const result = job.result;
    const started = job.startedAt?.getTime();
    const elapsedSeconds =
      result?.stats.totalSeconds ??
      (started === undefined ? 0 : ((job.finishedAt?.getTime() ?? Date.now()) - started) / 1000);
    const progress: JobProgress = {
      phase: result ? 'done' : (job.progress?.phase ?? (job.status === 'queued' ? 'queued' : 'preparing')),
      bestCost: result ? (result.status === 'infeasible' ? null : result.cost) : (job.progress?.bestCost ?? null),
      lowerBound: result ? (result.lowerBound ?? null) : (job.progress?.lowerBound ?? null),
      gap: result ? (result.gap ?? null) : (job.progress?.gap ?? null),
      elapsedSeconds,
    };
    const queuePosition = job.status === 'queued' ? this.pool.position(this.internals.get(job)?.handle.id ?? '') : undefined;
    return {
      id: job.id,
      status: job.status,
      ...(queuePosition !== undefined ? { queuePosition } : {}),
      createdAt: job.createdAt.toISOString(),
      ...(job.startedAt ? { startedAt: job.startedAt.toISOString() } : {}),
      ...(job.finishedAt ? { finishedAt: job.finishedAt.toISOString() } : {}),
      ...(job.expiresAt ? { expiresAt: job.expiresAt.toISOString() } : {}),
      cancelRequested: job.cancelRequested,
      timeLimitSeconds: job.task.timeLimitSeconds,
      backend: job.task.backend,
      progress,
      ...(result ? { result } : {}),
      ...(job.error ? { error: job.error } : {}),
      ...(job.startedFrom ? { startedFrom: job.startedFrom } : {}),
      ...(job.checkpoint && !result ? { checkpoint: job.checkpoint } : {}),
    };
  }

  /**
   * Cancels every job and forgets them all (the app is closing). Durable jobs still open are handed back to
   * the queue first (no attempt counted), so another runner, or this one after a restart, takes them again.
   */
  async close(): Promise<void> {
    const durable = this.options.durable;
    if (this.cancelPoll) clearInterval(this.cancelPoll);
    if (durable && !this.closing) {
      this.closing = true;
      await Promise.all([...this.jobs.values()].map((job) => this.internals.get(job)?.writes.catch(() => undefined)));
      await handBack(durable.store, durable.owner).catch(() => undefined);
    }
    this.closing = true;
    for (const job of this.jobs.values()) {
      const internals = this.internals.get(job);
      if (internals?.expiry) clearTimeout(internals.expiry);
      if (!isTerminal(job.status)) internals?.handle.cancel();
    }
    this.jobs.clear();
    this.finishedOrder.length = 0;
  }

  private finish(job: Job, status: JobStatus): void {
    job.status = status;
    job.finishedAt = new Date();
    const durable = this.options.durable;
    durable?.leases?.release(job.id);
    if (durable) this.write(job, (store) => finishJob(store, job.id, durable.owner, { status, result: job.result, error: job.error, ttlSeconds: this.options.ttlSeconds }));
    job.expiresAt = new Date(job.finishedAt.getTime() + this.options.ttlSeconds * 1000);
    const internals = this.internals.get(job);
    if (internals) {
      internals.expiry = setTimeout(() => this.drop(job.id), this.options.ttlSeconds * 1000);
      // Expiry timers must not keep the process alive.
      internals.expiry.unref();
      internals.events.emit('end');
      internals.events.removeAllListeners();
    }
    this.finishedOrder.push(job.id);
    while (this.finishedOrder.length > this.options.maxFinished) this.drop(this.finishedOrder[0]!);
  }

  private drop(id: string): void {
    const job = this.jobs.get(id);
    const durable = this.options.durable;
    if (job && durable) this.write(job, (store) => deleteJob(store, id));
    if (job) {
      const internals = this.internals.get(job);
      if (internals?.expiry) clearTimeout(internals.expiry);
      this.jobs.delete(id);
    }
    const i = this.finishedOrder.indexOf(id);
    if (i >= 0) this.finishedOrder.splice(i, 1);
  }
}

/**
 * Best cost only falls and the bound only rises: the core reports the backend's incumbent as `bestCost`
 * even while the heuristic's roster (which the solve will return) is cheaper.
 */
function mergeProgress(previous: SolveProgress | undefined, next: SolveProgress): SolveProgress {
  const best = [previous?.bestCost, next.bestCost].filter((x): x is number => x !== undefined);
  const bounds = [previous?.lowerBound, next.lowerBound].filter((x): x is number => x !== undefined);
  const bestCost = best.length > 0 ? Math.min(...best) : undefined;
  const lowerBound = bounds.length > 0 ? Math.max(...bounds) : undefined;
  return {
    phase: next.phase,
    elapsedSeconds: next.elapsedSeconds,
    ...(bestCost !== undefined ? { bestCost } : {}),
    ...(lowerBound !== undefined ? { lowerBound } : {}),
    // As the solve result does it: a bound of 0 under a positive cost says nothing, so the gap is unknown.
    ...(bestCost !== undefined && lowerBound !== undefined && (lowerBound > 0 || bestCost <= 1e-9) ? { gap: relativeGap(bestCost, lowerBound) } : {}),
  };
}

export function describeError(error: unknown): NonNullable<JobView['error']> {
  if (error instanceof FlexrosterInputError) {
    const problem = inputProblem(error, { scenario: '/body/scenario', rest: '/body' }).toProblem();
    return { title: problem.title, detail: problem.detail, ...(problem.errors ? { errors: problem.errors } : {}) };
  }
  if (error instanceof PoolClosedError) return { title: 'Server shutting down', detail: error.message };
  return { title: 'Solve failed', detail: error instanceof Error ? error.message : String(error) };
}
