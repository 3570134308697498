/** Starts the API: PORT (default 3000) and HOST (default 127.0.0.1) from the environment; stops cleanly on SIGINT/SIGTERM. */
import { prepareDataDir } from './store/pglite-template.js';

const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? '127.0.0.1';
if (process.env.PORT?.trim() === '' || !Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be an integer from 0 to 65535, got ${JSON.stringify(process.env.PORT)}`);
  process.exit(1);
}

// Storage: a PostgreSQL server with DATABASE_URL, else embedded PGlite in DATA_DIR (default ./data).
const databaseUrl = process.env.DATABASE_URL?.trim() || undefined;
const dataDir = process.env.DATA_DIR?.trim() || './data';
// A first start's data directory is copied while the app loads; opening the store waits for the same copy
// and reports its error.
if (!databaseUrl && !dataDir.includes('://')) prepareDataDir(dataDir).catch(() => undefined);
// Loaded after the checks above, so that a bad setting fails at once rather than after loading the app.
const { buildApp } = await import('./app.js');
// SOLVE_THREADS=0: solve jobs are only enqueued here, for `pnpm worker` processes to run.
const solveThreads = process.env.SOLVE_THREADS?.trim() ? Number(process.env.SOLVE_THREADS) : undefined;
if (solveThreads !== undefined && !(Number.isInteger(solveThreads) && solveThreads >= 0)) {
  console.error(`SOLVE_THREADS must be a whole number ≥ 0, got ${JSON.stringify(process.env.SOLVE_THREADS)}`);
  process.exit(1);
}
if (solveThreads === 0 && !databaseUrl) {
  console.error('SOLVE_THREADS=0 needs DATABASE_URL: worker processes share the PostgreSQL queue (an embedded PGlite is one process)');
  process.exit(1);
}
const leaseSeconds = process.env.LEASE_SECONDS?.trim() ? Number(process.env.LEASE_SECONDS) : undefined;
let storeOpened!: (error?: Error) => void;
const storeReady = new Promise<Error | undefined>((resolve) => (storeOpened = resolve));
const app = await buildApp({
  logger: { level: process.env.LOG_LEVEL ?? 'info' },
  storage: databaseUrl ? { databaseUrl, ...(process.env.DB_SCHEMA ? { schema: process.env.DB_SCHEMA } : {}) } : { dataDir },
  ...(solveThreads ? { solvePool: { size: solveThreads } } : {}),
  jobQueue: { enqueueOnly: solveThreads === 0, ...(leaseSeconds && leaseSeconds > 0 ? { leaseSeconds } : {}) },
  // Listen (and answer /health) while the database opens; a first start creates it, which takes seconds.
  openStoreInBackground: true,
  onStoreReady: (error) => storeOpened(error),
  corsOrigins: (process.env.CORS_ORIGINS ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter((o) => o.length > 0),
  ...(process.env.FLEXROSTER_ADMIN_KEY ? { adminKey: process.env.FLEXROSTER_ADMIN_KEY } : {}),
  onAdminKeyCreated: (key, generated) => {
    if (generated) console.log(`flexroster: first start; the admin API key (shown only this once) is\n${key}`);
  },
});

let closing = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}

try {
  await app.listen({ port, host });
} catch (error) {
  app.log.error({ err: error }, 'could not start');
  process.exit(1);
}

const storeError = await storeReady;
if (storeError) {
  app.log.error({ err: storeError }, 'could not open the store');
  process.exit(1);
}
app.log.info('store ready');
