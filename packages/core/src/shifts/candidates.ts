/**
 * Candidate shifts: every (start, length, skill) an agent may be given, from the templates, filtered by
 * every shift-level hard rule (leave, skills, flexible start, micro-shift opt-in, personal needs).
 */
import type { Problem, Shift } from '../expand/problem.js';
import { makeShift } from '../expand/problem.js';
import { RULES } from '../rules/index.js';
import { instantOfLocal, minutesOfTime, weekdayOfDate, MINUTE_MS } from '../time/zone.js';
import { templateAllowsStart } from '../expand/problem.js';

/** Starts (site local minutes) a template allows on a site weekday. */
function templateStarts(p: Problem, t: Problem['scenario']['shiftTemplates'][number], weekday: number): number[] {
  const earliest = minutesOfTime(t.earliestStart);
  const span = (minutesOfTime(t.latestStart) - earliest + 1440) % 1440;
  const step = t.startStepMinutes ?? p.scenario.horizon.intervalMinutes;
  const out: number[] = [];
  for (let off = 0; off <= span; off += step) {
    if (templateAllowsStart(p, t, (earliest + off) % 1440, weekday)) out.push(earliest + off);
  }
  return out;
}

/** Fills `agent.candidates` for every agent. Returns the total count. */
export function generateCandidates(p: Problem): number {
  const admitters = RULES.filter((r) => r.admits);
  for (const a of p.agents) a.candidates = [];
  let total = 0;
  p.dates.forEach((date, d) => {
    const weekday = weekdayOfDate(date);
    for (const t of p.scenario.shiftTemplates) {
      for (const minutes of templateStarts(p, t, weekday)) {
        const start = instantOfLocal(date, minutes, p.zone);
        if (start === undefined) continue; // skipped by a spring-forward change
        for (const length of t.lengthsMinutes) {
          const end = start + length * MINUTE_MS;
          for (const a of p.agents) {
            if (a.contract.templates && !a.contract.templates.includes(t.id)) continue;
            if (t.micro && !a.agent.microShifts) continue;
            for (const skill of a.agent.skills) {
              if (t.skills && !t.skills.includes(skill)) continue;
              const s: Shift = makeShift(p, a, start, end, skill, t);
              if (admitters.every((r) => r.admits!(p, a, s))) {
                a.candidates.push(s);
                total++;
              }
            }
          }
        }
      }
    }
    void d;
  });
  for (const a of p.agents) a.candidates.sort((x, y) => x.start - y.start || x.end - y.end);
  return total;
}
