/**
 * The durable job queue: solve jobs in the `solve_jobs` table, run by worker processes (dist/worker.js)
 * on PostgreSQL, and by the API's own threads on PGlite or PostgreSQL; across processes, kills and restarts.
 * PostgreSQL comes from TEST_DATABASE_URL (CI) or the local default; each part works in its own schema.
 */
import t from 'tap';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { buildApp, type App } from '../dist/index.js';
import { openPostgres, type Store } from '../dist/store/store.js';
import { startServerProcess } from '../dist/bench/server-process.js';
import { largeScenario, smallScenario } from './fixtures.js';

type Json = Record<string, any>;
const PG_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ADMIN = 'frk_jobs_queue_admin';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const WORKER = fileURLToPath(new URL('../dist/worker.js', import.meta.url));
const ENDED = new Set(['done', 'failed', 'cancelled']);

/** Polls `probe` every 100 ms until it returns a value, or fails after `ms`. */
async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

interface WorkerProcess {
  readonly child: ChildProcess;
  readonly owner: string;
  readonly logs: string[];
}

function startWorker(env: Record<string, string>): Promise<WorkerProcess> {
  const child = spawn(process.execPath, [WORKER], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start: ${logs.join('\n')}`)), 30_000);
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => logs.push(chunk));
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      logs.push(chunk);
      const line = chunk.split('\n').find((l) => l.includes('worker ready'));
      if (line) {
        clearTimeout(timer);
        resolve({ child, owner: (JSON.parse(line) as Json).owner as string, logs });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`worker exited (${code}): ${logs.join('\n')}`));
    });
  });
}

const stopWorker = (w: WorkerProcess) =>
  new Promise<void>((resolve) => {
    if (w.child.exitCode !== null || w.child.signalCode !== null) return resolve();
    w.child.once('exit', () => resolve());
    w.child.kill('SIGTERM');
  });

/** A fresh schema on the PostgreSQL server, dropped at the end. */
async function pgSchema(tt: Parameters<Parameters<typeof t.test>[1]>[0]): Promise<{ schema: string; store: Store }> {
  const schema = `jq_${randomBytes(5).toString('hex')}`;
  const store = await openPostgres(PG_URL, { schema, poolSize: 6 });
  const { migrate } = await import('../dist/store/store.js');
  await migrate(store);
  tt.teardown(async () => {
    await store.close();
    const admin = await openPostgres(PG_URL);
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.close();
  });
  return { schema, store };
}

async function integrationKey(app: App): Promise<Record<string, string>> {
  const res = await app.inject({ method: 'POST', url: '/v1/keys', headers: { authorization: `Bearer ${ADMIN}` }, payload: { role: 'integration', label: 'jobs' } });
  if (res.statusCode !== 201) throw new Error(res.body);
  return { authorization: `Bearer ${(res.json() as Json).key}` };
}

const row = async (store: Store, id: string) => (await store.query<Json>('SELECT status, attempts, runner, lease_owner, error FROM solve_jobs WHERE id = $1', [id]))[0]!;

t.test('PostgreSQL: an API without solve threads, two worker processes', async (t) => {
  const { schema, store } = await pgSchema(t);
  const app = await buildApp({ store, adminKey: ADMIN, limits: { requestsPerMinute: 100_000, concurrentSolves: 100 }, jobQueue: { enqueueOnly: true, leaseSeconds: 2 }, heuristicShare: 0.9 });
  t.teardown(() => app.close());
  const auth = await integrationKey(app);
  const env = { DATABASE_URL: PG_URL, DB_SCHEMA: schema, WORKERS: '1', LEASE_SECONDS: '2' };
  const workers = await Promise.all([startWorker(env), startWorker(env)]);
  t.teardown(() => Promise.all(workers.map(stopWorker)));
  const post = async (scenario: unknown, options: Json) => {
    const res = await app.inject({ method: 'POST', url: '/v1/solve-jobs', headers: auth, payload: { scenario, options } });
    t.equal(res.statusCode, 202, res.body);
    return (res.json() as Json).id as string;
  };
  const view = async (id: string) => (await app.inject({ method: 'GET', url: `/v1/solve-jobs/${id}`, headers: auth })).json() as Json;

  t.test('20 jobs across two workers all finish exactly once', async (t) => {
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push(await post(smallScenario(), { timeLimitSeconds: 1, backend: 'javascript-lp-solver' }));
    const first = await view(ids[19]!);
    t.ok(first.status !== 'queued' || first.queuePosition >= 1, 'a queued job shows its place');
    const views = await until('20 jobs', async () => {
      const all = await Promise.all(ids.map(view));
      return all.every((v) => ENDED.has(v.status)) ? all : undefined;
    });
    t.same(views.map((v) => v.status), ids.map(() => 'done'));
    t.ok(views.every((v) => v.result?.roster?.assignments?.length > 0), 'every job has its roster');
    const rows = await Promise.all(ids.map((id) => row(store, id)));
    t.same(rows.map((r) => r.attempts), ids.map(() => 1), 'each ran once');
    const runners = new Set(rows.map((r) => r.runner));
    t.same([...runners].sort(), workers.map((w) => w.owner).sort(), 'both workers took jobs');
  });

  t.test('cancel through the API reaches the worker running the job', async (t) => {
    const id = await post(largeScenario(40, 14), { timeLimitSeconds: 30 });
    // Once the heuristic has a roster (progress reaches the row at most once a second).
    await until('a first roster', async () => ((await view(id)).progress.bestCost !== null ? true : undefined));
    const started = Date.now();
    const res = await app.inject({ method: 'DELETE', url: `/v1/solve-jobs/${id}`, headers: auth });
    const took = Date.now() - started;
    t.equal(res.statusCode, 200, 'cancelled');
    const ended = res.json() as Json;
    t.equal(ended.status, 'cancelled');
    t.ok(took < 2000, `ended within 2 s (${took} ms)`);
    t.ok(ended.result?.roster?.assignments?.length > 0, 'with its best roster');
    t.equal((await app.inject({ method: 'DELETE', url: `/v1/solve-jobs/${id}`, headers: auth })).statusCode, 200, 'a repeated cancel repeats the answer');
  });

  t.test('a queued job nobody runs is cancelled at once; other keys get 404', async (t) => {
    // Hold both workers, so the third job waits.
    const busy = [await post(largeScenario(40, 14), { timeLimitSeconds: 20 }), await post(largeScenario(40, 14), { timeLimitSeconds: 20 })];
    const id = await post(smallScenario(), { timeLimitSeconds: 1, backend: 'javascript-lp-solver' });
    await until('both busy', async () => ((await Promise.all(busy.map(view))).every((v) => v.status === 'running') ? true : undefined));
    const queued = await view(id);
    t.equal(queued.status, 'queued');
    t.equal(queued.queuePosition, 1);
    const other = await integrationKey(app);
    t.equal((await app.inject({ method: 'GET', url: `/v1/solve-jobs/${id}`, headers: other })).statusCode, 404);
    const res = await app.inject({ method: 'DELETE', url: `/v1/solve-jobs/${id}`, headers: auth });
    t.equal(res.statusCode, 200);
    t.equal((res.json() as Json).status, 'cancelled');
    t.notOk((res.json() as Json).result, 'no roster: it never started');
    for (const b of busy) await app.inject({ method: 'DELETE', url: `/v1/solve-jobs/${b}`, headers: auth });
  });

  t.test('SSE from an API process that runs nothing follows the job to its end', async (t) => {
    const id = await post(smallScenario(), { timeLimitSeconds: 2, backend: 'javascript-lp-solver' });
    const res = await app.inject({ method: 'GET', url: `/v1/solve-jobs/${id}/events`, headers: auth });
    t.equal(res.statusCode, 200);
    t.match(res.body, /event: progress/);
    t.match(res.body, /event: done\nid: \d+\ndata: \{"id":"[^"]+","status":"done"/);
  });

  t.test('a SIGKILLed worker: its job runs again on the other after the lease', async (t) => {
    const id = await post(largeScenario(40, 14), { timeLimitSeconds: 6 });
    const holder = await until('running', async () => {
      const r = await row(store, id);
      return r.status === 'running' ? (r.runner as string) : undefined;
    });
    const victim = workers.find((w) => w.owner === holder)!;
    const survivor = workers.find((w) => w.owner !== holder)!;
    await sleep(1000);
    const killedAt = Date.now();
    victim.child.kill('SIGKILL');
    const again = await until('taken again', async () => {
      const r = await row(store, id);
      return r.attempts === 2 && r.status === 'running' ? r : undefined;
    });
    const seconds = (Date.now() - killedAt) / 1000;
    t.equal(again.runner, survivor.owner, 'the other worker took it');
    t.ok(seconds < 2 * 3 + 2, `taken again within about a lease (${seconds.toFixed(1)} s)`);
    const done = await until('done', async () => {
      const v = await view(id);
      return ENDED.has(v.status) ? v : undefined;
    });
    t.equal(done.status, 'done');
    t.equal((await row(store, id)).attempts, 2);
  });

  t.test('out of attempts: a lost job fails with the reason stated', async (t) => {
    const id = await post(smallScenario(), { timeLimitSeconds: 1, backend: 'javascript-lp-solver' });
    await until('done', async () => (ENDED.has((await view(id)).status) ? true : undefined));
    // As a runner that vanished on its last attempt leaves it.
    await store.query("UPDATE solve_jobs SET status = 'running', attempts = max_attempts, lease_owner = 'gone', lease_until = now() - interval '1 second', finished_at = NULL, expires_at = NULL, result = NULL WHERE id = $1", [id]);
    const failed = await until('failed', async () => {
      const v = await view(id);
      return v.status === 'failed' ? v : undefined;
    });
    t.match(failed.error.detail, /on each of 3 attempts/);
  });
});

t.test('a job survives an API restart', async (t) => {
  const run = async (t: Parameters<Parameters<typeof t.test>[1]>[0], env: Record<string, string>) => {
    const start = () => startServerProcess({ ...env, FLEXROSTER_ADMIN_KEY: ADMIN, LEASE_SECONDS: '2' }, 60_000);
    let server = await start();
    t.teardown(() => server.stop());
    const call = async (method: string, path: string, body?: unknown, key = ADMIN) => {
      const res = await fetch(server.url + path, { method, headers: { authorization: `Bearer ${key}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
      return { status: res.status, body: (await res.json()) as Json };
    };
    const key = (await call('POST', '/v1/keys', { role: 'integration', label: 'restart' })).body.key as string;
    const posted = await call('POST', '/v1/solve-jobs', { scenario: largeScenario(40, 14), options: { timeLimitSeconds: 5 } }, key);
    t.equal(posted.status, 202);
    const id = posted.body.id as string;
    await until('running', async () => ((await call('GET', `/v1/solve-jobs/${id}`, undefined, key)).body.status === 'running' ? true : undefined));
    server.child.kill('SIGKILL');
    await server.stop();
    server = await start();
    const after = await call('GET', `/v1/solve-jobs/${id}`, undefined, key);
    t.equal(after.status, 200, 'still known after the crash');
    const done = await until(
      'done after restart',
      async () => {
        const v = (await call('GET', `/v1/solve-jobs/${id}`, undefined, key)).body;
        return ENDED.has(v.status) ? v : undefined;
      },
      90_000,
    );
    t.equal(done.status, 'done');
    t.ok(done.result.roster.assignments.length > 0);
  };

  t.test('PGlite', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'flexroster-jq-'));
    t.teardown(() => rm(dir, { recursive: true, force: true }));
    await run(t, { DATA_DIR: dir, DATABASE_URL: '' });
  });

  t.test('PostgreSQL', async (t) => {
    const { schema } = await pgSchema(t);
    await run(t, { DATABASE_URL: PG_URL, DB_SCHEMA: schema });
  });
});
