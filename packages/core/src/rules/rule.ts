/**
 * The contract every scheduling rule keeps. A rule module both adds its rows and costs to the LP model
 * and checks a finished roster, so the solver, the evaluator, the swap checks and the explanations
 * cannot disagree. Its `name` is what explanations show.
 */
import type { AgentContext, Problem, Shift } from '../expand/problem.js';
import type { RosterModel } from '../model/roster-model.js';

export interface RuleFinding {
  readonly rule: string;
  readonly agentId?: string;
  readonly hard: boolean;
  /** Cost of a soft finding; 0 for a hard one. */
  readonly cost: number;
  readonly message: string;
  readonly date?: string;
  /**
   * For hard rules that more (or different) work can repair, such as minimum hours: how far off the
   * roster is. The heuristic uses it to steer toward feasibility; hard findings without it are never
   * accepted by a move.
   */
  readonly shortfall?: number;
}

export interface RuleModule {
  readonly name: string;
  readonly description: string;
  /** Shift-level hard rules: false when this shift can never be part of a valid roster for the agent. */
  admits?(p: Problem, a: AgentContext, s: Shift): boolean;
  /** Adds this rule's variables, rows and costs. */
  build?(m: RosterModel): void;
  /** Checks one agent's shifts (sorted by start): hard violations and soft costs. */
  checkAgent?(p: Problem, a: AgentContext, shifts: readonly Shift[]): RuleFinding[];
  /** Checks what spans agents (coverage). */
  checkRoster?(p: Problem, shiftsByAgent: readonly (readonly Shift[])[]): RuleFinding[];
}

/**
 * A rule that judges each shift on its own (leave, skills, start windows…). One predicate serves both
 * candidate filtering and checking, so they agree by construction.
 */
export function shiftRule(name: string, description: string, violation: (p: Problem, a: AgentContext, s: Shift) => string | undefined): RuleModule {
  return {
    name,
    description,
    admits: (p, a, s) => violation(p, a, s) === undefined,
    checkAgent(p, a, shifts) {
      const out: RuleFinding[] = [];
      for (const s of shifts) {
        const message = violation(p, a, s);
        if (message !== undefined) out.push({ rule: name, agentId: a.id, hard: true, cost: 0, message, date: dateOfDay(p, s.day) });
      }
      return out;
    },
  };
}

/** The calendar date of a horizon day index (days outside the horizon are computed, not looked up). */
export function dateOfDay(p: Problem, day: number): string {
  return p.dates[day] ?? addDays(p.startDate, day);
}

import { addDaysToDate as addDays } from '../time/zone.js';

/** `HH:mm` of minutes after midnight, for messages (wraps past 24:00). */
export { timeOfMinutes } from '../time/zone.js';

/** Groups an agent's shifts by agent-local day. */
export function shiftsByDay(shifts: readonly Shift[]): Map<number, Shift[]> {
  const byDay = new Map<number, Shift[]>();
  for (const s of shifts) {
    const list = byDay.get(s.day);
    if (list) list.push(s);
    else byDay.set(s.day, [s]);
  }
  return byDay;
}

/** Sorted agent-local days on which the agent works. */
export function workedDays(shifts: readonly Shift[]): number[] {
  return [...new Set(shifts.map((s) => s.day))].sort((x, y) => x - y);
}
