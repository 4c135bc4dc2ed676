// Activity options derived from a run's input. Create calls retry Atlas's transient failures with
// the `retry` backoff; waiting steps are retry-as-poll with the `polling` backoff (Temporal computes
// every poll delay; an export's completion estimate may bring one forward). Every step has an
// overall deadline (scheduleToClose) covering all its retries and polls.
import type { ActivityOptions } from '@temporalio/workflow';
import { TERMINAL_FAILURE_TYPES, type PollingSpec, type RetrySpec, type TimeoutsSpec } from '../contract/index.js';

const s = (seconds: number) => `${seconds}s`;

function stepOptions(
  backoff: RetrySpec | PollingSpec,
  timeouts: TimeoutsSpec,
  stepDeadlineSeconds: number,
): ActivityOptions {
  return {
    startToCloseTimeout: s(timeouts.callSeconds),
    scheduleToCloseTimeout: s(stepDeadlineSeconds),
    retry: {
      initialInterval: s(backoff.initialIntervalSeconds),
      maximumInterval: s(backoff.maximumIntervalSeconds),
      backoffCoefficient: backoff.backoffCoefficient,
      nonRetryableErrorTypes: [...TERMINAL_FAILURE_TYPES],
    },
  };
}

export const callOptions = (retry: RetrySpec, timeouts: TimeoutsSpec, stepDeadlineSeconds: number) =>
  stepOptions(retry, timeouts, stepDeadlineSeconds);
export const pollOptions = (polling: PollingSpec, timeouts: TimeoutsSpec, stepDeadlineSeconds: number) =>
  stepOptions(polling, timeouts, stepDeadlineSeconds);
