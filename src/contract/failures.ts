// The one table that answers "retry, stop, or not finished yet?" for every failure a run can meet:
// Atlas error codes and HTTP statuses (read by the Atlas client's AtlasApiError.retryable and by the
// activities), and the failure types our activities raise (read by the workflows' retry policies).

/** The benign "Atlas job not finished yet" failure of retry-as-poll activities. */
export const NOT_FINISHED = 'NotFinished';

/**
 * Failure types our activities raise that no retry can fix: a terminal Atlas state, a missing or
 * unusable snapshot, a bad input. Listed in every retry policy so a mistaken flag cannot loop.
 */
export const TERMINAL_FAILURE_TYPES = [
  'SnapshotFailed',
  'ExportFailed',
  'ExportCancelled',
  'RestoreFailed',
  'RestoreCancelled',
  'RestoreExpired',
  'SnapshotNotCompleted',
  'NoCompletedSnapshot',
  'InvalidInput',
  'NoWorkflowContext',
  // Restored data that did not verify: the data is what it is, a retry reads the same.
  'VerificationFailed',
] as const;
export type TerminalFailureType = (typeof TERMINAL_FAILURE_TYPES)[number];

/** The workflows whose runs can stop on an Atlas error (their registered workflow types). */
export type AdviceWorkflowType = 'backupPipeline' | 'disasterRecovery';

/** A serverless source whose name is neither a flex cluster nor served by the retired serverless endpoints. */
export const SERVERLESS_GONE =
  'Atlas retired the serverless backup API on 2026-01-22; this instance is now a flex or dedicated cluster: ' +
  'run with --source-kind flex (or dedicated).';

/** Atlas error codes (and the client's own) whose retry does not follow their HTTP status. */
export const ATLAS_RETRY_BY_CODE: Readonly<Record<string, boolean>> = {
  // A 400 that means "wait for the previous on-demand snapshot", not "your request is wrong".
  UNFINISHED_ON_DEMAND_SNAPSHOT: true,
  NETWORK_ERROR: true,
  TIMEOUT: true,
  // 409s that waiting will not fix: retrying them would only run the step to its deadline.
  NO_CHECKPOINT_FOR_PIT_RESTORE: false,
  CANNOT_START_RESTORE_JOB_FOR_DELETED_SNAPSHOT: false,
  CANNOT_START_RESTORE_JOB_FOR_INCOMPLETE_CLUSTER_SNAPSHOT: false,
  RESTORE_INITIATION_FAILED: false,
  // Only the serverless backup endpoints are past their sunset among the operations we call.
  VERSION_GONE: false,
  SERVERLESS_INSTANCE_NOT_FOUND: false,
};

/** What an operator can do about an Atlas error code, when the run stops on it. */
export const ATLAS_ADVICE_BY_CODE: Readonly<Record<string, string>> = {
  NO_CHECKPOINT_FOR_PIT_RESTORE:
    'Pick a later point in time (after a completed snapshot), or restore a snapshot instead.',
  CANNOT_START_RESTORE_JOB_FOR_DELETED_SNAPSHOT: 'The snapshot was deleted; pick another snapshot.',
  CANNOT_START_RESTORE_JOB_FOR_INCOMPLETE_CLUSTER_SNAPSHOT:
    'The snapshot is not complete; wait for it or pick a completed one.',
  RESTORE_INITIATION_FAILED: 'Atlas could not start the restore; check the target cluster in Atlas, then run again.',
  CLUSTER_NOT_FOUND: 'Check the cluster name and project id, and that the credentials can see that project.',
  RESOURCE_NOT_FOUND: 'Check the project id and cluster name, and that the credentials can see that project.',
  GROUP_NOT_FOUND: 'Check the project id (groupId) and that the credentials belong to its organization.',
  SNAPSHOT_NOT_FOUND: 'The snapshot no longer exists (expired or deleted); pick another snapshot.',
  EXPORT_BUCKET_NOT_FOUND: 'Create the export bucket in this project first, or pass the id of an existing one.',
  RESTORE_JOB_NOT_FOUND: 'The restore job no longer exists; check it in the Atlas UI.',
  CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API: 'This is a flex cluster: use the flex source kind.',
  CANNOT_USE_SERVERLESS_INSTANCE_IN_CLUSTER_API:
    'This is a serverless instance: add --source-kind serverless (source.kind: serverless), or ' +
    '--source-kind flex once Atlas has moved it to flex.',
  CANNOT_USE_NON_FLEX_CLUSTER_IN_FLEX_API:
    'This is not a flex cluster: use the dedicated or serverless source kind (--source-kind).',
  CLUSTER_PAUSED_CANNOT_RESTORE: 'Resume the target cluster, then run again.',
  INVALID_PIT_RESTORE_TIME: 'Pick a point in time inside the cluster’s continuous-backup window.',
  PIT_RESTORE_ONLY_SUPPORTED_FOR_REPLICA_SETS:
    'Point-in-time restore needs a replica-set source; restore a snapshot instead.',
  CANNOT_RESTORE_TO_TARGET:
    'The target cannot receive this restore (version, tier or project permissions); pick another target.',
  UNSUPPORTED_DELIVERY_METHOD: 'Use a delivery type this cluster supports (automated or download).',
  VALIDATION_ERROR: 'Fix the request field Atlas names in the detail.',
  VERSION_GONE: SERVERLESS_GONE,
  SERVERLESS_INSTANCE_NOT_FOUND: SERVERLESS_GONE,
};

/** Advice that fits one workflow better than its code's general advice, e.g. a command's own flags. */
const ADVICE_IN: Readonly<Record<string, Readonly<Partial<Record<AdviceWorkflowType, string>>>>> = {
  CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API: {
    // The pipeline takes on-demand snapshots and exports them, which only dedicated clusters have.
    backupPipeline:
      'This is a flex cluster: the backup pipeline runs on dedicated clusters only ' +
      '(Atlas snapshots flex clusters daily by itself); restore or download one with: ' +
      'atlas-backup dr --source-kind flex --latest (add --delivery-type download for a download link)',
    disasterRecovery: 'This is a flex cluster: use the flex source kind (--source-kind flex).',
  },
  CANNOT_USE_SERVERLESS_INSTANCE_IN_CLUSTER_API: {
    backupPipeline:
      'This is a serverless instance: the backup pipeline runs on dedicated clusters only (Atlas snapshots ' +
      'serverless instances by itself); restore one with: atlas-backup dr --source-kind serverless --latest',
  },
};

/** 409 (conflict, busy), 429 (rate limited) and 5xx are retried; other statuses stop the step. */
export function isRetryableAtlasError(httpStatus: number | undefined, errorCode: string): boolean {
  const rule = ATLAS_RETRY_BY_CODE[errorCode];
  if (rule !== undefined) return rule;
  if (httpStatus === undefined) return false;
  return httpStatus === 409 || httpStatus === 429 || httpStatus >= 500;
}

/** What an operator can do about an Atlas error that stopped a step of a run of `workflowType`. */
export function adviceForAtlasError(httpStatus: number | undefined, errorCode: string, workflowType?: string): string {
  const advice = ADVICE_IN[errorCode]?.[workflowType as AdviceWorkflowType] ?? ATLAS_ADVICE_BY_CODE[errorCode];
  if (advice) return advice;
  switch (httpStatus) {
    case 401:
      return (
        'Check the Atlas credentials in the worker environment ' +
        '(MONGODB_ATLAS_CLIENT_ID/SECRET or MONGODB_ATLAS_PUBLIC_KEY/PRIVATE_KEY).'
      );
    case 403:
      return (
        'Grant the service account or API key the Project Backup Manager role ' +
        '(export buckets need Project Owner) on this project.'
      );
    case 404:
      return 'Check that the project, cluster and ids exist and are visible to these credentials.';
    default:
      return 'Fix the input named above and start a new run.';
  }
}
