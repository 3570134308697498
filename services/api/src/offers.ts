/**
 * Voluntary time off (VTO) and overtime offers, from a roster's coverage as the core's evaluate reports it.
 *
 * A need is a run of consecutive intervals of one skill that are over-covered by at least one whole agent
 * (`over`) or under-covered at all (`under`). A shift of that skill that ends or starts at the edge of an
 * `over` run may give up whole grid steps inside the run at that end as unpaid leave (VTO: coverage stays
 * at the requirement at least); a shift that borders an `under` run may be extended by whole grid steps
 * into it (overtime: the contract's hours and overtime band are the contract-hours rule's). Each offer is
 * the most the run and the agent's hard rules allow; `shift-templates` findings do not block (a shortened
 * or extended shift may match no template, as for extension requests). Offers are judged with the core's
 * `judgeChanges` (the change of evaluate's total cost, coverage included) and ranked cheapest first.
 *
 * Pure: the compute worker computes a schedule's offers, the accept route re-checks one on the roster of
 * that moment with the same code.
 */
import { agentStanding, judgeChanges, shiftsToRoster, time, type Evaluation, type Problem, type Roster, type Shift, type SwapCheck, type SwapPolicy } from '@flexroster/core';
import { reshape, shiftView } from './shifts.js';

export type OfferKind = 'vto' | 'overtime';
type Side = 'start' | 'end';

/** Findings that do not block an offer: its shift may match no template. */
export const NOT_BLOCKING = new Set(['shift-templates']);
/** An over-covered interval has at least this many agents too many: one can leave and coverage still holds. */
const WHOLE_AGENT = 1 - 1e-9;
const EPS = 1e-9;

export interface Need {
  readonly id: string;
  readonly kind: 'over' | 'under';
  readonly skill: string;
  readonly start: string;
  readonly end: string;
  /** Agent-hours over or under the requirement in the run. */
  readonly agentHours: number;
}

/** What an offer changes: the agent's shift (its times in the agent's zone), at which end, by how many minutes. */
export interface OfferSpec {
  readonly kind: OfferKind;
  readonly agentId: string;
  readonly shift: { readonly start: string; readonly end: string };
  readonly at: Side;
  readonly minutes: number;
}

export interface ComputedOffer extends OfferSpec {
  readonly needId: string;
  readonly after: ReturnType<typeof shiftView>;
  readonly costDelta: number;
  readonly coverageDelta: SwapCheck['coverageDelta'];
  /** Findings that did not block (shift-templates), for the agent to see. */
  readonly notes: readonly string[];
}

/** Over and under per skill and interval, from the evaluation's coverage rows. */
export interface Gaps {
  readonly under: Float64Array[];
  readonly over: Float64Array[];
}

export function gapsOf(p: Problem, evaluation: Evaluation): Gaps {
  const under = p.skills.map(() => new Float64Array(p.intervalCount));
  const over = p.skills.map(() => new Float64Array(p.intervalCount));
  for (const row of evaluation.coverage) {
    const k = p.skillIndex.get(row.skill);
    const at = time.parseDateTime(row.start, p.zone);
    if (k === undefined || at === undefined) continue;
    const t = Math.round((at - p.gridStart) / p.intervalMs);
    if (t < 0 || t >= p.intervalCount) continue;
    under[k]![t] = row.under;
    over[k]![t] = row.over;
  }
  return { under, over };
}

const isNeed = (g: Gaps, kind: 'over' | 'under', k: number, t: number) => (kind === 'over' ? g.over[k]![t]! >= WHOLE_AGENT : g.under[k]![t]! > EPS);

/** The runs of over- and under-covered intervals, and the run of each (kind, skill, interval). */
export function needsOf(p: Problem, g: Gaps): { needs: Need[]; at: (kind: 'over' | 'under', k: number, t: number) => Need | undefined } {
  const needs: Need[] = [];
  const index = new Map<string, Need>();
  const hours = p.intervalMs / time.HOUR_MS;
  p.skills.forEach((skill, k) => {
    for (const kind of ['over', 'under'] as const) {
      for (let t = 0; t < p.intervalCount; ) {
        if (!isNeed(g, kind, k, t)) {
          t++;
          continue;
        }
        let end = t;
        let agentHours = 0;
        while (end < p.intervalCount && isNeed(g, kind, k, end)) agentHours += (kind === 'over' ? g.over : g.under)[k]![end++]! * hours;
        const start = time.isoInZone(p.gridStart + t * p.intervalMs, p.zone);
        const need: Need = { id: `${kind}:${skill}:${start}`, kind, skill, start, end: time.isoInZone(p.gridStart + end * p.intervalMs, p.zone), agentHours: Math.round(agentHours * 100) / 100 };
        needs.push(need);
        for (let i = t; i < end; i++) index.set(`${kind}|${k}|${i}`, need);
        t = end;
      }
    }
  });
  return { needs, at: (kind, k, t) => index.get(`${kind}|${k}|${t}`) };
}

/** The grid index of an instant on the grid, or undefined off it. */
function gridIndex(p: Problem, instant: number): number | undefined {
  const offset = instant - p.gridStart;
  return offset % p.intervalMs === 0 ? offset / p.intervalMs : undefined;
}

/** The intervals an offer of `steps` grid steps takes (overtime: outside the shift) or gives up (VTO: inside). */
function offerIntervals(p: Problem, s: Shift, kind: OfferKind, at: Side, steps: number): number[] | undefined {
  const edge = gridIndex(p, at === 'start' ? s.start : s.end);
  if (edge === undefined) return undefined;
  const first = kind === 'overtime' ? (at === 'start' ? edge - steps : edge) : at === 'start' ? edge : edge - steps;
  return Array.from({ length: steps }, (_, i) => first + i);
}

/** The shift after the offer: longer by the steps (overtime) or shorter (VTO), at `at`. */
function offerShift(p: Problem, byAgent: readonly (readonly Shift[])[], s: Shift, kind: OfferKind, at: Side, minutes: number): Shift {
  const d = minutes * time.MINUTE_MS * (kind === 'overtime' ? 1 : -1);
  return at === 'start' ? reshape(p, byAgent, s, s.start - d, s.end) : reshape(p, byAgent, s, s.start, s.end + d);
}

const blockingOf = <F extends { readonly rule: string }>(findings: readonly F[]): F[] => findings.filter((f) => !NOT_BLOCKING.has(f.rule));

/** The shortest length the shift may keep after VTO: its template's shortest, or any template's without one (as leave). */
function minMinutes(p: Problem, s: Shift): number {
  const lengths = s.template ? s.template.lengthsMinutes : p.scenario.shiftTemplates.flatMap((t) => t.lengthsMinutes);
  return lengths.length > 0 ? Math.min(...lengths) : p.scenario.horizon.intervalMinutes;
}

/** Grid steps the run allows at this end of the shift (all in one need), before the agent's rules. */
function reach(p: Problem, g: Gaps, s: Shift, kind: OfferKind, at: Side, k: number): number {
  const need = kind === 'vto' ? 'over' : 'under';
  const stepMinutes = p.intervalMs / time.MINUTE_MS;
  const cap = kind === 'vto' ? Math.floor((s.minutes - minMinutes(p, s)) / stepMinutes) : Math.floor((24 * 60 - s.minutes) / stepMinutes);
  let steps = 0;
  while (steps < cap) {
    const ts = offerIntervals(p, s, kind, at, steps + 1);
    const t = ts && (kind === 'overtime' ? (at === 'start' ? ts[0]! : ts.at(-1)!) : at === 'start' ? ts.at(-1)! : ts[0]!);
    if (t === undefined || t < 0 || t >= p.intervalCount || !isNeed(g, need, k, t)) break;
    steps++;
  }
  return steps;
}

/** The agent's shifts with `s` replaced by `next`, in order. */
const replaced = (list: readonly Shift[], s: Shift, next: Shift) => list.map((x) => (x === s ? next : x)).sort((a, b) => a.start - b.start);

/** The largest offer at this end of the shift that keeps the agent's blocking hard rules, if any. */
function bestAt(p: Problem, g: Gaps, byAgent: readonly (readonly Shift[])[], s: Shift, kind: OfferKind, at: Side): { minutes: number; shift: Shift } | undefined {
  const k = p.skillIndex.get(s.skill);
  if (k === undefined) return undefined;
  const stepMinutes = p.intervalMs / time.MINUTE_MS;
  for (let steps = reach(p, g, s, kind, at, k); steps > 0; steps--) {
    const next = offerShift(p, byAgent, s, kind, at, steps * stepMinutes);
    if (blockingOf(agentStanding(p, s.agent, replaced(byAgent[s.agent]!, s, next)).hard).length === 0) return { minutes: steps * stepMinutes, shift: next };
  }
  return undefined;
}

/** Every offer of these kinds the roster's coverage calls for, cheapest first (at most `limit`), and the needs. */
export function computeOffers(
  p: Problem,
  byAgent: readonly (readonly Shift[])[],
  evaluation: Evaluation,
  policy: SwapPolicy,
  select: { readonly kinds: readonly OfferKind[]; readonly limit: number },
): { needs: Need[]; offers: ComputedOffer[] } {
  const g = gapsOf(p, evaluation);
  const { needs, at: needAt } = needsOf(p, g);
  const offers: ComputedOffer[] = [];
  for (const list of byAgent)
    for (const s of list)
      for (const kind of select.kinds)
        for (const side of ['start', 'end'] as const) {
          const best = bestAt(p, g, byAgent, s, kind, side);
          if (!best) continue;
          const ts = offerIntervals(p, s, kind, side, best.minutes / (p.intervalMs / time.MINUTE_MS))!;
          const need = needAt(kind === 'vto' ? 'over' : 'under', p.skillIndex.get(s.skill)!, ts[0]!)!;
          const judged = judgeChanges(p, byAgent, [{ agent: s.agent, remove: [s], add: [best.shift] }], policy);
          if (blockingReasons(judged).length > 0) continue;
          const a = p.agents[s.agent]!;
          offers.push({
            kind,
            agentId: a.id,
            shift: { start: time.isoInZone(s.start, a.zone), end: time.isoInZone(s.end, a.zone) },
            at: side,
            minutes: best.minutes,
            needId: need.id,
            after: shiftView(p, best.shift),
            costDelta: judged.costDelta,
            coverageDelta: judged.coverageDelta,
            notes: judged.violations.filter((v) => NOT_BLOCKING.has(v.rule)).map((v) => `${v.rule}: ${v.message} (not blocking)`),
          });
        }
  offers.sort((x, y) => x.costDelta - y.costDelta || x.agentId.localeCompare(y.agentId) || x.shift.start.localeCompare(y.shift.start));
  return { needs, offers: offers.slice(0, select.limit) };
}

/** Why a judged change may not be applied: its blocking hard findings and an under-staffing growth beyond the policy. */
export function blockingReasons(judged: SwapCheck): string[] {
  return [...blockingOf(judged.violations).map((v) => `${v.agentId}: ${v.rule}: ${v.message}`), ...judged.reasons.filter((r) => r.startsWith('coverage:'))];
}

/** Why an offer no longer fits the roster of this moment (a conflict, not a rule). */
export class OfferGone extends Error {}

export interface OfferCheck {
  readonly judged: SwapCheck;
  /** Blocking reasons; empty when the offer may be applied. */
  readonly reasons: readonly string[];
  readonly roster: Roster;
  readonly after: ReturnType<typeof shiftView>;
  /** VTO: the unpaid leave it gives the agent, in the agent's zone. */
  readonly leave?: { readonly start: string; readonly end: string };
}

/**
 * Re-checks an offer on the roster of this moment: its shift is still the agent's and its intervals still
 * over- (VTO) or under-covered (overtime), else `OfferGone`; then the agent's hard rules on the result.
 */
export function checkOffer(p: Problem, byAgent: readonly (readonly Shift[])[], evaluation: Evaluation, offer: OfferSpec, policy: SwapPolicy): OfferCheck {
  const a = p.agentById.get(offer.agentId);
  if (!a) throw new OfferGone(`${offer.agentId} is no longer in the schedule`);
  const start = time.parseDateTime(offer.shift.start, a.zone);
  const end = time.parseDateTime(offer.shift.end, a.zone);
  const s = byAgent[a.index]!.find((x) => x.start === start && x.end === end);
  if (!s) throw new OfferGone(`${offer.agentId} no longer has the shift from ${offer.shift.start} to ${offer.shift.end}`);
  const k = p.skillIndex.get(s.skill);
  const ts = offerIntervals(p, s, offer.kind, offer.at, offer.minutes / (p.intervalMs / time.MINUTE_MS));
  const need = offer.kind === 'vto' ? 'over' : 'under';
  const g = gapsOf(p, evaluation);
  if (k === undefined || !ts || ts.some((t) => t < 0 || t >= p.intervalCount || !isNeed(g, need, k, t)))
    throw new OfferGone(`the intervals of this offer are no longer ${need === 'over' ? 'over-covered' : 'under-covered'}: the need was met`);
  const next = offerShift(p, byAgent, s, offer.kind, offer.at, offer.minutes);
  const judged = judgeChanges(p, byAgent, [{ agent: a.index, remove: [s], add: [next] }], policy);
  const roster = shiftsToRoster(p, byAgent.map((list, i) => (i === a.index ? replaced(list, s, next) : [...list])));
  const gone = offer.at === 'start' ? [s.start, next.start] : [next.end, s.end];
  return {
    judged,
    reasons: blockingReasons(judged),
    roster,
    after: shiftView(p, next),
    ...(offer.kind === 'vto' ? { leave: { start: time.isoInZone(gone[0]!, a.zone), end: time.isoInZone(gone[1]!, a.zone) } } : {}),
  };
}
