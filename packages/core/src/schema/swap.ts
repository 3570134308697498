/** Swaps: an exchange of two agents' shifts, or a shift given away to another agent. */
import { Type, type Static } from 'typebox';
import { DateTime } from './scenario.js';

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

export type ShiftRef = Static<typeof ShiftRef>;
export type Swap = Static<typeof Swap>;
export type SwapPolicy = Static<typeof SwapPolicy>;
export type SwapCheck = Static<typeof SwapCheck>;
export type SwapCandidate = Static<typeof SwapCandidate>;
