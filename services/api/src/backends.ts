/**
 * The LP backends the API can hand to `solve`. HiGHS lives in its own package and pulls in a WebAssembly
 * build; when that package cannot be loaded (not built yet, broken install) the API still works on the
 * core's javascript-lp-solver backend instead of failing at start-up.
 */
import { jslpBackend, type LpBackend } from '@flexroster/core';

export type BackendName = 'highs' | 'javascript-lp-solver';
export const BACKEND_NAMES: readonly BackendName[] = ['highs', 'javascript-lp-solver'];

type HighsFactory = () => LpBackend;

// A dynamic import so that a missing or broken solver-highs is a fallback, not a crash at import time.
const highsFactory: HighsFactory | undefined = await import('@flexroster/solver-highs').then(
  (m) => (typeof m.highsBackend === 'function' ? () => m.highsBackend() : undefined),
  () => undefined,
);

export function isBackendAvailable(name: BackendName): boolean {
  return name === 'javascript-lp-solver' || highsFactory !== undefined;
}

/** 'highs' when it loaded, otherwise the JS solver. */
export function defaultBackendName(): BackendName {
  return isBackendAvailable('highs') ? 'highs' : 'javascript-lp-solver';
}

/**
 * A fresh backend instance. Asking for 'highs' when it did not load gives the JS solver; the solve
 * result's `stats.backend` names the one that actually ran.
 */
export function getBackend(name: BackendName = defaultBackendName()): LpBackend {
  if (name === 'highs' && highsFactory) return highsFactory();
  return jslpBackend();
}
