// Telling the run's own cancellation apart from a failure, in every shape Temporal delivers it.
import { ActivityFailure, CancellationScope, isCancellation } from '@temporalio/workflow';

/**
 * A cancel that arrives while an activity attempt is failing retryably ends that activity as a
 * failure with retryState CANCEL_REQUESTED, not as a cancellation: it is still the run's cancel.
 */
export const wasCancelled = (err: unknown): boolean =>
  isCancellation(err) || (err instanceof ActivityFailure && err.retryState === 'CANCEL_REQUESTED') || CancellationScope.current().consideredCancelled;
