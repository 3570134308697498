/**
 * shift-request: work (`on`) or do not work (`off`) a template, or any shift when none is named, on a
 * date (agent time). Soft requests cost their weight when not granted.
 */
import type { AgentContext, Shift } from '../../expand/problem.js';
import type { RuleFinding, RuleModule } from '../rule.js';
import { daysBetweenDates } from '../../time/zone.js';
import { finding, rulesOfKind, weightOf, type RuleOf } from './personal-rule.js';
import type { RosterModel } from '../../model/roster-model.js';

const KIND = 'shift-request';
type Request = RuleOf<'shift-request'>;

function matches(a: AgentContext, r: Request, s: Shift, startDate: string): boolean {
  void a;
  return s.day === daysBetweenDates(startDate, r.date) && (r.template === undefined || s.template?.id === r.template);
}

/** 1 when the requested shift (or any shift) is worked that day. */
function grantedExpr(m: RosterModel, ai: number, r: Request) {
  const a = m.problem.agents[ai]!;
  const day = daysBetweenDates(m.problem.startDate, r.date);
  if (r.template === undefined) return m.dayWorked(ai, day);
  return m.shiftsExpr(ai, m.candidatesOnDay(ai, day).filter((i) => a.candidates[i]!.template?.id === r.template));
}

export const shiftRequestRule: RuleModule = {
  name: KIND,
  description: 'Work, or do not work, a template (or any shift) on a date',
  admits: (p, a, s) => rulesOfKind(a, KIND).every((r) => r.hard !== true || r.want !== 'off' || !matches(a, r, s, p.startDate)),
  build(m) {
    m.problem.agents.forEach((a, ai) => {
      rulesOfKind(a, KIND).forEach((r, ri) => {
        const e = grantedExpr(m, ai, r);
        if (r.want === 'on') {
          if (r.hard === true) m.lp.addRow(`${KIND}:${a.id}:rule${ri + 1}`, e.indices, e.coefficients, 1, Infinity);
          else {
            // weight × (1 − granted)
            m.lp.addObjectiveOffset(weightOf(r));
            e.indices.forEach((j, k) => m.lp.addCost(j, -weightOf(r) * e.coefficients[k]!));
          }
        } else if (r.hard !== true) e.indices.forEach((j, k) => m.lp.addCost(j, weightOf(r) * e.coefficients[k]!));
      });
    });
  },
  checkAgent(p, a, shifts) {
    const out: RuleFinding[] = [];
    for (const r of rulesOfKind(a, KIND)) {
      const granted = shifts.some((s) => matches(a, r, s, p.startDate));
      const what = r.template ?? 'a shift';
      if (r.want === 'on' && !granted) out.push(finding(KIND, a, r, `asked to work ${what} on ${r.date}`, r.date));
      if (r.want === 'off' && granted) out.push(finding(KIND, a, r, `asked not to work ${what} on ${r.date}`, r.date));
    }
    return out;
  },
};
