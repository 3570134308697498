/** Re-planning: paid leave hours, overtime, history across the horizon edge, minimal-change solves. */
import t from 'tap';
import { evaluate, expandProblem, solve, validateScenario, parseScenario, type Scenario, type Roster } from '@flexroster/core';
import { smallScenario } from './fixtures.js';

const clone = <T>(x: T): T => structuredClone(x);
const shift = (agentId: string, date: string, from = '09:00', to = '17:00') => ({ agentId, start: `${date}T${from}`, end: `${date}T${to}`, skill: 'voice' });
const contractHours = (s: Scenario, roster: Roster, agentId: string) => evaluate(s, roster).violations.filter((v) => v.rule === 'contract-hours' && v.agentId === agentId);

t.test('paid leave counts the contract’s paid hours per whole day and real hours for part of a day', async (t) => {
  const s = clone(smallScenario());
  s.contracts[0] = { id: 'ft', hoursPerWeek: { min: 24, max: 45 }, maxDaysPerWeek: 5, minRestHours: 11 };
  // Two whole days of paid leave, then three worked days: 2 × 9 h (45 / 5) + 24 h = 42 h, not 48 h + 24 h = 72 h.
  s.agents[0]!.leave = [{ start: '2026-03-23T00:00', end: '2026-03-25T00:00', type: 'annual' }];
  const p = expandProblem(parseScenario(s));
  t.equal(p.agents[0]!.paidLeaveMinutesByWeek[0], 18 * 60, 'default: hoursPerWeek.max / maxDaysPerWeek per day');
  t.notOk(validateScenario(s).warnings.some((w) => w.code === 'leave-exceeds-max-hours'), 'no longer above 45 h');
  const worked: Roster = { assignments: ['2026-03-25', '2026-03-26', '2026-03-27'].map((d) => shift('a1', d)) };
  t.same(contractHours(s, worked, 'a1'), [], '42 h is within 24–45 h');
  // A fourth shift takes it to 50 h: the check counts the same hours as the model.
  const over: Roster = { assignments: [...worked.assignments, shift('a1', '2026-03-28')] };
  t.match(contractHours(s, over, 'a1'), [{ message: 'week 1: 50 h paid, above the maximum 45 h' }]);

  // The field overrides the default; without weekly max or max days the default is 8 h.
  s.contracts[0]!.paidHoursPerLeaveDay = 7.5;
  t.equal(expandProblem(parseScenario(s)).agents[0]!.paidLeaveMinutesByWeek[0], 15 * 60);
  delete s.contracts[0]!.paidHoursPerLeaveDay;
  delete s.contracts[0]!.maxDaysPerWeek;
  t.equal(expandProblem(parseScenario(s)).agents[0]!.paidLeaveMinutesByWeek[0], 16 * 60);

  // Partial-day leave counts its real hours, as before; overlapping leave counts once.
  s.agents[1]!.leave = [{ start: '2026-03-23T09:00', end: '2026-03-23T13:00' }, { start: '2026-03-23T12:00', end: '2026-03-23T14:00' }, { start: '2026-03-24T00:00', end: '2026-03-24T12:00' }];
  t.equal(expandProblem(parseScenario(s)).agents[1]!.paidLeaveMinutesByWeek[0], (5 + 12) * 60);
  // Unpaid leave counts nothing.
  s.agents[1]!.leave = [{ start: '2026-03-23T00:00', end: '2026-03-25T00:00', paid: false }];
  t.equal(expandProblem(parseScenario(s)).agents[1]!.paidLeaveMinutesByWeek[0], 0);
  // A bad value is refused with its path.
  s.contracts[0]!.paidHoursPerLeaveDay = 25;
  t.ok(validateScenario(s).errors.some((e) => e.path === '/contracts/0/paidHoursPerLeaveDay'));
});

t.test('paid leave on London’s 23-hour spring-forward Sunday', async (t) => {
  const s = clone(smallScenario());
  // Sunday 2026-03-29: a whole day counts 8 h (40 / 5) although it lasts 23 h.
  s.agents[0]!.leave = [{ start: '2026-03-29T00:00', end: '2026-03-30T00:00' }];
  // Part of it: 00:00–12:00 wall clock is 11 real hours (01:00–02:00 does not exist).
  s.agents[1]!.leave = [{ start: '2026-03-29T00:00', end: '2026-03-29T12:00' }];
  const p = expandProblem(parseScenario(s));
  t.equal(p.agents[0]!.paidLeaveMinutesByWeek[0], 8 * 60);
  t.equal(p.agents[1]!.paidLeaveMinutesByWeek[0], 11 * 60);
});

t.test('the solver rosters around whole days of paid leave within the weekly maximum', async (t) => {
  const s = clone(smallScenario());
  // Three whole days of leave: 24 h, so 24–40 h leaves room for up to two 8 h shifts (before: 72 h, infeasible).
  s.agents[0]!.leave = [{ start: '2026-03-23T00:00', end: '2026-03-26T00:00', type: 'annual' }];
  const result = await solve(s, { timeLimitSeconds: 10 });
  t.not(result.status, 'infeasible');
  t.same(result.evaluation.violations, [], 'every hard rule holds');
  const a1 = result.roster.assignments.filter((a) => a.agentId === 'a1');
  t.ok(a1.length <= 2, `at most two shifts beside 24 h of leave (got ${a1.length})`);
});

t.test('overtime: a priced band above the weekly maximum, hard above the band, reported per agent and in total', async (t) => {
  const s = clone(smallScenario());
  s.contracts[0] = { id: 'ft', hoursPerWeek: { min: 0, max: 32 }, maxDaysPerWeek: 6, minRestHours: 11, overtime: { maxHoursPerWeek: 8, costPerHour: 5 } };
  const days = ['2026-03-23', '2026-03-24', '2026-03-25', '2026-03-26', '2026-03-27', '2026-03-28'];
  // a1: 5 × 8 h = 40 h, 8 h of overtime (the whole band); a2: 4 × 8 h + 2 h paid leave = 34 h, 2 h overtime.
  s.agents[1]!.leave = [{ start: '2026-03-28T09:00', end: '2026-03-28T11:00' }];
  const roster: Roster = { assignments: [...days.slice(0, 5).map((d) => shift('a1', d)), ...days.slice(0, 4).map((d) => shift('a2', d, '12:00', '20:00'))] };
  const ev = evaluate(s, roster);
  t.same(ev.violations.filter((v) => v.rule === 'contract-hours'), [], 'within the band: no hard violation');
  t.same(ev.overtime, { hours: 10, cost: 50, byAgent: { a1: 8, a2: 2 } });
  t.equal(ev.costs.byRule['overtime'], 50, 'its cost under its own rule');
  t.equal(ev.costs.byAgent['a1']! - ev.costs.byAgent['a2']!, 30, '8 h and 2 h at 5 an hour, other agent costs aside');
  t.match(ev.softFindings.filter((f) => f.rule === 'overtime'), [{ agentId: 'a1', message: 'week 1: 8 h overtime', cost: 40 }, { agentId: 'a2', message: 'week 1: 2 h overtime', cost: 10 }]);
  // A sixth shift leaves the band: contract-hours breaks, and the overtime hours are still reported.
  const above: Roster = { assignments: [...roster.assignments, shift('a1', days[5]!)] };
  const ev2 = evaluate(s, above);
  t.match(ev2.violations.filter((v) => v.rule === 'contract-hours'), [{ agentId: 'a1', message: 'week 1: 48 h paid, above the maximum 40 h (32 h and the overtime band)' }]);
  t.equal(ev2.overtime!.byAgent['a1'], 16);
  // Without a band nothing is reported and 40 h breaks the 32 h maximum.
  delete s.contracts[0]!.overtime;
  const ev3 = evaluate(s, roster);
  t.same(ev3.overtime, { hours: 0, cost: 0, byAgent: {} });
  t.equal(ev3.violations.filter((v) => v.rule === 'contract-hours').length, 2);
});

t.test('overtime: the solver trades its price against coverage', async (t) => {
  // Two agents, 32 h max, demand for two all week long (10 h a day): cheap overtime is worth working, dear overtime is not.
  const base = clone(smallScenario());
  base.agents = base.agents.slice(0, 2);
  base.contracts[0] = { id: 'ft', hoursPerWeek: { min: 0, max: 32 }, maxDaysPerWeek: 6, minRestHours: 11, overtime: { maxHoursPerWeek: 8, costPerHour: 1 } };
  const cheap = await solve(base, { timeLimitSeconds: 10 });
  t.same(cheap.evaluation.violations, []);
  t.equal(cheap.evaluation.overtime!.hours, 16, 'both agents use the whole band when an hour of it costs less than an uncovered hour');
  t.equal(cheap.evaluation.costs.byRule['overtime'], 16);
  const dear = clone(base);
  dear.contracts[0]!.overtime!.costPerHour = 1000;
  const res = await solve(dear, { timeLimitSeconds: 10 });
  t.same(res.evaluation.violations, []);
  t.equal(res.evaluation.overtime!.hours, 0, 'no overtime when it costs more than the cover it buys');
  t.ok(res.evaluation.understaffedAgentHours > cheap.evaluation.understaffedAgentHours, 'and more under-staffing instead');
});

t.test('overtime: bad bands are refused with their path', async (t) => {
  const s = clone(smallScenario());
  s.contracts[0]!.overtime = { maxHoursPerWeek: -1, costPerHour: 2 };
  t.ok(validateScenario(s).errors.some((e) => e.path === '/contracts/0/overtime/maxHoursPerWeek'), 'a band below zero');
  s.contracts[0]!.overtime = { maxHoursPerWeek: 4, costPerHour: -2 };
  t.ok(validateScenario(s).errors.some((e) => e.path === '/contracts/0/overtime/costPerHour'), 'a negative price');
  s.contracts[0]!.overtime = { maxHoursPerWeek: 4, costPerHour: 2 };
  delete s.contracts[0]!.hoursPerWeek;
  t.match(validateScenario(s).errors, [{ path: '/contracts/0/overtime', message: /hoursPerWeek\.max/ }], 'a band needs a maximum to lie above');
  s.contracts[0]!.hoursPerWeek = { max: 160 };
  s.contracts[0]!.overtime = { maxHoursPerWeek: 10, costPerHour: 2 };
  t.match(validateScenario(s).errors, [{ path: '/contracts/0/overtime/maxHoursPerWeek', message: /168/ }]);
});

const historyOf = (startDate: string, assignments: { agentId: string; start: string; end: string }[]) => ({ startDate, assignments });

t.test('history: rest across the horizon’s start is judged, and the solver keeps it', async (t) => {
  const s = clone(smallScenario());
  const late = { agentId: 'a1', start: '2026-03-22T16:00', end: '2026-03-23T00:00', skill: 'voice' };
  const early: Roster = { assignments: [shift('a1', '2026-03-23', '07:00', '15:00')] };
  t.same(evaluate(s, early).violations.filter((v) => v.rule === 'rest'), [], 'without history nothing is known before the horizon');
  s.history = historyOf('2026-03-16', [late]);
  t.match(evaluate(s, early).violations.filter((v) => v.rule === 'rest'), [{ agentId: 'a1', date: '2026-03-23', message: '7 h rest before this shift (after a shift before the horizon), minimum 11 h' }]);
  t.same(evaluate(s, { assignments: [shift('a1', '2026-03-23', '11:00', '19:00')] }).violations.filter((v) => v.rule === 'rest'), [], '11 h is enough');
  // The model never offers a1 a start before 11:00 on the first day; the others keep theirs.
  const p = expandProblem(parseScenario(s));
  (await import('@flexroster/core')).generateCandidates(p);
  const firstDay = (ai: number) => p.agents[ai]!.candidates.filter((c) => c.day === 0).map((c) => c.localStart);
  t.ok(firstDay(0).length > 0 && firstDay(0).every((m) => m >= 11 * 60), 'a1 starts at 11:00 or later');
  t.ok(firstDay(1).some((m) => m < 11 * 60), 'a2 may start early');
  // Demand from 07:00 on the first day for all three: the solver still leaves a1 its rest.
  s.demand![0]!.required = s.demand![0]!.required.map((v, h) => (h >= 7 && h < 18 ? 3 : v));
  const result = await solve(s, { timeLimitSeconds: 10 });
  t.same(result.evaluation.violations, []);
  const a1First = result.roster.assignments.filter((x) => x.agentId === 'a1' && x.start.startsWith('2026-03-23'));
  t.ok(a1First.every((x) => x.start >= '2026-03-23T11:00'), `a1 on the first day: ${JSON.stringify(a1First.map((x) => x.start))}`);
});

t.test('history: runs of working days and days off continue across the horizon’s start', async (t) => {
  const s = clone(smallScenario());
  s.contracts[0]!.maxConsecutiveDays = 3;
  const worked = (agentId: string, ...dates: string[]) => dates.map((d) => ({ agentId, start: `${d}T09:00`, end: `${d}T17:00` }));
  const monday: Roster = { assignments: [shift('a1', '2026-03-23')] };
  const runs = (sc: Scenario, r: Roster) => evaluate(sc, r).violations.filter((v) => v.rule === 'consecutive-days').map((v) => v.message);
  s.history = historyOf('2026-03-16', worked('a1', '2026-03-20', '2026-03-21', '2026-03-22'));
  t.same(runs(s, monday), ['4 working days in a row, maximum 3']);
  t.same(runs(s, { assignments: [] }), [], 'a run that ends before the horizon is history’s own');
  s.history = historyOf('2026-03-16', worked('a1', '2026-03-16', '2026-03-17', '2026-03-18', '2026-03-19', '2026-03-20'));
  t.same(runs(s, monday), [], 'five days, then two off: nothing to judge in the horizon');
  // The solver keeps a1 off on Monday after three days in a row.
  s.history = historyOf('2026-03-16', worked('a1', '2026-03-20', '2026-03-21', '2026-03-22'));
  const result = await solve(s, { timeLimitSeconds: 10 });
  t.same(result.evaluation.violations, []);
  t.notOk(result.roster.assignments.some((x) => x.agentId === 'a1' && x.start.startsWith('2026-03-23')), 'a1 rests on Monday');

  // Minimum runs: exempt at the horizon's start only without history.
  const m = clone(smallScenario());
  m.contracts[0]!.minConsecutiveDaysOff = 2;
  m.contracts[0]!.minConsecutiveDays = 2;
  const offOnce: Roster = { assignments: [shift('a1', '2026-03-23'), shift('a1', '2026-03-24')] };
  t.same(runs(m, offOnce), [], 'without history the days off before the horizon are unknown');
  m.history = historyOf('2026-03-20', worked('a1', '2026-03-21'));
  t.same(runs(m, offOnce), ['1 days off in a row, minimum 2'], 'worked Saturday, off Sunday, worked Monday');
  m.history = historyOf('2026-03-20', worked('a1', '2026-03-22'));
  t.same(runs(m, { assignments: [shift('a1', '2026-03-24'), shift('a1', '2026-03-25')] }), ['1 working days in a row, minimum 2', '1 days off in a row, minimum 2'], 'a lone Sunday, then a lone Monday off');
  t.same(runs(m, offOnce), [], 'Sunday and Monday make two');
  const solved = await solve(m, { timeLimitSeconds: 10 });
  t.same(solved.evaluation.violations, [], 'the solver extends the run (or keeps it)');
  t.ok(solved.roster.assignments.some((x) => x.agentId === 'a1' && x.start.startsWith('2026-03-23')), 'a1 works Monday after a lone Sunday');
});

t.test('history: a weekend worked just before the horizon counts when the horizon starts on its Sunday', async (t) => {
  const s = clone(smallScenario());
  s.horizon.startDate = '2026-03-22';
  s.contracts[0]!.maxWeekends = 1;
  const sat: Roster = { assignments: [shift('a1', '2026-03-28')] };
  const weekends = (r: Roster) => evaluate(s, r).violations.filter((v) => v.rule === 'max-weekends').map((v) => v.message);
  t.same(weekends(sat), []);
  s.history = historyOf('2026-03-15', [{ agentId: 'a1', start: '2026-03-21T09:00', end: '2026-03-21T17:00' }]);
  t.same(weekends(sat), ['2 weekends worked, maximum 1']);
  s.history = historyOf('2026-03-15', [{ agentId: 'a1', start: '2026-03-15T09:00', end: '2026-03-15T17:00' }]);
  t.same(weekends(sat), [], 'a weekend wholly before the horizon does not count');
  s.history = historyOf('2026-03-15', [{ agentId: 'a1', start: '2026-03-21T09:00', end: '2026-03-21T17:00' }]);
  const result = await solve(s, { timeLimitSeconds: 10 });
  t.same(result.evaluation.violations, []);
  t.notOk(result.roster.assignments.some((x) => x.agentId === 'a1' && x.start.startsWith('2026-03-28')), 'a1 works no second weekend');
});

t.test('history: bad input is refused with its path', async (t) => {
  const s = clone(smallScenario());
  const paths = (h: Scenario['history']) => validateScenario({ ...s, history: h }).errors.map((e) => e.path);
  t.same(paths(historyOf('2026-03-23', [])), ['/history/startDate'], 'must start before the horizon');
  t.same(paths(historyOf('2026-03-16', [{ agentId: 'a1', start: '2026-03-22T20:00', end: '2026-03-23T04:00' }])), ['/history/assignments/0/end'], 'overlaps the horizon');
  t.same(paths(historyOf('2026-03-16', [{ agentId: 'zz', start: '2026-03-22T08:00', end: '2026-03-22T16:00' }])), ['/history/assignments/0/agentId']);
  t.same(paths(historyOf('2026-03-16', [{ agentId: 'a1', start: '2026-03-12T08:00', end: '2026-03-12T16:00' }])), ['/history/assignments/0/start'], 'before the history’s start');
  t.same(paths(historyOf('2026-03-16', [{ agentId: 'a1', start: '2026-03-22T08:00', end: '2026-03-22T07:00' }])), ['/history/assignments/0/end']);
  t.same(paths(historyOf('2025-01-01', [])), ['/history/startDate'], 'too long ago');
  // An agent in New York: the horizon starts at New York's midnight for it.
  s.agents[0]!.timeZone = 'America/New_York';
  t.same(paths(historyOf('2026-03-16', [{ agentId: 'a1', start: '2026-03-22T16:00', end: '2026-03-23T00:00' }])), [], 'ends at its own midnight');
});

t.test('rosterChanges: moves, additions and removals between two rosters, per agent', async (t) => {
  const { rosterChanges, RosterInputError } = await import('@flexroster/core');
  const s = clone(smallScenario());
  const a: Roster = { assignments: [shift('a1', '2026-03-23'), shift('a1', '2026-03-24'), shift('a2', '2026-03-23'), shift('a3', '2026-03-25')] };
  const b: Roster = { assignments: [shift('a2', '2026-03-23'), shift('a1', '2026-03-23'), shift('a1', '2026-03-24', '11:00', '19:00'), shift('a2', '2026-03-26'), shift('a3', '2026-03-26')] };
  const changes = rosterChanges(s, a, b);
  const brief = changes.map((c) => [c.agentId, c.before?.start ?? null, c.after?.start ?? null]);
  t.same(brief, [
    ['a1', '2026-03-24T09:00:00Z', '2026-03-24T11:00:00Z'],
    ['a2', null, '2026-03-26T09:00:00Z'],
    ['a3', '2026-03-25T09:00:00Z', null],
    ['a3', null, '2026-03-26T09:00:00Z'],
  ], 'a same-day change is a move; order within a roster does not matter; another day is a removal and an addition');
  t.same(rosterChanges(s, a, a), [], 'a roster has no changes against itself');
  t.same(rosterChanges(s, b, a).length, changes.length, 'and the reverse has as many');
  t.throws(() => rosterChanges(s, a, { assignments: [{ ...shift('zz', '2026-03-23') }] }), RosterInputError);
  try {
    rosterChanges(s, a, { assignments: [{ ...shift('zz', '2026-03-23') }] });
  } catch (e) {
    t.match((e as InstanceType<typeof RosterInputError>).issues, [{ path: '/b/assignments/0/agentId' }], 'names the roster and the field');
  }
});

// ---- Minimal-change solve: SolveOptions.base, the stability rule, result.changes ----

const changeCost = { perShiftMoved: 50, perShiftAddedOrRemoved: 80, perAgentTouched: 100 };
const keyOf = (a: { agentId: string; start: string; end: string; skill: string }) => `${a.agentId}|${Date.parse(a.start)}|${Date.parse(a.end)}|${a.skill}`;
/** A published roster of the small scenario, solved once and shared by the tests below. */
let published: Roster | undefined;
async function publishedRoster(): Promise<Roster> {
  published ??= (await solve(smallScenario(), { timeLimitSeconds: 3, seed: 7 })).roster;
  return published;
}
/** The stability cost recomputed by hand from a change list. */
const priced = (changes: readonly { agentId: string; before: unknown; after: unknown }[], c = changeCost) =>
  changes.reduce((sum, x) => sum + (x.before && x.after ? c.perShiftMoved : c.perShiftAddedOrRemoved), 0) + new Set(changes.map((x) => x.agentId)).size * c.perAgentTouched;

t.test('re-plan after an absence: the hole is handled with few changes, and nothing else moves', async (t) => {
  const { rosterChanges } = await import('@flexroster/core');
  const base = await publishedRoster();
  const s = clone(smallScenario());
  const a1Wed = base.assignments.find((x) => x.agentId === 'a1' && x.start.startsWith('2026-03-25'));
  // a1 falls ill on the afternoon of a day it works (or Wednesday, when it does not).
  const date = (a1Wed ?? base.assignments.find((x) => x.agentId === 'a1')!).start.slice(0, 10);
  s.agents[0]!.leave = [{ start: `${date}T12:00`, end: `${date}T23:00`, type: 'sick' }];
  const frozenBefore = `${date}T00:00:00Z`;
  const replan = await solve(s, { timeLimitSeconds: 4, seed: 3, base: { roster: base, changeCost, frozenBefore } });
  t.same(replan.evaluation.violations, [], 'every hard rule holds, the absence included');
  t.same(replan.changes, rosterChanges(s, base, replan.roster), 'result.changes is the evaluator’s list');
  t.ok(replan.changes!.length <= 3, `few changes (${JSON.stringify(replan.changes)})`);
  t.ok(replan.changes!.some((c) => c.agentId === 'a1' && c.before?.start.startsWith(date)), 'a1’s shift on the day of the absence is gone');
  t.ok(replan.changes!.every((c) => Date.parse((c.before ?? c.after)!.start) >= Date.parse(frozenBefore)), 'nothing before frozenBefore');
  const scratch = await solve(s, { timeLimitSeconds: 4, seed: 3 });
  const fromScratch = rosterChanges(s, base, scratch.roster);
  t.ok(replan.changes!.length <= fromScratch.length, `no more changes than a solve from scratch (${replan.changes!.length} vs ${fromScratch.length})`);
  t.equal(replan.evaluation.costs.byRule['stability'], priced(replan.changes!), 'the reported stability cost is the recomputed one');
});

/** The small scenario with one day's demand raised, so a re-plan has a reason to change something. */
function surged(day: number, factor: number): Scenario {
  const s = clone(smallScenario());
  s.demand![day]!.required = s.demand![day]!.required.map((v) => Math.round(v * factor));
  return s;
}

t.test('re-plan after a demand surge: never worse than the base, costs recomputed, and onlyAgents honoured', async (t) => {
  const { rosterChanges } = await import('@flexroster/core');
  const base = await publishedRoster();
  const s = surged(3, 2);
  const opts = { roster: base, changeCost: { perShiftMoved: 5, perShiftAddedOrRemoved: 8, perAgentTouched: 10 } };
  const baseCost = evaluate(s, base, { base: opts }).costs.total;
  t.equal(evaluate(s, base, { base: opts }).costs.byRule['stability'], 0, 'the base costs nothing against itself');
  const r = await solve(s, { timeLimitSeconds: 4, seed: 5, base: opts });
  t.same(r.evaluation.violations, []);
  t.ok(r.cost <= baseCost + 1e-9, `never worse than the base in the priced objective (${r.cost} vs ${baseCost})`);
  const again = evaluate(s, r.roster, { base: opts });
  t.equal(again.costs.total, r.cost, 'the evaluator prices the result as the solve did');
  t.equal(r.evaluation.costs.byRule['stability'], priced(r.changes!, opts.changeCost), 'the stability cost is the sum of its changes');
  t.equal(again.costs.byRule['stability'], r.evaluation.costs.byRule['stability']);
  if (r.stats.backendStatus === 'optimal' && r.status === 'optimal') t.ok(Math.abs(r.stats.backendObjective! - r.cost) < 1e-6, 'the model’s objective is the checked cost');

  // Only a2 may change: a1 and a3 keep the base exactly.
  const only = await solve(s, { timeLimitSeconds: 3, seed: 5, base: { ...opts, onlyAgents: ['a2'] } });
  t.same(only.evaluation.violations, []);
  t.ok(only.changes!.every((c) => c.agentId === 'a2'), `only a2 changes (${JSON.stringify(only.changes)})`);
  t.same(rosterChanges(s, base, only.roster).filter((c) => c.agentId !== 'a2'), []);
  // A roster that changes a kept agent is a hard violation in the evaluator.
  const moved = { assignments: base.assignments.filter((x) => x !== base.assignments.find((y) => y.agentId === 'a1')) };
  t.match(evaluate(s, moved, { base: { ...opts, onlyAgents: ['a2'] } }).violations, [{ rule: 'stability', agentId: 'a1' }]);
});

t.test('with a huge change cost a re-plan returns the base', async (t) => {
  const base = await publishedRoster();
  for (const [day, factor, strategy] of [[1, 2, 'direct'], [4, 0, 'direct'], [6, 3, 'decompose']] as const) {
    const s = surged(day, factor);
    const huge = 1e6;
    const r = await solve(s, { timeLimitSeconds: 2, seed: day, strategy, base: { roster: base, changeCost: { perShiftMoved: huge, perShiftAddedOrRemoved: huge, perAgentTouched: huge } } });
    t.same(r.changes, [], `demand × ${factor} on day ${day} (${strategy}): no change`);
    t.same(new Set(r.roster.assignments.map(keyOf)), new Set(base.assignments.map(keyOf)));
    t.equal(r.evaluation.costs.byRule['stability'], 0);
  }
});

t.test('property: a re-plan never changes anything before frozenBefore, nor any pinned shift', async (t) => {
  const { SolveOptionsError } = await import('@flexroster/core');
  const base = await publishedRoster();
  const fc = (await import('fast-check')).default;
  let solved = 0;
  await fc.assert(
    fc.asyncProperty(
      fc.integer({ min: 0, max: 6 }), // surge day
      fc.integer({ min: 0, max: 3 }), // surge factor
      fc.integer({ min: 0, max: 7 * 24 - 1 }), // frozenBefore, hours after the horizon's start
      fc.subarray(base.assignments.map((_, i) => i), { maxLength: 3 }), // pinned base shifts
      fc.option(fc.record({ agent: fc.constantFrom('a1', 'a2', 'a3'), day: fc.integer({ min: 0, max: 6 }), hour: fc.integer({ min: 7, max: 14 }) }), { nil: undefined }), // a pinned new shift
      async (day, factor, frozenHours, pinnedIdx, extra) => {
        const s = surged(day, factor);
        const frozenBefore = new Date(Date.parse('2026-03-23T00:00:00Z') + frozenHours * 3_600_000).toISOString();
        const pinned = pinnedIdx.map((i) => base.assignments[i]!);
        if (extra) {
          const date = `2026-03-${23 + extra.day}`;
          pinned.push(shift(extra.agent, date, `${String(extra.hour).padStart(2, '0')}:00`, `${String(extra.hour + 8).padStart(2, '0')}:00`));
        }
        let r;
        try {
          r = await solve(s, { timeLimitSeconds: 2, seed: day + 1, base: { roster: base, changeCost: { perShiftMoved: 1, perShiftAddedOrRemoved: 2, perAgentTouched: 1 }, frozenBefore, pinned } });
        } catch (e) {
          // Only a pinned shift may be refused (it breaks a hard rule, or changes what is frozen), and by its path.
          if (!(e instanceof SolveOptionsError)) throw e;
          t.ok(e.issues.every((x) => x.path.startsWith('/base/pinned/')), `refused at ${JSON.stringify(e.issues)}`);
          return true;
        }
        solved++;
        const has = new Set(r.roster.assignments.map(keyOf));
        const had = new Set(base.assignments.map(keyOf));
        const cut = Date.parse(frozenBefore);
        for (const a of base.assignments) if (Date.parse(a.start) < cut && !has.has(keyOf(a))) return false;
        for (const a of r.roster.assignments) if (Date.parse(a.start) < cut && !had.has(keyOf(a))) return false;
        for (const a of pinned) if (!has.has(keyOf(a))) return false;
        return r.evaluation.violations.length === 0 || r.status === 'infeasible';
      },
    ),
    { numRuns: 8, seed: 19 },
  );
  t.ok(solved > 0, `${solved} of 8 re-plans solved`);
});

t.test('a bad base is refused before any solve, naming its path', async (t) => {
  const { SolveOptionsError } = await import('@flexroster/core');
  const base = await publishedRoster();
  const s = clone(smallScenario());
  s.agents[1]!.leave = [{ start: '2026-03-24T00:00', end: '2026-03-25T00:00' }];
  const paths = async (b: unknown) => {
    try {
      await solve(s, { timeLimitSeconds: 2, base: b as never });
    } catch (e) {
      if (e instanceof SolveOptionsError) return e.issues.map((x) => x.path);
      throw e;
    }
    return [];
  };
  const ok = { roster: { assignments: [] }, changeCost };
  t.same(await paths({ ...ok, roster: { assignments: [shift('zz', '2026-03-23')] } }), ['/base/roster/assignments/0/agentId'], 'a base roster for another agent');
  t.same(await paths({ ...ok, roster: { assignments: [shift('a1', '2026-03-23'), shift('a1', '2026-04-02')] } }), ['/base/roster/assignments/1/start'], 'a base roster for other dates');
  t.same(await paths({ ...ok, pinned: [shift('a2', '2026-03-24')] }), ['/base/pinned/0'], 'a pinned shift on leave');
  t.same(await paths({ ...ok, pinned: [shift('a1', '2026-03-23', '14:00', '22:00'), shift('a1', '2026-03-24', '07:00', '15:00')] }), ['/base/pinned/1'], 'two pinned shifts 9 h apart break the rest rule');
  t.same(await paths({ ...ok, pinned: [shift('a1', '2026-03-23', '03:00', '11:00')] }), ['/base/pinned/0'], 'a pinned shift no template allows');
  t.same(await paths({ ...ok, onlyAgents: ['a1'], pinned: [shift('a3', '2026-03-23')] }), ['/base/pinned/0'], 'a pinned shift for an agent who keeps the base');
  t.same(await paths({ ...ok, frozenBefore: '2026-03-25T00:00Z', pinned: [shift('a1', '2026-03-23')] }), ['/base/pinned/0'], 'a pinned shift that would change the frozen past');
  t.same(await paths({ ...ok, onlyAgents: ['a1', 'nobody'] }), ['/base/onlyAgents/1']);
  t.same(await paths({ ...ok, frozenBefore: 'tomorrow' }), ['/base/frozenBefore']);
  t.same(await paths({ ...ok, changeCost: { ...changeCost, perShiftMoved: -1 } }), ['/base/changeCost/perShiftMoved'], 'a negative price');
  t.same(await paths({ roster: base }), ['/base'], 'changeCost is required');
  t.same(await paths({ ...ok, changeCost: { ...changeCost, perAgentTouched: Infinity } }), ['/base/changeCost/perAgentTouched'], 'an infinite price (a huge one keeps the base)');
  t.same(await paths({ ...ok, roster: { assignments: [shift('a1', '2026-03-23'), shift('a1', '2026-03-23')] } }), ['/base/roster/assignments/1'], 'the same shift twice');
  // A frozen base shift that the absence now breaks cannot stay and cannot change: refused, naming it.
  const a2Tue = base.assignments.findIndex((x) => x.agentId === 'a2' && x.start.startsWith('2026-03-24'));
  if (a2Tue >= 0) t.same(await paths({ roster: base, changeCost, frozenBefore: '2026-03-26T00:00Z' }), [`/base/roster/assignments/${a2Tue}`]);
  else t.same(await paths({ roster: { assignments: [...base.assignments, shift('a2', '2026-03-24')] }, changeCost, frozenBefore: '2026-03-26T00:00Z' }), [`/base/roster/assignments/${base.assignments.length}`]);
  // The evaluator refuses the same base the same way.
  t.throws(() => evaluate(s, base, { base: { ...ok, onlyAgents: ['nobody'] } }), SolveOptionsError);
});

t.test('the model prices change exactly: a re-plan’s optimum is the cheapest roster found by enumeration', async (t) => {
  // One agent, three days, eight starts a day: 9³ rosters, each evaluated against the base.
  const dates = ['2026-03-23', '2026-03-24', '2026-03-25'];
  const s = clone(smallScenario());
  s.horizon.days = 3;
  s.agents = s.agents.slice(0, 1);
  s.contracts[0]!.hoursPerWeek = { min: 0, max: 40 };
  s.demand = s.demand!.slice(0, 3);
  s.demand[1]!.required = s.demand[1]!.required.map((_, h) => (h >= 14 && h < 22 ? 2 : 0)); // Tuesday's work moves to the evening
  const base: Roster = { assignments: [shift('a1', dates[0]!, '09:00', '17:00'), shift('a1', dates[1]!, '08:00', '16:00')] };
  const options: Roster[] = [];
  const perDay = dates.map((d) => [null, ...Array.from({ length: 8 }, (_, k) => shift('a1', d, `${String(7 + k).padStart(2, '0')}:00`, `${String(15 + k).padStart(2, '0')}:00`))]);
  for (const x of perDay[0]!) for (const y of perDay[1]!) for (const z of perDay[2]!) options.push({ assignments: [x, y, z].filter((a) => a !== null) });
  const seen = new Set<string>();
  for (const changeCost of [
    { perShiftMoved: 5, perShiftAddedOrRemoved: 8, perAgentTouched: 10 }, // a move is cheaper than two unpaired changes
    { perShiftMoved: 700, perShiftAddedOrRemoved: 40, perAgentTouched: 0 }, // a move is dearer than a removal and an addition
    { perShiftMoved: 0, perShiftAddedOrRemoved: 0, perAgentTouched: 250 }, // only touching the agent costs
  ]) {
    const b = { roster: base, changeCost };
    const cheapest = Math.min(...options.map((r) => evaluate(s, r, { base: b })).filter((e) => e.violations.length === 0).map((e) => e.costs.total));
    const r = await solve(s, { timeLimitSeconds: 3, base: b });
    t.equal(r.stats.backendStatus, 'optimal', `${JSON.stringify(changeCost)}: proven optimal`);
    t.ok(Math.abs(r.cost - cheapest) < 1e-6, `the solve’s cost ${r.cost} is the enumerated minimum ${cheapest}`);
    t.ok(Math.abs(r.stats.backendObjective! - r.cost) < 1e-6, `the model’s objective ${r.stats.backendObjective} is the checked cost`);
    seen.add(JSON.stringify(r.changes));
  }
  t.ok(seen.size > 1, `the prices lead to different re-plans (${[...seen].join(' | ')})`);
});
