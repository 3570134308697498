/**
 * One event, three answers on its changed scenario: the published roster left as it is, the minimal-change
 * re-plan (base = published) and a solve from scratch, each measured the same way against the published roster.
 */
import { evaluate, rosterChanges, solve, type LpBackend, type ReplanBase, type Roster } from '@flexroster/core';
import type { ReplanEvent } from './events.js';

export type ChangeCost = ReplanBase['changeCost'];
export type Method = 'published' | 'replan' | 'scratch';

export interface Measured {
  readonly method: Method;
  readonly status: string;
  readonly seconds: number;
  /** Changes vs the published roster as rosterChanges lists them (a move counts once). */
  readonly changedShifts: number;
  readonly moved: number;
  readonly addedOrRemoved: number;
  readonly agentsTouched: number;
  readonly agentsTouchedPct: number;
  /** Changes of shifts that start before frozenBefore (either side): 0 for a re-plan. */
  readonly changesBeforeFrozen: number;
  /** The evaluator's total with the base minus its stability part: the roster's own cost. */
  readonly cost: number;
  /** The stability rule's price of the changes at the stated change costs. */
  readonly changePrice: number;
  readonly understaffedAgentHours: number;
  /** Broken hard rules of the scenario (the base's frozen past not counted here). */
  readonly hardViolations: number;
}

export interface EventRun {
  readonly event: Omit<ReplanEvent, 'scenario'>;
  readonly results: readonly Measured[];
}

export interface EventOptions {
  readonly backend: LpBackend;
  readonly timeLimitSeconds: number;
  readonly changeCost: ChangeCost;
  readonly seed: number;
}

/** Changes and costs of `roster` on the event's scenario, against the published roster. */
export function measure(event: ReplanEvent, published: Roster, roster: Roster, changeCost: ChangeCost, head: Pick<Measured, 'method' | 'status' | 'seconds'>): Measured {
  const changes = rosterChanges(event.scenario, published, roster);
  const frozen = Date.parse(event.frozenBefore);
  const before = (as: { start: string } | null) => as !== null && Date.parse(as.start) < frozen;
  const touched = new Set(changes.map((c) => c.agentId)).size;
  const plain = evaluate(event.scenario, roster);
  const priced = evaluate(event.scenario, roster, { base: { roster: published, changeCost } });
  const changePrice = priced.costs.byRule['stability'] ?? 0;
  return {
    ...head,
    changedShifts: changes.length,
    moved: changes.filter((c) => c.before && c.after).length,
    addedOrRemoved: changes.filter((c) => !c.before || !c.after).length,
    agentsTouched: touched,
    agentsTouchedPct: (100 * touched) / event.scenario.agents.length,
    changesBeforeFrozen: changes.filter((c) => before(c.before) || before(c.after)).length,
    cost: priced.costs.total - changePrice,
    changePrice,
    understaffedAgentHours: plain.understaffedAgentHours,
    hardViolations: plain.violations.length,
  };
}

/** The published roster as is, the minimal-change re-plan and a solve from scratch, same time limit. */
export async function runEvent(event: ReplanEvent, published: Roster, o: EventOptions): Promise<EventRun> {
  const { scenario, ...info } = event;
  const results = [measure(event, published, published, o.changeCost, { method: 'published', status: '–', seconds: 0 })];
  const common = { timeLimitSeconds: o.timeLimitSeconds, backend: o.backend, seed: o.seed };
  for (const method of ['replan', 'scratch'] as const) {
    const base = method === 'replan' ? { base: { roster: published, changeCost: o.changeCost, frozenBefore: event.frozenBefore } } : {};
    const t = performance.now();
    const r = await solve(scenario, { ...common, ...base });
    const seconds = (performance.now() - t) / 1000;
    results.push(measure(event, published, r.roster, o.changeCost, { method, status: r.status, seconds }));
  }
  return { event: info, results };
}
