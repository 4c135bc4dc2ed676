// The activity task queue's pacing config on the Temporal server: each Atlas activity carries its
// project × endpoint set as its fairness key (contract/pacing.ts), and the queue's default
// per-fairness-key rate limit (scaled per key by weight overrides) makes the server hand out at most
// that many of a key's activity tasks per second, whichever worker polls, retries and polls
// included. Workers set it from what Atlas says (bucket-pace.ts); the operator's figure, set here by
// `setup --project-requests-per-minute`, overrides it: it is marked as the operator's, and workers
// leave a queue so marked alone. It is the call `temporal task-queue config set
// --fairness-key-rps-limit-default` makes.
//
// The server paces activity TASKS, not HTTP requests. An attempt usually makes one Atlas request;
// a few make two (a create that first looks for what an earlier attempt may have made, the
// pre-flight's restore-job list beside the project-wide reads it shares), so the task rate is the
// request budget divided by REQUESTS_PER_TASK and kept under the budget by HEADROOM: the server's
// limiter starts with a small burst, and Atlas counts a sliding minute. Whatever still slips over
// is answered 429 and retried after Retry-After plus jitter (src/activities/failures.ts).
import { isGrpcServiceError, type ConnectionLike } from '@temporalio/client';
import proto from '@temporalio/proto';

const { TaskQueueType } = proto.temporal.api.enums.v1;

/**
 * Atlas requests of the project per activity attempt, averaged over a pipeline, with a little to
 * spare: most attempts make one request (bench/pace.ts prints the measured value as requestsPerAttempt).
 */
export const REQUESTS_PER_TASK = 1.05;
/**
 * The share of the operator's budget the task rate aims at: a little below the budget, so the server
 * limiter's burst rarely pushes a request into a 429 (figures: bench/README.md, Pace).
 */
export const HEADROOM = 0.9;

/** The start of the reason the operator's pace is written with; workers leave such a queue alone. */
export const OPERATOR_MARK = 'atlas-backup operator:';
/** The start of the reason workers write the learned default with. */
export const LEARNED_MARK = 'atlas-backup learned:';

/** The env variable `setup` reads when --project-requests-per-minute is not given. */
export const PROJECT_RPM_ENV = 'ATLAS_PROJECT_REQUESTS_PER_MINUTE';

/** Activity tasks per second for `requests` Atlas requests per `periodSeconds`, `share` of it used. */
export function tasksPerSecondOf(requests: number, periodSeconds: number, share: number): number {
  return (requests / periodSeconds / REQUESTS_PER_TASK) * share;
}

/** Activity tasks per second per project for a budget of `requestsPerMinute` Atlas requests. */
export function fairnessKeyTasksPerSecond(requestsPerMinute: number, windowSeconds = 60): number {
  return tasksPerSecondOf(requestsPerMinute, windowSeconds, HEADROOM);
}

/** Reads a requests-per-minute budget; 0 removes the limit. */
export function parseRequestsPerMinute(raw: string, source: string): number {
  const n = Number(raw.trim());
  if (raw.trim() === '' || !Number.isFinite(n) || n < 0) {
    throw new Error(`${source}: '${raw}' is not a number of requests per minute; give e.g. 100 (0 removes the limit)`);
  }
  return n;
}

export interface PaceReport {
  taskQueue: string;
  /** The per-project budget asked for; 0 when the limit was removed. */
  requestsPerMinute: number;
  /** What the server now enforces per fairness key (project), in activity tasks per second. */
  tasksPerSecond?: number;
}

/**
 * Sets (or, with 0, removes) the per-project pace on `taskQueue`'s activity queue. `windowSeconds`
 * is for benches that scale time (a budget per 6 s instead of per minute); users keep 60.
 */
export async function setProjectPace(
  connection: ConnectionLike,
  namespace: string,
  taskQueue: string,
  requestsPerMinute: number,
  windowSeconds = 60,
): Promise<PaceReport> {
  const tasksPerSecond = requestsPerMinute > 0 ? fairnessKeyTasksPerSecond(requestsPerMinute, windowSeconds) : 0;
  // The operator's figure holds for every key alike: the learned weights go.
  const { weights } = await readPaceConfig(connection, namespace, taskQueue);
  await writePaceConfig(connection, namespace, taskQueue, {
    defaultRate: tasksPerSecond,
    reason:
      tasksPerSecond > 0
        ? `${OPERATOR_MARK} ${requestsPerMinute} Atlas requests per ${windowSeconds} s per project and endpoint set`
        : 'atlas-backup: operator budget removed; workers pace by what Atlas says',
    unset: Object.keys(weights),
  });
  return { taskQueue, requestsPerMinute, ...(tasksPerSecond > 0 ? { tasksPerSecond } : {}) };
}

/** What the server holds for the activity queue's pacing. */
export interface PaceConfig {
  /** Tasks per second per fairness key (undefined: none). */
  defaultRate?: number;
  reason: string;
  /** Weight overrides by fairness key. */
  weights: Record<string, number>;
}

export async function readPaceConfig(connection: ConnectionLike, namespace: string, taskQueue: string) {
  const r = await connection.workflowService
    .describeTaskQueue({
      namespace,
      taskQueue: { name: taskQueue },
      taskQueueType: TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
      reportConfig: true,
    })
    .catch(unimplemented);
  const d = r.config?.fairnessKeysRateLimitDefault;
  const rate = d?.rateLimit?.requestsPerSecond;
  return {
    ...(rate ? { defaultRate: rate } : {}),
    reason: d?.metadata?.reason ?? '',
    weights: { ...(r.config?.fairnessWeightOverrides ?? {}) },
  } satisfies PaceConfig as PaceConfig;
}

/** The operator's figure is in force. */
export const isOperatorPace = (c: PaceConfig) => c.defaultRate !== undefined && c.reason.startsWith(OPERATOR_MARK);

/**
 * Writes the default per-key rate (0: none) and weight overrides. Weights merge on the server (keys
 * not named keep theirs), so workers writing at once never undo each other.
 */
export async function writePaceConfig(
  connection: ConnectionLike,
  namespace: string,
  taskQueue: string,
  change: { defaultRate?: number; reason?: string; set?: Record<string, number>; unset?: string[] },
): Promise<void> {
  const { defaultRate, reason, set = {}, unset = [] } = change;
  if (defaultRate === undefined && Object.keys(set).length === 0 && unset.length === 0) return;
  await connection.workflowService
    .updateTaskQueueConfig({
      namespace,
      identity: 'atlas-backup',
      taskQueue,
      taskQueueType: TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
      // A missing rateLimit removes the limit.
      ...(defaultRate !== undefined
        ? {
            updateFairnessKeyRateLimitDefault: {
              rateLimit: defaultRate > 0 ? { requestsPerSecond: defaultRate } : undefined,
              reason: reason ?? '',
            },
          }
        : {}),
      ...(Object.keys(set).length ? { setFairnessWeightOverrides: set } : {}),
      ...(unset.length ? { unsetFairnessWeightOverrides: unset } : {}),
    })
    .catch(unimplemented);
}

const unimplemented = (err: unknown): never => {
  throw isGrpcServiceError(err) && err.code === GRPC_UNIMPLEMENTED ? unsupported(err) : err;
};

/** gRPC's status for a method the server does not have. */
const GRPC_UNIMPLEMENTED = 12;

const unsupported = (cause: unknown) =>
  new Error(
    'the Temporal server does not implement task queue rate limits (UpdateTaskQueueConfig), so it cannot ' +
      'pace each project: use a server with task queue fairness (tested: Server 1.32, the dev server of ' +
      'Temporal CLI 1.9), or leave the per-project budget out (runs then go unpaced; 429s are still retried)',
    { cause },
  );

/** The per-key limit the server holds for `taskQueue`'s activities, tasks per second (undefined: none). */
export async function projectPaceOf(
  connection: ConnectionLike,
  namespace: string,
  taskQueue: string,
): Promise<number | undefined> {
  return (await readPaceConfig(connection, namespace, taskQueue)).defaultRate;
}
