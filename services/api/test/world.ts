/**
 * The world the workflow tests share: storage backends (PGlite in a temporary directory, PostgreSQL in a
 * fresh schema), a request helper, and an app with a key for every role in two tenants.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Test } from 'tap';
import { buildApp, type App } from '../dist/index.js';
import { openPglite, openPostgres, migrate, type Store } from '../dist/store/store.js';

export type Json = Record<string, any>;

export interface Backend {
  name: string;
  open(): Promise<Store>;
  /** Reopens the same database (a restart). */
  reopen(): Promise<Store>;
  cleanup(): Promise<void>;
}

export async function pgliteBackend(prefix = 'flexroster-wf-'): Promise<Backend> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  const open = async () => {
    const s = await openPglite(dir);
    await migrate(s);
    return s;
  };
  return { name: 'pglite', open, reopen: open, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export function postgresBackend(url: string): Backend {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const open = async () => {
    const s = await openPostgres(url, { schema, poolSize: 10 });
    await migrate(s);
    return s;
  };
  return {
    name: 'postgres',
    open,
    reopen: open,
    async cleanup() {
      const s = await openPostgres(url);
      await s.query(`DROP SCHEMA IF EXISTS ${schema}, ${schema}_queue CASCADE`);
      await s.close();
    },
  };
}

/** PostgreSQL when TEST_DATABASE_URL is set (as CI does), else PGlite in a temporary directory. */
export async function testBackend(prefix?: string): Promise<Backend> {
  const url = process.env.TEST_DATABASE_URL;
  return url ? postgresBackend(url) : pgliteBackend(prefix);
}

export async function call(app: App, method: string, url: string, key?: string, payload?: unknown, headers: Record<string, string> = {}) {
  const res = await app.inject({
    method: method as 'GET',
    url,
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
    ...(payload !== undefined ? { payload: payload as Json } : {}),
  });
  const type = String(res.headers['content-type'] ?? '');
  return { res, status: res.statusCode, body: (type.includes('json') ? res.json() : res.body) as Json };
}

export interface World {
  app: App;
  store: Store;
  keys: { admin: string; planner: string; a1: string; a2: string; a3: string; adminB: string; plannerB: string };
}

/** An app on `store` with keys for every role in tenant A and a planner in tenant B. */
export async function setupWorld(store: Store, ADMIN: string): Promise<World> {
  const app = await buildApp({ store, adminKey: ADMIN, solvePool: { size: 1, maxQueue: 4 } });
  const key = async (admin: string, body: Json) => {
    const r = await call(app, 'POST', '/v1/keys', admin, body);
    if (r.status !== 201) throw new Error(`key: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.key as string;
  };
  const tenantB = await call(app, 'POST', '/v1/tenants', ADMIN, { name: 'other' });
  if (tenantB.status !== 201) throw new Error(JSON.stringify(tenantB.body));
  const adminB = tenantB.body.adminKey as string;
  return {
    app,
    store,
    keys: {
      admin: ADMIN,
      planner: await key(ADMIN, { role: 'planner' }),
      a1: await key(ADMIN, { role: 'agent', agentId: 'a1' }),
      a2: await key(ADMIN, { role: 'agent', agentId: 'a2' }),
      a3: await key(ADMIN, { role: 'agent', agentId: 'a3' }),
      adminB,
      plannerB: await key(adminB, { role: 'planner' }),
    },
  };
}

/** A world on a fresh store of `backend`, closed (app, store, files) when `t` ends. */
export async function openWorld(t: Test, backend: Backend, ADMIN: string): Promise<World> {
  const store = await backend.open();
  const world = await setupWorld(store, ADMIN);
  t.teardown(async () => {
    await world.app.close();
    await store.close();
    await backend.cleanup();
  });
  return world;
}
