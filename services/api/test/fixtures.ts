/** Scenarios and rosters shared by the API tests (not a test file itself). */
import type { Roster, Scenario } from '@flexroster/core';

export { largeScenario, largeRoster, largeSwapCheck } from '../dist/bench/scenarios.js';

const START = '2026-03-23';
const hourly = Array.from({ length: 24 }, (_, h) => (h >= 8 && h < 18 ? 2 : h >= 18 && h < 22 ? 1 : 0));

/** 3 agents, 3 days, a 60-minute grid, one 8-hour template starting 07:00–14:00. */
export function smallScenario(): Scenario {
  return {
    schemaVersion: 1,
    name: 'small',
    horizon: { startDate: START, days: 3, timeZone: 'Europe/London', intervalMinutes: 60 },
    skills: ['voice'],
    shiftTemplates: [{ id: 'day', earliestStart: '07:00', latestStart: '14:00', startStepMinutes: 60, lengthsMinutes: [480] }],
    contracts: [{ id: 'ft', hoursPerWeek: { max: 40 }, maxDaysPerWeek: 5, minRestHours: 11 }],
    agents: ['a1', 'a2', 'a3'].map((id) => ({ id, skills: ['voice'], contract: 'ft' })),
    demand: ['2026-03-23', '2026-03-24', '2026-03-25'].map((date) => ({ skill: 'voice', start: `${date}T00:00`, required: hourly })),
  };
}

export const shift = (agentId: string, date: string, from: string, to: string) => ({ agentId, start: `${date}T${from}`, end: `${date}T${to}`, skill: 'voice', template: 'day' });

/** A roster for `smallScenario` that keeps every hard rule: a1 on days one and three, a2 on days one and two, a3 on days two and three. */
export function smallRoster(): Roster {
  return {
    assignments: [
      shift('a1', '2026-03-23', '08:00', '16:00'),
      shift('a2', '2026-03-23', '14:00', '22:00'),
      shift('a2', '2026-03-24', '10:00', '18:00'),
      shift('a3', '2026-03-24', '14:00', '22:00'),
      shift('a1', '2026-03-25', '08:00', '16:00'),
      shift('a3', '2026-03-25', '14:00', '22:00'),
    ],
  };
}

export const clone = <T>(x: T): T => structuredClone(x);
