/** Rosters ↔ located shifts. */
import type { Problem, Shift, ShiftSegment } from '../expand/problem.js';
import { makeShift, templateAllowsStart } from '../expand/problem.js';
import type { Assignment, Roster } from '../schema/roster.js';
import { RosterInputError, type InputIssue } from '../schema/errors.js';
import { isoInZone, localParts, parseDateTime } from '../time/zone.js';

/**
 * Locates every assignment; unknown agents, skills or templates and unreadable or reversed times are
 * input errors (thrown together, with paths under `basePath`).
 */
export function rosterToShifts(p: Problem, roster: Roster, basePath = '/assignments'): Shift[][] {
  const issues: InputIssue[] = [];
  const byAgent: Shift[][] = p.agents.map(() => []);
  roster.assignments.forEach((as, i) => {
    const path = `${basePath}/${i}`;
    const shift = assignmentToShift(p, as, path, issues);
    if (shift) byAgent[shift.agent]!.push(shift);
  });
  if (issues.length > 0) throw new RosterInputError(issues);
  for (const list of byAgent) list.sort((x, y) => x.start - y.start || x.end - y.end);
  return byAgent;
}

export function assignmentToShift(p: Problem, as: Assignment, path: string, issues: InputIssue[]): Shift | undefined {
  const a = p.agentById.get(as.agentId);
  if (!a) {
    issues.push({ path: `${path}/agentId`, message: `unknown agent ${as.agentId}` });
    return undefined;
  }
  const start = parseDateTime(as.start, a.zone);
  const end = parseDateTime(as.end, a.zone);
  if (start === undefined) issues.push({ path: `${path}/start`, message: `not a valid date-time: ${as.start}` });
  if (end === undefined) issues.push({ path: `${path}/end`, message: `not a valid date-time: ${as.end}` });
  if (!p.skillIndex.has(as.skill)) issues.push({ path: `${path}/skill`, message: `unknown skill ${as.skill}` });
  if (as.template !== undefined && !p.templates.has(as.template)) issues.push({ path: `${path}/template`, message: `unknown template ${as.template}` });
  if (start === undefined || end === undefined) return undefined;
  if (end <= start) {
    issues.push({ path: `${path}/end`, message: 'must be after start' });
    return undefined;
  }
  if (end - start > 24 * 3_600_000) {
    issues.push({ path: `${path}/end`, message: 'a shift is at most 24 hours long' });
    return undefined;
  }
  const template = as.template !== undefined ? p.templates.get(as.template) : inferTemplate(p, start, end, as.skill);
  const shift = makeShift(p, a, start, end, as.skill, template);
  if (as.segments === undefined) return shift;
  const segments = locateSegments(p, a.zone, as, start, end, path, issues);
  return segments ? { ...shift, segments } : undefined;
}

/** The segments of an assignment as instants; they must tile start … end in order, without gaps or overlaps. */
function locateSegments(p: Problem, zone: string, as: Assignment, start: number, end: number, path: string, issues: InputIssue[]): ShiftSegment[] | undefined {
  const out: ShiftSegment[] = [];
  const before = issues.length;
  let at = start;
  (as.segments ?? []).forEach((g, j) => {
    const gp = `${path}/segments/${j}`;
    const s0 = parseDateTime(g.start, zone);
    const s1 = parseDateTime(g.end, zone);
    if (s0 === undefined) issues.push({ path: `${gp}/start`, message: `not a valid date-time: ${g.start}` });
    if (s1 === undefined) issues.push({ path: `${gp}/end`, message: `not a valid date-time: ${g.end}` });
    if (g.skill !== undefined && !p.skillIndex.has(g.skill)) issues.push({ path: `${gp}/skill`, message: `unknown skill ${g.skill}` });
    if (g.kind === 'activity' && g.activityId === undefined) issues.push({ path: `${gp}/activityId`, message: 'an activity segment names its activity' });
    if (g.kind !== 'activity' && g.activityId !== undefined) issues.push({ path: `${gp}/activityId`, message: `only an activity segment holds an activity (this is ${g.kind})` });
    if (g.activityId !== undefined && !(p.scenario.activities ?? []).some((x) => x.id === g.activityId)) issues.push({ path: `${gp}/activityId`, message: `unknown activity ${g.activityId}` });
    if (g.reset === true && g.kind !== 'break') issues.push({ path: `${gp}/reset`, message: 'only a break is a reset' });
    if (s0 === undefined || s1 === undefined) return;
    if (s0 !== at) issues.push({ path: `${gp}/start`, message: j === 0 ? 'the first segment must start when the shift starts' : 'must start where the previous segment ends (segments tile the shift)' });
    if (s1 <= s0) issues.push({ path: `${gp}/end`, message: 'must be after start' });
    out.push({
      start: s0,
      end: s1,
      kind: g.kind,
      skill: g.kind === 'work' ? (g.skill ?? as.skill) : as.skill,
      ...(g.activityId !== undefined ? { activityId: g.activityId } : {}),
      ...(g.reset === true ? { reset: true } : {}),
    });
    at = s1;
  });
  if (issues.length === before && at !== end) issues.push({ path: `${path}/segments/${out.length - 1}/end`, message: 'the last segment must end when the shift ends' });
  return issues.length === before ? out : undefined;
}

/** The first template whose start window, length and skills fit; undefined when none does. */
export function inferTemplate(p: Problem, start: number, end: number, skill: string) {
  const site = localParts(start, p.zone);
  const minutes = Math.round((end - start) / 60_000);
  return p.scenario.shiftTemplates.find(
    (t) => t.lengthsMinutes.includes(minutes) && (!t.skills || t.skills.includes(skill)) && templateAllowsStart(p, t, site.minutes, site.weekday),
  );
}

export function shiftToAssignment(p: Problem, s: Shift): Assignment {
  const a = p.agents[s.agent]!;
  return {
    agentId: a.id,
    start: isoInZone(s.start, a.zone),
    end: isoInZone(s.end, a.zone),
    skill: s.skill,
    ...(s.template ? { template: s.template.id } : {}),
    ...(s.segments
      ? {
          segments: s.segments.map((g) => ({
            start: isoInZone(g.start, a.zone),
            end: isoInZone(g.end, a.zone),
            kind: g.kind,
            ...(g.kind === 'work' ? { skill: g.skill } : {}),
            ...(g.activityId !== undefined ? { activityId: g.activityId } : {}),
            ...(g.reset ? { reset: true } : {}),
          })),
        }
      : {}),
  };
}

export function shiftsToRoster(p: Problem, byAgent: readonly (readonly Shift[])[]): Roster {
  return { assignments: byAgent.flatMap((list) => [...list].sort((x, y) => x.start - y.start).map((s) => shiftToAssignment(p, s))) };
}
