/**
 * The fairness panel: per agent, late, weekend and night shifts, soft wishes granted or refused, and hours
 * against the contract; then the spread of each across agents. A wish is refused when the core's own rule
 * module finds a cost for that wish alone, so the panel and the evaluator cannot disagree.
 */
import { AGENT_RULES, type Problem, type Shift } from '@flexroster/core';
import type { Fairness, FairnessRow, Spread } from './model.js';

export interface FairnessOptions {
  /** A shift starting at or after this many agent-local minutes after midnight is late (default 14:00). */
  readonly lateFromMinutes?: number;
  /** A shift touching this agent-local window is a night shift (default 22:00–06:00). */
  readonly nightFromMinutes?: number;
  readonly nightToMinutes?: number;
}

export function fairness(p: Problem, byAgent: readonly (readonly Shift[])[], options: FairnessOptions = {}): Fairness {
  const lateFrom = options.lateFromMinutes ?? 14 * 60;
  const nightFrom = options.nightFromMinutes ?? 22 * 60;
  const nightTo = options.nightToMinutes ?? 6 * 60;
  const agents = p.agents.map((a, ai): FairnessRow => {
    const shifts = byAgent[ai] ?? [];
    const wishes = a.rules.filter((r) => r.hard !== true);
    const refused = wishes.filter((rule) => {
      const module = AGENT_RULES.find((m) => m.name === rule.kind);
      return module?.checkAgent!(p, { ...a, rules: [rule] }, shifts).some((f) => !f.hard && f.cost > 0) ?? false;
    }).length;
    const bounds = contractHours(p, ai);
    return {
      agentId: a.id,
      late: shifts.filter((s) => s.localStart >= lateFrom).length,
      weekend: shifts.filter((s) => s.weekday >= 5).length,
      night: shifts.filter((s) => s.localStart < nightTo || s.localEnd > nightFrom).length,
      wishes: wishes.length,
      wishesGranted: wishes.length - refused,
      wishesRefused: refused,
      shiftHours: shifts.reduce((h, s) => h + s.minutes, 0) / 60,
      paidLeaveHours: a.paidLeaveMinutesTotal / 60,
      ...bounds,
    };
  });
  const spreadOf = (f: (r: FairnessRow) => number) => spread(agents.map(f));
  return {
    definitions: {
      late: `starts at or after ${hhmm(lateFrom)} agent time`,
      night: `any part between ${hhmm(nightFrom)} and ${hhmm(nightTo)} agent time`,
      weekend: 'starts on a Saturday or Sunday agent time',
      wishes: "the agent's soft personal rules; refused when the rule alone finds a cost in the roster",
    },
    agents,
    spread: {
      late: spreadOf((r) => r.late),
      weekend: spreadOf((r) => r.weekend),
      night: spreadOf((r) => r.night),
      wishesRefused: spreadOf((r) => r.wishesRefused),
      shiftHours: spreadOf((r) => r.shiftHours),
    },
  };
}

/** Paid hours over the horizon the contract allows: the horizon bounds and the weekly ones summed, the tighter. */
function contractHours(p: Problem, ai: number): { contractMinHours?: number; contractMaxHours?: number } {
  const c = p.agents[ai]!.contract;
  const weeks = p.weeks.reduce((sum, w) => sum + w.scale, 0);
  const mins = [c.hoursPerHorizon?.min, c.hoursPerWeek?.min !== undefined ? c.hoursPerWeek.min * weeks : undefined].filter((x) => x !== undefined);
  const maxs = [c.hoursPerHorizon?.max, c.hoursPerWeek?.max !== undefined ? c.hoursPerWeek.max * weeks : undefined].filter((x) => x !== undefined);
  return { ...(mins.length ? { contractMinHours: Math.max(...mins) } : {}), ...(maxs.length ? { contractMaxHours: Math.min(...maxs) } : {}) };
}

export function spread(values: readonly number[]): Spread {
  if (values.length === 0) return { min: 0, max: 0, mean: 0, sd: 0 };
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length);
  return { min: Math.min(...values), max: Math.max(...values), mean, sd };
}

function hhmm(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}
