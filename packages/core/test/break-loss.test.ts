/**
 * The shift stage's expected break loss (expand/break-loss.ts): the positions and per-minute loss of small cases
 * worked out by hand from the definitions, the coverage coefficients of a shift (an interval-aligned and an
 * offset start, a length the lunch skips, across a DST change), the model's coverage rows built from them, a
 * scenario without break rules planned on the same problem and model as before, and a solve whose plan leaves
 * room for breaks (less under-staffing after placement than planning whole shifts, the old shift stage).
 */
import t from 'tap';
import {
  solve,
  expandProblem,
  generateCandidates,
  parseScenario,
  rosterToShifts,
  shiftsToRoster,
  evaluate,
  placeBreaks,
  underHours,
  buildRosterModel,
  withExpectedBreakLoss,
  breakPositions,
  expectedLossByMinute,
  expectedWorkShares,
  coverageShares,
  shiftIntervals,
  type Scenario,
  type BreakRule,
} from '@flexroster/core';
import { BREAKS, smallScenario } from './fixtures.js';

const BREAK: BreakRule = { kind: 'break', minutes: 15, earliestAfterStartMinutes: 60, latestAfterStartMinutes: 120, paid: true };
const LUNCH: BreakRule = { kind: 'lunch', minutes: 30, earliestAfterStartMinutes: 180, latestAfterStartMinutes: 300, paid: true, minShiftMinutes: 360 };
const close = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => Math.abs(x - b[i]!) < 1e-12);

/** One 15-minute-grid day from `date`, template `day` of 480 (and 300) minutes starting at `start`, BREAKS' rules. */
function scenario(date: string, start: string, lengths = [480], breaks: BreakRule[] | null = BREAKS.breaks!): Scenario {
  return {
    schemaVersion: 1,
    horizon: { startDate: date, days: 1, timeZone: 'Europe/London', intervalMinutes: 15 },
    skills: ['voice'],
    shiftTemplates: [{ id: 'day', earliestStart: start, latestStart: start, lengthsMinutes: lengths, ...(breaks ? { breaks, minGapMinutes: 30 } : {}) }],
    contracts: [{ id: 'ft', hoursPerHorizon: { max: 10 } }],
    agents: [{ id: 'a1', skills: ['voice'], contract: 'ft' }],
    demand: [{ skill: 'voice', start: `${date}T00:00`, required: Array.from({ length: 92 }, () => 1) }],
  };
}

function problemOf(s: Scenario) {
  const p = expandProblem(parseScenario(s));
  generateCandidates(p);
  return p;
}

t.test('positions: interval boundaries in the window, clipped by the shift end; every minute when no boundary falls in it', async (t) => {
  t.same(breakPositions(BREAK, 480, 0, 15), [60, 75, 90, 105, 120], 'start on a boundary: every 15 minutes from 60 to 120');
  // Starting 5 minutes into an interval, boundaries fall 10, 25, … elapsed minutes after the start.
  t.same(breakPositions(BREAK, 480, 5, 15), [70, 85, 100, 115]);
  t.same(breakPositions({ ...LUNCH, latestAfterStartMinutes: 120, earliestAfterStartMinutes: 60 }, 120, 0, 15), [60, 75, 90], 'a 30-minute lunch in a 120-minute shift starts by minute 90');
  t.same(breakPositions({ ...BREAK, earliestAfterStartMinutes: 61, latestAfterStartMinutes: 64 }, 480, 0, 15), [61, 62, 63, 64], 'no boundary: every minute');
  t.same(breakPositions({ ...BREAK, earliestAfterStartMinutes: 470, latestAfterStartMinutes: 475 }, 480, 0, 15), [470], 'no room: the earliest start alone');
});

t.test('loss per minute: each break spread evenly over its positions', async (t) => {
  const one = expectedLossByMinute([BREAK], 480, 0, 15);
  // Five positions 60 … 120, each 15 minutes: every minute from 60 to 134 is covered by exactly one of them.
  const want = Array.from({ length: 480 }, (_, m) => (m >= 60 && m < 135 ? 1 / 5 : 0));
  t.ok(close([...one], want), 'one fifth from minute 60 to 134, 0 elsewhere');
  t.ok(Math.abs(one.reduce((a, b) => a + b, 0) - 15) < 1e-9, "the break's 15 minutes in all");
  const narrow = expectedLossByMinute([{ ...BREAK, earliestAfterStartMinutes: 61, latestAfterStartMinutes: 64 }], 480, 0, 15);
  // Starts 61 … 64 (a quarter each): minute m is on break for the starts p with p ≤ m < p + 15.
  t.ok(close([...narrow.slice(60, 80)], [0, 1 / 4, 2 / 4, 3 / 4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3 / 4, 2 / 4, 1 / 4, 0]));
});

t.test("coverage shares of a shift: its share of each interval less its breaks' expected time there", async (t) => {
  const p = withExpectedBreakLoss(problemOf(scenario('2026-03-23', '09:00', [480, 300])));
  t.ok(p.expectBreakLoss);
  const long = p.agents[0]!.candidates.find((s) => s.minutes === 480)!;
  const short = p.agents[0]!.candidates.find((s) => s.minutes === 300)!;
  // 09:00 is interval 36. Break: 1/5 of intervals 4 … 8 of the shift. Lunch (9 positions 180 … 300, 30 minutes):
  // interval 12 is covered by the start at 180 only (1/9), 13 … 20 by two starts each (2/9), 21 by the start at 300.
  const want = Array.from({ length: 32 }, (_, i) => 1 - (i >= 4 && i <= 8 ? 1 / 5 : 0) - (i === 12 || i === 21 ? 1 / 9 : i >= 13 && i <= 20 ? 2 / 9 : 0));
  const got = expectedWorkShares(p, long)!;
  t.equal(got.first, 36);
  t.ok(close(got.shares, want), `480 min: ${got.shares.map((x) => x.toFixed(3)).join(' ')}`);
  t.ok(Math.abs(got.shares.reduce((a, b) => a + b, 0) - (32 - 45 / 15)) < 1e-9, '45 minutes of breaks lost in all');
  t.same(coverageShares(p, long), got, 'the model and the trackers use these shares');
  // 300 minutes: the lunch needs 360, so only the break applies.
  const shortWant = Array.from({ length: 20 }, (_, i) => 1 - (i >= 4 && i <= 8 ? 1 / 5 : 0));
  t.ok(close(expectedWorkShares(p, short)!.shares, shortWant), '300 min: the break only');
  // A shift that carries segments, or a problem that is not a shift stage, keeps its plain shares.
  t.same(coverageShares(problemOf(scenario('2026-03-23', '09:00', [480, 300])), long), shiftIntervals(p, long));
  t.same(coverageShares(p, { ...long, segments: [{ start: long.start, end: long.end, kind: 'work', skill: 'voice' }] }), shiftIntervals(p, long));

  const offset = withExpectedBreakLoss(problemOf(scenario('2026-03-23', '09:05', [480])));
  const s = offset.agents[0]!.candidates[0]!;
  const o = expectedWorkShares(offset, s)!;
  // 09:05 → 17:05: 10 minutes of interval 36, 31 whole ones, 5 of the last; the break's four positions
  // (70, 85, 100, 115 elapsed = 10:15 … 11:00) lose a quarter of intervals 41 … 44.
  t.equal(o.first, 36);
  t.equal(o.shares.length, 33);
  t.ok(Math.abs(o.shares[0]! - 10 / 15) < 1e-12 && Math.abs(o.shares[32]! - 5 / 15) < 1e-12, 'partial first and last intervals');
  t.ok(close(o.shares.slice(5, 10), [1 - 1 / 4, 1 - 1 / 4, 1 - 1 / 4, 1 - 1 / 4, 1]), 'a quarter lost from 10:15 to 11:15');
});

t.test('across the spring-forward hour the loss follows elapsed time', async (t) => {
  // Europe/London, 2026-03-29: a shift from 00:00 to 09:00 wall clock lasts 480 elapsed minutes, 32 intervals of the
  // (real-time) grid, and loses its breaks as a 480-minute shift on any other day does.
  const dst = withExpectedBreakLoss(problemOf(scenario('2026-03-29', '00:00', [480])));
  const plain = withExpectedBreakLoss(problemOf(scenario('2026-03-23', '00:00', [480])));
  const a = expectedWorkShares(dst, dst.agents[0]!.candidates[0]!)!;
  const b = expectedWorkShares(plain, plain.agents[0]!.candidates[0]!)!;
  t.equal(a.first, 0);
  t.equal(a.shares.length, 32);
  t.same(a.shares, b.shares);
});

t.test("the shift stage's coverage rows hold the expected shares; without break rules the problem and model are the same", async (t) => {
  const p = problemOf(scenario('2026-03-23', '09:00', [480]));
  const stage = withExpectedBreakLoss(p);
  const columnCoefficients = (q: typeof p) => {
    const built = buildRosterModel(q);
    const j = built.model.columns[0]![0]!;
    const out: number[] = [];
    for (const r of built.lp.rows) {
      if (!r.name.startsWith('coverage:')) continue;
      for (let i = 0; i < r.indices.length; i++) if (r.indices[i] === j) out.push(r.coefficients[i]!);
    }
    return out;
  };
  const s = p.agents[0]!.candidates[0]!;
  t.ok(close(columnCoefficients(stage), expectedWorkShares(stage, s)!.shares), 'the shift stage: expected shares');
  t.same(columnCoefficients(p), shiftIntervals(p, s).shares, 'the scenario itself: whole shares');

  const none = problemOf(scenario('2026-03-23', '09:00', [480], null));
  t.equal(withExpectedBreakLoss(none), none, 'no break rules: the shift stage is the problem itself');
  const r = await solve(smallScenario(), { timeLimitSeconds: 5 });
  t.notMatch(r.reason, /expected loss/, 'and its solve says nothing of expected loss');
});

t.test('a solve with breaks plans room for them: less under-staffing after placement than planning whole shifts', async (t) => {
  const paid = BREAKS.breaks!.map((b) => ({ ...b, paid: true })); // the same paid hours with and without break rules
  const req = Array.from({ length: 96 }, (_, i) => (i >= 28 && i < 76 ? (i >= 48 && i < 56 ? 2 : 3) : 0));
  const make = (breaks: BreakRule[] | undefined): Scenario => ({
    schemaVersion: 1,
    horizon: { startDate: '2026-03-23', days: 1, timeZone: 'Europe/London', intervalMinutes: 15 },
    skills: ['voice'],
    shiftTemplates: [{ id: 'day', earliestStart: '07:00', latestStart: '11:00', startStepMinutes: 60, lengthsMinutes: [480], ...(breaks ? { breaks, minGapMinutes: 30 } : {}) }],
    contracts: [{ id: 'ft', hoursPerHorizon: { max: 10 } }],
    agents: Array.from({ length: 8 }, (_, i) => ({ id: `a${i + 1}`, skills: ['voice'], contract: 'ft' })),
    demand: [{ skill: 'voice', start: '2026-03-23T00:00', required: req }],
  });
  const withBreaks = make(paid);
  const p = expandProblem(parseScenario(withBreaks));
  // The old shift stage: plan whole shifts (the same scenario without break rules), then place the breaks.
  const old = await solve(make(undefined), { timeLimitSeconds: 10 });
  const oldPlaced = placeBreaks(p, rosterToShifts(p, { assignments: old.roster.assignments.map(({ segments: _, ...a }) => a) }));
  const now = await solve(withBreaks, { timeLimitSeconds: 10 });
  const nowShifts = rosterToShifts(p, now.roster);
  t.equal(now.evaluation.violations.length, 0, now.reason);
  t.ok(underHours(p, nowShifts) < underHours(p, oldPlaced) - 0.25, `under-staffed ${underHours(p, nowShifts)} agent-h against ${underHours(p, oldPlaced)}`);
  t.ok(now.roster.assignments.length > old.roster.assignments.length, 'more shifts, to cover the breaks');
  t.equal(now.cost, evaluate(withBreaks, now.roster).costs.total);
  const oldCost = evaluate(withBreaks, shiftsToRoster(p, oldPlaced)).costs.total;
  t.ok(now.cost < oldCost, `cost ${now.cost} against ${oldCost} (both with breaks placed)`);
  // Bounds: only the coverage bound (a relaxation) may be reported, never above the cost.
  t.ok(now.lowerBound === null || now.lowerBound <= now.cost + 1e-9);
  t.same(Object.keys(now.bounds ?? {}).filter((k) => k !== 'coverage'), [], 'no LP or MIP bound of the expected-loss model');
  t.match(now.reason, /expected loss/);
});
