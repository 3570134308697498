/**
 * Access and limits: every compute route takes a key, the integration role, the tenant policy's limits
 * (requests per minute, concurrent solves, time limit, scenario size), jobs owned by their key, the
 * synchronous solve's time limit as the caller's whole wait, lazy workers, and /health staying responsive
 * while the largest allowed scenario is evaluated, solved and checked. PGlite, or PostgreSQL with
 * TEST_DATABASE_URL.
 */
import t from 'tap';
import { buildApp, type App, type BuildAppOptions } from '../dist/index.js';
import { largeRoster, largeScenario, smallRoster, smallScenario } from './fixtures.js';
import { call, testBackend, type Json } from './world.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const ADMIN = 'frk_security_test_admin';
const backend = await testBackend('flexroster-sec-');
const store = await backend.open();
t.teardown(async () => {
  await store.close();
  await backend.cleanup();
});

const apps: App[] = [];
async function makeApp(options: BuildAppOptions = {}): Promise<App> {
  const app = await buildApp({ store, adminKey: ADMIN, solvePool: { size: 1, maxQueue: 4 }, ...options });
  apps.push(app);
  return app;
}
t.teardown(async () => {
  for (const app of apps) await app.close();
});

const app = await makeApp();

/** A fresh tenant with an admin, a planner, two integration keys and an agent key. */
async function tenant(name: string) {
  const created = await call(app, 'POST', '/v1/tenants', ADMIN, { name });
  if (created.status !== 201) throw new Error(JSON.stringify(created.body));
  const admin = created.body.adminKey as string;
  const key = async (body: Json) => {
    const r = await call(app, 'POST', '/v1/keys', admin, body);
    if (r.status !== 201) throw new Error(JSON.stringify(r.body));
    return { key: r.body.key as string, id: r.body.id as string };
  };
  return { admin, planner: await key({ role: 'planner' }), int1: await key({ role: 'integration' }), int2: await key({ role: 'integration' }), agent: await key({ role: 'agent', agentId: 'a1' }) };
}

const setLimits = async (admin: string, limits: Json, keyLimits?: Json) => {
  const r = await call(app, 'PUT', '/v1/policy', admin, { limits, ...(keyLimits ? { keyLimits } : {}) });
  if (r.status !== 200) throw new Error(JSON.stringify(r.body));
};

const giveAway = { kind: 'give-away', fromAgent: 'a1', shift: { start: '2026-03-23T08:00', end: '2026-03-23T16:00' }, toAgent: 'a3' };
const computeBodies: [string, Json][] = [
  ['/v1/validate', smallScenario()],
  ['/v1/solve', { scenario: smallScenario(), options: { timeLimitSeconds: 1 } }],
  ['/v1/solve-jobs', { scenario: smallScenario(), options: { timeLimitSeconds: 1 } }],
  ['/v1/evaluate', { scenario: smallScenario(), roster: smallRoster() }],
  ['/v1/swaps/check', { scenario: smallScenario(), roster: smallRoster(), swap: giveAway }],
  ['/v1/swaps/candidates', { scenario: smallScenario(), roster: smallRoster(), agentId: 'a1', shift: giveAway.shift }],
];

t.test('compute routes take a key: 401 without, 403 for an agent key, the integration role may use them', async (t) => {
  const keys = await tenant('access');
  for (const [url, body] of computeBodies) {
    const anonymous = await call(app, 'POST', url, undefined, body);
    t.equal(anonymous.status, 401, `${url} without a key`);
    t.match(anonymous.res.headers['www-authenticate'], /^Bearer/);
    t.equal((await call(app, 'POST', url, 'frk_not_a_key', body)).status, 401, `${url} with an unknown key`);
    t.equal((await call(app, 'POST', url, keys.agent.key, body)).status, 403, `${url} with an agent key`);
    const allowed = await call(app, 'POST', url, keys.int1.key, body);
    t.ok([200, 202].includes(allowed.status), `${url} with an integration key: ${allowed.status}`);
    if (url === '/v1/solve-jobs') {
      for (const path of ['', '/events']) t.equal((await call(app, 'GET', `/v1/solve-jobs/${allowed.body.id}${path}`)).status, 401, `GET job${path} without a key`);
      t.equal((await call(app, 'DELETE', `/v1/solve-jobs/${allowed.body.id}`)).status, 401, 'DELETE job without a key');
    }
  }
  t.equal((await call(app, 'GET', '/health')).status, 200, '/health needs no key');
  const doc = await call(app, 'GET', '/docs/json');
  t.equal(doc.status, 200, '/docs needs no key');
  t.match(doc.body.info.description, /Request bodies are limited to 5242880 bytes/, 'the OpenAPI document states the body limit');
  t.same(doc.body.paths['/v1/solve'].post.security ?? doc.body.security, [{ apiKey: [] }], 'and that routes take a key');
  t.equal((await call(app, 'GET', '/v1/schedules', keys.int1.key)).status, 403, 'an integration key has no stored schedules');
  t.equal((await call(app, 'POST', '/v1/keys', keys.planner.key, { role: 'integration' })).status, 403, 'only an admin makes keys');
});

t.test('a job belongs to its key: other keys, also of its tenant, get 404', async (t) => {
  const mine = await tenant('jobs-a');
  const other = await tenant('jobs-b');
  const started = await call(app, 'POST', '/v1/solve-jobs', mine.int1.key, { scenario: smallScenario(), options: { timeLimitSeconds: 1 } });
  t.equal(started.status, 202);
  const url = `/v1/solve-jobs/${started.body.id}`;
  for (const key of [mine.int2.key, mine.planner.key, other.int1.key, other.admin]) {
    t.equal((await call(app, 'GET', url, key)).status, 404, 'GET');
    t.equal((await call(app, 'GET', `${url}/events`, key)).status, 404, 'events');
    t.equal((await call(app, 'DELETE', url, key)).status, 404, 'DELETE');
  }
  t.equal((await call(app, 'GET', url, mine.int1.key)).status, 200, 'its own key sees it');
});

t.test('requests per minute: per key, 429 with Retry-After naming the limit; only an admin sets limits', async (t) => {
  const keys = await tenant('rate');
  const refused = await call(app, 'PUT', '/v1/policy', keys.planner.key, { limits: { requestsPerMinute: 100 } });
  t.equal(refused.status, 403, 'a planner may not change limits');
  t.equal((await call(app, 'PUT', '/v1/policy', keys.admin, { limits: { requestsPerMinute: 1_000_000 } })).status, 400, 'above the ceiling');
  await setLimits(keys.admin, { requestsPerMinute: 3 });
  const statuses: number[] = [];
  let last!: Awaited<ReturnType<typeof call>>;
  for (let i = 0; i < 4; i++) {
    last = await call(app, 'POST', '/v1/validate', keys.int1.key, smallScenario());
    statuses.push(last.status);
  }
  t.same(statuses, [200, 200, 200, 429]);
  t.match(String(last.res.headers['content-type']), /^application\/problem\+json/);
  t.match(last.body, { status: 429, type: 'urn:flexroster:problem:limit', limit: { name: 'requestsPerMinute', allowed: 3 } });
  const retryAfter = Number(last.res.headers['retry-after']);
  t.ok(retryAfter >= 1 && retryAfter <= 60, `Retry-After ${retryAfter}`);
  t.equal((await call(app, 'POST', '/v1/validate', keys.int2.key, smallScenario())).status, 200, 'another key of the tenant has its own count');
});

t.test('limits on solves and scenarios: concurrent solves 429, time limit and size 422, per key over the tenant', async (t) => {
  const keys = await tenant('quota');
  await setLimits(keys.admin, { concurrentSolves: 1, maxTimeLimitSeconds: 20, maxAgents: 40, maxDayIntervals: 14 * 96 }, { [keys.int2.id]: { maxAgents: 2 } });
  const slow = await makeApp({ heuristicShare: 1 });
  const first = await call(slow, 'POST', '/v1/solve-jobs', keys.int1.key, { scenario: largeScenario(40, 14), options: { timeLimitSeconds: 20 } });
  t.equal(first.status, 202);
  const second = await call(slow, 'POST', '/v1/solve-jobs', keys.int1.key, { scenario: smallScenario(), options: { timeLimitSeconds: 1 } });
  t.equal(second.status, 429, 'a second solve of the same key');
  t.match(second.body, { limit: { name: 'concurrentSolves', allowed: 1 } });
  t.ok(Number(second.res.headers['retry-after']) >= 1, 'with Retry-After');
  const sync = await call(slow, 'POST', '/v1/solve', keys.int1.key, { scenario: smallScenario(), options: { timeLimitSeconds: 1 } });
  t.equal(sync.status, 429, 'synchronous solves count too');

  const tooLong = await call(slow, 'POST', '/v1/solve-jobs', keys.int1.key, { scenario: smallScenario(), options: { timeLimitSeconds: 60 } });
  t.equal(tooLong.status, 422);
  t.match(tooLong.body, { type: 'urn:flexroster:problem:limit', limit: { name: 'maxTimeLimitSeconds', allowed: 20, requested: 60 } });
  const tooMany = await call(slow, 'POST', '/v1/evaluate', keys.int1.key, { scenario: largeScenario(41, 7), roster: largeRoster(41, 7) });
  t.match(tooMany.body, { status: 422, limit: { name: 'maxAgents', allowed: 40, requested: 41 } });
  const tooLongHorizon = await call(slow, 'POST', '/v1/swaps/check', keys.int1.key, { scenario: largeScenario(4, 15), roster: largeRoster(4, 15), swap: giveAway });
  t.match(tooLongHorizon.body, { status: 422, limit: { name: 'maxDayIntervals', allowed: 14 * 96, requested: 15 * 96 } });
  const keyLimit = await call(slow, 'POST', '/v1/validate', keys.int2.key, smallScenario());
  t.match(keyLimit.body, { status: 422, limit: { name: 'maxAgents', allowed: 2, requested: 3 } }, 'keyLimits apply over the tenant limits');

  t.equal((await call(slow, 'DELETE', `/v1/solve-jobs/${first.body.id}`, keys.int1.key)).status >= 200, true);
  await waitUntil(async () => (await call(slow, 'GET', `/v1/solve-jobs/${first.body.id}`, keys.int1.key)).body.status === 'cancelled');
  const after = await call(slow, 'POST', '/v1/solve', keys.int1.key, { scenario: smallScenario(), options: { timeLimitSeconds: 1 } });
  t.equal(after.status, 200, 'the place is free again once the job ended');
});

async function waitUntil(done: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > until) throw new Error('timed out');
    await sleep(50);
  }
}

t.test('a synchronous solve under a full queue: 503 at once, or an answer within its limit + 1 s; jobs show their queue position', async (t) => {
  const keys = await tenant('queue');
  const busy = await makeApp({ heuristicShare: 1, solvePool: { size: 1, maxQueue: 4 } });
  const long = await call(busy, 'POST', '/v1/solve-jobs', keys.int1.key, { scenario: largeScenario(40, 14), options: { timeLimitSeconds: 20 } });
  t.equal(long.status, 202);
  await waitUntil(async () => (await call(busy, 'GET', `/v1/solve-jobs/${long.body.id}`, keys.int1.key)).body.status === 'running');
  const queued = await call(busy, 'POST', '/v1/solve-jobs', keys.int2.key, { scenario: smallScenario(), options: { timeLimitSeconds: 1 } });
  const view = await call(busy, 'GET', `/v1/solve-jobs/${queued.body.id}`, keys.int2.key);
  t.match(view.body, { status: 'queued', queuePosition: 1 });

  const t0 = performance.now();
  const refused = await call(busy, 'POST', '/v1/solve', keys.planner.key, { scenario: smallScenario(), options: { timeLimitSeconds: 4 } });
  const refusedMs = performance.now() - t0;
  t.equal(refused.status, 503, 'the solves ahead would take longer than half its limit');
  t.ok(Number(refused.res.headers['retry-after']) >= 1, 'with Retry-After');
  t.ok(refusedMs < 1000, `refused at once (${refusedMs.toFixed(0)} ms)`);

  await call(busy, 'DELETE', `/v1/solve-jobs/${queued.body.id}`, keys.int2.key);
  await call(busy, 'DELETE', `/v1/solve-jobs/${long.body.id}`, keys.int1.key);
  await waitUntil(async () => (await call(busy, 'GET', '/health')).body.solvePool.running === 0);
  // Free again: a solve that keeps its worker busy for its whole limit answers within it plus 1 s.
  const t1 = performance.now();
  const answered = await call(busy, 'POST', '/v1/solve', keys.planner.key, { scenario: largeScenario(10, 7), options: { timeLimitSeconds: 3 } });
  const answeredMs = performance.now() - t1;
  t.equal(answered.status, 200, JSON.stringify(answered.body).slice(0, 300));
  t.comment(`solved in ${answeredMs.toFixed(0)} ms, the solver's own total ${answered.body.stats?.totalSeconds} s`);
  t.ok(answeredMs <= 4000, `answered in ${answeredMs.toFixed(0)} ms (limit 3 s + 1 s)`);
});

t.test('a scenario too large to build within its time limit is a 422 before any solve worker is used', async (t) => {
  const keys = await tenant('too-large');
  const fresh = await makeApp();
  // Validation runs on a compute worker first, which measures the build rate as it starts.
  const res = await call(fresh, 'POST', '/v1/solve', keys.int1.key, { scenario: largeScenario(80, 28), options: { timeLimitSeconds: 0.05 } });
  t.equal(res.status, 422);
  t.match(res.body, { type: 'urn:flexroster:problem:too-large-for-time-limit', detail: /takes about [\d.]+ s on this server, more than its time limit of 0.05 s/ });
  t.equal((await call(fresh, 'GET', '/health')).body.solvePool.started, 0, 'no solve worker was started for it');
  const fits = await call(fresh, 'POST', '/v1/solve', keys.int1.key, { scenario: smallScenario(), options: { timeLimitSeconds: 1 } });
  t.equal(fits.status, 200, 'a small scenario with the same limit solves');
});

t.test('workers start on first use: none at start, compute workers for checks, a solve worker for the first solve', async (t) => {
  const keys = await tenant('lazy');
  const lazy = await makeApp();
  t.match((await call(lazy, 'GET', '/health')).body.solvePool, { started: 0, running: 0 });
  t.equal((await call(lazy, 'POST', '/v1/validate', keys.int1.key, smallScenario())).status, 200);
  t.equal((await call(lazy, 'GET', '/health')).body.solvePool.started, 0, 'validation does not start a solve worker');
  t.equal((await call(lazy, 'POST', '/v1/solve', keys.int1.key, { scenario: smallScenario(), options: { timeLimitSeconds: 1 } })).status, 200);
  t.equal((await call(lazy, 'GET', '/health')).body.solvePool.started, 1, 'the first solve started one');
});

t.test('/health p99 ≤ 50 ms while the largest allowed scenario is evaluated, solved and checked', async (t) => {
  const keys = await tenant('event-loop');
  const heavy = await makeApp({ limits: { requestsPerMinute: 100_000 } });
  // The largest scenario the default limits allow (see limits.ts), with a full roster of it.
  const { maxAgents, maxDayIntervals } = { maxAgents: 1000, maxDayIntervals: 28 * 96 };
  const days = maxDayIntervals / 96;
  const scenario = largeScenario(maxAgents, days);
  const roster = largeRoster(maxAgents, days);
  // Bodies are serialised before measuring: the client's JSON.stringify would run on this same thread.
  const bodies = {
    evaluate: JSON.stringify({ scenario, roster }),
    check: JSON.stringify({ scenario, roster, swap: { kind: 'give-away', fromAgent: 'agent-1', shift: { start: roster.assignments[0]!.start, end: roster.assignments[0]!.end }, toAgent: 'agent-2' } }),
    job: JSON.stringify({ scenario, options: { timeLimitSeconds: 600 } }),
    validate: JSON.stringify(scenario),
  };
  t.comment(`largest allowed: ${maxAgents} agents × ${days} days; evaluate body ${(bodies.evaluate.length / 1048576).toFixed(2)} MiB`);
  const send = (url: string, payload: string) =>
    heavy.inject({ method: 'POST', url, payload, headers: { authorization: `Bearer ${keys.int1.key}`, 'content-type': 'application/json' } });

  const latencies: number[] = [];
  let running = true;
  const probe = (async () => {
    while (running) {
      const t0 = performance.now();
      const res = await heavy.inject({ method: 'GET', url: '/health' });
      latencies.push(performance.now() - t0);
      if (res.statusCode !== 200) throw new Error(`/health answered ${res.statusCode}`);
      await sleep(10);
    }
  })();
  const t0 = performance.now();
  const [job, evaluation, validation, check] = await Promise.all([
    send('/v1/solve-jobs', bodies.job),
    send('/v1/evaluate', bodies.evaluate),
    send('/v1/validate', bodies.validate),
    send('/v1/swaps/check', bodies.check),
  ]);
  t.equal(job.statusCode, 202, 'the solve job was accepted');
  t.equal(evaluation.statusCode, 200, 'evaluated');
  t.equal(validation.statusCode, 200, 'validated');
  t.equal(check.statusCode, 200, 'checked');
  // Keep probing while the job builds its model on the solve worker.
  const location = job.headers.location as string;
  await waitUntil(async () => {
    const view = (await heavy.inject({ method: 'GET', url: location, headers: { authorization: `Bearer ${keys.int1.key}` } })).json() as Json;
    return view.status !== 'queued' && (view.progress.bestCost !== null || view.status !== 'running' || performance.now() - t0 > 20_000);
  }, 120_000);
  running = false;
  await probe;
  await heavy.inject({ method: 'DELETE', url: location, headers: { authorization: `Bearer ${keys.int1.key}` } });
  const sorted = [...latencies].sort((a, b) => a - b);
  const p99 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))]!;
  t.comment(`/health over ${((performance.now() - t0) / 1000).toFixed(1)} s: ${sorted.length} requests, median ${sorted[sorted.length >> 1]!.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms`);
  t.ok(sorted.length >= 100, `enough samples (${sorted.length})`);
  t.ok(p99 <= 50, `p99 ${p99.toFixed(1)} ms ≤ 50 ms`);
});

t.test('stored-workflow routes get their expanded scenarios from a compute worker, usable as if made here', async (t) => {
  const { ComputePool } = await import('../dist/workers/compute-pool.js');
  const { ProblemCache } = await import('../dist/problem-cache.js');
  const { evaluateShifts, rosterToShifts, evaluateScenario } = await import('@flexroster/core');
  const pool = new ComputePool({ size: 1, maxQueue: 4, taskTimeoutSeconds: 30 });
  t.teardown(() => pool.close());
  let expansions = 0;
  const cache = new ProblemCache(4, (scenario) => {
    expansions++;
    return pool.run({ kind: 'expand', scenario });
  });
  await cache.load(smallScenario());
  await cache.load(smallScenario());
  t.equal(expansions, 1, 'expanded once, then a hit');
  t.equal(pool.started, 1, 'on the compute worker');
  const copied = cache.get(smallScenario());
  t.ok(copied.agentById instanceof Map && copied.requirement[0] instanceof Float64Array, 'maps and typed arrays survive the copy');
  const here = evaluateScenario(smallScenario());
  t.same(evaluateShifts(copied, rosterToShifts(copied, smallRoster(), '')), evaluateShifts(here, rosterToShifts(here, smallRoster(), '')), 'it evaluates like one expanded on this thread');
  const broken = { ...smallScenario(), horizon: { ...smallScenario().horizon, timeZone: 'Nowhere/Special' } };
  await cache.load(broken);
  t.throws(() => cache.get(broken), /invalid scenario/, 'an invalid scenario is not cached: get throws for its caller to map');
});
