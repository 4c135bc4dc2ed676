// The status every run exposes through its `status` query, and the per-step timeline. Pure data
// and helpers, shared by the workflows (which fill it in) and the CLI (which shows it).

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
  'restoring',
  'waiting-for-restore',
  'completed',
  'failed',
  'cancelled',
] as const;

export const DR_PHASES = [
  'starting',
  'selecting-snapshot',
  'awaiting-approval',
  'restoring',
  'waiting-for-restore',
  'verifying',
  'completed',
  'rejected',
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
  kind: 'backupPipeline' | 'disasterRecovery';
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
}

/** A tiny mutable timeline the workflows use to record steps; `now` is injected (workflow time). */
export class Timeline {
  readonly steps: StepRecord[] = [];
  constructor(private readonly now: () => Date) {}

  start(name: string): StepRecord {
    const step: StepRecord = { name, startedAt: this.now().toISOString() };
    this.steps.push(step);
    return step;
  }

  end(step: StepRecord, outcome: StepRecord['outcome'], atlasState?: string, attempts?: number): void {
    step.endedAt = this.now().toISOString();
    step.outcome = outcome;
    if (atlasState !== undefined) step.atlasState = atlasState;
    if (attempts !== undefined) step.attempts = attempts;
  }

  /**
   * Runs one step of a run, recording it: ended ok with the Atlas state and attempts, or failed /
   * cancelled (as `isCancel` says) when it throws. The run's last Atlas state follows the step's.
   */
  async record<T extends { attempts: number }>(
    name: string,
    status: { lastAtlasState?: string },
    run: (step: StepRecord) => Promise<T>,
    state: (r: T) => string | undefined,
    isCancel: (err: unknown) => boolean,
  ): Promise<T> {
    const record = this.start(name);
    try {
      const r = await run(record);
      this.end(record, 'ok', state(r), r.attempts);
      status.lastAtlasState = state(r) ?? status.lastAtlasState;
      return r;
    } catch (err) {
      this.end(record, isCancel(err) ? 'cancelled' : 'failed');
      throw err;
    }
  }

  totalAttempts(): number {
    return this.steps.reduce((n, s) => n + (s.attempts ?? 0), 0);
  }
}
