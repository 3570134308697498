/**
 * Break placement by MIP, day by day. Contract: given the greedy placement (breaks.ts) of a roster, returns a
 * roster whose breaks and lunches keep the same rules (each in its window, at a start the greedy may choose,
 * apart by the template's least gap) and whose coverage cost is never above the greedy's: each day's model
 * (every shift starting that day that has break rules, all other shifts fixed as they are) is solved on the
 * backend with the greedy as its start, and its placement is kept only where it costs less. Days run in order,
 * each given an even share of the time left; where that time holds fewer backend calls of `minSolveSeconds`
 * than there are days, consecutive days share one model (and call), all of them one when it holds none. A model is left to the greedy when there
 * is no backend, no time, or less time per column than `minMsPerColumn`.
 */
import type { Problem, Shift } from '../../expand/problem.js';
import type { LpBackend } from '../../lp/backend.js';
import { applicableBreaks } from '../../expand/breaks.js';
import { CoverageTracker, cellCost, spanIntervals } from '../../rules/coverage.js';
import { breakProblems } from '../../rules/breaks.js';
import { buildDayModel, type DayModel } from './break-day-model.js';
import { withSegments, type Span } from './breaks.js';

export interface BreakMipOptions {
  readonly backend: LpBackend | undefined;
  /** performance.now() instant by which every day's MIP has returned. */
  readonly deadline: number;
  /** A model whose time per column is below this many milliseconds is left to the greedy. */
  readonly minMsPerColumn: number;
  /** Seconds one backend call needs at least: days are solved together so that each call gets this much. */
  readonly minSolveSeconds: number;
  /** Seconds a backend call may overrun its limit (its answer's transfer, coarse checks), until one is measured. */
  readonly callOverrunSeconds: number;
  readonly signal?: AbortSignal;
}

export interface BreakMipResult {
  readonly shifts: Shift[][];
  /** Days that have shifts with break rules. */
  readonly days: number;
  /** Of those, days whose model the backend solved (its placement kept or, where no better, the greedy's). */
  readonly daysByMip: number;
  /** Largest relative MIP gap of the days solved, or null when none was. */
  readonly gap: number | null;
}

export async function placeBreaksByMip(p: Problem, greedy: readonly (readonly Shift[])[], o: BreakMipOptions): Promise<BreakMipResult> {
  const current = greedy.map((list) => [...list]);
  const byDay = new Map<number, { ai: number; j: number }[]>();
  current.forEach((list, ai) =>
    list.forEach((s, j) => {
      if (applicableBreaks(s.template, s.minutes).length === 0) return;
      const onDay = byDay.get(s.day) ?? [];
      onDay.push({ ai, j });
      byDay.set(s.day, onDay);
    }),
  );
  const days = [...byDay.keys()].sort((a, b) => a - b);
  const tracker = new CoverageTracker(p);
  for (const list of current) for (const s of list) tracker.apply(s, 1);
  let daysByMip = 0;
  let gap: number | null = null;
  let overrunMs = o.callOverrunSeconds * 1000;
  const groups = dayGroups(days, Math.max(1, Math.floor((o.deadline - performance.now()) / 1000 / (o.minSolveSeconds + o.callOverrunSeconds))));
  for (let g = 0; g < groups.length; g++) {
    const slotMs = (o.deadline - performance.now()) / (groups.length - g) - overrunMs;
    if (!o.backend || o.signal?.aborted || slotMs <= 0) break;
    const at = groups[g]!.flatMap((day) => byDay.get(day)!);
    const shifts = at.map(({ ai, j }) => current[ai]![j]!);
    // The group's breaks counted as work: the model takes them out again where it places them.
    for (const s of shifts) for (const b of breaksOf(s)) tracker.applySpan(s.skill, b.start, b.end, 1);
    const model = buildDayModel(p, shifts, tracker);
    const tb = performance.now();
    const chosen = model ? await solveDay(model, o.backend, slotMs, o) : undefined;
    // Later calls leave room for the largest overrun seen (the first call's guess is kept as a floor).
    if (model) overrunMs = Math.max(overrunMs, performance.now() - tb - slotMs);
    const placed = chosen ? shifts.map((s, i) => withSegments(bareOf(s), chosen.spans[i]!)) : shifts;
    const better = chosen !== undefined && placed.every((s) => breakProblems(s).length === 0) && placementCost(p, tracker, placed, shifts) < placementCost(p, tracker, shifts, placed) - 1e-9;
    const kept = better ? placed : shifts;
    if (chosen) {
      daysByMip += groups[g]!.length;
      gap = Math.max(gap ?? 0, chosen.gap);
    }
    kept.forEach((s, i) => {
      current[at[i]!.ai]![at[i]!.j] = s;
      for (const b of breaksOf(s)) tracker.applySpan(s.skill, b.start, b.end, -1);
    });
  }
  return { shifts: current, days: days.length, daysByMip, gap };
}

/**
 * The days in order, split into at most `calls` runs of consecutive days as even as can be: each run is one
 * model and one backend call, so a budget too short for a call per day still reaches every day.
 */
export function dayGroups(days: readonly number[], calls: number): number[][] {
  const n = Math.min(days.length, Math.max(0, calls));
  return Array.from({ length: n }, (_, g) => days.slice(Math.round((g * days.length) / n), Math.round(((g + 1) * days.length) / n)));
}

/** The days' MIP on the backend, decoded; undefined when too large for the time, or no solution came. */
async function solveDay(m: DayModel, backend: LpBackend, slotMs: number, o: BreakMipOptions) {
  const columns = m.lp.variables.length;
  if (slotMs / columns < o.minMsPerColumn) return undefined;
  if (backend.maxModelSize !== undefined && columns * Math.max(1, m.lp.rows.length) > backend.maxModelSize) return undefined;
  const r = await backend.solve(m.lp, {
    timeLimitSeconds: slotMs / 1000,
    mipRelativeGap: 1e-4,
    ...(m.initial ? { initialSolution: m.initial } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
  });
  if (!r.values || (r.status !== 'optimal' && r.status !== 'feasible')) return undefined;
  const values = r.values;
  const spans = m.shifts.map((rules) =>
    rules.map((rule) => {
      const k = rule.positions.findIndex((pos) => values[pos.column]! > 0.5);
      if (k < 0) return undefined;
      const start = rule.positions[k]!.start;
      return { start, end: start + rule.len, kind: rule.kind } satisfies Span;
    }),
  );
  if (spans.some((list) => list.some((x) => x === undefined))) return undefined;
  // The objective sums priced slacks, so 0 bounds it where the backend proved nothing better.
  const objective = r.objective ?? 0;
  const bound = r.status === 'optimal' ? objective : Math.max(0, r.bound ?? 0);
  return { spans: spans as Span[][], gap: objective <= 1e-9 ? 0 : Math.max(0, objective - bound) / objective };
}

/**
 * Coverage cost of the cells the breaks of `placed` or of `other` touch, with `placed`'s breaks taken out of
 * `tracker` (which counts the day's shifts working throughout): two placements compared on the same cells.
 */
function placementCost(p: Problem, tracker: CoverageTracker, placed: readonly Shift[], other: readonly Shift[]): number {
  const cells = new Set<number>();
  for (const s of [...placed, ...other]) {
    const k = p.skillIndex.get(s.skill);
    if (k === undefined) continue;
    for (const b of breaksOf(s)) {
      const { first, shares } = spanIntervals(p, b.start, b.end);
      shares.forEach((_, j) => cells.add(k * p.intervalCount + first + j));
    }
  }
  for (const s of placed) for (const b of breaksOf(s)) tracker.applySpan(s.skill, b.start, b.end, -1);
  let cost = 0;
  for (const cell of cells) {
    const k = Math.floor(cell / p.intervalCount);
    const t = cell % p.intervalCount;
    if (p.demandDefined[k]![t]) cost += cellCost(p, p.requirement[k]![t]!, tracker.scheduled[k]![t]!);
  }
  for (const s of placed) for (const b of breaksOf(s)) tracker.applySpan(s.skill, b.start, b.end, 1);
  return cost;
}

function breaksOf(s: Shift): readonly { start: number; end: number }[] {
  return (s.segments ?? []).filter((g) => (g.kind === 'break' || g.kind === 'lunch') && !g.reset && !g.activityId);
}

function bareOf(s: Shift): Shift {
  const { segments: _, ...rest } = s;
  return rest;
}
