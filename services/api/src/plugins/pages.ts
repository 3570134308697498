/**
 * The planner page (/app) and the agent's phone page (/me): HTML and style from `web/static/`, scripts
 * compiled by `pnpm build` from `web/src/` to `dist/web/`
 * (and the report's chart code from @flexroster/report), served without a key — the pages hold no data;
 * every call they make goes to the REST routes with the key the user signs in with. The pages get a
 * strict Content-Security-Policy of their own: scripts, styles and calls from this origin only, nothing
 * inline, no frames, no plugins.
 */
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync } from 'fastify';
import fastifyStatic from '@fastify/static';
import { reportAssetsDir } from '@flexroster/report';

export const WEB_DIR = fileURLToPath(new URL('../../web/static/', import.meta.url));
const SCRIPTS_DIR = fileURLToPath(new URL('../web/', import.meta.url));

/** The pages' policy (helmet's default for everything else; the docs UI sets its own). */
export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const pages: FastifyPluginAsync = async (app) => {
  await app.register(fastifyStatic, { root: [WEB_DIR, SCRIPTS_DIR], prefix: '/assets/pages/', index: false, wildcard: false, serve: true });
  await app.register(fastifyStatic, { root: reportAssetsDir, prefix: '/assets/report/', index: false, wildcard: false, decorateReply: false });
  for (const [url, file, summary] of [['/app', 'app.html', 'The planner page'], ['/me', 'me.html', 'The agent’s phone page']] as const) {
    app.get(url, { schema: { hide: true, summary } }, async (_request, reply) => {
      void reply.header('content-security-policy', PAGE_CSP).header('cache-control', 'no-store').header('referrer-policy', 'no-referrer');
      return reply.sendFile(file, WEB_DIR);
    });
  }
};

export default pages;
