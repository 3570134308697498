/** The OpenAPI document at /docs/json and Swagger UI at /docs, built from the route schemas. */
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';

const docs: FastifyPluginAsync<{ version: string }> = async (app, options) => {
  await app.register(swagger, {
    openapi: {
      // 3.1: its schemas are JSON Schema 2020-12, so the core's schemas (null types, numeric exclusiveMinimum) pass unchanged.
      openapi: '3.1.0',
      info: {
        title: 'flexroster API',
        version: options.version,
        description:
          'Workforce scheduling for contact centres: validate scenarios, solve rosters (directly or as background jobs), evaluate rosters and check shift swaps. Errors are RFC 9457 problem details; `errors[].path` is a JSON pointer into the request, prefixed by the part it is in (`/body/…`, `/params/…`).',
      },
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
