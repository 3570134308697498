/** The public `evaluate(scenario, roster)`: validates both, then recomputes everything from the roster. */
import { Compile } from 'typebox/compile';
import { expandProblem, type Problem } from '../expand/problem.js';
import { Roster, type Evaluation } from '../schema/roster.js';
import { RosterInputError } from '../schema/errors.js';
import { parseScenario, schemaIssues } from '../validate/validate.js';
import { evaluateShifts } from './evaluate.js';
import { rosterToShifts } from './roster.js';

const rosterValidator = Compile(Roster);

/** Validates and expands a scenario once, for several evaluations or swap checks. */
export function evaluateScenario(scenario: unknown): Problem {
  return expandProblem(parseScenario(scenario));
}

export function evaluate(scenario: unknown, roster: unknown): Evaluation {
  const p = evaluateScenario(scenario);
  if (!rosterValidator.Check(roster)) throw new RosterInputError(schemaIssues(rosterValidator.Errors(roster)));
  return evaluateShifts(p, rosterToShifts(p, roster as Roster));
}
