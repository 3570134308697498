/**
 * What a solve tells as it goes, beside the incumbent and bound of `onProgress`: one event per step it ends,
 * with the step's figures in words. For logs and for seeing where a solve's time went; the result's
 * `reason` and `stats` remain the summary.
 */
export type SolveStep =
  | 'relaxation'
  | 'class-lp'
  | 'repair'
  | 'local-repair'
  | 'window'
  | 'restricted-mip'
  | 'price-and-fix'
  | 'agent-plan'
  | 'chunk'
  | 'follow-plan'
  | 'rounding';

export interface SolveEvent {
  readonly step: SolveStep;
  readonly message: string;
  /** Seconds since the decomposition started. */
  readonly elapsedSeconds: number;
}
