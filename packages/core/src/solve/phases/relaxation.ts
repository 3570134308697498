/**
 * Phase: the per-agent LP relaxation, started in the backend's workers while this thread makes the first
 * roster. Of the whole model (raced with and without presolve where the route says so), or, for large
 * multi-week models, of one model per week without the rows that link weeks (rest over the week boundary,
 * runs of days, horizon totals), two at a time. Either way its objective is a valid lower bound; its values
 * are used by the restricted MIP, reduced-cost fixing and rounding.
 *
 * Reads: the model, the route, the budget. Changes: `ctx.relaxation`, `ctx.relaxationDone`, the bound (raised
 * only), `ctx.runnerUp`, a note when split or unsolved. Stops: at the deadline less `classLpMarginSeconds`.
 */
import type { LpBackend, LpSolution } from '../../lp/backend.js';
import { partitionRelaxation } from '../../lp/window.js';
import type { LpModel } from '../../lp/model.js';
import type { Problem } from '../../expand/problem.js';
import { shiftColumnOwners, type BuiltModel } from '../../model/build.js';
import { mapWithLimit } from '../map-with-limit.js';
import type { BoundSource, SolveContext } from '../context.js';

/** Starts the per-agent relaxation (the route's `agents` or `agents-split` bound). */
export function relax(ctx: SolveContext): Promise<LpSolution> {
  const { p, built, backend, signal, tuning } = ctx;
  const lp = built.lp;
  const timeLimitSeconds = Math.max(0.05, ctx.total - tuning.classLpMarginSeconds);
  if (ctx.route.bound === 'agents')
    return ctx.route.raceRelaxation ? raceRelaxation(backend, lp, timeLimitSeconds, signal, (r) => (ctx.runnerUp = r)) : backend.solve(lp, { timeLimitSeconds, relaxIntegrality: true, signal });
  const week = weekOfColumns(p, built);
  const split = partitionRelaxation(lp, week, p.weeks.length);
  if (!split) return backend.solve(lp, { timeLimitSeconds, relaxIntegrality: true, signal });
  ctx.notes.push(`relaxation split into ${p.weeks.length} weekly LPs (${split.droppedRows} linking rows dropped)`);
  return solveWeekly(lp, split, backend, performance.now() + timeLimitSeconds * 1000, signal);
}

/** Takes the relaxation's answer into the context when it comes: its bound, or a note saying why there is none. */
export function watchRelaxation(ctx: SolveContext, relaxation: Promise<LpSolution> | undefined, source: BoundSource): void {
  ctx.relaxationDone = relaxation === undefined;
  void relaxation?.then((r) => {
    ctx.relaxation = r;
    ctx.relaxationDone = true;
    // A class LP bound given while this one was late may be the higher of two valid bounds: the bound only rises.
    if (r.status === 'optimal' && r.objective !== undefined) ctx.raiseBound(r.objective, source);
    else ctx.note('relaxation', `LP relaxation: ${r.status}${r.message ? ` (${r.message})` : ''}`);
    ctx.report('relaxation');
  });
}

/** The week of every shift column of `built.lp` (-1 for auxiliary columns). */
export function weekOfColumns(p: Problem, built: BuiltModel): Int32Array {
  const { owner, candidate } = shiftColumnOwners(built);
  return owner.map((ai, j) => (ai < 0 ? -1 : p.agents[ai]!.candidates[candidate[j]!]!.week));
}

export type Split = NonNullable<ReturnType<typeof partitionRelaxation>>;

/**
 * The weekly LPs of a split relaxation, two at a time (one worker per core: a year of weeks at once would start
 * 52 workers), every one done by `deadline` (a `performance.now()` value): a week started late gets only what
 * is left, so the whole takes the time it was given, not that time for every pair of weeks.
 */
export function solveWeeks(split: Split, backend: LpBackend, deadline: number, signal: AbortSignal): Promise<LpSolution[]> {
  return mapWithLimit(split.models, 2, (m) => backend.solve(m, { timeLimitSeconds: Math.max(0.05, (deadline - performance.now()) / 1000), relaxIntegrality: true, signal }));
}

export const weekSolved = (r: LpSolution): boolean => r.status === 'optimal' && r.objective !== undefined && r.values !== undefined;

/** The weekly LPs of a split relaxation put back together as one solution of `model` (a bound only if every week is solved). */
export async function solveWeekly(model: LpModel, split: Split, backend: LpBackend, deadline: number, signal: AbortSignal): Promise<LpSolution> {
  const started = performance.now();
  const parts = await solveWeeks(split, backend, deadline, signal);
  const seconds = (performance.now() - started) / 1000;
  const failed = parts.find((r) => !weekSolved(r));
  if (failed) return { ...failed, seconds, message: `weekly relaxation: ${failed.status}${failed.message ? ` (${failed.message})` : ''}` };
  const values = new Float64Array(model.variables.length);
  parts.forEach((r, k) => split.columns[k]!.forEach((j, c) => (values[j] = r.values![c]!)));
  // A column in no part sits at its cheaper bound with its cost as reduced cost (it is in no kept row).
  const reducedCosts = parts.every((r) => r.reducedCosts) ? Float64Array.from(model.variables, (v) => v.cost) : undefined;
  if (reducedCosts) parts.forEach((r, k) => split.columns[k]!.forEach((j, c) => (reducedCosts[j] = r.reducedCosts![c]!)));
  return { status: 'optimal', objective: split.constant + parts.reduce((sum, r) => sum + r.objective!, 0), values, ...(reducedCosts ? { reducedCosts } : {}), seconds };
}

/**
 * One LP relaxation solved with and without presolve at once, on two workers, where the backend can switch it
 * (HiGHS): the first optimal answer is taken. Neither way is always faster: on the M LPs of seeds 1–7 (36,942
 * columns) HiGHS took 2.8–3.6 s with presolve and 1.6–4.1 s without, so the race took 1.6–3.6 s (2.2 s on
 * average against 3.1 s). The other solve goes on (`onRunnerUp`): it ends at another optimal vertex, whose
 * shifts the restricted MIP may try next; the deadline stops it. Only for interval-demand models, whose thread waits for the relaxation (see
 * `Route.waitForRelaxation`): on shift-type models the heuristic keeps working on this thread and a third busy
 * thread on two cores would slow it.
 */
export async function raceRelaxation(backend: LpBackend, lp: LpModel, timeLimitSeconds: number, signal: AbortSignal, onRunnerUp: (solve: Promise<LpSolution>) => void): Promise<LpSolution> {
  if (!backend.presolveSwitch) return backend.solve(lp, { timeLimitSeconds, relaxIntegrality: true, signal });
  const runs = [true, false].map((presolve) => backend.solve(lp, { timeLimitSeconds, relaxIntegrality: true, signal, presolve }));
  const first = await Promise.race(runs.map((run, k) => run.then((r) => ({ r, k }))));
  const other = runs[1 - first.k]!;
  if (first.r.status !== 'optimal') return other;
  onRunnerUp(other);
  return first.r;
}
