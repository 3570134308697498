/**
 * A scenario's size as the model build sees it: agents × days × the shift variants a day offers (start
 * times × lengths of every template). Building scales with it, so units divided by a measured rate
 * (units per second, see workers/compute-worker.ts and BuildRate) forecast how long a build takes.
 */
import type { Scenario } from '@flexroster/core';

const minutes = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
};

export function buildUnits(scenario: Scenario): number {
  const variants = (scenario.shiftTemplates ?? []).reduce((sum, t) => {
    const span = (minutes(t.latestStart) - minutes(t.earliestStart) + 1440) % 1440;
    return sum + (Math.floor(span / Math.max(1, t.startStepMinutes ?? scenario.horizon.intervalMinutes)) + 1) * Math.max(1, t.lengthsMinutes.length);
  }, 0);
  return scenario.agents.length * scenario.horizon.days * Math.max(1, variants);
}

/**
 * Build units per second of this process: the compute worker's measurement on a reference scenario at
 * start, then a moving average over the builds of real solves (only builds long enough to be more than
 * fixed costs).
 */
export class BuildRate {
  private rate: number | undefined;

  get unitsPerSecond(): number | undefined {
    return this.rate;
  }

  /** Seconds a build of `units` is expected to take; undefined before any measurement. */
  forecast(units: number): number | undefined {
    return this.rate ? units / this.rate : undefined;
  }

  /** A compute worker's measurement at start. */
  calibrate(unitsPerSecond: number): void {
    if (!(unitsPerSecond > 0) || !Number.isFinite(unitsPerSecond)) return;
    this.rate = this.rate === undefined ? unitsPerSecond : 0.7 * this.rate + 0.3 * unitsPerSecond;
  }

  observe(units: number, seconds: number): void {
    if (!(units > 0) || !(seconds >= 0.05)) return;
    const measured = units / seconds;
    this.rate = this.rate === undefined ? measured : 0.7 * this.rate + 0.3 * measured;
  }
}
