// disasterRecovery on the real Temporal dev server, activities calling the simulator over HTTP:
// what gets restored (latest, given, point in time; dedicated, serverless, flex) and how long it took.
import { WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { DEMO_IDS } from '../../src/simulator/index.js';
import type { DrReport } from '../../src/contract/index.js';
import type { DisasterRecoveryRequest } from '../../src/contract/index.js';
import { FAST, uniqueId, useWorkflowTestEnv } from '../helpers/temporal.js';
import { disasterRecovery } from '../../src/workflows/index.js';

// Simulator lifecycles (ms, timeScale 1): the report's phase times are checked against these.
const DURATIONS = {
  snapshotQueued: 50,
  snapshotInProgress: 100,
  restoreAutomated: 600,
  restoreDownload: 300,
  restorePointInTime: 800,
  serverlessSnapshot: 100,
  serverlessRestore: 500,
  flexPending: 100,
  flexQueued: 100,
  flexRunning: 300,
};
const SRC = DEMO_IDS.projectId;
const TGT = DEMO_IDS.targetProjectId;
const HOUR = 3_600_000;

describe('disasterRecovery restores', () => {
  const ctx = useWorkflowTestEnv({ timeScale: 1, durations: DURATIONS });

  /**
   * A fresh source cluster in the demo project and a fresh target in the other project: a replica
   * set, or for a sharded source a sharded cluster of as many shards (Atlas restores into no other).
   */
  async function pair(kind: 'replicaSet' | 'sharded' | 'serverless' | 'flex' = 'replicaSet') {
    const source = uniqueId('src');
    const target = uniqueId('tgt');
    await ctx.sim.admin.seedCluster({ groupId: SRC, name: source, kind });
    await ctx.sim.admin.seedCluster({
      groupId: TGT,
      name: target,
      kind: kind === 'sharded' ? 'sharded' : 'replicaSet',
    });
    return { source, target };
  }
  const run = (request: DisasterRecoveryRequest): Promise<DrReport> =>
    ctx.client.workflow.execute(disasterRecovery, {
      taskQueue: ctx.worker.taskQueue,
      workflowId: uniqueId('dr'),
      args: [{ ...FAST, ...request }],
    });
  const jobsInto = async (target: string) =>
    (await ctx.sim.admin.resources()).restoreJobs.filter((j) => j.targetClusterName === target);

  // On-demand beats older scheduled snapshots; failed ones are skipped.
  it('restores the newest completed snapshot into another project and verifies the target is IDLE', async () => {
    const { source, target } = await pair();
    await ctx.sim.admin.addScheduledSnapshot({ groupId: SRC, clusterName: source, ageMs: 2 * HOUR });
    await ctx.sim.admin.addScheduledSnapshot({ groupId: SRC, clusterName: source, ageMs: HOUR });
    const onDemand = await ctx.worker.built.atlas.request('takeSnapshots', {
      path: { groupId: SRC, clusterName: source },
      body: { description: 'before the fire' },
    });
    for (let i = 0; i < 100; i++) {
      const snap = await ctx.worker.built.atlas.request('getClusterBackupSnapshot', {
        path: { groupId: SRC, clusterName: source, snapshotId: onDemand.id },
      });
      if (snap.status === 'completed') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await ctx.sim.admin.addScheduledSnapshot({ groupId: SRC, clusterName: source, ageMs: 0, status: 'failed' });

    const report = await run({
      source: { kind: 'dedicated', groupId: SRC, clusterName: source },
      what: { latest: true },
      target: { groupId: TGT, clusterName: target },
    });

    expect(report.outcome).toBe('completed');
    expect(report.restored.snapshotId).toBe(onDemand.id);
    expect(report.restored.snapshotTimestamp).toBeTruthy();
    expect(report.approval).toEqual({ required: false });
    expect(report.verified).toMatchObject({ stateName: 'IDLE', via: 'getCluster' });
    const jobs = await jobsInto(target);
    expect(jobs.map((j) => j.id)).toEqual([report.restoreJobId]);
    expect(jobs[0]).toMatchObject({ groupId: SRC, clusterName: source, deliveryType: 'automated', targetGroupId: TGT });
    const cluster = await ctx.worker.built.atlas.request('getCluster', { path: { groupId: TGT, clusterName: target } });
    expect(cluster.stateName).toBe('IDLE');
    // Recovery times: the restore phase lasts at least the simulator's restore duration.
    const { phases, totalSeconds } = report.recovery;
    expect(phases.restoring).toBeGreaterThanOrEqual(DURATIONS.restoreAutomated / 1000);
    expect(phases.restoring).toBeLessThan(15);
    expect(phases.awaitingApproval).toBe(0);
    expect(phases.selecting).toBeGreaterThan(0);
    // Phase times are rounded to the millisecond, so their sum may exceed the total by float noise.
    expect(totalSeconds).toBeGreaterThanOrEqual(phases.selecting + phases.restoring + phases.verifying - 0.002);
    expect(report.status.steps.map((s) => s.name)).toEqual([
      'select-snapshot',
      'check-target',
      'restore',
      'wait-for-restore',
      'verify-target',
    ]);
  });

  it('restores a given snapshot after checking it exists and is completed', async () => {
    const { source, target } = await pair();
    const given = await ctx.sim.admin.addScheduledSnapshot({ groupId: SRC, clusterName: source, ageMs: 3 * HOUR });
    await ctx.sim.admin.addScheduledSnapshot({ groupId: SRC, clusterName: source, ageMs: HOUR });
    const report = await run({
      source: { kind: 'dedicated', groupId: SRC, clusterName: source },
      what: { snapshotId: given.id },
      target: { groupId: TGT, clusterName: target },
    });
    expect(report.outcome).toBe('completed');
    expect(report.restored.snapshotId).toBe(given.id);
    const job = await ctx.worker.built.atlas.request('getBackupRestoreJob', {
      path: { groupId: SRC, clusterName: source, restoreJobId: report.restoreJobId! },
    });
    expect(job.snapshotId).toBe(given.id);
    expect(job.finishedAt).toBeTruthy();
  });

  it('restores a point in time given as pointInTimeUTCSeconds', async () => {
    const { source, target } = await pair();
    await ctx.sim.admin.addScheduledSnapshot({ groupId: SRC, clusterName: source, ageMs: HOUR });
    const pit = Math.floor(Date.now() / 1000) - 60;
    const report = await run({
      source: { kind: 'dedicated', groupId: SRC, clusterName: source },
      what: { pointInTimeUTCSeconds: pit },
      target: { groupId: TGT, clusterName: target },
    });
    expect(report.outcome).toBe('completed');
    expect(report.deliveryType).toBe('pointInTime');
    expect(report.restored.pointInTime).toMatchObject({ utcSeconds: pit, at: new Date(pit * 1000).toISOString() });
    const job = await ctx.worker.built.atlas.request('getBackupRestoreJob', {
      path: { groupId: SRC, clusterName: source, restoreJobId: report.restoreJobId! },
    });
    expect(job).toMatchObject({ deliveryType: 'pointInTime', pointInTimeUTCSeconds: pit, targetClusterName: target });
    expect(report.recovery.phases.restoring).toBeGreaterThanOrEqual(DURATIONS.restorePointInTime / 1000);
    expect(report.verified?.stateName).toBe('IDLE');
  });

  it('restores a point in time given as oplogTs + oplogInc', async () => {
    const { source, target } = await pair();
    await ctx.sim.admin.addScheduledSnapshot({ groupId: SRC, clusterName: source, ageMs: HOUR });
    const oplogTs = Math.floor(Date.now() / 1000) - 120;
    const report = await run({
      source: { kind: 'dedicated', groupId: SRC, clusterName: source },
      what: { oplogTs, oplogInc: 7 },
      target: { groupId: TGT, clusterName: target },
    });
    expect(report.outcome).toBe('completed');
    expect(report.restored.pointInTime).toMatchObject({ oplogTs, oplogInc: 7 });
    const job = await ctx.worker.built.atlas.request('getBackupRestoreJob', {
      path: { groupId: SRC, clusterName: source, restoreJobId: report.restoreJobId! },
    });
    expect(job).toMatchObject({ deliveryType: 'pointInTime', oplogTs, oplogInc: 7 });
    expect(job.pointInTimeUTCSeconds).toBeUndefined();
  });

  it('restores the latest snapshot of a serverless source through the serverless endpoints', async () => {
    const { source, target } = await pair('serverless');
    await ctx.sim.admin.addScheduledSnapshot({ groupId: SRC, clusterName: source, ageMs: 2 * HOUR });
    const newest = await ctx.sim.admin.addScheduledSnapshot({ groupId: SRC, clusterName: source, ageMs: HOUR });
    const report = await run({
      source: { kind: 'serverless', groupId: SRC, clusterName: source },
      what: { latest: true },
      target: { groupId: TGT, clusterName: target },
    });
    expect(report.outcome).toBe('completed');
    expect(report.restored.snapshotId).toBe(newest.id);
    const job = await ctx.worker.built.atlas.request('getServerlessRestoreJob', {
      path: { groupId: SRC, clusterName: source, restoreJobId: report.restoreJobId! },
    });
    expect(job).toMatchObject({ snapshotId: newest.id, targetGroupId: TGT, targetClusterName: target });
    expect(job.finishedAt).toBeTruthy();
    expect(report.recovery.phases.restoring).toBeGreaterThanOrEqual(DURATIONS.serverlessRestore / 1000);
    expect(report.verified?.stateName).toBe('IDLE');
  });

  it('restores a flex source through the flex endpoints and waits for COMPLETED', async () => {
    const { source, target } = await pair('flex');
    const snap = await ctx.sim.admin.addScheduledSnapshot({ groupId: SRC, clusterName: source, ageMs: HOUR });
    const report = await run({
      source: { kind: 'flex', groupId: SRC, clusterName: source },
      what: { latest: true },
      target: { groupId: TGT, clusterName: target },
    });
    expect(report.outcome).toBe('completed');
    expect(report.restored.snapshotId).toBe(snap.id);
    expect(report.restoreJob?.state).toBe('COMPLETED');
    const flexJobs = (await ctx.sim.admin.resources()).flexRestoreJobs.filter((j) => j.instanceName === source);
    expect(flexJobs.map((j) => j.id)).toEqual([report.restoreJobId]);
    const job = await ctx.worker.built.atlas.request('getFlexRestoreJob', {
      path: { groupId: SRC, name: source, restoreJobId: report.restoreJobId! },
    });
    expect(job).toMatchObject({ status: 'COMPLETED', targetProjectId: TGT, targetDeploymentItemName: target });
    expect(report.recovery.phases.restoring).toBeGreaterThanOrEqual(
      (DURATIONS.flexPending + DURATIONS.flexQueued + DURATIONS.flexRunning) / 1000,
    );
  });

  it('selects the latest snapshot of a sharded source through the sharded-cluster snapshot endpoints', async () => {
    const { source, target } = await pair('sharded');
    await ctx.sim.admin.addScheduledSnapshot({ groupId: SRC, clusterName: source, ageMs: 2 * HOUR });
    const newest = await ctx.sim.admin.addScheduledSnapshot({ groupId: SRC, clusterName: source, ageMs: HOUR });
    const report = await run({
      source: { kind: 'dedicated', groupId: SRC, clusterName: source },
      what: { latest: true },
      target: { groupId: TGT, clusterName: target },
    });
    expect(report.outcome).toBe('completed');
    expect(report.restored.snapshotId).toBe(newest.id);
    const listed = (await ctx.sim.admin.requestLog())
      .filter((e) => e.path.includes(`/clusters/${source}/backup/snapshots`))
      .map((e) => e.operationId);
    expect(listed).toContain('listBackupShardedClusters');
    expect(listed).not.toContain('listBackupSnapshots');
  });

  // Flex clusters have no getCluster: the restore job is what says the target is restored.
  it('restores a flex source into a flex target, verified by the flex restore job', async () => {
    const { source } = await pair('flex');
    const flexTarget = uniqueId('flex-tgt');
    await ctx.sim.admin.seedCluster({ groupId: TGT, name: flexTarget, kind: 'flex' });
    await ctx.sim.admin.addScheduledSnapshot({ groupId: SRC, clusterName: source, ageMs: HOUR });
    const report = await run({
      source: { kind: 'flex', groupId: SRC, clusterName: source },
      what: { latest: true },
      target: { groupId: TGT, clusterName: flexTarget },
    });
    expect(report.outcome).toBe('completed');
    expect(report.verified).toMatchObject({ stateName: 'COMPLETED', via: 'flexRestoreJob' });
  });

  it(
    'adopts the serverless and flex restore jobs a dropped create response left behind, creating exactly one each',
    { repeats: 3 },
    async () => {
      const sl = await pair('serverless');
      const fx = await pair('flex');
      await ctx.sim.admin.addScheduledSnapshot({ groupId: SRC, clusterName: sl.source, ageMs: HOUR });
      await ctx.sim.admin.addScheduledSnapshot({ groupId: SRC, clusterName: fx.source, ageMs: HOUR });
      // Every create commits in Atlas, then the connection drops before the answer arrives.
      await ctx.sim.admin.setFaults({
        operations: { createServerlessRestoreJob: { dropResponse: 1 }, createFlexRestoreJob: { dropResponse: 1 } },
      });
      try {
        const [serverless, flex] = await Promise.all([
          run({
            source: { kind: 'serverless', groupId: SRC, clusterName: sl.source },
            what: { latest: true },
            target: { groupId: TGT, clusterName: sl.target },
          }),
          run({
            source: { kind: 'flex', groupId: SRC, clusterName: fx.source },
            what: { latest: true },
            target: { groupId: TGT, clusterName: fx.target },
          }),
        ]);
        expect(serverless.outcome).toBe('completed');
        expect(serverless.restoreJob?.adopted).toBe(true);
        expect((await jobsInto(sl.target)).map((j) => j.id)).toEqual([serverless.restoreJobId]);
        expect(flex.outcome).toBe('completed');
        expect(flex.restoreJob?.adopted).toBe(true);
        const flexJobs = (await ctx.sim.admin.resources()).flexRestoreJobs.filter((j) => j.instanceName === fx.source);
        expect(flexJobs.map((j) => j.id)).toEqual([flex.restoreJobId]);
      } finally {
        await ctx.sim.admin.clearFaults();
      }
    },
  );

  it('fails clearly when the source has no completed snapshot, restoring nothing', async () => {
    const { source, target } = await pair();
    await ctx.sim.admin.addScheduledSnapshot({ groupId: SRC, clusterName: source, ageMs: HOUR, status: 'failed' });
    const err = await run({
      source: { kind: 'dedicated', groupId: SRC, clusterName: source },
      what: { latest: true },
      target: { groupId: TGT, clusterName: target },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const cause = (err as WorkflowFailedError).cause;
    expect(cause).toBeInstanceOf(ApplicationFailure);
    expect((cause as ApplicationFailure).type).toBe('NoCompletedSnapshot');
    expect((cause as ApplicationFailure).message).toContain(`No completed snapshot of dedicated cluster '${source}'`);
    expect((cause as ApplicationFailure).message).toContain('1 listed, none completed');
    expect(await jobsInto(target)).toHaveLength(0);
  });

  it('hands out download links for a dedicated download restore, with no target to verify', async () => {
    const { source } = await pair();
    const snap = await ctx.sim.admin.addScheduledSnapshot({ groupId: SRC, clusterName: source, ageMs: HOUR });
    const report = await run({
      source: { kind: 'dedicated', groupId: SRC, clusterName: source },
      what: { snapshotId: snap.id },
      deliveryType: 'download',
    });
    expect(report.outcome).toBe('completed');
    expect(report.restoreJob?.deliveryUrl?.length).toBeGreaterThan(0);
    expect(report.verified).toBeUndefined();
    expect(report.status.steps.map((s) => s.name)).not.toContain('verify-target');
  });
});

// The blocker must still be running when the run creates its restore, on a loaded machine too: its own
// simulator with restores long enough (10 s) that the run meets it, instead of the 600 ms above.
describe('disasterRecovery restores onto a busy target', () => {
  const ctx = useWorkflowTestEnv({ timeScale: 1, durations: { ...DURATIONS, restoreAutomated: 10_000 } });
  async function pair() {
    const source = uniqueId('src');
    const target = uniqueId('tgt');
    await ctx.sim.admin.seedCluster({ groupId: SRC, name: source, kind: 'replicaSet' });
    await ctx.sim.admin.seedCluster({ groupId: TGT, name: target, kind: 'replicaSet' });
    return { source, target };
  }
  const run = (request: DisasterRecoveryRequest): Promise<DrReport> =>
    ctx.client.workflow.execute(disasterRecovery, {
      taskQueue: ctx.worker.taskQueue,
      workflowId: uniqueId('dr'),
      args: [{ ...FAST, ...request }],
    });
  const jobsInto = async (target: string) =>
    (await ctx.sim.admin.resources()).restoreJobs.filter((j) => j.targetClusterName === target);

  it('waits out a target busy with another restore (ATLAS_CLUSTER_RESTORE_IN_PROGRESS), then completes', async () => {
    const { source, target } = await pair();
    const other = uniqueId('other');
    await ctx.sim.admin.seedCluster({ groupId: SRC, name: other, kind: 'replicaSet' });
    const otherSnap = await ctx.sim.admin.addScheduledSnapshot({ groupId: SRC, clusterName: other, ageMs: HOUR });
    await ctx.sim.admin.addScheduledSnapshot({ groupId: SRC, clusterName: source, ageMs: HOUR });
    const blocker = await ctx.worker.built.atlas.request('createBackupRestoreJob', {
      path: { groupId: SRC, clusterName: other },
      body: { deliveryType: 'automated', snapshotId: otherSnap.id, targetGroupId: TGT, targetClusterName: target },
    });
    const report = await run({
      source: { kind: 'dedicated', groupId: SRC, clusterName: source },
      what: { latest: true },
      target: { groupId: TGT, clusterName: target },
    });
    expect(report.outcome).toBe('completed');
    expect(report.restoreJobId).not.toBe(blocker.id);
    expect((await jobsInto(target)).map((j) => j.id).sort()).toEqual([blocker.id, report.restoreJobId].sort());
    // The create was retried while the blocker ran: more than one attempt.
    expect(report.status.steps.find((s) => s.name === 'restore')?.attempts).toBeGreaterThan(1);
    expect(report.verified?.stateName).toBe('IDLE');
  });
});
