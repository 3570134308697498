/** GET /health: a cheap liveness answer that also shows how busy the solve pool is. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { HealthSchema } from '../schemas.js';
import { BACKEND_NAMES, isBackendAvailable } from '../backends.js';
import type { ApiContext } from '../context.js';

const health: FastifyPluginAsyncTypebox<ApiContext> = async (app, { pool, jobs, config }) => {
  const available = BACKEND_NAMES.filter(isBackendAvailable);
  app.get(
    '/health',
    {
      schema: {
        summary: 'Liveness and load',
        description: 'Answers at once, also while solves run (they run on worker threads).',
        tags: ['service'],
        response: {
          200: {
            ...HealthSchema,
            examples: [{ status: 'ok', uptimeSeconds: 3605.2, backends: { default: 'highs', available: ['highs', 'javascript-lp-solver'] }, solvePool: { size: 1, running: 1, queued: 0, maxQueue: 16 }, jobs: 3 }],
          },
        },
      },
    },
    async () => ({
      status: 'ok' as const,
      uptimeSeconds: (Date.now() - config.startedAt) / 1000,
      backends: { default: config.defaultBackend, available: [...available] },
      solvePool: pool.stats,
      jobs: jobs.size,
    }),
  );
};

export default health;
