// Activity options derived from a run's input. Create calls retry Atlas's transient failures with
// the `retry` backoff; waiting steps are retry-as-poll with the `polling` backoff (Temporal computes
// every poll delay; an export's completion estimate may bring one forward). Every step has an
// overall deadline (scheduleToClose) covering all its retries and polls.
// Every task carries its Atlas project × endpoint set as its fairness key (contract/pacing.ts): the
// activity task queue's per-key rate limits (learned from Atlas by the workers, or the operator's
// `setup --project-requests-per-minute`) then pace each project's buckets server-side, across every
// worker, retries and polls included.
import {
  ActivityCancellationType,
  proxyActivities,
  proxySinks,
  workflowInfo,
  type ActivityInterfaceFor,
  type ActivityOptions,
} from '@temporalio/workflow';
import {
  endpointSetOfActivity,
  fairnessKeyOf,
  TERMINAL_FAILURE_TYPES,
  type Activities,
  type EndpointSetId,
  type PacingSinks,
  type PollingSpec,
  type RetrySpec,
  type TimeoutsSpec,
} from '../contract/index.js';

export { fairnessKeyOf } from '../contract/index.js';

const s = (seconds: number) => `${seconds}s`;

const { atlasPacing } = proxySinks<PacingSinks>();
/** Projects announced per run (keyed by its info object): a run builds many option sets at once. */
const announced = new WeakMap<object, Set<string>>();

/**
 * Tells the worker that paced activities of `project` are about to be scheduled: it learns the
 * project's buckets before this workflow task completes, so their first tasks are paced by them. A
 * sink call, so nothing is recorded, and none is made in replay (those tasks were scheduled long ago).
 */
function announce(project: string): void {
  const info = workflowInfo();
  if (info.unsafe.isReplaying) return;
  const seen = announced.get(info) ?? new Set<string>();
  if (seen.has(project)) return;
  announced.set(info, seen.add(project));
  atlasPacing.project(project);
}

function stepOptions(
  backoff: RetrySpec | PollingSpec,
  timeouts: TimeoutsSpec,
  stepDeadlineSeconds: number,
  project: string | undefined,
): ActivityOptions {
  if (project) announce(project);
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

/** The activities as a workflow calls them, under one set of options. */
export type Acts = ActivityInterfaceFor<Activities>;

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
    // Reads of the clusters themselves draw on the project's Clusters bucket, paced apart.
    select: pacedActivities<Activities>(
      callOptions(retry, timeouts, selectDeadlineSeconds(timeouts), project),
      project,
    ),
    calls: pacedActivities<Activities>(restoreCalls, project),
    polls: pacedActivities<Activities>(pollOptions(polling, timeouts, timeouts.restoreSeconds, project), project),
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
