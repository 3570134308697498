import t from 'tap';
import { evaluate, jslpBackend, solve, type SolveProgress } from '@flexroster/core';
// Relative imports: @flexroster/core does not depend on these packages (they depend on it).
import { highsBackend } from '../../solver-highs/dist/index.js';
import { generateScenario } from '../../../benchmarks/scenarios/dist/generate.js';

const medium = generateScenario({ agents: 50, days: 7 }, 3);

t.test('decomposition on a generated medium scenario: valid roster, honest bound, improving progress, on time', async (t) => {
  const progress: SolveProgress[] = [];
  const limit = 20;
  const r = await solve(medium, { timeLimitSeconds: limit, backend: highsBackend(), strategy: 'decompose', onProgress: (p) => progress.push(p) });
  const ev = evaluate(medium, r.roster);
  t.equal(ev.violations.length, 0, 'the evaluator finds no hard violation');
  t.not(r.status, 'infeasible');
  t.ok(Math.abs(ev.costs.total - r.cost) <= 1e-6, `cost ${r.cost} = evaluator ${ev.costs.total}`);
  t.ok(r.lowerBound !== undefined && r.lowerBound > 0 && r.lowerBound <= r.cost + 1e-6, `bound ${r.lowerBound} ≤ cost ${r.cost}`);
  t.ok(r.gap !== undefined && r.gap >= 0 && r.gap < 0.5, `gap ${r.gap}`);
  t.match(r.stats.backendMessage ?? '', /decomposition/, 'the decomposition path ran');
  t.ok(r.stats.totalSeconds <= limit + 0.5, `took ${r.stats.totalSeconds} s of ${limit}`);
  const costs = progress.filter((p) => p.bestCost !== undefined && p.phase !== 'done').map((p) => p.bestCost!);
  t.ok(costs.length >= 2, `${costs.length} progress reports with a cost`);
  t.ok(costs.every((c, i) => i === 0 || c <= costs[i - 1]! + 1e-9), 'reported costs never get worse');
  t.ok(costs[costs.length - 1]! < costs[0]!, `costs improve: ${costs[0]} → ${costs[costs.length - 1]}`);
  t.ok(progress.some((p) => p.lowerBound !== undefined && p.gap !== undefined), 'progress carries bound and gap');
  t.equal(progress[progress.length - 1]!.phase, 'done');
  t.ok(r.stats.heuristicCost === undefined || r.cost <= r.stats.heuristicCost + 1e-9, `no worse than the heuristic (${r.stats.heuristicCost})`);
});

t.test('cancellation via AbortSignal returns the best roster so far', async (t) => {
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 4000);
  const started = performance.now();
  const r = await solve(medium, { timeLimitSeconds: 60, backend: highsBackend(), strategy: 'decompose', signal: controller.signal });
  const seconds = (performance.now() - started) / 1000;
  t.ok(seconds < 8, `returned ${seconds.toFixed(1)} s after start (aborted at 4 s)`);
  const ev = evaluate(medium, r.roster);
  t.ok(r.roster.assignments.length > 0, 'a roster came back');
  t.ok(Math.abs(ev.costs.total - r.cost) <= 1e-6, 'cost = evaluator cost');
  t.equal(ev.violations.length, r.evaluation.violations.length, 'violations agree with the evaluator');
});

t.test('javascript-lp-solver: fix-and-optimise windows on a small generated scenario', async (t) => {
  const small = generateScenario({ agents: 8, days: 7 }, 5);
  const r = await solve(small, { timeLimitSeconds: 8, backend: jslpBackend() });
  const ev = evaluate(small, r.roster);
  t.equal(ev.violations.length, 0);
  t.ok(Math.abs(ev.costs.total - r.cost) <= 1e-6, 'cost = evaluator cost');
  t.ok(r.stats.totalSeconds <= 8.5, `took ${r.stats.totalSeconds} s`);
  t.match(r.reason, /windows/);
});
