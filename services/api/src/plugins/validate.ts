/** POST /v1/validate: the core's validation report for a scenario. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { Scenario, validateScenario } from '@flexroster/core';
import { IssueSchema, pickProblems } from '../schemas.js';
import { exampleScenario, examples } from '../examples.js';
import { scenarioGuardIssues } from '../guards.js';

const ValidationReportSchema = Type.Object({
  valid: Type.Boolean(),
  errors: Type.Array(IssueSchema, { description: 'Domain errors; paths are JSON pointers into the scenario (the request body)' }),
  warnings: Type.Array(Type.Object({ code: Type.String({ description: 'A stable name, e.g. skill-without-agents' }), path: Type.String(), message: Type.String() })),
});

const validate: FastifyPluginAsyncTypebox = async (app) => {
  app.post(
    '/v1/validate',
    {
      schema: {
        summary: 'Validate a scenario',
        description:
          'The body must match the scenario schema (otherwise 400). The report then lists the domain errors the schema cannot express (unknown references, a time zone that does not exist, times that fall in a DST gap, contradictory bounds) and warnings about valid but suspicious input. A scenario with domain errors still gets 200, with `valid: false`.',
        tags: ['scenarios'],
        body: { ...Scenario, examples: [exampleScenario] },
        response: { 200: { ...ValidationReportSchema, examples: [examples().validateResponse] }, ...pickProblems(400, 413, 415) },
      },
    },
    async (request) => {
      // Input the core would crash on is reported here instead of being handed to it.
      const guarded = scenarioGuardIssues(request.body);
      if (guarded.length > 0) return { valid: false, errors: guarded, warnings: [] };
      return validateScenario(request.body);
    },
  );
};

export default validate;
