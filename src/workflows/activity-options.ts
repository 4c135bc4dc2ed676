// Activity options derived from a run's input. Create calls retry Atlas's transient failures with
// the `retry` backoff; waiting steps are retry-as-poll with the `polling` backoff (Temporal computes
// every poll delay; an export's completion estimate may bring one forward). Every step has an
// overall deadline (scheduleToClose) covering all its retries and polls.
// Every task carries its Atlas project as its fairness key: the activity task queue's per-key rate
// limit (set by `atlas-backup setup --project-requests-per-minute`) then paces each project's
// requests server-side, across every worker, retries and polls included. The key is a hash of the
// project id: keys are plain task metadata, out of reach of the payload codec, and with encrypted
// payloads the history must not show project ids.
import { ActivityCancellationType, proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import {
  TERMINAL_FAILURE_TYPES,
  type Activities,
  type PollingSpec,
  type RetrySpec,
  type TimeoutsSpec,
} from '../contract/index.js';

const s = (seconds: number) => `${seconds}s`;

/**
 * The fairness key of a project's activities: `p-` and a 53-bit hash (cyrb53) of its groupId, in
 * hex. Stable and deterministic, so every worker and run agrees; distinct projects collide with
 * negligible odds. Operators compute it the same way for per-key weights.
 */
export function fairnessKeyOf(groupId: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < groupId.length; i++) {
    const ch = groupId.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return `p-${(4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16)}`;
}

function stepOptions(
  backoff: RetrySpec | PollingSpec,
  timeouts: TimeoutsSpec,
  stepDeadlineSeconds: number,
  project: string | undefined,
): ActivityOptions {
  return {
    // Eager dispatch would hand a first attempt straight to this worker, past the server's pacing.
    ...(project ? { priority: { fairnessKey: fairnessKeyOf(project) }, allowEagerDispatch: false } : {}),
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

/**
 * Data verification: one attempt makes a user, waits for its login and reads every namespace, so
 * it may run far longer than a call; its heartbeats show it alive. Same retries and deadline as calls.
 */
export const verifyOptions = (
  retry: RetrySpec,
  timeouts: TimeoutsSpec,
  stepDeadlineSeconds: number,
  project?: string,
): ActivityOptions => ({
  ...stepOptions(retry, timeouts, stepDeadlineSeconds, project),
  startToCloseTimeout: s(Math.max(timeouts.callSeconds, 1_800)),
  heartbeatTimeout: s(Math.max(timeouts.callSeconds, 60)),
});

type Acts = ReturnType<typeof proxyActivities<Activities>>;

/**
 * The activities of a run built around the restore step (DR, restore tests), paced as `project`'s
 * requests: `select` for reads before the restore (deadline callSeconds ×10, at least 600 s), and
 * the step's calls, polls, starts and verifies bounded by timeouts.restoreSeconds.
 */
export function restoreRunActs(
  i: { retry: RetrySpec; polling: PollingSpec; timeouts: TimeoutsSpec },
  project: string,
): { select: Acts; calls: Acts; polls: Acts; starts: Acts; verifies: Acts } {
  const { retry, polling, timeouts } = i;
  const restoreCalls = callOptions(retry, timeouts, timeouts.restoreSeconds, project);
  return {
    select: proxyActivities<Activities>(callOptions(retry, timeouts, selectDeadlineSeconds(timeouts), project)),
    calls: proxyActivities<Activities>(restoreCalls),
    polls: proxyActivities<Activities>(pollOptions(polling, timeouts, timeouts.restoreSeconds, project)),
    verifies: proxyActivities<Activities>(verifyOptions(retry, timeouts, timeouts.restoreSeconds, project)),
    // Waiting for a cancelled create attempt to end means its job (if any) is in Atlas's list afterwards.
    starts: proxyActivities<Activities>({
      ...restoreCalls,
      cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    }),
  };
}

/** The deadline of the reads before a restore (snapshot lists can be long). */
export const selectDeadlineSeconds = (timeouts: TimeoutsSpec) => Math.max(timeouts.callSeconds * 10, 600);
