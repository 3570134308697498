/**
 * shift-coverage (soft): agents on a template on a date against the requirement, for planning at
 * shift-type level. Counted by the site date of the shift start; under- and over-staffing per agent.
 */
import type { Problem, Shift } from '../expand/problem.js';
import type { RuleFinding, RuleModule } from './rule.js';

export const SHIFT_COVERAGE = 'shift-coverage';

function key(day: number, template: string): string {
  return `${day}|${template}`;
}

export class ShiftCoverageTracker {
  readonly counts = new Map<string, number>();
  private readonly rows: Map<string, Problem['shiftDemand'][number]>;
  constructor(p: Problem) {
    this.rows = new Map(p.shiftDemand.map((r) => [key(r.day, r.template), r]));
  }

  get active(): boolean {
    return this.rows.size > 0;
  }

  apply(s: Shift, sign: 1 | -1): void {
    if (!s.template || this.rows.size === 0) return;
    const k = key(s.siteDay, s.template.id);
    this.counts.set(k, (this.counts.get(k) ?? 0) + sign);
  }

  delta(s: Shift, sign: 1 | -1): number {
    if (!s.template) return 0;
    const k = key(s.siteDay, s.template.id);
    const row = this.rows.get(k);
    if (!row) return 0;
    const n = this.counts.get(k) ?? 0;
    return rowCost(row, n + sign) - rowCost(row, n);
  }

  findings(): RuleFinding[] {
    const out: RuleFinding[] = [];
    for (const [k, row] of this.rows) {
      const n = this.counts.get(k) ?? 0;
      const cost = rowCost(row, n);
      if (cost === 0 && n === row.required) continue;
      if (n === row.required) continue;
      out.push({
        rule: SHIFT_COVERAGE,
        hard: false,
        cost,
        date: row.date,
        message: `${row.template} on ${row.date}: ${n} scheduled for ${row.required} required (${n < row.required ? `${row.required - n} short` : `${n - row.required} extra`})`,
      });
    }
    return out;
  }
}

function rowCost(row: Problem['shiftDemand'][number], n: number): number {
  return row.underWeight * Math.max(0, row.required - n) + row.overWeight * Math.max(0, n - row.required);
}

export const shiftCoverageRule: RuleModule = {
  name: SHIFT_COVERAGE,
  description: 'Agents per template and date against the requirement (shift-type planning)',
  build(m) {
    const p = m.problem;
    if (p.shiftDemand.length === 0) return;
    const cols = new Map<string, number[]>();
    p.agents.forEach((a, ai) =>
      a.candidates.forEach((s, i) => {
        if (!s.template) return;
        const k = key(s.siteDay, s.template.id);
        const list = cols.get(k);
        if (list) list.push(m.columns[ai]![i]!);
        else cols.set(k, [m.columns[ai]![i]!]);
      }),
    );
    for (const row of p.shiftDemand) {
      const idx = cols.get(key(row.day, row.template)) ?? [];
      if (idx.length === 0) {
        m.lp.addObjectiveOffset(rowCost(row, 0));
        continue;
      }
      const under = m.slack(`shift-under[${row.template}#${row.date}]`, row.underWeight, row.required);
      const over = m.slack(`shift-over[${row.template}#${row.date}]`, row.overWeight);
      m.lp.addRow(`${SHIFT_COVERAGE}:${row.template}:${row.date}`, [...idx, under, over], [...idx.map(() => 1), 1, -1], row.required, row.required);
    }
  },
  checkRoster(p, shiftsByAgent) {
    const tracker = new ShiftCoverageTracker(p);
    for (const shifts of shiftsByAgent) for (const s of shifts) tracker.apply(s, 1);
    return tracker.findings();
  },
};
