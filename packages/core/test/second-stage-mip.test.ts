/**
 * The second stage's per-day break MIP: on a day where the greedy takes a slot another agent needed, the MIP
 * places the breaks apart and the coverage cost drops; every hard rule kept; without a backend that solves
 * MIPs the greedy placement as before; the time limit holds and `stats.secondStage` says what ran.
 */
import t from 'tap';
import {
  solve,
  evaluate,
  expandProblem,
  parseScenario,
  rosterToShifts,
  shiftsToRoster,
  placeInsideShifts,
  placeInsideShiftsWithin,
  type LpBackend,
  type Roster,
  type Scenario,
} from '@flexroster/core';
import { highsBackend } from '../../solver-highs/dist/index.js';
import { BREAKS } from './fixtures.js';

const DAY = '2026-03-23';
/** One 15-minute break, 60 or 75 minutes after the start (two starts on the grid). */
const ONE_BREAK = { breaks: [{ kind: 'break' as const, minutes: 15, earliestAfterStartMinutes: 60, latestAfterStartMinutes: 75, paid: true }] };
const SHIFTS = [
  { agentId: 'a', start: `${DAY}T08:00`, end: `${DAY}T16:00`, skill: 'voice' },
  { agentId: 'b', start: `${DAY}T08:15`, end: `${DAY}T16:15`, skill: 'voice' },
  { agentId: 'c', start: `${DAY}T10:00`, end: `${DAY}T18:00`, skill: 'voice' },
];

/**
 * Demand equal to the agents on shift, except: 09:00 1.5 (a's other start, a little short), 09:15 1 (the slot a
 * and b share: a takes it first in the greedy, so b's break falls at 09:30, fully short), 11:15 one less (c's good start,
 * which the earliest-offset placement misses, so the greedy is the placement the greedy stage keeps).
 */
function trapScenario(): Scenario {
  const req = Array.from({ length: 96 }, (_, i) => {
    const m = i * 15;
    return SHIFTS.filter((s) => m >= minutes(s.start) && m < minutes(s.end)).length;
  });
  req[36] = 1.5;
  req[37] = 1;
  req[45] = req[45]! - 1;
  return {
    schemaVersion: 1,
    horizon: { startDate: DAY, days: 1, timeZone: 'Europe/London', intervalMinutes: 15 },
    skills: ['voice'],
    shiftTemplates: [{ id: 'day', earliestStart: '08:00', latestStart: '10:00', lengthsMinutes: [480], ...ONE_BREAK }],
    contracts: [{ id: 'ft', hoursPerHorizon: { max: 10 } }],
    agents: ['a', 'b', 'c'].map((id) => ({ id, skills: ['voice'], contract: 'ft' })),
    demand: [{ skill: 'voice', start: `${DAY}T00:00`, required: req }],
  };
}

function minutes(iso: string): number {
  const [h, m] = iso.slice(11).split(':').map(Number);
  return h! * 60 + m!;
}

const roster: Roster = { assignments: SHIFTS.map((s) => ({ ...s, template: 'day' })) };
const coverageCost = (scenario: Scenario, r: Roster) => evaluate(scenario, r).costs.byRule['coverage'] ?? 0;
const breakStarts = (r: Roster) => r.assignments.map((a) => a.segments?.find((g) => g.kind === 'break')?.start);

t.test('the MIP places the contested breaks apart, below the greedy coverage cost, keeping every hard rule', async (t) => {
  const scenario = trapScenario();
  const p = expandProblem(parseScenario(scenario));
  const shifts = rosterToShifts(p, roster);
  const greedy = shiftsToRoster(p, placeInsideShifts(p, shifts));
  const mip = await placeInsideShiftsWithin(p, shifts, { backend: highsBackend(), deadline: performance.now() + 10_000, minMsPerColumn: 0, minSolveSeconds: 1.5, callOverrunSeconds: 0.15, afterFactor: 5 });
  const placed = shiftsToRoster(p, mip.shifts);
  t.same(breakStarts(greedy), [`${DAY}T09:15:00Z`, `${DAY}T09:15:00Z`, `${DAY}T11:15:00Z`], 'the greedy gives a the shared slot, and b, short either way, the earlier start');
  t.same(breakStarts(placed), [`${DAY}T09:00:00Z`, `${DAY}T09:15:00Z`, `${DAY}T11:15:00Z`], 'the MIP leaves it to b');
  t.ok(coverageCost(scenario, placed) < coverageCost(scenario, greedy) - 1, `coverage ${coverageCost(scenario, placed)} < greedy ${coverageCost(scenario, greedy)}`);
  t.same(evaluate(scenario, placed).violations, [], 'no hard violation');
  t.match(mip.stats, { method: 'mip', days: 1, daysByMip: 1 });
  t.ok(mip.stats.gap !== null && mip.stats.gap <= 1e-4, `gap ${mip.stats.gap}`);
});

t.test('a backend that solves no MIP leaves the greedy placement as it was', async (t) => {
  const scenario = trapScenario();
  const p = expandProblem(parseScenario(scenario));
  const shifts = rosterToShifts(p, roster);
  const none: LpBackend = { name: 'none', solve: async () => ({ status: 'error', seconds: 0, message: 'no MIP here' }) };
  for (const backend of [none, undefined]) {
    const r = await placeInsideShiftsWithin(p, shifts, { backend, deadline: performance.now() + 10_000, minMsPerColumn: 0, minSolveSeconds: 1.5, callOverrunSeconds: 0.15, afterFactor: 5 });
    t.same(shiftsToRoster(p, r.shifts), shiftsToRoster(p, placeInsideShifts(p, shifts)), `${backend?.name ?? 'no backend'}: the greedy's roster`);
    t.match(r.stats, { method: 'greedy', days: 1, daysByMip: 0, gap: null });
  }
});

/** A week of a 20-agent day template with BREAKS (a break and a lunch), demand 6 from 08:00 to 18:00. */
function weekScenario(): Scenario {
  return {
    schemaVersion: 1,
    horizon: { startDate: DAY, days: 7, timeZone: 'Europe/London', intervalMinutes: 15 },
    skills: ['voice'],
    shiftTemplates: [{ id: 'day', earliestStart: '07:00', latestStart: '11:00', lengthsMinutes: [480], ...BREAKS }],
    contracts: [{ id: 'ft', hoursPerHorizon: { max: 40 } }],
    agents: Array.from({ length: 20 }, (_, i) => ({ id: `a${i}`, skills: ['voice'], contract: 'ft' })),
    demand: Array.from({ length: 7 }, (_, d) => ({
      skill: 'voice',
      start: `2026-03-${23 + d}T00:00`,
      required: Array.from({ length: 96 }, (_, i) => (i >= 32 && i < 72 ? 6 + (i % 5) : 0)),
    })),
  };
}

t.test('a solve reports its second stage, keeps every hard rule, and the MIP costs no more than the greedy', async (t) => {
  const scenario = weekScenario();
  const r = await solve(scenario, { backend: highsBackend(), timeLimitSeconds: 20, seed: 1 });
  const s = r.stats.secondStage!;
  t.ok(s, 'stats.secondStage is set');
  t.equal(s.days, 7);
  t.equal(s.method, s.daysByMip === 7 ? 'mip' : s.daysByMip === 0 ? 'greedy' : 'mixed');
  t.ok(s.daysByMip > 0, `${s.daysByMip} days by MIP`);
  t.ok(s.seconds > 0 && s.seconds < r.stats.totalSeconds);
  t.same(r.evaluation.violations, [], 'no hard violation');
  const p = expandProblem(parseScenario(scenario));
  const bare = { assignments: r.roster.assignments.map(({ segments: _, ...a }) => a) };
  const greedy = shiftsToRoster(p, placeInsideShifts(p, rosterToShifts(p, bare)));
  t.ok(r.cost <= evaluate(scenario, greedy).costs.total + 1e-6, `cost ${r.cost} ≤ greedy's ${evaluate(scenario, greedy).costs.total}`);
});

t.test('a tiny limit holds, and the stats say how the days were placed', async (t) => {
  const started = performance.now();
  const r = await solve(weekScenario(), { backend: highsBackend(), timeLimitSeconds: 1, seed: 1 });
  const seconds = (performance.now() - started) / 1000;
  t.ok(seconds < 1 + 1.5, `returned after ${seconds.toFixed(2)} s`);
  const s = r.stats.secondStage!;
  t.equal(s.days, 7);
  t.equal(s.method, s.daysByMip === 7 ? 'mip' : s.daysByMip === 0 ? 'greedy' : 'mixed', `${s.daysByMip} of 7 days by MIP`);
  t.same(r.evaluation.violations.filter((v) => v.rule === 'breaks'), [], 'breaks kept');
});

t.test('days the time does not reach keep the greedy placement', async (t) => {
  const scenario = weekScenario();
  const p = expandProblem(parseScenario(scenario));
  const dates = Array.from({ length: 7 }, (_, d) => `2026-03-${23 + d}`);
  const week: Roster = { assignments: dates.flatMap((date) => Array.from({ length: 8 }, (_, i) => ({ agentId: `a${i}`, start: `${date}T${i % 2 ? 10 : "09"}:00`, end: `${date}T${17 + (i % 2)}:00`, skill: 'voice', template: 'day' }))) };
  const shifts = rosterToShifts(p, week);
  const deadline = performance.now() + 3000;
  const highs = highsBackend();
  // The first call (two days: 3 s hold four calls of 0.5 + 0.15 s) answers only once the deadline has passed.
  const slow: LpBackend = {
    name: 'slow',
    solve: async (m, o) => {
      const answer = await highs.solve(m, o);
      await new Promise((done) => setTimeout(done, Math.max(0, deadline - performance.now()) + 10));
      return answer;
    },
  };
  const r = await placeInsideShiftsWithin(p, shifts, { backend: slow, deadline, minMsPerColumn: 0, minSolveSeconds: 0.5, callOverrunSeconds: 0.15, afterFactor: 0 });
  t.match(r.stats, { method: 'mixed', days: 7, daysByMip: 2 });
  const later = (x: Roster) => x.assignments.filter((a) => a.start >= '2026-03-25');
  t.same(later(shiftsToRoster(p, r.shifts)), later(shiftsToRoster(p, placeInsideShifts(p, shifts))), 'days 3 to 7: the greedy placement');
});
