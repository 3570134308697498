/**
 * Cheap, always-valid lower bounds on the cost, for when no LP bound is available: under-staffing that
 * no agent can cover (nobody with the skill has a candidate shift over that interval).
 */
import type { Problem } from '../expand/problem.js';
import { cellCost, shiftIntervals } from '../rules/coverage.js';

export function coverageLowerBound(p: Problem): number {
  const capacity = p.skills.map(() => new Float64Array(p.intervalCount));
  for (const a of p.agents) {
    // An agent covers at most one unit per interval of a skill, whatever their candidates.
    const reach = p.skills.map(() => new Float64Array(p.intervalCount));
    for (const s of a.candidates) {
      const k = p.skillIndex.get(s.skill)!;
      const { first, shares } = shiftIntervals(p, s);
      shares.forEach((share, j) => {
        reach[k]![first + j] = Math.max(reach[k]![first + j]!, share);
      });
    }
    reach.forEach((r, k) => r.forEach((v, t) => (capacity[k]![t]! += v)));
  }
  let bound = 0;
  p.skills.forEach((_, k) => {
    for (let t = 0; t < p.intervalCount; t++) {
      if (!p.demandDefined[k]![t]) continue;
      const req = p.requirement[k]![t]!;
      if (req > capacity[k]![t]!) bound += cellCost(p, req, capacity[k]![t]!);
    }
  });
  return bound;
}
