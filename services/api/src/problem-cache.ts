/**
 * Expanded scenarios, kept for the next request about the same scenario. A swap-approval screen sends
 * the same scenario with every check; expanding it is most of a check's cost (about 12 ms of 20 for a
 * 40-agent week), and an expanded problem is only read by the evaluate and swap paths.
 */
import { createHash } from 'node:crypto';
import { evaluateScenario, type Problem } from '@flexroster/core';

export class ProblemCache {
  /** Insertion order is recency order: a hit moves its entry to the end. */
  private readonly entries = new Map<string, Problem>();

  constructor(private readonly capacity: number) {}

  /** The expanded problem; throws the core's `ScenarioValidationError` for an invalid scenario (never cached). */
  get(scenario: unknown): Problem {
    if (this.capacity <= 0) return evaluateScenario(scenario);
    const key = createHash('sha256').update(JSON.stringify(scenario)).digest('base64');
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const problem = evaluateScenario(scenario);
    this.entries.set(key, problem);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return problem;
  }

  get size(): number {
    return this.entries.size;
  }
}
