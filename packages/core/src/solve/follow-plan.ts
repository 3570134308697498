/**
 * From the class LP's plan to a roster that keeps every agent's hard rules, chunk by chunk of agents (XL:
 * 1,000 agents × 28 days, where the per-agent relaxation would take about 19 minutes).
 *
 * The class LP says how many agents of each class work each shift (fractionally). Each chunk of a few dozen
 * agents gets one exact MIP on the backend: its agents' own rows (contract hours, rest, leave, personal rules:
 * every hard rule holds in its answer) and the coverage rows, where every other agent counts as follows:
 * - an agent whose chunk is done counts with its roster;
 * - an agent still to come counts with its class's share of the plan (the class value of the shift divided
 *   by the class agents who have it), so the chunk's coverage sees what the plan expects of the others.
 * The chunk's agents may take the shifts their class's plan uses and those of the base roster (the base is
 * the MIP's start; on XL, where the base is the heuristic's roster of the first seconds, its shifts as extra
 * choices gave 216,330 against 229,997 without them, one run each). A base that keeps every rule is a feasible
 * start for every chunk and the fallback of a chunk that finds nothing in time: phases/repair.ts repairs the heuristic's
 * roster before it is handed over (a repaired base ends cheaper after the chunks than a broken one; figures in
 * benchmarks/results/tuning.md).
 *
 * What it costs, measured: every chunk rounds its agents' fractional shares in every coverage cell it touches
 * (against fractional counts of the agents to come), and agents who take whole shifts cannot work the
 * plan's fractions of many shifts. So the roster ends well above the plan: on XL 216,330–229,997 against the
 * class LP's 165,870 (chunks of 6,000 columns; 235,298 with chunks of 3,000); on L, whose class LP equals the
 * optimum (14,412.5), 16,887.5 with two chunks and 19,475 with ten. Things tried that did not help: opening
 * other lengths of the plan's shifts (L: 19,356 against 16,887.5 at 6,000 columns), per-agent LPs over the
 * plan's shifts as the shares (L: 16,565 with chunks of 3,000, but 16–18 s of LP where the class LP takes a
 * second), the plan rounded per agent-day as an integral start (L: 26,068), and opening shifts over cells
 * left short (XL: no change). What it gives is a roster that keeps every hard rule in a known
 * time; the windows after it (phases/windows.ts) improve it further.
 *
 * A per-agent plan (`followAgentPlan`) is followed the same way, each agent still to come counting with its
 * own planned values. The decomposition gets one from the per-agent LP over the class plan's shifts
 * (`agentPlanOverClassPlan` in phases/follow-plan-phase.ts): on XL it is 0.23 % above the class LP and 65 % of the columns it uses
 * are whole, so the chunks round far less than from the class plan's shares (benchmarks/results/tuning.md).
 *
 * Greedy hand-out of the class plan (`disaggregate`) was measured first on XL: 172,017.5 planned, 187,293
 * handed out with about 880 agents breaking a hard rule, and on a machine 1.6× slower the re-planning of
 * those agents took the rest of the time and left 378 hard violations.
 */
import type { LpBackend } from '../lp/backend.js';
import type { AgentAggregation } from '../lp/aggregate.js';
import { columnIndex, windowModel, type ColumnIndex } from '../lp/window.js';
import type { Problem, Shift } from '../expand/problem.js';
import { shiftColumnOwners, type BuiltModel } from '../model/build.js';
import { agentClasses } from './class-bound.js';
import { mapWithLimit } from './map-with-limit.js';
import { FlexrosterInputError } from '../schema/errors.js';

export interface FollowPlanOptions {
  readonly backend: LpBackend;
  /** Column → rows incidence of `built.lp`, when the caller has it already (else built here). */
  readonly index?: ColumnIndex;
  /** 1 on decision (shift) columns of `built.lp`, when the caller has it already (else derived here). */
  readonly decision?: Uint8Array;
  /** Kept for the agents of a chunk whose MIP finds nothing in time; its shifts are open to their agents and start each MIP. */
  readonly base: readonly (readonly Shift[])[];
  /** `performance.now()` value by which every chunk is done. */
  readonly deadline: number;
  readonly signal: AbortSignal;
  /** Shift columns a chunk aims at (default 6,000: fewer, larger chunks round less; on XL each takes 5–9 s). */
  readonly chunkColumns?: number;
  /** Relative MIP gap per chunk (default 2e-4). */
  readonly mipRelativeGap?: number;
  /**
   * Whether the chunk MIPs may look for symmetry first (default true). A chunk holds agents of one class after
   * another, whose columns are symmetric: there the search costs memory and time and finds little
   * (benchmarks/results/tuning.md).
   */
  readonly detectSymmetry?: boolean;
  /** Chunks solved at once (one backend worker each). */
  readonly parallel?: number;
  /** Called after every MIP: one per chunk, and one per part of a chunk split because its MIP was infeasible. */
  readonly onChunk?: (report: { agents: number; columns: number; status: string; seconds: number }) => void;
}

export interface FollowPlanResult {
  readonly shifts: Shift[][];
  readonly chunks: number;
  /** Chunks whose MIPs gave every one of their agents a roster (agents of the others may keep the base roster). */
  readonly solved: number;
}

type Issue = { path: string; message: string };

/** Arguments that would make the chunks wrong or silently do nothing are refused before any work, by name. */
function checkFollowPlanInput(p: Problem, options: FollowPlanOptions, issues: Issue[], caller: string): void {
  if (options.base.length !== p.agents.length) issues.push({ path: '/options/base', message: `has rosters for ${options.base.length} agents, but the problem has ${p.agents.length}` });
  if (!Number.isFinite(options.deadline)) issues.push({ path: '/options/deadline', message: `must be a finite performance.now() value (got ${options.deadline})` });
  if (options.chunkColumns !== undefined && !(options.chunkColumns > 0 && Number.isFinite(options.chunkColumns))) issues.push({ path: '/options/chunkColumns', message: `must be a positive number (got ${options.chunkColumns})` });
  if (options.parallel !== undefined && !(Number.isInteger(options.parallel) && options.parallel >= 1)) issues.push({ path: '/options/parallel', message: `must be a whole number of at least 1 (got ${options.parallel})` });
  if (options.mipRelativeGap !== undefined && !(options.mipRelativeGap >= 0 && Number.isFinite(options.mipRelativeGap))) issues.push({ path: '/options/mipRelativeGap', message: `must be a finite number of at least 0 (got ${options.mipRelativeGap})` });
  if (options.detectSymmetry !== undefined && typeof options.detectSymmetry !== 'boolean') issues.push({ path: '/options/detectSymmetry', message: `must be true or false (got ${JSON.stringify(options.detectSymmetry)})` });
  if (issues.length > 0) throw new FlexrosterInputError(`invalid arguments to ${caller}`, issues);
}

/** Follows the class LP's plan: an agent still to come counts with its class's share of each shift. */
export async function followClassPlan(p: Problem, built: BuiltModel, aggregation: AgentAggregation, classValues: ArrayLike<number>, options: FollowPlanOptions): Promise<FollowPlanResult> {
  const n = built.lp.variables.length;
  const issues: Issue[] = [];
  if (aggregation.classColumn.length !== n) issues.push({ path: '/aggregation', message: `maps ${aggregation.classColumn.length} columns, but the model has ${n}: it is not this model's aggregation` });
  if (classValues.length !== aggregation.model.variables.length)
    issues.push({ path: '/classValues', message: `has ${classValues.length} values, but the class model has ${aggregation.model.variables.length} columns` });
  checkFollowPlanInput(p, options, issues, 'followClassPlan');
  const { owner } = shiftColumnOwners(built);
  // The class value over the class agents who have that shift.
  const expected = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const c = aggregation.classColumn[j]!;
    if (owner[j]! >= 0) expected[j] = (classValues[c] ?? 0) / aggregation.members[c]!;
  }
  return followPlan(p, built, owner, expected, options);
}

/**
 * Follows a per-agent plan: a value for every column of `built.lp`, such as a per-agent LP's (only the shift
 * columns' values are read). An agent still to come counts with its own planned values. A plan that is
 * nearly integral loses little to the chunks' rounding (see `agentPlanOverClassPlan` in phases/follow-plan-phase.ts).
 */
export async function followAgentPlan(p: Problem, built: BuiltModel, values: ArrayLike<number>, options: FollowPlanOptions): Promise<FollowPlanResult> {
  const n = built.lp.variables.length;
  const issues: Issue[] = [];
  if (values.length !== n) issues.push({ path: '/values', message: `has ${values.length} values, but the model has ${n} columns` });
  checkFollowPlanInput(p, options, issues, 'followAgentPlan');
  const { owner } = shiftColumnOwners(built);
  const expected = new Float64Array(n);
  for (let j = 0; j < n; j++) if (owner[j]! >= 0) expected[j] = Math.min(1, Math.max(0, values[j] ?? 0));
  return followPlan(p, built, owner, expected, options);
}

/**
 * @param expected what each shift column counts for in coverage while its agent is to come (its plan value);
 *   overwritten with its roster value (0 or 1) once its agent's chunk is done.
 */
async function followPlan(p: Problem, built: BuiltModel, owner: Int32Array, expected: Float64Array, options: FollowPlanOptions): Promise<FollowPlanResult> {
  const lp = built.lp;
  const n = lp.variables.length;
  const index = options.index ?? columnIndex(lp);
  const decision = options.decision ?? Uint8Array.from(owner, (a) => (a >= 0 ? 1 : 0));
  // What each agent may take: the shifts its plan uses, and its base roster's.
  const inBase = new Uint8Array(n);
  const open = p.agents.map((a, ai) => {
    const cols = built.model.columns[ai]!;
    const base = new Set(options.base[ai] ?? []);
    return cols.flatMap((j, i) => {
      if (base.has(a.candidates[i]!)) inBase[j] = 1;
      return expected[j]! > 1e-7 || inBase[j] ? [i] : [];
    });
  });

  // Chunks of agents of one class after another (similar agents solve together), about `chunkColumns` each.
  const classOf = agentClasses(p);
  const order = p.agents.map((_, ai) => ai).sort((x, y) => classOf[x]! - classOf[y]! || x - y);
  const target = options.chunkColumns ?? 6000;
  const chunks: number[][] = [];
  let current: number[] = [];
  let count = 0;
  for (const ai of order) {
    if (open[ai]!.length === 0) continue;
    current.push(ai);
    count += open[ai]!.length;
    if (count >= target) {
      chunks.push(current);
      current = [];
      count = 0;
    }
  }
  if (current.length > 0) chunks.push(current);

  const shifts: Shift[][] = p.agents.map((_, ai) => [...(options.base[ai] ?? [])]);
  let started = 0;
  let solved = 0;
  const parallel = options.parallel ?? 2;
  await mapWithLimit(
    chunks.map((_, k) => k),
    parallel,
    async (k) => {
      const chunk = chunks[k]!;
      const chunksLeft = chunks.length - started++;
      const left = (options.deadline - performance.now()) / 1000;
      if (options.signal.aborted || left <= 0.05) return finishChunk(chunk);
      // Its fair part of what is left, two chunks running at once.
      const timeLimit = Math.max(0.05, Math.min(left - 0.05, (left * Math.min(parallel, chunksLeft)) / chunksLeft));
      if (await solvePart(chunk, timeLimit)) solved++;
    },
  );
  return { shifts, chunks: chunks.length, solved };

  /**
   * One MIP over `agents` (a chunk, or part of one), the other agents counting as described above. Returns
   * whether every one of them got the MIP's roster.
   *
   * A MIP can be infeasible: an agent may have no roster keeping its hard rules among the plan's shifts and its
   * base roster's when the plan's shifts are fractional and the base roster (the heuristic's, cut short) breaks
   * a rule itself (seen on XL: every agent of such a chunk kept its broken base roster). Then the agents are split in two halves, each solved on its own, down to a
   * single agent, who is given every one of its candidate shifts (as a re-planned agent is in phases/repair.ts).
   */
  async function solvePart(agents: readonly number[], timeLimit: number, allOpen = false): Promise<boolean> {
    const left = Math.min(timeLimit, (options.deadline - performance.now()) / 1000);
    if (options.signal.aborted || left <= 0.05) {
      finishChunk(agents);
      return false;
    }
    const free: number[] = [];
    for (const ai of agents) {
      const cols = built.model.columns[ai]!;
      if (allOpen) free.push(...cols);
      else for (const i of open[ai]!) free.push(cols[i]!);
    }
    const inPart = new Uint8Array(p.agents.length);
    for (const ai of agents) inPart[ai] = 1;
    // The part's own shifts outside its open list are not taken; a part solved beside this one counts with its
    // plan values, as the parts after both will see their rosters.
    const sub = windowModel(lp, index, decision, free, (j) => (inPart[owner[j]!] ? 0 : expected[j]!));
    const t = performance.now();
    const start = Float64Array.from(sub.columns, (j) => (decision[j] ? inBase[j]! : NaN));
    const r = await options.backend.solve(sub.model, { timeLimitSeconds: left, mipRelativeGap: options.mipRelativeGap ?? 2e-4, signal: options.signal, initialSolution: start, ...(options.detectSymmetry === false ? { detectSymmetry: false } : {}) });
    options.onChunk?.({ agents: agents.length, columns: free.length, status: r.status, seconds: (performance.now() - t) / 1000 });
    if (r.values && (r.status === 'optimal' || r.status === 'feasible')) {
      const value = new Map<number, number>();
      sub.columns.forEach((j, c) => value.set(j, r.values![c]!));
      finishChunk(agents, value);
      return true;
    }
    if (r.status !== 'infeasible' || allOpen) {
      finishChunk(agents);
      return false;
    }
    // Alone, the agent may use the time of every chunk: its rules must hold, and one agent's MIP is small.
    if (agents.length === 1) return solvePart(agents, Infinity, true);
    // Each half gets its part of the whole's time limit, from when it starts: a proof of infeasibility is
    // quick, so a split costs little more than the whole would have, unless it goes down many levels.
    const half = Math.ceil(agents.length / 2);
    const first = await solvePart(agents.slice(0, half), (timeLimit * half) / agents.length);
    const second = await solvePart(agents.slice(half), (timeLimit * (agents.length - half)) / agents.length);
    return first && second;
  }

  /** The chunk's agents take the MIP's shifts (or keep the base roster's) and count with them from now on. */
  function finishChunk(chunk: readonly number[], value?: Map<number, number>): void {
    for (const ai of chunk) {
      const cands = p.agents[ai]!.candidates;
      const cols = built.model.columns[ai]!;
      // Shifts outside the MIP (fixed to 0 in it) have no value.
      if (value) shifts[ai] = cands.filter((_, i) => (value.get(cols[i]!) ?? 0) > 0.5).sort((x, y) => x.start - y.start);
      const chosen = new Set(shifts[ai]);
      cands.forEach((s, i) => (expected[cols[i]!] = chosen.has(s) ? 1 : 0));
    }
  }
}
