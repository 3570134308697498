/** latest-end: always finish by a time on the given weekdays (agent time, the day the shift starts). */
import { minutesOfTime, timeOfMinutes } from '../../time/zone.js';
import { weekdayListed } from '../shift-rules.js';
import { personalShiftRule } from './personal-rule.js';

export const latestEndRule = personalShiftRule('latest-end', 'Always finish by a time on given weekdays (agent time)', (_p, _a, r, s) =>
  weekdayListed(r.weekdays, s.weekday) && s.localEnd > minutesOfTime(r.time) ? `ends ${timeOfMinutes(s.localEnd % 1440)}${s.localEnd > 1440 ? ' (next day)' : ''}, after ${r.time}` : undefined,
);
