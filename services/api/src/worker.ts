/**
 * A worker process: takes solve jobs from the PostgreSQL queue (DATABASE_URL, required) and runs them on
 * its own solve threads (WORKERS, default one per core). Start any number, on any machines. SIGINT/SIGTERM
 * hand its running jobs back to the queue; after SIGKILL they are taken again once their lease ran out.
 * A lost database connection does not end the process: it stops taking jobs, gives up each running solve
 * once its lease ran out (others retry the job), and takes jobs again when the database answers (see
 * job-runner.ts); each change is logged as a JSON line (`database lost`, `solves abandoned`, `database back`).
 * LEASE_SECONDS (default 30), JOB_TTL_SECONDS (default 3600), SOLVE_GRACE_SECONDS (default 10).
 */
import { availableParallelism } from 'node:os';
import { openStore } from './store/store.js';
import { SolvePool } from './workers/pool.js';
import { CONNECTION_LOG, JobRunner, runnerId } from './job-runner.js';

const positive = (name: string, fallback: number): number => {
  const raw = process.env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!(value > 0)) {
    console.error(`${name} must be a positive number, got ${JSON.stringify(raw)}`);
    process.exit(1);
  }
  return value;
};

const databaseUrl = process.env.DATABASE_URL?.trim();
if (!databaseUrl) {
  console.error('flexroster worker: DATABASE_URL must name the PostgreSQL database the API uses (an embedded PGlite is one process: run `pnpm start` alone)');
  process.exit(1);
}
const size = Math.floor(positive('WORKERS', availableParallelism()));
const leaseSeconds = positive('LEASE_SECONDS', 30);
const ttlSeconds = positive('JOB_TTL_SECONDS', 3600);
const store = await openStore({ databaseUrl, ...(process.env.DB_SCHEMA ? { schema: process.env.DB_SCHEMA } : {}), poolSize: 4 });
const pool = new SolvePool({ size, maxQueue: 0, graceSeconds: positive('SOLVE_GRACE_SECONDS', 10) });
const owner = runnerId('worker');
const runner = new JobRunner(
  store,
  pool,
  {
    leaseSeconds,
    ttlSeconds,
    onError: (error) => console.error(`flexroster worker: ${error instanceof Error ? error.message : String(error)}`),
    onConnection: ({ state, detail }) => console.log(JSON.stringify({ msg: CONNECTION_LOG[state], owner, detail })),
  },
  owner,
);
// Start-up of the solve threads is not part of any job's time.
await Promise.all(Array.from({ length: size }, () => pool.warm()));
runner.start();
console.log(JSON.stringify({ msg: 'worker ready', owner, threads: size, leaseSeconds }));
// The runner's timers are unref'd: this keeps the process alive.
const alive = setInterval(() => undefined, 60_000);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    if (stopping) return;
    stopping = true;
    clearInterval(alive);
    void (async () => {
      await runner.stop();
      await pool.close();
      await store.close();
      process.exit(0);
    })();
  });
}
