/** Scenario builders shared by the core tests (not a test file itself). */
import type { Scenario, ShiftTemplate } from '@flexroster/core';

/** A flat requirement for every interval of `days` days starting at local midnight. */
export function flatDemand(skill: string, startDate: string, days: number, perDay: number[], addDays: (d: string, n: number) => string) {
  return Array.from({ length: days }, (_, d) => ({ skill, start: `${addDays(startDate, d)}T00:00`, required: perDay }));
}

export function smallScenario(overrides: Partial<Scenario> = {}): Scenario {
  const req = Array.from({ length: 24 }, (_, i) => (i >= 8 && i < 18 ? 2 : i >= 18 && i < 22 ? 1 : 0));
  return {
    schemaVersion: 1,
    name: 'small',
    horizon: { startDate: '2026-03-23', days: 7, timeZone: 'Europe/London', intervalMinutes: 60 },
    skills: ['voice'],
    shiftTemplates: [{ id: 'day', earliestStart: '07:00', latestStart: '14:00', startStepMinutes: 60, lengthsMinutes: [480] }],
    contracts: [{ id: 'ft', hoursPerWeek: { min: 24, max: 40 }, maxDaysPerWeek: 5, minRestHours: 11 }],
    agents: [1, 2, 3].map((i) => ({ id: `a${i}`, skills: ['voice'], contract: 'ft' })),
    demand: Array.from({ length: 7 }, (_, d) => ({ skill: 'voice', start: `2026-03-${23 + d}T00:00`, required: req })),
    ...overrides,
  };
}

/** A 15-minute break 60–120 min in, a 30-min unpaid lunch 180–300 min in (shifts of 6 h or more), 30 min apart. */
export const BREAKS: Pick<ShiftTemplate, 'breaks' | 'minGapMinutes'> = {
  breaks: [
    { kind: 'break', minutes: 15, earliestAfterStartMinutes: 60, latestAfterStartMinutes: 120, paid: true },
    { kind: 'lunch', minutes: 30, earliestAfterStartMinutes: 180, latestAfterStartMinutes: 300, paid: false, minShiftMinutes: 360 },
  ],
  minGapMinutes: 30,
};
