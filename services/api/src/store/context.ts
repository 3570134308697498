/** What the stored-workflow plugins share. */
import type { ApiContext } from '../context.js';
import type { Store } from './store.js';

export interface WorkflowContext extends ApiContext {
  readonly store: Store;
  /** How long a calendar feed token works (default 90 days). */
  readonly feedTokenTtlSeconds: number;
}
