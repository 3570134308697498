/**
 * contract-hours (hard): paid hours per week (and over the horizon) within the contract's bounds.
 * Paid leave counts as paid hours (a whole day counts the contract's paidHoursPerLeaveDay, see
 * expand/paid-leave.ts). A partial last week scales its weekly bounds by days/7. A contract's overtime
 * band raises the weekly hard maximum; the `overtime` rule prices the hours inside it.
 */
import type { AgentContext, Problem, Shift } from '../expand/problem.js';
import type { RuleFinding, RuleModule } from './rule.js';
import { dateOfDay } from './rule.js';

export const CONTRACT_HOURS = 'contract-hours';

export interface HoursBound {
  label: string;
  /** Week index, or undefined for the whole horizon. */
  week: number | undefined;
  minMinutes: number;
  /** The hard maximum: the contract's maximum plus its overtime band. */
  maxMinutes: number;
  /** Where overtime begins (the contract's maximum); equals maxMinutes without a band. */
  regularMaxMinutes: number;
  paidLeaveMinutes: number;
}

/** The hour bounds of an agent: one per week with weekly bounds, one for the horizon. */
export function hoursBounds(p: Problem, a: AgentContext): HoursBound[] {
  const out: HoursBound[] = [];
  const wk = a.contract.hoursPerWeek;
  if (wk && (wk.min !== undefined || wk.max !== undefined)) {
    for (const w of p.weeks) {
      const regularMaxMinutes = wk.max === undefined ? Infinity : wk.max * 60 * w.scale;
      out.push({
        label: `week ${w.index + 1}`,
        week: w.index,
        minMinutes: (wk.min ?? 0) * 60 * w.scale,
        maxMinutes: regularMaxMinutes + (a.contract.overtime?.maxHoursPerWeek ?? 0) * 60 * w.scale,
        regularMaxMinutes,
        paidLeaveMinutes: a.paidLeaveMinutesByWeek[w.index] ?? 0,
      });
    }
  }
  const hz = a.contract.hoursPerHorizon;
  if (hz && (hz.min !== undefined || hz.max !== undefined)) {
    const maxMinutes = hz.max === undefined ? Infinity : hz.max * 60;
    out.push({ label: 'horizon', week: undefined, minMinutes: (hz.min ?? 0) * 60, maxMinutes, regularMaxMinutes: maxMinutes, paidLeaveMinutes: a.paidLeaveMinutesTotal });
  }
  return out;
}

function inBound(b: HoursBound, s: Shift): boolean {
  return b.week === undefined || s.week === b.week;
}

export const contractHoursRule: RuleModule = {
  name: CONTRACT_HOURS,
  description: 'Paid hours per week and over the horizon within the contract (paid leave counts)',
  build(m) {
    const p = m.problem;
    p.agents.forEach((a, ai) => {
      for (const b of hoursBounds(p, a)) {
        const cands = a.candidates.map((_, i) => i).filter((i) => inBound(b, a.candidates[i]!));
        const e = m.shiftsExpr(ai, cands, (i) => a.candidates[i]!.paidMinutes / 60);
        m.lp.addRow(`${CONTRACT_HOURS}:${a.id}:${b.label}`, e.indices, e.coefficients, (b.minMinutes - b.paidLeaveMinutes) / 60 - 1e-9, (b.maxMinutes - b.paidLeaveMinutes) / 60 + 1e-9);
      }
    });
  },
  checkAgent(p, a, shifts) {
    const out: RuleFinding[] = [];
    for (const b of hoursBounds(p, a)) {
      const worked = shifts.filter((s) => inBound(b, s)).reduce((sum, s) => sum + s.paidMinutes, 0);
      const paid = worked + b.paidLeaveMinutes;
      const date = b.week === undefined ? undefined : dateOfDay(p, p.weeks[b.week]!.firstDay);
      if (paid < b.minMinutes - 1e-6)
        out.push({ rule: CONTRACT_HOURS, agentId: a.id, hard: true, cost: 0, ...(date ? { date } : {}), shortfall: (b.minMinutes - paid) / 60, message: `${b.label}: ${fmt(paid)} h paid, below the minimum ${fmt(b.minMinutes)} h` });
      if (paid > b.maxMinutes + 1e-6)
        out.push({ rule: CONTRACT_HOURS, agentId: a.id, hard: true, cost: 0, ...(date ? { date } : {}), message: `${b.label}: ${fmt(paid)} h paid, above the maximum ${fmt(b.maxMinutes)} h${b.maxMinutes > b.regularMaxMinutes ? ` (${fmt(b.regularMaxMinutes)} h and the overtime band)` : ''}` });
    }
    return out;
  },
};

function fmt(minutes: number): string {
  return String(Math.round((minutes / 60) * 100) / 100);
}
