/**
 * A retried job starts from its checkpoint (`SolveTask.start`): the core has no start-roster option, so the
 * roster goes in as a minimal-change base whose changes cost nothing (`SolveOptions.base`: the search begins
 * at the base, and with every price 0 the model and the costs are those of a plain solve). The result is
 * never worse than the checkpoint: where the solver's is, the checkpoint's roster is the result, and its
 * reason says so.
 */
import { SolveOptionsError, evaluate, relativeGap, type ReplanBase, type SolveResult } from '@flexroster/core';
import type { SolveCheckpoint, SolveTask, StartedFrom } from './protocol.js';

const FREE: ReplanBase['changeCost'] = { perShiftMoved: 0, perShiftAddedOrRemoved: 0, perAgentTouched: 0 };

/** One core solve: `from` for the 'started' message, the time it may take, and the base it gets. */
export type CoreSolve = (from: StartedFrom, timeLimitSeconds: number, base: ReplanBase | undefined) => Promise<SolveResult>;

/**
 * Solves `task` by `run`: a re-plan from its base, a task with a `start` from that roster (no worse than it;
 * from scratch in the time left should the core refuse the roster), any other from scratch.
 */
export async function solveFrom(scenario: unknown, task: SolveTask, run: CoreSolve): Promise<SolveResult> {
  const start = task.base === undefined ? task.start : undefined;
  if (!start) return run('scratch', task.timeLimitSeconds, task.base);
  const startedAt = performance.now();
  let refused: string | undefined;
  const result = await run('checkpoint', task.timeLimitSeconds, { roster: start.roster, changeCost: FREE }).catch((error: unknown) => {
    if (!startRefused(error)) throw error;
    refused = error.message;
    return run('scratch', Math.max(0.05, task.timeLimitSeconds - (performance.now() - startedAt) / 1000), undefined);
  });
  const kept = noWorseThanStart(scenario, start, result);
  return refused === undefined ? kept : { ...kept, reason: `${kept.reason}; solved from scratch: the checkpoint of an earlier attempt was refused as a start (${refused})` };
}

/** The core refused the start roster itself (every issue under /base). */
function startRefused(error: unknown): error is SolveOptionsError {
  return error instanceof SolveOptionsError && error.issues.length > 0 && error.issues.every((i) => i.path.startsWith('/base'));
}

const round = (x: number) => Math.round(x * 1e4) / 1e4;

/**
 * `result` of a solve started from `start`, made no worse than `start`: its own when it is (the usual case),
 * else the start roster, evaluated. The `changes` against the start are dropped: the client gave no base.
 */
export function noWorseThanStart(scenario: unknown, start: SolveCheckpoint, solved: SolveResult): SolveResult {
  const { changes: _changes, ...result } = solved;
  const within = (cost: number, of: number) => cost <= of + 1e-6 * Math.max(1, Math.abs(of));
  if (result.status !== 'infeasible' && within(result.cost, start.cost)) return result;
  let evaluation: SolveResult['evaluation'];
  try {
    evaluation = evaluate(scenario, start.roster);
  } catch (error) {
    return { ...result, reason: `${result.reason}; the checkpoint of an earlier attempt (cost ${round(start.cost)}) was not kept: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (evaluation.violations.length > 0)
    return { ...result, reason: `${result.reason}; the checkpoint of an earlier attempt (cost ${round(start.cost)}) was not kept: it breaks ${evaluation.violations[0]!.rule}` };
  const cost = evaluation.costs.total;
  if (result.status !== 'infeasible' && within(result.cost, cost)) return result;
  const bound = result.lowerBound ?? null;
  const gap = bound !== null && (bound > 0 || cost <= 1e-9) ? relativeGap(cost, bound) : undefined;
  const { gap: _gap, infeasibleAgents: _agents, ...rest } = result;
  return {
    ...rest,
    status: gap !== undefined && gap <= 1e-9 ? 'optimal' : 'feasible',
    reason: `kept the checkpoint of an earlier attempt (cost ${round(cost)}): this attempt's own roster was worse (${result.status}, cost ${round(result.cost)}: ${result.reason})`,
    cost,
    ...(gap !== undefined ? { gap } : {}),
    roster: start.roster,
    evaluation,
  };
}
