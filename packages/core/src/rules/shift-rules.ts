/**
 * Rules that judge one shift on its own. Each is still its own named module; they share this file only
 * because each is a single predicate (see `shiftRule`).
 */
import { minutesOfTime, timeOfMinutes, weekdayIndex } from '../time/zone.js';
import { localParts } from '../time/zone.js';
import { templateAllowsStart } from '../expand/problem.js';
import { shiftRule } from './rule.js';

/** skills: the shift's skill, and that of each of its work segments, is one the agent has and the template serves. */
export const skillsRule = shiftRule('skills', 'An agent only works skills they have, on templates that serve them', (_p, a, s) => {
  const bad = (skill: string) =>
    !a.agent.skills.includes(skill) ? `${a.id} does not have skill ${skill}` : s.template?.skills && !s.template.skills.includes(skill) ? `template ${s.template.id} does not serve ${skill}` : undefined;
  // Candidates (every admits call) have no segments: one skill to look at.
  return bad(s.skill) ?? s.segments?.reduce<string | undefined>((found, g) => found ?? (g.kind === 'work' && g.skill !== s.skill ? bad(g.skill) : undefined), undefined);
});

/** shift-templates: every shift follows a template the contract allows: start window, weekday, length. */
export const shiftTemplatesRule = shiftRule('shift-templates', 'Every shift follows a template the contract allows (start window, weekday, length)', (p, a, s) => {
  const t = s.template;
  if (!t) return `shift at ${timeOfMinutes(s.localStart)} of ${s.minutes} min matches no shift template`;
  if (a.contract.templates && !a.contract.templates.includes(t.id)) return `contract ${a.contract.id} does not allow template ${t.id}`;
  if (!t.lengthsMinutes.includes(s.minutes)) return `${s.minutes} min is not a length of template ${t.id}`;
  const site = localParts(s.start, p.zone);
  if (!templateAllowsStart(p, t, site.minutes, site.weekday)) return `start ${timeOfMinutes(site.minutes)} (site time) is outside template ${t.id}`;
  return undefined;
});

/** leave: no shift overlaps the agent's leave (leave is in hours; the rest of the day stays workable). */
export const leaveRule = shiftRule('leave', 'No work during leave; leave is in hours, so the rest of the day stays available', (_p, a, s) => {
  const l = a.leave.find((l) => s.start < l.end && l.start < s.end);
  return l ? `shift overlaps ${l.type} leave #${l.index}` : undefined;
});

/** flexible-start: the shift starts within the agent's agreed window (usual start ± tolerance, agent time). */
export const flexibleStartRule = shiftRule('flexible-start', 'Shifts start within the agent’s agreed start window (usual start ± tolerance)', (_p, a, s) => {
  const f = a.agent.flexibleStart;
  if (!f) return undefined;
  const usual = minutesOfTime(f.usual);
  const diff = Math.abs(((s.localStart - usual + 720 + 1440) % 1440) - 720);
  return diff > f.toleranceMinutes ? `starts ${timeOfMinutes(s.localStart)}, outside ${f.usual} ± ${f.toleranceMinutes} min` : undefined;
});

/** micro-shift opt-in lives in micro-shifts.ts; weekday helpers for the personal rules live there too. */
export function weekdayListed(weekdays: readonly string[] | undefined, weekday: number): boolean {
  return !weekdays || weekdays.some((w) => weekdayIndex(w as never) === weekday);
}
