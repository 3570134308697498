/**
 * Seeded scenario generator for the solver benchmark: contact-centre rosters of sizes S (25 × 7),
 * M (100 × 7), L (200 × 14) and XL (1000 × 28) on a 15-minute grid, with Erlang-C demand curves that
 * vary by weekday, voice and chat skills, mixed contracts, micro-shift opt-ins, leave in hours and days,
 * personal rules (hard and soft) and a few remote agents in another time zone. Same seed, same scenario.
 */
import { erlangRequirement, rng, type Scenario } from '@flexroster/core';

/** Required agent-hours as a share of the agents' mid-range contract hours. */
const LOAD = 0.9;

export const SIZES = {
  S: { agents: 25, days: 7 },
  M: { agents: 100, days: 7 },
  L: { agents: 200, days: 14 },
  XL: { agents: 1000, days: 28 },
} as const;
export type SizeName = keyof typeof SIZES;


const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
/** A Monday; a 28-day horizon from here crosses the spring-forward change in London (29 March). */
const START = '2026-03-02';

function addDays(date: string, n: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Contacts per 15 minutes over the open hours: a morning and an early-afternoon peak, with noise. */
function contactCurve(openHours: number, peak: number, random: () => number): number[] {
  const shift = (random() - 0.5) * 1.5;
  return Array.from({ length: openHours * 4 }, (_, i) => {
    const h = i / 4;
    const morning = Math.exp(-((h - 3 - shift) ** 2) / 3);
    const afternoon = 0.85 * Math.exp(-((h - 7.5 - shift) ** 2) / 4);
    const base = 0.25 + morning + afternoon;
    return Math.max(0, peak * base * (0.92 + 0.16 * random()));
  });
}

export function generateScenario(size: SizeName | { agents: number; days: number }, seed = 1): Scenario {
  const { agents: n, days } = typeof size === 'string' ? SIZES[size] : size;
  const random = rng(seed * 7919 + n * 31 + days);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
  // Demand shapes first; their volume is then scaled so that the required agent-hours are about
  // LOAD × the agents' mid-range contract hours: busy but coverable, as planners size their centres.
  const shapes: { date: string; open: number; voice: number[]; chat: number[] }[] = [];
  for (let d = 0; d < days; d++) {
    const date = addDays(START, d);
    const wd = d % 7;
    const weekend = wd >= 5;
    const open = weekend ? 9 : 7;
    const hours = weekend ? 8 : 14;
    // Mondays are busiest, Fridays lighter, weekends half.
    const dayFactor = weekend ? 0.5 : [1.12, 1.02, 1, 0.97, 0.9][wd]!;
    shapes.push({ date, open, voice: contactCurve(hours, 9 * dayFactor, random), chat: contactCurve(hours, 4 * dayFactor, random) });
  }
  const agents: Scenario['agents'] = [];
  const width = String(n).length;
  for (let i = 1; i <= n; i++) {
    const id = `agent-${String(i).padStart(width, '0')}`;
    const r = random();
    const skills = r < 0.2 ? ['chat'] : r < 0.5 ? ['voice', 'chat'] : ['voice'];
    const c = random();
    const contract = c < 0.56 ? 'full-time' : c < 0.84 ? 'part-time' : 'micro';
    const agent: Scenario['agents'][number] = { id, skills, contract };
    // Micro-shift opt-ins: every micro contract and some part-timers.
    if (contract === 'micro' || (contract === 'part-time' && random() < 0.25)) agent.microShifts = { maxPerWeek: 3, minGapHours: 2 };
    // Leave: some agents take a few hours, fewer a whole working day (8 h).
    const leaveRoll = random();
    if (leaveRoll < 0.12) {
      const date = addDays(START, Math.floor(random() * days));
      const from = 8 + Math.floor(random() * 8);
      const len = 2 + Math.floor(random() * 4);
      agent.leave = [{ start: `${date}T${pad(from)}:00`, end: `${date}T${pad(Math.min(23, from + len))}:00`, type: pick(['medical', 'annual', 'training']), paid: random() < 0.8 }];
    } else if (leaveRoll < 0.17) {
      const d = Math.floor(random() * days);
      agent.leave = [{ start: `${addDays(START, d)}T08:00`, end: `${addDays(START, d)}T16:00`, type: 'annual' }];
    }
    // Personal rules for about a third of the agents.
    if (random() < 0.35) {
      const hard = random() < 0.4;
      const strength = hard ? { hard: true } : { weight: 10 + Math.floor(random() * 40) };
      const wd = pick(WEEKDAYS.slice(0, 5));
      const rule = pick([
        { kind: 'free-window', weekday: wd, from: '19:00', to: '20:00', ...strength },
        { kind: 'max-late-shifts', startingAtOrAfter: '12:00', maxPerWeek: 2, ...strength },
        { kind: 'preferred-day-off', weekday: wd, weight: 10 + Math.floor(random() * 40) },
        { kind: 'earliest-start', weekdays: [wd], time: '09:00', ...strength },
        { kind: 'max-working-days', maxPerWeek: 4, ...strength },
        { kind: 'latest-end', weekdays: [wd], time: '18:00', weight: 25 },
      ] as const);
      agent.rules = [rule as NonNullable<Scenario['agents'][number]['rules']>[number]];
    } else if (random() < 0.05) agent.flexibleStart = { usual: '09:00', toleranceMinutes: 60 };
    // A few remote agents in Bucharest, whose rules are in their own time.
    if (i % 50 === 13) Object.assign(agent, { timeZone: 'Europe/Bucharest', rules: [{ kind: 'earliest-start', time: '09:00', hard: true }, { kind: 'latest-end', time: '19:00', hard: true }] });
    agents.push(agent);
  }
  const midHours = { 'full-time': 35, 'part-time': 20, micro: 13 } as Record<string, number>;
  const capacity = agents.reduce((sum, a) => sum + midHours[a.contract]!, 0) * (days / 7);
  const voice = { ahtSeconds: 300, serviceLevel: { target: 0.8, answerSeconds: 20 }, maxOccupancy: 0.85, shrinkage: 0.2 };
  const chat = { ahtSeconds: 480, serviceLevel: { target: 0.8, answerSeconds: 60 }, maxOccupancy: 0.85, shrinkage: 0.2 };
  const requiredHours = (m: number) => {
    let h = 0;
    for (const sh of shapes)
      for (const [curve, f] of [[sh.voice, voice], [sh.chat, chat]] as const)
        for (const c of curve) h += 0.25 * erlangRequirement({ contacts: c * m, ahtSeconds: f.ahtSeconds, intervalMinutes: 15, serviceLevelTarget: 0.8, answerSeconds: f.serviceLevel.answerSeconds, maxOccupancy: 0.85, shrinkage: 0.2 }).scheduled;
    return h;
  };
  let lo = 0.1;
  let hi = 1000;
  for (let i = 0; i < 40; i++) {
    const mid = Math.sqrt(lo * hi);
    if (requiredHours(mid) > LOAD * capacity) hi = mid;
    else lo = mid;
  }
  const demand: NonNullable<Scenario['demand']> = shapes.flatMap((sh) => [
    { skill: 'voice', start: `${sh.date}T${pad(sh.open)}:00`, forecast: { contacts: sh.voice.map((c) => Math.round(c * lo * 10) / 10), ...voice } },
    { skill: 'chat', start: `${sh.date}T${pad(sh.open)}:00`, forecast: { contacts: sh.chat.map((c) => Math.round(c * lo * 10) / 10), ...chat } },
  ]);
  return {
    schemaVersion: 1,
    name: `Benchmark ${typeof size === 'string' ? size : 'custom'}: ${n} agents × ${days} days, seed ${seed}`,
    horizon: { startDate: START, days, timeZone: 'Europe/London', intervalMinutes: 15 },
    skills: ['voice', 'chat'],
    shiftTemplates: [
      { id: 'early', name: 'Early', earliestStart: '07:00', latestStart: '10:00', lengthsMinutes: [480, 420] },
      { id: 'late', name: 'Late', earliestStart: '12:00', latestStart: '13:00', lengthsMinutes: [480] },
      { id: 'weekend', name: 'Weekend', earliestStart: '09:00', latestStart: '10:00', lengthsMinutes: [480, 360], weekdays: ['sat', 'sun'] },
      { id: 'micro', name: 'Micro-shift', earliestStart: '09:00', latestStart: '16:00', startStepMinutes: 30, lengthsMinutes: [180, 240], micro: true },
    ],
    contracts: [
      { id: 'full-time', hoursPerWeek: { min: 30, max: 40 }, maxDaysPerWeek: 5, minRestHours: 11, maxConsecutiveDays: 5 },
      { id: 'part-time', hoursPerWeek: { min: 16, max: 24 }, maxDaysPerWeek: 4, minRestHours: 11 },
      { id: 'micro', hoursPerWeek: { min: 6, max: 20 }, maxDaysPerWeek: 5, minRestHours: 11 },
    ],
    agents,
    demand,
    weights: { understaffedPerAgentHour: 100, overstaffedPerAgentHour: 10 },
  };
}
