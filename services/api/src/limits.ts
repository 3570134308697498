/**
 * Per-key and per-tenant limits. The server's defaults apply until a tenant admin sets `limits` (every key
 * of the tenant) or `keyLimits[keyId]` (one key) in the tenant policy, each value at most its ceiling.
 * Limits that pass with time (requests per minute, concurrent solves) answer 429 with Retry-After; limits
 * on the request itself (time limit, scenario size) answer 422, since retrying the same request cannot help.
 * Both name the limit in the problem's `limit` member.
 */
import { Type, type Static } from 'typebox';
import type { Scenario } from '@flexroster/core';
import { PROBLEM_TYPES, ProblemError } from './problem.js';
import type { Principal } from './store/keys.js';
import type { Db } from './store/store.js';

/** The most a tenant policy may allow; the schema refuses more (400). */
export const LIMIT_CEILINGS = {
  requestsPerMinute: 100_000,
  concurrentSolves: 64,
  tenantConcurrentSolves: 256,
  maxTimeLimitSeconds: 3600,
  maxAgents: 20_000,
  maxDayIntervals: 366 * 288,
} as const;

const field = (name: keyof typeof LIMIT_CEILINGS, description: string) => Type.Optional(Type.Integer({ minimum: 1, maximum: LIMIT_CEILINGS[name], description }));

export const LimitsSchema = Type.Object(
  {
    requestsPerMinute: field('requestsPerMinute', 'Requests a key may make per minute, on every authenticated route'),
    concurrentSolves: field('concurrentSolves', 'Solves (synchronous, jobs and stored-schedule solves) a key may have queued or running at once'),
    tenantConcurrentSolves: field('tenantConcurrentSolves', 'The same, summed over every key of the tenant'),
    maxTimeLimitSeconds: field('maxTimeLimitSeconds', 'Longest `timeLimitSeconds` of a solve job (synchronous solves stay within their own 30 s)'),
    maxAgents: field('maxAgents', 'Most agents in a scenario sent to any compute route or stored'),
    maxDayIntervals: field('maxDayIntervals', 'Most horizon days × intervals per day in such a scenario (28 days of 15-minute intervals: 2688)'),
  },
  { additionalProperties: false },
);
export type Limits = Required<Static<typeof LimitsSchema>>;

export const DEFAULT_LIMITS: Limits = {
  requestsPerMinute: 300,
  concurrentSolves: 2,
  tenantConcurrentSolves: 4,
  maxTimeLimitSeconds: 600,
  maxAgents: 1000,
  maxDayIntervals: 28 * 96,
};

/** The tenant-policy members this module reads (keys.ts holds the whole policy schema). */
export const PolicyLimitsSchema = {
  limits: Type.Optional({ ...LimitsSchema, description: 'Limits of every key of the tenant (admin only); unset ones take the server default' }),
  keyLimits: Type.Optional(
    Type.Record(Type.String({ maxLength: 100 }), LimitsSchema, { description: 'Limits of single keys by key id, over `limits` (admin only)' }),
  ),
};

interface PolicyLimits {
  limits?: Partial<Limits>;
  keyLimits?: Record<string, Partial<Limits>>;
}

/** How long a tenant's policy is reused before it is read again (another server may have changed it). */
const POLICY_TTL_MS = 5000;
const SOLVE_RETRY_AFTER_SECONDS = 5;

export function limitProblem(status: 422 | 429, name: keyof Limits, allowed: number, detail: string, requested?: number, retryAfterSeconds?: number): ProblemError {
  return new ProblemError(status, detail, {
    type: PROBLEM_TYPES.limit,
    title: status === 429 ? 'Over a limit' : 'Beyond a limit',
    limit: { name, allowed, ...(requested !== undefined ? { requested } : {}) },
    ...(retryAfterSeconds !== undefined ? { headers: { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) } } : {}),
  });
}

/** Resolves each caller's limits and counts the solves each key and tenant has in flight. */
export class LimitBook {
  private readonly policies = new Map<string, { readAt: number; policy: PolicyLimits }>();
  private readonly activeSolves = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly defaults: Limits,
  ) {}

  async of(principal: Principal): Promise<Limits> {
    let cached = this.policies.get(principal.tenantId);
    if (!cached || Date.now() - cached.readAt > POLICY_TTL_MS) {
      const [row] = await this.db.query<{ policy: PolicyLimits | null }>('SELECT policy FROM tenants WHERE id = $1', [principal.tenantId]);
      cached = { readAt: Date.now(), policy: row?.policy ?? {} };
      this.policies.set(principal.tenantId, cached);
    }
    return { ...this.defaults, ...cached.policy.limits, ...cached.policy.keyLimits?.[principal.keyId] };
  }

  /** The tenant's policy changed on this server: read it again on the next request. */
  forget(tenantId: string): void {
    this.policies.delete(tenantId);
  }

  /**
   * Takes one solve place for the key and its tenant (429 naming the limit when either is full) and returns
   * its release, which may be called more than once.
   */
  acquireSolve(principal: Principal, limits: Limits): () => void {
    const keyName = `key:${principal.keyId}`;
    const tenantName = `tenant:${principal.tenantId}`;
    const key = this.activeSolves.get(keyName) ?? 0;
    const tenant = this.activeSolves.get(tenantName) ?? 0;
    if (key >= limits.concurrentSolves)
      throw limitProblem(429, 'concurrentSolves', limits.concurrentSolves, `This key already has ${key} solves queued or running (limit ${limits.concurrentSolves})`, key + 1, SOLVE_RETRY_AFTER_SECONDS);
    if (tenant >= limits.tenantConcurrentSolves)
      throw limitProblem(429, 'tenantConcurrentSolves', limits.tenantConcurrentSolves, `This tenant already has ${tenant} solves queued or running (limit ${limits.tenantConcurrentSolves})`, tenant + 1, SOLVE_RETRY_AFTER_SECONDS);
    this.activeSolves.set(keyName, key + 1);
    this.activeSolves.set(tenantName, tenant + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const name of [keyName, tenantName]) {
        const n = (this.activeSolves.get(name) ?? 1) - 1;
        if (n > 0) this.activeSolves.set(name, n);
        else this.activeSolves.delete(name);
      }
    };
  }
}

/** 422 naming the limit when the scenario has more agents or day-intervals than allowed. Cheap: counts only. */
export function checkScenarioSize(scenario: Scenario, limits: Limits): void {
  const agents = scenario.agents.length;
  if (agents > limits.maxAgents) throw limitProblem(422, 'maxAgents', limits.maxAgents, `The scenario has ${agents} agents; this key may send at most ${limits.maxAgents}`, agents);
  const { days, intervalMinutes } = scenario.horizon;
  const dayIntervals = days * Math.ceil(1440 / intervalMinutes);
  if (dayIntervals > limits.maxDayIntervals)
    throw limitProblem(422, 'maxDayIntervals', limits.maxDayIntervals, `The horizon has ${days} days × ${Math.ceil(1440 / intervalMinutes)} intervals = ${dayIntervals}; this key may send at most ${limits.maxDayIntervals}`, dayIntervals);
}

export function checkTimeLimit(seconds: number, limits: Limits): void {
  if (seconds > limits.maxTimeLimitSeconds)
    throw limitProblem(422, 'maxTimeLimitSeconds', limits.maxTimeLimitSeconds, `timeLimitSeconds ${seconds} is more than this key may ask for (${limits.maxTimeLimitSeconds})`, seconds);
}
