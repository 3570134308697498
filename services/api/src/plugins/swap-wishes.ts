/**
 * The swap marketplace of a stored schedule. An agent posts a wish: one of their own shifts to give and
 * what they accept in return (a date, a template, or any shift); the matches are the exchanges and
 * cycles of up to four agents in which everyone receives a shift they accept and every rule still holds
 * (the core's findSwapCycles on the current roster, on a compute worker), cheapest first. A planner applies a cycle whole as
 * the schedule's next version, or nothing of it; with the tenant policy's `autoApproveSwaps`, a new wish
 * that completes an allowed cycle applies the cheapest such cycle at once.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ShiftRef, WishAccept, type Problem, type SwapWish } from '@flexroster/core';
import { ProblemError, guardScenario } from '../problem.js';
import { mutate } from '../store/ops.js';
import { checkIfMatch, loadSchedule, type ScheduleRow } from '../store/schedules.js';
import { tenantPolicy } from '../store/requests.js';
import { commitCycle, cycleThrough, deleteWish, insertWish, judgeCycle, listWishes, loadWishes, matchesJson, stillCurrent, wishView, type JudgedCycle } from '../store/swap-wishes.js';
import type { Db } from '../store/store.js';
import type { Principal } from '../store/keys.js';
import type { WorkflowContext } from '../store/context.js';
import { Params } from './request-routes.js';

/** Cycles a matches answer lists unless `limit` says otherwise. */
const MATCHES_LIMIT = 200;

const WishBody = Type.Object(
  {
    agentId: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'The wishing agent: an agent key’s own (may be left out); required from a planner' })),
    give: ShiftRef,
    accept: Type.Array(WishAccept, { minItems: 1, maxItems: 50, description: 'Shifts accepted in return: `{date}` (the agent’s local start date), `{template}`, or `"any"`' }),
  },
  { additionalProperties: false },
);

const CycleBody = Type.Object(
  { wishIds: Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { minItems: 2, maxItems: 4, description: 'The cycle as a match lists it: each wish’s shift goes to the next wish’s agent, the last one’s to the first' }) },
  { additionalProperties: false },
);

const WishParams = Type.Object({ id: Type.String({ maxLength: 100 }), wishId: Type.String({ maxLength: 100 }) });

const swapWishes: FastifyPluginAsyncTypebox<WorkflowContext> = async (app, { store, problems, compute }) => {
  async function problemOf(schedule: ScheduleRow): Promise<Problem> {
    guardScenario(schedule.scenario, { scenario: '/scenario', rest: '' });
    await problems.load(schedule.scenario);
    return problems.get(schedule.scenario);
  }

  /**
   * The checks of a new wish and, with auto-approval, the cheapest allowed cycle through it judged and
   * applied to a copy of the roster, all before the transaction (the search runs on a compute worker).
   * 422 naming /body/give unless the agent holds that shift; /body/accept/i/template for an unknown template.
   */
  async function prepareWish(actor: Principal, schedule: ScheduleRow, wish: SwapWish): Promise<JudgedCycle | undefined> {
    const p = await problemOf(schedule);
    const errors = wish.accept.flatMap((a, i) => (typeof a === 'object' && 'template' in a && !p.templates.has(a.template) ? [{ path: `/body/accept/${i}/template`, message: `no template ${a.template}` }] : []));
    const policy = await tenantPolicy(store, actor.tenantId);
    const auto = policy.autoApproveSwaps === true && errors.length === 0;
    const open = auto ? await listWishes(store, { ...actor, role: 'planner' }, schedule, { status: 'open' }) : [];
    const found = await cycleThrough(compute, schedule, open, policy.swapPolicy ?? {}, wish);
    errors.push(...found.issues.map((i) => ({ path: i.path.replace(/^\/wishes\/\d+/, '/body'), message: i.message })));
    if (errors.length > 0) throw new ProblemError(422, `The wish is not valid: ${errors.map((e) => e.message).join('; ')}`, { errors });
    const best = found.cheapest;
    if (!auto || !best) return undefined;
    const pending = { ...wish, scheduleId: schedule.id, status: 'open' as const, baseVersion: schedule.version, cycleId: null, appliedVersion: null, decidedBy: null, createdAt: '', updatedAt: '' };
    const cycle = best.wishIds.map((id) => (id === wish.id ? pending : open.find((w) => w.id === id)!));
    return judgeCycle(compute, schedule, cycle, policy.swapPolicy ?? {});
  }

  /** The auto-applied cycle, unless the schedule or one of its stored wishes changed since it was judged (the new wish then stays open). */
  async function autoApply(db: Db, actor: Principal, judged: JudgedCycle | undefined) {
    if (!judged) return undefined;
    const current = await stillCurrent(db, judged);
    if (!current.version || !current.wishes) return undefined;
    return commitCycle(db, actor, judged, 'policy');
  }

  app.post(
    '/v1/schedules/:id/swap-wishes',
    {
      config: { roles: ['planner', 'agent'] },
      schema: {
        summary: 'Wish to trade one of your shifts',
        description:
          'The shift to `give` (one the agent holds: else 422 naming /body/give) and what the agent `accept`s in return. Matched into exchanges and cycles by GET …/swap-wishes/matches. With the tenant policy’s `autoApproveSwaps`, a wish completing an allowed cycle applies the cheapest such cycle at once (`applied`), unless the schedule or a wish of that cycle changed meanwhile (the wish then stays open).',
        tags: ['swap wishes'],
        params: Params,
        body: WishBody,
      },
    },
    async (request, reply) => {
      const prepare = async () => {
        const actor = request.principal!;
        const schedule = await loadSchedule(store, actor, request.params.id);
        const { agentId: named, give, accept } = request.body;
        if (actor.role === 'agent' && named !== undefined && named !== actor.agentId) throw new ProblemError(403, `An agent key may only wish to trade its own shifts (${actor.agentId})`);
        const agentId = actor.role === 'agent' ? actor.agentId! : named;
        if (agentId === undefined) throw new ProblemError(422, 'A planner names the agent', { errors: [{ path: '/body/agentId', message: 'required for a planner key' }] });
        const wish: SwapWish = { id: randomUUID(), agentId, give, accept };
        return { schedule, wish, judged: await prepareWish(actor, schedule, wish) };
      };
      return mutate(
        store,
        request,
        reply,
        async (db, actor, { schedule, wish: asked, judged }) => {
          const wish = await insertWish(db, actor, schedule, asked);
          const auto = await autoApply(db, actor, judged);
          const [now] = auto ? await loadWishes(db, auto.schedule, [wish.id]) : [wish];
          const body = { ...wishView(now!), applied: auto !== undefined, scheduleVersion: auto ? auto.schedule.version : schedule.version, ...(auto ? { cycle: auto.cycle } : {}) };
          return { status: 201, body, headers: { location: `/v1/schedules/${schedule.id}/swap-wishes/${wish.id}` } };
        },
        prepare,
      );
    },
  );

  app.get(
    '/v1/schedules/:id/swap-wishes',
    {
      config: { roles: ['planner', 'agent'] },
      schema: {
        summary: 'List swap wishes',
        description: 'Filters: status (open, applied), agentId. An agent key sees its own wishes.',
        tags: ['swap wishes'],
        params: Params,
        querystring: Type.Object({ status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('applied')])), agentId: Type.Optional(Type.String({ maxLength: 200 })) }),
      },
    },
    async (request) => {
      const actor = request.principal!;
      const schedule = await loadSchedule(store, actor, request.params.id);
      return (await listWishes(store, actor, schedule, request.query)).map(wishView);
    },
  );

  app.get(
    '/v1/schedules/:id/swap-wishes/matches',
    {
      config: { roles: ['planner', 'agent'] },
      schema: {
        summary: 'Exchanges and cycles among the open wishes',
        description:
          'Cycles of 2 to 4 agents on the current roster: each member gives its shift to the next and receives one it accepts; every hard rule holds and under-staffing grows no more than the tenant’s swap policy allows. Cheapest first by the roster’s cost change, the first `limit` of them (default 200); `total` counts them all, and `searchCapped` says the search stopped at its cap of cycles judged. An agent key sees the cycles it is in.',
        tags: ['swap wishes'],
        params: Params,
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, description: 'at most this many cycles, cheapest first (default 200)' })) }, { additionalProperties: false }),
      },
    },
    async (request, reply) => {
      const actor = request.principal!;
      const schedule = await loadSchedule(store, actor, request.params.id);
      guardScenario(schedule.scenario, { scenario: '/scenario', rest: '' });
      const policy = await tenantPolicy(store, actor.tenantId);
      const open = await listWishes(store, { ...actor, role: 'planner' }, schedule, { status: 'open' });
      // The list comes as JSON text from the worker: thousands of cycles are not copied in and serialized again here.
      const found = await matchesJson(compute, schedule, open, policy.swapPolicy ?? {}, request.query.limit ?? MATCHES_LIMIT, actor.role === 'agent' ? actor.agentId! : undefined);
      return reply.type('application/json; charset=utf-8').send(`{"scheduleVersion":${schedule.version},"total":${found.total},"searchCapped":${found.truncated},"matches":${found.json}}`);
    },
  );

  app.post(
    '/v1/schedules/:id/swap-cycles',
    {
      config: { roles: ['planner'] },
      schema: {
        summary: 'Apply a cycle of swap wishes',
        description:
          'Re-checks the cycle on the current roster and applies all of it as the schedule’s next version, consuming its wishes, or none of it: 409 when a wish was applied already, a shift moved since, or the schedule changed meanwhile (If-Match, or another cycle applied first); 422 when it is not an allowed cycle.',
        tags: ['swap wishes'],
        params: Params,
        body: CycleBody,
      },
    },
    async (request, reply) => {
      // The cycle is judged on a compute worker before the transaction; the transaction re-checks the version and the wishes under lock.
      const prepare = async () => {
        const actor = request.principal!;
        const schedule = await loadSchedule(store, actor, request.params.id);
        checkIfMatch(request.headers['if-match'], schedule);
        guardScenario(schedule.scenario, { scenario: '/scenario', rest: '' });
        const policy = await tenantPolicy(store, actor.tenantId);
        return judgeCycle(compute, schedule, await loadWishes(store, schedule, request.body.wishIds), policy.swapPolicy ?? {});
      };
      return mutate(
        store,
        request,
        reply,
        async (db, actor, judged) => {
          const done = await commitCycle(db, actor, judged, actor.keyId);
          return { status: 200, body: { ...done.cycle, scheduleVersion: done.schedule.version }, headers: { etag: `"${done.schedule.version}"` } };
        },
        prepare,
      );
    },
  );

  app.delete(
    '/v1/schedules/:id/swap-wishes/:wishId',
    {
      config: { roles: ['planner', 'agent'] },
      schema: {
        summary: 'Withdraw a swap wish',
        description: 'The wish’s agent or a planner withdraws an open wish: it leaves the matches. 404 for an unknown wish (or another agent’s, to an agent key), 409 once it was applied in a cycle.',
        tags: ['swap wishes'],
        params: WishParams,
      },
    },
    async (request, reply) =>
      mutate(store, request, reply, async (db, actor) => {
        const schedule = await loadSchedule(db, actor, request.params.id);
        const wish = await deleteWish(db, actor, schedule, request.params.wishId);
        return { status: 200, body: { id: wish.id, deleted: true } };
      }),
  );
};

export default swapWishes;
