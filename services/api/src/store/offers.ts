/**
 * VTO and overtime offers of a stored schedule (the offers themselves are computed in offers.ts).
 *
 * A planner's computation is one batch: it withdraws the schedule's open offers of earlier batches and
 * stores the new ones, ranked cheapest first. The agent an offer is made to accepts it; the acceptance
 * runs with the schedule row locked, so acceptances of one schedule take turns: the offer is re-checked
 * on the roster of that moment (its shift still there and its intervals still in need, else 409; the
 * agent's hard rules, else 422 naming them) and applied as the schedule's next version, and the other open
 * offers of its need are `taken` (409 when accepted later). Accepted VTO becomes unpaid leave of the agent.
 */
import { randomUUID } from 'node:crypto';
import type { Scenario } from '@flexroster/core';
import { ProblemError, notFound } from '../problem.js';
import { computeOrBusy } from '../solving.js';
import { locate } from '../shifts.js';
import { OfferGone, checkOffer, type ComputedOffer, type Need, type OfferKind } from '../offers.js';
import type { WorkflowContext } from './context.js';
import type { Principal } from './keys.js';
import { audit } from './ops.js';
import { tenantPolicy } from './requests.js';
import { loadSchedule, writeSchedule, type ScheduleRow } from './schedules.js';
import { iso, jsonb, type Db } from './store.js';

export type OfferStatus = 'open' | 'accepted' | 'taken' | 'withdrawn';

export interface OfferRow {
  readonly id: string;
  readonly tenantId: string;
  readonly scheduleId: string;
  readonly batchId: string;
  readonly baseVersion: number;
  readonly rank: number;
  readonly kind: OfferKind;
  readonly agentId: string;
  readonly shift: { readonly start: string; readonly end: string };
  readonly at: 'start' | 'end';
  readonly minutes: number;
  readonly need: Need;
  readonly after: ComputedOffer['after'];
  readonly costDelta: number;
  readonly coverageDelta: ComputedOffer['coverageDelta'];
  readonly notes: readonly string[];
  readonly status: OfferStatus;
  readonly takenBy: string | null;
  readonly acceptedVersion: number | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

const COLUMNS =
  'id, tenant_id, schedule_id, batch_id, base_version, rank, kind, agent_id, shift, at_side, minutes, need, after, cost_delta, coverage_delta, notes, status, taken_by, accepted_version, created_at, updated_at';

function toRow(r: Record<string, unknown>): OfferRow {
  return {
    id: r.id as string,
    tenantId: r.tenant_id as string,
    scheduleId: r.schedule_id as string,
    batchId: r.batch_id as string,
    baseVersion: Number(r.base_version),
    rank: Number(r.rank),
    kind: r.kind as OfferKind,
    agentId: r.agent_id as string,
    shift: r.shift as OfferRow['shift'],
    at: r.at_side as OfferRow['at'],
    minutes: Number(r.minutes),
    need: r.need as Need,
    after: r.after as OfferRow['after'],
    costDelta: Number(r.cost_delta),
    coverageDelta: r.coverage_delta as OfferRow['coverageDelta'],
    notes: r.notes as string[],
    status: r.status as OfferStatus,
    takenBy: (r.taken_by as string | null) ?? null,
    acceptedVersion: r.accepted_version == null ? null : Number(r.accepted_version),
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
  };
}

/** The offer as the API shows it. */
export const offerView = (o: OfferRow) => ({
  id: o.id,
  scheduleId: o.scheduleId,
  batchId: o.batchId,
  baseVersion: o.baseVersion,
  rank: o.rank,
  kind: o.kind,
  agentId: o.agentId,
  shift: o.shift,
  at: o.at,
  minutes: o.minutes,
  hours: Math.round((o.minutes / 60) * 100) / 100,
  after: o.after,
  need: o.need,
  costDelta: o.costDelta,
  coverageDelta: o.coverageDelta,
  notes: o.notes,
  status: o.status,
  takenBy: o.takenBy,
  acceptedVersion: o.acceptedVersion,
  createdAt: o.createdAt,
  updatedAt: o.updatedAt,
});

export interface OfferOptions {
  readonly kinds: readonly OfferKind[];
  readonly maxOffers: number;
}

/** Computes the schedule's offers on a compute worker (before any transaction). */
export async function computeBatch(context: WorkflowContext, actor: Principal, scheduleId: string, options: OfferOptions) {
  const schedule = await loadSchedule(context.store, actor, scheduleId);
  const policy = (await tenantPolicy(context.store, actor.tenantId)).swapPolicy ?? {};
  const computed = await computeOrBusy(() => context.compute.run({ kind: 'offers', scenario: schedule.scenario, roster: schedule.roster, policy, kinds: options.kinds, limit: options.maxOffers }), {
    scenario: '/scenario',
    rest: '',
  });
  return { schedule, ...computed };
}

/** Stores a computed batch, withdrawing the schedule's open offers of earlier batches. */
export async function storeBatch(db: Db, actor: Principal, schedule: ScheduleRow, needs: readonly Need[], offers: readonly ComputedOffer[]): Promise<{ batchId: string; offers: OfferRow[] }> {
  const batchId = randomUUID();
  const withdrawn = await db.query(`UPDATE offers SET status = 'withdrawn', updated_at = now() WHERE tenant_id = $1 AND schedule_id = $2 AND status = 'open' RETURNING id`, [actor.tenantId, schedule.id]);
  const needById = new Map(needs.map((n) => [n.id, n]));
  const rows: OfferRow[] = [];
  for (const [i, o] of offers.entries()) {
    const [r] = await db.query(
      `INSERT INTO offers (id, tenant_id, schedule_id, batch_id, base_version, rank, kind, agent_id, shift, at_side, minutes, need_id, need, after, cost_delta, coverage_delta, notes, status, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10, $11, $12, $13::jsonb, $14::jsonb, $15, $16::jsonb, $17::jsonb, 'open', $18) RETURNING ${COLUMNS}`,
      [randomUUID(), actor.tenantId, schedule.id, batchId, schedule.version, i + 1, o.kind, o.agentId, jsonb(o.shift), o.at, o.minutes, o.needId, jsonb(needById.get(o.needId)), jsonb(o.after), o.costDelta, jsonb(o.coverageDelta), jsonb(o.notes), actor.keyId],
    );
    rows.push(toRow(r!));
  }
  await audit(db, actor, 'offer-batch.create', 'offer-batch', batchId, null, { scheduleId: schedule.id, baseVersion: schedule.version, offers: rows.length, withdrawn: withdrawn.length });
  return { batchId, offers: rows };
}

/** The schedule's offers, best rank first within each batch, newest batch first; an agent gets only its own. */
export async function listOffers(db: Db, actor: Principal, schedule: ScheduleRow, filter: { status?: string | undefined; kind?: string | undefined; agentId?: string | undefined }): Promise<OfferRow[]> {
  const rows = await db.query(
    `SELECT ${COLUMNS} FROM offers WHERE tenant_id = $1 AND schedule_id = $2 AND ($3::text IS NULL OR status = $3) AND ($4::text IS NULL OR kind = $4)
       AND ($5::text IS NULL OR agent_id = $5) AND ($6::text IS NULL OR agent_id = $6)
     ORDER BY created_at DESC, batch_id, rank`,
    [actor.tenantId, schedule.id, filter.status ?? null, filter.kind ?? null, filter.agentId ?? null, actor.role === 'agent' ? actor.agentId : null],
  );
  return rows.map(toRow);
}

/** One offer of the schedule (in the caller's tenant); 404 when there is none. */
export async function loadOffer(db: Db, schedule: ScheduleRow, id: string): Promise<OfferRow> {
  const [r] = await db.query(`SELECT ${COLUMNS} FROM offers WHERE id = $1 AND tenant_id = $2 AND schedule_id = $3`, [id, schedule.tenantId, schedule.id]);
  if (!r) throw notFound(`Schedule ${schedule.id} has no offer ${id}`);
  return toRow(r);
}

const offerConflict = (detail: string) => new ProblemError(409, detail, { type: 'urn:flexroster:problem:offer-gone', title: 'Offer no longer available' });

/** 409 unless the offer is open, saying what became of it. */
function expectOpen(o: OfferRow): void {
  if (o.status === 'accepted') throw offerConflict(`Offer ${o.id} was already accepted (version ${o.acceptedVersion})`);
  if (o.status === 'taken') throw offerConflict(`Offer ${o.id} is taken: offer ${o.takenBy} for the same need was accepted first`);
  if (o.status === 'withdrawn') throw offerConflict(`Offer ${o.id} was withdrawn: a newer computation of the schedule's offers replaced it`);
}

/** The scenario with the VTO's unpaid leave added to the agent. */
function withVto(scenario: Scenario, agentId: string, leave: { start: string; end: string }): Scenario {
  const next = structuredClone(scenario);
  const agent = next.agents.find((a) => a.id === agentId)!;
  agent.leave = [...(agent.leave ?? []), { start: leave.start, end: leave.end, type: 'vto', paid: false }];
  return next;
}

/**
 * Accepts an offer as its agent, in the caller's transaction: the schedule row is locked first, so that
 * a concurrent acceptance waits and is then checked on the roster this one leaves.
 */
export async function acceptOffer(context: WorkflowContext, db: Db, actor: Principal, scheduleId: string, offerId: string) {
  await db.query('SELECT id FROM schedules WHERE id = $1 AND tenant_id = $2 FOR UPDATE', [scheduleId, actor.tenantId]);
  const schedule = await loadSchedule(db, actor, scheduleId);
  const offer = await loadOffer(db, schedule, offerId);
  if (offer.agentId !== actor.agentId) throw new ProblemError(403, `Offer ${offer.id} is made to ${offer.agentId}: only that agent may accept it`);
  expectOpen(offer);
  await context.problems.load(schedule.scenario);
  const { p, byAgent } = locate(context.problems, schedule.scenario, schedule.roster, 'later');
  const evaluation = await computeOrBusy(() => context.compute.run({ kind: 'evaluate', scenario: schedule.scenario, roster: schedule.roster }), { scenario: '/scenario', rest: '' });
  const policy = (await tenantPolicy(db, actor.tenantId)).swapPolicy ?? {};
  let check;
  try {
    check = checkOffer(p, byAgent, evaluation, offer, policy);
  } catch (error) {
    if (error instanceof OfferGone) throw offerConflict(`Offer ${offer.id} no longer fits the schedule (version ${schedule.version}): ${error.message}`);
    throw error;
  }
  if (check.reasons.length > 0)
    throw new ProblemError(422, `The offer breaks the rules on the schedule as it is now (version ${schedule.version}): ${check.reasons.join('; ')}`, {
      type: 'urn:flexroster:problem:offer-not-allowed',
      title: 'Offer not allowed',
      errors: check.reasons.map((message) => ({ path: '/shift', message })),
    });
  const after = await writeSchedule(db, schedule, { roster: check.roster, ...(check.leave ? { scenario: withVto(schedule.scenario, offer.agentId, check.leave) } : {}) });
  const [r] = await db.query(`UPDATE offers SET status = 'accepted', accepted_version = $2, updated_at = now() WHERE id = $1 AND status = 'open' RETURNING ${COLUMNS}`, [offer.id, after.version]);
  if (!r) throw offerConflict(`Offer ${offer.id} is no longer open`);
  const accepted = toRow(r);
  await db.query(`UPDATE offers SET status = 'taken', taken_by = $3, updated_at = now() WHERE batch_id = $1 AND need_id = $2 AND status = 'open'`, [offer.batchId, offer.need.id, offer.id]);
  await audit(db, actor, 'offer.accept', 'offer', offer.id, offerView(offer), offerView(accepted));
  await audit(db, actor, 'schedule.offer.apply', 'schedule', schedule.id, { version: schedule.version, roster: schedule.roster }, { version: after.version, roster: after.roster, offer: offer.id });
  return { offer: accepted, scheduleVersion: after.version, check: { costDelta: check.judged.costDelta, coverageDelta: check.judged.coverageDelta, after: check.after, leave: check.leave ?? null } };
}
