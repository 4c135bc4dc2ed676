// What runs return (and attach to their failure when they fail): each result embeds the run's final
// status in the very shape the `status` query returns, so no reader rebuilds one from the other.
import type { DrDeliveryType, DrSourceSpec } from './dr-inputs.js';
import type { DrPhase, OverwriteConsent, PipelinePhase, RunStatus } from './status.js';
import type { Canary, VerificationSummary } from './verification.js';
import type { CollectionRestoreReport } from './collection-restore.js';

export interface PipelineResult {
  outcome: 'completed' | 'cancelled' | 'failed';
  workflowId: string;
  groupId: string;
  clusterName: string;
  snapshot?: { id: string; status: string; sharded: boolean; adopted: boolean; createdAt?: string; expiresAt?: string };
  export?: {
    id: string;
    state: string;
    exportBucketId: string;
    exportedCollections?: number;
    totalCollections?: number;
    prefix?: string;
    /** The exported files read back and compared (export.verify). */
    verification?: VerificationSummary;
  };
  /** What the source held right before the snapshot (captured when the run verifies anything). */
  manifest?: { capturedAt: string; namespaces: number; omittedNamespaces: number; digest: string; canary?: Canary };
  restore?: {
    id: string;
    state: string;
    deliveryType: string;
    targetGroupId?: string;
    targetClusterName?: string;
    deliveryUrl?: string[];
    finishedAt?: string;
    /** Overwrite consent and who gave it (automated and pointInTime restores). */
    consent?: OverwriteConsent;
    /** The target serving again after the restore (automated and pointInTime restores). */
    verified?: { stateName: string; via: string; at: string };
    /** The restored data read and compared (restore.verify). */
    verification?: VerificationSummary;
  };
  /** Activity attempts across all steps (each poll is one attempt). */
  attempts: number;
  /** HTTP requests to Atlas counted by the activities (a failed attempt counts as one). */
  atlasRequests: number;
  startedAt: string;
  endedAt: string;
  /** The run's final status: steps, notes, ids, last error — what `status` showed last. */
  status: RunStatus<PipelinePhase>;
}

export interface ApprovalDecision {
  by: string;
  reason?: string;
}

export interface ApprovalRecord {
  required: boolean;
  decision?: 'approved' | 'rejected' | 'timed-out';
  by?: string;
  reason?: string;
  at?: string;
}

export interface DrTargetRef {
  groupId: string;
  clusterName: string;
  production: boolean;
}

/** The DR status: the pipeline's RunStatus plus what is being restored where. */
export interface DrStatus extends RunStatus<DrPhase> {
  source: DrSourceSpec;
  target?: DrTargetRef;
  deliveryType: DrDeliveryType;
  approval: ApprovalRecord & { pending?: { overwrite: string; with: string; deadline: string } };
  /** A collection-level restore: its job, progress and, at its end, each collection's outcome. */
  collectionRestore?: CollectionRestoreReport;
}

export interface RecoveryTimes {
  /** Trigger (run start) → target verified (or the run's end when it ends earlier), seconds. */
  totalSeconds: number;
  phases: { selecting: number; awaitingApproval: number; restoring: number; verifying: number };
}

export interface DrReport {
  outcome: 'completed' | 'rejected' | 'approval-timed-out' | 'cancelled' | 'failed';
  workflowId: string;
  source: DrSourceSpec;
  target?: DrTargetRef;
  deliveryType: DrDeliveryType;
  restored: {
    snapshotId?: string;
    snapshotTimestamp?: string;
    pointInTime?: { utcSeconds?: number; oplogTs?: number; oplogInc?: number; at?: string };
  };
  approval: ApprovalRecord;
  restoreJobId?: string;
  restoreJob?: { state: string; finishedAt?: string; deliveryUrl?: string[]; adopted: boolean };
  verified?: { stateName: string; via: string; at: string };
  /** The restored data read and compared (verify). */
  verification?: VerificationSummary;
  /** A collection-level restore: its job, documents and each collection's outcome. */
  collectionRestore?: CollectionRestoreReport;
  /** Present when the run was cancelled after the restore job started. */
  cancellation?: { restoreJobId: string; cancelled: boolean; detail: string };
  recovery: RecoveryTimes;
  startedAt: string;
  endedAt: string;
  /** The run's final status, as the `status` query returned it last. */
  status: DrStatus;
}

/** Either workflow's result. */
export type RunResult = PipelineResult | DrReport;
