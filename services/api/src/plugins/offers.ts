/**
 * Voluntary time off and overtime offers on a stored schedule: a planner computes them from the roster's
 * coverage (offers.ts, on a compute worker), agents see and accept their own; the workflow is
 * store/offers.ts.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { mutate } from '../store/ops.js';
import { loadSchedule } from '../store/schedules.js';
import { acceptOffer, computeBatch, listOffers, loadOffer, offerView, storeBatch } from '../store/offers.js';
import type { WorkflowContext } from '../store/context.js';
import { ProblemError } from '../problem.js';

const Params = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });
const OfferParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }), oid: Type.String({ minLength: 1, maxLength: 100 }) });
const Kind = Type.Union([Type.Literal('vto'), Type.Literal('overtime')]);
const Status = Type.Union([Type.Literal('open'), Type.Literal('accepted'), Type.Literal('taken'), Type.Literal('withdrawn')]);

const offers: FastifyPluginAsyncTypebox<WorkflowContext> = async (app, context) => {
  const { store } = context;

  app.post(
    '/v1/schedules/:id/offers',
    {
      config: { roles: ['planner'] },
      schema: {
        summary: 'Compute VTO and overtime offers from the schedule’s coverage',
        description:
          'From the coverage of the current roster (the core’s evaluate), per need — a run of intervals of a skill over-covered by at least one whole agent, or under-covered — offers to the agents whose shifts border it: **VTO** (`kind: "vto"`), giving up whole grid steps at the start or end of the shift inside an over-covered run as unpaid leave, the shift keeping at least its template’s shortest length; **overtime** (`kind: "overtime"`), extending the shift by whole grid steps into an under-covered run, within the contract’s hours and overtime band. Each offer is the most its run and the agent’s hard rules allow (`shift-templates` findings do not block: they are in `notes`), judged like a swap (`costDelta`: the change of the roster’s total cost; `coverageDelta`) and ranked cheapest first (`rank`). The schedule’s open offers of earlier computations are withdrawn. Answers 201 with the batch: its needs and offers. Nothing changes until an agent accepts.',
        tags: ['offers'],
        params: Params,
        body: Type.Object(
          {
            kinds: Type.Optional(Type.Array(Kind, { minItems: 1, maxItems: 2, uniqueItems: true, description: 'Which offers (default both)' })),
            maxOffers: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, description: 'At most this many, cheapest first (default 100)' })),
          },
          { additionalProperties: false },
        ),
      },
      // No body at all is the same as `{}`.
      preValidation: async (request) => {
        if (request.body === undefined || request.body === null) request.body = {};
      },
    },
    async (request, reply) => {
      const { kinds = ['vto', 'overtime'], maxOffers = 100 } = request.body ?? {};
      return mutate(
        store,
        request,
        reply,
        async (db, actor, computed) => {
          const { schedule, needs, offers: made } = computed;
          const batch = await storeBatch(db, actor, schedule, needs, made);
          const offered = new Set(made.map((o) => o.needId));
          return {
            status: 201,
            body: { batchId: batch.batchId, scheduleId: schedule.id, baseVersion: schedule.version, needs: needs.map((n) => ({ ...n, offered: offered.has(n.id) })), offers: batch.offers.map(offerView) },
            headers: { location: `/v1/schedules/${schedule.id}/offers?status=open` },
          };
        },
        () => computeBatch(context, request.principal!, request.params.id, { kinds, maxOffers }),
      );
    },
  );

  app.get(
    '/v1/schedules/:id/offers',
    {
      config: { roles: ['planner', 'agent'] },
      schema: {
        summary: 'The schedule’s offers (an agent: its own), newest computation first, by rank',
        tags: ['offers'],
        params: Params,
        querystring: Type.Object({ status: Type.Optional(Status), kind: Type.Optional(Kind), agentId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) }, { additionalProperties: false }),
      },
    },
    async (request) => {
      const actor = request.principal!;
      const schedule = await loadSchedule(store, actor, request.params.id);
      return { offers: (await listOffers(store, actor, schedule, request.query)).map(offerView) };
    },
  );

  app.get(
    '/v1/schedules/:id/offers/:oid',
    { config: { roles: ['planner', 'agent'] }, schema: { summary: 'An offer (an agent: its own; another’s is 404)', tags: ['offers'], params: OfferParams } },
    async (request) => {
      const actor = request.principal!;
      const schedule = await loadSchedule(store, actor, request.params.id);
      const offer = await loadOffer(store, schedule, request.params.oid);
      if (actor.role === 'agent' && offer.agentId !== actor.agentId) throw new ProblemError(404, `Schedule ${schedule.id} has no offer ${request.params.oid}`);
      return offerView(offer);
    },
  );

  app.post(
    '/v1/schedules/:id/offers/:oid/accept',
    {
      config: { roles: ['agent'] },
      schema: {
        summary: 'Accept an offer (the agent it is made to): applied as the schedule’s next version',
        description:
          'The first valid acceptance of a need wins: acceptances of one schedule take turns, each re-checked on the roster of that moment — 409 when the offer is no longer open (accepted, `taken` by another offer of its need, withdrawn) or no longer fits (its shift changed, or its intervals are no longer over- or under-covered); 422 naming the rules when the result would break a hard rule of the agent (as a swap is checked; `shift-templates` aside) or grow under-staffing beyond the swap policy; 403 for another agent’s offer. Accepted, the shift is shortened (VTO, with the unpaid leave `{type: "vto", paid: false}` added to the agent in the scenario) or extended (overtime) in one transaction with the version bump and audit.',
        tags: ['offers'],
        params: OfferParams,
      },
    },
    async (request, reply) =>
      mutate(store, request, reply, async (db, actor) => {
        const done = await acceptOffer(context, db, actor, request.params.id, request.params.oid);
        return { status: 200, body: { ...offerView(done.offer), scheduleVersion: done.scheduleVersion, check: done.check }, headers: { etag: `"${done.scheduleVersion}"` } };
      }),
  );
};

export default offers;
