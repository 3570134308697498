/** POST /v1/evaluate: costs per rule and agent, coverage and hard violations of a given roster. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Evaluation, evaluateShifts, rosterToShifts } from '@flexroster/core';
import { EvaluateRequestSchema, pickProblems } from '../schemas.js';
import { exampleRoster, exampleScenario, examples } from '../examples.js';
import { withInputPaths } from '../problem.js';
import type { ApiContext } from '../context.js';

const evaluate: FastifyPluginAsyncTypebox<ApiContext> = async (app, { problems }) => {
  app.post(
    '/v1/evaluate',
    {
      schema: {
        summary: 'Evaluate a roster',
        description:
          'Recomputes everything from the roster with the rule modules the solver uses: total cost, cost per rule and per agent, every soft finding with its reason, coverage per interval and skill (and per shift type), and the hard rules it breaks. Unknown agents, skills or templates and unreadable times are 422.',
        tags: ['rosters'],
        body: EvaluateRequestSchema({ scenario: exampleScenario, roster: exampleRoster }),
        response: { 200: { ...Evaluation, examples: [examples().evaluateResponse] }, ...pickProblems(400, 413, 415, 422) },
      },
    },
    async (request) =>
      withInputPaths({ scenario: '/body/scenario', rest: '/body' }, request.body.scenario, () => {
        // The core's evaluate() in steps: the expanded scenario may come from the cache, and roster paths
        // come out relative to the body like the swap routes' do.
        const problem = problems.get(request.body.scenario);
        return evaluateShifts(problem, rosterToShifts(problem, request.body.roster, '/roster/assignments'));
      }),
  );
};

export default evaluate;
