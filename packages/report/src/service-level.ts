/**
 * Service level per skill, recomputed by Erlang C from the agents the roster puts on the phones: the
 * scheduled agents of the skill less the forecast's shrinkage, rounded down (Erlang C counts whole agents).
 * Forecast entries of one skill with the same target are pooled, weighted by their contacts.
 */
import { serviceLevel, time, type IntervalDemand, type Problem } from '@flexroster/core';

type Forecast = NonNullable<IntervalDemand['forecast']>;
import type { ServiceLevelRow, SkillCoverage } from './model.js';

interface Pool {
  skill: string;
  target: number;
  answerSeconds: number;
  contacts: number;
  answered: number;
  below: number;
  intervals: number;
}

export function serviceLevels(p: Problem, coverage: readonly SkillCoverage[]): ServiceLevelRow[] {
  const pools = new Map<string, Pool>();
  for (const demand of p.scenario.demand ?? []) {
    const f = demand.forecast;
    const scheduled = coverage.find((c) => c.skill === demand.skill)?.scheduled;
    const t0 = time.parseDateTime(demand.start, p.zone);
    if (!f || !scheduled || t0 === undefined) continue;
    const key = `${demand.skill}|${f.serviceLevel.target}|${f.serviceLevel.answerSeconds}`;
    let pool = pools.get(key);
    if (!pool) pools.set(key, (pool = { skill: demand.skill, target: f.serviceLevel.target, answerSeconds: f.serviceLevel.answerSeconds, contacts: 0, answered: 0, below: 0, intervals: 0 }));
    addForecast(p, pool, f, Math.round((t0 - p.gridStart) / p.intervalMs), scheduled);
  }
  return [...pools.values()].map((q) => ({
    skill: q.skill,
    target: q.target,
    answerSeconds: q.answerSeconds,
    achieved: q.contacts > 0 ? q.answered / q.contacts : 1,
    intervalsBelowTarget: q.below,
    intervals: q.intervals,
  }));
}

function addForecast(p: Problem, pool: Pool, f: Forecast, first: number, scheduled: readonly number[]): void {
  const intervalSeconds = p.scenario.horizon.intervalMinutes * 60;
  f.contacts.forEach((c, i) => {
    const t = first + i;
    if (c <= 0 || t < 0 || t >= p.intervalCount) return;
    const onPhones = Math.floor(scheduled[t]! * (1 - (f.shrinkage ?? 0)) + 1e-9);
    const sl = serviceLevel(onPhones, (c * f.ahtSeconds) / intervalSeconds, f.ahtSeconds, f.serviceLevel.answerSeconds);
    pool.contacts += c;
    pool.answered += c * sl;
    pool.intervals++;
    if (sl < f.serviceLevel.target) pool.below++;
  });
}
