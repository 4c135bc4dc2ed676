// Activity options derived from a run's input. Create calls retry Atlas's transient failures with
// the `retry` backoff; waiting steps are retry-as-poll with the `polling` backoff (Temporal computes
// every poll delay; an export's completion estimate may bring one forward). Every step has an
// overall deadline (scheduleToClose) covering all its retries and polls.
// Every task carries its Atlas project × endpoint set as its fairness key (contract/pacing.ts): the
// activity task queue's per-key rate limits (learned from Atlas by the workers, or the operator's
// `setup --project-requests-per-minute`) then pace each project's buckets server-side, across every
// worker, retries and polls included.
import { proxyActivities, type ActivityInterfaceFor, type ActivityOptions } from '@temporalio/workflow';
import {
  endpointSetOfActivity,
  fairnessKeyOf,
  TERMINAL_FAILURE_TYPES,
  type EndpointSetId,
  type PollingSpec,
  type RetrySpec,
  type TimeoutsSpec,
} from '../contract/index.js';

export { fairnessKeyOf } from '../contract/index.js';

const s = (seconds: number) => `${seconds}s`;

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

/**
 * proxyActivities whose every activity carries the fairness key of `project` × the endpoint set it
 * draws on (endpointSetOfActivity), rather than one key for all: each bucket is paced apart.
 */
export function pacedActivities<A extends object>(options: ActivityOptions, project?: string): ActivityInterfaceFor<A> {
  if (!project) return proxyActivities<A>(options);
  const bySet = new Map<EndpointSetId, ActivityInterfaceFor<A>>();
  const proxyFor = (set: EndpointSetId) => {
    let proxy = bySet.get(set);
    if (!proxy) {
      proxy = proxyActivities<A>({
        ...options,
        priority: { ...options.priority, fairnessKey: fairnessKeyOf(project, set) },
      });
      bySet.set(set, proxy);
    }
    return proxy;
  };
  return new Proxy({} as ActivityInterfaceFor<A>, {
    get: (_, name) =>
      typeof name === 'string' ? (proxyFor(endpointSetOfActivity(name)) as Record<string, unknown>)[name] : undefined,
  });
}
