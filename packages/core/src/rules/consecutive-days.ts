/**
 * consecutive-days (hard): runs of working days at most `maxConsecutiveDays`; a run with a day off on both
 * sides inside the horizon at least `minConsecutiveDays`; a run of days off with work on both sides
 * inside the horizon at least `minConsecutiveDaysOff`. Runs touching the horizon's edges are exempt from
 * the minimums (there is no history before it and no future after it).
 */
import type { RuleFinding, RuleModule } from './rule.js';
import { dateOfDay, workedDays } from './rule.js';
import { sumExpr, scaleExpr } from '../model/roster-model.js';

export const CONSECUTIVE_DAYS = 'consecutive-days';

export const consecutiveDaysRule: RuleModule = {
  name: CONSECUTIVE_DAYS,
  description: 'Maximum and minimum runs of working days, minimum runs of days off',
  build(m) {
    const p = m.problem;
    const H = p.days;
    p.agents.forEach((a, ai) => {
      const c = a.contract;
      const all = m.daysWithCandidates(ai);
      if (all.length === 0) return;
      const lo = Math.min(0, all[0]!);
      const hi = Math.max(H - 1, all[all.length - 1]!);
      const w = (d: number) => m.dayWorked(ai, d);
      if (c.maxConsecutiveDays !== undefined) {
        const k = c.maxConsecutiveDays;
        for (let s = lo; s + k <= hi; s++) {
          const e = sumExpr(...Array.from({ length: k + 1 }, (_, i) => w(s + i)));
          if (e.indices.length > k) m.lp.addRow(`${CONSECUTIVE_DAYS}:${a.id}:max-from:${m.dayName(s)}`, e.indices, e.coefficients, -Infinity, k);
        }
      }
      // Forbid the patterns off, work×len, off (and work, off×len, work) that fit inside the horizon.
      if (c.minConsecutiveDays !== undefined && c.minConsecutiveDays > 1) {
        for (let len = 1; len < c.minConsecutiveDays; len++)
          for (let s = 1; s + len <= H - 1; s++) {
            const e = sumExpr(scaleExpr(w(s - 1), -1), ...Array.from({ length: len }, (_, i) => w(s + i)), scaleExpr(w(s + len), -1));
            m.lp.addRow(`${CONSECUTIVE_DAYS}:${a.id}:min-work:${m.dayName(s)}:${len}d`, e.indices, e.coefficients, -Infinity, len - 1);
          }
      }
      if (c.minConsecutiveDaysOff !== undefined && c.minConsecutiveDaysOff > 1) {
        for (let len = 1; len < c.minConsecutiveDaysOff; len++)
          for (let s = 1; s + len <= H - 1; s++) {
            const e = sumExpr(w(s - 1), ...Array.from({ length: len }, (_, i) => scaleExpr(w(s + i), -1)), w(s + len));
            m.lp.addRow(`${CONSECUTIVE_DAYS}:${a.id}:min-off:${m.dayName(s)}:${len}d`, e.indices, e.coefficients, -Infinity, 1);
          }
      }
    });
  },
  checkAgent(p, a, shifts) {
    const c = a.contract;
    const out: RuleFinding[] = [];
    const worked = new Set(workedDays(shifts));
    const H = p.days;
    const days = [...worked];
    const lo = Math.min(0, ...days);
    const hi = Math.max(H - 1, ...days);
    // Maximal runs of equal state over [lo, hi].
    let runStart = lo;
    for (let d = lo; d <= hi + 1; d++) {
      if (d <= hi && worked.has(d) === worked.has(runStart)) continue;
      const working = worked.has(runStart);
      const len = d - runStart;
      const inside = runStart >= 1 && d - 1 <= H - 2; // a neighbour on both sides within the horizon
      const date = dateOfDay(p, runStart);
      if (working && c.maxConsecutiveDays !== undefined && len > c.maxConsecutiveDays)
        out.push({ rule: CONSECUTIVE_DAYS, agentId: a.id, hard: true, cost: 0, date, message: `${len} working days in a row, maximum ${c.maxConsecutiveDays}` });
      if (working && inside && c.minConsecutiveDays !== undefined && len < c.minConsecutiveDays)
        out.push({ rule: CONSECUTIVE_DAYS, agentId: a.id, hard: true, cost: 0, date, shortfall: c.minConsecutiveDays - len, message: `${len} working days in a row, minimum ${c.minConsecutiveDays}` });
      if (!working && inside && runStart >= lo && c.minConsecutiveDaysOff !== undefined && len < c.minConsecutiveDaysOff)
        out.push({ rule: CONSECUTIVE_DAYS, agentId: a.id, hard: true, cost: 0, date, shortfall: c.minConsecutiveDaysOff - len, message: `${len} days off in a row, minimum ${c.minConsecutiveDaysOff}` });
      runStart = d;
    }
    return out;
  },
};
