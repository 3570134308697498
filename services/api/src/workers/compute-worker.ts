/**
 * A compute worker: validation, expansion, evaluation, swap checks and cycles, report data and roster changes, one task at a time, off the event
 * loop. It keeps its own cache of expanded scenarios (a swap-approval screen sends the same scenario with
 * every check). At start it measures its build rate on a reference scenario, for the solve routes'
 * "too large for its time limit" forecast.
 */
import { parentPort, workerData } from 'node:worker_threads';
import {
  FlexrosterInputError,
  ScenarioValidationError,
  buildRosterModel,
  checkSwapOn,
  evaluateShifts,
  expandProblem,
  generateCandidates,
  parseScenario,
  rosterChanges,
  rosterToShifts,
  swapCandidatesOn,
  validateScenario,
  type Roster,
  type Scenario,
  type ShiftRef,
  type Swap,
  type SwapPolicy,
} from '@flexroster/core';
import { buildReportData } from '@flexroster/report';
import { ProblemCache } from '../problem-cache.js';
import { scenarioGuardIssues } from '../guards.js';
import { buildUnits } from '../build-units.js';
import { computeOffers } from '../offers.js';
import { largeScenario } from '../bench/scenarios.js';
import { answerCycles, cycleApply } from './swap-cycles.js';
import type { ComputeTask, FromComputeWorker, SerializedError, ToComputeWorker } from './protocol.js';

const port = parentPort;
if (!port) throw new Error('compute-worker.js must run in a worker thread');

const problems = new ProblemCache(Number((workerData as { cacheSize?: number } | null)?.cacheSize ?? 16));

function serializeError(error: unknown): SerializedError {
  if (error instanceof FlexrosterInputError) return { name: error.name, message: error.message, issues: error.issues };
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

/** The expanded scenario, after the API's guards (guards.ts). */
function expanded(scenario: unknown) {
  const issues = scenarioGuardIssues(scenario as Scenario);
  if (issues.length > 0) throw new ScenarioValidationError(issues);
  return problems.get(scenario);
}

function run(task: ComputeTask): unknown {
  switch (task.kind) {
    case 'validate': {
      const scenario = task.scenario as Scenario;
      const guarded = scenarioGuardIssues(scenario);
      const report = guarded.length > 0 ? { valid: false, errors: guarded, warnings: [] } : validateScenario(scenario);
      return { report, buildUnits: buildUnits(scenario) };
    }
    case 'expand':
      return expanded(task.scenario);
    case 'evaluate': {
      const problem = expanded(task.scenario);
      return evaluateShifts(problem, rosterToShifts(problem, task.roster as Roster, task.rosterPath ?? '/roster/assignments'));
    }
    case 'swap-check':
      return checkSwapOn(expanded(task.scenario), task.roster as Roster, task.swap as Swap, (task.policy ?? {}) as SwapPolicy);
    case 'swap-candidates':
      return swapCandidatesOn(expanded(task.scenario), task.roster as Roster, task.agentId, task.shift as ShiftRef, (task.policy ?? {}) as SwapPolicy);
    case 'report':
      return buildReportData(task.scenario, { roster: task.roster }, { title: task.title });
    case 'changes':
      return rosterChanges(task.scenario, task.a, task.b);
    case 'offers': {
      const problem = expanded(task.scenario);
      const byAgent = rosterToShifts(problem, task.roster as Roster, '/roster/assignments');
      return computeOffers(problem, byAgent, evaluateShifts(problem, byAgent), (task.policy ?? {}) as SwapPolicy, { kinds: task.kinds, limit: task.limit });
    }
    case 'swap-cycles':
      return answerCycles(expanded(task.scenario), task.roster as Roster, task.wishes, task.policy, task.answer);
    case 'swap-cycle-apply':
      return cycleApply(expanded(task.scenario), task.roster as Roster, task.cycle, task.policy);
  }
}

/** Seconds of what a solve does before it searches: parse, validate, expand, candidates, model. */
function buildSeconds(scenario: Scenario): number {
  const t0 = performance.now();
  const parsed = parseScenario(scenario);
  validateScenario(parsed);
  const p = expandProblem(parsed);
  generateCandidates(p);
  buildRosterModel(p);
  return (performance.now() - t0) / 1000;
}

/** Build units per second on a reference scenario (after a warm-up build, so the JIT does not count). */
function measureBuildRate(): number {
  buildSeconds(largeScenario(4, 2));
  const reference = largeScenario(20, 7);
  return buildUnits(reference) / Math.max(1e-3, buildSeconds(reference));
}

port.on('message', (message: ToComputeWorker) => {
  let reply: FromComputeWorker;
  try {
    reply = { type: 'done', id: message.id, value: run(message.task) };
  } catch (error) {
    reply = { type: 'error', id: message.id, error: serializeError(error) };
  }
  port.postMessage(reply);
});
port.postMessage({ type: 'ready', buildRate: measureBuildRate() } satisfies FromComputeWorker);
