/** Public swap entry points taking plain JSON (validated, errors name their paths). */
import { Compile } from 'typebox/compile';
import { Roster } from '../schema/roster.js';
import { ShiftRef, Swap, SwapPolicy, type SwapCandidate, type SwapCheck } from '../schema/swap.js';
import { RosterInputError } from '../schema/errors.js';
import { schemaIssues } from '../validate/validate.js';
import { evaluateScenario } from '../evaluate/api.js';
import { checkSwapOn, swapCandidatesOn } from './swap.js';

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
