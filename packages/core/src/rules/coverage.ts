/**
 * coverage (soft): agents scheduled per interval and skill against the requirement, where demand is
 * given. Each agent-hour short costs `understaffedPerAgentHour`, each agent-hour extra
 * `overstaffedPerAgentHour`. Intervals without any demand entry for a skill are not judged.
 */
import type { Problem, Shift } from '../expand/problem.js';
import type { RuleFinding, RuleModule } from './rule.js';
import { isoInZone } from '../time/zone.js';
import { expectedWorkShares } from '../expand/break-loss.js';

export const COVERAGE = 'coverage';

const EMPTY_SHARES = new Float64Array(0);
/** The under-staffing slack's and the over-staffing slack's coefficients, after the shifts' shares. */
const SLACK_COEFFICIENTS = [1, -1];

/** The intervals a shift overlaps, with the share of each it covers. */
export function shiftIntervals(p: Problem, s: Shift): { first: number; shares: number[] } {
  return spanIntervals(p, s.start, s.end);
}

/**
 * What a shift counts for per interval in the model and the trackers: its shares, or on a shift stage that
 * expects break loss (`Problem.expectBreakLoss`) a shift without segments less its breaks' expected loss.
 */
export function coverageShares(p: Problem, s: Shift): { first: number; shares: number[] } {
  return (p.expectBreakLoss && !s.segments && expectedWorkShares(p, s)) || shiftIntervals(p, s);
}

/** The intervals a span of time overlaps, with the share of each it covers. */
export function spanIntervals(p: Problem, start: number, end: number): { first: number; shares: number[] } {
  const first = Math.max(0, Math.floor((start - p.gridStart) / p.intervalMs));
  const last = Math.min(p.intervalCount, Math.ceil((end - p.gridStart) / p.intervalMs));
  const shares: number[] = [];
  for (let t = first; t < last; t++) {
    const from = p.gridStart + t * p.intervalMs;
    shares.push((Math.min(end, from + p.intervalMs) - Math.max(start, from)) / p.intervalMs);
  }
  return { first, shares };
}

/** Where a shift is on the phones: its work segments, or the whole shift on its skill when it has none. */
export function workPieces(s: Shift): readonly { start: number; end: number; skill: string }[] {
  return s.segments ? s.segments.filter((g) => g.kind === 'work') : [s];
}

/** Cost of one (skill, interval) cell with `scheduled` agents against `required`. */
export function cellCost(p: Problem, required: number, scheduled: number): number {
  const under = Math.max(0, required - scheduled);
  const over = Math.max(0, scheduled - required);
  return p.intervalHours * (p.weights.understaffedPerAgentHour * under + p.weights.overstaffedPerAgentHour * over);
}

/** Incremental coverage bookkeeping for the heuristic and the swap checks; same arithmetic as `check`. */
export class CoverageTracker {
  readonly scheduled: Float64Array[];
  readonly defined: readonly Uint8Array[];
  constructor(private readonly p: Problem) {
    this.scheduled = p.skills.map(() => new Float64Array(p.intervalCount));
    this.defined = p.demandDefined;
  }

  /** Counts (sign 1) or uncounts (sign -1) a shift: only its work segments (less expected breaks, see `coverageShares`). */
  apply(s: Shift, sign: 1 | -1): void {
    if (this.p.expectBreakLoss && !s.segments) return this.applyShares(s.skill, coverageShares(this.p, s), sign);
    for (const w of workPieces(s)) this.applySpan(w.skill, w.start, w.end, sign);
  }

  private applyShares(skill: string, { first, shares }: { first: number; shares: readonly number[] }, sign: 1 | -1): void {
    const k = this.p.skillIndex.get(skill);
    if (k === undefined) return;
    const row = this.scheduled[k]!;
    for (let i = 0; i < shares.length; i++) row[first + i]! += sign * shares[i]!;
  }

  applySpan(skill: string, start: number, end: number, sign: 1 | -1): void {
    this.applyShares(skill, spanIntervals(this.p, start, end), sign);
  }

  /** Change in coverage cost if `s` were added (sign 1) or removed (sign -1). */
  delta(s: Shift, sign: 1 | -1): number {
    if (!s.segments) return this.deltaShares(s.skill, coverageShares(this.p, s), sign);
    // Pieces of one shift never overlap, so their deltas add up.
    return workPieces(s).reduce((d, w) => d + this.deltaSpan(w.skill, w.start, w.end, sign), 0);
  }

  /** Change in coverage cost if one agent were added to (sign 1) or removed from (sign -1) a span on a skill. */
  deltaSpan(skill: string, start: number, end: number, sign: 1 | -1): number {
    return this.deltaShares(skill, spanIntervals(this.p, start, end), sign);
  }

  private deltaShares(skill: string, { first, shares }: { first: number; shares: readonly number[] }, sign: 1 | -1): number {
    const k = this.p.skillIndex.get(skill);
    if (k === undefined) return 0;
    const row = this.scheduled[k]!;
    const req = this.p.requirement[k]!;
    const def = this.defined[k]!;
    let d = 0;
    for (let i = 0; i < shares.length; i++) {
      const t = first + i;
      if (!def[t]) continue;
      const now = row[t]!;
      d += cellCost(this.p, req[t]!, now + sign * shares[i]!) - cellCost(this.p, req[t]!, now);
    }
    return d;
  }

  /** Agent-hours short over the judged cells. */
  underHours(): number {
    let u = 0;
    this.p.skills.forEach((_, k) => {
      for (let t = 0; t < this.p.intervalCount; t++) if (this.defined[k]![t]) u += Math.max(0, this.p.requirement[k]![t]! - this.scheduled[k]![t]!);
    });
    return u * this.p.intervalHours;
  }

  total(): number {
    let c = 0;
    this.p.skills.forEach((_, k) => {
      for (let t = 0; t < this.p.intervalCount; t++) if (this.defined[k]![t]) c += cellCost(this.p, this.p.requirement[k]![t]!, this.scheduled[k]![t]!);
    });
    return c;
  }
}

export const coverageRule: RuleModule = {
  name: COVERAGE,
  description: 'Agents per interval and skill against the requirement; under- and over-staffing are priced per agent-hour',
  build(m) {
    const p = m.problem;
    const defined = p.demandDefined;
    const cellOf = (k: number, t: number) => k * p.intervalCount + t;
    /** Calls `enter` for every (cell, shift column, share) where a candidate shift covers a judged interval. */
    const visit = (enter: (cell: number, column: number, share: number) => void) =>
      p.agents.forEach((a, ai) =>
        a.candidates.forEach((s, i) => {
          const k = p.skillIndex.get(s.skill);
          if (k === undefined) return;
          const { first, shares } = coverageShares(p, s);
          shares.forEach((share, j) => {
            if (share > 0 && defined[k]![first + j]) enter(cellOf(k, first + j), m.columns[ai]![i]!, share);
          });
        }),
      );
    // Two passes (count, then fill) so each row is built straight into typed arrays of its exact size, two
    // places longer for the slacks. On XL (46 million entries), with number arrays grown by push the build
    // peaked at 2.48 GB resident and left 1,688 MB of heap; this way it peaks at 1.56 GB and leaves 860 MB of
    // heap plus 351 MB of typed arrays (527 MB before the shares were kept in 32 bits), and takes no longer.
    // Cells whose shifts all cover whole intervals (all of them on a grid the shifts start on) keep no shares:
    // their coefficients are ones and the slacks' 1 and −1, shared by every such row (`onesThen`).
    const counts = new Int32Array(p.skills.length * p.intervalCount);
    const fractional = new Uint8Array(counts.length);
    visit((cell, _column, share) => {
      counts[cell]!++;
      if (share !== 1) fractional[cell] = 1;
    });
    const indices = Array.from(counts, (n) => new Int32Array(n > 0 ? n + 2 : 0));
    const shares = Array.from(counts, (n, cell) => (fractional[cell] ? new Float64Array(n + 2) : EMPTY_SHARES));
    const filled = new Int32Array(counts.length);
    visit((cell, column, share) => {
      const f = filled[cell]!++;
      indices[cell]![f] = column;
      if (fractional[cell]) shares[cell]![f] = share;
    });
    const h = p.intervalHours;
    p.skills.forEach((skill, k) => {
      for (let t = 0; t < p.intervalCount; t++) {
        if (!defined[k]![t]) continue;
        const req = p.requirement[k]![t]!;
        const cell = cellOf(k, t);
        const n = counts[cell]!;
        if (n === 0) {
          m.lp.addObjectiveOffset(cellCost(p, req, 0));
          continue;
        }
        // scheduled + under − over = required; both slacks are priced, so at the optimum they are the gaps.
        const row = indices[cell]!;
        row[n] = m.slack(`under[${skill}#${m.intervalName(t)}]`, h * p.weights.understaffedPerAgentHour, req);
        row[n + 1] = m.slack(`over[${skill}#${m.intervalName(t)}]`, h * p.weights.overstaffedPerAgentHour);
        if (fractional[cell]) shares[cell]!.set(SLACK_COEFFICIENTS, n);
        const coefficients = fractional[cell] ? shares[cell]! : m.lp.onesThen(n, SLACK_COEFFICIENTS);
        // The cell's own arrays become the row (each is used once): no copy of millions of entries on large models.
        m.lp.addRow(`${COVERAGE}:${skill}:${m.intervalName(t)}`, row, coefficients, req, req);
        // The row may hold its shares in 32 bits (LpModelBuilder.addRow): let the 64-bit ones go as it is built.
        shares[cell] = EMPTY_SHARES;
      }
    });
  },
  checkRoster(p, shiftsByAgent) {
    const tracker = new CoverageTracker(p);
    for (const shifts of shiftsByAgent) for (const s of shifts) tracker.apply(s, 1);
    return coverageFindings(p, tracker);
  },
};

/** One finding per run of consecutive under- (or over-) staffed intervals of a skill. */
export function coverageFindings(p: Problem, tracker: CoverageTracker): RuleFinding[] {
  const out: RuleFinding[] = [];
  p.skills.forEach((skill, k) => {
    for (const side of ['under', 'over'] as const) {
      let runStart = -1;
      let cost = 0;
      let agentHours = 0;
      const flush = (end: number) => {
        if (runStart < 0) return;
        const from = isoInZone(p.gridStart + runStart * p.intervalMs, p.zone);
        const to = isoInZone(p.gridStart + end * p.intervalMs, p.zone);
        out.push({
          rule: COVERAGE,
          hard: false,
          cost,
          date: from.slice(0, 10),
          message: `${skill} ${side === 'under' ? 'under-staffed' : 'over-staffed'} from ${from} to ${to}: ${round(agentHours)} agent-hours ${side === 'under' ? 'short' : 'extra'}`,
        });
        runStart = -1;
        cost = 0;
        agentHours = 0;
      };
      for (let t = 0; t < p.intervalCount; t++) {
        const req = p.requirement[k]![t]!;
        const sch = tracker.scheduled[k]![t]!;
        const gap = tracker.defined[k]![t] ? (side === 'under' ? req - sch : sch - req) : 0;
        if (gap > 1e-9) {
          if (runStart < 0) runStart = t;
          agentHours += gap * p.intervalHours;
          cost += gap * p.intervalHours * (side === 'under' ? p.weights.understaffedPerAgentHour : p.weights.overstaffedPerAgentHour);
        } else flush(t);
      }
      flush(p.intervalCount);
    }
  });
  return out;
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
