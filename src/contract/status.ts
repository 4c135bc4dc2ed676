// The status every run exposes through its `status` query (and embeds in its result when it ends):
// pure data, filled in by the workflows and shown by the CLI and getRunStatus.
import type { ApprovalRecord } from './results.js';
import type { VerificationSummary } from './verification.js';

/** The phases of the shared restore step, in order: every run that restores passes through them. */
export const RESTORE_STEP_PHASES = ['restoring', 'waiting-for-restore', 'verifying'] as const;
export type RestorePhase = (typeof RESTORE_STEP_PHASES)[number];

/**
 * Phases of a run, in order. `waiting-*` phases poll Atlas through retry-as-poll activities, so the
 * live Atlas state during them comes from the pending activity (see getPipelineStatus).
 */
export const PIPELINE_PHASES = [
  'starting',
  'taking-snapshot',
  'waiting-for-snapshot',
  'exporting',
  'waiting-for-export',
  // A production restore target waits for approve/reject, as a DR run does.
  'awaiting-approval',
  ...RESTORE_STEP_PHASES,
  'completed',
  'failed',
  'cancelled',
] as const;

export const DR_PHASES = [
  'starting',
  'selecting-snapshot',
  'awaiting-approval',
  ...RESTORE_STEP_PHASES,
  'completed',
  'rejected',
  // Nobody decided before approval.timeoutSeconds: not the same as someone saying no.
  'approval-timed-out',
  'failed',
  'cancelled',
] as const;

export type PipelinePhase = (typeof PIPELINE_PHASES)[number];
export type DrPhase = (typeof DR_PHASES)[number];
export type Phase = PipelinePhase | DrPhase;

export interface StepRecord {
  /** e.g. take-snapshot, wait-for-snapshot, export, wait-for-export, restore, wait-for-restore */
  name: string;
  startedAt: string;
  endedAt?: string;
  /** The last Atlas state seen for this step's resource (e.g. completed, Successful). */
  atlasState?: string;
  /** Activity attempts the step took (polls count as attempts in waiting steps). */
  attempts?: number;
  outcome?: 'ok' | 'failed' | 'cancelled' | 'skipped';
}

export interface ExportProgress {
  exportedCollections: number;
  totalCollections: number;
}

export interface RunError {
  message: string;
  type?: string;
  step?: string;
}

export interface RunStatus<P extends string = Phase> {
  kind: 'backupPipeline' | 'disasterRecovery' | 'restoreTest';
  phase: P;
  groupId: string;
  clusterName: string;
  ids: { snapshotId?: string; exportJobId?: string; restoreJobId?: string };
  steps: StepRecord[];
  lastAtlasState?: string;
  exportProgress?: ExportProgress;
  attempts: number;
  lastError?: RunError;
  /** Free-form notes for operators (e.g. what a cancellation left in Atlas). */
  notes: string[];
  /** A pipeline restore that overwrites a cluster: the consent it ran under, and who gave it. */
  consent?: OverwriteConsent;
  /** A pipeline restore into a production target: its approval gate (DR runs always have one). */
  approval?: ApprovalRecord & { pending?: { overwrite: string; with: string; deadline: string } };
  /** The restored data's check (restore.verify / verify), once it ran or failed. */
  verification?: VerificationSummary;
  /** The exported files' check (export.verify), once it ran or failed. */
  exportVerification?: VerificationSummary;
}

/** The consent a pipeline restore overwrote a cluster under. */
export interface OverwriteConsent {
  /** The cluster overwritten, as the consent named it, and its project. */
  overwrite: string;
  targetGroupId: string;
  /** Who consented: the starting identity (restore.consentBy), or the approver of a production target. */
  by: string;
  via: 'start' | 'approval';
  at: string;
  production: boolean;
}
