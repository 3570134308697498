/**
 * What the pages at /app and /me need beyond the existing routes: who a key is (and, for an agent, the
 * published schedules it is in), and a stored schedule's report data for the planner's charts. Same auth
 * scope and roles as every other route, so a page can read nothing its key cannot.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { SwapCandidate } from '@flexroster/core';
import { computeOrBusy } from '../solving.js';
import { listSchedules, loadSchedule } from '../store/schedules.js';
import { tenantPolicy } from '../store/requests.js';
import type { WorkflowContext } from '../store/context.js';
import { assertSelf } from './auth.js';

const Params = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });
const AgentParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }), agentId: Type.String({ minLength: 1, maxLength: 200 }) });
const ShiftQuery = Type.Object({ start: Type.String({ minLength: 1, maxLength: 40 }), end: Type.String({ minLength: 1, maxLength: 40 }) }, { additionalProperties: false });

const pageData: FastifyPluginAsyncTypebox<WorkflowContext> = async (app, { store, compute }) => {
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
    // On a compute worker: the evaluation of a large schedule stays off the event loop.
    return computeOrBusy(() => compute.run({ kind: 'report', scenario: row.scenario, roster: row.roster, title: row.name ?? row.id }), { scenario: '/scenario', rest: '/roster' });
  });

  // An agent learns who could take its shift (a give-away passing every hard rule and the tenant's coverage
  // policy) but not its colleagues' shifts: exchange candidates, which name them, are for planners only.
  app.get(
    '/v1/schedules/:id/agents/:agentId/swap-candidates',
    { config: { roles: ['planner', 'agent'] }, schema: { summary: 'Who could take one of the agent’s shifts (agents: give-aways only; planners: exchanges too), cheapest first', tags: ['swap requests'], params: AgentParams, querystring: ShiftQuery } },
    async (request) => {
      const principal = request.principal!;
      const row = await loadSchedule(store, principal, request.params.id);
      assertSelf(principal, request.params.agentId);
      const policy = (await tenantPolicy(store, principal.tenantId)).swapPolicy ?? {};
      // On a compute worker, as POST /v1/swaps/candidates: a large schedule's search stays off the event loop.
      const all = (await computeOrBusy(() =>
        compute.run({ kind: 'swap-candidates', scenario: row.scenario, roster: row.roster, agentId: request.params.agentId, shift: { start: request.query.start, end: request.query.end }, policy }),
      { scenario: '/scenario', rest: '/querystring' })) as SwapCandidate[];
      return principal.role === 'agent' ? all.filter((c) => c.kind === 'give-away') : all;
    },
  );
};

export default pageData;
