// disasterRecovery: select a snapshot (or a point in time) → approval gate (optional) → restore →
// wait → verify the target is IDLE → report recovery times. Deterministic orchestration only.
import {
  ActivityCancellationType,
  CancellationScope,
  condition,
  defineQuery,
  defineUpdate,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities } from '../activities/index.js';
import { parseWorkflowInput, runFailure, wasCancelled } from './outcomes.js';
import { callOptions, pollOptions } from './activity-options.js';
import { approvalGateOn, disasterRecoveryInputSchema, type DisasterRecoveryInput, type DisasterRecoveryRequest, type DrDeliveryType, type DrSourceSpec } from './dr-inputs.js';
import { AtlasCluster, AtlasProject, BackupPhase, DrSource, DrTarget } from './search-attributes.js';
import { Timeline, type DrPhase, type RunStatus, type StepRecord } from './status.js';

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

/** The DR status: the pipeline's RunStatus plus what is being restored where. */
export interface DrStatus extends RunStatus<DrPhase> {
  source: DrSourceSpec;
  target?: { groupId: string; clusterName: string; production: boolean };
  deliveryType: DrDeliveryType;
  approval: ApprovalRecord & { pending?: { overwrite: string; with: string; deadline: string } };
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
  target?: { groupId: string; clusterName: string; production: boolean };
  deliveryType: DrDeliveryType;
  restored: { snapshotId?: string; snapshotTimestamp?: string; pointInTime?: { utcSeconds?: number; oplogTs?: number; oplogInc?: number; at?: string } };
  approval: ApprovalRecord;
  restoreJobId?: string;
  restoreJob?: { state: string; finishedAt?: string; deliveryUrl?: string[]; adopted: boolean };
  verified?: { stateName: string; via: string; at: string };
  /** Present when the run was cancelled after the restore job started. */
  cancellation?: { restoreJobId: string; cancelled: boolean; detail: string };
  recovery: RecoveryTimes;
  steps: StepRecord[];
  notes: string[];
  startedAt: string;
  endedAt: string;
}

export const drStatusQuery = defineQuery<DrStatus>('status');
export const approveUpdate = defineUpdate<{ decision: 'approved' }, [ApprovalDecision]>('approve');
export const rejectUpdate = defineUpdate<{ decision: 'rejected' }, [ApprovalDecision]>('reject');

type StartDrRestoreInput = Parameters<Activities['startServerlessRestore']>[0];
type DrSourceRef = StartDrRestoreInput['source'];
type DrRestoreSpec = StartDrRestoreInput['restore'];

const seconds = (fromMs: number, toMs: number) => Math.max(0, toMs - fromMs) / 1000;

export async function disasterRecovery(request: DisasterRecoveryRequest): Promise<DrReport> {
  const input = parseWorkflowInput(disasterRecoveryInputSchema, request, 'disasterRecovery');
  const { source, target, deliveryType, what, retry, polling, timeouts } = input;
  const src: DrSourceRef = { kind: source.kind, groupId: source.groupId, clusterName: source.clusterName };
  const { workflowId, runStartTime } = workflowInfo();
  const triggeredMs = runStartTime.getTime();
  const timeline = new Timeline(() => new Date());
  const isPit = deliveryType === 'pointInTime';

  const status: DrStatus = {
    kind: 'disasterRecovery', phase: 'starting', groupId: source.groupId, clusterName: source.clusterName, ids: {},
    steps: timeline.steps, attempts: 0, notes: [], source, target, deliveryType, approval: { required: approvalGateOn(input) },
  };
  const report: DrReport = {
    outcome: 'completed', workflowId, source, target, deliveryType, restored: {}, approval: status.approval,
    recovery: { totalSeconds: 0, phases: { selecting: 0, awaitingApproval: 0, restoring: 0, verifying: 0 } },
    steps: timeline.steps, notes: status.notes, startedAt: runStartTime.toISOString(), endedAt: '',
  };
  setHandler(drStatusQuery, () => ({ ...status, attempts: timeline.totalAttempts() }));

  let decision: ApprovalRecord | undefined;
  const validateDecision = (d: ApprovalDecision) => {
    if (status.phase !== 'awaiting-approval' || decision) throw new Error(`This run is not awaiting approval (phase: ${status.phase}${decision ? `, already ${decision.decision}` : ''}).`);
    if (typeof d?.by !== 'string' || d.by.trim() === '') throw new Error('by is required: name who approves or rejects this restore.');
  };
  const decide = (kind: 'approved' | 'rejected', d: ApprovalDecision) => {
    decision = { required: true, decision: kind, by: d.by.trim(), reason: d.reason, at: new Date().toISOString() };
  };
  setHandler(approveUpdate, (d) => (decide('approved', d), { decision: 'approved' as const }), { validator: validateDecision });
  setHandler(rejectUpdate, (d) => (decide('rejected', d), { decision: 'rejected' as const }), { validator: validateDecision });

  const setPhase = (phase: DrPhase) => {
    status.phase = phase;
    upsertSearchAttributes([
      { key: AtlasProject, value: source.groupId },
      { key: AtlasCluster, value: source.clusterName },
      { key: BackupPhase, value: phase },
      { key: DrSource, value: `${source.kind}:${source.groupId}/${source.clusterName}` },
      { key: DrTarget, value: target ? `${target.groupId}/${target.clusterName}` : 'download' },
    ]);
  };

  /** Runs one step, recording it in the timeline and adding its time to a recovery phase. */
  async function step<T extends { attempts: number }>(name: string, phase: DrPhase, bucket: keyof RecoveryTimes['phases'], run: (r: StepRecord) => Promise<T>, state: (r: T) => string | undefined): Promise<T> {
    setPhase(phase);
    const began = Date.now();
    try {
      return await timeline.record(name, status, run, state, wasCancelled);
    } finally {
      report.recovery.phases[bucket] += seconds(began, Date.now());
    }
  }

  const finish = (outcome: DrReport['outcome']): DrReport => {
    report.outcome = outcome;
    report.endedAt = new Date().toISOString();
    report.recovery.totalSeconds = seconds(triggeredMs, Date.now());
    return report;
  };

  const selectDeadline = Math.max(timeouts.callSeconds * 10, 600);
  const selectCalls = proxyActivities<Activities>(callOptions(retry, timeouts, selectDeadline));
  const restoreCalls = proxyActivities<Activities>(callOptions(retry, timeouts, timeouts.restoreSeconds));
  const restorePolls = proxyActivities<Activities>(pollOptions(polling, timeouts, timeouts.restoreSeconds));
  // Waiting for a cancelled create attempt to end means its job (if any) is in Atlas's list afterwards.
  const restoreStarts = proxyActivities<Activities>({ ...callOptions(retry, timeouts, timeouts.restoreSeconds), cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED });

  try {
    // 1. What to restore
    if (isPit) {
      await step('check-source', 'selecting-snapshot', 'selecting', () => selectCalls.describeDrSource({ source: src }), (r) => r.stateName);
      const at = what.pointInTimeUTCSeconds ?? what.oplogTs;
      report.restored.pointInTime = { utcSeconds: what.pointInTimeUTCSeconds, oplogTs: what.oplogTs, oplogInc: what.oplogInc, at: at !== undefined ? new Date(at * 1000).toISOString() : undefined };
    } else {
      const snap = await step('select-snapshot', 'selecting-snapshot', 'selecting', () => selectCalls.selectDrSnapshot({ source: src, snapshotId: what.snapshotId }), () => 'completed');
      report.restored = { snapshotId: snap.snapshotId, snapshotTimestamp: snap.snapshotTimestamp };
      status.ids.snapshotId = snap.snapshotId;
    }

    // 2. Approval gate: nothing is restored until someone approves.
    if (status.approval.required) {
      setPhase('awaiting-approval');
      const began = Date.now();
      const restoring = describeRestored(report.restored);
      status.approval.pending = {
        overwrite: target ? `cluster '${target.clusterName}' in project ${target.groupId}${target.production ? ' (production)' : ''}` : 'nothing (download restore)',
        with: `${restoring} of ${source.kind} cluster '${source.clusterName}' in project ${source.groupId}`,
        deadline: new Date(began + input.approval.timeoutSeconds * 1000).toISOString(),
      };
      const decided = await condition(() => decision !== undefined, input.approval.timeoutSeconds * 1000);
      report.recovery.phases.awaitingApproval = seconds(began, Date.now());
      delete status.approval.pending;
      Object.assign(status.approval, decided ? decision : { decision: 'timed-out', at: new Date().toISOString() });
      if (status.approval.decision !== 'approved') {
        setPhase('rejected');
        status.notes.push(decided ? `Rejected by ${status.approval.by}${status.approval.reason ? `: ${status.approval.reason}` : ''}. Nothing was restored.` : `No approval within ${input.approval.timeoutSeconds}s. Nothing was restored.`);
        return finish(decided ? 'rejected' : 'approval-timed-out');
      }
    }

    // 3. Restore. A cancel while the create waits out a busy target (retry backoff) ends the step at
    // once; a cancel during an attempt waits for that attempt, then looks up what it may have created.
    const spec: DrRestoreSpec = {
      deliveryType, snapshotId: report.restored.snapshotId, targetGroupId: target?.groupId, targetClusterName: target?.clusterName,
      pointInTimeUTCSeconds: what.pointInTimeUTCSeconds, oplogTs: what.oplogTs, oplogInc: what.oplogInc,
    };
    let stepStartedAt = '';
    const started = await step('restore', 'restoring', 'restoring', (record) => {
      stepStartedAt = toWholeSecond(record.startedAt);
      return startRestoreOf(restoreStarts, src, spec, stepStartedAt);
    }, (r) => r.state).catch(async (err: unknown) => {
      if (wasCancelled(err)) {
        const found = await CancellationScope.nonCancellable(() => restoreCalls.findDrRestore({ source: src, restore: spec, stepStartedAt }));
        if (found.id) {
          status.ids.restoreJobId = report.restoreJobId = found.id;
          report.cancellation = await CancellationScope.nonCancellable(() => cancelRestoreOf(restoreCalls, src, found.id!));
        }
      }
      throw err;
    });
    const restoreJobId = started.id;
    status.ids.restoreJobId = restoreJobId;
    report.restoreJobId = restoreJobId;
    report.restoreJob = { state: started.state ?? 'inProgress', adopted: started.adopted };
    try {
      const done = await step('wait-for-restore', 'waiting-for-restore', 'restoring', () => awaitRestoreOf(restorePolls, src, restoreJobId, polling), (r) => r.state);
      report.restoreJob = { ...report.restoreJob, state: done.state, finishedAt: done.finishedAt, deliveryUrl: done.facts.deliveryUrl as string[] | undefined };
    } catch (err) {
      if (wasCancelled(err)) report.cancellation = await CancellationScope.nonCancellable(() => cancelRestoreOf(restoreCalls, src, restoreJobId));
      throw err;
    }

    // 4. Verify the target is serving again (download restores have no target).
    if (target && deliveryType !== 'download') {
      const v = await step('verify-target', 'verifying', 'verifying', () => restorePolls.verifyTargetIdle({ groupId: target.groupId, clusterName: target.clusterName, polling, restoreJobId }), (r) => r.stateName);
      report.verified = { stateName: v.stateName, via: v.via, at: new Date().toISOString() };
    }
    setPhase('completed');
    return finish('completed');
  } catch (err) {
    if (wasCancelled(err)) {
      setPhase('cancelled');
      if (!status.ids.restoreJobId) status.notes.push(`Cancelled during ${status.steps.at(-1)?.name ?? 'start'}, before any restore started: nothing was restored.`);
      else if (report.cancellation) status.notes.push(report.cancellation.detail);
      return finish('cancelled');
    }
    setPhase('failed');
    throw runFailure(err, status, {
      what: `disasterRecovery of ${source.kind} cluster '${source.clusterName}' in project ${source.groupId}`,
      defaultType: 'DisasterRecoveryFailed',
      summary: () => finish('failed'),
    });
  }
}

/** "snapshot X (taken T)" or "the point in time T (oplog ts:inc)": what the approver is shown. */
function describeRestored(r: DrReport['restored']): string {
  if (r.snapshotId) return `snapshot ${r.snapshotId} (taken ${r.snapshotTimestamp ?? 'at an unknown time'})`;
  const p = r.pointInTime;
  return `the point in time ${p?.at ?? 'given'}${p?.oplogInc !== undefined ? ` (oplog ${p.oplogTs}:${p.oplogInc})` : ''}`;
}

type Acts = ReturnType<typeof proxyActivities<Activities>>;

/**
 * Atlas reports finishedAt to the whole second, so a job that finished within the step's first
 * second would look older than the step and be created again: compare from the step's second.
 */
const toWholeSecond = (iso: string) => new Date(Math.floor(Date.parse(iso) / 1000) * 1000).toISOString();

function startRestoreOf(acts: Acts, src: DrSourceRef, spec: DrRestoreSpec, stepStartedAt: string) {
  if (src.kind === 'serverless') return acts.startServerlessRestore({ source: src, restore: spec, stepStartedAt });
  if (src.kind === 'flex') return acts.startFlexRestore({ source: src, restore: spec, stepStartedAt });
  const { snapshotId, ...restore } = spec;
  return acts.startRestore({ groupId: src.groupId, clusterName: src.clusterName, snapshotId, restore, stepStartedAt });
}

function awaitRestoreOf(acts: Acts, src: DrSourceRef, restoreJobId: string, polling: DisasterRecoveryInput['polling']) {
  if (src.kind === 'serverless') return acts.awaitServerlessRestore({ source: src, restoreJobId, polling });
  if (src.kind === 'flex') return acts.awaitFlexRestore({ source: src, restoreJobId, polling });
  return acts.awaitRestore({ groupId: src.groupId, clusterName: src.clusterName, restoreJobId, polling });
}

/** Dedicated download and point-in-time jobs can be cancelled; Atlas offers no cancel for the others. */
async function cancelRestoreOf(acts: Acts, src: DrSourceRef, restoreJobId: string): Promise<NonNullable<DrReport['cancellation']>> {
  if (src.kind !== 'dedicated') {
    return { restoreJobId, cancelled: false, detail: `Atlas has no cancel endpoint for ${src.kind} restore jobs: restore job ${restoreJobId} keeps running in Atlas.` };
  }
  const r = await acts.cancelRestore({ groupId: src.groupId, clusterName: src.clusterName, restoreJobId });
  return { restoreJobId, ...r };
}
