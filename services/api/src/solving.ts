/**
 * What the solve routes share: the checks in front of a solve (limits, validation on a compute worker,
 * the build-time forecast), submitting to the pool, and the problems of a failed solve.
 */
import { FlexrosterInputError, ScenarioValidationError, type Scenario } from '@flexroster/core';
import { PoolClosedError, PoolSaturatedError, SolveAbortedError, StartTooLateError } from './workers/pool.js';
import type { SolveTask } from './workers/protocol.js';
import { PROBLEM_TYPES, ProblemError, inputProblem } from './problem.js';
import { checkScenarioSize, checkTimeLimit } from './limits.js';
import type { ApiConfig, ApiContext } from './context.js';
import type { Principal } from './store/keys.js';

const BODY_PATHS = { scenario: '/body/scenario', rest: '/body' };
const RETRY_AFTER_SECONDS = 5;
/** A build forecast beyond this share of the limit leaves no time to search: refused as too large. */
const BUILD_SHARE_OF_LIMIT = 0.9;

export interface SolveRequestLike {
  readonly scenario: Scenario;
  readonly options?: { readonly timeLimitSeconds?: number; readonly backend?: SolveTask['backend'] };
}

export interface PreparedSolve {
  readonly task: SolveTask;
  /** The scenario's build units, for the build-rate measurement after the solve. */
  readonly units: number;
  /** Frees the caller's solve place (limits.ts); call once the solve has ended. */
  readonly release: () => void;
}

export const busy = (detail: string, retryAfterSeconds: number, title = 'Solver busy') =>
  new ProblemError(503, detail, { type: PROBLEM_TYPES.busy, title, headers: { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) } });

/**
 * Checks a solve before it takes a worker: the caller's limits (scenario size, time limit), the scenario's
 * validity (on a compute worker, so that bad input is a 422 now, not a failed job later), and whether the
 * model can be built within the time limit at this server's measured build rate. Then takes a solve place.
 */
export async function prepareSolve(ctx: ApiContext, principal: Principal, body: SolveRequestLike, defaultSeconds: number): Promise<PreparedSolve> {
  const limits = await ctx.limits.of(principal);
  checkScenarioSize(body.scenario, limits);
  const seconds = body.options?.timeLimitSeconds ?? defaultSeconds;
  checkTimeLimit(seconds, limits);
  const { report, buildUnits } = await computeOrBusy(() => ctx.compute.run({ kind: 'validate', scenario: body.scenario }));
  if (!report.valid) throw inputProblem(new ScenarioValidationError(report.errors), BODY_PATHS);
  const forecast = ctx.config.refuseTooLarge ? ctx.buildRate.forecast(buildUnits) : undefined;
  if (forecast !== undefined && forecast > seconds * BUILD_SHARE_OF_LIMIT)
    throw new ProblemError(
      422,
      `Building this scenario's model takes about ${forecast.toFixed(1)} s on this server, more than its time limit of ${seconds} s allows: give it a longer time limit (a solve job) or a shorter horizon`,
      { type: PROBLEM_TYPES.tooLarge, title: 'Too large for its time limit' },
    );
  const release = ctx.limits.acquireSolve(principal, limits);
  return {
    task: {
      timeLimitSeconds: seconds,
      backend: body.options?.backend ?? ctx.config.defaultBackend,
      ...(ctx.config.heuristicShare !== undefined ? { heuristicShare: ctx.config.heuristicShare } : {}),
    },
    units: buildUnits,
    release,
  };
}

/** Runs `submit`, answering 503 with Retry-After when the pool is full or closing. */
export function submitOrBusy<T>(submit: () => T): T {
  try {
    return submit();
  } catch (error) {
    if (error instanceof PoolSaturatedError || error instanceof PoolClosedError) throw busy(error.message, RETRY_AFTER_SECONDS);
    throw error;
  }
}

/** Runs a compute-pool task, with its errors as problems: input errors 422 at the body's paths, a full pool 503. */
export async function computeOrBusy<T>(run: () => Promise<T>, paths = BODY_PATHS): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof FlexrosterInputError) throw inputProblem(error, paths);
    if (error instanceof PoolSaturatedError || error instanceof PoolClosedError) throw busy(error.message, 1, 'Server busy');
    if (error instanceof SolveAbortedError) throw new ProblemError(503, error.message, { type: PROBLEM_TYPES.busy, title: 'Computation stopped', headers: { 'retry-after': '1' } });
    throw error;
  }
}

/** A failed solve as the problem the synchronous routes answer with. */
export function solveFailure(error: unknown, retryAfterSeconds = RETRY_AFTER_SECONDS): Error {
  if (error instanceof FlexrosterInputError) return inputProblem(error, BODY_PATHS);
  if (error instanceof StartTooLateError) return busy(error.message, retryAfterSeconds);
  if (error instanceof PoolClosedError) return new ProblemError(503, error.message, { type: PROBLEM_TYPES.busy, title: 'Server shutting down' });
  if (error instanceof SolveAbortedError) return new ProblemError(500, error.message, { type: PROBLEM_TYPES.solveFailed, title: 'Solve failed' });
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * A synchronous solve whose time limit is the caller's whole wait: refused at once (503, Retry-After) when
 * the solves ahead would not let it start within half its limit; otherwise queued with a start-by time and
 * a deadline, and answered by the deadline plus one second at the latest.
 */
export async function solveWithin(ctx: ApiContext, scenario: unknown, prepared: PreparedSolve, requestArrivedAt: number, onHandle?: (cancel: () => void) => void) {
  const limitMs = prepared.task.timeLimitSeconds * 1000;
  try {
    // The first solve after start waits for a worker to load once; that start-up is not the queue's wait.
    const warmStart = Date.now();
    await ctx.pool.warm();
    const arrivedAt = Date.now() - warmStart > 50 ? Date.now() : requestArrivedAt;
    const wait = ctx.pool.expectedWaitSeconds();
    if (wait * 1000 > limitMs / 2) throw busy(`the solves ahead would take about ${Math.ceil(wait)} s; this one could not finish within its time limit of ${prepared.task.timeLimitSeconds} s`, wait);
    const handle = submitOrBusy(() => ctx.pool.submit(scenario, prepared.task, {}, { startBy: arrivedAt + limitMs / 2, deadline: arrivedAt + limitMs }));
    onHandle?.(() => handle.cancel());
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        handle.cancel();
        reject(busy(`the solve did not finish within its time limit of ${prepared.task.timeLimitSeconds} s and was cancelled`, ctx.pool.expectedWaitSeconds() + 1, 'Time limit exceeded'));
      }, Math.max(0, arrivedAt + limitMs + 900 - Date.now()));
    });
    try {
      const result = await Promise.race([handle.result, late]);
      ctx.buildRate.observe(prepared.units, result.stats.buildSeconds);
      return result;
    } catch (error) {
      throw solveFailure(error, ctx.pool.expectedWaitSeconds() + 1);
    } finally {
      clearTimeout(timer);
    }
  } finally {
    prepared.release();
  }
}
