/**
 * Response headers for a service on the internet: helmet's defaults (no sniffing, no framing, a strict
 * content security policy; the docs UI sets its own), and CORS only when origins are configured (off by
 * default: browsers on other sites get no access).
 */
import fp from 'fastify-plugin';
import helmet from '@fastify/helmet';
import cors from '@fastify/cors';

export interface SecurityOptions {
  /** Origins allowed to call the API from a browser; none (the default) sends no CORS headers. */
  readonly corsOrigins?: readonly string[];
}

export default fp<SecurityOptions>(
  async (app, options) => {
    await app.register(helmet, { global: true });
    const origins = options.corsOrigins ?? [];
    if (origins.length > 0) await app.register(cors, { origin: [...origins], exposedHeaders: ['location', 'etag', 'retry-after', 'idempotent-replayed'] });
  },
  { name: 'flexroster-security' },
);
