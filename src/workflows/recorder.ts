// What both workflows do around every step: set the phase (status and search attributes), record
// the step in the timeline, and count Atlas requests. Deterministic workflow-side state.
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { upsertSearchAttributes } from '@temporalio/workflow';
import {
  AtlasCluster,
  AtlasProject,
  BackupPhase,
  type PipelinePhase,
  type RunStatus,
  type StepRecord,
} from '../contract/index.js';
import { wasCancelled } from './outcomes.js';
import { recordRunStarted } from './run-metrics.js';
import { Timeline } from './timeline.js';

export class RunRecorder<P extends string, S extends RunStatus<P>> {
  readonly timeline = new Timeline(() => new Date());
  atlasRequests = 0;

  constructor(
    readonly status: S,
    /** The search attributes a phase change upserts (BackupPhase among them); empty: none. */
    private readonly attributes: (phase: P) => SearchAttributeUpdatePair[],
  ) {
    status.steps = this.timeline.steps;
    recordRunStarted();
  }

  /** The status as the `status` query returns it (and the result embeds it). */
  statusNow(): S {
    return { ...this.status, attempts: this.timeline.totalAttempts() };
  }

  setPhase(phase: P): void {
    this.status.phase = phase;
    const pairs = this.attributes(phase);
    if (pairs.length > 0) upsertSearchAttributes(pairs);
  }

  /** Runs one step in a phase, recording it; failures and cancellation end the step's record. */
  step<T extends { attempts: number }>(
    name: string,
    phase: P,
    run: (step: StepRecord) => Promise<T>,
    state: (r: T) => string | undefined,
  ): Promise<T> {
    this.setPhase(phase);
    return this.timeline.record(name, this.status, run, state, wasCancelled);
  }

  /** Counts a step's Atlas requests: the successful attempt's, plus one per failed attempt. */
  count(r: { requests?: number; reads?: number; attempts: number; notes?: string[] }): void {
    // A wait says how many reads it made (its first attempt may make none); a create, its last attempt's requests.
    this.atlasRequests += r.reads ?? (r.requests !== undefined ? r.requests + (r.attempts - 1) : r.attempts);
    // A create step's reconciliation says what it did with duplicates (no new commands: replay-safe).
    if (r.notes) this.status.notes.push(...r.notes);
  }

  lastStepName(): string {
    return this.status.steps.at(-1)?.name ?? 'start';
  }
}

/** The backup pipeline's recorder, which its safety and check steps share. */
export type PipelineRecorder = RunRecorder<PipelinePhase, RunStatus<PipelinePhase>>;

/** A run's status before its first step: the base every run kind's status extends. */
export function startingStatus(kind: RunStatus['kind'], groupId: string, clusterName: string) {
  return {
    kind,
    phase: 'starting' as const,
    groupId,
    clusterName,
    ids: {},
    steps: [] as StepRecord[],
    attempts: 0,
    notes: [] as string[],
  };
}

/** A restore run's search attributes at a phase: its source, the phase, then what the kind adds. */
export function phaseAttributes(
  groupId: string,
  clusterName: string,
  phase: string,
  ...extra: SearchAttributeUpdatePair[]
): SearchAttributeUpdatePair[] {
  return [
    { key: AtlasProject, value: groupId },
    { key: AtlasCluster, value: clusterName },
    { key: BackupPhase, value: phase },
    ...extra,
  ];
}
