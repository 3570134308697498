/**
 * What the pages at /app and /me need beyond the existing routes: who a key is (and, for an agent, the
 * published schedules it is in), and a stored schedule's report data for the planner's charts. Same auth
 * scope and roles as every other route, so a page can read nothing its key cannot.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { buildReportData } from '@flexroster/report';
import { listSchedules, loadSchedule } from '../store/schedules.js';
import type { WorkflowContext } from '../store/context.js';

const Params = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });

const pageData: FastifyPluginAsyncTypebox<WorkflowContext> = async (app, { store }) => {
  app.get('/v1/me', { config: { roles: ['admin', 'planner', 'agent', 'integration'] }, schema: { summary: 'The caller’s role and agent, and for an agent the published schedules it is in', tags: ['access'] } }, async (request) => {
    const p = request.principal!;
    const me = { role: p.role, agentId: p.agentId };
    if (p.role !== 'agent') return { ...me, schedules: p.role === 'planner' ? await listSchedules(store, p.tenantId) : [] };
    const rows = await store.query<{ id: string; name: string | null; version: number; published_at: Date | string }>(
      `SELECT id, name, version, published_at FROM schedules WHERE tenant_id = $1 AND published_at IS NOT NULL AND scenario->'agents' @> $2::jsonb ORDER BY published_at DESC, id`,
      [p.tenantId, JSON.stringify([{ id: p.agentId }])],
    );
    return { ...me, schedules: rows.map((r) => ({ id: r.id, name: r.name, version: r.version, publishedAt: new Date(r.published_at).toISOString() })) };
  });

  app.get('/v1/schedules/:id/report', { config: { roles: ['planner'] }, schema: { summary: 'A stored schedule’s report data (KPIs, coverage, Gantt) as the planner page draws it', tags: ['schedules'], params: Params } }, async (request, reply) => {
    const row = await loadSchedule(store, request.principal!, request.params.id);
    void reply.header('etag', `"${row.version}"`);
    return buildReportData(row.scenario, { roster: row.roster }, { title: row.name ?? row.id });
  });
};

export default pageData;
