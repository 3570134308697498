/**
 * The direct route's backend step: the whole model's MIP, started from the heuristic's roster, with the LP
 * relaxation beside it on a second worker for the bound; once that relaxation is in, it is rounded and its
 * restricted MIP solved on its worker (phases/improve-beside.ts), so that no thread waits for the whole MIP.
 *
 * Reads: the model, the heuristic's result, the budget. Returns: the cheapest roster keeping every hard rule
 * of the start, the whole MIP's and the one beside it (with its evaluation and source), the bounds found (the
 * MIP's and the relaxation's), the backend's answer and a note. Stops: at `deadline`, hard: a backend that
 * has not answered by then (it checks its clock only now and then, seconds late on a busy machine) is stopped
 * and answers with the best roster it has streamed.
 */
import type { LpBackend, LpSolution } from '../lp/backend.js';
import type { LpModel } from '../lp/model.js';
import type { Problem, Shift } from '../expand/problem.js';
import type { BuiltModel } from '../model/build.js';
import { evaluateShifts } from '../evaluate/evaluate.js';
import { RosterSearch, type HeuristicResult } from './heuristic.js';
import { incumbent as incumbentOf, SolveContext } from './context.js';
import { chooseRoute, routeFacts } from './route.js';
import type { SolveEvent } from './events.js';
import type { Tuning } from './tuning.js';
import { improveBesideMip } from './phases/improve-beside.js';

export interface WholeMipInput {
  readonly q: Problem;
  readonly built: BuiltModel;
  readonly backend: LpBackend;
  readonly tuning: Tuning;
  readonly heuristic: HeuristicResult;
  /** `performance.now()` by which everything here is done (the finishing reserve already deducted). */
  readonly deadline: number;
  readonly seed: number;
  readonly mipRelativeGap: number;
  readonly relaxation?: 'auto' | 'agents' | 'classes';
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: SolveEvent) => void;
  /** The best cost known (and the bound) as the MIP reports them. */
  readonly progress: (cost: number | undefined, bound?: number) => void;
  /** Each improved roster, for checkpoints. */
  readonly incumbent?: (cost: number | undefined, shifts: (() => Shift[][]) | undefined) => void;
}

type Evaluated = { readonly shifts: Shift[][]; readonly source: string; readonly ev: ReturnType<typeof evaluateShifts> };

export interface WholeMipOutcome {
  readonly best: Evaluated;
  readonly bounds: { mip?: number; lp?: number };
  readonly lp: LpSolution;
  readonly note: string | undefined;
}

export async function solveWholeMip(input: WholeMipInput, start: Evaluated): Promise<WholeMipOutcome> {
  const { q, built, backend, tuning, heuristic } = input;
  const seconds = (input.deadline - performance.now()) / 1000;
  const hardStop = withDeadline(input.signal, seconds * 1000);
  const companion = lpBeside(backend, built.lp, seconds - tuning.backendMarginSeconds, hardStop.signal);
  // Stopped too once the MIP is proved, as nothing is left for them to win.
  const besideStop = new AbortController();
  const beside = besideContext(input, heuristic.shifts, AbortSignal.any([hardStop.signal, besideStop.signal]));
  const improving = improveBesideMip(beside, companion.solved);
  let lp = await backend.solve(built.lp, {
    timeLimitSeconds: Math.max(0.05, seconds - tuning.backendMarginSeconds),
    mipRelativeGap: input.mipRelativeGap,
    ...(input.relaxation ? { relaxation: input.relaxation } : {}),
    signal: hardStop.signal,
    // The heuristic's roster as a MIP start: the backend begins from it instead of searching for a first roster.
    ...(heuristic.infeasibility === 0 ? { initialSolution: built.encode(heuristic.shifts) } : {}),
    // Report the best roster known, which may still be the heuristic's.
    onProgress: (pr) => input.progress(heuristic.infeasibility === 0 && pr.objective !== undefined ? Math.min(pr.objective, heuristic.cost) : pr.objective, pr.bound),
  });
  const bounds: WholeMipOutcome['bounds'] = {};
  if (lp.bound !== undefined && Number.isFinite(lp.bound)) bounds.mip = lp.bound;
  if (lp.status === 'optimal') besideStop.abort();
  const relaxed = await companion.settle(lp.status === 'optimal');
  await improving;
  hardStop.clear();
  if (hardStop.timedOut()) lp = { ...lp, message: `stopped at the time limit (${backend.name} had not returned by then)` };
  if (relaxed !== undefined) bounds.lp = relaxed;
  const notes: string[] = [];
  let best = start;
  if (lp.values && (lp.status === 'optimal' || lp.status === 'feasible')) {
    const shifts = built.decode(lp.values);
    const ev = evaluateShifts(q, shifts);
    if (ev.violations.length === 0 && (best.ev.violations.length > 0 || ev.costs.total <= best.ev.costs.total + 1e-9)) best = { shifts, source: backend.name, ev };
    else if (ev.violations.length > 0) notes.push(`${backend.name}'s roster broke ${ev.violations.length} hard rules (${ev.violations[0]!.rule}: ${ev.violations[0]!.message}); kept the heuristic roster`);
  }
  if (beside.notes.length > 0) {
    const shifts = beside.main.search.shifts();
    const ev = evaluateShifts(q, shifts);
    const kept = ev.violations.length === 0 && (best.ev.violations.length > 0 || ev.costs.total < best.ev.costs.total - 1e-9);
    notes.push(`beside the MIP: ${beside.notes.join('; ')}; its roster ${ev.violations.length === 0 ? Math.round(ev.costs.total * 100) / 100 : 'breaks a hard rule'}${kept ? ' (kept)' : ''}`);
    if (kept) best = { shifts, source: 'the LP relaxation beside the MIP', ev };
  }
  return { best, bounds, lp, note: notes.length > 0 ? notes.join('; ') : undefined };
}

/** The context the phases beside the whole MIP share: the heuristic's roster as their incumbent. */
function besideContext(input: WholeMipInput, start: Shift[][], signal: AbortSignal): SolveContext {
  const { q, built, backend, tuning } = input;
  const route = chooseRoute(routeFacts(q, built, backend, (input.deadline - performance.now()) / 1000, tuning));
  const ctx = new SolveContext(q, built, backend, route, {
    deadline: input.deadline,
    seed: input.seed + 1,
    tuning,
    mipRelativeGap: input.mipRelativeGap,
    ...(input.onEvent ? { onEvent: input.onEvent } : {}),
    onImprove: (_phase, cost, _bound, shifts) => {
      input.incumbent?.(cost, shifts);
      if (cost !== undefined && (input.heuristic.infeasibility > 0 || cost < input.heuristic.cost)) input.progress(cost);
    },
  }, signal);
  ctx.main = incumbentOf(new RosterSearch(q, start));
  ctx.indexModel();
  return ctx;
}

/** `signal`, or `ms` from now, whichever comes first; `clear` drops the timer; `timedOut` says the time came first. */
function withDeadline(signal: AbortSignal | undefined, ms: number): { signal: AbortSignal; clear: () => void; timedOut: () => boolean } {
  const stop = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = !stop.signal.aborted;
    stop.abort();
  }, Math.max(0, ms));
  const onAbort = () => stop.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  if (signal?.aborted) stop.abort();
  return {
    signal: stop.signal,
    clear: () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    },
    timedOut: () => timedOut,
  };
}

/**
 * The LP relaxation on a second worker beside the whole MIP, so that a MIP stopped by the limit before its
 * own bound still has one. Only for backends without a size limit (each solve in its own worker thread).
 * `solved` is its answer (for the phases beside); `settle(true)` stops it when the MIP was proven optimal,
 * else it is waited for (it shares the MIP's limit) and gives its objective when solved to optimality.
 */
function lpBeside(backend: LpBackend, model: LpModel, seconds: number, signal: AbortSignal) {
  if (backend.maxModelSize !== undefined || seconds < 0.05) return { solved: Promise.resolve(undefined), settle: async () => undefined };
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  const running = backend.solve(model, { timeLimitSeconds: seconds, relaxIntegrality: true, signal: stop.signal });
  return {
    solved: running.catch(() => undefined),
    async settle(mipProven: boolean): Promise<number | undefined> {
      if (mipProven) stop.abort();
      const r = await running.catch(() => undefined);
      signal.removeEventListener('abort', onAbort);
      return r?.status === 'optimal' && r.objective !== undefined && Number.isFinite(r.objective) ? r.objective : undefined;
    },
  };
}
