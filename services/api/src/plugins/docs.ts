/** The OpenAPI document at /docs/json and Swagger UI at /docs, built from the route schemas. */
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';

const docs: FastifyPluginAsync<{ version: string; bodyLimitBytes: number }> = async (app, options) => {
  await app.register(swagger, {
    openapi: {
      // 3.1: its schemas are JSON Schema 2020-12, so the core's schemas (null types, numeric exclusiveMinimum) pass unchanged.
      openapi: '3.1.0',
      info: {
        title: 'flexroster API',
        version: options.version,
        description:
          'Workforce scheduling for contact centres: validate scenarios, solve rosters (directly or as background jobs), evaluate rosters and check shift swaps. Errors are RFC 9457 problem details; `errors[].path` is a JSON pointer into the request, prefixed by the part it is in (`/body/…`, `/params/…`).\n\n' +
          `Every route but /health, /docs and the calendar feed takes an API key (Authorization: Bearer <key>). Request bodies are limited to ${options.bodyLimitBytes} bytes (${(options.bodyLimitBytes / 1048576).toFixed(1)} MiB); larger ones get 413. ` +
          'Keys and tenants have limits (requests per minute, concurrent solves, longest time limit, largest scenario): over a limit that passes with time the answer is 429 with Retry-After, over one on the request itself 422; the problem\'s `limit` names it.',
      },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'An API key: admin, planner, agent or integration' } } },
      security: [{ apiKey: [] }],
      tags: [
        { name: 'scenarios', description: 'Check a scenario' },
        { name: 'solving', description: 'Build rosters' },
        { name: 'rosters', description: 'Judge a roster and changes to it' },
        { name: 'service', description: 'Health' },
      ],
    },
  });
  // The UI's own content security policy (its inline script and styles), in place of helmet's stricter one.
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });
};

// Swagger collects routes through an onRoute hook: it must sit on the root instance, before the routes.
export default fp(docs, { name: 'flexroster-docs' });
