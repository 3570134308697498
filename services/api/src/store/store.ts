/**
 * The storage layer: one `Store` interface over PGlite (embedded, a data directory) and PostgreSQL (a
 * server, `DATABASE_URL`), with the same SQL and the same migrations. Every change runs in one
 * transaction through `tx()`; plain reads may use `query()`.
 */
import type { PGlite } from '@electric-sql/pglite';
import { MIGRATIONS } from './migrations.js';
import { installQueues } from './queues.js';
import { adoptPendingDeliveries } from './outbox.js';
import { PGLITE_CONF } from './pglite-conf.js';
import { prepareDataDir } from './pglite-template.js';

export interface Db {
  /** Runs one statement with `$1…` parameters; rows come back with jsonb parsed. */
  query<T = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  /** The schema of the queues' tables (pg-boss; see queues.ts), beside the store's own schema. */
  readonly queueSchema: string;
}

export interface Store extends Db {
  readonly kind: 'pglite' | 'postgres';
  /** Runs a script of several statements without parameters; rows of its last statement. */
  script<T = Record<string, unknown>>(sql: string): Promise<T[]>;
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  tx<T>(fn: (db: Db) => Promise<T>): Promise<T>;
  /** LISTEN on `channel` (on PostgreSQL, one connection held for it); resolves with the function that stops listening. */
  listen(channel: string, onMessage: (payload: string) => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

const CHANNEL = /^[a-z_][a-z0-9_]*$/;

/** The solve queue's schema beside the store's own (`schema`, PostgreSQL only; else the default one). */
export const queueSchemaFor = (schema?: string) => (schema ? `${schema}_queue` : 'flexroster_queue');

/** Thrown by optimistic updates whose row changed since it was read (→ 409). */
export class ConflictError extends Error {
  override readonly name = 'ConflictError';
}

/** Applies the migrations that have not run yet (serialised by an advisory lock), then installs the queues. */
export async function migrate(store: Store): Promise<void> {
  await migrateTables(store);
  await installQueues(store);
  await adoptPendingDeliveries(store);
}

async function migrateTables(store: Store): Promise<void> {
  await store.tx(async (db) => {
    await db.query('SELECT pg_advisory_xact_lock(727274)');
    await db.query('CREATE TABLE IF NOT EXISTS schema_migrations (id integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())');
    const done = new Set((await db.query<{ id: number }>('SELECT id FROM schema_migrations')).map((r) => r.id));
    for (const m of MIGRATIONS) {
      if (done.has(m.id)) continue;
      for (const statement of splitStatements(m.sql)) await db.query(statement);
      await db.query('INSERT INTO schema_migrations (id, name) VALUES ($1, $2)', [m.id, m.name]);
    }
  });
}

/** Splits a migration on `;` at line ends (the migrations hold no functions or strings with semicolons). */
function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*$/m)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export interface OpenStoreOptions {
  /** PostgreSQL connection string; when set, the server is used instead of PGlite. */
  readonly databaseUrl?: string;
  /** PGlite data directory (default ./data); `memory://` keeps it in memory. */
  readonly dataDir?: string;
  /** PostgreSQL only: the schema to work in (created if missing); default public. */
  readonly schema?: string;
  /** PostgreSQL only: pool size (default 10). */
  readonly poolSize?: number;
}

/** Opens the configured store and applies the migrations. */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const store = options.databaseUrl ? await openPostgres(options.databaseUrl, options) : await openPglite(options.dataDir ?? './data');
  try {
    await migrate(store);
  } catch (error) {
    await store.close();
    throw error;
  }
  return store;
}

export async function openPglite(dataDir: string): Promise<Store> {
  const { PGlite } = await import('@electric-sql/pglite');
  // A first start copies the build's template (or runs initdb when there is none).
  if (!dataDir.includes('://')) await prepareDataDir(dataDir);
  return pgliteStore(await PGlite.create(dataDir, { postgresqlconf: PGLITE_CONF }));
}

/** The `Store` over an open PGlite. */
export function pgliteStore(pg: PGlite): Store {
  // PGlite is one connection: its transaction() holds a mutex, so transactions run one at a time.
  return {
    kind: 'pglite',
    queueSchema: queueSchemaFor(),
    async query<T>(sql: string, params: readonly unknown[] = []) {
      return (await pg.query<T>(sql, params as unknown[])).rows;
    },
    async script<T>(sql: string) {
      const results = await pg.exec(sql);
      return (results.at(-1)?.rows ?? []) as T[];
    },
    tx<T>(fn: (db: Db) => Promise<T>) {
      return pg.transaction((t) =>
        fn({
          queueSchema: queueSchemaFor(),
          async query<R>(sql: string, params: readonly unknown[] = []) {
            return (await t.query<R>(sql, params as unknown[])).rows;
          },
        }),
      );
    },
    async listen(channel, onMessage) {
      if (!CHANNEL.test(channel)) throw new Error(`not a valid channel name: ${channel}`);
      return pg.listen(channel, onMessage);
    },
    close: () => pg.close(),
  };
}

export async function openPostgres(url: string, options: OpenStoreOptions = {}): Promise<Store> {
  const { default: pg } = await import('pg');
  const schema = options.schema;
  if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`not a valid schema name: ${schema}`);
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  pool.on('error', () => {
    /* an idle client lost its connection; the pool replaces it */
  });
  if (schema) await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  let listener: Promise<import('pg').PoolClient> | undefined;
  const handlers = new Map<string, Set<(payload: string) => void>>();
  /**
   * The LISTEN connection. A lost one ends the listening (the listeners' polling still sees every change)
   * until the next listen(), which connects again and listens on every known channel anew.
   */
  const connectListener = (): Promise<import('pg').PoolClient> => {
    const connecting = (async () => {
      const client = await pool.connect();
      client.on('notification', (message: { channel: string; payload?: string }) => {
        for (const fn of handlers.get(message.channel) ?? []) fn(message.payload ?? '');
      });
      client.on('error', () => {
        if (listener === connecting) listener = undefined;
        client.release(true);
      });
      for (const known of handlers.keys()) await client.query(`LISTEN ${known}`);
      return client;
    })();
    connecting.catch(() => {
      if (listener === connecting) listener = undefined;
    });
    return connecting;
  };
  return {
    kind: 'postgres',
    queueSchema: queueSchemaFor(schema),
    async query<T>(sql: string, params: readonly unknown[] = []) {
      return (await pool.query(sql, params as unknown[])).rows as T[];
    },
    async script<T>(sql: string) {
      // Without parameters node-postgres uses the simple protocol, which runs several statements.
      const result: unknown = await pool.query(sql);
      const last = (Array.isArray(result) ? result.at(-1) : result) as { rows?: T[] } | undefined;
      return last?.rows ?? [];
    },
    async tx<T>(fn: (db: Db) => Promise<T>) {
      const client = await pool.connect();
      let broken = false;
      try {
        await client.query('BEGIN');
        const result = await fn({
          queueSchema: queueSchemaFor(schema),
          async query<R>(sql: string, params: readonly unknown[] = []) {
            return (await client.query(sql, params as unknown[])).rows as R[];
          },
        });
        await client.query('COMMIT');
        return result;
      } catch (error) {
        try {
          await client.query('ROLLBACK');
        } catch {
          broken = true;
        }
        throw error;
      } finally {
        client.release(broken);
      }
    },
    async listen(channel, onMessage) {
      if (!CHANNEL.test(channel)) throw new Error(`not a valid channel name: ${channel}`);
      // One connection carries every listener of this store.
      listener ??= connectListener();
      const client = await listener;
      let set = handlers.get(channel);
      if (!set) {
        handlers.set(channel, (set = new Set()));
        await client.query(`LISTEN ${channel}`);
      }
      set.add(onMessage);
      return async () => {
        set.delete(onMessage);
      };
    },
    async close() {
      const client = await listener?.catch(() => undefined);
      client?.release(true);
      await pool.end();
    },
  };
}

/**
 * A store usable at once whose statements wait until `opening` resolves: the server listens (and answers
 * /health) while the database opens, and the first requests that need it wait for it.
 */
export function deferredStore(opening: Promise<Store>, kind: Store['kind'], schema?: string): Store {
  return {
    kind,
    queueSchema: queueSchemaFor(schema),
    query: async (sql, params) => (await opening).query(sql, params),
    script: async (sql) => (await opening).script(sql),
    tx: async (fn) => (await opening).tx(fn),
    listen: async (channel, onMessage) => (await opening).listen(channel, onMessage),
    close: async () => {
      const store = await opening.catch(() => undefined);
      await store?.close();
    },
  };
}

/** `json` as a parameter for a jsonb column (both drivers accept text cast with ::jsonb). */
export const jsonb = (value: unknown): string | null => (value === undefined ? null : JSON.stringify(value));

/** A timestamptz column as ISO text (drivers give Date objects). */
export const iso = (value: unknown): string | null => (value == null ? null : value instanceof Date ? value.toISOString() : new Date(String(value)).toISOString());
