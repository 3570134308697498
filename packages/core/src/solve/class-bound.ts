/**
 * A lower bound for models too large to relax agent by agent (XL: 1,000 agents × 28 days): the LP of the
 * model aggregated over agent classes (lp/aggregate.ts). A class is every agent with the same contract,
 * skills, opt-ins, start flexibility and time zone; leave and personal rules may differ inside a class (their
 * effect on candidate shifts is kept, their own rows are relaxed).
 */
import type { Problem, Shift } from '../expand/problem.js';
import { shiftColumnOwners, type BuiltModel } from '../model/build.js';
import { aggregateAgents, type AgentAggregation } from '../lp/aggregate.js';
import { checkAgent } from '../evaluate/evaluate.js';

/** Class index of every agent. */
export function agentClasses(p: Problem): Int32Array {
  const ids = new Map<string, number>();
  return Int32Array.from(p.agents, (a) => {
    // What varies freely inside a class: identity, leave and personal rules.
    const { id: _id, name: _name, leave: _leave, rules: _rules, ...profile } = a.agent as typeof a.agent & { name?: unknown };
    const signature = `${a.zone}|${a.contract.id}|${stableJson(profile)}`;
    let k = ids.get(signature);
    if (k === undefined) {
      k = ids.size;
      ids.set(signature, k);
    }
    return k;
  });
}

export function classAggregation(p: Problem, built: BuiltModel): AgentAggregation {
  const lp = built.lp;
  const { owner, candidate } = shiftColumnOwners(built);
  const shiftKey = (j: number) => {
    const s = p.agents[owner[j]!]!.candidates[candidate[j]!]!;
    return `${s.day}|${s.start}|${s.end}|${s.skill}|${s.template?.id ?? ''}|${s.micro ? 1 : 0}`;
  };
  return aggregateAgents(lp, owner, shiftKey, agentClasses(p), p.agents.map((a) => a.id));
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

/**
 * A first roster from the class LP: each class shift is given to as many of the class's agents as the LP
 * puts on it (rounded), choosing agents free that day with the fewest hours so far in that week, and only
 * where the agent's rule modules find no new hard violation that more work could not mend (minimum hours,
 * say, are short on any partial roster). The local search then repairs and polishes the rest.
 */
export function disaggregate(p: Problem, built: BuiltModel, aggregation: AgentAggregation, classValues: ArrayLike<number>): Shift[][] {
  const byClassColumn = new Map<number, { agent: number; shift: Shift }[]>();
  built.model.columns.forEach((cols, ai) =>
    cols.forEach((j, i) => {
      const c = aggregation.classColumn[j]!;
      if ((classValues[c] ?? 0) < 1e-6) return;
      const list = byClassColumn.get(c);
      const entry = { agent: ai, shift: p.agents[ai]!.candidates[i]! };
      if (list) list.push(entry);
      else byClassColumn.set(c, [entry]);
    }),
  );
  const roster: Shift[][] = p.agents.map(() => []);
  const blocking = p.agents.map((_, ai) => blockingFindings(p, ai, []));
  const busy = p.agents.map(() => new Set<number>());
  const weekMinutes = p.agents.map(() => new Map<number, number>());
  // Longer and earlier shifts first, so the day's main shifts are placed before the short ones.
  const order = [...byClassColumn.entries()].sort((x, y) => x[1][0]!.shift.day - y[1][0]!.shift.day || y[1][0]!.shift.minutes - x[1][0]!.shift.minutes || x[1][0]!.shift.start - y[1][0]!.shift.start);
  for (const [c, entries] of order) {
    const v = classValues[c]!;
    let count = Math.floor(v + 0.5);
    if (count === 0) continue;
    const free = entries
      .filter((e) => !busy[e.agent]!.has(e.shift.day))
      .sort((x, y) => (weekMinutes[x.agent]!.get(x.shift.week) ?? 0) - (weekMinutes[y.agent]!.get(y.shift.week) ?? 0) || x.agent - y.agent);
    for (const e of free) {
      if (count <= 0) break;
      const tried = [...roster[e.agent]!, e.shift].sort((x, y) => x.start - y.start);
      const now = blocking[e.agent]!;
      const then = blockingFindings(p, e.agent, tried);
      if (then > now) continue;
      count--;
      blocking[e.agent] = then;
      roster[e.agent] = tried;
      busy[e.agent]!.add(e.shift.day);
      weekMinutes[e.agent]!.set(e.shift.week, (weekMinutes[e.agent]!.get(e.shift.week) ?? 0) + e.shift.paidMinutes);
    }
  }
  return roster;
}

/** Hard findings that more work cannot mend (those without a shortfall). */
function blockingFindings(p: Problem, agent: number, shifts: readonly Shift[]): number {
  return checkAgent(p, agent, shifts).filter((f) => f.hard && f.shortfall === undefined).length;
}
