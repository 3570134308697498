/**
 * evaluate: recomputes coverage, every cost and every hard violation from a roster alone, with the same
 * rule modules the solver builds its model from.
 */
import type { Problem, Shift } from '../expand/problem.js';
import type { CoverageRow, Evaluation, Finding, ShiftCoverageRow } from '../schema/roster.js';
import type { RuleFinding } from '../rules/rule.js';
import { AGENT_RULES, RULES } from '../rules/index.js';
import { CoverageTracker } from '../rules/coverage.js';
import { ShiftCoverageTracker } from '../rules/shift-coverage.js';
import { isoInZone } from '../time/zone.js';
import { overtimeWeeks } from '../rules/overtime.js';

/** All findings of one agent's shifts (sorted by start). */
export function checkAgent(p: Problem, agentIndex: number, shifts: readonly Shift[]): RuleFinding[] {
  const a = p.agents[agentIndex]!;
  return AGENT_RULES.flatMap((r) => r.checkAgent!(p, a, shifts));
}

/** Soft cost and hard findings of one agent. */
export function agentStanding(p: Problem, agentIndex: number, shifts: readonly Shift[]): { cost: number; hard: RuleFinding[] } {
  const findings = checkAgent(p, agentIndex, shifts);
  let cost = 0;
  const hard: RuleFinding[] = [];
  for (const f of findings) {
    if (f.hard) hard.push(f);
    else cost += f.cost;
  }
  return { cost, hard };
}

function toFinding(f: RuleFinding): Finding {
  return { rule: f.rule, ...(f.agentId !== undefined ? { agentId: f.agentId } : {}), hard: f.hard, cost: f.cost, message: f.message, ...(f.date !== undefined ? { date: f.date } : {}) };
}

export function evaluateShifts(p: Problem, byAgent: readonly (readonly Shift[])[]): Evaluation {
  const findings: RuleFinding[] = [];
  byAgent.forEach((shifts, ai) => findings.push(...checkAgent(p, ai, shifts)));
  for (const r of RULES) if (r.checkRoster) findings.push(...r.checkRoster(p, byAgent));
  const byRule: Record<string, number> = {};
  const byAgentCost: Record<string, number> = {};
  for (const r of RULES) byRule[r.name] = 0;
  let total = 0;
  for (const f of findings) {
    if (f.hard) continue;
    total += f.cost;
    byRule[f.rule] = (byRule[f.rule] ?? 0) + f.cost;
    if (f.agentId !== undefined) byAgentCost[f.agentId] = (byAgentCost[f.agentId] ?? 0) + f.cost;
  }
  const tracker = new CoverageTracker(p);
  const shiftTracker = new ShiftCoverageTracker(p);
  for (const list of byAgent)
    for (const s of list) {
      tracker.apply(s, 1);
      shiftTracker.apply(s, 1);
    }
  const coverage: CoverageRow[] = [];
  let under = 0;
  let over = 0;
  p.skills.forEach((skill, k) => {
    for (let t = 0; t < p.intervalCount; t++) {
      const scheduled = round(tracker.scheduled[k]![t]!);
      const defined = tracker.defined[k]![t] === 1;
      if (!defined && scheduled === 0) continue;
      const required = defined ? p.requirement[k]![t]! : 0;
      const u = defined ? Math.max(0, round(required - scheduled)) : 0;
      const o = defined ? Math.max(0, round(scheduled - required)) : 0;
      under += u * p.intervalHours;
      over += o * p.intervalHours;
      coverage.push({ start: isoInZone(p.gridStart + t * p.intervalMs, p.zone), skill, required, scheduled, under: u, over: o });
    }
  });
  const shiftCoverage: ShiftCoverageRow[] = p.shiftDemand.map((r) => {
    const n = shiftTracker.counts.get(`${r.day}|${r.template}`) ?? 0;
    return { date: r.date, template: r.template, required: r.required, scheduled: n, under: Math.max(0, r.required - n), over: Math.max(0, n - r.required) };
  });
  return {
    costs: { total, byRule, byAgent: byAgentCost },
    violations: findings.filter((f) => f.hard).map(toFinding),
    softFindings: findings.filter((f) => !f.hard && f.cost !== 0).map(toFinding),
    coverage,
    shiftCoverage,
    understaffedAgentHours: round(under),
    overstaffedAgentHours: round(over),
    overtime: overtimeSummary(p, byAgent),
  };
}

/** Overtime hours per agent and in total, from the overtime rule's own weekly arithmetic. */
function overtimeSummary(p: Problem, byAgent: readonly (readonly Shift[])[]): NonNullable<Evaluation['overtime']> {
  const perAgent: Record<string, number> = {};
  let hours = 0;
  let cost = 0;
  byAgent.forEach((shifts, ai) => {
    const weeks = overtimeWeeks(p, p.agents[ai]!, shifts);
    if (weeks.length === 0) return;
    const h = weeks.reduce((sum, w) => sum + w.hours, 0);
    perAgent[p.agents[ai]!.id] = round(h);
    hours += h;
    cost += weeks.reduce((sum, w) => sum + w.cost, 0);
  });
  return { hours: round(hours), cost: round(cost), byAgent: perAgent };
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
