/**
 * The sweep's one time-limit policy. A shape gets LIMIT_BASE_SECONDS for the fixed costs of a solve (start-up,
 * the first heuristic roster, a first LP) plus LIMIT_SECONDS_PER_AGENT_DAY for each agent-day, the unit that
 * the model's columns and the work of the decomposition grow with. The two are chosen so that the 24 shapes
 * of `--shapes 24 --seed 1` add up to about 12 minutes. `--time-scale k` multiplies every limit (to give a
 * slower machine, or a peer, k times the time).
 */
export const LIMIT_BASE_SECONDS = 5;
export const LIMIT_SECONDS_PER_AGENT_DAY = 0.008;

/** The limit in seconds, rounded to 0.1 s. */
export function timeLimitSeconds(shape: { agents: number; days: number }, timeScale = 1): number {
  if (!(timeScale > 0) || !Number.isFinite(timeScale)) throw new RangeError(`the time scale must be a positive number, got ${timeScale}`);
  return Math.round(timeScale * (LIMIT_BASE_SECONDS + LIMIT_SECONDS_PER_AGENT_DAY * shape.agents * shape.days) * 10) / 10;
}

export const POLICY_TEXT = `limit = ${LIMIT_BASE_SECONDS} s + ${LIMIT_SECONDS_PER_AGENT_DAY} s × agents × days, times --time-scale`;
