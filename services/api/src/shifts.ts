/** Shifts of a stored schedule's roster, located on its expanded problem, as the leave and extension checks use them. */
import { FlexrosterInputError, makeShift, rosterToShifts, time, type Problem, type Roster, type Scenario, type Shift } from '@flexroster/core';
import { ProblemError, guardScenario, inputProblem } from './problem.js';
import type { ProblemCache } from './problem-cache.js';
import { mendBreaks, refitSegments } from './segments.js';

/** The expanded problem and the roster's located shifts; input errors are 422 at creation and 409 later. */
export function locate(problems: ProblemCache, scenario: Scenario, roster: Roster, when: 'create' | 'later'): { p: Problem; byAgent: Shift[][] } {
  guardScenario(scenario, { scenario: '/scenario', rest: '' });
  try {
    const p = problems.get(scenario);
    return { p, byAgent: rosterToShifts(p, roster, '/roster/assignments') };
  } catch (error) {
    if (error instanceof FlexrosterInputError) {
      if (when === 'create') throw inputProblem(error, { scenario: '/scenario', rest: '/body' });
      throw new ProblemError(409, `The request no longer fits the schedule: ${error.issues.map((i) => i.message).join('; ')}`);
    }
    throw error;
  }
}

export const shiftView = (p: Problem, s: Shift) => {
  const zone = p.agents[s.agent]!.zone;
  return { start: time.isoInZone(s.start, zone), end: time.isoInZone(s.end, zone), skill: s.skill, ...(s.template ? { template: s.template.id } : {}), minutes: s.minutes };
};

/**
 * A shift with new times. Without segments it keeps its template only when the new length is one of the
 * template's. With segments it keeps its template (whose break rules its breaks follow; `shift-templates`
 * reports a length it lacks), its segments are refitted to the new times (segments.ts), and its breaks are
 * placed afresh when the breaks rule finds fault with them at the new length (`byAgent`, the roster it
 * replaces `s` in, is the coverage that placement weighs).
 */
export function reshape(p: Problem, byAgent: readonly (readonly Shift[])[], s: Shift, start: number, end: number): Shift {
  const minutes = Math.round((end - start) / time.MINUTE_MS);
  if (!s.segments) {
    const template = s.template && s.template.lengthsMinutes.includes(minutes) ? s.template : undefined;
    return makeShift(p, p.agents[s.agent]!, start, end, s.skill, template);
  }
  const moved: Shift = { ...makeShift(p, p.agents[s.agent]!, start, end, s.skill, s.template), segments: refitSegments(s.segments, start, end, s.skill) };
  return mendBreaks(p, byAgent, [s], moved);
}
