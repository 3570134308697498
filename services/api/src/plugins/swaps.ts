/**
 * Swap checks, answered on the request thread: they judge two agents with the solver's rule modules and
 * take milliseconds, so they stay fast even while solves keep the worker threads busy. They call the
 * core's checkSwapOn/swapCandidatesOn (what checkSwap/swapCandidates do after expanding the scenario)
 * with an expanded scenario from the cache; the route schema has already checked roster, swap and shift.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { SwapCandidate, SwapCheck, checkSwapOn, swapCandidatesOn } from '@flexroster/core';
import { SwapCandidatesRequestSchema, SwapCheckRequestSchema, pickProblems } from '../schemas.js';
import { exampleRoster, exampleScenario, exampleShift, exampleSwap, examples } from '../examples.js';
import { withInputPaths } from '../problem.js';
import type { ApiContext } from '../context.js';

const paths = { scenario: '/body/scenario', rest: '/body' };

const swaps: FastifyPluginAsyncTypebox<ApiContext> = async (app, { problems }) => {
  app.post(
    '/v1/swaps/check',
    {
      schema: {
        summary: 'Check a shift swap',
        description:
          'A swap is an `exchange` of two agents’ shifts or a `give-away` of one shift to another agent; shifts are named by their start and end as in the roster. It is allowed when both agents keep every hard rule afterwards and under-staffing grows no more than `policy` allows (default: not at all). `costDelta` is the change of the roster’s total cost. Unknown agents or shifts are 422.',
        tags: ['rosters'],
        body: SwapCheckRequestSchema({ scenario: exampleScenario, roster: exampleRoster, swap: exampleSwap }),
        response: { 200: { ...SwapCheck, examples: [examples().swapCheckResponse] }, ...pickProblems(400, 413, 415, 422) },
      },
    },
    async (request) => {
      const { scenario, roster, swap, policy } = request.body;
      return withInputPaths(paths, scenario, () => checkSwapOn(problems.get(scenario), roster, swap, policy ?? {}));
    },
  );

  app.post(
    '/v1/swaps/candidates',
    {
      schema: {
        summary: 'Find swap partners for a shift',
        description:
          'Agents who could take the shift (give-away) and colleagues’ shifts that could be exchanged for it, each keeping every hard rule for both agents and the coverage policy, cheapest first (by cost delta; at most 50).',
        tags: ['rosters'],
        body: SwapCandidatesRequestSchema({ scenario: exampleScenario, roster: exampleRoster, agentId: 'chen', shift: exampleShift }),
        response: { 200: { ...Type.Array(SwapCandidate), examples: [examples().swapCandidatesResponse] }, ...pickProblems(400, 413, 415, 422) },
      },
    },
    async (request) => {
      const { scenario, roster, agentId, shift, policy } = request.body;
      return withInputPaths(paths, scenario, () => swapCandidatesOn(problems.get(scenario), roster, agentId, shift, policy ?? {}));
    },
  );
};

export default swaps;
