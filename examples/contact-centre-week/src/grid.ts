/** Text views of a result: each agent's week as an hourly grid, and coverage per hour. */
import { skillIds, time, type Scenario, type SolveResult } from '@flexroster/core';

const FIRST_HOUR = 6;
const LAST_HOUR = 22;

/** One line per agent: per day, one character per hour (site time): V voice, C chat, m micro-shift, L leave, . off. */
export function weekGrid(s: Scenario, r: SolveResult): string {
  const zone = s.horizon.timeZone;
  const dates = Array.from({ length: s.horizon.days }, (_, d) => time.addDaysToDate(s.horizon.startDate, d));
  const hours = LAST_HOUR - FIRST_HOUR;
  const header = `${'agent'.padEnd(10)} ${dates.map((d) => `${time.WEEKDAYS[time.weekdayOfDate(d)]} ${d.slice(5)}`.padEnd(hours + 1)).join('')}`;
  const lines = [header, `${''.padEnd(10)} ${dates.map(() => `${String(FIRST_HOUR).padStart(2, '0')}h${' '.repeat(hours - 3)} `).join('')}`];
  for (const a of s.agents) {
    const cells = dates.map((date) => {
      const row: string[] = Array.from({ length: hours }, () => '.');
      for (let h = 0; h < hours; h++) {
        const at = time.instantOfLocal(date, (FIRST_HOUR + h) * 60 + 30, zone);
        if (at === undefined) {
          row[h] = ' '; // an hour the clocks skip
          continue;
        }
        const zoneOfAgent = a.timeZone ?? zone;
        if (a.leave?.some((l) => (time.parseDateTime(l.start, zoneOfAgent) ?? 0) <= at && at < (time.parseDateTime(l.end, zoneOfAgent) ?? 0))) row[h] = 'L';
        for (const as of r.roster.assignments)
          if (as.agentId === a.id && Date.parse(as.start) <= at && at < Date.parse(as.end)) row[h] = as.template === 'micro' ? 'm' : as.skill === 'chat' ? 'C' : 'V';
      }
      return row.join('');
    });
    lines.push(`${a.id.padEnd(10)} ${cells.join(' ')}`);
  }
  return lines.join('\n');
}

/** Required vs scheduled per hour and skill (averaged over the hour's intervals), one block per day. */
export function coverageByHour(s: Scenario, r: SolveResult): string {
  const byKey = new Map<string, { req: number; sch: number; n: number }>();
  for (const c of r.evaluation.coverage) {
    const key = `${c.start.slice(0, 13)}|${c.skill}`;
    const e = byKey.get(key) ?? { req: 0, sch: 0, n: 0 };
    e.req += c.required;
    e.sch += c.scheduled;
    e.n++;
    byKey.set(key, e);
  }
  const lines: string[] = ['hour (site time)    ' + skillIds(s).map((k) => `${k}: need/have`.padEnd(20)).join('')];
  const hoursSeen = [...new Set([...byKey.keys()].map((k) => k.split('|')[0]!))].sort();
  for (const h of hoursSeen) {
    const parts = skillIds(s).map((k) => {
      const e = byKey.get(`${h}|${k}`);
      if (!e) return ''.padEnd(20);
      const need = e.req / e.n;
      const have = e.sch / e.n;
      const flag = have + 1e-9 < need ? ` short ${(need - have).toFixed(1)}` : '';
      return `${need.toFixed(1)}/${have.toFixed(1)}${flag}`.padEnd(20);
    });
    lines.push(`${h.replace('T', ' ')}:00   ${parts.join('')}`);
  }
  return lines.join('\n');
}
