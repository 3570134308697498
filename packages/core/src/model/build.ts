/** Builds the LP of a problem from every rule module, and decodes a backend's values into shifts. */
import type { LpModel } from '../lp/model.js';
import type { Problem, Shift } from '../expand/problem.js';
import { RULES } from '../rules/index.js';
import { RosterModel } from './roster-model.js';

export interface BuiltModel {
  readonly lp: LpModel;
  readonly model: RosterModel;
  /** Shifts per agent whose column is (near) 1. */
  decode(values: ArrayLike<number>): Shift[][];
  /** A MIP start from a roster of candidate shifts: 1/0 on shift columns, NaN (unknown) on the rest. */
  encode(shifts: readonly (readonly Shift[])[]): Float64Array;
}

/** For every column of `built.lp`: the agent whose shift it is and that shift's candidate index (-1, -1 on auxiliary columns). */
export function shiftColumnOwners(built: BuiltModel): { owner: Int32Array; candidate: Int32Array } {
  const owner = new Int32Array(built.lp.variables.length).fill(-1);
  const candidate = new Int32Array(built.lp.variables.length).fill(-1);
  built.model.columns.forEach((cols, ai) =>
    cols.forEach((j, i) => {
      owner[j] = ai;
      candidate[j] = i;
    }),
  );
  return { owner, candidate };
}

/**
 * The LP model of `p`, every rule module adding its rows. With `deadline` (a `performance.now()` value),
 * `onLate` is called, and must throw, when a rule module ends after it: a build never runs on unnoticed.
 */
export function buildRosterModel(p: Problem, deadline = Infinity, onLate?: (built: number, of: number) => never): BuiltModel {
  const model = new RosterModel(p);
  RULES.forEach((rule, i) => {
    rule.build?.(model);
    if (performance.now() > deadline) onLate?.(i + 1, RULES.length);
  });
  const lp = model.lp.build();
  return {
    lp,
    model,
    decode(values) {
      return p.agents.map((a, ai) => a.candidates.filter((_, i) => (values[model.columns[ai]![i]!] ?? 0) > 0.5).sort((x, y) => x.start - y.start));
    },
    encode(shifts) {
      const values = new Float64Array(lp.variables.length).fill(NaN);
      p.agents.forEach((a, ai) => {
        const chosen = new Set(shifts[ai] ?? []);
        a.candidates.forEach((c, i) => (values[model.columns[ai]![i]!] = chosen.has(c) ? 1 : 0));
      });
      return values;
    },
  };
}
