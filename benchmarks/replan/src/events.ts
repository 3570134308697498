/**
 * The re-plan benchmark's events, laid onto a scenario whose roster is already published: an absence of a few
 * agents for one afternoon (sick leave added to them) and a demand surge on one day (that day's demand scaled).
 * Each returns the changed scenario (the input is not touched) and the instant before which nothing may change.
 */
import { rng, time, type Roster, type Scenario } from '@flexroster/core';

export interface ReplanEvent {
  readonly kind: 'absence' | 'demand';
  /** One line for the report, e.g. `3 agents absent 2026-03-05 13:00–18:00`. */
  readonly description: string;
  readonly scenario: Scenario;
  /** `frozenBefore` of the re-plan: an instant (ISO 8601 with offset). */
  readonly frozenBefore: string;
  /** The absent agents (absence only). */
  readonly agentIds: readonly string[];
}

export interface AbsenceOptions {
  /** Day of the horizon (0 = its first day). */
  readonly day: number;
  /** Local times of the agents' own zones. */
  readonly from: string;
  readonly to: string;
  readonly count: number;
  readonly seed: number;
}

const zoneOf = (s: Scenario, agentId: string) => s.agents.find((a) => a.id === agentId)?.timeZone ?? s.horizon.timeZone;

function at(date: string, local: string, zone: string): number {
  const t = time.parseDateTime(`${date}T${local}`, zone);
  if (t === undefined) throw new Error(`${date}T${local} does not exist in ${zone}`);
  return t;
}

/**
 * `count` agents (a seeded pick among those the published roster has at work in the window, with no leave
 * that day; the rest of the agents only if too few work) get sick leave from `from` to `to` on `day`.
 * frozenBefore is the absence's start, or earlier where a shift it breaks started before: such a shift must
 * change, and the core refuses a frozen shift that a new absence breaks (the call came before it began).
 */
export function absenceEvent(scenario: Scenario, published: Roster, o: AbsenceOptions): ReplanEvent {
  const date = time.addDaysToDate(scenario.horizon.startDate, o.day);
  const window = (id: string) => [at(date, o.from, zoneOf(scenario, id)), at(date, o.to, zoneOf(scenario, id))] as const;
  const overlapping = (id: string) => {
    const [s, e] = window(id);
    return published.assignments.filter((as) => as.agentId === id && Date.parse(as.start) < e && s < Date.parse(as.end));
  };
  const free = scenario.agents.filter((a) => !(a.leave ?? []).some((l) => l.start.slice(0, 10) <= date && date <= l.end.slice(0, 10)));
  const working = free.filter((a) => overlapping(a.id).length > 0);
  const random = rng(o.seed * 104729 + o.day);
  const pick = (pool: typeof free, n: number) => {
    const left = [...pool];
    return Array.from({ length: Math.min(n, left.length) }, () => left.splice(Math.floor(random() * left.length), 1)[0]!);
  };
  const chosen = pick(working, o.count);
  chosen.push(...pick(free.filter((a) => !chosen.includes(a)), o.count - chosen.length));
  const agentIds = chosen.map((a) => a.id).sort();
  const changed = structuredClone(scenario);
  for (const a of changed.agents)
    if (agentIds.includes(a.id)) a.leave = [...(a.leave ?? []), { start: `${date}T${o.from}`, end: `${date}T${o.to}`, type: 'sick', paid: true }];
  const starts = agentIds.flatMap((id) => [window(id)[0], ...overlapping(id).map((as) => Date.parse(as.start))]);
  return {
    kind: 'absence',
    description: `${agentIds.length} agents absent ${date} ${o.from}–${o.to} (${agentIds.join(', ')})`,
    scenario: changed,
    frozenBefore: new Date(Math.min(...starts)).toISOString(),
    agentIds,
  };
}

/** That day's interval demand (entries starting on its local date) scaled by `factor`; frozen before the day. */
export function demandEvent(scenario: Scenario, day: number, factor: number): ReplanEvent {
  const date = time.addDaysToDate(scenario.horizon.startDate, day);
  const changed = structuredClone(scenario);
  const scale = (xs: number[]) => xs.map((x) => Math.round(x * factor * 10) / 10);
  let entries = 0;
  for (const d of changed.demand ?? []) {
    if (d.start.slice(0, 10) !== date) continue;
    entries++;
    if (d.required) d.required = scale(d.required);
    if (d.forecast) d.forecast.contacts = scale(d.forecast.contacts);
  }
  if (entries === 0) throw new Error(`no demand starts on ${date}`);
  return {
    kind: 'demand',
    description: `demand ×${factor} on ${date} (${entries} entries)`,
    scenario: changed,
    frozenBefore: new Date(time.startOfLocalDay(date, scenario.horizon.timeZone)).toISOString(),
    agentIds: [],
  };
}
