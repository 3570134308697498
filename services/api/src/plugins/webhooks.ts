/**
 * Webhook endpoints of a tenant (admin): where its events go, which ones, and the secret that signs them
 * (scheme in store/outbox.ts and the README). Each delivery's attempts are visible, dead letters included.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { randomUUID } from 'node:crypto';
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { Type } from 'typebox';
import { ProblemError } from '../problem.js';
import { audit, mutate } from '../store/ops.js';
import { iso } from '../store/store.js';
import { EVENT_TYPES } from '../store/outbox.js';
import type { WorkflowContext } from '../store/context.js';

/** Loopback, private, link-local, carrier-grade NAT, unique-local and unspecified ranges. */
const PRIVATE = new BlockList();
for (const [net, bits] of [['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12], ['192.168.0.0', 16]] as const) PRIVATE.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['::ffff:0:0', 96]] as const) PRIVATE.addSubnet(net, bits, 'ipv6');

const isPrivate = (address: string) => PRIVATE.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');

/** 422 unless `url` is http(s) and (without `allowPrivate`) every address its host resolves to is public. */
async function checkUrl(url: string, allowPrivate: boolean): Promise<void> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ProblemError(422, 'url is not a valid URL', { errors: [{ path: '/body/url', message: 'not a valid URL' }] });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new ProblemError(422, 'url must be http or https', { errors: [{ path: '/body/url', message: `scheme ${parsed.protocol} is not allowed` }] });
  if (allowPrivate) return;
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host) ? [host] : (await lookup(host, { all: true }).catch(() => [])).map((a) => a.address);
  if (addresses.length === 0) throw new ProblemError(422, `url host ${host} does not resolve`, { errors: [{ path: '/body/url', message: 'host does not resolve' }] });
  const bad = addresses.find(isPrivate);
  if (bad)
    throw new ProblemError(422, `url resolves to a loopback or private address (${bad}); set allowPrivateAddresses to allow it`, {
      errors: [{ path: '/body/url', message: `resolves to ${bad}, a loopback or private address` }],
    });
}

const EndpointBody = Type.Object(
  {
    url: Type.String({ minLength: 1, maxLength: 2000, description: 'http(s) URL that receives POSTs' }),
    eventTypes: Type.Array(Type.Union(EVENT_TYPES.map((e) => Type.Literal(e))), { minItems: 1, uniqueItems: true }),
    secret: Type.String({ minLength: 16, maxLength: 200, description: 'Signs each delivery (HMAC-SHA256); never shown again' }),
    allowPrivateAddresses: Type.Optional(Type.Boolean({ description: 'Allow loopback and private addresses (default false)' })),
  },
  { additionalProperties: false },
);

const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100 }) });

const endpointView = (r: Record<string, unknown>) => ({ id: r.id, url: r.url, eventTypes: r.event_types, allowPrivateAddresses: r.allow_private, createdAt: iso(r.created_at) });

const webhooks: FastifyPluginAsyncTypebox<WorkflowContext> = async (app, { store }) => {
  app.post(
    '/v1/webhooks',
    { config: { roles: ['admin'] }, schema: { summary: 'Register a webhook endpoint', tags: ['events'], body: EndpointBody } },
    async (request, reply) => {
      await checkUrl(request.body.url, request.body.allowPrivateAddresses === true);
      return mutate(store, request, reply, async (db, actor) => {
        const { url, eventTypes, secret, allowPrivateAddresses } = request.body;
        const [row] = await db.query<Record<string, unknown>>(
          'INSERT INTO webhook_endpoints (id, tenant_id, url, event_types, secret, allow_private) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, url, event_types, allow_private, created_at',
          [randomUUID(), actor.tenantId, url, eventTypes, secret, allowPrivateAddresses === true],
        );
        const view = endpointView(row!);
        await audit(db, actor, 'webhook.create', 'webhook', String(view.id), null, view);
        return { status: 201, body: view };
      });
    },
  );

  app.get('/v1/webhooks', { config: { roles: ['admin'] }, schema: { summary: 'List webhook endpoints', tags: ['events'] } }, async (request) => {
    const rows = await store.query<Record<string, unknown>>('SELECT id, url, event_types, allow_private, created_at FROM webhook_endpoints WHERE tenant_id = $1 AND deleted_at IS NULL ORDER BY created_at, id', [request.principal!.tenantId]);
    return rows.map(endpointView);
  });

  app.delete('/v1/webhooks/:id', { config: { roles: ['admin'] }, schema: { summary: 'Remove a webhook endpoint', tags: ['events'], params: IdParams } }, async (request, reply) =>
    mutate(store, request, reply, async (db, actor) => {
      const rows = await db.query('UPDATE webhook_endpoints SET deleted_at = now() WHERE id = $1 AND tenant_id = $2 AND deleted_at IS NULL RETURNING id', [request.params.id, actor.tenantId]);
      if (rows.length === 0) throw new ProblemError(404, `No webhook ${request.params.id}`);
      await db.query("UPDATE webhook_deliveries SET status = 'dead', last_error = 'endpoint removed' WHERE endpoint_id = $1 AND status = 'pending'", [request.params.id]);
      await audit(db, actor, 'webhook.delete', 'webhook', request.params.id, { deleted: false }, { deleted: true });
      return { status: 200, body: { id: request.params.id, deleted: true } };
    }),
  );

  app.get(
    '/v1/webhooks/:id/deliveries',
    {
      config: { roles: ['admin'] },
      schema: {
        summary: 'Deliveries of a webhook endpoint, newest first',
        description: '`status`: pending (retried with backoff), delivered, or dead (given up after the retry window; not retried).',
        tags: ['events'],
        params: IdParams,
        querystring: Type.Object({ status: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('dead')])) }, { additionalProperties: false }),
      },
    },
    async (request) => {
      const [endpoint] = await store.query('SELECT id FROM webhook_endpoints WHERE id = $1 AND tenant_id = $2', [request.params.id, request.principal!.tenantId]);
      if (!endpoint) throw new ProblemError(404, `No webhook ${request.params.id}`);
      const rows = await store.query<Record<string, unknown>>(
        `SELECT d.id, d.event_id, ev.type, d.status, d.attempts, d.last_status, d.last_error, d.next_attempt_at, d.delivered_at, d.created_at
         FROM webhook_deliveries d JOIN outbox_events ev ON ev.id = d.event_id
         WHERE d.endpoint_id = $1 AND ($2::text IS NULL OR d.status = $2) ORDER BY d.created_at DESC, d.id LIMIT 500`,
        [request.params.id, request.query.status ?? null],
      );
      return rows.map((r) => ({
        id: r.id,
        eventId: r.event_id,
        type: r.type,
        status: r.status,
        attempts: r.attempts,
        lastStatus: r.last_status,
        lastError: r.last_error,
        nextAttemptAt: r.status === 'pending' ? iso(r.next_attempt_at) : null,
        deliveredAt: iso(r.delivered_at),
        createdAt: iso(r.created_at),
      }));
    },
  );
};

export default webhooks;
