/**
 * Phase: following the class LP's plan (class route, where the per-agent relaxation cannot finish in time).
 * First the per-agent LP restricted to the class plan's shifts (`agentPlanOverClassPlan`): a nearly integral
 * per-agent plan, followed chunk by chunk of agents (follow-plan.ts); when it is not solved in its share of
 * the time, the class plan's shares are followed instead. While that LP runs, this thread re-plans the
 * heuristic's broken agents (`repairHere`), so the chunks start from a roster that keeps every rule.
 *
 * Reads: `ctx.classPlan`, the incumbent, the budget. Changes: the incumbent (the followed roster is kept only
 * when, both repaired, it is no worse), `ctx.followed`, `ctx.planSupport`, notes. Stops: the per-agent LP at
 * `agentPlanShare` of what is left, the chunks at `followPlanShare` of what is left then.
 */
import { partitionRelaxation, windowModel, type ColumnIndex } from '../../lp/window.js';
import type { LpBackend } from '../../lp/backend.js';
import type { Problem } from '../../expand/problem.js';
import type { BuiltModel } from '../../model/build.js';
import { followAgentPlan, followClassPlan } from '../follow-plan.js';
import { round2, type ClassPlan, type SolveContext } from '../context.js';
import { solveWeeks, weekOfColumns, weekSolved } from './relaxation.js';
import { repairHere } from './repair.js';

export async function followPlanPhase(ctx: SolveContext, classPlan: ClassPlan): Promise<void> {
  const { p, built, backend, tuning, trace, main } = ctx;
  const search = main.search;
  const t0 = performance.now();
  const agentLpComing = agentPlanOverClassPlan(p, built, classPlan, ctx.index, ctx.decision, backend, Math.max(0.05, ctx.left() * tuning.agentPlanShare), ctx.signal);
  // While the workers solve it, this thread makes the heuristic's roster (cut short when the class LP came)
  // keep every rule: the chunks start from it, and keep it where they find nothing in time.
  await repairHere(ctx, main);
  const agentLp = await agentLpComing;
  const agentPlan = agentLp.values ? { values: agentLp.values } : undefined;
  ctx.note('agent-plan', agentPlanNote(agentLp, t0));
  trace?.('agent-plan', `agent plan ${agentLp.objective ?? agentLp.status} at ${ctx.elapsed().toFixed(1)} s`);
  const t = performance.now();
  const followOptions = {
    backend,
    index: ctx.index,
    decision: ctx.decision,
    base: search.shifts(),
    // The rest of the time goes to the windows, which also see the coverage as it ends up.
    deadline: performance.now() + ctx.left() * tuning.followPlanShare * 1000,
    signal: ctx.signal,
    ...(ctx.route.symmetrySearch ? {} : ({ detectSymmetry: false } as const)),
    ...(trace ? { onChunk: (c: { agents: number; columns: number; status: string; seconds: number }) => trace('chunk', `chunk ${c.agents} agents ${c.columns} cols: ${c.status} in ${c.seconds.toFixed(2)} s`) } : {}),
  };
  // The per-agent plan's chunks stop at a gap of `followAgentPlanGap`, leaving the windows more time.
  const plan = agentPlan ? await followAgentPlan(p, built, agentPlan.values, { ...followOptions, mipRelativeGap: tuning.followAgentPlanGap }) : await followClassPlan(p, built, classPlan.aggregation, classPlan.values, followOptions);
  // Both rosters keep every rule before they are compared: the chunks' roster would otherwise win on the few
  // agents the other still had broken, however much more it costs. The base is set aside and the chunks'
  // roster repaired in its place (a second RosterSearch over a huge model would hold another copy of every
  // agent's candidates by day).
  await repairHere(ctx, main, tuning.repairAfterFollowShare);
  const base = { shifts: search.shifts(), cost: main.cost, inf: main.inf };
  plan.shifts.forEach((sh, ai) => search.setShifts(ai, sh));
  main.cost = search.totalCost();
  main.inf = search.totalInfeasibility();
  await repairHere(ctx, main, tuning.repairAfterFollowShare);
  ctx.followed = ctx.keepIfNotWorse(main, base, () => base.shifts.forEach((sh, ai) => search.setShifts(ai, sh)));
  const before = base.cost;
  if (ctx.followed && agentPlan) ctx.planSupport = built.model.columns.map((cols) => cols.flatMap((j, i) => ((agentPlan.values[j] ?? 0) > 1e-4 ? [i] : [])));
  ctx.note('follow-plan', `${agentPlan ? 'per-agent' : 'class'} plan followed in ${plan.chunks} chunks (${plan.solved} solved) in ${round2((performance.now() - t) / 1000)} s${ctx.followed ? ' (kept)' : ''}`);
  trace?.('follow-plan', `plan followed: ${before} → ${main.cost} inf ${main.inf} at ${ctx.elapsed().toFixed(1)} s`);
}

/** What the per-agent LP over the class plan's shifts came to, since `started` (a `performance.now()` value). */
export function agentPlanNote(agentLp: { status: string; objective?: number; columns: number; droppedRows?: number }, started: number): string {
  const dropped = agentLp.droppedRows ? `, week by week with ${agentLp.droppedRows} linking rows dropped` : '';
  return `per-agent LP over the class plan's shifts: ${agentLp.objective !== undefined ? round2(agentLp.objective) : agentLp.status} over ${agentLp.columns} shift columns${dropped} in ${round2((performance.now() - started) / 1000)} s (rows only its closed shifts reach not counted: no bound)`;
}

/**
 * A per-agent plan from the class plan: the per-agent LP with only the shifts the class plan uses open (every
 * other shift fixed to 0), week by week. It is no bound (shifts are left out), but it is small and nearly
 * integral, and followed chunk by chunk it rounds far less than the class plan's shares.
 *
 * Weeks whose LP is not solved in time keep the class plan's shares (each class agent counts for the class
 * value over the class's agents who have the shift), so a slow machine still gets the per-agent plan of the
 * weeks it could solve. Without values when no week (or the one LP of a model of one week) is solved in time,
 * or the class plan's shifts cannot keep some agent's rows; `status` then says which.
 *
 * Its objective counts the model's constant (cells no shift can cover) and the rows its shifts reach; rows only
 * closed shifts reach, and the rows linking weeks it drops, are not counted, so it may fall below the relaxation.
 */
export async function agentPlanOverClassPlan(p: Problem, built: BuiltModel, classPlan: ClassPlan, index: ColumnIndex, decision: Uint8Array, backend: LpBackend, timeLimitSeconds: number, signal: AbortSignal): Promise<{ status: string; values?: Float64Array; objective?: number; columns: number; droppedRows?: number }> {
  const deadline = performance.now() + timeLimitSeconds * 1000;
  const { classColumn, members } = classPlan.aggregation;
  const free: number[] = [];
  for (const cols of built.model.columns)
    for (const j of cols) {
      const c = classColumn[j]!;
      if (c >= 0 && (classPlan.values[c] ?? 0) > 1e-6) free.push(j);
    }
  const sub = windowModel(built.lp, index, decision, free, () => 0);
  const week = weekOfColumns(p, built);
  const split = p.weeks.length >= 2 ? partitionRelaxation(sub.model, Int32Array.from(sub.columns, (j) => week[j]!), p.weeks.length) : undefined;
  const values = new Float64Array(built.lp.variables.length);
  if (!split) {
    const r = await backend.solve(sub.model, { timeLimitSeconds, relaxIntegrality: true, signal });
    if (!weekSolved(r)) return { status: r.message ?? r.status, columns: free.length };
    sub.columns.forEach((j, k) => (values[j] = r.values![k]!));
    return { status: r.status, values, objective: r.objective! + built.lp.objectiveOffset, columns: free.length };
  }
  const parts = await solveWeeks(split, backend, deadline, signal);
  const solved = parts.map(weekSolved);
  const count = solved.filter(Boolean).length;
  if (count === 0) {
    const r = parts[0]!;
    return { status: `weekly relaxation: ${r.status}${r.message ? ` (${r.message})` : ''}`, columns: free.length };
  }
  parts.forEach((r, k) =>
    split.columns[k]!.forEach((c, i) => {
      const j = sub.columns[c]!;
      if (solved[k]) values[j] = r.values![i]!;
      else if (decision[j]) values[j] = classPlan.values[classColumn[j]!]! / members[classColumn[j]!]!;
    }),
  );
  return count === parts.length
    ? { status: 'optimal', values, objective: built.lp.objectiveOffset + split.constant + parts.reduce((sum, r) => sum + r.objective!, 0), columns: free.length, droppedRows: split.droppedRows }
    : { status: `${count} of ${parts.length} weeks solved in time, the others follow the class plan's shares`, values, columns: free.length, droppedRows: split.droppedRows };
}
