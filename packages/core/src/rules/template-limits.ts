/**
 * template-limits (hard): the contract's maximum number of shifts per template over the horizon, and
 * forbidden successions (a template's `notFollowedBy` on the next day).
 */
import type { RuleFinding, RuleModule } from './rule.js';
import { dateOfDay } from './rule.js';

export const TEMPLATE_LIMITS = 'template-limits';

export const templateLimitsRule: RuleModule = {
  name: TEMPLATE_LIMITS,
  description: 'Maximum shifts per template, and templates that may not follow each other on consecutive days',
  admits: (_p, a, s) => !s.template || a.contract.maxShiftsPerTemplate?.[s.template.id] !== 0,
  build(m) {
    const p = m.problem;
    p.agents.forEach((a, ai) => {
      const limits = a.contract.maxShiftsPerTemplate ?? {};
      for (const [tid, max] of Object.entries(limits)) {
        const cands = a.candidates.map((_, i) => i).filter((i) => a.candidates[i]!.template?.id === tid);
        if (cands.length > max) {
          const e = m.shiftsExpr(ai, cands);
          m.lp.addRow(`${TEMPLATE_LIMITS}:${a.id}:max:${tid}`, e.indices, e.coefficients, -Infinity, max);
        }
      }
      for (const day of m.daysWithCandidates(ai)) {
        const today = m.candidatesOnDay(ai, day);
        const tomorrow = m.candidatesOnDay(ai, day + 1);
        if (tomorrow.length === 0) continue;
        for (const t of new Set(today.map((i) => a.candidates[i]!.template).filter((t) => t?.notFollowedBy?.length))) {
          const banned = new Set(t!.notFollowedBy);
          const first = today.filter((i) => a.candidates[i]!.template === t);
          const next = tomorrow.filter((i) => banned.has(a.candidates[i]!.template?.id ?? ''));
          if (next.length === 0) continue;
          // At most one regular and one micro shift a day, so the banned set tomorrow holds at most `big` shifts.
          const big = new Set(next.map((i) => a.candidates[i]!.micro)).size;
          const e1 = m.shiftsExpr(ai, first, () => big);
          const e2 = m.shiftsExpr(ai, next);
          m.lp.addRow(`${TEMPLATE_LIMITS}:${a.id}:succ:${m.dayName(day)}:${t!.id}`, [...e1.indices, ...e2.indices], [...e1.coefficients, ...e2.coefficients], -Infinity, big);
        }
      }
    });
  },
  checkAgent(p, a, shifts) {
    const out: RuleFinding[] = [];
    const counts = new Map<string, number>();
    for (const s of shifts) if (s.template) counts.set(s.template.id, (counts.get(s.template.id) ?? 0) + 1);
    for (const [tid, n] of counts) {
      const max = a.contract.maxShiftsPerTemplate?.[tid];
      if (max !== undefined && n > max) out.push({ rule: TEMPLATE_LIMITS, agentId: a.id, hard: true, cost: 0, message: `${n} shifts of template ${tid}, maximum ${max}` });
    }
    for (const s of shifts) {
      const banned = s.template?.notFollowedBy;
      if (!banned?.length) continue;
      for (const n of shifts)
        if (n.day === s.day + 1 && n.template && banned.includes(n.template.id))
          out.push({ rule: TEMPLATE_LIMITS, agentId: a.id, hard: true, cost: 0, date: dateOfDay(p, n.day), message: `${n.template.id} may not follow ${s.template!.id} from the day before` });
    }
    return out;
  },
};
