/**
 * Swap requests on a stored schedule. An agent offers an exchange with a named colleague, or gives a
 * shift to a named colleague or to anyone (`toAgent` left out: an open offer any agent may take). The
 * counterpart accepts; the rule check then runs on the current roster, and when it passes and the
 * tenant's policy has `autoApproveSwaps`, the swap is applied at once; otherwise it waits for a planner
 * (approve / reject; the answer carries the check's reasons). Applying rewrites the roster in the same
 * transaction as the request's status, and only if the schedule is still at the version just read, so
 * of two conflicting approvals exactly one is applied and the other is 409.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { randomUUID } from 'node:crypto';
import { Type } from 'typebox';
import { FlexrosterInputError, ShiftRef, Swap, checkSwapOn, time, type Problem, type Roster, type Swap as SwapT, type SwapCheck, type SwapPolicy } from '@flexroster/core';
import { ProblemError, guardScenario, inputProblem } from '../problem.js';
import { audit, mutate } from '../store/ops.js';
import { loadSchedule, type ScheduleRow } from '../store/schedules.js';
import { loadRequest, settle, tenantPolicy, type RequestRow, type RequestTable } from '../store/requests.js';
import type { Db } from '../store/store.js';
import type { Principal } from '../store/keys.js';
import type { WorkflowContext } from '../store/context.js';
import type { ProblemCache } from '../problem-cache.js';
import { RParams, requestRoutes } from './request-routes.js';

/** A give-away to a named colleague, or without `toAgent` an open offer any qualified colleague may take. */
const GiveAwayOffer = Type.Object(
  { kind: Type.Literal('give-away'), fromAgent: Type.String({ minLength: 1 }), shift: ShiftRef, toAgent: Type.Optional(Type.String({ minLength: 1 })) },
  { additionalProperties: false, description: 'fromAgent gives a shift to toAgent; without toAgent, an open offer any qualified colleague may take' },
);
/** One variant per `kind`, so that a mistake is reported against the kind the request names. */
const SwapOffer = Type.Union([Swap.anyOf[0], GiveAwayOffer]);

type OpenOffer = { kind: 'give-away'; fromAgent: string; shift: { start: string; end: string } };
type StoredSwap = SwapT | OpenOffer;

type Status = 'awaiting-counterpart' | 'open' | 'awaiting-approval' | 'approved' | 'rejected';

interface SwapRequestRow extends RequestRow<Status> {
  swap: StoredSwap;
  requestedBy: string;
  fromAgent: string;
  toAgent: string | null;
  check: SwapCheck | null;
  baseVersion: number;
}

const TABLE: RequestTable<SwapRequestRow> = {
  table: 'swap_requests',
  noun: 'Swap request',
  columns: ['swap', 'requested_by', 'from_agent', 'to_agent', 'check_result', 'base_version'],
  toRow: (r, common) => ({
    ...common,
    swap: r.swap as StoredSwap,
    requestedBy: r.requested_by as string,
    fromAgent: r.from_agent as string,
    toAgent: (r.to_agent as string | null) ?? null,
    check: (r.check_result as SwapCheck | null) ?? null,
    baseVersion: Number(r.base_version),
  }),
  agentColumns: ['from_agent', 'to_agent'],
  publicStatuses: ['open'],
  jsonColumns: ['swap', 'check_result'],
  approvable: ['awaiting-approval'],
  rejectable: ['awaiting-approval', 'awaiting-counterpart', 'open'],
};

const initiator = (s: StoredSwap) => (s.kind === 'exchange' ? s.agentA : s.fromAgent);
const counterpart = (s: StoredSwap) => (s.kind === 'exchange' ? s.agentB : 'toAgent' in s && s.toAgent !== undefined ? s.toAgent : null);

/** The agent's assignment index matching a shift reference (same instants), or -1. */
function findAssignment(p: Problem, roster: Roster, agentId: string, ref: { start: string; end: string }): number {
  const agent = p.agentById.get(agentId);
  if (!agent) return -1;
  const start = time.parseDateTime(ref.start, agent.zone);
  const end = time.parseDateTime(ref.end, agent.zone);
  return roster.assignments.findIndex((a) => a.agentId === agentId && time.parseDateTime(a.start, agent.zone) === start && time.parseDateTime(a.end, agent.zone) === end);
}

/** Moves an assignment to another agent, rewriting its times with an offset when the two agents' zones differ. */
function moveTo(p: Problem, roster: Roster, index: number, toAgent: string): void {
  const a = roster.assignments[index]!;
  const from = p.agentById.get(a.agentId)!;
  const to = p.agentById.get(toAgent)!;
  const moved = { ...a, agentId: toAgent };
  if (from.zone !== to.zone) {
    moved.start = time.isoInZone(time.parseDateTime(a.start, from.zone)!, to.zone);
    moved.end = time.isoInZone(time.parseDateTime(a.end, from.zone)!, to.zone);
  }
  (roster.assignments as unknown[])[index] = moved;
}

function applySwap(p: Problem, roster: Roster, swap: SwapT): Roster {
  const next: Roster = structuredClone(roster);
  if (swap.kind === 'give-away') {
    const i = findAssignment(p, next, swap.fromAgent, swap.shift);
    if (i < 0) throw new ProblemError(409, `${swap.fromAgent} no longer has that shift`);
    moveTo(p, next, i, swap.toAgent);
  } else {
    const i = findAssignment(p, next, swap.agentA, swap.shiftA);
    const j = findAssignment(p, next, swap.agentB, swap.shiftB);
    if (i < 0 || j < 0) throw new ProblemError(409, 'One of the shifts is no longer in the schedule');
    moveTo(p, next, i, swap.agentB);
    moveTo(p, next, j, swap.agentA);
  }
  return next;
}

/**
 * The rule check of a complete swap on the schedule's current roster. Input errors (unknown agent or
 * shift) are 422 when the request is made, and 409 later (the roster changed under the request).
 */
function check(problems: ProblemCache, row: ScheduleRow, swap: SwapT, policy: SwapPolicy, when: 'create' | 'later'): { p: Problem; result: SwapCheck } {
  guardScenario(row.scenario, { scenario: '/scenario', rest: '' });
  const p = problems.get(row.scenario);
  try {
    return { p, result: checkSwapOn(p, row.roster, swap, policy) };
  } catch (error) {
    if (error instanceof FlexrosterInputError) {
      if (when === 'create') throw inputProblem(error, { scenario: '/scenario', rest: '/body/swap' });
      throw new ProblemError(409, `The swap no longer fits the schedule: ${error.issues.map((i) => i.message).join('; ')}`);
    }
    throw error;
  }
}

/**
 * The check as an agent may see it: its own findings in full; a colleague's only by rule, without the
 * message (which carries the colleague's hours and shifts).
 */
function checkForAgent(check: SwapCheck, agentId: string): SwapCheck {
  const others = check.violations.filter((v) => v.agentId !== agentId);
  const hidden = new Set(others.map((v) => `${v.agentId}: ${v.rule}: ${v.message}`));
  return {
    ...check,
    violations: check.violations.map((v) => (v.agentId === agentId ? v : { rule: v.rule, agentId: v.agentId, message: 'a rule of the colleague does not hold (details are theirs)' })),
    reasons: [...check.reasons.filter((r) => !hidden.has(r)), ...[...new Set(others.map((v) => `${v.agentId}: ${v.rule}: a rule of the colleague does not hold`))]],
  };
}

/** The request as `viewer` may see it (planners and the audit log: all of it). */
const view = (r: SwapRequestRow, viewer?: Principal) => ({
  id: r.id,
  scheduleId: r.scheduleId,
  swap: r.swap,
  status: r.status,
  fromAgent: r.fromAgent,
  toAgent: r.toAgent,
  check: r.check && viewer?.role === 'agent' ? checkForAgent(r.check, viewer.agentId!) : r.check,
  baseVersion: r.baseVersion,
  appliedVersion: r.appliedVersion,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
});

const swapRequests: FastifyPluginAsyncTypebox<WorkflowContext> = async (app, { store, problems }) => {
  /**
   * With both sides agreed: check on the current roster; apply when allowed and the policy (auto) or a
   * planner (approve) says so, else leave it awaiting approval.
   */
  async function settleSwap(db: Db, actor: Principal, schedule: ScheduleRow, r: SwapRequestRow, from: readonly Status[], mode: 'auto' | 'approve', swap: SwapT, override = false) {
    const policy = await tenantPolicy(db, actor.tenantId);
    const { p, result } = check(problems, schedule, swap, policy.swapPolicy ?? {}, 'later');
    return settle(db, actor, TABLE, r, schedule, {
      mode,
      override,
      autoApprove: policy.autoApproveSwaps === true,
      from,
      check: result,
      roster: () => applySwap(p, schedule.roster, swap),
      set: { swap, to_agent: counterpart(swap)! },
      notAllowed: () =>
        new ProblemError(422, `The swap breaks the rules: ${result.reasons.join('; ')}. Approve with {"override": true} to apply it anyway, or reject it.`, {
          type: 'urn:flexroster:problem:swap-not-allowed',
          title: 'Swap not allowed',
          errors: result.reasons.map((message) => ({ path: '/swap', message })),
        }),
      action: 'schedule.swap',
      auditRef: 'swapRequest',
    });
  }

  /** 422 unless the agent holds the shift (its own, so the answer tells it nothing new). */
  function ownShiftOrFail(schedule: ScheduleRow, agentId: string, shift: { start: string; end: string }, path: string): void {
    guardScenario(schedule.scenario, { scenario: '/scenario', rest: '' });
    if (findAssignment(problems.get(schedule.scenario), schedule.roster, agentId, shift) < 0)
      throw new ProblemError(422, `${agentId} has no shift from ${shift.start} to ${shift.end}`, { errors: [{ path, message: 'no such shift in the schedule' }] });
  }

  requestRoutes<SwapRequestRow, { swap: StoredSwap }>(app, store, {
    table: TABLE,
    path: 'swap-requests',
    tag: 'swap requests',
    audit: 'swap-request',
    view,
    create: {
      summary: 'Offer a swap',
      description:
        'An agent offers an `exchange` with a named colleague or a `give-away` to a named colleague (who then accepts), or an open give-away without `toAgent` that any colleague may take. A planner’s request needs no acceptance. Unknown agents or shifts are 422.',
      body: Type.Object({ swap: SwapOffer }, { additionalProperties: false }),
      async run(db, actor, schedule, { swap }, insert) {
        if (actor.role === 'agent' && initiator(swap) !== actor.agentId) throw new ProblemError(403, `An agent key may only offer its own shifts (${actor.agentId})`);
        const other = counterpart(swap);
        if (other !== null && other === initiator(swap)) throw new ProblemError(422, 'A swap needs two different agents');
        const policy = await tenantPolicy(db, actor.tenantId);
        let result: SwapCheck | null = null;
        if (other === null) ownShiftOrFail(schedule, (swap as OpenOffer).fromAgent, (swap as OpenOffer).shift, '/body/swap/shift');
        else if (actor.role === 'agent' && swap.kind === 'exchange') {
          // Nothing about the colleague's shift is told before the colleague accepts (checked then): a
          // shift they do not hold and one they do get the same answer.
          ownShiftOrFail(schedule, swap.agentA, swap.shiftA, '/body/swap/shiftA');
          if (!problems.get(schedule.scenario).agentById.has(other))
            throw new ProblemError(422, `Schedule ${schedule.id} has no agent ${other}`, { errors: [{ path: '/body/swap/agentB', message: 'no such agent in the schedule' }] });
        } else result = check(problems, schedule, swap as SwapT, policy.swapPolicy ?? {}, 'create').result;
        const row = await insert({
          id: randomUUID(),
          tenant_id: actor.tenantId,
          schedule_id: schedule.id,
          kind: swap.kind,
          swap,
          requested_by: actor.keyId,
          from_agent: initiator(swap),
          to_agent: other,
          status: other === null ? 'open' : 'awaiting-counterpart',
          check_result: result,
          base_version: schedule.version,
        });
        // A planner's request is agreed by both sides already.
        if (actor.role === 'planner' && other !== null) {
          const settled = await settleSwap(db, actor, schedule, row, ['awaiting-counterpart'], 'auto', swap as SwapT);
          return { row: settled.request, body: { ...view(settled.request, actor), applied: settled.applied, scheduleVersion: settled.scheduleVersion } };
        }
        return { row, body: view(row, actor) };
      },
    },
    listDescription: 'Filters: status, agentId (either side). Agents see their own requests and open offers.',
    approve: {
      summary: 'Approve a swap and apply it',
      description:
        'Re-checks the swap on the current roster and applies it in one transaction. A swap that breaks a rule is 422 with the reasons unless `override` is true. 409 when the schedule changed meanwhile (If-Match, or a conflicting swap applied first) or the request is no longer awaiting approval.',
      body: Type.Object({ override: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
      async run(db, actor, schedule, r, body) {
        const settled = await settleSwap(db, actor, schedule, r, ['awaiting-approval'], 'approve', r.swap as SwapT, body.override === true);
        return { request: settled.request, body: { ...view(settled.request), applied: true, scheduleVersion: settled.scheduleVersion, reasons: settled.request.check!.reasons } };
      },
    },
    rejectBody: (updated) => ({ ...view(updated), reasons: updated.check?.reasons ?? [] }),
  }, problems);

  app.post(
    '/v1/schedules/:id/swap-requests/:rid/accept',
    { config: { roles: ['agent'] }, schema: { summary: 'Accept a swap as its counterpart (or take an open offer)', tags: ['swap requests'], params: RParams } },
    async (request, reply) =>
      mutate(store, request, reply, async (db, actor) => {
        const schedule = await loadSchedule(db, actor, request.params.id);
        await problems.load(schedule.scenario);
        const r = await loadRequest(db, TABLE, actor, schedule, request.params.rid);
        const me = actor.agentId!;
        let swap: SwapT;
        if (r.status === 'open') {
          if (r.fromAgent === me) throw new ProblemError(403, 'You cannot take your own offer');
          swap = { ...(r.swap as OpenOffer), toAgent: me };
          if (!problems.get(schedule.scenario).agentById.has(me)) throw new ProblemError(403, `Agent ${me} is not in this schedule`);
        } else if (r.status === 'awaiting-counterpart') {
          if (r.toAgent !== me) throw new ProblemError(403, 'Only the named colleague may accept this swap');
          swap = r.swap as SwapT;
        } else throw new ProblemError(409, `Swap request ${r.id} is ${r.status}`);
        const settled = await settleSwap(db, actor, schedule, r, [r.status], 'auto', swap);
        await audit(db, actor, 'swap-request.accept', 'swap_request', r.id, view(r), view(settled.request));
        return { status: 200, body: { ...view(settled.request, actor), applied: settled.applied, scheduleVersion: settled.scheduleVersion } };
      }),
  );
};

export default swapRequests;
