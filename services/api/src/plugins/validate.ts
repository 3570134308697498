/** POST /v1/validate: the core's validation report for a scenario, made on a compute worker. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Scenario } from '@flexroster/core';
import { COMPUTE_ROLES } from './auth.js';
import { IssueSchema, pickProblems } from '../schemas.js';
import { exampleScenario, examples } from '../examples.js';
import { computeOrBusy } from '../solving.js';
import { checkScenarioSize } from '../limits.js';
import type { ApiContext } from '../context.js';

const ValidationReportSchema = Type.Object({
  valid: Type.Boolean(),
  errors: Type.Array(IssueSchema, { description: 'Domain errors; paths are JSON pointers into the scenario (the request body)' }),
  warnings: Type.Array(Type.Object({ code: Type.String({ description: 'A stable name, e.g. skill-without-agents' }), path: Type.String(), message: Type.String() })),
});

const validate: FastifyPluginAsyncTypebox<ApiContext> = async (app, { compute, limits }) => {
  app.post(
    '/v1/validate',
    {
      config: { roles: COMPUTE_ROLES },
      schema: {
        summary: 'Validate a scenario',
        description:
          'The body must match the scenario schema (otherwise 400). The report then lists the domain errors the schema cannot express (unknown references, a time zone that does not exist, times that fall in a DST gap, contradictory bounds) and warnings about valid but suspicious input. A scenario with domain errors still gets 200, with `valid: false`.',
        tags: ['scenarios'],
        body: { ...Scenario, examples: [exampleScenario] },
        response: { 200: { ...ValidationReportSchema, examples: [examples().validateResponse] }, ...pickProblems(400, 401, 403, 413, 415, 422, 429, 503) },
      },
    },
    async (request) => {
      checkScenarioSize(request.body, await limits.of(request.principal!));
      // Input the core would crash on is reported by the worker (guards first) instead of being handed to it.
      return (await computeOrBusy(() => compute.run({ kind: 'validate', scenario: request.body }))).report;
    },
  );
};

export default validate;
