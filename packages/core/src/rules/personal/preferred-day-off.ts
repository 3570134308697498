/** preferred-day-off: no work on a weekday (agent time). Soft: the weight per such day worked. */
import type { RuleFinding, RuleModule } from '../rule.js';
import { dateOfDay, workedDays } from '../rule.js';
import { weekdayIndex } from '../../time/zone.js';
import { finding, rulesOfKind, weightOf } from './personal-rule.js';

const KIND = 'preferred-day-off';

export const preferredDayOffRule: RuleModule = {
  name: KIND,
  description: 'A weekday without work (agent time)',
  admits: (_p, a, s) => rulesOfKind(a, KIND).every((r) => r.hard !== true || weekdayIndex(r.weekday) !== s.weekday),
  build(m) {
    m.problem.agents.forEach((a, ai) => {
      for (const r of rulesOfKind(a, KIND)) {
        if (r.hard === true) continue;
        for (const d of m.daysWithCandidates(ai)) {
          const s = a.candidates[m.candidatesOnDay(ai, d)[0]!]!;
          if (s.weekday !== weekdayIndex(r.weekday)) continue;
          const e = m.dayWorked(ai, d);
          e.indices.forEach((j, k) => m.lp.addCost(j, weightOf(r) * e.coefficients[k]!));
        }
      }
    });
  },
  checkAgent(p, a, shifts) {
    const out: RuleFinding[] = [];
    for (const r of rulesOfKind(a, KIND))
      for (const d of workedDays(shifts)) {
        const s = shifts.find((x) => x.day === d)!;
        if (s.weekday === weekdayIndex(r.weekday)) out.push(finding(KIND, a, r, `works on ${r.weekday}, the preferred day off`, dateOfDay(p, d)));
      }
    return out;
  },
};
