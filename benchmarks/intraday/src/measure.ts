/**
 * The three ways to get breaks into a roster, measured on one size: (a) the solve's second stage, (b) (a)'s
 * shifts with breaks at fixed offsets (activities and resets placed again by the core), (c) a solve with a
 * flat shrinkage and no break rules, then the core's placeBreaks, placeActivities and placeResets. All three
 * are evaluated against the scenario with break rules. (d) is (c)'s shifts with breaks at fixed offsets: the
 * placement compared on a shift plan that has room for breaks (the shift plan does not count break time).
 */
import {
  evaluate,
  expandProblem,
  placeActivities,
  placeBreaks,
  placeResets,
  rosterToShifts,
  shiftsToRoster,
  solve,
  type Evaluation,
  type LpBackend,
  type Problem,
  type Roster,
  type Scenario,
  type SecondStageStats,
} from '@flexroster/core';
import type { SizeName } from '@flexroster/bench-scenarios';
import { flatShrinkageScenario, intradayScenario } from './scenario.js';
import { fixedOffsetRoster } from './fixed.js';
import { serviceSummary, type ServiceSummary } from './service.js';

export interface Variant extends ServiceSummary {
  readonly method: 'a second stage' | 'b fixed offsets' | 'c flat shrinkage' | 'd c with fixed offsets';
  readonly underHours: number;
  readonly overHours: number;
  readonly hardViolations: number;
  readonly violatedRules: string[];
  readonly cost: number;
  /** Wall seconds of the solve (b: none, it rewrites a's roster). */
  readonly solveSeconds: number;
  /** Wall seconds placing inside the shifts (a: the solve's own second stage, from its stats). */
  readonly stageSeconds: number;
}

export interface SizeResult {
  readonly size: SizeName;
  readonly agents: number;
  readonly days: number;
  readonly shifts: number;
  readonly timeLimitSeconds: number;
  readonly solveStatus: string;
  /** (a)'s second stage as its solve reports it: how breaks were placed, days by MIP, largest MIP gap. */
  readonly secondStage: SecondStageStats | undefined;
  readonly variants: Variant[];
}


function measured(s: Scenario, method: Variant['method'], roster: Roster, solveSeconds: number, stageSeconds: number): Variant {
  const e: Evaluation = evaluate(s, roster);
  return {
    method,
    underHours: e.understaffedAgentHours,
    overHours: e.overstaffedAgentHours,
    hardViolations: e.violations.length,
    violatedRules: [...new Set(e.violations.map((v) => v.rule))],
    cost: e.costs.total,
    solveSeconds,
    stageSeconds,
    ...serviceSummary(s, e),
  };
}

/** Activities and resets placed by the core on shifts whose breaks are already set. */
function afterBreaks(p: Problem, roster: Roster): Roster {
  return shiftsToRoster(p, placeResets(p, placeActivities(p, rosterToShifts(p, roster))));
}

export async function measureSize(size: SizeName, seed: number, timeLimitSeconds: number, backend: LpBackend): Promise<SizeResult> {
  const scenario = intradayScenario(size, seed);
  const p = expandProblem(scenario);
  let t = performance.now();
  const a = await solve(scenario, { timeLimitSeconds, backend, seed });
  const aSeconds = (performance.now() - t) / 1000;
  const aStage = a.stats.secondStage?.seconds ?? NaN;

  t = performance.now();
  const b = afterBreaks(p, fixedOffsetRoster(scenario, a.roster));
  const bStage = (performance.now() - t) / 1000;

  const flat = flatShrinkageScenario(size, seed);
  t = performance.now();
  const c0 = await solve(flat, { timeLimitSeconds, backend, seed });
  const cSeconds = (performance.now() - t) / 1000;
  t = performance.now();
  const cShifts = placeBreaks(p, rosterToShifts(p, c0.roster));
  const c = afterBreaks(p, shiftsToRoster(p, cShifts));
  const cStage = (performance.now() - t) / 1000;
  t = performance.now();
  const d = afterBreaks(p, fixedOffsetRoster(scenario, c0.roster));
  const dStage = (performance.now() - t) / 1000;

  return {
    size,
    agents: scenario.agents.length,
    days: scenario.horizon.days,
    shifts: a.roster.assignments.length,
    timeLimitSeconds,
    solveStatus: `${a.status} / ${c0.status}`,
    secondStage: a.stats.secondStage,
    variants: [
      measured(scenario, 'a second stage', a.roster, aSeconds, aStage),
      measured(scenario, 'b fixed offsets', b, 0, bStage),
      measured(scenario, 'c flat shrinkage', c, cSeconds, cStage),
      measured(scenario, 'd c with fixed offsets', d, 0, dStage),
    ],
  };
}
