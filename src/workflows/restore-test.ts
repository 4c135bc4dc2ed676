// restoreTest: check the scratch cluster (exists, no Backup Compliance Policy) → pick a snapshot of
// the source (latest, random within N days, or given) → the shared restore step into the scratch
// cluster, data verification always on → report RTO (trigger → verified) and the snapshot's age.
// The verification's temporary database user is made and deleted inside its one activity attempt.
import { setHandler, uuid4, workflowInfo } from '@temporalio/workflow';
import {
  DrTarget,
  restoreTestInputSchema,
  restoreTestStatusQuery,
  type RestoreTestInput,
  type RestoreTestPhase,
  type RestoreTestReport,
  type RestoreTestRequest,
  type RestoreTestStatus,
  type SourceRef,
} from '../contract/index.js';
import { restoreRunActs, selectDeadlineSeconds } from './activity-options.js';
import { runToEnd, type NotificationFacts } from './notify.js';
import { cancelledEnding, parseWorkflowInput, runFailure, wasCancelled } from './outcomes.js';
import { phaseAttributes, RunRecorder, startingStatus } from './recorder.js';
import { RestoreStep } from './restore-step.js';
import { recordRunEnded } from './run-metrics.js';

export async function restoreTest(request: RestoreTestRequest): Promise<RestoreTestReport> {
  const input = parseWorkflowInput(restoreTestInputSchema(), request, 'restoreTest');
  const run = new RestoreTestRun(input);
  setHandler(restoreTestStatusQuery, () => run.rec.statusNow());
  const steps = async () => {
    await run.checkScratch();
    await run.select();
    await run.restore();
  };
  return runToEnd(run, input.notify, steps, { event: 'restore-test.completed', facts: restoreTestFacts });
}

const secondsSince = (fromMs: number, toMs = Date.now()) => Math.round(Math.max(0, toMs - fromMs)) / 1000;

class RestoreTestRun {
  readonly rec: RunRecorder<RestoreTestPhase, RestoreTestStatus>;
  readonly report: RestoreTestReport;
  private readonly src: SourceRef;
  private readonly acts: ReturnType<typeof restoreRunActs>;

  constructor(private readonly input: RestoreTestInput) {
    const { source, scratch, pick } = input;
    this.src = { kind: 'dedicated', groupId: source.groupId, clusterName: source.clusterName };
    const target = { groupId: scratch.groupId, clusterName: scratch.clusterName };
    const status: RestoreTestStatus = {
      ...startingStatus('restoreTest', source.groupId, source.clusterName),
      scratch: target,
      pick: pick.snapshotId ? 'given' : pick.randomWithinDays ? 'random' : 'latest',
    };
    this.rec = new RunRecorder(status, (phase) =>
      phaseAttributes(source.groupId, source.clusterName, phase, {
        key: DrTarget,
        value: `${scratch.groupId}/${scratch.clusterName}`,
      }),
    );
    const { workflowId, runStartTime } = workflowInfo();
    this.report = {
      outcome: 'completed',
      workflowId,
      source: { groupId: source.groupId, clusterName: source.clusterName },
      scratch: target,
      startedAt: runStartTime.toISOString(),
      endedAt: '',
      status,
    };
    // Paced as the source project's requests (the restore is created and read there).
    this.acts = restoreRunActs(input, source.groupId);
  }

  /** Before any restore job: the scratch cluster exists and its project has no compliance policy. */
  async checkScratch(): Promise<void> {
    const scratch = this.rec.status.scratch;
    const r = await this.rec.step(
      'check-scratch',
      'checking-scratch',
      () => this.acts.select.checkScratchTarget({ scratch, source: this.src }),
      (c) => c.stateName,
    );
    this.rec.status.notes.push(...r.notes);
  }

  /** The snapshot to restore: given, the newest completed, or a random completed one of the last N days. */
  async select(): Promise<void> {
    const { pick } = this.input;
    // uuid4() comes from the run's seeded random: a replay draws the same number.
    const draw = parseInt(uuid4().replace(/-/g, '').slice(0, 12), 16) / 2 ** 48;
    const random = pick.randomWithinDays ? { withinDays: pick.randomWithinDays, draw } : undefined;
    const snap = await this.rec.step(
      'select-snapshot',
      'selecting-snapshot',
      () => this.acts.select.selectDrSnapshot({ source: this.src, snapshotId: pick.snapshotId, random }),
      () => 'completed',
    );
    this.report.snapshotId = this.rec.status.ids.snapshotId = snap.snapshotId;
    this.report.snapshotTimestamp = snap.snapshotTimestamp;
    this.rec.status.snapshot = { id: snap.snapshotId, takenAt: snap.snapshotTimestamp };
  }

  /** The shared restore step into the scratch cluster, verification on; then the times. */
  async restore(): Promise<void> {
    const { scratch, polling, verify } = this.input;
    const taken = this.report.snapshotTimestamp ? Date.parse(this.report.snapshotTimestamp) : NaN;
    if (!Number.isNaN(taken)) {
      this.report.snapshotAgeSeconds = secondsSince(taken);
      this.rec.status.snapshot!.ageSeconds = this.report.snapshotAgeSeconds;
    }
    const step = new RestoreStep(
      {
        record: (name, phase, run, state) => this.rec.step(name, phase, run, state),
        acts: this.acts,
        polling,
        status: this.rec.status,
      },
      this.src,
      {
        deliveryType: 'automated',
        snapshotId: this.report.snapshotId,
        targetGroupId: scratch.groupId,
        targetClusterName: scratch.clusterName,
      },
      { groupId: scratch.groupId, clusterName: scratch.clusterName },
      verify,
    );
    try {
      await step.run();
      this.report.rtoSeconds = this.rec.status.rtoSeconds = secondsSince(workflowInfo().runStartTime.getTime());
    } finally {
      if (step.progress.jobId) this.report.restoreJobId = step.progress.jobId;
      if (step.progress.verification) this.report.verification = step.progress.verification;
    }
  }

  finish(outcome: RestoreTestReport['outcome']): RestoreTestReport {
    this.report.outcome = outcome;
    this.report.endedAt = new Date().toISOString();
    this.report.status = this.rec.statusNow();
    recordRunEnded(outcome);
    return this.report;
  }

  private describe(): string {
    const { source, scratch } = this.input;
    return (
      `restoreTest of cluster '${source.clusterName}' in project ${source.groupId} ` +
      `into scratch cluster '${scratch.clusterName}' in project ${scratch.groupId}`
    );
  }

  end(err: unknown): RestoreTestReport {
    const { rec } = this;
    if (!wasCancelled(err)) {
      rec.setPhase('failed');
      throw runFailure(err, rec.status, {
        what: this.describe(),
        defaultType: 'RestoreTestFailed',
        summary: () => this.finish('failed'),
        deadline: (step) =>
          step === 'select-snapshot' || step === 'check-scratch'
            ? {
                field: 'timeouts.callSeconds (×10, at least 600 s)',
                seconds: selectDeadlineSeconds(this.input.timeouts),
              }
            : {
                field: 'timeouts.restoreSeconds',
                seconds: this.input.timeouts.restoreSeconds,
                job: rec.status.ids.restoreJobId && `Restore job ${rec.status.ids.restoreJobId}`,
              },
      });
    }
    rec.setPhase('cancelled');
    if (!rec.status.ids.restoreJobId)
      rec.status.notes.push(`Cancelled during ${rec.lastStepName()}: nothing restored.`);
    throw cancelledEnding(this.finish('cancelled'), `${this.describe()} cancelled`);
  }
}

/** restore-test.completed: the verified restore's times. */
export function restoreTestFacts(r: RestoreTestReport): NotificationFacts {
  const v = r.verification;
  return {
    outcome: r.outcome,
    summary:
      `restoreTest of cluster '${r.source.clusterName}' in project ${r.source.groupId} verified ` +
      `${v ? `${v.okNamespaces}/${v.checked} namespaces` : 'the restore'} on scratch cluster ` +
      `'${r.scratch.clusterName}': RTO ${Math.round(r.rtoSeconds ?? 0)} s, snapshot ` +
      `${Math.round((r.snapshotAgeSeconds ?? 0) / 60)} min old.`,
    cluster: { groupId: r.source.groupId, clusterName: r.source.clusterName },
    restoreTest: {
      scratch: r.scratch,
      snapshotId: r.snapshotId,
      snapshotAgeSeconds: r.snapshotAgeSeconds,
      rtoSeconds: r.rtoSeconds,
    },
  };
}
