/**
 * Editing a shift's segments in the second stage: the segments a shift has (one work segment when none),
 * whether a span is all work, and carving a span out of work for a reset, an activity or work on another
 * skill. Segments stay a tiling of the shift; neighbouring work on the same skill is merged.
 */
import type { Shift, ShiftSegment } from '../../expand/problem.js';

export type Piece = Omit<ShiftSegment, 'start' | 'end'>;

export function segmentsOf(s: Shift): ShiftSegment[] {
  return s.segments ? [...s.segments] : [{ start: s.start, end: s.end, kind: 'work', skill: s.skill }];
}

/** The work segments a span overlaps, clipped to it; undefined when any part of the span is not work (or outside the shift). */
export function workIn(segments: readonly ShiftSegment[], start: number, end: number, skill?: string): ShiftSegment[] | undefined {
  const first = segments[0];
  const last = segments[segments.length - 1];
  if (!first || !last || start < first.start || end > last.end) return undefined;
  const out: ShiftSegment[] = [];
  for (const g of segments) {
    if (g.end <= start || g.start >= end) continue;
    if (g.kind !== 'work' || (skill !== undefined && g.skill !== skill)) return undefined;
    out.push({ ...g, start: Math.max(g.start, start), end: Math.min(g.end, end) });
  }
  return out;
}

/** The segments with `start … end` (all work) replaced by `piece`. */
export function carve(segments: readonly ShiftSegment[], start: number, end: number, piece: Piece): ShiftSegment[] {
  const out: ShiftSegment[] = [];
  const push = (g: ShiftSegment) => {
    if (g.end <= g.start) return;
    const prev = out[out.length - 1];
    if (prev && prev.kind === 'work' && g.kind === 'work' && prev.skill === g.skill && prev.end === g.start) out[out.length - 1] = { ...prev, end: g.end };
    else out.push(g);
  };
  let done = false;
  for (const g of segments) {
    if (g.end <= start || g.start >= end) {
      if (!done && g.start >= end) {
        push({ ...piece, start, end });
        done = true;
      }
      push(g);
      continue;
    }
    push({ ...g, end: start });
    if (!done) {
      push({ ...piece, start, end });
      done = true;
    }
    push({ ...g, start: end });
  }
  if (!done) push({ ...piece, start, end });
  return out;
}

/** The shift with only its template breaks kept: activities, resets and work on other skills go back to work on its skill. */
export function withoutStageTwo(s: Shift): Shift {
  if (!s.segments) return s;
  if (s.segments.every((g) => (g.kind === 'work' && g.skill === s.skill) || ((g.kind === 'break' || g.kind === 'lunch') && !g.reset))) return s;
  let segments: ShiftSegment[] = [{ start: s.start, end: s.end, kind: 'work', skill: s.skill }];
  for (const g of s.segments) if ((g.kind === 'break' || g.kind === 'lunch') && !g.reset) segments = carve(segments, g.start, g.end, { kind: g.kind, skill: s.skill });
  return segments.length === 1 ? withoutSegments(s) : { ...s, segments };
}

export function withoutSegments(s: Shift): Shift {
  const { segments: _, ...rest } = s;
  return rest;
}
