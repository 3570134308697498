/**
 * The changes between two rosters of one scenario, per shift: a shift of an agent that only one roster has
 * is added or removed; a removed and an added shift of the same agent on the same agent-local day make one
 * move. Shifts are equal when start, end and skill are (template names do not count).
 */
import { Compile } from 'typebox/compile';
import type { Problem, Shift } from '../expand/problem.js';
import { Roster, type Assignment } from '../schema/roster.js';
import { RosterInputError } from '../schema/errors.js';
import { schemaIssues } from '../validate/validate.js';
import { evaluateScenario } from './api.js';
import { rosterToShifts, shiftToAssignment } from './roster.js';
import { shiftChanges } from '../rules/stability.js';

export interface RosterChange {
  readonly agentId: string;
  /** The shift before the change; null when a shift was added. */
  readonly before: Assignment | null;
  /** The shift after the change; null when a shift was removed. */
  readonly after: Assignment | null;
}

const rosterValidator = Compile(Roster);

/** The changes from roster `a` to roster `b` (both validated against the scenario), by agent, then start. */
export function rosterChanges(scenario: unknown, a: unknown, b: unknown): RosterChange[] {
  const p = evaluateScenario(scenario);
  const shifts = ([a, b] as const).map((r, i) => {
    if (!rosterValidator.Check(r)) throw new RosterInputError(schemaIssues(rosterValidator.Errors(r)).map((x) => ({ ...x, path: `/${i === 0 ? 'a' : 'b'}${x.path}` })));
    return rosterToShifts(p, r as Roster, `/${i === 0 ? 'a' : 'b'}/assignments`);
  });
  return changesBetween(p, shifts[0]!, shifts[1]!);
}

/** The same on located shifts, per agent (the pairing is the stability rule's, so prices and lists agree). */
export function changesBetween(p: Problem, before: readonly (readonly Shift[])[], after: readonly (readonly Shift[])[]): RosterChange[] {
  return p.agents.flatMap((ag, ai) =>
    shiftChanges(before[ai] ?? [], after[ai] ?? []).map((c) => ({
      agentId: ag.id,
      before: c.before ? shiftToAssignment(p, c.before) : null,
      after: c.after ? shiftToAssignment(p, c.after) : null,
    })),
  );
}
