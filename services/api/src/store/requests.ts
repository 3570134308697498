/**
 * The one request workflow behind swap, leave and extension requests: each kind is a `RequestTable`
 * (its table, columns and status rules); loading, listing, status changes and applying an approved
 * change to the schedule are the same code for every kind. A new request kind adds a table and its
 * check, not a copy of this.
 */
import type { SwapPolicy } from '@flexroster/core';
import { ProblemError, notFound } from '../problem.js';
import { audit } from './ops.js';
import { writeSchedule, type ScheduleChange, type ScheduleRow } from './schedules.js';
import { iso, jsonb, type Db } from './store.js';
import type { Principal } from './keys.js';

/** What every request row has, whatever its kind. */
export interface RequestRow<Status extends string = string> {
  id: string;
  scheduleId: string;
  status: Status;
  appliedVersion: number | null;
  decidedBy: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface RequestTable<Row extends RequestRow> {
  /** Table name; a constant of the plugin, never from the request. */
  readonly table: string;
  /** "Swap request": the start of messages. */
  readonly noun: string;
  /** The kind's own columns (after the common ones) and how a row maps onto its type. */
  readonly columns: readonly string[];
  readonly toRow: (r: Record<string, unknown>, common: RequestRow<Row['status']>) => Row;
  /** Columns naming the agents a request belongs to; an agent key sees only those (404 for others). */
  readonly agentColumns: readonly string[];
  /** Statuses an agent of the tenant sees whoever the request belongs to (open offers). */
  readonly publicStatuses?: readonly Row['status'][];
  /** Columns holding jsonb (cast on write). */
  readonly jsonColumns?: readonly string[];
  /** From which statuses a planner may approve, and reject. */
  readonly approvable: readonly Row['status'][];
  readonly rejectable: readonly Row['status'][];
}

const COMMON = ['id', 'schedule_id', 'status', 'applied_version', 'decided_by', 'created_at', 'updated_at'];

const selectList = (t: { readonly columns: readonly string[] }) => [...COMMON, ...t.columns].join(', ');

function toRow<Row extends RequestRow>(t: RequestTable<Row>, r: Record<string, unknown>): Row {
  const common: RequestRow<Row['status']> = {
    id: r.id as string,
    scheduleId: r.schedule_id as string,
    status: r.status as Row['status'],
    appliedVersion: r.applied_version == null ? null : Number(r.applied_version),
    decidedBy: (r.decided_by as string | null) ?? null,
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
  };
  return t.toRow(r, common);
}

/** May an agent key see this stored row? Its own requests, and those in a public status. */
function visibleToAgent(t: { readonly agentColumns: readonly string[]; readonly publicStatuses?: readonly string[] | undefined }, r: Record<string, unknown>, agentId: string): boolean {
  return t.agentColumns.some((c) => r[c] === agentId) || (t.publicStatuses ?? []).includes(r.status as string);
}

export async function insertRequest<Row extends RequestRow>(db: Db, t: RequestTable<Row>, values: Record<string, unknown>): Promise<Row> {
  const names = Object.keys(values);
  const json = new Set(t.jsonColumns ?? []);
  const placeholders = names.map((n, i) => `$${i + 1}${json.has(n) ? '::jsonb' : ''}`);
  const [r] = await db.query(
    `INSERT INTO ${t.table} (${names.join(', ')}) VALUES (${placeholders.join(', ')}) RETURNING ${selectList(t)}`,
    names.map((n) => (json.has(n) ? jsonb(values[n]) : values[n])),
  );
  return toRow(t, r!);
}

/** One request of the schedule in the caller's tenant; 404 when it is not there or not the agent's to see. */
export async function loadRequest<Row extends RequestRow>(db: Db, t: RequestTable<Row>, principal: Principal, schedule: ScheduleRow, rid: string): Promise<Row> {
  const [r] = await db.query(`SELECT ${selectList(t)} FROM ${t.table} WHERE id = $1 AND schedule_id = $2 AND tenant_id = $3`, [
    rid,
    schedule.id,
    principal.tenantId,
  ]);
  if (!r || (principal.role === 'agent' && !visibleToAgent(t, r, principal.agentId!))) throw notFound(`No ${t.noun.toLowerCase()} ${rid}`);
  return toRow(t, r);
}

/**
 * The schedule's requests, filtered by status and agent (any of the agent columns), oldest first. An
 * agent key only ever gets the rows it may see.
 */
export async function listRequests<Row extends RequestRow>(
  db: Db,
  t: RequestTable<Row>,
  actor: Principal,
  scheduleId: string,
  filter: { status?: string | undefined; agentId?: string | undefined },
): Promise<Row[]> {
  const matches = (param: string) => t.agentColumns.map((c) => `${c} = ${param}`).join(' OR ');
  const rows = await db.query(
    `SELECT ${selectList(t)} FROM ${t.table}
     WHERE tenant_id = $1 AND schedule_id = $2 AND ($3::text IS NULL OR status = $3) AND ($4::text IS NULL OR ${matches('$4')})
       AND ($5::text IS NULL OR ${matches('$5')} OR status = ANY($6::text[]))
     ORDER BY created_at, id`,
    [actor.tenantId, scheduleId, filter.status ?? null, filter.agentId ?? null, actor.role === 'agent' ? actor.agentId : null, t.publicStatuses ?? []],
  );
  return rows.map((r) => toRow(t, r));
}

/**
 * Moves a request to `status` only from one of `from`, setting the given columns (constants of the
 * plugin); a request changed meanwhile is 409.
 */
export async function setStatus<Row extends RequestRow>(
  db: Db,
  t: RequestTable<Row>,
  r: Row,
  from: readonly Row['status'][],
  status: Row['status'],
  set: Record<string, unknown> = {},
): Promise<Row> {
  const json = new Set(t.jsonColumns ?? []);
  const names = Object.keys(set).filter((n) => set[n] !== undefined);
  const assignments = names.map((n, i) => `${n} = $${i + 4}${json.has(n) ? '::jsonb' : ''}`);
  const [row] = await db.query(
    `UPDATE ${t.table} SET ${['status = $2', ...assignments, 'updated_at = now()'].join(', ')} WHERE id = $1 AND status = ANY($3::text[]) RETURNING ${selectList(t)}`,
    [r.id, status, from, ...names.map((n) => (json.has(n) ? jsonb(set[n]) : set[n]))],
  );
  if (!row) throw new ProblemError(409, `${t.noun} ${r.id} is no longer ${from.join(' or ')}`);
  return toRow(t, row);
}

/** 409 unless the request is in one of `from` (the approve and accept routes' first check). */
export function expectStatus<Row extends RequestRow>(t: RequestTable<Row>, r: Row, from: readonly Row['status'][]): void {
  if (!from.includes(r.status)) throw new ProblemError(409, `${t.noun} ${r.id} is ${r.status}, not ${from.join(' or ')}`);
}

export interface TenantPolicy {
  autoApproveSwaps?: boolean;
  swapPolicy?: SwapPolicy;
}

export async function tenantPolicy(db: Db, tenantId: string): Promise<TenantPolicy> {
  const [row] = await db.query<{ policy: TenantPolicy }>('SELECT policy FROM tenants WHERE id = $1', [tenantId]);
  return row?.policy ?? {};
}

/**
 * Applies an approved request to its schedule in the caller's transaction: the versioned write (409 when
 * the schedule moved on since it was read), then the request's status, then the schedule's audit row.
 */
export async function applyRequest<Row extends RequestRow>(
  db: Db,
  actor: Principal,
  t: RequestTable<Row>,
  r: Row,
  schedule: ScheduleRow,
  change: ScheduleChange & { roster: NonNullable<ScheduleChange['roster']> },
  decision: { from: readonly Row['status'][]; set?: Record<string, unknown>; action: string; auditRef: string; decidedBy: string },
): Promise<{ request: Row; schedule: ScheduleRow }> {
  const after = await writeSchedule(db, schedule, change);
  const request = await setStatus(db, t, r, decision.from, 'approved' as Row['status'], { ...decision.set, applied_version: after.version, decided_by: decision.decidedBy });
  await audit(db, actor, decision.action, 'schedule', schedule.id, { version: schedule.version, roster: schedule.roster }, { version: after.version, roster: after.roster, [decision.auditRef]: r.id });
  return { request, schedule: after };
}

/** A rule check as swaps and extensions report it: allowed or not, and why. */
export interface RuleCheck {
  readonly allowed: boolean;
  readonly reasons: readonly string[];
}

/**
 * Settles a checked request: applies it when a planner approves (a failed check only with `override`,
 * else `notAllowed()` is thrown) or when the check passes and the tenant policy auto-approves; otherwise
 * it waits for a planner with the check stored.
 */
export async function settle<Row extends RequestRow & { check: RuleCheck | null }>(
  db: Db,
  actor: Principal,
  t: RequestTable<Row>,
  r: Row,
  schedule: ScheduleRow,
  input: {
    readonly mode: 'auto' | 'approve';
    readonly override?: boolean;
    readonly autoApprove: boolean;
    readonly from: readonly Row['status'][];
    readonly check: NonNullable<Row['check']>;
    /** The roster after applying; called only when it is applied. */
    readonly roster: () => NonNullable<ScheduleChange['roster']>;
    /** More columns to set with the status (e.g. the swap as agreed). */
    readonly set?: Record<string, unknown>;
    readonly notAllowed: () => ProblemError;
    /** Audit action of the schedule change, e.g. `schedule.swap`; `.apply` or `.auto-apply` is added. */
    readonly action: string;
    readonly auditRef: string;
  },
): Promise<{ request: Row; applied: boolean; scheduleVersion: number }> {
  const { check } = input;
  const apply = input.mode === 'approve' ? check.allowed || input.override === true : check.allowed && input.autoApprove;
  if (input.mode === 'approve' && !apply) throw input.notAllowed();
  const set = { ...input.set, check_result: check };
  if (!apply) {
    const request = await setStatus(db, t, r, input.from, 'awaiting-approval' as Row['status'], set);
    return { request, applied: false, scheduleVersion: schedule.version };
  }
  const applied = await applyRequest(db, actor, t, r, schedule, { roster: input.roster() }, {
    from: input.from,
    set,
    action: `${input.action}.${input.mode === 'auto' ? 'auto-apply' : 'apply'}`,
    auditRef: input.auditRef,
    decidedBy: input.mode === 'auto' ? 'policy' : actor.keyId,
  });
  return { request: applied.request, applied: true, scheduleVersion: applied.schedule.version };
}
