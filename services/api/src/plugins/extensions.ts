/**
 * Shift extension requests: an agent (own shifts) or a planner asks to extend a rostered shift by
 * `extendMinutes` at its `start` (earlier) or `end` (later). The check is the core's `judgeChanges` with
 * the extended shift instead of the original. An extended shift often matches no template, so
 * `shift-templates` findings do not block an extension (they are listed in the reasons, marked as not
 * blocking); every other hard rule does, as does growing under-staffing beyond the swap policy.
 * Settling follows the swap requests: when the check passes and the tenant policy has
 * `autoApproveSwaps`, the extension is applied at once; otherwise it waits for a planner (approve, 422
 * with the reasons unless `override`; or reject). Applying rewrites the roster in one transaction with
 * the schedule's version check (409 when stale).
 */
import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ShiftRef, judgeChanges, shiftsToRoster, time, type Problem, type Roster, type Shift, type SwapCheck, type SwapPolicy } from '@flexroster/core';
import { ProblemError, notFound } from '../problem.js';
import { audit, listAgentRequests, mutate } from '../store/ops.js';
import { checkIfMatch, loadSchedule, type ScheduleRow } from '../store/schedules.js';
import { iso, jsonb, type Db } from '../store/store.js';
import type { Principal } from '../store/keys.js';
import type { WorkflowContext } from '../store/context.js';
import type { ProblemCache } from '../problem-cache.js';
import { assertSelf } from './auth.js';
import { locate, reshape, shiftView, tenantPolicy, writeSchedule } from './leave-requests.js';

const NOT_BLOCKING = new Set(['shift-templates']);

interface Extension {
  agentId: string;
  shift: { start: string; end: string };
  extendMinutes: number;
  at: 'start' | 'end';
}

export interface ExtensionCheck extends SwapCheck {
  extended: ReturnType<typeof shiftView>;
}

/** The rule check of an extension on the schedule's current roster, and the roster it would give. */
function checkExtension(problems: ProblemCache, row: ScheduleRow, ext: Extension, policy: SwapPolicy, when: 'create' | 'later'): { result: ExtensionCheck; roster: Roster } {
  const { p, byAgent } = locate(problems, row.scenario, row.roster, when);
  const fail = (path: string, message: string) => new ProblemError(when === 'create' ? 422 : 409, message, { errors: [{ path, message }] });
  const agent = p.agentById.get(ext.agentId);
  if (!agent) throw fail('/body/agentId', `Schedule ${row.id} has no agent ${ext.agentId}`);
  const start = time.parseDateTime(ext.shift.start, agent.zone);
  const end = time.parseDateTime(ext.shift.end, agent.zone);
  const original = byAgent[agent.index]!.find((s) => s.start === start && s.end === end);
  if (!original) throw fail('/body/shift', `${ext.agentId} has no shift from ${ext.shift.start} to ${ext.shift.end}`);
  const delta = ext.extendMinutes * time.MINUTE_MS;
  const extended: Shift = ext.at === 'start' ? reshape(p, original, original.start - delta, original.end) : reshape(p, original, original.start, original.end + delta);
  if (extended.end - extended.start > 24 * time.HOUR_MS) throw fail('/body/extendMinutes', 'a shift is at most 24 hours long');
  const judged = judgeChanges(p, byAgent, [{ agent: agent.index, remove: [original], add: [extended] }], policy);
  const blocking = judged.violations.filter((v) => !NOT_BLOCKING.has(v.rule));
  const reasons = blocking.map((v) => `${v.agentId}: ${v.rule}: ${v.message}`);
  reasons.push(...judged.reasons.filter((r) => r.startsWith('coverage:')));
  const allowed = reasons.length === 0;
  for (const v of judged.violations.filter((v) => NOT_BLOCKING.has(v.rule)))
    reasons.push(`${v.agentId}: ${v.rule}: ${v.message} (not blocking: an extended shift may match no template)`);
  if (allowed) reasons.unshift('every blocking hard rule holds and coverage does not suffer');
  const next = byAgent.map((list, i) => (i === agent.index ? list.map((s) => (s === original ? extended : s)) : list));
  return {
    result: { allowed, violations: judged.violations, coverageDelta: judged.coverageDelta, costDelta: judged.costDelta, reasons, extended: shiftView(p as Problem, extended) },
    roster: shiftsToRoster(p, next),
  };
}

type Status = 'awaiting-approval' | 'approved' | 'rejected';

interface RequestRow {
  id: string;
  scheduleId: string;
  agentId: string;
  shift: { start: string; end: string };
  extendMinutes: number;
  at: 'start' | 'end';
  status: Status;
  check: ExtensionCheck | null;
  baseVersion: number;
  appliedVersion: number | null;
  decidedBy: string | null;
  createdAt: string;
  updatedAt: string;
}

const COLUMNS = 'id, schedule_id, agent_id, shift, extend_minutes, at_side, status, check_result, base_version, applied_version, decided_by, created_at, updated_at';
const toRow = (r: Record<string, unknown>): RequestRow => ({
  id: r.id as string,
  scheduleId: r.schedule_id as string,
  agentId: r.agent_id as string,
  shift: r.shift as { start: string; end: string },
  extendMinutes: Number(r.extend_minutes),
  at: r.at_side as 'start' | 'end',
  status: r.status as Status,
  check: (r.check_result as ExtensionCheck | null) ?? null,
  baseVersion: Number(r.base_version),
  appliedVersion: r.applied_version == null ? null : Number(r.applied_version),
  decidedBy: (r.decided_by as string | null) ?? null,
  createdAt: iso(r.created_at)!,
  updatedAt: iso(r.updated_at)!,
});

const view = (r: RequestRow) => ({
  id: r.id,
  scheduleId: r.scheduleId,
  agentId: r.agentId,
  shift: r.shift,
  extendMinutes: r.extendMinutes,
  at: r.at,
  status: r.status,
  check: r.check,
  baseVersion: r.baseVersion,
  appliedVersion: r.appliedVersion,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
});

const asExtension = (r: RequestRow): Extension => ({ agentId: r.agentId, shift: r.shift, extendMinutes: r.extendMinutes, at: r.at });

async function loadRequest(db: Db, principal: Principal, schedule: ScheduleRow, rid: string): Promise<RequestRow> {
  const [r] = await db.query(`SELECT ${COLUMNS} FROM extension_requests WHERE id = $1 AND schedule_id = $2 AND tenant_id = $3`, [rid, schedule.id, principal.tenantId]);
  if (!r) throw notFound(`No extension request ${rid}`);
  const row = toRow(r);
  if (principal.role === 'agent' && row.agentId !== principal.agentId) throw notFound(`No extension request ${rid}`);
  return row;
}

async function setStatus(db: Db, r: RequestRow, change: { status: Status; check?: ExtensionCheck; appliedVersion?: number; decidedBy?: string }): Promise<RequestRow> {
  const [row] = await db.query(
    `UPDATE extension_requests SET status = $2, check_result = COALESCE($3::jsonb, check_result), applied_version = COALESCE($4, applied_version), decided_by = COALESCE($5, decided_by), updated_at = now()
     WHERE id = $1 AND status = 'awaiting-approval' RETURNING ${COLUMNS}`,
    [r.id, change.status, jsonb(change.check), change.appliedVersion ?? null, change.decidedBy ?? null],
  );
  if (!row) throw new ProblemError(409, `Extension request ${r.id} is no longer awaiting approval`);
  return toRow(row);
}

const Params = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });
const RParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }), rid: Type.String({ minLength: 1, maxLength: 100 }) });

const extensions: FastifyPluginAsyncTypebox<WorkflowContext> = async (app, { store, problems }) => {
  /** Checks on the current roster and applies when allowed and the policy (auto) or a planner (approve) says so. */
  async function settle(db: Db, actor: Principal, schedule: ScheduleRow, r: RequestRow, mode: 'auto' | 'approve', override = false) {
    const policy = await tenantPolicy(db, actor.tenantId);
    const { result, roster } = checkExtension(problems, schedule, asExtension(r), policy.swapPolicy ?? {}, 'later');
    const apply = mode === 'approve' ? result.allowed || override : result.allowed && policy.autoApproveSwaps === true;
    if (mode === 'approve' && !apply)
      throw new ProblemError(422, `The extension breaks the rules: ${result.reasons.filter((x) => !x.includes('(not blocking')).join('; ')}. Approve with {"override": true} to apply it anyway, or reject it.`, {
        type: 'urn:flexroster:problem:extension-not-allowed',
        title: 'Extension not allowed',
        errors: result.reasons.map((message) => ({ path: '/shift', message })),
      });
    if (!apply) {
      await db.query('UPDATE extension_requests SET check_result = $2::jsonb, updated_at = now() WHERE id = $1', [r.id, jsonb(result)]);
      return { request: { ...r, check: result }, check: result, applied: false, scheduleVersion: schedule.version };
    }
    const version = await writeSchedule(db, schedule, { roster });
    const updated = await setStatus(db, r, { status: 'approved', check: result, appliedVersion: version, decidedBy: mode === 'auto' ? 'policy' : actor.keyId });
    await audit(db, actor, mode === 'auto' ? 'schedule.extension.auto-apply' : 'schedule.extension.apply', 'schedule', schedule.id, { version: schedule.version, roster: schedule.roster }, { version, roster, extensionRequest: r.id });
    return { request: updated, check: result, applied: true, scheduleVersion: version };
  }

  app.post(
    '/v1/schedules/:id/extension-requests',
    {
      config: { roles: ['planner', 'agent'] },
      schema: {
        summary: 'Ask to extend a shift',
        description:
          'Extends a rostered shift by `extendMinutes` at its `start` or `end`. Checked like a swap; `shift-templates` findings do not block (an extended shift may match no template), every other hard rule does. Applied at once when the check passes and the tenant policy has `autoApproveSwaps`; else it awaits a planner.',
        tags: ['extension requests'],
        params: Params,
        body: Type.Object(
          {
            agentId: Type.String({ minLength: 1, maxLength: 200 }),
            shift: ShiftRef,
            extendMinutes: Type.Integer({ minimum: 1, maximum: 720 }),
            at: Type.Union([Type.Literal('start'), Type.Literal('end')]),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) =>
      mutate(store, request, reply, async (db, actor) => {
        const schedule = await loadSchedule(db, actor, request.params.id);
        assertSelf(actor, request.body.agentId);
        const ext: Extension = { agentId: request.body.agentId, shift: { start: request.body.shift.start, end: request.body.shift.end }, extendMinutes: request.body.extendMinutes, at: request.body.at };
        const policy = await tenantPolicy(db, actor.tenantId);
        const { result } = checkExtension(problems, schedule, ext, policy.swapPolicy ?? {}, 'create');
        const [inserted] = await db.query(
          `INSERT INTO extension_requests (id, tenant_id, schedule_id, agent_id, shift, extend_minutes, at_side, status, check_result, requested_by, base_version)
           VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, 'awaiting-approval', $8::jsonb, $9, $10) RETURNING ${COLUMNS}`,
          [randomUUID(), actor.tenantId, schedule.id, ext.agentId, jsonb(ext.shift), ext.extendMinutes, ext.at, jsonb(result), actor.keyId, schedule.version],
        );
        const row = toRow(inserted!);
        await audit(db, actor, 'extension-request.create', 'extension_request', row.id, null, view(row));
        const settled = await settle(db, actor, schedule, row, 'auto');
        return {
          status: 201,
          body: { ...view(settled.request), applied: settled.applied, scheduleVersion: settled.scheduleVersion },
          headers: { location: `/v1/schedules/${schedule.id}/extension-requests/${row.id}` },
        };
      }),
  );

  app.get(
    '/v1/schedules/:id/extension-requests',
    {
      config: { roles: ['planner', 'agent'] },
      schema: {
        summary: 'List extension requests',
        description: 'Filters: status, agentId. Agents see only their own.',
        tags: ['extension requests'],
        params: Params,
        querystring: Type.Object({ status: Type.Optional(Type.String()), agentId: Type.Optional(Type.String()) }),
      },
    },
    async (request) => {
      const actor = request.principal!;
      const schedule = await loadSchedule(store, actor, request.params.id);
      const rows = await listAgentRequests(store, actor, schedule.id, 'extension_requests', COLUMNS, request.query);
      return rows.map(toRow).map(view);
    },
  );

  app.get('/v1/schedules/:id/extension-requests/:rid', { config: { roles: ['planner', 'agent'] }, schema: { summary: 'An extension request', tags: ['extension requests'], params: RParams } }, async (request) => {
    const actor = request.principal!;
    const schedule = await loadSchedule(store, actor, request.params.id);
    return view(await loadRequest(store, actor, schedule, request.params.rid));
  });

  app.post(
    '/v1/schedules/:id/extension-requests/:rid/approve',
    {
      config: { roles: ['planner'] },
      schema: {
        summary: 'Approve an extension and apply it',
        description: 'Re-checks on the current roster and applies in one transaction. 422 with the reasons when a blocking rule breaks unless `override` is true; 409 when the schedule changed (If-Match) or the request is no longer awaiting approval.',
        tags: ['extension requests'],
        params: RParams,
        body: Type.Optional(Type.Object({ override: Type.Optional(Type.Boolean()) }, { additionalProperties: false })),
      },
    },
    async (request, reply) =>
      mutate(store, request, reply, async (db, actor) => {
        const schedule = await loadSchedule(db, actor, request.params.id);
        checkIfMatch(request.headers['if-match'], schedule);
        const r = await loadRequest(db, actor, schedule, request.params.rid);
        if (r.status !== 'awaiting-approval') throw new ProblemError(409, `Extension request ${r.id} is ${r.status}, not awaiting approval`);
        const settled = await settle(db, actor, schedule, r, 'approve', request.body?.override === true);
        await audit(db, actor, 'extension-request.approve', 'extension_request', r.id, view(r), view(settled.request));
        return { status: 200, body: { ...view(settled.request), applied: true, scheduleVersion: settled.scheduleVersion, reasons: settled.check.reasons } };
      }),
  );

  app.post(
    '/v1/schedules/:id/extension-requests/:rid/reject',
    { config: { roles: ['planner'] }, schema: { summary: 'Reject an extension request', tags: ['extension requests'], params: RParams } },
    async (request, reply) =>
      mutate(store, request, reply, async (db, actor) => {
        const schedule = await loadSchedule(db, actor, request.params.id);
        const r = await loadRequest(db, actor, schedule, request.params.rid);
        const updated = await setStatus(db, r, { status: 'rejected', decidedBy: actor.keyId });
        await audit(db, actor, 'extension-request.reject', 'extension_request', r.id, view(r), view(updated));
        return { status: 200, body: { ...view(updated), reasons: updated.check?.reasons ?? [] } };
      }),
  );
};

export default extensions;
