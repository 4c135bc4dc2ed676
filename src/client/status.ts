// "Where is my backup right now?" from code. Waiting happens inside retry-as-poll activities, which
// the workflow cannot see, so the live view merges the workflow's `status` query with the pending
// activity Temporal holds: its attempt, the details of its last "not finished" failure (the latest
// Atlas state and export progress) and when the next poll is due.
import type { WorkflowHandle } from '@temporalio/client';
import type { LoadedDataConverter, Payload } from '@temporalio/common';
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
export interface LiveStatus extends RunStatus, Partial<Pick<DrStatus, 'approval' | 'source' | 'target' | 'deliveryType'>> {
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
 * The first payload of a failure's details, through the client's own data converter: its codecs
 * (decryption, when payloads are encrypted), in reverse order as Temporal applies them, then its
 * payload converter.
 */
async function decodeDetails(converter: LoadedDataConverter, payloads: { payloads?: Payload[] | null } | null | undefined): Promise<Record<string, unknown> | undefined> {
  const first = payloads?.payloads?.[0];
  if (!first) return undefined;
  try {
    let decoded: Payload[] = [first];
    for (const codec of [...converter.payloadCodecs].reverse()) decoded = await codec.decode(decoded);
    const value = converter.payloadConverter.fromPayload(decoded[0]!);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export async function getRunStatus(handle: WorkflowHandle): Promise<LiveStatus> {
  const [description, status] = await Promise.all([handle.describe(), handle.query<RunStatus | DrStatus>(statusQuery.name)]);
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
    const failure = pending.lastFailure;
    const details = await decodeDetails(handle.client.options.loadedDataConverter, failure?.applicationFailureInfo?.details);
    live.pending = {
      activity: pending.activityType?.name ?? 'unknown',
      attempt: pending.attempt ?? 1,
      atlasState: typeof details?.state === 'string' ? details.state : undefined,
      exportedCollections: typeof details?.exportedCollections === 'number' ? details.exportedCollections : undefined,
      totalCollections: typeof details?.totalCollections === 'number' ? details.totalCollections : undefined,
      lastFailure: failure?.message ? { message: failure.message, type: failure.applicationFailureInfo?.type ?? undefined } : undefined,
      nextAttemptAt: isoOf(pending.nextAttemptScheduleTime as Timestamp),
      scheduledAt: isoOf(pending.scheduledTime as Timestamp),
    };
    if (live.pending.atlasState) live.lastAtlasState = live.pending.atlasState;
    if (live.pending.totalCollections !== undefined) {
      live.exportProgress = { exportedCollections: live.pending.exportedCollections ?? 0, totalCollections: live.pending.totalCollections };
    }
    live.attempts += live.pending.attempt;
    if (failure?.message && failure.applicationFailureInfo?.type !== NOT_FINISHED) {
      live.lastError = { message: failure.message, type: failure.applicationFailureInfo?.type ?? undefined, step: status.steps.at(-1)?.name };
    }
  }
  return live;
}

/** The pipeline's live status (alias kept for readers looking for the pipeline's name). */
export const getPipelineStatus = getRunStatus;
