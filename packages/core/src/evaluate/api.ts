/** The public `evaluate(scenario, roster)`: validates both, then recomputes everything from the roster. */
import { Compile } from 'typebox/compile';
import { expandProblem, type Problem } from '../expand/problem.js';
import { Roster, type Evaluation } from '../schema/roster.js';
import { RosterInputError } from '../schema/errors.js';
import { parseScenario, schemaIssues } from '../validate/validate.js';
import { evaluateShifts } from './evaluate.js';
import { rosterToShifts } from './roster.js';
import { locateBase } from '../solve/base.js';

const rosterValidator = Compile(Roster);

/** Validates and expands a scenario once, for several evaluations or swap checks. */
export function evaluateScenario(scenario: unknown): Problem {
  return expandProblem(parseScenario(scenario));
}

/**
 * With `options.base` (the shape of `SolveOptions.base`) the roster is also judged against that base: the
 * stability rule's cost of change and its hard parts, as a minimal-change solve prices them.
 */
export function evaluate(scenario: unknown, roster: unknown, options: { base?: unknown } = {}): Evaluation {
  const expanded = evaluateScenario(scenario);
  const p = options.base !== undefined ? { ...expanded, stability: locateBase(expanded, options.base) } : expanded;
  if (!rosterValidator.Check(roster)) throw new RosterInputError(schemaIssues(rosterValidator.Errors(roster)));
  return evaluateShifts(p, rosterToShifts(p, roster as Roster));
}
