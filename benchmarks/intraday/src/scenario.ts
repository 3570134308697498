/**
 * The intraday benchmark's scenarios, from the scenario benchmark's generator: break rules on every template
 * (two 15-minute breaks and a 30-minute lunch by shift length, all paid so contract hours are the same with
 * and without them), voice limited to 120 minutes at a stretch (15-minute reset), teams of about 12 with a
 * full-time leader, weekly 30-minute coaching per member. Demand has no shrinkage here: the breaks are in
 * the roster, so the Erlang agents are what the phones need. The flat-shrinkage variant drops all of that
 * and divides demand by (1 − BREAK_SHARE) instead.
 */
import type { Scenario, ShiftTemplate } from '@flexroster/core';
import { generateScenario, type SizeName } from '@flexroster/bench-scenarios';

/** Break rules by length: a break from 4 h, a lunch from 6 h, a second break from 7 h. Windows hold the fixed offsets. */
export const BREAK_RULES: NonNullable<ShiftTemplate['breaks']> = [
  { kind: 'break', minutes: 15, earliestAfterStartMinutes: 60, latestAfterStartMinutes: 150, paid: true, minShiftMinutes: 240 },
  { kind: 'lunch', minutes: 30, earliestAfterStartMinutes: 180, latestAfterStartMinutes: 300, paid: true, minShiftMinutes: 360 },
  { kind: 'break', minutes: 15, earliestAfterStartMinutes: 300, latestAfterStartMinutes: 390, paid: true, minShiftMinutes: 420 },
];

/** Off-phone share of an 8-hour shift (60 of 480 minutes), the flat shrinkage that stands in for the breaks. */
export const BREAK_SHARE = 60 / 480;
const TEAM_SIZE = 12;

function withBreaks(t: ShiftTemplate): ShiftTemplate {
  const longest = Math.max(...t.lengthsMinutes);
  return { ...t, breaks: BREAK_RULES.filter((b) => (b.minShiftMinutes ?? 0) <= longest), minGapMinutes: 30 };
}

/** Demand with the given forecast shrinkage (required demand is left as it is). */
function withShrinkage(demand: Scenario['demand'], shrinkage: number): Scenario['demand'] {
  return demand?.map((d) => (d.forecast ? { ...d, forecast: { ...d.forecast, shrinkage } } : d));
}

/** Teams of TEAM_SIZE agents in id order, each led by its first full-timer (a block without one joins no team). */
function teamsOf(agents: Scenario['agents']): NonNullable<Scenario['teams']> {
  const teams: NonNullable<Scenario['teams']> = [];
  for (let i = 0; i < agents.length; i += TEAM_SIZE) {
    const block = agents.slice(i, i + TEAM_SIZE);
    const leader = block.find((a) => a.contract === 'full-time');
    if (!leader || block.length < 2) continue;
    teams.push({ id: `team-${teams.length + 1}`, leader: leader.id, members: block.filter((a) => a !== leader).map((a) => a.id) });
  }
  return teams;
}

/** The scenario with break rules, resets, teams and coaching (variants a and b are rosters of it). */
export function intradayScenario(size: SizeName, seed = 1): Scenario {
  const base = generateScenario(size, seed);
  const teams = teamsOf(base.agents);
  return {
    ...base,
    name: `${base.name}, inside the shift`,
    skills: [{ id: 'voice', maxContinuousMinutes: 120, resetMinutes: 15 }, 'chat'],
    shiftTemplates: base.shiftTemplates.map(withBreaks),
    demand: withShrinkage(base.demand, 0),
    teams,
    activities: teams.map((t) => ({ id: `coach-${t.id}`, kind: 'coaching' as const, team: t.id, perWeek: 1, minutes: 30, weight: 20 })),
  };
}

/** Variant c's scenario: the same agents and contacts, no break rules, limits or activities, demand ÷ (1 − BREAK_SHARE). */
export function flatShrinkageScenario(size: SizeName, seed = 1): Scenario {
  const base = generateScenario(size, seed);
  return { ...base, name: `${base.name}, flat shrinkage`, demand: withShrinkage(base.demand, BREAK_SHARE) };
}
