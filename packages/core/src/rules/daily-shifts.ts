/**
 * daily-shifts (hard): at most one regular shift a day, plus for micro-shift agents at most one
 * micro-shift; an agent's shifts never overlap.
 */
import type { RuleFinding, RuleModule } from './rule.js';
import { dateOfDay, shiftsByDay } from './rule.js';

export const dailyShiftsRule: RuleModule = {
  name: 'daily-shifts',
  description: 'At most one regular shift (and one micro-shift) a day; shifts never overlap',
  build(m) {
    m.problem.agents.forEach((a, ai) => {
      for (const day of m.daysWithCandidates(ai)) {
        const cands = m.candidatesOnDay(ai, day);
        for (const micro of [false, true]) {
          const group = cands.filter((i) => a.candidates[i]!.micro === micro);
          if (group.length > 1) {
            const e = m.shiftsExpr(ai, group);
            m.lp.addRow(`daily-shifts:${a.id}:${m.dayName(day)}:${micro ? 'micro' : 'regular'}`, e.indices, e.coefficients, -Infinity, 1);
          }
        }
      }
    });
  },
  checkAgent(p, a, shifts) {
    const out: RuleFinding[] = [];
    for (const [day, list] of shiftsByDay(shifts)) {
      const regular = list.filter((s) => !s.micro).length;
      const micro = list.length - regular;
      if (regular > 1 || micro > 1)
        out.push({ rule: 'daily-shifts', agentId: a.id, hard: true, cost: 0, date: dateOfDay(p, day), message: `${regular} regular and ${micro} micro-shifts on one day` });
    }
    for (let i = 1; i < shifts.length; i++) {
      const prev = shifts[i - 1]!;
      const s = shifts[i]!;
      if (s.start < prev.end) out.push({ rule: 'daily-shifts', agentId: a.id, hard: true, cost: 0, date: dateOfDay(p, s.day), message: 'two shifts overlap' });
    }
    return out;
  },
};
