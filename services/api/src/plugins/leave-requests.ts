/**
 * Leave requests and leave balances on a stored schedule.
 *
 * An agent (for itself) or a planner asks for leave `{ agentId, start, end, type }`; times without an
 * offset are wall-clock times in the agent's zone. The answer (201) carries the request's impact on the
 * current roster:
 *  - every shift of the agent that overlaps the leave, and what approval does to it: `drop` when the
 *    leave covers it, or when less than the shift template's shortest length (`lengthsMinutes`; for a
 *    shift without a template the shortest length of any template) would remain; else `shorten`, cutting
 *    out the part inside the leave and, when the leave lies in the middle of the shift, keeping the longer
 *    remaining piece (the earlier one on a tie). A shortened shift keeps its template only when its new
 *    length is one of the template's lengths; else it is stored without one. A shift with segments keeps
 *    its template and its segments cut to the shortened shift, its breaks placed afresh when the breaks
 *    rule asks (../shifts.ts `reshape`).
 *  - `coverageDelta` and `costDelta` from the core's `judgeChanges` (the dropped/shortened shifts instead
 *    of the originals, judged on the scenario with the leave added), and the agent's hard-rule findings
 *    afterwards as information (`violations`); they do not block leave.
 *  - `hours`: the hours of the agent's shifts that the leave covers — this is what approval debits from
 *    the leave balance (leave outside working time costs nothing); `spanHours`: the leave's length in
 *    real time (so a night across a DST change is 1 h shorter or longer than the wall clock says).
 *
 * Approval (planner) recomputes the impact on the current roster and, in one transaction with the
 * schedule's version check (If-Match, and the version read; 409 when stale): rewrites the roster, adds
 * the leave to the stored scenario's agent `leave` list (so every later rule check knows it; `paid` is
 * false only for type `unpaid`), bumps the version, debits the balance (422 when it would go negative)
 * and writes audit rows. Balances are one pot of hours per tenant and agent, whatever the leave type.
 * With `?replan=true` the approval also stores a re-plan of the hole as a draft proposal (store/leave-replan.ts).
 */
import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import { DateTime, judgeChanges, shiftsToRoster, time, type Roster, type Scenario, type Shift, type SwapCheck } from '@flexroster/core';
import { ProblemError } from '../problem.js';
import { audit, mutate } from '../store/ops.js';
import type { ScheduleRow } from '../store/schedules.js';
import { ReplanOutcome, prepareLeaveReplan, storeLeaveReplan, type PreparedReplan } from '../store/leave-replan.js';
import { applyRequest, type RequestRow, type RequestTable } from '../store/requests.js';
import { iso, type Db } from '../store/store.js';
import type { Principal } from '../store/keys.js';
import type { WorkflowContext } from '../store/context.js';
import type { ProblemCache } from '../problem-cache.js';
import { locate, reshape, shiftView } from '../shifts.js';
import { assertSelf } from './auth.js';
import { requestRoutes } from './request-routes.js';

// ---------------------------------------------------------------------------------------------------
// Leave impact.

interface LeaveSpec {
  agentId: string;
  start: string;
  end: string;
  type: string;
}

interface ShiftImpact {
  action: 'drop' | 'shorten';
  shift: ReturnType<typeof shiftView>;
  after: ReturnType<typeof shiftView> | null;
  leaveHours: number;
}

export interface LeaveImpact {
  shifts: ShiftImpact[];
  coverageDelta: SwapCheck['coverageDelta'];
  costDelta: number;
  violations: SwapCheck['violations'];
  /** Hours of shifts the leave covers: what approval debits. */
  hours: number;
  /** The leave's length in real time. */
  spanHours: number;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

function minLengthMinutes(scenario: Scenario, s: Shift): number {
  const lengths = s.template ? s.template.lengthsMinutes : scenario.shiftTemplates.flatMap((t) => t.lengthsMinutes);
  return lengths.length > 0 ? Math.min(...lengths) : 0;
}

/** The scenario with the leave added to the agent's `leave` list. */
function withLeave(scenario: Scenario, leave: LeaveSpec): Scenario {
  const next = structuredClone(scenario);
  const agent = next.agents.find((a) => a.id === leave.agentId)!;
  agent.leave = [...(agent.leave ?? []), { start: leave.start, end: leave.end, type: leave.type, ...(leave.type === 'unpaid' ? { paid: false } : {}) }];
  return next;
}

/**
 * What approving the leave would do to the schedule: the impact, and the roster and scenario afterwards.
 * Validates the times in the agent's zone (422 at creation, naming paths under `at`; 409 when the schedule
 * changed under it).
 */
export function leaveImpact(problems: ProblemCache, row: ScheduleRow, leave: LeaveSpec, when: 'create' | 'later', at = '/body'): { impact: LeaveImpact; roster: Roster; scenario: Scenario } {
  const base = problems.get(row.scenario);
  const agent = base.agentById.get(leave.agentId);
  const fail = (status: number, path: string, message: string) => new ProblemError(when === 'create' ? status : 409, message, { errors: [{ path, message }] });
  if (!agent) throw fail(422, `${at}/agentId`, `Schedule ${row.id} has no agent ${leave.agentId}`);
  const start = time.parseDateTime(leave.start, agent.zone);
  const end = time.parseDateTime(leave.end, agent.zone);
  if (start === undefined) throw fail(422, `${at}/start`, `not a valid time in ${agent.zone}: ${leave.start}`);
  if (end === undefined) throw fail(422, `${at}/end`, `not a valid time in ${agent.zone}: ${leave.end}`);
  if (end <= start) throw fail(422, `${at}/end`, `leave ends (${leave.end}) before or when it starts (${leave.start})`);
  if (end - start > 366 * 24 * time.HOUR_MS) throw fail(422, `${at}/end`, 'leave is at most 366 days long');
  if (agent.leave.some((l) => l.start < end && start < l.end)) throw fail(422, at, `${leave.agentId} already has leave overlapping ${leave.start} to ${leave.end}`);

  const scenario = withLeave(row.scenario, leave);
  const { p, byAgent } = locate(problems, scenario, row.roster, when);
  const index = p.agentById.get(leave.agentId)!.index;
  const remove: Shift[] = [];
  const add: Shift[] = [];
  const shifts: ShiftImpact[] = [];
  let covered = 0;
  for (const s of byAgent[index]!) {
    if (!(s.start < end && start < s.end)) continue;
    const overlap = Math.min(s.end, end) - Math.max(s.start, start);
    covered += overlap;
    const before = start > s.start ? start - s.start : 0;
    const after = end < s.end ? s.end - end : 0;
    let kept: Shift | null = null;
    if (before > 0 || after > 0) {
      const piece = before >= after ? reshape(p, byAgent, s, s.start, start) : reshape(p, byAgent, s, end, s.end);
      if (piece.minutes >= minLengthMinutes(scenario, s)) kept = piece;
    }
    remove.push(s);
    if (kept) add.push(kept);
    shifts.push({ action: kept ? 'shorten' : 'drop', shift: shiftView(p, s), after: kept ? shiftView(p, kept) : null, leaveHours: round2(overlap / time.HOUR_MS) });
  }
  const judged = judgeChanges(p, byAgent, [{ agent: index, remove, add }]);
  const next = byAgent.map((list, i) => (i === index ? [...list.filter((s) => !remove.includes(s)), ...add] : list));
  return {
    impact: {
      shifts,
      coverageDelta: judged.coverageDelta,
      costDelta: judged.costDelta,
      violations: judged.violations,
      hours: round2(covered / time.HOUR_MS),
      spanHours: round2((end - start) / time.HOUR_MS),
    },
    roster: shiftsToRoster(p, next),
    scenario,
  };
}

// ---------------------------------------------------------------------------------------------------
// Balances.

/** The one balance row per tenant and agent (leave_balances.type is always this). */
const POT = 'hours';

export async function balanceOf(db: Db, tenantId: string, agentId: string, forUpdate = false): Promise<number> {
  const [r] = await db.query<{ hours: string | number }>(`SELECT hours FROM leave_balances WHERE tenant_id = $1 AND agent_id = $2 AND type = $3${forUpdate ? ' FOR UPDATE' : ''}`, [
    tenantId,
    agentId,
    POT,
  ]);
  return r ? Number(r.hours) : 0;
}

/** Sets the balance and writes a ledger entry with the change. */
async function setBalance(db: Db, actor: Principal, agentId: string, hours: number, entry: { reason: string; leaveRequestId?: string; scheduleId?: string }): Promise<{ before: number; after: number }> {
  // Lock the row (or create it) first, so that concurrent debits serialise.
  await db.query(`INSERT INTO leave_balances (tenant_id, agent_id, type, hours) VALUES ($1, $2, $3, 0) ON CONFLICT DO NOTHING`, [actor.tenantId, agentId, POT]);
  const before = await balanceOf(db, actor.tenantId, agentId, true);
  await db.query('UPDATE leave_balances SET hours = $4, version = version + 1 WHERE tenant_id = $1 AND agent_id = $2 AND type = $3', [actor.tenantId, agentId, POT, hours]);
  await db.query(
    `INSERT INTO leave_balance_entries (tenant_id, agent_id, delta_hours, balance_hours, reason, leave_request_id, schedule_id, actor_key_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [actor.tenantId, agentId, round2(hours - before), hours, entry.reason, entry.leaveRequestId ?? null, entry.scheduleId ?? null, actor.keyId],
  );
  return { before, after: hours };
}

// ---------------------------------------------------------------------------------------------------
// Rows.

type Status = 'pending' | 'approved' | 'rejected';

interface LeaveRow extends RequestRow<Status> {
  agentId: string;
  start: string;
  end: string;
  type: string;
  hours: number;
  impact: LeaveImpact | null;
  requestedBy: string | null;
  baseVersion: number | null;
}

const TABLE: RequestTable<LeaveRow> = {
  table: 'leave_requests',
  noun: 'Leave request',
  columns: ['agent_id', 'start_at', 'end_at', 'type', 'hours', 'impact', 'requested_by', 'base_version'],
  toRow: (r, common) => ({
    ...common,
    agentId: r.agent_id as string,
    start: r.start_at as string,
    end: r.end_at as string,
    type: r.type as string,
    hours: Number(r.hours),
    impact: (r.impact as LeaveImpact | null) ?? null,
    requestedBy: (r.requested_by as string | null) ?? null,
    baseVersion: r.base_version == null ? null : Number(r.base_version),
  }),
  agentColumns: ['agent_id'],
  jsonColumns: ['impact'],
  approvable: ['pending'],
  rejectable: ['pending'],
};

const view = (r: LeaveRow) => ({
  id: r.id,
  scheduleId: r.scheduleId,
  agentId: r.agentId,
  start: r.start,
  end: r.end,
  type: r.type,
  hours: r.hours,
  status: r.status,
  impact: r.impact,
  baseVersion: r.baseVersion,
  appliedVersion: r.appliedVersion,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
});

const LeaveBody = Type.Object(
  { agentId: Type.String({ minLength: 1, maxLength: 200 }), start: DateTime, end: DateTime, type: Type.String({ minLength: 1, maxLength: 50 }) },
  { additionalProperties: false },
);
const AgentParams = Type.Object({ agentId: Type.String({ minLength: 1, maxLength: 200 }) });

const leaveRequests: FastifyPluginAsyncTypebox<WorkflowContext> = async (app, context) => {
  const { store, problems, config } = context;

  requestRoutes<LeaveRow, Static<typeof LeaveBody>>(app, store, {
    table: TABLE,
    path: 'leave-requests',
    tag: 'leave',
    audit: 'leave-request',
    view,
    create: {
      summary: 'Request leave',
      description:
        'An agent (for itself) or a planner asks for leave. Times without an offset are in the agent’s zone; end must be after start. The answer carries the impact: the shifts it touches and what approval does to them (drop, or shorten keeping the longer remaining piece; drop when less than the template’s shortest length would remain), the coverage change, and `hours` (the shift hours the leave covers, which approval debits from the balance).',
      body: LeaveBody,
      async run(_db, actor, schedule, body, insert) {
        assertSelf(actor, body.agentId);
        const leave = { ...body };
        const { impact } = leaveImpact(problems, schedule, leave, 'create');
        const row = await insert({
          id: randomUUID(),
          tenant_id: actor.tenantId,
          schedule_id: schedule.id,
          agent_id: leave.agentId,
          start_at: leave.start,
          end_at: leave.end,
          type: leave.type,
          hours: impact.hours,
          status: 'pending',
          impact,
          requested_by: actor.keyId,
          base_version: schedule.version,
        });
        return { row, body: view(row) };
      },
    },
    listDescription: 'Filters: status, agentId. Agents see only their own.',
    approve: {
      summary: 'Approve leave and apply it (and, asked, re-plan its hole)',
      description:
        'Recomputes the impact on the current roster and, in one transaction: drops/shortens the shifts, adds the leave to the scenario’s agent, bumps the version and debits the balance by the covered shift hours. 409 when the schedule changed meanwhile (If-Match) or the request is no longer pending; 422 when the balance would go negative (set it first with PUT /v1/agents/{agentId}/leave-balance: a new agent has 0 h). With `?replan=true` the schedule as the approval leaves it is first re-planned with the fewest changes, nothing that starts before the leave changing (as POST /v1/schedules/{id}/replan with `frozenBefore` the leave’s start; synchronous: `replanTimeLimitSeconds` is its whole wait) and, in the approval’s transaction, stored as a draft proposal of the version the approval makes, its event `{kind: "absence", agentId, start, end, type, leaveRequestId}`: the answer’s `replan` has its `proposalId` and `href`. When the re-plan cannot be computed (busy, time limit, limits) the approval still stands and `replan.reason` (with `replan.problem`) says why no proposal was made.',
      querystring: Type.Object(
        {
          replan: Type.Optional(Type.Boolean({ description: 'Also re-plan the hole the leave leaves: a draft proposal (`replan` in the answer)' })),
          replanTimeLimitSeconds: Type.Optional(
            Type.Number({ exclusiveMinimum: 0, maximum: config.syncSolveMaxSeconds, description: `The re-plan's whole wait (default ${config.syncSolveDefaultSeconds}, at most ${config.syncSolveMaxSeconds})` }),
          ),
        },
        { additionalProperties: false },
      ),
      response: Type.Object(
        { scheduleVersion: Type.Integer(), balanceHours: Type.Number(), replan: Type.Optional({ ...ReplanOutcome, description: 'Only with ?replan=true' }) },
        { additionalProperties: true, description: 'The approved request, the version the approval made, the balance left, and the re-plan when asked for' },
      ),
      prepare: {
        when: (query) => query.replan === true,
        run({ actor, schedule, request: r, query, arrivedAt, onHandle, log }) {
          const leave = { agentId: r.agentId, start: r.start, end: r.end, type: r.type };
          const approved = leaveImpact(problems, schedule, leave, 'later');
          const timeLimitSeconds = query.replanTimeLimitSeconds as number | undefined;
          return prepareLeaveReplan(context, actor, schedule, leave, approved, { ...(timeLimitSeconds !== undefined ? { timeLimitSeconds } : {}), arrivedAt, onHandle, log });
        },
      },
      async run(db, actor, schedule, r, _body, prepared) {
        const { impact, roster, scenario } = leaveImpact(problems, schedule, { agentId: r.agentId, start: r.start, end: r.end, type: r.type }, 'later');
        await db.query(`INSERT INTO leave_balances (tenant_id, agent_id, type, hours) VALUES ($1, $2, $3, 0) ON CONFLICT DO NOTHING`, [actor.tenantId, r.agentId, POT]);
        const balance = await balanceOf(db, actor.tenantId, r.agentId, true);
        const remaining = round2(balance - impact.hours);
        if (remaining < 0)
          throw new ProblemError(422, `${r.agentId} has ${balance} h of leave left; this leave needs ${impact.hours} h`, {
            type: 'urn:flexroster:problem:insufficient-leave-balance',
            title: 'Insufficient leave balance',
            errors: [{ path: '/hours', message: `balance ${balance} h < ${impact.hours} h` }],
          });
        const applied = await applyRequest(db, actor, TABLE, r, schedule, { roster, scenario }, {
          from: ['pending'],
          set: { impact, hours: impact.hours },
          action: 'schedule.leave.apply',
          auditRef: 'leaveRequest',
          decidedBy: actor.keyId,
        });
        const changed = await setBalance(db, actor, r.agentId, remaining, { reason: 'leave', leaveRequestId: r.id, scheduleId: schedule.id });
        const version = applied.schedule.version;
        const replan = prepared ? await storeLeaveReplan(db, actor, r, schedule, applied.schedule, prepared as PreparedReplan) : undefined;
        return {
          request: applied.request,
          body: { ...view(applied.request), scheduleVersion: version, balanceHours: remaining, ...(replan ? { replan } : {}) },
          auditAfter: { ...view(applied.request), balanceHours: changed },
        };
      },
    },
    rejectBody: (updated) => view(updated),
  }, problems);

  app.get(
    '/v1/agents/:agentId/leave-balance',
    { config: { roles: ['planner', 'agent'] }, schema: { summary: 'An agent’s leave balance in hours, with its ledger', tags: ['leave'], params: AgentParams } },
    async (request) => {
      const actor = request.principal!;
      assertSelf(actor, request.params.agentId);
      const balanceHours = await balanceOf(store, actor.tenantId, request.params.agentId);
      const entries = await store.query<Record<string, unknown>>(
        'SELECT id, at, delta_hours, balance_hours, reason, leave_request_id, schedule_id FROM leave_balance_entries WHERE tenant_id = $1 AND agent_id = $2 ORDER BY id',
        [actor.tenantId, request.params.agentId],
      );
      return {
        agentId: request.params.agentId,
        balanceHours,
        entries: entries.map((e) => ({
          at: iso(e.at),
          deltaHours: Number(e.delta_hours),
          balanceHours: Number(e.balance_hours),
          reason: e.reason,
          leaveRequestId: e.leave_request_id ?? null,
          scheduleId: e.schedule_id ?? null,
        })),
      };
    },
  );

  app.put(
    '/v1/agents/:agentId/leave-balance',
    {
      config: { roles: ['planner'] },
      schema: {
        summary: 'Set an agent’s leave balance in hours (e.g. the yearly allowance)',
        tags: ['leave'],
        params: AgentParams,
        body: Type.Object({ balanceHours: Type.Number({ minimum: 0, maximum: 100_000 }) }, { additionalProperties: false }),
      },
    },
    async (request, reply) =>
      mutate(store, request, reply, async (db, actor) => {
        const agentId = request.params.agentId;
        const changed = await setBalance(db, actor, agentId, round2(request.body.balanceHours), { reason: 'set' });
        await audit(db, actor, 'leave-balance.set', 'agent', agentId, { balanceHours: changed.before }, { balanceHours: changed.after });
        return { status: 200, body: { agentId, balanceHours: changed.after } };
      }),
  );
};

export default leaveRequests;
