// The pipeline's safety steps, apart from its main line: the pre-flight before the snapshot, and the
// overwrite consent and approval gate before a restore (the restore step's approval stage).
import { ActivityCancellationType, ApplicationFailure, proxyActivities, setHandler } from '@temporalio/workflow';
import {
  APPROVAL_REJECTED,
  APPROVAL_TIMED_OUT,
  approveUpdate,
  overwritesCluster,
  PIPELINE_APPROVAL_TIMEOUT_SECONDS,
  rejectUpdate,
  type Activities,
  type BackupPipelineInput,
  type NotifySpec,
  type PreflightInput,
} from '../contract/index.js';
import { callOptions, type Acts } from './activity-options.js';
import { ApprovalGate, type GatedStatus } from './approval.js';
import { approvalFacts, notify } from './notify.js';
import { wasCancelled } from './outcomes.js';
import type { PipelineRecorder } from './recorder.js';

/** What the pre-flight checks of a pipeline request (a run's, or a schedule's before it is saved). */
export function preflightInputOf(input: BackupPipelineInput): PreflightInput {
  const { groupId, clusterName, restore } = input;
  return {
    groupId,
    clusterName,
    exportBucketId: input.export?.exportBucketId,
    restore: restore && {
      deliveryType: restore.deliveryType,
      targetGroupId: restore.targetGroupId,
      targetClusterName: restore.targetClusterName,
      pointInTimeUTCSeconds: restore.pointInTimeUTCSeconds,
      oplogTs: restore.oplogTs,
      oplogInc: restore.oplogInc,
    },
    retentionInDays: input.snapshot.retentionInDays,
    ...temporaryUsersOf(input),
    // Only a run without its own notify needs the worker's default (its URL stays out of other runs' histories).
    ...(input.notify ? {} : { notifyDefault: true as const }),
  };
}

/** Where verification will make temporary users: the source (manifest) and the restore target. */
function temporaryUsersOf(input: BackupPipelineInput): { temporaryUsers?: { groupId: string; field: string }[] } {
  const { groupId, restore, export: exp } = input;
  const users: { groupId: string; field: string }[] = [];
  const field = restore?.verify ? 'restore.verify' : 'export.verify';
  if (restore?.verify || exp?.verify) users.push({ groupId, field });
  if (restore?.verify && restore.targetGroupId && restore.targetGroupId !== groupId)
    users.push({ groupId: restore.targetGroupId, field: 'restore.verify' });
  return users.length ? { temporaryUsers: users } : {};
}

/** Restore creates that wait for a cancelled attempt to end, paced as `project`'s requests (none: unpaced). */
const startsOf = ({ retry, timeouts }: BackupPipelineInput, project: string | undefined): Acts =>
  proxyActivities<Activities>({
    ...callOptions(retry, timeouts, timeouts.restoreSeconds, project),
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
  });

export class PipelineSafety {
  private readonly gate: ApprovalGate;
  private readonly checks: Acts;
  /** Waits for a cancelled create attempt to end, so the job it may have made is listed afterwards. */
  starts: Acts;
  /** The worker's default `notify`, from the pre-flight's result (undefined: not known yet). */
  notifyDefault?: NotifySpec | null;

  constructor(
    private readonly rec: PipelineRecorder,
    private readonly input: BackupPipelineInput,
  ) {
    const { retry, timeouts, restore } = input;
    // A regular activity with the project's fairness key, not a local one: its reads count against the
    // project's Atlas budget, and only server-dispatched tasks are paced: a local activity's reads
    // would reach Atlas unpaced when many pipelines start together.
    this.checks = proxyActivities<Activities>(
      callOptions(retry, timeouts, Math.max(timeouts.callSeconds * 10, 600), input.groupId),
    );
    // Paced with the project's other requests: without its key the restore creates would run unpaced.
    this.starts = startsOf(input, input.groupId);
    this.gate = new ApprovalGate(rec.status as GatedStatus);
    setHandler(approveUpdate, (d) => this.gate.decide('approved', d), { validator: (d) => this.gate.validate(d) });
    setHandler(rejectUpdate, (d) => this.gate.decide('rejected', d), { validator: (d) => this.gate.validate(d) });
    if (restore?.overwrite && overwritesCluster(restore.deliveryType) && restore.targetGroupId) {
      rec.status.consent = {
        overwrite: restore.overwrite,
        targetGroupId: restore.targetGroupId,
        by: restore.consentBy ?? 'not recorded (restore.consentBy was not given)',
        via: 'start',
        at: new Date().toISOString(),
        production: restore.production === true,
      };
    }
  }

  /**
   * Checks project, cluster, compliance policy, bucket, restore target and point in time before the
   * snapshot; returns whether the cluster is sharded, so takeSnapshot does not read the cluster again, and its
   * connection string, so the manifest's temporary user does not either. Runs in the
   * `starting` phase: no phase change, no extra search-attribute upsert in history.
   */
  async preflight(): Promise<{ sharded: boolean; connectionString?: string | undefined; dispatch?: 'eager' }> {
    const checked = await this.rec.timeline.record(
      'preflight',
      this.rec.status,
      () => this.checks.preflightPipeline(preflightInputOf(this.input)),
      (r) => r.clusterType,
      wasCancelled,
    );
    this.rec.count(checked);
    this.notifyDefault = checked.notifyDefault;
    return {
      sharded: checked.sharded,
      connectionString: checked.connectionString,
      ...(checked.dispatch ? { dispatch: checked.dispatch } : {}),
    };
  }

  /** Nothing paces the project (the pre-flight said so): restore creates go eager too. */
  unpace(): void {
    this.starts = startsOf(this.input, undefined);
  }

  /** A production target waits for approve/reject; the approver becomes who consented. */
  async approveOverwrite(snapshotId: string): Promise<void> {
    const r = this.input.restore;
    if (!r?.production || !overwritesCluster(r.deliveryType)) return;
    const { rec } = this;
    const timeout = r.approvalTimeoutSeconds ?? PIPELINE_APPROVAL_TIMEOUT_SECONDS;
    rec.status.approval = { required: true };
    const restored =
      r.deliveryType === 'pointInTime'
        ? `the point in time ${new Date((r.pointInTimeUTCSeconds ?? r.oplogTs ?? 0) * 1000).toISOString()}`
        : `snapshot ${snapshotId}`;
    await rec.step(
      'approval',
      'awaiting-approval',
      async () => {
        const waiting = this.gate.waitFor(
          {
            overwrite: `cluster '${r.targetClusterName}' in project ${r.targetGroupId} (production)`,
            with: `${restored} of cluster '${this.input.clusterName}' in project ${this.input.groupId}`,
          },
          timeout,
        );
        // The same page as DR's gate; not awaited: the approver may decide before it is handed over.
        void notify('dr.awaiting-approval', this.input.notify, approvalFacts(rec.status), this.notifyDefault);
        const decided = await waiting;
        const a = rec.status.approval!;
        if (a.decision === 'approved') {
          rec.status.consent = { ...rec.status.consent!, by: a.by!, via: 'approval', at: a.at! };
          return { attempts: 0, decision: a.decision };
        }
        const kept = `Nothing was restored; snapshot ${snapshotId} is kept.`;
        const message = decided
          ? `Rejected by ${a.by}${a.reason ? `: ${a.reason}` : ''}. ${kept}`
          : `No approval within ${timeout}s (restore.approvalTimeoutSeconds). ${kept}`;
        rec.status.notes.push(message);
        throw ApplicationFailure.create({
          type: decided ? APPROVAL_REJECTED : APPROVAL_TIMED_OUT,
          nonRetryable: true,
          message,
        });
      },
      (x) => x.decision,
    );
  }
}
