/**
 * overtime (soft): paid hours a week above the contract's `hoursPerWeek.max`, inside its overtime band,
 * cost `costPerHour` each. The band's top is hard and belongs to contract-hours; paid leave counts as
 * paid hours here too, so both rules judge the same weekly total.
 */
import type { AgentContext, Problem, Shift } from '../expand/problem.js';
import type { RuleFinding, RuleModule } from './rule.js';
import { dateOfDay } from './rule.js';
import { hoursBounds } from './contract-hours.js';

export const OVERTIME = 'overtime';

export interface OvertimeWeek {
  readonly week: number;
  readonly hours: number;
  readonly cost: number;
}

/** The weeks in which the agent works overtime, with its hours and cost; empty without a band. */
export function overtimeWeeks(p: Problem, a: AgentContext, shifts: readonly Shift[]): OvertimeWeek[] {
  const band = a.contract.overtime;
  if (!band) return [];
  const out: OvertimeWeek[] = [];
  for (const b of hoursBounds(p, a)) {
    if (b.week === undefined || b.regularMaxMinutes === Infinity) continue;
    const paid = shifts.reduce((sum, s) => sum + (s.week === b.week ? s.paidMinutes : 0), 0) + b.paidLeaveMinutes;
    const hours = (paid - b.regularMaxMinutes) / 60;
    if (hours > 1e-9) out.push({ week: b.week, hours, cost: hours * band.costPerHour });
  }
  return out;
}

export const overtimeRule: RuleModule = {
  name: OVERTIME,
  description: 'Paid hours a week above the contract maximum, within its overtime band, priced per hour',
  build(m) {
    const p = m.problem;
    p.agents.forEach((a, ai) => {
      const band = a.contract.overtime;
      if (!band) return;
      for (const b of hoursBounds(p, a)) {
        if (b.week === undefined || b.regularMaxMinutes === Infinity || b.maxMinutes <= b.regularMaxMinutes) continue;
        const cands = a.candidates.map((_, i) => i).filter((i) => a.candidates[i]!.week === b.week);
        const e = m.shiftsExpr(ai, cands, (i) => a.candidates[i]!.paidMinutes / 60);
        const slack = m.slack(`${OVERTIME}[${a.id}#${m.weekName(b.week)}]`, band.costPerHour, (b.maxMinutes - b.regularMaxMinutes) / 60);
        m.lp.addRow(`${OVERTIME}:${a.id}:${m.weekName(b.week)}`, [...e.indices, slack], [...e.coefficients, -1], -Infinity, (b.regularMaxMinutes - b.paidLeaveMinutes) / 60 + 1e-9);
      }
    });
  },
  checkAgent(p, a, shifts) {
    return overtimeWeeks(p, a, shifts).map(
      (w): RuleFinding => ({ rule: OVERTIME, agentId: a.id, hard: false, cost: w.cost, date: dateOfDay(p, p.weeks[w.week]!.firstDay), message: `week ${w.week + 1}: ${Math.round(w.hours * 100) / 100} h overtime` }),
    );
  },
};
