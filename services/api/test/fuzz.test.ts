/**
 * The service under hostile input. A seeded fuzz run over every route of the OpenAPI document (bodies
 * generated from the route's schema and mutated, path and query values from a pool of real ids and
 * nasty strings, keys of every role): never a 5xx, never an answer slower than 5 s. Then NUL bytes in
 * every string field of valid bodies (a 400 naming that field), and the targeted cases: union errors
 * by kind, approve without a body, idempotency before any work, no secret at rest or in the log, feed
 * token revocation, expiry and rotation, agents probing colleagues' shifts, response headers.
 * Against PGlite, and PostgreSQL too when TEST_DATABASE_URL is set (the fuzz run on PGlite only).
 */
import t, { type Test } from 'tap';
import { Writable } from 'node:stream';
import type { Roster, Scenario } from '@flexroster/core';
import { buildApp, type App } from '../dist/index.js';
import { largeScenario, smallRoster, smallScenario } from './fixtures.js';
import { call, openWorld, pgliteBackend, postgresBackend, type Backend, type Json, type World } from './world.js';

const ADMIN = 'fuzz-root-admin-key-0123456789';
const SEED = Number(process.env.FUZZ_SEED ?? 20261207);
const RANDOM_REQUESTS = 2400;
const SLOW_MS = 5000;

const weekScenario = (): Scenario => ({ ...smallScenario(), horizon: { ...smallScenario().horizon, days: 7 } });
const a1Day1 = { start: '2026-03-23T08:00', end: '2026-03-23T16:00' };
const a2Day2 = { start: '2026-03-24T10:00', end: '2026-03-24T18:00' };

async function createSchedule(w: World, scenario: Scenario = weekScenario(), roster: Roster = smallRoster()) {
  const r = await call(w.app, 'POST', '/v1/schedules', w.keys.planner, { name: 'week', scenario, roster });
  if (r.status !== 201) throw new Error(`schedule: ${r.status} ${JSON.stringify(r.body)}`);
  const p = await call(w.app, 'POST', `/v1/schedules/${r.body.id}/publish`, w.keys.planner);
  if (p.status !== 200) throw new Error(`publish: ${p.status}`);
  return p.body;
}

// ---------------------------------------------------------------------------------------------------
// Seeded generation.

/** mulberry32: a small seeded PRNG, so a failing run can be repeated with FUZZ_SEED. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[int(0, xs.length - 1)]!;
  return { next, int, pick, chance: (p: number) => next() < p };
}
type Rng = ReturnType<typeof prng>;

const NASTY_STRINGS = ['', ' ', 'a\u0000b', '\u0000', '\ud800', 'x\udc00y', '💥', 'é', '../../etc/passwd', "'; DROP TABLE schedules;--", '%00', 'x'.repeat(5000), '2026-02-30', '24:00', 'null', '-1', '1e309', '{}'];
const NASTY_SEGMENTS = ['%00', 'a%00b', '%ED%A0%80', '%F0%9F', '%E9', '%25', 'x'.repeat(101), '..%2F..%2Fx', '%20', 'null', '-1', '0', '%C3%A9t%C3%A9', "'%3B--", '%uD800', '%2500'];
const SAMPLE_BY_PATTERN: [RegExp, string[]][] = [
  [/T\\d\{2\}/, ['2026-03-23T08:00', '2026-03-23T16:00', '2026-03-29T01:30', '2026-03-24T10:00:00Z', '2026-03-23T08:00+01:00']],
  [/\\d\{4\}-\\d\{2\}-\\d\{2\}/, ['2026-03-23', '2026-03-29', '2026-02-30', '9999-12-31']],
  [/\\d\{2\}:\\d\{2\}/, ['08:00', '14:00', '23:59', '24:00', '00:00']],
];

function genString(schema: Json, r: Rng): string {
  if (r.chance(0.05)) return r.pick(NASTY_STRINGS);
  if (typeof schema.pattern === 'string') for (const [re, samples] of SAMPLE_BY_PATTERN) if (re.test(schema.pattern)) return r.pick(samples);
  return r.pick(['a1', 'a2', 'a3', 'voice', 'chat', 'day', 'ft', 'Europe/London', 'America/New_York', 'Mars/Olympus', 'week 13', 'planner', 'agent', 'admin', 'unpaid', 'medical', 'x']);
}

function genNumber(schema: Json, r: Rng): number {
  if (r.chance(0.05)) return r.pick([-1, 0, 1e308, -1e308, 0.5, 2 ** 53, 1e6]);
  const lo = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 0);
  const hi = schema.maximum ?? lo + 100;
  const x = lo + r.next() * Math.min(hi - lo, 1000);
  return schema.type === 'integer' ? Math.round(x) : Math.round(x * 100) / 100;
}

/** A value for a JSON schema (as the OpenAPI document has it), valid more often than not. */
function gen(schema: Json | undefined, r: Rng, depth = 0): unknown {
  if (!schema || depth > 8) return null;
  if (schema.const !== undefined) return schema.const;
  if (Array.isArray(schema.enum)) return r.pick(schema.enum);
  if (Array.isArray(schema.anyOf)) return gen(r.pick(schema.anyOf), r, depth + 1);
  const type = Array.isArray(schema.type) ? r.pick(schema.type) : schema.type;
  switch (type) {
    case 'object': {
      const out: Json = {};
      const required = new Set<string>(schema.required ?? []);
      for (const [k, s] of Object.entries<Json>(schema.properties ?? {})) if (required.has(k) || r.chance(0.5)) out[k] = gen(s, r, depth + 1);
      if (schema.patternProperties || (schema.additionalProperties && typeof schema.additionalProperties === 'object')) out[genString({}, r)] = gen(schema.additionalProperties ?? {}, r, depth + 1);
      return out;
    }
    case 'array':
      return Array.from({ length: r.int(schema.minItems ?? 0, Math.min(schema.maxItems ?? 3, 3)) }, () => gen(schema.items, r, depth + 1));
    case 'string':
      return genString(schema, r);
    case 'integer':
    case 'number':
      return genNumber(schema, r);
    case 'boolean':
      return r.chance(0.5);
    case 'null':
      return null;
    default:
      return genString({}, r);
  }
}

const pointer = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

/** Every leaf (string, number …) of a JSON value: its JSON pointer and its path as keys. */
function leaves(value: unknown, path = '', keys: string[] = []): { path: string; keys: string[]; value: unknown }[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, `${path}/${i}`, [...keys, String(i)]));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => leaves(v, `${path}/${pointer(k)}`, [...keys, k]));
  return [{ path, keys, value }];
}

/** Every field name of a JSON value: the pointer of its object and the name. */
function fieldNames(value: unknown, path = ''): { parent: string; key: string }[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => fieldNames(v, `${path}/${i}`));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => [{ parent: path, key: k }, ...fieldNames(v, `${path}/${k}`)]);
  return [];
}

function setAt(root: unknown, keys: readonly string[], value: unknown): unknown {
  const copy = structuredClone(root) as Json;
  let at: Json = copy;
  for (const k of keys.slice(0, -1)) at = at[k];
  at[keys.at(-1)!] = value;
  return copy;
}

/** Small breakages of a (mostly) valid value: a leaf replaced by a nasty value or a wrong type. */
function mutate(value: unknown, r: Rng): unknown {
  const all = leaves(value);
  if (all.length === 0 || r.chance(0.3)) return value;
  const target = r.pick(all);
  if (target.keys.length === 0) return r.pick([null, 1, 'x', [], {}]);
  return setAt(value, target.keys, r.pick<unknown>([...NASTY_STRINGS, null, -1, 1e308, true, [], {}, { a: { b: { c: [1, [2, [3]]] } } }, 'a\u0000b']));
}

// ---------------------------------------------------------------------------------------------------

function suite(backendFactory: () => Promise<Backend>, withFuzz: boolean) {
  return async (t: Test) => {
    const w = await openWorld(t, await backendFactory(), ADMIN);
    const { app, keys, store } = w;

    // The fuzz may set the tenant's policy (limits, auto-approval) at random: the tests after it start from the original.
    const policy = (await call(app, 'GET', '/v1/policy', keys.admin)).body;
    if (withFuzz) t.test('fuzz: every route, every role, generated bodies and path/query values', (t) => fuzzRoutes(t, w));
    if (withFuzz) t.test('NUL bytes in every string field of valid bodies: a 400 naming the field', (t) => nulInEveryField(t, w));
    if (withFuzz)
      t.test('the policy the fuzz left is put back', async (t) => {
        t.equal((await call(app, 'PUT', '/v1/policy', keys.admin, policy)).status, 200);
        t.same((await call(app, 'GET', '/v1/policy', keys.admin)).body, policy);
      });

    t.test('NUL and unpaired surrogates in path, query and body are 400 naming the field', async (t) => {
      const s = await createSchedule(w);
      const cases: [string, string, string, unknown, string][] = [
        ['GET', '/v1/schedules/%00', keys.planner, undefined, '/params/id'],
        ['GET', `/v1/schedules/${s.id}/swap-requests?agentId=%00`, keys.planner, undefined, '/querystring/agentId'],
        ['GET', `/v1/schedules/${s.id}/leave-requests?status=a%00`, keys.a1, undefined, '/querystring/status'],
        ['GET', '/v1/audit?entityId=%00', keys.admin, undefined, '/querystring/entityId'],
        ['POST', '/v1/keys/%00/revoke', keys.admin, undefined, '/params/keyId'],
        ['GET', '/v1/agents/%00/leave-balance', keys.planner, undefined, '/params/agentId'],
        ['POST', '/v1/agents/%00/feed-token', keys.planner, undefined, '/params/agentId'],
        ['POST', '/v1/keys', keys.admin, { role: 'planner', label: 'night\u0000shift' }, '/body/label'],
        ['POST', '/v1/tenants', ADMIN, { name: '\ud800' }, '/body/name'],
        ['POST', '/v1/schedules', keys.planner, { name: 'ok', scenario: { ...weekScenario(), name: 'x\udc00' }, roster: smallRoster() }, '/body/scenario/name'],
        ['PUT', '/v1/policy', keys.planner, { 'auto\u0000ApproveSwaps': true }, '/body/auto\u0000ApproveSwaps'],
        ['POST', '/v1/validate', keys.planner, { ...smallScenario(), skills: ['voice', 'ch\u0000at'] }, '/body/skills/1'],
      ];
      for (const [method, url, key, body, path] of cases) {
        const r = await call(app, method, url, key, body);
        t.equal(r.status, 400, `${method} ${url}: ${JSON.stringify(r.body).slice(0, 200)}`);
        t.same(
          r.body.errors?.map((e: Json) => e.path),
          [path],
          `${method} ${url} names ${JSON.stringify(path)}`,
        );
        t.match(r.body.errors?.[0]?.message, /NUL|surrogate/);
      }
    });

    t.test('union bodies report the errors of the variant their kind names', async (t) => {
      const s = await createSchedule(w);
      const base = `/v1/schedules/${s.id}/swap-requests`;
      const exchange = await call(app, 'POST', base, keys.a1, { swap: { kind: 'exchange', agentA: 'a1', shiftA: a1Day1, agentB: 'a2', shiftB: { start: 'monday', end: a2Day2.end } } });
      t.equal(exchange.status, 400);
      t.same(exchange.body.errors.map((e: Json) => e.path), ['/body/swap/shiftB/start'], 'only the exchange’s own mistake');
      const missing = await call(app, 'POST', base, keys.a1, { swap: { kind: 'exchange', agentA: 'a1', shiftA: a1Day1, agentB: 'a2' } });
      t.same(missing.body.errors, [{ path: '/body/swap', message: 'missing required field(s): shiftB' }]);
      const give = await call(app, 'POST', base, keys.a1, { swap: { kind: 'give-away', fromAgent: 'a1', shift: a1Day1, agentB: 'a2' } });
      t.same(give.body.errors, [{ path: '/body/swap', message: 'unknown field(s): agentB' }]);
      const unknown = await call(app, 'POST', base, keys.a1, { swap: { kind: 'trade', agentA: 'a1' } });
      t.same(unknown.body.errors, [{ path: '/body/swap/kind', message: 'must be one of: exchange, give-away' }]);
      const scenario = smallScenario();
      scenario.agents[0]!.rules = [{ kind: 'earliest-start', time: '7 o’clock' } as never];
      const rule = await call(app, 'POST', '/v1/validate', keys.planner, scenario);
      t.equal(rule.status, 400);
      t.ok(rule.body.errors.length > 0 && rule.body.errors.every((e: Json) => e.path === '/body/agents/0/rules/0/time'), JSON.stringify(rule.body.errors));
    });

    t.test('approve without a body works like reject, publish and leave approve', async (t) => {
      const s = await createSchedule(w);
      const base = `/v1/schedules/${s.id}/swap-requests`;
      const r = await call(app, 'POST', base, keys.planner, { swap: { kind: 'give-away', fromAgent: 'a1', shift: a1Day1, toAgent: 'a3' } });
      t.equal(r.body.status, 'awaiting-approval', JSON.stringify(r.body).slice(0, 500));
      const approved = await call(app, 'POST', `${base}/${r.body.id}/approve`, keys.planner);
      t.equal(approved.status, 200, JSON.stringify(approved.body));
      t.equal(approved.body.applied, true);
      const ext = await call(app, 'POST', `/v1/schedules/${s.id}/extension-requests`, keys.planner, { agentId: 'a2', shift: a2Day2, extendMinutes: 60, at: 'end' });
      t.equal(ext.status, 201);
      const noBody = await call(app, 'POST', `/v1/schedules/${s.id}/extension-requests/${ext.body.id}/approve`, keys.planner);
      t.not(noBody.status, 400, 'no "/body must be object"');
      t.equal((await call(app, 'POST', `${base}/${r.body.id}/approve`, keys.planner, { override: 'yes' })).status, 400, 'a body is still checked');
    });

    t.test('Idempotency-Key is looked up before any work: a replayed stored solve does not solve again', async (t) => {
      // 6 s: the server refuses a solve whose model it forecasts to take over half the limit to build, and a
      // loaded machine measures its build rate low; 40 agents × 14 days must not look too large here.
      const body = { name: 'solved', scenario: largeScenario(40, 14), solve: { timeLimitSeconds: 6 } };
      const headers = { 'idempotency-key': 'solve-once' };
      const t0 = Date.now();
      const first = await call(app, 'POST', '/v1/schedules', keys.planner, body, headers);
      const firstMs = Date.now() - t0;
      t.equal(first.status, 201, JSON.stringify(first.body).slice(0, 500));
      const t1 = Date.now();
      const again = await call(app, 'POST', '/v1/schedules', keys.planner, body, headers);
      const againMs = Date.now() - t1;
      t.equal(again.status, 201);
      t.equal(again.res.headers['idempotent-replayed'], 'true');
      t.equal(again.body.id, first.body.id);
      // The first request solves (it takes seconds, unless proved optimal at once); the replay answers at once.
      t.ok(firstMs >= 2000, `the first request solved (${firstMs} ms)`);
      t.ok(againMs < 1000, `the replay did not (${againMs} ms)`);
      t.comment(`stored solve: first ${firstMs} ms, replay ${againMs} ms`);
      t.equal((await call(app, 'POST', '/v1/schedules', keys.planner, { ...body, name: 'other' }, headers)).status, 422, 'the same key with another body');
    });

    t.test('no secret at rest: idempotency records of keys, tenants and feed tokens hold no secret', async (t) => {
      const made = [
        await call(app, 'POST', '/v1/keys', keys.admin, { role: 'agent', agentId: 'a3', label: 'phone' }, { 'idempotency-key': 'k-1' }),
        await call(app, 'POST', '/v1/tenants', ADMIN, { name: 'acme' }, { 'idempotency-key': 't-1' }),
        await call(app, 'POST', '/v1/agents/a3/feed-token', keys.a3, undefined, { 'idempotency-key': 'f-1' }),
      ];
      const secrets = [made[0]!.body.key, made[1]!.body.adminKey, made[2]!.body.token] as string[];
      t.ok(secrets.every((s) => typeof s === 'string' && s.length > 20), 'the first answers carry the secrets');
      const rows = await store.query<{ idem_key: string; body: string }>("SELECT idem_key, body FROM idempotency WHERE idem_key IN ('k-1', 't-1', 'f-1')");
      t.equal(rows.length, 3, 'three records');
      const everything = JSON.stringify([
        await store.query('SELECT * FROM idempotency'),
        await store.query('SELECT * FROM audit_log'),
        await store.query('SELECT * FROM api_keys'),
        await store.query('SELECT * FROM feed_tokens'),
        await store.query('SELECT * FROM tenants'),
      ]);
      for (const s of secrets) t.notOk(everything.includes(s), 'the secret is nowhere in the store');
      t.notMatch(everything, /fr[kf]_[A-Za-z0-9_-]{20}/, 'no key or token in any of those tables');
      // A replay answers the first status and body with the secret as null.
      const replays = [
        await call(app, 'POST', '/v1/keys', keys.admin, { role: 'agent', agentId: 'a3', label: 'phone' }, { 'idempotency-key': 'k-1' }),
        await call(app, 'POST', '/v1/tenants', ADMIN, { name: 'acme' }, { 'idempotency-key': 't-1' }),
        await call(app, 'POST', '/v1/agents/a3/feed-token', keys.a3, undefined, { 'idempotency-key': 'f-1' }),
      ];
      for (const [i, field] of (['key', 'adminKey', 'token'] as const).entries()) {
        t.equal(replays[i]!.status, 201);
        t.equal(replays[i]!.res.headers['idempotent-replayed'], 'true');
        t.equal(replays[i]!.body[field], null, `${field} is null in the replay`);
        t.same({ ...replays[i]!.body, [field]: 'x' }, { ...made[i]!.body, [field]: 'x' }, 'the rest is the first answer');
      }
      t.equal((await call(app, 'GET', '/v1/keys', made[0]!.body.key)).status, 403, 'the key made once still works (an agent key: 403, not 401)');
      t.equal((await call(app, 'GET', '/v1/keys', made[1]!.body.adminKey)).status, 200, 'the tenant admin key works');
    });

    t.test('feed tokens: hashed, rotated, revoked with the agent’s key and by DELETE, and they expire', async (t) => {
      const s = await createSchedule(w);
      const feed = `/v1/schedules/${s.id}/agents/a2/calendar.ics`;
      const agentKey = (await call(app, 'POST', '/v1/keys', keys.admin, { role: 'agent', agentId: 'a2', label: 'to revoke' })).body;
      const first = await call(app, 'POST', '/v1/agents/a2/feed-token', agentKey.key);
      t.equal(first.status, 201);
      const expires = Date.parse(first.body.expiresAt) - Date.now();
      t.ok(Math.abs(expires - 90 * 24 * 3600e3) < 60e3, `expires in 90 days (${first.body.expiresAt})`);
      const [stored] = await store.query<Json>('SELECT hash FROM feed_tokens WHERE hash = encode(sha256(convert_to($1, \'UTF8\')), \'hex\')', [first.body.token]);
      t.ok(stored, 'stored as its SHA-256');
      t.equal((await call(app, 'GET', `${feed}?token=${first.body.token}`)).status, 200);
      // Rotation: a new token revokes the earlier one.
      const second = await call(app, 'POST', '/v1/agents/a2/feed-token', keys.planner);
      t.equal((await call(app, 'GET', `${feed}?token=${first.body.token}`)).status, 401, 'the earlier token is revoked');
      t.equal((await call(app, 'GET', `${feed}?token=${second.body.token}`)).status, 200);
      // Revoking one of the agent's keys revokes its feeds.
      t.equal((await call(app, 'POST', `/v1/keys/${agentKey.id}/revoke`, keys.admin)).status, 200);
      t.equal((await call(app, 'GET', `${feed}?token=${second.body.token}`)).status, 401, 'revoked with the agent’s key');
      // DELETE revokes; expiry ends a token.
      const third = await call(app, 'POST', '/v1/agents/a2/feed-token', keys.planner);
      t.equal((await call(app, 'DELETE', '/v1/agents/a2/feed-token', keys.a2)).body.revoked, 1);
      t.equal((await call(app, 'GET', `${feed}?token=${third.body.token}`)).status, 401, 'revoked by DELETE');
      const fourth = await call(app, 'POST', '/v1/agents/a2/feed-token', keys.planner);
      t.equal((await call(app, 'GET', `${feed}?token=${fourth.body.token}`)).status, 200);
      await store.query("UPDATE feed_tokens SET expires_at = now() - interval '1 second' WHERE revoked_at IS NULL AND agent_id = 'a2'");
      const expired = await call(app, 'GET', `${feed}?token=${fourth.body.token}`);
      t.equal(expired.status, 401, 'expired');
      t.match(expired.body.detail, /expired/);
    });

    t.test('agents probing colleagues: a real and a made-up shift of the colleague get the same answer', async (t) => {
      const s = await createSchedule(w);
      const base = `/v1/schedules/${s.id}/swap-requests`;
      const offer = (shiftB: { start: string; end: string }) => call(app, 'POST', base, keys.a1, { swap: { kind: 'exchange', agentA: 'a1', shiftA: a1Day1, agentB: 'a2', shiftB } });
      const real = await offer(a2Day2);
      const madeUp = await offer({ start: '2026-03-26T06:00', end: '2026-03-26T14:00' });
      t.equal(real.status, 201);
      t.equal(madeUp.status, real.status, 'same status');
      const strip = (b: Json) => ({ ...b, id: '', swap: null, createdAt: '', updatedAt: '' });
      t.same(strip(madeUp.body), strip(real.body), 'same answer but for the ids and the swap as sent');
      t.same(Object.keys(madeUp.res.headers).sort(), Object.keys(real.res.headers).sort());
      t.equal(real.body.check, null, 'no check before the colleague accepts');
      // The colleague accepting finds out (it is their shift).
      t.equal((await call(app, 'POST', `${base}/${madeUp.body.id}/accept`, keys.a2)).status, 409);
      t.equal((await call(app, 'POST', `${base}/${real.body.id}/accept`, keys.a2)).status, 200);
      // Check reasons shown to an agent carry no colleague's hours: a2 already works 14:00–22:00 on day one.
      const give = await call(app, 'POST', base, keys.a1, { swap: { kind: 'give-away', fromAgent: 'a1', shift: { start: '2026-03-25T08:00', end: '2026-03-25T16:00' }, toAgent: 'a3' } });
      const clash = await call(app, 'POST', base, keys.planner, { swap: { kind: 'give-away', fromAgent: 'a1', shift: a1Day1, toAgent: 'a2' } });
      t.equal(give.status, 201);
      const full = clash.body.check;
      t.equal(full.allowed, false);
      const colleague = full.violations.filter((v: Json) => v.agentId === 'a2');
      t.ok(colleague.length > 0, 'the planner sees a2’s findings');
      // The same kind of request made by a1 to a2: what a1 sees.
      const mine = await call(app, 'POST', base, keys.a1, { swap: { kind: 'give-away', fromAgent: 'a1', shift: a1Day1, toAgent: 'a2' } });
      t.equal(mine.status, 201);
      t.equal(mine.body.check.allowed, false, 'a1 learns it is not allowed');
      const shown = JSON.stringify(mine.body.check);
      for (const v of colleague) t.notOk(shown.includes(v.message), `a2's finding "${v.message}" is not shown to a1`);
      const aboutA2 = mine.body.check.reasons.filter((r: string) => r.startsWith('a2: ')).map((r: string) => r.slice(4));
      t.ok(aboutA2.length > 0, 'a1 learns which of a2’s rules is in the way');
      t.notMatch(aboutA2.join(' '), /\d/, 'but no figures (hours, times) about a2');
      const listed = await call(app, 'GET', `${base}/${mine.body.id}`, keys.a1);
      t.same(listed.body.check, mine.body.check, 'the same on reading it back');
      const planner = await call(app, 'GET', `${base}/${mine.body.id}`, keys.planner);
      t.ok(JSON.stringify(planner.body.check).includes(colleague[0].message), 'planners see everything');
    });

    t.test('response headers: helmet on every answer, no CORS unless configured', async (t) => {
      const h = await call(app, 'GET', '/health');
      t.equal(h.res.headers['x-content-type-options'], 'nosniff');
      t.equal(h.res.headers['x-frame-options'], 'SAMEORIGIN');
      t.ok(h.res.headers['content-security-policy']);
      const pre = await app.inject({ method: 'OPTIONS', url: '/v1/schedules', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
      t.notOk(pre.headers['access-control-allow-origin'], 'no CORS by default');
      const open = await buildApp({ store, adminKey: ADMIN, corsOrigins: ['https://wfm.example'] });
      t.teardown(() => open.close());
      const ok = await open.inject({ method: 'OPTIONS', url: '/v1/validate', headers: { origin: 'https://wfm.example', 'access-control-request-method': 'POST' } });
      t.equal(ok.headers['access-control-allow-origin'], 'https://wfm.example');
      const other = await open.inject({ method: 'OPTIONS', url: '/v1/validate', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
      t.not(other.headers['access-control-allow-origin'], 'https://evil.example');
      t.equal((await open.inject({ method: 'GET', url: '/docs' })).statusCode, 200, 'the docs UI still loads');
    });
  };
}

/** Random requests over every documented route; counts by status in the output. */
async function fuzzRoutes(t: Test, w: World) {
  const { app, keys } = w;
  const r = prng(SEED);
  const s = await createSchedule(w);
  const swap = await call(app, 'POST', `/v1/schedules/${s.id}/swap-requests`, keys.a1, { swap: { kind: 'give-away', fromAgent: 'a1', shift: a1Day1, toAgent: 'a3' } });
  const leave = await call(app, 'POST', `/v1/schedules/${s.id}/leave-requests`, keys.a2, { agentId: 'a2', start: '2026-03-24T12:00', end: '2026-03-24T13:00', type: 'medical' });
  const ext = await call(app, 'POST', `/v1/schedules/${s.id}/extension-requests`, keys.planner, { agentId: 'a2', shift: a2Day2, extendMinutes: 30, at: 'start' });
  const spare = await call(app, 'POST', '/v1/keys', keys.admin, { role: 'planner', label: 'spare' });
  const job = await call(app, 'POST', '/v1/solve-jobs', keys.planner, { scenario: smallScenario(), options: { timeLimitSeconds: 1 } });
  for (let i = 0; i < 100 && (await call(app, 'GET', `/v1/solve-jobs/${job.body.id}`, keys.planner)).body.status !== 'done'; i++) await new Promise((res) => setTimeout(res, 100));
  const ids: Record<string, string[]> = {
    id: [s.id, job.body.id],
    rid: [swap.body.id, leave.body.id, ext.body.id],
    agentId: ['a1', 'a2', 'a3', 'nobody'],
    keyId: [spare.body.id],
  };
  const queryValues: Record<string, string[]> = { status: ['open', 'pending', 'approved', 'awaiting-approval'], agentId: ['a1', 'a2'], entityId: [s.id], limit: ['1', '1000', '0', '-5', 'x'], token: ['frf_nope', ''], from: ['1', '2', '0', '99', 'x'], to: ['1', '3', 'x'] };

  const doc = (await call(app, 'GET', '/docs/json')).body;
  const routes: { method: string; path: string; op: Json }[] = [];
  for (const [path, ops] of Object.entries<Json>(doc.paths)) for (const [method, op] of Object.entries<Json>(ops)) routes.push({ method: method.toUpperCase(), path, op });
  t.ok(routes.length >= 40, `${routes.length} routes from the OpenAPI document`);
  const roleKeys = [undefined, keys.admin, keys.planner, keys.a1, keys.a2, keys.plannerB, 'frk_not-a-key', ADMIN];

  const byStatus = new Map<number, number>();
  const failures: string[] = [];
  let slowest = 0;
  const covered = new Set<string>();
  for (let i = 0; i < RANDOM_REQUESTS; i++) {
    const route = routes[i % routes.length]!;
    const params = (route.op.parameters ?? []) as Json[];
    let url = route.path.replace(/\{(\w+)\}/g, (_, name: string) => (r.chance(0.6) ? encodeURIComponent(r.pick(ids[name] ?? ['x'])) : r.pick(NASTY_SEGMENTS)));
    const query = params
      .filter((p) => p.in === 'query' && r.chance(0.6))
      .map((p) => `${p.name}=${r.chance(0.6) ? encodeURIComponent(r.pick(queryValues[p.name] ?? ['x'])) : r.pick(NASTY_SEGMENTS)}`);
    if (r.chance(0.1)) query.push(`${r.pick(['x', 'token', '%00'])}=${r.pick(NASTY_SEGMENTS)}`);
    if (query.length > 0) url += `?${query.join('&')}`;
    const schema = route.op.requestBody?.content?.['application/json']?.schema as Json | undefined;
    let payload: string | undefined;
    let contentType = 'application/json';
    if (route.method !== 'GET' && route.method !== 'DELETE') {
      const roll = r.next();
      if (roll < 0.05) payload = '{"unterminated": ';
      else if (roll < 0.08) {
        payload = 'role=admin';
        contentType = 'application/x-www-form-urlencoded';
      } else if (roll < 0.12) payload = JSON.stringify(Array.from({ length: 2000 }, () => ({ a: [1] })));
      else if (schema || roll < 0.5) payload = JSON.stringify(mutate(gen(schema ?? { type: 'object' }, r), r));
    }
    // Solves in fuzzed bodies stay short, so that they do not hold the only worker: a re-plan that names no
    // time limit (its default is the synchronous solve's) gets a short one too.
    if (payload && /timeLimitSeconds/.test(payload)) payload = payload.replace(/"timeLimitSeconds":[^,}\]]+/g, '"timeLimitSeconds":0.5');
    else if (payload && route.path.endsWith('/replan')) payload = withShortReplan(payload);
    const key = r.pick(roleKeys);
    const started = performance.now();
    const res = await app.inject({
      method: route.method as 'GET',
      url,
      headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(payload !== undefined ? { 'content-type': contentType } : {}), ...(r.chance(0.1) ? { 'idempotency-key': r.pick(['fz-1', 'fz-2', 'a b', 'x'.repeat(201)]) } : {}) },
      ...(payload !== undefined ? { payload } : {}),
    });
    const ms = performance.now() - started;
    slowest = Math.max(slowest, ms);
    byStatus.set(res.statusCode, (byStatus.get(res.statusCode) ?? 0) + 1);
    covered.add(`${route.method} ${route.path}`);
    if (res.statusCode >= 500 || ms > SLOW_MS) failures.push(`${res.statusCode} in ${Math.round(ms)} ms: ${route.method} ${url.slice(0, 200)} ${String(payload).slice(0, 200)} → ${res.body.slice(0, 300)}`);
    // A solve job the fuzz started is cancelled at once: the pool stays free for the next request.
    if (route.path === '/v1/solve-jobs' && res.statusCode === 202) await app.inject({ method: 'DELETE', url: `/v1/solve-jobs/${res.json().id}`, headers: { authorization: `Bearer ${keys.planner}` } });
  }
  const counts = [...byStatus.entries()].sort((a, b) => a[0] - b[0]).map(([status, n]) => `${status}: ${n}`);
  t.comment(`fuzz seed ${SEED}: ${RANDOM_REQUESTS} requests over ${covered.size} routes; by status ${counts.join(', ')}; slowest ${Math.round(slowest)} ms`);
  t.equal(covered.size, routes.length, 'every route was called');
  t.same(failures, [], 'no 5xx and nothing slower than 5 s');
}

/** A re-plan body whose `options` (absent or an object) gets a 0.5 s time limit; any other body as it is. */
function withShortReplan(payload: string): string {
  try {
    const body = JSON.parse(payload) as Json;
    const isObject = (x: unknown) => x !== null && typeof x === 'object' && !Array.isArray(x);
    if (!isObject(body) || (body.options !== undefined && !isObject(body.options))) return payload;
    return JSON.stringify({ ...body, options: { ...body.options, timeLimitSeconds: 0.5 } });
  } catch {
    return payload;
  }
}

/** Valid bodies of every route that takes one; each string (and field name) in turn gets a NUL byte. */
async function nulInEveryField(t: Test, w: World) {
  const { app, keys } = w;
  const s = await createSchedule(w);
  const bodies: [string, string, string, unknown][] = [
    ['POST', '/v1/validate', keys.planner, smallScenario()],
    ['POST', '/v1/evaluate', keys.planner, { scenario: smallScenario(), roster: smallRoster() }],
    ['POST', '/v1/solve', keys.planner, { scenario: smallScenario(), options: { timeLimitSeconds: 1, backend: 'highs' } }],
    ['POST', '/v1/solve-jobs', keys.planner, { scenario: smallScenario(), options: { timeLimitSeconds: 1 } }],
    ['POST', '/v1/swaps/check', keys.planner, { scenario: smallScenario(), roster: smallRoster(), swap: { kind: 'give-away', fromAgent: 'a1', shift: a1Day1, toAgent: 'a3' } }],
    ['POST', '/v1/swaps/candidates', keys.planner, { scenario: smallScenario(), roster: smallRoster(), agentId: 'a1', shift: a1Day1 }],
    ['POST', '/v1/keys', keys.admin, { role: 'agent', agentId: 'a1', label: 'phone' }],
    ['POST', '/v1/tenants', ADMIN, { name: 'acme' }],
    ['PUT', '/v1/policy', keys.planner, { autoApproveSwaps: false, swapPolicy: { maxUnderstaffingIncreaseAgentHours: 0 } }],
    ['POST', '/v1/schedules', keys.planner, { name: 'week', scenario: weekScenario(), roster: smallRoster() }],
    ['POST', `/v1/schedules/${s.id}/swap-requests`, keys.a1, { swap: { kind: 'exchange', agentA: 'a1', shiftA: a1Day1, agentB: 'a2', shiftB: a2Day2 } }],
    ['POST', `/v1/schedules/${s.id}/leave-requests`, keys.a2, { agentId: 'a2', start: '2026-03-24T12:00', end: '2026-03-24T13:00', type: 'medical' }],
    ['POST', `/v1/schedules/${s.id}/extension-requests`, keys.a2, { agentId: 'a2', shift: a2Day2, extendMinutes: 30, at: 'end' }],
    ['PUT', `/v1/schedules/${s.id}/roster`, keys.planner, { roster: smallRoster() }],
    ['POST', `/v1/schedules/${s.id}/offers`, keys.planner, { kinds: ['vto', 'overtime'], maxOffers: 5 }],
    [
      'POST',
      `/v1/schedules/${s.id}/replan`,
      keys.planner,
      { event: { kind: 'absence', agentId: 'a1', start: '2026-03-25T08:00', end: '2026-03-25T16:00', type: 'sick' }, options: { timeLimitSeconds: 1, frozenBefore: '2026-03-24T00:00', onlyAgents: ['a1', 'a2'] } },
    ],
  ];
  let requests = 0;
  const wrong: string[] = [];
  for (const [method, url, key, body] of bodies) {
    const variants: [unknown, string][] = [];
    for (const leaf of leaves(body))
      if (typeof leaf.value === 'string') variants.push([setAt(body, leaf.keys, `${leaf.value.slice(0, 1)}\u0000${leaf.value.slice(1)}`), leaf.path]);
    for (const { parent, key } of fieldNames(body)) {
      const renamed = structuredClone(body) as Json;
      let at: Json = renamed;
      for (const p of parent.split('/').slice(1)) at = at[p];
      at[`${key}\u0000`] = at[key];
      delete at[key];
      variants.push([renamed, `${parent}/${key}\u0000`]);
    }
    for (const [payload, path] of variants) {
      requests++;
      const res = await call(app, method, url, key, payload);
      const paths = (res.body.errors ?? []).map((e: Json) => e.path);
      if (res.status !== 400 || !paths.includes(`/body${path}`)) wrong.push(`${method} ${url} ${JSON.stringify(path)}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
    }
    // The body as it is passes the rule (so each 400 above is that field's).
    const ok = await call(app, method, url, key, body);
    if (ok.status === 400) wrong.push(`${method} ${url} valid body: 400 ${JSON.stringify(ok.body).slice(0, 300)}`);
    if (url === '/v1/solve-jobs' && ok.status === 202) await call(app, 'DELETE', `/v1/solve-jobs/${ok.body.id}`, keys.planner);
  }
  t.comment(`NUL bytes: ${requests} requests over ${bodies.length} valid bodies, each string and field name in turn`);
  t.ok(requests > 300, `${requests} requests`);
  t.same(wrong, [], 'each one a 400 naming its field');
}

t.test('PGlite', suite(() => pgliteBackend('flexroster-fuzz-'), true));

const url = process.env.TEST_DATABASE_URL;
t.test('PostgreSQL', { skip: url ? false : 'TEST_DATABASE_URL is not set' }, suite(async () => postgresBackend(url!), false));

t.test('the request log shows neither feed tokens nor Authorization headers', async (t) => {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const logged: App = await buildApp({ logger: { level: 'info', stream } as never, storage: { dataDir: 'memory://' }, adminKey: ADMIN });
  t.teardown(() => logged.close());
  const planner = (await call(logged, 'POST', '/v1/keys', ADMIN, { role: 'planner' })).body.key as string;
  const sc = await call(logged, 'POST', '/v1/schedules', planner, { name: 'w', scenario: weekScenario(), roster: smallRoster() });
  await call(logged, 'POST', `/v1/schedules/${sc.body.id}/publish`, planner);
  const token = (await call(logged, 'POST', '/v1/agents/a1/feed-token', planner)).body.token as string;
  t.equal((await call(logged, 'GET', `/v1/schedules/${sc.body.id}/agents/a1/calendar.ics?token=${token}`)).status, 200);
  t.equal((await call(logged, 'GET', `/v1/schedules/${sc.body.id}/agents/a1/calendar.ics?%74oken=${token}&x=1`)).status, 200, 'an encoded name is the same parameter');
  const text = lines.join('');
  t.ok(lines.length > 4, `${lines.length} log lines`);
  t.notOk(text.includes(token), 'no feed token in the log');
  t.notOk(text.includes(planner) || text.includes(ADMIN), 'no API key in the log');
  t.match(text, /calendar\.ics\?token=\[redacted\]/);
  t.match(text, /calendar\.ics\?%74oken=\[redacted\]&x=1/);
});
