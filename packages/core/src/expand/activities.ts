/**
 * Activities as needs: each coaching member's sessions per horizon week, each meeting, each training, with
 * the agents who must attend together, how many sessions, and the spans of time (instants) a session may lie
 * in. The `activities` rule and the second stage's placement both read them, so they cannot disagree.
 */
import type { Activity, ActivityWindow, Scenario, Team } from '../schema/scenario.js';
import type { Problem } from './problem.js';
import { MINUTE_MS, addDaysToDate, instantOfLocal, minutesOfTime, parseDateTime, startOfLocalDay, weekdayIndex, weekdayOfDate } from '../time/zone.js';

export interface ActivityNeed {
  readonly activity: Activity;
  /** Agent indices attending each session together: coaching [leader, member], a meeting's attendees, training [agent]. */
  readonly agents: readonly number[];
  /** Sessions needed. */
  readonly count: number;
  /** Sorted, disjoint spans a session lies inside. */
  readonly spans: readonly (readonly [number, number])[];
  readonly lengthMs: number;
  readonly hard: boolean;
  /** Cost of each unplaced session of a soft activity. */
  readonly weight: number;
  /** For messages: `coaching c1 (lead with ann), week 1`. */
  readonly label: string;
}

export function teamOf(s: Scenario, id: string): Team | undefined {
  return s.teams?.find((t) => t.id === id);
}

/** Agent ids a meeting gathers: its attendees, or its team's leader and members. */
export function meetingAttendees(s: Scenario, a: Activity & { kind: 'meeting' }): string[] {
  if (a.attendees) return a.attendees;
  const team = a.team === undefined ? undefined : teamOf(s, a.team);
  return team ? [team.leader, ...team.members] : [];
}

/** Every agent id that may hold a segment of the activity. */
export function participantIds(s: Scenario, a: Activity): string[] {
  if (a.kind === 'training') return [a.agentId];
  if (a.kind === 'meeting') return meetingAttendees(s, a);
  const team = teamOf(s, a.team);
  return team ? [team.leader, ...team.members] : [];
}

export function describeActivity(a: Activity): string {
  return `${a.hard ? 'hard ' : ''}${a.kind} ${a.id}${a.name ? ` (${a.name})` : ''}`;
}

const cache = new WeakMap<Problem, readonly ActivityNeed[]>();

/** Every need of the scenario's activities, in scenario order (coaching: member by member, week by week). */
export function activityNeeds(p: Problem): readonly ActivityNeed[] {
  let needs = cache.get(p);
  if (needs) return needs;
  const out: ActivityNeed[] = [];
  const index = (id: string) => p.agentById.get(id)?.index;
  for (const a of p.scenario.activities ?? []) {
    const spans = windowSpans(p, a.window);
    const base = { activity: a, lengthMs: a.minutes * MINUTE_MS, hard: a.hard === true, weight: a.weight ?? 1 };
    if (a.kind === 'coaching') {
      const team = teamOf(p.scenario, a.team);
      const leader = team && index(team.leader);
      if (!team || leader === undefined) continue; // validation reports it
      for (const memberId of team.members) {
        const member = index(memberId);
        if (member === undefined) continue;
        for (const w of p.weeks) {
          const week: [number, number] = [dayStart(p, w.firstDay), dayStart(p, w.firstDay + w.dayCount)];
          const label = `${describeActivity(a)} (${team.leader} with ${memberId}), week ${w.index + 1}`;
          out.push({ ...base, agents: [leader, member], count: Math.ceil((a.perWeek * w.dayCount) / 7), spans: intersect(spans, [week]), label });
        }
      }
    } else {
      const ids = participantIds(p.scenario, a);
      const agents = ids.map(index).filter((i): i is number => i !== undefined);
      if (agents.length !== ids.length || agents.length === 0) continue;
      out.push({ ...base, agents, count: 1, spans, label: `${describeActivity(a)} (${a.kind === 'training' ? a.agentId : ids.join(', ')})` });
    }
  }
  cache.set(p, (needs = out));
  return needs;
}

function dayStart(p: Problem, day: number): number {
  return day >= p.days ? p.gridEnd : startOfLocalDay(addDaysToDate(p.startDate, day), p.zone);
}

/** The instant of a site wall-clock time on a date, or the first one after it that exists (a DST gap). */
function localOrLater(date: string, minutes: number, zone: string): number {
  if (minutes >= 1440) return startOfLocalDay(addDaysToDate(date, 1), zone);
  for (let m = minutes; m < minutes + 180; m += 1) {
    const t = instantOfLocal(date, m, zone);
    if (t !== undefined) return t;
  }
  return startOfLocalDay(addDaysToDate(date, 1), zone);
}

/** The window as sorted, disjoint spans of instants inside the horizon (all of it when no window is given). */
export function windowSpans(p: Problem, w: ActivityWindow | undefined): [number, number][] {
  const lo = Math.max(p.gridStart, w?.start !== undefined ? (parseDateTime(w.start, p.zone) ?? p.gridStart) : p.gridStart);
  const hi = Math.min(p.gridEnd, w?.end !== undefined ? (parseDateTime(w.end, p.zone) ?? p.gridEnd) : p.gridEnd);
  const days: [number, number][] = [];
  for (const date of p.dates) {
    if (w?.weekdays && !w.weekdays.some((d) => weekdayIndex(d) === weekdayOfDate(date))) continue;
    const from = localOrLater(date, w?.from !== undefined ? minutesOfTime(w.from) : 0, p.zone);
    const to = localOrLater(date, w?.to !== undefined ? minutesOfTime(w.to) : 1440, p.zone);
    if (to > from) days.push([from, to]);
  }
  return intersect(merge(days), [[lo, hi]]);
}

function merge(spans: [number, number][]): [number, number][] {
  const out: [number, number][] = [];
  for (const s of [...spans].sort((x, y) => x[0] - y[0])) {
    const last = out[out.length - 1];
    if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
    else out.push([s[0], s[1]]);
  }
  return out;
}

function intersect(a: readonly (readonly [number, number])[], b: readonly (readonly [number, number])[]): [number, number][] {
  const out: [number, number][] = [];
  for (const x of a) for (const y of b) if (Math.min(x[1], y[1]) > Math.max(x[0], y[0])) out.push([Math.max(x[0], y[0]), Math.min(x[1], y[1])]);
  return out;
}
