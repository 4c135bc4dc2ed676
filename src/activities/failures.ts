// Turns Atlas outcomes into Temporal outcomes. This is the single place that decides what a
// failed Atlas call means for the workflow: retry it (409, 429, 5xx, network, and the 400
// UNFINISHED_ON_DEMAND_SNAPSHOT), stop (other 4xx), or "not finished yet" (retry-as-poll).
import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import { AtlasApiError } from '../atlas/index.js';
import { NOT_FINISHED } from './types.js';

export interface CallContext {
  operation: string;
  groupId: string;
  clusterName?: string;
}

/**
 * 409s that waiting will not fix: the snapshot is gone or unusable, or there is no oplog
 * checkpoint for that point in time. Retrying them would only run the step to its deadline.
 */
export const PERMANENT_CONFLICTS = new Set([
  'NO_CHECKPOINT_FOR_PIT_RESTORE',
  'CANNOT_START_RESTORE_JOB_FOR_DELETED_SNAPSHOT',
  'CANNOT_START_RESTORE_JOB_FOR_INCOMPLETE_CLUSTER_SNAPSHOT',
  'RESTORE_INITIATION_FAILED',
]);

/** What an operator can do about a non-retryable Atlas error. */
const ADVICE: Record<string, string> = {
  CLUSTER_NOT_FOUND: 'Check the cluster name and project id, and that the credentials can see that project.',
  RESOURCE_NOT_FOUND: 'Check the project id and cluster name, and that the credentials can see that project.',
  GROUP_NOT_FOUND: 'Check the project id (groupId) and that the credentials belong to its organization.',
  SNAPSHOT_NOT_FOUND: 'The snapshot no longer exists (expired or deleted); pick another snapshot.',
  EXPORT_BUCKET_NOT_FOUND: 'Create the export bucket in this project first, or pass the id of an existing one.',
  RESTORE_JOB_NOT_FOUND: 'The restore job no longer exists; check it in the Atlas UI.',
  CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API: 'This is a flex cluster: use the flex source kind.',
  CANNOT_USE_NON_FLEX_CLUSTER_IN_FLEX_API: 'This is not a flex cluster: use the dedicated or serverless source kind.',
  CLUSTER_PAUSED_CANNOT_RESTORE: 'Resume the target cluster, then run again.',
  INVALID_PIT_RESTORE_TIME: 'Pick a point in time inside the cluster’s continuous-backup window.',
  PIT_RESTORE_ONLY_SUPPORTED_FOR_REPLICA_SETS: 'Point-in-time restore needs a replica-set source; restore a snapshot instead.',
  CANNOT_RESTORE_TO_TARGET: 'The target cannot receive this restore (version, tier or project permissions); pick another target.',
  UNSUPPORTED_DELIVERY_METHOD: 'Use a delivery type this cluster supports (automated or download).',
  VALIDATION_ERROR: 'Fix the request field Atlas names in the detail.',
  NO_CHECKPOINT_FOR_PIT_RESTORE: 'Pick a later point in time (after a completed snapshot), or restore a snapshot instead.',
  CANNOT_START_RESTORE_JOB_FOR_DELETED_SNAPSHOT: 'The snapshot was deleted; pick another snapshot.',
  CANNOT_START_RESTORE_JOB_FOR_INCOMPLETE_CLUSTER_SNAPSHOT: 'The snapshot is not complete; wait for it or pick a completed one.',
  RESTORE_INITIATION_FAILED: 'Atlas could not start the restore; check the target cluster in Atlas, then run again.',
};

function adviceFor(err: AtlasApiError): string {
  if (ADVICE[err.errorCode]) return ADVICE[err.errorCode]!;
  switch (err.httpStatus) {
    case 401:
      return 'Check the Atlas credentials in the worker environment (MONGODB_ATLAS_CLIENT_ID/SECRET or MONGODB_ATLAS_PUBLIC_KEY/PRIVATE_KEY).';
    case 403:
      return 'Grant the service account or API key the Project Backup Manager role (export buckets need Project Owner) on this project.';
    case 404:
      return 'Check that the project, cluster and ids exist and are visible to these credentials.';
    default:
      return 'Fix the input named above and start a new run.';
  }
}

function where(ctx: CallContext): string {
  return ctx.clusterName ? `cluster '${ctx.clusterName}' in project ${ctx.groupId}` : `project ${ctx.groupId}`;
}

/** Maps any error thrown by an Atlas call to the failure Temporal should see. */
export function toActivityFailure(err: unknown, ctx: CallContext): Error {
  if (err instanceof ApplicationFailure) return err;
  if (!(err instanceof AtlasApiError)) {
    // Our own bug or an unexpected runtime error: let Temporal retry it under the step deadline.
    return err instanceof Error ? err : new Error(String(err));
  }
  const status = err.httpStatus ? `HTTP ${err.httpStatus} ` : '';
  const detail = err.detail?.trim().replace(/\.+$/, '');
  const base = `${ctx.operation} for ${where(ctx)}: Atlas ${status}${err.errorCode}${detail ? ` — ${detail}` : ''}`;
  const details = [err.toJSON()];
  if (err.retryable && !PERMANENT_CONFLICTS.has(err.errorCode)) {
    return ApplicationFailure.create({
      message: `${base} (will retry)`,
      type: err.errorCode || (err.httpStatus ? `HTTP_${err.httpStatus}` : 'NETWORK_ERROR'),
      nonRetryable: false,
      details,
      // Atlas said when to come back: honour it instead of the policy's backoff.
      nextRetryDelay: err.retryAfterSeconds !== undefined ? `${Math.max(err.retryAfterSeconds, 0.1)}s` : undefined,
    });
  }
  return ApplicationFailure.create({
    message: `${base}. ${adviceFor(err)}`,
    type: err.errorCode || `HTTP_${err.httpStatus ?? 'ERROR'}`,
    nonRetryable: true,
    details,
  });
}

/** Runs one Atlas call and translates its failure. */
export async function atlasCall<T>(ctx: CallContext, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toActivityFailure(err, ctx);
  }
}

/**
 * "Not finished yet": a benign, retryable failure. The activity's retry policy is the poll loop, so
 * waiting adds no workflow history per poll; `details` carry the latest Atlas state for status views.
 */
export function notFinished(message: string, delayMs: number, details: Record<string, unknown>): ApplicationFailure {
  return ApplicationFailure.create({
    message,
    type: NOT_FINISHED,
    nonRetryable: false,
    details: [details],
    nextRetryDelay: Math.max(1, Math.round(delayMs)),
    category: ApplicationFailureCategory.BENIGN,
  });
}

/** A terminal Atlas state (snapshot failed, export Failed, restore cancelled...): stop the step. */
export function terminalFailure(type: string, message: string, details: Record<string, unknown>): ApplicationFailure {
  return ApplicationFailure.create({ message, type, nonRetryable: true, details: [details] });
}
