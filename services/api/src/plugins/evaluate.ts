/** POST /v1/evaluate: costs per rule and agent, coverage and hard violations of a given roster. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Evaluation } from '@flexroster/core';
import { EvaluateRequestSchema, pickProblems } from '../schemas.js';
import { exampleRoster, exampleScenario, examples } from '../examples.js';
import { computeOrBusy } from '../solving.js';
import { checkScenarioSize } from '../limits.js';
import { COMPUTE_ROLES } from './auth.js';
import type { ApiContext } from '../context.js';

const evaluate: FastifyPluginAsyncTypebox<ApiContext> = async (app, { compute, limits }) => {
  app.post(
    '/v1/evaluate',
    {
      config: { roles: COMPUTE_ROLES },
      schema: {
        summary: 'Evaluate a roster',
        description:
          'Recomputes everything from the roster with the rule modules the solver uses: total cost, cost per rule and per agent, every soft finding with its reason, coverage per interval and skill (and per shift type), and the hard rules it breaks. Unknown agents, skills or templates and unreadable times are 422.',
        tags: ['rosters'],
        body: EvaluateRequestSchema({ scenario: exampleScenario, roster: exampleRoster }),
        response: { 200: { ...Evaluation, examples: [examples().evaluateResponse] }, ...pickProblems(400, 401, 403, 413, 415, 422, 429, 503) },
      },
    },
    async (request) => {
      checkScenarioSize(request.body.scenario, await limits.of(request.principal!));
      // On a compute worker: the expanded scenario may come from its cache, and roster paths come out
      // relative to the body like the swap routes' do.
      return computeOrBusy(() => compute.run({ kind: 'evaluate', scenario: request.body.scenario, roster: request.body.roster }));
    },
  );
};

export default evaluate;
