/**
 * Examples for the OpenAPI document: a small contact-centre scenario and a roster for it. The response
 * examples are computed by the core from these inputs when the app is built (a few milliseconds), so
 * they always match what the API really returns.
 */
import { checkSwap, evaluate, swapCandidates, validateScenario, type Roster, type Scenario, type ShiftRef, type SolveResult, type Swap } from '@flexroster/core';
import type { JobView } from './schemas.js';

const hourly = Array.from({ length: 24 }, (_, h) => (h >= 8 && h < 18 ? 2 : h >= 18 && h < 22 ? 1 : 0));

export const exampleScenario: Scenario = {
  schemaVersion: 1,
  name: 'Voice team, three days',
  horizon: { startDate: '2026-03-23', days: 3, timeZone: 'Europe/London', intervalMinutes: 60 },
  skills: ['voice'],
  shiftTemplates: [{ id: 'day', name: 'Day shift', earliestStart: '07:00', latestStart: '14:00', startStepMinutes: 60, lengthsMinutes: [480] }],
  contracts: [{ id: 'full-time', hoursPerWeek: { max: 40 }, maxDaysPerWeek: 5, minRestHours: 11 }],
  agents: [
    { id: 'amira', name: 'Amira', skills: ['voice'], contract: 'full-time' },
    { id: 'ben', name: 'Ben', skills: ['voice'], contract: 'full-time', rules: [{ kind: 'earliest-start', time: '09:00' }] },
    { id: 'chen', name: 'Chen', skills: ['voice'], contract: 'full-time' },
  ],
  demand: ['2026-03-23', '2026-03-24', '2026-03-25'].map((date) => ({ skill: 'voice', start: `${date}T00:00`, required: hourly })),
};

const shift = (agentId: string, date: string, from: string, to: string) => ({ agentId, start: `${date}T${from}`, end: `${date}T${to}`, skill: 'voice', template: 'day' });

export const exampleRoster: Roster = {
  assignments: [
    shift('amira', '2026-03-23', '08:00', '16:00'),
    shift('chen', '2026-03-23', '14:00', '22:00'),
    shift('ben', '2026-03-24', '10:00', '18:00'),
    shift('chen', '2026-03-24', '14:00', '22:00'),
    shift('amira', '2026-03-25', '08:00', '16:00'),
    shift('ben', '2026-03-25', '14:00', '22:00'),
  ],
};

export const exampleShift: ShiftRef = { start: '2026-03-24T14:00', end: '2026-03-24T22:00' };

export const exampleSwap: Swap = { kind: 'give-away', fromAgent: 'chen', shift: exampleShift, toAgent: 'amira' };

export interface Examples {
  readonly validateResponse: unknown;
  readonly evaluateResponse: unknown;
  readonly solveResult: SolveResult;
  readonly swapCheckResponse: unknown;
  readonly swapCandidatesResponse: unknown;
  readonly job: JobView;
}

let cached: Examples | undefined;

export function examples(): Examples {
  if (cached) return cached;
  const evaluation = evaluate(exampleScenario, exampleRoster);
  const solveResult: SolveResult = {
    status: 'optimal',
    reason: 'optimal: highs proved it',
    cost: evaluation.costs.total,
    lowerBound: evaluation.costs.total,
    gap: 0,
    roster: exampleRoster,
    evaluation,
    warnings: [],
    stats: {
      backend: 'highs',
      variables: 162,
      rows: 72,
      candidateShifts: 72,
      buildSeconds: 0.02,
      solveSeconds: 0.41,
      totalSeconds: 0.47,
      backendStatus: 'optimal',
      backendMessage: 'HiGHS: Optimal',
      heuristicCost: evaluation.costs.total,
      backendObjective: evaluation.costs.total,
      secondStage: { seconds: 0.001, method: 'greedy', days: 0, daysByMip: 0, gap: null },
    },
  };
  cached = {
    validateResponse: validateScenario(exampleScenario),
    evaluateResponse: evaluation,
    solveResult,
    swapCheckResponse: checkSwap(exampleScenario, exampleRoster, exampleSwap),
    swapCandidatesResponse: swapCandidates(exampleScenario, exampleRoster, 'chen', exampleShift),
    job: {
      id: '0b9f6d8e-4c1a-4f0e-9a55-2f7e3f1c9d21',
      status: 'running',
      createdAt: '2026-03-20T09:15:02.114Z',
      startedAt: '2026-03-20T09:15:02.120Z',
      cancelRequested: false,
      timeLimitSeconds: 120,
      backend: 'highs',
      progress: { phase: 'backend', bestCost: 2520, lowerBound: 2400, gap: 0.0476, elapsedSeconds: 14.2 },
    },
  };
  return cached;
}
