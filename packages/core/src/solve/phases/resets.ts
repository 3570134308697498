/**
 * Reset placement, the last step of the second stage (after breaks and activities). Contract: given a
 * roster, returns the same shifts with every stretch on a skill with a continuous-work limit cut to at most
 * its `maxContinuousMinutes` where it can be: a break, lunch or activity of `resetMinutes` or more already
 * ends a stretch; otherwise `resetMinutes` of the stretch become work on another skill the agent has (and
 * the template serves), or, for an agent with no such skill (or none that fits), a paid break marked `reset`. A stretch that
 * cannot be cut is left for the `continuous-skill` rule to report. Without limits the roster is returned as
 * it is (the same array).
 *
 * How: shift by shift, the first stretch too long is cut by the reset whose start lies within its maximum
 * from the stretch's start and costs coverage least given the roster so far (interval boundaries first,
 * any minute when none fits; the later start on a tie, so fewer resets are needed), until none is too long.
 */
import type { Problem, Shift, ShiftSegment } from '../../expand/problem.js';
import { skillLimits, type SkillLimit } from '../../expand/skills.js';
import { firstLongStretch } from '../../rules/continuous-skill.js';
import { CoverageTracker } from '../../rules/coverage.js';
import { MINUTE_MS } from '../../time/zone.js';
import { carve, segmentsOf, workIn, type Piece } from './segments.js';

export function placeResets(p: Problem, byAgent: readonly (readonly Shift[])[]): Shift[][] {
  const limits = skillLimits(p.scenario);
  if (limits.size === 0) return byAgent as Shift[][];
  const tracker = new CoverageTracker(p);
  for (const list of byAgent) for (const s of list) tracker.apply(s, 1);
  return byAgent.map((list) => list.map((s) => resetShift(p, tracker, limits, s)));
}

function resetShift(p: Problem, tracker: CoverageTracker, limits: ReadonlyMap<string, SkillLimit>, s: Shift): Shift {
  let segments = segmentsOf(s);
  if (!firstLongStretch(segments, limits)) return s;
  const agent = p.agents[s.agent]!.agent;
  const others = agent.skills.filter((k) => k !== s.skill && (!s.template?.skills || s.template.skills.includes(k)) && p.skillIndex.has(k));
  for (let guard = 0; guard < 200; guard++) {
    const long = firstLongStretch(segments, limits);
    if (!long) break;
    const candidates = others.filter((k) => k !== long.skill);
    // Another skill where one fits; a paid reset break for an agent with none (or none that fits).
    const cut = (candidates.length > 0 ? bestCut(p, tracker, limits, segments, long, candidates) : undefined) ?? bestCut(p, tracker, limits, segments, long, []);
    if (!cut) break; // the continuous-skill rule reports it
    tracker.applySpan(long.skill, cut.start, cut.start + long.limit.resetMs, -1);
    if (cut.piece.kind === 'work') tracker.applySpan(cut.piece.skill, cut.start, cut.start + long.limit.resetMs, 1);
    segments = cut.segments;
  }
  return { ...s, segments };
}

/** The cheapest reset cutting `long` within its maximum, that leaves no new stretch too long on another skill. */
function bestCut(
  p: Problem,
  tracker: CoverageTracker,
  limits: ReadonlyMap<string, SkillLimit>,
  segments: readonly ShiftSegment[],
  long: { skill: string; limit: SkillLimit; start: number },
  others: readonly string[],
): { start: number; piece: Piece; segments: ShiftSegment[] } | undefined {
  const len = long.limit.resetMs;
  const pieces: Piece[] = others.length > 0 ? others.map((k) => ({ kind: 'work', skill: k })) : [{ kind: 'break', skill: long.skill, reset: true }];
  let best: { start: number; piece: Piece; segments: ShiftSegment[] } | undefined;
  let bestCost = Infinity;
  const latest = long.start + long.limit.maxMs;
  for (const step of [p.intervalMs, MINUTE_MS]) {
    const from = step === MINUTE_MS ? long.start : p.gridStart + Math.ceil((long.start - p.gridStart) / step) * step;
    const starts: number[] = [];
    for (let t = from; t <= latest; t += step) starts.push(t);
    if (step !== MINUTE_MS && starts[starts.length - 1] !== latest) starts.push(latest);
    for (const t of starts) {
      if (!workIn(segments, t, t + len, long.skill)) continue;
      for (const piece of pieces) {
        const after = carve(segments, t, t + len, piece);
        const again = firstLongStretch(after, limits);
        // Progress: no stretch too long may start before the end of this reset (in particular none on the new skill).
        if (again && again.start < t + len) continue;
        const c = tracker.deltaSpan(long.skill, t, t + len, -1) + (piece.kind === 'work' ? tracker.deltaSpan(piece.skill, t, t + len, 1) : 0);
        if (c <= bestCost + 1e-9) {
          best = { start: t, piece, segments: after };
          bestCost = c;
        }
      }
    }
    if (best) return best;
  }
  return undefined;
}
