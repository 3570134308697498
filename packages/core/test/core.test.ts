import t from 'tap';
import {
  erlangC,
  erlangRequirement,
  serviceLevel,
  validateScenario,
  parseScenario,
  ScenarioValidationError,
  RosterInputError,
  FlexrosterInputError,
  solve,
  evaluate,
  expandProblem,
  generateCandidates,
  buildRosterModel,
  LpModelBuilder,
  plainVariable,
  jslpBackend,
  checkSwap,
  swapCandidates,
  findSwapCycles,
  SwapWishError,
  time,
  TUNING,
  DEFAULT_TUNING,
  resolveTuning,
  type Scenario,
  type Roster,
  type SolveEvent,
} from '@flexroster/core';
import { smallScenario } from './fixtures.js';
// Not part of the package's API: the decomposition's own index.
import { columnIndex } from '../dist/lp/window.js';

const clone = <T>(x: T): T => structuredClone(x);

t.test('Erlang C reproduces the published check value', async (t) => {
  const r = erlangRequirement({ contacts: 100, ahtSeconds: 180, intervalMinutes: 30, serviceLevelTarget: 0.8, answerSeconds: 20, maxOccupancy: 0.85, shrinkage: 0.3 });
  t.equal(r.traffic, 10);
  t.equal(r.agents, 14);
  t.ok(Math.abs(r.serviceLevel - 0.888) < 0.001, `service level ${r.serviceLevel}`);
  t.equal(r.scheduled, 20);
  // 13 agents do not reach 80/20, 14 do: the search stops at the first N that meets the target.
  t.ok(serviceLevel(13, 10, 180, 20) < 0.8);
  t.ok(erlangC(14, 10) > 0 && erlangC(14, 10) < 1);
  t.equal(erlangC(10, 10), 1, 'N must exceed the traffic');
  // The occupancy cap raises N when it binds: 40 Erlangs at 85 % need ceil(40/0.85) = 48 > the 80/20 answer.
  const capped = erlangRequirement({ contacts: 400, ahtSeconds: 180, intervalMinutes: 30, serviceLevelTarget: 0.5, answerSeconds: 60, maxOccupancy: 0.85 });
  t.equal(capped.agents, 48);
  t.equal(erlangRequirement({ contacts: 0, ahtSeconds: 180, intervalMinutes: 30, serviceLevelTarget: 0.8, answerSeconds: 20 }).scheduled, 0);
});

t.test('validation reports every problem with its path', async (t) => {
  const bad = clone(smallScenario()) as Scenario;
  bad.horizon.timeZone = 'Europe/Atlantis';
  let report = validateScenario(bad);
  t.notOk(report.valid);
  t.same(report.errors.map((e) => e.path), ['/horizon/timeZone']);
  t.match(report.errors[0]!.message, /unknown IANA time zone/);

  const b2 = clone(smallScenario()) as Scenario;
  b2.horizon.intervalMinutes = 7;
  t.match(validateScenario(b2).errors, [{ path: '/horizon/intervalMinutes', message: /divides 24 h/ }]);

  const b3 = clone(smallScenario()) as Scenario;
  b3.agents[0]!.skills = ['voice', 'email'];
  b3.agents[1]!.leave = [{ start: '2026-03-24T13:00', end: '2026-03-24T10:00' }];
  b3.contracts[0]!.hoursPerWeek = { min: 50, max: 40 };
  b3.agents[2]!.contract = 'nope';
  b3.agents[2]!.timeZone = 'Mars/Olympus';
  report = validateScenario(b3);
  t.same(
    report.errors.map((e) => e.path).sort(),
    ['/agents/0/skills/1', '/agents/1/leave/0/end', '/agents/2/contract', '/agents/2/timeZone', '/contracts/0/hoursPerWeek/min'].sort(),
    'all five problems in one report',
  );
  t.match(report.errors.find((e) => e.path === '/agents/1/leave/0/end')!.message, /before/);

  // Schema errors: missing field, wrong type, unknown field: all of them, with paths.
  const b4 = clone(smallScenario()) as unknown as Record<string, unknown>;
  delete b4.skills;
  (b4.horizon as Record<string, unknown>).days = 'seven';
  (b4 as Record<string, unknown>).colour = 'blue';
  report = validateScenario(b4);
  const paths = report.errors.map((e) => e.path);
  t.ok(paths.includes('/horizon/days'), 'wrong type named');
  t.ok(report.errors.some((e) => /skills/.test(e.message)), 'missing field named');
  t.ok(report.errors.some((e) => /colour/.test(e.message)), 'unknown field named');
  t.throws(() => parseScenario(b4), ScenarioValidationError);

  // A nonexistent local time (spring-forward gap) is an error, not a silent shift.
  const b5 = clone(smallScenario()) as Scenario;
  b5.agents[0]!.leave = [{ start: '2026-03-29T01:30', end: '2026-03-29T05:00' }];
  t.match(validateScenario(b5).errors, [{ path: '/agents/0/leave/0/start', message: /not a valid time/ }]);

  // Dates that do not exist, horizons past year 9999 and absurd forecasts are errors, not crashes or hangs.
  const b6 = clone(smallScenario()) as Scenario;
  b6.horizon.startDate = '2026-02-30';
  t.match(validateScenario(b6).errors, [{ path: '/horizon/startDate', message: /not a real date/ }]);
  b6.horizon.startDate = '9999-12-28';
  t.match(validateScenario(b6).errors, [{ path: '/horizon/days', message: /9999/ }]);
  const b7 = clone(smallScenario()) as Scenario;
  b7.demand![0] = { skill: 'voice', start: '2026-03-23T08:00', forecast: { contacts: [10, 900_000], ahtSeconds: 300, serviceLevel: { target: 0.8, answerSeconds: 20 } } };
  b7.agents[0]!.rules = [{ kind: 'shift-request', date: '2026-03-32', want: 'on', hard: true }];
  t.same(validateScenario(b7).errors.map((e) => e.path).sort(), ['/agents/0/rules/0/date', '/demand/0/forecast/contacts/1']);
});

t.test('valid but inconsistent input gives named warnings, not crashes', async (t) => {
  const s = clone(smallScenario()) as Scenario;
  s.skills.push('chat');
  s.demand!.push({ skill: 'chat', start: '2026-03-23T09:00', required: [1, 1] });
  s.agents[0]!.leave = [{ start: '2026-03-23T00:00', end: '2026-03-28T00:00', type: 'annual', paid: false }];
  const report = validateScenario(s);
  t.ok(report.valid);
  t.ok(report.warnings.some((w) => w.code === 'skill-without-agents' && w.path === '/demand/7/skill'), 'skill-without-agents');
  // The fixture gives 24 hourly values on 29 March, a 23-hour day: the last one falls outside the horizon.
  t.ok(report.warnings.some((w) => w.code === 'demand-outside-horizon' && w.path === '/demand/6'), 'demand-outside-horizon');
  const result = await solve(s, { timeLimitSeconds: 5 });
  t.equal(result.status, 'infeasible', 'a1 cannot reach 24 h in the two days left');
  t.match(result.reason, /a1/);
  t.match(result.reason, /contract-hours/);
  t.ok(result.warnings.some((w) => w.code === 'min-hours-unreachable' && /a1/.test(w.message)));
  t.ok(result.roster.assignments.length > 0, 'still returns the best roster found');
});

t.test('paid leave above the weekly maximum is a warning: partial days in elapsed hours of the agent’s zone, whole days at the contract’s paid hours', async (t) => {
  const s = clone(smallScenario()) as Scenario;
  // Partial days count their real hours: 23 h + 22.5 h = 45.5 h > 40.
  s.agents[0]!.leave = [{ start: '2026-03-23T00:00', end: '2026-03-23T23:00', type: 'annual' }, { start: '2026-03-24T00:30', end: '2026-03-24T23:00', type: 'annual' }];
  s.agents[1]!.leave = [{ start: '2026-03-23T00:00', end: '2026-03-30T00:00', type: 'annual', paid: false }];
  // Seven whole days (London's 23-hour spring-forward Sunday among them) count 7 × 40/5 h; the half hour inside one adds nothing.
  s.agents[2]!.leave = [{ start: '2026-03-23T00:00', end: '2026-03-30T00:00', type: 'annual' }, { start: '2026-03-23T09:00', end: '2026-03-23T09:30', type: 'medical' }];
  const report = validateScenario(s);
  const warned = report.warnings.filter((w) => w.code === 'leave-exceeds-max-hours').map((w) => [w.path, w.message]);
  t.same(warned, [
    ['/agents/0/leave', 'week 1: 45.5 h of paid leave exceeds the contract maximum of 40 h'],
    ['/agents/2/leave', 'week 1: 56 h of paid leave exceeds the contract maximum of 40 h'],
  ], 'unpaid leave does not count; overlapping leave counts once');
  // Two whole days and a partial one: 8 + 8 + 18 = 34 h, no longer 24 + 24 + 18 = 66 h.
  s.agents[0]!.leave = [{ start: '2026-03-23T00:00', end: '2026-03-25T18:00', type: 'annual' }];
  t.notOk(validateScenario(s).warnings.some((w) => w.path === '/agents/0/leave'), '34 h is within 40 h');
  // An agent in New York: weeks and leave in New York time; the day before the horizon does not count.
  s.agents[0]!.timeZone = 'America/New_York';
  s.agents[0]!.leave = [{ start: '2026-03-22T00:00', end: '2026-03-23T23:00', type: 'annual' }, { start: '2026-03-24T01:00', end: '2026-03-24T20:00', type: 'annual' }];
  const ny = validateScenario(s).warnings.filter((w) => w.path === '/agents/0/leave');
  t.same(ny.map((w) => w.message), ['week 1: 42 h of paid leave exceeds the contract maximum of 40 h'], 'clipped to the week in the agent’s zone');
  s.agents[0]!.leave = [{ start: '2026-03-22T00:00', end: '2026-03-24T12:00', type: 'annual' }];
  t.notOk(validateScenario(s).warnings.some((w) => w.path === '/agents/0/leave'), '8 h + 12 h inside the week is within 40 h');
  t.equal(time.instantOfLocal('2026-03-29', 60, 'Europe/London'), undefined, 'a skipped local time does not exist');
  t.equal(time.instantOfLocal('2026-03-29', 60, 'Europe/London'), undefined, 'nor the second time it is asked (memoised)');
  t.equal(time.instantOfLocal('2026-03-29', 120, 'Europe/London'), Date.parse('2026-03-29T01:00:00Z'));
});

t.test('solve: optimal on a small week, and the reported cost is the evaluator’s', async (t) => {
  const s = smallScenario();
  const r = await solve(s, { timeLimitSeconds: 20 });
  t.equal(r.status, 'optimal', r.reason);
  t.equal(r.evaluation.violations.length, 0);
  const ev = evaluate(s, r.roster);
  t.equal(ev.violations.length, 0);
  t.ok(Math.abs(ev.costs.total - r.cost) < 1e-6);
  t.ok(Math.abs((r.stats.backendObjective ?? NaN) - r.cost) < 1e-6, 'LP objective equals the recomputed cost');
  t.equal(r.gap, 0);
  // 3 agents × 5 × 8 h = 120 h at most against 7 × (10 × 2 + 4) = 168 agent-hours demanded.
  t.ok(ev.understaffedAgentHours >= 48 - 1e-9);
  for (const a of r.roster.assignments) t.match(a.start, /^2026-03-\d\dT\d\d:00:00(Z|\+01:00)$/);
});

t.test('DST: spring-forward and fall-back weeks in Europe/London, an agent in New York', async (t) => {
  for (const [startDate, lengths] of [
    ['2026-03-23', { short: 23, long: 24 }],
    ['2026-10-19', { short: 24, long: 25 }],
  ] as const) {
    const s = clone(smallScenario()) as Scenario;
    s.horizon.startDate = startDate;
    s.horizon.intervalMinutes = 15;
    s.demand = Array.from({ length: 7 }, (_, d) => {
      const date = time.addDaysToDate(startDate, d);
      const hours = (time.startOfLocalDay(time.addDaysToDate(date, 1), 'Europe/London') - time.startOfLocalDay(date, 'Europe/London')) / 3_600_000;
      return { skill: 'voice', start: `${date}T00:00`, required: Array.from({ length: hours * 4 }, (_, i) => (i >= 32 && i < 72 ? 1 : 0)) };
    });
    s.agents[2] = { id: 'ny', skills: ['voice'], contract: 'ft', timeZone: 'America/New_York', rules: [{ kind: 'earliest-start', time: '05:00', hard: true }] };
    const p = expandProblem(parseScenario(s));
    const dayHours = p.dates.map((d, i) => ((i + 1 < p.dates.length ? time.startOfLocalDay(p.dates[i + 1]!, p.zone) : p.gridEnd) - time.startOfLocalDay(d, p.zone)) / 3_600_000);
    t.same([Math.min(...dayHours), Math.max(...dayHours)], [lengths.short, lengths.long], `${startDate}: day lengths`);
    t.equal(p.intervalCount, dayHours.reduce((a, b) => a + b, 0) * 4, 'the grid runs in real time');
    const r = await solve(s, { timeLimitSeconds: 10 });
    t.not(r.status, 'infeasible', r.reason);
    const ev = evaluate(s, r.roster);
    t.equal(ev.violations.length, 0);
    t.ok(Math.abs(ev.costs.total - r.cost) < 1e-6);
    // Every shift lasts 8 real hours even across the change, and the NY agent starts at/after 05:00 New York time.
    for (const a of r.roster.assignments) {
      t.equal(Date.parse(a.end) - Date.parse(a.start), 8 * 3_600_000);
      if (a.agentId === 'ny') t.ok(time.localParts(Date.parse(a.start), 'America/New_York').minutes >= 300, `ny starts ${a.start}`);
    }
    // Coverage: 1 agent needed 08:00–18:00 local, every day including the DST day.
    const covered = ev.coverage.filter((c) => c.required > 0 && c.scheduled >= c.required).length;
    t.ok(covered > 0);
  }
});

t.test('each rule flags what it forbids on a hand-made roster', async (t) => {
  const s = clone(smallScenario()) as Scenario;
  s.shiftTemplates.push({ id: 'micro', earliestStart: '16:00', latestStart: '20:00', startStepMinutes: 60, lengthsMinutes: [120, 180], micro: true });
  s.agents[0]!.microShifts = { maxPerWeek: 1, minGapHours: 2 };
  s.agents[0]!.leave = [{ start: '2026-03-27T10:00', end: '2026-03-27T13:00', type: 'annual' }];
  s.agents[0]!.flexibleStart = { usual: '09:00', toleranceMinutes: 60 };
  s.agents[0]!.rules = [
    { kind: 'free-window', weekday: 'wed', from: '19:00', to: '20:00', weight: 5 },
    { kind: 'max-late-shifts', startingAtOrAfter: '12:00', maxPerWeek: 0, weight: 3 },
    { kind: 'preferred-day-off', weekday: 'sun', weight: 2 },
    { kind: 'latest-end', time: '17:00', weight: 1 },
  ];
  s.contracts[0]!.maxConsecutiveDays = 3;
  const roster: Roster = {
    assignments: [
      { agentId: 'a1', start: '2026-03-23T09:00', end: '2026-03-23T17:00', skill: 'voice' }, // fine
      { agentId: 'a1', start: '2026-03-23T18:00', end: '2026-03-23T20:00', skill: 'voice' }, // micro, 1 h gap < 2 h; ends 20:00 > 17:00
      { agentId: 'a1', start: '2026-03-24T12:00', end: '2026-03-24T20:00', skill: 'voice' }, // late (cost 3), ends late, starts outside 09:00±60
      { agentId: 'a1', start: '2026-03-25T12:00', end: '2026-03-25T20:00', skill: 'voice' }, // free window Wed 19–20, late, rest 16h ok
      { agentId: 'a1', start: '2026-03-26T07:00', end: '2026-03-26T15:00', skill: 'voice' }, // rest 11 h ok; 4th day in a row; outside flex window
      { agentId: 'a1', start: '2026-03-27T09:00', end: '2026-03-27T17:00', skill: 'voice' }, // leave overlap; 5th day
      { agentId: 'a1', start: '2026-03-29T09:00', end: '2026-03-29T17:00', skill: 'voice' }, // Sunday: preferred off; 6 days > max 5
      { agentId: 'a2', start: '2026-03-23T14:00', end: '2026-03-23T22:00', skill: 'voice' },
      { agentId: 'a2', start: '2026-03-24T07:00', end: '2026-03-24T15:00', skill: 'voice' }, // 9 h rest < 11
      { agentId: 'a3', start: '2026-03-23T09:30', end: '2026-03-23T17:30', skill: 'voice' }, // off the template's hourly step
    ],
  };
  const ev = evaluate(s, roster);
  const hard = (rule: string, agent: string) => ev.violations.filter((v) => v.rule === rule && v.agentId === agent);
  t.equal(hard('micro-shifts', 'a1').length, 1, 'gap 1 h < 2 h');
  t.equal(hard('leave', 'a1').length, 1);
  t.equal(hard('flexible-start', 'a1').length, 4, '18:00, 12:00, 12:00 and 07:00 are outside 09:00 ± 60 min');
  t.equal(hard('consecutive-days', 'a1').length, 1, '5 days in a row > 3');
  t.equal(hard('max-days-per-week', 'a1').length, 1, '6 days > 5');
  t.equal(hard('rest', 'a2').length, 1);
  t.equal(hard('contract-hours', 'a1').length, 1, '6 × 8 + 2 h + 3 h paid leave = 53 h > 40');
  t.equal(hard('contract-hours', 'a3').length, 1, '8 h < 24 h');
  t.equal(hard('shift-templates', 'a3').length, 1, '09:30 is not on the hourly start step');
  t.equal(hard('daily-shifts', 'a1').length, 0, 'one regular plus one micro-shift a day is allowed');
  const soft = (rule: string) => ev.costs.byRule[rule];
  t.equal(soft('free-window'), 5);
  t.equal(soft('max-late-shifts'), 3 * 3, 'three starts at/after 12:00 (18:00, 12:00, 12:00) over a cap of 0');
  t.equal(soft('preferred-day-off'), 2);
  t.equal(soft('latest-end'), 3, 'micro to 20:00 and two shifts to 20:00');
  const micro2 = structuredClone(roster);
  micro2.assignments.push({ agentId: 'a2', start: '2026-03-25T16:00', end: '2026-03-25T18:00', skill: 'voice' });
  t.equal(evaluate(s, micro2).violations.filter((v) => v.rule === 'micro-shifts' && v.agentId === 'a2').length, 1, 'a2 never opted in');
  t.throws(() => evaluate(s, { assignments: [{ agentId: 'zed', start: '2026-03-23T09:00', end: '2026-03-23T17:00', skill: 'voice' }] }), RosterInputError);
  try {
    evaluate(s, { assignments: [{ agentId: 'a1', start: '2026-03-23T09:00', end: '2026-03-23T08:00', skill: 'sales' }] });
  } catch (e) {
    t.same((e as RosterInputError).issues.map((i) => i.path).sort(), ['/assignments/0/end', '/assignments/0/skill']);
  }
});

t.test('shift-level planning: templates per date, max weekends, min runs, successions, requests', async (t) => {
  const s: Scenario = {
    schemaVersion: 1,
    horizon: { startDate: '2026-01-05', days: 14, timeZone: 'UTC', intervalMinutes: 60 },
    skills: ['any'],
    shiftTemplates: [
      { id: 'E', earliestStart: '06:00', latestStart: '06:00', lengthsMinutes: [480], notFollowedBy: [] },
      { id: 'L', earliestStart: '14:00', latestStart: '14:00', lengthsMinutes: [480], notFollowedBy: ['E'] },
    ],
    contracts: [{ id: 'c', hoursPerHorizon: { min: 48, max: 80 }, minRestHours: 0, maxConsecutiveDays: 4, minConsecutiveDays: 2, minConsecutiveDaysOff: 2, maxWeekends: 1, maxShiftsPerTemplate: { L: 4 } }],
    agents: ['A', 'B', 'C'].map((id) => ({ id, skills: ['any'], contract: 'c' })),
    shiftDemand: Array.from({ length: 14 }, (_, d) => [
      { date: time.addDaysToDate('2026-01-05', d), template: 'E', required: 1 },
      { date: time.addDaysToDate('2026-01-05', d), template: 'L', required: 1 },
    ]).flat(),
  };
  s.agents[0]!.rules = [
    { kind: 'shift-request', date: '2026-01-07', template: 'L', want: 'on', weight: 3 },
    { kind: 'shift-request', date: '2026-01-08', want: 'off', weight: 2 },
  ];
  const r = await solve(s, { timeLimitSeconds: 8 });
  t.not(r.status, 'infeasible', r.reason);
  const ev = evaluate(s, r.roster);
  t.equal(ev.violations.length, 0);
  t.ok(Math.abs(ev.costs.total - r.cost) < 1e-6);
  t.equal(ev.shiftCoverage.length, 28);
  // Independent recount of the shift-level objective from the assignments.
  let recount = 0;
  for (const row of ev.shiftCoverage) {
    const n = r.roster.assignments.filter((a) => a.template === row.template && a.start.startsWith(row.date)).length;
    t.equal(n, row.scheduled);
    recount += 100 * Math.max(0, row.required - n) + 1 * Math.max(0, n - row.required);
  }
  const req = r.roster.assignments.filter((a) => a.agentId === 'A');
  recount += req.some((a) => a.template === 'L' && a.start.startsWith('2026-01-07')) ? 0 : 3;
  recount += req.some((a) => a.start.startsWith('2026-01-08')) ? 2 : 0;
  t.equal(r.cost, recount, 'cost = cover penalties + request penalties');

  const bad: Roster = {
    assignments: [
      { agentId: 'A', start: '2026-01-05T14:00', end: '2026-01-05T22:00', skill: 'any' },
      { agentId: 'A', start: '2026-01-06T06:00', end: '2026-01-06T14:00', skill: 'any' }, // E after L
      { agentId: 'A', start: '2026-01-10T06:00', end: '2026-01-10T14:00', skill: 'any' }, // Sat: isolated 1-day run
      { agentId: 'A', start: '2026-01-18T06:00', end: '2026-01-18T14:00', skill: 'any' }, // Sun, last day: 2nd weekend
    ],
  };
  const v = evaluate(s, bad).violations.filter((x) => x.agentId === 'A');
  t.ok(v.some((x) => x.rule === 'template-limits' && /may not follow/.test(x.message)));
  t.ok(v.some((x) => x.rule === 'max-weekends'));
  t.ok(v.some((x) => x.rule === 'consecutive-days' && /minimum 2/.test(x.message)), 'the Saturday run is too short');
  t.equal(v.filter((x) => x.rule === 'consecutive-days' && /days off in a row/.test(x.message)).length, 0, 'every off-run is ≥ 2 days or touches an edge');
  t.ok(v.some((x) => x.rule === 'contract-hours'), '32 h < 48 h');
  t.notOk(v.some((x) => x.rule === 'consecutive-days' && x.date === '2026-01-18'), 'the last run touches the horizon end: exempt');
  const offRun: Roster = { assignments: [bad.assignments[0]!, { agentId: 'A', start: '2026-01-07T06:00', end: '2026-01-07T14:00', skill: 'any' }, { agentId: 'A', start: '2026-01-08T06:00', end: '2026-01-08T14:00', skill: 'any' }] };
  t.ok(evaluate(s, offRun).violations.some((x) => x.agentId === 'A' && x.rule === 'consecutive-days' && /1 days off in a row, minimum 2/.test(x.message)), 'a single day off between work is too short');
});

t.test('the LP model and the checks agree: a roster fixed into the model costs what the evaluator says', async (t) => {
  const s = clone(smallScenario()) as Scenario;
  s.agents[0]!.rules = [{ kind: 'max-late-shifts', startingAtOrAfter: '12:00', maxPerWeek: 1, weight: 7 }, { kind: 'preferred-day-off', weekday: 'mon', weight: 4 }];
  const p = expandProblem(parseScenario(s));
  generateCandidates(p);
  const built = buildRosterModel(p);
  // Pick a rule-abiding roster by hand: a1 works Mon–Fri 13:00 (late every day), others 08:00 Mon–Thu.
  const chosen = p.agents.map((a) =>
    a.candidates.filter((c) => c.day < (a.id === 'a1' ? 5 : 4) && c.localStart === (a.id === 'a1' ? 13 * 60 : 8 * 60)),
  );
  const ev = (await import('@flexroster/core')).evaluateShifts(p, chosen);
  t.equal(ev.violations.length, 0);
  const fixed = { ...built.lp, variables: built.lp.variables.map((v, j) => {
    const ai = built.model.columns.findIndex((cols) => cols.includes(j));
    if (ai < 0) return v;
    const i = built.model.columns[ai]!.indexOf(j);
    const x = chosen[ai]!.includes(p.agents[ai]!.candidates[i]!) ? 1 : 0;
    return { ...plainVariable(v), lower: x, upper: x };
  }) };
  const sol = await jslpBackend().solve(fixed, { timeLimitSeconds: 10 });
  t.equal(sol.status, 'optimal');
  t.ok(Math.abs(sol.objective! - ev.costs.total) < 1e-6, `LP ${sol.objective} vs evaluator ${ev.costs.total}`);
  t.equal(ev.costs.byRule['max-late-shifts'], 4 * 7);
  t.equal(ev.costs.byRule['preferred-day-off'], 4);
});

t.test('swap checks use the same rules', async (t) => {
  const s = clone(smallScenario()) as Scenario;
  const roster: Roster = {
    assignments: [
      ...['23', '24', '25'].map((d) => ({ agentId: 'a1', start: `2026-03-${d}T08:00`, end: `2026-03-${d}T16:00`, skill: 'voice' })),
      ...['23', '24', '25'].map((d) => ({ agentId: 'a2', start: `2026-03-${d}T14:00`, end: `2026-03-${d}T22:00`, skill: 'voice' })),
      ...['23', '24', '26'].map((d) => ({ agentId: 'a3', start: `2026-03-${d}T10:00`, end: `2026-03-${d}T18:00`, skill: 'voice' })),
    ],
  };
  const ok = checkSwap(s, roster, { kind: 'exchange', agentA: 'a1', shiftA: { start: '2026-03-25T08:00', end: '2026-03-25T16:00' }, agentB: 'a3', shiftB: { start: '2026-03-26T10:00', end: '2026-03-26T18:00' } });
  t.ok(ok.allowed, ok.reasons.join('; '));
  t.equal(ok.violations.length, 0);
  // a2's evening shift given to a1, who already works 08:00–16:00 that day: overlap / daily-shifts.
  const clash = checkSwap(s, roster, { kind: 'give-away', fromAgent: 'a2', shift: { start: '2026-03-24T14:00', end: '2026-03-24T22:00' }, toAgent: 'a1' });
  t.notOk(clash.allowed);
  t.ok(clash.violations.some((v) => v.rule === 'daily-shifts' && v.agentId === 'a1'));
  t.ok(clash.violations.some((v) => v.rule === 'contract-hours' && v.agentId === 'a2') || clash.coverageDelta.understaffedAgentHours >= 0);
  // Exchange an evening for a morning next day: a2 would get 08:00 after 22:00 the evening before: rest.
  const rest = checkSwap(s, roster, { kind: 'exchange', agentA: 'a1', shiftA: { start: '2026-03-25T08:00', end: '2026-03-25T16:00' }, agentB: 'a2', shiftB: { start: '2026-03-23T14:00', end: '2026-03-23T22:00' } });
  t.notOk(rest.allowed);
  t.ok(rest.violations.some((v) => v.rule === 'rest' && v.agentId === 'a2'), JSON.stringify(rest.violations));
  t.throws(() => checkSwap(s, roster, { kind: 'give-away', fromAgent: 'ghost', shift: { start: '2026-03-24T14:00', end: '2026-03-24T22:00' }, toAgent: 'a1' }), RosterInputError);
  try {
    checkSwap(s, roster, { kind: 'give-away', fromAgent: 'a2', shift: { start: '2026-03-24T15:00', end: '2026-03-24T22:00' }, toAgent: 'nobody' });
    t.fail('should throw');
  } catch (e) {
    t.same((e as RosterInputError).issues.map((i) => i.path).sort(), ['/swap/shift', '/swap/toAgent']);
  }
  const cands = swapCandidates(s, roster, 'a3', { start: '2026-03-26T10:00', end: '2026-03-26T18:00' });
  t.ok(cands.length > 0);
  for (let i = 1; i < cands.length; i++) t.ok(cands[i - 1]!.costDelta <= cands[i]!.costDelta, 'ranked by cost delta');
  for (const c of cands) {
    const swap =
      c.kind === 'give-away'
        ? { kind: 'give-away' as const, fromAgent: 'a3', shift: { start: '2026-03-26T10:00', end: '2026-03-26T18:00' }, toAgent: c.agentId }
        : { kind: 'exchange' as const, agentA: 'a3', shiftA: { start: '2026-03-26T10:00', end: '2026-03-26T18:00' }, agentB: c.agentId, shiftB: { start: c.shift!.start, end: c.shift!.end } };
    t.ok(checkSwap(s, roster, swap).allowed, `candidate ${c.kind} ${c.agentId} passes the check`);
  }
});

/** 11 agents over two weeks, each with one shift to give; the wishes form a 2-, a 3- and a 4-cycle, and a pair that would break rest. */
function cycleCase() {
  const s = smallScenario({
    horizon: { startDate: '2026-03-23', days: 14, timeZone: 'Europe/London', intervalMinutes: 60 },
    contracts: [{ id: 'ft', hoursPerWeek: { max: 40 }, maxDaysPerWeek: 5, minRestHours: 11 }],
    agents: Array.from({ length: 11 }, (_, i) => ({ id: `a${i + 1}`, skills: ['voice'], contract: 'ft' })),
  }) as Scenario;
  // a2 prefers Mondays off (soft): taking a1's Monday costs, so the exchange ranks after the free cycles.
  s.agents[1] = { ...s.agents[1]!, rules: [{ kind: 'preferred-day-off', weekday: 'mon', hard: false, weight: 7 }] };
  const day = (d: string, from = '08:00', to = '16:00') => ({ start: `${d}T${from}`, end: `${d}T${to}` });
  const gives: [string, ReturnType<typeof day>, string][] = [
    ['a1', day('2026-03-23'), '2026-03-24'],
    ['a2', day('2026-03-24'), '2026-03-23'],
    ['a3', day('2026-03-25'), '2026-03-27'],
    ['a4', day('2026-03-26'), '2026-03-25'],
    ['a5', day('2026-03-27'), '2026-03-26'],
    ['a6', day('2026-03-29'), '2026-04-01'],
    ['a7', day('2026-03-30'), '2026-03-29'],
    ['a8', day('2026-03-31'), '2026-03-30'],
    ['a9', day('2026-04-01'), '2026-03-31'],
    ['a10', day('2026-03-28'), '2026-04-04'],
    ['a11', day('2026-04-04', '07:00', '15:00'), '2026-03-28'],
  ];
  const roster: Roster = {
    assignments: [
      ...gives.map(([agentId, g]) => ({ agentId, ...g, skill: 'voice' })),
      // a10 keeps a late shift the evening before the early one it wants: 9 hours of rest.
      { agentId: 'a10', ...day('2026-04-03', '14:00', '22:00'), skill: 'voice' },
    ],
  };
  const wishes = gives.map(([agentId, give, date]) => ({ id: `w-${agentId}`, agentId, give, accept: [{ date }] }));
  return { s, roster, wishes };
}

t.test('swap cycles: exchanges and cycles of 3 and 4 are found, rule-breaking ones are not offered, cheapest first', async (t) => {
  const { s, roster, wishes } = cycleCase();
  const { cycles, truncated } = findSwapCycles(s, roster, wishes);
  t.equal(truncated, false);
  const sets = cycles.map((c) => [...c.wishIds].sort().join(' '));
  t.same(sets.sort(), ['w-a1 w-a2', 'w-a3 w-a4 w-a5', 'w-a6 w-a7 w-a8 w-a9'], 'one cycle of each length, each once (no rotations)');
  const three = cycles.find((c) => c.wishIds.length === 3)!;
  const gave = new Map(three.members.map((m) => [m.agentId, m.gives.start.slice(0, 10)]));
  for (const m of three.members) {
    t.equal(m.receives.start.slice(0, 10), wishes.find((w) => w.id === m.wishId)!.accept[0]!.date, `${m.agentId} receives the day they accept`);
    t.equal(m.receives.start.slice(0, 10), gave.get(m.fromAgent), 'from the agent who gave it');
  }
  // The rest pair is refused by the single-swap check for the same reason.
  const rest = checkSwap(s, roster, { kind: 'exchange', agentA: 'a10', shiftA: wishes[9]!.give, agentB: 'a11', shiftB: wishes[10]!.give });
  t.notOk(rest.allowed);
  t.ok(rest.violations.some((v) => v.rule === 'rest' && v.agentId === 'a10'));
  // Ranked by the roster's cost change, which is the evaluator's.
  for (let i = 1; i < cycles.length; i++) t.ok(cycles[i - 1]!.costDelta <= cycles[i]!.costDelta, 'cheapest first');
  t.same(cycles.at(-1)!.wishIds.slice().sort(), ['w-a1', 'w-a2'], 'the exchange costing a preferred day off ranks last');
  t.equal(cycles.at(-1)!.costDelta, 7);
  const before = evaluate(s, roster).costs.total;
  const moved = (c: (typeof cycles)[number]): Roster => ({
    assignments: roster.assignments.map((a) => {
      const m = c.members.find((x) => x.fromAgent === a.agentId && x.receives.start.startsWith(a.start));
      return m ? { ...a, agentId: m.agentId } : a;
    }),
  });
  for (const c of cycles) {
    const after = evaluate(s, moved(c));
    t.equal(after.violations.length, 0);
    t.ok(Math.abs(after.costs.total - before - c.costDelta) < 1e-6, `cost change ${c.costDelta} is the evaluator's`);
  }
  // At most 2 long: only the exchange.
  t.same(findSwapCycles(s, roster, wishes, { maxLength: 2 }).cycles.map((c) => c.wishIds.length), [2]);
});

t.test('swap cycles: a wish giving a shift its agent does not hold is a typed error naming the wish', async (t) => {
  const { s, roster, wishes } = cycleCase();
  const bad = wishes.map((w, i) => (i === 3 ? { ...w, give: { start: '2026-03-26T09:00', end: '2026-03-26T17:00' } } : w));
  try {
    findSwapCycles(s, roster, bad);
    t.fail('should throw');
  } catch (e) {
    t.type(e, SwapWishError);
    t.same((e as SwapWishError).issues.map((i) => i.path), ['/wishes/3/give']);
  }
  try {
    findSwapCycles(s, roster, [{ ...wishes[0], accept: [{ weekday: 'mon' }] }]);
    t.fail('should throw');
  } catch (e) {
    t.type(e, FlexrosterInputError);
    t.ok((e as FlexrosterInputError).issues.some((i) => i.path.startsWith('/wishes/0/accept/0')), JSON.stringify((e as FlexrosterInputError).issues));
  }
});

t.test('every solve ends within its time limit', async (t) => {
  const s = clone(smallScenario()) as Scenario;
  s.horizon.intervalMinutes = 15;
  s.shiftTemplates = [{ id: 'day', earliestStart: '06:00', latestStart: '14:00', lengthsMinutes: [480, 360, 240] }];
  s.agents = Array.from({ length: 30 }, (_, i) => ({ id: `a${i}`, skills: ['voice'], contract: 'ft' }));
  s.demand = Array.from({ length: 7 }, (_, d) => ({ skill: 'voice', start: `2026-03-${23 + d}T00:00`, required: Array.from({ length: 92 }, (_, i) => (i > 30 && i < 80 ? 12 : 2)) }));
  const t0 = performance.now();
  const r = await solve(s, { timeLimitSeconds: 3 });
  const seconds = (performance.now() - t0) / 1000;
  t.ok(seconds < 3 + 1.5, `took ${seconds} s`);
  t.not(r.status, 'infeasible');
  t.equal(evaluate(s, r.roster).violations.length, 0);
  t.match(r.reason, /beyond javascript-lp-solver's limit|gap/);
});

t.test('LpModelBuilder: long rows merge repeats like short ones, and a built model is final', async (t) => {
  const b = new LpModelBuilder();
  const cols = Array.from({ length: 100 }, (_, i) => b.addBinary(`x${i}`));
  // 100 distinct entries: taken as they are.
  b.addRow('long', cols, cols.map(() => 1), 1, 1);
  // 101 entries with one repeat: merged (x0 twice → coefficient 2), and zeros dropped.
  b.addRow('long-repeat', [...cols, cols[0]!], [...cols.map((_, i) => (i === 5 ? 0 : 1)), 1], 0, 3);
  const model = b.build();
  t.equal(model.rows[0]!.indices.length, 100);
  const repeat = model.rows[1]!;
  t.equal(repeat.indices.length, 99, 'the repeat merged and the zero dropped');
  t.equal(repeat.coefficients[repeat.indices.indexOf(cols[0]!)], 2);
  t.throws(() => b.addBinary('late'), /already built/);
  t.throws(() => b.build(), /called twice/);
  t.throws(() => b.addRow('r', [], [], 0, 0), /already built/);
  const twice = new LpModelBuilder();
  twice.addBinary('z');
  t.throws(() => twice.addBinary('z'), /defined twice/);
});

t.test('LpModelBuilder: column families name their members on demand, keep names unique and share coefficient storage', async (t) => {
  const b = new LpModelBuilder();
  const before = b.addBinary('y[a#7]');
  const first = b.addBinaryFamily('x[a#', 3, ']');
  t.equal(first, before + 1, 'a family follows the columns before it');
  b.addCost(first + 2, 4);
  b.addCost(first + 2, 0.5);
  t.throws(() => b.addBinaryFamily('x[a#', 2, ']'), /defined twice/, 'one family per prefix and suffix');
  t.throws(() => b.addBinaryFamily('x[a1', 2, ']'), /may not end in/, 'a prefix ending in a digit would make names ambiguous');
  t.throws(() => b.addBinaryFamily('x[b#', 2, '#2]'), /no digit/);
  // Long rows of ones and a short tail share one buffer; their values read as if each had its own.
  const cols = Array.from({ length: 80 }, (_, i) => b.addBinary(`z${i}`));
  const ones = (n: number, tail: number[]) => [...Array.from({ length: n }, () => 1), ...tail];
  b.addRow('long-a', cols.slice(0, 70), ones(68, [1, -1]), 2, 2);
  b.addRow('long-b', cols.slice(0, 80), ones(78, [1, -1]), 3, 3);
  b.addRow('long-c', cols.slice(0, 75), ones(73, [1, -1]), 1, 1);
  b.addRow('long-mixed', cols.slice(0, 70), cols.slice(0, 70).map((_, i) => (i % 2 ? 1 : 0.5)), 0, 9);
  b.addRow('short-ones', [first, first + 1], [1, 1], 0, 1);
  b.addRow('short-ones-2', [first + 1, first + 2], [1, 1], 0, 1);
  const model = b.build();
  const family = model.variables.slice(first, first + 3);
  t.same(
    family.map((v) => [v.name, v.lower, v.upper, v.integer, v.cost]),
    [
      ['x[a#0]', 0, 1, true, 0],
      ['x[a#1]', 0, 1, true, 0],
      ['x[a#2]', 0, 1, true, 4.5],
    ],
  );
  const row = (name: string) => model.rows.find((r) => r.name === name)!;
  t.same(Array.from(row('long-a').coefficients), ones(68, [1, -1]));
  t.same(Array.from(row('long-b').coefficients), ones(78, [1, -1]));
  t.same(Array.from(row('long-c').coefficients), ones(73, [1, -1]));
  t.same(Array.from(row('long-mixed').coefficients), cols.slice(0, 70).map((_, i) => (i % 2 ? 1 : 0.5)));
  const buffer = (name: string) => (row(name).coefficients as Float32Array).buffer;
  t.equal(buffer('long-c'), buffer('long-b'), 'rows of ones with the same tail share one buffer');
  t.not(buffer('long-mixed'), buffer('long-b'));
  t.equal(row('short-ones').coefficients, row('short-ones-2').coefficients, 'short rows of ones share one array');
  t.ok(Object.isFrozen(row('short-ones').coefficients), 'and it cannot be changed through one of them');
  // A name taken by a family member is refused, whichever came first.
  const clash = new LpModelBuilder();
  clash.addBinary('x[c#1]');
  clash.addBinaryFamily('x[c#', 2, ']');
  t.throws(() => clash.build(), /x\[c#1\] defined twice/);
  const noClash = new LpModelBuilder();
  noClash.addBinary('x[c#2]');
  noClash.addBinary('x[c#01]');
  noClash.addBinaryFamily('x[c#', 2, ']');
  t.equal(noClash.build().variables.length, 4, 'names outside the family (k too large, a leading zero) are fine');
});

t.test('columnIndex: the runs of rows of every column are exactly the rows it appears in', async (t) => {
  const p = expandProblem(parseScenario(smallScenario()));
  generateCandidates(p);
  const { lp } = buildRosterModel(p);
  const index = columnIndex(lp);
  const fromRuns = (j: number) => {
    const rows: number[] = [];
    for (let k = index.starts[j]!; k < index.starts[j + 1]!; k++) for (let i = index.runFirst[k]!; i < index.runFirst[k]! + index.runLength[k]!; i++) rows.push(i);
    return rows;
  };
  const expected: number[][] = lp.variables.map(() => []);
  lp.rows.forEach((r, i) => {
    for (const j of r.indices) expected[j]!.push(i);
  });
  let mismatches = 0;
  lp.variables.forEach((_, j) => {
    if (fromRuns(j).join() !== expected[j]!.join()) mismatches++;
  });
  t.equal(mismatches, 0);
  t.ok(index.runFirst.length < expected.reduce((n, rows) => n + rows.length, 0), 'consecutive rows (a shift\'s coverage intervals) share a run');
});

t.test('misspelt solve options are named, not silently replaced by the default', async (t) => {
  const bad = { relaxation: 'clases', strategy: 'fast' } as unknown as Parameters<typeof solve>[1];
  const error = await solve(smallScenario(), bad).then(
    () => undefined,
    (e: unknown) => e,
  );
  t.ok(error instanceof FlexrosterInputError, 'a typed input error');
  const issues = (error as FlexrosterInputError).issues;
  t.same(
    issues.map((i) => i.path),
    ['/strategy', '/relaxation'],
  );
  t.match(issues[1]!.message, /must be one of auto, agents, classes \(got "clases"\)/);
});

t.test('tuning: every value named with its meaning and default; overrides validated, unknown names refused', async (t) => {
  for (const [name, entry] of Object.entries(TUNING)) {
    t.ok(entry.meaning.length > 10, `${name} says what it means`);
    t.ok(entry.default >= entry.min && entry.default <= entry.max, `${name}'s default is within its range`);
    t.equal(DEFAULT_TUNING[name as keyof typeof DEFAULT_TUNING], entry.default);
  }
  t.equal(resolveTuning(undefined), DEFAULT_TUNING, 'no overrides: the defaults');
  t.equal(resolveTuning({ windowShare: 0.2 }).windowShare, 0.2);
  t.equal(resolveTuning({ windowShare: 0.2 }).agentPlanShare, DEFAULT_TUNING.agentPlanShare, 'the others keep their defaults');
  const refused = (overrides: unknown) => {
    try {
      resolveTuning(overrides);
      return undefined;
    } catch (e) {
      return e instanceof FlexrosterInputError ? e.issues : e;
    }
  };
  t.same((refused({ windowShar: 0.2, toString: 1 }) as { path: string }[]).map((i) => i.path), ['/tuning/windowShar', '/tuning/toString'], 'unknown names, even inherited ones');
  t.same((refused({ windowShare: 1.5, directMipMaxColumns: -1, hugeModelColumns: '9' }) as { path: string }[]).map((i) => i.path), ['/tuning/windowShare', '/tuning/directMipMaxColumns', '/tuning/hugeModelColumns']);
  t.match((refused([1]) as { message: string }[])[0]!.message, /must be an object/);
  const error = await solve(smallScenario(), { tuning: { nope: 1 } as never, heuristicShare: 2 }).then(() => undefined, (e: unknown) => e);
  t.ok(error instanceof FlexrosterInputError, 'solve refuses bad tuning before any work');
  const shareError = await solve(smallScenario(), { heuristicShare: 2 }).then(() => undefined, (e: unknown) => e);
  t.same((shareError as FlexrosterInputError).issues.map((i) => i.path), ['/heuristicShare']);
});

t.test('tuning changes the route: directMipMaxColumns 0 sends a small model to the decomposition', async (t) => {
  const direct = await solve(smallScenario(), { timeLimitSeconds: 5 });
  t.notMatch(direct.stats.backendMessage ?? '', /^decomposition:/, 'the default: the whole MIP');
  const events: SolveEvent[] = [];
  const decomposed = await solve(smallScenario(), { timeLimitSeconds: 5, tuning: { directMipMaxColumns: 0 }, onEvent: (e) => events.push(e) });
  t.ok(events.length > 0 && events.every((e, i) => e.message.length > 0 && (i === 0 || e.elapsedSeconds >= events[i - 1]!.elapsedSeconds)), `the steps are told as events, in order (${events.map((e) => e.step).join(', ')})`);
  t.match(decomposed.stats.backendMessage, /^decomposition: /, 'decomposed');
  t.equal(decomposed.cost, evaluate(smallScenario(), decomposed.roster).costs.total, 'either way the cost is the evaluator’s');
  t.equal(decomposed.evaluation.violations.length, 0);
});

t.test('lowerBound: null when no bound is known, a number when one is; gap only beside a bound', async (t) => {
  // No demand: coverage alone bounds nothing, yet the contracts' minimum hours cost overstaffing; and a backend
  // that never answers.
  const s = clone(smallScenario()) as Scenario;
  s.demand = s.demand!.map((d) => ({ ...d, required: (d as { required: number[] }).required.map(() => 0) }));
  const silent = { name: 'silent', solve: async () => ({ status: 'no-solution' as const, seconds: 0 }) };
  const none = await solve(s, { timeLimitSeconds: 2, backend: silent });
  t.ok(none.cost > 0, `a roster with a cost (${none.cost})`);
  t.equal(none.lowerBound, null, 'no bound known: null, not 0');
  t.equal(none.gap, undefined);
  t.match(none.reason, /no useful lower bound is known/);
  const proved = await solve(s, { timeLimitSeconds: 5 });
  t.type(proved.lowerBound, 'number', 'a proven bound');
  t.equal(typeof proved.gap, 'number');
});

t.test('onIncumbent: each improved roster, copied when reported, costing what it says', async (t) => {
  for (const strategy of ['direct', 'decompose'] as const) {
    const s = smallScenario();
    const seen: { cost: number; roster: () => Roster }[] = [];
    const r = await solve(s, { timeLimitSeconds: 2, backend: jslpBackend(), strategy, onIncumbent: (inc) => seen.push(inc) });
    t.ok(seen.length > 0, `${strategy}: at least one incumbent`);
    // Built only now, after the solve went on changing its roster: each is still the roster of its moment.
    const costs = seen.map((inc) => evaluate(s, inc.roster()).costs.total);
    t.same(costs.map((c) => Math.round(c * 1e6)), seen.map((inc) => Math.round(inc.cost * 1e6)), `${strategy}: each roster costs its reported cost`);
    t.ok(costs.every((c, i) => i === 0 || c <= costs[i - 1]! + 1e-9), `${strategy}: never worse than the one before`);
    t.ok(r.cost <= costs.at(-1)! + 1e-9, `${strategy}: the result is no worse than the last incumbent`);
  }
});
