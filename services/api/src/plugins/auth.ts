/**
 * Bearer API keys for every route but /health and /docs. A key belongs to one tenant and has a role; routes say
 * which roles they take (`config.roles`). Without a key: 401; a role the route does not take: 403.
 * Whatever belongs to another tenant is looked up with the caller's tenant and so answers 404.
 * Calendar feeds (`config.feedToken`) also take `?token=` from a per-agent feed token, because phone
 * calendars cannot send headers.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ProblemError } from '../problem.js';
import { findFeedToken, findKey, type Principal, type Role } from '../store/keys.js';
import type { Store } from '../store/store.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyContextConfig {
    /** Roles allowed on the route; every workflow route must name them. */
    roles?: readonly Role[];
    /** The route also accepts `?token=<feed token>` for an agent's own calendar. */
    feedToken?: boolean;
  }
}

const unauthorized = (detail: string) => new ProblemError(401, detail, { headers: { 'www-authenticate': 'Bearer realm="flexroster"' } });

const auth: FastifyPluginAsync<{ store: Store }> = async (app, { store }) => {
  app.decorateRequest('principal', undefined);
  app.addHook('onRequest', async (request: FastifyRequest) => {
    const config = request.routeOptions.config;
    const header = request.headers.authorization;
    let principal: Principal | undefined;
    if (header !== undefined) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
      if (!m) throw unauthorized('Authorization must be "Bearer <api key>"');
      principal = await findKey(store, m[1]!);
      if (!principal) throw unauthorized('Unknown or revoked API key');
    } else if (config.feedToken) {
      const token = (request.query as Record<string, unknown> | undefined)?.token;
      if (typeof token === 'string' && token.length > 0) {
        principal = await findFeedToken(store, token);
        if (!principal) throw unauthorized('Unknown, revoked or expired feed token');
      }
    }
    if (!principal) throw unauthorized('This route needs an API key: Authorization: Bearer <api key>');
    const roles = config.roles ?? [];
    if (!roles.includes(principal.role)) throw new ProblemError(403, `A key with role ${principal.role} may not use this route`);
    request.principal = principal;
  });
};

// The hook applies to the scope that registers this plugin (the workflow routes), not only to its own child.
export default fp(auth, { name: 'flexroster-auth' });

/**
 * Roles of the compute routes. Agents are not among them: they check swaps through the request workflow,
 * which judges against the stored schedule and shows them no more than their own shifts.
 */
export const COMPUTE_ROLES: readonly Role[] = ['admin', 'planner', 'integration'];

/** An agent key may act only for its own agent id (403 otherwise); planners and admins for any. */
export function assertSelf(principal: Principal, agentId: string): void {
  if (principal.role === 'agent' && principal.agentId !== agentId) throw new ProblemError(403, `This key acts for agent ${principal.agentId}, not ${agentId}`);
}
