/**
 * Skills are declared by id or as definitions with a continuous-work limit (`SkillDefinition`); everything
 * else works with ids. A scenario of plain ids has no limits.
 */
import type { Scenario, SkillDefinition } from '../schema/scenario.js';

export interface SkillLimit {
  /** Longest continuous stretch on the skill, in ms of elapsed time. */
  readonly maxMs: number;
  /** Least time off the skill that ends a stretch, in ms. */
  readonly resetMs: number;
  readonly maxMinutes: number;
  readonly resetMinutes: number;
}

export function skillId(x: string | SkillDefinition): string {
  return typeof x === 'string' ? x : x.id;
}

export function skillIds(s: Pick<Scenario, 'skills'>): string[] {
  return s.skills.map(skillId);
}

const limitsCache = new WeakMap<Scenario, ReadonlyMap<string, SkillLimit>>();

/** The skills with a continuous-work limit (both fields given), by id. */
export function skillLimits(s: Scenario): ReadonlyMap<string, SkillLimit> {
  let limits = limitsCache.get(s);
  if (!limits) {
    const m = new Map<string, SkillLimit>();
    for (const x of s.skills)
      if (typeof x !== 'string' && x.maxContinuousMinutes !== undefined && x.resetMinutes !== undefined)
        m.set(x.id, { maxMs: x.maxContinuousMinutes * 60_000, resetMs: x.resetMinutes * 60_000, maxMinutes: x.maxContinuousMinutes, resetMinutes: x.resetMinutes });
    limitsCache.set(s, (limits = m));
  }
  return limits;
}
