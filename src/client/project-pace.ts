// A per-project Atlas request budget that holds across every worker: each Atlas activity carries
// its project (groupId) as its Temporal fairness key (src/workflows/activity-options.ts), and the
// activity task queue's default per-fairness-key rate limit, set here, makes the Temporal server
// hand out at most that many of a project's activity tasks per second, whichever worker polls,
// retries and polls included. It is the call `temporal task-queue config set
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
 * The share of the budget the task rate aims at: a little below the budget, so the server limiter's
 * burst and the project's other clients (Atlas counts them too) rarely push a request into a 429.
 * More headroom trades wall time for fewer 429s, less the other way (figures: bench/README.md, Pace).
 */
export const HEADROOM = 0.9;

/** The env variable `setup` reads when --project-requests-per-minute is not given. */
export const PROJECT_RPM_ENV = 'ATLAS_PROJECT_REQUESTS_PER_MINUTE';

/** Activity tasks per second per project for a budget of `requestsPerMinute` Atlas requests. */
export function fairnessKeyTasksPerSecond(requestsPerMinute: number, windowSeconds = 60): number {
  return (requestsPerMinute / windowSeconds / REQUESTS_PER_TASK) * HEADROOM;
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
  await connection.workflowService
    .updateTaskQueueConfig({
      namespace,
      identity: 'atlas-backup setup',
      taskQueue,
      taskQueueType: TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
      // A missing rateLimit removes the limit.
      updateFairnessKeyRateLimitDefault: {
        rateLimit: tasksPerSecond > 0 ? { requestsPerSecond: tasksPerSecond } : undefined,
        reason: `atlas-backup: ${requestsPerMinute} Atlas requests per ${windowSeconds} s per project`,
      },
    })
    .catch((err: unknown) => {
      throw isGrpcServiceError(err) && err.code === GRPC_UNIMPLEMENTED ? unsupported(err) : err;
    });
  return { taskQueue, requestsPerMinute, ...(tasksPerSecond > 0 ? { tasksPerSecond } : {}) };
}

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
  const r = await connection.workflowService.describeTaskQueue({
    namespace,
    taskQueue: { name: taskQueue },
    taskQueueType: TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
    reportConfig: true,
  });
  return r.config?.fairnessKeysRateLimitDefault?.rateLimit?.requestsPerSecond ?? undefined;
}
