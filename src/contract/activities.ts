// The activities' contract: their inputs, outputs and the `Activities` interface the workflows
// proxy. Plain data, no credentials (the worker gives activities their Atlas client).
import type { PollingSpec, RestoreSpec } from './inputs.js';
import type { NotifySpec } from './notifications.js';
import type { SourceKind } from './dr-inputs.js';
import type { Canary, Manifest, RestoreVerifySpec, VerificationSummary } from './verification.js';
import type { CollectionRestoreSpec } from './collection-restore.js';
import type {
  DiscoverClustersInput,
  EndedFleetChildrenInput,
  FindRunningBackupsInput,
  FleetChildEnding,
  FleetDiscovery,
  RunningBackup,
} from './fleet.js';

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

/** A backup source of any kind: dedicated (replica set or sharded), serverless or flex. */
export interface SourceRef extends ClusterRef {
  kind: SourceKind;
}

export interface TakeSnapshotInput extends ClusterRef {
  description: string;
  retentionInDays: number;
  /** From the pre-flight's cluster read: when given, takeSnapshot does not read the cluster again. */
  sharded?: boolean;
}

/** What the pipeline's pre-flight checks before the snapshot. */
export interface PreflightInput extends ClusterRef {
  exportBucketId?: string;
  restore?: Omit<RestoreRequest, 'snapshotId'>;
  /** The snapshot's retention, checked against the project's Backup Compliance Policy (when given). */
  retentionInDays?: number;
  /**
   * Projects the run will make temporary database users in (data verification), each with the input
   * field that asked: the pre-flight checks the role that allows it before anything starts.
   */
  temporaryUsers?: { groupId: string; field: string }[];
  /** The run names no `notify` of its own: return the worker's default with the result. */
  notifyDefault?: true;
}

export interface PreflightResult {
  /** The source cluster's type (REPLICASET, SHARDED, GEOSHARDED): picks the snapshot endpoints. */
  clusterType: string;
  sharded: boolean;
  /** What was checked, in words (kept in the run's history with the step's result). */
  checked: string[];
  /** For the run's notes: what the operator should know before the snapshot (a compliance policy). */
  notes?: string[];
  /** The source's standard connection string, when Atlas gave one: passed to captureSourceManifest. */
  connectionString?: string;
  /**
   * 'eager': nothing needs to pace this project's requests (the worker paces by Atlas's buckets, and
   * Atlas reports the project's Cloud Backups bucket as practically unlimited), so the run's later
   * activities may be handed straight back to the worker with its workflow task, skipping the
   * server's paced matching.
   */
  dispatch?: 'eager';
  /**
   * The worker's default `notify` (null: none) when the input asked for it, read with the checks so
   * that the run's notifications need no lookup of their own at its end (a local activity: an
   * activation and a marker per run). Absent from runs before 2026-12: those look it up when they
   * notify, as they did.
   */
  notifyDefault?: NotifySpec | null;
  requests: number;
  attempts: number;
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
  /** What reconciling did (duplicates of this run deleted, cancelled or left running): the run's notes. */
  notes?: string[];
}

export interface TakenSnapshot extends CreatedResource {
  /** Sharded clusters use the shardedCluster snapshot endpoints. */
  sharded: boolean;
}

export interface AwaitInput extends ClusterRef {
  polling: PollingSpec;
  /**
   * Set by the workflow right after its own create answered (not when it adopted an earlier job):
   * the create's state. The wait's first attempt then does not read the job again; the first read
   * comes a poll interval later (or near the job's expected end, see docs/design/learned-timing.md).
   */
  created?: { state?: string };
}

export interface AwaitSnapshotInput extends AwaitInput {
  snapshotId: string;
  sharded: boolean;
}

export interface AwaitedResource {
  state: string;
  /** Attempts the poll took (each attempt is one GET, but see `reads`). */
  attempts: number;
  /** Atlas reads the wait made: its attempts, less a just-created job's first attempt (no read). */
  reads?: number;
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

/** A snapshot or point-in-time restore request, already resolved by the workflow. */
export interface RestoreRequest {
  deliveryType: RestoreSpec['deliveryType'];
  snapshotId?: string;
  targetGroupId?: string;
  targetClusterName?: string;
  pointInTimeUTCSeconds?: number;
  oplogTs?: number;
  oplogInc?: number;
  /** Only these collections or databases (an Atlas collection restore job) instead of the whole cluster. */
  collections?: CollectionRestoreSpec;
}

/** Starts a restore job of any source kind. */
export interface StartRestoreInput {
  source: SourceRef;
  restore: RestoreRequest;
  /** Workflow time when the restore step began: jobs that ended before it are never adopted. */
  stepStartedAt: string;
}

export interface AwaitRestoreInput {
  source: SourceRef;
  restoreJobId: string;
  polling: PollingSpec;
  /** As in AwaitInput: the create's state, right after the workflow's own create. */
  created?: { state?: string };
  /**
   * Collection restores: return early (facts.progress) once the documents restored reach `reported`
   * plus this share of the total, so the workflow's status can show progress.
   */
  reportEvery?: number;
  /** The share of documents already reported. */
  reported?: number;
}

export interface CancelRestoreInput {
  source: SourceRef;
  restoreJobId: string;
}

export interface CancelRestoreResult {
  restoreJobId: string;
  cancelled: boolean;
  detail: string;
}

/** What a waiting activity reports in its "not finished" failures (visible in getRunStatus). */
export interface PollDetails {
  resource: 'snapshot' | 'exportJob' | 'restoreJob' | 'cluster';
  id: string;
  state: string;
  exportedCollections?: number;
  totalCollections?: number;
  /** A collection restore job's progress (totalDocuments may start as Atlas's estimate). */
  restoredDocuments?: number;
  totalDocuments?: number;
  /** Set when the activity chose the next poll itself (an export estimate); else the policy backs off. */
  nextPollMs?: number;
}

export interface SelectSnapshotInput {
  source: SourceRef;
  /** A given snapshot to check; without it the newest completed snapshot is chosen. */
  snapshotId?: string;
  /**
   * Instead of the newest: one of the completed snapshots taken within this many days, picked by
   * `draw` (a number in [0, 1) the workflow drew from its deterministic random).
   */
  random?: { withinDays: number; draw: number };
}

export interface CheckScratchInput {
  scratch: ClusterRef;
  source: ClusterRef;
}

export interface ScratchCheck {
  stateName?: string;
  /** What the check could not tell (e.g. the policy was unreadable) and went on without. */
  notes: string[];
  requests: number;
  attempts: number;
}

export interface SelectedSnapshot {
  snapshotId: string;
  /** When Atlas took the snapshot (createdAt; a flex snapshot's finishTime). */
  snapshotTimestamp?: string;
  snapshotType?: string;
  /** Dedicated sharded clusters use their own snapshot endpoints. */
  sharded: boolean;
  /** Completed snapshots seen while listing (latest) or 1 (given). */
  candidates: number;
  requests: number;
  attempts: number;
}

/** What disaster recovery checks before its approval: the target and the point in time, if any. */
export interface CheckDrTargetInput {
  source: SourceRef;
  restore: Omit<RestoreRequest, 'snapshotId'>;
}

export interface CheckedDrTarget {
  /** What was checked, in words. */
  checked: string[];
  requests: number;
  attempts: number;
}

export interface DescribeSourceInput {
  source: SourceRef;
}

export interface SourceDescription {
  clusterType: string;
  stateName?: string;
  requests: number;
  attempts: number;
}

export interface VerifyTargetInput extends ClusterRef {
  polling: PollingSpec;
  /** Only for messages: the restore job that should have brought the target back. */
  restoreJobId: string;
}

export interface VerifiedTarget {
  stateName: string;
  /** How the target was checked: getCluster, or the flex restore job (flex targets have no getCluster). */
  via: 'getCluster' | 'flexRestoreJob';
  /** The target's standard connection string, when its getCluster gave one: passed to verifyRestoredData. */
  connectionString?: string;
  attempts: number;
}

export interface FoundRestore {
  id?: string;
  state?: string;
}

/**
 * Reads a restored target as a temporary database user the activity makes (and deletes) itself:
 * the password never crosses this boundary, in neither direction.
 */
export interface VerifyRestoredDataInput {
  /** The cluster restored into. */
  target: ClusterRef;
  /** The cluster's standard connection string (no credentials in it): spares a temporary user's getCluster. */
  connectionString?: string;
  /** Where the restored snapshot lives (browsed for its namespaces), when the restore was of one. */
  snapshot?: ClusterRef & { snapshotId: string };
  /**
   * A point-in-time restore of a dedicated cluster: Atlas replays the oplog onto the newest snapshot
   * taken at or before `utcSeconds`, so that snapshot's namespaces are the ones browsed.
   */
  pointInTime?: ClusterRef & { utcSeconds: number };
  restoreJobId: string;
  verify: RestoreVerifySpec;
  /**
   * A collection restore: only these namespaces are checked, each under the name it was restored as
   * (instead of every namespace the snapshot holds).
   */
  restored?: { sourceNamespace: string; targetNamespace: string }[];
  /** What the source held right before the snapshot (a pipeline's captureSourceManifest). */
  manifest?: Manifest;
  /** The canary written to the source before the snapshot: looked for on the target. */
  canary?: Canary;
}

/** Reads the source's manifest (and writes a canary) as a temporary user the activity makes and deletes. */
export interface CaptureSourceInput {
  source: ClusterRef;
  /** The cluster's standard connection string (no credentials in it): spares a temporary user's getCluster. */
  connectionString?: string;
  /** Also write a canary document (the run id and the time) to the canary database. */
  canary: boolean;
}

export interface CapturedSource {
  /** Per collection: count and index specs, cut to fit a run's history (see notes). */
  manifest: Manifest;
  canary?: Canary;
  /** sha256 of the whole manifest as read (before any cut), hex. */
  digest: string;
  notes: string[];
  requests: number;
  attempts: number;
}

/** Reads an export back from its bucket (credentials from the worker's AWS SDK chain, never the input). */
export interface VerifyExportInput extends ClusterRef {
  exportBucketId: string;
  exportJobId: string;
  /** The job's prefix as Atlas reports it. */
  prefix: string;
  /** customData the `.complete` file must carry (the run's tags and the caller's entries). */
  customData: { key: string; value: string }[];
  manifest?: Manifest;
  countTolerance?: number;
}

/** The pre-flight of a collection restore: names checked against the snapshot, the point in time against the window. */
export interface CheckCollectionRestoreInput {
  source: SourceRef;
  restore: RestoreRequest;
}

export interface CheckedCollectionRestore {
  /** What was checked, in words. */
  checked: string[];
  requests: number;
  attempts: number;
}

export interface VerifiedData extends VerificationSummary {
  requests: number;
  attempts: number;
}

/**
 * Every activity the worker registers, by the name workflows schedule it with. The names are part
 * of recorded histories: renaming one needs a new Worker Deployment build (CONTRIBUTING.md).
 */
export interface Activities {
  preflightPipeline(input: PreflightInput): Promise<PreflightResult>;
  takeSnapshot(input: TakeSnapshotInput): Promise<TakenSnapshot>;
  awaitSnapshot(input: AwaitSnapshotInput): Promise<AwaitedResource>;
  startExport(input: StartExportInput): Promise<CreatedResource>;
  awaitExport(input: AwaitExportInput): Promise<AwaitedResource>;
  startRestore(input: StartRestoreInput): Promise<CreatedResource>;
  awaitRestore(input: AwaitRestoreInput): Promise<AwaitedResource>;
  cancelRestore(input: CancelRestoreInput): Promise<CancelRestoreResult>;
  selectDrSnapshot(input: SelectSnapshotInput): Promise<SelectedSnapshot>;
  describeDrSource(input: DescribeSourceInput): Promise<SourceDescription>;
  checkDrTarget(input: CheckDrTargetInput): Promise<CheckedDrTarget>;
  findDrRestore(input: StartRestoreInput): Promise<FoundRestore>;
  verifyTargetIdle(input: VerifyTargetInput): Promise<VerifiedTarget>;
  verifyRestoredData(input: VerifyRestoredDataInput): Promise<VerifiedData>;
  checkCollectionRestore(input: CheckCollectionRestoreInput): Promise<CheckedCollectionRestore>;
  startCollectionRestore(input: StartRestoreInput): Promise<CreatedResource>;
  awaitCollectionRestore(input: AwaitRestoreInput): Promise<AwaitedResource>;
  checkScratchTarget(input: CheckScratchInput): Promise<ScratchCheck>;
  captureSourceManifest(input: CaptureSourceInput): Promise<CapturedSource>;
  verifyExport(input: VerifyExportInput): Promise<VerifiedData>;
  discoverClusters(input: DiscoverClustersInput): Promise<FleetDiscovery>;
  findRunningBackups(input: FindRunningBackupsInput): Promise<RunningBackup[]>;
  endedFleetChildren(input: EndedFleetChildrenInput): Promise<FleetChildEnding[]>;
}
