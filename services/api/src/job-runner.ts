/**
 * Takes solve jobs from the queue (store/queues.ts, with their `solve_jobs` rows) and runs them on a
 * solve pool: the whole of a worker process, and the part of an API process with solve threads that picks
 * up jobs nobody holds (enqueued by an API without threads, or handed back after a crash). Runs on PostgreSQL and on PGlite alike.
 *
 * Contract: a claimed job's lease is renewed every `leaseSeconds / 3`; progress is written at most once a
 * second; a job's best roster (checkpoint) at most every 5 s; a cancel set by any API process arrives by
 * NOTIFY, and by polling the flag every `cancelPollMs` (default 1 s) should a notification be missed.
 *
 * Losing the database: a failing claim, sweep or lease renewal stops the claim loop at once. The running
 * solves go on while their leases, as last renewed, still hold (a blip costs nothing); once a lease has run
 * out the solve is cancelled and its job left to the others, who retry it (one attempt counted). Meanwhile
 * the runner probes the database with backoff (RECONNECT_BACKOFF_MS) and, once it answers, takes jobs again.
 * The jobs an API process runs on its threads as they are posted (jobs.ts) are held here too (`hold`), so
 * that their leases are renewed, and given up, exactly as the claimed ones.
 *
 * A retried job (an earlier attempt checkpointed a roster) starts from that roster (workers/warm-start.ts);
 * its row says so once the solve starts (`started_from`).
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { SolveCancelledError, type SolveHandle, type SolvePool } from './workers/pool.js';
import { describeError } from './jobs.js';
import { CANCEL_CHANNEL, cancelRequested, claimJob, deleteExpired, finishJob, handBack, renewLeases, saveCheckpoint, saveProgress, saveStart, sweepAbandoned, type JobRow } from './store/solve-jobs.js';
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
  /** The database was lost (`lost`, with the error), solves were abandoned, or it answers again (`back`). */
  readonly onConnection?: (event: { state: 'lost' | 'abandoned' | 'back'; detail: string }) => void;
}

const PROGRESS_WRITE_MS = 1000;
/** How often a runner deletes the jobs kept past their expiry (rows and queue entries). */
const EXPIRED_CLEANUP_MS = 60_000;
/** First and longest wait between probes of a lost database: quick to see a blip end, gentle on a long outage. */
export const RECONNECT_BACKOFF_MS = { first: 500, max: 30_000 } as const;

/** A job another part of this process runs under this runner's owner id, whose lease the runner keeps. */
export interface HeldJob {
  /** A cancel arrived (NOTIFY). */
  readonly cancel: () => void;
  /** Its lease ran out while the database was lost: stop the solve and write nothing more of it (it is others' now). */
  readonly abandon: () => void;
}

/** What jobs.ts needs of a runner: lease keeping for the jobs it runs itself. */
export interface LeaseKeeper {
  /** Holds `id` from now: its lease, as the insert wrote it, is renewed from here on. */
  hold(id: string, job: HeldJob): void;
  /** The job ended (or was handed back): no more renewals. */
  release(id: string): void;
}

/** The log message of each connection event (worker.ts, app.ts). */
export const CONNECTION_LOG = { lost: 'database lost', abandoned: 'solves abandoned', back: 'database back' } as const;

export const runnerId = (role: string) => `${role}:${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

export class JobRunner implements LeaseKeeper {
  readonly owner: string;
  private readonly running = new Map<string, SolveHandle>();
  /** Cancels of the jobs running here, by id: called on a NOTIFY or when the polled flag is seen. */
  private readonly cancels = new Map<string, () => void>();
  private unlisten: (() => Promise<void>) | undefined;
  private timer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private stopped = false;
  private lastSweep = 0;
  private lastCleanup = 0;
  /** Per running job, until when (Date.now() ms) its lease surely holds: its claim's or last renewal's start plus the lease. */
  private readonly heldUntil = new Map<string, number>();
  /** Set while the database cannot be reached: the pending probe and the wait before the next one. */
  private lost: { timer: NodeJS.Timeout; backoffMs: number } | undefined;
  private readonly onCancel = (id: string) => this.cancels.get(id)?.();
  /** Jobs held for another part of this process (`hold`). */
  private readonly external = new Map<string, HeldJob>();

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

  hold(id: string, job: HeldJob): void {
    this.external.set(id, job);
    this.cancels.set(id, job.cancel);
    this.heldUntil.set(id, Date.now() + this.options.leaseSeconds * 1000);
  }

  release(id: string): void {
    if (!this.external.delete(id)) return;
    this.cancels.delete(id);
    this.heldUntil.delete(id);
  }

  start(): void {
    this.listen();
    this.heartbeat = setInterval(() => void this.renew(), (this.options.leaseSeconds * 1000) / 3);
    this.heartbeat.unref();
    this.schedule(0);
  }

  /** Stops taking jobs and hands the running ones back to the queue (no attempt counted), for another runner. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.lost) clearTimeout(this.lost.timer);
    if (this.heartbeat) clearInterval(this.heartbeat);
    await this.unlisten?.().catch(() => undefined);
    const ids = [...this.running.keys(), ...this.external.keys()];
    this.running.clear();
    this.external.clear();
    this.heldUntil.clear();
    if (ids.length > 0)
      await handBack(this.store, this.owner).catch((error: unknown) => this.options.onError?.(error));
  }

  private listen(): void {
    this.store.listen(CANCEL_CHANNEL, this.onCancel).then(
      (stop) => (this.stopped ? void stop() : (this.unlisten = stop)),
      (error: unknown) => this.options.onError?.(error),
    );
  }

  private schedule(ms: number): void {
    if (this.stopped || this.lost) return;
    // One claim loop: a tick still in flight across a loss and its end must not start a second.
    if (this.timer) clearTimeout(this.timer);
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
      if (Date.now() - this.lastCleanup > EXPIRED_CLEANUP_MS) {
        this.lastCleanup = Date.now();
        await deleteExpired(this.store);
      }
      if (this.capacity() > 0) {
        const claimedAt = Date.now();
        const row = await claimJob(this.store, this.owner, this.options.leaseSeconds);
        if (row && !this.stopped) {
          this.heldUntil.set(row.id, claimedAt + this.options.leaseSeconds * 1000);
          this.run(row);
          took = true;
        }
      }
    } catch (error) {
      this.lose(error);
      return;
    }
    this.schedule(took ? 0 : (this.options.pollMs ?? 250));
  }

  /** Renews every lease held here; true when the database answered. */
  private async renew(): Promise<boolean> {
    if (this.lost) return false;
    const startedAt = Date.now();
    try {
      await renewLeases(this.store, this.owner, this.options.leaseSeconds, [...this.heldUntil.keys()]);
    } catch (error) {
      this.lose(error);
      return false;
    }
    for (const id of this.heldUntil.keys()) this.heldUntil.set(id, startedAt + this.options.leaseSeconds * 1000);
    return true;
  }

  /** The database failed a claim, sweep or renewal: stop taking jobs and probe until it answers. */
  private lose(error: unknown): void {
    this.options.onError?.(error);
    if (this.lost || this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.options.onConnection?.({ state: 'lost', detail: error instanceof Error ? error.message : String(error) });
    this.lost = { timer: this.probeLater(RECONNECT_BACKOFF_MS.first), backoffMs: RECONNECT_BACKOFF_MS.first };
  }

  private probeLater(ms: number): NodeJS.Timeout {
    const timer = setTimeout(() => void this.probe(), Math.min(ms, this.nextLeaseEnd()));
    timer.unref();
    return timer;
  }

  /** Milliseconds until the first lease held here runs out (a lost runner's moment to give its job up). */
  private nextLeaseEnd(): number {
    return Math.max(0, Math.min(Infinity, ...this.heldUntil.values()) - Date.now());
  }

  /** While lost: gives up the solves whose lease ran out, then tries the database again. */
  private async probe(): Promise<void> {
    const lost = this.lost;
    if (!lost || this.stopped) return;
    this.abandonExpired();
    const startedAt = Date.now();
    let ok = true;
    try {
      await renewLeases(this.store, this.owner, this.options.leaseSeconds, [...this.heldUntil.keys()]);
    } catch (error) {
      ok = false;
      this.options.onError?.(error);
    }
    if (this.stopped) return;
    if (!ok) {
      lost.backoffMs = Math.min(RECONNECT_BACKOFF_MS.max, lost.backoffMs * 2);
      lost.timer = this.probeLater(lost.backoffMs);
      return;
    }
    for (const id of this.heldUntil.keys()) this.heldUntil.set(id, startedAt + this.options.leaseSeconds * 1000);
    this.lost = undefined;
    this.options.onConnection?.({ state: 'back', detail: `${this.running.size + this.external.size} solves kept` });
    // A new connection for LISTEN, should the old one have died with the database.
    this.listen();
    this.schedule(0);
  }

  /**
   * Cancels the solves whose lease ran out while the database was lost: their jobs are others' to retry now,
   * and nothing of them is written from here (as after stop()).
   */
  private abandonExpired(): void {
    const now = Date.now();
    const gone = [...this.heldUntil].filter(([, until]) => until <= now).map(([id]) => id);
    for (const id of gone) {
      const handle = this.running.get(id);
      const external = this.external.get(id);
      this.heldUntil.delete(id);
      this.running.delete(id);
      this.external.delete(id);
      this.cancels.delete(id);
      handle?.cancel();
      external?.abandon();
    }
    if (gone.length > 0) this.options.onConnection?.({ state: 'abandoned', detail: `${gone.length} solves cancelled: their leases ran out while the database was lost` });
  }

  private run(row: JobRow & { scenario?: unknown }): void {
    const id = row.id;
    let lastWrite = 0;
    // A retry starts from the best roster an earlier attempt checkpointed (a re-plan from its base).
    const start = row.checkpoint && row.task.base === undefined ? row.checkpoint : undefined;
    const handle = this.pool.submit(row.scenario, start ? { ...row.task, start } : row.task, {
      onStartedFrom: (from) => saveStart(this.store, id, this.owner, from, start?.cost).catch((error: unknown) => this.options.onError?.(error)),
      onProgress: (progress) => {
        if (Date.now() - lastWrite < PROGRESS_WRITE_MS) return;
        lastWrite = Date.now();
        saveProgress(this.store, id, this.owner, progress).catch((error: unknown) => this.options.onError?.(error));
      },
      // Already throttled by the solve worker (CHECKPOINT_INTERVAL_MS).
      onCheckpoint: (checkpoint) => saveCheckpoint(this.store, id, this.owner, checkpoint).catch((error: unknown) => this.options.onError?.(error)),
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
      if (this.lost) return;
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
      this.heldUntil.delete(id);
      finishJob(this.store, id, this.owner, { status, ttlSeconds: this.options.ttlSeconds, ...extra }).catch((error: unknown) => this.options.onError?.(error));
    };
    handle.result.then(
      (result) => end(cancelled ? 'cancelled' : 'done', { result }),
      (error: unknown) => (error instanceof SolveCancelledError ? end('cancelled', {}) : end('failed', { error: describeError(error) })),
    );
  }
}
