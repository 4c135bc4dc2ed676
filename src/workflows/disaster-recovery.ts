// disasterRecovery: select a snapshot (or a point in time) → the restore step (approval gate when
// required, restore, wait, target check) → report recovery times. Deterministic orchestration only.
import { ApplicationFailure, setHandler, workflowInfo } from '@temporalio/workflow';
import {
  APPROVAL_REJECTED,
  APPROVAL_TIMED_OUT,
  approvalGateOn,
  approveUpdate,
  disasterRecoveryInputSchema,
  DrSource,
  DrTarget,
  drStatusQuery,
  rejectUpdate,
  type DisasterRecoveryInput,
  type DisasterRecoveryRequest,
  type DrPhase,
  type DrReport,
  type DrStatus,
  type RecoveryTimes,
  type RestorePhase,
  type RestoreRequest,
  type SourceRef,
  type StepRecord,
} from '../contract/index.js';
import { restoreRunActs, type Acts } from './activity-options.js';
import { ApprovalGate } from './approval.js';
import { approvalFacts, drCompletedFacts, notify, runToEnd } from './notify.js';
import { cancelledEnding, parseWorkflowInput, runFailure, wasCancelled } from './outcomes.js';
import type { StepDeadline } from './outcomes.js';
import { phaseAttributes, RunRecorder, startingStatus } from './recorder.js';
import { RestoreStep, type RestoreProgress } from './restore-step.js';
import { recordRunEnded } from './run-metrics.js';

export async function disasterRecovery(request: DisasterRecoveryRequest): Promise<DrReport> {
  const input = parseWorkflowInput(disasterRecoveryInputSchema(), request, 'disasterRecovery');
  const run = new DrRun(input);
  setHandler(drStatusQuery, () => run.rec.statusNow());
  const gate = new ApprovalGate(run.rec.status);
  setHandler(approveUpdate, (d) => gate.decide('approved', d), { validator: (d) => gate.validate(d) });
  setHandler(rejectUpdate, (d) => gate.decide('rejected', d), { validator: (d) => gate.validate(d) });
  const steps = async () => {
    await run.select();
    await run.checkTarget();
    await run.checkCollections();
    await run.restore(run.rec.status.approval.required ? () => run.approval(gate) : undefined);
  };
  return runToEnd(run, input.notify, steps, { event: 'dr.completed', facts: drCompletedFacts });
}

const seconds = (fromMs: number, toMs: number) => Math.max(0, toMs - fromMs) / 1000;
/** Sums of float seconds print as 41.669000000000004: reports keep whole milliseconds. */
const toMs = (s: number) => Math.round(s * 1000) / 1000;

/** Atlas retired serverless instances on 2026-01-22 (now flex or dedicated clusters): said once, in the notes. */
const SERVERLESS_RETIRED =
  'Serverless instances were retired on 2026-01-22 and became flex or dedicated clusters: this run reads ' +
  'the flex backup endpoints first and the retired serverless ones only if Atlas says the name is not a flex ' +
  'cluster. Next time use --source-kind flex (source.kind: flex), which also offers download restores.';

/** One DR run: its status, report, activities and steps. */
class DrRun {
  readonly rec: RunRecorder<DrPhase, DrStatus>;
  readonly report: DrReport;
  private readonly src: SourceRef;
  private readonly acts: { select: Acts; calls: Acts; polls: Acts; starts: Acts; verifies: Acts };

  constructor(private readonly input: DisasterRecoveryInput) {
    const { source, target, deliveryType } = input;
    this.src = { kind: source.kind, groupId: source.groupId, clusterName: source.clusterName };
    const status: DrStatus = {
      ...startingStatus('disasterRecovery', source.groupId, source.clusterName),
      source,
      target,
      deliveryType,
      approval: { required: approvalGateOn(input) },
      ...(input.collectionRestore
        ? { collectionRestore: { writeStrategy: input.collectionRestore.writeStrategy } }
        : {}),
    };
    if (source.kind === 'serverless') status.notes.push(SERVERLESS_RETIRED);
    this.rec = new RunRecorder(status, (phase) =>
      phaseAttributes(
        source.groupId,
        source.clusterName,
        phase,
        { key: DrSource, value: `${source.kind}:${source.groupId}/${source.clusterName}` },
        { key: DrTarget, value: target ? `${target.groupId}/${target.clusterName}` : 'download' },
      ),
    );
    const { workflowId, runStartTime } = workflowInfo();
    this.report = {
      outcome: 'completed',
      workflowId,
      source,
      target,
      deliveryType,
      restored: {},
      approval: status.approval,
      recovery: { totalSeconds: 0, phases: { selecting: 0, awaitingApproval: 0, restoring: 0, verifying: 0 } },
      startedAt: runStartTime.toISOString(),
      endedAt: '',
      status,
    };
    // Paced as the source project's requests (the restore is created and read there).
    this.acts = restoreRunActs(input, source.groupId);
  }

  /** Runs one step, recording it in the timeline and adding its time to a recovery phase. */
  private async step<T extends { attempts: number }>(
    name: string,
    phase: DrPhase,
    bucket: keyof RecoveryTimes['phases'],
    run: (r: StepRecord) => Promise<T>,
    state: (r: T) => string | undefined,
  ): Promise<T> {
    const began = Date.now();
    try {
      return await this.rec.step(name, phase, run, state);
    } finally {
      this.report.recovery.phases[bucket] += seconds(began, Date.now());
    }
  }

  /** What to restore: a point in time (the source must exist) or a snapshot (given or latest). */
  async select(): Promise<void> {
    const { what } = this.input;
    if (this.input.deliveryType === 'pointInTime') {
      await this.step(
        'check-source',
        'selecting-snapshot',
        'selecting',
        () => this.acts.select.describeDrSource({ source: this.src }),
        (r) => r.stateName,
      );
      const at = what.pointInTimeUTCSeconds ?? what.oplogTs;
      this.report.restored.pointInTime = {
        utcSeconds: what.pointInTimeUTCSeconds,
        oplogTs: what.oplogTs,
        oplogInc: what.oplogInc,
        at: at !== undefined ? new Date(at * 1000).toISOString() : undefined,
      };
      return;
    }
    const snap = await this.step(
      'select-snapshot',
      'selecting-snapshot',
      'selecting',
      () => this.acts.select.selectDrSnapshot({ source: this.src, snapshotId: what.snapshotId }),
      () => 'completed',
    );
    this.report.restored = { snapshotId: snap.snapshotId, snapshotTimestamp: snap.snapshotTimestamp };
    this.rec.status.ids.snapshotId = snap.snapshotId;
  }

  /**
   * The target exists and can receive the restore, and a point in time is restorable: checked before
   * the approval, so nobody is asked to approve a restore that cannot happen.
   */
  async checkTarget(): Promise<void> {
    const { deliveryType, target, what } = this.input;
    if (deliveryType === 'download') return;
    const restore = {
      deliveryType,
      targetGroupId: target?.groupId,
      targetClusterName: target?.clusterName,
      pointInTimeUTCSeconds: what.pointInTimeUTCSeconds,
      oplogTs: what.oplogTs,
      oplogInc: what.oplogInc,
    };
    await this.step(
      'check-target',
      'selecting-snapshot',
      'selecting',
      () => this.acts.select.checkDrTarget({ source: this.src, restore }),
      () => 'checked',
    );
  }

  /** A collection restore's names against the snapshot, or its point in time against the window, before any job. */
  async checkCollections(): Promise<void> {
    if (!this.input.collectionRestore) return;
    await this.step(
      'check-collections',
      'selecting-snapshot',
      'selecting',
      () => this.acts.select.checkCollectionRestore({ source: this.src, restore: this.restoreRequest() }),
      () => 'checked',
    );
  }

  /** Nothing is restored until someone approves; rejected or timed out, the run ends Failed. */
  async approval(gate: ApprovalGate): Promise<void> {
    const { rec, input } = this;
    rec.setPhase('awaiting-approval');
    const began = Date.now();
    const waiting = gate.wait(this.report, input.approval.timeoutSeconds);
    // Not awaited: the approver may decide before the notification is even handed over.
    void notify('dr.awaiting-approval', input.notify, approvalFacts(rec.status));
    const decided = await waiting;
    this.report.recovery.phases.awaitingApproval = seconds(began, Date.now());
    if (rec.status.approval.decision === 'approved') return;
    rec.setPhase(decided ? 'rejected' : 'approval-timed-out');
    const { by, reason } = rec.status.approval;
    const said = decided
      ? `Rejected by ${by}${reason ? `: ${reason}` : ''}. Nothing was restored.`
      : `No approval within ${input.approval.timeoutSeconds}s. Nothing was restored.`;
    rec.status.notes.push(said);
    const report = this.finish(decided ? 'rejected' : 'approval-timed-out');
    // Ends the run Failed, with its own type and the report in the details (end() passes it on).
    throw ApplicationFailure.create({
      type: decided ? APPROVAL_REJECTED : APPROVAL_TIMED_OUT,
      nonRetryable: true,
      message: `disasterRecovery of ${this.describeSource()} not approved: ${said}`,
      details: [report],
    });
  }

  private describeSource(): string {
    return `${this.src.kind} cluster '${this.src.clusterName}' in project ${this.src.groupId}`;
  }

  private restoreRequest(): RestoreRequest {
    const { deliveryType, target, what } = this.input;
    return {
      deliveryType,
      snapshotId: this.report.restored.snapshotId,
      targetGroupId: target?.groupId,
      targetClusterName: target?.clusterName,
      pointInTimeUTCSeconds: what.pointInTimeUTCSeconds,
      oplogTs: what.oplogTs,
      oplogInc: what.oplogInc,
      ...(this.input.collectionRestore ? { collections: this.input.collectionRestore } : {}),
    };
  }

  /** The shared restore step (restore-step.ts); each stage's time goes to its recovery phase. */
  async restore(approve: (() => Promise<void>) | undefined): Promise<void> {
    const { target } = this.input;
    const buckets: Record<RestorePhase, keyof RecoveryTimes['phases']> = {
      restoring: 'restoring',
      'waiting-for-restore': 'restoring',
      verifying: 'verifying',
    };
    const step = new RestoreStep(
      {
        record: (name, phase, run, state) => this.step(name, phase, buckets[phase], run, state),
        acts: this.acts,
        polling: this.input.polling,
        status: this.rec.status,
      },
      this.src,
      this.restoreRequest(),
      target,
      this.input.verify,
    );
    try {
      await step.run(approve);
    } finally {
      this.fill(step.progress);
    }
  }

  /** The report's restore fields from what the step did. */
  private fill(p: RestoreProgress): void {
    if (p.jobId) this.report.restoreJobId = p.jobId;
    if (p.cancellation) this.report.cancellation = p.cancellation;
    if (p.created) this.report.restoreJob = { state: p.created.state ?? 'inProgress', adopted: p.created.adopted };
    if (p.done)
      this.report.restoreJob = {
        ...this.report.restoreJob!,
        state: p.done.state,
        finishedAt: p.done.finishedAt,
        deliveryUrl: p.done.facts.deliveryUrl as string[] | undefined,
      };
    if (p.verified) this.report.verified = p.verified;
    if (p.verification) this.report.verification = p.verification;
    if (this.rec.status.collectionRestore) this.report.collectionRestore = this.rec.status.collectionRestore;
  }

  finish(outcome: DrReport['outcome']): DrReport {
    this.report.outcome = outcome;
    this.report.endedAt = new Date().toISOString();
    const { recovery } = this.report;
    recovery.totalSeconds = toMs(seconds(workflowInfo().runStartTime.getTime(), Date.now()));
    for (const k of Object.keys(recovery.phases) as (keyof RecoveryTimes['phases'])[])
      recovery.phases[k] = toMs(recovery.phases[k]);
    this.report.status = this.rec.statusNow();
    recordRunEnded(outcome, this.report.recovery.totalSeconds);
    return this.report;
  }

  /** The deadline that bounds a step (the input's timeouts) and the restore job that outlives it. */
  private deadlineOf(step: string): StepDeadline | undefined {
    const { timeouts } = this.input;
    const { restoreJobId } = this.rec.status.ids;
    if (
      step === 'select-snapshot' ||
      step === 'check-source' ||
      step === 'check-target' ||
      step === 'check-collections'
    ) {
      return { field: 'timeouts.callSeconds (×10, at least 600 s)', seconds: Math.max(timeouts.callSeconds * 10, 600) };
    }
    return {
      field: 'timeouts.restoreSeconds',
      seconds: timeouts.restoreSeconds,
      job: restoreJobId && `Restore job ${restoreJobId}`,
    };
  }

  end(err: unknown): DrReport {
    const { rec } = this;
    const notApproved =
      err instanceof ApplicationFailure && [APPROVAL_REJECTED, APPROVAL_TIMED_OUT].includes(err.type!);
    if (notApproved) throw err;
    if (!wasCancelled(err)) {
      rec.setPhase('failed');
      throw runFailure(err, rec.status, {
        what: `disasterRecovery of ${this.describeSource()}`,
        defaultType: 'DisasterRecoveryFailed',
        summary: () => this.finish('failed'),
        deadline: (step) => this.deadlineOf(step),
      });
    }
    rec.setPhase('cancelled');
    if (!rec.status.ids.restoreJobId)
      rec.status.notes.push(
        `Cancelled during ${rec.lastStepName()}, before any restore started: nothing was restored.`,
      );
    const finished = this.finish('cancelled');
    throw cancelledEnding(finished, `disasterRecovery of ${this.describeSource()} cancelled`);
  }
}
