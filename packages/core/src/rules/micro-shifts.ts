/**
 * micro-shifts (hard): micro-shift templates only for agents who opted in; at most `maxPerWeek` of them;
 * at least `minGapHours` between a micro-shift and another shift on the same day.
 */
import type { RuleFinding, RuleModule } from './rule.js';
import { dateOfDay, shiftsByDay } from './rule.js';
import { HOUR_MS } from '../time/zone.js';
import { weekLimit } from './days-per-week.js';

export const MICRO_SHIFTS = 'micro-shifts';

export const microShiftsRule: RuleModule = {
  name: MICRO_SHIFTS,
  description: 'Micro-shifts only for agents who opted in, within their weekly limit and same-day gap',
  admits: (_p, a, s) => !s.micro || a.agent.microShifts !== undefined,
  build(m) {
    const p = m.problem;
    p.agents.forEach((a, ai) => {
      const policy = a.agent.microShifts;
      if (!policy) return;
      for (const w of p.weeks) {
        const micro = a.candidates.map((_, i) => i).filter((i) => a.candidates[i]!.micro && a.candidates[i]!.week === w.index);
        const limit = weekLimit(policy.maxPerWeek, w.scale);
        if (micro.length > limit) {
          const e = m.shiftsExpr(ai, micro);
          m.lp.addRow(`${MICRO_SHIFTS}:${a.id}:${m.weekName(w.index)}`, e.indices, e.coefficients, -Infinity, limit);
        }
      }
      // Same-day gap: shifts stretched by the gap form an interval graph, whose cliques sit at start points.
      const gap = policy.minGapHours * HOUR_MS;
      for (const day of m.daysWithCandidates(ai)) {
        const cands = m.candidatesOnDay(ai, day);
        if (!cands.some((i) => a.candidates[i]!.micro) || cands.every((i) => a.candidates[i]!.micro)) continue;
        const named = new Set<string>();
        for (const start of new Set(cands.map((i) => a.candidates[i]!.start))) {
          const clique = cands.filter((i) => a.candidates[i]!.start <= start && start < a.candidates[i]!.end + gap);
          if (clique.some((i) => a.candidates[i]!.micro) && clique.some((i) => !a.candidates[i]!.micro)) {
            const e = m.shiftsExpr(ai, clique);
            const local = a.candidates[cands.find((i) => a.candidates[i]!.start === start)!]!.localStart;
            m.lp.addRow(m.uniqueName(`${MICRO_SHIFTS}:${a.id}:gap:${m.dayName(day)}:${m.timeName(local)}`, named), e.indices, e.coefficients, -Infinity, 1);
          }
        }
      }
    });
  },
  checkAgent(p, a, shifts) {
    const out: RuleFinding[] = [];
    const policy = a.agent.microShifts;
    for (const s of shifts)
      if (s.micro && !policy) out.push({ rule: MICRO_SHIFTS, agentId: a.id, hard: true, cost: 0, date: dateOfDay(p, s.day), message: `${a.id} has not opted in to micro-shifts` });
    if (!policy) return out;
    for (const w of p.weeks) {
      const n = shifts.filter((s) => s.micro && s.week === w.index).length;
      const limit = weekLimit(policy.maxPerWeek, w.scale);
      if (n > limit) out.push({ rule: MICRO_SHIFTS, agentId: a.id, hard: true, cost: 0, date: dateOfDay(p, w.firstDay), message: `week ${w.index + 1}: ${n} micro-shifts, maximum ${limit}` });
    }
    for (const [day, list] of shiftsByDay(shifts)) {
      for (let i = 1; i < list.length; i++) {
        const gapHours = (list[i]!.start - list[i - 1]!.end) / HOUR_MS;
        if (gapHours < policy.minGapHours - 1e-9)
          out.push({ rule: MICRO_SHIFTS, agentId: a.id, hard: true, cost: 0, date: dateOfDay(p, day), message: `${Math.round(gapHours * 100) / 100} h between shifts on one day, minimum ${policy.minGapHours} h` });
      }
    }
    return out;
  },
};
