export { buildApp, type App, type BuildAppOptions } from './app.js';
export { getBackend, defaultBackendName, isBackendAvailable, BACKEND_NAMES, type BackendName } from './backends.js';
export { SolvePool, PoolSaturatedError, SolveCancelledError, SolveAbortedError, PoolClosedError, type SolvePoolOptions, type SolveHandle } from './workers/pool.js';
export type { JobView, JobStatus, JobProgress, Problem } from './schemas.js';
