/**
 * The roster as an LP: one binary column per candidate shift (agent × start × length × skill), plus
 * whatever rows, slacks and costs the rule modules add. `dayWorked` gives every rule the same
 * expression for "agent works on day d".
 */
import { LpModelBuilder } from '../lp/model.js';
import type { Problem } from '../expand/problem.js';
import { addDaysToDate, localParts } from '../time/zone.js';

export interface Expr {
  readonly indices: number[];
  readonly coefficients: number[];
}

export function sumExpr(...parts: Expr[]): Expr {
  return { indices: parts.flatMap((p) => p.indices), coefficients: parts.flatMap((p) => p.coefficients) };
}

export function scaleExpr(e: Expr, factor: number): Expr {
  return { indices: e.indices, coefficients: e.coefficients.map((c) => c * factor) };
}

export class RosterModel {
  readonly lp = new LpModelBuilder();
  /** columns[a][i]: the column of candidate i of agent a. */
  readonly columns: number[][];
  private readonly byDay: Map<number, number[]>[];
  private readonly dayWorkedCache = new Map<string, Expr>();

  constructor(readonly problem: Problem) {
    this.columns = problem.agents.map((a) => {
      const first = this.lp.addBinaryFamily(`x[${a.id}#`, a.candidates.length, ']');
      return a.candidates.map((_, i) => first + i);
    });
    this.byDay = problem.agents.map((a) => {
      const m = new Map<number, number[]>();
      a.candidates.forEach((s, i) => {
        const list = m.get(s.day);
        if (list) list.push(i);
        else m.set(s.day, [i]);
      });
      return m;
    });
  }

  /** Candidate indices of agent `a` that start on agent-local day `day`. */
  candidatesOnDay(a: number, day: number): readonly number[] {
    return this.byDay[a]!.get(day) ?? [];
  }

  /** Days on which agent `a` has candidates, ascending. */
  daysWithCandidates(a: number): number[] {
    return [...this.byDay[a]!.keys()].sort((x, y) => x - y);
  }

  /** Sum of the columns of the given candidates of agent `a`, with an optional coefficient per candidate. */
  shiftsExpr(a: number, candidates: readonly number[], coefficient: (i: number) => number = () => 1): Expr {
    const cols = this.columns[a]!;
    return { indices: candidates.map((i) => cols[i]!), coefficients: candidates.map((i) => coefficient(i)) };
  }

  /**
   * 1 when agent `a` works on `day`, else 0. Without micro-shifts an agent has at most one shift a day,
   * so the sum of that day's columns is exact; with them, a binary w with R ≤ w, M ≤ w, w ≤ R + M.
   */
  dayWorked(a: number, day: number): Expr {
    const key = `${a}:${day}`;
    const cached = this.dayWorkedCache.get(key);
    if (cached) return cached;
    const cands = this.candidatesOnDay(a, day);
    const agent = this.problem.agents[a]!;
    const regular = cands.filter((i) => !agent.candidates[i]!.micro);
    const micro = cands.filter((i) => agent.candidates[i]!.micro);
    let expr: Expr;
    if (micro.length === 0 || regular.length === 0) {
      expr = this.shiftsExpr(a, cands);
    } else {
      const w = this.lp.addBinary(`worked[${agent.id}#${this.dayName(day)}]`);
      const r = this.shiftsExpr(a, regular);
      const m = this.shiftsExpr(a, micro);
      this.lp.addRow(`day-worked:${agent.id}:${this.dayName(day)}:regular`, [w, ...r.indices], [1, ...r.coefficients.map((c) => -c)], 0, Infinity);
      this.lp.addRow(`day-worked:${agent.id}:${this.dayName(day)}:micro`, [w, ...m.indices], [1, ...m.coefficients.map((c) => -c)], 0, Infinity);
      this.lp.addRow(`day-worked:${agent.id}:${this.dayName(day)}:any`, [w, ...r.indices, ...m.indices], [1, ...r.coefficients.map((c) => -c), ...m.coefficients.map((c) => -c)], -Infinity, 0);
      expr = { indices: [w], coefficients: [1] };
    }
    this.dayWorkedCache.set(key, expr);
    return expr;
  }

  // Names of days, weeks, times and intervals in column and row names, so an exported model reads in dates
  // and local times rather than indices (see lp/export.ts and the README's "Model export").

  /** The calendar date of a horizon day index, e.g. `2026-03-23` (days before or after the horizon too). */
  dayName(day: number): string {
    return this.problem.dates[day] ?? addDaysToDate(this.problem.startDate, day);
  }

  /** `week_1` for the horizon's first week (week index 0). */
  weekName(week: number): string {
    return `week_${week + 1}`;
  }

  /** Minutes after local midnight as `HHMM`, e.g. `0715`. */
  timeName(minutes: number): string {
    return `${String(Math.floor(minutes / 60)).padStart(2, '0')}${String(minutes % 60).padStart(2, '0')}`;
  }

  /**
   * `name`, or `name` + `b` when `used` holds it already: rows named by a local time need it on a fall-back day,
   * where two starts share one wall-clock time (row names stay unique per agent: `lp/aggregate.ts` groups by them).
   */
  uniqueName(name: string, used: Set<string>): string {
    const unique = used.has(name) ? `${name}b` : name;
    used.add(unique);
    return unique;
  }

  private intervalNames: string[] | undefined;
  /** Site-local start of grid interval `t`, e.g. `2026-03-23T0715`; the repeated hour of a fall-back day gets `b`. */
  intervalName(t: number): string {
    if (!this.intervalNames) {
      const p = this.problem;
      const seen = new Set<string>();
      this.intervalNames = Array.from({ length: p.intervalCount }, (_, i) => {
        const parts = localParts(p.gridStart + i * p.intervalMs, p.zone);
        return this.uniqueName(`${parts.date}T${this.timeName(parts.minutes)}`, seen);
      });
    }
    return this.intervalNames[t]!;
  }

  /** Adds a non-negative continuous slack priced at `cost` and returns its column. */
  slack(name: string, cost: number, upper = Infinity): number {
    return this.lp.addVariable({ name, lower: 0, upper, cost });
  }
}
