/**
 * Service level per interval from the agents actually on the phones: Erlang C on each forecast interval's
 * traffic with the evaluation's `scheduled` (work segments on the skill only: breaks, lunches, activities and
 * resets are off the phones). Required demand has no contacts, so it has no service level and is skipped.
 */
import { serviceLevel, time, type Evaluation, type Scenario } from '@flexroster/core';

const MIN = 60_000;

export interface Forecast {
  readonly traffic: number;
  readonly ahtSeconds: number;
  readonly answerSeconds: number;
  readonly target: number;
}

/** Forecast per interval start (ms) and skill, from the scenario's forecast demand. */
export function forecasts(s: Scenario): Map<string, Forecast> {
  const out = new Map<string, Forecast>();
  const step = s.horizon.intervalMinutes;
  for (const d of s.demand ?? []) {
    const f = d.forecast;
    const start = time.parseDateTime(d.start, s.horizon.timeZone);
    if (!f || start === undefined) continue;
    f.contacts.forEach((contacts, i) => {
      const traffic = (contacts * f.ahtSeconds) / (step * 60);
      out.set(`${start + i * step * MIN}|${d.skill}`, { traffic, ahtSeconds: f.ahtSeconds, answerSeconds: f.serviceLevel.answerSeconds, target: f.serviceLevel.target });
    });
  }
  return out;
}

/** Service level of one interval with `agents` on the phones. */
export function intervalServiceLevel(agents: number, f: Forecast): number {
  return serviceLevel(agents, f.traffic, f.ahtSeconds, f.answerSeconds);
}

export interface ServiceSummary {
  /** Intervals with traffic. */
  readonly intervals: number;
  readonly meanServiceLevel: number;
  /** Share of those intervals whose service level is below its target. */
  readonly belowTargetShare: number;
}

export function serviceSummary(s: Scenario, e: Evaluation): ServiceSummary {
  const byKey = forecasts(s);
  let n = 0;
  let sum = 0;
  let below = 0;
  for (const c of e.coverage) {
    const f = byKey.get(`${Date.parse(c.start)}|${c.skill}`);
    if (!f || f.traffic <= 0) continue;
    const sl = intervalServiceLevel(c.scheduled, f);
    n++;
    sum += sl;
    if (sl < f.target - 1e-12) below++;
  }
  return { intervals: n, meanServiceLevel: n ? sum / n : 1, belowTargetShare: n ? below / n : 0 };
}
