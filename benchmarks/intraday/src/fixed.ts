/**
 * The naive break rule planners use without a second stage: the first break 2 hours after the start, the
 * lunch at the middle, the last break 2 hours before the end (elapsed minutes, rounded down to the grid).
 * It rewrites a roster's segments: every break and lunch its template asks for at those offsets, the rest
 * work on the assignment's skill; activity and reset segments are dropped (the caller places them again).
 */
import { applicableBreaks, time, type BreakRule, type Roster, type Scenario } from '@flexroster/core';

type Assignment = Roster['assignments'][number];
type Segment = NonNullable<Assignment['segments']>[number];
const MIN = 60_000;

/** Offsets (minutes after the start) of each rule for a shift of `length` minutes, in the rules' order. */
export function fixedOffsets(rules: readonly BreakRule[], length: number, grid: number): number[] {
  const down = (m: number) => Math.floor(m / grid) * grid;
  const breaks = rules.filter((r) => r.kind === 'break');
  return rules.map((r) => {
    if (r.kind === 'lunch') return down(length / 2);
    const i = breaks.indexOf(r);
    const at = breaks.length === 1 ? 120 : 120 + (i * (length - 240)) / (breaks.length - 1);
    return Math.max(0, Math.min(length - r.minutes, down(at)));
  });
}

/** Segments tiling [start, end) with the given breaks (no overlap assumed), work on `skill` between them. */
export function tile(start: number, end: number, breaks: readonly { start: number; end: number; kind: 'break' | 'lunch' }[], skill: string, zone: string): Segment[] {
  const out: Segment[] = [];
  let at = start;
  const iso = (x: number) => time.isoInZone(x, zone);
  for (const b of [...breaks].sort((x, y) => x.start - y.start)) {
    if (b.start > at) out.push({ start: iso(at), end: iso(b.start), kind: 'work', skill });
    out.push({ start: iso(b.start), end: iso(b.end), kind: b.kind });
    at = b.end;
  }
  if (end > at) out.push({ start: iso(at), end: iso(end), kind: 'work', skill });
  return out;
}

/** One assignment with its template's breaks at the fixed offsets (one work segment when none applies). */
export function fixedOffsetAssignment(s: Scenario, a: Assignment): Assignment {
  const start = Date.parse(a.start);
  const end = Date.parse(a.end);
  const length = Math.round((end - start) / MIN);
  const rules = applicableBreaks(s.shiftTemplates.find((t) => t.id === a.template), length);
  const offsets = fixedOffsets(rules, length, s.horizon.intervalMinutes);
  const breaks = rules.map((r, i) => ({ start: start + offsets[i]! * MIN, end: start + (offsets[i]! + r.minutes) * MIN, kind: r.kind }));
  const { segments: _dropped, ...rest } = a;
  return { ...rest, segments: tile(start, end, breaks, a.skill, s.horizon.timeZone) };
}

/** The roster with every shift's breaks at the fixed offsets. */
export function fixedOffsetRoster(s: Scenario, r: Roster): Roster {
  return { assignments: r.assignments.map((a) => fixedOffsetAssignment(s, a)) };
}
