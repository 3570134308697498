/**
 * Scenario of one shape of the sweep: a contact centre with the shape's agents, horizon, grid, skills,
 * opening profile, zone, leave, personal rules, micro-shift opt-ins and contract mix. Demand is scaled so the
 * agent-hours it asks for are LOAD × the agents' mid-range contract hours, skill by skill (busy but
 * coverable). Hard rules never take a whole day from an agent, so no contract is made impossible.
 * Pure: the same shape and seed give a byte-identical scenario.
 */
import { getTimezoneOffset } from 'date-fns-tz';
import { erlangRequirement, rng, time, type Agent, type Contract, type IntervalDemand, type PersonalRule, type Scenario, type ShiftTemplate } from '@flexroster/core';
import { designShapes, shapeName, type Shape } from './design.js';

const LOAD = 0.85;
const SKILLS = ['voice', 'chat', 'email', 'social'] as const;
const SKILL_WEIGHT = [1, 0.7, 0.5, 0.35];
const FORECAST = [
  { ahtSeconds: 300, serviceLevel: { target: 0.8, answerSeconds: 20 } },
  { ahtSeconds: 480, serviceLevel: { target: 0.8, answerSeconds: 60 } },
  { ahtSeconds: 600, serviceLevel: { target: 0.9, answerSeconds: 3600 } },
  { ahtSeconds: 420, serviceLevel: { target: 0.8, answerSeconds: 900 } },
] as const;
/** Remote agents live in a zone near the site's (Brisbane has no DST while Sydney has). */
const REMOTE_ZONE: Record<string, string> = { 'Europe/London': 'Europe/Bucharest', 'America/New_York': 'America/Chicago', 'Australia/Sydney': 'Australia/Brisbane', 'Asia/Kolkata': 'Asia/Dubai' };
const WEEKDAY_FACTOR = [1.12, 1.02, 1, 0.97, 0.9, 0.55, 0.45];
const WEEKDAYS = time.WEEKDAYS;
/** Mid-range weekly hours of each contract: the capacity demand is scaled to. */
const MID_HOURS: Record<string, number> = { 'full-time': 35, 'part-time': 20, 'flex-hours': 20, annualised: 28 };

/** Opening hours (local minutes, [open, close)) by weekday 0 = Monday; undefined = closed. */
const OPENING: Record<Shape['profile'], readonly ([number, number] | undefined)[]> = {
  office: [[480, 1080], [480, 1080], [480, 1080], [480, 1080], [480, 1080], undefined, undefined],
  extended: [[420, 1320], [420, 1320], [420, 1320], [420, 1320], [420, 1320], [480, 1200], [540, 1020]],
  '24-7': Array.from({ length: 7 }, () => [0, 1440] as [number, number]),
};

function templates(s: Shape): ShiftTemplate[] {
  const micro: ShiftTemplate = { id: 'micro', name: 'Micro-shift', earliestStart: '10:00', latestStart: '15:00', lengthsMinutes: [180, 240], micro: true };
  const list: ShiftTemplate[] =
    s.profile === 'office'
      ? [{ id: 'day', name: 'Day', earliestStart: '08:00', latestStart: '10:00', lengthsMinutes: [480, 360], weekdays: ['mon', 'tue', 'wed', 'thu', 'fri'] }]
      : s.profile === 'extended'
        ? [
            { id: 'early', name: 'Early', earliestStart: '07:00', latestStart: '09:00', lengthsMinutes: [480, 360] },
            { id: 'late', name: 'Late', earliestStart: '13:00', latestStart: '14:00', lengthsMinutes: [480] },
          ]
        : [
            { id: 'early', name: 'Early', earliestStart: '06:00', latestStart: '08:00', lengthsMinutes: [480] },
            { id: 'late', name: 'Late', earliestStart: '14:00', latestStart: '16:00', lengthsMinutes: [480, 360] },
            // Nights cross midnight; an early shift the next morning would break the rest anyway.
            { id: 'night', name: 'Night', earliestStart: '22:00', latestStart: '23:00', lengthsMinutes: [480], notFollowedBy: ['early'] },
          ];
  if (s.micro) list.push(s.profile === 'office' ? { ...micro, weekdays: ['mon', 'tue', 'wed', 'thu', 'fri'] } : micro);
  return list;
}

function contracts(s: Shape): { contracts: Contract[]; mix: [string, number][] } {
  const weeks = s.days / 7;
  const all: Record<string, Contract> = {
    'full-time': { id: 'full-time', hoursPerWeek: { min: 30, max: 40 }, maxDaysPerWeek: 5, minRestHours: 11, maxConsecutiveDays: 6 },
    'part-time': { id: 'part-time', hoursPerWeek: { min: 16, max: 24 }, maxDaysPerWeek: 4, minRestHours: 11 },
    'flex-hours': { id: 'flex-hours', hoursPerWeek: { min: 8, max: 32 }, maxDaysPerWeek: 6, minRestHours: 12, maxConsecutiveDays: 5 },
    annualised: { id: 'annualised', hoursPerHorizon: { min: 20 * weeks, max: 36 * weeks }, maxDaysPerWeek: 5, minRestHours: 11 },
  };
  const mix: [string, number][] =
    s.contracts === 'full-time' ? [['full-time', 1]] : s.contracts === 'full-part' ? [['full-time', 0.6], ['part-time', 0.4]] : [['full-time', 0.4], ['part-time', 0.25], ['flex-hours', 0.2], ['annualised', 0.15]];
  return { contracts: mix.map(([id]) => all[id]!), mix };
}

/** A Monday on which a horizon of `days` days does (or does not) contain a change of the zone's UTC offset. */
export function startDate(zone: string, days: number, dstChange: boolean, random: () => number): string {
  const offset = (date: string) => getTimezoneOffset(zone, new Date(time.startOfLocalDay(date, zone)));
  const mondays = Array.from({ length: 104 }, (_, w) => time.addDaysToDate('2026-01-05', 7 * w));
  const fits = mondays.filter((m) => (offset(m) !== offset(time.addDaysToDate(m, days))) === dstChange);
  if (fits.length === 0) throw new Error(`no start date in ${zone} with dstChange ${dstChange}`);
  return fits[Math.floor(random() * fits.length)]!;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** Relative load at local hour h: a morning and an afternoon peak, an evening shoulder when open late. */
function curveAt(h: number, profile: Shape['profile'], shift: number): number {
  const day = 0.25 + Math.exp(-((h - 10.5 - shift) ** 2) / 4) + 0.85 * Math.exp(-((h - 14.5 - shift) ** 2) / 5);
  return profile === 'office' ? day : day + 0.45 * Math.exp(-((h - 19) ** 2) / 3) + (profile === '24-7' ? 0.12 : 0);
}

function agentsOf(s: Shape, mix: [string, number][], dates: string[], random: () => number): Agent[] {
  const width = String(s.agents).length;
  const remoteZone = REMOTE_ZONE[s.timeZone]!;
  const ruleShare = { none: 0, some: 0.2, many: 0.5 }[s.rules];
  return Array.from({ length: s.agents }, (_, i) => {
    const id = `agent-${String(i + 1).padStart(width, '0')}`;
    // A primary skill in turn (so every skill has holders), others with some chance: overlapping sets.
    const primary = i % s.skills;
    const skills = SKILLS.slice(0, s.skills).filter((_, k) => k === primary || random() < 0.35);
    let c = random();
    const contract = mix.find(([, share]) => (c -= share) < 0)?.[0] ?? mix[mix.length - 1]![0];
    const agent: Agent = { id, skills, contract };
    const remote = s.remote && (i % 10 === 7 || (s.agents < 10 && i === 0));
    if (remote) agent.timeZone = remoteZone;
    // Opt-ins: half the part-timers, some full-timers, and always agent 4, so that the level shows.
    if (s.micro && (random() < (contract === 'full-time' ? 0.15 : 0.5) || i === 3)) agent.microShifts = { maxPerWeek: 3, minGapHours: 2 };
    if (random() < s.leaveShare) {
      const date = dates[Math.floor(random() * dates.length)]!;
      const from = 9 + Math.floor(random() * 6);
      const hours = 2 + Math.floor(random() * 4);
      agent.leave = [{ start: `${date}T${pad(from)}:00`, end: `${date}T${pad(from + hours)}:00`, type: ['annual', 'medical', 'training'][Math.floor(random() * 3)]!, paid: random() < 0.8 }];
    }
    if (random() < ruleShare) agent.rules = [personalRule(random, dates, !remote)];
    return agent;
  });
}

/** One personal rule of any kind; only rules that leave every day workable may be hard. */
function personalRule(random: () => number, dates: string[], mayBeHard: boolean): PersonalRule {
  const wd = WEEKDAYS[Math.floor(random() * 5)]!;
  const hard = mayBeHard && random() < 0.3;
  const strength = hard ? { hard: true } : { weight: 10 + Math.floor(random() * 40) };
  const soft = { weight: 10 + Math.floor(random() * 40) };
  const kinds: PersonalRule[] = [
    { kind: 'free-window', weekday: wd, from: '18:00', to: '20:00', ...strength },
    { kind: 'earliest-start', weekdays: [wd], time: '09:00', ...strength },
    { kind: 'latest-end', weekdays: [wd], time: '18:00', ...strength },
    { kind: 'max-late-shifts', startingAtOrAfter: '12:00', maxPerWeek: 2, ...strength },
    { kind: 'preferred-day-off', weekday: wd, ...soft },
    { kind: 'max-working-days', maxPerWeek: 4, ...soft },
    { kind: 'shift-request', date: dates[Math.floor(random() * dates.length)]!, want: random() < 0.5 ? 'off' : 'on', ...soft },
  ];
  return kinds[Math.floor(random() * kinds.length)]!;
}

/** Per-interval relative load of one skill on one day, with the interval's start instants. */
function dayCurve(s: Shape, date: string, weekday: number, shift: number, random: () => number): { start: string; values: number[] } | undefined {
  const hours = OPENING[s.profile][weekday];
  if (!hours) return undefined;
  const zone = s.timeZone;
  const open = hours[0] === 0 ? time.startOfLocalDay(date, zone) : time.instantOfLocal(date, hours[0], zone)!;
  const close = hours[1] === 1440 ? time.startOfLocalDay(time.addDaysToDate(date, 1), zone) : time.instantOfLocal(date, hours[1], zone)!;
  const step = s.intervalMinutes * time.MINUTE_MS;
  const values = Array.from({ length: Math.round((close - open) / step) }, (_, j) => {
    const h = time.localParts(open + j * step + step / 2, zone).minutes / 60;
    return curveAt(h, s.profile, shift) * WEEKDAY_FACTOR[weekday]! * (0.92 + 0.16 * random());
  });
  return { start: `${date}T${time.timeOfMinutes(hours[0])}`, values };
}

/** Multiplier m such that the curves × m ask for about `hours` agent-hours (bisection on a log scale). */
function scaleTo(hours: number, curves: number[][], need: (x: number) => number, intervalHours: number): number {
  const total = (m: number) => curves.reduce((sum, c) => sum + c.reduce((a, x) => a + need(x * m), 0), 0) * intervalHours;
  let lo = 1e-4;
  let hi = 1e5;
  for (let i = 0; i < 36; i++) {
    const mid = Math.sqrt(lo * hi);
    if (total(mid) > hours) hi = mid;
    else lo = mid;
  }
  return lo;
}

function demandOf(s: Shape, agents: Agent[], dates: string[], random: () => number): IntervalDemand[] {
  const intervalHours = s.intervalMinutes / 60;
  const out: IntervalDemand[] = [];
  for (let k = 0; k < s.skills; k++) {
    const skill = SKILLS[k]!;
    // The skill's share of each holder's mid-range hours, over the horizon.
    const capacity = agents.reduce((sum, a) => sum + (a.skills.includes(skill) ? MID_HOURS[a.contract]! / a.skills.length : 0), 0) * (s.days / 7);
    const shift = (random() - 0.5) * 1.5;
    const days = dates.map((date, d) => dayCurve(s, date, time.weekdayOfDate(date), shift, random)).filter((x) => x !== undefined);
    const curves = days.map((d) => d.values.map((v) => v * SKILL_WEIGHT[k]!));
    if (s.demand === 'required') {
      const m = scaleTo(LOAD * capacity, curves, (x) => x, intervalHours);
      days.forEach((d, i) => out.push({ skill, start: d.start, required: curves[i]!.map((x) => Math.round(x * m)) }));
    } else {
      const f = { ...FORECAST[k]!, maxOccupancy: 0.85, shrinkage: 0.25 };
      const need = (c: number) => erlangRequirement({ contacts: c, ahtSeconds: f.ahtSeconds, intervalMinutes: s.intervalMinutes, serviceLevelTarget: f.serviceLevel.target, answerSeconds: f.serviceLevel.answerSeconds, maxOccupancy: f.maxOccupancy, shrinkage: f.shrinkage }).scheduled;
      const m = scaleTo(LOAD * capacity, curves, need, intervalHours);
      days.forEach((d, i) => out.push({ skill, start: d.start, forecast: { contacts: curves[i]!.map((x) => Math.round(x * m * 10) / 10), ...f } }));
    }
  }
  return out;
}

export function scenarioOfShape(shape: Shape, seed: number): Scenario {
  const random = rng(seed * 65_537 + shape.index * 7919 + shape.agents);
  const start = startDate(shape.timeZone, shape.days, shape.dstChange, random);
  const dates = Array.from({ length: shape.days }, (_, d) => time.addDaysToDate(start, d));
  const { contracts: contractList, mix } = contracts(shape);
  const agents = agentsOf(shape, mix, dates, random);
  return {
    schemaVersion: 1,
    name: `Sweep ${shapeName(shape)}, seed ${seed}`,
    horizon: { startDate: start, days: shape.days, timeZone: shape.timeZone, intervalMinutes: shape.intervalMinutes },
    skills: SKILLS.slice(0, shape.skills),
    shiftTemplates: templates(shape),
    contracts: contractList,
    agents,
    demand: demandOf(shape, agents, dates, random),
    weights: { understaffedPerAgentHour: 100, overstaffedPerAgentHour: 10 },
  };
}

/** Shape `index` (1-based) of a sweep of `count` shapes with `seed`, and its scenario. */
export function generateShape(count: number, seed: number, index: number): { shape: Shape; scenario: Scenario } {
  const shapes = designShapes(count, seed);
  const shape = shapes[index - 1];
  if (!shape) throw new RangeError(`shape ${index} does not exist: the sweep has shapes 1–${count}`);
  return { shape, scenario: scenarioOfShape(shape, seed) };
}
