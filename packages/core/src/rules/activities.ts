/**
 * activities (hard, soft for unplaced soft activities): the `activity` segments of a roster are the
 * scenario's coaching sessions, meetings and trainings. Checked per agent: an agent holds only activities it
 * attends. Checked over the roster: the agents holding one activity at the same start and end are a whole
 * session (coaching: the team's leader and one member; a meeting: every attendee; training: its agent),
 * inside the activity's window, and no more sessions than asked for; a session not placed costs its
 * `weight` (soft) or is a violation (hard), named. Sessions lie inside shifts because segments tile them.
 * A roster with shifts none of which carries segments has not been through the second stage: its missing
 * sessions are not judged (placed ones are).
 * build adds nothing: the solve places activities in its second stage (solve/phases/activities.ts), so a
 * hard activity whose agents the shift plan gives no common time is reported, not avoided.
 */
import type { Problem, Shift } from '../expand/problem.js';
import { activityNeeds, describeActivity, participantIds, type ActivityNeed } from '../expand/activities.js';
import { isoInZone, localParts } from '../time/zone.js';
import type { RuleFinding, RuleModule } from './rule.js';
import { dateOfDay, timeOfMinutes } from './rule.js';

export const ACTIVITIES = 'activities';

/** One placed session: an activity held by some agents from start to end. */
interface Occurrence {
  readonly activityId: string;
  readonly start: number;
  readonly end: number;
  readonly holders: Set<number>;
}

function occurrences(byAgent: readonly (readonly Shift[])[]): Occurrence[] {
  const byKey = new Map<string, Occurrence>();
  byAgent.forEach((shifts, ai) => {
    for (const s of shifts)
      for (const g of s.segments ?? []) {
        if (g.kind !== 'activity' || g.activityId === undefined) continue;
        const key = `${g.activityId}|${g.start}|${g.end}`;
        const o = byKey.get(key) ?? { activityId: g.activityId, start: g.start, end: g.end, holders: new Set<number>() };
        o.holders.add(ai);
        byKey.set(key, o);
      }
  });
  return [...byKey.values()].sort((x, y) => x.start - y.start);
}

export interface UnplacedSession {
  readonly need: ActivityNeed;
  /** Sessions of the need not placed. */
  readonly missing: number;
}

/** The sessions a roster places for each need, and what is wrong with its occurrences (in words). */
export function judgeOccurrences(p: Problem, byAgent: readonly (readonly Shift[])[]): { placed: Map<ActivityNeed, number>; problems: { message: string; at: number }[] } {
  const needs = activityNeeds(p);
  const placed = new Map<ActivityNeed, number>(needs.map((n) => [n, 0]));
  const problems: { message: string; at: number }[] = [];
  const ids = (set: Iterable<number>) => [...set].map((i) => p.agents[i]!.id).join(', ');
  for (const o of occurrences(byAgent)) {
    const activity = p.scenario.activities?.find((x) => x.id === o.activityId);
    if (!activity) continue; // an unknown activity is an input error (evaluate/roster.ts)
    const at = isoInZone(o.start, p.zone);
    const allowed = new Set(participantIds(p.scenario, activity).map((id) => p.agentById.get(id)?.index));
    const holders = new Set([...o.holders].filter((i) => allowed.has(i))); // the others are the per-agent check's
    if (holders.size === 0) continue;
    const mine = needs.filter((n) => n.activity === activity);
    const same = mine.filter((n) => n.agents.length === holders.size && n.agents.every((i) => holders.has(i)));
    if (same.length === 0) {
      problems.push({ at: o.start, message: `${describeActivity(activity)} at ${at}: ${incomplete(p, mine, holders)}` });
      continue;
    }
    const need = same.find((n) => n.spans.some(([a, b]) => o.start >= a && o.end <= b));
    if (!need) {
      problems.push({ at: o.start, message: `${describeActivity(activity)} at ${at} (${ids(holders)}): outside its window` });
      continue;
    }
    if (o.end - o.start !== need.lengthMs) problems.push({ at: o.start, message: `${need.label} at ${at}: lasts ${(o.end - o.start) / 60_000} min, not ${activity.minutes}` });
    const n = placed.get(need)! + 1;
    placed.set(need, n);
    if (n > need.count) problems.push({ at: o.start, message: `${need.label} at ${at}: more sessions than the ${need.count} asked for` });
  }
  return { placed, problems };
}

/** What is missing from a session its holders (attendees of it, but not a whole session) hold. */
function incomplete(p: Problem, needs: readonly ActivityNeed[], holders: ReadonlySet<number>): string {
  const ids = (list: Iterable<number>) => [...list].map((i) => p.agents[i]!.id).join(', ');
  const coaching = needs[0]?.activity.kind === 'coaching';
  const leader = coaching ? needs[0]!.agents[0] : undefined;
  if (leader !== undefined && holders.size === 1 && holders.has(leader)) return `${ids(holders)} (the leader) holds it with no member: the member is not on shift, or not off the phones for it then`;
  // The agents who should be with the holders: those of the one group of agents the holders are part of.
  const groups = new Map(needs.filter((n) => [...holders].every((i) => n.agents.includes(i))).map((n) => [n.agents.join(','), n.agents]));
  const group = groups.size === 1 ? [...groups.values()][0]! : undefined;
  const missing = group ? group.filter((i) => !holders.has(i)) : [];
  if (missing.length === 0) return `held by ${ids(holders)}, not one session of it`;
  if (coaching) return `${ids(missing)} (${missing[0] === leader ? 'the leader' : 'the member'}) is not with ${ids(holders)}: not on shift, or not off the phones for it then`;
  return `${ids(missing)} not there (not on shift, or not off the phones for it then)`;
}

/** Sessions a roster leaves unplaced, need by need (empty for a roster not yet through the second stage). */
export function unplacedSessions(p: Problem, byAgent: readonly (readonly Shift[])[]): UnplacedSession[] {
  if (!staged(byAgent)) return [];
  const { placed } = judgeOccurrences(p, byAgent);
  return [...placed].filter(([n, k]) => k < n.count).map(([need, k]) => ({ need, missing: need.count - k }));
}

export function unplacedMessage(u: UnplacedSession): string {
  return `${u.need.label}: ${u.missing} of ${u.need.count} session${u.need.count === 1 ? '' : 's'} not placed`;
}

/** Whether the roster has been through the second stage: some shift carries segments, or there is no shift. */
function staged(byAgent: readonly (readonly Shift[])[]): boolean {
  return byAgent.every((l) => l.length === 0) || byAgent.some((l) => l.some((s) => s.segments !== undefined));
}

export const activitiesRule: RuleModule = {
  name: ACTIVITIES,
  description: 'Coaching, meetings and training placed as whole sessions inside shifts and windows; an unplaced one costs its weight (soft) or breaks the roster (hard)',
  checkAgent(p, a, shifts) {
    if (!p.scenario.activities?.length) return [];
    const out: RuleFinding[] = [];
    for (const s of shifts)
      for (const g of s.segments ?? []) {
        if (g.kind !== 'activity') continue;
        const activity = p.scenario.activities.find((x) => x.id === g.activityId);
        if (activity && participantIds(p.scenario, activity).includes(a.id)) continue;
        const at = timeOfMinutes(localParts(g.start, a.zone).minutes);
        const message = `shift at ${timeOfMinutes(s.localStart)} holds ${activity ? describeActivity(activity) : `activity ${g.activityId}`} at ${at}, which ${a.id} does not attend`;
        out.push({ rule: ACTIVITIES, agentId: a.id, hard: true, cost: 0, date: dateOfDay(p, s.day), message });
      }
    return out;
  },
  checkRoster(p, byAgent) {
    if (!p.scenario.activities?.length) return [];
    const out: RuleFinding[] = judgeOccurrences(p, byAgent).problems.map((x) => ({ rule: ACTIVITIES, hard: true, cost: 0, message: x.message, date: localParts(x.at, p.zone).date }));
    for (const u of unplacedSessions(p, byAgent)) {
      const agentId = u.need.activity.kind === 'meeting' ? undefined : p.agents[u.need.agents[u.need.agents.length - 1]!]!.id;
      const message = unplacedMessage(u);
      out.push({ rule: ACTIVITIES, ...(agentId !== undefined ? { agentId } : {}), hard: u.need.hard, cost: u.need.hard ? 0 : u.need.weight * u.missing, message });
    }
    return out;
  },
};
