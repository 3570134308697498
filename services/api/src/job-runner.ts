/**
 * Takes solve jobs from the `solve_jobs` table and runs them on a solve pool: the whole of a worker
 * process, and the part of an API process with solve threads that picks up jobs nobody holds (enqueued
 * by an API without threads, or handed back after a crash). Runs on PostgreSQL and on PGlite alike.
 *
 * Contract: a claimed job's lease is renewed every `leaseSeconds / 3`; progress is written at most once a
 * second; a cancel set by any API process arrives by NOTIFY, and by polling the flag every `cancelPollMs` (default 1 s) should a notification be missed. While the database cannot be
 * reached the runner takes no new jobs; its running jobs' leases then run out and others retry them.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { SolveCancelledError, type SolveHandle, type SolvePool } from './workers/pool.js';
import { describeError } from './jobs.js';
import { CANCEL_CHANNEL, cancelRequested, claimJob, finishJob, renewLeases, saveProgress, sweepAbandoned, type JobRow } from './store/solve-jobs.js';
import type { Store } from './store/store.js';

export interface RunnerOptions {
  readonly leaseSeconds: number;
  readonly ttlSeconds: number;
  /** How often an idle runner looks for work (default 250 ms). */
  readonly pollMs?: number;
  readonly cancelPollMs?: number;
  /** Jobs this runner may start now (default: the pool's idle threads). */
  readonly capacity?: () => number;
  readonly onError?: (error: unknown) => void;
}

const PROGRESS_WRITE_MS = 1000;

export const runnerId = (role: string) => `${role}:${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

export class JobRunner {
  readonly owner: string;
  private readonly running = new Map<string, SolveHandle>();
  /** Cancels of the jobs running here, by id: called on a NOTIFY or when the polled flag is seen. */
  private readonly cancels = new Map<string, () => void>();
  private unlisten: (() => Promise<void>) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private stopped = false;
  private healthy = true;
  private lastSweep = 0;

  constructor(
    private readonly store: Store,
    private readonly pool: SolvePool,
    private readonly options: RunnerOptions,
    owner?: string,
  ) {
    this.owner = owner ?? runnerId('runner');
  }

  get active(): number {
    return this.running.size;
  }

  start(): void {
    this.store.listen(CANCEL_CHANNEL, (id) => this.cancels.get(id)?.()).then(
      (stop) => (this.stopped ? void stop() : (this.unlisten = stop)),
      (error: unknown) => this.options.onError?.(error),
    );
    this.heartbeat = setInterval(() => void this.renew(), (this.options.leaseSeconds * 1000) / 3);
    this.heartbeat.unref();
    this.schedule(0);
  }

  /** Stops taking jobs and hands the running ones back to the queue (no attempt counted), for another runner. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.heartbeat) clearInterval(this.heartbeat);
    await this.unlisten?.().catch(() => undefined);
    const ids = [...this.running.keys()];
    this.running.clear();
    if (ids.length > 0)
      await this.store
        .query("UPDATE solve_jobs SET status = 'queued', lease_owner = NULL, lease_until = NULL, attempts = greatest(attempts - 1, 0) WHERE lease_owner = $1 AND status = 'running'", [this.owner])
        .catch((error: unknown) => this.options.onError?.(error));
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.tick(), ms);
    this.timer.unref();
  }

  private capacity(): number {
    if (this.options.capacity) return this.options.capacity();
    const stats = this.pool.stats;
    return stats.size - stats.running - stats.queued;
  }

  private async tick(): Promise<void> {
    let took = false;
    try {
      if (Date.now() - this.lastSweep > (this.options.leaseSeconds * 1000) / 2) {
        this.lastSweep = Date.now();
        await sweepAbandoned(this.store, this.options.ttlSeconds);
      }
      if (this.healthy && this.capacity() > 0) {
        const row = await claimJob(this.store, this.owner, this.options.leaseSeconds);
        if (row && !this.stopped) {
          this.run(row);
          took = true;
        }
      }
    } catch (error) {
      this.options.onError?.(error);
    }
    this.schedule(took ? 0 : (this.options.pollMs ?? 250));
  }

  private async renew(): Promise<void> {
    try {
      await renewLeases(this.store, this.owner, this.options.leaseSeconds);
      this.healthy = true;
    } catch (error) {
      this.healthy = false;
      this.options.onError?.(error);
    }
  }

  private run(row: JobRow & { scenario?: unknown }): void {
    const id = row.id;
    let lastWrite = 0;
    const handle = this.pool.submit(row.scenario, row.task, {
      onProgress: (progress) => {
        if (Date.now() - lastWrite < PROGRESS_WRITE_MS) return;
        lastWrite = Date.now();
        saveProgress(this.store, id, this.owner, progress).catch((error: unknown) => this.options.onError?.(error));
      },
    });
    this.running.set(id, handle);
    let cancelled = false;
    const cancel = () => {
      if (cancelled) return;
      cancelled = true;
      handle.cancel();
    };
    this.cancels.set(id, cancel);
    // A cancel asked before the LISTEN, or a missed NOTIFY, is still seen by polling the flag.
    const poll = setInterval(() => {
      cancelRequested(this.store, id).then(
        (yes) => yes && cancel(),
        (error: unknown) => this.options.onError?.(error),
      );
    }, this.options.cancelPollMs ?? 1000);
    poll.unref();
    const end = (status: 'done' | 'cancelled' | 'failed', extra: Parameters<typeof finishJob>[3] extends infer E ? Partial<E> : never) => {
      clearInterval(poll);
      this.cancels.delete(id);
      // A job handed back by stop() is no longer ours to finish.
      if (this.running.get(id) !== handle) return;
      this.running.delete(id);
      this.store.tx((db) => finishJob(db, id, this.owner, { status, ttlSeconds: this.options.ttlSeconds, ...extra })).catch((error: unknown) => this.options.onError?.(error));
    };
    handle.result.then(
      (result) => end(cancelled ? 'cancelled' : 'done', { result }),
      (error: unknown) => (error instanceof SolveCancelledError ? end('cancelled', {}) : end('failed', { error: describeError(error) })),
    );
  }
}
