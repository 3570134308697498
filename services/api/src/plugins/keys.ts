/** Keys (admin), tenants (the bootstrap key), the tenant's swap policy and its audit log. */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { SwapPolicy } from '@flexroster/core';
import { ProblemError } from '../problem.js';
import { PolicyLimitsSchema } from '../limits.js';
import { audit, mutate } from '../store/ops.js';
import { createKey, createTenant, revokeFeedTokens } from '../store/keys.js';
import { iso, jsonb } from '../store/store.js';
import type { WorkflowContext } from '../store/context.js';

export const TenantPolicy = Type.Object(
  {
    autoApproveSwaps: Type.Optional(Type.Boolean({ description: 'Apply a swap that passes every rule and keeps coverage without a planner (default false)' })),
    swapPolicy: Type.Optional(SwapPolicy),
    ...PolicyLimitsSchema,
  },
  { additionalProperties: false },
);

/** JSON with object keys sorted (jsonb does not keep their order). */
const canonical = (value: unknown) =>
  JSON.stringify(value, (_key, x: unknown) => (x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1))) : x));

const keys: FastifyPluginAsyncTypebox<WorkflowContext> = async (app, { store, limits }) => {
  app.post(
    '/v1/keys',
    {
      config: { roles: ['admin'] },
      schema: {
        summary: 'Create an API key in the caller’s tenant',
        description: 'The key is in the response only once; it is stored hashed. An agent key is bound to `agentId`. Replayed with its Idempotency-Key, the answer has `key: null`.',
        tags: ['access'],
        body: Type.Object(
          { role: Type.Union([Type.Literal('admin'), Type.Literal('planner'), Type.Literal('agent'), Type.Literal('integration')]), agentId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })), label: Type.Optional(Type.String({ maxLength: 200 })) },
          { additionalProperties: false },
        ),
      },
    },
    async (request, reply) =>
      mutate(store, request, reply, async (db, actor) => {
        const { role, agentId, label } = request.body;
        if ((role === 'agent') !== (agentId !== undefined)) throw new ProblemError(422, 'agentId is required for an agent key and not allowed otherwise');
        const created = await createKey(db, actor.tenantId, role, agentId ?? null, label !== undefined ? { label } : {});
        await audit(db, actor, 'key.create', 'api_key', created.id, null, { role, agentId: created.agentId, label: label ?? null });
        return { status: 201, body: created, secret: (body) => ({ ...(body as object), key: null }) };
      }),
  );

  app.get('/v1/keys', { config: { roles: ['admin'] }, schema: { summary: 'List the tenant’s keys (never the secrets)', tags: ['access'] } }, async (request) => {
    const rows = await store.query<Record<string, unknown>>('SELECT id, role, agent_id, label, created_at, revoked_at FROM api_keys WHERE tenant_id = $1 ORDER BY created_at, id', [request.principal!.tenantId]);
    return rows.map((r) => ({ id: r.id, role: r.role, agentId: r.agent_id, label: r.label, createdAt: iso(r.created_at), revokedAt: iso(r.revoked_at) }));
  });

  app.post(
    '/v1/keys/:keyId/revoke',
    { config: { roles: ['admin'] }, schema: { summary: 'Revoke a key', tags: ['access'], params: Type.Object({ keyId: Type.String({ minLength: 1, maxLength: 100 }) }) } },
    async (request, reply) =>
      mutate(store, request, reply, async (db, actor) => {
        const [row] = await db.query<{ agent_id: string | null }>('UPDATE api_keys SET revoked_at = COALESCE(revoked_at, now()) WHERE id = $1 AND tenant_id = $2 RETURNING agent_id', [
          request.params.keyId,
          actor.tenantId,
        ]);
        if (!row) throw new ProblemError(404, `No key ${request.params.keyId}`);
        // An agent's calendar feeds stop with its key.
        const feedTokens = row.agent_id === null ? 0 : await revokeFeedTokens(db, actor.tenantId, row.agent_id);
        await audit(db, actor, 'key.revoke', 'api_key', request.params.keyId, { revoked: false }, { revoked: true, feedTokensRevoked: feedTokens });
        return { status: 200, body: { id: request.params.keyId, revoked: true } };
      }),
  );

  app.post(
    '/v1/tenants',
    {
      config: { roles: ['admin'] },
      schema: { summary: 'Create a tenant (bootstrap admin key only)', tags: ['access'], body: Type.Object({ name: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }) },
    },
    async (request, reply) => {
      if (!request.principal!.isRoot) throw new ProblemError(403, 'Only the bootstrap admin key may create tenants');
      return mutate(store, request, reply, async (db, actor) => {
        const tenantId = await createTenant(db, request.body.name);
        const admin = await createKey(db, tenantId, 'admin', null, { label: 'tenant admin' });
        await audit(db, actor, 'tenant.create', 'tenant', tenantId, null, { name: request.body.name });
        return { status: 201, body: { tenantId, name: request.body.name, adminKey: admin.key }, secret: (body) => ({ ...(body as object), adminKey: null }) };
      });
    },
  );

  app.get('/v1/policy', { config: { roles: ['admin', 'planner'] }, schema: { summary: 'The tenant’s swap policy', tags: ['access'] } }, async (request) => {
    const [row] = await store.query<{ policy: unknown }>('SELECT policy FROM tenants WHERE id = $1', [request.principal!.tenantId]);
    return row?.policy ?? {};
  });

  app.put(
    '/v1/policy',
    {
      config: { roles: ['admin', 'planner'] },
      schema: { summary: 'Set the tenant’s policy', description: 'Swap policy (admin or planner) and limits (admin only: a planner must send them unchanged, else 403).', tags: ['access'], body: TenantPolicy },
    },
    async (request, reply) => {
      const result = await mutate(store, request, reply, async (db, actor) => {
        const [before] = await db.query<{ policy: Record<string, unknown> | null }>('SELECT policy FROM tenants WHERE id = $1 FOR UPDATE', [actor.tenantId]);
        const old = before?.policy ?? {};
        const sameLimits = canonical([old.limits, old.keyLimits]) === canonical([request.body.limits, request.body.keyLimits]);
        if (actor.role !== 'admin' && !sameLimits) throw new ProblemError(403, 'Only an admin key may change limits or keyLimits');
        await db.query('UPDATE tenants SET policy = $2::jsonb WHERE id = $1', [actor.tenantId, jsonb(request.body)]);
        await audit(db, actor, 'policy.update', 'tenant', actor.tenantId, before?.policy ?? null, request.body);
        return { status: 200, body: request.body };
      });
      limits.forget(request.principal!.tenantId);
      return result;
    },
  );

  app.get(
    '/v1/audit',
    {
      config: { roles: ['admin', 'planner'] },
      schema: {
        summary: 'The tenant’s audit log, newest first',
        tags: ['access'],
        querystring: Type.Object({ entityId: Type.Optional(Type.String()), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) }),
      },
    },
    async (request) => {
      const { entityId, limit } = request.query;
      const rows = await store.query<Record<string, unknown>>(
        'SELECT id, actor_key_id, actor_role, actor_agent_id, at, action, entity, entity_id, before, after FROM audit_log WHERE tenant_id = $1 AND ($2::text IS NULL OR entity_id = $2) ORDER BY id DESC LIMIT $3',
        [request.principal!.tenantId, entityId ?? null, limit ?? 100],
      );
      return rows.map((r) => ({
        id: Number(r.id),
        actor: { keyId: r.actor_key_id, role: r.actor_role, agentId: r.actor_agent_id },
        at: iso(r.at),
        action: r.action,
        entity: r.entity,
        entityId: r.entity_id,
        before: r.before,
        after: r.after,
      }));
    },
  );
};

export default keys;
