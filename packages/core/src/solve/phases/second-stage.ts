/**
 * The solve's second stage, inside the shifts the plan chose: breaks and lunches (breaks.ts), then activity
 * sessions (activities.ts), then resets of continuous work on limited skills (resets.ts), each given the
 * roster the step before left. Returns the same array when no step has anything to do, so a scenario
 * without break rules, activities or skill limits solves exactly as before.
 */
import type { Problem, Shift } from '../../expand/problem.js';
import { placeBreaks } from './breaks.js';
import { placeActivities } from './activities.js';
import { placeResets } from './resets.js';

export function placeInsideShifts(p: Problem, byAgent: readonly (readonly Shift[])[]): Shift[][] {
  return placeResets(p, placeActivities(p, placeBreaks(p, byAgent)));
}
