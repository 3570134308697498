/**
 * Swap checks on a compute worker (never on the event loop; solves have their own workers, so checks stay
 * fast while solves run). The worker calls the core's checkSwapOn/swapCandidatesOn with an expanded
 * scenario from its cache; the route schema has already checked roster, swap and shift.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { SwapCandidate, SwapCheck } from '@flexroster/core';
import { SwapCandidatesRequestSchema, SwapCheckRequestSchema, pickProblems } from '../schemas.js';
import { exampleRoster, exampleScenario, exampleShift, exampleSwap, examples } from '../examples.js';
import { computeOrBusy } from '../solving.js';
import { checkScenarioSize } from '../limits.js';
import { COMPUTE_ROLES } from './auth.js';
import type { ApiContext } from '../context.js';

const swaps: FastifyPluginAsyncTypebox<ApiContext> = async (app, { compute, limits }) => {
  app.post(
    '/v1/swaps/check',
    {
      config: { roles: COMPUTE_ROLES },
      schema: {
        summary: 'Check a shift swap',
        description:
          'A swap is an `exchange` of two agents’ shifts or a `give-away` of one shift to another agent; shifts are named by their start and end as in the roster. It is allowed when both agents keep every hard rule afterwards and under-staffing grows no more than `policy` allows (default: not at all). `costDelta` is the change of the roster’s total cost. Unknown agents or shifts are 422.',
        tags: ['rosters'],
        body: SwapCheckRequestSchema({ scenario: exampleScenario, roster: exampleRoster, swap: exampleSwap }),
        response: { 200: { ...SwapCheck, examples: [examples().swapCheckResponse] }, ...pickProblems(400, 401, 403, 413, 415, 422, 429, 503) },
      },
    },
    async (request) => {
      const { scenario, roster, swap, policy } = request.body;
      checkScenarioSize(scenario, await limits.of(request.principal!));
      return computeOrBusy(() => compute.run({ kind: 'swap-check', scenario, roster, swap, policy }));
    },
  );

  app.post(
    '/v1/swaps/candidates',
    {
      config: { roles: COMPUTE_ROLES },
      schema: {
        summary: 'Find swap partners for a shift',
        description:
          'Agents who could take the shift (give-away) and colleagues’ shifts that could be exchanged for it, each keeping every hard rule for both agents and the coverage policy, cheapest first (by cost delta; at most 50).',
        tags: ['rosters'],
        body: SwapCandidatesRequestSchema({ scenario: exampleScenario, roster: exampleRoster, agentId: 'chen', shift: exampleShift }),
        response: { 200: { ...Type.Array(SwapCandidate), examples: [examples().swapCandidatesResponse] }, ...pickProblems(400, 401, 403, 413, 415, 422, 429, 503) },
      },
    },
    async (request) => {
      const { scenario, roster, agentId, shift, policy } = request.body;
      checkScenarioSize(scenario, await limits.of(request.principal!));
      return computeOrBusy(() => compute.run({ kind: 'swap-candidates', scenario, roster, agentId, shift, policy }));
    },
  );
};

export default swaps;
