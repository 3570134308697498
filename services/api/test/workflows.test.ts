/**
 * Stored schedules, keys and roles, swap workflows, idempotency, audit and the calendar feed, against
 * embedded PGlite in a temporary directory, and also against PostgreSQL when TEST_DATABASE_URL is set
 * (in a fresh schema per run, dropped afterwards).
 */
import t, { type Test } from 'tap';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Roster, Scenario } from '@flexroster/core';
import { buildApp } from '../dist/index.js';
import { startServerProcess } from '../dist/bench/server-process.js';
import { buildCalendar } from '../dist/plugins/calendar.js';
import { smallRoster, smallScenario, shift } from './fixtures.js';
import { call, pgliteBackend, postgresBackend, openWorld, type Backend, type Json, type World } from './world.js';

const ADMIN = 'root-admin-key-for-tests';

/** The small scenario over a whole week, so that contract hours are not prorated down to three days. */
const weekScenario = (): Scenario => ({ ...smallScenario(), horizon: { ...smallScenario().horizon, days: 7 } });

async function createSchedule(w: World, scenario: Scenario = weekScenario(), roster: Roster = smallRoster(), publish = true) {
  const r = await call(w.app, 'POST', '/v1/schedules', w.keys.planner, { name: 'week', scenario, roster });
  if (r.status !== 201) throw new Error(`schedule: ${r.status} ${JSON.stringify(r.body)}`);
  if (publish) {
    const p = await call(w.app, 'POST', `/v1/schedules/${r.body.id}/publish`, w.keys.planner);
    if (p.status !== 200) throw new Error(`publish: ${p.status} ${JSON.stringify(p.body)}`);
    return p.body;
  }
  return r.body;
}

/** smallScenario from Monday 30 March (London on summer time) with a 15-minute break and a 30-minute unpaid lunch in each 8-hour shift. */
function breakScenario(): Scenario {
  const base = smallScenario();
  const dates = ['2026-03-30', '2026-03-31', '2026-04-01'];
  return {
    ...base,
    name: 'breaks',
    horizon: { ...base.horizon, startDate: dates[0]!, timeZone: 'Europe/London' },
    shiftTemplates: [
      {
        ...base.shiftTemplates[0]!,
        breaks: [
          { kind: 'break', minutes: 15, earliestAfterStartMinutes: 60, latestAfterStartMinutes: 180, paid: true },
          { kind: 'lunch', minutes: 30, earliestAfterStartMinutes: 180, latestAfterStartMinutes: 300, paid: false },
        ],
        minGapMinutes: 30,
      },
    ],
    demand: dates.map((date, i) => ({ ...base.demand![i]!, start: `${date}T00:00` })),
  };
}

/** The world's keys with a planner key of its own (so the suite's planner stays under its requests-per-minute limit). */
async function ownPlanner(w: World): Promise<World['keys']> {
  const r = await call(w.app, 'POST', '/v1/keys', w.keys.admin, { role: 'planner' });
  if (r.status !== 201) throw new Error(`key: ${r.status} ${JSON.stringify(r.body)}`);
  return { ...w.keys, planner: r.body.key as string };
}

/** An iCalendar text with its folded lines joined again (RFC 5545 §3.1). */
const unfold = (ics: string) => ics.replace(/\r\n /g, '');

const a1Day1 = { start: '2026-03-23T08:00', end: '2026-03-23T16:00' };
const giveA1toA3 = { kind: 'give-away', fromAgent: 'a1', shift: a1Day1, toAgent: 'a3' };

function suite(backendFactory: () => Promise<Backend>) {
  return async (t: Test) => {
    const backend = await backendFactory();
    const w = await openWorld(t, backend, ADMIN);
    const { store } = w;
    const { app, keys } = w;

    t.test('keys are stored hashed; bootstrap admin works; unknown key 401', async (t) => {
      const rows = await store.query<{ hash: string }>('SELECT hash FROM api_keys');
      t.ok(rows.length >= 7);
      for (const r of rows) t.match(r.hash, /^[0-9a-f]{64}$/);
      t.notOk(rows.some((r) => Object.values(keys).includes(r.hash)), 'no key in clear text');
      t.equal((await call(app, 'GET', '/v1/keys', 'nope')).status, 401);
      t.equal((await call(app, 'GET', '/v1/keys')).status, 401);
      const listed = await call(app, 'GET', '/v1/keys', keys.admin);
      t.equal(listed.status, 200);
      t.notOk(JSON.stringify(listed.body).includes(keys.planner), 'secrets are never listed');
      t.equal((await call(app, 'POST', '/v1/tenants', keys.adminB, { name: 'x' })).status, 403, 'only the bootstrap key creates tenants');
      t.equal((await call(app, 'POST', '/v1/keys', keys.admin, { role: 'agent' })).status, 422, 'agent key needs agentId');
    });

    t.test('the stateless routes stay open without a key', async (t) => {
      t.equal((await call(app, 'GET', '/health')).status, 200);
    });

    t.test('schedules: create, get, publish with versions; stale If-Match is 409', async (t) => {
      const created = await call(app, 'POST', '/v1/schedules', keys.planner, { scenario: smallScenario(), roster: smallRoster() });
      t.equal(created.status, 201);
      t.equal(created.body.version, 1);
      t.equal(created.body.publishedAt, null);
      t.equal(created.res.headers.location, `/v1/schedules/${created.body.id}`);
      const id = created.body.id as string;
      const got = await call(app, 'GET', `/v1/schedules/${id}`, keys.planner);
      t.same(got.body.roster, smallRoster());
      t.equal(got.res.headers.etag, '"1"');
      t.equal((await call(app, 'GET', `/v1/schedules/${id}/agents/a1`, keys.a1)).status, 404, 'agents do not see drafts');
      const stale = await call(app, 'POST', `/v1/schedules/${id}/publish`, keys.planner, undefined, { 'if-match': '"7"' });
      t.equal(stale.status, 409);
      const pub = await call(app, 'POST', `/v1/schedules/${id}/publish`, keys.planner, undefined, { 'if-match': '"1"' });
      t.equal(pub.status, 200);
      t.equal(pub.body.version, 2);
      t.type(pub.body.publishedAt, 'string');
      const view = await call(app, 'GET', `/v1/schedules/${id}/agents/a1`, keys.a1);
      t.equal(view.status, 200);
      t.equal(view.body.shifts.length, 2);
      t.equal(view.body.shifts[0].startUtc, '2026-03-23T08:00:00.000Z');
      t.equal((await call(app, 'GET', `/v1/schedules/${id}/agents/nobody`, keys.planner)).status, 404);
      const bad = await call(app, 'POST', '/v1/schedules', keys.planner, { scenario: smallScenario(), roster: { assignments: [shift('zz', '2026-03-23', '08:00', '16:00')] } });
      t.equal(bad.status, 422);
      const list = await call(app, 'GET', '/v1/schedules', keys.planner);
      t.ok(list.body.some((s: Json) => s.id === id));
      t.notOk((await call(app, 'GET', '/v1/schedules', keys.plannerB)).body.some((s: Json) => s.id === id), 'other tenant sees nothing');
    });

    t.test('schedules: without a roster the scenario is solved', async (t) => {
      const r = await call(app, 'POST', '/v1/schedules', keys.planner, { scenario: smallScenario(), solve: { timeLimitSeconds: 5 } });
      t.equal(r.status, 201);
      t.ok(r.body.roster.assignments.length > 0);
    });

    t.test('swap: offer, counterpart accepts, planner approves; audit has before and after', async (t) => {
      const s = await createSchedule(w);
      const base = `/v1/schedules/${s.id}/swap-requests`;
      const offered = await call(app, 'POST', base, keys.a1, { swap: giveA1toA3 });
      t.equal(offered.status, 201);
      t.equal(offered.body.status, 'awaiting-counterpart');
      t.equal(offered.body.check.allowed, true);
      t.equal((await call(app, 'POST', base, keys.a1, { swap: { ...giveA1toA3, fromAgent: 'a2' } })).status, 403, 'not your shift');
      t.equal((await call(app, 'POST', base, keys.a1, { swap: { ...giveA1toA3, shift: { start: '2026-03-24T08:00', end: '2026-03-24T16:00' } } })).status, 422, 'no such shift');
      const rid = offered.body.id as string;
      t.equal((await call(app, 'POST', `${base}/${rid}/accept`, keys.a2)).status, 404, 'a colleague not involved cannot see it');
      const accepted = await call(app, 'POST', `${base}/${rid}/accept`, keys.a3);
      t.equal(accepted.status, 200);
      t.equal(accepted.body.status, 'awaiting-approval', 'policy off: waits for a planner');
      t.equal(accepted.body.applied, false);
      t.equal((await call(app, 'POST', `${base}/${rid}/accept`, keys.a3)).status, 409, 'accepting twice');
      const pending = await call(app, 'GET', `${base}?status=awaiting-approval`, keys.planner);
      t.same(pending.body.map((r: Json) => r.id), [rid]);
      const approved = await call(app, 'POST', `${base}/${rid}/approve`, keys.planner, {});
      t.equal(approved.status, 200);
      t.equal(approved.body.status, 'approved');
      t.type(approved.body.reasons, Array);
      t.equal(approved.body.scheduleVersion, s.version + 1);
      const after = await call(app, 'GET', `/v1/schedules/${s.id}`, keys.planner);
      t.equal(after.body.version, s.version + 1);
      t.ok(after.body.roster.assignments.some((a: Json) => a.agentId === 'a3' && a.start === a1Day1.start));
      t.notOk(after.body.roster.assignments.some((a: Json) => a.agentId === 'a1' && a.start === a1Day1.start));
      t.equal((await call(app, 'POST', `${base}/${rid}/approve`, keys.planner, {})).status, 409, 'approving twice');
      const log = await call(app, 'GET', `/v1/audit?entityId=${s.id}`, keys.planner);
      const apply = log.body.find((e: Json) => e.action === 'schedule.swap.apply');
      t.ok(apply, 'audit row of the change');
      t.equal(apply.before.version, s.version);
      t.equal(apply.after.version, s.version + 1);
      t.equal(apply.actor.role, 'planner');
      t.type(apply.at, 'string');
      const a1View = await call(app, 'GET', `${base}`, keys.a1);
      t.ok(a1View.body.every((r: Json) => r.fromAgent === 'a1' || r.toAgent === 'a1' || r.status === 'open'));
    });

    t.test('swap: a rule-breaking swap needs override; reject gives reasons', async (t) => {
      const s = await createSchedule(w);
      const base = `/v1/schedules/${s.id}/swap-requests`;
      // a2 already works 14:00–22:00 that day.
      const r = await call(app, 'POST', base, keys.planner, { swap: { ...giveA1toA3, toAgent: 'a2' } });
      t.equal(r.status, 201);
      t.equal(r.body.status, 'awaiting-approval');
      t.equal(r.body.check.allowed, false);
      const refused = await call(app, 'POST', `${base}/${r.body.id}/approve`, keys.planner, {});
      t.equal(refused.status, 422);
      t.ok(refused.body.errors.length > 0, 'reasons given');
      const rejected = await call(app, 'POST', `${base}/${r.body.id}/reject`, keys.planner);
      t.equal(rejected.status, 200);
      t.equal(rejected.body.status, 'rejected');
      t.ok(rejected.body.reasons.length > 0);
      const again = await call(app, 'GET', `/v1/schedules/${s.id}`, keys.planner);
      t.equal(again.body.version, s.version, 'nothing changed');
    });

    t.test('swap: auto-approval by the tenant policy; open offers', async (t) => {
      t.equal((await call(app, 'PUT', '/v1/policy', keys.planner, { autoApproveSwaps: true })).status, 200);
      t.teardown(() => call(app, 'PUT', '/v1/policy', keys.planner, { autoApproveSwaps: false }));
      const s = await createSchedule(w);
      const base = `/v1/schedules/${s.id}/swap-requests`;
      const offer = await call(app, 'POST', base, keys.a1, { swap: { kind: 'give-away', fromAgent: 'a1', shift: a1Day1 } });
      t.equal(offer.body.status, 'open');
      t.equal((await call(app, 'GET', `${base}/${offer.body.id}`, keys.a2)).status, 200, 'open offers are visible to colleagues');
      t.equal((await call(app, 'POST', `${base}/${offer.body.id}/accept`, keys.a1)).status, 403, 'not your own offer');
      const taken = await call(app, 'POST', `${base}/${offer.body.id}/accept`, keys.a3);
      t.equal(taken.status, 200);
      t.equal(taken.body.status, 'approved');
      t.equal(taken.body.applied, true);
      t.equal(taken.body.toAgent, 'a3');
      const view = await call(app, 'GET', `/v1/schedules/${s.id}/agents/a3`, keys.a3);
      t.ok(view.body.shifts.some((x: Json) => x.start === a1Day1.start));
      // A swap that breaks a rule is not applied automatically.
      const bad = await call(app, 'POST', base, keys.a2, { swap: { kind: 'give-away', fromAgent: 'a2', shift: { start: '2026-03-24T10:00', end: '2026-03-24T18:00' }, toAgent: 'a3' } });
      const acc = await call(app, 'POST', `${base}/${bad.body.id}/accept`, keys.a3);
      t.equal(acc.status, 200);
      t.equal(acc.body.status, 'awaiting-approval');
      t.equal(acc.body.applied, false);
    });

    t.test('100 concurrent approvals of conflicting swaps: exactly one applied', async (t) => {
      const s = await createSchedule(w);
      const base = `/v1/schedules/${s.id}/swap-requests`;
      const ids: string[] = [];
      for (let i = 0; i < 100; i++) {
        const r = await call(app, 'POST', base, keys.planner, { swap: giveA1toA3 });
        if (r.status !== 201 || r.body.status !== 'awaiting-approval') throw new Error(JSON.stringify(r.body));
        ids.push(r.body.id);
      }
      const results = await Promise.all(ids.map((id) => call(app, 'POST', `${base}/${id}/approve`, keys.planner, {})));
      const codes = results.map((r) => r.status);
      t.equal(codes.filter((c) => c === 200).length, 1, 'one applied');
      t.equal(codes.filter((c) => c === 409).length, 99, 'the rest 409');
      const after = await call(app, 'GET', `/v1/schedules/${s.id}`, keys.planner);
      t.equal(after.body.version, s.version + 1, 'one version step');
      const matching = after.body.roster.assignments.filter((a: Json) => a.start === a1Day1.start && a.end === a1Day1.end);
      t.equal(matching.length, 1, 'the shift exists exactly once');
      t.equal(matching[0].agentId, 'a3');
      t.equal(after.body.roster.assignments.length, smallRoster().assignments.length);
      const states = await call(app, 'GET', base, keys.planner);
      t.equal(states.body.filter((r: Json) => r.status === 'approved').length, 1);
      t.equal(states.body.filter((r: Json) => r.status === 'awaiting-approval').length, 99);
    });

    t.test('Idempotency-Key: a retry returns the first response and changes nothing', async (t) => {
      const s = await createSchedule(w);
      const base = `/v1/schedules/${s.id}/swap-requests`;
      const headers = { 'idempotency-key': 'offer-1' };
      const first = await call(app, 'POST', base, keys.a1, { swap: giveA1toA3 }, headers);
      const second = await call(app, 'POST', base, keys.a1, { swap: giveA1toA3 }, headers);
      t.equal(first.status, 201);
      t.equal(second.status, 201);
      t.same(second.body, first.body);
      t.equal(second.res.headers['idempotent-replayed'], 'true');
      t.equal((await call(app, 'GET', base, keys.planner)).body.length, 1, 'one request stored');
      t.equal((await call(app, 'POST', base, keys.a1, { swap: { ...giveA1toA3, toAgent: 'a2' } }, headers)).status, 422, 'same key, other body');
      // Concurrent retries of the same approval: one change.
      await call(app, 'POST', `${base}/${first.body.id}/accept`, keys.a3);
      const approvals = await Promise.all([1, 2, 3, 4, 5].map(() => call(app, 'POST', `${base}/${first.body.id}/approve`, keys.planner, {}, { 'idempotency-key': 'approve-1' })));
      t.same(approvals.map((a) => a.status), [200, 200, 200, 200, 200]);
      t.equal(new Set(approvals.map((a) => JSON.stringify(a.body))).size, 1, 'the same response');
      t.equal((await call(app, 'GET', `/v1/schedules/${s.id}`, keys.planner)).body.version, s.version + 1);
      const created = await call(app, 'POST', '/v1/schedules', keys.planner, { scenario: smallScenario(), roster: smallRoster() }, { 'idempotency-key': 'sched-1' });
      const again = await call(app, 'POST', '/v1/schedules', keys.planner, { scenario: smallScenario(), roster: smallRoster() }, { 'idempotency-key': 'sched-1' });
      t.equal(again.body.id, created.body.id);
    });

    t.test('role matrix: route × role × own / other agent / other tenant', async (t) => {
      const s = await createSchedule(w);
      const id = s.id as string;
      const base = `/v1/schedules/${id}/swap-requests`;
      const named = await call(app, 'POST', base, keys.a1, { swap: giveA1toA3 });
      const toReject = await call(app, 'POST', base, keys.a1, { swap: giveA1toA3 });
      type Who = 'none' | 'admin' | 'planner' | 'own' | 'otherAgent' | 'otherTenant';
      const who: Record<Who, string | undefined> = { none: undefined, admin: keys.admin, planner: keys.planner, own: keys.a1, otherAgent: keys.a2, otherTenant: keys.plannerB };
      const order: Who[] = ['none', 'admin', 'otherAgent', 'otherTenant', 'own', 'planner'];
      const matrix: [string, string, unknown, Record<Who, number>][] = [
        ['POST', '/v1/keys', { role: 'planner' }, { none: 401, admin: 201, planner: 403, own: 403, otherAgent: 403, otherTenant: 403 }],
        ['GET', '/v1/keys', undefined, { none: 401, admin: 200, planner: 403, own: 403, otherAgent: 403, otherTenant: 403 }],
        ['POST', '/v1/tenants', { name: 't' }, { none: 401, admin: 201, planner: 403, own: 403, otherAgent: 403, otherTenant: 403 }],
        ['GET', '/v1/policy', undefined, { none: 401, admin: 200, planner: 200, own: 403, otherAgent: 403, otherTenant: 200 }],
        ['GET', '/v1/audit', undefined, { none: 401, admin: 200, planner: 200, own: 403, otherAgent: 403, otherTenant: 200 }],
        ['GET', '/v1/schedules', undefined, { none: 401, admin: 403, planner: 200, own: 403, otherAgent: 403, otherTenant: 200 }],
        ['POST', '/v1/schedules', { scenario: smallScenario(), roster: smallRoster() }, { none: 401, admin: 403, planner: 201, own: 403, otherAgent: 403, otherTenant: 201 }],
        ['GET', `/v1/schedules/${id}`, undefined, { none: 401, admin: 403, planner: 200, own: 403, otherAgent: 403, otherTenant: 404 }],
        ['POST', `/v1/schedules/${id}/publish`, undefined, { none: 401, admin: 403, planner: 200, own: 403, otherAgent: 403, otherTenant: 404 }],
        ['GET', `/v1/schedules/${id}/agents/a1`, undefined, { none: 401, admin: 403, planner: 200, own: 200, otherAgent: 403, otherTenant: 404 }],
        ['GET', `/v1/schedules/${id}/agents/a1/calendar.ics`, undefined, { none: 401, admin: 403, planner: 200, own: 200, otherAgent: 403, otherTenant: 404 }],
        ['POST', `/v1/agents/a1/feed-token`, undefined, { none: 401, admin: 403, planner: 201, own: 201, otherAgent: 403, otherTenant: 201 }],
        ['POST', base, { swap: giveA1toA3 }, { none: 401, admin: 403, planner: 201, own: 201, otherAgent: 403, otherTenant: 404 }],
        ['GET', base, undefined, { none: 401, admin: 403, planner: 200, own: 200, otherAgent: 200, otherTenant: 404 }],
        ['GET', `${base}/${named.body.id}`, undefined, { none: 401, admin: 403, planner: 200, own: 200, otherAgent: 404, otherTenant: 404 }],
        ['POST', `${base}/${named.body.id}/accept`, undefined, { none: 401, admin: 403, planner: 403, own: 403, otherAgent: 404, otherTenant: 403 }],
        ['POST', `${base}/${named.body.id}/approve`, {}, { none: 401, admin: 403, planner: 409, own: 403, otherAgent: 403, otherTenant: 404 }],
        ['POST', `${base}/${toReject.body.id}/reject`, undefined, { none: 401, admin: 403, planner: 200, own: 403, otherAgent: 403, otherTenant: 404 }],
      ];
      for (const [method, url, body, expected] of matrix)
        for (const role of order) {
          const r = await call(app, method, url, who[role], body);
          t.equal(r.status, expected[role], `${method} ${url.replace(id, '{id}')} as ${role}: ${r.status === expected[role] ? '' : JSON.stringify(r.body)}`);
        }
      t.equal((await call(app, 'POST', `${base}/${named.body.id}/accept`, keys.a3)).status, 200, 'the named colleague accepts');
    });

    t.test('calendar feed: feed token, and shifts and swaps across the DST change in UTC', async (t) => {
      // Europe/London springs forward on 2026-03-29: 08:00 local is 08:00Z before and 07:00Z after.
      const days = ['2026-03-27', '2026-03-28', '2026-03-29', '2026-03-30'];
      const scenario: Scenario = { ...smallScenario(), name: 'dst', horizon: { startDate: days[0]!, days: 7, timeZone: 'Europe/London', intervalMinutes: 60 }, demand: [] };
      const roster: Roster = { assignments: [shift('a1', '2026-03-28', '08:00', '16:00'), shift('a2', '2026-03-30', '08:00', '16:00')] };
      const s = await createSchedule(w, scenario, roster);
      const feed = `/v1/schedules/${s.id}/agents/a1/calendar.ics`;
      const ics = await call(app, 'GET', feed, keys.a1);
      t.equal(ics.status, 200);
      t.match(String(ics.res.headers['content-type']), /^text\/calendar/);
      const text = ics.res.body;
      t.match(text, /^BEGIN:VCALENDAR\r\nVERSION:2\.0\r\n/);
      t.ok(text.endsWith('END:VCALENDAR\r\n'));
      t.notOk(/[^\r]\n/.test(text), 'CRLF line ends only');
      t.ok(text.split('\r\n').every((l) => Buffer.byteLength(l) <= 75), 'folded at 75 octets');
      t.match(text, /DTSTART:20260328T080000Z\r\nDTEND:20260328T160000Z/);
      // The token lets a phone calendar read the feed without a header.
      const token = (await call(app, 'POST', '/v1/agents/a1/feed-token', keys.a1)).body.token as string;
      t.equal((await call(app, 'GET', `${feed}?token=${token}`)).status, 200);
      t.equal((await call(app, 'GET', `${feed}?token=wrong`)).status, 401);
      t.equal((await call(app, 'GET', `/v1/schedules/${s.id}/agents/a2/calendar.ics?token=${token}`)).status, 403, "a1's token is not a2's feed");
      t.equal((await call(app, 'GET', `/v1/schedules/${s.id}/agents/a1`, undefined)).status, 401, 'the token is for the feed only');
      // Exchange the shifts across the change: each keeps its local 08:00–16:00, so the UTC times move by an hour.
      const base = `/v1/schedules/${s.id}/swap-requests`;
      const ex = await call(app, 'POST', base, keys.a1, {
        swap: { kind: 'exchange', agentA: 'a1', shiftA: { start: '2026-03-28T08:00', end: '2026-03-28T16:00' }, agentB: 'a2', shiftB: { start: '2026-03-30T08:00', end: '2026-03-30T16:00' } },
      });
      t.equal(ex.status, 201, JSON.stringify(ex.body));
      t.equal((await call(app, 'POST', `${base}/${ex.body.id}/accept`, keys.a2)).status, 200);
      const ok = await call(app, 'POST', `${base}/${ex.body.id}/approve`, keys.planner, {});
      t.equal(ok.status, 200, 'a roster whose segments tile its shift is the next version');
      const a1 = (await call(app, 'GET', `${feed}?token=${token}`)).res.body;
      t.match(a1, /DTSTART:20260330T070000Z\r\nDTEND:20260330T150000Z/, 'after the change: 07:00Z');
      t.notMatch(a1, /20260328T080000Z/);
      const a2 = (await call(app, 'GET', `/v1/schedules/${s.id}/agents/a2/calendar.ics`, keys.a2)).res.body;
      t.match(a2, /DTSTART:20260328T080000Z\r\nDTEND:20260328T160000Z/, 'before the change: 08:00Z');
      const view = await call(app, 'GET', `/v1/schedules/${s.id}/agents/a1`, keys.a1);
      t.equal(view.body.shifts[0].startLocal, '2026-03-30T08:00:00+01:00');
    });

    t.test('segments: a solved schedule with break rules shows each shift’s breaks in the agent view and the calendar feed', async (t) => {
      const keys = await ownPlanner(w);
      // London is on summer time (+01:00) from 29 March: local 10:30 is 09:30Z, so local and UTC times differ.
      const created = await call(app, 'POST', '/v1/schedules', keys.planner, { name: 'breaks', scenario: breakScenario(), solve: { timeLimitSeconds: 3 } });
      t.equal(created.status, 201, 'solved by the service');
      const s = (await call(app, 'POST', `/v1/schedules/${created.body.id}/publish`, keys.planner)).body;
      const stored = (await call(app, 'GET', `/v1/schedules/${s.id}`, keys.planner)).body;
      t.ok(stored.roster.assignments.length > 0 && stored.roster.assignments.every((a: Json) => a.segments?.length >= 3), 'the solve placed a break and a lunch in every shift: the stored roster keeps them');
      const agentId = stored.roster.assignments[0].agentId as string;
      const view = await call(app, 'GET', `/v1/schedules/${s.id}/agents/${agentId}`, keys.planner);
      t.equal(view.status, 200);
      const mine = stored.roster.assignments.filter((a: Json) => a.agentId === agentId);
      t.equal(view.body.shifts.length, mine.length);
      for (const shift of view.body.shifts as Json[]) {
        const given = mine.find((a: Json) => a.start === shift.start)!;
        t.same(shift.segments.map((g: Json) => [g.start, g.end, g.kind]), given.segments.map((g: Json) => [g.start, g.end, g.kind]), `${shift.start}: the roster's segments`);
        t.equal(shift.segments[0].startUtc, shift.startUtc, 'the first segment starts with the shift');
        t.equal(shift.segments.at(-1).endUtc, shift.endUtc, 'the last one ends with it');
        for (const g of shift.segments as Json[]) {
          t.match(g.startLocal, /\+01:00$/, 'local times in the agent’s zone, with its summer offset');
          t.equal(Date.parse(g.startLocal), Date.parse(g.startUtc), 'the same instant in both');
        }
      }
      const ics = unfold((await call(app, 'GET', `/v1/schedules/${s.id}/agents/${agentId}/calendar.ics`, keys.planner)).res.body);
      const breaks = (view.body.shifts as Json[]).flatMap((x) => x.segments.filter((g: Json) => g.kind !== 'work'));
      t.ok(breaks.some((g) => g.kind === 'break') && breaks.some((g) => g.kind === 'lunch'));
      for (const g of breaks) {
        const line = `${g.kind === 'break' ? 'Break' : 'Lunch'} ${g.startLocal.slice(11, 16)}–${g.endLocal.slice(11, 16)}`;
        t.ok(ics.includes(`\\n${line}`), `the description lists "${line}" (local time) on a line of its own`);
      }
    });

    t.test('segments: PUT roster takes them (422 naming the segment), the feed lists them in local time, a shift without any has none', async (t) => {
      const keys = await ownPlanner(w);
      const s = await createSchedule({ ...w, keys }, breakScenario(), { assignments: [shift('a1', '2026-03-31', '08:00', '16:00')] });
      const plain = (await call(app, 'GET', `/v1/schedules/${s.id}/agents/a1`, keys.a1)).body.shifts[0];
      t.equal(plain.segments, undefined, 'a shift stored without segments has none in the agent view (one work segment)');
      t.notMatch(unfold((await call(app, 'GET', `/v1/schedules/${s.id}/agents/a1/calendar.ics`, keys.a1)).res.body), /Break|Lunch/, 'nor breaks in the feed');
      const seg = (from: string, to: string, kind: string) => ({ start: `2026-03-31T${from}`, end: `2026-03-31T${to}`, kind });
      const segments = [seg('08:00', '10:30', 'work'), seg('10:30', '10:45', 'break'), seg('10:45', '12:00', 'work'), seg('12:00', '12:30', 'lunch'), seg('12:30', '16:00', 'work')];
      const put = (roster: Roster, version: number) => call(app, 'PUT', `/v1/schedules/${s.id}/roster`, keys.planner, { roster }, { 'if-match': `"${version}"` });
      const crossed = segments.map((g, j) => (j === 1 ? { ...g, end: '2026-03-31T10:15' } : g));
      const bad = await put({ assignments: [{ ...shift('a1', '2026-03-31', '08:00', '16:00'), segments: crossed } as Roster['assignments'][number]] }, s.version);
      t.equal(bad.status, 422);
      t.ok(bad.body.errors.some((e: Json) => e.path === '/body/roster/assignments/0/segments/1/end'), `naming the segment: ${JSON.stringify(bad.body.errors)}`);
      t.equal((await put({ assignments: [{ ...shift('a1', '2026-03-31', '08:00', '16:00'), segments: [{ ...segments[0]!, kind: 'nap' }] } as never] }, s.version)).status, 400, 'an unknown kind is refused by the schema');
      const roster = { assignments: [{ ...shift('a1', '2026-03-31', '08:00', '16:00'), segments }] } as Roster;
      const ok = await put(roster, s.version);
      t.equal(ok.status, 200, 'a roster whose segments tile its shift is the next version');
      t.same(ok.body.roster, roster, 'stored as given, segments included');
      t.same((await call(app, 'GET', `/v1/schedules/${s.id}`, keys.planner)).body.roster, roster, 'and read back so');
      const view = (await call(app, 'GET', `/v1/schedules/${s.id}/agents/a1`, keys.a1)).body.shifts[0];
      t.same(view.segments.map((g: Json) => `${g.kind} ${g.startLocal}–${g.endUtc}`), [
        'work 2026-03-31T08:00:00+01:00–2026-03-31T09:30:00.000Z',
        'break 2026-03-31T10:30:00+01:00–2026-03-31T09:45:00.000Z',
        'work 2026-03-31T10:45:00+01:00–2026-03-31T11:00:00.000Z',
        'lunch 2026-03-31T12:00:00+01:00–2026-03-31T11:30:00.000Z',
        'work 2026-03-31T12:30:00+01:00–2026-03-31T15:00:00.000Z',
      ]);
      const raw = (await call(app, 'GET', `/v1/schedules/${s.id}/agents/a1/calendar.ics`, keys.a1)).res.body;
      t.ok(raw.split('\r\n').every((l: string) => Buffer.byteLength(l) <= 75), 'folded at 75 octets');
      const description = /^DESCRIPTION:(.*)$/m.exec(unfold(raw))![1]!;
      t.equal(description, '2026-03-31T08:00:00+01:00 to 2026-03-31T16:00:00+01:00 (Europe/London)\\, template day\\, schedule version 3\\nBreak 10:30–10:45\\nLunch 12:00–12:30', 'escaped: commas and line breaks');
      // Any kind the roster may carry is listed: an activity by its id, work on another skill by that skill.
      const at = (hm: string) => Date.parse(`2026-03-31T${hm}:00+01:00`);
      const piece = (from: string, to: string, kind: string, extra: object = {}) => ({ start: from, end: to, kind, startUtc: at(from), endUtc: at(to), ...extra });
      const other = buildCalendar({ scheduleId: 's', version: 1, agentId: 'a1', zone: 'Europe/London', now: 0, shifts: [{ start: '', end: '', skill: 'voice', startUtc: at('08:00'), endUtc: at('16:00'),
        segments: [piece('08:00', '09:00', 'work'), piece('09:00', '10:00', 'activity', { activityId: 'coaching; 1:1' }), piece('10:00', '11:00', 'work', { skill: 'email' }), piece('11:00', '16:00', 'work', { skill: 'voice' })] }] });
      t.match(unfold(other), /DESCRIPTION:.*\\nActivity coaching\\; 1:1 09:00–10:00\\nWork \(email\) 10:00–11:00\r\n/, 'an activity and work on another skill, escaped; work on the shift’s skill is not listed');
    });

    t.test('replan: an absence is re-planned with few changes as a draft proposal; apply makes it the next version once', async (t) => {
      const s = await createSchedule(w);
      const url = `/v1/schedules/${s.id}/replan`;
      const frozenBefore = '2026-03-24T12:00';
      const absence = { kind: 'absence', agentId: 'a1', start: '2026-03-25T08:00', end: '2026-03-25T16:00' };
      const made = await call(app, 'POST', url, keys.planner, { event: absence, options: { timeLimitSeconds: 2, frozenBefore } });
      t.equal(made.status, 201, JSON.stringify(made.body));
      const p = made.body;
      t.equal(p.status, 'draft');
      t.equal(p.baseVersion, s.version);
      t.equal(made.res.headers.location, `/v1/schedules/${s.id}/proposals/${p.id}`);
      t.ok(p.changes.length > 0 && p.changes.length <= 3, `a few changes: ${JSON.stringify(p.changes)}`);
      const touched = new Set(p.changes.map((c: Json) => c.agentId));
      t.ok(touched.size <= 2, 'at most the absent agent and one colleague touched');
      // London keeps UTC until 29 March: a local time is that instant in UTC (the solve writes instants with Z).
      const at = (x: string) => Date.parse(x.endsWith('Z') ? x : `${x}Z`);
      for (const c of p.changes) for (const a of [c.before, c.after]) if (a) t.ok(at(a.start) >= at(frozenBefore), `nothing before frozenBefore changes: ${a.agentId} ${a.start}`);
      t.notOk(p.roster.assignments.some((a: Json) => a.agentId === 'a1' && at(a.start) < at(absence.end) && at(absence.start) < at(a.end)), 'a1 works nothing in the absence');
      const early = (r: Json) => r.assignments.filter((a: Json) => at(a.start) < at(frozenBefore)).map((a: Json) => `${a.agentId} ${at(a.start)} ${at(a.end)}`).sort();
      t.same(early(p.roster), early(smallRoster()), 'the frozen part is the published one');
      t.ok(p.before.understaffedHours > p.after.understaffedHours, `the hole is covered: ${p.before.understaffedHours} → ${p.after.understaffedHours}`);
      t.ok(p.after.changeCost > 0, 'the changes are priced');
      t.equal(p.after.violations, 0);
      const got = await call(app, 'GET', `/v1/schedules/${s.id}/proposals/${p.id}`, keys.planner);
      t.equal(got.status, 200);
      t.same(got.body, p);
      t.equal((await call(app, 'GET', `/v1/schedules/${s.id}`, keys.planner)).body.version, s.version, 'nothing applied yet');
      t.equal((await call(app, 'GET', `/v1/schedules/${s.id}/proposals/${p.id}`, keys.plannerB)).status, 404, 'other tenant');
      t.equal((await call(app, 'POST', url, keys.plannerB, { event: absence })).status, 404, 'other tenant cannot re-plan');
      t.equal((await call(app, 'POST', url, keys.a1, { event: absence })).status, 403, 'planners only');
      const apply = `/v1/schedules/${s.id}/proposals/${p.id}/apply`;
      t.equal((await call(app, 'POST', apply, keys.planner)).status, 428, 'If-Match required');
      t.equal((await call(app, 'POST', apply, keys.planner, undefined, { 'if-match': `"${s.version + 5}"` })).status, 409, 'stale If-Match');
      t.equal((await call(app, 'POST', apply, keys.plannerB, undefined, { 'if-match': `"${s.version}"` })).status, 404, 'other tenant cannot apply');
      // Two applies at once: exactly one makes the next version.
      const both = await Promise.all([1, 2].map(() => call(app, 'POST', apply, keys.planner, undefined, { 'if-match': `"${s.version}"` })));
      t.same(both.map((r) => r.status).sort(), [200, 409], JSON.stringify(both.map((r) => r.body)));
      const ok = both.find((r) => r.status === 200)!;
      t.equal(ok.body.status, 'applied');
      t.equal(ok.body.scheduleVersion, s.version + 1);
      t.equal(ok.res.headers.etag, `"${s.version + 1}"`);
      const after = await call(app, 'GET', `/v1/schedules/${s.id}`, keys.planner);
      t.equal(after.body.version, s.version + 1);
      t.same(after.body.roster, p.roster, 'the next version is the proposal’s roster');
      t.ok(after.body.scenario.agents.find((a: Json) => a.id === 'a1').leave.some((l: Json) => l.start === absence.start && l.end === absence.end), 'the absence is in the scenario');
      t.equal((await call(app, 'POST', apply, keys.planner, undefined, { 'if-match': `"${s.version + 1}"` })).status, 409, 'applied twice');
      t.equal((await call(app, 'GET', `/v1/schedules/${s.id}/proposals/${p.id}`, keys.planner)).body.appliedVersion, s.version + 1);
      const changes = await call(app, 'GET', `/v1/schedules/${s.id}/changes?from=${s.version}`, keys.planner);
      t.same(changes.body.changes, p.changes, 'the version’s changes are the proposal’s');
      const log = await call(app, 'GET', `/v1/audit?entityId=${s.id}`, keys.planner);
      t.ok(log.body.some((e: Json) => e.action === 'schedule.replan.apply' && e.after.version === s.version + 1), 'audited');
    });

    t.test('replan: a proposal of a schedule that moved on is not applied; bad events and options name their path', async (t) => {
      const s = await createSchedule(w);
      const url = `/v1/schedules/${s.id}/replan`;
      const p = await call(app, 'POST', url, keys.planner, { event: { kind: 'none' }, options: { timeLimitSeconds: 2 } });
      t.equal(p.status, 201, JSON.stringify(p.body));
      const replay = await call(app, 'POST', url, keys.planner, { event: { kind: 'none' }, options: { timeLimitSeconds: 2 } }, { 'idempotency-key': 'replan-1' });
      const again = await call(app, 'POST', url, keys.planner, { event: { kind: 'none' }, options: { timeLimitSeconds: 2 } }, { 'idempotency-key': 'replan-1' });
      t.equal(again.res.headers['idempotent-replayed'], 'true');
      t.equal(again.body.id, replay.body.id, 'a retry with the Idempotency-Key answers the same proposal');
      const stored = await store.query('SELECT id FROM replan_proposals WHERE schedule_id = $1', [s.id]);
      t.equal(stored.length, 2, 'and stores no other');
      const put = await call(app, 'PUT', `/v1/schedules/${s.id}/roster`, keys.planner, { roster: smallRoster() }, { 'if-match': `"${s.version}"` });
      t.equal(put.status, 200);
      const stale = await call(app, 'POST', `/v1/schedules/${s.id}/proposals/${p.body.id}/apply`, keys.planner, undefined, { 'if-match': `"${s.version + 1}"` });
      t.equal(stale.status, 409, 'made from an earlier version');
      t.equal((await call(app, 'GET', `/v1/schedules/${s.id}/proposals/${p.body.id}`, keys.planner)).body.status, 'draft');
      t.equal((await call(app, 'GET', `/v1/schedules/${s.id}/proposals/nope`, keys.planner)).status, 404);
      const list = await call(app, 'GET', `/v1/schedules/${s.id}/proposals`, keys.planner);
      t.equal(list.status, 200);
      t.same(list.body.proposals.map((x: Json) => x.id), [replay.body.id, p.body.id], 'both, newest first');
      t.match(list.body.proposals[1], { status: 'draft', baseVersion: s.version, changeCount: p.body.changes.length, event: { kind: 'none' } });
      t.notOk('roster' in list.body.proposals[0], 'no roster in the list');
      t.equal((await call(app, 'GET', `/v1/schedules/${s.id}/proposals`, keys.plannerB)).status, 404, 'other tenant');
      const cases: [string, Json, number, string][] = [
        ['unknown agent', { event: { kind: 'absence', agentId: 'zz', start: '2026-03-25T08:00', end: '2026-03-25T16:00' } }, 422, '/body/event/agentId'],
        ['end before start', { event: { kind: 'absence', agentId: 'a1', start: '2026-03-25T16:00', end: '2026-03-25T08:00' } }, 422, '/body/event/end'],
        ['end at start', { event: { kind: 'absence', agentId: 'a1', start: '2026-03-25T08:00', end: '2026-03-25T08:00' } }, 422, '/body/event/end'],
        ['unknown skill in demand', { event: { kind: 'demand', demand: [{ skill: 'chat', start: '2026-03-24T00:00', required: [1, 1] }] } }, 422, '/body/event/demand/0'],
        ['unknown agent in onlyAgents', { event: { kind: 'none' }, options: { timeLimitSeconds: 2, onlyAgents: ['a1', 'zz'] } }, 422, '/body/options/onlyAgents/1'],
        ['a negative change price', { event: { kind: 'none' }, options: { changeCost: { perShiftMoved: -1, perShiftAddedOrRemoved: 1, perAgentTouched: 1 } } }, 400, '/body/options/changeCost/perShiftMoved'],
        ['a time limit beyond the synchronous one', { event: { kind: 'none' }, options: { timeLimitSeconds: 3600 } }, 400, '/body/options/timeLimitSeconds'],
        ['an unknown event', { event: { kind: 'storm' } }, 400, '/body/event'],
      ];
      for (const [what, body, status, path] of cases) {
        const r = await call(app, 'POST', url, keys.planner, body);
        t.equal(r.status, status, `${what}: ${JSON.stringify(r.body)}`);
        t.match(String(r.res.headers['content-type']), /^application\/problem\+json/, what);
        t.ok((r.body.errors ?? []).some((e: Json) => String(e.path).startsWith(path)), `${what} names ${path}: ${JSON.stringify(r.body.errors)}`);
      }
      t.equal((await call(app, 'GET', `/v1/schedules/${s.id}`, keys.planner)).body.version, s.version + 1, 'no bad request changed the schedule');
    });

    t.test('replan: a demand surge is covered by the re-plan', async (t) => {
      const s = await createSchedule(w);
      const surge = { skill: 'voice', start: '2026-03-24T00:00', required: Array.from({ length: 24 }, (_, h) => (h >= 8 && h < 18 ? 3 : h >= 18 && h < 22 ? 1 : 0)) };
      const r = await call(app, 'POST', `/v1/schedules/${s.id}/replan`, keys.planner, { event: { kind: 'demand', demand: [surge] }, options: { timeLimitSeconds: 2 } });
      t.equal(r.status, 201, JSON.stringify(r.body));
      t.ok(r.body.before.understaffedHours > 0, 'the surge leaves a gap in the published roster');
      t.ok(r.body.after.understaffedHours < r.body.before.understaffedHours, `less understaffed: ${r.body.before.understaffedHours} → ${r.body.after.understaffedHours}`);
      t.ok(r.body.changes.length > 0);
      const applied = await call(app, 'POST', `/v1/schedules/${s.id}/proposals/${r.body.id}/apply`, keys.planner, undefined, { 'if-match': `"${s.version}"` });
      t.equal(applied.status, 200, JSON.stringify(applied.body));
      const demand = (await call(app, 'GET', `/v1/schedules/${s.id}`, keys.planner)).body.scenario.demand as Json[];
      t.same(demand.filter((d) => d.start === surge.start), [surge], 'the surge replaced that day’s demand');
      t.equal(demand.length, weekScenario().demand!.length);
    });

    /** A planner key of its own: the swap-wish tests make many requests, past one key's per-minute limit with the tests before them. */
    const freshPlanner = async () => (await call(app, 'POST', '/v1/keys', keys.admin, { role: 'planner' })).body.key as string;

    t.test('swap wishes: an agent wishes for its own shifts; a 3-cycle is matched and applied whole as the next version', async (t) => {
      const planner = await freshPlanner();
      const own = { ...w, keys: { ...w.keys, planner } };
      const s = await createSchedule(own);
      const base = `/v1/schedules/${s.id}/swap-wishes`;
      const a1Wed = { start: '2026-03-25T08:00', end: '2026-03-25T16:00' };
      const a2Mon = { start: '2026-03-23T14:00', end: '2026-03-23T22:00' };
      const a3Wed = { start: '2026-03-25T14:00', end: '2026-03-25T22:00' };
      // Not held: 422 naming /body/give (a colleague's shift, or no shift at all).
      const notHeld = await call(app, 'POST', base, keys.a1, { give: a2Mon, accept: ['any'] });
      t.equal(notHeld.status, 422);
      t.same(notHeld.body.errors.map((e: Json) => e.path), ['/body/give']);
      t.equal((await call(app, 'POST', base, keys.a1, { agentId: 'a2', give: a2Mon, accept: ['any'] })).status, 403, 'only its own shifts');
      t.equal((await call(app, 'POST', base, planner, { give: a2Mon, accept: ['any'] })).status, 422, 'a planner names the agent');
      const badTemplate = await call(app, 'POST', base, keys.a1, { give: a1Wed, accept: [{ template: 'night' }] });
      t.same(badTemplate.body.errors.map((e: Json) => e.path), ['/body/accept/0/template']);
      t.equal((await call(app, 'POST', base, keys.a1, { give: a1Wed, accept: [{ weekday: 'mon' }] })).status, 400, 'schema');
      // a1's Wednesday morning to a2, a2's Monday evening to a3, a3's Wednesday evening to a1.
      const w1 = await call(app, 'POST', base, keys.a1, { give: a1Wed, accept: [{ date: '2026-03-25' }] });
      const w2 = await call(app, 'POST', base, keys.a2, { give: a2Mon, accept: [{ date: '2026-03-25' }] });
      const w3 = await call(app, 'POST', base, keys.a3, { give: a3Wed, accept: [{ template: 'day' }, { date: '2026-03-23' }] });
      for (const r of [w1, w2, w3]) t.equal(r.status, 201, JSON.stringify(r.body));
      t.equal(w1.body.status, 'open');
      t.equal(w1.body.applied, false);
      t.same((await call(app, 'GET', base, keys.a1)).body.map((x: Json) => x.id), [w1.body.id], 'an agent lists its own wishes');
      t.equal((await call(app, 'GET', base, planner)).body.length, 3);
      const matches = await call(app, 'GET', `${base}/matches`, planner);
      t.equal(matches.status, 200);
      // The 3-cycle, and a2 and a3 alone (a2 accepts a3's Wednesday evening too); both cost nothing, the shorter first.
      t.same(matches.body.matches.map((x: Json) => x.wishIds.length), [2, 3], JSON.stringify(matches.body.matches));
      t.same(matches.body.matches[0].wishIds.slice().sort(), [w2.body.id, w3.body.id].sort());
      const m = matches.body.matches[1];
      const got = Object.fromEntries(m.members.map((x: Json) => [x.agentId, `${x.fromAgent} ${x.receives.start.slice(0, 16)}`]));
      t.same(got, { a1: 'a3 2026-03-25T14:00', a2: 'a1 2026-03-25T08:00', a3: 'a2 2026-03-23T14:00' });
      t.type(m.costDelta, 'number');
      t.same((await call(app, 'GET', `${base}/matches`, keys.a1)).body.matches.map((x: Json) => x.wishIds), [m.wishIds], 'an agent sees the cycles it is in');
      t.equal((await call(app, 'POST', `/v1/schedules/${s.id}/swap-cycles`, keys.a1, { wishIds: m.wishIds })).status, 403, 'a planner applies');
      // The roster changes under the cycle: a2's Monday moves an hour; the match is gone and applying it is 409.
      const moved = smallRoster();
      moved.assignments[1] = shift('a2', '2026-03-23', '13:00', '21:00');
      const put = await call(app, 'PUT', `/v1/schedules/${s.id}/roster`, planner, { roster: moved }, { 'if-match': `"${s.version}"` });
      t.equal(put.status, 200, JSON.stringify(put.body));
      t.same((await call(app, 'GET', `${base}/matches`, planner)).body.matches, []);
      const stale = await call(app, 'POST', `/v1/schedules/${s.id}/swap-cycles`, planner, { wishIds: m.wishIds });
      t.equal(stale.status, 409);
      t.match(stale.body.detail, /changed since/);
      const back = await call(app, 'PUT', `/v1/schedules/${s.id}/roster`, planner, { roster: smallRoster() }, { 'if-match': `"${put.body.version}"` });
      // Not a cycle in that order (a2 would get a3's evening): 422.
      const wrong = await call(app, 'POST', `/v1/schedules/${s.id}/swap-cycles`, planner, { wishIds: [w1.body.id, w3.body.id, w2.body.id] });
      t.equal(wrong.status, 422);
      const applied = await call(app, 'POST', `/v1/schedules/${s.id}/swap-cycles`, planner, { wishIds: m.wishIds }, { 'if-match': `"${back.body.version}"` });
      t.equal(applied.status, 200, JSON.stringify(applied.body));
      t.equal(applied.body.scheduleVersion, back.body.version + 1);
      const after = (await call(app, 'GET', `/v1/schedules/${s.id}`, planner)).body;
      const owner = (ref: { start: string; end: string }) => after.roster.assignments.filter((a: Json) => a.start.startsWith(ref.start) && a.end.startsWith(ref.end)).map((a: Json) => a.agentId);
      t.same([owner(a1Wed), owner(a2Mon), owner(a3Wed)], [['a2'], ['a3'], ['a1']]);
      t.equal(after.roster.assignments.length, smallRoster().assignments.length);
      const listed = (await call(app, 'GET', `${base}?status=applied`, planner)).body;
      t.equal(listed.length, 3);
      t.ok(listed.every((x: Json) => x.cycleId === applied.body.id && x.appliedVersion === applied.body.scheduleVersion));
      t.equal((await call(app, 'POST', `/v1/schedules/${s.id}/swap-cycles`, planner, { wishIds: m.wishIds })).status, 409, 'wishes are consumed');
      t.equal((await call(app, 'POST', `/v1/schedules/${s.id}/swap-cycles`, planner, { wishIds: matches.body.matches[0].wishIds })).status, 409, 'so is the exchange sharing them');
      t.same((await call(app, 'GET', `${base}/matches`, planner)).body.matches, []);
      const events = await store.query<{ type: string; n: number }>(
        `SELECT type, count(*)::int AS n FROM outbox_events WHERE type IN ('swap-wish.created', 'swap-cycle.applied') AND data->>'id' = ANY($1::text[]) GROUP BY type ORDER BY type`,
        [[w1.body.id, w2.body.id, w3.body.id, applied.body.id]],
      );
      t.same(events, [{ type: 'swap-cycle.applied', n: 1 }, { type: 'swap-wish.created', n: 3 }]);
    });

    t.test('20 concurrent applications of cycles sharing a shift: exactly one applied, the rest 409, the roster all or nothing', async (t) => {
      const planner = await freshPlanner();
      const own = { ...w, keys: { ...w.keys, planner } };
      const others = Array.from({ length: 20 }, (_, i) => `b${i + 1}`);
      const scenario = weekScenario();
      scenario.agents = [...scenario.agents, ...others.map((id) => ({ id, skills: ['voice'], contract: 'ft' }))];
      const day = (i: number) => `2026-03-${24 + (i % 6)}`;
      const roster: Roster = { assignments: [shift('a1', '2026-03-23', '08:00', '16:00'), ...others.map((id, i) => shift(id, day(i), '08:00', '16:00'))] };
      const s = await createSchedule(own, scenario, roster);
      const base = `/v1/schedules/${s.id}/swap-wishes`;
      const mine = await call(app, 'POST', base, keys.a1, { give: { start: '2026-03-23T08:00', end: '2026-03-23T16:00' }, accept: ['any'] });
      t.equal(mine.status, 201, JSON.stringify(mine.body));
      const theirs: string[] = [];
      for (const [i, id] of others.entries()) {
        const r = await call(app, 'POST', base, planner, { agentId: id, give: { start: `${day(i)}T08:00`, end: `${day(i)}T16:00` }, accept: [{ date: '2026-03-23' }] });
        if (r.status !== 201) throw new Error(JSON.stringify(r.body));
        theirs.push(r.body.id);
      }
      const matches = (await call(app, 'GET', `${base}/matches`, planner)).body.matches as Json[];
      t.equal(matches.length, 20, 'a1 with each of them');
      const results = await Promise.all(matches.map((m) => call(app, 'POST', `/v1/schedules/${s.id}/swap-cycles`, planner, { wishIds: m.wishIds })));
      const codes = results.map((r) => r.status);
      t.equal(codes.filter((c) => c === 200).length, 1, 'one applied');
      t.equal(codes.filter((c) => c === 409).length, 19, `the rest 409: ${codes.join(',')}`);
      const winner = results.find((r) => r.status === 200)!.body;
      const taker = winner.members.find((x: Json) => x.agentId !== 'a1').agentId as string;
      const after = (await call(app, 'GET', `/v1/schedules/${s.id}`, planner)).body;
      t.equal(after.version, s.version + 1, 'one version step');
      t.equal(after.roster.assignments.length, roster.assignments.length);
      t.same(after.roster.assignments.filter((a: Json) => a.start.startsWith('2026-03-23T08:00')).map((a: Json) => a.agentId), [taker], 'the shared shift went once');
      t.equal(after.roster.assignments.filter((a: Json) => a.agentId === 'a1').length, 1, 'a1 got exactly one shift back');
      t.equal(after.roster.assignments.filter((a: Json) => a.agentId === taker).length, 1);
      const wishes = (await call(app, 'GET', base, planner)).body as Json[];
      t.equal(wishes.filter((x) => x.status === 'applied').length, 2);
      t.equal(wishes.filter((x) => x.status === 'open').length, 19);
      t.same((await call(app, 'GET', `${base}/matches`, planner)).body.matches, [], 'a1’s wish is consumed: nothing left to match');
      t.equal(theirs.length, 20);
    });

    t.test('swap wishes under auto-approval: the wish completing a cycle applies it at once', async (t) => {
      const planner = await freshPlanner();
      const own = { ...w, keys: { ...w.keys, planner } };
      t.equal((await call(app, 'PUT', '/v1/policy', planner, { autoApproveSwaps: true })).status, 200);
      t.teardown(() => call(app, 'PUT', '/v1/policy', planner, { autoApproveSwaps: false }).then(() => undefined));
      const s = await createSchedule(own);
      const base = `/v1/schedules/${s.id}/swap-wishes`;
      // a1's Wednesday for a2's Tuesday.
      const first = await call(app, 'POST', base, keys.a1, { give: { start: '2026-03-25T08:00', end: '2026-03-25T16:00' }, accept: [{ date: '2026-03-24' }] });
      t.equal(first.body.applied, false, 'no cycle yet');
      const second = await call(app, 'POST', base, keys.a2, { give: { start: '2026-03-24T10:00', end: '2026-03-24T18:00' }, accept: ['any'] });
      t.equal(second.status, 201, JSON.stringify(second.body));
      t.equal(second.body.applied, true);
      t.equal(second.body.status, 'applied');
      t.equal(second.body.scheduleVersion, s.version + 1);
      t.equal(second.body.cycle.decidedBy, 'policy');
      const roster = (await call(app, 'GET', `/v1/schedules/${s.id}`, planner)).body.roster.assignments as Json[];
      const owners = (date: string) => roster.filter((a) => a.start.startsWith(date)).map((a) => `${a.agentId} ${a.start.slice(11, 16)}`).sort();
      t.same([owners('2026-03-24'), owners('2026-03-25')], [['a1 10:00', 'a3 14:00'], ['a2 08:00', 'a3 14:00']]);
    });

    t.test('swap wishes: the wish’s agent or a planner withdraws an open wish; 404 for an unknown or another agent’s wish, 409 once applied', async (t) => {
      const planner = await freshPlanner();
      const own = { ...w, keys: { ...w.keys, planner } };
      const s = await createSchedule(own);
      const base = `/v1/schedules/${s.id}/swap-wishes`;
      const a1Wed = { start: '2026-03-25T08:00', end: '2026-03-25T16:00' };
      const a2Tue = { start: '2026-03-24T10:00', end: '2026-03-24T18:00' };
      const w1 = await call(app, 'POST', base, keys.a1, { give: a1Wed, accept: [{ date: '2026-03-24' }] });
      const w2 = await call(app, 'POST', base, keys.a2, { give: a2Tue, accept: ['any'] });
      t.same((await call(app, 'GET', `${base}/matches`, planner)).body.matches.map((m: Json) => m.wishIds.slice().sort()), [[w1.body.id, w2.body.id].sort()]);
      t.equal((await call(app, 'DELETE', `${base}/${w1.body.id}`, keys.a2)).status, 404, 'another agent’s wish is not theirs to see');
      t.equal((await call(app, 'DELETE', `${base}/no-such-wish`, planner)).status, 404);
      t.equal((await call(app, 'DELETE', `/v1/schedules/no-such-schedule/swap-wishes/${w1.body.id}`, planner)).status, 404);
      const gone = await call(app, 'DELETE', `${base}/${w1.body.id}`, keys.a1);
      t.equal(gone.status, 200, JSON.stringify(gone.body));
      t.same(gone.body, { id: w1.body.id, deleted: true });
      t.same((await call(app, 'GET', base, planner)).body.map((x: Json) => x.id), [w2.body.id]);
      t.same((await call(app, 'GET', `${base}/matches`, planner)).body.matches, [], 'the withdrawn wish left the matches');
      t.equal((await call(app, 'DELETE', `${base}/${w1.body.id}`, keys.a1)).status, 404, 'withdrawn once');
      const audited = await store.query<{ actor_role: string }>(`SELECT actor_role FROM audit_log WHERE action = 'swap-wish.delete' AND entity_id = $1`, [w1.body.id]);
      t.same(audited, [{ actor_role: 'agent' }]);
      // A planner withdraws any open wish; an applied one stays (409), for its agent and for a planner.
      const w3 = await call(app, 'POST', base, planner, { agentId: 'a3', give: { start: '2026-03-25T14:00', end: '2026-03-25T22:00' }, accept: ['any'] });
      t.equal((await call(app, 'DELETE', `${base}/${w3.body.id}`, planner)).status, 200);
      const w4 = await call(app, 'POST', base, keys.a1, { give: a1Wed, accept: [{ date: '2026-03-24' }] });
      const applied = await call(app, 'POST', `/v1/schedules/${s.id}/swap-cycles`, planner, { wishIds: [w4.body.id, w2.body.id] });
      t.equal(applied.status, 200, JSON.stringify(applied.body));
      for (const key of [keys.a2, planner]) {
        const consumed = await call(app, 'DELETE', `${base}/${w2.body.id}`, key);
        t.equal(consumed.status, 409, JSON.stringify(consumed.body));
        t.equal(consumed.body.type, 'urn:flexroster:problem:wish-consumed');
      }
      t.equal((await call(app, 'GET', `${base}?status=applied`, planner)).body.length, 2, 'the applied wishes are kept');
    });

    t.test('while the matches among many wishes are searched (on a compute worker), /health keeps answering', async (t) => {
      const planner = await freshPlanner();
      const own = { ...w, keys: { ...w.keys, planner } };
      // 14 agents with one shift each, every one accepting any shift: thousands of cycles of up to four to judge.
      const agents = Array.from({ length: 14 }, (_, i) => `c${i + 1}`);
      const scenario = weekScenario();
      scenario.agents = agents.map((id) => ({ id, skills: ['voice'], contract: 'ft' }));
      const day = (i: number) => `2026-03-${23 + (i % 7)}`;
      const from = (i: number) => `${String(7 + (i % 7)).padStart(2, '0')}:00`;
      const to = (i: number) => `${String(15 + (i % 7)).padStart(2, '0')}:00`;
      const roster: Roster = { assignments: agents.map((id, i) => shift(id, day(i), from(i), to(i))) };
      const s = await createSchedule(own, scenario, roster);
      const base = `/v1/schedules/${s.id}/swap-wishes`;
      for (const [i, agentId] of agents.entries()) {
        const r = await call(app, 'POST', base, planner, { agentId, give: { start: `${day(i)}T${from(i)}`, end: `${day(i)}T${to(i)}` }, accept: ['any'] });
        if (r.status !== 201) throw new Error(JSON.stringify(r.body));
      }
      const started = performance.now();
      let finished = 0;
      const heavy = call(app, 'GET', `${base}/matches`, planner).then((r) => {
        finished = performance.now();
        return r;
      });
      // The times /health answered while the search ran; on the event loop, the search would leave one long gap.
      const answered: number[] = [];
      const codes = new Set<number>();
      while (finished === 0) {
        const h = await call(app, 'GET', '/health');
        if (finished === 0) answered.push(performance.now());
        codes.add(h.status);
        await new Promise((r) => setTimeout(r, 5));
      }
      t.same([...codes], [200]);
      const matches = await heavy;
      t.equal(matches.status, 200);
      t.ok(matches.body.total > 200, `${matches.body.total} cycles`);
      t.equal(matches.body.matches.length, 200, 'the first 200 (the default limit), cheapest first');
      t.equal(matches.body.searchCapped, false);
      const few = await call(app, 'GET', `${base}/matches?limit=5`, planner);
      t.same(few.body.matches, matches.body.matches.slice(0, 5), '?limit=5: the same first five');
      t.equal(few.body.total, matches.body.total);
      t.equal((await call(app, 'GET', `${base}/matches?limit=0`, planner)).status, 400, 'a limit below 1 is refused');
      const duration = finished - started;
      const gaps = [answered[0]! - started, ...answered.slice(1).map((x, i) => x - answered[i]!), finished - (answered.at(-1) ?? started)];
      const longest = Math.max(...gaps);
      t.ok(answered.length >= 3, `${answered.length} answers from /health while the search took ${Math.round(duration)} ms`);
      t.ok(longest < duration / 2, `the longest wait between answers, ${Math.round(longest)} ms, is under half the search’s ${Math.round(duration)} ms`);
    });

    // PGlite is one process per data directory, so for it the SIGKILL test below restarts on the same directory.
    if (backend.name !== 'pglite')
    t.test('restart on the same database: every acknowledged change is there', async (t) => {
      const s = await createSchedule(w);
      const offer = await call(app, 'POST', `/v1/schedules/${s.id}/swap-requests`, keys.a1, { swap: giveA1toA3 });
      const store2 = await backend.reopen();
      const app2 = await buildApp({ store: store2, adminKey: ADMIN });
      t.teardown(async () => {
        await app2.close();
        await store2.close();
      });
      t.equal((await call(app2, 'GET', `/v1/schedules/${s.id}/swap-requests/${offer.body.id}`, keys.planner)).status, 200);
    });
  };
}

t.test('swap cycles on a compute worker: as the core finds them here, a wish not held left out by its index; a cycle judged and applied', async (t) => {
  const { ComputePool } = await import('../dist/workers/compute-pool.js');
  const { applySwapCycleOn, evaluateScenario, findSwapCyclesOn } = await import('@flexroster/core');
  const pool = new ComputePool({ size: 1, maxQueue: 4, taskTimeoutSeconds: 60 });
  t.teardown(() => pool.close());
  const scenario = weekScenario();
  const roster = smallRoster();
  const a1 = { id: 'w-a1', agentId: 'a1', give: { start: '2026-03-25T08:00', end: '2026-03-25T16:00' }, accept: [{ date: '2026-03-24' }] };
  const notHeld = { id: 'w-a3', agentId: 'a3', give: { start: '2026-03-23T08:00', end: '2026-03-23T16:00' }, accept: ['any' as const] };
  const a2 = { id: 'w-a2', agentId: 'a2', give: { start: '2026-03-24T10:00', end: '2026-03-24T18:00' }, accept: ['any' as const] };
  const found = await pool.run({ kind: 'swap-cycles', scenario, roster, wishes: [a1, notHeld, a2], policy: {}, answer: { as: 'json' } });
  t.same(found.stale.map((x) => [x.index, x.issues.map((i) => i.path)]), [[1, ['/wishes/1/give']]]);
  const here = findSwapCyclesOn(evaluateScenario(scenario), roster, [a1, a2]);
  t.equal(here.cycles.length, 1);
  t.same(JSON.parse(found.json!), JSON.parse(JSON.stringify(here.cycles)), 'the cycles among the wishes held');
  const forA3 = await pool.run({ kind: 'swap-cycles', scenario, roster, wishes: [a1, a2], policy: {}, answer: { as: 'json', agentId: 'a3' } });
  t.same(JSON.parse(forA3.json!), [], 'an agent’s view: only the cycles it is in');
  const through = await pool.run({ kind: 'swap-cycles', scenario, roster, wishes: [a1, notHeld, a2], policy: {}, answer: { as: 'cheapest-through', wishId: 'w-a2' } });
  t.same(through.cheapest, here.cycles[0]);
  t.notOk((await pool.run({ kind: 'swap-cycles', scenario, roster, wishes: [a1], policy: {}, answer: { as: 'cheapest-through', wishId: 'w-a1' } })).cheapest, 'no cycle through a lone wish');
  const applied = await pool.run({ kind: 'swap-cycle-apply', scenario, roster, cycle: [a1, a2], policy: {} });
  t.equal(applied.status, 'judged');
  if (applied.status !== 'judged') return;
  t.equal(applied.check.allowed, true);
  t.same(applied.check.cycle, here.cycles[0]);
  t.same(applied.roster, applySwapCycleOn(evaluateScenario(scenario), roster, [a1, a2]));
  const stale = await pool.run({ kind: 'swap-cycle-apply', scenario, roster, cycle: [a1, notHeld], policy: {} });
  t.same(stale.status === 'stale' ? stale.issues.map((i) => i.path) : stale, ['/cycle/1/give']);
});

t.test('PGlite', suite(pgliteBackend));

const url = process.env.TEST_DATABASE_URL;
t.test('PostgreSQL', { skip: url ? false : 'TEST_DATABASE_URL is not set' }, suite(async () => postgresBackend(url!)));

t.test('server killed with SIGKILL during acknowledged writes, restarted on the same DATA_DIR: every acknowledged change is there', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'flexroster-kill-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  const env = { DATA_DIR: dir, FLEXROSTER_ADMIN_KEY: ADMIN, DATABASE_URL: '' };
  const http = async (base: string, method: string, path: string, key: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as Json };
  };
  const first = await startServerProcess(env, 60_000);
  const planner = (await http(first.url, 'POST', '/v1/keys', ADMIN, { role: 'planner' })).body.key as string;
  const created = await http(first.url, 'POST', '/v1/schedules', planner, { scenario: weekScenarioForKill(), roster: smallRoster() });
  t.equal(created.status, 201);
  const acknowledged: string[] = [];
  let stop = false;
  // Four writers in parallel; each id is recorded only once its 201 has arrived.
  const writer = async () => {
    while (!stop) {
      try {
        const r = await http(first.url, 'POST', `/v1/schedules/${created.body.id}/swap-requests`, planner, { swap: giveA1toA3 });
        if (r.status === 201) acknowledged.push(r.body.id as string);
      } catch {
        return; // the server is gone
      }
    }
  };
  const writers = [writer(), writer(), writer(), writer()];
  while (acknowledged.length < 40) await new Promise((r) => setTimeout(r, 10));
  first.child.kill('SIGKILL');
  await Promise.all(writers);
  stop = true;
  t.ok(acknowledged.length >= 40, `${acknowledged.length} writes acknowledged before the kill`);
  const second = await startServerProcess(env, 60_000);
  t.teardown(() => second.stop());
  const listed = await http(second.url, 'GET', `/v1/schedules/${created.body.id}/swap-requests`, planner);
  t.equal(listed.status, 200);
  const stored = new Set((listed.body as unknown as Json[]).map((r) => r.id as string));
  t.equal(acknowledged.filter((id) => !stored.has(id)).length, 0, 'no acknowledged write lost');
  const audit = await http(second.url, 'GET', '/v1/audit?limit=1000', planner);
  t.ok((audit.body as unknown as Json[]).filter((e) => e.action === 'swap-request.create').length >= acknowledged.length, 'audit rows too');
});

function weekScenarioForKill(): Scenario {
  return { ...smallScenario(), horizon: { ...smallScenario().horizon, days: 7 } };
}
