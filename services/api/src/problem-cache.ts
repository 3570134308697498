/**
 * Expanded scenarios, kept for the next request about the same scenario: expanding is most of a check's
 * cost, and a stored schedule's scenario is checked again with every request on it. The compute workers
 * keep one each; the stored-workflow routes keep one on the main thread, filled by `load` from a compute
 * worker so that the expansion does not run on the event loop.
 */
import { createHash } from 'node:crypto';
import { evaluateScenario, type Problem } from '@flexroster/core';

const keyOf = (scenario: unknown) => createHash('sha256').update(JSON.stringify(scenario)).digest('base64');

export class ProblemCache {
  /** Insertion order is recency order: a hit moves its entry to the end. */
  private readonly entries = new Map<string, Problem>();

  /** `expand`, when given, expands off the event loop (a compute worker) for `load`. */
  constructor(
    private readonly capacity: number,
    private readonly expand?: (scenario: unknown) => Promise<Problem>,
  ) {}

  /**
   * Puts the scenario's expansion in the cache, made by `expand` off the event loop, so that the next
   * `get` of it is a hit. Never throws: an invalid scenario is left to `get`, whose caller maps its error.
   */
  async load(scenario: unknown): Promise<void> {
    if (this.capacity <= 0 || !this.expand) return;
    const key = keyOf(scenario);
    if (this.entries.has(key)) return;
    let problem: Problem;
    try {
      problem = await this.expand(scenario);
    } catch {
      return;
    }
    if (!this.entries.has(key)) this.put(key, problem);
  }

  /** The expanded problem; throws the core's `ScenarioValidationError` for an invalid scenario (never cached). */
  get(scenario: unknown): Problem {
    if (this.capacity <= 0) return evaluateScenario(scenario);
    const key = keyOf(scenario);
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const problem = evaluateScenario(scenario);
    this.put(key, problem);
    return problem;
  }

  private put(key: string, problem: Problem): void {
    this.entries.set(key, problem);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  get size(): number {
    return this.entries.size;
  }
}
