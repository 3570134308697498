/**
 * Generated scenarios of contact-centre size, for the latency benchmark and the tests: several dozen
 * agents on a 15-minute grid, two skills, early and late templates, a daytime peak.
 */
import type { Roster, Scenario } from '@flexroster/core';

export const BENCH_START_DATE = '2026-03-23';

export function addDays(date: string, n: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** Agents needed per interval over one day: `peak` from 08:00 to 18:00, `evening` until 22:00. */
export function dayProfile(intervalMinutes: number, peak: number, evening: number): number[] {
  const perHour = 60 / intervalMinutes;
  return Array.from({ length: 24 * perHour }, (_, i) => {
    const hour = Math.floor(i / perHour);
    return hour >= 8 && hour < 18 ? peak : hour >= 18 && hour < 22 ? evening : 0;
  });
}

/** Big enough that a solve stays busy for many seconds: 40 agents × 14 days keep the heuristic improving for its whole share. */
export function largeScenario(agents = 40, days = 14): Scenario {
  return {
    schemaVersion: 1,
    name: `${agents} agents, ${days} days`,
    horizon: { startDate: BENCH_START_DATE, days, timeZone: 'Europe/London', intervalMinutes: 15 },
    skills: ['voice', 'chat'],
    shiftTemplates: [
      { id: 'early', earliestStart: '06:00', latestStart: '10:00', startStepMinutes: 15, lengthsMinutes: [360, 480] },
      { id: 'late', earliestStart: '12:00', latestStart: '15:00', startStepMinutes: 15, lengthsMinutes: [360, 480] },
    ],
    contracts: [{ id: 'ft', hoursPerWeek: { min: 24, max: 40 }, maxDaysPerWeek: 5, minRestHours: 11, maxConsecutiveDays: 5 }],
    agents: Array.from({ length: agents }, (_, i) => ({ id: `agent-${i + 1}`, skills: i % 3 === 0 ? ['voice', 'chat'] : ['voice'], contract: 'ft' })),
    demand: Array.from({ length: days }, (_, d) => [
      { skill: 'voice', start: `${addDays(BENCH_START_DATE, d)}T00:00`, required: dayProfile(15, 14, 6) },
      { skill: 'chat', start: `${addDays(BENCH_START_DATE, d)}T00:00`, required: dayProfile(15, 4, 2) },
    ]).flat(),
  };
}

/**
 * A plausible roster for `largeScenario`: every agent works five days in seven (staggered), half of them
 * early (08:00–16:00), half late (14:00–22:00).
 */
export function largeRoster(agents = 40, days = 14): Roster {
  const assignments: Roster['assignments'] = [];
  for (let i = 0; i < agents; i++) {
    const early = i % 2 === 0;
    for (let d = 0; d < days; d++) {
      if ((d + i) % 7 >= 5) continue;
      const date = addDays(BENCH_START_DATE, d);
      assignments.push({
        agentId: `agent-${i + 1}`,
        start: `${date}T${early ? '08:00' : '14:00'}`,
        end: `${date}T${early ? '16:00' : '22:00'}`,
        skill: 'voice',
        template: early ? 'early' : 'late',
      });
    }
  }
  return { assignments };
}

/** A give-away check on `largeScenario`/`largeRoster`: agent-1's first shift offered to agent-2. */
export function largeSwapCheck(agents = 40, days = 7) {
  const roster = largeRoster(agents, days);
  const first = roster.assignments.find((a) => a.agentId === 'agent-1')!;
  return {
    scenario: largeScenario(agents, days),
    roster,
    swap: { kind: 'give-away' as const, fromAgent: 'agent-1', shift: { start: first.start, end: first.end }, toAgent: 'agent-2' },
  };
}
