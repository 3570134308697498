/**
 * Expected break loss: what a shift without segments counts for in coverage while a solve's shift stage plans
 * it, when its template has break rules. The second stage (solve/phases/breaks.ts) will take each applicable
 * break (`applicableBreaks`) out of the shift at a start of its choosing; here each start it may choose is
 * taken as equally likely, so the plan leaves room for the breaks where they can go.
 *
 * Maths. A shift of L elapsed minutes starting at instant S. A break rule b of ℓ minutes with window [e, l]
 * (elapsed minutes after S) may start at the positions P_b: the interval boundaries in [S + e, S + min(l, L − ℓ)],
 * or every minute of that range when it holds no boundary, or S + e alone when the range is empty (as the
 * placement chooses). The expected break time in elapsed minute m ([m, m + 1) after S) is
 *     loss(m) = min(1, Σ_b #{ p ∈ P_b : p ≤ S + m < p + ℓ } / |P_b|),
 * each break's length spread evenly over its positions (Σ_m loss(m) = Σ_b ℓ unless windows of two breaks
 * overlap so much that the cap bites). The shift's coverage coefficient on interval I is
 *     Σ_{minutes m of the shift in I} (1 − loss(m)) / minutes of I,
 * its share of I without breaks less the expected break time in I. Minutes are elapsed, so a DST change inside
 * the shift moves nothing. The least gap between breaks is ignored (it moves breaks apart, not their total).
 * Not a relaxation of the true problem (the placed breaks differ from their expectation), so no lower bound
 * may come from a model built with it.
 */
import type { Problem, Shift } from './problem.js';
import type { BreakRule } from '../schema/scenario.js';
import { applicableBreaks, hasBreakRules } from './breaks.js';
import { MINUTE_MS } from '../time/zone.js';

/** The problem as the shift stage sees it: with `expectBreakLoss` where a template has break rules, else `p` itself. */
export function withExpectedBreakLoss(p: Problem): Problem {
  return hasBreakRules(p.templates.values()) ? { ...p, expectBreakLoss: true } : p;
}

/** Elapsed minutes after the start at which the placement may start a break of `rule` (see the header). */
export function breakPositions(rule: BreakRule, shiftMinutes: number, phaseMinutes: number, intervalMinutes: number): number[] {
  const from = rule.earliestAfterStartMinutes;
  const to = Math.min(rule.latestAfterStartMinutes, shiftMinutes - rule.minutes);
  if (to < from) return [from];
  // Boundaries fall at elapsed minutes ≡ −phase (mod interval length).
  const firstBoundary = from + ((((intervalMinutes - phaseMinutes - from) % intervalMinutes) + intervalMinutes) % intervalMinutes);
  const out: number[] = [];
  for (let m = firstBoundary; m <= to; m += intervalMinutes) out.push(m);
  if (out.length > 0) return out;
  for (let m = from; m <= to; m++) out.push(m);
  return out;
}

/** loss(m) for m = 0 … L − 1: the expected share of each elapsed minute spent on breaks. */
export function expectedLossByMinute(rules: readonly BreakRule[], shiftMinutes: number, phaseMinutes: number, intervalMinutes: number): Float64Array {
  const loss = new Float64Array(shiftMinutes);
  for (const rule of rules) {
    const positions = breakPositions(rule, shiftMinutes, phaseMinutes, intervalMinutes);
    const w = 1 / positions.length;
    for (const p of positions) for (let m = Math.max(0, p); m < Math.min(shiftMinutes, p + rule.minutes); m++) loss[m]! += w;
  }
  for (let m = 0; m < shiftMinutes; m++) loss[m] = Math.min(1, loss[m]!);
  return loss;
}

/** Coverage coefficients of the intervals from the one holding the start on, before clipping to the grid. */
function relativeShares(rules: readonly BreakRule[], shiftMinutes: number, phaseMinutes: number, intervalMinutes: number): Float64Array {
  const loss = expectedLossByMinute(rules, shiftMinutes, phaseMinutes, intervalMinutes);
  const shares = new Float64Array(Math.ceil((phaseMinutes + shiftMinutes) / intervalMinutes));
  for (let m = 0; m < shiftMinutes; m++) shares[Math.floor((phaseMinutes + m) / intervalMinutes)]! += (1 - loss[m]!) / intervalMinutes;
  return shares;
}

/** Per problem, shares by template, length and phase (not by shift: large models have millions of candidates). */
const cache = new WeakMap<Problem, Map<string, Float64Array>>();

/**
 * The shift's coverage coefficients less its breaks' expected loss, as `spanIntervals` gives them (first judged
 * interval, then one share per interval); undefined when no break rule applies to it (its shares are unchanged).
 */
export function expectedWorkShares(p: Problem, s: Shift): { first: number; shares: number[] } | undefined {
  const rules = applicableBreaks(s.template, s.minutes);
  if (rules.length === 0) return undefined;
  const shiftMinutes = Math.round((s.end - s.start) / MINUTE_MS);
  const intervalMinutes = Math.round(p.intervalMs / MINUTE_MS);
  const offset = s.start - p.gridStart;
  const phaseMinutes = Math.round((((offset % p.intervalMs) + p.intervalMs) % p.intervalMs) / MINUTE_MS);
  let byKey = cache.get(p);
  if (!byKey) cache.set(p, (byKey = new Map()));
  const key = `${s.template!.id}|${s.minutes}|${shiftMinutes}|${phaseMinutes}`;
  let rel = byKey.get(key);
  if (!rel) byKey.set(key, (rel = relativeShares(rules, shiftMinutes, phaseMinutes, intervalMinutes)));
  const base = Math.floor(offset / p.intervalMs);
  const first = Math.max(0, base);
  const last = Math.min(p.intervalCount, base + rel.length);
  const shares: number[] = [];
  for (let t = first; t < last; t++) shares.push(rel[t - base]!);
  return { first, shares };
}
