// Activity options derived from a run's input: create calls retry Atlas's transient failures with
// capped backoff; waiting steps are retry-as-poll (the benign NotFinished failure sets each delay).
// Every step has an overall deadline (scheduleToClose) covering all its retries and polls.
import type { ActivityOptions } from '@temporalio/workflow';
import type { PollingSpec, RetrySpec, TimeoutsSpec } from './inputs.js';

const s = (seconds: number) => `${seconds}s`;

/** Non-retryable outcomes the activities raise; listed so a mistaken retry flag cannot loop. */
export const TERMINAL_FAILURE_TYPES = ['SnapshotFailed', 'ExportFailed', 'ExportCancelled', 'RestoreFailed', 'RestoreCancelled', 'RestoreExpired'];

export function callOptions(retry: RetrySpec, timeouts: TimeoutsSpec, stepDeadlineSeconds: number): ActivityOptions {
  return {
    startToCloseTimeout: s(timeouts.callSeconds),
    scheduleToCloseTimeout: s(stepDeadlineSeconds),
    retry: {
      initialInterval: s(retry.initialIntervalSeconds),
      maximumInterval: s(retry.maximumIntervalSeconds),
      backoffCoefficient: retry.backoffCoefficient,
      nonRetryableErrorTypes: TERMINAL_FAILURE_TYPES,
    },
  };
}

export function pollOptions(polling: PollingSpec, timeouts: TimeoutsSpec, stepDeadlineSeconds: number): ActivityOptions {
  return {
    startToCloseTimeout: s(timeouts.callSeconds),
    scheduleToCloseTimeout: s(stepDeadlineSeconds),
    retry: {
      initialInterval: s(polling.initialIntervalSeconds),
      maximumInterval: s(polling.maximumIntervalSeconds),
      backoffCoefficient: polling.backoffCoefficient,
      nonRetryableErrorTypes: TERMINAL_FAILURE_TYPES,
    },
  };
}
