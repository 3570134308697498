/**
 * The re-plan of an approved leave's hole (`?replan=true` on a leave approval): solved before the approval's
 * transaction on the schedule as the approval leaves it, nothing before the leave's start changing, and
 * stored in that transaction as a draft proposal of the version the approval makes. A re-plan that cannot
 * be computed, or that was computed on a version the approval no longer sees, makes no proposal; the
 * approval stands and the outcome says why.
 */
import type { FastifyBaseLogger } from 'fastify';
import { Type, type Static } from 'typebox';
import { time, type Roster, type Scenario } from '@flexroster/core';
import { ProblemError } from '../problem.js';
import type { WorkflowContext } from './context.js';
import type { Principal } from './keys.js';
import { proposalView } from './proposals.js';
import { computeReplan, proposalLocation, storeProposal, type Replanned } from './replan.js';
import type { ScheduleRow } from './schedules.js';
import type { Db } from './store.js';

const Standing = Type.Object({ cost: Type.Number(), understaffedHours: Type.Number(), violations: Type.Integer() });
const Failure = Type.Object({ status: Type.Integer(), title: Type.String(), detail: Type.String() }, { description: 'The re-plan’s error, as its own route would answer it' });

/** What `?replan=true` adds to an approval's answer: the proposal made, or why none was. */
export const ReplanOutcome = Type.Object(
  {
    proposalId: Type.Union([Type.String(), Type.Null()], { description: 'The draft proposal, or null when none was made' }),
    href: Type.Union([Type.String(), Type.Null()], { description: 'GET it here; POST …/apply (If-Match: the approval’s scheduleVersion) makes it the next version' }),
    changeCount: Type.Optional(Type.Integer()),
    before: Type.Optional(Standing),
    after: Type.Optional(Type.Object({ ...Standing.properties, changeCost: Type.Number() })),
    solve: Type.Optional(Type.Object({ status: Type.String(), reason: Type.String(), seconds: Type.Number() })),
    reason: Type.Optional(Type.String({ description: 'Why no proposal was made (the approval stands)' })),
    problem: Type.Optional(Failure),
  },
  { additionalProperties: false },
);
export type ReplanOutcome = Static<typeof ReplanOutcome>;

/** What the preparation hands the transaction: the re-plan of the version read, or why there is none. */
export type PreparedReplan = { readonly fromVersion: number } & ({ readonly replanned: Replanned } | { readonly failure: Static<typeof Failure> });

interface Leave {
  readonly agentId: string;
  readonly start: string;
  readonly end: string;
  readonly type: string;
}

/** A re-plan's error as the outcome tells it: a problem as such; anything else only as a failure (logged). */
function failureOf(error: unknown, log: FastifyBaseLogger): Static<typeof Failure> {
  if (error instanceof ProblemError) {
    const { status, title, detail } = error.toProblem();
    return { status, title, detail: detail ?? error.message };
  }
  log.error({ err: error }, 'the re-plan of an approved leave failed');
  return { status: 500, title: 'Re-plan failed', detail: 'the re-plan failed unexpectedly' };
}

/**
 * Solves the re-plan of `approved` (the roster and scenario as approving the leave on `schedule` leaves
 * them), its changes counted from that roster; never throws for the re-plan's own errors.
 */
export async function prepareLeaveReplan(
  context: WorkflowContext,
  actor: Principal,
  schedule: ScheduleRow,
  leave: Leave,
  approved: { readonly roster: Roster; readonly scenario: Scenario },
  o: { readonly timeLimitSeconds?: number; readonly arrivedAt: number; readonly onHandle: (cancel: () => void) => void; readonly log: FastifyBaseLogger },
): Promise<PreparedReplan> {
  try {
    // The leave changes nothing before it starts, so neither does its re-plan.
    const p = context.problems.get(schedule.scenario);
    const frozenBefore = time.isoInZone(time.parseDateTime(leave.start, p.agentById.get(leave.agentId)!.zone)!, p.zone);
    const options = { frozenBefore, ...(o.timeLimitSeconds !== undefined ? { timeLimitSeconds: o.timeLimitSeconds } : {}) };
    const replanned = await computeReplan(context, actor, { ...approved, base: approved.roster, options, arrivedAt: o.arrivedAt, onHandle: o.onHandle });
    return { fromVersion: schedule.version, replanned };
  } catch (error) {
    return { fromVersion: schedule.version, failure: failureOf(error, o.log) };
  }
}

/**
 * In the approval's transaction: the prepared re-plan as a draft proposal of `approved` (the version the
 * approval made from `read`), or why none is made.
 */
export async function storeLeaveReplan(db: Db, actor: Principal, leave: Leave & { readonly id: string }, read: ScheduleRow, approved: ScheduleRow, prepared: PreparedReplan): Promise<ReplanOutcome> {
  if ('failure' in prepared) return { proposalId: null, href: null, reason: `the re-plan could not be computed: ${prepared.failure.detail}`, problem: prepared.failure };
  if (read.version !== prepared.fromVersion)
    return { proposalId: null, href: null, reason: `the schedule changed from version ${prepared.fromVersion} to ${read.version} while the re-plan was computed; re-plan again with POST /v1/schedules/${read.id}/replan` };
  const event = { kind: 'absence', agentId: leave.agentId, start: leave.start, end: leave.end, type: leave.type, leaveRequestId: leave.id };
  const proposal = await storeProposal(db, actor, approved, { event, scenario: approved.scenario, replanned: prepared.replanned });
  const { before, after, solve } = proposalView(proposal);
  return { proposalId: proposal.id, href: proposalLocation(proposal), changeCount: proposal.changes.length, before, after, solve };
}
