/**
 * A re-plan's exchange move for the local search: one agent's change on a day (or two agents' on one day) is
 * undone (that day's base shifts back, those that are still candidates), the best one-day change of any other
 * agent on that day is made, and the first agents then re-plan that day again; kept only when the roster gets
 * better. One-agent moves cannot make this exchange: undoing a change alone reopens the hole it filled, and a
 * second agent's change alone pays a touched agent for cover already there. So a shift added for a new agent
 * stays where moving or extending the shift of an agent who works that day, or of one already touched, would
 * cost less.
 */
import type { Shift } from '../expand/problem.js';
import { shiftKey } from '../rules/stability.js';
import type { RosterSearch } from './heuristic.js';

/** Days on which agent `ai`'s roster departs from its base (by shift key). */
function changedDays(search: RosterSearch, ai: number): number[] {
  const base = search.p.stability!.shifts[ai]!;
  const now = search.state[ai]!.shifts;
  const had = new Set(base.map(shiftKey));
  const has = new Set(now.map(shiftKey));
  const days = new Set([...base.filter((s) => !has.has(shiftKey(s))), ...now.filter((s) => !had.has(shiftKey(s)))].map((s) => s.day));
  return [...days];
}

/** At most this many exchanges of two changes for one are tried per call (each costs a scan of every agent). */
const MAX_PAIR_EXCHANGES = 10;
/** Options per agent in the scan for the other change: the best by coverage first (the price hardly differs among them). */
const OTHER_OPTIONS = 8;

/**
 * Tries the exchange for every changed agent-day (in `order`), then, where none helped, of two changed agents'
 * changes on one day for one change of another agent (two shifts added where one moved or added would do);
 * returns whether the roster got better.
 */
export function exchangeChanges(search: RosterSearch, order: <T>(xs: T[]) => T[], out: () => boolean, limit = 24): boolean {
  const st = search.p.stability;
  if (!st || !Object.values(st.changeCost).some((c) => c > 0)) return false;
  let better = false;
  const changed = search.p.agents.flatMap((_, ai) => (st.kept.has(ai) ? [] : changedDays(search, ai).map((d) => [ai, d] as const)));
  for (const [ai, day] of order(changed)) {
    if (out()) break;
    if (exchange(search, [ai], day, limit, out)) better = true;
  }
  if (better) return true;
  const twos = changed.flatMap(([a, d], i) => changed.slice(i + 1).flatMap(([b, e]) => (d === e && a !== b ? [[a, b, d] as const] : [])));
  for (const [a, b, day] of order(twos).slice(0, MAX_PAIR_EXCHANGES)) {
    if (out()) break;
    if (exchange(search, [a, b], day, limit, out)) return true;
  }
  return false;
}

/** Agent `ai`'s shifts with `day` as in the base (its base shifts that are still candidates); undefined when that is what it has. */
function undoDay(search: RosterSearch, ai: number, day: number): Shift[] | undefined {
  const candidates = new Map(search.p.agents[ai]!.candidates.map((c) => [shiftKey(c), c]));
  const baseDay = search.p.stability!.shifts[ai]!.filter((s) => s.day === day).flatMap((s) => candidates.get(shiftKey(s)) ?? []);
  const now = search.state[ai]!.shifts;
  const undone = [...now.filter((s) => s.day !== day), ...baseDay];
  return undone.length === now.length && undone.every((s) => now.includes(s)) ? undefined : undone; // a forced change stays
}

/** Undoes `agents`' changes on `day`, makes the best other change there, re-plans their day; kept when better. */
function exchange(search: RosterSearch, agents: readonly number[], day: number, limit: number, out: () => boolean): boolean {
  const undone = agents.map((ai) => undoDay(search, ai, day));
  if (undone.some((u) => u === undefined)) return false;
  const saved = agents.map((ai) => search.state[ai]!.shifts);
  const before = { cost: search.totalCost(), inf: search.totalInfeasibility() };
  agents.forEach((ai, k) => search.setShifts(ai, undone[k]!));
  const other = bestOtherChange(search, agents, day, limit, out);
  if (other) search.setShifts(other.agent, other.shifts);
  for (const ai of agents) search.improve(ai, [day], search.dayOptions(ai, day, limit));
  const cost = search.totalCost();
  const inf = search.totalInfeasibility();
  if (inf < before.inf - 1e-9 || (Math.abs(inf - before.inf) <= 1e-9 && cost < before.cost - 1e-9)) return true;
  if (other) search.setShifts(other.agent, other.saved);
  agents.forEach((ai, k) => search.setShifts(ai, saved[k]!));
  return false;
}

/** The one-day change on `day` of an agent not in `agents` that leaves the roster cheapest (not applied; the best so far when `out`). */
function bestOtherChange(search: RosterSearch, agents: readonly number[], day: number, limit: number, out: () => boolean): { agent: number; shifts: Shift[]; saved: Shift[] } | undefined {
  const kept = search.p.stability!.kept;
  let best: { agent: number; shifts: Shift[]; saved: Shift[]; inf: number; cost: number } | undefined;
  for (let bi = 0; bi < search.p.agents.length && !out(); bi++) {
    if (agents.includes(bi) || kept.has(bi)) continue;
    const saved = search.state[bi]!.shifts;
    if (!search.improve(bi, [day], search.dayOptions(bi, day, Math.min(limit, OTHER_OPTIONS)))) continue;
    const c = { agent: bi, shifts: search.state[bi]!.shifts, saved, inf: search.totalInfeasibility(), cost: search.totalCost() };
    if (!best || c.inf < best.inf - 1e-9 || (Math.abs(c.inf - best.inf) <= 1e-9 && c.cost < best.cost - 1e-9)) best = c;
    search.setShifts(bi, saved);
  }
  return best;
}

/**
 * A re-plan's first steps, before the passes over every agent-day: each agent re-plans the days on which the
 * roster departs from the base (the days an absence breaks), then the exchanges. Where the heuristic is cut
 * short (a short limit, a busy machine), the event is handled before the rest of the horizon is looked at.
 * Returns whether it ran (a re-plan that prices change).
 */
export function replanEventFirst(search: RosterSearch, order: <T>(xs: T[]) => T[], out: () => boolean, limit = 24): boolean {
  const st = search.p.stability;
  if (!st || !Object.values(st.changeCost).some((c) => c > 0)) return false;
  const days = new Set(search.p.agents.flatMap((_, ai) => changedDays(search, ai)));
  const agentDays = search.p.agents.flatMap((_, ai) => (st.kept.has(ai) ? [] : search.days(ai).filter((d) => days.has(d)).map((d) => [ai, d] as const)));
  for (const [ai, d] of order(agentDays)) {
    if (out()) return true;
    search.improve(ai, [d], search.dayOptions(ai, d, limit));
  }
  exchangeChanges(search, order, out, limit);
  return true;
}
