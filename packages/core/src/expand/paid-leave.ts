/**
 * How many paid hours leave is worth: a paid leave counts, per agent-local day, the contract's
 * `paidHoursPerLeaveDay` when it covers the whole day (whatever the day's length, DST included) and
 * its real hours when it covers part of it. A full day off would otherwise count 24 paid hours.
 * Shared by expansion (the contract-hours rule) and validation's weekly warning, so they agree.
 */
import type { Contract } from '../schema/scenario.js';
import { MINUTE_MS } from '../time/zone.js';

/** Used when neither `paidHoursPerLeaveDay` nor both weekly max hours and max days are given. */
export const DEFAULT_PAID_HOURS_PER_LEAVE_DAY = 8;

/** The contract's paid hours for a whole day of leave: the field, else hoursPerWeek.max / maxDaysPerWeek, else 8. */
export function paidHoursPerLeaveDay(c: Contract): number {
  if (c.paidHoursPerLeaveDay !== undefined) return c.paidHoursPerLeaveDay;
  const max = c.hoursPerWeek?.max;
  if (max !== undefined && c.maxDaysPerWeek !== undefined && c.maxDaysPerWeek > 0) return max / c.maxDaysPerWeek;
  return DEFAULT_PAID_HOURS_PER_LEAVE_DAY;
}

/**
 * Paid leave minutes over consecutive days bounded by `dayStarts` (n + 1 instants for n days).
 * Overlapping spans count once.
 */
export function paidLeaveMinutes(spans: readonly (readonly [number, number])[], dayStarts: readonly number[], perFullDayMinutes: number): number {
  let total = 0;
  for (let d = 0; d + 1 < dayStarts.length; d++) {
    const from = dayStarts[d]!;
    const to = dayStarts[d + 1]!;
    const covered = coveredMs(spans, from, to);
    total += covered >= to - from ? perFullDayMinutes : covered / MINUTE_MS;
  }
  return total;
}

/** Milliseconds of [from, to) covered by the union of the spans. */
function coveredMs(spans: readonly (readonly [number, number])[], from: number, to: number): number {
  const clipped = spans
    .map(([s, e]) => [Math.max(s, from), Math.min(e, to)] as const)
    .filter(([s, e]) => e > s)
    .sort((x, y) => x[0] - y[0]);
  let total = 0;
  let end = from;
  for (const [s, e] of clipped) {
    if (e <= end) continue;
    total += e - Math.max(s, end);
    end = e;
  }
  return total;
}
