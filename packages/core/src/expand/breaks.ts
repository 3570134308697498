/**
 * Break rules of a shift: which of its template's breaks apply to a shift of a given length, and the
 * unpaid minutes they take (known before placement, so the LP and the checks count the same paid hours).
 */
import type { BreakRule, ShiftTemplate } from '../schema/scenario.js';

/** The template's breaks that apply to a shift of `minutes` (those whose minShiftMinutes it reaches). */
export function applicableBreaks(t: ShiftTemplate | undefined, minutes: number): BreakRule[] {
  return (t?.breaks ?? []).filter((b) => minutes >= (b.minShiftMinutes ?? 0));
}

/** Unpaid break minutes of a shift of `minutes` on template `t`. */
export function unpaidBreakMinutes(t: ShiftTemplate | undefined, minutes: number): number {
  return applicableBreaks(t, minutes).reduce((sum, b) => sum + (b.paid ? 0 : b.minutes), 0);
}

/** True when any template has break rules (a scenario without them solves exactly as before). */
export function hasBreakRules(templates: Iterable<ShiftTemplate>): boolean {
  for (const t of templates) if ((t.breaks?.length ?? 0) > 0) return true;
  return false;
}
