/**
 * stability (soft, with hard parts): a minimal-change solve (`SolveOptions.base`, see solve/base.ts) prices
 * every departure from the base roster: a shift moved (replaced by another of the agent's on the same
 * agent-local day), a shift added or removed with no same-day counterpart, and each agent touched. Hard:
 * nothing starting before `frozenBefore` changes, pinned shifts are in the roster, and agents outside
 * `onlyAgents` keep the base exactly. Without a base on the problem the rule does nothing.
 */
import type { Problem, Shift } from '../expand/problem.js';
import type { Expr, RosterModel as Model } from '../model/roster-model.js';
import type { RuleFinding, RuleModule } from './rule.js';
import { dateOfDay } from './rule.js';

export const STABILITY = 'stability';

export interface ChangeCost {
  readonly perShiftMoved: number;
  readonly perShiftAddedOrRemoved: number;
  readonly perAgentTouched: number;
}

/** The base of a minimal-change solve, located on the problem (`Problem.stability`). */
export interface StabilityBase {
  /** Base shifts per agent, sorted by start (compared by `shiftKey`, never by identity). */
  readonly shifts: readonly (readonly Shift[])[];
  readonly changeCost: ChangeCost;
  /** Instant (ms) before which nothing may change; undefined when nothing is frozen. */
  readonly frozenBefore: number | undefined;
  /** Pinned shifts per agent. */
  readonly pinned: readonly (readonly Shift[])[];
  /** Agents that keep the base exactly (not in `onlyAgents`). */
  readonly kept: ReadonlySet<number>;
  /** The heuristic's first roster: the base shifts that are candidates, with the pinned shifts in (candidate objects). */
  readonly initial: readonly (readonly Shift[])[];
}

/** Shifts are the same shift when start, end and skill are (template names do not count). */
export function shiftKey(s: Shift): string {
  return `${s.start}|${s.end}|${s.skill}`;
}

export interface ShiftChange {
  readonly before: Shift | null;
  readonly after: Shift | null;
}

/**
 * One agent's changes from `before` to `after`, in order of start: each removed shift paired with the first
 * added shift of the same agent-local day (a move), the rest additions (before null) or removals (after null).
 */
export function shiftChanges(before: readonly Shift[], after: readonly Shift[]): ShiftChange[] {
  const had = new Set(before.map(shiftKey));
  const has = new Set(after.map(shiftKey));
  const removed = before.filter((s) => !has.has(shiftKey(s))).sort((x, y) => x.start - y.start);
  const added = after.filter((s) => !had.has(shiftKey(s))).sort((x, y) => x.start - y.start);
  const out: { at: number; change: ShiftChange }[] = [];
  for (const r of removed) {
    const j = added.findIndex((s) => s.day === r.day);
    const moved = j >= 0 ? added.splice(j, 1)[0]! : null;
    out.push({ at: r.start, change: { before: r, after: moved } });
  }
  for (const s of added) out.push({ at: s.start, change: { before: null, after: s } });
  return out.sort((x, y) => x.at - y.at).map((c) => c.change);
}

/** The price of one agent's changes: moves, unpaired additions and removals, and the agent touched. */
export function changePrice(cost: ChangeCost, changes: readonly ShiftChange[]): { moved: number; addedOrRemoved: number; cost: number } {
  const moved = changes.filter((c) => c.before && c.after).length;
  const addedOrRemoved = changes.length - moved;
  const total = moved * cost.perShiftMoved + addedOrRemoved * cost.perShiftAddedOrRemoved + (changes.length > 0 ? cost.perAgentTouched : 0);
  return { moved, addedOrRemoved, cost: total };
}

export const stabilityRule: RuleModule = {
  name: STABILITY,
  description: 'Changes against the base roster of a re-plan: priced, and none before frozenBefore, to pinned shifts or to agents outside onlyAgents',
  build(m) {
    const st = m.problem.stability;
    if (!st) return;
    m.problem.agents.forEach((a, ai) => {
      fixShifts(m, ai, fixedShifts(st, ai));
      if (!st.kept.has(ai)) priceChanges(m, ai, st);
    });
  },
  checkAgent(p, a, shifts) {
    const st = p.stability;
    if (!st) return [];
    const changes = shiftChanges(st.shifts[a.index]!, shifts);
    const out: RuleFinding[] = [];
    const hard = (s: Shift, message: string) => out.push({ rule: STABILITY, agentId: a.id, hard: true, cost: 0, date: dateOfDay(p, s.day), message });
    for (const c of changes) {
      const s = (c.before ?? c.after)!;
      if (st.kept.has(a.index)) hard(s, `${a.id} keeps the base roster (not in onlyAgents), but a shift ${c.before ? (c.after ? 'moved' : 'was removed') : 'was added'}`);
      else if (st.frozenBefore !== undefined && ((c.before && c.before.start < st.frozenBefore) || (c.after && c.after.start < st.frozenBefore)))
        hard(s, 'a shift starting before frozenBefore changed');
    }
    const keys = new Set(shifts.map(shiftKey));
    for (const s of st.pinned[a.index]!) if (!keys.has(shiftKey(s))) hard(s, 'a pinned shift is not in the roster');
    const price = changePrice(st.changeCost, changes);
    if (price.cost > 0)
      out.push({ rule: STABILITY, agentId: a.id, hard: false, cost: price.cost, message: `${price.moved} shift(s) moved, ${price.addedOrRemoved} added or removed against the base roster` });
    return out;
  },
};

/** What must stay as it is for agent `ai`: its pinned shifts, and its base shifts that are kept or frozen. */
export function fixedShifts(st: StabilityBase, ai: number): Shift[] {
  const base = st.shifts[ai]!.filter((s) => st.kept.has(ai) || (st.frozenBefore !== undefined && s.start < st.frozenBefore));
  const keys = new Set(base.map(shiftKey));
  return [...base, ...st.pinned[ai]!.filter((s) => !keys.has(shiftKey(s)))].sort((x, y) => x.start - y.start);
}

/** Each fixed shift: the candidates with its key sum to 1 (templates may repeat a key). */
function fixShifts(m: Model, ai: number, fixed: readonly Shift[]): void {
  const a = m.problem.agents[ai]!;
  const named = new Set<string>();
  for (const s of fixed) {
    const same = a.candidates.flatMap((c, i) => (shiftKey(c) === shiftKey(s) ? [i] : []));
    const e = m.shiftsExpr(ai, same);
    // With no such candidate the row is 0 = 1: infeasible, as it is (solve/base.ts refuses that case first).
    m.lp.addRow(m.uniqueName(`${STABILITY}:fixed:${a.id}:${m.dayName(s.day)}:${m.timeName(s.localStart)}`, named), e.indices, e.coefficients, 1, 1);
  }
}

/**
 * Per agent-local day with r base shifts removed (nb minus the base-key columns kept) and n new columns:
 * cost = addedOrRemoved·(r + n) + (moved − 2·addedOrRemoved)·min(r, n), min(r, n) in a column z (with a binary
 * chooser when its coefficient is positive); touched is a binary t bounded below on each day (touchedRows).
 */
function priceChanges(m: Model, ai: number, st: StabilityBase): void {
  const a = m.problem.agents[ai]!;
  const { perShiftMoved: mv, perShiftAddedOrRemoved: ar, perAgentTouched: tc } = st.changeCost;
  const base = st.shifts[ai]!;
  const baseKeys = new Set(base.map(shiftKey));
  const days = [...new Set([...m.daysWithCandidates(ai), ...base.map((s) => s.day)])].sort((x, y) => x - y);
  const unavoidable = base.some((s) => !a.candidates.some((c) => shiftKey(c) === shiftKey(s)));
  const touched = tc > 0 && !unavoidable ? m.lp.addBinary(`${STABILITY}-touched[${a.id}]`, tc) : undefined;
  if (tc > 0 && unavoidable) m.lp.addObjectiveOffset(tc);
  const neg = (e: Expr): Expr => ({ indices: e.indices, coefficients: e.coefficients.map((c) => -c) });
  for (const day of days) {
    const cands = m.candidatesOnDay(ai, day);
    const nb = base.filter((s) => s.day === day).length;
    const kept = m.shiftsExpr(ai, cands.filter((i) => baseKeys.has(shiftKey(a.candidates[i]!))));
    const fresh = m.shiftsExpr(ai, cands.filter((i) => !baseKeys.has(shiftKey(a.candidates[i]!))));
    if (nb === 0 && fresh.indices.length === 0) continue;
    const name = `${a.id}#${m.dayName(day)}`;
    m.lp.addObjectiveOffset(ar * nb);
    kept.indices.forEach((j) => m.lp.addCost(j, -ar));
    fresh.indices.forEach((j) => m.lp.addCost(j, ar));
    const u = nb + 2; // r ≤ nb and n ≤ 2 (one regular and one micro-shift a day)
    if (nb > 0 && fresh.indices.length > 0 && mv !== 2 * ar) {
      const z = m.lp.addVariable({ name: `${STABILITY}-moves[${name}]`, cost: mv - 2 * ar });
      if (mv < 2 * ar) {
        // Minimised with a negative cost: z ≤ r and z ≤ n make it min(r, n).
        m.lp.addRow(`${STABILITY}:moves-removed:${name}`, [z, ...kept.indices], [1, ...kept.coefficients], -Infinity, nb);
        m.lp.addRow(`${STABILITY}:moves-added:${name}`, [z, ...fresh.indices], [1, ...neg(fresh).coefficients], -Infinity, 0);
      } else {
        // Positive cost: z ≥ r − u·y and z ≥ n − u·(1 − y), so z settles on min(r, n).
        const y = m.lp.addBinary(`${STABILITY}-pair[${name}]`);
        m.lp.addRow(`${STABILITY}:moves-removed:${name}`, [z, y, ...kept.indices], [1, u, ...kept.coefficients], nb, Infinity);
        m.lp.addRow(`${STABILITY}:moves-added:${name}`, [z, y, ...fresh.indices], [1, -u, ...neg(fresh).coefficients], -u, Infinity);
      }
    }
    if (touched !== undefined) touchedRows(m, ai, st, day, touched);
  }
}

/**
 * The agent's touched binary t on one day, in the strong form: t ≥ each new shift kind's columns (at most one
 * regular and one micro-shift a day, daily-shifts) and t ≥ 1 − the columns keeping each base shift. The sum
 * form (nb + 2)·t ≥ r + n is as exact in integers, but its relaxation charges a new shift a third of the
 * price, so the bound, reduced-cost fixing and every restricted MIP drawn from the LP favour touching many.
 */
function touchedRows(m: Model, ai: number, st: StabilityBase, day: number, t: number): void {
  const a = m.problem.agents[ai]!;
  const name = `${a.id}#${m.dayName(day)}`;
  const cands = m.candidatesOnDay(ai, day);
  const base = st.shifts[ai]!.filter((s) => s.day === day);
  const baseKeys = new Set(base.map(shiftKey));
  for (const micro of [false, true]) {
    const fresh = m.shiftsExpr(ai, cands.filter((i) => a.candidates[i]!.micro === micro && !baseKeys.has(shiftKey(a.candidates[i]!))));
    if (fresh.indices.length > 0)
      m.lp.addRow(`${STABILITY}:touched:${name}:${micro ? 'micro' : 'regular'}`, [t, ...fresh.indices], [1, ...fresh.coefficients.map((c) => -c)], 0, Infinity);
  }
  const named = new Set<string>();
  for (const b of base) {
    if (st.frozenBefore !== undefined && b.start < st.frozenBefore) continue; // fixed in the roster: the row holds
    const keep = m.shiftsExpr(ai, cands.filter((i) => shiftKey(a.candidates[i]!) === shiftKey(b)));
    m.lp.addRow(m.uniqueName(`${STABILITY}:touched:${name}:keep-${m.timeName(b.localStart)}`, named), [t, ...keep.indices], [1, ...keep.coefficients], 1, Infinity);
  }
}
