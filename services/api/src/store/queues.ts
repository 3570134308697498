/**
 * The queues, on pg-boss (its tables in `db.queueSchema`): solve jobs waiting for a runner, and webhook
 * deliveries waiting to be posted. pg-boss speaks through our own connection and transactions (its `db`
 * option), on PostgreSQL and on PGlite alike, so an entry is always written in the transaction of the row
 * it stands for (`solve_jobs`, `webhook_deliveries`), and a rolled-back change leaves no entry.
 *
 * Who does what: pg-boss decides which waiting entry a taker gets (priority, then age, SKIP LOCKED, not
 * before its start time) and keeps each entry's state (created → active → completed | cancelled | failed);
 * our rows keep the records. Solve jobs: `solve_jobs` holds the lease a runner renews while it solves
 * (pg-boss 10 has no heartbeat, and its expiry counts from the start while a solve's length varies), so a
 * vanished runner's job is handed back by the lease sweep (`requeue`); their pg-boss expiry is a last resort.
 * Deliveries are short: a dispatcher that vanished mid-post leaves an active entry that pg-boss's
 * maintenance (`maintainQueues`) expires and offers again.
 */
import PgBoss from 'pg-boss';
import type { Db, Store } from './store.js';

export const SOLVE_QUEUE = 'solve-jobs';
export const DELIVERY_QUEUE = 'webhook-deliveries';

/**
 * A job its own process runs at once is sent and taken in one transaction; its priority puts it before
 * every waiting job (new ones are priority 0, handed-back ones 1), so that take is certainly it.
 */
const HELD_PRIORITY = 1000;
/** A handed-back job goes before the new ones (priority 0): it has waited longest. */
const REQUEUED_PRIORITY = 1;
/** pg-boss's last-resort expiry of an active solve entry; leases (seconds) end lost runs long before. */
const SOLVE_EXPIRE_HOURS = 23;
/** An active delivery entry this old lost its dispatcher (a post times out within seconds): offered again. */
const DELIVERY_EXPIRE_SECONDS = 120;
/** Offers of a delivery after lost dispatchers; its own failures are retried by `retryLater`, not counted here. */
const DELIVERY_LOST_RETRIES = 100;

/** pg-boss's statements through one of our connections; scripts (no parameters) need the store. */
function bossDb(db: Db, store?: Store): PgBoss.Db {
  return {
    executeSql: async (text: string, values?: unknown[]) =>
      values && values.length > 0 ? { rows: await db.query(text, values) } : { rows: store ? await store.script(text) : await db.query(text) },
  };
}

const bosses = new Map<string, PgBoss>();

/** pg-boss for statements in a caller's transaction (every call passes `db`): one per queue schema. */
function boss(schema: string): PgBoss {
  let b = bosses.get(schema);
  if (!b) {
    const none: PgBoss.Db = {
      executeSql: () => Promise.reject(new Error('queues: a pg-boss call without a transaction')),
    };
    b = new PgBoss({ db: none, schema, migrate: false, supervise: false, schedule: false });
    bosses.set(schema, b);
  }
  return b;
}

/** A pg-boss over the store itself, for installing and for maintenance (its scripts lock and commit themselves). */
const storeBoss = (store: Store, migrate: boolean) => new PgBoss({ db: bossDb(store, store), schema: store.queueSchema, migrate, supervise: false, schedule: false });

/** Creates or upgrades pg-boss's tables and both queues (pg-boss serialises concurrent installs itself). */
export async function installQueues(store: Store): Promise<void> {
  const installer = storeBoss(store, true);
  await installer.start();
  try {
    for (const name of [SOLVE_QUEUE, DELIVERY_QUEUE]) {
      try {
        if (!(await installer.getQueue(name))) await installer.createQueue(name);
      } catch (error) {
        // Another process created it between the look and the create.
        if (!(await installer.getQueue(name))) throw error;
      }
    }
  } finally {
    await installer.stop({ graceful: false, close: false, wait: true });
  }
}

const maintainers = new WeakMap<Store, PgBoss>();

/** pg-boss's maintenance: expires lost active entries (offered again or failed), archives and drops old ones. */
export async function maintainQueues(store: Store): Promise<void> {
  let b = maintainers.get(store);
  if (!b) maintainers.set(store, (b = storeBoss(store, false)));
  await b.maintain();
}

/** The solve queue's operations, each inside the caller's transaction `tx`. */
export interface SolveQueue {
  /** A new job waits for any runner. */
  send(id: string): Promise<void>;
  /** A new job this process runs at once: sent and taken together, so no other runner sees it waiting. */
  sendHeld(id: string): Promise<void>;
  /** The next waiting job's id, now active (taken by the caller), if any. */
  take(): Promise<string | undefined>;
  /** A job handed back (its runner stopped or vanished) waits again, as a new entry ahead of new jobs. */
  requeue(id: string): Promise<void>;
  /** The jobs' rows are deleted (expired): so are their entries. */
  remove(ids: readonly string[]): Promise<void>;
  /** The job ended: its entry is completed, cancelled or failed (never retried by pg-boss: leases decide retries). */
  end(id: string, how: 'completed' | 'cancelled' | 'failed', output?: object): Promise<void>;
}

export function solveQueue(tx: Db): SolveQueue {
  const b = boss(tx.queueSchema);
  const db = bossDb(tx);
  const send = async (id: string, priority: number) => {
    const sent = await b.send(SOLVE_QUEUE, {}, { db, id, priority, retryLimit: 0, expireInHours: SOLVE_EXPIRE_HOURS });
    if (sent !== id) throw new Error(`solve queue: job ${id} was not queued`);
  };
  return {
    send: (id) => send(id, 0),
    async sendHeld(id) {
      await send(id, HELD_PRIORITY);
      // Its start_after is this transaction's now(), never before now() here: fetch it regardless.
      const [taken] = await b.fetch(SOLVE_QUEUE, { db, batchSize: 1, ignoreStartAfter: true });
      if (taken?.id !== id) throw new Error(`solve queue: job ${id} could not be held (took ${taken?.id ?? 'nothing'})`);
    },
    async take() {
      const [taken] = await b.fetch(SOLVE_QUEUE, { db, batchSize: 1 });
      return taken?.id;
    },
    async requeue(id) {
      await b.deleteJob(SOLVE_QUEUE, id, { db });
      await send(id, REQUEUED_PRIORITY);
    },
    async remove(ids) {
      if (ids.length > 0) await b.deleteJob(SOLVE_QUEUE, [...ids], { db });
    },
    async end(id, how, output = {}) {
      if (how === 'completed') await b.complete(SOLVE_QUEUE, id, output, { db });
      else if (how === 'cancelled') await b.cancel(SOLVE_QUEUE, id, { db });
      else await b.fail(SOLVE_QUEUE, id, output, { db });
    },
  };
}

/** The delivery queue's operations, each inside the caller's transaction `tx`. */
export interface DeliveryQueue {
  /** A new delivery, due now (or in `afterSeconds`). Returns false when it already has an entry. */
  send(id: string, afterSeconds?: number): Promise<boolean>;
  /** Up to `n` due deliveries' ids, now active (taken by the caller). */
  take(n: number): Promise<string[]>;
  /** A failed post: offered again in `seconds`, as a new entry. */
  retryLater(id: string, seconds: number): Promise<void>;
  /** Delivered (or no longer pending): completed; dead (out of time): cancelled, never offered again. */
  end(id: string, how: 'delivered' | 'dead'): Promise<void>;
}

export function deliveryQueue(tx: Db): DeliveryQueue {
  const b = boss(tx.queueSchema);
  const db = bossDb(tx);
  const send = async (id: string, afterSeconds = 0) =>
    (await b.send(DELIVERY_QUEUE, {}, { db, id, retryLimit: DELIVERY_LOST_RETRIES, expireInSeconds: DELIVERY_EXPIRE_SECONDS, ...(afterSeconds > 0 ? { startAfter: afterSeconds } : {}) })) === id;
  return {
    send,
    async take(n) {
      return (await b.fetch(DELIVERY_QUEUE, { db, batchSize: n })).map((j) => j.id);
    },
    async retryLater(id, seconds) {
      await b.deleteJob(DELIVERY_QUEUE, id, { db });
      if (!(await send(id, seconds))) throw new Error(`delivery queue: delivery ${id} was not queued again`);
    },
    async end(id, how) {
      if (how === 'delivered') await b.complete(DELIVERY_QUEUE, id, {}, { db });
      else await b.cancel(DELIVERY_QUEUE, id, { db });
    },
  };
}
