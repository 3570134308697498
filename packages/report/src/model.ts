/**
 * The report's data model: everything the page draws, as plain JSON. It is embedded in the HTML as
 * `<script type="application/json" id="report-data">`, so a test (or another tool) can read it back.
 * Times are minutes after the horizon's first site-local midnight, which keeps the file small.
 */
import type { RuleFinding } from '@flexroster/core';

export interface ServiceLevelRow {
  readonly skill: string;
  /** The forecast's target share answered within `answerSeconds`. */
  readonly target: number;
  readonly answerSeconds: number;
  /** Contacts-weighted share answered in time, by Erlang C from the agents on the phones. */
  readonly achieved: number;
  /** Intervals with contacts whose own service level is below target, of `intervals`. */
  readonly intervalsBelowTarget: number;
  readonly intervals: number;
}

export interface Kpis {
  readonly status?: string;
  readonly reason?: string;
  readonly cost: number;
  /** Absent when no bound is known. */
  readonly lowerBound?: number;
  readonly gap?: number;
  readonly understaffedAgentHours: number;
  readonly overstaffedAgentHours: number;
  /** Paid hours of rostered shifts: their length less the unpaid breaks and lunches their templates give them. */
  readonly paidShiftHours: number;
  readonly paidLeaveHours: number;
  /** Hours above the contracts' weekly maximum, within their priced overtime band (the evaluator's). */
  readonly overtimeHours: number;
  readonly shifts: number;
  readonly hardViolations: number;
  readonly serviceLevel: readonly ServiceLevelRow[];
}

export interface SkillCoverage {
  readonly skill: string;
  /** Per interval; null where no demand is defined for the skill. */
  readonly required: readonly (number | null)[];
  readonly scheduled: readonly number[];
}

export interface GanttAgent {
  readonly id: string;
  readonly name?: string;
  readonly skills: readonly string[];
}

/** A piece of a shift as the roster gives it: work (on `skill`), a break, a lunch or an activity (`activityId`). */
export interface GanttSegment {
  readonly start: number;
  readonly end: number;
  /** The roster's kind, read generically: work, break, lunch, activity. */
  readonly kind: string;
  readonly skill?: string;
  readonly activityId?: string;
}

export interface GanttItem {
  /** Index in `gantt.agents`. */
  readonly agent: number;
  /** Index in the roster's `assignments`. */
  readonly assignment: number;
  readonly start: number;
  readonly end: number;
  readonly skill: string;
  readonly template?: string;
  readonly micro: boolean;
  /** What the shift holds, in order, tiling it; absent when the roster gives none (one work segment on `skill`). */
  readonly segments?: readonly GanttSegment[];
}

export interface GanttLeave {
  readonly agent: number;
  readonly start: number;
  readonly end: number;
  readonly type: string;
  readonly paid: boolean;
}

export interface FairnessRow {
  readonly agentId: string;
  readonly late: number;
  readonly weekend: number;
  readonly night: number;
  readonly wishes: number;
  readonly wishesGranted: number;
  readonly wishesRefused: number;
  readonly shiftHours: number;
  readonly paidLeaveHours: number;
  /** The contract's paid hours over the horizon (weekly bounds summed over the weeks); absent when unbounded. */
  readonly contractMinHours?: number;
  readonly contractMaxHours?: number;
}

export interface Spread {
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  /** Population standard deviation across agents. */
  readonly sd: number;
}

export interface Fairness {
  /** In words, the thresholds used: what counts as late, night and weekend. */
  readonly definitions: { readonly late: string; readonly night: string; readonly weekend: string; readonly wishes: string };
  readonly agents: readonly FairnessRow[];
  readonly spread: { readonly late: Spread; readonly weekend: Spread; readonly night: Spread; readonly wishesRefused: Spread; readonly shiftHours: Spread };
}

export interface ProgressPoint {
  readonly elapsedSeconds: number;
  readonly bestCost?: number;
  readonly lowerBound?: number;
}

/** A finding as the rule modules report it. */
export type ReportFinding = RuleFinding;

export interface ReportData {
  readonly title: string;
  readonly horizon: {
    readonly startDate: string;
    readonly days: number;
    readonly timeZone: string;
    readonly intervalMinutes: number;
    readonly intervalCount: number;
    /** The grid's first instant (the first site-local midnight), with its offset. */
    readonly gridStart: string;
    readonly dates: readonly string[];
    /** Minutes from the grid start at which each site-local day starts, days + 1 entries (DST-aware). */
    readonly dayStarts: readonly number[];
    /** Where the site's clock jumps (minutes from the grid start) and by how many minutes (+60 in spring). */
    readonly clockChanges: readonly { readonly at: number; readonly shift: number }[];
  };
  readonly kpis: Kpis;
  readonly skills: readonly string[];
  readonly coverage: readonly SkillCoverage[];
  readonly gantt: { readonly agents: readonly GanttAgent[]; readonly items: readonly GanttItem[]; readonly leave: readonly GanttLeave[] };
  readonly costs: { readonly total: number; readonly byRule: readonly { rule: string; cost: number }[]; readonly byAgent: readonly { agentId: string; cost: number }[] };
  readonly findings: readonly ReportFinding[];
  readonly fairness: Fairness;
  /** Incumbent and bound over time, when the result carries progress events. */
  readonly progress?: readonly ProgressPoint[];
}
