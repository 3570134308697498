import t from 'tap';
import { evaluate, rosterChanges, solve, validateScenario } from '@flexroster/core';
import { backendByName } from '@flexroster/cli';
import { generateScenario } from '@flexroster/bench-scenarios';
import { absenceEvent, demandEvent, markdown, runEvent, type ChangeCost } from '../src/index.js';

const changeCost: ChangeCost = { perShiftMoved: 50, perShiftAddedOrRemoved: 80, perAgentTouched: 100 };
const backend = backendByName('highs');

t.test('events on a tiny generated scenario, and a 2 s minimal-change re-plan of each', async (t) => {
  const scenario = generateScenario({ agents: 8, days: 7 }, 1);
  const original = structuredClone(scenario);
  const pub = await solve(scenario, { timeLimitSeconds: 2, backend, seed: 1 });
  t.equal(evaluate(scenario, pub.roster).violations.length, 0, 'the published roster keeps every hard rule');

  const absence = absenceEvent(scenario, pub.roster, { day: 3, from: '13:00', to: '18:00', count: 3, seed: 1 });
  t.same(scenario, original, 'the event leaves the input scenario as it was');
  t.equal(absence.agentIds.length, 3);
  for (const id of absence.agentIds) {
    const leave = absence.scenario.agents.find((a) => a.id === id)!.leave ?? [];
    t.ok(leave.some((l) => l.start === '2026-03-05T13:00' && l.end === '2026-03-05T18:00' && l.type === 'sick'), `${id} is absent that afternoon`);
  }
  t.equal(absence.scenario.agents.filter((a) => (a.leave ?? []).some((l) => l.type === 'sick')).length, 3, 'nobody else is');
  t.ok(validateScenario(absence.scenario).valid, 'the changed scenario is valid');
  t.ok(Date.parse(absence.frozenBefore) <= Date.parse('2026-03-05T13:00:00Z'), 'frozen no later than the absence starts');

  const replan = await solve(absence.scenario, { timeLimitSeconds: 2, backend, seed: 1, base: { roster: pub.roster, changeCost, frozenBefore: absence.frozenBefore } });
  t.equal(evaluate(absence.scenario, replan.roster).violations.length, 0, 'the re-plan keeps every hard rule, the absence included');
  const changes = rosterChanges(absence.scenario, pub.roster, replan.roster);
  const frozen = Date.parse(absence.frozenBefore);
  t.ok(changes.every((c) => [c.before, c.after].every((as) => as === null || Date.parse(as.start) >= frozen)), 'nothing that starts before frozenBefore changed');

  const run = await runEvent(absence, pub.roster, { backend, timeLimitSeconds: 2, changeCost, seed: 1 });
  t.same(run.results.map((m) => m.method), ['published', 'replan', 'scratch']);
  const [published, re] = run.results;
  t.equal(published!.changedShifts, 0, 'the published roster has no change against itself');
  t.equal(re!.changesBeforeFrozen, 0);
  t.equal(re!.hardViolations, 0);
  t.ok(re!.agentsTouched >= 1, 'someone absent was at work, so the re-plan touches at least one agent');

  const surge = demandEvent(scenario, 3, 1.3);
  const day = (s: typeof scenario) => (s.demand ?? []).filter((d) => d.start.startsWith('2026-03-05'));
  t.ok(day(surge.scenario).length > 0);
  day(surge.scenario).forEach((d, i) => {
    const before = day(scenario)[i]!.forecast!.contacts;
    t.same(d.forecast!.contacts, before.map((c) => Math.round(c * 1.3 * 10) / 10), `${d.skill} on that day ×1.3`);
  });
  t.same(surge.scenario.demand!.filter((d) => !d.start.startsWith('2026-03-05')), scenario.demand!.filter((d) => !d.start.startsWith('2026-03-05')), 'other days unchanged');

  const md = markdown({ date: 'today', machine: 'here', commit: 'abc', command: 'x', changeCost, runs: [{ size: 'M', agents: 8, days: 7, seed: 1, publish: { status: pub.status, seconds: 1, timeLimitSeconds: 2, cost: pub.cost, hardViolations: 0 }, replanLimitSeconds: 2, events: [run] }] });
  t.match(md, /\| M \| 1 \| absence \| replan \|/);
  t.match(md, /re-plan in [\d.]+ s, target ≤ 5 s: (met|missed by)/);
  t.match(md, /agents touched \([\d.]+ %\), target ≤ 5 %: (met|missed by)/);
});
