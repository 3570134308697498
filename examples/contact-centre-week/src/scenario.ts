/**
 * A realistic contact-centre week: 25 agents, voice and chat, a 15-minute grid, demand from a forecast
 * through Erlang C, micro-shifts, leave in hours, personal rules and one agent working from Bucharest.
 * The week of 23 March 2026 ends with the spring-forward change in London (Sunday is 23 hours long).
 * Inside the shifts: two 15-minute breaks and a 30-minute lunch by shift length, voice limited to 120 minutes
 * at a stretch (15-minute reset), two teams with leaders, weekly coaching per member and one team meeting.
 */
import type { Scenario, ShiftTemplate } from '@flexroster/core';

const DAYS = ['2026-03-23', '2026-03-24', '2026-03-25', '2026-03-26', '2026-03-27', '2026-03-28', '2026-03-29'];

/** Contacts per 15 minutes over the open hours, with a morning and an early-afternoon peak. */
function contactCurve(openHours: number, peak: number, weekend: boolean): number[] {
  return Array.from({ length: openHours * 4 }, (_, i) => {
    const h = i / 4;
    const morning = Math.exp(-((h - 3) ** 2) / 3);
    const afternoon = 0.85 * Math.exp(-((h - 7.5) ** 2) / 4);
    const base = 0.25 + morning + afternoon;
    return Math.round(peak * base * (weekend ? 0.5 : 1));
  });
}

/**
 * Break rules of every template, by shift length: a break from 4 hours, a lunch from 6, a second break from 7
 * (so a 3-hour micro-shift has none). Windows are minutes after the start; each ends inside every length it applies to.
 */
const BREAKS: NonNullable<ShiftTemplate['breaks']> = [
  { kind: 'break', minutes: 15, earliestAfterStartMinutes: 60, latestAfterStartMinutes: 150, paid: true, minShiftMinutes: 240 },
  { kind: 'lunch', minutes: 30, earliestAfterStartMinutes: 180, latestAfterStartMinutes: 300, paid: false, minShiftMinutes: 360 },
  { kind: 'break', minutes: 15, earliestAfterStartMinutes: 330, latestAfterStartMinutes: 390, paid: true, minShiftMinutes: 420 },
];

/** A template with the break rules that apply to some of its lengths (validation refuses a rule that applies to none). */
function withBreaks(t: ShiftTemplate): ShiftTemplate {
  const longest = Math.max(...t.lengthsMinutes);
  return { ...t, breaks: BREAKS.filter((b) => (b.minShiftMinutes ?? 0) <= longest), minGapMinutes: 30 };
}

/**
 * Two teams, each a leader and the agents of one half; coaching once a week per member. Team A's meeting is
 * its leader and full-timers: part-timers and micro-shifters are never all on shift at once in this week.
 */
const TEAMS: NonNullable<Scenario['teams']> = [
  { id: 'team-a', leader: 'agent-01', members: ['agent-02', 'agent-03', 'agent-04', 'agent-05', 'agent-06', 'agent-07', 'agent-15', 'agent-16', 'agent-17', 'agent-22', 'agent-23'] },
  { id: 'team-b', leader: 'agent-08', members: ['agent-09', 'agent-10', 'agent-11', 'agent-12', 'agent-13', 'agent-14', 'agent-18', 'agent-19', 'agent-20', 'agent-21', 'agent-24', 'agent-25'] },
];
const ACTIVITIES: NonNullable<Scenario['activities']> = [
  { id: 'coach-a', kind: 'coaching', team: 'team-a', perWeek: 1, minutes: 30, weight: 20 },
  { id: 'coach-b', kind: 'coaching', team: 'team-b', perWeek: 1, minutes: 30, weight: 20 },
  { id: 'meet-a', kind: 'meeting', attendees: ['agent-01', 'agent-02', 'agent-03', 'agent-04', 'agent-05', 'agent-06', 'agent-07'], minutes: 30, weight: 50 },
];

export function buildScenario(): Scenario {
  const demand: NonNullable<Scenario['demand']> = [];
  DAYS.forEach((date, d) => {
    const weekend = d >= 5;
    const open = weekend ? '09:00' : '07:00';
    const hours = weekend ? 8 : 14;
    demand.push({
      skill: 'voice',
      start: `${date}T${open}`,
      forecast: { contacts: contactCurve(hours, 9, weekend), ahtSeconds: 300, serviceLevel: { target: 0.8, answerSeconds: 20 }, maxOccupancy: 0.85, shrinkage: 0.2 },
    });
    demand.push({
      skill: 'chat',
      start: `${date}T${open}`,
      forecast: { contacts: contactCurve(hours, 4, weekend), ahtSeconds: 480, serviceLevel: { target: 0.8, answerSeconds: 60 }, maxOccupancy: 0.85, shrinkage: 0.2 },
    });
  });
  const agents: Scenario['agents'] = [];
  for (let i = 1; i <= 25; i++) {
    const id = `agent-${String(i).padStart(2, '0')}`;
    const skills = i % 5 === 0 ? ['chat'] : i % 3 === 0 ? ['voice', 'chat'] : ['voice'];
    const contract = i <= 14 ? 'full-time' : i <= 21 ? 'part-time' : 'micro';
    agents.push({ id, name: `Agent ${i}`, skills, contract });
  }
  const by = (id: string) => agents.find((a) => a.id === id)!;
  // Micro-shift opt-ins: short shifts around the peaks, at most three a week, two hours from another shift.
  for (const id of ['agent-22', 'agent-23', 'agent-24', 'agent-25', 'agent-18']) by(id).microShifts = { maxPerWeek: 3, minGapHours: 2 };
  // Leave in hours: the rest of each day stays workable.
  by('agent-03').leave = [{ start: '2026-03-24T10:00', end: '2026-03-24T13:00', type: 'medical', paid: true }];
  by('agent-07').leave = [{ start: '2026-03-26T13:00', end: '2026-03-26T17:00', type: 'annual' }];
  by('agent-12').leave = [{ start: '2026-03-23T00:00', end: '2026-03-24T00:00', type: 'annual' }];
  // Personal weekly rules.
  by('agent-02').rules = [{ kind: 'free-window', weekday: 'wed', from: '19:00', to: '20:00', hard: true }];
  by('agent-04').rules = [{ kind: 'max-late-shifts', startingAtOrAfter: '12:00', maxPerWeek: 2, hard: true }];
  by('agent-05').rules = [{ kind: 'preferred-day-off', weekday: 'fri', weight: 40 }];
  by('agent-06').rules = [{ kind: 'earliest-start', weekdays: ['mon'], time: '09:00', hard: true }];
  by('agent-08').rules = [{ kind: 'max-working-days', maxPerWeek: 4, hard: true }];
  by('agent-09').rules = [{ kind: 'latest-end', weekdays: ['tue', 'thu'], time: '18:00', weight: 25 }];
  by('agent-10').flexibleStart = { usual: '09:00', toleranceMinutes: 60 };
  by('agent-11').rules = [{ kind: 'free-window', weekday: 'wed', from: '19:00', to: '20:00', weight: 30 }, { kind: 'preferred-day-off', weekday: 'sat', weight: 20 }];
  // A remote agent in Bucharest: their rules are in their own time (09:00 there is 07:00 in London).
  Object.assign(by('agent-13'), { timeZone: 'Europe/Bucharest', rules: [{ kind: 'earliest-start', time: '09:00', hard: true }, { kind: 'latest-end', time: '19:00', hard: true }] });
  return {
    schemaVersion: 1,
    name: 'Contact centre, week of 23 March 2026 (London)',
    horizon: { startDate: DAYS[0]!, days: 7, timeZone: 'Europe/London', intervalMinutes: 15 },
    skills: [{ id: 'voice', maxContinuousMinutes: 120, resetMinutes: 15 }, 'chat'],
    shiftTemplates: ([
      { id: 'early', name: 'Early', earliestStart: '07:00', latestStart: '10:00', lengthsMinutes: [480, 420] },
      { id: 'late', name: 'Late', earliestStart: '12:00', latestStart: '13:00', lengthsMinutes: [480] },
      { id: 'weekend', name: 'Weekend', earliestStart: '09:00', latestStart: '10:00', lengthsMinutes: [480, 360], weekdays: ['sat', 'sun'] },
      { id: 'micro', name: 'Micro-shift', earliestStart: '09:00', latestStart: '16:00', startStepMinutes: 30, lengthsMinutes: [180, 240], micro: true },
    ] satisfies ShiftTemplate[]).map(withBreaks),
    contracts: [
      { id: 'full-time', hoursPerWeek: { min: 30, max: 40 }, maxDaysPerWeek: 5, minRestHours: 11, maxConsecutiveDays: 5 },
      { id: 'part-time', hoursPerWeek: { min: 16, max: 24 }, maxDaysPerWeek: 4, minRestHours: 11 },
      { id: 'micro', hoursPerWeek: { min: 6, max: 20 }, maxDaysPerWeek: 5, minRestHours: 11 },
    ],
    agents,
    teams: TEAMS,
    activities: ACTIVITIES,
    demand,
    weights: { understaffedPerAgentHour: 100, overstaffedPerAgentHour: 10 },
  };
}
