/**
 * Break placement, the solve's second stage. Contract: given a roster of shifts (no segments), returns the
 * same shifts, each of a template with break rules now carrying segments that tile it: every applicable
 * break and lunch inside its window (elapsed time after the start), at least `minGapMinutes` apart, the rest
 * work on the shift's skill. Shifts without break rules are returned as they are (the same array when no
 * shift has any), so a scenario without break rules solves exactly as before.
 *
 * How: a greedy over all breaks of the roster, tightest window first; each takes the start in its window, on
 * the grid's interval boundaries where the window has any, that costs coverage least given every placement
 * so far (it leaves the least under-staffed or most over-staffed intervals). The same shifts with every break
 * at its earliest feasible offset are also computed, and the placement with less under-staffing is kept, so
 * the result is never worse than that naive rule.
 */
import type { Problem, Shift, ShiftSegment } from '../../expand/problem.js';
import type { BreakRule } from '../../schema/scenario.js';
import { applicableBreaks } from '../../expand/breaks.js';
import { tightness } from '../../rules/breaks.js';
import { CoverageTracker } from '../../rules/coverage.js';
import { MINUTE_MS } from '../../time/zone.js';

export type Span = { start: number; end: number; kind: 'break' | 'lunch' };

/** The better of the greedy and the earliest-offset placement (by under-staffed agent-hours). */
export function placeBreaks(p: Problem, byAgent: readonly (readonly Shift[])[]): Shift[][] {
  if (!byAgent.some((list) => list.some((s) => applicableBreaks(s.template, s.minutes).length > 0))) return byAgent as Shift[][];
  const greedy = placeBreaksWith(p, byAgent, 'greedy');
  const earliest = placeBreaksWith(p, byAgent, 'earliest');
  return underHours(p, greedy) <= underHours(p, earliest) + 1e-9 ? greedy : earliest;
}

/** Under-staffed agent-hours of a roster, counting work segments only. */
export function underHours(p: Problem, byAgent: readonly (readonly Shift[])[]): number {
  const tracker = new CoverageTracker(p);
  for (const list of byAgent) for (const s of list) tracker.apply(s, 1);
  return tracker.underHours();
}

/** Places every break by one rule: `greedy` (cheapest start for coverage) or `earliest` (first feasible offset). */
export function placeBreaksWith(p: Problem, given: readonly (readonly Shift[])[], mode: 'greedy' | 'earliest'): Shift[][] {
  // Shifts that come with segments (a re-plan's base) are placed afresh: without them, then with new ones.
  const byAgent = given.map((list) => list.map((s) => (s.segments && applicableBreaks(s.template, s.minutes).length > 0 ? bare(s) : s)));
  const tracker = new CoverageTracker(p);
  for (const list of byAgent) for (const s of list) tracker.apply(s, 1);
  const jobs: { s: Shift; rule: BreakRule; placed: Span[] }[] = [];
  const placedOf = new Map<Shift, Span[]>();
  for (const list of byAgent)
    for (const s of list) {
      const placed: Span[] = [];
      placedOf.set(s, placed);
      for (const rule of applicableBreaks(s.template, s.minutes)) jobs.push({ s, rule, placed });
    }
  // Tightest windows first across the roster (stable: by shift start within a tie).
  jobs.sort((x, y) => tightness(x.rule, y.rule) || x.s.start - y.s.start);
  for (const job of jobs) {
    const start = chooseStart(p, tracker, job.s, job.rule, job.placed, mode);
    const span: Span = { start, end: start + job.rule.minutes * MINUTE_MS, kind: job.rule.kind };
    job.placed.push(span);
    tracker.applySpan(job.s.skill, span.start, span.end, -1);
  }
  return byAgent.map((list) => list.map((s) => withSegments(s, placedOf.get(s) ?? [])));
}

/** The start of one break: feasible (inside its window and the shift, apart from the shift's other breaks), then cheapest. */
function chooseStart(p: Problem, tracker: CoverageTracker, s: Shift, rule: BreakRule, placed: readonly Span[], mode: 'greedy' | 'earliest'): number {
  const { from, to, len } = breakWindow(s, rule);
  const gap = (s.template?.minGapMinutes ?? 0) * MINUTE_MS;
  const free = (t: number) => placed.every((o) => t + len + gap <= o.start || o.end + gap <= t);
  // Interval boundaries inside the window first; any minute of it when none of those is free.
  let starts = boundaryStarts(p, from, to).filter(free);
  if (starts.length === 0) starts = minuteStarts(from, to).filter(free);
  if (starts.length === 0) return from; // no room: the breaks rule reports it
  if (mode === 'earliest') return Math.min(...starts);
  let best = starts[0]!;
  let bestCost = Infinity;
  for (const t of starts) {
    const c = tracker.deltaSpan(s.skill, t, t + len, -1);
    if (c < bestCost - 1e-9) {
      best = t;
      bestCost = c;
    }
  }
  return best;
}

/** Where a break of `rule` may start in shift `s` (instants, both ends included) and its length in ms. */
export function breakWindow(s: Shift, rule: BreakRule): { from: number; to: number; len: number } {
  const len = rule.minutes * MINUTE_MS;
  return { from: s.start + rule.earliestAfterStartMinutes * MINUTE_MS, to: Math.min(s.start + rule.latestAfterStartMinutes * MINUTE_MS, s.end - len), len };
}

/** The grid's interval boundaries from `from` to `to`: where the placement prefers a break to start. */
export function boundaryStarts(p: Problem, from: number, to: number): number[] {
  const out: number[] = [];
  for (let t = p.gridStart + Math.ceil((from - p.gridStart) / p.intervalMs) * p.intervalMs; t <= to; t += p.intervalMs) out.push(t);
  return out;
}

/** Every minute from `from` to `to`: the starts left when no boundary is free. */
export function minuteStarts(from: number, to: number): number[] {
  const out: number[] = [];
  for (let t = from; t <= to; t += MINUTE_MS) out.push(t);
  return out;
}

function bare(s: Shift): Shift {
  const { segments: _, ...rest } = s;
  return rest;
}

/** The shift with segments tiling it: its breaks in time order, work on its skill between them. */
export function withSegments(s: Shift, breaks: readonly Span[]): Shift {
  if (breaks.length === 0) return s;
  const segments: ShiftSegment[] = [];
  let at = s.start;
  for (const b of [...breaks].sort((x, y) => x.start - y.start)) {
    // A break that found no room is pushed after the one before it (still tiling; the breaks rule reports it).
    const b0 = Math.max(b.start, at);
    const b1 = Math.min(s.end, b0 + (b.end - b.start));
    if (b1 <= b0) continue;
    if (b0 > at) segments.push({ start: at, end: b0, kind: 'work', skill: s.skill });
    segments.push({ start: b0, end: b1, kind: b.kind, skill: s.skill });
    at = b1;
  }
  if (at < s.end) segments.push({ start: at, end: s.end, kind: 'work', skill: s.skill });
  return { ...s, segments };
}
