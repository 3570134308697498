/**
 * Phase: the restricted MIP. Per agent-day only the shifts an LP solution uses (`values`: the relaxation's, the
 * raced runner-up's, or the per-agent LP over the class plan's), the roster's shifts and, where the route says
 * so, their neighbours (same template and skill, start within ±1 h, any length) are open; every other shift is
 * fixed to 0, and the MIP over the rest is solved from the incumbent.
 *
 * Reads: `values`, the incumbent, the budget. Changes: the incumbent (only when no worse), the window counters,
 * a note. Stops: after `timeLimit` seconds (default: the lesser of `restrictedShareOfLeft` of what is left and
 * `restrictedShareOfTotal` of the whole); does nothing without values, without a whole-model backend, or once
 * stopped.
 */
import type { Shift } from '../../expand/problem.js';
import type { SolveContext } from '../context.js';
import { solveWindow } from './windows.js';

export interface RestrictedOptions {
  readonly neighbours?: boolean;
  readonly values?: Float64Array | undefined;
  readonly timeLimit?: number;
}

export async function restrictedMip(ctx: SolveContext, options: RestrictedOptions = {}): Promise<void> {
  const { p, built, tuning } = ctx;
  const neighbours = options.neighbours ?? ctx.route.restrictedNeighbours;
  const values = options.values ?? ctx.relaxation?.values;
  const timeLimit = options.timeLimit ?? Math.min(ctx.left() * tuning.restrictedShareOfLeft, ctx.total * tuning.restrictedShareOfTotal);
  if (!values || ctx.route.bound === 'none' || ctx.stopped()) return;
  const free = new Map<number, number[]>();
  let count = 0;
  p.agents.forEach((a, ai) => {
    const cols = built.model.columns[ai]!;
    const roster = new Set(ctx.main.search.state[ai]!.shifts);
    const keep = new Set<number>();
    const seeds: Shift[] = [];
    a.candidates.forEach((s, i) => {
      if ((values[cols[i]!] ?? 0) > 1e-4 || roster.has(s)) {
        keep.add(i);
        seeds.push(s);
      }
    });
    if (neighbours)
      for (const d of new Set(seeds.map((s) => s.day))) {
        const today = seeds.filter((s) => s.day === d);
        for (const i of built.model.candidatesOnDay(ai, d)) {
          const c = a.candidates[i]!;
          if (today.some((s) => s.skill === c.skill && s.template === c.template && Math.abs(s.start - c.start) <= 3_600_000)) keep.add(i);
        }
      }
    free.set(ai, [...keep]);
    count += keep.size;
  });
  const t = performance.now();
  // Most of what is left: it usually proves its subset optimal early, and on a slower machine a smaller share
  // left it too little time to find the roster its shifts hold.
  const r = await solveWindow(ctx, free, false, Math.max(0.05, timeLimit));
  ctx.trace?.('restricted-mip', `restricted ${count} cols: ${r?.status} ${r?.objective} in ${((performance.now() - t) / 1000).toFixed(2)} s → ${ctx.main.cost}`);
  ctx.note('restricted-mip', `restricted MIP over ${count} of ${p.agents.reduce((n, a) => n + a.candidates.length, 0)} shifts: ${r?.status ?? 'not run'}`);
}
