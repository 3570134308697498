/**
 * Swap checks enter the pipeline at "check": the roster is changed as asked and judged by the same rule
 * modules as the solver. A swap is allowed when neither agent breaks a hard rule afterwards and
 * under-staffing grows no more than the policy allows.
 */
import type { Problem, Shift, ShiftSegment } from '../expand/problem.js';
import { makeShift } from '../expand/problem.js';
import type { Roster } from '../schema/roster.js';
import type { ShiftRef, Swap, SwapCandidate, SwapCheck, SwapPolicy } from '../schema/swap.js';
import { RosterInputError, type InputIssue } from '../schema/errors.js';
import { agentStanding } from '../evaluate/evaluate.js';
import { rosterToShifts } from '../evaluate/roster.js';
import { COVERAGE, CoverageTracker } from '../rules/coverage.js';
import { RULES, type RuleFinding } from '../rules/index.js';
import { SHIFT_COVERAGE, ShiftCoverageTracker } from '../rules/shift-coverage.js';
import { isoInZone, parseDateTime } from '../time/zone.js';

export function findShift(p: Problem, byAgent: Shift[][], agentId: string, agentPath: string, ref: ShiftRef, path: string, issues: InputIssue[]): { agent: number; shift: Shift } | undefined {
  const a = p.agentById.get(agentId);
  if (!a) {
    issues.push({ path: agentPath, message: `unknown agent ${agentId}` });
    return undefined;
  }
  const start = parseDateTime(ref.start, a.zone);
  const end = parseDateTime(ref.end, a.zone);
  if (start === undefined) issues.push({ path: `${path}/start`, message: `not a valid date-time: ${ref.start}` });
  if (end === undefined) issues.push({ path: `${path}/end`, message: `not a valid date-time: ${ref.end}` });
  if (start === undefined || end === undefined) return undefined;
  const shift = byAgent[a.index]!.find((s) => s.start === start && s.end === end);
  if (!shift) {
    issues.push({ path, message: `${agentId} has no shift from ${ref.start} to ${ref.end} in the roster` });
    return undefined;
  }
  return { agent: a.index, shift };
}

/**
 * The same shift (times, skill and segments: its breaks go with it) worked by another agent, located in that
 * agent's time zone. Its activity sessions do not go with it (they are their attendees', not the shift's):
 * their time becomes work on the shift's skill, and the `activities` rule finds the session left incomplete.
 */
export function reassign(p: Problem, s: Shift, toAgent: number): Shift {
  const moved = makeShift(p, p.agents[toAgent]!, s.start, s.end, s.skill, s.template);
  return s.segments ? { ...moved, segments: withoutActivities(s.segments, s.skill) } : moved;
}

function withoutActivities(segments: readonly ShiftSegment[], skill: string): readonly ShiftSegment[] {
  if (!segments.some((g) => g.kind === 'activity')) return segments;
  const out: ShiftSegment[] = [];
  for (const g of segments) {
    const x: ShiftSegment = g.kind === 'activity' ? { start: g.start, end: g.end, kind: 'work', skill } : g;
    const prev = out[out.length - 1];
    if (prev && prev.kind === 'work' && x.kind === 'work' && prev.skill === x.skill) out[out.length - 1] = { ...prev, end: x.end };
    else out.push(x);
  }
  return out;
}

export interface Change {
  agent: number;
  remove: Shift[];
  add: Shift[];
}

/** Judges a set of per-agent changes against the current roster. */
export function judgeChanges(p: Problem, byAgent: readonly (readonly Shift[])[], changes: readonly Change[], policy: SwapPolicy = {}): SwapCheck {
  const coverage = new CoverageTracker(p);
  const shiftCoverage = new ShiftCoverageTracker(p);
  for (const list of byAgent)
    for (const s of list) {
      coverage.apply(s, 1);
      shiftCoverage.apply(s, 1);
    }
  const beforeCoverage = coverage.total() + shiftCoverage.findings().reduce((x, f) => x + f.cost, 0);
  const beforeUnder = understaffed(p, coverage);
  const beforeOver = overstaffed(p, coverage);
  let costDelta = 0;
  const violations: SwapCheck['violations'] = [];
  for (const c of changes) {
    const before = byAgent[c.agent]!;
    const after = [...before.filter((s) => !c.remove.includes(s)), ...c.add].sort((x, y) => x.start - y.start);
    const sb = agentStanding(p, c.agent, before);
    const sa = agentStanding(p, c.agent, after);
    costDelta += sa.cost - sb.cost;
    for (const f of sa.hard) violations.push({ rule: f.rule, agentId: p.agents[c.agent]!.id, message: f.message });
    for (const s of c.remove) {
      coverage.apply(s, -1);
      shiftCoverage.apply(s, -1);
    }
    for (const s of c.add) {
      coverage.apply(s, 1);
      shiftCoverage.apply(s, 1);
    }
  }
  const across = acrossAgents(p, byAgent, changes);
  costDelta += across.costDelta;
  violations.push(...across.violations);
  const afterCoverage = coverage.total() + shiftCoverage.findings().reduce((x, f) => x + f.cost, 0);
  costDelta += afterCoverage - beforeCoverage;
  const coverageDelta = { understaffedAgentHours: round(understaffed(p, coverage) - beforeUnder), overstaffedAgentHours: round(overstaffed(p, coverage) - beforeOver) };
  const allowedIncrease = policy.maxUnderstaffingIncreaseAgentHours ?? 0;
  const reasons: string[] = [];
  for (const v of violations) reasons.push(`${v.agentId}: ${v.rule}: ${v.message}`);
  if (coverageDelta.understaffedAgentHours > allowedIncrease + 1e-9)
    reasons.push(`coverage: under-staffing would grow by ${coverageDelta.understaffedAgentHours} agent-hours (policy allows ${allowedIncrease})`);
  const allowed = reasons.length === 0;
  if (allowed) reasons.push('every hard rule holds for both agents and coverage does not suffer');
  return { allowed, violations, coverageDelta, costDelta: round(costDelta), reasons };
}

/**
 * The rules that judge across agents (activities: a coaching session needs its leader and member together),
 * other than coverage (tracked above): the hard findings the changed roster has and the roster before had
 * not, and the change in soft cost.
 */
function acrossAgents(p: Problem, byAgent: readonly (readonly Shift[])[], changes: readonly Change[]): { violations: SwapCheck['violations']; costDelta: number } {
  const rules = RULES.filter((r) => r.checkRoster && r.name !== COVERAGE && r.name !== SHIFT_COVERAGE);
  if (changes.length === 0 || rules.length === 0) return { violations: [], costDelta: 0 };
  const changed = new Map<number, Shift[]>();
  for (const c of changes) changed.set(c.agent, [...(changed.get(c.agent) ?? byAgent[c.agent]!).filter((s) => !c.remove.includes(s)), ...c.add].sort((x, y) => x.start - y.start));
  // Only the changed agents' lists are new: the candidates search calls this for every agent and shift.
  const after = byAgent.map((list, ai) => changed.get(ai) ?? list);
  const judge = (roster: readonly (readonly Shift[])[]) => rules.flatMap((r) => r.checkRoster!(p, roster));
  let before = judgedBefore.get(byAgent);
  if (!before) judgedBefore.set(byAgent, (before = judge(byAgent)));
  const now = judge(after);
  const known = new Set(before.filter((f) => f.hard).map((f) => `${f.rule}|${f.message}`));
  const soft = (fs: typeof now) => fs.reduce((x, f) => x + (f.hard ? 0 : f.cost), 0);
  const fallback = p.agents[changes[0]!.agent]!.id;
  return {
    violations: now.filter((f) => f.hard && !known.has(`${f.rule}|${f.message}`)).map((f) => ({ rule: f.rule, agentId: f.agentId ?? fallback, message: f.message })),
    costDelta: soft(now) - soft(before),
  };
}

/** The roster before the changes, judged once for the many changes the candidates search tries against it. */
const judgedBefore = new WeakMap<readonly (readonly Shift[])[], RuleFinding[]>();

function understaffed(p: Problem, c: CoverageTracker): number {
  let h = 0;
  p.skills.forEach((_, k) => {
    for (let t = 0; t < p.intervalCount; t++) if (c.defined[k]![t]) h += Math.max(0, p.requirement[k]![t]! - c.scheduled[k]![t]!) * p.intervalHours;
  });
  return h;
}

function overstaffed(p: Problem, c: CoverageTracker): number {
  let h = 0;
  p.skills.forEach((_, k) => {
    for (let t = 0; t < p.intervalCount; t++) if (c.defined[k]![t]) h += Math.max(0, c.scheduled[k]![t]! - p.requirement[k]![t]!) * p.intervalHours;
  });
  return h;
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** Checks a swap against a roster. Unknown agents or shifts are input errors naming the field. */
export function checkSwapOn(p: Problem, roster: Roster, swap: Swap, policy: SwapPolicy = {}): SwapCheck {
  const byAgent = rosterToShifts(p, roster, '/roster/assignments');
  const issues: InputIssue[] = [];
  let changes: Change[] = [];
  if (swap.kind === 'exchange') {
    const a = findShift(p, byAgent, swap.agentA, '/swap/agentA', swap.shiftA, '/swap/shiftA', issues);
    const b = findShift(p, byAgent, swap.agentB, '/swap/agentB', swap.shiftB, '/swap/shiftB', issues);
    if (a && b) {
      if (a.agent === b.agent) issues.push({ path: '/swap/agentB', message: 'an exchange needs two different agents' });
      changes = [
        { agent: a.agent, remove: [a.shift], add: [reassign(p, b.shift, a.agent)] },
        { agent: b.agent, remove: [b.shift], add: [reassign(p, a.shift, b.agent)] },
      ];
    }
  } else {
    const from = findShift(p, byAgent, swap.fromAgent, '/swap/fromAgent', swap.shift, '/swap/shift', issues);
    const to = p.agentById.get(swap.toAgent);
    if (!to) issues.push({ path: '/swap/toAgent', message: `unknown agent ${swap.toAgent}` });
    if (from && to) {
      if (from.agent === to.index) issues.push({ path: '/swap/toAgent', message: 'cannot give a shift to its own agent' });
      changes = [
        { agent: from.agent, remove: [from.shift], add: [] },
        { agent: to.index, remove: [], add: [reassign(p, from.shift, to.index)] },
      ];
    }
  }
  if (issues.length > 0) throw new RosterInputError(issues);
  return judgeChanges(p, byAgent, changes, policy);
}

/**
 * Who could take `ref` from `agentId` (give-away) and which of their shifts could be exchanged for it,
 * each passing every hard rule and the coverage policy, cheapest first.
 */
export function swapCandidatesOn(p: Problem, roster: Roster, agentId: string, ref: ShiftRef, policy: SwapPolicy = {}, limit = 50): SwapCandidate[] {
  const byAgent = rosterToShifts(p, roster, '/roster/assignments');
  const issues: InputIssue[] = [];
  const own = findShift(p, byAgent, agentId, '/agentId', ref, '/shift', issues);
  if (issues.length > 0 || !own) throw new RosterInputError(issues);
  const out: SwapCandidate[] = [];
  for (const other of p.agents) {
    if (other.index === own.agent) continue;
    const give = judgeChanges(p, byAgent, [
      { agent: own.agent, remove: [own.shift], add: [] },
      { agent: other.index, remove: [], add: [reassign(p, own.shift, other.index)] },
    ], policy);
    if (give.allowed) out.push({ agentId: other.id, kind: 'give-away', costDelta: give.costDelta, coverageDelta: give.coverageDelta });
    for (const theirs of byAgent[other.index]!) {
      const ex = judgeChanges(p, byAgent, [
        { agent: own.agent, remove: [own.shift], add: [reassign(p, theirs, own.agent)] },
        { agent: other.index, remove: [theirs], add: [reassign(p, own.shift, other.index)] },
      ], policy);
      if (ex.allowed)
        out.push({ agentId: other.id, kind: 'exchange', shift: { start: isoInZone(theirs.start, other.zone), end: isoInZone(theirs.end, other.zone), skill: theirs.skill }, costDelta: ex.costDelta, coverageDelta: ex.coverageDelta });
    }
  }
  return out.sort((x, y) => x.costDelta - y.costDelta).slice(0, limit);
}
