/**
 * Personal rules that cap a weekly count (late shifts, working days). Hard: a row per week. Soft: a
 * slack per week priced at the weight, so each unit over the cap costs the weight once.
 */
import type { AgentContext, Problem, Shift } from '../../expand/problem.js';
import type { Expr, RosterModel } from '../../model/roster-model.js';
import type { PersonalRuleKind } from '../../schema/scenario.js';
import type { RuleFinding, RuleModule } from '../rule.js';
import { dateOfDay } from '../rule.js';
import { weekLimit } from '../days-per-week.js';
import { rulesOfKind, weightOf, type RuleOf } from './personal-rule.js';

export function weeklyCountRule<K extends PersonalRuleKind>(
  kind: K,
  description: string,
  spec: {
    cap: (r: RuleOf<K>) => number;
    /** The weekly count as an LP expression. */
    expr: (m: RosterModel, ai: number, r: RuleOf<K>, week: number) => Expr;
    /** The weekly count in a finished roster. */
    count: (p: Problem, a: AgentContext, r: RuleOf<K>, shifts: readonly Shift[], week: number) => number;
    what: string;
  },
): RuleModule {
  return {
    name: kind,
    description,
    build(m) {
      m.problem.agents.forEach((a, ai) => {
        rulesOfKind(a, kind).forEach((r, ri) => {
          for (const w of m.problem.weeks) {
            const cap = weekLimit(spec.cap(r), w.scale);
            const e = spec.expr(m, ai, r, w.index);
            if (e.indices.length <= cap) continue;
            if (r.hard === true) m.lp.addRow(`${kind}:${a.id}:rule${ri + 1}:${m.weekName(w.index)}`, e.indices, e.coefficients, -Infinity, cap);
            else {
              const slack = m.slack(`${kind}[${a.id}#rule${ri + 1}#${m.weekName(w.index)}]`, weightOf(r));
              m.lp.addRow(`${kind}:${a.id}:rule${ri + 1}:${m.weekName(w.index)}`, [...e.indices, slack], [...e.coefficients, -1], -Infinity, cap);
            }
          }
        });
      });
    },
    checkAgent(p, a, shifts) {
      const out: RuleFinding[] = [];
      for (const r of rulesOfKind(a, kind))
        for (const w of p.weeks) {
          const cap = weekLimit(spec.cap(r), w.scale);
          const n = spec.count(p, a, r, shifts, w.index);
          if (n <= cap) continue;
          const hard = r.hard === true;
          out.push({ rule: kind, agentId: a.id, hard, cost: hard ? 0 : weightOf(r) * (n - cap), date: dateOfDay(p, w.firstDay), message: `week ${w.index + 1}: ${n} ${spec.what}, at most ${cap} wanted` });
        }
      return out;
    },
  };
}
