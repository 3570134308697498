/**
 * max-weekends (hard): weekends worked (Saturday or Sunday, agent time) over the horizon at most the
 * contract's limit. A weekend that reaches into the horizon and was worked in `scenario.history` counts.
 */
import type { RuleModule } from './rule.js';
import { workedDays } from './rule.js';
import type { AgentContext, Problem } from '../expand/problem.js';
import { weekdayOfDate } from '../time/zone.js';
import { dateOfDay } from './rule.js';

export const MAX_WEEKENDS = 'max-weekends';

/** The weekend a day belongs to, keyed by its Saturday's day index; undefined on weekdays. */
export function weekendOf(p: Problem, day: number): number | undefined {
  const wd = weekdayOfDate(dateOfDay(p, day));
  if (wd === 5) return day;
  if (wd === 6) return day - 1;
  return undefined;
}

export const maxWeekendsRule: RuleModule = {
  name: MAX_WEEKENDS,
  description: 'Weekends worked over the horizon within the contract',
  build(m) {
    const p = m.problem;
    p.agents.forEach((a, ai) => {
      const max = a.contract.maxWeekends;
      if (max === undefined) return;
      const byWeekend = new Map<number, number[]>();
      for (const d of m.daysWithCandidates(ai)) {
        const we = weekendOf(p, d);
        if (we === undefined) continue;
        byWeekend.set(we, [...(byWeekend.get(we) ?? []), d]);
      }
      const done = historyWeekends(p, a);
      const ys: number[] = [];
      for (const [we, days] of byWeekend) {
        if (done.has(we)) continue;
        const y = m.lp.addBinary(`weekend[${a.id}#${m.dayName(we)}]`);
        ys.push(y);
        for (const d of days) {
          const e = m.dayWorked(ai, d);
          m.lp.addRow(`${MAX_WEEKENDS}:${a.id}:${m.dayName(we)}:${m.dayName(d)}`, [y, ...e.indices], [1, ...e.coefficients.map((c) => -c)], 0, Infinity);
        }
      }
      if (ys.length > max - done.size) m.lp.addRow(`${MAX_WEEKENDS}:${a.id}`, ys, ys.map(() => 1), -Infinity, max - done.size);
    });
  },
  checkAgent(p, a, shifts) {
    const max = a.contract.maxWeekends;
    if (max === undefined) return [];
    const weekends = new Set([...workedDays(shifts).map((d) => weekendOf(p, d)).filter((w) => w !== undefined), ...historyWeekends(p, a)]);
    return weekends.size > max ? [{ rule: MAX_WEEKENDS, agentId: a.id, hard: true, cost: 0, message: `${weekends.size} weekends worked, maximum ${max}` }] : [];
  },
};

/** Weekends reaching into the horizon (a Saturday the day before it) that history shows worked. */
function historyWeekends(p: Problem, a: AgentContext): Set<number> {
  return new Set(workedDays(a.history).map((d) => weekendOf(p, d)).filter((w): w is number => w !== undefined && w + 1 >= 0));
}
