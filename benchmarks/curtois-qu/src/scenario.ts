/**
 * Maps a Curtois & Qu instance onto the core's scenario model, so that it is solved and judged by the core's
 * own rule modules (no separate solver):
 *
 * - horizon: 2014-01-06 (a Monday, as in the XML version), UTC, 60-minute grid, H days;
 * - each shift type → a shift template starting at 00:00 with its one length; the `.txt` NotFollow list →
 *   `notFollowedBy` (the 840-minute rest is already expanded into it, so contracts set `minRestHours: 0`);
 * - each employee → an agent with a contract of their own: hoursPerHorizon (minutes / 60), min/max
 *   consecutive days, min consecutive days off, max weekends, maxShiftsPerTemplate (caps below H);
 * - days off → unpaid whole-day leave; on/off requests → soft `shift-request` rules with their weights;
 * - cover → `shiftDemand` rows with their under/over weights.
 *
 * Every shift starts at 00:00 and lasts at most 12 h, so shifts of different days never overlap and the
 * core's `day` of a shift is the Curtois–Qu day index.
 */
import type { Roster, Scenario, Shift } from '@flexroster/core';
import { time } from '@flexroster/core';
import type { CqAssignment } from './objective.js';
import type { CqInstance, CqRequest } from './parse.js';

export const CQ_START_DATE = '2014-01-06';
export const CQ_SKILL = 'cq';
const ZONE = 'UTC';

export function dateOfCqDay(day: number): string {
  return time.addDaysToDate(CQ_START_DATE, day);
}

export function toScenario(instance: CqInstance): Scenario {
  const H = instance.horizon;
  const group = (list: readonly CqRequest[]) => {
    const m = new Map<string, CqRequest[]>();
    for (const r of list) m.set(r.staff, [...(m.get(r.staff) ?? []), r]);
    return m;
  };
  const onByStaff = group(instance.onRequests);
  const offByStaff = group(instance.offRequests);
  return {
    schemaVersion: 1,
    name: instance.name || 'curtois-qu',
    horizon: { startDate: CQ_START_DATE, days: H, timeZone: ZONE, intervalMinutes: 60 },
    skills: [CQ_SKILL],
    shiftTemplates: instance.shifts.map((s) => ({
      id: s.id,
      earliestStart: '00:00',
      latestStart: '00:00',
      lengthsMinutes: [s.lengthMinutes],
      ...(s.notFollow.length > 0 ? { notFollowedBy: [...s.notFollow] } : {}),
    })),
    contracts: instance.staff.map((s) => {
      const caps: Record<string, number> = {};
      for (const [t, cap] of s.maxShifts) if (cap < H) caps[t] = cap;
      return {
        id: `c-${s.id}`,
        hoursPerHorizon: { min: s.minTotalMinutes / 60, max: s.maxTotalMinutes / 60 },
        minRestHours: 0,
        // A maximum of 0 consecutive shifts means no work at all: no template is allowed.
        ...(s.maxConsecutiveShifts === 0 ? { templates: [] } : { maxConsecutiveDays: s.maxConsecutiveShifts }),
        ...(s.minConsecutiveShifts > 1 ? { minConsecutiveDays: s.minConsecutiveShifts } : {}),
        ...(s.minConsecutiveDaysOff > 1 ? { minConsecutiveDaysOff: s.minConsecutiveDaysOff } : {}),
        maxWeekends: s.maxWeekends,
        ...(Object.keys(caps).length > 0 ? { maxShiftsPerTemplate: caps } : {}),
      };
    }),
    agents: instance.staff.map((s) => {
      const rules: NonNullable<Scenario['agents'][number]['rules']> = [
        ...(onByStaff.get(s.id) ?? []).map((r) => ({ kind: 'shift-request' as const, date: dateOfCqDay(r.day), template: r.shift, want: 'on' as const, weight: r.weight })),
        ...(offByStaff.get(s.id) ?? []).map((r) => ({ kind: 'shift-request' as const, date: dateOfCqDay(r.day), template: r.shift, want: 'off' as const, weight: r.weight })),
      ];
      return {
        id: s.id,
        skills: [CQ_SKILL],
        contract: `c-${s.id}`,
        leave: s.daysOff.map((d) => ({ start: `${dateOfCqDay(d)}T00:00`, end: `${dateOfCqDay(d + 1)}T00:00`, type: 'day-off', paid: false })),
        rules,
      };
    }),
    shiftDemand: instance.cover.map((c) => ({ date: dateOfCqDay(c.day), template: c.shift, required: c.requirement, underWeight: c.weightUnder, overWeight: c.weightOver })),
  };
}

/** Curtois–Qu assignments as a core roster (one 00:00 shift of the type's length per assignment). */
export function assignmentsToRoster(instance: CqInstance, assignments: readonly CqAssignment[]): Roster {
  return {
    assignments: assignments.map((a) => {
      const len = instance.shiftById.get(a.shift)!.lengthMinutes;
      const start = `${dateOfCqDay(a.day)}T00:00`;
      const endDay = a.day + Math.floor(len / 1440);
      const rest = len % 1440;
      const end = `${dateOfCqDay(endDay)}T${String(Math.floor(rest / 60)).padStart(2, '0')}:${String(rest % 60).padStart(2, '0')}`;
      return { agentId: a.staff, start, end, skill: CQ_SKILL, template: a.shift };
    }),
  };
}

/** A core roster (as returned by solve) back into Curtois–Qu assignments. */
export function rosterToAssignments(roster: Roster): CqAssignment[] {
  return roster.assignments.map((a) => {
    if (a.template === undefined) throw new Error(`assignment of ${a.agentId} at ${a.start} has no template`);
    return { staff: a.agentId, day: time.daysBetweenDates(CQ_START_DATE, a.start.slice(0, 10)), shift: a.template };
  });
}

/** Located core shifts (per agent) into Curtois–Qu assignments. */
export function shiftsToAssignments(instance: CqInstance, byAgent: readonly (readonly Shift[])[]): CqAssignment[] {
  return byAgent.flatMap((list, ai) => list.map((s) => ({ staff: instance.staff[ai]!.id, day: s.day, shift: s.template!.id })));
}
