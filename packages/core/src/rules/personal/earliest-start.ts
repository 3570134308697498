/** earliest-start: never start before a time on the given weekdays (agent time). */
import { minutesOfTime, timeOfMinutes } from '../../time/zone.js';
import { weekdayListed } from '../shift-rules.js';
import { personalShiftRule } from './personal-rule.js';

export const earliestStartRule = personalShiftRule('earliest-start', 'Never start before a time on given weekdays (agent time)', (_p, _a, r, s) =>
  weekdayListed(r.weekdays, s.weekday) && s.localStart < minutesOfTime(r.time) ? `starts ${timeOfMinutes(s.localStart)}, before ${r.time}` : undefined,
);
