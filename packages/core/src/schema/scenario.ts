/**
 * The scenario: everything a solve needs, as plain JSON. This file is the only place that defines field
 * names; the REST API reuses these schemas as they are.
 */
import { Type, type Static } from 'typebox';

export const SCHEMA_VERSION = 1;

const Id = Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_.:@-]+$', description: 'An identifier: letters, digits and _ . : @ -' });
export const LocalDate = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'A calendar date, YYYY-MM-DD', examples: ['2026-03-23'] });
export const LocalTime = Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$', description: 'A wall-clock time, HH:mm', examples: ['09:00'] });
/** End times may be 24:00 (the end of the day). */
export const LocalEndTime = Type.String({ pattern: '^(([01]\\d|2[0-3]):[0-5]\\d|24:00)$', description: 'A wall-clock time, HH:mm, or 24:00' });
export const DateTime = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2})?$',
  description: 'ISO 8601 date-time. With an offset or Z it is an instant; without one it is wall-clock time in the zone that applies (the site’s or the agent’s).',
  examples: ['2026-03-24T10:00', '2026-03-24T10:00:00+01:00'],
});
export const Weekday = Type.Union([Type.Literal('mon'), Type.Literal('tue'), Type.Literal('wed'), Type.Literal('thu'), Type.Literal('fri'), Type.Literal('sat'), Type.Literal('sun')]);
const TimeZone = Type.String({ minLength: 1, description: 'An IANA time zone, e.g. Europe/London' });
const NonNegative = Type.Number({ minimum: 0 });
const Weight = Type.Number({ minimum: 0, description: 'Cost per violation of a soft rule (ignored when hard)' });

/**
 * A skill, by id alone or with a limit on continuous work: after at most `maxContinuousMinutes` on it the
 * agent spends at least `resetMinutes` on another skill, a break or lunch, or an activity (the
 * `continuous-skill` rule; the solve's second stage inserts the resets).
 */
export const SkillDefinition = Type.Object(
  {
    id: Id,
    name: Type.Optional(Type.String()),
    maxContinuousMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 1440, description: 'Longest continuous stretch on this skill (at least the grid step; needs resetMinutes)' })),
    resetMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 720, description: 'Least time off this skill that ends a stretch (needs maxContinuousMinutes)' })),
  },
  { additionalProperties: false },
);

/** A team: a leader and the members they coach. An agent belongs to at most one team. */
export const Team = Type.Object(
  {
    id: Id,
    name: Type.Optional(Type.String()),
    leader: Id,
    members: Type.Array(Id, { minItems: 1, description: 'Agent ids (not the leader)' }),
  },
  { additionalProperties: false },
);

/**
 * When an activity may take place: between `start` and `end` (date-times, site zone when without offset),
 * on `weekdays`, between `from` and `to` each day (site time). Every field narrows; omitted, the whole horizon.
 */
export const ActivityWindow = Type.Object(
  {
    start: Type.Optional(DateTime),
    end: Type.Optional(DateTime),
    weekdays: Type.Optional(Type.Array(Weekday, { minItems: 1 })),
    from: Type.Optional(LocalTime),
    to: Type.Optional(LocalEndTime),
  },
  { additionalProperties: false },
);

const ActivityCommon = {
  id: Id,
  name: Type.Optional(Type.String()),
  minutes: Type.Integer({ minimum: 1, maximum: 720, description: 'Length of one session' }),
  window: Type.Optional(ActivityWindow),
  hard: Type.Optional(Type.Boolean({ description: 'Must be placed (hard) or should be (soft, the default)' })),
  weight: Type.Optional(Type.Number({ minimum: 0, description: 'Cost of each soft session left unplaced (default 1)' })),
};

/** Off-the-phones time inside shifts, placed by the solve's second stage and judged by the `activities` rule. */
export const Activity = Type.Union([
  Type.Object(
    { kind: Type.Literal('coaching'), team: Id, perWeek: Type.Integer({ minimum: 1, maximum: 14, description: 'Sessions per member and horizon week (a partial week: scaled, rounded up)' }), ...ActivityCommon },
    { additionalProperties: false, description: 'Each member of the team with its leader, both off the phones at the same time, inside both shifts' },
  ),
  Type.Object(
    {
      kind: Type.Literal('meeting'),
      attendees: Type.Optional(Type.Array(Id, { minItems: 1, description: 'Agent ids' })),
      team: Type.Optional(Id), // every member of the team and its leader, instead of attendees
      ...ActivityCommon,
    },
    { additionalProperties: false, description: 'One session all attendees attend together' },
  ),
  Type.Object({ kind: Type.Literal('training'), agentId: Id, ...ActivityCommon }, { additionalProperties: false, description: 'One session of one agent' }),
]);

export const Horizon = Type.Object(
  {
    startDate: LocalDate,
    days: Type.Integer({ minimum: 1, maximum: 400 }),
    timeZone: TimeZone,
    intervalMinutes: Type.Integer({ minimum: 1, maximum: 1440, description: 'The planning grid: 15, 30 or 60 minutes (it must divide 24 h)' }),
  },
  { additionalProperties: false },
);

/** A break or lunch inside a shift: its length and the window (elapsed minutes after the shift start) its start falls in. */
export const BreakRule = Type.Object(
  {
    kind: Type.Union([Type.Literal('break'), Type.Literal('lunch')]),
    minutes: Type.Integer({ minimum: 1, maximum: 720, description: 'Length of the break' }),
    earliestAfterStartMinutes: Type.Integer({ minimum: 0, maximum: 1440, description: 'Earliest start, in elapsed minutes after the shift start' }),
    latestAfterStartMinutes: Type.Integer({ minimum: 0, maximum: 1440, description: 'Latest start, in elapsed minutes after the shift start' }),
    paid: Type.Boolean({ description: 'Unpaid break time does not count toward contract hours' }),
    minShiftMinutes: Type.Optional(Type.Integer({ minimum: 0, maximum: 1440, description: 'Applies only to shifts at least this long (default: every length)' })),
  },
  { additionalProperties: false },
);

export const ShiftTemplate = Type.Object(
  {
    id: Id,
    name: Type.Optional(Type.String()),
    earliestStart: LocalTime,
    latestStart: LocalTime,
    startStepMinutes: Type.Optional(Type.Integer({ minimum: 5, maximum: 1440, description: 'Default: the interval length' })),
    lengthsMinutes: Type.Array(Type.Integer({ minimum: 15, maximum: 1440 }), { minItems: 1, description: 'Allowed lengths; the shift is paid for its whole length' }),
    micro: Type.Optional(Type.Boolean({ description: 'A micro-shift template: only agents who opted in get it' })),
    skills: Type.Optional(Type.Array(Id, { description: 'Skills this shift may serve (default: all)' })),
    weekdays: Type.Optional(Type.Array(Weekday, { description: 'Weekdays (site time) on which it may start (default: all)' })),
    notFollowedBy: Type.Optional(Type.Array(Id, { description: 'Templates the same agent may not work on the next day' })),
    breaks: Type.Optional(Type.Array(BreakRule, { description: 'Breaks and lunches every shift of this template takes (placed by the solve, judged by the `breaks` rule)' })),
    minGapMinutes: Type.Optional(Type.Integer({ minimum: 0, maximum: 1440, description: 'Least work between two breaks of a shift (default 0)' })),
  },
  { additionalProperties: false },
);

const MinMax = Type.Object({ min: Type.Optional(NonNegative), max: Type.Optional(NonNegative) }, { additionalProperties: false });

export const Contract = Type.Object(
  {
    id: Id,
    hoursPerWeek: Type.Optional(MinMax),
    hoursPerHorizon: Type.Optional(MinMax),
    maxDaysPerWeek: Type.Optional(Type.Integer({ minimum: 0, maximum: 7 })),
    overtime: Type.Optional(
      Type.Object(
        {
          maxHoursPerWeek: Type.Number({ minimum: 0, maximum: 168, description: 'Paid hours a week may exceed hoursPerWeek.max (hard above); scaled like the weekly bounds in a partial week' }),
          costPerHour: Type.Number({ minimum: 0, description: 'Cost of each paid hour above hoursPerWeek.max' }),
        },
        { additionalProperties: false, description: 'A priced band of overtime beyond hoursPerWeek.max (needs it)' },
      ),
    ),
    paidHoursPerLeaveDay: Type.Optional(
      Type.Number({ minimum: 0, maximum: 24, description: 'Paid hours a whole day of paid leave counts (default hoursPerWeek.max / maxDaysPerWeek, else 8); partial-day leave counts its real hours' }),
    ),
    minRestHours: Type.Optional(Type.Number({ minimum: 0, maximum: 48, description: 'Between shifts on different days (default 11)' })),
    maxConsecutiveDays: Type.Optional(Type.Integer({ minimum: 1 })),
    minConsecutiveDays: Type.Optional(Type.Integer({ minimum: 1, description: 'A run of working days with a day off on both sides inside the horizon is at least this long' })),
    minConsecutiveDaysOff: Type.Optional(Type.Integer({ minimum: 1, description: 'A run of days off with work on both sides inside the horizon is at least this long' })),
    maxWeekends: Type.Optional(Type.Integer({ minimum: 0, description: 'Weekends (Saturday or Sunday worked) over the horizon' })),
    maxShiftsPerTemplate: Type.Optional(Type.Record(Type.String(), Type.Integer({ minimum: 0 }), { description: 'Per template id, the most shifts over the horizon' })),
    templates: Type.Optional(Type.Array(Id, { description: 'Templates this contract allows (default: all)' })),
  },
  { additionalProperties: false },
);

export const Leave = Type.Object(
  {
    start: DateTime,
    end: DateTime,
    type: Type.Optional(Type.String({ maxLength: 50, description: 'e.g. annual, sick, unpaid' })),
    paid: Type.Optional(Type.Boolean({ description: 'Paid leave counts toward contract hours (default true)' })),
  },
  { additionalProperties: false },
);

const Strength = {
  hard: Type.Optional(Type.Boolean({ description: 'A need (hard) or a wish (soft, the default)' })),
  weight: Type.Optional(Weight),
};

export const PersonalRule = Type.Union([
  Type.Object({ kind: Type.Literal('free-window'), weekday: Weekday, from: LocalTime, to: LocalEndTime, ...Strength }, { additionalProperties: false, description: 'Keep a weekly window free (agent time)' }),
  Type.Object({ kind: Type.Literal('earliest-start'), weekdays: Type.Optional(Type.Array(Weekday)), time: LocalTime, ...Strength }, { additionalProperties: false, description: 'Never start before a time on these weekdays' }),
  Type.Object({ kind: Type.Literal('latest-end'), weekdays: Type.Optional(Type.Array(Weekday)), time: LocalEndTime, ...Strength }, { additionalProperties: false, description: 'Always finish by a time on these weekdays' }),
  Type.Object({ kind: Type.Literal('max-late-shifts'), startingAtOrAfter: LocalTime, maxPerWeek: Type.Integer({ minimum: 0 }), ...Strength }, { additionalProperties: false, description: 'At most N shifts a week that start at or after a time' }),
  Type.Object({ kind: Type.Literal('preferred-day-off'), weekday: Weekday, ...Strength }, { additionalProperties: false, description: 'A weekday without work' }),
  Type.Object({ kind: Type.Literal('max-working-days'), maxPerWeek: Type.Integer({ minimum: 0, maximum: 7 }), ...Strength }, { additionalProperties: false, description: 'A compressed week: at most N working days a week' }),
  Type.Object(
    { kind: Type.Literal('shift-request'), date: LocalDate, template: Type.Optional(Id), want: Type.Union([Type.Literal('on'), Type.Literal('off')]), ...Strength },
    { additionalProperties: false, description: 'Work (on) or do not work (off) that template, or any shift when no template is named, on a date' },
  ),
]);

export const Agent = Type.Object(
  {
    id: Id,
    name: Type.Optional(Type.String()),
    timeZone: Type.Optional(TimeZone),
    skills: Type.Array(Id, { minItems: 1 }),
    contract: Id,
    microShifts: Type.Optional(
      Type.Object(
        {
          maxPerWeek: Type.Integer({ minimum: 0 }),
          minGapHours: Type.Number({ minimum: 0, description: 'Gap to another shift on the same day' }),
        },
        { additionalProperties: false, description: 'Present when the agent opted in to micro-shifts' },
      ),
    ),
    leave: Type.Optional(Type.Array(Leave)),
    flexibleStart: Type.Optional(Type.Object({ usual: LocalTime, toleranceMinutes: Type.Integer({ minimum: 0, maximum: 720 }) }, { additionalProperties: false })),
    rules: Type.Optional(Type.Array(PersonalRule)),
  },
  { additionalProperties: false },
);

export const Forecast = Type.Object(
  {
    contacts: Type.Array(Type.Number({ minimum: 0, maximum: 1_000_000 }), { description: 'Contacts per interval' }),
    ahtSeconds: Type.Number({ exclusiveMinimum: 0, maximum: 86_400 }),
    serviceLevel: Type.Object({ target: Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 1 }), answerSeconds: Type.Number({ minimum: 0 }) }, { additionalProperties: false }),
    maxOccupancy: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 1 })),
    shrinkage: Type.Optional(Type.Number({ minimum: 0, exclusiveMaximum: 1 })),
  },
  { additionalProperties: false },
);

export const IntervalDemand = Type.Object(
  {
    skill: Id,
    start: DateTime,
    required: Type.Optional(Type.Array(NonNegative, { description: 'Agents needed per interval from start' })),
    forecast: Type.Optional(Forecast),
  },
  { additionalProperties: false, description: 'Demand from start, one value per interval: either required agents or a forecast turned into agents by Erlang C' },
);

export const ShiftDemand = Type.Object(
  {
    date: LocalDate,
    template: Id,
    required: Type.Integer({ minimum: 0 }),
    underWeight: Type.Optional(Weight),
    overWeight: Type.Optional(Weight),
  },
  { additionalProperties: false, description: 'Agents needed on a template on a date (planning at shift-type level)' },
);

export const Weights = Type.Object(
  {
    understaffedPerAgentHour: Type.Optional(Weight),
    overstaffedPerAgentHour: Type.Optional(Weight),
    shiftUnderPerAgent: Type.Optional(Weight),
    shiftOverPerAgent: Type.Optional(Weight),
  },
  { additionalProperties: false },
);

export const HistoryShift = Type.Object(
  {
    agentId: Id,
    start: DateTime,
    end: DateTime,
    skill: Type.Optional(Type.String({ minLength: 1 })),
    template: Type.Optional(Type.String({ minLength: 1 })),
  },
  { additionalProperties: false, description: 'A shift worked before the horizon, in the agent’s zone (a roster assignment fits)' },
);

export const History = Type.Object(
  {
    startDate: LocalDate,
    assignments: Type.Array(HistoryShift),
  },
  {
    additionalProperties: false,
    description:
      'Work before the horizon, so rest, runs of days and weekends are judged across its start. From startDate to the day before the horizon every agent’s work is known (an agent without shifts there had those days off).',
  },
);

export const Scenario = Type.Object(
  {
    schemaVersion: Type.Literal(SCHEMA_VERSION),
    name: Type.Optional(Type.String()),
    horizon: Horizon,
    skills: Type.Array(Type.Union([Id, SkillDefinition]), { minItems: 1, description: 'Skill ids, or skill definitions with a continuous-work limit' }),
    shiftTemplates: Type.Array(ShiftTemplate, { minItems: 1 }),
    contracts: Type.Array(Contract, { minItems: 1 }),
    agents: Type.Array(Agent),
    demand: Type.Optional(Type.Array(IntervalDemand)),
    shiftDemand: Type.Optional(Type.Array(ShiftDemand)),
    weights: Type.Optional(Weights),
    history: Type.Optional(History),
    teams: Type.Optional(Type.Array(Team)),
    activities: Type.Optional(Type.Array(Activity)),
  },
  { additionalProperties: false },
);

export type Scenario = Static<typeof Scenario>;
export type Horizon = Static<typeof Horizon>;
export type SkillDefinition = Static<typeof SkillDefinition>;
export type Team = Static<typeof Team>;
export type Activity = Static<typeof Activity>;
export type ActivityWindow = Static<typeof ActivityWindow>;
export type ShiftTemplate = Static<typeof ShiftTemplate>;
export type BreakRule = Static<typeof BreakRule>;
export type Contract = Static<typeof Contract>;
export type Agent = Static<typeof Agent>;
export type Leave = Static<typeof Leave>;
export type PersonalRule = Static<typeof PersonalRule>;
export type PersonalRuleKind = PersonalRule['kind'];
export type IntervalDemand = Static<typeof IntervalDemand>;
export type ShiftDemand = Static<typeof ShiftDemand>;
export type Weights = Static<typeof Weights>;
export type History = Static<typeof History>;
export type HistoryShift = Static<typeof HistoryShift>;

export const DEFAULT_WEIGHTS = {
  understaffedPerAgentHour: 100,
  overstaffedPerAgentHour: 10,
  shiftUnderPerAgent: 100,
  shiftOverPerAgent: 1,
} as const;
export const DEFAULT_MIN_REST_HOURS = 11;
