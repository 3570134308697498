/**
 * From a scenario and a solve result (or a bare roster) to the report's data. Every figure comes from the
 * core's evaluator run on the roster here, never from the result's own copy, so a stale or edited result
 * file cannot show numbers the roster does not have.
 */
import { evaluate, evaluateScenario, relativeGap, rosterToShifts, time, type Problem, type Roster, type Shift } from '@flexroster/core';
import { fairness, type FairnessOptions } from './fairness.js';
import type { GanttItem, GanttLeave, GanttSegment, ProgressPoint, ReportData, SkillCoverage } from './model.js';
import { serviceLevels } from './service-level.js';

export interface ReportOptions extends FairnessOptions {
  /** The page's title (default: the scenario's name). */
  readonly title?: string;
}

/** What `report` reads: a `solve --out` result, or `{ assignments }` alone. */
export interface ResultLike {
  readonly roster?: unknown;
  readonly status?: string;
  readonly reason?: string;
  readonly lowerBound?: number;
  readonly progress?: readonly ProgressPoint[];
}

export function buildReportData(scenario: unknown, result: unknown, options: ReportOptions = {}): ReportData {
  const doc = (result !== null && typeof result === 'object' ? result : {}) as ResultLike;
  const roster = ('roster' in doc ? doc.roster : result) as Roster;
  // evaluate validates both documents (typed errors with JSON paths) before anything else reads them.
  const ev = evaluate(scenario, roster);
  const p = evaluateScenario(scenario);
  const byAgent = rosterToShifts(p, roster);
  const minutesOf = (instant: number) => Math.round((instant - p.gridStart) / 60_000);
  const coverage = coverageBySkill(p, ev.coverage);
  const lowerBound = typeof doc.lowerBound === 'number' ? doc.lowerBound : undefined;
  const dayStarts = [...p.dates, time.addDaysToDate(p.startDate, p.days)].map((d) => minutesOf(time.startOfLocalDay(d, p.zone)));
  return {
    title: options.title ?? p.scenario.name ?? 'flexroster report',
    horizon: {
      startDate: p.startDate,
      days: p.days,
      timeZone: p.zone,
      intervalMinutes: p.scenario.horizon.intervalMinutes,
      intervalCount: p.intervalCount,
      gridStart: time.isoInZone(p.gridStart, p.zone),
      dates: [...p.dates],
      dayStarts,
      clockChanges: clockChanges(p, dayStarts),
    },
    kpis: {
      ...(typeof doc.status === 'string' ? { status: doc.status } : {}),
      ...(typeof doc.reason === 'string' ? { reason: doc.reason } : {}),
      cost: ev.costs.total,
      ...(lowerBound !== undefined ? { lowerBound, gap: relativeGap(ev.costs.total, lowerBound) } : {}),
      understaffedAgentHours: ev.understaffedAgentHours,
      overstaffedAgentHours: ev.overstaffedAgentHours,
      paidShiftHours: byAgent.flat().reduce((h, s) => h + s.paidMinutes, 0) / 60,
      paidLeaveHours: p.agents.reduce((h, a) => h + a.paidLeaveMinutesTotal, 0) / 60,
      overtimeHours: ev.overtime?.hours ?? 0,
      shifts: roster.assignments.length,
      hardViolations: ev.violations.length,
      serviceLevel: serviceLevels(p, coverage),
    },
    skills: [...p.skills],
    coverage,
    gantt: {
      agents: p.agents.map((a) => ({ id: a.id, ...(a.agent.name !== undefined ? { name: a.agent.name } : {}), skills: a.agent.skills })),
      items: ganttItems(p, roster, byAgent, minutesOf),
      leave: p.agents.flatMap((a) => a.leave.map((l): GanttLeave => ({ agent: a.index, start: minutesOf(l.start), end: minutesOf(l.end), type: l.type, paid: l.paid }))),
    },
    costs: {
      total: ev.costs.total,
      byRule: Object.entries(ev.costs.byRule).map(([rule, cost]) => ({ rule, cost })).filter((r) => r.cost !== 0).sort((a, b) => b.cost - a.cost),
      byAgent: Object.entries(ev.costs.byAgent).map(([agentId, cost]) => ({ agentId, cost })).sort((a, b) => b.cost - a.cost),
    },
    findings: [...ev.violations, ...ev.softFindings],
    fairness: fairness(p, byAgent, options),
    ...(Array.isArray(doc.progress) ? { progress: thinProgress(doc.progress) } : {}),
  };
}

/** The site's clock changes, found on the days that are not 24 hours long, for the page's time labels. */
function clockChanges(p: Problem, dayStarts: readonly number[]): { at: number; shift: number }[] {
  const out: { at: number; shift: number }[] = [];
  for (let d = 0; d < p.days; d++) {
    const length = dayStarts[d + 1]! - dayStarts[d]!;
    if (length === 1440) continue;
    let offset = 0;
    for (let m = 15; m <= length; m += 15) {
      const parts = time.localParts(p.gridStart + (dayStarts[d]! + m) * 60_000, p.zone);
      const wall = parts.date === p.dates[d] ? parts.minutes : parts.minutes + 1440;
      if (wall - m !== offset) {
        out.push({ at: dayStarts[d]! + m, shift: wall - m - offset });
        offset = wall - m;
      }
    }
  }
  return out;
}

/** The evaluator's coverage rows as one array per skill over the whole grid. */
function coverageBySkill(p: Problem, rows: readonly { start: string; skill: string; required: number; scheduled: number }[]): SkillCoverage[] {
  const out = p.skills.map((skill, k) => ({
    skill,
    required: Array.from(p.requirement[k]!, (v, t) => (p.demandDefined[k]![t] ? v : null)) as (number | null)[],
    scheduled: new Array<number>(p.intervalCount).fill(0),
  }));
  for (const r of rows) {
    const t = Math.round((time.parseDateTime(r.start, p.zone)! - p.gridStart) / p.intervalMs);
    const c = out[p.skillIndex.get(r.skill)!]!;
    c.scheduled[t] = r.scheduled;
    if (c.required[t] !== null) c.required[t] = r.required;
  }
  return out;
}

/** One item per assignment, in the roster's order, located by the core (agent zones, templates, micro). */
function ganttItems(p: Problem, roster: Roster, byAgent: readonly (readonly Shift[])[], minutesOf: (t: number) => number): GanttItem[] {
  const located = new Map<string, Shift[]>();
  for (const s of byAgent.flat()) {
    const key = `${s.agent}|${s.start}|${s.end}|${s.skill}`;
    located.set(key, [...(located.get(key) ?? []), s]);
  }
  return roster.assignments.map((as, i) => {
    const a = p.agentById.get(as.agentId)!;
    const key = `${a.index}|${time.parseDateTime(as.start, a.zone)}|${time.parseDateTime(as.end, a.zone)}|${as.skill}`;
    const s = located.get(key)!.shift()!;
    const segments = ganttSegments(as, a.zone, minutesOf);
    return {
      agent: a.index,
      assignment: i,
      start: minutesOf(s.start),
      end: minutesOf(s.end),
      skill: s.skill,
      ...(s.template ? { template: s.template.id } : {}),
      micro: s.micro,
      ...(segments ? { segments } : {}),
    };
  });
}

/** The assignment's segments in grid minutes (read from the roster, so any kind and its activity come through). */
function ganttSegments(as: Roster['assignments'][number], zone: string, minutesOf: (t: number) => number): GanttSegment[] | undefined {
  const given = as.segments as readonly { start: string; end: string; kind: string; skill?: string; activityId?: string }[] | undefined;
  return given?.map((g) => ({
    start: minutesOf(time.parseDateTime(g.start, zone)!),
    end: minutesOf(time.parseDateTime(g.end, zone)!),
    kind: g.kind,
    ...(g.skill !== undefined ? { skill: g.skill } : {}),
    ...(g.activityId !== undefined ? { activityId: g.activityId } : {}),
  }));
}

/** Progress events reduced to the points where the incumbent or the bound changed (and the last one). */
function thinProgress(events: readonly ProgressPoint[]): ProgressPoint[] {
  const out: ProgressPoint[] = [];
  for (const e of events) {
    if (typeof e?.elapsedSeconds !== 'number') continue;
    const last = out.at(-1);
    const point = { elapsedSeconds: e.elapsedSeconds, ...(typeof e.bestCost === 'number' ? { bestCost: e.bestCost } : {}), ...(typeof e.lowerBound === 'number' ? { lowerBound: e.lowerBound } : {}) };
    if (!last || last.bestCost !== point.bestCost || last.lowerBound !== point.lowerBound) out.push(point);
  }
  const final = events.at(-1);
  if (final && out.at(-1)?.elapsedSeconds !== final.elapsedSeconds && typeof final.elapsedSeconds === 'number') out.push({ ...out.at(-1), elapsedSeconds: final.elapsedSeconds });
  return out;
}
