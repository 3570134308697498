/**
 * Phase: making a roster keep every hard rule. `repairHere` re-plans the broken agents on this thread with the
 * local search's moves (`RosterSearch.repairAgent`); `repairAgents` then re-plans those still broken one at a
 * time over the whole horizon on the backend, every other agent fixed: the window holds all of that agent's
 * rows, so the backend either finds a roster that keeps them or shows there is none.
 *
 * Reads: the budget, the tuning. Changes: `target`'s roster (never worse: moves and windows are kept only when
 * no worse), `ctx.replanned`, the window counters, a note. Stops: at its share of the time (`repairShare`),
 * after three passes on the backend, or at the deadline.
 */
import { mapWithLimit } from '../map-with-limit.js';
import { round2, type Incumbent, type SolveContext } from '../context.js';
import { solveWindow } from './windows.js';

/**
 * The agents of `target` breaking a hard rule re-planned on this thread for at most `share` of the time,
 * yielding every tenth of a second so that a backend's answer or the deadline is seen. Demand per interval
 * only: shift-type models (Curtois–Qu) keep the repairs their results were measured with (`repairAgents`).
 */
export async function repairHere(ctx: SolveContext, target: Incumbent, share = ctx.tuning.repairShare): Promise<void> {
  if (target.inf === 0 || ctx.p.shiftDemand.length > 0) return;
  const until = Math.min(ctx.deadline, performance.now() + ctx.total * share * 1000);
  const out = () => ctx.signal.aborted || performance.now() >= until;
  const broken = target.search.brokenAgents();
  const t = performance.now();
  let turn = t;
  let kept = 0;
  for (const ai of broken) {
    if (out()) break;
    if (target.search.repairAgent(ai, out)) kept++;
    if (performance.now() - turn > 100) {
      await new Promise((resolve) => setTimeout(resolve, 0));
      turn = performance.now();
    }
  }
  // Its moves never make an agent's standing worse, so the roster only gets better.
  target.cost = target.search.totalCost();
  target.inf = target.search.totalInfeasibility();
  ctx.note('local-repair', `${kept} of ${broken.length} agents breaking a hard rule re-planned by local search in ${round2((performance.now() - t) / 1000)} s`);
  ctx.trace?.('local-repair', `local repair: ${kept} of ${broken.length} agents in ${((performance.now() - t) / 1000).toFixed(1)} s → ${target.cost} inf ${target.inf} at ${ctx.elapsed().toFixed(1)} s`);
}

/**
 * `repairHere`, then up to three passes over the agents still broken on the backend, two at a time (one per
 * core: on a year-long instance each agent's window takes seconds and many agents need one), at a gap of
 * `agentWindowGap`: a roster that keeps the rules matters here, the windows polish it later.
 */
export async function repairAgents(ctx: SolveContext, target: Incumbent): Promise<void> {
  await repairHere(ctx, target);
  for (let pass = 0; pass < 3 && target.inf > 0 && !ctx.stopped(); pass++) {
    const broken = target.search.brokenAgents();
    await mapWithLimit(broken, 2, async (ai) => {
      if (ctx.stopped() || target.search.state[ai]!.infeasibility === 0) return;
      const before = target.search.state[ai]!.infeasibility;
      const perAgent = Math.max(0.05, Math.min(ctx.left() - 0.05, Math.max(ctx.tuning.agentWindowMinSeconds, ctx.left() / broken.length)));
      await solveWindow(ctx, new Map([[ai, ctx.p.agents[ai]!.candidates.map((_, i) => i)]]), true, perAgent, ctx.tuning.agentWindowGap, target);
      if (target.search.state[ai]!.infeasibility < before) ctx.replanned++;
    });
  }
}
