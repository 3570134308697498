/** Problem details (RFC 9457) and the mapping of core input errors onto request paths. */
import { STATUS_CODES } from 'node:http';
import { FlexrosterInputError, ScenarioValidationError, SolveOptionsError, type InputIssue, type Scenario } from '@flexroster/core';
import { scenarioGuardIssues } from './guards.js';
import type { Problem } from './schemas.js';

export const PROBLEM_TYPES = {
  requestValidation: 'urn:flexroster:problem:request-validation',
  invalidInput: 'urn:flexroster:problem:invalid-input',
  busy: 'urn:flexroster:problem:solver-busy',
  solveFailed: 'urn:flexroster:problem:solve-failed',
  limit: 'urn:flexroster:problem:limit',
  tooLarge: 'urn:flexroster:problem:too-large-for-time-limit',
} as const;

export class ProblemError extends Error {
  override readonly name = 'ProblemError';
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly extra: { type?: string; title?: string; errors?: readonly InputIssue[]; headers?: Record<string, string>; limit?: Problem['limit'] } = {},
  ) {
    super(detail);
  }

  toProblem(instance?: string): Problem {
    return {
      type: this.extra.type ?? 'about:blank',
      title: this.extra.title ?? STATUS_CODES[this.status] ?? 'Error',
      status: this.status,
      detail: this.detail,
      ...(instance !== undefined ? { instance } : {}),
      ...(this.extra.errors ? { errors: [...this.extra.errors] } : {}),
      ...(this.extra.limit ? { limit: this.extra.limit } : {}),
    };
  }
}

export const notFound = (detail: string) => new ProblemError(404, detail);

/** Where the parts of a core call sit in the request, as JSON-pointer prefixes. */
export interface InputPaths {
  /** Prefix of scenario-relative paths (core reports scenario issues relative to the scenario). */
  readonly scenario: string;
  /** Prefix of the other paths, which core reports relative to an object holding roster, swap, shift … */
  readonly rest: string;
}

/** What the error is about: its title, the word for it in the detail, and the prefix of its paths. */
function inputKind(error: FlexrosterInputError, paths: InputPaths): { title: string; what: string; prefix: string } {
  if (error instanceof ScenarioValidationError) return { title: 'Invalid scenario', what: 'scenario', prefix: paths.scenario };
  if (error instanceof SolveOptionsError) return { title: 'Invalid solve options', what: 'solve options', prefix: `${paths.rest}/options` };
  return { title: 'Invalid roster or swap', what: 'roster or swap', prefix: paths.rest };
}

export function inputProblem(error: FlexrosterInputError, paths: InputPaths): ProblemError {
  const { title, what, prefix } = inputKind(error, paths);
  const errors = error.issues.map((i) => ({ path: `${prefix}${i.path}`, message: i.message }));
  return new ProblemError(422, `The ${what} ${what.endsWith('s') ? 'are' : 'is'} not valid: ${errors.length} problem${errors.length === 1 ? '' : 's'} (see errors)`, {
    type: PROBLEM_TYPES.invalidInput,
    title,
    errors,
  });
}

/** Throws a 422 problem for input the core would crash on or never finish with (guards.ts). */
export function guardScenario(scenario: Scenario, paths: InputPaths): void {
  const issues = scenarioGuardIssues(scenario);
  if (issues.length > 0) throw inputProblem(new ScenarioValidationError(issues), paths);
}

/**
 * Runs a core call on a scenario and turns its input errors into 422 problems naming request paths.
 * The scenario goes through the API's guards first.
 */
export function withInputPaths<T>(paths: InputPaths, scenario: Scenario, fn: () => T): T {
  guardScenario(scenario, paths);
  try {
    return fn();
  } catch (error) {
    if (error instanceof FlexrosterInputError) throw inputProblem(error, paths);
    throw error;
  }
}
