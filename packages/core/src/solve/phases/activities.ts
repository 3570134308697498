/**
 * Activity placement, the second stage after breaks. Contract: given a roster (breaks placed), returns the
 * same shifts, every one carrying segments, with each activity session placed where it can be: an `activity`
 * segment in the shift of every agent of the session at the same start and end, inside the activity's
 * window, on work time only (never on a break or another activity). A session that finds no such time is
 * left out; the `activities` rule names it (soft: its weight; hard: a violation). Without activities the
 * roster is returned as it is (the same array), so such a scenario solves exactly as before.
 *
 * How: a greedy, hard activities first, then those of more agents; each session takes the start (interval
 * boundaries first, any minute when none fits) whose work time costs coverage least given the placements
 * so far. Activity and reset segments a shift already has (a re-plan's base) are placed afresh.
 */
import type { Problem, Shift, ShiftSegment } from '../../expand/problem.js';
import { activityNeeds, type ActivityNeed } from '../../expand/activities.js';
import { CoverageTracker } from '../../rules/coverage.js';
import { MINUTE_MS } from '../../time/zone.js';
import { carve, segmentsOf, withoutStageTwo, workIn } from './segments.js';

interface Working {
  readonly shift: Shift;
  segments: ShiftSegment[];
}

export function placeActivities(p: Problem, byAgent: readonly (readonly Shift[])[]): Shift[][] {
  if (!p.scenario.activities?.length) return byAgent as Shift[][];
  const working: Working[][] = byAgent.map((list) => list.map((s) => ({ shift: s, segments: segmentsOf(withoutStageTwo(s)) })));
  const tracker = new CoverageTracker(p);
  for (const list of working) for (const w of list) for (const g of w.segments) if (g.kind === 'work') tracker.applySpan(g.skill, g.start, g.end, 1);
  const needs = [...activityNeeds(p)].sort((x, y) => Number(y.hard) - Number(x.hard) || y.agents.length - x.agents.length);
  for (const need of needs)
    for (let k = 0; k < need.count; k++) {
      const start = bestStart(p, tracker, working, need);
      if (start === undefined) break;
      for (const ai of need.agents) {
        const w = holder(working[ai]!, start, start + need.lengthMs)!;
        for (const g of workIn(w.segments, start, start + need.lengthMs)!) tracker.applySpan(g.skill, g.start, g.end, -1);
        w.segments = carve(w.segments, start, start + need.lengthMs, { kind: 'activity', skill: w.shift.skill, activityId: need.activity.id });
      }
    }
  return working.map((list) => list.map((w) => ({ ...w.shift, segments: w.segments })));
}

/** The agent's shift in which `start … end` is all work, if any. */
function holder(list: readonly Working[], start: number, end: number): Working | undefined {
  return list.find((w) => w.shift.start <= start && w.shift.end >= end && workIn(w.segments, start, end) !== undefined);
}

/** The cheapest start for one more session of `need`, or undefined when its agents share no free work time in its window. */
function bestStart(p: Problem, tracker: CoverageTracker, working: readonly Working[][], need: ActivityNeed): number | undefined {
  const len = need.lengthMs;
  const first = working[need.agents[0]!]!;
  const cost = (t: number): number | undefined => {
    let c = 0;
    for (const ai of need.agents) {
      const w = holder(working[ai]!, t, t + len);
      if (!w) return undefined;
      for (const g of workIn(w.segments, t, t + len)!) c += tracker.deltaSpan(g.skill, g.start, g.end, -1);
    }
    return c;
  };
  let best: number | undefined;
  let bestCost = Infinity;
  for (const step of [p.intervalMs, MINUTE_MS]) {
    for (const w of first)
      for (const [a, b] of need.spans) {
        const lo = Math.max(a, w.shift.start);
        const hi = Math.min(b, w.shift.end) - len;
        const from = step === MINUTE_MS ? lo : p.gridStart + Math.ceil((lo - p.gridStart) / step) * step;
        for (let t = from; t <= hi; t += step) {
          const c = cost(t);
          if (c !== undefined && c < bestCost - 1e-9) {
            best = t;
            bestCost = c;
          }
        }
      }
    if (best !== undefined) return best;
  }
  return undefined;
}
