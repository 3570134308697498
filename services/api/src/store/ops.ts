/**
 * What every change shares: one transaction, the Idempotency-Key record written in that same
 * transaction, an audit row (who, when, what, before and after) and its outbox event (store/outbox.ts).
 */
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ProblemError } from '../problem.js';
import { jsonb, type Db, type Store } from './store.js';
import type { Principal } from './keys.js';
import { emit, eventOfAudit } from './outbox.js';

export interface Outcome {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Record<string, string>;
  /**
   * For a response carrying a secret (a new key or token): the body as the idempotency record keeps it,
   * the secret taken out. A replay answers that body.
   */
  readonly secret?: (body: unknown) => unknown;
}

export async function audit(db: Db, actor: Principal, action: string, entity: string, entityId: string, before: unknown, after: unknown): Promise<void> {
  await db.query(
    'INSERT INTO audit_log (tenant_id, actor_key_id, actor_role, actor_agent_id, action, entity, entity_id, before, after) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9::jsonb)',
    [actor.tenantId, actor.keyId, actor.role, actor.agentId, action, entity, entityId, jsonb(before ?? null), jsonb(after ?? null)],
  );
  // The outbox event of this change, in the same transaction: it exists exactly when the change commits.
  const type = eventOfAudit(action, entity);
  if (type) await emit(db, actor.tenantId, type, { entity, id: entityId, action, actor: { keyId: actor.keyId, role: actor.role }, after: after ?? null });
}

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

interface Claim {
  readonly idem: string | undefined;
  readonly hash: string;
}

function claimOf(request: FastifyRequest): Claim {
  const header = request.headers['idempotency-key'];
  const idem = Array.isArray(header) ? header[0] : header;
  if (idem !== undefined && !IDEMPOTENCY_KEY.test(idem)) throw new ProblemError(400, 'Idempotency-Key must be 1 to 200 visible ASCII characters');
  const hash = createHash('sha256')
    .update(`${request.method} ${request.routeOptions.url ?? ''} ${JSON.stringify(request.params)} ${JSON.stringify(request.body ?? null)}`)
    .digest('hex');
  return { idem, hash };
}

/** The stored outcome of this key, if its first request finished; 422 when the key came with another request. */
async function storedOutcome(db: Db, actor: Principal, claim: Claim): Promise<Outcome | undefined> {
  const [row] = await db.query<{ request_hash: string; status: number; body: string | null }>(
    'SELECT request_hash, status, body FROM idempotency WHERE tenant_id = $1 AND key_id = $2 AND idem_key = $3',
    [actor.tenantId, actor.keyId, claim.idem],
  );
  if (!row) return undefined;
  if (row.request_hash !== claim.hash) throw new ProblemError(422, 'This Idempotency-Key was used with a different request');
  if (row.status === 0) return undefined;
  // Stored as text, not jsonb, so that the replay is the same bytes (jsonb reorders keys).
  return { status: row.status, body: row.body === null ? null : JSON.parse(row.body), headers: { 'idempotent-replayed': 'true' } };
}

/**
 * Runs a change in one transaction. With an `Idempotency-Key`, the first response is stored in the same
 * transaction, and a retry with the same key and body gets that response back (header
 * `Idempotent-Replayed: true`) and changes nothing; the same key with another body is 422. A change
 * that fails stores nothing, so its retry runs again.
 *
 * `prepare` is work done before the transaction (a solve): it runs only after the key was looked up, so
 * a replay does no work at all.
 */
export async function mutate<P = undefined>(
  store: Store,
  request: FastifyRequest,
  reply: FastifyReply,
  fn: (db: Db, actor: Principal, prepared: P) => Promise<Outcome>,
  prepare?: () => Promise<P>,
): Promise<unknown> {
  const actor = request.principal!;
  const claim = claimOf(request);
  const earlier = claim.idem !== undefined ? await storedOutcome(store, actor, claim) : undefined;
  const prepared = earlier ? (undefined as P) : prepare ? await prepare() : (undefined as P);
  const result =
    earlier ??
    (await store.tx(async (db) => {
      if (claim.idem !== undefined) {
        const inserted = await db.query(
          'INSERT INTO idempotency (tenant_id, key_id, idem_key, request_hash, status) VALUES ($1, $2, $3, $4, 0) ON CONFLICT DO NOTHING RETURNING idem_key',
          [actor.tenantId, actor.keyId, claim.idem, claim.hash],
        );
        if (inserted.length === 0) {
          const stored = await storedOutcome(db, actor, claim);
          if (!stored) throw new ProblemError(409, 'A request with this Idempotency-Key is still running; retry shortly');
          return stored;
        }
      }
      const outcome = await fn(db, actor, prepared);
      if (claim.idem !== undefined)
        await db.query('UPDATE idempotency SET status = $4, body = $5 WHERE tenant_id = $1 AND key_id = $2 AND idem_key = $3', [
          actor.tenantId,
          actor.keyId,
          claim.idem,
          outcome.status,
          jsonb(outcome.secret ? outcome.secret(outcome.body) : outcome.body),
        ]);
      return outcome;
    }));
  void reply.status(result.status).headers(result.headers ?? {});
  return result.body;
}
