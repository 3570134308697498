/**
 * The API through `app.inject()` (and once through a real server process). The tests import the built
 * package (dist/): solves run in worker threads that load compiled JavaScript, so `tsc -b` comes first
 * (`pnpm test` does it).
 */
import t, { type Test } from 'tap';
import { access, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Value } from 'typebox/value';
import { Evaluation, SolveResult, SwapCandidate, SwapCheck, type Scenario } from '@flexroster/core';
import { buildApp, getBackend, isBackendAvailable, type App, type BuildAppOptions, type JobView } from '../dist/index.js';
import { startServerProcess } from '../dist/bench/server-process.js';
import { ensureTemplate, prepareDataDir } from '../dist/store/pglite-template.js';
import { MIGRATIONS } from '../dist/store/migrations.js';
import { openStore } from '../dist/store/store.js';
import { clone, largeScenario, largeSwapCheck, smallRoster, smallScenario } from './fixtures.js';
import { testBackend } from './world.js';

type Json = Record<string, any>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// Every app of this file shares one store, and so the bootstrap admin key and the integration key below.
const ADMIN = 'frk_api_test_admin';
const backend = await testBackend('flexroster-api-');
const store = await backend.open();
t.teardown(async () => {
  await store.close();
  await backend.cleanup();
});

/** An app on the shared store; these tests are about other things than the rate limit, so it is high. */
const makeApp = (options: BuildAppOptions = {}) => buildApp({ store, adminKey: ADMIN, limits: { requestsPerMinute: 100_000 }, ...options });

const app = await makeApp({ solvePool: { size: 1, maxQueue: 4 }, jobTtlSeconds: 60 });
t.teardown(() => app.close());
const created = await app.inject({ method: 'POST', url: '/v1/keys', headers: { authorization: `Bearer ${ADMIN}` }, payload: { role: 'integration', label: 'api tests' } });
if (created.statusCode !== 201) throw new Error(`could not create the integration key: ${created.body}`);
/** The compute routes take a key: these tests call them as a WFM system would, with an integration key. */
const KEY = (created.json() as Json).key as string;
const auth = { authorization: `Bearer ${KEY}` };

async function post(app: App, url: string, payload: unknown) {
  const res = await app.inject({ method: 'POST', url, payload: payload as Json, headers: auth });
  return { res, status: res.statusCode, body: res.json() as Json };
}

async function get(app: App, url: string) {
  const res = await app.inject({ method: 'GET', url, headers: auth });
  return { res, status: res.statusCode, body: res.json() as Json };
}

/** Polls a job until `done(view)` or the deadline. */
async function waitForJob(app: App, location: string, done: (view: JobView) => boolean, timeoutMs = 30_000): Promise<JobView> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const view = (await get(app, location)).body as JobView;
    if (done(view)) return view;
    if (Date.now() > until) throw new Error(`job did not reach the expected state in time: ${JSON.stringify(view)}`);
    await sleep(50);
  }
}

const ended = (v: JobView) => ['done', 'failed', 'cancelled'].includes(v.status);

/** Checks the RFC 9457 shape and returns the problem. */
function problem(t: Test, res: { headers: Record<string, unknown>; json(): unknown }, status: number): Json {
  const body = res.json() as Json;
  t.match(String(res.headers['content-type']), /^application\/problem\+json/, 'problem+json');
  t.equal(body.status, status, `status ${status}`);
  t.type(body.title, 'string');
  t.type(body.detail, 'string');
  t.type(body.type, 'string');
  return body;
}

const paths = (body: Json) => (body.errors as { path: string }[]).map((e) => e.path);

const giveAway = (toAgent: string) => ({ kind: 'give-away', fromAgent: 'a1', shift: { start: '2026-03-23T08:00', end: '2026-03-23T16:00' }, toAgent });

t.test('GET /health answers ok with the pool and backends', async (t) => {
  const { status, body } = await get(app, '/health');
  t.equal(status, 200);
  t.equal(body.status, 'ok');
  t.ok(body.backends.available.includes('javascript-lp-solver'));
  t.equal(body.solvePool.size, 1);
  t.equal(body.solvePool.maxQueue, 4);
});

t.test('backend registry: named backends, highs when it loads, the JS solver otherwise', async (t) => {
  t.equal(getBackend('javascript-lp-solver').name, 'javascript-lp-solver');
  t.equal(getBackend('highs').name, isBackendAvailable('highs') ? 'highs' : 'javascript-lp-solver');
  t.equal(getBackend().name, isBackendAvailable('highs') ? 'highs' : 'javascript-lp-solver');
});

t.test('OpenAPI document and Swagger UI', async (t) => {
  const { status, body: doc } = await get(app, '/docs/json');
  t.equal(status, 200);
  t.equal(doc.openapi, '3.1.0');
  const expected = [
    'get /health',
    'post /v1/validate',
    'post /v1/solve',
    'post /v1/solve-jobs',
    'get /v1/solve-jobs/{id}',
    'delete /v1/solve-jobs/{id}',
    'get /v1/solve-jobs/{id}/events',
    'post /v1/evaluate',
    'post /v1/swaps/check',
    'post /v1/swaps/candidates',
  ];
  const found = Object.entries(doc.paths as Json).flatMap(([path, ops]) => Object.keys(ops as Json).map((m) => `${m} ${path}`));
  t.same(expected.filter((route) => !found.includes(route)), [], 'every compute route is documented');
  for (const route of expected) {
    const [method, path] = route.split(' ') as [string, string];
    const op = doc.paths[path][method];
    t.ok(op.summary, `${route} has a summary`);
    const success = Object.entries(op.responses as Json).find(([code]) => code.startsWith('2'))![1];
    const media = Object.values(success.content as Json)[0] as Json;
    t.ok(media.schema, `${route} has a response schema`);
    t.ok(media.example !== undefined || media.schema.examples !== undefined, `${route} has a response example`);
    if (method === 'post') {
      const body = op.requestBody.content['application/json'];
      t.ok(body.schema, `${route} has a request schema`);
      t.ok(body.example, `${route} has a request example`);
    }
    if (route !== 'get /health') t.ok(Object.keys(op.responses).some((c) => c.startsWith('4')), `${route} documents its errors`);
  }
  t.equal(doc.paths['/v1/solve-jobs'].post.responses['202'].headers.location.schema.type, 'string', 'Location header documented');
  // The request example is a valid scenario: the documentation does not lie.
  const example = doc.paths['/v1/validate'].post.requestBody.content['application/json'].example;
  t.same((await post(app, '/v1/validate', example)).body.valid, true);
  const ui = await app.inject({ method: 'GET', url: '/docs', headers: auth });
  t.ok(ui.statusCode === 200 || ui.statusCode === 302, 'Swagger UI is served');
});

t.test('unknown routes and methods are 404 problems', async (t) => {
  for (const [method, url] of [
    ['GET', '/nope'],
    ['GET', '/v1/solve'],
    ['PUT', '/v1/validate'],
  ] as const) {
    const res = await app.inject({ method, url, headers: auth });
    t.equal(res.statusCode, 404, `${method} ${url}`);
    problem(t, res, 404);
  }
});

t.test('POST /v1/validate', async (t) => {
  t.test('a valid scenario', async (t) => {
    const { status, body } = await post(app, '/v1/validate', smallScenario());
    t.equal(status, 200);
    t.same(body, { valid: true, errors: [], warnings: [] });
  });
  t.test('a time zone that does not exist is a domain error in the report', async (t) => {
    const s = smallScenario();
    s.horizon.timeZone = 'Europe/Atlantis';
    const { status, body } = await post(app, '/v1/validate', s);
    t.equal(status, 200);
    t.equal(body.valid, false);
    t.same(paths(body), ['/horizon/timeZone']);
    t.match(body.errors[0].message, /unknown IANA time zone/);
  });
  t.test('warnings for valid but suspicious input', async (t) => {
    const s = smallScenario();
    s.skills.push('chat');
    s.demand!.push({ skill: 'chat', start: '2026-03-23T09:00', required: [1, 1] });
    const { body } = await post(app, '/v1/validate', s);
    t.equal(body.valid, true);
    t.ok((body.warnings as Json[]).some((w) => w.code === 'skill-without-agents'));
  });
  t.test('missing fields, wrong types and unknown fields: 400 with every error', async (t) => {
    const s = smallScenario() as Json;
    delete s.skills;
    s.horizon.days = '3';
    s.agents[1].skills = 'voice';
    s.colour = 'blue';
    const { res, status, body } = await post(app, '/v1/validate', s);
    t.equal(status, 400);
    problem(t, res, 400);
    t.equal(body.type, 'urn:flexroster:problem:request-validation');
    const byPath = new Map((body.errors as { path: string; message: string }[]).map((e) => [`${e.path} ${e.message}`, e]));
    t.ok([...byPath.keys()].some((k) => k.startsWith('/body missing required field(s): skills')), 'missing field');
    t.ok([...byPath.keys()].some((k) => k.startsWith('/body unknown field(s): colour')), 'unknown field');
    t.ok(paths(body).includes('/body/horizon/days'), 'wrong type of a number (no coercion)');
    t.ok(paths(body).includes('/body/agents/1/skills'), 'wrong type of an array');
  });
  t.test('not JSON, malformed JSON, no body', async (t) => {
    for (const type of ['text/plain', 'application/xml']) {
      const other = await app.inject({ method: 'POST', url: '/v1/validate', headers: { ...auth, 'content-type': type }, payload: '<scenario/>' });
      t.equal(other.statusCode, 415, type);
      problem(t, other, 415);
    }
    const broken = await app.inject({ method: 'POST', url: '/v1/validate', headers: { ...auth, 'content-type': 'application/json' }, payload: '{"schemaVersion": 1,' });
    t.equal(broken.statusCode, 400);
    problem(t, broken, 400);
    const empty = await app.inject({ method: 'POST', url: '/v1/validate', headers: auth });
    t.equal(empty.statusCode, 400);
    problem(t, empty, 400);
  });
});

t.test('input the core would crash on or never finish with is refused up front', async (t) => {
  const notADate = smallScenario();
  notADate.horizon.startDate = '2026-02-30';
  const report = await post(app, '/v1/validate', notADate);
  t.equal(report.status, 200);
  t.match(report.body, { valid: false, errors: [{ path: '/horizon/startDate', message: /not a calendar date/ }] });
  for (const url of ['/v1/evaluate', '/v1/swaps/check', '/v1/solve', '/v1/solve-jobs']) {
    const { status, body } = await post(app, url, { scenario: notADate, ...(url.includes('solve') ? {} : { roster: smallRoster() }), ...(url.includes('swaps') ? { swap: giveAway('a3') } : {}) });
    t.equal(status, 422, url);
    t.same(paths(body), ['/body/scenario/horizon/startDate'], url);
  }
  const farFuture = smallScenario();
  farFuture.horizon.startDate = '9999-12-30';
  t.equal((await post(app, '/v1/evaluate', { scenario: farFuture, roster: { assignments: [] } })).status, 422, 'a horizon past the year 9999');
  const requestOnNoDay = smallScenario();
  requestOnNoDay.agents[0]!.rules = [{ kind: 'shift-request', date: '2026-02-30', want: 'on', hard: true }];
  const rule = await post(app, '/v1/solve', { scenario: requestOnNoDay });
  t.equal(rule.status, 422);
  t.same(paths(rule.body), ['/body/scenario/agents/0/rules/0/date']);
  const flood = smallScenario();
  flood.demand![0] = { skill: 'voice', start: '2026-03-23T00:00', forecast: { contacts: [10, 1e12], ahtSeconds: 300, serviceLevel: { target: 0.99, answerSeconds: 0 } } };
  const t0 = performance.now();
  const erlang = await post(app, '/v1/evaluate', { scenario: flood, roster: smallRoster() });
  t.equal(erlang.status, 400, 'an absurd forecast is refused by the schema');
  t.same(paths(erlang.body), ['/body/scenario/demand/0/forecast/contacts/1']);
  t.ok(performance.now() - t0 < 1000, 'at once (the core would iterate Erlang C for ever)');
});

t.test('POST /v1/evaluate', async (t) => {
  t.test('costs per rule and agent, coverage and violations', async (t) => {
    const scenario = smallScenario();
    // a1 would rather not work Mondays (a soft rule): the roster has a1 on Monday 23 March.
    scenario.agents[0]!.rules = [{ kind: 'preferred-day-off', weekday: 'mon', weight: 7 }];
    const { status, body } = await post(app, '/v1/evaluate', { scenario, roster: smallRoster() });
    t.equal(status, 200);
    t.ok(Value.Check(Evaluation, body), 'matches the core Evaluation schema');
    t.type(body.costs.total, 'number');
    t.ok(body.costs.byRule.coverage > 0, 'coverage cost: the roster leaves intervals short');
    t.equal(body.costs.byAgent.a1, 7, 'the soft rule costs a1 its weight');
    t.ok((body.softFindings as Json[]).some((f) => f.agentId === 'a1' && f.cost === 7), 'with its reason');
    t.equal(body.coverage.length, 3 * 24, 'a coverage row per interval and skill');
    t.same(body.violations, [], 'the fixture roster keeps every hard rule');
  });
  t.test('the expanded-scenario cache answers like a fresh expansion', async (t) => {
    const first = await post(app, '/v1/evaluate', { scenario: smallScenario(), roster: smallRoster() });
    const again = await post(app, '/v1/evaluate', { scenario: smallScenario(), roster: smallRoster() });
    t.same(again.body, first.body, 'same scenario, same answer');
    const changed = smallScenario();
    changed.weights = { understaffedPerAgentHour: 1000 };
    const other = await post(app, '/v1/evaluate', { scenario: changed, roster: smallRoster() });
    t.equal(other.body.costs.byRule.coverage, first.body.costs.byRule.coverage * 10, 'a changed scenario is expanded anew');
  });
  t.test('a roster that breaks a hard rule shows it', async (t) => {
    const roster = smallRoster();
    // Two shifts on one day for a1, the second within the rest period.
    roster.assignments.push({ agentId: 'a1', start: '2026-03-23T14:00', end: '2026-03-23T22:00', skill: 'voice', template: 'day' });
    const { status, body } = await post(app, '/v1/evaluate', { scenario: smallScenario(), roster });
    t.equal(status, 200);
    t.ok((body.violations as Json[]).some((v) => v.agentId === 'a1' && v.hard === true));
  });
  t.test('unknown agent, skill and bad time: 422 naming each path', async (t) => {
    const roster = smallRoster();
    roster.assignments[0]!.agentId = 'zoe';
    roster.assignments[1]!.skill = 'chat';
    roster.assignments[2]!.end = '2026-03-24T07:00';
    const { res, status, body } = await post(app, '/v1/evaluate', { scenario: smallScenario(), roster });
    t.equal(status, 422);
    problem(t, res, 422);
    t.same(paths(body).sort(), ['/body/roster/assignments/0/agentId', '/body/roster/assignments/1/skill', '/body/roster/assignments/2/end']);
  });
  t.test('a time zone that does not exist: 422 at the scenario path', async (t) => {
    const s = smallScenario();
    s.horizon.timeZone = 'Mars/Olympus_Mons';
    const { status, body } = await post(app, '/v1/evaluate', { scenario: s, roster: smallRoster() });
    t.equal(status, 422);
    t.same(paths(body), ['/body/scenario/horizon/timeZone']);
  });
  t.test('missing roster and a wrong type: 400', async (t) => {
    const { status, body } = await post(app, '/v1/evaluate', { scenario: smallScenario() });
    t.equal(status, 400);
    t.match(body.errors, [{ path: '/body', message: /roster/ }]);
    const wrong = await post(app, '/v1/evaluate', { scenario: smallScenario(), roster: { assignments: [{ ...smallRoster().assignments[0], start: 8 }] } });
    t.equal(wrong.status, 400);
    t.ok(paths(wrong.body).includes('/body/roster/assignments/0/start'));
  });
});

t.test('POST /v1/swaps/check', async (t) => {
  t.test('a give-away that breaks no rule is allowed', async (t) => {
    // a3 works days two and three: taking a1's day-one shift keeps every rule (8 h within the weekly cap of 3/7 × 40 h).
    const roster = smallRoster();
    roster.assignments = roster.assignments.filter((a) => !(a.agentId === 'a3' && a.start.startsWith('2026-03-25')));
    const { status, body } = await post(app, '/v1/swaps/check', { scenario: smallScenario(), roster, swap: giveAway('a3') });
    t.equal(status, 200);
    t.ok(Value.Check(SwapCheck, body), 'matches the core SwapCheck schema');
    t.equal(body.allowed, true, JSON.stringify(body.reasons));
    t.same(body.violations, []);
    t.same(body.coverageDelta, { understaffedAgentHours: 0, overstaffedAgentHours: 0 });
    t.type(body.costDelta, 'number');
  });
  t.test('a give-away that breaks a hard rule is refused with the rule and agent', async (t) => {
    // a2 already works 14:00–22:00 on day one.
    const { status, body } = await post(app, '/v1/swaps/check', { scenario: smallScenario(), roster: smallRoster(), swap: giveAway('a2') });
    t.equal(status, 200);
    t.equal(body.allowed, false);
    t.ok(body.violations.length > 0);
    t.match(body.violations[0], { rule: String, agentId: 'a2', message: String });
  });
  t.test('an exchange', async (t) => {
    const swap = { kind: 'exchange', agentA: 'a1', shiftA: { start: '2026-03-23T08:00', end: '2026-03-23T16:00' }, agentB: 'a3', shiftB: { start: '2026-03-24T14:00', end: '2026-03-24T22:00' } };
    const { status, body } = await post(app, '/v1/swaps/check', { scenario: smallScenario(), roster: smallRoster(), swap });
    t.equal(status, 200);
    t.ok(Value.Check(SwapCheck, body));
    t.type(body.allowed, 'boolean');
  });
  t.test('unknown agent in a swap: 422 at the swap path', async (t) => {
    const { res, status, body } = await post(app, '/v1/swaps/check', { scenario: smallScenario(), roster: smallRoster(), swap: giveAway('nobody') });
    t.equal(status, 422);
    problem(t, res, 422);
    t.same(body.errors, [{ path: '/body/swap/toAgent', message: 'unknown agent nobody' }]);
  });
  t.test('a shift the agent does not have: 422', async (t) => {
    const swap = { ...giveAway('a3'), shift: { start: '2026-03-23T09:00', end: '2026-03-23T17:00' } };
    const { status, body } = await post(app, '/v1/swaps/check', { scenario: smallScenario(), roster: smallRoster(), swap });
    t.equal(status, 422);
    t.same(paths(body), ['/body/swap/shift']);
  });
  t.test('a wrong swap kind and missing fields: 400', async (t) => {
    const { status, body } = await post(app, '/v1/swaps/check', { scenario: smallScenario(), roster: smallRoster(), swap: { kind: 'steal', fromAgent: 'a1' } });
    t.equal(status, 400);
    t.ok(paths(body).every((p) => p.startsWith('/body/swap')), JSON.stringify(body.errors));
    const missing = await post(app, '/v1/swaps/check', { scenario: smallScenario(), roster: smallRoster() });
    t.equal(missing.status, 400);
  });
});

t.test('POST /v1/swaps/candidates', async (t) => {
  const scenario = smallScenario();
  const roster = smallRoster();
  roster.assignments = roster.assignments.filter((a) => !(a.agentId === 'a3' && a.start.startsWith('2026-03-25')));
  const shift = { start: '2026-03-23T08:00', end: '2026-03-23T16:00' };
  const { status, body } = await post(app, '/v1/swaps/candidates', { scenario, roster, agentId: 'a1', shift });
  t.equal(status, 200);
  const candidates = body as unknown as Json[];
  t.ok(Value.Check(SwapCandidate, candidates[0]), 'matches the core SwapCandidate schema');
  t.ok(candidates.some((c) => c.agentId === 'a3' && c.kind === 'give-away'), 'a3 could take it');
  for (let i = 1; i < candidates.length; i++) t.ok(candidates[i]!.costDelta >= candidates[i - 1]!.costDelta, 'ranked by cost delta');
  // Every candidate passes the swap check, which uses the same rule modules.
  for (const c of candidates) {
    const swap =
      c.kind === 'give-away'
        ? { kind: 'give-away', fromAgent: 'a1', shift, toAgent: c.agentId }
        : { kind: 'exchange', agentA: 'a1', shiftA: shift, agentB: c.agentId, shiftB: { start: c.shift.start, end: c.shift.end } };
    const check = await post(app, '/v1/swaps/check', { scenario, roster, swap });
    t.equal(check.body.allowed, true, `${c.kind} with ${c.agentId} passes the check`);
  }
  const unknown = await post(app, '/v1/swaps/candidates', { scenario, roster, agentId: 'ghost', shift });
  t.equal(unknown.status, 422);
  t.same(paths(unknown.body), ['/body/agentId']);
  const bad = await post(app, '/v1/swaps/candidates', { scenario, roster, agentId: 'a1', shift: { start: 'yesterday' } });
  t.equal(bad.status, 400);
  t.ok(paths(bad.body).includes('/body/shift/start'));
});

t.test('POST /v1/solve', async (t) => {
  t.test('a small scenario', async (t) => {
    const { status, body } = await post(app, '/v1/solve', { scenario: smallScenario(), options: { timeLimitSeconds: 2 } });
    t.equal(status, 200);
    t.ok(Value.Check(SolveResult, body), 'matches the core SolveResult schema');
    t.ok(['optimal', 'feasible'].includes(body.status), body.reason);
    t.ok(body.roster.assignments.length > 0);
    t.same(body.evaluation.violations, []);
  });
  t.test('the JavaScript backend by name', async (t) => {
    const { status, body } = await post(app, '/v1/solve', { scenario: smallScenario(), options: { timeLimitSeconds: 1, backend: 'javascript-lp-solver' } });
    t.equal(status, 200);
    t.equal(body.stats.backend, 'javascript-lp-solver');
  });
  t.test('bad input', async (t) => {
    const tooLong = await post(app, '/v1/solve', { scenario: smallScenario(), options: { timeLimitSeconds: 31 } });
    t.equal(tooLong.status, 400, 'limit above 30 s');
    t.same(paths(tooLong.body), ['/body/options/timeLimitSeconds']);
    const badBackend = await post(app, '/v1/solve', { scenario: smallScenario(), options: { backend: 'cplex' } });
    t.equal(badBackend.status, 400);
    const unknownOption = await post(app, '/v1/solve', { scenario: smallScenario(), options: { threads: 4 } });
    t.equal(unknownOption.status, 400);
    const noScenario = await post(app, '/v1/solve', { options: {} });
    t.equal(noScenario.status, 400);
    const s = smallScenario();
    s.agents[0]!.timeZone = 'America/Gotham';
    const zone = await post(app, '/v1/solve', { scenario: s });
    t.equal(zone.status, 422);
    t.same(paths(zone.body), ['/body/scenario/agents/0/timeZone']);
    const contract = smallScenario();
    contract.agents[2]!.contract = 'part-time';
    const ref = await post(app, '/v1/solve', { scenario: contract });
    t.equal(ref.status, 422);
    t.same(paths(ref.body), ['/body/scenario/agents/2/contract']);
  });
});

t.test('solve jobs: start, poll, events, result', async (t) => {
  const { res, status, body } = await post(app, '/v1/solve-jobs', { scenario: smallScenario(), options: { timeLimitSeconds: 3 } });
  t.equal(status, 202);
  t.match(body, { id: String, status: /^(queued|running)$/ });
  const location = res.headers.location as string;
  t.equal(location, `/v1/solve-jobs/${body.id}`);

  const events = await app.inject({ method: 'GET', url: `${location}/events`, headers: auth });
  t.equal(events.statusCode, 200);
  t.match(events.headers['content-type'], /^text\/event-stream/);
  const parsed = events.body
    .split('\n\n')
    .filter((block) => block.startsWith('event:'))
    .map((block) => {
      const lines = block.split('\n');
      return { event: lines[0]!.slice('event: '.length), data: JSON.parse(lines.find((l) => l.startsWith('data: '))!.slice(6)) as Json };
    });
  t.ok(parsed.length >= 2, 'at least the current state and the end');
  t.equal(parsed.at(-1)!.event, 'done', 'the stream ends with done');
  t.equal(parsed.at(-1)!.data.status, 'done');
  t.ok(parsed.slice(0, -1).every((e) => e.event === 'progress' && e.data.id === body.id && typeof e.data.progress.elapsedSeconds === 'number'));

  const view = (await get(app, location)).body as JobView;
  t.equal(view.status, 'done');
  t.ok(Value.Check(SolveResult, view.result), 'the job carries the solve result');
  t.equal(view.progress.bestCost, view.result!.cost);
  t.equal(view.progress.phase, 'done');
  t.ok(view.finishedAt && view.expiresAt && view.startedAt);

  const again = await app.inject({ method: 'GET', url: `${location}/events`, headers: auth });
  t.match(again.body, /event: done/, 'events of a finished job: its state, then done');

  const cancelDone = await app.inject({ method: 'DELETE', url: location, headers: auth });
  t.equal(cancelDone.statusCode, 409, 'a finished job cannot be cancelled');
  problem(t, cancelDone, 409);

  for (const [method, url] of [
    ['GET', '/v1/solve-jobs/no-such-job'],
    ['DELETE', '/v1/solve-jobs/no-such-job'],
    ['GET', '/v1/solve-jobs/no-such-job/events'],
  ] as const) {
    const res = await app.inject({ method, url, headers: auth });
    t.equal(res.statusCode, 404, `${method} ${url}`);
    problem(t, res, 404);
  }
  const longId = await app.inject({ method: 'GET', url: `/v1/solve-jobs/${'x'.repeat(101)}`, headers: auth });
  t.equal(longId.statusCode, 414, 'an id longer than any job id');
  problem(t, longId, 414);
  const badUrl = await app.inject({ method: 'GET', url: '/v1/solve-jobs/%E0%A4%A', headers: auth });
  t.equal(badUrl.statusCode, 400, 'a malformed URL');
  problem(t, badUrl, 400);
  const bad = await post(app, '/v1/solve-jobs', { scenario: { ...smallScenario(), horizon: { ...smallScenario().horizon, timeZone: 'Nowhere/Special' } } });
  t.equal(bad.status, 422, 'an invalid scenario is refused before a job exists');
  const wrong = await post(app, '/v1/solve-jobs', { scenario: smallScenario(), options: { timeLimitSeconds: 'long' } });
  t.equal(wrong.status, 400);
});

t.test('while a long solve runs, /health and /v1/swaps/check answer in milliseconds; cancel keeps the best roster', async (t) => {
  // The heuristic for its whole limit keeps the solve CPU-bound throughout, with or without HiGHS.
  const solving = await makeApp({ solvePool: { size: 1, maxQueue: 4 }, heuristicShare: 1 });
  t.teardown(() => solving.close());
  const started = await post(solving, '/v1/solve-jobs', { scenario: largeScenario(40, 14), options: { timeLimitSeconds: 60 } });
  t.equal(started.status, 202);
  const location = started.res.headers.location as string;
  // Measure once the heuristic has a roster that keeps every hard rule: the solver is busy improving it.
  const busy = await waitForJob(solving, location, (v) => v.status === 'running' && v.progress.bestCost !== null, 45_000);

  const swapSmall = { scenario: smallScenario(), roster: smallRoster(), swap: giveAway('a3') };
  const swapWeek = largeSwapCheck(40, 7);
  const latencies = { health: [] as number[], swapSmall: [] as number[], swapWeek: [] as number[] };
  for (let i = 0; i < 10; i++) {
    let t0 = performance.now();
    t.equal((await solving.inject({ method: 'GET', url: '/health', headers: auth })).statusCode, 200);
    latencies.health.push(performance.now() - t0);
    t0 = performance.now();
    t.equal((await post(solving, '/v1/swaps/check', swapSmall)).status, 200);
    latencies.swapSmall.push(performance.now() - t0);
    t0 = performance.now();
    t.equal((await post(solving, '/v1/swaps/check', swapWeek)).status, 200);
    latencies.swapWeek.push(performance.now() - t0);
    await sleep(20);
  }
  const during = (await get(solving, location)).body as JobView;
  t.equal(during.status, 'running', 'the solve was still running during every measurement');
  const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
  for (const name of ['health', 'swapSmall'] as const) {
    const worst = Math.max(...latencies[name]);
    t.ok(worst < 200, `${name}: slowest of ${latencies[name].length} took ${worst.toFixed(1)} ms (< 200 ms)`);
  }
  // A 40-agent week is real work on the request thread (~20 ms alone); on a 2-core machine shared with the
  // solve and the test runner its slowest call varies, so the claim is held to the median.
  t.ok(median(latencies.swapWeek) < 200, `swapWeek: median ${median(latencies.swapWeek).toFixed(1)} ms (< 200 ms)`);
  t.comment(
    `latency while solving (ms, median / max): ${Object.entries(latencies)
      .map(([k, v]) => `${k} ${median(v).toFixed(1)} / ${Math.max(...v).toFixed(1)}`)
      .join(', ')}`,
  );

  // A second job waits behind the first (one worker): cancelling it ends it at once, without a roster.
  const queued = await post(solving, '/v1/solve-jobs', { scenario: smallScenario() });
  t.equal(queued.body.status, 'queued');
  const queuedLocation = queued.res.headers.location as string;
  const cancelQueued = await solving.inject({ method: 'DELETE', url: queuedLocation, headers: auth });
  t.equal(cancelQueued.statusCode, 200);
  t.match(cancelQueued.json(), { status: 'cancelled', cancelRequested: true });
  t.notOk((cancelQueued.json() as Json).result, 'no roster: it never started');

  const t0 = Date.now();
  const cancel = await solving.inject({ method: 'DELETE', url: location, headers: auth });
  // 200 once the solve has stopped (within the 5 s wait), 202 if it is still winding down: on a loaded
  // machine, building the result of a 40-agent fortnight after the stop can take that long.
  t.ok([200, 202].includes(cancel.statusCode), `DELETE answered ${cancel.statusCode}`);
  t.equal((cancel.json() as JobView).cancelRequested, true);
  const view = cancel.statusCode === 200 ? (cancel.json() as JobView) : await waitForJob(solving, location, ended);
  t.equal(view.status, 'cancelled');
  t.ok(view.result, 'keeps the best roster so far');
  t.ok(Value.Check(SolveResult, view.result));
  t.ok(view.result!.roster.assignments.length > 0);
  t.ok(view.result!.cost <= busy.progress.bestCost! + 1e-6, `its cost ${view.result!.cost} is at most the ${busy.progress.bestCost} reported before the cancel`);
  t.ok(view.result!.stats.totalSeconds < 60, 'stopped before its time limit');
  t.comment(`cancel answered in ${Date.now() - t0} ms`);
  const repeat = await solving.inject({ method: 'DELETE', url: location, headers: auth });
  t.equal(repeat.statusCode, 200, 'cancelling a cancelled job repeats the answer');

  // The worker is free again.
  const next = await post(solving, '/v1/solve', { scenario: smallScenario(), options: { timeLimitSeconds: 1 } });
  t.equal(next.status, 200);
});

t.test('limits: body size, full queue, job expiry', async (t) => {
  const limited = await makeApp({ bodyLimitBytes: 64 * 1024, solvePool: { size: 1, maxQueue: 0 }, jobTtlSeconds: 1 });
  t.teardown(() => limited.close());

  t.test('an oversized body is 413', async (t) => {
    const s = smallScenario() as Json;
    s.name = 'x'.repeat(100 * 1024);
    for (const url of ['/v1/validate', '/v1/solve', '/v1/swaps/check']) {
      const res = await limited.inject({ method: 'POST', url, payload: url === '/v1/validate' ? s : { scenario: s }, headers: auth });
      t.equal(res.statusCode, 413, url);
      problem(t, res, 413);
    }
  });

  t.test('a finished job expires after the TTL', async (t) => {
    const { res } = await post(limited, '/v1/solve-jobs', { scenario: smallScenario(), options: { timeLimitSeconds: 1, backend: 'javascript-lp-solver' } });
    const location = res.headers.location as string;
    const view = await waitForJob(limited, location, ended);
    t.equal(view.status, 'done');
    const expiresIn = Date.parse(view.expiresAt!) - Date.now();
    t.ok(expiresIn <= 1000);
    await sleep(Math.max(0, expiresIn) + 200);
    t.equal((await get(limited, location)).status, 404, 'dropped after the TTL');
    t.equal((await get(limited, '/health')).body.jobs, 0, 'nothing held in memory');
  });

  t.test('a full pool answers 503 with Retry-After', async (t) => {
    // Busy for seconds: worker start-up, candidate generation, then the heuristic.
    const first = await post(limited, '/v1/solve-jobs', { scenario: largeScenario(40, 14), options: { timeLimitSeconds: 20 } });
    t.equal(first.status, 202);
    const location = first.res.headers.location as string;
    for (const url of ['/v1/solve-jobs', '/v1/solve']) {
      const busy = await post(limited, url, { scenario: smallScenario() });
      t.equal(busy.status, 503, url);
      problem(t, busy.res, 503);
      t.ok(Number(busy.res.headers['retry-after']) > 0, 'Retry-After');
    }
    const cancel = await limited.inject({ method: 'DELETE', url: location, headers: auth });
    t.ok([200, 202].includes(cancel.statusCode));
    await waitForJob(limited, location, ended);
  });
});

t.test('watchdog: a solve that overruns its limit by the grace is terminated, and the pool recovers', async (t) => {
  // The core checks its clock, so a stand-in worker stalls the solve of a scenario named "stall" for good.
  const workerUrl = new URL('./stand-ins/stalling-solve-worker.mjs', import.meta.url);
  const strict = await makeApp({ solvePool: { size: 1, maxQueue: 2, graceSeconds: 1, workerUrl }, maxFinishedJobs: 1 });
  t.teardown(() => strict.close());
  const { res } = await post(strict, '/v1/solve-jobs', { scenario: { ...smallScenario(), name: 'stall' }, options: { timeLimitSeconds: 0.05 } });
  const overran = res.headers.location as string;
  const view = await waitForJob(strict, overran, ended);
  t.equal(view.status, 'failed');
  t.match(view.error, { title: 'Solve failed', detail: /overran its time limit/ });
  // The JS backend stops at its limit (+0.2 s), well inside the 1 s grace.
  const next = await post(strict, '/v1/solve', { scenario: smallScenario(), options: { timeLimitSeconds: 1, backend: 'javascript-lp-solver' } });
  t.equal(next.status, 200, 'a fresh worker takes the next solve');

  // Only one finished job is kept here: the next one to finish pushes the failed one out.
  const second = await post(strict, '/v1/solve-jobs', { scenario: smallScenario(), options: { timeLimitSeconds: 1, backend: 'javascript-lp-solver' } });
  await waitForJob(strict, second.res.headers.location as string, ended);
  t.equal((await get(strict, overran)).status, 404, 'the oldest finished job was dropped');
  t.equal((await get(strict, '/health')).body.jobs, 1);
});

t.test('a time limit too short for the scenario ends the job at once with a 422-style error naming the option', async (t) => {
  // The API's own size forecast is turned off: the core's check inside the worker answers instead.
  const open = await makeApp({ refuseTooLarge: false });
  t.teardown(() => open.close());
  const started = Date.now();
  const { res } = await post(open, '/v1/solve-jobs', { scenario: largeScenario(80, 28), options: { timeLimitSeconds: 0.05 } });
  const view = await waitForJob(open, res.headers.location as string, ended);
  t.equal(view.status, 'failed');
  t.match(view.error, { title: 'Invalid solve options', errors: [{ path: '/body/options/timeLimitSeconds', message: /give at least \d+ s/ }] });
  t.ok(Date.now() - started < 10_000, 'no watchdog needed');
});

t.test('never a 500 for bad input', async (t) => {
  const junk: unknown[] = [null, [], 'scenario', 42, true, {}, { scenario: null }, { scenario: [] }, { scenario: smallScenario(), roster: 'x', swap: 1, agentId: 7, shift: [] }];
  const s = smallScenario() as Json;
  s.horizon = { ...s.horizon, startDate: '2026-02-30', intervalMinutes: 7 };
  const weird = clone(smallScenario()) as Scenario;
  weird.demand![0]!.start = '2026-03-29T01:30'; // a wall-clock time that does not exist in London (DST gap)
  junk.push(s, { scenario: s, roster: smallRoster() }, { scenario: weird, roster: smallRoster(), swap: giveAway('a3') });
  for (const url of ['/v1/validate', '/v1/solve', '/v1/solve-jobs', '/v1/evaluate', '/v1/swaps/check', '/v1/swaps/candidates']) {
    for (const payload of junk) {
      const res = await app.inject({ method: 'POST', url, headers: { ...auth, 'content-type': 'application/json' }, payload: JSON.stringify(payload) });
      t.ok(res.statusCode < 500, `${url} ${JSON.stringify(payload)?.slice(0, 60)} → ${res.statusCode}`);
      if (res.statusCode >= 400) t.match(res.headers['content-type'], /^application\/problem\+json/);
    }
  }
});

t.test('the real server: env, port, structured logs, clean shutdown', async (t) => {
  const dataDir = await mkdtemp(join(tmpdir(), 'flexroster-server-'));
  const server = await startServerProcess({ DATA_DIR: dataDir, DATABASE_URL: '', FLEXROSTER_ADMIN_KEY: ADMIN });
  t.teardown(async () => {
    await server.stop();
    await rm(dataDir, { recursive: true, force: true });
  });
  t.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/, 'listens on HOST 127.0.0.1 and the PORT given');
  const health = await fetch(`${server.url}/health`);
  t.equal(health.status, 200);
  t.equal(((await health.json()) as Json).status, 'ok');
  const check = await fetch(`${server.url}/v1/swaps/check`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ scenario: smallScenario(), roster: smallRoster(), swap: giveAway('nobody') }),
  });
  t.equal(check.status, 422);
  t.match(check.headers.get('content-type'), /^application\/problem\+json/);
  const docs = await fetch(`${server.url}/docs/json`);
  t.equal(docs.status, 200);
  const logs = server.logs.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Json);
  t.ok(logs.some((l) => l.reqId && l.req?.url === '/health'), 'pino JSON request logs');
  t.equal(await server.stop(), 0, 'SIGTERM closes the app and exits 0');

  await t.rejects(startServerProcess({ PORT: 'eighty' }), /exited \(code 1\)/, 'a bad PORT stops the start');
});

t.test('a first start copies the build\'s PGlite template; a stale template means initdb; a finished directory is left alone', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'flexroster-template-'));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  const template = join(root, 'template');
  const exists = (path: string) => access(path).then(() => true, () => false);
  t.equal(await ensureTemplate(template), true, 'made');
  t.equal(await ensureTemplate(template), false, 'kept while its stamp is current');
  t.notOk(await exists(join(template, 'PG_VERSION')), 'the template itself is not a data directory');
  await writeFile(join(template, 'copied-from-template'), '');
  /** Opens `dir` (applying any missing migration) and lists the migrations it holds. */
  const migrations = async (dir: string) => {
    const store = await openStore({ dataDir: dir });
    try {
      return (await store.query<{ id: number }>('SELECT id FROM schema_migrations ORDER BY id')).map((r) => r.id);
    } finally {
      await store.close();
    }
  };
  const copied = join(root, 'copied');
  await prepareDataDir(copied, template);
  t.ok(await exists(join(copied, 'copied-from-template')), 'an empty DATA_DIR is the template\'s copy');
  t.same(await migrations(copied), MIGRATIONS.map((m) => m.id), 'with every migration, and it opens');
  // A template made for other migrations or another PGlite is not used.
  await writeFile(`${template}.stamp`, 'another build');
  const made = join(root, 'made');
  await prepareDataDir(made, template);
  t.notOk(await exists(join(made, 'copied-from-template')), 'a stale template: initdb instead');
  t.same(await migrations(made), MIGRATIONS.map((m) => m.id));
  // A finished directory is never overwritten, whatever the template.
  t.equal(await ensureTemplate(template), true, 'the stale template is made anew');
  await prepareDataDir(`${made}/`, template);
  t.notOk(await exists(join(made, 'copied-from-template')), 'the finished directory was left as it was');
  t.equal(await readFile(join(made, 'PG_VERSION'), 'utf8'), await readFile(`${template}.PG_VERSION`, 'utf8'));
});
