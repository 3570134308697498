/** What the resource plugins share: the solve pool, the job store and the resolved settings. */
import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { JobStore } from './jobs.js';
import type { SolvePool } from './workers/pool.js';
import type { BackendName } from './backends.js';
import type { ProblemCache } from './problem-cache.js';
import type { ComputePool } from './workers/compute-pool.js';
import type { LimitBook } from './limits.js';
import type { BuildRate } from './build-units.js';

export interface ApiConfig {
  /** Limit of POST /v1/solve, which holds the request open while it solves. */
  readonly syncSolveMaxSeconds: number;
  readonly syncSolveDefaultSeconds: number;
  readonly jobMaxSeconds: number;
  readonly jobDefaultSeconds: number;
  readonly defaultBackend: BackendName;
  /** How long DELETE /v1/solve-jobs/{id} waits for a running solve to stop before answering 202. */
  readonly cancelWaitSeconds: number;
  readonly sseHeartbeatSeconds: number;
  /** Test and benchmark hook: the share of the time limit the heuristic may use. */
  readonly heuristicShare?: number;
  /** Refuse (422) a solve whose model would not build within its time limit at the measured build rate. */
  readonly refuseTooLarge: boolean;
  readonly startedAt: number;
}

export interface ApiContext {
  readonly pool: SolvePool;
  readonly jobs: JobStore;
  /** Expanded scenarios for the stored-workflow routes, expanded on a compute worker (`load`) before use. */
  readonly problems: ProblemCache;
  /** Validation, evaluation and swap checks, off the event loop. */
  readonly compute: ComputePool;
  readonly limits: LimitBook;
  readonly buildRate: BuildRate;
  readonly config: ApiConfig;
}

export type ApiInstance = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, TypeBoxTypeProvider>;
