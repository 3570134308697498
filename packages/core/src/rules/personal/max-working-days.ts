/** max-working-days: a compressed week, at most N working days a week. */
import { sumExpr } from '../../model/roster-model.js';
import { daysOfWeek } from '../days-per-week.js';
import { workedDays } from '../rule.js';
import { weeklyCountRule } from './weekly-count.js';

export const maxWorkingDaysRule = weeklyCountRule('max-working-days', 'A compressed week: at most N working days a week', {
  cap: (r) => r.maxPerWeek,
  expr: (m, ai, _r, week) => sumExpr(...daysOfWeek(m.problem, week, m.daysWithCandidates(ai)).map((d) => m.dayWorked(ai, d))),
  count: (p, _a, _r, shifts, week) => workedDays(shifts).filter((d) => Math.min(p.weeks.length - 1, Math.max(0, Math.floor(d / 7))) === week).length,
  what: 'working days',
});
