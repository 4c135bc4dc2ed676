// Activity options derived from a run's input. Create calls retry Atlas's transient failures with
// the `retry` backoff; waiting steps are retry-as-poll with the `polling` backoff (Temporal computes
// every poll delay; an export's completion estimate may bring one forward). Every step has an
// overall deadline (scheduleToClose) covering all its retries and polls.
// Every task carries its Atlas project as its fairness key: the activity task queue's per-key rate
// limit (set by `atlas-backup setup --project-requests-per-minute`) then paces each project's
// requests server-side, across every worker, retries and polls included.
import type { ActivityOptions } from '@temporalio/workflow';
import { TERMINAL_FAILURE_TYPES, type PollingSpec, type RetrySpec, type TimeoutsSpec } from '../contract/index.js';

const s = (seconds: number) => `${seconds}s`;

function stepOptions(
  backoff: RetrySpec | PollingSpec,
  timeouts: TimeoutsSpec,
  stepDeadlineSeconds: number,
  project: string | undefined,
): ActivityOptions {
  return {
    // Eager dispatch would hand a first attempt straight to this worker, past the server's pacing.
    ...(project ? { priority: { fairnessKey: project }, allowEagerDispatch: false } : {}),
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

/** `project`: the Atlas project (groupId) the step's requests count against. */
export const callOptions = (retry: RetrySpec, timeouts: TimeoutsSpec, stepDeadlineSeconds: number, project?: string) =>
  stepOptions(retry, timeouts, stepDeadlineSeconds, project);
export const pollOptions = (
  polling: PollingSpec,
  timeouts: TimeoutsSpec,
  stepDeadlineSeconds: number,
  project?: string,
) => stepOptions(polling, timeouts, stepDeadlineSeconds, project);
