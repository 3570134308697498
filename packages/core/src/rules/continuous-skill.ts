/**
 * continuous-skill (hard): on a skill with `maxContinuousMinutes` and `resetMinutes`, no stretch of a shift
 * is longer than the maximum, where a stretch runs from its first to its last minute of work on the skill
 * and only `resetMinutes` or more off the skill (another skill, a break or lunch, an activity) end it; a
 * shorter interruption counts toward the stretch. Elapsed time, so a DST change inside a shift does not
 * shorten or lengthen it. Stretches are judged within a shift; the shift's end ends one.
 * A shift without segments has not been through the second stage (like `breaks`): it is not judged.
 * build adds nothing: the solve's second stage inserts the resets (solve/phases/resets.ts).
 */
import type { ShiftSegment } from '../expand/problem.js';
import { skillLimits, type SkillLimit } from '../expand/skills.js';
import { MINUTE_MS } from '../time/zone.js';
import type { RuleFinding, RuleModule } from './rule.js';
import { dateOfDay, timeOfMinutes } from './rule.js';

export const CONTINUOUS_SKILL = 'continuous-skill';

/** The stretches on `skill` of a shift's segments (in order), as [start, end] instants. */
export function stretches(segments: readonly ShiftSegment[], skill: string, limit: SkillLimit): [number, number][] {
  const out: [number, number][] = [];
  let from: number | undefined;
  let last = 0;
  for (const g of segments) {
    if (g.kind !== 'work' || g.skill !== skill) continue;
    if (from !== undefined && g.start - last >= limit.resetMs) {
      out.push([from, last]);
      from = undefined;
    }
    from ??= g.start;
    last = g.end;
  }
  if (from !== undefined) out.push([from, last]);
  return out;
}

/** The first stretch (earliest start) longer than its skill's maximum, with its skill; undefined when none is. */
export function firstLongStretch(segments: readonly ShiftSegment[], limits: ReadonlyMap<string, SkillLimit>): { skill: string; limit: SkillLimit; start: number; end: number } | undefined {
  let best: { skill: string; limit: SkillLimit; start: number; end: number } | undefined;
  for (const [skill, limit] of limits)
    for (const [start, end] of stretches(segments, skill, limit))
      if (end - start > limit.maxMs && (!best || start < best.start)) best = { skill, limit, start, end };
  return best;
}

export const continuousSkillRule: RuleModule = {
  name: CONTINUOUS_SKILL,
  description: 'No stretch on a skill with a limit is longer than its maxContinuousMinutes without resetMinutes off it',
  checkAgent(p, a, shifts) {
    const limits = skillLimits(p.scenario);
    if (limits.size === 0) return [];
    const out: RuleFinding[] = [];
    for (const s of shifts) {
      if (!s.segments) continue;
      for (const [skill, limit] of limits)
        for (const [start, end] of stretches(s.segments, skill, limit))
          if (end - start > limit.maxMs)
            out.push({
              rule: CONTINUOUS_SKILL,
              agentId: a.id,
              hard: true,
              cost: 0,
              date: dateOfDay(p, s.day),
              message: `shift at ${timeOfMinutes(s.localStart)}: ${Math.round((end - start) / MINUTE_MS)} min on ${skill} from ${Math.round((start - s.start) / MINUTE_MS)} min after the start without ${limit.resetMinutes} min off it (at most ${limit.maxMinutes} min)`,
            });
    }
    return out;
  },
};
