/** max-days-per-week (hard): working days per week at most the contract's limit (scaled in a partial week). */
import type { Problem } from '../expand/problem.js';
import type { RuleFinding, RuleModule } from './rule.js';
import { dateOfDay, workedDays } from './rule.js';
import { sumExpr } from '../model/roster-model.js';

export const MAX_DAYS_PER_WEEK = 'max-days-per-week';

/** Days of week `w` as agent-local day indices; the first and last week absorb days just outside the horizon. */
export function daysOfWeek(p: Problem, w: number, extra: readonly number[]): number[] {
  const week = p.weeks[w]!;
  const days = Array.from({ length: week.dayCount }, (_, i) => week.firstDay + i);
  return [...days, ...extra.filter((d) => Math.min(p.weeks.length - 1, Math.max(0, Math.floor(d / 7))) === w && (d < 0 || d >= p.days))];
}

export function weekLimit(limit: number, scale: number): number {
  return Math.min(limit, Math.ceil(limit * scale - 1e-9));
}

export const maxDaysPerWeekRule: RuleModule = {
  name: MAX_DAYS_PER_WEEK,
  description: 'Working days per week within the contract',
  build(m) {
    const p = m.problem;
    p.agents.forEach((a, ai) => {
      const max = a.contract.maxDaysPerWeek;
      if (max === undefined) return;
      const all = m.daysWithCandidates(ai);
      for (const w of p.weeks) {
        const e = sumExpr(...daysOfWeek(p, w.index, all).map((d) => m.dayWorked(ai, d)));
        m.lp.addRow(`${MAX_DAYS_PER_WEEK}:${a.id}:${m.weekName(w.index)}`, e.indices, e.coefficients, -Infinity, weekLimit(max, w.scale));
      }
    });
  },
  checkAgent(p, a, shifts) {
    const max = a.contract.maxDaysPerWeek;
    if (max === undefined) return [];
    const out: RuleFinding[] = [];
    const days = workedDays(shifts);
    for (const w of p.weeks) {
      const n = days.filter((d) => Math.min(p.weeks.length - 1, Math.max(0, Math.floor(d / 7))) === w.index).length;
      const limit = weekLimit(max, w.scale);
      if (n > limit) out.push({ rule: MAX_DAYS_PER_WEEK, agentId: a.id, hard: true, cost: 0, date: dateOfDay(p, w.firstDay), message: `week ${w.index + 1}: ${n} working days, maximum ${limit}` });
    }
    return out;
  },
};
