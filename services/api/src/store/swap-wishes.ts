/**
 * Swap wishes and the cycles they form: an agent's wish to trade one of their shifts for one they accept
 * is stored open; the matches are the core's allowed cycles among the open wishes on the current roster;
 * applying a cycle moves every shift in it as the schedule's next version and consumes its wishes, in one
 * transaction, or does nothing (409 when the schedule or a wish changed since).
 */
import { randomUUID } from 'node:crypto';
import { SwapWishError, applySwapCycleOn, checkSwapCycleOn, findSwapCyclesOn, type Problem, type SwapCycle, type SwapPolicy, type SwapWish, type WishAccept } from '@flexroster/core';
import { ProblemError } from '../problem.js';
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

export async function insertWish(db: Db, actor: Principal, schedule: ScheduleRow, wish: { agentId: string; give: WishRow['give']; accept: WishAccept[] }): Promise<WishRow> {
  const [r] = await db.query(
    `INSERT INTO swap_wishes (id, tenant_id, schedule_id, agent_id, give, accept, status, base_version, created_by)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, 'open', $7, $8) RETURNING ${COLUMNS}`,
    [randomUUID(), actor.tenantId, schedule.id, wish.agentId, jsonb(wish.give), jsonb(wish.accept), schedule.version, actor.keyId],
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

/** The allowed cycles among the open wishes on the current roster, cheapest first; wishes whose shift moved since are left out. */
export function openMatches(p: Problem, schedule: ScheduleRow, wishes: readonly WishRow[], policy: SwapPolicy): SwapCycle[] {
  let open = wishes.filter((w) => w.status === 'open').map(asCore);
  for (;;) {
    try {
      return findSwapCyclesOn(p, schedule.roster, open, { policy }).cycles;
    } catch (error) {
      if (!(error instanceof SwapWishError)) throw error;
      const stale = new Set(error.issues.map((i) => Number(/^\/wishes\/(\d+)\//.exec(i.path)?.[1])));
      const kept = open.filter((_, i) => !stale.has(i));
      if (kept.length === open.length) throw error;
      open = kept;
    }
  }
}

/** The wishes of the schedule by id, in the order given; an unknown id is 422 at `/body/wishIds/i`. */
export async function loadWishes(db: Db, schedule: ScheduleRow, ids: readonly string[]): Promise<WishRow[]> {
  const rows = (await db.query(`SELECT ${COLUMNS} FROM swap_wishes WHERE tenant_id = $1 AND schedule_id = $2 AND id = ANY($3::text[])`, [schedule.tenantId, schedule.id, ids])).map(toRow);
  const errors = ids.flatMap((id, i) => (rows.some((r) => r.id === id) ? [] : [{ path: `/body/wishIds/${i}`, message: `no swap wish ${id} on this schedule` }]));
  if (errors.length > 0) throw new ProblemError(422, 'Unknown swap wishes in the cycle', { errors });
  if (new Set(ids).size !== ids.length) throw new ProblemError(422, 'A wish appears twice in the cycle', { errors: [{ path: '/body/wishIds', message: 'wishes must be distinct' }] });
  return ids.map((id) => rows.find((r) => r.id === id)!);
}

/** Re-judges a cycle on the current roster: 409 when a wish is consumed or its shift moved since, 422 when it is not an allowed cycle. */
function recheck(p: Problem, schedule: ScheduleRow, cycle: readonly WishRow[], policy: SwapPolicy): SwapCycle {
  const consumed = cycle.filter((w) => w.status !== 'open');
  if (consumed.length > 0) throw new ProblemError(409, `Swap wish ${consumed.map((w) => w.id).join(', ')} was already applied`, { type: 'urn:flexroster:problem:wish-consumed', title: 'Wish consumed' });
  let check;
  try {
    check = checkSwapCycleOn(p, schedule.roster, cycle.map(asCore), policy);
  } catch (error) {
    if (error instanceof SwapWishError) throw new ProblemError(409, `The cycle’s shifts changed since: ${error.issues.map((i) => i.message).join('; ')}`, { type: 'urn:flexroster:problem:cycle-stale', title: 'Cycle changed' });
    throw error;
  }
  if (!check.allowed || !check.cycle)
    throw new ProblemError(422, `The cycle is not allowed: ${check.reasons.join('; ')}`, {
      type: 'urn:flexroster:problem:swap-not-allowed',
      title: 'Swap not allowed',
      errors: check.reasons.map((message) => ({ path: '/body/wishIds', message })),
    });
  return check.cycle;
}

/**
 * Applies a cycle (wishes in cycle order: each one's shift goes to the next one's agent) in the caller's
 * transaction: the versioned roster write (409 when the schedule moved on), then every wish consumed
 * (409 when one was consumed meanwhile, which rolls the write back), then the audit rows and events.
 */
export async function applyCycle(db: Db, actor: Principal, p: Problem, schedule: ScheduleRow, cycle: readonly WishRow[], policy: SwapPolicy, decidedBy: string) {
  const judged = recheck(p, schedule, cycle, policy);
  const after = await writeSchedule(db, schedule, { roster: applySwapCycleOn(p, schedule.roster, cycle.map(asCore)) });
  const cycleId = randomUUID();
  const consumed = await db.query(
    `UPDATE swap_wishes SET status = 'applied', cycle_id = $3, applied_version = $4, decided_by = $5, updated_at = now()
     WHERE tenant_id = $1 AND id = ANY($2::text[]) AND status = 'open' RETURNING id`,
    [actor.tenantId, cycle.map((w) => w.id), cycleId, after.version, decidedBy],
  );
  if (consumed.length !== cycle.length) throw new ProblemError(409, 'A wish of the cycle was applied meanwhile', { type: 'urn:flexroster:problem:wish-consumed', title: 'Wish consumed' });
  const applied = { id: cycleId, scheduleId: schedule.id, ...judged, appliedVersion: after.version, decidedBy };
  const action = decidedBy === 'policy' ? 'auto-apply' : 'apply';
  await audit(db, actor, `schedule.swap-cycle.${action}`, 'schedule', schedule.id, { version: schedule.version, roster: schedule.roster }, { version: after.version, roster: after.roster, swapCycle: cycleId });
  await audit(db, actor, 'swap-cycle.apply', 'swap_cycle', cycleId, null, applied);
  return { cycle: applied, schedule: after };
}
