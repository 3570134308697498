/**
 * Leave requests (and the re-plan of an approved leave's hole), leave balances, shift extensions and VTO and
 * overtime offers on stored schedules, against embedded PGlite in a
 * temporary directory, and also against PostgreSQL when TEST_DATABASE_URL is set (in a fresh schema per
 * run, dropped afterwards).
 */
import t, { type Test } from 'tap';
import type { Roster, Scenario } from '@flexroster/core';
import { smallRoster, smallScenario, shift } from './fixtures.js';
import { call, pgliteBackend, postgresBackend, openWorld, type Backend, type Json, type World } from './world.js';

const ADMIN = 'root-admin-key-for-leave-tests';

/** The small scenario over a week, with a 4-hour length added to the template so that leave can shorten a shift. */
function leaveScenario(): Scenario {
  const s = smallScenario();
  return { ...s, horizon: { ...s.horizon, days: 7 }, shiftTemplates: [{ ...s.shiftTemplates[0]!, lengthsMinutes: [240, 480] }] };
}

async function createSchedule(w: World, scenario: Scenario = leaveScenario(), roster: Roster = smallRoster()) {
  const r = await call(w.app, 'POST', '/v1/schedules', w.keys.planner, { name: 'week', scenario, roster });
  if (r.status !== 201) throw new Error(`schedule: ${r.status} ${JSON.stringify(r.body)}`);
  const p = await call(w.app, 'POST', `/v1/schedules/${r.body.id}/publish`, w.keys.planner);
  if (p.status !== 200) throw new Error(`publish: ${p.status} ${JSON.stringify(p.body)}`);
  return p.body;
}

/**
 * leaveScenario with break rules on its template: a break from 250 minutes (none in a 4-hour shift), a lunch
 * from 6 hours, and a second break from 500 minutes whose window (500–525 min after the start) only a shift
 * of 515 minutes or more holds.
 */
function breaksScenario(): Scenario {
  const s = leaveScenario();
  const breaks = [
    { kind: 'break' as const, minutes: 15, earliestAfterStartMinutes: 60, latestAfterStartMinutes: 180, paid: true, minShiftMinutes: 250 },
    { kind: 'lunch' as const, minutes: 30, earliestAfterStartMinutes: 180, latestAfterStartMinutes: 300, paid: false, minShiftMinutes: 360 },
    { kind: 'break' as const, minutes: 15, earliestAfterStartMinutes: 500, latestAfterStartMinutes: 525, paid: true, minShiftMinutes: 500 },
  ];
  return { ...s, shiftTemplates: [{ ...s.shiftTemplates[0]!, lengthsMinutes: [240, 480, 540], breaks, minGapMinutes: 30 }] };
}

/** smallRoster with a1's two shifts (08:00–16:00) carrying a break at 10:00 and a lunch at 12:00; the others have no segments. */
function breaksRoster(): Roster {
  const seg = (date: string, from: string, to: string, kind: 'work' | 'break' | 'lunch') => ({ start: `${date}T${from}`, end: `${date}T${to}`, kind });
  const day = (date: string) => [seg(date, '08:00', '10:00', 'work'), seg(date, '10:00', '10:15', 'break'), seg(date, '10:15', '12:00', 'work'), seg(date, '12:00', '12:30', 'lunch'), seg(date, '12:30', '16:00', 'work')];
  return { assignments: smallRoster().assignments.map((a) => (a.agentId === 'a1' ? { ...a, segments: day(a.start.slice(0, 10)) } : a)) };
}

/** A stored assignment's segments as "kind hh:mm–hh:mm" (the week is on GMT, so UTC reads as local). */
const segmentsOf = (a: Json | undefined) => (a?.segments as Json[] | undefined)?.map((g) => `${g.kind} ${String(g.start).slice(11, 16)}–${String(g.end).slice(11, 16)}`);

/** The off-phone segments of a stored assignment as [kind, minutes after the shift start]; asserts that the segments tile it. */
function offsets(t: Test, a: Json): [string, number][] {
  const ms = (x: unknown) => Date.parse(String(x));
  const segs = a.segments as Json[];
  t.equal(segs[0]!.start, a.start, 'the first segment starts with the shift');
  t.equal(segs.at(-1)!.end, a.end, 'the last one ends with it');
  segs.slice(1).forEach((g, i) => t.equal(g.start, segs[i]!.end, 'segments tile the shift'));
  return segs.filter((g) => g.kind !== 'work').map((g) => [g.kind as string, (ms(g.start) - ms(a.start)) / 60_000]);
}

const a1Day1 = { start: '2026-03-23T08:00', end: '2026-03-23T16:00' };

const hourly = (spans: [from: number, to: number, n: number][]) => Array.from({ length: 24 }, (_, h) => spans.find(([f, to]) => h >= f && h < to)?.[2] ?? 0);

/**
 * For offers: weeks of 16 h with a 2-hour overtime band, and demand that the small roster over-covers on
 * days one and three 14:00–16:00 (a1 and a colleague, one needed) and under-covers on day three 16:00–20:00
 * (two needed, a3 alone).
 */
function offersScenario(): Scenario {
  return {
    ...leaveScenario(),
    contracts: [{ id: 'ft', hoursPerWeek: { max: 16 }, overtime: { maxHoursPerWeek: 2, costPerHour: 5 }, maxDaysPerWeek: 5, minRestHours: 11 }],
    demand: [
      { skill: 'voice', start: '2026-03-23T00:00', required: hourly([[8, 22, 1]]) },
      { skill: 'voice', start: '2026-03-25T00:00', required: hourly([[8, 16, 1], [16, 20, 2], [20, 22, 1]]) },
    ],
  };
}
const morningLeave = { agentId: 'a1', start: '2026-03-23T08:00', end: '2026-03-23T12:00', type: 'annual' };

function suite(backendFactory: () => Promise<Backend>) {
  return async (t: Test) => {
    const backend = await backendFactory();
    const w = await openWorld(t, backend, ADMIN);
    const { app, keys } = w;
    const setBalance = async (agentId: string, hours: number) => {
      const r = await call(app, 'PUT', `/v1/agents/${agentId}/leave-balance`, keys.planner, { balanceHours: hours });
      if (r.status !== 200) throw new Error(`balance: ${r.status} ${JSON.stringify(r.body)}`);
    };

    t.test('leave request: validation and impact (shorten, middle, drop)', async (t) => {
      const s = await createSchedule(w);
      const base = `/v1/schedules/${s.id}/leave-requests`;
      const r = await call(app, 'POST', base, keys.a1, morningLeave);
      t.equal(r.status, 201, JSON.stringify(r.body));
      t.equal(r.body.status, 'pending');
      t.equal(r.body.hours, 4);
      t.equal(r.body.impact.hours, 4);
      t.equal(r.body.impact.spanHours, 4);
      t.equal(r.body.impact.shifts.length, 1);
      t.equal(r.body.impact.shifts[0].action, 'shorten');
      t.same(r.body.impact.shifts[0].shift, { start: '2026-03-23T08:00:00Z', end: '2026-03-23T16:00:00Z', skill: 'voice', template: 'day', minutes: 480 });
      t.same(r.body.impact.shifts[0].after, { start: '2026-03-23T12:00:00Z', end: '2026-03-23T16:00:00Z', skill: 'voice', template: 'day', minutes: 240 });
      // 08:00–12:00 on day one had a1 alone against a requirement of 2: one agent-hour short per hour more.
      t.equal(r.body.impact.coverageDelta.understaffedAgentHours, 4);
      t.equal(r.res.headers.location, `${base}/${r.body.id}`);

      // In the middle: the longer piece (11:00–16:00, 300 min) stays; 300 is no template length, so it has no template.
      const mid = await call(app, 'POST', base, keys.planner, { agentId: 'a1', start: '2026-03-23T10:00', end: '2026-03-23T11:00', type: 'annual' });
      t.equal(mid.status, 201);
      t.equal(mid.body.impact.shifts[0].action, 'shorten');
      t.same(mid.body.impact.shifts[0].after, { start: '2026-03-23T11:00:00Z', end: '2026-03-23T16:00:00Z', skill: 'voice', minutes: 300 });
      t.equal(mid.body.hours, 1);

      // Less than the shortest template length (240 min) would remain: dropped.
      const short = await call(app, 'POST', base, keys.a1, { agentId: 'a1', start: '2026-03-23T10:00', end: '2026-03-23T15:00', type: 'annual' });
      t.equal(short.body.impact.shifts[0].action, 'drop');
      t.equal(short.body.impact.shifts[0].after, null);
      t.equal(short.body.hours, 5);

      // A whole day: the shift goes, 8 hours of work are on leave, the leave lasts 24 hours.
      const day = await call(app, 'POST', base, keys.a1, { agentId: 'a1', start: '2026-03-23T00:00', end: '2026-03-24T00:00', type: 'annual' });
      t.equal(day.body.impact.shifts[0].action, 'drop');
      t.equal(day.body.hours, 8);
      t.equal(day.body.impact.spanHours, 24);
      t.equal(day.body.impact.coverageDelta.understaffedAgentHours, 8);

      // Leave on a day off touches no shift and costs nothing.
      const off = await call(app, 'POST', base, keys.a1, { agentId: 'a1', start: '2026-03-24T00:00', end: '2026-03-25T00:00', type: 'annual' });
      t.equal(off.status, 201);
      t.same(off.body.impact.shifts, []);
      t.equal(off.body.hours, 0);

      t.equal((await call(app, 'POST', base, keys.a1, { ...morningLeave, end: '2026-03-23T08:00' })).status, 422, 'end must be after start');
      t.equal((await call(app, 'POST', base, keys.a1, { ...morningLeave, end: 'tomorrow' })).status, 400, 'not a date-time');
      t.equal((await call(app, 'POST', base, keys.planner, { ...morningLeave, agentId: 'zz' })).status, 422, 'unknown agent');
      t.equal((await call(app, 'POST', base, keys.a1, { ...morningLeave, agentId: 'a2' })).status, 403, 'an agent asks for itself only');

      const list = await call(app, 'GET', base, keys.planner);
      t.equal(list.body.length, 5);
      t.equal((await call(app, 'GET', `${base}?agentId=a1&status=pending`, keys.planner)).body.length, 5);
      t.equal((await call(app, 'GET', `${base}?status=approved`, keys.planner)).body.length, 0);
      t.equal((await call(app, 'GET', base, keys.a2)).body.length, 0, 'agents see only their own');
      t.equal((await call(app, 'GET', `${base}?agentId=a1`, keys.a2)).body.length, 0);
      t.equal((await call(app, 'GET', base, keys.a1)).body.length, 5);
    });

    t.test('approval shortens the shift, adds the leave to the scenario and debits the balance', async (t) => {
      await setBalance('a1', 40);
      const s = await createSchedule(w);
      const base = `/v1/schedules/${s.id}/leave-requests`;
      const r = await call(app, 'POST', base, keys.a1, morningLeave, { 'idempotency-key': 'leave-1' });
      const again = await call(app, 'POST', base, keys.a1, morningLeave, { 'idempotency-key': 'leave-1' });
      t.same(again.body, r.body, 'a retry gets the first response');
      t.equal(again.res.headers['idempotent-replayed'], 'true');
      const ok = await call(app, 'POST', `${base}/${r.body.id}/approve`, keys.planner, undefined, { 'if-match': `"${s.version}"` });
      t.equal(ok.status, 200, JSON.stringify(ok.body));
      t.equal(ok.body.status, 'approved');
      t.equal(ok.body.scheduleVersion, s.version + 1);
      t.equal(ok.body.appliedVersion, s.version + 1);
      t.equal(ok.body.balanceHours, 36);
      const after = await call(app, 'GET', `/v1/schedules/${s.id}`, keys.planner);
      t.equal(after.body.version, s.version + 1);
      const a1 = after.body.roster.assignments.filter((a: Json) => a.agentId === 'a1');
      t.equal(a1.length, 2);
      t.match(a1[0], { start: '2026-03-23T12:00:00Z', end: '2026-03-23T16:00:00Z', template: 'day' });
      t.equal(after.body.roster.assignments.length, smallRoster().assignments.length);
      const agent = after.body.scenario.agents.find((a: Json) => a.id === 'a1');
      t.same(agent.leave, [{ start: morningLeave.start, end: morningLeave.end, type: 'annual' }], 'the leave is in the scenario');
      const balance = await call(app, 'GET', '/v1/agents/a1/leave-balance', keys.a1);
      t.equal(balance.status, 200);
      t.equal(balance.body.agentId, 'a1');
      t.equal(balance.body.balanceHours, 36);
      t.match(balance.body.entries.at(-1), { deltaHours: -4, balanceHours: 36, reason: 'leave', leaveRequestId: r.body.id, scheduleId: s.id });
      t.match(balance.body.entries.at(-2), { deltaHours: 40, balanceHours: 40, reason: 'set' });
      // Every later check knows the leave: extending the shortened shift back into it is refused by the leave rule.
      const back = await call(app, 'POST', `/v1/schedules/${s.id}/extension-requests`, keys.a1, {
        agentId: 'a1',
        shift: { start: '2026-03-23T12:00', end: '2026-03-23T16:00' },
        extendMinutes: 60,
        at: 'start',
      });
      t.equal(back.status, 201, JSON.stringify(back.body));
      t.equal(back.body.check.allowed, false);
      t.ok(back.body.check.violations.some((v: Json) => v.rule === 'leave'), JSON.stringify(back.body.check));
      // Overlapping leave once approved is 422; deciding twice is 409.
      t.equal((await call(app, 'POST', base, keys.a1, morningLeave)).status, 422, 'already on leave');
      t.equal((await call(app, 'POST', `${base}/${r.body.id}/approve`, keys.planner)).status, 409);
      t.equal((await call(app, 'POST', `${base}/${r.body.id}/reject`, keys.planner)).status, 409);
      t.equal((await call(app, 'GET', `${base}?status=approved`, keys.a1)).body.length, 1);
      const audit = await call(app, 'GET', '/v1/audit?limit=1000', keys.planner);
      const applied = (audit.body as unknown as Json[]).find((e) => e.action === 'schedule.leave.apply' && e.entityId === s.id);
      t.ok(applied, 'audit row for the schedule change');
      t.ok((audit.body as unknown as Json[]).some((e) => e.action === 'leave-balance.set'), 'audit row for the balance');
    });

    t.test('stale version is 409; a rejected request changes nothing', async (t) => {
      await setBalance('a1', 40);
      const s = await createSchedule(w);
      const base = `/v1/schedules/${s.id}/leave-requests`;
      const r = await call(app, 'POST', base, keys.a1, morningLeave);
      await call(app, 'POST', `/v1/schedules/${s.id}/publish`, keys.planner); // moves the version on
      const stale = await call(app, 'POST', `${base}/${r.body.id}/approve`, keys.planner, undefined, { 'if-match': `"${s.version}"` });
      t.equal(stale.status, 409);
      t.equal(stale.body.type, 'urn:flexroster:problem:stale-version');
      t.equal((await call(app, 'GET', `${base}/${r.body.id}`, keys.a1)).body.status, 'pending', 'still pending');
      t.equal((await call(app, 'GET', '/v1/agents/a1/leave-balance', keys.a1)).body.balanceHours, 40, 'nothing debited');
      const rejected = await call(app, 'POST', `${base}/${r.body.id}/reject`, keys.planner);
      t.equal(rejected.status, 200);
      t.equal(rejected.body.status, 'rejected');
      t.equal((await call(app, 'GET', `/v1/schedules/${s.id}`, keys.planner)).body.version, s.version + 1);
    });

    t.test('a balance that would go negative is 422 and changes nothing', async (t) => {
      await setBalance('a1', 2);
      const s = await createSchedule(w);
      const base = `/v1/schedules/${s.id}/leave-requests`;
      const r = await call(app, 'POST', base, keys.a1, morningLeave);
      const refused = await call(app, 'POST', `${base}/${r.body.id}/approve`, keys.planner);
      t.equal(refused.status, 422);
      t.equal(refused.body.type, 'urn:flexroster:problem:insufficient-leave-balance');
      t.match(refused.body.detail, /2 h of leave left; this leave needs 4 h/);
      const after = await call(app, 'GET', `/v1/schedules/${s.id}`, keys.planner);
      t.equal(after.body.version, s.version);
      t.same(after.body.roster, smallRoster());
      t.equal((await call(app, 'GET', '/v1/agents/a1/leave-balance', keys.planner)).body.balanceHours, 2);
      t.equal((await call(app, 'PUT', '/v1/agents/a1/leave-balance', keys.planner, { balanceHours: -1 })).status, 400, 'no negative allowance');
    });

    t.test('leave across the DST change (Europe/London, 29 March 2026): impact and ICS feed', async (t) => {
      await setBalance('a1', 40);
      const scenario: Scenario = { ...leaveScenario(), name: 'dst', horizon: { startDate: '2026-03-27', days: 7, timeZone: 'Europe/London', intervalMinutes: 60 }, demand: [] };
      const roster: Roster = { assignments: [shift('a1', '2026-03-29', '08:00', '16:00'), shift('a2', '2026-03-30', '08:00', '16:00')] };
      const s = await createSchedule(w, scenario, roster);
      const base = `/v1/schedules/${s.id}/leave-requests`;
      // Local midnight to noon on the day the clocks go forward: 00:00Z to 11:00Z, 11 real hours.
      const r = await call(app, 'POST', base, keys.a1, { agentId: 'a1', start: '2026-03-29T00:00', end: '2026-03-29T12:00', type: 'annual' });
      t.equal(r.status, 201, JSON.stringify(r.body));
      t.equal(r.body.impact.spanHours, 11);
      t.equal(r.body.hours, 4, '08:00–12:00 local of the shift');
      t.same(r.body.impact.shifts[0].after, { start: '2026-03-29T12:00:00+01:00', end: '2026-03-29T16:00:00+01:00', skill: 'voice', template: 'day', minutes: 240 });
      const ok = await call(app, 'POST', `${base}/${r.body.id}/approve`, keys.planner);
      t.equal(ok.status, 200, JSON.stringify(ok.body));
      const ics = (await call(app, 'GET', `/v1/schedules/${s.id}/agents/a1/calendar.ics`, keys.a1)).res.body;
      t.match(ics, /DTSTART:20260329T110000Z\r\nDTEND:20260329T150000Z/, 'the shortened shift: 12:00–16:00 BST is 11:00Z–15:00Z');
      t.notMatch(ics, /DTSTART:20260329T070000Z/, 'the original start is gone');
      const view = await call(app, 'GET', `/v1/schedules/${s.id}/agents/a1`, keys.a1);
      t.equal(view.body.shifts[0].startLocal, '2026-03-29T12:00:00+01:00');
      t.equal((await call(app, 'GET', '/v1/agents/a1/leave-balance', keys.a1)).body.balanceHours, 36);
    });

    t.test('shift extensions: allowed (shift-templates not blocking), refused by rest, auto-approval', async (t) => {
      const s = await createSchedule(w);
      const base = `/v1/schedules/${s.id}/extension-requests`;
      const ok = await call(app, 'POST', base, keys.a1, { agentId: 'a1', shift: a1Day1, extendMinutes: 60, at: 'end' }, { 'idempotency-key': 'ext-1' });
      t.equal(ok.status, 201, JSON.stringify(ok.body));
      t.equal(ok.body.status, 'awaiting-approval');
      t.equal(ok.body.applied, false);
      t.equal(ok.body.check.allowed, true);
      t.match(ok.body.check.extended, { start: '2026-03-23T08:00:00Z', end: '2026-03-23T17:00:00Z', minutes: 540 });
      t.ok(ok.body.check.violations.some((v: Json) => v.rule === 'shift-templates'), 'the 9-hour shift matches no template');
      t.ok(ok.body.check.reasons.some((x: string) => /shift-templates.*not blocking/.test(x)), JSON.stringify(ok.body.check.reasons));
      const replay = await call(app, 'POST', base, keys.a1, { agentId: 'a1', shift: a1Day1, extendMinutes: 60, at: 'end' }, { 'idempotency-key': 'ext-1' });
      t.same(replay.body, ok.body);
      const approved = await call(app, 'POST', `${base}/${ok.body.id}/approve`, keys.planner, {}, { 'if-match': `"${s.version}"` });
      t.equal(approved.status, 200, JSON.stringify(approved.body));
      t.equal(approved.body.status, 'approved');
      t.equal(approved.body.scheduleVersion, s.version + 1);
      let sched = await call(app, 'GET', `/v1/schedules/${s.id}`, keys.planner);
      t.ok(sched.body.roster.assignments.some((a: Json) => a.agentId === 'a1' && a.start === '2026-03-23T08:00:00Z' && a.end === '2026-03-23T17:00:00Z'));

      // a2 works 14:00–22:00 and 10:00–18:00 the next day: 2 more hours leave 10 h of rest (< 11).
      const bad = await call(app, 'POST', base, keys.a2, { agentId: 'a2', shift: { start: '2026-03-23T14:00', end: '2026-03-23T22:00' }, extendMinutes: 120, at: 'end' });
      t.equal(bad.status, 201);
      t.equal(bad.body.check.allowed, false);
      t.ok(bad.body.check.violations.some((v: Json) => v.rule === 'rest'), JSON.stringify(bad.body.check.violations));
      t.ok(bad.body.check.reasons.some((x: string) => x.startsWith('a2: rest:')));
      const refused = await call(app, 'POST', `${base}/${bad.body.id}/approve`, keys.planner, {});
      t.equal(refused.status, 422);
      t.match(refused.body.detail, /rest/);
      t.equal((await call(app, 'POST', `${base}/${bad.body.id}/reject`, keys.planner)).body.status, 'rejected');
      t.equal((await call(app, 'POST', base, keys.a1, { agentId: 'a1', shift: { start: '2026-03-24T08:00', end: '2026-03-24T16:00' }, extendMinutes: 60, at: 'end' })).status, 422, 'no such shift');

      // With autoApproveSwaps a passing extension is applied at once; a failing one still waits.
      t.equal((await call(app, 'PUT', '/v1/policy', keys.planner, { autoApproveSwaps: true })).status, 200);
      t.teardown(() => call(app, 'PUT', '/v1/policy', keys.planner, { autoApproveSwaps: false }));
      const auto = await call(app, 'POST', base, keys.a1, { agentId: 'a1', shift: { start: '2026-03-25T08:00', end: '2026-03-25T16:00' }, extendMinutes: 60, at: 'start' });
      t.equal(auto.status, 201, JSON.stringify(auto.body));
      t.equal(auto.body.status, 'approved');
      t.equal(auto.body.applied, true);
      const bad2 = await call(app, 'POST', base, keys.a2, { agentId: 'a2', shift: { start: '2026-03-23T14:00', end: '2026-03-23T22:00' }, extendMinutes: 120, at: 'end' });
      t.equal(bad2.body.status, 'awaiting-approval');
      t.equal(bad2.body.applied, false);
      sched = await call(app, 'GET', `/v1/schedules/${s.id}`, keys.planner);
      t.equal(sched.body.version, s.version + 2);
      t.ok(sched.body.roster.assignments.some((a: Json) => a.agentId === 'a1' && a.start === '2026-03-25T07:00:00Z' && a.end === '2026-03-25T16:00:00Z'));
      t.equal((await call(app, 'GET', base, keys.a1)).body.length, 2, 'a1 sees its own two');
      t.equal((await call(app, 'GET', `${base}?status=awaiting-approval`, keys.planner)).body.length, 1);
    });

    t.test('approve with ?replan=true: a draft proposal of the version the approval makes covers the hole with the fewest changes', async (t) => {
      await setBalance('a1', 40);
      // One agent needed 08:00–22:00 on the third day only, which a1 (08:00–16:00) and a3 (14:00–22:00) cover.
      const hours = Array.from({ length: 24 }, (_, h) => (h >= 8 && h < 22 ? 1 : 0));
      const s = await createSchedule(w, { ...leaveScenario(), demand: [{ skill: 'voice', start: '2026-03-25T00:00', required: hours }] });
      const base = `/v1/schedules/${s.id}/leave-requests`;
      // a1's whole third day: its shift goes, and 08:00–14:00 has nobody.
      const r = await call(app, 'POST', base, keys.a1, { agentId: 'a1', start: '2026-03-25T00:00', end: '2026-03-26T00:00', type: 'annual' });
      t.equal(r.status, 201, JSON.stringify(r.body));
      const approve = () => call(app, 'POST', `${base}/${r.body.id}/approve?replan=true&replanTimeLimitSeconds=3`, keys.planner, undefined, { 'if-match': `"${s.version}"`, 'idempotency-key': 'approve-replan-1' });
      const ok = await approve();
      t.equal(ok.status, 200, JSON.stringify(ok.body));
      const replay = await approve();
      t.equal(replay.res.headers['idempotent-replayed'], 'true');
      t.same(replay.body, ok.body, 'a retry answers the same approval and proposal, and solves nothing');
      t.equal(ok.body.status, 'approved', 'the approval happens as without the flag');
      t.equal(ok.body.scheduleVersion, s.version + 1);
      t.equal(ok.body.balanceHours, 32);
      const { replan } = ok.body;
      t.type(replan.proposalId, 'string', JSON.stringify(replan));
      t.equal(replan.href, `/v1/schedules/${s.id}/proposals/${replan.proposalId}`);
      const p = (await call(app, 'GET', replan.href, keys.planner)).body;
      t.equal(p.status, 'draft');
      t.equal(p.baseVersion, s.version + 1, 'made from the version the approval made');
      t.match(p.event, { kind: 'absence', agentId: 'a1', start: '2026-03-25T00:00', end: '2026-03-26T00:00', type: 'annual', leaveRequestId: r.body.id });
      const approved = (await call(app, 'GET', `/v1/schedules/${s.id}`, keys.planner)).body;
      // The fewest changes: one shift added for the colleague free that day (a2); every approved shift stays.
      t.equal(p.changes.length, 1, JSON.stringify(p.changes));
      t.equal(replan.changeCount, 1);
      t.equal(p.changes[0].before, null, 'an addition');
      t.equal(p.changes[0].agentId, 'a2', 'not the agent on leave, nor a3 who works that day already');
      t.match(p.changes[0].after.start, /^2026-03-25/);
      const key = (a: Json) => `${a.agentId} ${Date.parse(a.start)} ${Date.parse(a.end)}`;
      const kept = new Set(p.roster.assignments.map(key));
      t.ok(approved.roster.assignments.every((a: Json) => kept.has(key(a))), 'the approved roster is kept whole');
      t.equal(p.roster.assignments.length, approved.roster.assignments.length + 1);
      t.ok(p.after.understaffedHours < p.before.understaffedHours, `the hole is covered: ${p.before.understaffedHours} → ${p.after.understaffedHours}`);
      t.equal(p.before.understaffedHours, 6, '08:00–14:00 uncovered after the approval');
      t.equal(p.after.understaffedHours, 0, 'covered by the re-plan');
      t.equal(p.after.violations, 0);
      t.same(replan.before, p.before);
      // The proposal applies on the approved version.
      const applied = await call(app, 'POST', `${replan.href}/apply`, keys.planner, undefined, { 'if-match': `"${ok.body.scheduleVersion}"` });
      t.equal(applied.status, 200, JSON.stringify(applied.body));
      t.equal(applied.body.scheduleVersion, s.version + 2);
      const after = (await call(app, 'GET', `/v1/schedules/${s.id}`, keys.planner)).body;
      t.same(after.scenario.agents.find((a: Json) => a.id === 'a1').leave, [{ start: '2026-03-25T00:00', end: '2026-03-26T00:00', type: 'annual' }], 'the leave once, as approved');

      // Without the flag: no `replan` member and no proposal.
      const r2 = await call(app, 'POST', base, keys.a1, { agentId: 'a1', start: '2026-03-23T08:00', end: '2026-03-23T12:00', type: 'annual' });
      const plain = await call(app, 'POST', `${base}/${r2.body.id}/approve`, keys.planner);
      t.equal(plain.status, 200, JSON.stringify(plain.body));
      t.notOk('replan' in plain.body);
      t.equal((await call(app, 'GET', `/v1/schedules/${s.id}/proposals`, keys.planner)).body.proposals.length, 1, 'one proposal, the retry’s included');
      t.equal((await call(app, 'POST', `${base}/${r2.body.id}/approve?replan=maybe`, keys.planner)).status, 400, 'not a boolean');
    });

    t.test('approve with ?replan=true when the re-plan cannot be computed: the approval stands and says why', async (t) => {
      await setBalance('a2', 40);
      const s = await createSchedule(w);
      const base = `/v1/schedules/${s.id}/leave-requests`;
      const r = await call(app, 'POST', base, keys.a2, { agentId: 'a2', start: '2026-03-24T00:00', end: '2026-03-25T00:00', type: 'annual' });
      // The tenant may ask for at most 1 s of solving: a 2-second re-plan is refused before it starts.
      t.equal((await call(app, 'PUT', '/v1/policy', keys.admin, { limits: { maxTimeLimitSeconds: 1 } })).status, 200);
      t.teardown(() => call(app, 'PUT', '/v1/policy', keys.admin, {}));
      const ok = await call(app, 'POST', `${base}/${r.body.id}/approve?replan=true&replanTimeLimitSeconds=2`, keys.planner);
      t.equal(ok.status, 200, JSON.stringify(ok.body));
      t.equal(ok.body.status, 'approved');
      t.equal(ok.body.scheduleVersion, s.version + 1);
      t.equal(ok.body.replan.proposalId, null);
      t.equal(ok.body.replan.href, null);
      t.match(ok.body.replan.reason, /could not be computed.*timeLimitSeconds 2/);
      t.match(ok.body.replan.problem, { status: 422, title: 'Beyond a limit' });
      const after = (await call(app, 'GET', `/v1/schedules/${s.id}`, keys.planner)).body;
      t.notOk(after.roster.assignments.some((a: Json) => a.agentId === 'a2' && a.start.startsWith('2026-03-24')), 'the leave is applied');
      t.equal((await call(app, 'GET', `/v1/schedules/${s.id}/proposals`, keys.planner)).body.proposals.length, 0, 'no proposal');
    });

    t.test('offers: VTO in over-covered and overtime in under-covered intervals, ranked by the change of evaluate’s cost; accepting applies', async (t) => {
      const s = await createSchedule(w, offersScenario());
      const url = `/v1/schedules/${s.id}/offers`;
      const made = await call(app, 'POST', url, keys.planner);
      t.equal(made.status, 201, JSON.stringify(made.body));
      t.equal(made.body.baseVersion, s.version);
      const needs = made.body.needs as Json[];
      t.same(
        needs.map((n) => [n.kind, n.start, n.end, n.agentHours]).sort(),
        [
          ['over', '2026-03-23T14:00:00Z', '2026-03-23T16:00:00Z', 2],
          ['over', '2026-03-25T14:00:00Z', '2026-03-25T16:00:00Z', 2],
          ['under', '2026-03-25T16:00:00Z', '2026-03-25T20:00:00Z', 4],
        ],
        'the runs over and under the requirement',
      );
      const offers = made.body.offers as Json[];
      const brief = (o: Json) => `${o.kind} ${o.agentId} ${o.shift.start} ${o.at} ${o.minutes}`;
      t.same(
        offers.map(brief).sort(),
        [
          'overtime a1 2026-03-25T08:00:00Z end 120',
          'vto a1 2026-03-23T08:00:00Z end 120',
          'vto a1 2026-03-25T08:00:00Z end 120',
          'vto a2 2026-03-23T14:00:00Z start 120',
          'vto a3 2026-03-25T14:00:00Z start 120',
        ],
        JSON.stringify(offers.map(brief)),
      );
      // The run under-covered is 4 h long, but a1's band allows 2 h over the 16 h a1 works.
      const ot = offers.find((o) => o.kind === 'overtime')!;
      t.match(ot, { after: { start: '2026-03-25T08:00:00Z', end: '2026-03-25T18:00:00Z', minutes: 600 }, need: { kind: 'under', start: '2026-03-25T16:00:00Z' }, status: 'open', hours: 2 });
      t.ok(ot.notes.some((n: string) => /shift-templates.*not blocking/.test(n)), 'a 10-hour shift matches no template: noted, not blocking');
      t.same(offers.map((o) => o.rank), offers.map((_, i) => i + 1));
      t.ok(offers.every((o, i) => i === 0 || offers[i - 1]!.costDelta <= o.costDelta), 'cheapest first');
      t.equal(offers[0]!.id, ot.id, 'covering two agent-hours short saves most');
      // costDelta is the change of evaluate's total cost.
      const evaluate = async (roster: Json) => (await call(app, 'POST', '/v1/evaluate', keys.planner, { scenario: offersScenario(), roster })).body.costs.total as number;
      const extended = { assignments: smallRoster().assignments.map((a) => (a.agentId === 'a1' && a.start === '2026-03-25T08:00' ? { ...a, end: '2026-03-25T18:00', template: undefined } : a)) };
      t.equal(ot.costDelta, Math.round(((await evaluate(extended)) - (await evaluate(smallRoster()))) * 1e6) / 1e6);
      const vto = offers.find((o) => o.kind === 'vto' && o.agentId === 'a2')!;
      t.equal(vto.costDelta, -20, 'two agent-hours less over-staffing at 10 each');
      t.match(vto.after, { start: '2026-03-23T16:00:00Z', end: '2026-03-23T22:00:00Z' });

      // Planners see all; an agent its own.
      t.equal((await call(app, 'GET', url, keys.planner)).body.offers.length, 5);
      const mine = (await call(app, 'GET', url, keys.a1)).body.offers as Json[];
      t.same(mine.map((o) => o.agentId), ['a1', 'a1', 'a1']);
      t.same((await call(app, 'GET', `${url}?agentId=a2`, keys.a1)).body.offers, [], 'not another agent’s, even asked');
      t.equal((await call(app, 'GET', `${url}?kind=overtime`, keys.planner)).body.offers.length, 1);
      t.equal((await call(app, 'GET', `${url}/${vto.id}`, keys.a1)).status, 404, 'another agent’s offer is not shown');
      t.equal((await call(app, 'GET', `${url}/${vto.id}`, keys.a2)).status, 200);
      t.equal((await call(app, 'POST', url, keys.a1)).status, 403, 'planners compute offers');
      t.equal((await call(app, 'GET', url, keys.plannerB)).status, 404, 'other tenant');

      // Only the agent it is made to accepts an offer.
      const other = await call(app, 'POST', `${url}/${ot.id}/accept`, keys.a2);
      t.equal(other.status, 403, JSON.stringify(other.body));
      t.equal((await call(app, 'POST', `${url}/${ot.id}/accept`, keys.planner)).status, 403, 'agents accept');
      // The same offer accepted twice at once: once.
      const twice = await Promise.all([1, 2].map(() => call(app, 'POST', `${url}/${ot.id}/accept`, keys.a1)));
      t.same(twice.map((r) => r.status).sort(), [200, 409], JSON.stringify(twice.map((r) => r.body)));
      const ok = twice.find((r) => r.status === 200)!;
      t.equal(ok.body.status, 'accepted');
      t.equal(ok.body.scheduleVersion, s.version + 1);
      t.equal(ok.body.acceptedVersion, s.version + 1);
      t.equal(ok.res.headers.etag, `"${s.version + 1}"`);
      t.equal(ok.body.check.coverageDelta.understaffedAgentHours, -2);
      const after = (await call(app, 'GET', `/v1/schedules/${s.id}`, keys.planner)).body;
      t.equal(after.version, s.version + 1);
      const a1Day3 = after.roster.assignments.filter((a: Json) => a.agentId === 'a1' && a.start.startsWith('2026-03-25'));
      t.equal(a1Day3.length, 1);
      t.equal(Date.parse(a1Day3[0].end), Date.parse('2026-03-25T18:00:00Z'), 'extended into the under-covered run');
      t.equal(after.roster.assignments.length, smallRoster().assignments.length);
      const again = await call(app, 'POST', `${url}/${ot.id}/accept`, keys.a1);
      t.equal(again.status, 409);
      t.match(again.body.detail, /already accepted/);
      const log = (await call(app, 'GET', `/v1/audit?entityId=${s.id}`, keys.planner)).body as Json[];
      t.ok(log.some((e) => e.action === 'schedule.offer.apply' && e.after.offer === ot.id), 'audited');
    });

    t.test('offers: VTO accepted becomes unpaid leave; concurrent accepts of one need: exactly one wins; a new computation withdraws', async (t) => {
      const s = await createSchedule(w, offersScenario());
      const url = `/v1/schedules/${s.id}/offers`;
      const offers = (await call(app, 'POST', url, keys.planner, { kinds: ['vto'] })).body.offers as Json[];
      t.ok(offers.length === 4 && offers.every((o) => o.kind === 'vto'), 'VTO only');
      const day1 = offers.filter((o) => o.need.start === '2026-03-23T14:00:00Z');
      t.same(day1.map((o) => o.agentId).sort(), ['a1', 'a2'], 'two offers for the one agent too many');
      const key = { a1: keys.a1, a2: keys.a2 } as Record<string, string>;
      const both = await Promise.all(day1.map((o) => call(app, 'POST', `${url}/${o.id}/accept`, key[o.agentId])));
      t.same(both.map((r) => r.status).sort(), [200, 409], JSON.stringify(both.map((r) => r.body)));
      const won = both.find((r) => r.status === 200)!.body;
      const lost = both.find((r) => r.status === 409)!.body;
      t.match(lost.detail, /taken|already accepted|no longer/);
      const sched = (await call(app, 'GET', `/v1/schedules/${s.id}`, keys.planner)).body;
      t.equal(sched.version, s.version + 1, 'one version step');
      const winner = sched.scenario.agents.find((a: Json) => a.id === won.agentId);
      // a1 gives up 14:00–16:00 at the end of 08:00–16:00, a2 the same hours at the start of 14:00–22:00.
      const gone = [Date.parse('2026-03-23T14:00:00Z'), Date.parse('2026-03-23T16:00:00Z')];
      t.same(winner.leave.map((l: Json) => [Date.parse(l.start), Date.parse(l.end), l.type, l.paid]), [[...gone, 'vto', false]], 'unpaid leave for the hours given up');
      const shift = sched.roster.assignments.find((a: Json) => a.agentId === won.agentId && a.start.startsWith('2026-03-23'));
      t.same([Date.parse(shift.start), Date.parse(shift.end)], [Date.parse(won.after.start), Date.parse(won.after.end)]);
      const states = (await call(app, 'GET', url, keys.planner)).body.offers as Json[];
      const loser = states.find((o) => o.need.start === '2026-03-23T14:00:00Z' && o.id !== won.id)!;
      t.equal(loser.status, 'taken');
      t.equal(loser.takenBy, won.id);
      // Another need is not in conflict: its offer is still open and accepted on the new version.
      const day3 = offers.find((o) => o.need.start === '2026-03-25T14:00:00Z' && o.agentId === 'a3')!;
      const a3 = await call(app, 'POST', `${url}/${day3.id}/accept`, keys.a3);
      t.equal(a3.status, 200, JSON.stringify(a3.body));
      t.equal(a3.body.scheduleVersion, s.version + 2);
      // A new computation withdraws what is still open.
      const left = offers.find((o) => o.need.start === '2026-03-25T14:00:00Z' && o.agentId === 'a1')!;
      t.equal((await call(app, 'GET', `${url}/${left.id}`, keys.a1)).body.status, 'taken');
      const fresh = await call(app, 'POST', url, keys.planner);
      t.equal(fresh.status, 201);
      t.equal(fresh.body.baseVersion, s.version + 2);
      t.notOk(fresh.body.needs.some((n: Json) => n.kind === 'over'), 'nothing over-covered any more');
      const openBefore = fresh.body.offers[0];
      const refresh = await call(app, 'POST', url, keys.planner);
      t.equal((await call(app, 'GET', `${url}/${openBefore.id}`, keys.planner)).body.status, 'withdrawn');
      const withdrawn = await call(app, 'POST', `${url}/${openBefore.id}/accept`, keys[openBefore.agentId as 'a1']);
      t.equal(withdrawn.status, 409);
      t.match(withdrawn.body.detail, /withdrawn/);
      t.equal(refresh.body.offers.length, fresh.body.offers.length);
    });

    t.test('offers: an acceptance that would break a hard rule on the roster as it is now is refused naming the rule', async (t) => {
      const s = await createSchedule(w, offersScenario());
      const url = `/v1/schedules/${s.id}/offers`;
      const ot = ((await call(app, 'POST', url, keys.planner, { kinds: ['overtime'], maxOffers: 5 })).body.offers as Json[])[0]!;
      t.match(ot, { kind: 'overtime', agentId: 'a1', minutes: 120 });
      // Since then a1's first shift grew to 10 h: a1 now works the 18 h the band allows.
      const roster = { assignments: smallRoster().assignments.map((a) => (a.agentId === 'a1' && a.start === a1Day1.start ? { ...a, end: '2026-03-23T18:00', template: undefined } : a)) };
      const put = await call(app, 'PUT', `/v1/schedules/${s.id}/roster`, keys.planner, { roster }, { 'if-match': `"${s.version}"` });
      t.equal(put.status, 200, JSON.stringify(put.body));
      const refused = await call(app, 'POST', `${url}/${ot.id}/accept`, keys.a1);
      t.equal(refused.status, 422, JSON.stringify(refused.body));
      t.equal(refused.body.type, 'urn:flexroster:problem:offer-not-allowed');
      t.match(refused.body.detail, /a1: contract-hours: week 1: 20 h paid, above the maximum 18 h/);
      t.ok(refused.body.errors.some((e: Json) => e.message.startsWith('a1: contract-hours')), JSON.stringify(refused.body.errors));
      t.equal((await call(app, 'GET', `/v1/schedules/${s.id}`, keys.planner)).body.version, s.version + 1, 'only the new roster');
      t.equal((await call(app, 'GET', `${url}/${ot.id}`, keys.a1)).body.status, 'open', 'the offer stays open');
    });

    t.test('extensions keep a shift’s segments: the edge work segment grows, a break the new length needs is placed or the extension is refused naming the rule; a shift without segments is as before', async (t) => {
      const s = await createSchedule(w, breaksScenario(), breaksRoster());
      const base = `/v1/schedules/${s.id}/extension-requests`;
      const roster = async () => (await call(app, 'GET', `/v1/schedules/${s.id}`, keys.planner)).body.roster.assignments as Json[];
      const find = (list: Json[], agentId: string, date: string) => list.find((a) => a.agentId === agentId && String(a.start).startsWith(date));
      const extend = async (agentId: string, shift: { start: string; end: string }, extendMinutes: number, at: 'start' | 'end') => {
        const r = await call(app, 'POST', base, agentId === 'a1' ? keys.a1 : keys.a2, { agentId, shift, extendMinutes, at });
        t.equal(r.status, 201, JSON.stringify(r.body));
        return r.body;
      };
      const approve = async (id: string) => call(app, 'POST', `${base}/${id}/approve`, keys.planner, {});

      // 15 minutes at the end (495 min: no second break yet): the break and the lunch stay, the last work segment grows.
      const late = await extend('a1', a1Day1, 15, 'end');
      t.equal(late.check.allowed, true, JSON.stringify(late.check.reasons));
      t.equal((await approve(late.id)).status, 200);
      let day1 = find(await roster(), 'a1', '2026-03-23')!;
      t.match(day1, { start: '2026-03-23T08:00:00Z', end: '2026-03-23T16:15:00Z', template: 'day' }, 'a shift with segments keeps its template: its break rules judge the breaks');
      t.same(segmentsOf(day1), ['work 08:00–10:00', 'break 10:00–10:15', 'work 10:15–12:00', 'lunch 12:00–12:30', 'work 12:30–16:15']);

      // 15 minutes at the start: the first work segment starts earlier, the breaks keep their times.
      const early = await extend('a1', { start: '2026-03-25T08:00', end: '2026-03-25T16:00' }, 15, 'start');
      t.equal(early.check.allowed, true, JSON.stringify(early.check.reasons));
      t.equal((await approve(early.id)).status, 200);
      t.same(segmentsOf(find(await roster(), 'a1', '2026-03-25')), ['work 07:45–10:00', 'break 10:00–10:15', 'work 10:15–12:00', 'lunch 12:00–12:30', 'work 12:30–16:00']);

      // 45 more minutes (540 min): the second break is due; the shift's breaks are placed afresh, each in its window.
      const long = await extend('a1', { start: '2026-03-23T08:00', end: '2026-03-23T16:15' }, 45, 'end');
      t.equal(long.check.allowed, true, JSON.stringify(long.check.reasons));
      t.notOk(long.check.violations.some((v: Json) => v.rule === 'breaks'), JSON.stringify(long.check.violations));
      t.equal((await approve(long.id)).status, 200);
      day1 = find(await roster(), 'a1', '2026-03-23')!;
      t.match(day1, { end: '2026-03-23T17:00:00Z', template: 'day' });
      const off = offsets(t, day1);
      t.same(off.map(([kind]) => kind).sort(), ['break', 'break', 'lunch'], JSON.stringify(off));
      const [first, second] = off.filter(([kind]) => kind === 'break').map(([, m]) => m);
      t.ok(first! >= 60 && first! <= 180, `the first break ${first} min after the start`);
      t.ok(second! >= 500 && second! <= 525, `the second break ${second} min after the start`);
      const lunch = off.find(([kind]) => kind === 'lunch')![1];
      t.ok(lunch >= 180 && lunch <= 300, `the lunch ${lunch} min after the start`);

      // 15 more minutes on day three (510 min): the second break is due but its window (500–525 min) does not fit: refused by the breaks rule.
      const tight = await extend('a1', { start: '2026-03-25T07:45', end: '2026-03-25T16:00' }, 15, 'end');
      t.equal(tight.check.allowed, false);
      t.ok(tight.check.violations.some((v: Json) => v.rule === 'breaks' && /15-min break \(from 500 to 525 min after the start\)/.test(v.message)), JSON.stringify(tight.check.violations));
      t.ok(tight.check.reasons.some((x: string) => x.startsWith('a1: breaks:')), JSON.stringify(tight.check.reasons));
      const refused = await approve(tight.id);
      t.equal(refused.status, 422);
      t.match(refused.body.detail, /a1: breaks: shift at 07:45: /);
      t.same(segmentsOf(find(await roster(), 'a1', '2026-03-25')), ['work 07:45–10:00', 'break 10:00–10:15', 'work 10:15–12:00', 'lunch 12:00–12:30', 'work 12:30–16:00'], 'unchanged');

      // A shift without segments, to the same 510 min: no breaks are judged, it is stored without segments and, 510 being no length of its template, without one.
      const plain = await extend('a2', { start: '2026-03-23T14:00', end: '2026-03-23T22:00' }, 30, 'start');
      t.equal(plain.check.allowed, true, JSON.stringify(plain.check.reasons));
      t.equal((await approve(plain.id)).status, 200);
      t.same(find(await roster(), 'a2', '2026-03-23'), { agentId: 'a2', start: '2026-03-23T13:30:00Z', end: '2026-03-23T22:00:00Z', skill: 'voice' });
    });

    t.test('partial-day leave clips a shift’s segments: a break cut by the new edge goes, a break the shorter shift needs is placed, one it does not need goes; a shift without segments is as before', async (t) => {
      await setBalance('a1', 40);
      await setBalance('a2', 40);
      const approveLeave = async (s: Json, version: number, leave: Json) => {
        const base = `/v1/schedules/${s.id}/leave-requests`;
        const r = await call(app, 'POST', base, keys.planner, leave);
        t.equal(r.status, 201, JSON.stringify(r.body));
        t.equal(r.body.impact.shifts[0].action, 'shorten');
        t.notOk(r.body.impact.violations.some((v: Json) => v.rule === 'breaks'), JSON.stringify(r.body.impact.violations));
        const ok = await call(app, 'POST', `${base}/${r.body.id}/approve`, keys.planner, undefined, { 'if-match': `"${version}"` });
        t.equal(ok.status, 200, JSON.stringify(ok.body));
        return (await call(app, 'GET', `/v1/schedules/${s.id}`, keys.planner)).body.roster.assignments as Json[];
      };
      const find = (list: Json[], agentId: string, date: string) => list.find((a) => a.agentId === agentId && String(a.start).startsWith(date));

      // The afternoon off: segments after 14:00 go, the rest stays as it was.
      const s = await createSchedule(w, breaksScenario(), breaksRoster());
      let list = await approveLeave(s, s.version, { agentId: 'a1', start: '2026-03-23T14:00', end: '2026-03-23T16:00', type: 'annual' });
      t.same(segmentsOf(find(list, 'a1', '2026-03-23')), ['work 08:00–10:00', 'break 10:00–10:15', 'work 10:15–12:00', 'lunch 12:00–12:30', 'work 12:30–14:00']);
      // Leave from 12:15 cuts the lunch: it goes, and its first 15 minutes are work (255 min need no lunch).
      list = await approveLeave(s, s.version + 1, { agentId: 'a1', start: '2026-03-25T12:15', end: '2026-03-25T16:00', type: 'annual' });
      const day3 = find(list, 'a1', '2026-03-25')!;
      t.match(day3, { start: '2026-03-25T08:00:00Z', end: '2026-03-25T12:15:00Z', template: 'day' });
      t.same(segmentsOf(day3), ['work 08:00–10:00', 'break 10:00–10:15', 'work 10:15–12:15']);
      // A shift without segments: shortened as before, no segments, no template (360 min is no length of it).
      list = await approveLeave(s, s.version + 2, { agentId: 'a2', start: '2026-03-23T20:00', end: '2026-03-23T22:00', type: 'annual' });
      t.same(find(list, 'a2', '2026-03-23'), { agentId: 'a2', start: '2026-03-23T14:00:00Z', end: '2026-03-23T20:00:00Z', skill: 'voice' });

      // Leave until 10:05 cuts the break: the 355-min rest needs a break (and no lunch), so one is placed in its window.
      const s2 = await createSchedule(w, breaksScenario(), breaksRoster());
      list = await approveLeave(s2, s2.version, { agentId: 'a1', start: '2026-03-23T08:00', end: '2026-03-23T10:05', type: 'annual' });
      const day1 = find(list, 'a1', '2026-03-23')!;
      t.match(day1, { start: '2026-03-23T10:05:00Z', end: '2026-03-23T16:00:00Z' });
      const off = offsets(t, day1);
      t.equal(off.length, 1, JSON.stringify(day1.segments));
      t.equal(off[0]![0], 'break');
      t.ok(off[0]![1] >= 60 && off[0]![1] <= 180, `the break ${off[0]![1]} min after the start`);
      // The afternoon off leaves 4 hours, which need no break: the morning's break becomes work.
      list = await approveLeave(s2, s2.version + 1, { agentId: 'a1', start: '2026-03-25T12:00', end: '2026-03-25T16:00', type: 'annual' });
      t.same(segmentsOf(find(list, 'a1', '2026-03-25')), ['work 08:00–12:00']);
    });

    t.test('role matrix: route × role × own / other agent / other tenant', async (t) => {
      await setBalance('a1', 1000);
      const s = await createSchedule(w);
      const id = s.id as string;
      const leave = `/v1/schedules/${id}/leave-requests`;
      const ext = `/v1/schedules/${id}/extension-requests`;
      const toApprove = await call(app, 'POST', leave, keys.a1, morningLeave);
      const toReject = await call(app, 'POST', leave, keys.a1, { ...morningLeave, start: '2026-03-25T08:00', end: '2026-03-25T10:00' });
      const extToApprove = await call(app, 'POST', ext, keys.a1, { agentId: 'a1', shift: { start: '2026-03-25T08:00', end: '2026-03-25T16:00' }, extendMinutes: 60, at: 'end' });
      const extToReject = await call(app, 'POST', ext, keys.a1, { agentId: 'a1', shift: { start: '2026-03-25T08:00', end: '2026-03-25T16:00' }, extendMinutes: 30, at: 'end' });
      const extBody = { agentId: 'a1', shift: { start: '2026-03-25T08:00', end: '2026-03-25T16:00' }, extendMinutes: 15, at: 'start' };
      const offers = `/v1/schedules/${id}/offers`;
      // a1 may work on into the under-covered 16:00–18:00 of day one (the leave approved below then shortens the longer shift).
      const offer = ((await call(app, 'POST', offers, keys.planner)).body.offers as Json[]).find((o) => o.kind === 'overtime' && o.agentId === 'a1' && o.shift.start === '2026-03-23T08:00:00Z')!;
      type Who = 'none' | 'admin' | 'planner' | 'own' | 'otherAgent' | 'otherTenant';
      const who: Record<Who, string | undefined> = { none: undefined, admin: keys.admin, planner: keys.planner, own: keys.a1, otherAgent: keys.a2, otherTenant: keys.plannerB };
      const order: Who[] = ['none', 'admin', 'otherAgent', 'otherTenant', 'own', 'planner'];
      const matrix: [string, string, unknown, Record<Who, number>][] = [
        ['GET', offers, undefined, { none: 401, admin: 403, planner: 200, own: 200, otherAgent: 200, otherTenant: 404 }],
        ['GET', `${offers}/${offer.id}`, undefined, { none: 401, admin: 403, planner: 200, own: 200, otherAgent: 404, otherTenant: 404 }],
        ['POST', `${offers}/${offer.id}/accept`, undefined, { none: 401, admin: 403, planner: 403, own: 200, otherAgent: 403, otherTenant: 403 }],
        ['POST', offers, {}, { none: 401, admin: 403, planner: 201, own: 403, otherAgent: 403, otherTenant: 404 }],
        ['POST', leave, morningLeave, { none: 401, admin: 403, planner: 201, own: 201, otherAgent: 403, otherTenant: 404 }],
        ['GET', leave, undefined, { none: 401, admin: 403, planner: 200, own: 200, otherAgent: 200, otherTenant: 404 }],
        ['GET', `${leave}/${toApprove.body.id}`, undefined, { none: 401, admin: 403, planner: 200, own: 200, otherAgent: 404, otherTenant: 404 }],
        ['POST', `${leave}/${toApprove.body.id}/approve`, undefined, { none: 401, admin: 403, planner: 200, own: 403, otherAgent: 403, otherTenant: 404 }],
        ['POST', `${leave}/${toReject.body.id}/reject`, undefined, { none: 401, admin: 403, planner: 200, own: 403, otherAgent: 403, otherTenant: 404 }],
        ['GET', '/v1/agents/a1/leave-balance', undefined, { none: 401, admin: 403, planner: 200, own: 200, otherAgent: 403, otherTenant: 200 }],
        ['PUT', '/v1/agents/a1/leave-balance', { balanceHours: 1000 }, { none: 401, admin: 403, planner: 200, own: 403, otherAgent: 403, otherTenant: 200 }],
        ['POST', ext, extBody, { none: 401, admin: 403, planner: 201, own: 201, otherAgent: 403, otherTenant: 404 }],
        ['GET', ext, undefined, { none: 401, admin: 403, planner: 200, own: 200, otherAgent: 200, otherTenant: 404 }],
        ['GET', `${ext}/${extToApprove.body.id}`, undefined, { none: 401, admin: 403, planner: 200, own: 200, otherAgent: 404, otherTenant: 404 }],
        ['POST', `${ext}/${extToApprove.body.id}/approve`, {}, { none: 401, admin: 403, planner: 200, own: 403, otherAgent: 403, otherTenant: 404 }],
        ['POST', `${ext}/${extToReject.body.id}/reject`, undefined, { none: 401, admin: 403, planner: 200, own: 403, otherAgent: 403, otherTenant: 404 }],
      ];
      for (const [method, url, body, expected] of matrix)
        for (const role of order) {
          const r = await call(app, method, url, who[role], body);
          t.equal(r.status, expected[role], `${method} ${url.replace(id, '{id}')} as ${role}: ${r.status === expected[role] ? '' : JSON.stringify(r.body)}`);
        }
      // Tenant B's pot for a1 is its own: tenant A's balance is untouched by B's PUT.
      t.equal((await call(app, 'GET', '/v1/agents/a1/leave-balance', keys.plannerB)).body.balanceHours, 1000);
      t.equal((await call(app, 'GET', '/v1/agents/a1/leave-balance', keys.a1)).body.entries.at(-1).reason, 'set');
      t.equal((await call(app, 'GET', `${leave}?agentId=a1`, keys.a2)).body.length, 0, 'an agent never lists another agent’s leave');
    });
  };
}

t.test('PGlite', suite(pgliteBackend));

const url = process.env.TEST_DATABASE_URL;
t.test('PostgreSQL', { skip: url ? false : 'TEST_DATABASE_URL is not set' }, suite(async () => postgresBackend(url!)));
