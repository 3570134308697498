/**
 * The swap-cycle tasks of a compute worker (the cycle search is up to O(W⁴) for W wishes, so it never runs
 * on the event loop): the cycles among a schedule's open wishes, and one cycle judged again and applied.
 */
import { SwapWishError, applySwapCycleOn, checkSwapCycleOn, findSwapCyclesOn, type InputIssue, type Problem, type Roster, type SwapCycle, type SwapPolicy, type SwapWish } from '@flexroster/core';
import type { SwapCycleApplyResult, SwapCyclesAnswer, SwapCyclesResult } from './protocol.js';

/** The wish index an issue path `/wishes/i/…` names. */
const wishIndex = (issue: InputIssue) => Number(/^\/wishes\/(\d+)(\/|$)/.exec(issue.path)?.[1] ?? NaN);

/**
 * The allowed cycles among `wishes`, cheapest first. A wish whose shift its agent no longer holds (the
 * roster changed since it was posted) is left out and listed in `stale` with its issues (paths as sent).
 */
export function openCycles(p: Problem, roster: Roster, wishes: readonly SwapWish[], policy: SwapPolicy): { cycles: SwapCycle[]; truncated: boolean; stale: SwapCyclesResult['stale'] } {
  let kept = wishes.map((wish, index) => ({ wish, index }));
  const stale: { index: number; issues: InputIssue[] }[] = [];
  for (;;) {
    try {
      const { cycles, truncated } = findSwapCyclesOn(p, roster, kept.map((k) => k.wish), { policy });
      return { cycles, truncated, stale };
    } catch (error) {
      if (!(error instanceof SwapWishError)) throw error;
      const bad = new Set(error.issues.map(wishIndex));
      if (![...bad].some((i) => kept[i] !== undefined)) throw error;
      for (const i of bad) {
        const k = kept[i];
        if (k) stale.push({ index: k.index, issues: error.issues.filter((x) => wishIndex(x) === i).map((x) => ({ ...x, path: x.path.replace(/^\/wishes\/\d+/, `/wishes/${k.index}`) })) });
      }
      kept = kept.filter((_, i) => !bad.has(i));
    }
  }
}

/** The cycles among `wishes` in the shape `answer` asks for. */
export function answerCycles(p: Problem, roster: Roster, wishes: readonly SwapWish[], policy: SwapPolicy, answer: SwapCyclesAnswer): SwapCyclesResult {
  const { cycles, truncated, stale } = openCycles(p, roster, wishes, policy);
  if (answer.as === 'cheapest-through') {
    const cheapest = cycles.find((c) => c.wishIds.includes(answer.wishId));
    return { truncated, stale, ...(cheapest ? { cheapest } : {}) };
  }
  const { agentId, limit } = answer;
  const seen = agentId === undefined ? cycles : cycles.filter((c) => c.members.some((m) => m.agentId === agentId));
  return { truncated, stale, total: seen.length, json: JSON.stringify(limit === undefined ? seen : seen.slice(0, limit)) };
}

/** The cycle (wishes in cycle order) judged on `roster` and, when allowed, the roster after it; `stale` when a wish's shift moved. */
export function cycleApply(p: Problem, roster: Roster, cycle: readonly SwapWish[], policy: SwapPolicy): SwapCycleApplyResult {
  try {
    const check = checkSwapCycleOn(p, roster, cycle, policy);
    return check.allowed && check.cycle ? { status: 'judged', check, roster: applySwapCycleOn(p, roster, cycle) } : { status: 'judged', check };
  } catch (error) {
    if (error instanceof SwapWishError) return { status: 'stale', issues: error.issues };
    throw error;
  }
}
