// backupPipeline: take-snapshot → wait → export (optional) → wait → restore (optional) → wait → target check.
// Deterministic orchestration only; every Atlas call is an activity.
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import {
  AtlasCluster,
  AtlasProject,
  BackupPhase,
  backupPipelineInputSchema,
  statusQuery,
  type Activities,
  type BackupPipelineInput,
  type BackupPipelineRequest,
  type CapturedSource,
  type CreatedResource,
  type NotifySpec,
  type PipelinePhase,
  type PipelineResult,
  type RestoreSpec,
  type RunStatus,
} from '../contract/index.js';
import { RestoreStep, type RestoreProgress } from './restore-step.js';
import { captureSource, manifestFacts, verifyExport } from './pipeline-checks.js';
import { endingAfterError, endingOf, reportToFleet } from './fleet-child.js';
import { callOptions, pollOptions, verifyOptions, type Acts } from './activity-options.js';
import { pipelineFacts, runToEnd } from './notify.js';
import { cancelledEnding, parseWorkflowInput, runFailure, wasCancelled, type StepDeadline } from './outcomes.js';
import { PipelineSafety } from './pipeline-safety.js';
import { RunRecorder, startingStatus, type PipelineRecorder } from './recorder.js';
import { recordRunEnded } from './run-metrics.js';

export async function backupPipeline(request: BackupPipelineRequest): Promise<PipelineResult> {
  let run: Pipeline | undefined;
  try {
    const result = await pipeline(request, (r) => (run = r));
    await reportToFleet(endingOf(result));
    return result;
  } catch (err) {
    // A fleet's child tells its fleet how it ended (fleet-child.ts); other runs have no fleet.
    await reportToFleet(endingAfterError(err, run?.finished));
    throw err;
  }
}

async function pipeline(request: BackupPipelineRequest, started: (run: Pipeline) => void): Promise<PipelineResult> {
  const input = parseWorkflowInput(backupPipelineInputSchema(), request, 'backupPipeline');
  const run = new Pipeline(input);
  started(run);
  setHandler(statusQuery, () => run.rec.statusNow());
  const steps = async () => {
    const { sharded, connectionString } = await run.preflight();
    await run.captureSource(connectionString);
    const snapshotId = await run.snapshot(sharded);
    if (input.export) await run.export(snapshotId, input.export);
    if (input.restore) await run.restore(snapshotId, input.restore);
  };
  return runToEnd(run, input.notify, steps, { event: 'pipeline.completed', facts: pipelineFacts });
}

/**
 * What a phase change upserts: every upsert is a history event, a visibility write and worker CPU,
 * so only what changed. Project and cluster are fixed: the start paths (CLI,
 * schedules) set them with the start, so they are upserted only when a run was started without
 * them. BackupPhase is upserted when a step's Atlas job starts (taking-snapshot, exporting,
 * restoring) and at the end, not again for its wait or the target check after a restore: the
 * job's phase covers them in visibility (`list --phase waiting-for-…` matches both); the `status`
 * query has the exact phase.
 */
function leanPhaseAttributes(groupId: string, clusterName: string) {
  return (phase: PipelinePhase): SearchAttributeUpdatePair[] => {
    if (phase.startsWith('waiting-for-') || phase === 'verifying') return [];
    const known = workflowInfo().typedSearchAttributes;
    const pairs: SearchAttributeUpdatePair[] = [];
    if (known.get(AtlasProject) !== groupId) pairs.push({ key: AtlasProject, value: groupId });
    if (known.get(AtlasCluster) !== clusterName) pairs.push({ key: AtlasCluster, value: clusterName });
    pairs.push({ key: BackupPhase, value: phase });
    return pairs;
  };
}

type PipelineActs = Record<'snapshot' | 'export' | 'restore', { calls: Acts; polls: Acts }> & {
  verifies: Acts;
  captures: Acts;
  checksExport: Acts;
};

/** The run's activities, one deadline per step, paced as `project`'s requests (none: unpaced, eager). */
function pipelineActs(input: BackupPipelineInput, project: string | undefined): PipelineActs {
  const { retry, polling, timeouts } = input;
  const calls = (deadline: number) => proxyActivities<Activities>(callOptions(retry, timeouts, deadline, project));
  const polls = (deadline: number) => proxyActivities<Activities>(pollOptions(polling, timeouts, deadline, project));
  return {
    snapshot: { calls: calls(timeouts.snapshotSeconds), polls: polls(timeouts.snapshotSeconds) },
    export: { calls: calls(timeouts.exportSeconds), polls: polls(timeouts.exportSeconds) },
    restore: { calls: calls(timeouts.restoreSeconds), polls: polls(timeouts.restoreSeconds) },
    verifies: proxyActivities<Activities>(verifyOptions(retry, timeouts, timeouts.restoreSeconds, project)),
    captures: proxyActivities<Activities>(verifyOptions(retry, timeouts, timeouts.snapshotSeconds, project)),
    checksExport: proxyActivities<Activities>(verifyOptions(retry, timeouts, timeouts.exportSeconds, project)),
  };
}

/** One pipeline run: its status, its activities (one deadline per step) and its result. */
class Pipeline {
  readonly rec: PipelineRecorder;
  readonly safety: PipelineSafety;
  private readonly result: PipelineResult;
  /** The run's result once it has ended (also when it failed or was cancelled). */
  finished?: PipelineResult;
  private readonly ref: { groupId: string; clusterName: string };
  private acts: PipelineActs;
  /** The source's manifest (and canary) read right before the snapshot, when the run verifies anything. */
  private captured?: CapturedSource;

  /** The worker's default `notify`, as the pre-flight returned it: the run's notifications need no lookup. */
  get notifyDefault(): NotifySpec | null | undefined {
    return this.safety.notifyDefault;
  }

  constructor(private readonly input: BackupPipelineInput) {
    const { groupId, clusterName } = input;
    this.ref = { groupId, clusterName };
    const status: RunStatus<PipelinePhase> = startingStatus('backupPipeline', groupId, clusterName);
    this.rec = new RunRecorder(status, leanPhaseAttributes(groupId, clusterName));
    const startedAt = new Date().toISOString();
    this.result = {
      outcome: 'completed',
      workflowId: workflowInfo().workflowId,
      groupId,
      clusterName,
      attempts: 0,
      atlasRequests: 0,
      startedAt,
      endedAt: startedAt,
      status,
    };
    this.acts = pipelineActs(input, groupId);
    this.safety = new PipelineSafety(this.rec, input);
  }

  /** The pre-flight's checks; with nothing pacing the project, the later steps' activities go eager. */
  async preflight(): Promise<{ sharded: boolean; connectionString?: string | undefined }> {
    const checked = await this.safety.preflight();
    if (checked.dispatch === 'eager') {
      this.acts = pipelineActs(this.input, undefined);
      this.safety.unpace();
    }
    return checked;
  }

  /** The source's manifest (and canary) right before the snapshot, when the run verifies anything. */
  async captureSource(connectionString: string | undefined): Promise<void> {
    const { rec, ref, input } = this;
    const captured = await captureSource(rec, this.acts.captures, { ...ref, connectionString }, input);
    if (!captured) return;
    this.captured = captured;
    this.result.manifest = manifestFacts(captured);
  }

  /** `sharded` comes from the pre-flight, so takeSnapshot does not read the cluster again. */
  async snapshot(sharded: boolean): Promise<string> {
    const { rec, ref, input } = this;
    const { calls, polls } = this.acts.snapshot;
    const taken = await rec.step(
      'take-snapshot',
      'taking-snapshot',
      () => calls.takeSnapshot({ ...ref, ...input.snapshot, sharded }),
      (r) => r.state,
    );
    rec.count(taken);
    rec.status.ids.snapshotId = taken.id;
    this.result.snapshot = {
      id: taken.id,
      status: taken.state ?? 'queued',
      sharded: taken.sharded,
      adopted: taken.adopted,
    };
    const snap = await rec.step(
      'wait-for-snapshot',
      'waiting-for-snapshot',
      () =>
        polls.awaitSnapshot({
          ...ref,
          snapshotId: taken.id,
          sharded: taken.sharded,
          polling: input.polling,
          ...this.justCreated(taken),
        }),
      (r) => r.state,
    );
    rec.count(snap);
    this.result.snapshot = {
      ...this.result.snapshot,
      status: snap.state,
      createdAt: snap.facts.createdAt as string | undefined,
      expiresAt: snap.facts.expiresAt as string | undefined,
    };
    return taken.id;
  }

  async export(
    snapshotId: string,
    { exportBucketId, customData, verify }: NonNullable<BackupPipelineInput['export']>,
  ): Promise<void> {
    const { rec, ref } = this;
    const { calls, polls } = this.acts.export;
    const started = await rec.step(
      'export',
      'exporting',
      () => calls.startExport({ ...ref, snapshotId, exportBucketId, customData }),
      (r) => r.state,
    );
    rec.count(started);
    rec.status.ids.exportJobId = started.id;
    const done = await rec.step(
      'wait-for-export',
      'waiting-for-export',
      () =>
        polls.awaitExport({
          ...ref,
          exportJobId: started.id,
          polling: this.input.polling,
          ...this.justCreated(started),
        }),
      (r) => r.state,
    );
    rec.count(done);
    const exportedCollections = done.facts.exportedCollections as number | undefined;
    const totalCollections = done.facts.totalCollections as number | undefined;
    if (totalCollections !== undefined)
      rec.status.exportProgress = { exportedCollections: exportedCollections ?? totalCollections, totalCollections };
    this.result.export = {
      id: started.id,
      state: done.state,
      exportBucketId,
      exportedCollections,
      totalCollections,
      prefix: done.facts.prefix as string | undefined,
    };
    if (!verify) return;
    const exported = this.result.export;
    await verifyExport(rec, this.acts.checksExport, {
      ...ref,
      exportBucketId,
      exportJobId: started.id,
      prefix: exported.prefix ?? '',
      customData,
      ...(this.captured ? { manifest: this.captured.manifest } : {}),
      ...(verify.countTolerance === undefined ? {} : { countTolerance: verify.countTolerance }),
    }).finally(() => {
      const summary = rec.status.exportVerification;
      if (summary) exported.verification = summary;
    });
  }

  /** The shared restore step (restore-step.ts), with the production gate as its approval. */
  async restore(snapshotId: string, restore: RestoreSpec): Promise<void> {
    const { rec } = this;
    const { calls, polls } = this.acts.restore;
    // Consent fields are the workflow's, not Atlas's: the create gets the Atlas request only.
    const {
      overwrite: _o,
      consentBy: _c,
      production: _p,
      approvalTimeoutSeconds: _t,
      verify,
      ...atlasRestore
    } = restore;
    const { targetGroupId: groupId, targetClusterName: clusterName } = restore;
    const step = new RestoreStep(
      {
        record: (name, phase, run, state) =>
          rec.step(name, phase, run, state).then((r) => {
            rec.count(r);
            return r;
          }),
        acts: { calls, polls, starts: this.safety.starts, verifies: this.acts.verifies },
        polling: this.input.polling,
        status: rec.status,
      },
      { kind: 'dedicated', ...this.ref },
      { ...atlasRestore, snapshotId },
      groupId && clusterName ? { groupId, clusterName } : undefined,
      verify && { countTolerance: verify.countTolerance, queries: verify.queries },
      this.captured && { manifest: this.captured.manifest, canary: this.captured.canary },
    );
    try {
      await step.run(() => this.safety.approveOverwrite(snapshotId));
    } finally {
      this.result.restore = this.restoreResult(restore, step.progress);
    }
  }

  private restoreResult(restore: RestoreSpec, p: RestoreProgress): PipelineResult['restore'] {
    if (!p.jobId) return undefined;
    const { consent } = this.rec.status;
    const stopped = p.cancellation && (p.cancellation.cancelled ? 'cancelled' : (p.foundState ?? 'inProgress'));
    return {
      id: p.jobId,
      state: stopped || (p.done?.state ?? 'inProgress'),
      deliveryType: restore.deliveryType,
      targetGroupId: restore.targetGroupId,
      targetClusterName: restore.targetClusterName,
      ...(p.done && {
        finishedAt: p.done.finishedAt,
        deliveryUrl: p.done.facts.deliveryUrl as string[] | undefined,
      }),
      ...(consent ? { consent } : {}),
      ...(p.verified ? { verified: p.verified } : {}),
      ...(p.verification ? { verification: p.verification } : {}),
    };
  }

  /** A job this run's create just started needs no read at once (an adopted one may be finished already). */
  private justCreated(c: CreatedResource): { created?: { state?: string } } {
    if (c.adopted) return {};
    return { created: c.state !== undefined ? { state: c.state } : {} };
  }

  finish(outcome: PipelineResult['outcome']): PipelineResult {
    this.result.outcome = outcome;
    // A failed wait's last seen state (runFailure) is its resource's state in the result too.
    const last = this.rec.status.steps.at(-1);
    if (last?.outcome === 'failed' && last.atlasState !== undefined) {
      if (last.name === 'wait-for-snapshot' && this.result.snapshot) this.result.snapshot.status = last.atlasState;
      if (last.name === 'wait-for-restore' && this.result.restore) this.result.restore.state = last.atlasState;
    }
    this.result.attempts = this.rec.timeline.totalAttempts();
    this.result.atlasRequests = this.rec.atlasRequests;
    this.result.endedAt = new Date().toISOString();
    this.result.status = this.rec.statusNow();
    recordRunEnded(outcome);
    this.finished = this.result;
    return this.result;
  }

  /** The deadline that bounds a step (the input's timeouts) and the Atlas job that outlives it. */
  private deadlineOf(step: string): StepDeadline | undefined {
    const { timeouts } = this.input;
    const { snapshotId, exportJobId, restoreJobId } = this.rec.status.ids;
    if (step.endsWith('snapshot')) {
      return {
        field: 'timeouts.snapshotSeconds',
        seconds: timeouts.snapshotSeconds,
        job: snapshotId && `Snapshot ${snapshotId}`,
      };
    }
    if (step.endsWith('export')) {
      return {
        field: 'timeouts.exportSeconds',
        seconds: timeouts.exportSeconds,
        job: exportJobId && `Export job ${exportJobId}`,
      };
    }
    const job = restoreJobId && `Restore job ${restoreJobId}`;
    return step.endsWith('restore') || step === 'verify-target'
      ? { field: 'timeouts.restoreSeconds', seconds: timeouts.restoreSeconds, job }
      : undefined;
  }

  /** A cancelled run ends Cancelled with what it left in Atlas (in its memo); a failed one fails naming the step. */
  end(err: unknown): PipelineResult {
    const { rec } = this;
    const { ids, notes } = rec.status;
    if (!wasCancelled(err)) {
      rec.setPhase('failed');
      throw runFailure(err, rec.status, {
        what: `backupPipeline for cluster '${this.ref.clusterName}' in project ${this.ref.groupId}`,
        defaultType: 'PipelineFailed',
        summary: () => this.finish('failed'),
        deadline: (step) => this.deadlineOf(step),
      });
    }
    rec.setPhase('cancelled');
    if (ids.snapshotId && !ids.restoreJobId) {
      const created = `snapshot ${ids.snapshotId}${ids.exportJobId ? `, export job ${ids.exportJobId}` : ''}`;
      notes.push(
        `Cancelled during ${rec.lastStepName()}: Atlas resources created so far (${created}) were left as they are.`,
      );
    }
    const result = this.finish('cancelled');
    const where = `cluster '${this.ref.clusterName}' in project ${this.ref.groupId}`;
    throw cancelledEnding(result, `backupPipeline for ${where} cancelled during ${rec.lastStepName()}`);
  }
}
