/**
 * The machine's measured speed: a fixed, deterministic piece of the solver's own work, timed, so that sweeps
 * run on different machines can be compared. The probe builds the model of one fixed reference scenario
 * (expand + rule modules) and solves its LP relaxation once with HiGHS; both steps are single-threaded and
 * do the same work on every machine. Smaller seconds = a faster machine for this work.
 */
import { buildRosterModel, expandProblem, generateCandidates } from '@flexroster/core';
import { highsBackend } from '@flexroster/solver-highs';
import { scenarioOfShape } from './generate.js';
import type { Shape } from './design.js';

export const PROBE_SHAPE: Shape = {
  index: 0,
  agents: 25,
  days: 7,
  intervalMinutes: 15,
  skills: 2,
  demand: 'forecast',
  profile: 'extended',
  timeZone: 'Europe/London',
  dstChange: false,
  leaveShare: 0.1,
  rules: 'some',
  micro: true,
  contracts: 'full-part',
  remote: false,
};
export const PROBE_SEED = 1;

export interface ProbeResult {
  /** Build + LP, the figure to compare. */
  seconds: number;
  buildSeconds: number;
  lpSeconds: number;
  lpStatus: string;
  lpObjective: number | null;
  columns: number;
  rows: number;
  description: string;
}

export const PROBE_DESCRIPTION = `model build (expand, candidate shifts, rule modules) and one HiGHS LP relaxation of the fixed reference scenario (${PROBE_SHAPE.agents} agents × ${PROBE_SHAPE.days} days, ${PROBE_SHAPE.intervalMinutes}-min grid, ${PROBE_SHAPE.skills} skills, forecast, extended hours, seed ${PROBE_SEED})`;

export async function runProbe(): Promise<ProbeResult> {
  const scenario = scenarioOfShape(PROBE_SHAPE, PROBE_SEED);
  const t0 = performance.now();
  const problem = expandProblem(scenario);
  generateCandidates(problem);
  const { lp } = buildRosterModel(problem);
  const t1 = performance.now();
  const r = await highsBackend().solve(lp, { timeLimitSeconds: 600, relaxIntegrality: true });
  const t2 = performance.now();
  return {
    seconds: (t2 - t0) / 1000,
    buildSeconds: (t1 - t0) / 1000,
    lpSeconds: (t2 - t1) / 1000,
    lpStatus: r.status,
    lpObjective: r.objective ?? null,
    columns: lp.variables.length,
    rows: lp.rows.length,
    description: PROBE_DESCRIPTION,
  };
}
