/**
 * Stored schedules: a scenario with its roster (given, or solved on the worker pool), versioned (a new
 * roster is a new version; each version's roster is kept, and the changes between two are listed), and
 * published to agents. Agents see their own shifts of a published schedule, also as an iCalendar feed.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Roster, Scenario, time, type Assignment, type Roster as RosterT } from '@flexroster/core';
import { ProblemError, notFound } from '../problem.js';
import { computeOrBusy, prepareSolve, solveWithin } from '../solving.js';
import { checkScenarioSize } from '../limits.js';
import { audit, mutate } from '../store/ops.js';
import { checkIfMatch, insertSchedule, listSchedules, loadSchedule, scheduleView, versionRoster, writeSchedule, type ScheduleRow } from '../store/schedules.js';
import { createFeedToken, revokeFeedTokens } from '../store/keys.js';
import type { WorkflowContext } from '../store/context.js';
import { assertSelf } from './auth.js';
import { buildCalendar, type CalendarSegment, type CalendarShift } from './calendar.js';
import { AgentScheduleSchema, ScheduleViewSchema, pickProblems } from '../schemas.js';
import type { ProblemCache } from '../problem-cache.js';

const Params = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });
const AgentParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }), agentId: Type.String({ minLength: 1, maxLength: 200 }) });

/** A segment as a roster stores it; `kind` is read generically (work, break, lunch, activity, …). */
interface StoredSegment {
  readonly start: string;
  readonly end: string;
  readonly kind: string;
  readonly skill?: string;
  readonly activityId?: string;
}

/** An assignment's segments located in the agent's zone; undefined when the roster gives none (one work segment on its skill). */
function locateSegments(a: Assignment, zone: string): CalendarSegment[] | undefined {
  const given = a.segments as readonly StoredSegment[] | undefined;
  return given?.map((g) => ({
    start: g.start,
    end: g.end,
    kind: g.kind,
    ...(g.skill !== undefined ? { skill: g.skill } : {}),
    ...(g.activityId !== undefined ? { activityId: g.activityId } : {}),
    startUtc: time.parseDateTime(g.start, zone)!,
    endUtc: time.parseDateTime(g.end, zone)!,
  }));
}

/** The agent's shifts in a schedule, with instants (segments too); 404 for an agent the scenario does not have. */
export function agentShifts(problems: ProblemCache, row: ScheduleRow, agentId: string): { zone: string; shifts: CalendarShift[] } {
  const p = problems.get(row.scenario);
  const agent = p.agentById.get(agentId);
  if (!agent) throw notFound(`Schedule ${row.id} has no agent ${agentId}`);
  const shifts = row.roster.assignments
    .filter((a) => a.agentId === agentId)
    .map((a) => {
      const segments = locateSegments(a, agent.zone);
      return {
        start: a.start,
        end: a.end,
        skill: a.skill,
        template: a.template,
        startUtc: time.parseDateTime(a.start, agent.zone)!,
        endUtc: time.parseDateTime(a.end, agent.zone)!,
        ...(segments ? { segments } : {}),
      };
    })
    .sort((x, y) => x.startUtc - y.startUtc);
  return { zone: agent.zone, shifts };
}

/** A located instant as the agent view writes it: wall-clock in the agent's zone with its offset, and UTC. */
const instants = (startUtc: number, endUtc: number, zone: string) => ({
  startLocal: time.isoInZone(startUtc, zone),
  endLocal: time.isoInZone(endUtc, zone),
  startUtc: new Date(startUtc).toISOString(),
  endUtc: new Date(endUtc).toISOString(),
});

const schedules: FastifyPluginAsyncTypebox<WorkflowContext> = async (app, context) => {
  const { store, problems, compute, limits, feedTokenTtlSeconds } = context;
  app.post(
    '/v1/schedules',
    {
      config: { roles: ['planner'] },
      schema: {
        summary: 'Store a schedule',
        description: 'Stores a scenario with a roster. Without `roster`, the scenario is solved first (`solve.timeLimitSeconds`, default 10, at most 30).',
        tags: ['schedules'],
        body: Type.Object(
          {
            name: Type.Optional(Type.String({ maxLength: 200 })),
            scenario: Scenario,
            roster: Type.Optional(Roster),
            solve: Type.Optional(Type.Object({ timeLimitSeconds: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 30 })) }, { additionalProperties: false })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) => {
      const arrivedAt = Date.now();
      const { scenario, name } = request.body;
      // The roster is checked or solved only after the Idempotency-Key was looked up: a replay solves nothing.
      const prepare = async (): Promise<RosterT> => {
        const given = request.body.roster;
        if (given) {
          checkScenarioSize(scenario, await limits.of(request.principal!));
          // The roster is checked against the scenario on a compute worker (its evaluation is not kept).
          await computeOrBusy(() => compute.run({ kind: 'evaluate', scenario, roster: given, rosterPath: '' }), { scenario: '/body/scenario', rest: '/body/roster' });
          return given;
        }
        const prepared = await prepareSolve(context, request.principal!, { scenario, options: { timeLimitSeconds: request.body.solve?.timeLimitSeconds ?? 10 } }, 10);
        return (await solveWithin(context, scenario, prepared, arrivedAt)).roster;
      };
      return mutate(
        store,
        request,
        reply,
        async (db, actor, roster) => {
          const row = await insertSchedule(db, randomUUID(), actor.tenantId, name ?? null, scenario, roster);
          await audit(db, actor, 'schedule.create', 'schedule', row.id, null, { version: row.version, name: row.name, roster: row.roster });
          return { status: 201, body: scheduleView(row), headers: { location: `/v1/schedules/${row.id}`, etag: `"${row.version}"` } };
        },
        prepare,
      );
    },
  );

  app.get('/v1/schedules', { config: { roles: ['planner'] }, schema: { summary: 'List schedules', tags: ['schedules'] } }, async (request) =>
    listSchedules(store, request.principal!.tenantId),
  );

  app.get('/v1/schedules/:id', { config: { roles: ['planner'] }, schema: { summary: 'A stored schedule', tags: ['schedules'], params: Params, response: { 200: ScheduleViewSchema, ...pickProblems(401, 403, 404) } } }, async (request, reply) => {
    const row = await loadSchedule(store, request.principal!, request.params.id);
    void reply.header('etag', `"${row.version}"`);
    return scheduleView(row);
  });

  app.put(
    '/v1/schedules/:id/roster',
    {
      config: { roles: ['planner'] },
      schema: {
        summary: 'Replace a schedule’s roster: its next version',
        description:
          'If-Match (required, 428 without): the version the new roster was made from; 409 when the schedule changed since. The roster is checked against the stored scenario (422 naming /body/roster paths). A published schedule stays published: its agents see the new version at once. Assignments may carry `segments` (breaks, lunches, activities) that tile them (422 naming e.g. /body/roster/assignments/3/segments/1/end). Answers the schedule as GET /v1/schedules/{id} does.',
        tags: ['schedules'],
        params: Params,
        body: Type.Object({ roster: Roster }, { additionalProperties: false }),
      },
    },
    async (request, reply) => {
      if (request.headers['if-match'] === undefined) throw new ProblemError(428, 'If-Match is required: the schedule version the new roster was made from, e.g. "3"', { title: 'Precondition required' });
      const { roster } = request.body;
      // The check runs on a compute worker before the transaction (and not at all for a replay).
      const prepare = async () => {
        const seen = await loadSchedule(store, request.principal!, request.params.id);
        await computeOrBusy(() => compute.run({ kind: 'evaluate', scenario: seen.scenario, roster, rosterPath: '/assignments' }), { scenario: '/scenario', rest: '/body/roster' });
      };
      return mutate(
        store,
        request,
        reply,
        async (db, actor) => {
          const row = await loadSchedule(db, actor, request.params.id);
          checkIfMatch(request.headers['if-match'], row);
          const after = await writeSchedule(db, row, { roster });
          await audit(db, actor, 'schedule.roster.replace', 'schedule', row.id, { version: row.version, roster: row.roster }, { version: after.version, roster: after.roster });
          return { status: 200, body: scheduleView(after), headers: { etag: `"${after.version}"` } };
        },
        prepare,
      );
    },
  );

  app.get(
    '/v1/schedules/:id/changes',
    {
      config: { roles: ['planner'] },
      schema: {
        summary: 'The shifts changed between two versions of a schedule',
        description:
          'From version `from` to version `to` (default: the current one), per agent then start: `before` null is an added shift, `after` null a removed one, both a move on the same agent-local day. Both rosters are read in the schedule’s current scenario; 404 for a version not on record.',
        tags: ['schedules'],
        params: Params,
        querystring: Type.Object({ from: Type.Integer({ minimum: 1 }), to: Type.Optional(Type.Integer({ minimum: 1 })) }, { additionalProperties: false }),
      },
    },
    async (request) => {
      const row = await loadSchedule(store, request.principal!, request.params.id);
      const to = request.query.to ?? row.version;
      const [a, b] = [await versionRoster(store, row, request.query.from), await versionRoster(store, row, to)];
      const changes = await computeOrBusy(() => compute.run({ kind: 'changes', scenario: row.scenario, a, b }), { scenario: '/scenario', rest: '' });
      return { scheduleId: row.id, from: request.query.from, to, changes };
    },
  );

  app.post(
    '/v1/schedules/:id/publish',
    {
      config: { roles: ['planner'] },
      schema: { summary: 'Publish a schedule to its agents', description: 'Optional If-Match: the version you saw (409 when it changed).', tags: ['schedules'], params: Params },
    },
    async (request, reply) =>
      mutate(store, request, reply, async (db, actor) => {
        const row = await loadSchedule(db, actor, request.params.id);
        checkIfMatch(request.headers['if-match'], row);
        const after = await writeSchedule(db, row, { publish: true });
        await audit(db, actor, 'schedule.publish', 'schedule', row.id, { version: row.version, publishedAt: row.publishedAt }, { version: after.version, publishedAt: after.publishedAt });
        return { status: 200, body: scheduleView(after), headers: { etag: `"${after.version}"` } };
      }),
  );

  app.get(
    '/v1/schedules/:id/agents/:agentId',
    {
      config: { roles: ['planner', 'agent'] },
      schema: {
        summary: 'One agent’s shifts',
        description:
          'The agent’s shifts of the schedule (an agent: of a published one), in time order, each with its wall-clock times in the agent’s zone and in UTC, and its `segments` (work, breaks, lunches, activities) as the roster gives them; a shift stored without segments has none here and is one work segment on its skill.',
        tags: ['schedules'],
        params: AgentParams,
        response: { 200: AgentScheduleSchema, ...pickProblems(401, 403, 404) },
      },
    },
    async (request) => {
      const principal = request.principal!;
      const row = await loadSchedule(store, principal, request.params.id);
      assertSelf(principal, request.params.agentId);
      await problems.load(row.scenario);
      const { zone, shifts } = agentShifts(problems, row, request.params.agentId);
      return {
        scheduleId: row.id,
        version: row.version,
        publishedAt: row.publishedAt,
        agentId: request.params.agentId,
        timeZone: zone,
        shifts: shifts.map((s) => ({
          start: s.start,
          end: s.end,
          skill: s.skill,
          ...(s.template ? { template: s.template } : {}),
          ...instants(s.startUtc, s.endUtc, zone),
          ...(s.segments ? { segments: s.segments.map(({ startUtc, endUtc, ...g }) => ({ ...g, ...instants(startUtc, endUtc, zone) })) } : {}),
        })),
      };
    },
  );

  app.get(
    '/v1/schedules/:id/agents/:agentId/calendar.ics',
    {
      config: { roles: ['planner', 'agent'], feedToken: true },
      schema: {
        summary: 'One agent’s shifts as an iCalendar feed',
        description: 'Authorization: Bearer, or `?token=` with the agent’s feed token (POST /v1/agents/{agentId}/feed-token) for phone calendars.',
        tags: ['schedules'],
        params: AgentParams,
        querystring: Type.Object({ token: Type.Optional(Type.String()) }),
      },
    },
    async (request, reply) => {
      const principal = request.principal!;
      const row = await loadSchedule(store, principal, request.params.id);
      assertSelf(principal, request.params.agentId);
      await problems.load(row.scenario);
      const { zone, shifts } = agentShifts(problems, row, request.params.agentId);
      void reply.type('text/calendar; charset=utf-8').header('cache-control', 'private, max-age=300');
      return buildCalendar({ scheduleId: row.id, version: row.version, agentId: request.params.agentId, zone, shifts });
    },
  );

  const AgentOnly = Type.Object({ agentId: Type.String({ minLength: 1, maxLength: 200 }) });

  app.post(
    '/v1/agents/:agentId/feed-token',
    {
      config: { roles: ['planner', 'agent'] },
      schema: {
        summary: 'Create a calendar feed token for an agent',
        description:
          'A new secret token for `?token=` on the agent’s calendar feeds, shown only in this answer and stored hashed. It expires (`expiresAt`, 90 days by default); a new token revokes the agent’s earlier ones (rotation), and so does revoking any of the agent’s API keys. Replayed with its Idempotency-Key, the answer has `token: null`.',
        tags: ['schedules'],
        params: AgentOnly,
      },
    },
    async (request, reply) =>
      mutate(store, request, reply, async (db, actor) => {
        assertSelf(actor, request.params.agentId);
        const { token, expiresAt } = await createFeedToken(db, actor.tenantId, request.params.agentId, feedTokenTtlSeconds);
        await audit(db, actor, 'feed-token.create', 'agent', request.params.agentId, null, { created: true, expiresAt });
        return { status: 201, body: { agentId: request.params.agentId, token, expiresAt }, secret: (body) => ({ ...(body as object), token: null }) };
      }),
  );

  app.delete(
    '/v1/agents/:agentId/feed-token',
    { config: { roles: ['planner', 'agent'] }, schema: { summary: 'Revoke an agent’s calendar feed tokens', tags: ['schedules'], params: AgentOnly } },
    async (request, reply) =>
      mutate(store, request, reply, async (db, actor) => {
        assertSelf(actor, request.params.agentId);
        const revoked = await revokeFeedTokens(db, actor.tenantId, request.params.agentId);
        await audit(db, actor, 'feed-token.revoke', 'agent', request.params.agentId, null, { revoked });
        return { status: 200, body: { agentId: request.params.agentId, revoked } };
      }),
  );
};

export default schedules;
