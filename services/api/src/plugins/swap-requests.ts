/**
 * Swap requests on a stored schedule. An agent offers an exchange with a named colleague, or gives a
 * shift to a named colleague or to anyone (`toAgent` left out: an open offer any agent may take). The
 * counterpart accepts; the rule check then runs on the current roster, and when it passes and the
 * tenant's policy has `autoApproveSwaps`, the swap is applied at once; otherwise it waits for a planner
 * (approve / reject; the answer carries the check's reasons). Applying rewrites the roster in the same
 * transaction as the request's status, and only if the schedule is still at the version just read, so
 * of two conflicting approvals exactly one is applied and the other is 409.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { FlexrosterInputError, ShiftRef, Swap, checkSwapOn, time, type Problem, type Roster, type Swap as SwapT, type SwapCheck, type SwapPolicy } from '@flexroster/core';
import { ProblemError, guardScenario, inputProblem, notFound } from '../problem.js';
import { audit, mutate } from '../store/ops.js';
import { loadSchedule, checkIfMatch, updateSchedule, type ScheduleRow } from '../store/schedules.js';
import { iso, jsonb, type Db } from '../store/store.js';
import type { Principal } from '../store/keys.js';
import type { WorkflowContext } from '../store/context.js';
import type { ProblemCache } from '../problem-cache.js';

const OpenGiveAway = Type.Object(
  { kind: Type.Literal('give-away'), fromAgent: Type.String({ minLength: 1 }), shift: ShiftRef },
  { additionalProperties: false, description: 'An open offer: any qualified colleague may take the shift' },
);

type OpenOffer = { kind: 'give-away'; fromAgent: string; shift: { start: string; end: string } };
type StoredSwap = SwapT | OpenOffer;

type Status = 'awaiting-counterpart' | 'open' | 'awaiting-approval' | 'approved' | 'rejected';

interface RequestRow {
  id: string;
  scheduleId: string;
  swap: StoredSwap;
  requestedBy: string;
  fromAgent: string;
  toAgent: string | null;
  status: Status;
  check: SwapCheck | null;
  baseVersion: number;
  appliedVersion: number | null;
  decidedBy: string | null;
  createdAt: string;
  updatedAt: string;
}

const COLUMNS = 'id, schedule_id, swap, requested_by, from_agent, to_agent, status, check_result, base_version, applied_version, decided_by, created_at, updated_at';
const toRow = (r: Record<string, unknown>): RequestRow => ({
  id: r.id as string,
  scheduleId: r.schedule_id as string,
  swap: r.swap as StoredSwap,
  requestedBy: r.requested_by as string,
  fromAgent: r.from_agent as string,
  toAgent: (r.to_agent as string | null) ?? null,
  status: r.status as Status,
  check: (r.check_result as SwapCheck | null) ?? null,
  baseVersion: Number(r.base_version),
  appliedVersion: r.applied_version == null ? null : Number(r.applied_version),
  decidedBy: (r.decided_by as string | null) ?? null,
  createdAt: iso(r.created_at)!,
  updatedAt: iso(r.updated_at)!,
});

const initiator = (s: StoredSwap) => (s.kind === 'exchange' ? s.agentA : s.fromAgent);
const counterpart = (s: StoredSwap) => (s.kind === 'exchange' ? s.agentB : 'toAgent' in s ? s.toAgent : null);
const involves = (r: RequestRow, agentId: string) => r.fromAgent === agentId || r.toAgent === agentId;

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

async function tenantPolicy(db: Db, tenantId: string): Promise<{ autoApproveSwaps?: boolean; swapPolicy?: SwapPolicy }> {
  const [row] = await db.query<{ policy: { autoApproveSwaps?: boolean; swapPolicy?: SwapPolicy } }>('SELECT policy FROM tenants WHERE id = $1', [tenantId]);
  return row?.policy ?? {};
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

async function loadRequest(db: Db, principal: Principal, schedule: ScheduleRow, rid: string, forUpdate = false): Promise<RequestRow> {
  const [r] = await db.query(`SELECT ${COLUMNS} FROM swap_requests WHERE id = $1 AND schedule_id = $2 AND tenant_id = $3${forUpdate ? ' FOR UPDATE' : ''}`, [
    rid,
    schedule.id,
    principal.tenantId,
  ]);
  if (!r) throw notFound(`No swap request ${rid}`);
  const row = toRow(r);
  // An agent sees its own requests and open offers; others' are 404 to it.
  if (principal.role === 'agent' && !involves(row, principal.agentId!) && row.status !== 'open') throw notFound(`No swap request ${rid}`);
  return row;
}

/** Moves a request to `status` only from one of `from`; a concurrent change of the request is 409. */
async function setStatus(db: Db, r: RequestRow, from: readonly Status[], change: { status: Status; toAgent?: string; swap?: StoredSwap; check?: SwapCheck; appliedVersion?: number; decidedBy?: string }): Promise<RequestRow> {
  const [row] = await db.query(
    `UPDATE swap_requests SET status = $2, to_agent = COALESCE($3, to_agent), swap = COALESCE($4::jsonb, swap), check_result = COALESCE($5::jsonb, check_result),
       applied_version = COALESCE($6, applied_version), decided_by = COALESCE($7, decided_by), updated_at = now()
     WHERE id = $1 AND status = ANY($8::text[]) RETURNING ${COLUMNS}`,
    [r.id, change.status, change.toAgent ?? null, jsonb(change.swap), jsonb(change.check), change.appliedVersion ?? null, change.decidedBy ?? null, from],
  );
  if (!row) throw new ProblemError(409, `Swap request ${r.id} is no longer ${from.join(' or ')}`);
  return toRow(row);
}

const view = (r: RequestRow) => ({
  id: r.id,
  scheduleId: r.scheduleId,
  swap: r.swap,
  status: r.status,
  fromAgent: r.fromAgent,
  toAgent: r.toAgent,
  check: r.check,
  baseVersion: r.baseVersion,
  appliedVersion: r.appliedVersion,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
});

const Params = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });
const RParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }), rid: Type.String({ minLength: 1, maxLength: 100 }) });

const swapRequests: FastifyPluginAsyncTypebox<WorkflowContext> = async (app, { store, problems }) => {
  /**
   * With both sides agreed: check on the current roster; apply when allowed and the policy (auto) or a
   * planner (approve) says so, else leave it awaiting approval.
   */
  async function settle(db: Db, actor: Principal, schedule: ScheduleRow, r: RequestRow, from: readonly Status[], mode: 'auto' | 'approve', swap: SwapT, override = false) {
    const policy = await tenantPolicy(db, actor.tenantId);
    const { p, result } = check(problems, schedule, swap, policy.swapPolicy ?? {}, 'later');
    const apply = mode === 'approve' ? result.allowed || override : result.allowed && policy.autoApproveSwaps === true;
    if (mode === 'approve' && !apply)
      throw new ProblemError(422, `The swap breaks the rules: ${result.reasons.join('; ')}. Approve with {"override": true} to apply it anyway, or reject it.`, {
        type: 'urn:flexroster:problem:swap-not-allowed',
        title: 'Swap not allowed',
        errors: result.reasons.map((message) => ({ path: '/swap', message })),
      });
    if (!apply) {
      const updated = await setStatus(db, r, from, { status: 'awaiting-approval', swap, toAgent: counterpart(swap)!, check: result });
      return { request: updated, check: result, applied: false, scheduleVersion: schedule.version };
    }
    const after = await updateSchedule(db, schedule, { roster: applySwap(p, schedule.roster, swap) });
    const updated = await setStatus(db, r, from, { status: 'approved', swap, toAgent: counterpart(swap)!, check: result, appliedVersion: after.version, decidedBy: mode === 'auto' ? 'policy' : actor.keyId });
    await audit(db, actor, mode === 'auto' ? 'schedule.swap.auto-apply' : 'schedule.swap.apply', 'schedule', schedule.id, { version: schedule.version, roster: schedule.roster }, { version: after.version, roster: after.roster, swapRequest: r.id });
    return { request: updated, check: result, applied: true, scheduleVersion: after.version };
  }

  app.post(
    '/v1/schedules/:id/swap-requests',
    {
      config: { roles: ['planner', 'agent'] },
      schema: {
        summary: 'Offer a swap',
        description:
          'An agent offers an `exchange` with a named colleague or a `give-away` to a named colleague (who then accepts), or an open give-away without `toAgent` that any colleague may take. A planner’s request needs no acceptance. Unknown agents or shifts are 422.',
        tags: ['swap requests'],
        params: Params,
        body: Type.Object({ swap: Type.Union([Swap, OpenGiveAway]) }, { additionalProperties: false }),
      },
    },
    async (request, reply) =>
      mutate(store, request, reply, async (db, actor) => {
        const schedule = await loadSchedule(db, actor, request.params.id);
        const swap = request.body.swap as StoredSwap;
        if (actor.role === 'agent' && initiator(swap) !== actor.agentId) throw new ProblemError(403, `An agent key may only offer its own shifts (${actor.agentId})`);
        const other = counterpart(swap);
        if (other !== null && other === initiator(swap)) throw new ProblemError(422, 'A swap needs two different agents');
        const policy = await tenantPolicy(db, actor.tenantId);
        let result: SwapCheck | null = null;
        if (other !== null) result = check(problems, schedule, swap as SwapT, policy.swapPolicy ?? {}, 'create').result;
        else {
          const offer = swap as OpenOffer;
          const p = problems.get(schedule.scenario);
          if (findAssignment(p, schedule.roster, offer.fromAgent, offer.shift) < 0)
            throw new ProblemError(422, `${offer.fromAgent} has no shift from ${offer.shift.start} to ${offer.shift.end}`, { errors: [{ path: '/body/swap/shift', message: 'no such shift in the schedule' }] });
        }
        const status: Status = other === null ? 'open' : 'awaiting-counterpart';
        const [inserted] = await db.query(
          `INSERT INTO swap_requests (id, tenant_id, schedule_id, kind, swap, requested_by, from_agent, to_agent, status, check_result, base_version)
           VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8, $9, $10::jsonb, $11) RETURNING ${COLUMNS}`,
          [randomUUID(), actor.tenantId, schedule.id, swap.kind, jsonb(swap), actor.keyId, initiator(swap), other, status, jsonb(result), schedule.version],
        );
        let row = toRow(inserted!);
        await audit(db, actor, 'swap-request.create', 'swap_request', row.id, null, view(row));
        let body: unknown = view(row);
        // A planner's request is agreed by both sides already.
        if (actor.role === 'planner' && other !== null) {
          const settled = await settle(db, actor, schedule, row, ['awaiting-counterpart'], 'auto', swap as SwapT);
          row = settled.request;
          body = { ...view(row), applied: settled.applied, scheduleVersion: settled.scheduleVersion };
        }
        return { status: 201, body, headers: { location: `/v1/schedules/${schedule.id}/swap-requests/${row.id}` } };
      }),
  );

  app.get(
    '/v1/schedules/:id/swap-requests',
    {
      config: { roles: ['planner', 'agent'] },
      schema: {
        summary: 'List swap requests',
        description: 'Filters: status, agentId (either side). Agents see their own requests and open offers.',
        tags: ['swap requests'],
        params: Params,
        querystring: Type.Object({ status: Type.Optional(Type.String()), agentId: Type.Optional(Type.String()) }),
      },
    },
    async (request) => {
      const actor = request.principal!;
      const schedule = await loadSchedule(store, actor, request.params.id);
      const { status, agentId } = request.query;
      const rows = (
        await store.query(
          `SELECT ${COLUMNS} FROM swap_requests WHERE tenant_id = $1 AND schedule_id = $2 AND ($3::text IS NULL OR status = $3)
             AND ($4::text IS NULL OR from_agent = $4 OR to_agent = $4) ORDER BY created_at, id`,
          [actor.tenantId, schedule.id, status ?? null, agentId ?? null],
        )
      ).map(toRow);
      return rows.filter((r) => actor.role !== 'agent' || involves(r, actor.agentId!) || r.status === 'open').map(view);
    },
  );

  app.get('/v1/schedules/:id/swap-requests/:rid', { config: { roles: ['planner', 'agent'] }, schema: { summary: 'A swap request', tags: ['swap requests'], params: RParams } }, async (request) => {
    const actor = request.principal!;
    const schedule = await loadSchedule(store, actor, request.params.id);
    return view(await loadRequest(store, actor, schedule, request.params.rid));
  });

  app.post(
    '/v1/schedules/:id/swap-requests/:rid/accept',
    { config: { roles: ['agent'] }, schema: { summary: 'Accept a swap as its counterpart (or take an open offer)', tags: ['swap requests'], params: RParams } },
    async (request, reply) =>
      mutate(store, request, reply, async (db, actor) => {
        const schedule = await loadSchedule(db, actor, request.params.id);
        const r = await loadRequest(db, actor, schedule, request.params.rid);
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
        const settled = await settle(db, actor, schedule, r, [r.status], 'auto', swap);
        await audit(db, actor, 'swap-request.accept', 'swap_request', r.id, view(r), view(settled.request));
        return { status: 200, body: { ...view(settled.request), applied: settled.applied, scheduleVersion: settled.scheduleVersion } };
      }),
  );

  app.post(
    '/v1/schedules/:id/swap-requests/:rid/approve',
    {
      config: { roles: ['planner'] },
      schema: {
        summary: 'Approve a swap and apply it',
        description:
          'Re-checks the swap on the current roster and applies it in one transaction. A swap that breaks a rule is 422 with the reasons unless `override` is true. 409 when the schedule changed meanwhile (If-Match, or a conflicting swap applied first) or the request is no longer awaiting approval.',
        tags: ['swap requests'],
        params: RParams,
        body: Type.Optional(Type.Object({ override: Type.Optional(Type.Boolean()) }, { additionalProperties: false })),
      },
    },
    async (request, reply) =>
      mutate(store, request, reply, async (db, actor) => {
        const schedule = await loadSchedule(db, actor, request.params.id);
        checkIfMatch(request.headers['if-match'], schedule);
        const r = await loadRequest(db, actor, schedule, request.params.rid);
        if (r.status !== 'awaiting-approval') throw new ProblemError(409, `Swap request ${r.id} is ${r.status}, not awaiting approval`);
        const settled = await settle(db, actor, schedule, r, ['awaiting-approval'], 'approve', r.swap as SwapT, request.body?.override === true);
        await audit(db, actor, 'swap-request.approve', 'swap_request', r.id, view(r), view(settled.request));
        return { status: 200, body: { ...view(settled.request), applied: true, scheduleVersion: settled.scheduleVersion, reasons: settled.check.reasons } };
      }),
  );

  app.post(
    '/v1/schedules/:id/swap-requests/:rid/reject',
    { config: { roles: ['planner'] }, schema: { summary: 'Reject a swap request', tags: ['swap requests'], params: RParams } },
    async (request, reply) =>
      mutate(store, request, reply, async (db, actor) => {
        const schedule = await loadSchedule(db, actor, request.params.id);
        const r = await loadRequest(db, actor, schedule, request.params.rid);
        const updated = await setStatus(db, r, ['awaiting-approval', 'awaiting-counterpart', 'open'], { status: 'rejected', decidedBy: actor.keyId });
        await audit(db, actor, 'swap-request.reject', 'swap_request', r.id, view(r), view(updated));
        return { status: 200, body: { ...view(updated), reasons: updated.check?.reasons ?? [] } };
      }),
  );
};

export default swapRequests;
