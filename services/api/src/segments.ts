/**
 * A stored shift's segments when the shift gets new times (an extension, partial-day leave). Contract: the
 * result tiles the new start … end. Outward, the edge work segment grows (an extension extends the last
 * work segment, or the first one at the start); a break or lunch at that edge stays and new work on the
 * nearest work segment's skill is added beyond it. Inward, segments are cut to the new times: those wholly
 * outside go, and a break or lunch the new edge cuts goes too (it no longer lies within the shift), its
 * remaining part becoming work. Adjacent work on one skill is one segment. A length the template asks no
 * break of keeps none (all work).
 */
import { applicableBreaks, breakProblems, placeBreaks, type Problem, type Shift, type ShiftSegment } from '@flexroster/core';

type Piece = { start: number; end: number; kind: ShiftSegment['kind']; skill: string | undefined };

/** The segments refitted to `start` … `end` (see the header). */
export function refitSegments(segments: readonly ShiftSegment[], start: number, end: number, skill: string): ShiftSegment[] {
  const pieces: Piece[] = [];
  for (const g of segments) {
    const s0 = Math.max(g.start, start);
    const s1 = Math.min(g.end, end);
    if (s1 <= s0) continue;
    const cut = s0 !== g.start || s1 !== g.end;
    // A cut break's remainder is work on the skill of the work beside it (filled in below).
    pieces.push(g.kind !== 'work' && cut ? { start: s0, end: s1, kind: 'work', skill: undefined } : { ...g, start: s0, end: s1 });
  }
  if (pieces.length === 0) return [{ start, end, kind: 'work', skill }];
  if (pieces[0]!.start > start) pieces.unshift({ start, end: pieces[0]!.start, kind: 'work', skill: undefined });
  if (pieces.at(-1)!.end < end) pieces.push({ start: pieces.at(-1)!.end, end, kind: 'work', skill: undefined });
  return tiled(pieces, skill);
}

/** The segments with every break and lunch turned into work (for a length its template asks no break of). */
export function allWork(segments: readonly ShiftSegment[], skill: string): ShiftSegment[] {
  return tiled(segments.map((g) => (g.kind === 'work' ? { ...g } : { ...g, kind: 'work', skill: undefined })), skill);
}

/** Pieces with work of no skill yet given the nearest work's skill (before, else after, else `skill`), merged. */
function tiled(pieces: Piece[], skill: string): ShiftSegment[] {
  const known = (g: Piece) => g.kind === 'work' && g.skill !== undefined;
  pieces.forEach((g, i) => {
    if (g.skill === undefined) g.skill = pieces.slice(0, i).reverse().find(known)?.skill ?? pieces.slice(i + 1).find(known)?.skill ?? skill;
  });
  return merged(pieces);
}

/** Adjacent work segments on one skill as one. */
function merged(pieces: readonly Piece[]): ShiftSegment[] {
  const out: ShiftSegment[] = [];
  for (const g of pieces) {
    const prev = out.at(-1);
    if (prev && prev.kind === 'work' && g.kind === 'work' && prev.skill === g.skill) out[out.length - 1] = { ...prev, end: g.end };
    else out.push({ start: g.start, end: g.end, kind: g.kind, skill: g.skill! });
  }
  return out;
}

/**
 * `s` (already in the roster's place of `replaced`) with its breaks placed afresh by the core's placement
 * when the breaks rule finds fault with them (none at all when its template asks none at its length); `s` as it is when the rule finds none or placing does not
 * mend it (then the rule's finding is what the caller reports). The rest of the roster counts as coverage
 * as it stands: it is shown to the placement without templates, so its breaks stay where they are.
 */
export function mendBreaks(p: Problem, byAgent: readonly (readonly Shift[])[], replaced: readonly Shift[], s: Shift): Shift {
  if (!s.segments || breakProblems(s).length === 0) return s;
  if (applicableBreaks(s.template, s.minutes).length === 0) return { ...s, segments: allWork(s.segments, s.skill) };
  const others = byAgent.map((list) => list.filter((x) => !replaced.includes(x)).map((x): Shift => (x.template ? { ...x, template: undefined } : x)));
  others[s.agent] = [...others[s.agent]!, s];
  const placed = placeBreaks(p, others)[s.agent]!.at(-1)!;
  return breakProblems(placed).length === 0 ? placed : s;
}
