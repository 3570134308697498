/** Tenants and API keys: keys are random, shown once, and stored only as their SHA-256. */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { iso, type Db, type Store } from './store.js';

/** `integration`: a WFM system calling the compute routes (validate, solve, evaluate, swaps), nothing stored. */
export type Role = 'admin' | 'planner' | 'agent' | 'integration';

export interface Principal {
  readonly keyId: string;
  readonly tenantId: string;
  readonly role: Role;
  readonly agentId: string | null;
  /** The bootstrap key: may create tenants. */
  readonly isRoot: boolean;
}

export const hashSecret = (secret: string) => createHash('sha256').update(secret).digest('hex');
export const newSecret = (prefix: string) => `${prefix}_${randomBytes(24).toString('base64url')}`;

export async function findKey(db: Db, secret: string): Promise<Principal | undefined> {
  const [row] = await db.query<{ id: string; tenant_id: string; role: Role; agent_id: string | null; is_root: boolean }>(
    'SELECT id, tenant_id, role, agent_id, is_root FROM api_keys WHERE hash = $1 AND revoked_at IS NULL',
    [hashSecret(secret)],
  );
  return row && { keyId: row.id, tenantId: row.tenant_id, role: row.role, agentId: row.agent_id, isRoot: row.is_root };
}

export async function createKey(db: Db, tenantId: string, role: Role, agentId: string | null, options: { label?: string; secret?: string; isRoot?: boolean } = {}) {
  const secret = options.secret ?? newSecret('frk');
  const id = randomUUID();
  await db.query('INSERT INTO api_keys (id, tenant_id, hash, role, agent_id, is_root, label) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
    id,
    tenantId,
    hashSecret(secret),
    role,
    role === 'agent' ? agentId : null,
    options.isRoot ?? false,
    options.label ?? null,
  ]);
  return { id, key: secret, role, agentId: role === 'agent' ? agentId : null };
}

/** The agent a live feed token (not revoked, not expired) stands for. */
export async function findFeedToken(db: Db, token: string): Promise<Principal | undefined> {
  const hash = hashSecret(token);
  const [row] = await db.query<{ tenant_id: string; agent_id: string }>('SELECT tenant_id, agent_id FROM feed_tokens WHERE hash = $1 AND revoked_at IS NULL AND expires_at > now()', [hash]);
  return row && { keyId: `feed:${hash.slice(0, 12)}`, tenantId: row.tenant_id, role: 'agent', agentId: row.agent_id, isRoot: false };
}

/** Revokes the agent's live feed tokens; returns how many. */
export async function revokeFeedTokens(db: Db, tenantId: string, agentId: string): Promise<number> {
  const rows = await db.query('UPDATE feed_tokens SET revoked_at = now() WHERE tenant_id = $1 AND agent_id = $2 AND revoked_at IS NULL RETURNING hash', [tenantId, agentId]);
  return rows.length;
}

/** A new feed token for the agent, valid for `seconds`; the agent's earlier tokens are revoked (rotation). */
export async function createFeedToken(db: Db, tenantId: string, agentId: string, seconds: number): Promise<{ token: string; expiresAt: string }> {
  await revokeFeedTokens(db, tenantId, agentId);
  const token = newSecret('frf');
  const [row] = await db.query<{ expires_at: unknown }>(
    "INSERT INTO feed_tokens (hash, tenant_id, agent_id, expires_at) VALUES ($1, $2, $3, now() + make_interval(secs => $4)) RETURNING expires_at",
    [hashSecret(token), tenantId, agentId, seconds],
  );
  return { token, expiresAt: iso(row!.expires_at)! };
}

export async function createTenant(db: Db, name: string, id: string = randomUUID()) {
  await db.query('INSERT INTO tenants (id, name) VALUES ($1, $2)', [id, name]);
  return id;
}

/**
 * At first start (no key at all): creates the `default` tenant and its root admin key, from `adminKey`
 * when given, else a random one. Returns the key when one was created by this call (to be printed once).
 */
export async function bootstrapAdmin(store: Store, adminKey?: string): Promise<{ key: string; generated: boolean } | undefined> {
  return store.tx(async (db) => {
    await db.query('SELECT pg_advisory_xact_lock(727275)');
    if (adminKey !== undefined) {
      // A configured key always works, even on a database bootstrapped before it was set.
      const existing = await findKey(db, adminKey);
      if (existing) return undefined;
    }
    const [{ n } = { n: 0 }] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM api_keys');
    if (n > 0 && adminKey === undefined) return undefined;
    const [tenant] = await db.query<{ id: string }>("SELECT id FROM tenants WHERE id = 'default'");
    if (!tenant) await createTenant(db, 'default', 'default');
    const created = await createKey(db, 'default', 'admin', null, { isRoot: true, label: 'bootstrap', ...(adminKey !== undefined ? { secret: adminKey } : {}) });
    return { key: created.key, generated: adminKey === undefined };
  });
}
