/**
 * Swap wishes and the cycles they form: an agent's wish to trade one of their shifts for one they accept
 * is stored open; the matches are the core's allowed cycles among the open wishes on the current roster,
 * searched on a compute worker. Applying a cycle judges it on a compute worker first, then moves every
 * shift in it as the schedule's next version and consumes its wishes in one short transaction, or does
 * nothing (409 when the schedule or a wish changed since).
 */
import { randomUUID } from 'node:crypto';
import type { Roster, SwapCycle, SwapPolicy, SwapWish, WishAccept } from '@flexroster/core';
import { ProblemError, notFound } from '../problem.js';
import { computeOrBusy } from '../solving.js';
import type { ComputePool } from '../workers/compute-pool.js';
import { audit } from './ops.js';
import { writeSchedule, type ScheduleRow } from './schedules.js';
import { iso, jsonb, type Db } from './store.js';
import type { Principal } from './keys.js';

export interface WishRow {
  readonly id: string;
  readonly scheduleId: string;
  readonly agentId: string;
  readonly give: { start: string; end: string };
  readonly accept: WishAccept[];
  readonly status: 'open' | 'applied';
  readonly baseVersion: number;
  readonly cycleId: string | null;
  readonly appliedVersion: number | null;
  readonly decidedBy: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

const COLUMNS = 'id, schedule_id, agent_id, give, accept, status, base_version, cycle_id, applied_version, decided_by, created_at, updated_at';

function toRow(r: Record<string, unknown>): WishRow {
  return {
    id: r.id as string,
    scheduleId: r.schedule_id as string,
    agentId: r.agent_id as string,
    give: r.give as WishRow['give'],
    accept: r.accept as WishAccept[],
    status: r.status as WishRow['status'],
    baseVersion: Number(r.base_version),
    cycleId: (r.cycle_id as string | null) ?? null,
    appliedVersion: r.applied_version == null ? null : Number(r.applied_version),
    decidedBy: (r.decided_by as string | null) ?? null,
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
  };
}

export const wishView = (w: WishRow) => ({ ...w });
const asCore = (w: WishRow): SwapWish => ({ id: w.id, agentId: w.agentId, give: w.give, accept: w.accept });
const WISH_CONSUMED = { type: 'urn:flexroster:problem:wish-consumed', title: 'Wish consumed' };
/** A stored scenario or roster the core refuses is named at its place in the schedule. */
const PATHS = { scenario: '/scenario', rest: '' };

export async function insertWish(db: Db, actor: Principal, schedule: ScheduleRow, wish: SwapWish): Promise<WishRow> {
  const [r] = await db.query(
    `INSERT INTO swap_wishes (id, tenant_id, schedule_id, agent_id, give, accept, status, base_version, created_by)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, 'open', $7, $8) RETURNING ${COLUMNS}`,
    [wish.id, actor.tenantId, schedule.id, wish.agentId, jsonb(wish.give), jsonb(wish.accept), schedule.version, actor.keyId],
  );
  const row = toRow(r!);
  await audit(db, actor, 'swap-wish.create', 'swap_wish', row.id, null, wishView(row));
  return row;
}

/** The schedule's wishes, oldest first; an agent key gets only its own. */
export async function listWishes(db: Db, actor: Principal, schedule: ScheduleRow, filter: { status?: string | undefined; agentId?: string | undefined }): Promise<WishRow[]> {
  const agent = actor.role === 'agent' ? actor.agentId! : (filter.agentId ?? null);
  const rows = await db.query(
    `SELECT ${COLUMNS} FROM swap_wishes WHERE tenant_id = $1 AND schedule_id = $2 AND ($3::text IS NULL OR status = $3) AND ($4::text IS NULL OR agent_id = $4)
     ORDER BY created_at, id`,
    [actor.tenantId, schedule.id, filter.status ?? null, agent],
  );
  return rows.map(toRow);
}

/** The allowed cycles among the open wishes on the schedule's roster, cheapest first, as JSON text (searched on a compute worker); wishes whose shift moved since are left out. */
export async function matchesJson(compute: ComputePool, schedule: ScheduleRow, wishes: readonly WishRow[], policy: SwapPolicy, limit: number, agentId?: string): Promise<{ json: string; total: number; truncated: boolean }> {
  const open = wishes.filter((w) => w.status === 'open').map(asCore);
  const answer = { as: 'json' as const, limit, ...(agentId !== undefined ? { agentId } : {}) };
  const found = await computeOrBusy(() => compute.run({ kind: 'swap-cycles', scenario: schedule.scenario, roster: schedule.roster, wishes: open, policy, answer }), PATHS);
  return { json: found.json!, total: found.total!, truncated: found.truncated };
}

/**
 * A new wish (not stored yet) among the open `wishes`, on a compute worker: the issues when its agent does
 * not hold its shift (paths `/wishes/i/…`), else the cheapest allowed cycle through it, if any.
 */
export async function cycleThrough(compute: ComputePool, schedule: ScheduleRow, wishes: readonly WishRow[], policy: SwapPolicy, wish: SwapWish) {
  const sent = [...wishes.filter((w) => w.status === 'open').map(asCore), wish];
  const answer = { as: 'cheapest-through' as const, wishId: wish.id };
  const found = await computeOrBusy(() => compute.run({ kind: 'swap-cycles', scenario: schedule.scenario, roster: schedule.roster, wishes: sent, policy, answer }), PATHS);
  return { issues: found.stale.find((x) => x.index === sent.length - 1)?.issues ?? [], cheapest: found.cheapest };
}

/** The wishes of the schedule by id, in the order given; an unknown id is 422 at `/body/wishIds/i`. */
export async function loadWishes(db: Db, schedule: ScheduleRow, ids: readonly string[]): Promise<WishRow[]> {
  const rows = (await db.query(`SELECT ${COLUMNS} FROM swap_wishes WHERE tenant_id = $1 AND schedule_id = $2 AND id = ANY($3::text[])`, [schedule.tenantId, schedule.id, ids])).map(toRow);
  const errors = ids.flatMap((id, i) => (rows.some((r) => r.id === id) ? [] : [{ path: `/body/wishIds/${i}`, message: `no swap wish ${id} on this schedule` }]));
  if (errors.length > 0) throw new ProblemError(422, 'Unknown swap wishes in the cycle', { errors });
  if (new Set(ids).size !== ids.length) throw new ProblemError(422, 'A wish appears twice in the cycle', { errors: [{ path: '/body/wishIds', message: 'wishes must be distinct' }] });
  return ids.map((id) => rows.find((r) => r.id === id)!);
}

/** A cycle judged on the roster it will change, and that roster with the cycle applied. */
export interface JudgedCycle {
  readonly schedule: ScheduleRow;
  readonly wishes: readonly WishRow[];
  readonly cycle: SwapCycle;
  readonly roster: Roster;
}

/**
 * Re-judges a cycle on the current roster, on a compute worker (before any transaction): 409 when a wish
 * is consumed or its shift moved since, 422 when it is not an allowed cycle.
 */
export async function judgeCycle(compute: ComputePool, schedule: ScheduleRow, wishes: readonly WishRow[], policy: SwapPolicy): Promise<JudgedCycle> {
  const consumed = wishes.filter((w) => w.status !== 'open');
  if (consumed.length > 0) throw new ProblemError(409, `Swap wish ${consumed.map((w) => w.id).join(', ')} was already applied`, WISH_CONSUMED);
  const judged = await computeOrBusy(() => compute.run({ kind: 'swap-cycle-apply', scenario: schedule.scenario, roster: schedule.roster, cycle: wishes.map(asCore), policy }), PATHS);
  if (judged.status === 'stale') throw new ProblemError(409, `The cycle’s shifts changed since: ${judged.issues.map((i) => i.message).join('; ')}`, { type: 'urn:flexroster:problem:cycle-stale', title: 'Cycle changed' });
  const { check, roster } = judged;
  if (!check.allowed || !check.cycle || !roster)
    throw new ProblemError(422, `The cycle is not allowed: ${check.reasons.join('; ')}`, {
      type: 'urn:flexroster:problem:swap-not-allowed',
      title: 'Swap not allowed',
      errors: check.reasons.map((message) => ({ path: '/body/wishIds', message })),
    });
  return { schedule, wishes, cycle: check.cycle, roster };
}

/**
 * Locks the schedule and the cycle's wishes in the caller's transaction and tells whether they are as
 * judged: the schedule at the judged version and every wish still open.
 */
export async function stillCurrent(db: Db, judged: JudgedCycle): Promise<{ version: boolean; wishes: boolean }> {
  const { schedule, wishes } = judged;
  const [row] = await db.query<{ version: number }>('SELECT version FROM schedules WHERE id = $1 AND tenant_id = $2 FOR UPDATE', [schedule.id, schedule.tenantId]);
  const open = await db.query(`SELECT id FROM swap_wishes WHERE tenant_id = $1 AND id = ANY($2::text[]) AND status = 'open' FOR UPDATE`, [schedule.tenantId, wishes.map((w) => w.id)]);
  return { version: row !== undefined && Number(row.version) === schedule.version, wishes: open.length === wishes.length };
}

/**
 * Applies a judged cycle in the caller's transaction: the versioned roster write (409 when the schedule
 * moved on since it was judged), every wish consumed (409 when one was consumed meanwhile), then the
 * audit rows and events. Checked under lock first (stillCurrent), so a 409 comes before any write.
 */
export async function commitCycle(db: Db, actor: Principal, judged: JudgedCycle, decidedBy: string) {
  const { schedule, wishes } = judged;
  const current = await stillCurrent(db, judged);
  if (!current.wishes) throw new ProblemError(409, 'A wish of the cycle was applied meanwhile', WISH_CONSUMED);
  const after = await writeSchedule(db, schedule, { roster: judged.roster });
  const cycleId = randomUUID();
  await db.query(
    `UPDATE swap_wishes SET status = 'applied', cycle_id = $3, applied_version = $4, decided_by = $5, updated_at = now()
     WHERE tenant_id = $1 AND id = ANY($2::text[]) AND status = 'open'`,
    [actor.tenantId, wishes.map((w) => w.id), cycleId, after.version, decidedBy],
  );
  const applied = { id: cycleId, scheduleId: schedule.id, ...judged.cycle, appliedVersion: after.version, decidedBy };
  const action = decidedBy === 'policy' ? 'auto-apply' : 'apply';
  await audit(db, actor, `schedule.swap-cycle.${action}`, 'schedule', schedule.id, { version: schedule.version, roster: schedule.roster }, { version: after.version, roster: after.roster, swapCycle: cycleId });
  await audit(db, actor, 'swap-cycle.apply', 'swap_cycle', cycleId, null, applied);
  return { cycle: applied, schedule: after };
}

/** Withdraws an open wish (its agent, or a planner): 404 unknown (or another agent's, to an agent key), 409 once applied. */
export async function deleteWish(db: Db, actor: Principal, schedule: ScheduleRow, id: string): Promise<WishRow> {
  const [r] = await db.query(`SELECT ${COLUMNS} FROM swap_wishes WHERE tenant_id = $1 AND schedule_id = $2 AND id = $3 FOR UPDATE`, [actor.tenantId, schedule.id, id]);
  const wish = r ? toRow(r) : undefined;
  if (!wish || (actor.role === 'agent' && wish.agentId !== actor.agentId)) throw notFound(`No swap wish ${id} on this schedule`);
  if (wish.status !== 'open') throw new ProblemError(409, `Swap wish ${id} was already applied (cycle ${wish.cycleId})`, WISH_CONSUMED);
  await db.query('DELETE FROM swap_wishes WHERE tenant_id = $1 AND id = $2', [actor.tenantId, id]);
  await audit(db, actor, 'swap-wish.delete', 'swap_wish', id, wishView(wish), null);
  return wish;
}
