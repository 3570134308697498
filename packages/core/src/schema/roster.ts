/** Rosters and results: what solve returns, what evaluate and the swap checks take. */
import { Type, type Static } from 'typebox';
import { DateTime } from './scenario.js';

export const Assignment = Type.Object(
  {
    agentId: Type.String({ minLength: 1 }),
    start: DateTime,
    end: DateTime,
    skill: Type.String({ minLength: 1 }),
    template: Type.Optional(Type.String({ description: 'The shift template it came from; inferred when omitted' })),
  },
  { additionalProperties: false },
);

export const Roster = Type.Object({ assignments: Type.Array(Assignment) }, { additionalProperties: false });

export const Finding = Type.Object({
  rule: Type.String({ description: 'The rule module that found it' }),
  agentId: Type.Optional(Type.String()),
  hard: Type.Boolean(),
  cost: Type.Number({ description: 'Cost of a soft finding (0 for hard ones)' }),
  message: Type.String(),
  date: Type.Optional(Type.String()),
});

export const CoverageRow = Type.Object({
  start: Type.String(),
  skill: Type.String(),
  required: Type.Number(),
  scheduled: Type.Number(),
  under: Type.Number(),
  over: Type.Number(),
});

export const ShiftCoverageRow = Type.Object({
  date: Type.String(),
  template: Type.String(),
  required: Type.Number(),
  scheduled: Type.Number(),
  under: Type.Number(),
  over: Type.Number(),
});

export const Costs = Type.Object({
  total: Type.Number(),
  byRule: Type.Record(Type.String(), Type.Number()),
  byAgent: Type.Record(Type.String(), Type.Number()),
});

export const Evaluation = Type.Object({
  costs: Costs,
  violations: Type.Array(Finding, { description: 'Broken hard rules' }),
  softFindings: Type.Array(Finding, { description: 'Every soft cost, with its reason' }),
  coverage: Type.Array(CoverageRow),
  shiftCoverage: Type.Array(ShiftCoverageRow),
  understaffedAgentHours: Type.Number(),
  overstaffedAgentHours: Type.Number(),
  overtime: Type.Optional(
    Type.Object(
      {
        hours: Type.Number({ description: 'Paid hours above hoursPerWeek.max, summed over agents and weeks' }),
        cost: Type.Number({ description: 'Their cost (the overtime rule\'s total)' }),
        byAgent: Type.Record(Type.String(), Type.Number(), { description: 'Overtime hours per agent that works any' }),
      },
      { description: 'Overtime worked inside the contracts\' bands (always given by evaluate)' },
    ),
  ),
});

export const SolveStatus = Type.Union([Type.Literal('optimal'), Type.Literal('feasible'), Type.Literal('infeasible')]);

export const SolveStats = Type.Object({
  backend: Type.String(),
  variables: Type.Integer(),
  rows: Type.Integer(),
  candidateShifts: Type.Integer(),
  buildSeconds: Type.Number(),
  solveSeconds: Type.Number(),
  totalSeconds: Type.Number(),
  backendStatus: Type.Optional(Type.String()),
  backendMessage: Type.Optional(Type.String()),
  heuristicCost: Type.Optional(Type.Number({ description: 'Cost of the heuristic roster, when it kept every hard rule' })),
  backendObjective: Type.Optional(Type.Number({ description: 'Objective the backend reported for its roster' })),
});

export const SolveResult = Type.Object({
  status: SolveStatus,
  /** Why this status: optimality proof, time limit, which agent and rules conflict. */
  reason: Type.String(),
  cost: Type.Number(),
  lowerBound: Type.Optional(Type.Union([Type.Number(), Type.Null()], { description: 'Best proven lower bound on the cost; null when none is known (always set by solve)' })),
  gap: Type.Optional(Type.Number({ description: 'Relative gap (cost − bound) / cost' })),
  bounds: Type.Optional(
    Type.Object(
      {
        coverage: Type.Optional(Type.Number({ description: 'Each interval priced alone: its cheapest under- or overstaffing whatever the agents do' })),
        lp: Type.Optional(Type.Number({ description: 'The LP relaxation of the whole model, one column per agent and shift' })),
        lpByWeek: Type.Optional(Type.Number({ description: 'The same relaxation solved week by week, the rows linking weeks dropped' })),
        classLp: Type.Optional(Type.Number({ description: 'The LP relaxation over agent classes (alike agents share columns)' })),
        mip: Type.Optional(Type.Number({ description: "A MIP's proven bound: the backend's on the whole model, or over the columns reduced-cost fixing left" })),
      },
      {
        additionalProperties: false,
        description:
          'Every lower bound the solve found, by source; `lowerBound` is the strongest. Where the MIP bound is well above the LP relaxation, the relaxation is weak; where all are close together and the gap is large, the roster is the weak part.',
      },
    ),
  ),
  infeasibleAgents: Type.Optional(
    Type.Array(Type.String(), {
      description:
        'Agents for whom no roster can keep every hard rule (their contract minimum is out of reach), found before solving. The roster is still made for everyone: these agents without that minimum, every other rule kept for all.',
    }),
  ),
  roster: Roster,
  evaluation: Evaluation,
  warnings: Type.Array(Type.Object({ code: Type.String(), path: Type.String(), message: Type.String() })),
  stats: SolveStats,
});

export type Assignment = Static<typeof Assignment>;
export type Roster = Static<typeof Roster>;
export type Finding = Static<typeof Finding>;
export type CoverageRow = Static<typeof CoverageRow>;
export type ShiftCoverageRow = Static<typeof ShiftCoverageRow>;
export type Evaluation = Static<typeof Evaluation>;
export type SolveStatus = Static<typeof SolveStatus>;
export type SolveStats = Static<typeof SolveStats>;
export type SolveResult = Static<typeof SolveResult>;
