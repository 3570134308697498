/**
 * The re-plan workflow that POST /replan and a leave approval with `?replan=true` share: the core's
 * minimal-change solve of a schedule's roster on a scenario (`SolveOptions.base`), the roster's standing
 * before and after, and the draft proposal that stores it (store/proposals.ts).
 */
import { randomUUID } from 'node:crypto';
import type { ChangeCost, Evaluation, Roster, Scenario, SolveResult } from '@flexroster/core';
import type { Static } from 'typebox';
import { computeOrBusy, prepareSolve, solveWithin } from '../solving.js';
import type { BackendNameSchema } from '../schemas.js';
import type { WorkflowContext } from './context.js';
import type { Principal } from './keys.js';
import { audit } from './ops.js';
import { insertProposal, type ProposalRow, type Standing } from './proposals.js';
import type { ScheduleRow } from './schedules.js';
import type { Db } from './store.js';

/** The price of change when the caller names none: covering an hour of understaffing (100 by default) is worth a change. */
export const DEFAULT_CHANGE_COST: ChangeCost = { perShiftMoved: 50, perShiftAddedOrRemoved: 80, perAgentTouched: 100 };

export interface ReplanOptions {
  readonly timeLimitSeconds?: number;
  readonly backend?: Static<typeof BackendNameSchema>;
  readonly changeCost?: ChangeCost;
  readonly frozenBefore?: string;
  readonly pinned?: Roster['assignments'];
  readonly onlyAgents?: string[];
}

export interface ReplanInput {
  /** The scenario with the event in it. */
  readonly scenario: Scenario;
  /** The roster as the event leaves it, before any re-plan: judged as `before`. */
  readonly roster: Roster;
  /** The roster changes are counted against (the schedule's current one). */
  readonly base: Roster;
  readonly options: ReplanOptions;
  /** When the request arrived: a synchronous solve's time limit is the caller's whole wait. */
  readonly arrivedAt: number;
  /** Receives the solve's cancel, e.g. for a client that hangs up. */
  readonly onHandle?: (cancel: () => void) => void;
}

export interface Replanned {
  readonly before: Standing;
  readonly result: SolveResult;
  readonly after: Standing & { readonly changeCost: number };
}

const standing = (e: Evaluation, changeCost = 0): Standing => ({
  cost: e.costs.total - changeCost,
  understaffedHours: e.understaffedAgentHours,
  violations: e.violations.length,
});

/**
 * Solves the re-plan on the solve pool with the limits and 503s of POST /v1/solve (input errors are
 * ProblemErrors at /body/scenario, /body/options/base/…: the caller maps them to its own paths).
 */
export async function computeReplan(context: WorkflowContext, principal: Principal, input: ReplanInput): Promise<Replanned> {
  const { compute, config } = context;
  const o = input.options;
  const prepared = await prepareSolve(context, principal, { scenario: input.scenario, options: o }, config.syncSolveDefaultSeconds);
  let before: Standing;
  try {
    const evaluation = await computeOrBusy(() => compute.run({ kind: 'evaluate', scenario: input.scenario, roster: input.roster, rosterPath: '/roster/assignments' }), { scenario: '/body/scenario', rest: '' });
    before = standing(evaluation);
  } catch (error) {
    prepared.release();
    throw error;
  }
  const base = {
    roster: input.base,
    changeCost: o.changeCost ?? DEFAULT_CHANGE_COST,
    ...(o.frozenBefore !== undefined ? { frozenBefore: o.frozenBefore } : {}),
    ...(o.pinned !== undefined ? { pinned: o.pinned } : {}),
    ...(o.onlyAgents !== undefined ? { onlyAgents: o.onlyAgents } : {}),
  };
  const result = await solveWithin(context, input.scenario, { ...prepared, task: { ...prepared.task, base } }, input.arrivedAt, input.onHandle);
  const changeCost = result.evaluation.costs.byRule.stability ?? 0;
  return { before, result, after: { ...standing(result.evaluation, changeCost), changeCost } };
}

/**
 * Stores a computed re-plan as a draft proposal of `row`'s version, with its audit row, in the caller's
 * transaction. `scenario` is what applying it stores (the scenario with the event).
 */
export async function storeProposal(db: Db, actor: Principal, row: ScheduleRow, made: { readonly event: unknown; readonly scenario: Scenario; readonly replanned: Replanned }): Promise<ProposalRow> {
  const { before, result, after } = made.replanned;
  const proposal = await insertProposal(db, {
    id: randomUUID(),
    tenantId: actor.tenantId,
    scheduleId: row.id,
    baseVersion: row.version,
    event: made.event,
    scenario: made.scenario,
    roster: result.roster,
    changes: result.changes ?? [],
    before,
    after,
    solve: { status: result.status, reason: result.reason, seconds: result.stats.totalSeconds },
    createdBy: actor.keyId,
  });
  await audit(db, actor, 'replan-proposal.create', 'replan-proposal', proposal.id, null, { scheduleId: row.id, baseVersion: row.version, event: made.event, changes: proposal.changes.length });
  return proposal;
}

export const proposalLocation = (p: ProposalRow) => `/v1/schedules/${p.scheduleId}/proposals/${p.id}`;
