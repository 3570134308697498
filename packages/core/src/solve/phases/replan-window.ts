/**
 * Windows of a minimal-change solve: the event's days. A re-plan's changes gather on the few days the event
 * hits: those where a base shift can no longer be kept (an absence breaks it) and those where the roster
 * departs from the base. An event window frees, over those days, every agent the roster already changes
 * (their changes are paid for: moving or extending their shifts adds no touched agent) and others, in a random
 * order, up to the window's size, so the backend weighs a shift moved or extended for someone who works that
 * day against one added for someone new. Random windows rarely hold both the changed agents and the event's day.
 */
import { shiftKey } from '../../rules/stability.js';
import type { SolveContext } from '../context.js';

/** Whether the solve prices change against a base (its windows are then event windows in turn). */
export function pricedReplan(ctx: SolveContext): boolean {
  const st = ctx.p.stability;
  return st !== undefined && Object.values(st.changeCost).some((c) => c > 0);
}

/** Agent-local days on which some agent's base cannot stay or the roster departs from it; the agents who do so. */
export function eventDaysAndAgents(ctx: SolveContext): { days: number[]; changed: number[] } {
  const st = ctx.p.stability;
  const days = new Set<number>();
  const changed: number[] = [];
  if (!st) return { days: [], changed };
  ctx.p.agents.forEach((a, ai) => {
    const candidates = new Set(a.candidates.map(shiftKey));
    const roster = ctx.main.search.state[ai]!.shifts;
    const now = new Set(roster.map(shiftKey));
    const base = st.shifts[ai]!;
    const had = new Set(base.map(shiftKey));
    const gone = base.filter((s) => !candidates.has(shiftKey(s)) || !now.has(shiftKey(s)));
    const added = roster.filter((s) => !had.has(shiftKey(s)));
    for (const s of [...gone, ...added]) days.add(s.day);
    if (gone.length + added.length > 0) changed.push(ai);
  });
  return { days: [...days].sort((x, y) => x - y), changed };
}

/**
 * An event window: the changed agents, then others in a random order, each with its candidates on the event's
 * days, until about `ctx.windowColumns` columns. Empty when nothing departs from the base.
 */
export function eventWindow(ctx: SolveContext): Map<number, number[]> {
  const { days, changed } = eventDaysAndAgents(ctx);
  const free = new Map<number, number[]>();
  if (days.length === 0) return free;
  const kept = ctx.p.stability!.kept;
  let count = 0;
  const add = (ai: number) => {
    if (free.has(ai) || kept.has(ai)) return;
    const list = days.flatMap((d) => [...ctx.built.model.candidatesOnDay(ai, d)]);
    if (list.length === 0) return;
    free.set(ai, list);
    count += list.length;
  };
  for (const ai of changed) add(ai);
  const others = ctx.p.agents.map((_, ai) => ai).filter((ai) => !free.has(ai));
  for (let i = others.length - 1; i > 0; i--) {
    const j = Math.floor(ctx.random() * (i + 1));
    [others[i], others[j]] = [others[j]!, others[i]!];
  }
  for (const ai of others) {
    if (count >= ctx.windowColumns) break;
    add(ai);
  }
  return free;
}
