/**
 * breaks (hard): a shift that carries segments holds each break and lunch its template's rules give a shift
 * of its length, of that kind and length, starting inside its window (elapsed minutes after the shift
 * start, so a DST change inside the shift does not move it), with at least `minGapMinutes` of work between
 * two breaks, and no break the rules do not ask for. A shift without segments has not had its breaks placed
 * (an old client, or the shift stage of a solve): it is read as one work segment and not judged here.
 * build adds nothing: the solve places breaks in a second stage (solve/phases/breaks.ts).
 */
import type { Shift, ShiftSegment } from '../expand/problem.js';
import type { BreakRule } from '../schema/scenario.js';
import { applicableBreaks } from '../expand/breaks.js';
import { MINUTE_MS } from '../time/zone.js';
import type { RuleFinding, RuleModule } from './rule.js';
import { dateOfDay, timeOfMinutes } from './rule.js';

export const BREAKS = 'breaks';

/** Break rules in the order both placement and checking take them: tightest window first. */
export function breaksByTightness(rules: readonly BreakRule[]): BreakRule[] {
  return [...rules].sort(tightness);
}

/** Narrower window first, then the earlier one. */
export function tightness(x: BreakRule, y: BreakRule): number {
  return x.latestAfterStartMinutes - x.earliestAfterStartMinutes - (y.latestAfterStartMinutes - y.earliestAfterStartMinutes) || x.earliestAfterStartMinutes - y.earliestAfterStartMinutes;
}

/** What is wrong with one shift's breaks, in words; empty when nothing is. */
export function breakProblems(s: Shift): string[] {
  if (!s.segments) return [];
  const rules = breaksByTightness(applicableBreaks(s.template, s.minutes));
  // Activities and the paid resets of the continuous-skill rule are other rules' segments, not template breaks.
  const off = s.segments.filter((g) => (g.kind === 'break' || g.kind === 'lunch') && !g.reset);
  const used = new Set<ShiftSegment>();
  const out: string[] = [];
  const offset = (g: ShiftSegment) => (g.start - s.start) / MINUTE_MS;
  const fits = (r: BreakRule, g: ShiftSegment) => g.kind === r.kind && g.end - g.start === r.minutes * MINUTE_MS;
  for (const r of rules) {
    const name = `${r.minutes}-min ${r.kind} (from ${r.earliestAfterStartMinutes} to ${r.latestAfterStartMinutes} min after the start)`;
    const inWindow = off.find((g) => !used.has(g) && fits(r, g) && offset(g) >= r.earliestAfterStartMinutes && offset(g) <= r.latestAfterStartMinutes);
    const anywhere = inWindow ?? off.find((g) => !used.has(g) && fits(r, g));
    if (!anywhere) out.push(`missing its ${name}`);
    else {
      used.add(anywhere);
      if (!inWindow) out.push(`its ${name} starts ${offset(anywhere)} min after the start, outside its window`);
    }
  }
  for (const g of off) if (!used.has(g)) out.push(`a ${Math.round((g.end - g.start) / MINUTE_MS)}-min ${g.kind} ${offset(g)} min after the start that no break rule of its template asks for`);
  const gap = (s.template?.minGapMinutes ?? 0) * MINUTE_MS;
  for (let i = 1; i < off.length; i++)
    if (off[i]!.start - off[i - 1]!.end < gap) out.push(`breaks ${offset(off[i - 1]!)} and ${offset(off[i]!)} min after the start are less than ${s.template!.minGapMinutes} min apart`);
  return out;
}

export const breaksRule: RuleModule = {
  name: BREAKS,
  description: 'Each shift with segments holds the breaks and lunches of its template, each inside its window, apart by the least gap',
  checkAgent(p, a, shifts) {
    const out: RuleFinding[] = [];
    for (const s of shifts)
      for (const message of breakProblems(s))
        out.push({ rule: BREAKS, agentId: a.id, hard: true, cost: 0, date: dateOfDay(p, s.day), message: `shift at ${timeOfMinutes(s.localStart)}: ${message}` });
    return out;
  },
};
