/**
 * Per-agent feasibility diagnosis before solving: hard rules that no roster can meet for an agent (no
 * candidate shifts, minimum hours out of reach because of leave, days or templates). Hard rules only
 * bind one agent at a time, so these name exactly who and which rules conflict.
 *
 * `withoutUnreachableMinimums` then lets the solve go on for everyone else: the agents whose contract
 * minimum is out of reach are solved without that minimum (every other rule of theirs still holds), and
 * the finished roster is evaluated against the real scenario, so their shortfall is reported as it is.
 */
import type { AgentContext, Problem } from '../expand/problem.js';
import type { Contract } from '../schema/scenario.js';
import type { ValidationWarning } from '../validate/validate.js';
import { hoursBounds } from '../rules/contract-hours.js';

export interface Diagnosis {
  readonly warnings: ValidationWarning[];
  /** Indices of the agents whose contract minimum (weekly or over the horizon) no roster can reach. */
  readonly unreachableMinimum: ReadonlySet<number>;
}

export function diagnoseAgents(p: Problem): Diagnosis {
  const warnings: ValidationWarning[] = [];
  const unreachableMinimum = new Set<number>();
  p.agents.forEach((a, ai) => {
    const path = `/agents/${ai}`;
    // An agent kept to an empty base (a re-plan outside `onlyAgents`) has no candidates by design.
    if (a.candidates.length === 0 && !p.stability?.kept.has(ai)) {
      warnings.push({ code: 'no-candidate-shifts', path, message: `${a.id} has no shift that passes skills, templates, leave, start window and personal needs` });
    }
    for (const b of hoursBounds(p, a)) {
      if (b.minMinutes <= b.paidLeaveMinutes) continue;
      // Most hours reachable: the longest candidate on each day, on as many days as allowed.
      const perDay = new Map<number, number>();
      for (const s of a.candidates) if (b.week === undefined || s.week === b.week) perDay.set(s.day, Math.max(perDay.get(s.day) ?? 0, s.paidMinutes));
      const lengths = [...perDay.values()].sort((x, y) => y - x);
      const maxDays = b.week !== undefined && a.contract.maxDaysPerWeek !== undefined ? a.contract.maxDaysPerWeek : lengths.length;
      const reachable = lengths.slice(0, maxDays).reduce((x, y) => x + y, 0) * (a.agent.microShifts ? 2 : 1) + b.paidLeaveMinutes;
      if (reachable < b.minMinutes - 1e-6) {
        unreachableMinimum.add(ai);
        warnings.push({
          code: 'min-hours-unreachable',
          path: `${path}/contract`,
          message: `${a.id}, ${b.label}: at most ${Math.round(reachable / 6) / 10} h reachable (available days, leave, max days, shift lengths) but contract-hours needs ${b.minMinutes / 60} h`,
        });
      }
    }
  });
  return { warnings, unreachableMinimum };
}

/**
 * `p` with the contract minimums of `agents` taken away (weekly and over the horizon; maximums and every
 * other rule kept). Each such agent gets a contract of its own, with an id no scenario can hold, so that
 * aggregation over agent classes never mixes it with its colleagues. Candidates are shared, not copied.
 */
export function withoutUnreachableMinimums(p: Problem, agents: ReadonlySet<number>): Problem {
  if (agents.size === 0) return p;
  const relax = (a: AgentContext): AgentContext => {
    const { hoursPerWeek, hoursPerHorizon, ...c } = a.contract;
    const contract: Contract = {
      ...c,
      id: `${c.id}\u0000without-minimum:${a.id}`,
      ...(hoursPerWeek?.max !== undefined ? { hoursPerWeek: { max: hoursPerWeek.max } } : {}),
      ...(hoursPerHorizon?.max !== undefined ? { hoursPerHorizon: { max: hoursPerHorizon.max } } : {}),
    };
    return { ...a, contract };
  };
  return { ...p, agents: p.agents.map((a, ai) => (agents.has(ai) ? relax(a) : a)) };
}
