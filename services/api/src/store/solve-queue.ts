/**
 * The queue of solve jobs waiting for a runner: pg-boss (queue `solve-jobs`, in `store.queueSchema`),
 * speaking through the store's own connection and transactions (its `db` option), on PostgreSQL and on
 * PGlite alike. A job's entry here and its record in `solve_jobs` are always written in one transaction.
 *
 * Who does what: pg-boss decides which waiting job a runner takes (priority, then age, SKIP LOCKED) and
 * keeps each entry's state (created → active → completed | cancelled | failed); `solve_jobs` keeps the
 * job's record, and the lease its runner renews (pg-boss 10 has no heartbeat: its expiry counts from the
 * start, and a solve's length varies), so a vanished runner's job is handed back by the lease sweep
 * (`requeue`), not by pg-boss's expiry, which is set beyond any solve as a last resort.
 */
import PgBoss from 'pg-boss';
import type { Db, Store } from './store.js';

export const SOLVE_QUEUE = 'solve-jobs';

/**
 * A job its own process runs at once is sent and taken in one transaction; its priority puts it before
 * every waiting job (new ones are priority 0, handed-back ones 1), so that take is certainly it.
 */
const HELD_PRIORITY = 1000;
/** A handed-back job goes before the new ones (priority 0): it has waited longest. */
const REQUEUED_PRIORITY = 1;

/** pg-boss's last-resort expiry of an active entry; leases (seconds) end lost runs long before. */
const EXPIRE_IN_HOURS = 23;

/** pg-boss's statements through one of our connections (a transaction's, or the store's). */
function bossDb(db: Db, store?: Store): PgBoss.Db {
  return {
    executeSql: async (text: string, values?: unknown[]) =>
      values && values.length > 0 ? { rows: await db.query(text, values) } : { rows: store ? await store.script(text) : await db.query(text) },
  };
}

const bosses = new WeakMap<Store, PgBoss>();

/** The store's pg-boss, for its statements only (no timers: leases do what its supervision would). */
function boss(store: Store): PgBoss {
  let b = bosses.get(store);
  if (!b) {
    b = new PgBoss({ db: bossDb(store, store), schema: store.queueSchema, migrate: false, supervise: false, schedule: false });
    bosses.set(store, b);
  }
  return b;
}

/** Creates or upgrades pg-boss's tables and the queue (pg-boss serialises concurrent installs itself). */
export async function installSolveQueue(store: Store): Promise<void> {
  const installer = new PgBoss({ db: bossDb(store, store), schema: store.queueSchema, migrate: true, supervise: false, schedule: false });
  await installer.start();
  try {
    if (!(await installer.getQueue(SOLVE_QUEUE))) await installer.createQueue(SOLVE_QUEUE);
  } catch (error) {
    // Another process created it between the look and the create.
    if (!(await installer.getQueue(SOLVE_QUEUE))) throw error;
  } finally {
    await installer.stop({ graceful: false, close: false, wait: true });
  }
}

/** The queue operations, each inside the caller's transaction `tx` on `store`. */
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

export function solveQueue(store: Store, tx: Db): SolveQueue {
  const b = boss(store);
  const db = bossDb(tx);
  const sendOptions = { db, retryLimit: 0, expireInHours: EXPIRE_IN_HOURS };
  const send = async (id: string, priority: number) => {
    const sent = await b.send(SOLVE_QUEUE, {}, { ...sendOptions, id, priority });
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
    async end(id, how, output) {
      if (how === 'completed') await b.complete(SOLVE_QUEUE, id, output ?? {}, { db });
      else if (how === 'cancelled') await b.cancel(SOLVE_QUEUE, id, { db });
      else await b.fail(SOLVE_QUEUE, id, output ?? {}, { db });
    },
  };
}
