// disasterRecovery's approval gate and cancellation, on the real dev server against the simulator:
// nothing is restored without approval, and a cancelled run says what it left in Atlas.
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { DEMO_IDS } from '../../src/simulator/index.js';
import { approveUpdate, rejectUpdate, type DrReport, type DrStatus } from '../../src/contract/index.js';
import type { DisasterRecoveryRequest } from '../../src/contract/index.js';
import { BackupPhase, DrSource, DrTarget } from '../../src/contract/index.js';
import { FAST, uniqueId, useWorkflowTestEnv } from '../helpers/temporal.js';
import { endedAs } from '../helpers/outcome.js';
import { disasterRecovery } from '../../src/workflows/index.js';

const DURATIONS = { restoreAutomated: 500, restorePointInTime: 4_000 };
const SRC = DEMO_IDS.projectId;
const TGT = DEMO_IDS.targetProjectId;
const HOUR = 3_600_000;
// The cluster whose point-in-time restore keeps a target busy: its restores take an hour, so a run
// that ends while one is still running did not wait it out, however slow the machine.
const BLOCKER = 'busy-target-blocker';

describe('disasterRecovery approval gate and cancellation', () => {
  const ctx = useWorkflowTestEnv({
    timeScale: 1,
    durations: DURATIONS,
    clusterDurations: { [BLOCKER]: { restorePointInTime: HOUR } },
  });

  /** A source with one completed snapshot and an empty target; returns a request restoring it. */
  async function scenario(extra: Partial<DisasterRecoveryRequest> = {}, production = false) {
    const source = uniqueId('src');
    const target = uniqueId('tgt');
    await ctx.sim.admin.seedCluster({ groupId: SRC, name: source, kind: 'replicaSet' });
    await ctx.sim.admin.seedCluster({ groupId: TGT, name: target, kind: 'replicaSet' });
    const snap = await ctx.sim.admin.addScheduledSnapshot({ groupId: SRC, clusterName: source, ageMs: HOUR });
    const request: DisasterRecoveryRequest = {
      ...FAST,
      source: { kind: 'dedicated', groupId: SRC, clusterName: source },
      what: { latest: true },
      target: { groupId: TGT, clusterName: target, production },
      ...extra,
    };
    const handle = await ctx.client.workflow.start(disasterRecovery, {
      taskQueue: ctx.worker.taskQueue,
      workflowId: uniqueId('dr'),
      args: [request],
    });
    return { source, target, snap, handle: handle as WorkflowHandle };
  }

  async function waitForPhase(handle: WorkflowHandle, phase: DrStatus['phase']): Promise<DrStatus> {
    for (let i = 0; i < 400; i++) {
      const s = await handle.query<DrStatus>('status');
      if (s.phase === phase) return s;
      if (['completed', 'failed', 'cancelled', 'rejected'].includes(s.phase))
        throw new Error(`run ended in ${s.phase} before reaching ${phase}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`run never reached ${phase}`);
  }
  const jobsInto = async (target: string) =>
    (await ctx.sim.admin.resources()).restoreJobs.filter((j) => j.targetClusterName === target);

  it('holds a production-target run for approval, showing what gets overwritten; restores once approved', async () => {
    const { target: prodTarget, snap, handle, source } = await scenario({}, true);
    const status = await waitForPhase(handle, 'awaiting-approval');
    expect(status.approval.required).toBe(true);
    expect(status.approval.pending?.overwrite).toBe(`cluster '${prodTarget}' in project ${TGT} (production)`);
    expect(status.approval.pending?.with).toContain(`snapshot ${snap.id}`);
    expect(status.approval.pending?.with).toContain(`cluster '${source}'`);
    expect(await jobsInto(prodTarget)).toHaveLength(0);

    // The validator turns away an approval that names nobody.
    await expect(handle.executeUpdate(approveUpdate, { args: [{ by: '  ' }] })).rejects.toBeInstanceOf(
      WorkflowUpdateFailedError,
    );
    expect(await handle.executeUpdate(approveUpdate, { args: [{ by: 'alice', reason: 'incident 42' }] })).toEqual({
      decision: 'approved',
    });
    // A second decision is refused: the run is no longer awaiting approval.
    await expect(handle.executeUpdate(rejectUpdate, { args: [{ by: 'mallory' }] })).rejects.toBeInstanceOf(
      WorkflowUpdateFailedError,
    );

    const report = (await handle.result()) as DrReport;
    expect(report.outcome).toBe('completed');
    expect(report.approval).toMatchObject({ required: true, decision: 'approved', by: 'alice', reason: 'incident 42' });
    expect(report.approval.at).toBeTruthy();
    expect(report.recovery.phases.awaitingApproval).toBeGreaterThan(0);
    expect((await jobsInto(prodTarget)).map((j) => j.id)).toEqual([report.restoreJobId]);
    expect(report.verified?.stateName).toBe('IDLE');
  });

  it('fails as ApprovalRejected when someone rejects, restoring nothing, with the phase searchable', async () => {
    const { target, handle } = await scenario({ approval: { required: true } });
    await waitForPhase(handle, 'awaiting-approval');
    expect(await handle.executeUpdate(rejectUpdate, { args: [{ by: 'bob', reason: 'wrong snapshot' }] })).toEqual({
      decision: 'rejected',
    });
    const report = await endedAs<DrReport>(handle, 'FAILED', 'ApprovalRejected');
    expect(report.outcome).toBe('rejected');
    expect(report.approval).toMatchObject({ decision: 'rejected', by: 'bob', reason: 'wrong snapshot' });
    expect(report.restoreJobId).toBeUndefined();
    expect(report.status.notes.join(' ')).toContain('Nothing was restored');
    expect(await jobsInto(target)).toHaveLength(0);
    const attrs = (await handle.describe()).typedSearchAttributes;
    expect(attrs.get(BackupPhase)).toBe('rejected');
    expect(attrs.get(DrTarget)).toBe(`${TGT}/${target}`);
    expect(attrs.get(DrSource)).toMatch(/^dedicated:/);
  });

  it('fails as ApprovalTimedOut (not "rejected") when nobody decides in time, restoring nothing', async () => {
    const { target, handle } = await scenario({ approval: { required: true, timeoutSeconds: 1 } });
    const report = await endedAs<DrReport>(handle, 'FAILED', 'ApprovalTimedOut');
    expect(report.outcome).toBe('approval-timed-out');
    expect(report.status.phase).toBe('approval-timed-out');
    expect((await handle.describe()).typedSearchAttributes.get(BackupPhase)).toBe('approval-timed-out');
    expect(report.approval).toMatchObject({ required: true, decision: 'timed-out' });
    expect(report.recovery.phases.awaitingApproval).toBeGreaterThanOrEqual(0.9);
    expect(report.recovery.phases.restoring).toBe(0);
    expect(await jobsInto(target)).toHaveLength(0);
  });

  it('ends Cancelled, its report in the memo, when cancelled before the restore starts', async () => {
    const { target, handle } = await scenario({ approval: { required: true } });
    await waitForPhase(handle, 'awaiting-approval');
    await handle.cancel();
    const report = await endedAs<DrReport>(handle, 'CANCELLED');
    expect(report.outcome).toBe('cancelled');
    expect(report.status.notes.join(' ')).toContain('before any restore started: nothing was restored');
    expect(report.cancellation).toBeUndefined();
    expect(await jobsInto(target)).toHaveLength(0);
  });

  it('stops at once when cancelled while the create waits out a busy target, restoring nothing', async () => {
    const { source, target, handle: gated } = await scenario({ approval: { required: true } });
    await waitForPhase(gated, 'awaiting-approval');
    // Keep the target busy with an hour-long point-in-time restore from another cluster, then approve.
    await ctx.sim.admin.seedCluster({ groupId: SRC, name: BLOCKER, kind: 'replicaSet' });
    await ctx.sim.admin.addScheduledSnapshot({ groupId: SRC, clusterName: BLOCKER, ageMs: HOUR });
    const blocker = await ctx.worker.built.atlas.request('createBackupRestoreJob', {
      path: { groupId: SRC, clusterName: BLOCKER },
      body: {
        deliveryType: 'pointInTime',
        pointInTimeUTCSeconds: Math.floor(Date.now() / 1000) - 60,
        targetGroupId: TGT,
        targetClusterName: target,
      },
    });
    await gated.executeUpdate(approveUpdate, { args: [{ by: 'carol' }] });
    await waitForPhase(gated, 'restoring');
    // Cancel once the create has met the busy target (409 ATLAS_CLUSTER_RESTORE_IN_PROGRESS).
    const busyCreates = async () =>
      (await ctx.sim.admin.requestLog()).filter(
        (e) =>
          e.operationId === 'createBackupRestoreJob' && e.status === 409 && e.path.includes(`/clusters/${source}/`),
      ).length;
    while ((await busyCreates()) === 0) await new Promise((r) => setTimeout(r, 50));
    await gated.cancel();
    const report = await endedAs<DrReport>(gated, 'CANCELLED');
    expect(report.outcome).toBe('cancelled');
    // It ended while the target was still busy: it did not wait out the blocker's hour.
    const still = await ctx.worker.built.atlas.request('getBackupRestoreJob', {
      path: { groupId: SRC, clusterName: BLOCKER, restoreJobId: blocker.id },
    });
    expect(still.finishedAt).toBeUndefined();
    expect(report.restoreJobId).toBeUndefined();
    expect(report.status.notes.join(' ')).toContain('before any restore started: nothing was restored');
    expect((await jobsInto(target)).map((j) => j.id)).toEqual([blocker.id]);
  });

  it('finds and cancels the job a create attempt made when the run is cancelled during that attempt', async () => {
    const pit = Math.floor(Date.now() / 1000) - 60;
    // Each create commits in Atlas, answers slowly, then loses its response.
    await ctx.sim.admin.setFaults({ operations: { createBackupRestoreJob: { latencyMs: 800, dropResponse: 1 } } });
    try {
      const { target, handle } = await scenario({ what: { pointInTimeUTCSeconds: pit } });
      await waitForPhase(handle, 'restoring');
      await handle.cancel();
      const report = await endedAs<DrReport>(handle, 'CANCELLED');
      expect(report.outcome).toBe('cancelled');
      const jobs = await jobsInto(target);
      expect(jobs).toHaveLength(1);
      expect(report.restoreJobId).toBe(jobs[0]!.id);
      expect(report.cancellation).toMatchObject({ restoreJobId: jobs[0]!.id, cancelled: true });
      const job = await ctx.worker.built.atlas.request('getBackupRestoreJob', {
        path: { groupId: SRC, clusterName: jobs[0]!.clusterName, restoreJobId: jobs[0]!.id },
      });
      expect(job.cancelled).toBe(true);
    } finally {
      await ctx.sim.admin.clearFaults();
    }
  });

  it('cancels the Atlas job when cancelled during a point-in-time restore', async () => {
    const pit = Math.floor(Date.now() / 1000) - 60;
    const { source, target, handle } = await scenario({ what: { pointInTimeUTCSeconds: pit } });
    const status = await waitForPhase(handle, 'waiting-for-restore');
    await handle.cancel();
    const report = await endedAs<DrReport>(handle, 'CANCELLED');
    expect(report.outcome).toBe('cancelled');
    expect(report.cancellation).toMatchObject({ restoreJobId: status.ids.restoreJobId, cancelled: true });
    const job = await ctx.worker.built.atlas.request('getBackupRestoreJob', {
      path: { groupId: SRC, clusterName: source, restoreJobId: status.ids.restoreJobId! },
    });
    expect(job.cancelled).toBe(true);
    expect(job.finishedAt).toBeUndefined();
    expect(report.verified).toBeUndefined();
    expect((await jobsInto(target)).map((j) => j.id)).toEqual([status.ids.restoreJobId]);
  });
});
