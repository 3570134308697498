/** Public swap entry points taking plain JSON (validated, errors name their paths). */
import { Compile } from 'typebox/compile';
import { Type } from 'typebox';
import { Roster } from '../schema/roster.js';
import { ShiftRef, Swap, SwapPolicy, SwapWish, type SwapCandidate, type SwapCheck, type SwapCycle } from '../schema/swap.js';
import { RosterInputError } from '../schema/errors.js';
import { schemaIssues } from '../validate/validate.js';
import { evaluateScenario } from '../evaluate/api.js';
import { checkSwapOn, swapCandidatesOn } from './swap.js';
import { findSwapCyclesOn } from './cycles.js';

const rosterV = Compile(Roster);
const swapV = Compile(Swap);
const refV = Compile(ShiftRef);
const policyV = Compile(SwapPolicy);

function need(v: { Check(x: unknown): boolean; Errors(x: unknown): Iterable<{ instancePath: string; message: string; keyword: string; params: unknown }> }, x: unknown, prefix: string): void {
  if (!v.Check(x)) throw new RosterInputError(schemaIssues(v.Errors(x)).map((i) => ({ ...i, path: `${prefix}${i.path}` })));
}

export function checkSwap(scenario: unknown, roster: unknown, swap: unknown, policy: unknown = {}): SwapCheck {
  const p = evaluateScenario(scenario);
  need(rosterV, roster, '/roster');
  need(swapV, swap, '/swap');
  need(policyV, policy, '/policy');
  return checkSwapOn(p, roster as Roster, swap as Swap, policy as SwapPolicy);
}

export function swapCandidates(scenario: unknown, roster: unknown, agentId: string, shift: unknown, policy: unknown = {}): SwapCandidate[] {
  const p = evaluateScenario(scenario);
  need(rosterV, roster, '/roster');
  need(refV, shift, '/shift');
  need(policyV, policy, '/policy');
  return swapCandidatesOn(p, roster as Roster, agentId, shift as ShiftRef, policy as SwapPolicy);
}

const wishesV = Compile(Type.Array(SwapWish));

/** Allowed swap cycles among plain-JSON wishes, cheapest first (see cycles.ts). */
export function findSwapCycles(scenario: unknown, roster: unknown, wishes: unknown, options: { policy?: unknown; maxLength?: number; maxCycles?: number } = {}): { cycles: SwapCycle[]; truncated: boolean } {
  const p = evaluateScenario(scenario);
  need(rosterV, roster, '/roster');
  need(wishesV, wishes, '/wishes');
  need(policyV, options.policy ?? {}, '/policy');
  return findSwapCyclesOn(p, roster as Roster, wishes as SwapWish[], { ...options, policy: (options.policy ?? {}) as SwapPolicy });
}
