/**
 * Phase: fix-and-optimise (large-neighbourhood search). A window frees a few agents over the whole horizon, or
 * many agents over one or two days, or (after a followed per-agent plan) many agents over their plan's and
 * roster's shifts; every other shift is fixed to the incumbent and the window's sub-model is solved exactly on
 * the backend, started from the incumbent. Window sizes adapt to how quickly the backend proves them optimal.
 * In a re-plan that prices change, every other window is over the event's days (replan-window.ts).
 *
 * Reads: the model's column index, the route's window kind, the budget. Changes: the target's roster, only
 * when it gets no worse (`ctx.tryShifts`); `ctx.windows`, `ctx.improving`, `ctx.windowColumns`,
 * `ctx.windowRound`. Stops: when `done()` says so (the roster is within the gap of the bound), at the deadline.
 */
import type { LpSolution } from '../../lp/backend.js';
import { windowModel } from '../../lp/window.js';
import type { Shift } from '../../expand/problem.js';
import type { Incumbent, SolveContext } from '../context.js';
import { eventWindow, pricedReplan } from './replan-window.js';

/**
 * Solves the window in which `free` (candidate indices per agent) are open and every other shift is fixed
 * (to the incumbent when `fixedToIncumbent`, else to 0); keeps its roster when no worse. Undefined when the
 * window is too large for a size-limited backend.
 */
export async function solveWindow(ctx: SolveContext, free: Map<number, number[]>, fixedToIncumbent: boolean, timeLimit: number, mipRelativeGap = 1e-6, target: Incumbent = ctx.main): Promise<LpSolution | undefined> {
  const { p, built, backend, decision } = ctx;
  // The incumbent's shift columns: pinned values when the window is fixed to it, and the MIP start either way.
  const inRoster = ctx.rosterColumns(target);
  const freeCols: number[] = [];
  for (const [ai, list] of free) for (const i of list) freeCols.push(built.model.columns[ai]![i]!);
  const sub = windowModel(ctx.lp, ctx.index, decision, freeCols, (j) => (fixedToIncumbent ? inRoster[j]! : 0));
  if (backend.maxModelSize !== undefined && sub.model.variables.length * Math.max(1, sub.model.rows.length) > backend.maxModelSize) return undefined;
  // The current roster, restricted to the window, as a MIP start (shift columns only; slacks are left to the backend).
  const start = Float64Array.from(sub.columns, (j) => (decision[j] ? inRoster[j]! : NaN));
  // Building the window takes time too, which must not carry the window past the deadline.
  const symmetry = ctx.route.symmetrySearch ? {} : ({ detectSymmetry: false } as const);
  const result = await backend.solve(sub.model, { timeLimitSeconds: Math.max(0.05, Math.min(timeLimit, ctx.left() - 0.05)), mipRelativeGap, signal: ctx.signal, initialSolution: start, ...symmetry });
  ctx.windows++;
  if (!result.values || (result.status !== 'optimal' && result.status !== 'feasible')) return result;
  const value = new Map<number, number>();
  sub.columns.forEach((j, k) => value.set(j, result.values![k]!));
  const changes = new Map<number, Shift[]>();
  for (const [ai, list] of free) {
    const cands = p.agents[ai]!.candidates;
    const freeShifts = new Set(list.map((i) => cands[i]!));
    const cols = built.model.columns[ai]!;
    const kept = fixedToIncumbent ? target.search.state[ai]!.shifts.filter((s) => !freeShifts.has(s)) : [];
    const chosen = list.filter((i) => (value.get(cols[i]!) ?? 0) > 0.5).map((i) => cands[i]!);
    changes.set(ai, [...kept, ...chosen]);
  }
  if (!fixedToIncumbent) p.agents.forEach((_, ai) => changes.has(ai) || changes.set(ai, []));
  if (ctx.tryShifts(changes, target)) ctx.improving++;
  return result;
}

/** Fix-and-optimise windows on the incumbent until `done()` or the deadline. */
export async function lnsUntil(ctx: SolveContext, done: () => boolean, maxWindows = Infinity): Promise<void> {
  const { p, tuning } = ctx;
  const agentOrder = p.agents.map((_, i) => i);
  const candidatesPerDay = p.agents.reduce((n, a) => n + a.candidates.length, 0) / Math.max(1, p.agents.length * p.days);
  const small = ctx.route.windows === 'small';
  for (let n = 0; n < maxWindows && !ctx.stopped() && !done() && p.agents.length > 0; n++) {
    const round = ++ctx.windowRound;
    // A re-plan's windows are over the event's days every other round (phases/replan-window.ts).
    const event = pricedReplan(ctx) && round % 2 === 1 ? eventWindow(ctx) : undefined;
    const { free, count, byDays, alongPlan, firstDay, span } = event?.size ? eventPick(event) : pickWindow(ctx, round, agentOrder, candidatesPerDay);
    if (free.size === 0) continue;
    const perWindow = Math.max(0.05, Math.min(ctx.left() - 0.05, small ? tuning.smallBackendWindowSeconds : Math.max(1, ctx.total * tuning.windowShare)));
    const before = ctx.main.cost;
    const t = performance.now();
    const r = await solveWindow(ctx, free, true, perWindow);
    const took = (performance.now() - t) / 1000;
    ctx.trace?.('window', `window ${event?.size ? 'event days' : byDays ? `days ${firstDay}+${span}` : alongPlan ? 'plan' : 'agents'} ${free.size} agents ${count} cols: ${r?.status ?? 'too big'} in ${took.toFixed(2)} s, ${before} → ${ctx.main.cost}`);
    const shrunk = Math.max(tuning.windowColumnsMin, ctx.windowColumns * tuning.windowShrink);
    if (!r) ctx.windowColumns = shrunk;
    else if (r.status === 'optimal' && took < perWindow * tuning.windowFastShare) ctx.windowColumns = Math.min(small ? tuning.smallBackendWindowColumnsMax : tuning.windowColumnsMax, ctx.windowColumns * tuning.windowGrowth);
    else if (r.status !== 'optimal') ctx.windowColumns = shrunk;
  }
}

/** An event window in pickWindow's shape. */
function eventPick(free: Map<number, number[]>) {
  const count = [...free.values()].reduce((n, l) => n + l.length, 0);
  return { free, count, byDays: true, alongPlan: false, firstDay: -1, span: 0 };
}

/** The agents and candidates of window number `round`, of about `ctx.windowColumns` columns. */
function pickWindow(ctx: SolveContext, round: number, agentOrder: number[], candidatesPerDay: number) {
  const { p, built, random } = ctx;
  const small = ctx.route.windows === 'small';
  const huge = ctx.route.windows === 'huge';
  const free = new Map<number, number[]>();
  let count = 0;
  const shuffled = [...agentOrder];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
  }
  // Windows of many agents over a day or two improve about three times more per second than windows of a
  // few agents over the whole horizon on XL; there, three in four are by days. After a followed class plan,
  // windows of a few agents over the whole horizon gain most (they let agents re-place hours the chunks'
  // rounding put where nobody was short).
  const byDays = small || (huge && !ctx.followed ? round % 4 !== 0 : ctx.planSupport ? round % 3 === 0 : round % 2 === 0);
  // After a followed per-agent plan, one window in three frees many agents, each over its plan's shifts and
  // its roster's only: they re-round what the chunks rounded, with everyone else at their rosters.
  const alongPlan = !byDays && ctx.planSupport !== undefined && round % 3 === 1;
  // One or two days of many agents where a day holds many candidate shifts (contact centres: dozens per
  // agent-day); where it holds few (shift-type planning: two to five per agent-day), enough days to make a
  // window of about `windowColumns`, so runs of days can change inside one window.
  const daysForTarget = Math.max(1, Math.round(ctx.windowColumns / Math.max(1, candidatesPerDay * p.agents.length)));
  const span = small ? 1 + Math.floor(random() * 3) : Math.min(p.days, Math.max(1 + Math.floor(random() * 2), Math.round(daysForTarget * (0.5 + random()))));
  const firstDay = Math.floor(random() * Math.max(1, p.days - span + 1));
  /** An agent's plan shifts and current roster shifts, as candidate indices. */
  const planAndRoster = (ai: number): number[] => [...new Set([...ctx.planSupport![ai]!, ...ctx.rosterCandidates(ctx.main, ai)])];
  for (const ai of shuffled) {
    if (count >= ctx.windowColumns) break;
    const list = byDays
      ? Array.from({ length: span }, (_, k) => built.model.candidatesOnDay(ai, firstDay + k)).flat()
      : alongPlan
        ? planAndRoster(ai)
        : p.agents[ai]!.candidates.map((_, i) => i);
    if (list.length === 0) continue;
    free.set(ai, list);
    count += list.length;
  }
  return { free, count, byDays, alongPlan, firstDay, span };
}
