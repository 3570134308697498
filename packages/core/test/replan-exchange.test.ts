/**
 * A re-plan fills a hole by moving the shift of an agent who works that day rather than by adding a shift for
 * someone new, where that costs less: the local search's exchange of one agent's change for another's
 * (solve/exchange-changes.ts), and the solve as a whole. Judged by the evaluator and rosterChanges.
 */
import t from 'tap';
import { evaluate, expandProblem, generateCandidates, parseScenario, rosterChanges, shiftsToRoster, solve, type Roster, type Scenario } from '@flexroster/core';
import { locateBase, withBase } from '../dist/solve/base.js';
import { RosterSearch } from '../dist/solve/heuristic.js';
import { exchangeChanges } from '../dist/solve/exchange-changes.js';

const changeCost = { perShiftMoved: 50, perShiftAddedOrRemoved: 80, perAgentTouched: 100 };
const date = '2026-03-23';
const shift = (agentId: string, from: string, to: string) => ({ agentId, start: `${date}T${from}`, end: `${date}T${to}`, skill: 'voice' });

/** A week with demand on its first day only (one agent 12:00–20:00); four agents; a2 (late) falls ill 13:00–18:00. */
function scenario(): Scenario {
  return {
    schemaVersion: 1,
    name: 'exchange',
    horizon: { startDate: date, days: 7, timeZone: 'Europe/London', intervalMinutes: 60 },
    skills: ['voice'],
    shiftTemplates: [{ id: 'day', earliestStart: '07:00', latestStart: '14:00', startStepMinutes: 60, lengthsMinutes: [480] }],
    contracts: [{ id: 'ft', hoursPerWeek: { min: 0, max: 40 }, maxDaysPerWeek: 5, minRestHours: 11 }],
    agents: ['a1', 'a2', 'a3', 'a4'].map((id) => ({ id, skills: ['voice'], contract: 'ft', ...(id === 'a2' ? { leave: [{ start: `${date}T13:00`, end: `${date}T18:00`, type: 'sick' }] } : {}) })),
    demand: [{ skill: 'voice', start: `${date}T00:00`, required: Array.from({ length: 24 }, (_, h) => (h >= 12 && h < 20 ? 1 : 0)) }],
    weights: { understaffedPerAgentHour: 100, overstaffedPerAgentHour: 10 },
  };
}

/** Published before the absence: a1 early (more than the demand needs), a2 late. */
const published: Roster = { assignments: [shift('a1', '07:00', '15:00'), shift('a2', '12:00', '20:00')] };
const base = { roster: published, changeCost };
/** The hole filled the other way: a shift added for a3, who does not work that day. */
const withNewAgent: Roster = { assignments: [shift('a1', '07:00', '15:00'), shift('a3', '12:00', '20:00')] };
const touched = (s: Scenario, r: Roster) => [...new Set(rosterChanges(s, published, r).map((c) => c.agentId))].sort();
const priced = (s: Scenario, r: Roster) => evaluate(s, r, { base }).costs.total;

t.test('the exchange undoes a new agent’s shift and moves a working agent’s instead, when that costs less', async (t) => {
  const s = scenario();
  const expanded = expandProblem(parseScenario(s));
  const st = locateBase(expanded, base);
  generateCandidates(expanded);
  const p = withBase(expanded, st);
  const start = p.agents.map((a) => {
    const mine = withNewAgent.assignments.filter((x) => x.agentId === a.id).map((x) => Date.parse(`${x.start}Z`));
    return a.candidates.filter((c) => mine.includes(c.start) && c.end - c.start === 8 * 3_600_000);
  });
  t.same(start.map((x) => x.length), [1, 0, 1, 0], 'the start is the roster with a3 added');
  const search = new RosterSearch(p, start);
  // One agent's move alone cannot leave this roster: a1 moving late doubles a3; a3 leaving reopens the hole.
  for (const ai of [0, 2, 3]) t.notOk(search.improve(ai, [0], search.dayOptions(ai, 0, 100)), `no one-agent move improves it (agent ${ai + 1})`);
  t.ok(exchangeChanges(search, (xs) => xs, () => false), 'the exchange improves it');
  const after = shiftsToRoster(p, search.shifts());
  t.same(evaluate(s, after).violations, [], 'every hard rule holds');
  t.same(touched(s, after), ['a1', 'a2'], 'only the absent agent and the one who already works that day change');
  t.ok(priced(s, after) < priced(s, withNewAgent), `cheaper with its change price (${priced(s, after)} vs ${priced(s, withNewAgent)})`);
  t.equal(search.totalCost(), priced(s, after), 'the search prices it as the evaluator does');
});

t.test('a re-plan after the absence touches no agent who was off that day when moving a working one costs less', async (t) => {
  const s = scenario();
  const r = await solve(s, { timeLimitSeconds: 3, seed: 1, base });
  t.same(r.evaluation.violations, [], 'every hard rule holds, the absence included');
  const working = new Set(published.assignments.map((x) => x.agentId));
  t.ok(touched(s, r.roster).every((id) => working.has(id)), `touched: ${touched(s, r.roster).join(', ')}`);
  t.ok(touched(s, r.roster).includes('a2'), 'the absent agent’s shift is gone');
  t.ok(r.cost <= priced(s, withNewAgent), `no dearer than adding a3 (${r.cost} vs ${priced(s, withNewAgent)})`);
  t.equal(r.cost, priced(s, r.roster), 'the evaluator prices the result as the solve did');
});
