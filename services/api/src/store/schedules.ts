/** Stored schedules: rows, views, the optimistic version check and each version's roster. */
import type { Roster, Scenario } from '@flexroster/core';
import { ProblemError, notFound } from '../problem.js';
import { iso, jsonb, type Db } from './store.js';
import type { Principal } from './keys.js';

export interface ScheduleRow {
  id: string;
  tenantId: string;
  name: string | null;
  version: number;
  scenario: Scenario;
  roster: Roster;
  publishedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

const COLUMNS = 'id, tenant_id, name, version, scenario, roster, published_at, created_at, updated_at';

function toRow(r: Record<string, unknown>): ScheduleRow {
  return {
    id: r.id as string,
    tenantId: r.tenant_id as string,
    name: (r.name as string | null) ?? null,
    version: Number(r.version),
    scenario: r.scenario as Scenario,
    roster: r.roster as Roster,
    publishedAt: iso(r.published_at),
    createdAt: iso(r.created_at)!,
    updatedAt: iso(r.updated_at)!,
  };
}

/**
 * The schedule, looked up within the caller's tenant: another tenant's is 404. Agents see only
 * published schedules (a draft is 404 to them).
 */
export async function loadSchedule(db: Db, principal: Principal, id: string): Promise<ScheduleRow> {
  const [r] = await db.query(`SELECT ${COLUMNS} FROM schedules WHERE id = $1 AND tenant_id = $2`, [id, principal.tenantId]);
  if (!r) throw notFound(`No schedule ${id}`);
  const row = toRow(r);
  if (principal.role === 'agent' && row.publishedAt === null) throw notFound(`No schedule ${id}`);
  return row;
}

export async function listSchedules(db: Db, tenantId: string): Promise<Omit<ScheduleRow, 'scenario' | 'roster'>[]> {
  const rows = await db.query(`SELECT ${COLUMNS} FROM schedules WHERE tenant_id = $1 ORDER BY created_at, id`, [tenantId]);
  return rows.map((r) => {
    const { scenario: _s, roster: _r, ...rest } = toRow(r);
    return rest;
  });
}

export async function insertSchedule(db: Db, id: string, tenantId: string, name: string | null, scenario: Scenario, roster: Roster): Promise<ScheduleRow> {
  const [r] = await db.query(`INSERT INTO schedules (id, tenant_id, name, scenario, roster) VALUES ($1, $2, $3, $4::jsonb, $5::jsonb) RETURNING ${COLUMNS}`, [
    id,
    tenantId,
    name,
    jsonb(scenario),
    jsonb(roster),
  ]);
  const row = toRow(r!);
  await keepVersion(db, row);
  return row;
}

/** Records the roster of the row's version (every version is kept: `versionRoster`). */
async function keepVersion(db: Db, row: ScheduleRow): Promise<void> {
  await db.query('INSERT INTO schedule_versions (schedule_id, version, tenant_id, roster) VALUES ($1, $2, $3, $4::jsonb)', [row.id, row.version, row.tenantId, jsonb(row.roster)]);
}

/** The roster of one version of a schedule; 404 when that version is not kept (never was, or older than the history). */
export async function versionRoster(db: Db, row: ScheduleRow, version: number): Promise<Roster> {
  if (version === row.version) return row.roster;
  const [r] = await db.query<{ roster: Roster }>('SELECT roster FROM schedule_versions WHERE schedule_id = $1 AND tenant_id = $2 AND version = $3', [row.id, row.tenantId, version]);
  if (!r) throw notFound(`Schedule ${row.id} has no version ${version} on record (current: ${row.version})`);
  return r.roster;
}

export const staleVersion = (id: string, version: number) =>
  new ProblemError(409, `Schedule ${id} changed since version ${version}; reload it and try again`, { type: 'urn:flexroster:problem:stale-version', title: 'Stale version' });

export interface ScheduleChange {
  readonly roster?: Roster;
  readonly scenario?: Scenario;
  readonly publish?: boolean;
}

/**
 * The one versioned write of a schedule: a new roster and/or scenario, and/or publishing, only if the
 * schedule is still at the version read (else 409); bumps the version.
 */
export async function writeSchedule(db: Db, row: ScheduleRow, change: ScheduleChange): Promise<ScheduleRow> {
  const [r] = await db.query(
    `UPDATE schedules SET roster = COALESCE($4::jsonb, roster), scenario = COALESCE($5::jsonb, scenario),
       published_at = CASE WHEN $6 THEN now() ELSE published_at END, version = version + 1, updated_at = now()
     WHERE id = $1 AND tenant_id = $2 AND version = $3 RETURNING ${COLUMNS}`,
    [row.id, row.tenantId, row.version, jsonb(change.roster), jsonb(change.scenario), change.publish === true],
  );
  if (!r) throw staleVersion(row.id, row.version);
  const after = toRow(r);
  await keepVersion(db, after);
  return after;
}

/** `If-Match: "3"` (or 3): the version the client based its change on; a different current version is 409. */
export function checkIfMatch(header: string | string[] | undefined, row: ScheduleRow): void {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value.trim() === '*') return;
  const v = Number(value.replace(/^W\//, '').replace(/"/g, '').trim());
  if (!Number.isInteger(v)) throw new ProblemError(400, 'If-Match must be the schedule version, e.g. "3"');
  if (v !== row.version) throw staleVersion(row.id, v);
}

export const scheduleView = (row: ScheduleRow) => ({
  id: row.id,
  name: row.name,
  version: row.version,
  publishedAt: row.publishedAt,
  createdAt: row.createdAt,
  updatedAt: row.updatedAt,
  scenario: row.scenario,
  roster: row.roster,
});
