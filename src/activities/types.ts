// Inputs and outputs of the activities: plain data, no credentials (the worker gives activities
// their Atlas client). Workflows import these with `import type` only.
import type { PollingSpec, RestoreSpec } from '../workflows/inputs.js';

/** ApplicationFailure type of the benign "Atlas job not finished yet" poll failure. */
export const NOT_FINISHED = 'NotFinished';

export interface RunRef {
  workflowId: string;
  runId: string;
}

/** Marks the snapshots a run takes, so a retried create adopts its own instead of duplicating. */
export const tagFor = (run: RunRef) => `[atlas-backup:${run.workflowId}:${run.runId}]`;
/** The export job's customData entries that mark it as this run's. */
export const CUSTOM_DATA_TAG_KEYS = { workflowId: 'atlas-backup-workflow-id', runId: 'atlas-backup-run-id' } as const;
export const customDataTags = (run: RunRef) => [
  { key: CUSTOM_DATA_TAG_KEYS.workflowId, value: run.workflowId },
  { key: CUSTOM_DATA_TAG_KEYS.runId, value: run.runId },
];

export interface ClusterRef {
  groupId: string;
  clusterName: string;
}

export interface TakeSnapshotInput extends ClusterRef {
  description: string;
  retentionInDays: number;
}

export interface CreatedResource {
  id: string;
  /** Atlas state in the create (or adopted resource's) response. */
  state?: string;
  /** True when an earlier attempt had already created it and this attempt adopted it. */
  adopted: boolean;
  /** HTTP requests the successful attempt made to Atlas. */
  requests: number;
  /** Attempts the create took (retries after 409/429/5xx, or waiting out another snapshot). */
  attempts: number;
}

export interface TakenSnapshot extends CreatedResource {
  /** Sharded clusters use the shardedCluster snapshot endpoints. */
  sharded: boolean;
}

export interface AwaitInput extends ClusterRef {
  polling: PollingSpec;
}

export interface AwaitSnapshotInput extends AwaitInput {
  snapshotId: string;
  sharded: boolean;
}

export interface AwaitedResource {
  state: string;
  /** Attempts the poll took (each attempt is one GET). */
  attempts: number;
  finishedAt?: string;
  /** Extra facts worth reporting (e.g. deliveryUrl of a download restore, snapshot createdAt). */
  facts: Record<string, unknown>;
}

export interface StartExportInput extends ClusterRef {
  snapshotId: string;
  exportBucketId: string;
  customData: { key: string; value: string }[];
}

export interface AwaitExportInput extends AwaitInput {
  exportJobId: string;
}

export interface StartRestoreInput extends ClusterRef {
  snapshotId?: string;
  restore: RestoreSpec;
  /** Workflow time when the restore step began: jobs finished before it are never adopted. */
  stepStartedAt: string;
}

export interface AwaitRestoreInput extends AwaitInput {
  restoreJobId: string;
}

export interface CancelRestoreResult {
  cancelled: boolean;
  detail: string;
}

/** What a waiting activity reports in its "not finished" failures (visible in getPipelineStatus). */
export interface PollDetails {
  resource: 'snapshot' | 'exportJob' | 'restoreJob' | 'cluster';
  id: string;
  state: string;
  exportedCollections?: number;
  totalCollections?: number;
  nextPollMs: number;
}
