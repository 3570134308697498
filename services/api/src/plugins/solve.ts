/**
 * POST /v1/solve: a short solve answered in the response. It still runs on a worker thread, so a
 * 30-second solve does not stall the other requests; if the client goes away, the solve is cancelled.
 * Its time limit is the caller's whole wait (solving.ts `solveWithin`).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { SolveResult } from '@flexroster/core';
import { pickProblems, solveRequestSchema } from '../schemas.js';
import { exampleScenario, examples } from '../examples.js';
import { prepareSolve, solveWithin } from '../solving.js';
import { COMPUTE_ROLES } from './auth.js';
import type { ApiContext } from '../context.js';

const solve: FastifyPluginAsyncTypebox<ApiContext> = async (app, context) => {
  const { config } = context;
  app.post(
    '/v1/solve',
    {
      config: { roles: COMPUTE_ROLES },
      schema: {
        summary: 'Solve a scenario (short solves)',
        description: `Builds a roster within \`options.timeLimitSeconds\` (default ${config.syncSolveDefaultSeconds}, at most ${config.syncSolveMaxSeconds}) and answers with it: status optimal | feasible | infeasible and why, cost, lower bound and gap, the roster, its evaluation, warnings and statistics. For longer solves use /v1/solve-jobs. The limit covers the whole wait: queue, build, solve and answer end within it plus 1 s. 503 with Retry-After when the solve could not start in time (the solves ahead, a full queue) or did not finish within it; 422 when the scenario's model would not even build within the limit at this server's measured build rate; 429 over the key's or tenant's limits.`,
        tags: ['solving'],
        body: solveRequestSchema(config.syncSolveMaxSeconds, config.syncSolveDefaultSeconds, { scenario: exampleScenario, options: { timeLimitSeconds: 10, backend: 'highs' } }),
        response: { 200: { ...SolveResult, examples: [examples().solveResult] }, ...pickProblems(400, 401, 403, 413, 415, 422, 429, 500, 503) },
      },
    },
    async (request, reply) => {
      const arrivedAt = Date.now();
      const prepared = await prepareSolve(context, request.principal!, request.body, config.syncSolveDefaultSeconds);
      return solveWithin(context, request.body.scenario, prepared, arrivedAt, (cancel) =>
        // Nobody would read the roster of a client that hung up: free the worker.
        reply.raw.once('close', () => {
          if (!reply.raw.writableFinished) cancel();
        }),
      );
    },
  );
};

export default solve;
