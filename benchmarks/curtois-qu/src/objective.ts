/**
 * Independent evaluator for Curtois & Qu rosters: the objective and hard rules as data/README.md states them.
 *
 * It looks only at the roster, never at solver internals, so a reported figure can be checked against the
 * published best-known values whatever produced the roster.
 */
import type { CqInstance, CqStaff } from './parse.js';

export type CqAssignment = { staff: string; day: number; shift: string };

/** The hard rules of data/README.md, plus the three ways an assignment can fail to name anything real. */
export type CqRule =
  | 'unknown-staff'
  | 'unknown-shift'
  | 'day-out-of-range'
  | 'one-shift-per-day' // rule 1
  | 'rotation' // rule 2
  | 'max-shifts' // rule 3
  | 'workload' // rule 4
  | 'max-consecutive-shifts' // rule 5
  | 'min-consecutive-shifts' // rule 6
  | 'min-consecutive-days-off' // rule 7
  | 'max-weekends' // rule 8
  | 'day-off'; // rule 9

export interface CqHardViolation {
  rule: CqRule;
  staff?: string;
  day?: number;
  message: string;
}

export interface CqBreakdown {
  onRequests: number;
  offRequests: number;
  coverUnder: number;
  coverOver: number;
}

export interface CqEvaluation {
  /** Sum of the breakdown; computed even when hard rules are broken, so partial rosters can be compared. */
  objective: number;
  breakdown: CqBreakdown;
  /** Empty exactly when the roster is feasible. */
  hardViolations: CqHardViolation[];
}

export function evaluateCq(instance: CqInstance, assignments: readonly CqAssignment[]): CqEvaluation {
  const H = instance.horizon;
  const violations: CqHardViolation[] = [];

  // roster.get(staff)[day] = shifts assigned that day. A list, not a single shift, so that a double booking
  // (rule 1) is reported and still counted everywhere else instead of one of the two silently winning.
  const roster = new Map<string, string[][]>();
  for (const s of instance.staff) roster.set(s.id, Array.from({ length: H }, () => []));
  // Assignments that name nothing real are reported and then left out of everything else: there is no
  // meaningful cover or request they could count towards.
  assignments.forEach((a, i) => {
    const where = `assignment #${i} (${JSON.stringify(a)})`;
    const row = roster.get(a.staff);
    if (row === undefined) {
      violations.push({ rule: 'unknown-staff', staff: a.staff, message: `${where}: unknown staff "${a.staff}"` });
      return;
    }
    if (!instance.shiftById.has(a.shift)) {
      violations.push({ rule: 'unknown-shift', staff: a.staff, message: `${where}: unknown shift "${a.shift}"` });
      return;
    }
    const cell = Number.isInteger(a.day) ? row[a.day] : undefined;
    if (cell === undefined) {
      violations.push({ rule: 'day-out-of-range', staff: a.staff, message: `${where}: day ${a.day} is not in 0..${H - 1}` });
      return;
    }
    cell.push(a.shift);
  });
  const cellOf = (staff: string, day: number): readonly string[] => roster.get(staff)?.[day] ?? [];

  // --- Objective (section 5)
  const breakdown: CqBreakdown = { onRequests: 0, offRequests: 0, coverUnder: 0, coverOver: 0 };
  for (const r of instance.onRequests) {
    if (!cellOf(r.staff, r.day).includes(r.shift)) breakdown.onRequests += r.weight;
  }
  for (const r of instance.offRequests) {
    if (cellOf(r.staff, r.day).includes(r.shift)) breakdown.offRequests += r.weight;
  }
  const count = new Map<string, number[]>(instance.shifts.map((s) => [s.id, new Array<number>(H).fill(0)]));
  for (const row of roster.values()) {
    row.forEach((cell, d) => {
      for (const t of cell) count.get(t)![d]! += 1;
    });
  }
  // One term per cover row, i.e. per (day, shift): overstaffing one shift never offsets a gap on another.
  for (const c of instance.cover) {
    const n = count.get(c.shift)![c.day]!;
    breakdown.coverUnder += c.weightUnder * Math.max(0, c.requirement - n);
    breakdown.coverOver += c.weightOver * Math.max(0, n - c.requirement);
  }

  // --- Hard rules (section 4)
  for (const s of instance.staff) checkStaff(instance, s, roster.get(s.id)!, violations);

  return {
    objective: breakdown.onRequests + breakdown.offRequests + breakdown.coverUnder + breakdown.coverOver,
    breakdown,
    hardViolations: violations,
  };
}

function checkStaff(instance: CqInstance, s: CqStaff, row: readonly (readonly string[])[], out: CqHardViolation[]): void {
  const H = instance.horizon;
  const add = (rule: CqRule, message: string, day?: number): void => {
    out.push(day === undefined ? { rule, staff: s.id, message: `${s.id}: ${message}` } : { rule, staff: s.id, day, message: `${s.id}: ${message}` });
  };
  const worked = row.map((cell) => cell.length > 0);

  // Rule 1
  row.forEach((cell, d) => {
    if (cell.length > 1) add('one-shift-per-day', `day ${d} has ${cell.length} shifts (${cell.join(', ')})`, d);
  });

  // Rule 9
  for (const d of s.daysOff) {
    if (worked[d]) add('day-off', `works ${row[d]!.join(', ')} on day ${d}, a fixed day off`, d);
  }

  // Rule 2: only pairs inside the horizon; there is no history before day 0.
  for (let d = 0; d + 1 < H; d++) {
    for (const t of row[d]!) {
      const banned = instance.shiftById.get(t)!.notFollow;
      for (const u of row[d + 1]!) {
        if (banned.includes(u)) add('rotation', `shift ${u} on day ${d + 1} may not follow shift ${t} on day ${d}`, d + 1);
      }
    }
  }

  // Rules 3 and 4
  const perType = new Map<string, number>();
  let minutes = 0;
  for (const cell of row) {
    for (const t of cell) {
      perType.set(t, (perType.get(t) ?? 0) + 1);
      minutes += instance.shiftById.get(t)!.lengthMinutes;
    }
  }
  for (const [t, n] of perType) {
    const cap = s.maxShifts.get(t) ?? 0;
    if (n > cap) add('max-shifts', cap === 0 ? `works ${n} × ${t}, a shift type they cannot work` : `works ${n} × ${t}, more than the limit ${cap}`);
  }
  if (minutes < s.minTotalMinutes) add('workload', `works ${minutes} minutes, less than the minimum ${s.minTotalMinutes}`);
  if (minutes > s.maxTotalMinutes) add('workload', `works ${minutes} minutes, more than the maximum ${s.maxTotalMinutes}`);

  // Rules 5, 6, 7 over maximal runs of equal worked/off status.
  for (let start = 0; start < H; ) {
    let end = start;
    while (end + 1 < H && worked[end + 1] === worked[start]) end++;
    const len = end - start + 1;
    // A run touching day 0 or day H-1 may continue outside the horizon, so rules 6 and 7 leave it alone.
    const interior = start > 0 && end < H - 1;
    const span = `days ${start}..${end}`;
    if (worked[start]) {
      if (len > s.maxConsecutiveShifts) add('max-consecutive-shifts', `works ${len} consecutive days (${span}), more than the maximum ${s.maxConsecutiveShifts}`, start);
      if (interior && len < s.minConsecutiveShifts) add('min-consecutive-shifts', `works a run of ${len} day(s) (${span}), fewer than the minimum ${s.minConsecutiveShifts}`, start);
    } else if (interior && len < s.minConsecutiveDaysOff) {
      add('min-consecutive-days-off', `has a run of ${len} day(s) off (${span}), fewer than the minimum ${s.minConsecutiveDaysOff}`, start);
    }
    start = end + 1;
  }

  // Rule 8: weekend w is (7w+5, 7w+6); H is a multiple of 7, so both days exist.
  const weekends: number[] = [];
  for (let w = 0; 7 * w + 6 < H; w++) {
    if (worked[7 * w + 5] || worked[7 * w + 6]) weekends.push(w);
  }
  if (weekends.length > s.maxWeekends) add('max-weekends', `works ${weekends.length} weekends (${weekends.join(', ')}), more than the maximum ${s.maxWeekends}`);
}
