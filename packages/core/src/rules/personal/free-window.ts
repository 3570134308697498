/** free-window: keep a weekly window free, e.g. Wednesday 19:00–20:00 (agent time). */
import { minutesOfTime, weekdayIndex } from '../../time/zone.js';
import { personalShiftRule } from './personal-rule.js';

export const freeWindowRule = personalShiftRule('free-window', 'Keep a weekly window free (agent time)', (_p, _a, r, s) => {
  const wd = weekdayIndex(r.weekday);
  const from = minutesOfTime(r.from);
  const to = minutesOfTime(r.to);
  // The window may fall on the shift's own day or, for a shift past midnight, on the next.
  for (const k of [0, 1]) {
    if ((s.weekday + k) % 7 !== wd) continue;
    if (s.localStart < to + 1440 * k && from + 1440 * k < s.localEnd) return `works during the free window ${r.weekday} ${r.from}–${r.to}`;
  }
  return undefined;
});
