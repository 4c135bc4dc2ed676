// "Where is my backup right now?" from code. Waiting happens inside retry-as-poll activities, which
// the workflow cannot see, so the live view merges the workflow's `status` query with the pending
// activity Temporal holds: its attempt, the details of its last "not finished" failure (the latest
// Atlas state and export progress) and when the next poll is due.
import { isGrpcDeadlineError, type WorkflowExecutionDescription, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, type ProtoFailure } from '@temporalio/common';
import proto from '@temporalio/proto';
// The SDK's own client decodes failures with this helper; it is pinned with the SDK (1.24.0).
import { decodeOptionalFailureToOptionalError } from '@temporalio/common/lib/internal-non-workflow/index.js';
import {
  AtlasCluster,
  AtlasProject,
  BackupPhase,
  NOT_FINISHED,
  statusQuery,
  type DrStatus,
  type Phase,
  type RunStatus,
} from '../contract/index.js';

const { TaskQueueKind, TaskQueueType } = proto.temporal.api.enums.v1;

/** How long `status` waits on the status query (and on describing the task queue) before answering without it. */
export const STATUS_QUERY_TIMEOUT_MS = 5_000;

export interface PendingStep {
  activity: string;
  attempt: number;
  /** The latest Atlas state seen by the waiting activity (from its last failure details). */
  atlasState?: string;
  exportedCollections?: number;
  totalCollections?: number;
  /** A collection restore job's documents so far (from the wait's last read). */
  restoredDocuments?: number;
  totalDocuments?: number;
  lastFailure?: { message: string; type?: string };
  nextAttemptAt?: string;
  scheduledAt?: string;
  /** When its last attempt ended: the moment Atlas said `atlasState` and the collection counts. */
  lastReadAt?: string;
}

/** A run's status (a DR run's has its approval, source and target too) plus what Temporal knows. */
export interface LiveStatus
  extends RunStatus, Partial<Pick<DrStatus, 'approval' | 'source' | 'target' | 'deliveryType' | 'collectionRestore'>> {
  workflowId: string;
  runId: string;
  /** Temporal's execution status: RUNNING, COMPLETED, FAILED, CANCELLED, TERMINATED, TIMED_OUT... */
  executionStatus: string;
  startTime: string;
  closeTime?: string;
  pending?: PendingStep;
  /**
   * Set when the workflow could not answer the status query (no worker polls its task queue, or none
   * answered in time): what is shown then comes from Temporal's description of the run only.
   */
  workerNotice?: string;
}

type Timestamp = { seconds?: { toNumber(): number } | number | null; nanos?: number | null } | null | undefined;

function isoOf(ts: Timestamp): string | undefined {
  if (!ts?.seconds) return undefined;
  const seconds = typeof ts.seconds === 'number' ? ts.seconds : ts.seconds.toNumber();
  return new Date(seconds * 1000 + Math.floor((ts.nanos ?? 0) / 1e6)).toISOString();
}

/**
 * The pending activity's last failure as the worker raised it, through the client's own data
 * converter: decrypted (payload codec) and with its message restored (an encrypted run's failure
 * converter moves messages into an encoded payload).
 */
async function lastFailureOf(
  handle: WorkflowHandle,
  failure: ProtoFailure | null | undefined,
): Promise<{ message: string; type?: string; details?: Record<string, unknown> } | undefined> {
  const err = await decodeOptionalFailureToOptionalError(handle.client.options.loadedDataConverter, failure).catch(
    () => undefined,
  );
  if (!err) return undefined;
  const app = err instanceof ApplicationFailure ? err : undefined;
  const first = app?.details?.[0];
  return {
    message: err.message,
    type: app?.type ?? undefined,
    details: first && typeof first === 'object' ? (first as Record<string, unknown>) : undefined,
  };
}

/**
 * How many workers poll the run's workflow task queue (Temporal lists pollers seen in the last few
 * minutes); undefined when the server would not say (then the query is tried, with its deadline).
 */
export async function workflowPollers(handle: WorkflowHandle, taskQueue: string): Promise<number | undefined> {
  const { client } = handle;
  const request = {
    namespace: client.options.namespace,
    taskQueue: { name: taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
    taskQueueType: TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
  };
  const described = await client.connection
    .withDeadline(Date.now() + STATUS_QUERY_TIMEOUT_MS, () => client.workflowService.describeTaskQueue(request))
    .catch(() => undefined);
  return described ? (described.pollers?.length ?? 0) : undefined;
}

/**
 * What the run's description alone says, no timeline: the phase its BackupPhase search attribute holds
 * (or the one given, for a closed run without a result of ours), project and cluster.
 */
export function describedStatus(d: WorkflowExecutionDescription, phase?: Phase): RunStatus {
  const sa = d.typedSearchAttributes;
  return {
    kind: d.type === 'disasterRecovery' ? 'disasterRecovery' : 'backupPipeline',
    phase: phase ?? ((sa.get(BackupPhase) ?? 'starting') as Phase),
    groupId: sa.get(AtlasProject) ?? '',
    clusterName: sa.get(AtlasCluster) ?? '',
    ids: {},
    steps: [],
    attempts: 0,
    notes: [],
  };
}

/**
 * The status query, unless no worker could answer it: a query waits for a worker, so with none polling
 * the run's task queue it would hang until its deadline. Then (or when the query times out) the status
 * comes from describe() with a notice saying why.
 */
async function queriedStatus(
  handle: WorkflowHandle,
  d: WorkflowExecutionDescription,
): Promise<{ status: RunStatus | DrStatus; workerNotice?: string }> {
  if (d.status.name !== 'RUNNING') return { status: await handle.query<RunStatus | DrStatus>(statusQuery.name) };
  const queue = d.taskQueue;
  const start = `start one with: atlas-backup worker --task-queue ${queue}`;
  if ((await workflowPollers(handle, queue)) === 0) {
    return { status: describedStatus(d), workerNotice: `no worker is polling task queue ${queue}: ${start}` };
  }
  try {
    const status = await handle.client.connection.withDeadline(Date.now() + STATUS_QUERY_TIMEOUT_MS, () =>
      handle.query<RunStatus | DrStatus>(statusQuery.name),
    );
    return { status };
  } catch (err) {
    if (!isGrpcDeadlineError(err)) throw err;
    const waited = `${STATUS_QUERY_TIMEOUT_MS / 1000} s`;
    return {
      status: describedStatus(d),
      workerNotice: `no worker on task queue ${queue} answered the status query within ${waited} (busy or stuck?)`,
    };
  }
}

/** `description`: pass the one you already have, to save a round trip. */
export async function getRunStatus(
  handle: WorkflowHandle,
  description?: WorkflowExecutionDescription,
): Promise<LiveStatus> {
  description ??= await handle.describe();
  const { status, workerNotice } = await queriedStatus(handle, description);
  const live: LiveStatus = {
    ...status,
    workflowId: description.workflowId,
    runId: description.runId,
    executionStatus: description.status.name,
    startTime: description.startTime.toISOString(),
    closeTime: description.closeTime?.toISOString(),
    workerNotice,
  };
  const pending = description.raw.pendingActivities?.[0];
  if (pending) {
    const failure = await lastFailureOf(handle, pending.lastFailure);
    const details = failure?.details;
    live.pending = {
      activity: pending.activityType?.name ?? 'unknown',
      attempt: pending.attempt ?? 1,
      atlasState: typeof details?.state === 'string' ? details.state : undefined,
      exportedCollections: typeof details?.exportedCollections === 'number' ? details.exportedCollections : undefined,
      totalCollections: typeof details?.totalCollections === 'number' ? details.totalCollections : undefined,
      restoredDocuments: typeof details?.restoredDocuments === 'number' ? details.restoredDocuments : undefined,
      totalDocuments: typeof details?.totalDocuments === 'number' ? details.totalDocuments : undefined,
      lastFailure: failure ? { message: failure.message, type: failure.type } : undefined,
      nextAttemptAt: isoOf(pending.nextAttemptScheduleTime as Timestamp),
      scheduledAt: isoOf(pending.scheduledTime as Timestamp),
      lastReadAt: isoOf(pending.lastAttemptCompleteTime as Timestamp),
    };
    if (live.pending.atlasState) live.lastAtlasState = live.pending.atlasState;
    if (live.pending.totalCollections !== undefined) {
      live.exportProgress = {
        exportedCollections: live.pending.exportedCollections ?? 0,
        totalCollections: live.pending.totalCollections,
      };
    }
    const { restoredDocuments, totalDocuments } = live.pending;
    if (live.collectionRestore && totalDocuments !== undefined)
      live.collectionRestore = { ...live.collectionRestore, restoredDocuments: restoredDocuments ?? 0, totalDocuments };
    live.attempts += live.pending.attempt;
    if (failure && failure.type !== NOT_FINISHED) {
      live.lastError = { message: failure.message, type: failure.type, step: status.steps.at(-1)?.name };
    }
  }
  return live;
}

/** The pipeline's live status (alias kept for readers looking for the pipeline's name). */
export const getPipelineStatus = getRunStatus;
