/**
 * Re-planning a stored schedule after an event (an absence, new demand, or none) with the fewest changes:
 * the core's minimal-change solve against the current roster, answered as a draft proposal; applying it
 * makes its roster, and the scenario with the event, the schedule's next version.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import { Assignment, DateTime, IntervalDemand, ReplanBase, type Roster, type Scenario } from '@flexroster/core';
import { ProblemError } from '../problem.js';
import { BackendNameSchema } from '../schemas.js';
import { audit, mutate } from '../store/ops.js';
import { DEFAULT_CHANGE_COST, computeReplan, proposalLocation, storeProposal } from '../store/replan.js';
import { checkIfMatch, loadSchedule, staleVersion, writeSchedule, type ScheduleRow } from '../store/schedules.js';
import { listProposals, loadProposal, markApplied, proposalSummary, proposalView, alreadyApplied } from '../store/proposals.js';
import type { WorkflowContext } from '../store/context.js';
import type { ProblemCache } from '../problem-cache.js';
import { leaveImpact } from './leave-requests.js';

const Event = Type.Union([
  Type.Object(
    {
      kind: Type.Literal('absence'),
      agentId: Type.String({ minLength: 1, maxLength: 200 }),
      start: DateTime,
      end: DateTime,
      type: Type.Optional(Type.String({ minLength: 1, maxLength: 50, description: 'Leave type (default sick); `unpaid` is unpaid leave' })),
    },
    { additionalProperties: false, description: 'The agent is away from start to end (in the agent’s zone without an offset): added to the agent’s leave' },
  ),
  Type.Object(
    { kind: Type.Literal('demand'), demand: Type.Array(IntervalDemand, { minItems: 1, maxItems: 1000 }) },
    { additionalProperties: false, description: 'New demand: each entry replaces the stored entries of its skill and start; the others are added' },
  ),
  Type.Object({ kind: Type.Literal('none') }, { additionalProperties: false, description: 'Nothing changed: re-plan the roster as it stands (e.g. under new change prices)' }),
]);
type Event = Static<typeof Event>;

const options = (maxSeconds: number, defaultSeconds: number) =>
  Type.Object(
    {
      timeLimitSeconds: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: maxSeconds, description: `The caller's whole wait (default ${defaultSeconds}, at most ${maxSeconds})` })),
      backend: Type.Optional(BackendNameSchema),
      changeCost: Type.Optional(ReplanBase.properties.changeCost),
      frozenBefore: Type.Optional(DateTime),
      pinned: Type.Optional(Type.Array(Assignment, { maxItems: 10_000, description: 'Hard: these shifts are in the re-planned roster' })),
      onlyAgents: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 200 }), { maxItems: 10_000, description: 'Only these agents may change' })),
    },
    { additionalProperties: false },
  );

const Params = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });
const ProposalParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }), pid: Type.String({ minLength: 1, maxLength: 100 }) });

interface Applied {
  readonly scenario: Scenario;
  /** The roster as the event leaves it before any re-plan (an absence drops or shortens the agent's shifts in it). */
  readonly roster: Roster;
  /** Request paths of the new scenario's demand entries, for its validation errors. */
  readonly demandPath: (index: number) => string | undefined;
}

/** The scenario with the event in it; an absence is checked (422 under /body/event) as a leave request is. */
function applyEvent(problems: ProblemCache, row: ScheduleRow, event: Event): Applied {
  if (event.kind === 'absence') {
    const { roster, scenario } = leaveImpact(problems, row, { agentId: event.agentId, start: event.start, end: event.end, type: event.type ?? 'sick' }, 'create', '/body/event');
    return { scenario, roster, demandPath: () => undefined };
  }
  if (event.kind === 'none') return { scenario: row.scenario, roster: row.roster, demandPath: () => undefined };
  const replaced = (d: Static<typeof IntervalDemand>) => event.demand.some((e) => e.skill === d.skill && e.start === d.start);
  const kept = (row.scenario.demand ?? []).filter((d) => !replaced(d));
  return {
    scenario: { ...row.scenario, demand: [...kept, ...event.demand] },
    roster: row.roster,
    demandPath: (i) => (i >= kept.length ? `/body/event/demand/${i - kept.length}` : undefined),
  };
}

/**
 * Issue paths of the re-plan's solve made request paths: the event's demand entries at /body/event/demand,
 * the base's options at /body/options, the stored scenario and roster at /scenario and /roster.
 */
function requestPath(applied: Applied, path: string): string {
  const demand = /^\/body\/scenario\/demand\/(\d+)(.*)$/.exec(path);
  const event = demand ? applied.demandPath(Number(demand[1])) : undefined;
  if (event) return `${event}${demand![2]}`;
  if (path.startsWith('/body/scenario')) return path.slice('/body'.length);
  if (path.startsWith('/body/options/base/roster')) return path.slice('/body/options/base'.length);
  if (path.startsWith('/body/options/base/')) return `/body/options/${path.slice('/body/options/base/'.length)}`;
  return path;
}

async function withRequestPaths<T>(applied: Applied, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof ProblemError) || !error.extra.errors) throw error;
    const errors = error.extra.errors.map((i) => ({ ...i, path: requestPath(applied, i.path) }));
    throw new ProblemError(error.status, error.detail, { ...error.extra, errors });
  }
}

const replan: FastifyPluginAsyncTypebox<WorkflowContext> = async (app, context) => {
  const { store, problems, config } = context;

  app.post(
    '/v1/schedules/:id/replan',
    {
      config: { roles: ['planner'] },
      schema: {
        summary: 'Re-plan a schedule after an event, with the fewest changes: a draft proposal',
        description: `Applies the event (an absence, new demand, or none) to a copy of the scenario and solves it against the current roster (minimal-change solve: \`options.changeCost\` prices each change, default ${JSON.stringify(DEFAULT_CHANGE_COST)}; nothing starting before \`frozenBefore\` changes; \`pinned\` shifts stay; only \`onlyAgents\` change). Synchronous: \`timeLimitSeconds\` is the whole wait, with the limits and 503s of POST /v1/solve. Answers 201 with the proposal (nothing applied): the roster, its changes, and \`before\` (the current roster as the event leaves it: an absent agent’s shifts dropped or shortened, as approving the leave would) and \`after\` (the re-plan), each \`{cost, understaffedHours, violations}\` on the scenario with the event, the price of the changes apart (\`after.changeCost\`). 422 naming the path for an event or options that do not fit the schedule.`,
        tags: ['schedules'],
        params: Params,
        body: Type.Object({ event: Event, options: Type.Optional(options(config.syncSolveMaxSeconds, config.syncSolveDefaultSeconds)) }, { additionalProperties: false }),
      },
    },
    async (request, reply) => {
      const arrivedAt = Date.now();
      const { event, options: o = {} } = request.body;
      // The solve runs only after the Idempotency-Key was looked up: a replay solves nothing.
      const prepare = async () => {
        const row = await loadSchedule(store, request.principal!, request.params.id);
        await problems.load(row.scenario);
        const applied = applyEvent(problems, row, event);
        const replanned = await withRequestPaths(applied, () =>
          computeReplan(context, request.principal!, {
            scenario: applied.scenario,
            roster: applied.roster,
            base: row.roster,
            options: o,
            arrivedAt,
            onHandle: (cancel) =>
              reply.raw.once('close', () => {
                if (!reply.raw.writableFinished) cancel();
              }),
          }),
        );
        return { row, applied, replanned };
      };
      return mutate(
        store,
        request,
        reply,
        async (db, actor, made) => {
          const proposal = await storeProposal(db, actor, made.row, { event, scenario: made.applied.scenario, replanned: made.replanned });
          return { status: 201, body: proposalView(proposal), headers: { location: proposalLocation(proposal) } };
        },
        prepare,
      );
    },
  );

  app.get(
    '/v1/schedules/:id/proposals',
    { config: { roles: ['planner'] }, schema: { summary: "A schedule's re-plan proposals, newest first (without their rosters)", tags: ['schedules'], params: Params } },
    async (request) => {
      const row = await loadSchedule(store, request.principal!, request.params.id);
      return { proposals: (await listProposals(store, row)).map(proposalSummary) };
    },
  );

  app.get(
    '/v1/schedules/:id/proposals/:pid',
    { config: { roles: ['planner'] }, schema: { summary: 'A re-plan proposal', tags: ['schedules'], params: ProposalParams } },
    async (request) => {
      const row = await loadSchedule(store, request.principal!, request.params.id);
      return proposalView(await loadProposal(store, row, request.params.pid));
    },
  );

  app.post(
    '/v1/schedules/:id/proposals/:pid/apply',
    {
      config: { roles: ['planner'] },
      schema: {
        summary: 'Apply a re-plan proposal: the schedule’s next version',
        description:
          'If-Match (required, 428 without): the schedule’s current version. In one transaction the proposal’s roster and the scenario with its event become the next version. 409 when the schedule changed since the proposal was made (its `baseVersion`) or since the If-Match version, or the proposal was already applied.',
        tags: ['schedules'],
        params: ProposalParams,
      },
    },
    async (request, reply) => {
      if (request.headers['if-match'] === undefined) throw new ProblemError(428, 'If-Match is required: the schedule’s current version, e.g. "3"', { title: 'Precondition required' });
      return mutate(store, request, reply, async (db, actor) => {
        const row = await loadSchedule(db, actor, request.params.id);
        const proposal = await loadProposal(db, row, request.params.pid);
        if (proposal.status !== 'draft') throw alreadyApplied(proposal);
        checkIfMatch(request.headers['if-match'], row);
        if (row.version !== proposal.baseVersion) throw staleVersion(row.id, proposal.baseVersion);
        const after = await writeSchedule(db, row, { roster: proposal.roster, scenario: proposal.scenario });
        const applied = await markApplied(db, proposal, after.version);
        await audit(db, actor, 'schedule.replan.apply', 'schedule', row.id, { version: row.version, roster: row.roster }, { version: after.version, roster: after.roster, proposalId: proposal.id });
        return { status: 200, body: { ...proposalView(applied), scheduleVersion: after.version }, headers: { etag: `"${after.version}"` } };
      });
    },
  );
};

export default replan;
