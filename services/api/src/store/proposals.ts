/**
 * Re-plan proposals: a schedule's minimal-change re-plan after an event, stored as a draft and applied at
 * most once, as the schedule's next version, only while the schedule is still at the version it was made from.
 */
import type { Roster, RosterChange, Scenario } from '@flexroster/core';
import { ProblemError, notFound } from '../problem.js';
import { iso, jsonb, type Db } from './store.js';
import type { ScheduleRow } from './schedules.js';

/** A roster's standing on the scenario with the event: its cost and the agent-hours short of demand. */
export interface Standing {
  readonly cost: number;
  readonly understaffedHours: number;
  /** Broken hard rules (the roster before the re-plan may break some: an agent working in their absence). */
  readonly violations: number;
}

export interface ProposalRow {
  readonly id: string;
  readonly tenantId: string;
  readonly scheduleId: string;
  readonly baseVersion: number;
  readonly event: unknown;
  readonly scenario: Scenario;
  readonly roster: Roster;
  readonly changes: RosterChange[];
  readonly before: Standing;
  readonly after: Standing & { readonly changeCost: number };
  readonly solve: { readonly status: string; readonly reason: string; readonly seconds: number };
  readonly status: 'draft' | 'applied';
  readonly appliedVersion: number | null;
  readonly createdBy: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export type NewProposal = Omit<ProposalRow, 'status' | 'appliedVersion' | 'createdAt' | 'updatedAt'>;

const COLUMNS = 'id, tenant_id, schedule_id, base_version, event, scenario, roster, changes, before, after, solve, status, applied_version, created_by, created_at, updated_at';

function toRow(r: Record<string, unknown>): ProposalRow {
  return {
    id: r.id as string,
    tenantId: r.tenant_id as string,
    scheduleId: r.schedule_id as string,
    baseVersion: Number(r.base_version),
    event: r.event,
    scenario: r.scenario as Scenario,
    roster: r.roster as Roster,
    changes: r.changes as RosterChange[],
    before: r.before as Standing,
    after: r.after as ProposalRow['after'],
    solve: r.solve as ProposalRow['solve'],
    status: r.status as ProposalRow['status'],
    appliedVersion: r.applied_version == null ? null : Number(r.applied_version),
    createdBy: r.created_by as string,
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
  };
}

export async function insertProposal(db: Db, p: NewProposal): Promise<ProposalRow> {
  const [r] = await db.query(
    `INSERT INTO replan_proposals (id, tenant_id, schedule_id, base_version, event, scenario, roster, changes, before, after, solve, status, created_by)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7::jsonb, $8::jsonb, $9::jsonb, $10::jsonb, $11::jsonb, 'draft', $12) RETURNING ${COLUMNS}`,
    [p.id, p.tenantId, p.scheduleId, p.baseVersion, jsonb(p.event), jsonb(p.scenario), jsonb(p.roster), jsonb(p.changes), jsonb(p.before), jsonb(p.after), jsonb(p.solve), p.createdBy],
  );
  return toRow(r!);
}

/** The proposal of this schedule (already looked up within the caller's tenant); 404 for another's. */
export async function loadProposal(db: Db, schedule: ScheduleRow, id: string): Promise<ProposalRow> {
  const [r] = await db.query(`SELECT ${COLUMNS} FROM replan_proposals WHERE id = $1 AND tenant_id = $2 AND schedule_id = $3`, [id, schedule.tenantId, schedule.id]);
  if (!r) throw notFound(`Schedule ${schedule.id} has no proposal ${id}`);
  return toRow(r);
}

/** This schedule's proposals, newest first (the schedule already looked up within the caller's tenant). */
export async function listProposals(db: Db, schedule: ScheduleRow): Promise<ProposalRow[]> {
  const rows = await db.query(`SELECT ${COLUMNS} FROM replan_proposals WHERE tenant_id = $1 AND schedule_id = $2 ORDER BY created_at DESC, id`, [schedule.tenantId, schedule.id]);
  return rows.map(toRow);
}

/** Marks a draft applied as `version`; 409 when it was applied meanwhile (a concurrent apply). */
export async function markApplied(db: Db, p: ProposalRow, version: number): Promise<ProposalRow> {
  const [r] = await db.query(
    `UPDATE replan_proposals SET status = 'applied', applied_version = $3, updated_at = now() WHERE id = $1 AND tenant_id = $2 AND status = 'draft' RETURNING ${COLUMNS}`,
    [p.id, p.tenantId, version],
  );
  if (!r) throw alreadyApplied(p);
  return toRow(r);
}

export const alreadyApplied = (p: ProposalRow) =>
  new ProblemError(409, `Proposal ${p.id} was already applied${p.appliedVersion !== null ? ` as version ${p.appliedVersion}` : ''}`, {
    type: 'urn:flexroster:problem:proposal-applied',
    title: 'Proposal already applied',
  });

/** A proposal in a list: what it did and how it stands, without its roster and changes. */
export const proposalSummary = (p: ProposalRow) => {
  const { roster: _roster, changes, ...rest } = proposalView(p);
  return { ...rest, changeCount: changes.length };
};

/** The proposal as the API shows it (the scenario with the event stays internal: apply stores it). */
export const proposalView = (p: ProposalRow) => ({
  id: p.id,
  scheduleId: p.scheduleId,
  baseVersion: p.baseVersion,
  status: p.status,
  appliedVersion: p.appliedVersion,
  event: p.event,
  roster: p.roster,
  changes: p.changes,
  before: p.before,
  after: p.after,
  solve: p.solve,
  createdAt: p.createdAt,
  updatedAt: p.updatedAt,
});
