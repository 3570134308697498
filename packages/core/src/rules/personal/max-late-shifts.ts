/** max-late-shifts: at most N shifts a week that start at or after a time (agent time). */
import { minutesOfTime } from '../../time/zone.js';
import { weeklyCountRule } from './weekly-count.js';

export const maxLateShiftsRule = weeklyCountRule('max-late-shifts', 'At most N shifts a week starting at or after a time (agent time)', {
  cap: (r) => r.maxPerWeek,
  expr: (m, ai, r, week) => {
    const a = m.problem.agents[ai]!;
    const t = minutesOfTime(r.startingAtOrAfter);
    return m.shiftsExpr(ai, a.candidates.map((_, i) => i).filter((i) => a.candidates[i]!.week === week && a.candidates[i]!.localStart >= t));
  },
  count: (_p, _a, r, shifts, week) => shifts.filter((s) => s.week === week && s.localStart >= minutesOfTime(r.startingAtOrAfter)).length,
  what: 'late shifts',
});
