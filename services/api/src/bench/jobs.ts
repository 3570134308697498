/**
 * `pnpm bench:jobs`: the solve-job queue on one PostgreSQL (DATABASE_URL, default the local test database).
 * 1. Throughput: `--jobs` (200) jobs of the example scenario at `--seconds` (2 s) each, enqueued at once,
 *    through 1, 2 and 4 worker processes (one solve thread each): jobs per minute, p50/p95 queue wait.
 * 2. Queue overhead: jobs enqueued one at a time to an idle worker: enqueue → start p50/p99.
 * 3. A SIGKILLed worker: time until its job runs again on another (LEASE_SECONDS, `--lease`, default 10), and
 *    whether the retry started from the job's checkpoint.
 * Writes benchmarks/results/jobs.md. Each part works in its own schema, dropped afterwards.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { benchArgs, numberArg } from './args.js';
import { migrate, openPostgres, type Store } from '../store/store.js';
import { insertJob } from '../store/solve-jobs.js';
import type { SolveTask } from '../workers/protocol.js';

const USAGE = 'pnpm bench:jobs [--jobs 200] [--seconds 2] [--workers 1,2,4] [--lease 10] [--samples 30] [--out benchmarks/results/jobs.md]   (DATABASE_URL: the PostgreSQL to use)';
const args = benchArgs(USAGE, {
  jobs: { type: 'string', default: '200' },
  seconds: { type: 'string', default: '2' },
  workers: { type: 'string', default: '1,2,4' },
  lease: { type: 'string', default: '10' },
  samples: { type: 'string', default: '30' },
  out: { type: 'string', default: 'benchmarks/results/jobs.md' },
});
const URL_ = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const JOBS = numberArg('jobs', args.jobs, USAGE, 0, 100_000);
const SECONDS = numberArg('seconds', args.seconds, USAGE, 0, 3600);
const LEASE = numberArg('lease', args.lease, USAGE, 0, 3600);
const WORKER = fileURLToPath(new URL('../worker.js', import.meta.url));
const scenario = JSON.parse(await readFile(fileURLToPath(new URL('../../../../examples/contact-centre-week/scenario.json', import.meta.url)), 'utf8')) as unknown;
const task: SolveTask = { timeLimitSeconds: SECONDS, backend: 'highs' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};

async function withSchema<T>(fn: (store: Store, schema: string) => Promise<T>): Promise<T> {
  const schema = `bench_jobs_${randomBytes(4).toString('hex')}`;
  const store = await openPostgres(URL_, { schema, poolSize: 4 });
  await migrate(store);
  try {
    return await fn(store, schema);
  } finally {
    await store.query(`DROP SCHEMA ${schema}, ${schema}_queue CASCADE`);
    await store.close();
  }
}

async function startWorkers(n: number, schema: string): Promise<{ child: ChildProcess; owner: string }[]> {
  return Promise.all(
    Array.from({ length: n }, () => {
      const child = spawn(process.execPath, [WORKER], { env: { ...process.env, DATABASE_URL: URL_, DB_SCHEMA: schema, WORKERS: '1', LEASE_SECONDS: String(LEASE) }, stdio: ['ignore', 'pipe', 'inherit'] });
      return new Promise<{ child: ChildProcess; owner: string }>((resolve, reject) => {
        child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
          const line = chunk.split('\n').find((l) => l.includes('worker ready'));
          if (line) resolve({ child, owner: (JSON.parse(line) as { owner: string }).owner });
        });
        child.once('exit', (code) => reject(new Error(`worker exited (${code})`)));
      });
    }),
  );
}

const stopAll = async (workers: { child: ChildProcess }[]) => {
  await Promise.all(workers.map((w) => new Promise<void>((resolve) => (w.child.exitCode !== null || w.child.signalCode !== null ? resolve() : (w.child.once('exit', () => resolve()), w.child.kill('SIGTERM'))))));
};

const enqueue = (store: Store) => {
  const id = randomUUID();
  return insertJob(store, { id, tenantId: 'bench', keyId: 'bench', task, scenario, maxAttempts: 3, leaseSeconds: LEASE }).then(() => id);
};

async function waitAllEnded(store: Store): Promise<void> {
  for (;;) {
    const [row] = await store.query<{ n: string }>("SELECT count(*) AS n FROM solve_jobs WHERE status IN ('queued', 'running')");
    if (Number(row!.n) === 0) return;
    await sleep(500);
  }
}

async function throughput(n: number) {
  return withSchema(async (store, schema) => {
    const workers = await startWorkers(n, schema);
    for (let i = 0; i < JOBS; i++) await enqueue(store);
    await waitAllEnded(store);
    await stopAll(workers);
    const rows = await store.query<{ status: string; wait: number; span: number }>(
      `SELECT status, extract(epoch FROM started_at - created_at)::float8 AS wait,
              extract(epoch FROM (SELECT max(finished_at) - min(created_at) FROM solve_jobs))::float8 AS span FROM solve_jobs`,
    );
    const waits = rows.map((r) => r.wait);
    // Why jobs did not end done, counted by reason (say, a build too slow for the limit on an overloaded machine).
    const notDone = await store.query<{ why: string; n: string }>(
      "SELECT status || ': ' || concat_ws(': ', error->>'detail', error->'errors'->0->>'path', error->'errors'->0->>'message') AS why, count(*) AS n FROM solve_jobs WHERE status <> 'done' GROUP BY 1 ORDER BY 2 DESC",
    );
    return {
      n,
      done: rows.filter((r) => r.status === 'done').length,
      perMinute: (rows.length / rows[0]!.span) * 60,
      p50: quantile(waits, 0.5),
      p95: quantile(waits, 0.95),
      notDone: notDone.map((r) => `${r.n} × ${r.why}`),
    };
  });
}

async function overhead(samples: number) {
  return withSchema(async (store, schema) => {
    const workers = await startWorkers(1, schema);
    for (let i = 0; i < samples; i++) {
      await enqueue(store);
      await waitAllEnded(store);
    }
    await stopAll(workers);
    const rows = await store.query<{ ms: number }>('SELECT extract(epoch FROM started_at - created_at)::float8 * 1000 AS ms FROM solve_jobs');
    const ms = rows.map((r) => r.ms);
    return { samples, p50: quantile(ms, 0.5), p99: quantile(ms, 0.99) };
  });
}

/** SIGKILLs the worker running a checkpointed job: seconds until the job runs again, and where its retry started. */
async function killCost() {
  return withSchema(async (store, schema) => {
    const workers = await startWorkers(2, schema);
    const id = await enqueue(store);
    type Row = { runner: string | null; status: string; attempts: number; checkpoint: { cost: number } | null; started_from: string | null; start_cost: number | null; result: { cost: number } | null };
    const read = async () => (await store.query<Row>('SELECT runner, status, attempts, checkpoint, started_from, start_cost, result FROM solve_jobs WHERE id = $1', [id]))[0]!;
    // The first roster is checkpointed at once: killed after it, the retry has a roster to start from.
    let holder: string | undefined;
    while (!holder) {
      const row = await read();
      if (row.status === 'running' && row.checkpoint) holder = row.runner!;
      else await sleep(50);
    }
    const killedAt = Date.now();
    workers.find((w) => w.owner === holder)!.child.kill('SIGKILL');
    for (;;) {
      const row = await read();
      if (row.attempts >= 2 && row.status !== 'queued') break;
      await sleep(50);
    }
    const seconds = (Date.now() - killedAt) / 1000;
    await waitAllEnded(store);
    await stopAll(workers);
    const end = await read();
    return { seconds, startedFrom: end.started_from, startCost: end.start_cost, status: end.status, cost: end.result?.cost };
  });
}

const counts = args.workers.split(',').map(Number);
const results = [];
for (const n of counts) {
  console.log(`throughput: ${JOBS} jobs through ${n} worker process(es)…`);
  results.push(await throughput(n));
}
console.log('queue overhead…');
const over = await overhead(Number(args.samples));
console.log('SIGKILL…');
const kill = await killCost();

const cores = availableParallelism();
const md = `# Solve-job queue (\`pnpm bench:jobs\`)

${cpus()[0]?.model ?? 'unknown CPU'}, ${cores} cores; Node ${process.version}; one PostgreSQL on the same machine.
Each job: the example scenario (examples/contact-centre-week) at ${SECONDS} s, HiGHS. ${JOBS} jobs enqueued at once;
each worker process runs one solve thread (WORKERS=1).${counts.some((n) => n > cores) ? ` Note: ${Math.max(...counts)} processes over-subscribe ${cores} cores, so each solve gets less CPU than its limit assumes.` : ''}

| worker processes | jobs done | jobs / min | queue wait p50 (s) | queue wait p95 (s) |
|---:|---:|---:|---:|---:|
${results.map((r) => `| ${r.n} | ${r.done} | ${r.perMinute.toFixed(1)} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} |`).join('\n')}

${results.flatMap((r) => r.notDone.map((why) => `- ${r.n} process(es), not done: ${why}`)).join('\n')}

Queue overhead (enqueue → start on an idle worker, ${over.samples} jobs one at a time): p50 ${over.p50.toFixed(0)} ms, p99 ${over.p99.toFixed(0)} ms
(idle workers poll every 250 ms).

A worker killed with SIGKILL mid-solve (after its job's first checkpoint): the job ran again on the other worker after
${kill.seconds.toFixed(1)} s (LEASE_SECONDS=${LEASE}: the lease must run out, then a runner's sweep, every half lease, hands it back).
The retry started from ${kill.startedFrom === 'checkpoint' ? `the checkpoint (cost ${kill.startCost})` : String(kill.startedFrom)} and ended ${kill.status}${kill.cost !== undefined ? ` at cost ${kill.cost}` : ''}.
`;
await writeFile(args.out, md);
console.log(md);
