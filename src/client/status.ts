// "Where is my backup right now?" from code. Waiting happens inside retry-as-poll activities, which
// the workflow cannot see, so the live view merges the workflow's `status` query with the pending
// activity Temporal holds: its attempt, the details of its last "not finished" failure (the latest
// Atlas state and export progress) and when the next poll is due.
import type { WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, type ProtoFailure } from '@temporalio/common';
// The SDK's own client decodes failures with this helper; it is pinned with the SDK (1.24.0).
import { decodeOptionalFailureToOptionalError } from '@temporalio/common/lib/internal-non-workflow/index.js';
import { NOT_FINISHED, statusQuery, type DrStatus, type RunStatus } from '../contract/index.js';

export interface PendingStep {
  activity: string;
  attempt: number;
  /** The latest Atlas state seen by the waiting activity (from its last failure details). */
  atlasState?: string;
  exportedCollections?: number;
  totalCollections?: number;
  lastFailure?: { message: string; type?: string };
  nextAttemptAt?: string;
  scheduledAt?: string;
}

/** A run's status (a DR run's has its approval, source and target too) plus what Temporal knows. */
export interface LiveStatus
  extends RunStatus, Partial<Pick<DrStatus, 'approval' | 'source' | 'target' | 'deliveryType'>> {
  workflowId: string;
  runId: string;
  /** Temporal's execution status: RUNNING, COMPLETED, FAILED, CANCELLED, TERMINATED, TIMED_OUT... */
  executionStatus: string;
  startTime: string;
  closeTime?: string;
  pending?: PendingStep;
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

export async function getRunStatus(handle: WorkflowHandle): Promise<LiveStatus> {
  const [description, status] = await Promise.all([
    handle.describe(),
    handle.query<RunStatus | DrStatus>(statusQuery.name),
  ]);
  const live: LiveStatus = {
    ...status,
    workflowId: description.workflowId,
    runId: description.runId,
    executionStatus: description.status.name,
    startTime: description.startTime.toISOString(),
    closeTime: description.closeTime?.toISOString(),
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
      lastFailure: failure ? { message: failure.message, type: failure.type } : undefined,
      nextAttemptAt: isoOf(pending.nextAttemptScheduleTime as Timestamp),
      scheduledAt: isoOf(pending.scheduledTime as Timestamp),
    };
    if (live.pending.atlasState) live.lastAtlasState = live.pending.atlasState;
    if (live.pending.totalCollections !== undefined) {
      live.exportProgress = {
        exportedCollections: live.pending.exportedCollections ?? 0,
        totalCollections: live.pending.totalCollections,
      };
    }
    live.attempts += live.pending.attempt;
    if (failure && failure.type !== NOT_FINISHED) {
      live.lastError = { message: failure.message, type: failure.type, step: status.steps.at(-1)?.name };
    }
  }
  return live;
}

/** The pipeline's live status (alias kept for readers looking for the pipeline's name). */
export const getPipelineStatus = getRunStatus;
