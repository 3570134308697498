/** The LP backends by name, for command-line flags and the service. HiGHS is the default. */
import { jslpBackend, type LpBackend } from '@flexroster/core';
import { highsBackend } from '@flexroster/solver-highs';

export const BACKEND_NAMES = ['highs', 'javascript-lp-solver'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

export function backendByName(name: string): LpBackend {
  if (name === 'highs') return highsBackend();
  if (name === 'javascript-lp-solver' || name === 'jslp') return jslpBackend();
  throw new Error(`unknown backend ${JSON.stringify(name)}: use ${BACKEND_NAMES.join(' or ')}`);
}
