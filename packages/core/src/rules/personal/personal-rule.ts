/**
 * Shared shape of personal weekly rules: plain data on the agent (`agent.rules`), each hard (a need)
 * or soft (a wish with a weight). A kind that judges single shifts is one predicate: hard instances
 * filter candidates, soft ones price each offending shift.
 */
import type { AgentContext, Problem, Shift } from '../../expand/problem.js';
import type { PersonalRule, PersonalRuleKind } from '../../schema/scenario.js';
import type { RuleFinding, RuleModule } from '../rule.js';
import { dateOfDay } from '../rule.js';

export type RuleOf<K extends PersonalRuleKind> = Extract<PersonalRule, { kind: K }>;

export function rulesOfKind<K extends PersonalRuleKind>(a: AgentContext, kind: K): RuleOf<K>[] {
  return a.rules.filter((r): r is RuleOf<K> => r.kind === kind);
}

export function weightOf(rule: PersonalRule): number {
  return rule.weight ?? 1;
}

export function finding(kind: string, a: AgentContext, rule: PersonalRule, message: string, date?: string): RuleFinding {
  const hard = rule.hard === true;
  return { rule: kind, agentId: a.id, hard, cost: hard ? 0 : weightOf(rule), message, ...(date ? { date } : {}) };
}

export function personalShiftRule<K extends PersonalRuleKind>(kind: K, description: string, offends: (p: Problem, a: AgentContext, rule: RuleOf<K>, s: Shift) => string | undefined): RuleModule {
  return {
    name: kind,
    description,
    admits: (p, a, s) => rulesOfKind(a, kind).every((r) => r.hard !== true || offends(p, a, r, s) === undefined),
    build(m) {
      m.problem.agents.forEach((a, ai) => {
        const soft = rulesOfKind(a, kind).filter((r) => r.hard !== true);
        if (soft.length === 0) return;
        a.candidates.forEach((s, i) => {
          for (const r of soft) if (offends(m.problem, a, r, s) !== undefined) m.lp.addCost(m.columns[ai]![i]!, weightOf(r));
        });
      });
    },
    checkAgent(p, a, shifts) {
      const out: RuleFinding[] = [];
      for (const r of rulesOfKind(a, kind))
        for (const s of shifts) {
          const message = offends(p, a, r, s);
          if (message !== undefined) out.push(finding(kind, a, r, message, dateOfDay(p, s.day)));
        }
      return out;
    },
  };
}
