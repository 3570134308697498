/** Typed errors of the library: each names the field path and the problem. */

export interface InputIssue {
  /** JSON pointer into the input, e.g. `/agents/3/leave/0/end`. */
  readonly path: string;
  readonly message: string;
}

export class FlexrosterInputError extends Error {
  constructor(
    message: string,
    readonly issues: readonly InputIssue[],
  ) {
    super(`${message}: ${issues
      .slice(0, 5)
      .map((i) => `${i.path || '/'} ${i.message}`)
      .join('; ')}${issues.length > 5 ? `; and ${issues.length - 5} more` : ''}`);
    this.name = 'FlexrosterInputError';
  }
}

/** The scenario does not satisfy the schema or the domain checks. */
export class ScenarioValidationError extends FlexrosterInputError {
  constructor(issues: readonly InputIssue[]) {
    super('invalid scenario', issues);
    this.name = 'ScenarioValidationError';
  }
}

/** A solve option is invalid, or the time limit is too short for the scenario; paths are relative to the options. */
export class SolveOptionsError extends FlexrosterInputError {
  constructor(message: string, issues: readonly InputIssue[]) {
    super(message, issues);
    this.name = 'SolveOptionsError';
  }
}

/** A roster (or swap) refers to unknown agents, bad times or skills. */
export class RosterInputError extends FlexrosterInputError {
  constructor(issues: readonly InputIssue[]) {
    super('invalid roster', issues);
    this.name = 'RosterInputError';
  }
}

/** A swap wish gives a shift its agent does not hold (or names an unknown agent); paths name the wish. */
export class SwapWishError extends FlexrosterInputError {
  constructor(issues: readonly InputIssue[]) {
    super('invalid swap wish', issues);
    this.name = 'SwapWishError';
  }
}
