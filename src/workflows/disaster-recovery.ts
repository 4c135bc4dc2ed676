// disasterRecovery: select a snapshot (or a point in time) → approval gate (optional) → restore →
// wait → verify the target is IDLE → report recovery times. Deterministic orchestration only.
import {
  ActivityCancellationType,
  ApplicationFailure,
  CancellationScope,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import {
  APPROVAL_REJECTED,
  APPROVAL_TIMED_OUT,
  approvalGateOn,
  approveUpdate,
  AtlasCluster,
  AtlasProject,
  BackupPhase,
  disasterRecoveryBaseSchema,
  DR_LATER_RULES,
  DrSource,
  DrTarget,
  drStatusQuery,
  rejectUpdate,
  type Activities,
  type DisasterRecoveryInput,
  type DisasterRecoveryRequest,
  type DrPhase,
  type DrReport,
  type DrStatus,
  type RecoveryTimes,
  type RestoreRequest,
  type SourceRef,
  type StepRecord,
  UNATTENDED_RELEASE_PATCH,
} from '../contract/index.js';
import { callOptions, pollOptions } from './activity-options.js';
import { ApprovalGate } from './approval.js';
import { approvalFacts, drCompletedFacts, endAfterError, notify, undecidedFacts } from './notify.js';
import { cancelledEnding, parseWorkflowInput, runFailure, TRUTHFUL_OUTCOMES, wasCancelled } from './outcomes.js';
import type { StepDeadline } from './outcomes.js';
import { RunRecorder } from './recorder.js';
import { recordRunEnded } from './run-metrics.js';

type Acts = ReturnType<typeof proxyActivities<Activities>>;

export async function disasterRecovery(request: DisasterRecoveryRequest): Promise<DrReport> {
  const input = parseWorkflowInput(disasterRecoveryBaseSchema, DR_LATER_RULES, request, 'disasterRecovery');
  refuseFlexDownloadBeforePatch(input);
  const run = new DrRun(input);
  setHandler(drStatusQuery, () => run.rec.statusNow());
  const gate = new ApprovalGate(run.rec.status);
  setHandler(approveUpdate, (d) => gate.decide('approved', d), { validator: (d) => gate.validate(d) });
  setHandler(rejectUpdate, (d) => gate.decide('rejected', d), { validator: (d) => gate.validate(d) });
  try {
    await run.select();
    if (run.rec.status.approval.required && !(await run.approval(gate))) {
      await notify('run.failed', input.notify, undecidedFacts(run.report));
      return run.report;
    }
    const restoreJobId = await run.restore();
    await run.waitForRestore(restoreJobId);
    await run.verify(restoreJobId);
    run.rec.setPhase('completed');
    const report = run.finish('completed');
    await notify('dr.completed', input.notify, drCompletedFacts(report));
    return report;
  } catch (err) {
    return await endAfterError(() => run.end(err), input.notify, run.rec.status);
  }
}

const seconds = (fromMs: number, toMs: number) => Math.max(0, toMs - fromMs) / 1000;
/** Sums of float seconds print as 41.669000000000004: reports keep whole milliseconds. */
const toMs = (s: number) => Math.round(s * 1000) / 1000;

/** Flex download restores (downloadFlexBackup) arrived with issue 11; older runs refused them on entry. */
const FLEX_DOWNLOAD = 'flex-download-restore';
function refuseFlexDownloadBeforePatch(input: DisasterRecoveryInput): void {
  if (input.source.kind !== 'flex' || input.deliveryType !== 'download' || patched(FLEX_DOWNLOAD)) return;
  throw ApplicationFailure.create({
    type: 'InvalidInput',
    nonRetryable: true,
    message:
      'Invalid disasterRecovery input: deliveryType download is only supported for dedicated sources; ' +
      'flex sources restore automated into a target',
  });
}

/** Serverless instances are being retired in favour of flex (seed 002): said once, in the run's notes. */
const SERVERLESS_RETIRED =
  'Serverless instances are retired in favour of flex clusters: Atlas migrates them to flex and retires the ' +
  'serverless backup endpoints this run uses. Once this instance is a flex cluster, recover it with ' +
  '--source-kind flex (source.kind: flex), which also offers download restores.';

/**
 * Atlas reports finishedAt to the whole second, so a job that finished within the step's first
 * second would look older than the step and be created again: compare from the step's second.
 */
const toWholeSecond = (iso: string) => new Date(Math.floor(Date.parse(iso) / 1000) * 1000).toISOString();

/** Runs recorded before sources had kinds scheduled kind-specific restore activities. */
const GENERIC_RESTORE_ACTIVITIES = 'generic-restore-activities';
const LEGACY_RESTORE_ACTIVITIES = {
  dedicated: { start: 'startRestore', await: 'awaitRestore' },
  serverless: { start: 'startServerlessRestore', await: 'awaitServerlessRestore' },
  flex: { start: 'startFlexRestore', await: 'awaitFlexRestore' },
} as const;

/** One DR run: its status, report, activities and steps. */
class DrRun {
  readonly rec: RunRecorder<DrPhase, DrStatus>;
  readonly report: DrReport;
  private readonly src: SourceRef;
  private readonly acts: { select: Acts; calls: Acts; polls: Acts; starts: Acts };
  private stepStartedAt = '';
  /** Set when this run's own create just started the job: the wait's first attempt skips its read. */
  private justCreated: { created?: { state?: string } } = {};

  constructor(private readonly input: DisasterRecoveryInput) {
    const { source, target, deliveryType, retry, polling, timeouts } = input;
    this.src = { kind: source.kind, groupId: source.groupId, clusterName: source.clusterName };
    const status: DrStatus = {
      kind: 'disasterRecovery',
      phase: 'starting',
      groupId: source.groupId,
      clusterName: source.clusterName,
      ids: {},
      steps: [],
      attempts: 0,
      notes: [],
      source,
      target,
      deliveryType,
      approval: { required: approvalGateOn(input) },
    };
    if (source.kind === 'serverless') status.notes.push(SERVERLESS_RETIRED);
    this.rec = new RunRecorder(status, (phase) => [
      { key: AtlasProject, value: source.groupId },
      { key: AtlasCluster, value: source.clusterName },
      { key: BackupPhase, value: phase },
      { key: DrSource, value: `${source.kind}:${source.groupId}/${source.clusterName}` },
      { key: DrTarget, value: target ? `${target.groupId}/${target.clusterName}` : 'download' },
    ]);
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
    const selectDeadline = Math.max(timeouts.callSeconds * 10, 600);
    // Paced as the source project's requests (the restore is created and read there).
    const project = source.groupId;
    const restoreCalls = callOptions(retry, timeouts, timeouts.restoreSeconds, project);
    this.acts = {
      select: proxyActivities<Activities>(callOptions(retry, timeouts, selectDeadline, project)),
      calls: proxyActivities<Activities>(restoreCalls),
      polls: proxyActivities<Activities>(pollOptions(polling, timeouts, timeouts.restoreSeconds, project)),
      // Waiting for a cancelled create attempt to end means its job (if any) is in Atlas's list afterwards.
      starts: proxyActivities<Activities>({
        ...restoreCalls,
        cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
      }),
    };
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

  /** Nothing is restored until someone approves; false when rejected or timed out (the run ends). */
  async approval(gate: ApprovalGate): Promise<boolean> {
    const { rec, input } = this;
    rec.setPhase('awaiting-approval');
    const began = Date.now();
    const waiting = gate.wait(this.report, input.approval.timeoutSeconds);
    // Not awaited: the approver may decide before the notification is even handed over.
    void notify('dr.awaiting-approval', input.notify, approvalFacts(rec.status));
    const decided = await waiting;
    this.report.recovery.phases.awaitingApproval = seconds(began, Date.now());
    if (rec.status.approval.decision === 'approved') return true;
    const truthful = patched(TRUTHFUL_OUTCOMES);
    rec.setPhase(decided || !truthful ? 'rejected' : 'approval-timed-out');
    const { by, reason } = rec.status.approval;
    const said = decided
      ? `Rejected by ${by}${reason ? `: ${reason}` : ''}. Nothing was restored.`
      : `No approval within ${input.approval.timeoutSeconds}s. Nothing was restored.`;
    rec.status.notes.push(said);
    const report = this.finish(decided ? 'rejected' : 'approval-timed-out');
    if (!truthful) return false;
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
    };
  }

  private activityNames() {
    return patched(GENERIC_RESTORE_ACTIVITIES)
      ? LEGACY_RESTORE_ACTIVITIES.dedicated
      : LEGACY_RESTORE_ACTIVITIES[this.src.kind];
  }

  /**
   * A cancel while the create waits out a busy target (retry backoff) ends the step at once; a
   * cancel during an attempt waits for that attempt, then looks up what it may have created.
   */
  async restore(): Promise<string> {
    const restore = this.restoreRequest();
    const name = this.activityNames().start;
    const started = await this.step(
      'restore',
      'restoring',
      'restoring',
      (record) => {
        this.stepStartedAt = toWholeSecond(record.startedAt);
        return this.acts.starts[name]({ source: this.src, restore, stepStartedAt: this.stepStartedAt });
      },
      (r) => r.state,
    ).catch(async (err: unknown) => {
      if (wasCancelled(err)) {
        const found = await CancellationScope.nonCancellable(() =>
          this.acts.calls.findDrRestore({ source: this.src, restore, stepStartedAt: this.stepStartedAt }),
        );
        if (found.id) {
          this.rec.status.ids.restoreJobId = this.report.restoreJobId = found.id;
          this.report.cancellation = await CancellationScope.nonCancellable(() => this.cancel(found.id!));
        }
      }
      throw err;
    });
    this.rec.status.ids.restoreJobId = this.report.restoreJobId = started.id;
    this.report.restoreJob = { state: started.state ?? 'inProgress', adopted: started.adopted };
    // An adopted job may be finished already; runs from before this release read at once.
    if (!started.adopted && patched(UNATTENDED_RELEASE_PATCH))
      this.justCreated = { created: started.state !== undefined ? { state: started.state } : {} };
    if (started.notes) this.rec.status.notes.push(...started.notes); // what reconciling did with duplicates
    return started.id;
  }

  async waitForRestore(restoreJobId: string): Promise<void> {
    const name = this.activityNames().await;
    const { polling } = this.input;
    try {
      const done = await this.step(
        'wait-for-restore',
        'waiting-for-restore',
        'restoring',
        () => this.acts.polls[name]({ source: this.src, restoreJobId, polling, ...this.justCreated }),
        (r) => r.state,
      );
      this.report.restoreJob = {
        ...this.report.restoreJob!,
        state: done.state,
        finishedAt: done.finishedAt,
        deliveryUrl: done.facts.deliveryUrl as string[] | undefined,
      };
    } catch (err) {
      if (wasCancelled(err))
        this.report.cancellation = await CancellationScope.nonCancellable(() => this.cancel(restoreJobId));
      throw err;
    }
  }

  /** Dedicated download and point-in-time jobs can be cancelled; the activity says where Atlas cannot. */
  private cancel(restoreJobId: string): Promise<NonNullable<DrReport['cancellation']>> {
    if (this.src.kind !== 'dedicated' && !patched(GENERIC_RESTORE_ACTIVITIES)) {
      return Promise.resolve({
        restoreJobId,
        cancelled: false,
        detail:
          `Atlas has no cancel endpoint for ${this.src.kind} restore jobs: ` +
          `restore job ${restoreJobId} keeps running in Atlas.`,
      });
    }
    return this.acts.calls.cancelRestore({ source: this.src, restoreJobId });
  }

  /** The target is serving again (download restores have no target). */
  async verify(restoreJobId: string): Promise<void> {
    const { target, deliveryType, polling } = this.input;
    if (!target || deliveryType === 'download') return;
    const v = await this.step(
      'verify-target',
      'verifying',
      'verifying',
      () =>
        this.acts.polls.verifyTargetIdle({
          groupId: target.groupId,
          clusterName: target.clusterName,
          polling,
          restoreJobId,
        }),
      (r) => r.stateName,
    );
    this.report.verified = { stateName: v.stateName, via: v.via, at: new Date().toISOString() };
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
    if (step === 'select-snapshot' || step === 'check-source') {
      return { field: 'timeouts.callSeconds (×10, at least 600 s)', seconds: Math.max(timeouts.callSeconds * 10, 600) };
    }
    return {
      field: 'timeouts.restoreSeconds',
      seconds: timeouts.restoreSeconds,
      job: restoreJobId && `Restore job ${restoreJobId}`,
    };
  }

  end(err: unknown): DrReport {
    const { rec, report } = this;
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
    else if (report.cancellation) rec.status.notes.push(report.cancellation.detail);
    const finished = this.finish('cancelled');
    const cancelled = cancelledEnding(finished, `disasterRecovery of ${this.describeSource()} cancelled`);
    if (cancelled) throw cancelled;
    return finished;
  }
}
