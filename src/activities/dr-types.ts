// Inputs and outputs of the disaster-recovery activities: plain data, no credentials.
import type { PollingSpec } from '../workflows/inputs.js';
import type { SourceKind } from '../workflows/dr-inputs.js';
import type { ClusterRef } from './types.js';

export interface DrSourceRef extends ClusterRef {
  kind: SourceKind;
}

export interface SelectSnapshotInput {
  source: DrSourceRef;
  /** A given snapshot to check; without it the newest completed snapshot is chosen. */
  snapshotId?: string;
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

export interface DescribeSourceInput {
  source: DrSourceRef;
}

export interface SourceDescription {
  clusterType: string;
  stateName?: string;
  requests: number;
  attempts: number;
}

/** A snapshot or point-in-time restore request, already resolved by the workflow. */
export interface DrRestoreSpec {
  deliveryType: 'automated' | 'download' | 'pointInTime';
  snapshotId?: string;
  targetGroupId?: string;
  targetClusterName?: string;
  pointInTimeUTCSeconds?: number;
  oplogTs?: number;
  oplogInc?: number;
}

export interface StartDrRestoreInput {
  source: DrSourceRef;
  restore: DrRestoreSpec;
  /** Workflow time when the restore step began: jobs that ended before it are never adopted. */
  stepStartedAt: string;
}

export interface AwaitDrRestoreInput {
  source: DrSourceRef;
  restoreJobId: string;
  polling: PollingSpec;
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
  attempts: number;
}

export interface FoundRestore {
  id?: string;
  state?: string;
}
