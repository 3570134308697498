/**
 * Per-agent feasibility diagnosis before solving: hard rules that no roster can meet for an agent (no
 * candidate shifts, minimum hours out of reach because of leave, days or templates). Hard rules only
 * bind one agent at a time, so these name exactly who and which rules conflict.
 */
import type { Problem } from '../expand/problem.js';
import type { ValidationWarning } from '../validate/validate.js';
import { hoursBounds } from '../rules/contract-hours.js';

export function diagnoseAgents(p: Problem): ValidationWarning[] {
  const out: ValidationWarning[] = [];
  p.agents.forEach((a, ai) => {
    const path = `/agents/${ai}`;
    if (a.candidates.length === 0) {
      out.push({ code: 'no-candidate-shifts', path, message: `${a.id} has no shift that passes skills, templates, leave, start window and personal needs` });
    }
    for (const b of hoursBounds(p, a)) {
      if (b.minMinutes <= b.paidLeaveMinutes) continue;
      // Most hours reachable: the longest candidate on each day, on as many days as allowed.
      const perDay = new Map<number, number>();
      for (const s of a.candidates) if (b.week === undefined || s.week === b.week) perDay.set(s.day, Math.max(perDay.get(s.day) ?? 0, s.minutes));
      const lengths = [...perDay.values()].sort((x, y) => y - x);
      const maxDays = b.week !== undefined && a.contract.maxDaysPerWeek !== undefined ? a.contract.maxDaysPerWeek : lengths.length;
      const reachable = lengths.slice(0, maxDays).reduce((x, y) => x + y, 0) * (a.agent.microShifts ? 2 : 1) + b.paidLeaveMinutes;
      if (reachable < b.minMinutes - 1e-6)
        out.push({
          code: 'min-hours-unreachable',
          path: `${path}/contract`,
          message: `${a.id}, ${b.label}: at most ${Math.round(reachable / 6) / 10} h reachable (available days, leave, max days, shift lengths) but contract-hours needs ${b.minMinutes / 60} h`,
        });
    }
  });
  return out;
}
