/**
 * Breaks and lunches: break rules validated with paths, segments that tile each shift, coverage that counts
 * work segments only, the `breaks` rule, the solve's placement stage (windows kept, greedy no worse than the
 * earliest offset), elapsed-time windows across a DST change, and scenarios without break rules unchanged.
 */
import t from 'tap';
import fc from 'fast-check';
import {
  solve,
  evaluate,
  expandProblem,
  generateCandidates,
  parseScenario,
  runHeuristic,
  rosterToShifts,
  shiftsToRoster,
  evaluateShifts,
  placeBreaks,
  placeBreaksWith,
  underHours,
  breakProblems,
  validateScenario,
  checkSwap,
  RosterInputError,
  type Scenario,
  type Roster,
  type Shift,
} from '@flexroster/core';
import { BREAKS, smallScenario } from './fixtures.js';

const MIN = 60_000;

/** One 15-minute-grid day, a 09:00–17:00 template with BREAKS, `agents` agents, demand 2 from 08:00 to 18:00 unless given. */
function breakScenario(agents = 2, required?: number[]): Scenario {
  const req = required ?? Array.from({ length: 96 }, (_, i) => (i >= 32 && i < 72 ? 2 : 0));
  return {
    schemaVersion: 1,
    horizon: { startDate: '2026-03-23', days: 1, timeZone: 'Europe/London', intervalMinutes: 15 },
    skills: ['voice'],
    shiftTemplates: [{ id: 'day', earliestStart: '09:00', latestStart: '09:00', lengthsMinutes: [480], ...BREAKS }],
    contracts: [{ id: 'ft', hoursPerHorizon: { max: 10 } }],
    agents: Array.from({ length: agents }, (_, i) => ({ id: `a${i + 1}`, skills: ['voice'], contract: 'ft' })),
    demand: [{ skill: 'voice', start: '2026-03-23T00:00', required: req }],
  };
}

const shift = (agentId: string, segments?: Roster['assignments'][number]['segments']) => ({
  agentId,
  start: '2026-03-23T09:00',
  end: '2026-03-23T17:00',
  skill: 'voice',
  ...(segments ? { segments } : {}),
});
const seg = (from: string, to: string, kind: 'work' | 'break' | 'lunch') => ({ start: `2026-03-23T${from}`, end: `2026-03-23T${to}`, kind });

/** Every shift's segments tile it, and each break lies inside its window (elapsed time). */
function checkTiling(shifts: readonly (readonly Shift[])[]): string[] {
  const out: string[] = [];
  for (const list of shifts)
    for (const s of list) {
      const g = s.segments ?? [];
      if ((s.template?.breaks?.length ?? 0) > 0 && g.length === 0) out.push(`shift at ${s.start} has no segments`);
      if (g.length === 0) continue;
      if (g[0]!.start !== s.start || g[g.length - 1]!.end !== s.end) out.push('segments do not span the shift');
      for (let i = 1; i < g.length; i++) if (g[i]!.start !== g[i - 1]!.end) out.push('a gap or overlap between segments');
      out.push(...breakProblems(s));
    }
  return out;
}

t.test('validation names the path of a bad break rule', async (t) => {
  const bad = (breaks: unknown, lengths = [480]) => {
    const s = breakScenario() as unknown as { shiftTemplates: Record<string, unknown>[] };
    s.shiftTemplates[0] = { ...s.shiftTemplates[0], lengthsMinutes: lengths, breaks };
    return validateScenario(s).errors.map((e) => e.path);
  };
  const rule = { kind: 'break', minutes: 15, earliestAfterStartMinutes: 60, latestAfterStartMinutes: 120, paid: true };
  t.same(bad([rule]), [], 'a good rule passes');
  t.same(bad([{ ...rule, earliestAfterStartMinutes: 150 }]), ['/shiftTemplates/0/breaks/0/earliestAfterStartMinutes'], 'earliest after latest');
  t.same(bad([rule, { ...rule, latestAfterStartMinutes: 470 }]), ['/shiftTemplates/0/breaks/1/latestAfterStartMinutes'], 'ends after the shift');
  t.same(bad([{ ...rule, latestAfterStartMinutes: 300 }], [480, 240]), ['/shiftTemplates/0/breaks/0/latestAfterStartMinutes'], 'ends after a shorter length it applies to');
  t.same(bad([{ ...rule, latestAfterStartMinutes: 300, minShiftMinutes: 360 }], [480, 240]), [], 'minShiftMinutes keeps it off the short length');
  t.same(bad([{ ...rule, minShiftMinutes: 600 }]), ['/shiftTemplates/0/breaks/0/minShiftMinutes'], 'applies to no length');
  t.ok(bad([{ ...rule, minutes: 0 }]).includes('/shiftTemplates/0/breaks/0/minutes'), 'zero length');
  t.ok(bad([{ ...rule, minutes: -15 }]).includes('/shiftTemplates/0/breaks/0/minutes'), 'negative length');
  t.ok(bad([{ ...rule, earliestAfterStartMinutes: -5 }]).includes('/shiftTemplates/0/breaks/0/earliestAfterStartMinutes'), 'negative offset');
});

t.test('segments that do not tile the shift are refused with their path', async (t) => {
  const s = breakScenario();
  const paths = (segments: ReturnType<typeof seg>[]) => {
    try {
      evaluate(s, { assignments: [shift('a1', segments)] });
      return [];
    } catch (e) {
      t.type(e, RosterInputError);
      return (e as RosterInputError).issues.map((i) => i.path);
    }
  };
  t.same(paths([seg('09:00', '12:00', 'work'), seg('12:00', '17:00', 'work')]), [], 'a tiling is accepted');
  t.same(paths([seg('09:15', '17:00', 'work')]), ['/assignments/0/segments/0/start'], 'late first segment');
  t.same(paths([seg('09:00', '12:00', 'work'), seg('12:15', '17:00', 'work')]), ['/assignments/0/segments/1/start'], 'a gap');
  t.same(paths([seg('09:00', '12:00', 'work'), seg('11:45', '17:00', 'work')]), ['/assignments/0/segments/1/start'], 'an overlap');
  t.same(paths([seg('09:00', '16:00', 'work')]), ['/assignments/0/segments/0/end'], 'ends before the shift');
});

t.test('coverage counts work segments only; unpaid breaks are not paid hours', async (t) => {
  const s = smallScenario({ agents: [{ id: 'a1', skills: ['voice'], contract: 'ft' }] });
  const whole = evaluate(s, { assignments: [{ agentId: 'a1', start: '2026-03-23T09:00', end: '2026-03-23T17:00', skill: 'voice' }] });
  const withBreak = evaluate(s, {
    assignments: [
      {
        agentId: 'a1',
        start: '2026-03-23T09:00',
        end: '2026-03-23T17:00',
        skill: 'voice',
        segments: [seg('09:00', '12:00', 'work'), seg('12:00', '13:00', 'break'), seg('13:00', '17:00', 'work')],
      },
    ],
  });
  const at = (ev: typeof whole, hhmm: string) => ev.coverage.find((r) => r.start.startsWith(`2026-03-23T${hhmm}`))!.scheduled;
  t.equal(at(whole, '12:00'), 1);
  t.equal(at(withBreak, '12:00'), 0, 'the break interval has one agent less');
  for (const h of ['09:00', '11:00', '13:00', '16:00']) t.equal(at(withBreak, h), at(whole, h), `${h} unchanged`);
  t.equal(withBreak.understaffedAgentHours, whole.understaffedAgentHours + 1, 'one agent-hour more short');

  // The lunch of BREAKS is unpaid: an 8-hour shift pays 7.5 hours, below a minimum of 8.
  const paid = breakScenario(1);
  paid.contracts = [{ id: 'ft', hoursPerHorizon: { min: 8 } }];
  const ev = evaluate(paid, { assignments: [shift('a1')] });
  t.match(ev.violations.find((v) => v.rule === 'contract-hours')?.message ?? '', /7\.5 h paid, below the minimum 8 h/, 'unpaid lunch time is not paid');
  paid.contracts = [{ id: 'ft', hoursPerHorizon: { min: 7.5 } }];
  t.same(evaluate(paid, { assignments: [shift('a1')] }).violations, [], '7.5 paid hours reach a minimum of 7.5');
});

t.test('the breaks rule finds missing, misplaced and crowded breaks', async (t) => {
  const s = breakScenario(1);
  const findings = (segments?: ReturnType<typeof seg>[]) => evaluate(s, { assignments: [shift('a1', segments)] }).violations.filter((v) => v.rule === 'breaks').map((v) => v.message);
  const good = [seg('09:00', '10:30', 'work'), seg('10:30', '10:45', 'break'), seg('10:45', '13:00', 'work'), seg('13:00', '13:30', 'lunch'), seg('13:30', '17:00', 'work')];
  t.same(findings(good), [], 'both breaks in their windows');
  t.same(findings(undefined), [], 'a shift without segments is not judged (breaks unplaced)');
  const missing = findings([seg('09:00', '10:30', 'work'), seg('10:30', '10:45', 'break'), seg('10:45', '17:00', 'work')]);
  t.equal(missing.length, 1);
  t.match(missing[0], /missing its 30-min lunch/);
  const outside = findings([seg('09:00', '09:30', 'work'), seg('09:30', '09:45', 'break'), seg('09:45', '13:00', 'work'), seg('13:00', '13:30', 'lunch'), seg('13:30', '17:00', 'work')]);
  t.equal(outside.length, 1);
  t.match(outside[0], /15-min break .* starts 30 min after the start, outside its window/);
  const apart = findings([seg('09:00', '11:00', 'work'), seg('11:00', '11:15', 'break'), seg('11:15', '12:15', 'work'), seg('12:15', '12:45', 'lunch'), seg('12:45', '17:00', 'work')]);
  t.same(apart, [], 'an hour apart, both in their windows');
  const adjacent = findings([seg('09:00', '11:45', 'work'), seg('11:45', '12:00', 'break'), seg('12:00', '12:30', 'lunch'), seg('12:30', '17:00', 'work')]);
  t.ok(adjacent.some((m) => /less than 30 min apart/.test(m)), 'back-to-back breaks break the least gap');
  const extra = findings([...good.slice(0, 4), seg('13:30', '14:00', 'work'), seg('14:00', '14:15', 'break'), seg('14:15', '17:00', 'work')]);
  t.ok(extra.some((m) => /no break rule of its template asks for/.test(m)), 'an extra break is a finding');
});

t.test('a give-away carries the shift\'s breaks', async (t) => {
  const s = breakScenario(2);
  const good = [seg('09:00', '10:30', 'work'), seg('10:30', '10:45', 'break'), seg('10:45', '13:00', 'work'), seg('13:00', '13:30', 'lunch'), seg('13:30', '17:00', 'work')];
  const r = checkSwap(s, { assignments: [shift('a1', good)] }, { kind: 'give-away', fromAgent: 'a1', shift: { start: '2026-03-23T09:00', end: '2026-03-23T17:00' }, toAgent: 'a2' });
  t.ok(r.allowed, r.reasons.join('; '));
  t.same(r.violations, []);
  t.equal(r.coverageDelta.understaffedAgentHours, 0, 'the breaks move with the shift: coverage unchanged');
});

// Random small scenarios with break rules: random zone, date (DST weekends included), agents, grid and demand.
const scenarioArb: fc.Arbitrary<Scenario> = fc
  .record({
    zone: fc.constantFrom('UTC', 'Europe/London', 'America/New_York', 'Asia/Kolkata'),
    startDate: fc.constantFrom('2026-03-28', '2026-10-24', '2026-03-07', '2026-06-01'),
    days: fc.integer({ min: 1, max: 3 }),
    grid: fc.constantFrom(15, 30, 60),
    agents: fc.integer({ min: 1, max: 5 }),
    lunchPaid: fc.boolean(),
    gap: fc.constantFrom(0, 15, 30),
    demand: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 12, maxLength: 12 }),
  })
  .map((g) => {
    const dates = Array.from({ length: g.days }, (_, d) => new Date(Date.parse(`${g.startDate}T12:00:00Z`) + d * 86_400_000).toISOString().slice(0, 10));
    const perHour = 60 / g.grid;
    return {
      schemaVersion: 1,
      horizon: { startDate: g.startDate, days: g.days, timeZone: g.zone, intervalMinutes: g.grid },
      skills: ['voice'],
      shiftTemplates: [
        {
          id: 'day',
          earliestStart: '07:00',
          latestStart: '11:00',
          startStepMinutes: 60,
          lengthsMinutes: [480, 300],
          breaks: [
            { kind: 'break', minutes: 15, earliestAfterStartMinutes: 60, latestAfterStartMinutes: 150, paid: true },
            { kind: 'lunch', minutes: 30, earliestAfterStartMinutes: 180, latestAfterStartMinutes: 300, paid: g.lunchPaid, minShiftMinutes: 480 },
          ],
          minGapMinutes: g.gap,
        },
      ],
      contracts: [{ id: 'ft', hoursPerWeek: { max: 40 }, minRestHours: 11 }],
      agents: Array.from({ length: g.agents }, (_, i) => ({ id: `a${i}`, skills: ['voice'], contract: 'ft' })),
      demand: dates.map((date) => ({ skill: 'voice', start: `${date}T07:00`, required: g.demand.flatMap((v) => Array(perHour).fill(v) as number[]) })),
    } satisfies Scenario;
  });

t.test('property: placed segments tile each shift and keep every window; the roster round-trips', async (t) => {
  let shiftsSeen = 0;
  fc.assert(
    fc.property(scenarioArb, fc.integer({ min: 1, max: 1000 }), (s, seed) => {
      const p = expandProblem(parseScenario(s));
      generateCandidates(p);
      const h = runHeuristic(p, { deadline: performance.now() + 100, seed });
      const placed = placeBreaks(p, h.shifts);
      const problems = checkTiling(placed);
      if (problems.length > 0) return (console.error(problems), false);
      shiftsSeen += placed.flat().length;
      // The roster with segments reads back to the same segments, and the evaluator finds no break problem.
      const roster = shiftsToRoster(p, placed);
      const back = rosterToShifts(p, roster);
      if (JSON.stringify(shiftsToRoster(p, back)) !== JSON.stringify(roster)) return false;
      const ev = evaluateShifts(p, back);
      if (ev.violations.some((v) => v.rule === 'breaks')) return (console.error(ev.violations), false);
      // Work segments only are counted: scheduled agent-hours equal the roster's work time.
      const work = back.flat().reduce((sum, x) => sum + (x.segments ?? [x]).filter((g) => !('kind' in g) || g.kind === 'work').reduce((a, g) => a + g.end - g.start, 0), 0);
      const onGrid = back.flat().every((x) => x.start >= p.gridStart && x.end <= p.gridEnd);
      const scheduled = ev.coverage.reduce((sum, r) => sum + r.scheduled, 0) * p.intervalMs;
      return !onGrid || Math.abs(scheduled - work) < 1e-3 * p.intervalMs;
    }),
    { numRuns: 40, seed: 18 },
  );
  t.ok(shiftsSeen > 0, `${shiftsSeen} shifts placed and checked`);
});

t.test('greedy placement is no worse than breaks at the earliest offset, and better where the demand dips', async (t) => {
  // Two agents 09:00–17:00; demand 2 all day but 1 from 12:00 to 14:00: lunches belong in the dip.
  const req = Array.from({ length: 96 }, (_, i) => (i >= 36 && i < 68 ? (i >= 48 && i < 56 ? 1 : 2) : 0));
  const s = breakScenario(2, req);
  const p = expandProblem(parseScenario(s));
  const shifts = rosterToShifts(p, { assignments: [shift('a1'), shift('a2')] });
  const greedy = placeBreaksWith(p, shifts, 'greedy');
  const earliest = placeBreaksWith(p, shifts, 'earliest');
  t.same(checkTiling(greedy), []);
  t.same(checkTiling(earliest), []);
  t.ok(underHours(p, greedy) < underHours(p, earliest), `greedy ${underHours(p, greedy)} < earliest ${underHours(p, earliest)} agent-hours short`);
  t.equal(underHours(p, placeBreaks(p, shifts)), underHours(p, greedy));
  const again = placeBreaks(p, earliest);
  t.same(checkTiling(again), [], 'shifts that already carry segments are placed afresh');
  t.equal(underHours(p, again), underHours(p, greedy), 'their old breaks are not counted twice');

  // On random scenarios, the same shifts: the placement the solve uses is never worse than the earliest offsets.
  fc.assert(
    fc.property(scenarioArb, fc.integer({ min: 1, max: 1000 }), (sc, seed) => {
      const q = expandProblem(parseScenario(sc));
      generateCandidates(q);
      const h = runHeuristic(q, { deadline: performance.now() + 60, seed });
      return underHours(q, placeBreaks(q, h.shifts)) <= underHours(q, placeBreaksWith(q, h.shifts, 'earliest')) + 1e-9;
    }),
    { numRuns: 25, seed: 5 },
  );
});

t.test('a solve with break rules places every break in its window, with 0 hard violations', async (t) => {
  const req = Array.from({ length: 96 }, (_, i) => (i >= 28 && i < 76 ? (i >= 48 && i < 56 ? 2 : 3) : 0));
  const s = breakScenario(4, req);
  s.shiftTemplates[0] = { ...s.shiftTemplates[0]!, earliestStart: '07:00', latestStart: '11:00', startStepMinutes: 60 };
  const r = await solve(s, { timeLimitSeconds: 10 });
  t.equal(r.evaluation.violations.length, 0, r.reason);
  t.not(r.status, 'infeasible');
  t.ok(r.roster.assignments.length > 0);
  const p = expandProblem(parseScenario(s));
  const shifts = rosterToShifts(p, r.roster);
  t.same(checkTiling(shifts), []);
  for (const a of r.roster.assignments) t.equal(a.segments?.filter((g) => g.kind !== 'work').length, 2, `${a.agentId} has a break and a lunch`);
  t.same(r.evaluation, evaluate(s, r.roster), "the reported evaluation is the evaluator's on the roster with segments");
  t.equal(r.cost, evaluate(s, r.roster).costs.total);
});

t.test('across the spring-forward hour break windows are in elapsed time', async (t) => {
  // Europe/London, 2026-03-29: 01:00 becomes 02:00. A shift from 00:00 to 09:00 wall clock lasts 8 hours.
  const s: Scenario = {
    ...breakScenario(1, Array.from({ length: 92 }, (_, i) => (i < 40 ? 1 : 0))),
    horizon: { startDate: '2026-03-29', days: 1, timeZone: 'Europe/London', intervalMinutes: 15 },
    demand: [{ skill: 'voice', start: '2026-03-29T00:00', required: Array.from({ length: 92 }, (_, i) => (i < 40 ? 1 : 0)) }],
  };
  s.shiftTemplates[0] = { ...s.shiftTemplates[0]!, earliestStart: '00:00', latestStart: '00:00' };
  const r = await solve(s, { timeLimitSeconds: 10 });
  t.equal(r.evaluation.violations.length, 0, r.reason);
  const a = r.roster.assignments[0]!;
  t.equal(Date.parse(a.start), Date.parse('2026-03-29T00:00:00Z'), 'starts at 00:00 GMT');
  t.equal(a.end, '2026-03-29T09:00:00+01:00', 'ends at 09:00 BST');
  t.equal((Date.parse(a.end) - Date.parse(a.start)) / MIN, 480, '8 hours elapsed');
  const start = Date.parse(a.start);
  for (const g of a.segments!.filter((x) => x.kind !== 'work')) {
    const rule = BREAKS.breaks!.find((b) => b.kind === g.kind)!;
    const offset = (Date.parse(g.start) - start) / MIN;
    t.ok(offset >= rule.earliestAfterStartMinutes && offset <= rule.latestAfterStartMinutes, `${g.kind} ${offset} min after the start (elapsed)`);
  }
  // A lunch at 03:00 wall clock is only 120 elapsed minutes in (before its 180-minute window): the rule says so.
  const wall = evaluate(s, {
    assignments: [{ ...a, segments: [{ start: a.start, end: '2026-03-29T02:30', kind: 'work' }, { start: '2026-03-29T02:30', end: '2026-03-29T02:45', kind: 'break' }, { start: '2026-03-29T02:45', end: '2026-03-29T03:00', kind: 'work' }, { start: '2026-03-29T03:00', end: '2026-03-29T03:30', kind: 'lunch' }, { start: '2026-03-29T03:30', end: a.end, kind: 'work' }] }],
  });
  t.ok(wall.violations.some((v) => v.rule === 'breaks' && /30-min lunch .* starts 120 min after the start, outside its window/.test(v.message)), 'wall-clock offsets are not elapsed offsets');
});

t.test('a scenario without break rules solves with no segments, as before', async (t) => {
  const s = smallScenario();
  const r = await solve(s, { timeLimitSeconds: 5 });
  t.equal(r.evaluation.violations.length, 0);
  t.ok(r.roster.assignments.length > 0);
  t.ok(r.roster.assignments.every((a) => a.segments === undefined), 'no segments');
  t.equal(r.cost, evaluate(s, r.roster).costs.total);
  t.equal(r.evaluation.costs.byRule.breaks, 0);
});
