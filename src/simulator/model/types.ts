// The simulator's persistent state: plain JSON so it can be saved to a state file and reloaded.
// Lifecycle status is never stored; it is derived from timestamps and per-job durations at read
// time (see lifecycle.ts), so there are no timers and a restart resumes where the clock is.

import type { CreateRestoreJobRequest } from '../../atlas/schemas.js';
import type { CompliancePolicy } from './compliance.js';
import type { DatabaseUser } from './database-users.js';
import type { CollectionRestoreJob } from '../data/collection-restores.js';

export type ClusterKind = 'replicaSet' | 'sharded' | 'serverless' | 'flex';
export type CloudProvider = 'AWS' | 'AZURE' | 'GCP';

export interface Project {
  id: string;
  name: string;
  createdAt: number;
}

export interface Cluster {
  id: string;
  groupId: string;
  name: string;
  kind: ClusterKind;
  shards: number;
  paused: boolean;
  createdAt: number;
  mongoDBVersion: string;
  provider: CloudProvider;
  /** Admin override of stateName (e.g. 'REPAIRING'); derived states win while a restore runs. */
  stateOverride?: string;
  /** updateCluster settings; absent means Atlas's default (true, true, false). */
  backupEnabled?: boolean;
  pitEnabled?: boolean;
  terminationProtectionEnabled?: boolean;
  /** Atlas resource tags (key/value), listed by getCluster/listClusters. */
  tags?: { key: string; value: string }[];
  /** createCluster: CREATING until this time on the simulator's clock. */
  readyAt?: number;
}

export type Outcome = 'success' | 'failed';

export interface Snapshot {
  id: string;
  groupId: string;
  clusterName: string;
  kind: ClusterKind;
  snapshotType: 'onDemand' | 'scheduled'; /** Scheduled only: on-demand snapshots have none. */
  frequencyType?: string;
  description?: string;
  createdAt: number;
  queuedMs: number;
  inProgressMs: number;
  outcome: Outcome;
  retentionInDays?: number;
  expiresAt: number;
  storageSizeBytes: number;
  mongodVersion: string;
  /** Sharded: one member snapshot per shard plus the config server. */
  members?: { id: string; replicaSetName: string }[];
  deleted?: boolean;
  /** With the data plane on: 'pending' until its data is captured; the snapshot reads inProgress until then. */
  dataState?: DataState;
}

/** Data work of a job (capture, load): pending jobs stay unfinished in the API until it is done. */
export type DataState = 'pending' | 'done' | 'failed';

export interface ExportBucket {
  id: string;
  groupId: string;
  bucketName: string;
  cloudProvider: CloudProvider;
  iamRoleId?: string;
  roleId?: string;
  serviceUrl?: string;
  tenantId?: string;
  requirePrivateNetworking?: boolean;
}

export interface ExportJob {
  id: string;
  groupId: string;
  clusterName: string;
  snapshotId: string;
  exportBucketId: string;
  customData: { key: string; value: string }[];
  createdAt: number;
  queuedMs: number;
  perCollectionMs: number;
  totalCollections: number;
  outcome: Outcome;
  failReason?: string;
  components?: { exportId: string; replicaSetName: string }[];
  prefix: string;
  /** Present when the snapshot has captured data: the job's files in the S3 API. */
  data?: ExportData;
}

/** An export's progress in the S3 API; the job reports a final state only once its files are written. */
export interface ExportData {
  bucketName: string;
  /** Collections whose files are in the bucket (in manifest order). */
  written: number;
  state: 'writing' | 'written' | 'failed';
  doneAt?: number;
  /** `<db>.<collection>` whose data file the export loses (the exportMissingFile fault). */
  lose?: string;
}

export type DeliveryType = CreateRestoreJobRequest['deliveryType'];

/** A restore job keeps its create request's fields (deliveryType, snapshotId, target, point in time) as sent. */
export interface RestoreJob extends CreateRestoreJobRequest {
  id: string;
  api: 'dedicated' | 'serverless';
  groupId: string;
  clusterName: string;
  /** When the restored snapshot was taken (Atlas's `timestamp`); absent in state files from before. */
  snapshotTakenAt?: number;
  /** Sharded sources: one replica set name per member. */
  components?: string[];
  createdAt: number;
  durationMs: number;
  outcome: Outcome;
  cancelledAt?: number;
  downloadTtlMs: number;
  /** With the data plane on: 'pending' until the target holds the restored data. */
  dataState?: DataState;
}

export interface FlexRestoreJob {
  id: string;
  groupId: string;
  instanceName: string;
  snapshotId: string;
  deliveryType: 'RESTORE' | 'DOWNLOAD';
  targetProjectId: string;
  targetDeploymentItemName: string;
  createdAt: number;
  pendingMs: number;
  queuedMs: number;
  runningMs: number;
  outcome: Outcome;
  downloadTtlMs: number;
}

export interface PolicyItem {
  id: string;
  frequencyType: 'hourly' | 'daily' | 'weekly' | 'monthly' | 'yearly';
  frequencyInterval: number;
  retentionUnit: 'days' | 'weeks' | 'months' | 'years';
  retentionValue: number;
}

/** A dedicated cluster's backup schedule; clusters without one use the default policy. */
export interface BackupSchedule {
  policyId: string;
  items: PolicyItem[];
  referenceHourOfDay: number;
  referenceMinuteOfHour: number;
  restoreWindowDays: number;
  autoExportEnabled: boolean;
  export?: { exportBucketId?: string; frequencyType?: string };
  useOrgAndGroupNamesInExportPrefix: boolean;
  extraRetentionSettings: { frequencyType?: string; retentionDays?: number }[];
  /** Regions Atlas copies the snapshots to (absent in state files from before: none). */
  copySettings?: { cloudProvider?: string; regionName?: string; shouldCopyOplogs?: boolean; zoneId?: string }[];
}

export interface SimState {
  projects: Record<string, Project>;
  /** Keyed by `${groupId}/${name}`. */
  clusters: Record<string, Cluster>;
  snapshots: Record<string, Snapshot>;
  buckets: Record<string, ExportBucket>;
  exports: Record<string, ExportJob>;
  restores: Record<string, RestoreJob>;
  flexRestores: Record<string, FlexRestoreJob>;
  /** Keyed like clusters; absent → the default schedule. */
  schedules: Record<string, BackupSchedule>;
  /** Admin "advance the clock" offset, ms. */
  clockOffsetMs: number;
  /** Keyed `${groupId}/${databaseName}/${username}`; absent in state files from before. */
  databaseUsers?: Record<string, DatabaseUser>;
  /** Backup Compliance Policies by project id; absent → none. */
  compliancePolicies?: Record<string, CompliancePolicy>;
  /** Collection-level restore jobs (src/simulator/data/collection-restores.ts); absent in older state files. */
  collectionRestores?: Record<string, CollectionRestoreJob>;
}

export function emptyState(): SimState {
  return {
    projects: {},
    clusters: {},
    snapshots: {},
    buckets: {},
    exports: {},
    restores: {},
    flexRestores: {},
    schedules: {},
    clockOffsetMs: 0,
  };
}

export const clusterKey = (groupId: string, name: string): string => `${groupId}/${name}`;
