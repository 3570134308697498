/**
 * Agent aggregation: a relaxation whose size grows with the number of agent classes, not of agents.
 *
 * Agents are grouped into classes (in practice: same contract, skills, opt-ins and time zone). Every decision
 * column of a class agent maps to the class column of its key (the same shift), holding the number of class
 * agents on it; every auxiliary column an agent owns maps to the class column of the same name. A class row
 * is the sum of the same-named rows of the class's agents. Summing rows and columns keeps every solution of
 * the per-agent model feasible in the class model at no higher cost, so the class LP's optimum is a lower bound
 * of the per-agent model. Two conditions keep the sum expressible in class columns, and rows that break them
 * are dropped (dropping rows only relaxes):
 * - every agent column behind a class column that appears in a summed row appears in it, with one coefficient
 *   (an agent's own rule, such as a personal rule, adds rows that only some class agents have: dropped);
 * - a class column's cost is its agents' usual cost c (the most common), less a credit column worth at most
 *   W = Σ over agents cheaper than c of (c − c_a)·u_a, and at most (c − c_min)·X:
 *   Σ c_a·x_a ≥ Σ min(c_a, c)·x_a ≥ max(c_min·X, c·X − W) (dearer agents' extra cost is relaxed). The cheapest
 *   cost alone (c_min·X) let one agent's credit (a granted shift request) be claimed by every agent of the class:
 *   on large classes the class LP fell below zero although no cost is negative. `liftToClasses` maps a
 *   per-agent solution onto the class model.
 * Agents whose rows match (identical agents) lose nothing: spreading a class solution evenly over its agents
 * is a per-agent solution of the same cost, so the two LP optima are equal.
 */
import { plainVariable, type LpModel, type LpRow, type LpVariable } from './model.js';

export interface AgentAggregation {
  readonly model: LpModel;
  /** Per class column whose agents' costs differ: its credit column and usual cost (see the header). */
  readonly credits: ReadonlyMap<number, { readonly column: number; readonly usual: number }>;
  /** Class-model column of every column of the per-agent model. */
  readonly classColumn: Int32Array;
  /** How many per-agent columns each class column sums (for a shift: the class agents who have it). */
  readonly members: Int32Array;
  readonly classes: number;
  readonly droppedRows: number;
}

/**
 * @param owner agent of each decision column, -1 for auxiliary columns.
 * @param shiftKey key of a decision column: equal keys within a class are the same shift.
 * @param agentClass class of each agent.
 * @param agentIds each agent's id, as it appears in the names of its rows and auxiliary columns.
 */
export function aggregateAgents(model: LpModel, owner: Int32Array, shiftKey: (column: number) => string, agentClass: Int32Array, agentIds: readonly string[]): AgentAggregation {
  const n = model.variables.length;
  // 1. Who owns each row and each auxiliary column: one agent, or nobody (global).
  const GLOBAL = -2;
  const NONE = -1;
  const rowOwner = new Int32Array(model.rows.length).fill(NONE);
  model.rows.forEach((r, i) => {
    for (const j of r.indices) {
      const a = owner[j]!;
      if (a < 0) continue;
      if (rowOwner[i] === NONE) rowOwner[i] = a;
      else if (rowOwner[i] !== a) {
        rowOwner[i] = GLOBAL;
        break;
      }
    }
  });
  const auxOwner = new Int32Array(n).fill(NONE);
  for (let pass = 0; pass < 3; pass++) {
    model.rows.forEach((r, i) => {
      let a = rowOwner[i]!;
      if (a === NONE) {
        // Rows of auxiliary columns only take their columns' owner.
        for (const j of r.indices) {
          const o = owner[j]! >= 0 ? owner[j]! : auxOwner[j]!;
          if (o === NONE) continue;
          if (a === NONE) a = o;
          else if (a !== o) a = GLOBAL;
        }
        if (a === NONE) return;
        rowOwner[i] = a;
      }
      for (const j of r.indices) {
        if (owner[j]! >= 0) continue;
        const o = auxOwner[j]!;
        if (o === NONE) auxOwner[j] = a;
        else if (o !== a) auxOwner[j] = GLOBAL;
      }
    });
  }

  // 2. Class columns.
  const classOf = (a: number) => agentClass[a]!;
  const columnKey = (j: number): string | undefined => {
    const a = owner[j]! >= 0 ? owner[j]! : auxOwner[j]!;
    if (a < 0) return undefined;
    if (owner[j]! >= 0) return `${classOf(a)}|x|${shiftKey(j)}`;
    return `${classOf(a)}|a|${model.variables[j]!.name.replace(agentIds[a]!, '\u00a7')}`;
  };
  const classColumn = new Int32Array(n);
  const byKey = new Map<string, number>();
  const variables: { name: string; lower: number; upper: number; cost: number; integer: boolean }[] = [];
  const members: number[] = [];
  const dearest: number[] = [];
  /** Class columns whose agents' columns cannot be summed (a negative lower bound): rows using them are dropped. */
  const unusable = new Set<number>();
  for (let j = 0; j < n; j++) {
    const v = model.variables[j]!;
    const key = columnKey(j);
    if (key === undefined) {
      classColumn[j] = variables.length;
      variables.push(plainVariable(v));
      members.push(1);
      continue;
    }
    let c = byKey.get(key);
    if (c === undefined) {
      c = variables.length;
      byKey.set(key, c);
      // Counts of integer columns are integers: the class MIP is a relaxation of the per-agent MIP too.
      variables.push({ name: key, lower: 0, upper: 0, cost: v.cost, integer: v.integer });
      members.push(0);
    }
    classColumn[j] = c;
    const cv = variables[c]!;
    cv.lower += v.lower;
    cv.upper += v.upper;
    cv.cost = Math.min(cv.cost, v.cost);
    dearest[c] = Math.max(dearest[c] ?? -Infinity, v.cost);
    cv.integer &&= v.integer;
    members[c]!++;
    if (v.lower < 0) unusable.add(c);
  }
  const { credits, creditRows } = creditColumns(model, classColumn, variables, members, dearest);

  // 3. Rows: global rows mapped entry by entry, agent rows summed per class and name.
  const rows: LpRow[] = [...creditRows];
  let dropped = 0;
  /** Maps entries to class columns; undefined when a class column gets two coefficients or misses some of its agents' columns. */
  const sumEntries = (group: readonly LpRow[]): { indices: number[]; coefficients: number[] } | undefined => {
    const coef = new Map<number, number>();
    const count = new Map<number, number>();
    for (const r of group)
      for (let k = 0; k < r.indices.length; k++) {
        const c = classColumn[r.indices[k]!]!;
        if (unusable.has(c)) return undefined;
        const a = r.coefficients[k]!;
        const seen = coef.get(c);
        if (seen === undefined) coef.set(c, a);
        else if (Math.abs(seen - a) > 1e-12 * Math.max(1, Math.abs(a))) return undefined;
        count.set(c, (count.get(c) ?? 0) + 1);
      }
    for (const [c, k] of count) if (k !== members[c]) return undefined;
    return { indices: [...coef.keys()], coefficients: [...coef.values()] };
  };
  const groups = new Map<string, LpRow[]>();
  model.rows.forEach((r, i) => {
    const a = rowOwner[i]!;
    if (a < 0) {
      const entries = sumEntries([r]);
      if (entries) rows.push({ name: r.name, ...entries, lower: r.lower, upper: r.upper });
      else dropped++;
      return;
    }
    const key = `${classOf(a)}|${r.name.replace(agentIds[a]!, '\u00a7')}`;
    const group = groups.get(key);
    if (group) group.push(r);
    else groups.set(key, [r]);
  });
  for (const [key, group] of groups) {
    const entries = sumEntries(group);
    if (!entries) {
      dropped += group.length;
      continue;
    }
    // Agents of the class without this row have none of its columns (checked above): their part is 0.
    let lower = 0;
    let upper = 0;
    for (const r of group) {
      lower += r.lower;
      upper += r.upper;
    }
    rows.push({ name: key, ...entries, lower, upper });
  }
  const classes = new Set(agentClass).size;
  return { model: { sense: 'minimize', variables: variables as LpVariable[], rows, objectiveOffset: model.objectiveOffset }, credits, classColumn, members: Int32Array.from(members), classes, droppedRows: dropped };
}

type ClassVariable = { name: string; lower: number; upper: number; cost: number; integer: boolean };

/**
 * For each class column whose agents' costs differ (and whose agents' columns are bounded): its usual cost on
 * the class column, a credit column (cost −1, at most W) and the row credit ≤ (usual − cheapest)·X (see the
 * header). Appended to `variables` (with 0 members).
 */
function creditColumns(model: LpModel, classColumn: Int32Array, variables: ClassVariable[], members: number[], dearest: number[]) {
  const differs = (c: number) => dearest[c] !== undefined && dearest[c]! - variables[c]!.cost > 1e-12 * Math.max(1, Math.abs(dearest[c]!));
  const counts = new Map<number, Map<number, number>>();
  for (let j = 0; j < model.variables.length; j++) {
    const c = classColumn[j]!;
    if (!differs(c)) continue;
    const byCost = counts.get(c) ?? new Map<number, number>();
    counts.set(c, byCost);
    byCost.set(model.variables[j]!.cost, (byCost.get(model.variables[j]!.cost) ?? 0) + 1);
  }
  const usual = new Map<number, number>();
  for (const [c, byCost] of counts) {
    let best = -Infinity;
    let most = 0;
    for (const [cost, n] of byCost) if (n > most || (n === most && cost > best)) [best, most] = [cost, n];
    usual.set(c, best);
  }
  const worth = new Map<number, number>();
  for (let j = 0; j < model.variables.length; j++) {
    const u = usual.get(classColumn[j]!);
    const v = model.variables[j]!;
    if (u !== undefined && v.cost < u) worth.set(classColumn[j]!, (worth.get(classColumn[j]!) ?? 0) + (u - v.cost) * v.upper);
  }
  const credits = new Map<number, { column: number; usual: number }>();
  const creditRows: LpRow[] = [];
  for (const [c, u] of usual) {
    const w = worth.get(c) ?? 0;
    if (!Number.isFinite(w)) continue;
    const cv = variables[c]!;
    const spread = u - cv.cost;
    const column = variables.length;
    variables.push({ name: `credit|${cv.name}`, lower: 0, upper: w, cost: -1, integer: false });
    members.push(0);
    cv.cost = u;
    credits.set(c, { column, usual: u });
    creditRows.push({ name: `credit|${cv.name}`, indices: [column, c], coefficients: [1, -spread], lower: -Infinity, upper: 0 });
  }
  return { credits, creditRows };
}

/** A per-agent solution as a class-model solution: columns summed per class, each credit what its cheaper agents give. */
export function liftToClasses(aggregation: AgentAggregation, model: LpModel, values: ArrayLike<number>): Float64Array {
  const lifted = new Float64Array(aggregation.model.variables.length);
  for (let j = 0; j < model.variables.length; j++) {
    const c = aggregation.classColumn[j]!;
    const x = values[j] ?? 0;
    lifted[c]! += x;
    const credit = aggregation.credits.get(c);
    if (credit) lifted[credit.column]! += Math.max(0, credit.usual - model.variables[j]!.cost) * x;
  }
  return lifted;
}
