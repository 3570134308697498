/**
 * Shift extension requests: an agent (own shifts) or a planner asks to extend a rostered shift by
 * `extendMinutes` at its `start` (earlier) or `end` (later). The check is the core's `judgeChanges` with
 * the extended shift instead of the original. An extended shift often matches no template, so
 * `shift-templates` findings do not block an extension (they are listed in the reasons, marked as not
 * blocking); every other hard rule does, as does growing under-staffing beyond the swap policy. A shift
 * with segments keeps them, its last work segment growing to the new end (the first to the new start), its
 * breaks placed afresh when the breaks rule asks (../shifts.ts `reshape`); a `breaks` finding blocks.
 * Settling follows the swap requests: when the check passes and the tenant policy has
 * `autoApproveSwaps`, the extension is applied at once; otherwise it waits for a planner (approve, 422
 * with the reasons unless `override`; or reject). Applying rewrites the roster in one transaction with
 * the schedule's version check (409 when stale).
 */
import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import { ShiftRef, judgeChanges, shiftsToRoster, time, type Problem, type Roster, type Shift, type SwapCheck, type SwapPolicy } from '@flexroster/core';
import { ProblemError } from '../problem.js';
import type { ScheduleRow } from '../store/schedules.js';
import { settle, tenantPolicy, type RequestRow, type RequestTable } from '../store/requests.js';
import type { Db } from '../store/store.js';
import type { Principal } from '../store/keys.js';
import type { WorkflowContext } from '../store/context.js';
import type { ProblemCache } from '../problem-cache.js';
import { assertSelf } from './auth.js';
import { locate, reshape, shiftView } from '../shifts.js';
import { requestRoutes } from './request-routes.js';

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
  if (original.end - original.start + delta > 24 * time.HOUR_MS) throw fail('/body/extendMinutes', 'a shift is at most 24 hours long');
  const extended: Shift = ext.at === 'start' ? reshape(p, byAgent, original, original.start - delta, original.end) : reshape(p, byAgent, original, original.start, original.end + delta);
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

interface ExtensionRow extends RequestRow<Status> {
  agentId: string;
  shift: { start: string; end: string };
  extendMinutes: number;
  at: 'start' | 'end';
  check: ExtensionCheck | null;
  baseVersion: number;
}

const TABLE: RequestTable<ExtensionRow> = {
  table: 'extension_requests',
  noun: 'Extension request',
  columns: ['agent_id', 'shift', 'extend_minutes', 'at_side', 'check_result', 'base_version'],
  toRow: (r, common) => ({
    ...common,
    agentId: r.agent_id as string,
    shift: r.shift as { start: string; end: string },
    extendMinutes: Number(r.extend_minutes),
    at: r.at_side as 'start' | 'end',
    check: (r.check_result as ExtensionCheck | null) ?? null,
    baseVersion: Number(r.base_version),
  }),
  agentColumns: ['agent_id'],
  jsonColumns: ['shift', 'check_result'],
  approvable: ['awaiting-approval'],
  rejectable: ['awaiting-approval'],
};

const view = (r: ExtensionRow) => ({
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

const asExtension = (r: ExtensionRow): Extension => ({ agentId: r.agentId, shift: r.shift, extendMinutes: r.extendMinutes, at: r.at });

const ExtensionBody = Type.Object(
  {
    agentId: Type.String({ minLength: 1, maxLength: 200 }),
    shift: ShiftRef,
    extendMinutes: Type.Integer({ minimum: 1, maximum: 720 }),
    at: Type.Union([Type.Literal('start'), Type.Literal('end')]),
  },
  { additionalProperties: false },
);

const extensions: FastifyPluginAsyncTypebox<WorkflowContext> = async (app, { store, problems }) => {
  /** Checks on the current roster and applies when allowed and the policy (auto) or a planner (approve) says so. */
  async function settleExtension(db: Db, actor: Principal, schedule: ScheduleRow, r: ExtensionRow, mode: 'auto' | 'approve', override = false) {
    const policy = await tenantPolicy(db, actor.tenantId);
    const { result, roster } = checkExtension(problems, schedule, asExtension(r), policy.swapPolicy ?? {}, 'later');
    return settle(db, actor, TABLE, r, schedule, {
      mode,
      override,
      autoApprove: policy.autoApproveSwaps === true,
      from: ['awaiting-approval'],
      check: result,
      roster: () => roster,
      notAllowed: () =>
        new ProblemError(422, `The extension breaks the rules: ${result.reasons.filter((x) => !x.includes('(not blocking')).join('; ')}. Approve with {"override": true} to apply it anyway, or reject it.`, {
          type: 'urn:flexroster:problem:extension-not-allowed',
          title: 'Extension not allowed',
          errors: result.reasons.map((message) => ({ path: '/shift', message })),
        }),
      action: 'schedule.extension',
      auditRef: 'extensionRequest',
    });
  }

  requestRoutes<ExtensionRow, Static<typeof ExtensionBody>>(app, store, {
    table: TABLE,
    path: 'extension-requests',
    tag: 'extension requests',
    audit: 'extension-request',
    view,
    create: {
      summary: 'Ask to extend a shift',
      description:
        'Extends a rostered shift by `extendMinutes` at its `start` or `end`. Checked like a swap; `shift-templates` findings do not block (an extended shift may match no template), every other hard rule does. Applied at once when the check passes and the tenant policy has `autoApproveSwaps`; else it awaits a planner.',
      body: ExtensionBody,
      async run(db, actor, schedule, body, insert) {
        assertSelf(actor, body.agentId);
        const ext: Extension = { agentId: body.agentId, shift: { start: body.shift.start, end: body.shift.end }, extendMinutes: body.extendMinutes, at: body.at };
        const policy = await tenantPolicy(db, actor.tenantId);
        const { result } = checkExtension(problems, schedule, ext, policy.swapPolicy ?? {}, 'create');
        const row = await insert({
          id: randomUUID(),
          tenant_id: actor.tenantId,
          schedule_id: schedule.id,
          agent_id: ext.agentId,
          shift: ext.shift,
          extend_minutes: ext.extendMinutes,
          at_side: ext.at,
          status: 'awaiting-approval',
          check_result: result,
          requested_by: actor.keyId,
          base_version: schedule.version,
        });
        const settled = await settleExtension(db, actor, schedule, row, 'auto');
        return { row, body: { ...view(settled.request), applied: settled.applied, scheduleVersion: settled.scheduleVersion } };
      },
    },
    listDescription: 'Filters: status, agentId. Agents see only their own.',
    approve: {
      summary: 'Approve an extension and apply it',
      description:
        'Re-checks on the current roster and applies in one transaction. 422 with the reasons when a blocking rule breaks unless `override` is true; 409 when the schedule changed (If-Match) or the request is no longer awaiting approval.',
      body: Type.Object({ override: Type.Optional(Type.Boolean()) }, { additionalProperties: false }),
      async run(db, actor, schedule, r, body) {
        const settled = await settleExtension(db, actor, schedule, r, 'approve', body.override === true);
        return { request: settled.request, body: { ...view(settled.request), applied: true, scheduleVersion: settled.scheduleVersion, reasons: settled.request.check!.reasons } };
      },
    },
    rejectBody: (updated) => ({ ...view(updated), reasons: updated.check?.reasons ?? [] }),
  }, problems);
};

export default extensions;
