/**
 * Domain checks of teams, activities and skill definitions (the schema has checked their shapes): ids that
 * exist and are unique, an agent in at most one team, activity windows inside the horizon and long enough,
 * coaching no longer than a shift, continuous-work limits that fit the grid. Each issue names its path.
 */
import type { Scenario } from '../schema/scenario.js';
import type { InputIssue } from '../schema/errors.js';
import { addDaysToDate, minutesOfTime, parseDateTime, startOfLocalDay } from '../time/zone.js';

export function skillDefinitionIssues(s: Scenario): InputIssue[] {
  const out: InputIssue[] = [];
  s.skills.forEach((k, i) => {
    if (typeof k === 'string') return;
    const p = `/skills/${i}`;
    if ((k.maxContinuousMinutes === undefined) !== (k.resetMinutes === undefined))
      out.push({ path: `${p}/${k.maxContinuousMinutes === undefined ? 'maxContinuousMinutes' : 'resetMinutes'}`, message: 'maxContinuousMinutes and resetMinutes are given together' });
    if (k.maxContinuousMinutes !== undefined && k.maxContinuousMinutes < s.horizon.intervalMinutes)
      out.push({ path: `${p}/maxContinuousMinutes`, message: `${k.maxContinuousMinutes} min is shorter than the ${s.horizon.intervalMinutes}-minute grid step` });
  });
  return out;
}

export function teamIssues(s: Scenario): InputIssue[] {
  const out: InputIssue[] = [];
  const agents = new Set(s.agents.map((a) => a.id));
  const ids = new Set<string>();
  const teamOfAgent = new Map<string, string>();
  const place = (agentId: string, team: string, path: string) => {
    if (!agents.has(agentId)) return void out.push({ path, message: `unknown agent ${agentId}` });
    const other = teamOfAgent.get(agentId);
    if (other !== undefined) return void out.push({ path, message: `${agentId} is already in team ${other}; an agent belongs to at most one team` });
    teamOfAgent.set(agentId, team);
  };
  (s.teams ?? []).forEach((t, i) => {
    const p = `/teams/${i}`;
    if (ids.has(t.id)) out.push({ path: `${p}/id`, message: `duplicate team ${t.id}` });
    ids.add(t.id);
    place(t.leader, t.id, `${p}/leader`);
    t.members.forEach((m, j) => place(m, t.id, `${p}/members/${j}`));
  });
  return out;
}

export function activityIssues(s: Scenario): InputIssue[] {
  const out: InputIssue[] = [];
  const agents = new Set(s.agents.map((a) => a.id));
  const teams = new Set((s.teams ?? []).map((t) => t.id));
  const ids = new Set<string>();
  const longestShift = Math.max(...s.shiftTemplates.flatMap((t) => t.lengthsMinutes));
  (s.activities ?? []).forEach((a, i) => {
    const p = `/activities/${i}`;
    if (ids.has(a.id)) out.push({ path: `${p}/id`, message: `duplicate activity ${a.id}` });
    ids.add(a.id);
    if (a.kind === 'coaching' && !teams.has(a.team)) out.push({ path: `${p}/team`, message: `unknown team ${a.team}` });
    if (a.kind === 'training' && !agents.has(a.agentId)) out.push({ path: `${p}/agentId`, message: `unknown agent ${a.agentId}` });
    if (a.kind === 'meeting') {
      if ((a.attendees === undefined) === (a.team === undefined)) out.push({ path: p, message: 'give exactly one of attendees or team' });
      a.attendees?.forEach((x, j) => agents.has(x) || out.push({ path: `${p}/attendees/${j}`, message: `unknown agent ${x}` }));
      if (a.team !== undefined && !teams.has(a.team)) out.push({ path: `${p}/team`, message: `unknown team ${a.team}` });
      if (a.attendees && new Set(a.attendees).size !== a.attendees.length) out.push({ path: `${p}/attendees`, message: 'an attendee is listed twice' });
    }
    if (a.minutes > longestShift) out.push({ path: `${p}/minutes`, message: `${a.minutes} min is longer than any shift (the longest is ${longestShift} min)` });
    out.push(...windowIssues(s, a.window, a.minutes, `${p}/window`));
  });
  return out;
}

/** A window ordered, inside the horizon, and long enough for one session. */
function windowIssues(s: Scenario, w: NonNullable<Scenario['activities']>[number]['window'], minutes: number, path: string): InputIssue[] {
  if (!w) return [];
  const out: InputIssue[] = [];
  const zone = s.horizon.timeZone;
  const h0 = startOfLocalDay(s.horizon.startDate, zone);
  const h1 = startOfLocalDay(addDaysToDate(s.horizon.startDate, s.horizon.days), zone);
  const start = w.start === undefined ? h0 : parseDateTime(w.start, zone);
  const end = w.end === undefined ? h1 : parseDateTime(w.end, zone);
  if (start === undefined) out.push({ path: `${path}/start`, message: `not a valid time in ${zone}: ${w.start}` });
  if (end === undefined) out.push({ path: `${path}/end`, message: `not a valid time in ${zone}: ${w.end}` });
  if (start !== undefined && end !== undefined) {
    if (end <= start) out.push({ path: `${path}/end`, message: 'the window ends before or when it starts' });
    else if (end <= h0 || start >= h1) out.push({ path: path, message: `the window lies outside the horizon (${s.horizon.startDate}, ${s.horizon.days} days)` });
    else if ((Math.min(end, h1) - Math.max(start, h0)) / 60_000 < minutes) out.push({ path, message: `the window inside the horizon is shorter than one ${minutes}-min session` });
  }
  if (w.from !== undefined || w.to !== undefined) {
    const from = w.from ?? '00:00';
    const to = w.to ?? '24:00';
    const span = minutesOfTime(to) - minutesOfTime(from);
    if (span <= 0) out.push({ path: `${path}/to`, message: `ends (${to}) before or when it starts (${from})` });
    else if (span < minutes) out.push({ path: `${path}/to`, message: `${from}–${to} is shorter than one ${minutes}-min session` });
  }
  return out;
}
