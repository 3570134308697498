/**
 * Property tests on random scenarios: whatever the solver returns keeps every hard rule, its reported cost
 * is the evaluator's, and the LP model and the rule checks agree on any roster fixed into the model.
 */
import t from 'tap';
import fc from 'fast-check';
import {
  solve,
  evaluate,
  expandProblem,
  generateCandidates,
  buildRosterModel,
  parseScenario,
  runHeuristic,
  evaluateShifts,
  jslpBackend,
  pinColumns,
  validateScenario,
  findSwapCycles,
  applySwapCycleOn,
  type Scenario,
  type Shift,
} from '@flexroster/core';

const ZONES = ['UTC', 'Europe/London', 'America/New_York', 'Asia/Kolkata'];
// Includes the London and New York spring-forward and fall-back weekends.
const START_DATES = ['2026-03-27', '2026-10-23', '2026-03-06', '2026-10-30', '2026-06-01'];
const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const hh = (h: number) => `${String(h).padStart(2, '0')}:00`;

const ruleArb = fc.oneof(
  fc.record({ kind: fc.constant('free-window' as const), weekday: fc.constantFrom(...WEEKDAYS), from: fc.integer({ min: 8, max: 20 }).map(hh), to: fc.constant('21:00'), hard: fc.boolean(), weight: fc.integer({ min: 1, max: 9 }) }),
  fc.record({ kind: fc.constant('earliest-start' as const), time: fc.integer({ min: 6, max: 12 }).map(hh), hard: fc.boolean(), weight: fc.integer({ min: 1, max: 9 }) }),
  fc.record({ kind: fc.constant('latest-end' as const), time: fc.integer({ min: 14, max: 23 }).map(hh), hard: fc.boolean(), weight: fc.integer({ min: 1, max: 9 }) }),
  fc.record({ kind: fc.constant('max-late-shifts' as const), startingAtOrAfter: fc.integer({ min: 10, max: 16 }).map(hh), maxPerWeek: fc.integer({ min: 0, max: 3 }), hard: fc.boolean(), weight: fc.integer({ min: 1, max: 9 }) }),
  fc.record({ kind: fc.constant('preferred-day-off' as const), weekday: fc.constantFrom(...WEEKDAYS), hard: fc.boolean(), weight: fc.integer({ min: 1, max: 9 }) }),
  fc.record({ kind: fc.constant('max-working-days' as const), maxPerWeek: fc.integer({ min: 1, max: 4 }), hard: fc.boolean(), weight: fc.integer({ min: 1, max: 9 }) }),
);

const scenarioArb: fc.Arbitrary<Scenario> = fc
  .record({
    zone: fc.constantFrom(...ZONES),
    startDate: fc.constantFrom(...START_DATES),
    days: fc.integer({ min: 2, max: 4 }),
    twoSkills: fc.boolean(),
    micro: fc.boolean(),
    agents: fc.array(
      fc.record({
        zone: fc.option(fc.constantFrom(...ZONES), { nil: undefined }),
        skills: fc.constantFrom(['voice'], ['chat'], ['voice', 'chat']),
        contract: fc.constantFrom('full', 'part', 'flex'),
        micro: fc.boolean(),
        leaveDay: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
        leaveFrom: fc.integer({ min: 6, max: 14 }),
        rules: fc.array(ruleArb, { maxLength: 2 }),
        flex: fc.option(fc.integer({ min: 7, max: 12 }), { nil: undefined }),
      }),
      { minLength: 1, maxLength: 4 },
    ),
    demand: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 12, maxLength: 12 }),
    chatDemand: fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 12, maxLength: 12 }),
  })
  .map((g) => {
    const dates = Array.from({ length: g.days }, (_, d) => {
      const x = new Date(`${g.startDate}T12:00:00Z`);
      x.setUTCDate(x.getUTCDate() + d);
      return x.toISOString().slice(0, 10);
    });
    const skills = g.twoSkills ? ['voice', 'chat'] : ['voice'];
    const s: Scenario = {
      schemaVersion: 1,
      horizon: { startDate: g.startDate, days: g.days, timeZone: g.zone, intervalMinutes: 60 },
      skills,
      shiftTemplates: [
        { id: 'early', earliestStart: '06:00', latestStart: '10:00', startStepMinutes: 120, lengthsMinutes: [480, 360] },
        { id: 'late', earliestStart: '13:00', latestStart: '15:00', startStepMinutes: 120, lengthsMinutes: [480] },
        ...(g.micro ? [{ id: 'micro', earliestStart: '17:00', latestStart: '19:00', startStepMinutes: 120, lengthsMinutes: [120], micro: true }] : []),
      ],
      contracts: [
        { id: 'full', hoursPerWeek: { min: 12, max: 40 }, maxDaysPerWeek: 5, minRestHours: 11, maxConsecutiveDays: 3 },
        { id: 'part', hoursPerWeek: { max: 20 }, maxDaysPerWeek: 3, minRestHours: 12, overtime: { maxHoursPerWeek: 6, costPerHour: 3 } },
        { id: 'flex', minRestHours: 8, minConsecutiveDaysOff: 2 },
      ],
      agents: g.agents.map((a, i) => ({
        id: `ag${i}`,
        ...(a.zone ? { timeZone: a.zone } : {}),
        skills: a.skills.filter((k) => skills.includes(k)).length ? a.skills.filter((k) => skills.includes(k)) : ['voice'],
        contract: a.contract,
        ...(a.micro && g.micro ? { microShifts: { maxPerWeek: 2, minGapHours: 1 } } : {}),
        ...(a.leaveDay !== undefined && a.leaveDay < g.days ? { leave: [{ start: `${dates[a.leaveDay]}T${hh(a.leaveFrom)}`, end: `${dates[a.leaveDay]}T${hh(a.leaveFrom + 3)}`, type: 'annual' }] } : {}),
        ...(a.flex !== undefined ? { flexibleStart: { usual: hh(a.flex), toleranceMinutes: 120 } } : {}),
        rules: a.rules,
      })),
      // Demand from 07:00 to 19:00 local, twelve hourly values a day, per skill.
      demand: dates.flatMap((date) => [
        { skill: 'voice', start: `${date}T07:00`, required: g.demand },
        ...(g.twoSkills ? [{ skill: 'chat', start: `${date}T07:00`, required: g.chatDemand }] : []),
      ]),
    };
    return s;
  });

t.test('generated scenarios are valid', async (t) => {
  fc.assert(
    fc.property(scenarioArb, (s) => {
      const r = validateScenario(s);
      return r.valid || (console.error(r.errors), false);
    }),
    { numRuns: 200, seed: 7 },
  );
  t.pass('200 scenarios validated');
});

t.test('solved rosters keep every hard rule and their cost is the evaluator’s', async (t) => {
  let optimal = 0;
  let checked = 0;
  let withBounds = 0;
  await fc.assert(
    fc.asyncProperty(scenarioArb, async (s) => {
      const r = await solve(s, { timeLimitSeconds: 1.5 });
      const ev = evaluate(s, r.roster);
      if (r.status !== 'infeasible') {
        if (ev.violations.length !== 0) throw new Error(`hard violations: ${JSON.stringify(ev.violations)}`);
        if (r.evaluation.violations.length !== 0) throw new Error('result lists violations');
      } else if (ev.violations.length === 0) throw new Error('infeasible status on a roster without violations');
      if (Math.abs(ev.costs.total - r.cost) > 1e-6) throw new Error(`reported ${r.cost}, evaluator ${ev.costs.total}`);
      if (r.status === 'optimal' && r.stats.backendObjective !== undefined) {
        optimal++;
        if (Math.abs(r.stats.backendObjective - ev.costs.total) > 1e-6) throw new Error(`LP objective ${r.stats.backendObjective} ≠ evaluator ${ev.costs.total}`);
      }
      if (r.lowerBound != null && r.lowerBound > r.cost + 1e-6) throw new Error(`bound ${r.lowerBound} above cost ${r.cost}`);
      // Every bound by source is below the cost, and the strongest of them is the result's bound.
      const bounds = Object.values(r.bounds ?? {});
      if (bounds.some((b) => b > r.cost + 1e-6)) throw new Error(`a bound above the cost: ${JSON.stringify(r.bounds)} > ${r.cost}`);
      if (bounds.length > 0 && Math.abs(Math.max(...bounds) - r.lowerBound!) > 1e-9) throw new Error(`lowerBound ${r.lowerBound} is not the strongest of ${JSON.stringify(r.bounds)}`);
      if (r.lowerBound != null && bounds.length === 0) throw new Error(`lowerBound ${r.lowerBound} without its source`);
      withBounds += bounds.length > 0 ? 1 : 0;
      checked++;
    }),
    { numRuns: 25, seed: 42 },
  );
  t.equal(checked, 25);
  t.ok(withBounds >= 5, `${withBounds} of 25 name the sources of their bound`);
  t.ok(optimal >= 5, `${optimal} of 25 solved to proven optimality, each with LP objective = evaluator cost`);
});

t.test('the heuristic’s incremental cost equals a fresh evaluation', async (t) => {
  fc.assert(
    fc.property(scenarioArb, fc.integer({ min: 1, max: 1000 }), (s, seed) => {
      const p = expandProblem(parseScenario(s));
      generateCandidates(p);
      const h = runHeuristic(p, { deadline: performance.now() + 300, seed });
      const ev = evaluateShifts(p, h.shifts);
      if (Math.abs(ev.costs.total - h.cost) > 1e-6) throw new Error(`heuristic ${h.cost}, evaluator ${ev.costs.total}`);
      if ((h.infeasibility === 0) !== (ev.violations.length === 0)) throw new Error('feasibility disagrees');
    }),
    { numRuns: 60, seed: 3 },
  );
  t.pass();
});

/**
 * Fixes a mutated heuristic roster into the model: the LP must accept exactly the rosters the checks
 * accept, at the evaluator's cost. Returns whether the LP accepted it.
 */
async function lpAgreesWithChecks(s: Scenario, seed: number, mutation: number): Promise<boolean> {
  const p = expandProblem(parseScenario(s));
  generateCandidates(p);
  const h = runHeuristic(p, { deadline: performance.now() + 200, seed });
  // Mutate the heuristic roster: drop a shift, add a random candidate, or both.
  const rnd = (n: number) => (seed * 7919 + n * 104729) % Math.max(1, n);
  const shifts: Shift[][] = h.shifts.map((l) => [...l]);
  const ai = rnd(p.agents.length);
  const a = p.agents[ai]!;
  if (mutation & 1 && shifts[ai]!.length > 0) shifts[ai]!.splice(rnd(shifts[ai]!.length), 1);
  if (mutation & 2 && a.candidates.length > 0) shifts[ai]!.push(a.candidates[rnd(a.candidates.length)]!);
  shifts[ai] = [...new Set(shifts[ai]!)].sort((x, y) => x.start - y.start);
  const ev = evaluateShifts(p, shifts);
  const built = buildRosterModel(p);
  const chosen = new Set(shifts.flat());
  const colValue = new Map<number, number>();
  p.agents.forEach((ag, k) => ag.candidates.forEach((c, i) => colValue.set(built.model.columns[k]![i]!, chosen.has(c) ? 1 : 0)));
  const fixed = pinColumns(built.lp, colValue).model;
  const sol = await jslpBackend().solve(fixed, { timeLimitSeconds: 10 });
  const lpFeasible = sol.status === 'optimal';
  if (sol.status !== 'optimal' && sol.status !== 'infeasible') throw new Error(`backend ${sol.status}: ${sol.message}`);
  const hasMicroDay = shifts.some((l) => l.some((x) => x.micro));
  if (lpFeasible) {
    if (ev.violations.length > 0) throw new Error(`LP accepts a roster the checks reject: ${JSON.stringify(ev.violations[0])}`);
    if (Math.abs(sol.objective! - ev.costs.total) > 1e-6) throw new Error(`LP ${sol.objective} vs evaluator ${ev.costs.total}`);
  } else if (ev.violations.length === 0 && !hasMicroDay) {
    // The LP is exact except that rest rows also forbid two late shifts on one micro-shift day.
    throw new Error('LP rejects a roster the checks accept');
  }
  return lpFeasible;
}

t.test('LP model and rule checks agree on rosters fixed into the model', async (t) => {
  let feasibleSeen = 0;
  let infeasibleSeen = 0;
  await fc.assert(
    fc.asyncProperty(scenarioArb, fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 0, max: 3 }), async (s, seed, mutation) => {
      if (await lpAgreesWithChecks(s, seed, mutation)) feasibleSeen++;
      else infeasibleSeen++;
    }),
    { numRuns: 40, seed: 11 },
  );
  t.ok(feasibleSeen > 5, `${feasibleSeen} feasible rosters compared on cost`);
  t.ok(infeasibleSeen > 3, `${infeasibleSeen} rosters rejected by both`);
});

/** Three days of history before the horizon: day shifts and late ones (ending 23:00, short of 11 h rest). */
const withHistoryArb = fc
  .tuple(scenarioArb, fc.array(fc.record({ agent: fc.nat(), back: fc.integer({ min: 1, max: 3 }), late: fc.boolean() }), { maxLength: 8 }))
  .map(([s, hist]) => {
    const before = (n: number) => {
      const x = new Date(`${s.horizon.startDate}T12:00:00Z`);
      x.setUTCDate(x.getUTCDate() - n);
      return x.toISOString().slice(0, 10);
    };
    const seen = new Set<string>();
    const assignments = hist.flatMap((h) => {
      const agentId = s.agents[h.agent % s.agents.length]!.id;
      const key = `${agentId}|${h.back}`;
      if (seen.has(key)) return [];
      seen.add(key);
      const d = before(h.back);
      return [{ agentId, start: `${d}T${h.late ? '15:00' : '09:00'}`, end: `${d}T${h.late ? '23:00' : '17:00'}` }];
    });
    const contracts = s.contracts.map((c) => (c.id === 'full' ? { ...c, maxWeekends: 1 } : c.id === 'part' ? { ...c, minConsecutiveDays: 2 } : c));
    return { ...s, contracts, history: { startDate: before(3), assignments } } as Scenario;
  });

t.test('with history before the horizon, the LP model and the rule checks still agree', async (t) => {
  let feasibleSeen = 0;
  let infeasibleSeen = 0;
  await fc.assert(
    fc.asyncProperty(withHistoryArb, fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 0, max: 3 }), async (s, seed, mutation) => {
      if (await lpAgreesWithChecks(s, seed, mutation)) feasibleSeen++;
      else infeasibleSeen++;
    }),
    { numRuns: 40, seed: 23 },
  );
  t.ok(feasibleSeen > 5, `${feasibleSeen} feasible rosters compared on cost`);
  t.ok(infeasibleSeen > 3, `${infeasibleSeen} rosters rejected by both`);
});

t.test('the reported overtime and its cost equal a recomputation from the roster’s weekly paid hours', async (t) => {
  let withOvertime = 0;
  fc.assert(
    fc.property(scenarioArb, fc.integer({ min: 1, max: 1000 }), fc.array(fc.nat(), { maxLength: 8 }), (s, seed, picks) => {
      const p = expandProblem(parseScenario(s));
      generateCandidates(p);
      const h = runHeuristic(p, { deadline: performance.now() + 100, seed });
      // Add random candidates so that some weeks go above the maximum, inside the band or beyond it.
      const shifts: Shift[][] = h.shifts.map((l) => [...l]);
      picks.forEach((k, j) => {
        const a = p.agents[(k + j) % p.agents.length]!;
        if (a.candidates.length > 0) shifts[a.index]!.push(a.candidates[k % a.candidates.length]!);
      });
      const byAgent = shifts.map((l) => [...new Set(l)].sort((x, y) => x.start - y.start));
      const ev = evaluateShifts(p, byAgent);
      let hours = 0;
      const perAgent: Record<string, number> = {};
      p.agents.forEach((a, ai) => {
        if (a.agent.contract !== 'part') return;
        for (const w of p.weeks) {
          const paid = byAgent[ai]!.filter((x) => x.week === w.index).reduce((m, x) => m + x.minutes, 0) / 60 + a.paidLeaveMinutesByWeek[w.index]! / 60;
          const over = paid - 20 * w.scale;
          if (over > 1e-9) {
            hours += over;
            perAgent[a.id] = (perAgent[a.id] ?? 0) + over;
          }
        }
      });
      if (hours > 0) withOvertime++;
      const close = (x: number, y: number) => Math.abs(x - y) < 1e-5;
      if (!close(ev.overtime!.hours, hours)) throw new Error(`overtime ${ev.overtime!.hours} h, recomputed ${hours} h`);
      if (!close(ev.costs.byRule['overtime']!, hours * 3) || !close(ev.overtime!.cost, hours * 3)) throw new Error(`overtime cost ${ev.costs.byRule['overtime']}, recomputed ${hours * 3}`);
      if (Object.keys(perAgent).length !== Object.keys(ev.overtime!.byAgent).length || Object.entries(perAgent).some(([id, x]) => !close(ev.overtime!.byAgent[id]!, x)))
        throw new Error(`per agent ${JSON.stringify(ev.overtime!.byAgent)}, recomputed ${JSON.stringify(perAgent)}`);
    }),
    { numRuns: 80, seed: 19 },
  );
  t.ok(withOvertime >= 10, `${withOvertime} of 80 rosters with overtime`);
});

/** The scenario with three agents for each of its agents and three times the demand: enough people to trade. */
const crowded = (s: Scenario): Scenario => ({
  ...s,
  agents: [0, 1, 2].flatMap((k) => s.agents.map((a) => ({ ...a, id: `${a.id}x${k}` }))),
  demand: s.demand!.map((d) => ({ ...d, required: (d as { required: number[] }).required.map((x) => x * 3) })),
});

t.test('every swap cycle offered, applied to the roster, leaves it without hard violations', async (t) => {
  let offered = 0;
  let longer = 0;
  const wishArb = fc.array(
    fc.record({ pick: fc.nat(), accept: fc.array(fc.oneof({ arbitrary: fc.constant('any' as const), weight: 3 }, fc.record({ day: fc.nat({ max: 3 }) }), fc.constantFrom('early', 'late', 'micro')), { minLength: 1, maxLength: 3 }) }),
    { minLength: 4, maxLength: 14 },
  );
  await fc.assert(
    fc.asyncProperty(scenarioArb.map(crowded), wishArb, async (s, picks) => {
      const solved = await solve(s, { timeLimitSeconds: 1 });
      if (evaluate(s, solved.roster).violations.length > 0 || solved.roster.assignments.length < 2) return;
      const as = solved.roster.assignments;
      const day = (d: number) => new Date(Date.parse(`${s.horizon.startDate}T12:00:00Z`) + d * 86_400_000).toISOString().slice(0, 10);
      const wishes = picks.map((w, i) => {
        const a = as[w.pick % as.length]!;
        const accept = w.accept.map((x) => (typeof x === 'string' && x !== 'any' ? { template: x } : typeof x === 'object' ? { date: day(x.day) } : x));
        return { id: `w${i}`, agentId: a.agentId, give: { start: a.start, end: a.end }, accept };
      });
      const p = expandProblem(parseScenario(s));
      for (const c of findSwapCycles(s, solved.roster, wishes).cycles) {
        offered++;
        if (c.wishIds.length > 2) longer++;
        const after = applySwapCycleOn(p, solved.roster, c.wishIds.map((id) => wishes.find((w) => w.id === id)!));
        const ev = evaluate(s, after);
        if (ev.violations.length !== 0) throw new Error(`cycle ${c.wishIds.join(' → ')} breaks ${JSON.stringify(ev.violations)}`);
        if (after.assignments.length !== as.length) throw new Error('a cycle changes the number of shifts');
      }
    }),
    { numRuns: 20, seed: 23 },
  );
  t.ok(offered >= 20 && longer >= 5, `${offered} cycles offered and checked (${longer} longer than 2)`);
});
