/**
 * `buildApp(options)`: the whole API as a Fastify instance, ready for `listen()` or `inject()`.
 * Requests are validated with the TypeBox compiler against the core's own schemas (strict bodies, every
 * error reported); solves run on a bounded pool of worker threads and every other piece of scenario work on
 * compute workers, so the event loop stays free. Every route but /health, /docs and the token-guarded
 * calendar feed takes an API key, so the app needs a store (`store` or `storage`): without one it refuses
 * to build.
 */
import { availableParallelism } from 'node:os';
import Fastify, { type FastifyBaseLogger, type FastifyReply, type FastifyServerOptions } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { validatorCompiler } from './validation.js';
import { safeLogger } from './logging.js';
import { DEFAULT_TIME_LIMIT_SECONDS } from '@flexroster/core';
import rateLimit from '@fastify/rate-limit';
import { SolvePool } from './workers/pool.js';
import { ComputePool } from './workers/compute-pool.js';
import { BuildRate } from './build-units.js';
import { DEFAULT_LIMITS, LimitBook, limitProblem, type Limits } from './limits.js';
import { JobStore } from './jobs.js';
import { CONNECTION_LOG, JobRunner, runnerId } from './job-runner.js';
import { sweepAbandoned } from './store/solve-jobs.js';
import { defaultBackendName } from './backends.js';
import { ProblemError } from './problem.js';
import { ProblemCache } from './problem-cache.js';
import type { ApiConfig, ApiContext, ApiInstance } from './context.js';
import errors from './plugins/errors.js';
import security from './plugins/security.js';
import docs from './plugins/docs.js';
import health from './plugins/health.js';
import validate from './plugins/validate.js';
import solve from './plugins/solve.js';
import solveJobs from './plugins/solve-jobs.js';
import evaluate from './plugins/evaluate.js';
import swaps from './plugins/swaps.js';
import auth from './plugins/auth.js';
import pages from './plugins/pages.js';
import pageData from './plugins/page-data.js';
import keys from './plugins/keys.js';
import schedules from './plugins/schedules.js';
import swapRequests from './plugins/swap-requests.js';
import swapWishes from './plugins/swap-wishes.js';
import leaveRequests from './plugins/leave-requests.js';
import replan from './plugins/replan.js';
import extensions from './plugins/extensions.js';
import offers from './plugins/offers.js';
import webhooks from './plugins/webhooks.js';
import { DEFAULT_BACKOFF_SECONDS, WebhookDispatcher } from './store/outbox.js';
import { deferredStore, openStore, type OpenStoreOptions, type Store } from './store/store.js';
import { bootstrapAdmin } from './store/keys.js';
import type { WorkflowContext } from './store/context.js';

export interface BuildAppOptions {
  /** Fastify's logger option (pino): `false` (the default here), `true`, or pino options such as `{ level: 'info' }`. */
  readonly logger?: FastifyServerOptions['logger'];
  /** Largest accepted request body; larger ones get 413 (default 5 MiB, stated in the OpenAPI document). */
  readonly bodyLimitBytes?: number;
  readonly solvePool?: {
    /** Solves at once, one worker thread each (default: cores − 1, at least 1). */
    readonly size?: number;
    /** Solves that may wait for a worker; beyond that, 503 (default 16). */
    readonly maxQueue?: number;
    /** Extra seconds past a solve's limit before its worker is terminated (default 10). */
    readonly graceSeconds?: number;
    /** Heap limit per worker thread in MiB (default: Node's). */
    readonly workerMaxHeapMb?: number;
    /** The solve worker script (default: the service's own); tests put a stand-in here. */
    readonly workerUrl?: URL;
  };
  readonly computePool?: {
    /** Compute workers (validation, evaluation, swap checks), started on first use (default 1). */
    readonly size?: number;
    /** Tasks that may wait for a compute worker; beyond that, 503 (default 64). */
    readonly maxQueue?: number;
    /** A task running longer has its worker terminated (default 60 s). */
    readonly taskTimeoutSeconds?: number;
  };
  /** The limits of keys whose tenant policy sets none (see limits.ts for the defaults). */
  readonly limits?: Partial<Limits>;
  /** Refuse a solve whose model would not build within its time limit (default true; a test turns it off to reach the watchdog). */
  readonly refuseTooLarge?: boolean;
  /** How long a finished job stays readable (default 3600 s). */
  readonly jobTtlSeconds?: number;
  /** At most this many finished jobs are kept; the oldest go first (default 200: a result of a large scenario is a few hundred KB). */
  readonly maxFinishedJobs?: number;
  /** Limit of a solve job's `timeLimitSeconds` (default 3600) and its default (default 60). */
  readonly jobMaxSeconds?: number;
  readonly jobDefaultSeconds?: number;
  /**
   * Solve jobs in the `solve_jobs` table: `enqueueOnly` (SOLVE_THREADS=0) makes this process only enqueue
   * and read, for worker processes to run; `leaseSeconds` (default 30) is how long a job whose runner
   * vanished waits before it is taken again; `maxAttempts` (default 3) how often.
   */
  readonly jobQueue?: { readonly enqueueOnly?: boolean; readonly leaseSeconds?: number; readonly maxAttempts?: number };
  /** Webhook deliveries: seconds before each retry (the last repeats) and when a failing one is dead (default 24 h). */
  readonly webhooks?: { readonly backoffSeconds?: readonly number[]; readonly giveUpSeconds?: number; readonly pollMs?: number };
  /** How long DELETE waits for a running job to stop (default 5 s). */
  readonly cancelWaitSeconds?: number;
  readonly sseHeartbeatSeconds?: number;
  /** Test and benchmark hook: the share of the time limit the heuristic may use (core default 0.2). */
  readonly heuristicShare?: number;
  /** Expanded scenarios kept for evaluate and swap requests about the same scenario (default 16; 0 turns it off). */
  readonly problemCacheSize?: number;
  /** Origins allowed to call the API from a browser (CORS); none by default (env CORS_ORIGINS, comma-separated). */
  readonly corsOrigins?: readonly string[];
  /** Version shown in the OpenAPI document. */
  readonly version?: string;
  /**
   * Keys, limits, stored schedules, swap workflows and audit: an open `store` (the caller closes it), or
   * `storage` options to open one (closed with the app). One of them is required.
   */
  readonly store?: Store;
  readonly storage?: OpenStoreOptions;
  /**
   * Open `storage` in the background: the app is ready (and /health answers) at once, requests that need
   * the store wait for it, and `onStoreReady` tells how the opening went. The server does this; by
   * default the store is open before buildApp returns.
   */
  readonly openStoreInBackground?: boolean;
  readonly onStoreReady?: (error?: Error) => void;
  /** How long a calendar feed token works (default 90 days); a new token revokes the agent's earlier ones. */
  readonly feedTokenTtlSeconds?: number;
  /** The bootstrap admin key (FLEXROSTER_ADMIN_KEY); without it a random one is made at first start. */
  readonly adminKey?: string;
  /** Called once with a bootstrap admin key this start created (to print it). */
  readonly onAdminKeyCreated?: (key: string, generated: boolean) => void;
}

export type App = ApiInstance;

/** The store (opened from `storage` unless given) with its bootstrap admin key made. */
async function openAndBootstrap(options: BuildAppOptions): Promise<Store> {
  const store = options.store ?? (await openStore(options.storage!));
  try {
    const created = await bootstrapAdmin(store, options.adminKey);
    if (created) options.onAdminKeyCreated?.(created.key, created.generated);
  } catch (error) {
    if (!options.store) await store.close();
    throw error;
  }
  return store;
}

export const FEED_TOKEN_TTL_SECONDS = 90 * 24 * 3600;

export async function buildApp(options: BuildAppOptions = {}): Promise<App> {
  if (!options.store && !options.storage) throw new TypeError('buildApp needs `store` or `storage`: every compute route takes an API key, and keys live in the store');
  const config: ApiConfig = {
    syncSolveMaxSeconds: 30,
    syncSolveDefaultSeconds: Math.min(30, DEFAULT_TIME_LIMIT_SECONDS),
    jobMaxSeconds: options.jobMaxSeconds ?? 3600,
    jobDefaultSeconds: options.jobDefaultSeconds ?? 60,
    defaultBackend: defaultBackendName(),
    cancelWaitSeconds: options.cancelWaitSeconds ?? 5,
    sseHeartbeatSeconds: options.sseHeartbeatSeconds ?? 15,
    ...(options.heuristicShare !== undefined ? { heuristicShare: options.heuristicShare } : {}),
    refuseTooLarge: options.refuseTooLarge ?? true,
    startedAt: Date.now(),
  };
  const opening = openAndBootstrap(options);
  const store = options.openStoreInBackground && !options.store ? deferredStore(opening, options.storage?.databaseUrl ? 'postgres' : 'pglite', options.storage?.schema) : await opening;
  opening.then(
    () => options.onStoreReady?.(),
    (error: unknown) => options.onStoreReady?.(error instanceof Error ? error : new Error(String(error))),
  );
  const pool = new SolvePool({
    size: options.solvePool?.size ?? Math.max(1, availableParallelism() - 1),
    maxQueue: options.solvePool?.maxQueue ?? 16,
    ...(options.solvePool?.graceSeconds !== undefined ? { graceSeconds: options.solvePool.graceSeconds } : {}),
    ...(options.solvePool?.workerMaxHeapMb !== undefined ? { workerMaxHeapMb: options.solvePool.workerMaxHeapMb } : {}),
    ...(options.solvePool?.workerUrl !== undefined ? { workerUrl: options.solvePool.workerUrl } : {}),
  });
  const buildRate = new BuildRate();
  const compute = new ComputePool({
    size: options.computePool?.size ?? 1,
    maxQueue: options.computePool?.maxQueue ?? 64,
    taskTimeoutSeconds: options.computePool?.taskTimeoutSeconds ?? 60,
    cacheSize: options.problemCacheSize ?? 16,
    buildRate,
    ...(options.solvePool?.workerMaxHeapMb !== undefined ? { workerMaxHeapMb: options.solvePool.workerMaxHeapMb } : {}),
  });
  const ttlSeconds = options.jobTtlSeconds ?? 3600;
  const leaseSeconds = options.jobQueue?.leaseSeconds ?? 30;
  const enqueueOnly = options.jobQueue?.enqueueOnly === true;
  const owner = runnerId(enqueueOnly ? 'api' : 'api-threads');
  // With solve threads, this process also runs queued jobs nobody holds: enqueued by an API without
  // threads, or left by a crash; and it keeps the leases of the jobs its POSTs run here. A PGlite data
  // directory this app opened is its alone, so its open jobs are all orphans.
  // Logged as the worker logs them, once the app's logger exists.
  let log: FastifyBaseLogger | undefined;
  const runner = enqueueOnly
    ? undefined
    : new JobRunner(store, pool, { leaseSeconds, ttlSeconds, onConnection: ({ state, detail }) => log?.warn({ owner, detail }, `solve jobs: ${CONNECTION_LOG[state]}`) }, owner);
  const jobs = new JobStore(pool, {
    ttlSeconds,
    maxFinished: options.maxFinishedJobs ?? 200,
    durable: { store, owner, leaseSeconds, maxAttempts: options.jobQueue?.maxAttempts ?? 3, ...(runner ? { leases: runner } : {}) },
    enqueueOnly,
  });
  if (runner)
    void opening.then(
      async (opened) => {
        await sweepAbandoned(opened, ttlSeconds, opened.kind === 'pglite' && !options.store).catch(() => undefined);
        if (!closed) runner.start();
      },
      () => undefined,
    );
  let closed = false;
  const dispatcher = new WebhookDispatcher(store, {
    backoffSeconds: options.webhooks?.backoffSeconds ?? DEFAULT_BACKOFF_SECONDS,
    giveUpSeconds: options.webhooks?.giveUpSeconds ?? 24 * 3600,
    ...(options.webhooks?.pollMs !== undefined ? { pollMs: options.webhooks.pollMs } : {}),
  });
  void opening.then(() => !closed && dispatcher.start(), () => undefined);
  const limits = new LimitBook(store, { ...DEFAULT_LIMITS, ...options.limits });
  const problems = new ProblemCache(options.problemCacheSize ?? 16, (scenario) => compute.run({ kind: 'expand', scenario }));
  const context: ApiContext = { pool, jobs, compute, limits, buildRate, problems, config };
  const bodyLimit = options.bodyLimitBytes ?? 5 * 1024 * 1024;

  const app = Fastify({
    logger: safeLogger(options.logger ?? false),
    bodyLimit,
    // Errors the router raises before any route (a malformed URL, a path parameter over 100 characters)
    // bypass the error handler: answer them as problems too.
    frameworkErrors: (error, request, reply) => {
      const problem = new ProblemError(error.statusCode ?? 400, error.message);
      // Fastify types this reply for no route at all; it is an ordinary reply.
      void (reply as unknown as FastifyReply).status(problem.status).type('application/problem+json').send(problem.toProblem(request.url));
    },
  })
    .setValidatorCompiler(validatorCompiler)
    .withTypeProvider<TypeBoxTypeProvider>();
  log = app.log;

  // The API speaks JSON only: other bodies get 415 rather than a string handed to a schema.
  app.removeContentTypeParser('text/plain');

  app.addHook('onClose', async () => {
    closed = true;
    dispatcher.stop();
    await runner?.stop();
    await jobs.close();
    await Promise.all([pool.close(), compute.close()]);
    if (!options.store) await store.close();
  });

  const workflow: WorkflowContext = { ...context, store, feedTokenTtlSeconds: options.feedTokenTtlSeconds ?? FEED_TOKEN_TTL_SECONDS };

  await app.register(errors);
  await app.register(security, { ...(options.corsOrigins ? { corsOrigins: options.corsOrigins } : {}) });
  await app.register(docs, { version: options.version ?? '0.1.0', bodyLimitBytes: bodyLimit });
  await app.register(health, context);
  await app.register(pages);
  // One scope, so that the auth hook and the rate limit cover every route but /health and /docs.
  await app.register(async (scope) => {
    await scope.register(auth, { store });
    await scope.register(rateLimit, {
      global: true,
      // After the auth hook (onRequest), so that the principal is known: every key counts on its own.
      hook: 'preHandler',
      timeWindow: 60_000,
      keyGenerator: (request) => request.principal?.keyId ?? request.ip,
      max: async (request) => (request.principal ? (await limits.of(request.principal)).requestsPerMinute : DEFAULT_LIMITS.requestsPerMinute),
      errorResponseBuilder: (_request, context) =>
        limitProblem(429, 'requestsPerMinute', context.max, `This key made more than ${context.max} requests in a minute; retry after ${context.after}`, undefined, context.ttl / 1000),
    });
    await scope.register(validate, context);
    await scope.register(solve, context);
    await scope.register(solveJobs, context);
    await scope.register(evaluate, context);
    await scope.register(swaps, context);
    await scope.register(keys, workflow);
    await scope.register(schedules, workflow);
    await scope.register(swapRequests, workflow);
    await scope.register(swapWishes, workflow);
    await scope.register(leaveRequests, workflow);
    await scope.register(replan, workflow);
    await scope.register(extensions, workflow);
    await scope.register(offers, workflow);
    await scope.register(pageData, workflow);
    await scope.register(webhooks, workflow);
  });
  return app;
}
