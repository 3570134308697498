/**
 * Swap cycles: given wishes (an agent gives one shift and accepts shifts by date, template or any), finds
 * exchanges and cycles of 2 to `maxLength` (≤ 4) distinct agents in which each wish's shift goes to the
 * next wish's agent, every agent receives a shift they accept, and the changed roster passes the same
 * judgement as a single swap (`judgeChanges`: every rule module's check for each agent, coverage policy).
 * Ranked by the roster's cost change (cheapest first).
 *
 * Complexity, for W wishes, S shifts in the roster and out-degree d ≤ W of the acceptance graph: the
 * graph costs W² acceptance tests, and one agent check (that agent's shifts through every rule) for each
 * accepted edge, since an agent's own rules see only their own shifts and so hold or fail per edge. Cycles
 * are enumerated once each (a cycle is only started from its smallest wish index: no rotations) by a
 * depth-first search bounded by the length: O(W · d^(L-1)) for L = maxLength, so O(W⁴) at worst. Each
 * cycle found is judged whole (coverage is roster-wide) at O(S · intervals per shift); at most
 * `maxCycles` are judged.
 */
import type { Problem, Shift } from '../expand/problem.js';
import type { Roster } from '../schema/roster.js';
import type { SwapCheck, SwapCycle, SwapPolicy, SwapWish, WishAccept } from '../schema/swap.js';
import { SwapWishError, type InputIssue } from '../schema/errors.js';
import { agentStanding } from '../evaluate/evaluate.js';
import { rosterToShifts, shiftToAssignment } from '../evaluate/roster.js';
import { isoInZone, parseDateTime } from '../time/zone.js';
import { findShift, judgeChanges, reassign, type Change } from './swap.js';

export interface SwapCycleOptions {
  readonly policy?: SwapPolicy;
  /** Longest cycle, 2 to 4 (default 4). */
  readonly maxLength?: number;
  /** At most this many cycles are judged (default 10 000); `truncated` tells when more were found. */
  readonly maxCycles?: number;
}

interface Located {
  readonly wish: SwapWish;
  readonly agent: number;
  readonly shift: Shift;
}

/** Each wish's shift in the roster; a wish giving a shift its agent does not hold is an error at `/wishes/i/give`. */
function locate(p: Problem, byAgent: Shift[][], wishes: readonly SwapWish[], basePath: string): Located[] {
  const issues: InputIssue[] = [];
  const out: Located[] = [];
  wishes.forEach((wish, i) => {
    const path = `${basePath}/${i}`;
    const found = findShift(p, byAgent, wish.agentId, `${path}/agentId`, wish.give, `${path}/give`, issues);
    if (found) out.push({ wish, ...found });
  });
  if (issues.length > 0) throw new SwapWishError(issues);
  return out;
}

/** Does `agent` accept `shift` (located for them: the date is their local date of its start)? */
export function accepts(p: Problem, accept: readonly WishAccept[], agent: number, shift: Shift): boolean {
  const date = isoInZone(shift.start, p.agents[agent]!.zone).slice(0, 10);
  return accept.some((a) => a === 'any' || ('date' in a ? a.date === date : shift.template?.id === a.template));
}

/** The per-agent changes of a cycle: members[k] gives its shift to members[k+1]. */
function cycleChanges(p: Problem, members: readonly Located[]): Change[] {
  return members.map((m, k) => {
    const from = members[(k + members.length - 1) % members.length]!;
    return { agent: m.agent, remove: [m.shift], add: [reassign(p, from.shift, m.agent)] };
  });
}

const moved = (p: Problem, s: Shift) => ({ start: isoInZone(s.start, p.agents[s.agent]!.zone), end: isoInZone(s.end, p.agents[s.agent]!.zone), skill: s.skill });

function toCycle(p: Problem, members: readonly Located[], check: SwapCheck): SwapCycle {
  return {
    wishIds: members.map((m) => m.wish.id),
    members: members.map((m, k) => {
      const from = members[(k + members.length - 1) % members.length]!;
      return { wishId: m.wish.id, agentId: m.wish.agentId, gives: moved(p, m.shift), receives: moved(p, reassign(p, from.shift, m.agent)), fromAgent: from.wish.agentId };
    }),
    costDelta: check.costDelta,
    coverageDelta: check.coverageDelta,
  };
}

/**
 * The edges of the acceptance graph: `to` ∈ edges[from] when wish `to`'s agent (another agent) accepts
 * wish `from`'s shift and keeps every hard rule after giving its own shift and taking that one.
 */
function acceptanceGraph(p: Problem, byAgent: readonly (readonly Shift[])[], ws: readonly Located[]): number[][] {
  return ws.map((from) =>
    ws.flatMap((to, j) => {
      if (to.agent === from.agent || !accepts(p, to.wish.accept, to.agent, from.shift)) return [];
      const after = [...byAgent[to.agent]!.filter((s) => s !== to.shift), reassign(p, from.shift, to.agent)].sort((x, y) => x.start - y.start);
      return agentStanding(p, to.agent, after).hard.length === 0 ? [j] : [];
    }),
  );
}

/** Every simple cycle of 2..maxLength distinct agents, each once (started from its smallest index). */
function enumerateCycles(ws: readonly Located[], edges: readonly number[][], maxLength: number, maxCycles: number): { cycles: number[][]; truncated: boolean } {
  const cycles: number[][] = [];
  let truncated = false;
  const path: number[] = [];
  const walk = (start: number, at: number): void => {
    for (const next of edges[at]!) {
      if (cycles.length >= maxCycles) {
        truncated = true;
        return;
      }
      if (next === start && path.length >= 2) cycles.push([...path]);
      else if (next > start && path.length < maxLength && !path.some((i) => ws[i]!.agent === ws[next]!.agent)) {
        path.push(next);
        walk(start, next);
        path.pop();
      }
    }
  };
  for (let s = 0; s < ws.length && !truncated; s++) {
    path.push(s);
    walk(s, s);
    path.pop();
  }
  return { cycles, truncated };
}

/** The allowed cycles among `wishes` on `roster`, cheapest first (ties: shorter, then by wish ids). */
export function findSwapCyclesOn(p: Problem, roster: Roster, wishes: readonly SwapWish[], options: SwapCycleOptions = {}): { cycles: SwapCycle[]; truncated: boolean } {
  const maxLength = Math.min(4, Math.max(2, options.maxLength ?? 4));
  const byAgent = rosterToShifts(p, roster, '/roster/assignments');
  const ws = locate(p, byAgent, wishes, '/wishes');
  const edges = acceptanceGraph(p, byAgent, ws);
  const found = enumerateCycles(ws, edges, maxLength, options.maxCycles ?? 10_000);
  const cycles: SwapCycle[] = [];
  for (const idx of found.cycles) {
    const members = idx.map((i) => ws[i]!);
    const check = judgeChanges(p, byAgent, cycleChanges(p, members), options.policy);
    if (check.allowed) cycles.push(toCycle(p, members, check));
  }
  cycles.sort((a, b) => a.costDelta - b.costDelta || a.wishIds.length - b.wishIds.length || a.wishIds.join('\u0000').localeCompare(b.wishIds.join('\u0000')));
  return { cycles, truncated: found.truncated };
}

/**
 * Judges one cycle (wishes in cycle order) on `roster`, e.g. again before applying it: not allowed when an
 * agent appears twice, does not accept what they would receive, or a rule or the coverage policy fails.
 */
export function checkSwapCycleOn(p: Problem, roster: Roster, cycle: readonly SwapWish[], policy: SwapPolicy = {}): SwapCheck & { cycle?: SwapCycle } {
  const byAgent = rosterToShifts(p, roster, '/roster/assignments');
  const ws = locate(p, byAgent, cycle, '/cycle');
  const reasons: string[] = [];
  if (ws.length < 2) reasons.push('a cycle needs at least two wishes');
  if (new Set(ws.map((w) => w.agent)).size !== ws.length) reasons.push('an agent appears twice in the cycle');
  ws.forEach((m, k) => {
    const from = ws[(k + ws.length - 1) % ws.length]!;
    if (!accepts(p, m.wish.accept, m.agent, from.shift)) reasons.push(`${m.wish.agentId} does not accept the shift of ${from.wish.agentId} (wish ${m.wish.id})`);
  });
  const none = { understaffedAgentHours: 0, overstaffedAgentHours: 0 };
  if (reasons.length > 0) return { allowed: false, violations: [], coverageDelta: none, costDelta: 0, reasons };
  const check = judgeChanges(p, byAgent, cycleChanges(p, ws), policy);
  return check.allowed ? { ...check, cycle: toCycle(p, ws, check) } : check;
}

/**
 * The roster with the cycle applied: each given assignment moves to the next wish's agent (times in the
 * receiver's zone, template and segments kept); every other assignment is left as it was.
 */
export function applySwapCycleOn(p: Problem, roster: Roster, cycle: readonly SwapWish[]): Roster {
  const byAgent = rosterToShifts(p, roster, '/roster/assignments');
  const ws = locate(p, byAgent, cycle, '/cycle');
  const next = structuredClone(roster) as { assignments: Roster['assignments'][number][] };
  const index = ws.map((m) => {
    const zone = p.agents[m.agent]!.zone;
    return roster.assignments.findIndex((a) => a.agentId === m.wish.agentId && parseDateTime(a.start, zone) === m.shift.start && parseDateTime(a.end, zone) === m.shift.end);
  });
  ws.forEach((m, k) => {
    const to = ws[(k + 1) % ws.length]!;
    next.assignments[index[k]!] = shiftToAssignment(p, reassign(p, m.shift, to.agent));
  });
  return next;
}
