/**
 * consecutive-days (hard): runs of working days at most `maxConsecutiveDays`; a run with a day off on both
 * sides at least `minConsecutiveDays`; a run of days off with work on both sides at least
 * `minConsecutiveDaysOff`. Days of `scenario.history` are known (worked or off) and join the runs across the
 * horizon's start; runs that end before the horizon are history's own business. Without history, runs
 * touching the horizon's start are exempt from the minimums, as runs touching its end always are.
 */
import type { AgentContext } from '../expand/problem.js';
import type { RuleFinding, RuleModule } from './rule.js';
import { dateOfDay, workedDays } from './rule.js';
import type { RosterModel } from '../model/roster-model.js';

export const CONSECUTIVE_DAYS = 'consecutive-days';

export const consecutiveDaysRule: RuleModule = {
  name: CONSECUTIVE_DAYS,
  description: 'Maximum and minimum runs of working days, minimum runs of days off',
  build(m) {
    const p = m.problem;
    const H = p.days;
    const K = p.historyDays;
    p.agents.forEach((a, ai) => {
      const c = a.contract;
      const all = m.daysWithCandidates(ai);
      if (all.length === 0) return;
      const past = historyWorked(a);
      const lo = Math.min(-K, all[0]!);
      const hi = Math.max(H - 1, all[all.length - 1]!);
      const row = pattern(m, ai, past);
      if (c.maxConsecutiveDays !== undefined) {
        const k = c.maxConsecutiveDays;
        for (let s = lo; s + k <= hi; s++) row(`max-from:${m.dayName(s)}`, Array.from({ length: k + 1 }, (_, i) => [s + i, 1] as const), k);
      }
      // Forbid the patterns off, work×len, off (and work, off×len, work) whose closing day is in the horizon.
      if (c.minConsecutiveDays !== undefined && c.minConsecutiveDays > 1) {
        for (let len = 1; len < c.minConsecutiveDays; len++)
          for (let s = Math.max(1 - K, -len); s + len <= H - 1; s++)
            row(`min-work:${m.dayName(s)}:${len}d`, [[s - 1, -1], ...Array.from({ length: len }, (_, i) => [s + i, 1] as const), [s + len, -1]], len - 1);
      }
      if (c.minConsecutiveDaysOff !== undefined && c.minConsecutiveDaysOff > 1) {
        for (let len = 1; len < c.minConsecutiveDaysOff; len++)
          for (let s = Math.max(1 - K, -len); s + len <= H - 1; s++)
            row(`min-off:${m.dayName(s)}:${len}d`, [[s - 1, 1], ...Array.from({ length: len }, (_, i) => [s + i, -1] as const), [s + len, 1]], 1);
      }
    });
  },
  checkAgent(p, a, shifts) {
    const c = a.contract;
    const out: RuleFinding[] = [];
    const worked = new Set([...workedDays(shifts), ...historyWorked(a)]);
    const H = p.days;
    const K = p.historyDays;
    const days = [...worked];
    const lo = Math.min(-K, ...days);
    const hi = Math.max(H - 1, ...days);
    // Maximal runs of equal state over [lo, hi].
    let runStart = lo;
    for (let d = lo; d <= hi + 1; d++) {
      if (d <= hi && worked.has(d) === worked.has(runStart)) continue;
      const working = worked.has(runStart);
      const len = d - runStart;
      // A known neighbour on both sides, the closing one in the horizon (its start or history's, if given).
      const inside = runStart >= 1 - K && d - 1 <= H - 2 && d >= 0;
      const date = dateOfDay(p, runStart);
      if (working && (K === 0 || d >= 1) && c.maxConsecutiveDays !== undefined && len > c.maxConsecutiveDays)
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

/** Days before the horizon the agent worked, per `scenario.history`. */
function historyWorked(a: AgentContext): number[] {
  return workedDays(a.history.filter((h) => h.day < 0));
}

/**
 * A row over `dayWorked` terms in which known history days are constants: it adds
 * Σ coefficient × worked(day) ≤ upper with the history's part moved to the bound, and skips rows with no
 * variable left (history alone decides them; the check judges them the same way).
 */
function pattern(m: RosterModel, ai: number, past: readonly number[]) {
  const a = m.problem.agents[ai]!;
  const known = new Set(past);
  const named = new Set<string>();
  return (what: string, terms: readonly (readonly [number, number])[], upper: number): void => {
    const indices: number[] = [];
    const coefficients: number[] = [];
    let constant = 0;
    for (const [day, coefficient] of terms) {
      if (known.has(day)) constant += coefficient;
      else {
        const e = m.dayWorked(ai, day);
        indices.push(...e.indices);
        coefficients.push(...e.coefficients.map((x) => x * coefficient));
      }
    }
    if (indices.length === 0) return;
    // Without history a maximum row with no more terms than its bound can never bind.
    if (constant === 0 && coefficients.every((x) => x > 0) && indices.length <= upper) return;
    m.lp.addRow(m.uniqueName(`${CONSECUTIVE_DAYS}:${a.id}:${what}`, named), indices, coefficients, -Infinity, upper - constant);
  };
}
