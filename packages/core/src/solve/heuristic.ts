/**
 * The constructive heuristic and local search that give an answer whenever one exists, and the start
 * point of every solve. Moves re-plan one agent-day (or move a shift from one day to another) and are
 * judged with the same rule modules as the evaluator: hard findings first (how far from feasible),
 * then total cost.
 */
import type { Problem, Shift } from '../expand/problem.js';
import { CoverageTracker } from '../rules/coverage.js';
import { ShiftCoverageTracker } from '../rules/shift-coverage.js';
import type { RuleFinding } from '../rules/rule.js';
import { agentStanding } from '../evaluate/evaluate.js';
import { exchangeChanges, replanEventFirst } from './exchange-changes.js';

/** Hard findings that no move may introduce weigh this much; repairable ones weigh their shortfall. */
const UNREPAIRABLE = 1e6;

export function infeasibility(hard: readonly RuleFinding[]): number {
  let total = 0;
  for (const f of hard) total += f.shortfall ?? UNREPAIRABLE;
  return total;
}

/** Deterministic pseudo-random numbers (mulberry32), so a seed reproduces a roster. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface HeuristicOptions {
  /** `performance.now()` value at which to stop. */
  readonly deadline: number;
  readonly seed?: number;
  readonly signal?: AbortSignal;
  /** Start from these shifts (per agent) instead of an empty roster. */
  readonly initial?: readonly (readonly Shift[])[];
  /** After each pass and each kept improvement; `shifts()` copies the roster as it stands (call it within the callback). */
  readonly onImprove?: (cost: number, infeasibility: number, shifts: () => Shift[][]) => void;
}

export interface HeuristicResult {
  readonly shifts: Shift[][];
  readonly cost: number;
  /** 0 when every hard rule holds. */
  readonly infeasibility: number;
  readonly passes: number;
}

interface AgentState {
  shifts: Shift[];
  cost: number;
  infeasibility: number;
}

export class RosterSearch {
  readonly coverage: CoverageTracker;
  readonly shiftCoverage: ShiftCoverageTracker;
  readonly state: AgentState[];
  private readonly byDay: Map<number, Shift[]>[];

  constructor(
    readonly p: Problem,
    initial?: readonly (readonly Shift[])[],
  ) {
    this.coverage = new CoverageTracker(p);
    this.shiftCoverage = new ShiftCoverageTracker(p);
    this.state = p.agents.map((_, ai) => {
      const shifts = [...(initial?.[ai] ?? [])].sort((x, y) => x.start - y.start);
      for (const s of shifts) this.applyCoverage(s, 1);
      const st = agentStanding(p, ai, shifts);
      return { shifts, cost: st.cost, infeasibility: infeasibility(st.hard) };
    });
    this.byDay = p.agents.map((a) => {
      const m = new Map<number, Shift[]>();
      for (const s of a.candidates) {
        const list = m.get(s.day);
        if (list) list.push(s);
        else m.set(s.day, [s]);
      }
      return m;
    });
  }

  private applyCoverage(s: Shift, sign: 1 | -1): void {
    this.coverage.apply(s, sign);
    this.shiftCoverage.apply(s, sign);
  }

  private coverageDelta(s: Shift, sign: 1 | -1): number {
    return this.coverage.delta(s, sign) + this.shiftCoverage.delta(s, sign);
  }

  totalCost(): number {
    return this.coverage.total() + this.shiftCoverageTotal() + this.state.reduce((sum, s) => sum + s.cost, 0);
  }

  private shiftCoverageTotal(): number {
    return this.shiftCoverage.findings().reduce((sum, f) => sum + f.cost, 0);
  }

  totalInfeasibility(): number {
    return this.state.reduce((sum, s) => sum + s.infeasibility, 0);
  }

  /** The agents whose roster breaks a hard rule. */
  brokenAgents(): number[] {
    return this.state.flatMap((s, ai) => (s.infeasibility > 0 ? [ai] : []));
  }

  shifts(): Shift[][] {
    return this.state.map((s) => [...s.shifts]);
  }

  /** Replaces agent `ai`'s shifts wholesale (ruin-and-recreate), keeping coverage and standing in step. */
  setShifts(ai: number, shifts: readonly Shift[]): void {
    const st = this.state[ai]!;
    for (const s of st.shifts) this.applyCoverage(s, -1);
    st.shifts = [...shifts].sort((x, y) => x.start - y.start);
    for (const s of st.shifts) this.applyCoverage(s, 1);
    const standing = agentStanding(this.p, ai, st.shifts);
    st.cost = standing.cost;
    st.infeasibility = infeasibility(standing.hard);
  }

  days(ai: number): number[] {
    return [...this.byDay[ai]!.keys()];
  }

  /**
   * Tries to replace what agent `ai` works on the days in `clearDays` by one of `options` (each a list of
   * shifts to add). Applies the best option if it beats the current plan; returns whether it did.
   * `coverageOnly` ignores repairable shortfalls (used while constructing).
   */
  improve(ai: number, clearDays: readonly number[], options: readonly (readonly Shift[])[], coverageOnly = false): boolean {
    const st = this.state[ai]!;
    const removed = st.shifts.filter((s) => clearDays.includes(s.day));
    if (removed.length === 0 && options.length === 0) return false;
    const kept = st.shifts.filter((s) => !clearDays.includes(s.day));
    for (const s of removed) this.applyCoverage(s, -1);
    let removedDelta = 0;
    for (const s of removed) removedDelta += this.coverageDelta(s, 1); // cost of putting them back
    let best: { shifts: Shift[]; cost: number; infeasibility: number; delta: number } | undefined;
    const judge = (add: readonly Shift[]) => {
      let cov = 0;
      for (const s of add) cov += this.coverageDelta(s, 1);
      // Two added shifts of one skill may share intervals; apply the first while pricing the second.
      if (add.length > 1) {
        cov = 0;
        for (const s of add) {
          cov += this.coverageDelta(s, 1);
          this.applyCoverage(s, 1);
        }
        for (const s of add) this.applyCoverage(s, -1);
      }
      const shifts = [...kept, ...add].sort((x, y) => x.start - y.start);
      const standing = agentStanding(this.p, ai, shifts);
      const inf = infeasibility(standing.hard);
      const delta = cov - removedDelta + standing.cost - st.cost;
      return { shifts, cost: standing.cost, infeasibility: inf, delta };
    };
    const better = (x: { infeasibility: number; delta: number }, y: { infeasibility: number; delta: number }) => {
      if (coverageOnly) {
        const xu = x.infeasibility >= UNREPAIRABLE ? 1 : 0;
        const yu = y.infeasibility >= UNREPAIRABLE ? 1 : 0;
        if (xu !== yu) return xu < yu;
        return x.delta < y.delta - 1e-9;
      }
      if (Math.abs(x.infeasibility - y.infeasibility) > 1e-9) return x.infeasibility < y.infeasibility;
      return x.delta < y.delta - 1e-9;
    };
    for (const add of options) {
      const c = judge(add);
      if (!best || better(c, best)) best = c;
    }
    const current = { infeasibility: st.infeasibility, delta: 0 };
    if (best && better(best, current)) {
      for (const s of best.shifts) if (!kept.includes(s)) this.applyCoverage(s, 1);
      st.shifts = best.shifts;
      st.cost = best.cost;
      st.infeasibility = best.infeasibility;
      return true;
    }
    for (const s of removed) this.applyCoverage(s, 1);
    return false;
  }

  /**
   * Moves one of agent `ai`'s shifts to a day it does not work (up to four such days, in `order`'s order): the
   * step that max-days and weekly-hours rules otherwise block. Returns whether the roster changed.
   */
  moveShiftToAnotherDay(ai: number, order: <T>(xs: T[]) => T[], out: () => boolean): boolean {
    const worked = [...new Set(this.state[ai]!.shifts.map((s) => s.day))];
    const free = this.days(ai).filter((d) => !worked.includes(d));
    let changed = false;
    for (const from of order(worked)) {
      if (out()) break;
      for (const to of order(free).slice(0, 4)) {
        const opts = this.dayOptions(ai, to, 8).filter((o) => o.length === 1);
        if (this.improve(ai, [from, to], opts)) {
          changed = true;
          break;
        }
      }
    }
    return changed;
  }

  /**
   * Re-plans two or three consecutive days of agent `ai` at once while it breaks a hard rule: runs of work or
   * of days off that are too short cannot be repaired one day at a time. Returns whether the roster changed.
   */
  replanConsecutiveDays(ai: number, out: () => boolean): boolean {
    if (this.state[ai]!.infeasibility === 0) return false;
    const days = this.days(ai).sort((x, y) => x - y);
    let changed = false;
    for (const first of days) {
      for (const length of [2, 3]) {
        if (out() || this.state[ai]!.infeasibility === 0) return changed;
        const window = days.filter((d) => d >= first && d < first + length);
        if (window.length < 2) continue;
        const perDay = window.map((d) => this.dayOptions(ai, d, 4).filter((o) => o.length <= 1));
        const combos = perDay.reduce<Shift[][]>((acc, opts) => acc.flatMap((a) => opts.map((o) => [...a, ...o])), [[]]);
        if (this.improve(ai, window, combos)) changed = true;
      }
    }
    return changed;
  }

  /**
   * The local search's moves for agent `ai` alone (each day re-planned, a shift moved to another day, runs of
   * two or three days re-planned), pass after pass while it breaks a hard rule and a pass still changes
   * something (at most four). Returns whether the agent keeps every hard rule now.
   *
   * Where the heuristic is cut short (XL: 1,000 agents × 28 days, stopped when the class LP comes after 13 s),
   * its passes over every agent-day have not reached the agents still breaking a rule: on XL seed 2, 316 agents.
   * Re-planned one by one this way they all kept their rules after 9.2 s (and the roster's cost halved), where
   * the heuristic alone needed 53 s and re-planning each on the backend takes about a second apiece.
   */
  repairAgent(ai: number, out: () => boolean): boolean {
    const inOrder = <T>(xs: T[]) => xs;
    for (let pass = 0; pass < 4 && this.state[ai]!.infeasibility > 0 && !out(); pass++) {
      let changed = false;
      for (const d of this.days(ai).sort((x, y) => x - y)) if (this.improve(ai, [d], this.dayOptions(ai, d, 24))) changed = true;
      if (this.moveShiftToAnotherDay(ai, inOrder, out)) changed = true;
      if (this.replanConsecutiveDays(ai, out)) changed = true;
      if (!changed) break;
    }
    return this.state[ai]!.infeasibility === 0;
  }

  /** The options for re-planning agent `ai`'s day: off, each candidate (best by coverage first), and for micro-shift agents a pair. */
  dayOptions(ai: number, day: number, limit: number): Shift[][] {
    const cands = this.byDay[ai]!.get(day) ?? [];
    const st = this.state[ai]!;
    const current = st.shifts.filter((s) => s.day === day);
    for (const s of current) this.applyCoverage(s, -1);
    const ranked = cands.map((s) => ({ s, d: this.coverageDelta(s, 1) })).sort((x, y) => x.d - y.d);
    for (const s of current) this.applyCoverage(s, 1);
    const options: Shift[][] = [[]];
    for (const { s } of ranked.slice(0, limit)) options.push([s]);
    // Keep one of today's shifts and add a shift of the other kind (regular + micro-shift days).
    if (this.p.agents[ai]!.agent.microShifts)
      for (const keep of current)
        for (const { s } of ranked.slice(0, limit)) if (s.micro !== keep.micro) options.push([keep, s]);
    return options;
  }
}

export function runHeuristic(p: Problem, options: HeuristicOptions): HeuristicResult {
  const random = rng(options.seed ?? 1);
  const search = new RosterSearch(p, options.initial);
  const out = () => performance.now() >= options.deadline || options.signal?.aborted === true;
  const agentDays: [number, number][] = [];
  p.agents.forEach((_, ai) => search.days(ai).forEach((d) => agentDays.push([ai, d])));
  const shuffle = <T>(xs: T[]) => {
    for (let i = xs.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [xs[i], xs[j]] = [xs[j]!, xs[i]!];
    }
    return xs;
  };
  const report = () => options.onImprove?.(search.totalCost(), search.totalInfeasibility(), () => search.shifts());
  // Construction: cover demand first, then repair what contracts still need.
  let passes = 0;
  if (!options.initial) {
    for (const [ai, d] of shuffle([...agentDays])) {
      if (out()) break;
      search.improve(ai, [d], search.dayOptions(ai, d, 12), true);
    }
    passes++;
    report();
  }
  if (options.initial && replanEventFirst(search, shuffle, out)) report();
  let limit = 24;
  while (!out()) {
    let changed = false;
    for (const [ai, d] of shuffle([...agentDays])) {
      if (out()) break;
      if (search.improve(ai, [d], search.dayOptions(ai, d, limit))) changed = true;
    }
    // A re-plan's exchanges (of one agent's change for another's) before the moves across days: they are few and cheap.
    if (!out() && exchangeChanges(search, shuffle, out)) changed = true;
    for (let ai = 0; ai < p.agents.length && !out(); ai++) if (search.moveShiftToAnotherDay(ai, shuffle, out)) changed = true;
    for (let ai = 0; ai < p.agents.length && !out(); ai++) if (search.replanConsecutiveDays(ai, out)) changed = true;
    passes++;
    report();
    if (!changed) {
      if (limit >= 200) break;
      limit *= 3; // widen the neighbourhood before giving up
    }
  }
  // Ruin and recreate until the deadline: clear a few agents, rebuild them greedily, keep what is not worse.
  if (p.agents.length > 1) {
    let bestCost = search.totalCost();
    let bestInf = search.totalInfeasibility();
    while (!out()) {
      const victims = shuffle(p.agents.map((_, i) => i)).slice(0, Math.min(p.agents.length, 2 + Math.floor(random() * 3)));
      const saved = victims.map((ai) => search.state[ai]!.shifts);
      for (const ai of victims) search.setShifts(ai, []);
      const days = shuffle(agentDays.filter(([ai]) => victims.includes(ai)));
      for (const [ai, d] of days) search.improve(ai, [d], search.dayOptions(ai, d, 12), true);
      for (let round = 0; round < 2 && !out(); round++) for (const [ai, d] of shuffle(days)) search.improve(ai, [d], search.dayOptions(ai, d, 24));
      const cost = search.totalCost();
      const inf = search.totalInfeasibility();
      if (inf < bestInf - 1e-9 || (Math.abs(inf - bestInf) <= 1e-9 && cost <= bestCost + 1e-9)) {
        if (inf < bestInf - 1e-9 || cost < bestCost - 1e-9) report();
        bestCost = cost;
        bestInf = inf;
      } else victims.forEach((ai, k) => search.setShifts(ai, saved[k]!));
      passes++;
    }
  }
  return { shifts: search.shifts(), cost: search.totalCost(), infeasibility: search.totalInfeasibility(), passes };
}
