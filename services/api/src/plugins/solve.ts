/**
 * POST /v1/solve: a short solve answered in the response. It still runs on a worker thread, so a
 * 30-second solve does not stall the other requests; if the client goes away, the solve is cancelled.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { SolveResult } from '@flexroster/core';
import { pickProblems, solveRequestSchema } from '../schemas.js';
import { exampleScenario, examples } from '../examples.js';
import { prepareSolve, solveFailure, submitOrBusy } from '../solving.js';
import type { ApiContext } from '../context.js';

const solve: FastifyPluginAsyncTypebox<ApiContext> = async (app, { pool, config }) => {
  app.post(
    '/v1/solve',
    {
      schema: {
        summary: 'Solve a scenario (short solves)',
        description: `Builds a roster within \`options.timeLimitSeconds\` (default ${config.syncSolveDefaultSeconds}, at most ${config.syncSolveMaxSeconds}) and answers with it: status optimal | feasible | infeasible and why, cost, lower bound and gap, the roster, its evaluation, warnings and statistics. For longer solves use /v1/solve-jobs. 503 with Retry-After when every solve worker is busy and the queue is full.`,
        tags: ['solving'],
        body: solveRequestSchema(config.syncSolveMaxSeconds, config.syncSolveDefaultSeconds, { scenario: exampleScenario, options: { timeLimitSeconds: 10, backend: 'highs' } }),
        response: { 200: { ...SolveResult, examples: [examples().solveResult] }, ...pickProblems(400, 413, 415, 422, 500, 503) },
      },
    },
    async (request, reply) => {
      const task = prepareSolve(request.body, config, config.syncSolveDefaultSeconds);
      const handle = submitOrBusy(() => pool.submit(request.body.scenario, task));
      // Nobody would read the roster of a client that hung up: free the worker.
      reply.raw.once('close', () => {
        if (!reply.raw.writableFinished) handle.cancel();
      });
      try {
        return await handle.result;
      } catch (error) {
        throw solveFailure(error);
      }
    },
  );
};

export default solve;
