/**
 * rest (hard): between shifts on different days, at least the contract's minimum rest (default 11 h).
 * Shifts on the same day are governed by the micro-shift gap instead. Shifts of `scenario.history` count
 * as earlier shifts: a candidate too close to one is never admitted, and the check reports it.
 */
import type { Shift } from '../expand/problem.js';
import type { RuleFinding, RuleModule } from './rule.js';
import { dateOfDay } from './rule.js';
import { HOUR_MS } from '../time/zone.js';

export const REST = 'rest';

/** Hours from the end of `earlier` to the start of `later`. */
export function restHoursBetween(earlier: { end: number }, later: { start: number }): number {
  return (later.start - earlier.end) / HOUR_MS;
}

export const restRule: RuleModule = {
  name: REST,
  description: 'Minimum rest between shifts on different days',
  admits: (_p, a, s) => a.history.every((h) => !tooClose(a.minRestMs, h, s)),
  build(m) {
    m.problem.agents.forEach((a, ai) => {
      const days = m.daysWithCandidates(ai);
      for (const day of days) {
        const later = m.candidatesOnDay(ai, day);
        // Earlier-day shifts that can reach into this day's starts once rest is added (at most two days back
        // for any shift of a day or less).
        const earlier = days.filter((d) => d < day && d >= day - 2).flatMap((d) => m.candidatesOnDay(ai, d));
        if (earlier.length === 0) continue;
        const starts = [...new Set(later.map((i) => a.candidates[i]!.start))];
        const named = new Set<string>();
        for (const start of starts) {
          const blocking = earlier.filter((i) => a.candidates[i]!.end + a.minRestMs > start);
          if (blocking.length === 0) continue;
          const here = later.filter((i) => a.candidates[i]!.start === start);
          // Exact for every pair (one earlier, one later shift). It would also forbid two earlier-day shifts
          // that both end late, which only a micro-shift day can have; the checker is the arbiter.
          const e = m.shiftsExpr(ai, [...blocking, ...here]);
          m.lp.addRow(m.uniqueName(`${REST}:${a.id}:${m.dayName(day)}:${m.timeName(a.candidates[here[0]!]!.localStart)}`, named), e.indices, e.coefficients, -Infinity, 1);
        }
      }
    });
  },
  checkAgent(p, a, shifts) {
    const out: RuleFinding[] = [];
    const report = (prev: Shift, next: Shift, before: string) => {
      const rest = restHoursBetween(prev, next);
      out.push({ rule: REST, agentId: a.id, hard: true, cost: 0, date: dateOfDay(p, next.day), message: `${Math.round(rest * 100) / 100} h rest before this shift${before}, minimum ${a.minRestMs / HOUR_MS} h` });
    };
    for (let j = 0; j < shifts.length; j++) {
      const next = shifts[j]!;
      for (const h of a.history) if (tooClose(a.minRestMs, h, next)) report(h, next, ' (after a shift before the horizon)');
      for (let i = 0; i < j; i++) if (tooClose(a.minRestMs, shifts[i]!, next)) report(shifts[i]!, next, '');
    }
    return out;
  },
};

/** True when `next` starts on another day than `prev` and less than the minimum rest after it ends. */
function tooClose(minRestMs: number, prev: Shift, next: Shift): boolean {
  return prev.day !== next.day && next.start - prev.end < minRestMs - 1e-6;
}
