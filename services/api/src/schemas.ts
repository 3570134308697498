/**
 * The API's own schemas: request envelopes, job views and problem details. Everything inside them that
 * describes the domain (scenario, roster, swap, results) is the core's TypeBox schema, unchanged, so the
 * HTTP layer and the solver check the same definition.
 */
import { Type, type Static, type TSchema } from 'typebox';
import { Roster, Scenario, ShiftRef, SolveResult, Swap, SwapPolicy } from '@flexroster/core';
import { BACKEND_NAMES } from './backends.js';

export const IssueSchema = Type.Object(
  {
    path: Type.String({ description: 'JSON pointer into the request, starting with the part it is in: /body/…, /params/…, /querystring/…' }),
    message: Type.String(),
  },
  { additionalProperties: false },
);

/** RFC 9457 problem details, as every error response of this API. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String({ description: 'A URI naming the kind of problem; about:blank when the status says it all' }),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    instance: Type.Optional(Type.String({ description: 'The request path' })),
    errors: Type.Optional(Type.Array(IssueSchema, { description: 'Every problem found in the input (400 and 422)' })),
    limit: Type.Optional(
      Type.Object(
        {
          name: Type.String({ description: 'The limit, as named in the tenant policy: requestsPerMinute, concurrentSolves, maxAgents …' }),
          allowed: Type.Number(),
          requested: Type.Optional(Type.Number({ description: 'What the request asked for, where it says' })),
        },
        { additionalProperties: false, description: 'The limit the request ran into (429, and 422 for a solve or scenario beyond the limits)' },
      ),
    ),
  },
  { additionalProperties: false },
);
export type Problem = Static<typeof ProblemSchema>;

const problemContent = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ProblemSchema } },
});

/** Error responses a route can give, documented once. */
export const problems = {
  400: problemContent('The request does not match the schema: missing fields, wrong types, unknown fields, malformed JSON'),
  401: problemContent('No API key, or an unknown or revoked one (Authorization: Bearer <api key>)'),
  403: problemContent('The key’s role may not use this route'),
  404: problemContent('No such resource'),
  409: problemContent('The resource is in a state that does not allow this'),
  413: problemContent('The body is larger than the configured limit'),
  415: problemContent('The body is not JSON'),
  422: problemContent('Well-formed, but the scenario, roster or swap is wrong (unknown agent, a time zone that does not exist, …)'),
  429: problemContent('Over a limit of the key or tenant (requests per minute, concurrent solves): `limit` names it; retry after the Retry-After seconds'),
  500: problemContent('A fault of the server (never bad input)'),
  503: problemContent('The solve cannot start in time (every worker busy, the queue full or too long); retry after the Retry-After seconds'),
} as const;

export function pickProblems<K extends keyof typeof problems>(...codes: K[]): Pick<typeof problems, K> {
  return Object.fromEntries(codes.map((c) => [c, problems[c]])) as Pick<typeof problems, K>;
}

export const BackendNameSchema = Type.Union(
  BACKEND_NAMES.map((n) => Type.Literal(n)),
  { description: 'The LP backend. Default: highs when it is installed, else javascript-lp-solver (which only takes small models; larger ones get the heuristic roster)' },
);

export function solveOptionsSchema(maxTimeLimitSeconds: number, defaultTimeLimitSeconds: number) {
  return Type.Object(
    {
      timeLimitSeconds: Type.Optional(
        Type.Number({ exclusiveMinimum: 0, maximum: maxTimeLimitSeconds, description: `Wall-clock limit of the whole solve (default ${defaultTimeLimitSeconds}, at most ${maxTimeLimitSeconds})` }),
      ),
      backend: Type.Optional(BackendNameSchema),
    },
    { additionalProperties: false },
  );
}

export function solveRequestSchema(maxTimeLimitSeconds: number, defaultTimeLimitSeconds: number, example: unknown) {
  return Type.Object(
    { scenario: Scenario, options: Type.Optional(solveOptionsSchema(maxTimeLimitSeconds, defaultTimeLimitSeconds)) },
    { additionalProperties: false, examples: [example] },
  );
}
export type SolveRequest = { scenario: Static<typeof Scenario>; options?: { timeLimitSeconds?: number; backend?: (typeof BACKEND_NAMES)[number] } };

export const JobStatusSchema = Type.Union([Type.Literal('queued'), Type.Literal('running'), Type.Literal('done'), Type.Literal('failed'), Type.Literal('cancelled')], {
  description: 'queued → running → done | failed | cancelled (a queued job may also go straight to cancelled)',
});
export type JobStatus = Static<typeof JobStatusSchema>;

const Nullable = <T extends TSchema>(schema: T, description: string) => Type.Union([schema, Type.Null()], { description });

export const JobProgressSchema = Type.Object({
  phase: Type.String({
    description:
      "queued; preparing (expanding the scenario, generating candidate shifts); then the core's solve phases as it reports them (heuristic, backend, …); done",
    examples: ['heuristic'],
  }),
  bestCost: Nullable(Type.Number(), 'Cost of the best roster keeping every hard rule so far (null before the first)'),
  lowerBound: Nullable(Type.Number(), 'Best proven lower bound on the cost (null while unknown)'),
  gap: Nullable(Type.Number(), 'Relative gap (bestCost − lowerBound) / bestCost (null while unknown)'),
  elapsedSeconds: Type.Number({ description: 'Seconds since the solve started (0 while queued)' }),
});
export type JobProgress = Static<typeof JobProgressSchema>;

export const JobSummarySchema = Type.Object({ id: Type.String({ format: 'uuid' }), status: JobStatusSchema });

export const JobErrorSchema = Type.Object({
  title: Type.String(),
  detail: Type.String(),
  errors: Type.Optional(Type.Array(IssueSchema)),
});

export const JobCheckpointSchema = Type.Object(
  {
    cost: Type.Number({ description: 'Cost of the checkpointed roster' }),
    roster: Roster,
    savedAt: Type.String({ description: 'ISO 8601 instant it was saved' }),
  },
  {
    description:
      'The best roster keeping every hard rule saved while the job ran (at most every few seconds; the cheapest over all its attempts). Shown while the job runs and when it failed (the error says so); never with a result, which supersedes it.',
  },
);

export const JobViewSchema = Type.Object({
  id: Type.String({ format: 'uuid' }),
  status: JobStatusSchema,
  queuePosition: Type.Optional(Type.Integer({ minimum: 1, description: 'While queued: 1 when it is the next solve to start' })),
  createdAt: Type.String({ description: 'ISO 8601 instant' }),
  startedAt: Type.Optional(Type.String()),
  finishedAt: Type.Optional(Type.String()),
  expiresAt: Type.Optional(Type.String({ description: 'When a finished job is dropped and its id answers 404' })),
  cancelRequested: Type.Boolean(),
  timeLimitSeconds: Type.Number(),
  backend: Type.String(),
  progress: JobProgressSchema,
  result: Type.Optional(SolveResult),
  error: Type.Optional(JobErrorSchema),
  startedFrom: Type.Optional(
    Type.Union([Type.Literal('scratch'), Type.Literal('checkpoint')], {
      description:
        "What the latest attempt's search started from, once it started: `checkpoint` when a retry (after its runner was lost) began from the best roster an earlier attempt checkpointed; its result is never worse than that roster",
    }),
  ),
  startCost: Type.Optional(Type.Number({ description: 'With `startedFrom: checkpoint`: the cost of the roster the attempt started from' })),
  checkpoint: Type.Optional(JobCheckpointSchema),
});
export type JobCheckpoint = Static<typeof JobCheckpointSchema>;
export type JobView = Static<typeof JobViewSchema>;

export const JobParamsSchema = Type.Object({ id: Type.String({ minLength: 1, maxLength: 100, description: 'The job id from POST /v1/solve-jobs' }) });

export const EvaluateRequestSchema = (example: unknown) => Type.Object({ scenario: Scenario, roster: Roster }, { additionalProperties: false, examples: [example] });

export const SwapCheckRequestSchema = (example: unknown) =>
  Type.Object(
    { scenario: Scenario, roster: Roster, swap: Swap, policy: Type.Optional(SwapPolicy) },
    { additionalProperties: false, examples: [example] },
  );

export const SwapCandidatesRequestSchema = (example: unknown) =>
  Type.Object(
    {
      scenario: Scenario,
      roster: Roster,
      agentId: Type.String({ minLength: 1, description: 'The agent who wants to hand over or exchange the shift' }),
      shift: ShiftRef,
      policy: Type.Optional(SwapPolicy),
    },
    { additionalProperties: false, examples: [example] },
  );

export const HealthSchema = Type.Object({
  status: Type.Literal('ok'),
  uptimeSeconds: Type.Number(),
  backends: Type.Object({ default: Type.String(), available: Type.Array(Type.String()) }),
  solvePool: Type.Object({
    size: Type.Integer(),
    running: Type.Integer(),
    queued: Type.Integer(),
    maxQueue: Type.Integer(),
    started: Type.Integer({ description: 'Solve workers started so far: they start on the first solve' }),
  }),
  jobs: Type.Integer({ description: 'Jobs held in memory (running, queued and finished ones not yet expired)' }),
});

/** A stored schedule as the schedule routes answer it: the scenario and roster as stored (segments included). */
export const ScheduleViewSchema = Type.Object({
  id: Type.String(),
  name: Nullable(Type.String(), 'The name given at creation'),
  version: Type.Integer({ minimum: 1 }),
  publishedAt: Nullable(Type.String(), 'ISO 8601 instant of the last publication; null for a draft'),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  scenario: Type.Unsafe<Static<typeof Scenario>>({ description: 'The stored scenario (as POST /v1/schedules takes it)' }),
  roster: { ...Roster, description: 'The stored roster (as PUT /v1/schedules/{id}/roster takes it), each assignment with its `segments` where it was given or solved with them' },
});

const located = {
  startLocal: Type.String({ description: 'Wall-clock start in the agent’s zone, with its offset' }),
  endLocal: Type.String({ description: 'Wall-clock end in the agent’s zone, with its offset' }),
  startUtc: Type.String({ description: 'Start in UTC (ISO 8601, Z)' }),
  endUtc: Type.String({ description: 'End in UTC (ISO 8601, Z)' }),
};

/** One piece of an agent's shift; `kind` is the roster's (work, break, lunch, activity). */
export const AgentSegmentSchema = Type.Object({
  start: Type.String({ description: 'As the roster writes it' }),
  end: Type.String({ description: 'As the roster writes it' }),
  kind: Type.String({ description: 'work, break, lunch or activity', examples: ['break'] }),
  skill: Type.Optional(Type.String({ description: 'The skill of a work segment, when the roster names one' })),
  activityId: Type.Optional(Type.String({ description: 'The activity (coaching, meeting …) of an activity segment' })),
  ...located,
});

export const AgentShiftSchema = Type.Object({
  start: Type.String({ description: 'As the roster writes it' }),
  end: Type.String({ description: 'As the roster writes it' }),
  skill: Type.String(),
  template: Type.Optional(Type.String()),
  ...located,
  segments: Type.Optional(
    Type.Array(AgentSegmentSchema, { description: 'What the shift holds, in order, tiling it; absent when the roster gives none (the shift is then one work segment on `skill`)' }),
  ),
});

export const AgentScheduleSchema = Type.Object({
  scheduleId: Type.String(),
  version: Type.Integer({ minimum: 1 }),
  publishedAt: Nullable(Type.String(), 'ISO 8601 instant; null for a draft (only planners see drafts)'),
  agentId: Type.String(),
  timeZone: Type.String({ description: 'The agent’s IANA zone, in which the local times are' }),
  shifts: Type.Array(AgentShiftSchema),
});
