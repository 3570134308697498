import t from 'tap';
import { buildRosterModel, evaluate, expandProblem, generateCandidates, parseScenario, solve, DEFAULT_TUNING, type LpBackend, type LpSolution } from '@flexroster/core';
// Relative imports: the solve's internals are not part of the package's API; @flexroster/core does not depend
// on these packages (they depend on it).
import { chooseRoute, predictedRelaxationSeconds, routeFacts, type Route, type RouteFacts } from '../dist/solve/route.js';
import { SolveContext, incumbent } from '../dist/solve/context.js';
import { RosterSearch, runHeuristic } from '../dist/solve/heuristic.js';
import { restrictedMip } from '../dist/solve/phases/restricted-mip.js';
import { lnsUntil } from '../dist/solve/phases/windows.js';
import { priceAndFix } from '../dist/solve/phases/price-and-fix.js';
import { highsBackend } from '../../solver-highs/dist/index.js';
import { generateScenario } from '../../../benchmarks/scenarios/dist/generate.js';

/** Facts of an interval-demand model on HiGHS (whole model, presolve switch) with `columns` over `weeks`. */
function facts(columns: number, weeks: number, totalSeconds: number, more: Partial<RouteFacts> = {}, slowness = 1): RouteFacts {
  return {
    columns,
    rows: columns / 4,
    weeks,
    intervalDemand: true,
    backendTakesWhole: true,
    sizeLimited: false,
    presolveSwitch: true,
    relaxationSeconds: predictedRelaxationSeconds(columns, weeks) * slowness,
    totalSeconds,
    agents: Math.round(columns / 350),
    classes: Math.max(1, Math.round(columns / 3500)),
    ...more,
  };
}

const S = facts(8_948, 1, 10);
const M = facts(36_942, 1, 10);
const L = facts(157_000, 2, 60);
const XL = facts(1_440_512, 4, 300);
const shiftLevel = { intervalDemand: false, presolveSwitch: true };

/** Today's decisions, spelled out: what every field is unless a row says otherwise. */
const agentsRoute: Route = {
  bound: 'agents',
  classChainBeside: false,
  raceRelaxation: false,
  stopHeuristicAtBound: false,
  repairBeforeRelaxation: true,
  repairAfterPlan: false,
  waitForRelaxation: true,
  improveWhileRelaxing: false,
  lateClassBound: true,
  lpFirst: true,
  restrictedAfterRounding: false,
  restrictedNeighbours: false,
  windows: 'normal',
  symmetrySearch: true,
};
/** The class route: the class LP's bound and plan, the heuristic cut short by it, repairs after the plan. */
const classRoute: Partial<Route> = { bound: 'classes', stopHeuristicAtBound: true, repairBeforeRelaxation: false, repairAfterPlan: true, waitForRelaxation: false, lateClassBound: false };
/** A lone interval-demand LP: the class chain beside it, no race, repairs after the chain. */
const chain: Partial<Route> = { classChainBeside: true, repairAfterPlan: true, lateClassBound: false };
/** Shift-type models: rounding first, no waiting, no race. */
const shiftRoute: Partial<Route> = { waitForRelaxation: false, lateClassBound: false, lpFirst: false };

const table: [string, RouteFacts, { relaxation?: 'auto' | 'agents' | 'classes' }, Partial<Route>][] = [
  ['S-like: lone LP, class chain beside it, neighbours in the restricted MIP', S, {}, { ...chain, restrictedNeighbours: true }],
  ['M-like: lone LP, class chain beside it', M, {}, chain],
  ['M-like on a machine 2× slower at 10 s: still the lone LP (forecast 6 s ≤ 10 s), improved beside it (6 s > 45 % of 10 s)', facts(36_942, 1, 10, {}, 2), {}, { ...chain, improveWhileRelaxing: true }],
  ['M-like on a machine 4× slower at 10 s: the forecast 12 s exceeds the time, class route', facts(36_942, 1, 10, {}, 4), {}, classRoute],
  ['M-like at 5 s: the forecast 3 s is more than 45 % of the time, so the roster is improved beside the LP', facts(36_942, 1, 5), {}, { ...chain, improveWhileRelaxing: true }],
  ['M-like on a machine 2× slower at 5 s: the forecast 6 s exceeds the time, class route', facts(36_942, 1, 5, {}, 2), {}, classRoute],
  ['a hopeless lone LP whose classes barely aggregate (12 classes of 16 agents): the per-agent route with the chain, improved beside it', facts(53_640, 4, 7, { agents: 16, classes: 12 }, 2), {}, { ...chain, improveWhileRelaxing: true }],
  ['L-like: weekly LPs, waited for, class bound if late', L, {}, { bound: 'agents-split' }],
  ['L-like on a machine 2× slower: the weekly LPs would take more than 40 % of the time, class route', facts(157_000, 2, 60, {}, 2), {}, classRoute],
  ['XL-like: class route, huge windows, no symmetry search', XL, {}, { ...classRoute, windows: 'huge', symmetrySearch: false }],
  ['shift-level, 1,494 columns over 2 weeks: lone LP, rounding then restricted MIP', facts(1_494, 2, 60, shiftLevel), {}, { ...shiftRoute, restrictedAfterRounding: true, restrictedNeighbours: true }],
  ['shift-level, a year of 100,000 columns: weekly LPs, no restricted MIP after rounding', facts(100_000, 52, 60, shiftLevel), {}, { ...shiftRoute, bound: 'agents-split' }],
  ['shift-level, 1.44 M columns: huge windows, but the symmetry search stays', facts(1_440_512, 52, 300, shiftLevel), {}, { ...shiftRoute, bound: 'agents-split', windows: 'huge' }],
  ['size-limited backend (S-like): no relaxation, small windows', facts(8_948, 1, 10, { backendTakesWhole: false, sizeLimited: true, presolveSwitch: false }), {}, { bound: 'none', restrictedNeighbours: true, windows: 'small' }],
  ['size-limited backend, relaxation hopeless: no repair before it, no plan to wait for', facts(36_942, 1, 1, { backendTakesWhole: false, sizeLimited: true, presolveSwitch: false }), {}, { bound: 'none', repairBeforeRelaxation: false, waitForRelaxation: false, lateClassBound: false, windows: 'small' }],
  ['size-limited backend that takes this model whole: its windows stay small', facts(8_948, 1, 10, { sizeLimited: true, presolveSwitch: false }), {}, { ...chain, restrictedNeighbours: true, windows: 'small' }],
  ["relaxation 'agents' on M-like: no chain, the LP raced with and without presolve", M, { relaxation: 'agents' }, { raceRelaxation: true }],
  ["relaxation 'agents' on a backend without a presolve switch: no race", facts(36_942, 1, 10, { presolveSwitch: false }), { relaxation: 'agents' }, {}],
  ["relaxation 'agents' on XL-like: weekly LPs, however long the forecast, the roster improved beside them", XL, { relaxation: 'agents' }, { bound: 'agents-split', improveWhileRelaxing: true, windows: 'huge', symmetrySearch: false }],
  ["relaxation 'classes' on S-like", S, { relaxation: 'classes' }, { ...classRoute, restrictedNeighbours: true }],
  ["relaxation 'classes' on a shift-level model", facts(1_494, 2, 60, shiftLevel), { relaxation: 'classes' }, { ...classRoute, lpFirst: false, restrictedAfterRounding: true, restrictedNeighbours: true }],
];

t.test('chooseRoute: one row per shape, today’s decisions', async (t) => {
  for (const [name, f, options, expected] of table) t.same(chooseRoute(f, DEFAULT_TUNING, options), { ...agentsRoute, ...expected }, name);
  // Tuning moves the thresholds: with a 100,000-column split threshold L-like is one LP with the chain beside it.
  t.same(chooseRoute(L, { ...DEFAULT_TUNING, splitRelaxationColumns: 200_000 }), { ...agentsRoute, ...chain, bound: 'agents' }, 'splitRelaxationColumns moves L to one LP');
  // The forecast: the reference LP takes the reference seconds; weekly LPs run two at a time.
  t.equal(predictedRelaxationSeconds(37_000, 1), 3);
  t.equal(predictedRelaxationSeconds(148_000, 4), 2 * predictedRelaxationSeconds(37_000, 1), 'four weekly LPs of 37,000 columns: two rounds');
});

/** A generated week of `agents` agents: its problem and per-agent model. */
function model(agents: number, seed: number) {
  const p = expandProblem(parseScenario(generateScenario({ agents, days: 7 }, seed)));
  generateCandidates(p);
  return { p, built: buildRosterModel(p) };
}

t.test('routeFacts: measured on the model and the backend', async (t) => {
  const { p, built } = model(6, 1);
  const size = built.lp.variables.length * built.lp.rows.length;
  const big = routeFacts(p, built, { name: 'x', solve: async () => ({ status: 'error', seconds: 0 }), presolveSwitch: true }, 10, DEFAULT_TUNING, 2);
  t.match(big, { columns: built.lp.variables.length, rows: built.lp.rows.length, weeks: 1, intervalDemand: true, backendTakesWhole: true, sizeLimited: false, presolveSwitch: true, totalSeconds: 10 });
  t.equal(big.relaxationSeconds, 2 * predictedRelaxationSeconds(built.lp.variables.length, 1), 'the slowness scales an interval-demand forecast');
  t.equal(big.agents, 6);
  t.ok(big.classes >= 1 && big.classes <= 6, `${big.classes} classes of 6 agents`);
  const small = routeFacts(p, built, { name: 'y', solve: async () => ({ status: 'error', seconds: 0 }), maxModelSize: size - 1 }, 10, DEFAULT_TUNING);
  t.match(small, { backendTakesWhole: false, sizeLimited: true, presolveSwitch: false });
});

/** A context over a small generated week with the heuristic's roster as incumbent. */
function context(backend: LpBackend, seconds: number, agents = 6, seed = 3) {
  const { p, built } = model(agents, seed);
  const route = chooseRoute(routeFacts(p, built, backend, seconds, DEFAULT_TUNING));
  const signal = new AbortController().signal;
  const ctx = new SolveContext(p, built, backend, route, { deadline: performance.now() + seconds * 1000, seed: 1 }, signal);
  ctx.main = incumbent(new RosterSearch(p, runHeuristic(p, { deadline: performance.now() + 500, seed: 1 }).shifts));
  ctx.indexModel();
  return ctx;
}

t.test('the bound only rises', async (t) => {
  const ctx = context(highsBackend(), 5, 2);
  t.equal(ctx.bound, undefined);
  const taken = [5, 3, 7, Number.NaN, 6.5, 7].map((b) => ctx.raiseBound(b));
  t.same(taken, [true, false, true, false, false, false]);
  t.equal(ctx.bound, 7, 'a weaker bound, or none, never replaces a stronger one');
});

t.test('restricted MIP over a hand-built relaxation: the optimum’s own shifts give the optimum', async (t) => {
  const highs = highsBackend();
  const ctx = context(highs, 30, 4);
  const optimum = await highs.solve(ctx.lp, { timeLimitSeconds: 30, mipRelativeGap: 0 });
  t.equal(optimum.status, 'optimal');
  const start = ctx.main.cost;
  // Only the shifts the optimum uses, and the roster's, are open.
  await restrictedMip(ctx, { values: optimum.values!, neighbours: false, timeLimit: 20 });
  t.equal(ctx.main.inf, 0);
  t.ok(Math.abs(ctx.main.cost - optimum.objective!) <= 1e-6 * Math.max(1, optimum.objective!), `restricted MIP ${ctx.main.cost} = optimum ${optimum.objective} (heuristic ${start})`);
  t.match(ctx.notes.at(-1), /^restricted MIP over \d+ of \d+ shifts: optimal$/);
  t.equal(ctx.windows, 1);
  // Without values (no relaxation) it does nothing.
  const before = ctx.notes.length;
  ctx.relaxation = undefined;
  await restrictedMip(ctx);
  t.equal(ctx.notes.length, before, 'no relaxation, no restricted MIP');
});

t.test('windows never make the incumbent worse: a backend answering with a worse roster is refused', async (t) => {
  const highs = highsBackend();
  // Every window's answer: the same roster with every free shift dropped (as "optimal"), costlier in coverage.
  let calls = 0;
  const worse: LpBackend = {
    name: 'worse',
    solve: async (model, options): Promise<LpSolution> => {
      calls++;
      const r = await highs.solve(model, options);
      return r.values ? { ...r, status: 'optimal', values: r.values.map(() => 0) } : r;
    },
  };
  const ctx = context(worse, 20);
  const before = { cost: ctx.main.cost, inf: ctx.main.inf, shifts: ctx.main.search.shifts() };
  await lnsUntil(ctx, () => ctx.windows >= 3);
  t.equal(calls, 3, 'three windows solved');
  t.equal(ctx.improving, 0);
  t.same({ cost: ctx.main.cost, inf: ctx.main.inf }, { cost: before.cost, inf: before.inf }, 'the standing is unchanged');
  t.same(ctx.main.search.shifts(), before.shifts, 'so is the roster');
  // With the real backend, windows improve or keep the roster, and the roster's standing never goes back.
  const real = context(highs, 20);
  const start = { cost: real.main.cost, inf: real.main.inf };
  await lnsUntil(real, () => real.windows >= 3);
  t.ok(real.main.inf < start.inf || (real.main.inf === start.inf && real.main.cost <= start.cost + 1e-9), `${start.cost}/${start.inf} → ${real.main.cost}/${real.main.inf}`);
});

t.test('reduced-cost fixing alone: from the relaxation and a roster that keeps every rule, the optimum and its proof', async (t) => {
  const highs = highsBackend();
  // LP bound 577.5, optimum 582.5 (see scale.test.ts): the relaxation alone cannot prove it.
  const ctx = context(highs, 60, 20, 7);
  t.notOk(await priceAndFix(ctx), 'without a relaxation nothing is proved');
  const relaxation = await highs.solve(ctx.lp, { timeLimitSeconds: 30, relaxIntegrality: true });
  ctx.relaxation = relaxation;
  ctx.raiseBound(relaxation.objective!);
  // The roster it starts from: the restricted MIP's over the relaxation's shifts, as in a solve.
  await restrictedMip(ctx);
  t.equal(ctx.main.inf, 0, 'the roster keeps every rule');
  t.ok(ctx.main.cost > relaxation.objective! + 1e-6, `roster ${ctx.main.cost} above the LP bound ${relaxation.objective}`);
  t.ok(await priceAndFix(ctx), 'proved');
  t.match(ctx.proof, /^reduced-cost fixing left \d+ of \d+ shifts able to beat [\d.]+, and highs solved the MIP over them$/);
  t.ok(ctx.bound! > relaxation.objective! && ctx.main.cost - ctx.bound! <= 1e-4 * ctx.main.cost + 1e-6, `bound raised to ${ctx.bound}, within the gap of the roster's ${ctx.main.cost}`);
});

t.test('direct route: the relaxation beside the whole MIP is rounded and its restricted MIP solved while the MIP runs; the cheaper roster is kept', async (t) => {
  const highs = highsBackend();
  // A MIP that finds nothing within its limit (as on a busy machine): only the heuristic and the rounding remain.
  const noMip: LpBackend = {
    name: 'no-mip',
    solve: async (model, options): Promise<LpSolution> => (options.relaxIntegrality ? highs.solve(model, options) : { status: 'no-solution', seconds: 0, message: 'found nothing' }),
  };
  const scenario = generateScenario({ agents: 12, days: 7 }, 3);
  const r = await solve(scenario, { timeLimitSeconds: 20, backend: noMip, strategy: 'direct', heuristicShare: 0.02 });
  const story = r.stats.backendMessage ?? '';
  t.match(story, /beside the MIP: LP relaxation beside the MIP, rounded: [^;]+; restricted MIP over \d+ of \d+ shifts: \w+/);
  const rounded = /beside the MIP: .*its roster ([\d.]+)( \(kept\))?/.exec(story);
  t.ok(rounded, story);
  const ev = evaluate(scenario, r.roster);
  t.equal(ev.violations.length, 0, 'every hard rule holds');
  t.ok(Math.abs(ev.costs.total - r.cost) <= 1e-6, 'cost = evaluator cost');
  // The heuristic's cost is absent when its short run left a hard rule broken: the rounded roster is then kept.
  const heuristic = r.stats.heuristicCost ?? Infinity;
  t.ok(r.cost <= Number(rounded![1]) + 1e-6 && r.cost <= heuristic + 1e-6, `kept the cheaper: ${r.cost} against rounded ${rounded![1]} and heuristic ${heuristic}`);
  t.equal(rounded![2] !== undefined, Number(rounded![1]) < heuristic - 1e-9, 'kept exactly when cheaper than the heuristic');
});

t.test('direct route: a backend that does not honour its limit is stopped at the deadline, and the answer says so', async (t) => {
  // Answers only when aborted: a MIP that checks its clock too seldom on a busy machine.
  const deaf: LpBackend = {
    name: 'deaf',
    solve: (_model, options) =>
      new Promise<LpSolution>((resolve) => {
        const give = () => resolve({ status: 'no-solution', seconds: 0, message: 'aborted' });
        if (options.signal?.aborted) give();
        options.signal?.addEventListener('abort', give, { once: true });
      }),
  };
  const scenario = generateScenario({ agents: 10, days: 7 }, 1);
  const t0 = performance.now();
  const r = await solve(scenario, { timeLimitSeconds: 2, backend: deaf, strategy: 'direct' });
  const seconds = (performance.now() - t0) / 1000;
  t.ok(seconds <= 2.2, `ended in ${seconds.toFixed(2)} s of its 2 s`);
  t.match(r.reason, /deaf: no-solution \(stopped at the time limit \(deaf had not returned by then\)\)/);
  t.equal(evaluate(scenario, r.roster).violations.length, 0, "the heuristic's roster, every hard rule kept");
});
