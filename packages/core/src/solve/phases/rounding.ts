/**
 * Phase: rounding the relaxation (per agent-day its strongest shift, where the day is worked at least half; or,
 * from the class LP, each class shift handed to as many class agents as it holds), repaired and polished by
 * the local search, kept if it beats the incumbent. A rounded roster that still breaks a rule but is cheaper
 * has its broken agents re-planned alone and is then taken if it keeps every rule and is cheaper.
 *
 * Reads: the relaxation's values or the class plan, the budget. Changes: the incumbent (only when no worse),
 * notes. Stops: the local search at `roundingRepairShare` of the whole; does nothing after a followed plan.
 */
import type { Shift } from '../../expand/problem.js';
import { disaggregate } from '../class-bound.js';
import { RosterSearch } from '../heuristic.js';
import { incumbent, type SolveContext } from '../context.js';
import { runHeuristicYielding } from './start-roster.js';
import { repairAgents } from './repair.js';

export async function roundingPhase(ctx: SolveContext): Promise<void> {
  const { p, built } = ctx;
  const values = ctx.relaxation?.values;
  const rounded = ctx.followed ? undefined : values ? roundRelaxation(ctx, values) : ctx.classPlan ? disaggregate(p, built, ctx.classPlan.aggregation, ctx.classPlan.values) : undefined;
  if (rounded) await tryRounded(ctx, rounded, 'rounded relaxation');
}

/**
 * A rounded plan made to keep the rules by the local search (at most `roundingRepairShare` of the whole), taken
 * if it beats the incumbent; if it still breaks a rule but is cheaper, its broken agents are re-planned alone.
 */
export async function tryRounded(ctx: SolveContext, rounded: Shift[][], what: string): Promise<void> {
  const { p, main } = ctx;
  if (ctx.stopped()) return;
  const repaired = await runHeuristicYielding(p, {
    deadline: Math.min(ctx.deadline, performance.now() + Math.max(0.05, ctx.total * ctx.tuning.roundingRepairShare) * 1000),
    seed: ctx.seed + 1,
    initial: rounded,
    signal: ctx.signal,
  });
  const changes = new Map<number, Shift[]>();
  repaired.shifts.forEach((sh, ai) => changes.set(ai, sh));
  const before = main.cost;
  const took = ctx.tryShifts(changes);
  ctx.note('rounding', `${what}: ${repaired.infeasibility === 0 ? repaired.cost : 'infeasible'}${took ? ' (kept)' : ''}`);
  ctx.trace?.('rounding', `${what} ${repaired.cost} inf ${repaired.infeasibility}: ${before} → ${main.cost}`);
  if (repaired.infeasibility > 0 && repaired.cost < main.cost && !ctx.stopped()) {
    // The local search could not make the rounded roster keep every rule, but it is cheaper than the
    // incumbent (on year-long instances many times cheaper, as its coverage follows the relaxation):
    // re-plan its broken agents alone, as above, and take it if it then keeps every rule and is cheaper.
    const rounding = incumbent(new RosterSearch(p, repaired.shifts));
    await repairAgents(ctx, rounding);
    const all = new Map<number, Shift[]>();
    rounding.search.state.forEach((st, ai) => all.set(ai, st.shifts));
    const kept = rounding.inf === 0 && ctx.tryShifts(all);
    ctx.note('rounding', `${what} with its agents re-planned: ${rounding.inf === 0 ? rounding.cost : 'still breaking hard rules'}${kept ? ' (kept)' : ''}`);
    ctx.trace?.('rounding', `${what} + agent repair ${rounding.cost} inf ${rounding.inf} → ${main.cost}`);
  }
}

/** Per agent-day the relaxation's strongest shift, where the day is worked at least half. */
export function roundRelaxation(ctx: SolveContext, values: Float64Array): Shift[][] {
  const { p, built } = ctx;
  return p.agents.map((_, ai) => {
    const cols = built.model.columns[ai]!;
    const out: Shift[] = [];
    for (const d of built.model.daysWithCandidates(ai)) {
      let sum = 0;
      let best = -1;
      let bestValue = 0;
      for (const i of built.model.candidatesOnDay(ai, d)) {
        const v = values[cols[i]!] ?? 0;
        sum += v;
        if (v > bestValue) {
          bestValue = v;
          best = i;
        }
      }
      if (sum >= 0.5 && best >= 0) out.push(p.agents[ai]!.candidates[best]!);
    }
    return out;
  });
}
