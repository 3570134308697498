/** Text view of what each shift holds: one line per agent and day with its segments, and the activities left unplaced. */
import { time, type Roster, type Scenario, type SolveResult } from '@flexroster/core';

type Assignment = Roster['assignments'][number];
type Segment = NonNullable<Assignment['segments']>[number];

/** `HH:mm` of an ISO instant in the site's zone. */
function clock(iso: string, zone: string): string {
  return time.timeOfMinutes(time.localParts(Date.parse(iso), zone).minutes);
}

/** One segment as `work voice 08:00–10:00`, `break 10:00–10:15`, `reset 12:00–12:15`, `coaching coach-a 14:00–14:30`. */
function label(s: Scenario, a: Assignment, g: Segment): string {
  const zone = s.horizon.timeZone;
  const span = `${clock(g.start, zone)}–${clock(g.end, zone)}`;
  if (g.kind === 'work') return `work ${g.skill ?? a.skill} ${span}`;
  if (g.kind === 'activity') return `${s.activities?.find((x) => x.id === g.activityId)?.kind ?? 'activity'} ${g.activityId} ${span}`;
  return `${g.reset ? 'reset' : g.kind} ${span}`;
}

/** Each agent's shifts in time order: `agent-01 Tue 08:00–16:30 work voice 08:00–10:00 · break 10:00–10:15 · …`. */
export function agentDays(s: Scenario, r: SolveResult): string {
  const zone = s.horizon.timeZone;
  const order = new Map(s.agents.map((a, i) => [a.id, i]));
  const shifts = [...r.roster.assignments].sort((x, y) => (order.get(x.agentId) ?? 0) - (order.get(y.agentId) ?? 0) || Date.parse(x.start) - Date.parse(y.start));
  return shifts
    .map((a) => {
      const day = time.WEEKDAYS[time.localParts(Date.parse(a.start), zone).weekday]!;
      const head = `${a.agentId.padEnd(9)} ${day[0]!.toUpperCase()}${day.slice(1)} ${clock(a.start, zone)}–${clock(a.end, zone)}`;
      const segments = a.segments ?? [{ start: a.start, end: a.end, kind: 'work' as const, skill: a.skill }];
      return `${head}  ${segments.map((g) => label(s, a, g)).join(' · ')}`;
    })
    .join('\n');
}

/** The activity sessions the second stage could not place, one line each (empty when all were placed). */
export function unplacedLines(r: SolveResult): string[] {
  return (r.unplacedActivities ?? []).map((u) => `unplaced ${u.hard ? 'hard' : 'soft'} ${u.kind} ${u.activityId} (${u.agentIds.join(', ')}): ${u.sessions} session(s); ${u.message}`);
}
