import t, { type Test } from 'tap';
import { LpModelBuilder, objectiveValue, violatedRows, type LpModel, type LpProgress } from '@flexroster/core';
import { highsBackend } from '@flexroster/solver-highs';
// Internal entry point, only to let HiGHS overrun its limit so that the watchdog has to act.
import { solveWithHighs } from '../dist/backend.js';
import { provenBound } from '../dist/protocol.js';

const highs = highsBackend();
const TOL = 1e-6;

/** min -3x - 2y  s.t.  x + y <= 4,  x + 3y <= 6,  0 <= x <= 3,  y >= 0.  Optimum x = 3, y = 1, objective -11. */
function smallLp(offset = 0): LpModel {
  const b = new LpModelBuilder();
  const x = b.addVariable({ name: 'x', upper: 3, cost: -3 });
  const y = b.addVariable({ name: 'y', cost: -2 });
  b.addRow('a', [x, y], [1, 1], -Infinity, 4);
  b.addRow('b', [x, y], [1, 3], -Infinity, 6);
  b.addObjectiveOffset(offset);
  return b.build();
}

/**
 * 0/1 knapsack, values 15, 10, 9, 5, weights 1, 5, 3, 4, capacity 8 (as a minimisation of -value).
 * Integer optimum: items 0, 2, 3 (value 29). LP relaxation: items 0, 2 and 4/5 of item 1 (value 32).
 */
function knapsack(offset = 0): LpModel {
  const b = new LpModelBuilder();
  const values = [15, 10, 9, 5];
  const weights = [1, 5, 3, 4];
  const items = values.map((v, i) => b.addBinary(`item${i}`, -v));
  b.addRow('capacity', items, weights, -Infinity, 8);
  b.addObjectiveOffset(offset);
  return b.build();
}

/**
 * Market split (Cornuéjols & Dawande): 4 equality knapsack rows over 30 binaries with random weights 0..99 and
 * right-hand side half the row sum, plus a continuous slack pair per row; minimise total slack. HiGHS finds
 * incumbents within a fraction of a second but cannot close the gap: measured on this machine, still at
 * "Time limit reached" with bound 0 and incumbent 3 after 10 s.
 */
function marketSplit(rows = 4, binaries = 30, offset = 0, seed = 12345): LpModel {
  let state = seed >>> 0;
  const random = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const b = new LpModelBuilder();
  const x = Array.from({ length: binaries }, (_, j) => b.addBinary(`x${j}`));
  for (let i = 0; i < rows; i++) {
    const weights = x.map(() => Math.floor(random() * 100));
    const sum = weights.reduce((s, w) => s + w, 0);
    const over = b.addVariable({ name: `over${i}`, cost: 1 });
    const under = b.addVariable({ name: `under${i}`, cost: 1 });
    const target = Math.floor(sum / 2);
    b.addRow(`split${i}`, [...x, over, under], [...weights, -1, 1], target, target);
  }
  b.addObjectiveOffset(offset);
  return b.build();
}

function near(t: Test, actual: number | undefined, expected: number, what: string): void {
  t.ok(actual !== undefined && Math.abs(actual - expected) <= TOL, `${what}: ${actual} ≈ ${expected}`);
}

t.test('the backend is called highs', async (t) => {
  t.equal(highs.name, 'highs');
});

t.test('small LP reaches its known optimum', async (t) => {
  const model = smallLp();
  const r = await highs.solve(model, { timeLimitSeconds: 10 });
  t.equal(r.status, 'optimal', String(r.message));
  near(t, r.objective, -11, 'objective');
  near(t, r.bound, -11, 'bound of an optimal LP is its objective');
  t.ok(r.values instanceof Float64Array);
  t.equal(r.values?.length, 2);
  near(t, r.values?.[0], 3, 'x');
  near(t, r.values?.[1], 1, 'y');
  t.same(violatedRows(model, r.values!), []);
  t.ok(r.seconds > 0 && r.seconds < 10, `seconds ${r.seconds}`);
});

t.test('knapsack MIP reaches the integer optimum, not the fractional LP one', async (t) => {
  const model = knapsack();
  const r = await highs.solve(model, { timeLimitSeconds: 10 });
  t.equal(r.status, 'optimal', String(r.message));
  near(t, r.objective, -29, 'objective');
  t.same(Array.from(r.values!, Math.round), [1, 0, 1, 1]);
  t.same(violatedRows(model, r.values!), [], 'integral and within capacity');
  t.ok(r.bound !== undefined && r.bound <= r.objective! + TOL && r.bound >= -29 * (1 + 1e-4) - TOL, `bound ${r.bound} within the gap`);

  // No time limit at all: HiGHS refuses a non-finite time_limit, so the backend must leave it unset.
  const unlimited = await highs.solve(model, { timeLimitSeconds: Infinity });
  t.equal(unlimited.status, 'optimal', String(unlimited.message));
  near(t, unlimited.objective, -29, 'objective without a time limit');
});

t.test('relaxIntegrality solves the LP relaxation', async (t) => {
  const r = await highs.solve(knapsack(), { timeLimitSeconds: 10, relaxIntegrality: true });
  t.equal(r.status, 'optimal', String(r.message));
  near(t, r.objective, -32, 'objective of the relaxation');
  near(t, r.bound, -32, 'bound');
  near(t, r.values?.[1], 0.8, 'item 1 is taken fractionally');
});

t.test('objectiveOffset is included in objective and bound', async (t) => {
  const lp = await highs.solve(smallLp(100), { timeLimitSeconds: 10 });
  t.equal(lp.status, 'optimal');
  near(t, lp.objective, 89, 'LP objective');
  near(t, lp.bound, 89, 'LP bound');
  const mip = await highs.solve(knapsack(50), { timeLimitSeconds: 10 });
  t.equal(mip.status, 'optimal');
  near(t, mip.objective, 21, 'MIP objective');
  near(t, objectiveValue(knapsack(50), mip.values!), 21, 'objective agrees with the values');
  t.ok(mip.bound !== undefined && mip.bound <= 21 + TOL && mip.bound > 20.99, `MIP bound ${mip.bound}`);
});

t.test('mipRelativeGap reaches HiGHS, relative to the objective including its offset', async (t) => {
  // The hard MIP's bound stays at its offset (100) while incumbents come down from far above; a 50 % gap lets
  // HiGHS call an incumbent of at most 200 optimal within a second or two, where the default gap never stops.
  const model = marketSplit(4, 30, 100);
  const r = await highs.solve(model, { timeLimitSeconds: 30, mipRelativeGap: 0.5 });
  t.equal(r.status, 'optimal', String(r.message));
  t.ok(r.seconds < 15, `seconds ${r.seconds}`);
  t.ok(r.objective! <= 200 + TOL && r.bound! <= r.objective!, `objective ${r.objective}, bound ${r.bound}`);
  t.ok((r.objective! - r.bound!) / Math.abs(r.objective!) <= 0.5 + TOL, 'gap within 50 %');
  t.same(violatedRows(model, r.values!), []);
});

t.test('infeasible LP and MIP', async (t) => {
  for (const integer of [false, true]) {
    const b = new LpModelBuilder();
    const x = b.addVariable({ name: 'x', upper: 1, integer });
    const y = b.addVariable({ name: 'y', upper: 1, integer });
    b.addRow('atLeast5', [x, y], [1, 1], 5, Infinity);
    const r = await highs.solve(b.build(), { timeLimitSeconds: 10 });
    t.equal(r.status, 'infeasible', `${integer ? 'MIP' : 'LP'}: ${r.message}`);
    t.equal(r.values, undefined);
    t.equal(r.objective, undefined);
  }
});

t.test('unbounded LP and MIP', async (t) => {
  // min -x  s.t.  x - y <= 1, x, y >= 0 without upper bounds. For the MIP, HiGHS's presolve only says
  // "infeasible or unbounded"; the backend must solve again without presolve to tell which.
  for (const integer of [false, true]) {
    const b = new LpModelBuilder();
    const x = b.addVariable({ name: 'x', cost: -1, integer });
    const y = b.addVariable({ name: 'y', integer });
    b.addRow('r', [x, y], [1, -1], -Infinity, 1);
    const r = await highs.solve(b.build(), { timeLimitSeconds: 10 });
    t.equal(r.status, 'unbounded', `${integer ? 'MIP' : 'LP'}: ${r.message}`);
  }
});

t.test('±Infinity bounds on columns and rows', async (t) => {
  // min x + 2y - z  s.t.  x - y = -3,  z <= 7 (row with no lower bound),  x + y + z >= 2 (row with no upper bound),
  // x free (±Infinity), y >= 0, z >= -Infinity.  Optimum: y = 0, x = -3, z = 7 → objective -10.
  const b = new LpModelBuilder();
  const x = b.addVariable({ name: 'x', lower: -Infinity, upper: Infinity, cost: 1 });
  const y = b.addVariable({ name: 'y', cost: 2 });
  const z = b.addVariable({ name: 'z', lower: -Infinity, cost: -1 });
  b.addRow('link', [x, y], [1, -1], -3, -3);
  b.addRow('zCap', [z], [1], -Infinity, 7);
  b.addRow('floor', [x, y, z], [1, 1, 1], 2, Infinity);
  const model = b.build();
  const r = await highs.solve(model, { timeLimitSeconds: 10 });
  t.equal(r.status, 'optimal', String(r.message));
  near(t, r.objective, -10, 'objective');
  near(t, r.values?.[0], -3, 'free x goes negative');
  near(t, r.values?.[1], 0, 'y');
  near(t, r.values?.[2], 7, 'z stops at the row bound');
  t.same(violatedRows(model, r.values!), []);

  // Without the zCap row, z (cost -1, no upper bound) makes the model unbounded: +Infinity really is "none".
  const b2 = new LpModelBuilder();
  const z2 = b2.addVariable({ name: 'z', cost: -1 });
  b2.addRow('floor', [z2], [1], 2, Infinity);
  t.equal((await highs.solve(b2.build(), { timeLimitSeconds: 10 })).status, 'unbounded');
});

t.test('models without rows or without columns', async (t) => {
  // min x - y, x in [-2, 5] continuous, y in [0, 4] integer, no rows at all.
  const b = new LpModelBuilder();
  b.addVariable({ name: 'x', lower: -2, upper: 5, cost: 1 });
  b.addVariable({ name: 'y', upper: 4, cost: -1, integer: true });
  b.addObjectiveOffset(1);
  const model = b.build();
  t.equal(model.rows.length, 0);
  const r = await highs.solve(model, { timeLimitSeconds: 10 });
  t.equal(r.status, 'optimal', String(r.message));
  near(t, r.objective, -5, 'objective');
  t.same(Array.from(r.values!), [-2, 4]);

  const constant = new LpModelBuilder();
  constant.addObjectiveOffset(7);
  const c = await highs.solve(constant.build(), { timeLimitSeconds: 10 });
  t.equal(c.status, 'optimal');
  t.equal(c.objective, 7);
  t.equal(c.values?.length, 0);

  // An empty row whose bounds exclude 0 is kept by the builder and makes the model infeasible.
  const impossible = new LpModelBuilder();
  impossible.addRow('needsOne', [], [], 1, 2);
  t.equal((await highs.solve(impossible.build(), { timeLimitSeconds: 10 })).status, 'infeasible');
});

t.test('a hard MIP with timeLimitSeconds 1 returns within ~4 s with its incumbent', async (t) => {
  const model = marketSplit();
  const progress: LpProgress[] = [];
  const started = performance.now();
  const r = await highs.solve(model, { timeLimitSeconds: 1, onProgress: (p) => progress.push(p) });
  const wall = (performance.now() - started) / 1000;
  t.ok(wall < 4, `returned after ${wall.toFixed(2)} s`);
  t.ok(r.seconds < 4 && r.seconds >= 0.9, `reported seconds ${r.seconds}`);
  t.ok(r.status === 'feasible' || r.status === 'no-solution', `status ${r.status}: ${r.message}`);
  t.match(r.message, /Time limit reached/, 'HiGHS itself stopped at time_limit (the watchdog did not have to)');
  if (r.status === 'feasible') {
    t.same(violatedRows(model, r.values!), [], 'incumbent is feasible');
    t.ok(Math.abs(objectiveValue(model, r.values!) - r.objective!) < 1e-6, 'objective matches the values');
    t.ok(r.bound !== undefined && r.bound <= r.objective! + TOL, `bound ${r.bound} <= objective ${r.objective}`);
    const incumbents = progress.filter((p) => p.objective !== undefined).map((p) => p.objective!);
    t.ok(incumbents.length > 0, `${incumbents.length} progress reports with an incumbent`);
    t.ok(incumbents.every((o, i) => i === 0 || o <= incumbents[i - 1]! + TOL), 'incumbents never get worse');
    t.ok(progress.every((p, i) => i === 0 || p.elapsedSeconds >= progress[i - 1]!.elapsedSeconds), 'elapsed time grows');
  }
});

t.test('AbortSignal stops the solve and returns the incumbent streamed so far', async (t) => {
  const model = marketSplit(4, 30, 1000);
  const controller = new AbortController();
  let reported: number | undefined;
  let abortedAt = 0;
  const r = await highs.solve(model, {
    timeLimitSeconds: 60,
    signal: controller.signal,
    onProgress: (p) => {
      // Abort as soon as the first incumbent arrives: the outcome is then deterministic.
      if (p.objective !== undefined && reported === undefined) {
        reported = p.objective;
        abortedAt = performance.now();
        controller.abort();
      }
    },
  });
  const afterAbort = (performance.now() - abortedAt) / 1000;
  t.equal(r.status, 'feasible', String(r.message));
  t.match(r.message, /aborted/);
  t.ok(afterAbort < 0.5, `answered ${afterAbort.toFixed(3)} s after the abort`);
  t.ok(r.seconds < 30, `seconds ${r.seconds}`);
  t.equal(r.objective, reported, 'the incumbent that was reported');
  t.same(violatedRows(model, r.values!), [], 'and it is feasible');
  t.ok(Math.abs(objectiveValue(model, r.values!) - r.objective!) < 1e-6, `streamed objective ${r.objective} includes the offset`);

  const before = await highs.solve(model, { timeLimitSeconds: 60, signal: AbortSignal.abort() });
  t.equal(before.status, 'no-solution', 'already aborted: no worker at all');
  t.ok(before.seconds < 0.5);
});

t.test('the watchdog terminates a worker that overruns its time limit', async (t) => {
  const model = marketSplit();
  const started = performance.now();
  // HiGHS itself is told 60 s, so only the watchdog (1 s + 0.5 s grace) can stop it.
  const r = await solveWithHighs(model, { timeLimitSeconds: 1 }, { graceSeconds: 0.5, highsTimeLimitSeconds: 60 });
  const wall = (performance.now() - started) / 1000;
  t.ok(wall >= 1.4 && wall < 3, `returned after ${wall.toFixed(2)} s`);
  t.match(r.message, /did not answer/);
  t.ok(r.status === 'feasible' || r.status === 'no-solution', `status ${r.status}`);
  if (r.status === 'feasible') t.same(violatedRows(model, r.values!), []);
});

t.test('solver trouble is reported as status error, never thrown', async (t) => {
  const b = new LpModelBuilder();
  b.addVariable({ name: 'x', upper: 1, cost: Number.NaN });
  const nan = await highs.solve(b.build(), { timeLimitSeconds: 10 });
  t.equal(nan.status, 'error');
  t.match(nan.message, /colCost/);

  const badGap = await highs.solve(knapsack(), { timeLimitSeconds: 10, mipRelativeGap: -1 });
  t.equal(badGap.status, 'error', String(badGap.message));

  const badLimit = await highs.solve(knapsack(), { timeLimitSeconds: Number.NaN });
  t.equal(badLimit.status, 'error');
  t.match(badLimit.message, /timeLimitSeconds/);
});

t.test('a throwing onProgress listener does not break the solve', async (t) => {
  let calls = 0;
  const r = await highs.solve(marketSplit(1, 20), {
    timeLimitSeconds: 10,
    onProgress: () => {
      calls++;
      throw new Error('listener bug');
    },
  });
  t.ok(calls > 0, `listener called ${calls} times`);
  t.equal(r.status, 'optimal', String(r.message));
});

t.test('initialSolution is a MIP start: with almost no time, HiGHS still returns at least that roster', async (t) => {
  const model = marketSplit();
  // x = 0 with every row's shortfall in its `under` slack: feasible, and far from optimal.
  const start = new Float64Array(model.variables.length);
  for (const row of model.rows) {
    const under = row.indices[row.indices.length - 1]!;
    start[under] = row.lower;
  }
  t.same(violatedRows(model, start), [], 'the start is feasible');
  const startCost = objectiveValue(model, start);
  const r = await highs.solve(model, { timeLimitSeconds: 0.05, initialSolution: start });
  t.equal(r.status, 'feasible', `${r.status}: ${r.message}`);
  t.ok(r.objective! <= startCost + TOL, `objective ${r.objective} is no worse than the start's ${startCost}`);
  t.same(violatedRows(model, r.values!), []);
  // A start that breaks the rows is checked by HiGHS, not trusted: the answer stays correct.
  const wrong = new Float64Array(model.variables.length).fill(1);
  const k = await highs.solve(knapsack(), { timeLimitSeconds: 5, initialSolution: wrong.subarray(0, 4) });
  t.equal(k.status, 'optimal');
  near(t, k.objective, -29, 'knapsack optimum with an infeasible start');
});

t.test('a MIP dual bound counts only once HiGHS has solved an LP', async (t) => {
  // HiGHS reports the incumbent's objective as dual bound when it takes a MIP start, before any LP.
  t.equal(provenBound({ mip_dual_bound: 4409, mip_total_lp_iterations: 0n }), undefined);
  t.equal(provenBound({ mip_dual_bound: 4409 }), undefined);
  t.equal(provenBound({ mip_dual_bound: 3140, mip_total_lp_iterations: 812n }), 3140);
  t.equal(provenBound({ mip_dual_bound: -Infinity, mip_total_lp_iterations: 5n }), undefined);
});

t.test('LP relaxations come with one reduced cost per column, signed as for a minimisation', async (t) => {
  // min x + 2y + 3z  s.t. x + y + z >= 1: x = 1 in the optimum, y and z at 0 with reduced costs 1 and 2.
  const cover = () => {
    const b = new LpModelBuilder();
    const cols = [b.addBinary('x', 1), b.addBinary('y', 2), b.addBinary('z', 3)];
    b.addRow('cover', cols, [1, 1, 1], 1, Infinity);
    return b.build();
  };
  const r = await highs.solve(cover(), { timeLimitSeconds: 10, relaxIntegrality: true });
  t.equal(r.status, 'optimal');
  t.same(Array.from(r.reducedCosts ?? [], (d) => Math.round(d * 1e6) / 1e6), [0, 1, 2]);
  const mip = await highs.solve(cover(), { timeLimitSeconds: 10 });
  t.equal(mip.reducedCosts, undefined, 'a MIP solve has no reduced costs');
});

t.test('detectSymmetry: false reaches HiGHS (an unknown option would fail the solve) and changes no optimum', async (t) => {
  // Six interchangeable workers, four slots needing three each, at most two slots a worker: every worker
  // takes two slots and the cost is 3 × (1 + 2 + 3 + 4) = 30, however the workers are permuted.
  const b = new LpModelBuilder();
  const x = Array.from({ length: 6 }, (_, w) => Array.from({ length: 4 }, (_, s) => b.addBinary(`x${w}_${s}`, s + 1)));
  for (let s = 0; s < 4; s++) b.addRow(`slot${s}`, x.map((row) => row[s]!), [1, 1, 1, 1, 1, 1], 3, Infinity);
  x.forEach((row, w) => b.addRow(`worker${w}`, row, [1, 1, 1, 1], -Infinity, 2));
  const model = b.build();
  for (const detectSymmetry of [true, false]) {
    const r = await highs.solve(model, { timeLimitSeconds: 30, detectSymmetry });
    t.equal(r.status, 'optimal', `detectSymmetry ${detectSymmetry}: ${r.message}`);
    near(t, r.objective, 30, `detectSymmetry ${detectSymmetry}: objective`);
    t.same(violatedRows(model, r.values!, TOL), [], `detectSymmetry ${detectSymmetry}: every row holds`);
  }
});
