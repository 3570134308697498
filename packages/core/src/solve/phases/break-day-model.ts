/**
 * One day's break-placement MIP. x[s,b,p] = 1 when break rule b of shift s starts at position p (the starts the
 * greedy may choose: interval boundaries in the window, or every minute where the window holds none);
 * Σ_p x[s,b,p] = 1; a shift's breaks, each stretched by the template's least gap, never overlap (one row per
 * start point, an interval graph's cliques, the same as every pairwise conflict); per judged (skill, interval)
 * touched by a break, W − Σ x·overlap + under − over = required, where W counts the day's shifts as working
 * throughout and every other shift as it is. Under and over are priced as the coverage rule prices them, so the
 * objective is the day's touched cells' coverage cost (the rest of the roster's cost is a constant).
 */
import type { Problem, Shift } from '../../expand/problem.js';
import type { LpModel } from '../../lp/model.js';
import { LpModelBuilder } from '../../lp/model.js';
import { applicableBreaks } from '../../expand/breaks.js';
import { spanIntervals, type CoverageTracker } from '../../rules/coverage.js';
import { breakWindow, boundaryStarts, minuteStarts } from './breaks.js';

export interface DayRule {
  readonly kind: 'break' | 'lunch';
  readonly len: number;
  readonly positions: readonly { start: number; column: number }[];
}

export interface DayModel {
  readonly lp: LpModel;
  /** Per shift (in the order given), per applicable break rule: its positions and their columns. */
  readonly shifts: readonly (readonly DayRule[])[];
  /** Per touched judged cell: its skill index, interval, W, and the (column, overlap) of the breaks there. */
  readonly cells: readonly { k: number; t: number; worked: number; terms: { column: number; share: number }[] }[];
  /** The start the greedy placement gives the backend (undefined when one of its breaks is off the positions). */
  readonly initial: Float64Array | undefined;
}

/** The model of `shifts` against `tracker` (which counts them working throughout); undefined when a break has no start. */
export function buildDayModel(p: Problem, shifts: readonly Shift[], tracker: CoverageTracker): DayModel | undefined {
  const m = new LpModelBuilder();
  const cellMap = new Map<number, DayModel['cells'][number]>();
  const out: DayRule[][] = [];
  for (const [si, s] of shifts.entries()) {
    const gap = (s.template?.minGapMinutes ?? 0) * 60_000;
    const k = p.skillIndex.get(s.skill);
    const rules: DayRule[] = [];
    const blocks: { column: number; from: number; to: number }[] = [];
    for (const [bi, rule] of applicableBreaks(s.template, s.minutes).entries()) {
      const { from, to, len } = breakWindow(s, rule);
      const starts = boundaryStarts(p, from, to);
      const positions = (starts.length > 0 ? starts : minuteStarts(from, to)).map((start) => ({ start, column: m.addBinary(`x[${si}:${bi}:${start}]`) }));
      if (positions.length === 0) return undefined;
      m.addRow(`one[${si}:${bi}]`, positions.map((x) => x.column), positions.map(() => 1), 1, 1);
      for (const x of positions) {
        blocks.push({ column: x.column, from: x.start, to: x.start + len + gap });
        if (k === undefined) continue;
        const { first, shares } = spanIntervals(p, x.start, x.start + len);
        shares.forEach((share, j) => {
          const t = first + j;
          if (share <= 0 || !p.demandDefined[k]![t]) return;
          const key = k * p.intervalCount + t;
          const cell = cellMap.get(key) ?? { k, t, worked: tracker.scheduled[k]![t]!, terms: [] };
          cell.terms.push({ column: x.column, share });
          cellMap.set(key, cell);
        });
      }
      rules.push({ kind: rule.kind, len, positions });
    }
    for (const q of new Set(blocks.map((b) => b.from))) {
      const clique = blocks.filter((b) => b.from <= q && q < b.to).map((b) => b.column);
      if (clique.length > 1) m.addRow(`apart[${si}:${q}]`, clique, clique.map(() => 1), -Infinity, 1);
    }
    out.push(rules);
  }
  const cells = [...cellMap.values()];
  const h = p.intervalHours;
  for (const c of cells) {
    const req = p.requirement[c.k]![c.t]!;
    const under = m.addVariable({ name: `under[${c.k}:${c.t}]`, cost: h * p.weights.understaffedPerAgentHour });
    const over = m.addVariable({ name: `over[${c.k}:${c.t}]`, cost: h * p.weights.overstaffedPerAgentHour });
    m.addRow(`cover[${c.k}:${c.t}]`, [...c.terms.map((x) => x.column), under, over], [...c.terms.map((x) => -x.share), 1, -1], req - c.worked, req - c.worked);
  }
  const lp = m.build();
  const greedyColumns = greedyPlacement(shifts, out);
  return { lp, shifts: out, cells, initial: greedyColumns ? startValues(p, lp, cells, greedyColumns) : undefined };
}

/** The columns of the shifts' present breaks (each rule matched to a break of its kind and length at one of its positions). */
function greedyPlacement(shifts: readonly Shift[], rules: readonly (readonly DayRule[])[]): number[] | undefined {
  const columns: number[] = [];
  for (const [si, s] of shifts.entries()) {
    const off = (s.segments ?? []).filter((g) => g.kind === 'break' || g.kind === 'lunch');
    const used = new Set<number>();
    for (const rule of rules[si]!) {
      const gi = off.findIndex((g, i) => !used.has(i) && g.kind === rule.kind && g.end - g.start === rule.len && rule.positions.some((x) => x.start === g.start));
      if (gi < 0) return undefined;
      used.add(gi);
      columns.push(rule.positions.find((x) => x.start === off[gi]!.start)!.column);
    }
  }
  return columns;
}

/** A full start: the placement's columns at 1, every slack at the gap it leaves. */
function startValues(p: Problem, lp: LpModel, cells: DayModel['cells'], chosen: readonly number[]): Float64Array {
  const values = new Float64Array(lp.variables.length);
  for (const j of chosen) values[j] = 1;
  const on = new Set(chosen);
  // Slack columns follow the x columns, two per cell in cell order.
  const firstSlack = lp.variables.length - 2 * cells.length;
  cells.forEach((c, i) => {
    const scheduled = c.worked - c.terms.reduce((sum, x) => sum + (on.has(x.column) ? x.share : 0), 0);
    const req = p.requirement[c.k]![c.t]!;
    values[firstSlack + 2 * i] = Math.max(0, req - scheduled);
    values[firstSlack + 2 * i + 1] = Math.max(0, scheduled - req);
  });
  return values;
}
