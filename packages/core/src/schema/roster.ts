/** Rosters and results: what solve returns, what evaluate and the swap checks take. */
import { Type, type Static } from 'typebox';
import { DateTime } from './scenario.js';

/** A piece of a shift: work on a skill, a break or lunch, or an activity (coaching, meeting, training) off the phones. */
export const Segment = Type.Object(
  {
    start: DateTime,
    end: DateTime,
    kind: Type.Union([Type.Literal('work'), Type.Literal('break'), Type.Literal('lunch'), Type.Literal('activity')]),
    skill: Type.Optional(Type.String({ minLength: 1, description: 'The skill worked (work segments; default: the assignment\'s skill)' })),
    activityId: Type.Optional(Type.String({ minLength: 1, description: 'The scenario activity an activity segment holds (required there, only there)' })),
    reset: Type.Optional(Type.Boolean({ description: 'A paid break that ends a continuous stretch on a skill (continuous-skill rule), not a template break' })),
  },
  { additionalProperties: false },
);

export const Assignment = Type.Object(
  {
    agentId: Type.String({ minLength: 1 }),
    start: DateTime,
    end: DateTime,
    skill: Type.String({ minLength: 1 }),
    template: Type.Optional(Type.String({ description: 'The shift template it came from; inferred when omitted' })),
    segments: Type.Optional(
      Type.Array(Segment, { minItems: 1, description: 'What the shift holds, in order, tiling start to end without gaps; omitted: one work segment on `skill`' }),
    ),
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

/** What a minimal-change solve starts from (`SolveOptions.base`): the published roster and the price of departing from it. */
export const ReplanBase = Type.Object(
  {
    roster: Roster,
    changeCost: Type.Object(
      {
        perShiftMoved: Type.Number({ minimum: 0, description: 'A shift replaced by another of the same agent on the same agent-local day' }),
        perShiftAddedOrRemoved: Type.Number({ minimum: 0, description: 'A shift added, or removed, with no same-day counterpart' }),
        perAgentTouched: Type.Number({ minimum: 0, description: 'Each agent with at least one change' }),
      },
      { additionalProperties: false },
    ),
    frozenBefore: Type.Optional(DateTime), // hard: nothing that starts before this instant changes
    pinned: Type.Optional(Type.Array(Assignment, { description: 'Hard: these shifts are in the roster' })),
    onlyAgents: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { description: 'Only these agents may change; every other keeps the base exactly' })),
  },
  { additionalProperties: false },
);

/** One change between two rosters: a move (both set), an addition (before null) or a removal (after null). */
export const RosterChangeSchema = Type.Object({
  agentId: Type.String(),
  before: Type.Union([Assignment, Type.Null()]),
  after: Type.Union([Assignment, Type.Null()]),
});

export const SolveStatus = Type.Union([Type.Literal('optimal'), Type.Literal('feasible'), Type.Literal('infeasible')]);

/** What the second stage (breaks, lunches, activities and resets inside the planned shifts) did. */
export const SecondStageStats = Type.Object({
  seconds: Type.Number({ description: 'Wall seconds of the whole second stage' }),
  method: Type.Union([Type.Literal('mip'), Type.Literal('greedy'), Type.Literal('mixed')], {
    description: "How breaks and lunches were placed: 'mip' when the backend solved every day's model, 'greedy' when it solved none (no break rules, no backend, no time), 'mixed' otherwise",
  }),
  days: Type.Integer({ description: 'Days with shifts that have break rules' }),
  daysByMip: Type.Integer({ description: "Days whose break model the backend solved (its placement kept where it costs less than the greedy's)" }),
  gap: Type.Union([Type.Number(), Type.Null()], { description: "Largest relative MIP gap of the days' break models; null when none was solved" }),
});

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
  secondStage: Type.Optional(SecondStageStats),
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
  unplacedActivities: Type.Optional(
    Type.Array(
      Type.Object({
        activityId: Type.String(),
        kind: Type.String({ description: 'coaching, meeting or training' }),
        hard: Type.Boolean(),
        agentIds: Type.Array(Type.String(), { description: 'Who attends its sessions (coaching: the leader, then the member)' }),
        sessions: Type.Integer({ description: 'Sessions of it not placed (coaching: in that week)' }),
        message: Type.String(),
      }),
      { description: 'With activities in the scenario: every session the second stage could not place (soft ones cost their weight, hard ones are violations)' },
    ),
  ),
  changes: Type.Optional(Type.Array(RosterChangeSchema, { description: 'With `options.base`: the changes from the base roster, per agent, then start' })),
  evaluation: Evaluation,
  warnings: Type.Array(Type.Object({ code: Type.String(), path: Type.String(), message: Type.String() })),
  stats: SolveStats,
});

export type Assignment = Static<typeof Assignment>;
export type Segment = Static<typeof Segment>;
export type Roster = Static<typeof Roster>;
export type ReplanBase = Static<typeof ReplanBase>;
export type Finding = Static<typeof Finding>;
export type CoverageRow = Static<typeof CoverageRow>;
export type ShiftCoverageRow = Static<typeof ShiftCoverageRow>;
export type Evaluation = Static<typeof Evaluation>;
export type SolveStatus = Static<typeof SolveStatus>;
export type SolveStats = Static<typeof SolveStats>;
export type SecondStageStats = Static<typeof SecondStageStats>;
export type SolveResult = Static<typeof SolveResult>;
