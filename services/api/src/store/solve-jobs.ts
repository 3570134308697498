/**
 * The `solve_jobs` table: the durable record of every solve job, shared by the API processes (which
 * enqueue, read and cancel) and whoever runs the job (the API's own solve threads or a worker process).
 * A running job holds a lease (`lease_owner`, `lease_until`) its runner renews; a job whose lease ran out
 * is taken again (attempts counted, at most `max_attempts`, then failed with the reason stated).
 * Every change of a job's place in the queue (sent, taken, handed back, ended) goes to its pg-boss entry
 * (queues.ts) in the same transaction as its row.
 */
import type { SolveResult } from '@flexroster/core';
import type { JobProgress, JobStatus, JobView } from '../schemas.js';
import type { SolveCheckpoint, SolveTask, StartedFrom } from '../workers/protocol.js';
import { iso, jsonb, type Db, type Store } from './store.js';
import { emit } from './outbox.js';
import { solveQueue } from './queues.js';

export interface JobRow {
  readonly id: string;
  readonly seq: string;
  readonly tenant_id: string;
  readonly key_id: string;
  readonly task: SolveTask;
  readonly scenario: unknown;
  readonly status: JobStatus;
  readonly attempts: number;
  readonly max_attempts: number;
  readonly cancel_requested: boolean;
  readonly progress: Partial<JobProgress> | null;
  readonly result: SolveResult | null;
  readonly error: JobView['error'] | null;
  /** The best roster so far, kept across attempts (see `saveCheckpoint`). */
  readonly checkpoint: SolveCheckpoint | null;
  readonly checkpoint_at: unknown;
  /** What the latest attempt's search started from (set once its solve starts), and the checkpoint's cost then. */
  readonly started_from: StartedFrom | null;
  readonly start_cost: number | null;
  readonly lease_owner: string | null;
  readonly runner: string | null;
  readonly created_at: unknown;
  readonly started_at: unknown;
  readonly finished_at: unknown;
  readonly expires_at: unknown;
}

/** Every column but the scenario, which only the runner needs. */
const VIEW_COLUMNS = 'id, seq, tenant_id, key_id, task, status, attempts, max_attempts, cancel_requested, progress, result, error, checkpoint, checkpoint_at, started_from, start_cost, lease_owner, runner, created_at, started_at, finished_at, expires_at';

export interface NewJob {
  readonly id: string;
  readonly tenantId: string;
  readonly keyId: string;
  readonly task: SolveTask;
  readonly scenario: unknown;
  readonly maxAttempts: number;
  /** Set when the enqueuing process runs the job itself; unset jobs are free for any worker. */
  readonly leaseOwner?: string;
  readonly leaseSeconds: number;
}

/** Writes the job's row and its queue entry: waiting for any runner, or held by `leaseOwner`, which runs it now. */
export async function insertJob(store: Store, job: NewJob): Promise<void> {
  await store.tx(async (tx) => {
    await tx.query(
      `INSERT INTO solve_jobs (id, tenant_id, key_id, task, scenario, status, max_attempts, lease_owner, lease_until)
       VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, 'queued', $6, $7, CASE WHEN $7::text IS NULL THEN NULL ELSE now() + $8 * interval '1 second' END)`,
      [job.id, job.tenantId, job.keyId, jsonb(job.task), jsonb(job.scenario), job.maxAttempts, job.leaseOwner ?? null, job.leaseSeconds],
    );
    const queue = solveQueue(tx);
    await (job.leaseOwner === undefined ? queue.send(job.id) : queue.sendHeld(job.id));
  });
}

/** The job if it belongs to this key and has not expired. */
export async function readJob(db: Db, id: string, owner: { tenantId: string; keyId: string }): Promise<JobRow | undefined> {
  const [row] = await db.query<JobRow>(
    `SELECT ${VIEW_COLUMNS} FROM solve_jobs WHERE id = $1 AND tenant_id = $2 AND key_id = $3 AND (expires_at IS NULL OR expires_at > now())`,
    [id, owner.tenantId, owner.keyId],
  );
  return row;
}

/** 1 for the next queued job to start, 2 for the one behind it … */
export async function queuePosition(db: Db, seq: string): Promise<number> {
  const [row] = await db.query<{ n: string | number }>("SELECT count(*) AS n FROM solve_jobs WHERE status = 'queued' AND seq < $1", [seq]);
  return Number(row?.n ?? 0) + 1;
}

/** The runner started the job it holds: one more attempt (nothing if the job went to another runner meanwhile). */
export async function markStarted(db: Db, id: string, owner: string, leaseSeconds: number): Promise<void> {
  await db.query(
    "UPDATE solve_jobs SET status = 'running', attempts = attempts + 1, started_at = now(), runner = $2, lease_until = now() + $3 * interval '1 second', started_from = NULL, start_cost = NULL WHERE id = $1 AND lease_owner = $2 AND status = 'queued'",
    [id, owner, leaseSeconds],
  );
}

/** What the running attempt's search started from; `cost` is the checkpoint's. */
export async function saveStart(db: Db, id: string, owner: string, from: StartedFrom, cost: number | undefined): Promise<void> {
  await db.query("UPDATE solve_jobs SET started_from = $3, start_cost = $4 WHERE id = $1 AND lease_owner = $2 AND status = 'running'", [id, owner, from, from === 'checkpoint' ? (cost ?? null) : null]);
}

export async function saveProgress(db: Db, id: string, owner: string, progress: unknown): Promise<void> {
  await db.query('UPDATE solve_jobs SET progress = $3::jsonb, progress_at = now() WHERE id = $1 AND lease_owner = $2', [id, owner, jsonb(progress)]);
}

/**
 * Keeps `checkpoint` as the job's best roster, while `owner` holds it and unless an earlier attempt saved
 * one as cheap: a retry starts its search afresh, and its first rosters are usually worse.
 */
export async function saveCheckpoint(db: Db, id: string, owner: string, checkpoint: SolveCheckpoint): Promise<void> {
  await db.query(
    `UPDATE solve_jobs SET checkpoint = $3::jsonb, checkpoint_at = now()
     WHERE id = $1 AND lease_owner = $2 AND status = 'running' AND (checkpoint IS NULL OR (checkpoint->>'cost')::float8 > $4::float8)`,
    [id, owner, jsonb({ cost: checkpoint.cost, roster: checkpoint.roster }), checkpoint.cost],
  );
}

/**
 * Ends the job (only while `owner` still holds it, so a runner whose lease was taken over writes nothing),
 * with its queue entry, and emits its event, in one transaction.
 */
export async function finishJob(
  store: Store,
  id: string,
  owner: string | null,
  end: { status: JobStatus; result?: SolveResult | undefined; error?: JobView['error'] | undefined; ttlSeconds: number },
): Promise<boolean> {
  return store.tx(async (db) => {
    const rows = await db.query<{ tenant_id: string }>(
      `UPDATE solve_jobs SET status = $3, result = $4::jsonb, error = $5::jsonb, finished_at = now(), expires_at = now() + $6 * interval '1 second',
         lease_owner = NULL, lease_until = NULL, checkpoint = CASE WHEN $4::jsonb IS NULL OR $4::jsonb = 'null'::jsonb THEN checkpoint END,
         checkpoint_at = CASE WHEN $4::jsonb IS NULL OR $4::jsonb = 'null'::jsonb THEN checkpoint_at END
       WHERE id = $1 AND status IN ('queued', 'running') AND ($2::text IS NULL OR lease_owner = $2) RETURNING tenant_id`,
      [id, owner, end.status, jsonb(end.result ?? null), jsonb(end.error ?? null), end.ttlSeconds],
    );
    const tenantId = rows[0]?.tenant_id;
    if (tenantId === undefined) return false;
    await solveQueue(db).end(id, end.status === 'done' ? 'completed' : end.status === 'cancelled' ? 'cancelled' : 'failed', { status: end.status });
    if (end.status !== 'cancelled')
      await emit(db, tenantId, end.status === 'failed' ? 'solve-job.failed' : 'solve-job.finished', {
        id,
        status: end.status,
        ...(end.result ? { result: { status: end.result.status, cost: end.result.cost } } : {}),
        ...(end.error ? { error: end.error } : {}),
      });
    return true;
  });
}

/** Ends a queued job nobody holds at once (a cancel); false when it is held or no longer queued. */
export async function cancelQueued(store: Store, id: string, ttlSeconds: number): Promise<boolean> {
  return store.tx(async (db) => {
    const rows = await db.query(
      "UPDATE solve_jobs SET status = 'cancelled', finished_at = now(), expires_at = now() + $2 * interval '1 second' WHERE id = $1 AND status = 'queued' AND lease_owner IS NULL RETURNING id",
      [id, ttlSeconds],
    );
    if (rows.length > 0) await solveQueue(db).end(id, 'cancelled');
    return rows.length > 0;
  });
}

/**
 * Hands the open jobs `owner` holds back to the queue (it stops): no attempt counted for a running one,
 * whose search another runner starts again (from its checkpoint, if any).
 */
export async function handBack(store: Store, owner: string): Promise<void> {
  await store.tx(async (db) => {
    const rows = await db.query<{ id: string }>(
      `UPDATE solve_jobs SET status = 'queued', lease_owner = NULL, lease_until = NULL,
         attempts = CASE WHEN status = 'running' THEN greatest(attempts - 1, 0) ELSE attempts END
       WHERE lease_owner = $1 AND status IN ('queued', 'running') RETURNING id`,
      [owner],
    );
    const queue = solveQueue(db);
    for (const { id } of rows) await queue.requeue(id);
  });
}

/**
 * Renews the lease of every open job `owner` holds, or only of `ids` (a runner that gave some up while the
 * database was lost leaves theirs to run out, for the sweep).
 */
export async function renewLeases(db: Db, owner: string, leaseSeconds: number, ids?: readonly string[]): Promise<void> {
  if (ids === undefined)
    await db.query("UPDATE solve_jobs SET lease_until = now() + $2 * interval '1 second' WHERE lease_owner = $1 AND status IN ('queued', 'running')", [owner, leaseSeconds]);
  else
    await db.query(
      "UPDATE solve_jobs SET lease_until = now() + $2 * interval '1 second' WHERE lease_owner = $1 AND status IN ('queued', 'running') AND id IN (SELECT jsonb_array_elements_text($3::jsonb))",
      [owner, leaseSeconds, jsonb(ids)],
    );
}

/** Asks for a cancel. A queued job nobody holds ends at once; otherwise its runner sees the flag. Returns false when the job already ended. */
export async function requestCancel(db: Db, id: string): Promise<boolean> {
  const rows = await db.query("UPDATE solve_jobs SET cancel_requested = true WHERE id = $1 AND status IN ('queued', 'running') RETURNING id", [id]);
  // Runners LISTEN on this channel; their polling of the flag is the fallback.
  if (rows.length > 0) await db.query(`SELECT pg_notify('${CANCEL_CHANNEL}', $1)`, [id]);
  return rows.length > 0;
}

export const CANCEL_CHANNEL = 'solve_job_cancel';

export async function cancelRequested(db: Db, id: string): Promise<boolean> {
  const [row] = await db.query<{ cancel_requested: boolean }>('SELECT cancel_requested FROM solve_jobs WHERE id = $1', [id]);
  return row?.cancel_requested ?? false;
}

/**
 * Jobs whose runner vanished (lease ran out; `all`: every open job, for a single process restarting on
 * its own PGlite): those out of attempts or cancelled fail or end, the rest are handed back for a new attempt.
 * One transaction, rows locked and skipped when another sweep has them.
 */
export async function sweepAbandoned(store: Store, ttlSeconds: number, all = false): Promise<void> {
  const lost = all ? "status IN ('queued', 'running')" : "status IN ('queued', 'running') AND lease_until < now()";
  await store.tx(async (db) => {
    const queue = solveQueue(db);
    const rows = await db.query<{ id: string; status: JobStatus; cancel_requested: boolean; attempts: number; max_attempts: number; lease_owner: string | null }>(
      `SELECT id, status, cancel_requested, attempts, max_attempts, lease_owner FROM solve_jobs WHERE ${lost} FOR UPDATE SKIP LOCKED`,
    );
    if (rows.length === 0) return;
    const ids = (pick: (r: (typeof rows)[number]) => boolean) => jsonb(rows.filter(pick).map((r) => r.id));
    const cancelled = await db.query<{ id: string }>(
      `UPDATE solve_jobs SET status = 'cancelled', finished_at = now(), expires_at = now() + $1 * interval '1 second', lease_owner = NULL, lease_until = NULL
       WHERE id IN (SELECT jsonb_array_elements_text($2::jsonb)) RETURNING id`,
      [ttlSeconds, ids((r) => r.cancel_requested)],
    );
    for (const { id } of cancelled) await queue.end(id, 'cancelled');
    const failed = await db.query<{ id: string; tenant_id: string; error: unknown; checkpoint_cost: number | null }>(
      `UPDATE solve_jobs SET status = 'failed', finished_at = now(), expires_at = now() + $1 * interval '1 second', lease_owner = NULL, lease_until = NULL,
         error = jsonb_build_object('title', 'Solve failed', 'detail', 'its runner stopped (crash or lost connection) on each of ' || attempts || ' attempts; no more attempts are made'
           || CASE WHEN checkpoint IS NULL THEN '; no roster keeping every hard rule was checkpointed before'
              ELSE '; the best roster checkpointed before (cost ' || (checkpoint->>'cost') || ') is kept in checkpoint' END)
       WHERE id IN (SELECT jsonb_array_elements_text($2::jsonb)) RETURNING id, tenant_id, error, (checkpoint->>'cost')::float8 AS checkpoint_cost`,
      [ttlSeconds, ids((r) => !r.cancel_requested && r.status === 'running' && r.attempts >= r.max_attempts)],
    );
    for (const f of failed) {
      await queue.end(f.id, 'failed', { status: 'failed' });
      await emit(db, f.tenant_id, 'solve-job.failed', { id: f.id, status: 'failed', error: f.error, ...(f.checkpoint_cost !== null ? { checkpoint: { cost: f.checkpoint_cost } } : {}) });
    }
    const back = await db.query<{ id: string }>(
      "UPDATE solve_jobs SET status = 'queued', lease_owner = NULL, lease_until = NULL WHERE id IN (SELECT jsonb_array_elements_text($1::jsonb)) RETURNING id",
      // A queued job nobody held is still waiting in the queue as it was.
      [ids((r) => !r.cancel_requested && r.lease_owner !== null && !(r.status === 'running' && r.attempts >= r.max_attempts))],
    );
    for (const { id } of back) await queue.requeue(id);
  });
}

/**
 * Takes the next waiting job for `owner` from the queue, with its scenario; an entry whose job was ended
 * meanwhile (a cancel) is closed and the next one looked at.
 */
export async function claimJob(store: Store, owner: string, leaseSeconds: number): Promise<JobRow | undefined> {
  return store.tx(async (db) => {
    const queue = solveQueue(db);
    for (;;) {
      const id = await queue.take();
      if (id === undefined) return undefined;
      const [row] = await db.query<JobRow>(
        `UPDATE solve_jobs SET status = 'running', attempts = attempts + 1, started_at = now(), lease_owner = $2, runner = $2, lease_until = now() + $3 * interval '1 second',
           started_from = NULL, start_cost = NULL
         WHERE id = $1 AND status = 'queued' AND lease_owner IS NULL AND NOT cancel_requested
         RETURNING ${VIEW_COLUMNS}, scenario`,
        [id, owner, leaseSeconds],
      );
      if (row) return row;
      await queue.end(id, 'cancelled');
    }
  });
}

/** Deletes the job's row and its queue entry. */
export async function deleteJob(store: Store, id: string): Promise<void> {
  await store.tx(async (db) => {
    await db.query('DELETE FROM solve_jobs WHERE id = $1', [id]);
    await solveQueue(db).remove([id]);
  });
}

/** Deletes the jobs kept past their expiry, rows and queue entries; how many. */
export async function deleteExpired(store: Store): Promise<number> {
  return store.tx(async (db) => {
    const rows = await db.query<{ id: string }>('DELETE FROM solve_jobs WHERE expires_at < now() RETURNING id');
    await solveQueue(db).remove(rows.map((r) => r.id));
    return rows.length;
  });
}

/** The API's view of a stored job. */
export function rowView(row: JobRow, queuePosition?: number): JobView {
  const result = row.result ?? undefined;
  const started = row.started_at ? Date.parse(iso(row.started_at)!) : undefined;
  const finished = row.finished_at ? Date.parse(iso(row.finished_at)!) : undefined;
  const elapsedSeconds = result?.stats.totalSeconds ?? (started === undefined ? 0 : ((finished ?? Date.now()) - started) / 1000);
  const p = row.progress ?? {};
  const progress: JobProgress = {
    phase: result ? 'done' : (p.phase ?? (row.status === 'queued' ? 'queued' : 'preparing')),
    bestCost: result ? (result.status === 'infeasible' ? null : result.cost) : (p.bestCost ?? null),
    lowerBound: result ? (result.lowerBound ?? null) : (p.lowerBound ?? null),
    gap: result ? (result.gap ?? null) : (p.gap ?? null),
    elapsedSeconds,
  };
  return {
    id: row.id,
    status: row.status,
    ...(queuePosition !== undefined && row.status === 'queued' ? { queuePosition } : {}),
    createdAt: iso(row.created_at)!,
    ...(row.started_at ? { startedAt: iso(row.started_at)! } : {}),
    ...(row.finished_at ? { finishedAt: iso(row.finished_at)! } : {}),
    ...(row.expires_at ? { expiresAt: iso(row.expires_at)! } : {}),
    cancelRequested: row.cancel_requested,
    timeLimitSeconds: row.task.timeLimitSeconds,
    backend: row.task.backend,
    progress,
    ...(result ? { result } : {}),
    ...(row.error ? { error: row.error } : {}),
    ...(row.started_from ? { startedFrom: row.started_from, ...(row.start_cost !== null ? { startCost: row.start_cost } : {}) } : {}),
    ...(row.checkpoint && !result ? { checkpoint: { cost: row.checkpoint.cost, roster: row.checkpoint.roster, savedAt: iso(row.checkpoint_at)! } } : {}),
  };
}
