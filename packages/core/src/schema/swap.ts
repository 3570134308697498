/** Swaps: an exchange of two agents' shifts, or a shift given away to another agent. */
import { Type, type Static } from 'typebox';
import { DateTime, LocalDate } from './scenario.js';

export const ShiftRef = Type.Object(
  { start: DateTime, end: DateTime },
  { additionalProperties: false, description: 'Identifies one of the agent’s assignments by its start and end' },
);

export const Swap = Type.Union([
  Type.Object(
    { kind: Type.Literal('exchange'), agentA: Type.String({ minLength: 1 }), shiftA: ShiftRef, agentB: Type.String({ minLength: 1 }), shiftB: ShiftRef },
    { additionalProperties: false, description: 'A and B trade shifts' },
  ),
  Type.Object(
    { kind: Type.Literal('give-away'), fromAgent: Type.String({ minLength: 1 }), shift: ShiftRef, toAgent: Type.String({ minLength: 1 }) },
    { additionalProperties: false, description: 'fromAgent gives a shift to toAgent' },
  ),
]);

export const SwapPolicy = Type.Object(
  {
    maxUnderstaffingIncreaseAgentHours: Type.Optional(Type.Number({ minimum: 0, description: 'How much under-staffing a swap may add (default 0)' })),
  },
  { additionalProperties: false },
);

export const SwapViolation = Type.Object({ rule: Type.String(), agentId: Type.String(), message: Type.String() });

export const SwapCheck = Type.Object({
  allowed: Type.Boolean(),
  violations: Type.Array(SwapViolation),
  coverageDelta: Type.Object({ understaffedAgentHours: Type.Number(), overstaffedAgentHours: Type.Number() }),
  costDelta: Type.Number(),
  reasons: Type.Array(Type.String(), { description: 'Why it is or is not allowed' }),
});

export const SwapCandidate = Type.Object({
  agentId: Type.String(),
  kind: Type.Union([Type.Literal('give-away'), Type.Literal('exchange')]),
  /** For an exchange: the colleague's shift offered in return. */
  shift: Type.Optional(Type.Object({ start: Type.String(), end: Type.String(), skill: Type.String() })),
  costDelta: Type.Number(),
  coverageDelta: Type.Object({ understaffedAgentHours: Type.Number(), overstaffedAgentHours: Type.Number() }),
});

/** What a wish accepts in return: a shift starting on a date (the receiver's local date), of a template, or any shift. */
export const WishAccept = Type.Union([
  Type.Literal('any'),
  Type.Object({ date: LocalDate }, { additionalProperties: false }),
  Type.Object({ template: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false }),
]);

/** An agent's wish to trade away one of their shifts for any shift matching one of `accept`. */
export const SwapWish = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 100 }),
    agentId: Type.String({ minLength: 1, maxLength: 200 }),
    give: ShiftRef,
    accept: Type.Array(WishAccept, { minItems: 1, maxItems: 50 }),
  },
  { additionalProperties: false },
);

const MovedShift = Type.Object({ start: Type.String(), end: Type.String(), skill: Type.String() });

/** A cycle of wishes: members[k]'s shift goes to members[k+1]'s agent (the last one's to the first's). */
export const SwapCycle = Type.Object({
  wishIds: Type.Array(Type.String()),
  members: Type.Array(Type.Object({ wishId: Type.String(), agentId: Type.String(), gives: MovedShift, receives: MovedShift, fromAgent: Type.String() })),
  costDelta: Type.Number(),
  coverageDelta: Type.Object({ understaffedAgentHours: Type.Number(), overstaffedAgentHours: Type.Number() }),
});

export type WishAccept = Static<typeof WishAccept>;
export type SwapWish = Static<typeof SwapWish>;
export type SwapCycle = Static<typeof SwapCycle>;
export type ShiftRef = Static<typeof ShiftRef>;
export type Swap = Static<typeof Swap>;
export type SwapPolicy = Static<typeof SwapPolicy>;
export type SwapCheck = Static<typeof SwapCheck>;
export type SwapCandidate = Static<typeof SwapCandidate>;
