/**
 * Erlang C staffing, with the trade's conventions: traffic A = contacts × AHT / interval; agents must
 * exceed A; an occupancy cap raises N to ceil(A / cap); shrinkage is divided out at the end.
 */

/** Probability that a contact has to wait (Erlang C), for `agents` agents and `traffic` Erlangs. */
export function erlangC(agents: number, traffic: number): number {
  if (traffic <= 0) return 0;
  if (agents <= traffic) return 1;
  // Erlang B by its stable recurrence, then converted to C.
  let b = 1;
  for (let k = 1; k <= agents; k++) b = (traffic * b) / (k + traffic * b);
  const rho = traffic / agents;
  return b / (1 - rho + rho * b);
}

/** Share of contacts answered within `answerSeconds`. */
export function serviceLevel(agents: number, traffic: number, ahtSeconds: number, answerSeconds: number): number {
  if (traffic <= 0) return 1;
  if (agents <= traffic) return 0;
  const pw = erlangC(agents, traffic);
  return 1 - pw * Math.exp((-(agents - traffic) * answerSeconds) / ahtSeconds);
}

export interface ErlangInput {
  contacts: number;
  ahtSeconds: number;
  intervalMinutes: number;
  /** Target share answered in time, e.g. 0.8. */
  serviceLevelTarget: number;
  answerSeconds: number;
  /** e.g. 0.85; omitted for no cap. */
  maxOccupancy?: number;
  /** e.g. 0.3; omitted for none. */
  shrinkage?: number;
}

export interface ErlangRequirement {
  traffic: number;
  /** Agents needed on the phones (before shrinkage). */
  agents: number;
  serviceLevel: number;
  occupancy: number;
  /** Agents to schedule: agents / (1 − shrinkage), rounded up. */
  scheduled: number;
}

/** Traffic above this is no contact centre; the Erlang recurrence is O(agents), so it is refused. */
export const MAX_TRAFFIC_ERLANGS = 10_000;

export function erlangRequirement(input: ErlangInput): ErlangRequirement {
  const traffic = (input.contacts * input.ahtSeconds) / (input.intervalMinutes * 60);
  if (!(traffic <= MAX_TRAFFIC_ERLANGS)) throw new RangeError(`traffic of ${traffic} Erlangs is above the supported ${MAX_TRAFFIC_ERLANGS}`);
  if (traffic <= 0) return { traffic: 0, agents: 0, serviceLevel: 1, occupancy: 0, scheduled: 0 };
  let agents = Math.max(1, Math.floor(traffic) + 1);
  // The service level rises quickly past A + a few √A; the cap only guards absurd inputs from looping.
  const cap = Math.ceil(traffic + 20 * Math.sqrt(traffic) + 100);
  while (agents < cap && serviceLevel(agents, traffic, input.ahtSeconds, input.answerSeconds) < input.serviceLevelTarget) agents++;
  if (input.maxOccupancy !== undefined && input.maxOccupancy > 0) {
    // A small epsilon keeps ceil(A/cap) from jumping on float noise when A/cap is an integer.
    agents = Math.max(agents, Math.ceil(traffic / input.maxOccupancy - 1e-9));
  }
  const shrink = input.shrinkage ?? 0;
  const scheduled = Math.ceil(agents / (1 - shrink) - 1e-9);
  return {
    traffic,
    agents,
    serviceLevel: serviceLevel(agents, traffic, input.ahtSeconds, input.answerSeconds),
    occupancy: traffic / agents,
    scheduled,
  };
}
