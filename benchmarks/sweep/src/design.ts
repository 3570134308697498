/**
 * The sweep's design: which shape gets which level of each factor. Every factor is spread over the N shapes
 * like a Latin hypercube (each level the same number of times, ±1, in a seeded random order per factor), so
 * 24 shapes touch every level of every factor and the pairs of factors vary, rather than rely on chance.
 * Pure: the same (count, seed) gives the same shapes.
 */
import { rng } from '@flexroster/core';

export const LEVELS = {
  days: [7, 14, 21, 28],
  intervalMinutes: [15, 30, 60],
  skills: [1, 2, 3, 4],
  demand: ['required', 'forecast'],
  profile: ['office', 'extended', '24-7'],
  timeZone: ['Europe/London', 'America/New_York', 'Australia/Sydney', 'Asia/Kolkata'],
  dstChange: [false, true],
  leaveShare: [0, 0.1, 0.25],
  rules: ['none', 'some', 'many'],
  micro: [false, true],
  contracts: ['full-time', 'full-part', 'flex'],
  remote: [false, true],
} as const;

export type Levels = typeof LEVELS;
export type Factor = keyof Levels;
/** One level of every factor, plus the agent count. */
export type Shape = { -readonly [F in Factor]: Levels[F][number] } & { index: number; agents: number };

/** Agent counts are log-uniform between these, so most shapes are small or medium and a few are large. */
export const AGENTS_MIN = 10;
export const AGENTS_MAX = 800;
/** The agent-count bands the design is checked against (upper bounds, inclusive). */
export const AGENT_BANDS = [{ name: 'small', upTo: 50 }, { name: 'medium', upTo: 200 }, { name: 'large', upTo: AGENTS_MAX }] as const;

/** Zones without daylight-saving time cannot have a change inside the horizon. */
export const ZONES_WITHOUT_DST: readonly string[] = ['Asia/Kolkata'];

function shuffle<T>(xs: T[], random: () => number): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}

/** Level k·L/N for k = 0…N−1, shuffled: each level appears ⌊N/L⌋ or ⌈N/L⌉ times. */
function balanced<T>(levels: readonly T[], count: number, random: () => number): T[] {
  return shuffle(Array.from({ length: count }, (_, k) => levels[Math.floor((k * levels.length) / count)]!), random);
}

export function designShapes(count: number, seed: number): Shape[] {
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`count must be a positive integer, got ${count}`);
  const factors = Object.keys(LEVELS) as Factor[];
  const columns = new Map<Factor, unknown[]>();
  factors.forEach((f, i) => columns.set(f, balanced(LEVELS[f] as readonly unknown[], count, rng(seed * 1_000_003 + i * 7919 + count))));
  // Agents: one draw in each of N equal strata of the log scale, strata in a random order.
  const random = rng(seed * 1_000_003 + 104_729 + count);
  const strata = shuffle(Array.from({ length: count }, (_, k) => k), random);
  const agents = strata.map((k) => Math.round(AGENTS_MIN * (AGENTS_MAX / AGENTS_MIN) ** ((k + random()) / count)));
  // A zone without DST cannot take a DST change: trade its level with a shape of another zone that has none.
  const zone = columns.get('timeZone') as string[];
  const dst = columns.get('dstChange') as boolean[];
  for (let i = 0; i < count; i++) {
    if (!dst[i] || !ZONES_WITHOUT_DST.includes(zone[i]!)) continue;
    const j = dst.findIndex((d, k) => !d && !ZONES_WITHOUT_DST.includes(zone[k]!));
    if (j >= 0) [dst[i], dst[j]] = [false, true];
    else dst[i] = false;
  }
  return Array.from({ length: count }, (_, i) => {
    const shape = { index: i + 1, agents: agents[i]! } as Record<string, unknown>;
    for (const f of factors) shape[f] = columns.get(f)![i];
    return shape as Shape;
  });
}

export function agentBand(agents: number): string {
  return AGENT_BANDS.find((b) => agents <= b.upTo)!.name;
}

/** A short human name: `#07 120 agents × 14 d, 30 min, 3 skills, forecast, 24-7, New_York (DST), …`. */
export function shapeName(s: Shape): string {
  const zone = s.timeZone.split('/')[1]!;
  const parts = [
    `${s.agents} agents × ${s.days} d`,
    `${s.intervalMinutes} min`,
    `${s.skills} skill${s.skills > 1 ? 's' : ''}`,
    s.demand,
    s.profile,
    `${zone}${s.dstChange ? ' (DST change)' : ''}`,
    `leave ${Math.round(s.leaveShare * 100)} %`,
    `rules ${s.rules}`,
    s.micro ? 'micro-shifts' : 'no micro',
    s.contracts,
    s.remote ? 'remote agents' : 'one zone',
  ];
  return `#${String(s.index).padStart(2, '0')} ${parts.join(', ')}`;
}
