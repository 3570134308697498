/**
 * The solve's second stage, inside the shifts the plan chose: breaks and lunches (breaks.ts, then per day by MIP
 * where a backend and time allow, break-mip.ts), then activity sessions (activities.ts), then resets of continuous
 * work on limited skills (resets.ts), each given the roster the step before left. Returns the same array when no
 * step has anything to do, so a scenario without break rules, activities or skill limits solves exactly as before.
 */
import type { Problem, Shift } from '../../expand/problem.js';
import type { LpBackend } from '../../lp/backend.js';
import type { SecondStageStats } from '../../schema/roster.js';
import { evaluateShifts } from '../../evaluate/evaluate.js';
import { placeBreaks } from './breaks.js';
import { placeBreaksByMip } from './break-mip.js';
import { placeActivities } from './activities.js';
import { placeResets } from './resets.js';

/** The greedy second stage alone (no backend, no time limit). */
export function placeInsideShifts(p: Problem, byAgent: readonly (readonly Shift[])[]): Shift[][] {
  return placeResets(p, placeActivities(p, placeBreaks(p, byAgent)));
}

export interface SecondStageOptions {
  readonly backend: LpBackend | undefined;
  /** performance.now() instant by which the break MIPs have returned. */
  readonly deadline: number;
  readonly minMsPerColumn: number;
  readonly minSolveSeconds: number;
  /** Seconds a backend call may overrun its limit, until one is measured. */
  readonly callOverrunSeconds: number;
  /** The steps after the MIPs (the evaluator's choice, activities, resets) are given this many times the greedy break placement's time. */
  readonly afterFactor: number;
  readonly signal?: AbortSignal;
}

/** The second stage with breaks placed per day by MIP where it can (never worse than the greedy by the evaluator), and what it did. */
export async function placeInsideShiftsWithin(p: Problem, byAgent: readonly (readonly Shift[])[], o: SecondStageOptions): Promise<{ shifts: Shift[][]; stats: SecondStageStats }> {
  const t0 = performance.now();
  const greedy = placeBreaks(p, byAgent);
  const t1 = performance.now();
  let breaks = greedy;
  let days = 0;
  let daysByMip = 0;
  let gap: number | null = null;
  if (greedy !== byAgent) {
    // What follows the MIPs takes about `afterFactor` times what the greedy took (each walks the whole roster).
    const mip = await placeBreaksByMip(p, greedy, { ...o, deadline: o.deadline - o.afterFactor * (t1 - t0) });
    ({ days, daysByMip, gap } = mip);
    if (daysByMip > 0 && betterByEvaluator(p, mip.shifts, greedy)) breaks = mip.shifts;
  }
  const shifts = placeResets(p, placeActivities(p, breaks));
  const method = daysByMip === 0 ? 'greedy' : daysByMip === days ? 'mip' : 'mixed';
  return { shifts, stats: { seconds: (performance.now() - t0) / 1000, method, days, daysByMip, gap } };
}

/** Fewer hard violations, then a lower total cost. */
function betterByEvaluator(p: Problem, a: readonly (readonly Shift[])[], b: readonly (readonly Shift[])[]): boolean {
  const ea = evaluateShifts(p, a);
  const eb = evaluateShifts(p, b);
  return ea.violations.length < eb.violations.length || (ea.violations.length === eb.violations.length && ea.costs.total < eb.costs.total - 1e-9);
}
