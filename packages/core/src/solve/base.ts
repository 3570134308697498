/**
 * The base of a minimal-change solve (`SolveOptions.base`): validated and located before anything is solved
 * (a bad base is a SolveOptionsError naming its path under `/base`), then laid onto the candidates: base and
 * pinned shifts become candidates, and what may not change loses its alternatives. The stability rule
 * (rules/stability.ts) prices and checks the rest.
 */
import { Compile } from 'typebox/compile';
import type { Problem, Shift } from '../expand/problem.js';
import { ReplanBase, type Assignment } from '../schema/roster.js';
import { SolveOptionsError, type InputIssue } from '../schema/errors.js';
import { schemaIssues } from '../validate/validate.js';
import { assignmentToShift } from '../evaluate/roster.js';
import { checkAgent } from '../evaluate/evaluate.js';
import { RULES } from '../rules/index.js';
import { dateOfDay } from '../rules/rule.js';
import { STABILITY, fixedShifts, shiftKey, type StabilityBase } from '../rules/stability.js';
import { parseDateTime } from '../time/zone.js';

const baseValidator = Compile(ReplanBase);

/** The base located on `p` (candidates not yet touched). Throws SolveOptionsError listing every issue. */
export function locateBase(p: Problem, input: unknown): StabilityBase {
  if (!baseValidator.Check(input)) throw invalid(schemaIssues(baseValidator.Errors(input)).map((x) => ({ ...x, path: `/base${x.path}` })));
  const base = input as ReplanBase;
  const issues: InputIssue[] = [];
  const locate = (list: readonly Assignment[], path: string) =>
    list.map((as, i) => {
      const s = assignmentToShift(p, as, `${path}/${i}`, issues);
      if (s && (s.day < 0 || s.day >= p.days)) issues.push({ path: `${path}/${i}/start`, message: `${as.start} is outside the horizon (${p.startDate}, ${p.days} days)` });
      return s;
    });
  for (const [field, price] of Object.entries(base.changeCost))
    if (!Number.isFinite(price)) issues.push({ path: `/base/changeCost/${field}`, message: 'must be finite (a price far above any coverage cost keeps the base)' });
  const roster = locate(base.roster.assignments, '/base/roster/assignments');
  const pinned = locate(base.pinned ?? [], '/base/pinned');
  const seen = new Set<string>();
  roster.forEach((s, i) => {
    if (!s) return;
    const key = `${s.agent}|${shiftKey(s)}`;
    if (seen.has(key)) issues.push({ path: `/base/roster/assignments/${i}`, message: 'the same shift twice' });
    seen.add(key);
  });
  const frozenBefore = base.frozenBefore === undefined ? undefined : parseDateTime(base.frozenBefore, p.zone);
  if (base.frozenBefore !== undefined && frozenBefore === undefined) issues.push({ path: '/base/frozenBefore', message: `not a valid instant: ${base.frozenBefore}` });
  (base.onlyAgents ?? []).forEach((id, i) => (p.agentById.has(id) ? undefined : issues.push({ path: `/base/onlyAgents/${i}`, message: `unknown agent ${id}` })));
  if (issues.length > 0) throw invalid(issues);
  const only = base.onlyAgents ? new Set(base.onlyAgents) : undefined;
  const st: StabilityBase = {
    shifts: byAgent(p, roster as Shift[]),
    changeCost: base.changeCost,
    frozenBefore,
    pinned: byAgent(p, pinned as Shift[]),
    kept: new Set(p.agents.flatMap((a, ai) => (only && !only.has(a.id) ? [ai] : []))),
    initial: [],
  };
  checkFixed(p, st, roster as Shift[], pinned as Shift[]);
  return st;
}

function byAgent(p: Problem, shifts: readonly Shift[]): Shift[][] {
  const out: Shift[][] = p.agents.map(() => []);
  for (const s of shifts) out[s.agent]!.push(s);
  for (const list of out) list.sort((x, y) => x.start - y.start || x.end - y.end);
  return out;
}

/**
 * What may not change must be a roster on its own: a pinned shift that contradicts the base where the base is
 * hard, a fixed shift that no rule admits, or fixed shifts that break a hard rule together (one that more work
 * cannot mend) are refused, naming the shift.
 */
function checkFixed(p: Problem, st: StabilityBase, roster: readonly Shift[], pinned: readonly Shift[]): void {
  const issues: InputIssue[] = [];
  const pathOf = (s: Shift) => {
    const i = pinned.indexOf(s);
    return i >= 0 ? `/base/pinned/${i}` : `/base/roster/assignments/${roster.indexOf(s)}`;
  };
  pinned.forEach((s, i) => {
    const inBase = st.shifts[s.agent]!.some((b) => shiftKey(b) === shiftKey(s));
    const a = p.agents[s.agent]!;
    if (inBase) return;
    if (st.kept.has(s.agent)) issues.push({ path: `/base/pinned/${i}`, message: `${a.id} keeps the base roster (not in onlyAgents), and this shift is not in it` });
    else if (st.frozenBefore !== undefined && s.start < st.frozenBefore) issues.push({ path: `/base/pinned/${i}`, message: 'starts before frozenBefore, and is not in the base roster' });
  });
  p.agents.forEach((a, ai) => {
    const fixed = fixedShifts(st, ai);
    for (const s of fixed) {
      const broken = RULES.find((r) => r.admits && !r.admits(p, a, s));
      if (broken) issues.push({ path: pathOf(s), message: `${why(st, s, pinned)}, but breaks ${broken.name}: ${shiftMessage(p, ai, s, broken.name)}` });
    }
    if (issues.length > 0) return;
    for (const f of checkAgent(p, ai, fixed)) {
      if (!f.hard || f.shortfall !== undefined || f.rule === STABILITY) continue;
      const s = fixed.find((x) => dateOfDay(p, x.day) === f.date && pinned.includes(x)) ?? fixed.find((x) => dateOfDay(p, x.day) === f.date) ?? fixed[0]!;
      issues.push({ path: pathOf(s), message: `${why(st, s, pinned)}, but with ${a.id}'s other fixed shifts it breaks ${f.rule}: ${f.message}` });
    }
  });
  if (issues.length > 0) throw invalid(issues);
}

function why(st: StabilityBase, s: Shift, pinned: readonly Shift[]): string {
  if (pinned.includes(s)) return 'pinned';
  return st.kept.has(s.agent) ? 'kept from the base (its agent is not in onlyAgents)' : 'starts before frozenBefore, so it cannot change';
}

function shiftMessage(p: Problem, ai: number, s: Shift, rule: string): string {
  const found = RULES.find((r) => r.name === rule)?.checkAgent?.(p, p.agents[ai]!, [s]).find((f) => f.hard);
  return found?.message ?? (RULES.find((r) => r.name === rule)?.description ?? rule);
}

function invalid(issues: InputIssue[]): SolveOptionsError {
  return new SolveOptionsError('invalid base for a minimal-change solve', issues);
}

/**
 * `p` with the base laid onto its candidates (generated already): base and pinned shifts become candidates
 * where every shift-level rule admits them; agents outside `onlyAgents` keep only their base shifts; no new
 * shift starts before `frozenBefore`. Returns the problem carrying the base, with the heuristic's first roster.
 */
export function withBase(p: Problem, st: StabilityBase): Problem {
  const admitters = RULES.filter((r) => r.admits);
  const initial = p.agents.map((a, ai) => {
    const byKey = new Map(a.candidates.map((c) => [shiftKey(c), c]));
    const asCandidate = (s: Shift): Shift | undefined => {
      const c = byKey.get(shiftKey(s));
      if (c) return c;
      if (!admitters.every((r) => r.admits!(p, a, s))) return undefined;
      byKey.set(shiftKey(s), s);
      return s;
    };
    const base = st.shifts[ai]!.map(asCandidate).filter((s): s is Shift => s !== undefined);
    const pinned = st.pinned[ai]!.map(asCandidate).filter((s): s is Shift => s !== undefined);
    const baseKeys = new Set(st.shifts[ai]!.map(shiftKey));
    const frozen = st.frozenBefore;
    a.candidates = st.kept.has(ai)
      ? base
      : [...byKey.values()].filter((c) => baseKeys.has(shiftKey(c)) || frozen === undefined || c.start >= frozen || pinned.includes(c));
    a.candidates.sort((x, y) => x.start - y.start || x.end - y.end);
    // The base, with each pinned shift in place of the base shifts of its kind on its day or overlapping it.
    const clash = (b: Shift) => pinned.some((s) => (s.day === b.day && s.micro === b.micro) || (s.start < b.end && b.start < s.end));
    return [...base.filter((b) => pinned.includes(b) || !clash(b)), ...pinned.filter((s) => !base.includes(s))].sort((x, y) => x.start - y.start);
  });
  return { ...p, stability: { ...st, initial } };
}
