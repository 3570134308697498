/** What the two solve routes share: checking the scenario up front and submitting to the pool. */
import { FlexrosterInputError, ScenarioValidationError, validateScenario } from '@flexroster/core';
import { PoolClosedError, PoolSaturatedError, SolveAbortedError } from './workers/pool.js';
import type { SolveTask } from './workers/protocol.js';
import { PROBLEM_TYPES, ProblemError, guardScenario, inputProblem } from './problem.js';
import type { ApiConfig } from './context.js';
import type { SolveRequest } from './schemas.js';

const BODY_PATHS = { scenario: '/body/scenario', rest: '/body' };
const RETRY_AFTER_SECONDS = 5;

/**
 * Validates the scenario on the request thread (milliseconds) so that bad input is a 422 now, not a
 * failed job later, and turns the request options into a worker task.
 */
export function prepareSolve(body: SolveRequest, config: ApiConfig, defaultSeconds: number): SolveTask {
  guardScenario(body.scenario, BODY_PATHS);
  const report = validateScenario(body.scenario);
  if (!report.valid) throw inputProblem(new ScenarioValidationError(report.errors), BODY_PATHS);
  return {
    timeLimitSeconds: body.options?.timeLimitSeconds ?? defaultSeconds,
    backend: body.options?.backend ?? config.defaultBackend,
    ...(config.heuristicShare !== undefined ? { heuristicShare: config.heuristicShare } : {}),
  };
}

/** Runs `submit`, answering 503 with Retry-After when the pool is full or closing. */
export function submitOrBusy<T>(submit: () => T): T {
  try {
    return submit();
  } catch (error) {
    if (error instanceof PoolSaturatedError || error instanceof PoolClosedError)
      throw new ProblemError(503, error.message, { type: PROBLEM_TYPES.busy, title: 'Solver busy', headers: { 'retry-after': String(RETRY_AFTER_SECONDS) } });
    throw error;
  }
}

/** A failed solve as the problem the synchronous route answers with. */
export function solveFailure(error: unknown): Error {
  if (error instanceof FlexrosterInputError) return inputProblem(error, BODY_PATHS);
  if (error instanceof PoolClosedError) return new ProblemError(503, error.message, { type: PROBLEM_TYPES.busy, title: 'Server shutting down' });
  if (error instanceof SolveAbortedError) return new ProblemError(500, error.message, { type: PROBLEM_TYPES.solveFailed, title: 'Solve failed' });
  return error instanceof Error ? error : new Error(String(error));
}
