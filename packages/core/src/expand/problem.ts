/**
 * expand: turns a validated scenario into the `Problem` every rule module works on: the interval grid in
 * real time, requirements per interval and skill, per-agent contexts (zone, contract, leave), and shifts
 * located in both the site's and the agent's local time.
 */
import type { StabilityBase } from '../rules/stability.js';
import type { Agent, Contract, PersonalRule, Scenario, ShiftTemplate } from '../schema/scenario.js';
import { DEFAULT_MIN_REST_HOURS, DEFAULT_WEIGHTS } from '../schema/scenario.js';
import { unpaidBreakMinutes } from './breaks.js';
import { skillIds } from './skills.js';
import { erlangRequirement } from '../demand/erlang.js';
import { paidHoursPerLeaveDay, paidLeaveMinutes } from './paid-leave.js';
import { HOUR_MS, MINUTE_MS, addDaysToDate, daysBetweenDates, localParts, minutesOfTime, parseDateTime, startOfLocalDay, weekdayIndex } from '../time/zone.js';

/** One shift of one agent, located in time. Candidates and rostered shifts share this shape. */
export interface Shift {
  readonly agent: number;
  readonly start: number;
  readonly end: number;
  readonly skill: string;
  /** The template it belongs to; undefined when it matches none. */
  readonly template: ShiftTemplate | undefined;
  readonly micro: boolean;
  /** Agent-local calendar day of the start, as days after the horizon's first date (may be -1 or H). */
  readonly day: number;
  /** Site-local day of the start, as days after the horizon's first date. */
  readonly siteDay: number;
  readonly week: number;
  /** Minutes after the agent's local midnight of `day` at start and at end (end may pass 1440). */
  readonly localStart: number;
  readonly localEnd: number;
  /** Agent-local weekday of `day`, 0 = Monday. */
  readonly weekday: number;
  readonly minutes: number;
  /** Paid minutes: the length less the unpaid breaks its template's rules give a shift this long. */
  readonly paidMinutes: number;
  /** What the shift holds (work on a skill, breaks), tiling it; undefined means one work segment on `skill`. */
  readonly segments?: readonly ShiftSegment[];
}

/** A located piece of a shift (instants). */
export interface ShiftSegment {
  readonly start: number;
  readonly end: number;
  readonly kind: 'work' | 'break' | 'lunch' | 'activity';
  /** The skill of a work segment (the shift's skill for breaks, unused). */
  readonly skill: string;
  /** The scenario activity an `activity` segment holds. */
  readonly activityId?: string;
  /** A paid break the `continuous-skill` rule asked for (an agent with no other skill), not one of the template's. */
  readonly reset?: boolean;
}

export interface LeaveSpan {
  readonly start: number;
  readonly end: number;
  readonly paid: boolean;
  readonly type: string;
  /** Index in the agent's `leave` list, for messages. */
  readonly index: number;
}

export interface AgentContext {
  readonly index: number;
  readonly agent: Agent;
  readonly id: string;
  readonly zone: string;
  readonly contract: Contract;
  readonly leave: readonly LeaveSpan[];
  readonly rules: readonly PersonalRule[];
  readonly minRestMs: number;
  /** Paid leave minutes per horizon week (agent-local week boundaries). */
  readonly paidLeaveMinutesByWeek: readonly number[];
  readonly paidLeaveMinutesTotal: number;
  /** Instants at which each agent-local horizon day starts, for days -1 … H (index + 1). */
  readonly dayStarts: readonly number[];
  /** Shifts this agent may be given (filled by candidate generation). */
  candidates: Shift[];
  /** The agent's shifts of `scenario.history` (days before 0), sorted by start; empty without history. */
  history: readonly Shift[];
}

export interface WeekInfo {
  readonly index: number;
  readonly firstDay: number;
  readonly dayCount: number;
  /** dayCount / 7: weekly limits scale with it in a partial last week. */
  readonly scale: number;
}

export interface ShiftDemandRow {
  readonly date: string;
  readonly day: number;
  readonly template: string;
  readonly required: number;
  readonly underWeight: number;
  readonly overWeight: number;
}

export interface Problem {
  readonly scenario: Scenario;
  readonly zone: string;
  readonly startDate: string;
  readonly days: number;
  readonly dates: readonly string[];
  readonly weeks: readonly WeekInfo[];
  readonly intervalMs: number;
  readonly intervalHours: number;
  readonly gridStart: number;
  readonly gridEnd: number;
  readonly intervalCount: number;
  readonly skills: readonly string[];
  readonly skillIndex: ReadonlyMap<string, number>;
  /** requirement[skill][interval], agents. */
  readonly requirement: readonly Float64Array[];
  /** demandDefined[skill][interval]: 1 where a demand entry covers the cell; only those are judged. */
  readonly demandDefined: readonly Uint8Array[];
  readonly shiftDemand: readonly ShiftDemandRow[];
  readonly templates: ReadonlyMap<string, ShiftTemplate>;
  readonly agents: readonly AgentContext[];
  readonly agentById: ReadonlyMap<string, AgentContext>;
  readonly weights: { understaffedPerAgentHour: number; overstaffedPerAgentHour: number; shiftUnderPerAgent: number; shiftOverPerAgent: number };
  /** Days before the horizon whose work `scenario.history` gives for every agent (days -historyDays … -1); 0 without history. */
  readonly historyDays: number;
  /** The base roster of a minimal-change solve (`SolveOptions.base`, solve/base.ts); undefined otherwise. */
  readonly stability?: StabilityBase;
  /**
   * Set only on a solve's shift stage where a template has break rules (expand/break-loss.ts): a shift without
   * segments counts in coverage less its breaks' expected loss. The scenario's own evaluation never sets it.
   */
  readonly expectBreakLoss?: boolean;
}

export function weekOfDay(p: Problem, day: number): number {
  return Math.min(p.weeks.length - 1, Math.max(0, Math.floor(day / 7)));
}

export function expandProblem(scenario: Scenario): Problem {
  const { horizon } = scenario;
  const zone = horizon.timeZone;
  const startDate = horizon.startDate;
  const days = horizon.days;
  const dates = Array.from({ length: days }, (_, d) => addDaysToDate(startDate, d));
  const intervalMs = horizon.intervalMinutes * MINUTE_MS;
  const gridStart = startOfLocalDay(startDate, zone);
  const gridEnd = startOfLocalDay(addDaysToDate(startDate, days), zone);
  const intervalCount = Math.round((gridEnd - gridStart) / intervalMs);
  const weeks: WeekInfo[] = [];
  for (let w = 0; w * 7 < days; w++) {
    const dayCount = Math.min(7, days - w * 7);
    weeks.push({ index: w, firstDay: w * 7, dayCount, scale: dayCount / 7 });
  }
  const skills = skillIds(scenario);
  const skillIndex = new Map(skills.map((s, i) => [s, i]));
  const requirement = skills.map(() => new Float64Array(intervalCount));
  const demandDefined = skills.map(() => new Uint8Array(intervalCount));
  for (const demand of scenario.demand ?? []) {
    const k = skillIndex.get(demand.skill);
    const t0 = parseDateTime(demand.start, zone);
    if (k === undefined || t0 === undefined) continue; // validation reports these
    const first = Math.round((t0 - gridStart) / intervalMs);
    const values = demand.required ?? forecastToRequired(demand.forecast!, horizon.intervalMinutes);
    values.forEach((v, i) => {
      const j = first + i;
      if (j >= 0 && j < intervalCount) {
        requirement[k]![j]! += v;
        demandDefined[k]![j] = 1;
      }
    });
  }
  const weights = { ...DEFAULT_WEIGHTS, ...definedOnly(scenario.weights ?? {}) };
  const shiftDemand: ShiftDemandRow[] = (scenario.shiftDemand ?? []).map((r) => ({
    date: r.date,
    day: daysBetweenDates(startDate, r.date),
    template: r.template,
    required: r.required,
    underWeight: r.underWeight ?? weights.shiftUnderPerAgent,
    overWeight: r.overWeight ?? weights.shiftOverPerAgent,
  }));
  const templates = new Map(scenario.shiftTemplates.map((t) => [t.id, t]));
  const contracts = new Map(scenario.contracts.map((c) => [c.id, c]));
  const agents: AgentContext[] = scenario.agents.map((agent, index) => {
    const agentZone = agent.timeZone ?? zone;
    const contract = contracts.get(agent.contract)!;
    const dayStarts = Array.from({ length: days + 3 }, (_, i) => startOfLocalDay(addDaysToDate(startDate, i - 1), agentZone));
    const leave: LeaveSpan[] = (agent.leave ?? []).map((l, i) => ({
      start: parseDateTime(l.start, agentZone)!,
      end: parseDateTime(l.end, agentZone)!,
      paid: l.paid ?? true,
      type: l.type ?? 'leave',
      index: i,
    }));
    const paidSpans = leave.filter((l) => l.paid).map((l) => [l.start, l.end] as const);
    const perLeaveDay = paidHoursPerLeaveDay(contract) * 60;
    const paidLeaveMinutesByWeek = weeks.map((w) => paidLeaveMinutes(paidSpans, dayStarts.slice(w.firstDay + 1, w.firstDay + w.dayCount + 2), perLeaveDay));
    return {
      index,
      agent,
      id: agent.id,
      zone: agentZone,
      contract,
      leave,
      rules: agent.rules ?? [],
      minRestMs: (contract.minRestHours ?? DEFAULT_MIN_REST_HOURS) * HOUR_MS,
      paidLeaveMinutesByWeek,
      paidLeaveMinutesTotal: paidLeaveMinutesByWeek.reduce((a, b) => a + b, 0),
      dayStarts,
      candidates: [],
      history: [],
    };
  });
  const problem: Problem = {
    scenario,
    zone,
    startDate,
    days,
    dates,
    weeks,
    intervalMs,
    intervalHours: intervalMs / HOUR_MS,
    gridStart,
    gridEnd,
    intervalCount,
    skills,
    skillIndex,
    requirement,
    demandDefined,
    shiftDemand,
    templates,
    agents,
    agentById: new Map(agents.map((a) => [a.id, a])),
    weights,
    historyDays: scenario.history ? Math.max(0, daysBetweenDates(scenario.history.startDate, startDate)) : 0,
  };
  locateHistory(problem);
  return problem;
}

/** Places each history shift in its agent's local days (validation has checked ids, times and overlap). */
function locateHistory(p: Problem): void {
  for (const h of p.scenario.history?.assignments ?? []) {
    const a = p.agentById.get(h.agentId);
    if (!a) continue;
    const start = parseDateTime(h.start, a.zone);
    const end = parseDateTime(h.end, a.zone);
    if (start === undefined || end === undefined) continue;
    (a.history as Shift[]).push(makeShift(p, a, start, end, h.skill ?? '', h.template === undefined ? undefined : p.templates.get(h.template)));
  }
  for (const a of p.agents) (a.history as Shift[]).sort((x, y) => x.start - y.start);
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function forecastToRequired(forecast: NonNullable<Scenario['demand']>[number]['forecast'] & object, intervalMinutes: number): number[] {
  return forecast.contacts.map(
    (contacts) =>
      erlangRequirement({
        contacts,
        ahtSeconds: forecast.ahtSeconds,
        intervalMinutes,
        serviceLevelTarget: forecast.serviceLevel.target,
        answerSeconds: forecast.serviceLevel.answerSeconds,
        ...(forecast.maxOccupancy !== undefined ? { maxOccupancy: forecast.maxOccupancy } : {}),
        ...(forecast.shrinkage !== undefined ? { shrinkage: forecast.shrinkage } : {}),
      }).scheduled,
  );
}

/** Locates a shift of agent `a` from `start` to `end` (instants) in the agent's local time and weeks. */
export function makeShift(p: Problem, a: AgentContext, start: number, end: number, skill: string, template: ShiftTemplate | undefined): Shift {
  const local = localParts(start, a.zone);
  const day = daysBetweenDates(p.startDate, local.date);
  const endParts = localParts(end, a.zone);
  const localEnd = daysBetweenDates(local.date, endParts.date) * 1440 + endParts.minutes;
  const siteDay = daysBetweenDates(p.startDate, localParts(start, p.zone).date);
  const minutes = Math.round((end - start) / MINUTE_MS);
  return {
    agent: a.index,
    start,
    end,
    skill,
    template,
    micro: template?.micro === true,
    day,
    siteDay,
    week: weekOfDay(p, day),
    localStart: local.minutes,
    localEnd,
    weekday: local.weekday,
    minutes,
    paidMinutes: minutes - unpaidBreakMinutes(template, minutes),
  };
}

/** The site-local start-time window check of a template, shared by candidate generation and inference. */
export function templateAllowsStart(p: Problem, t: ShiftTemplate, siteMinutes: number, siteWeekday: number): boolean {
  if (t.weekdays && !t.weekdays.some((w) => weekdayIndex(w) === siteWeekday)) return false;
  const earliest = minutesOfTime(t.earliestStart);
  const latest = minutesOfTime(t.latestStart);
  const step = t.startStepMinutes ?? p.scenario.horizon.intervalMinutes;
  // A window may wrap past midnight (e.g. 22:00–02:00).
  const offset = (siteMinutes - earliest + 1440) % 1440;
  const span = (latest - earliest + 1440) % 1440;
  return offset <= span && offset % step === 0;
}
