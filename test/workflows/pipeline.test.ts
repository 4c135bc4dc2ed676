// The backup pipeline end to end: real Temporal dev server, real worker, simulator over HTTP.
import { WorkflowFailedError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { getPipelineStatus } from '../../src/client/status.js';
import { DEMO_IDS } from '../../src/simulator/index.js';
import type { BackupPipelineRequest } from '../../src/contract/index.js';
import type { PipelineResult } from '../../src/contract/index.js';
import { FAST, startTestSimulator, startTestWorker, uniqueId, useWorkflowTestEnv } from '../helpers/temporal.js';
import { backupPipeline } from '../../src/workflows/index.js';
import { fairnessKeyOf } from '../../src/workflows/activity-options.js';

const { projectId: groupId, targetProjectId, bucketId, replicaSet, sharded, restoreTarget } = DEMO_IDS;

describe('backupPipeline', () => {
  const ctx = useWorkflowTestEnv({ timeScale: 0.05 });

  const run = (request: BackupPipelineRequest, workflowId = uniqueId('pipeline')) =>
    ctx.client.workflow.execute(backupPipeline, {
      taskQueue: ctx.worker.taskQueue,
      workflowId,
      args: [{ ...FAST, ...request }],
    }) as Promise<PipelineResult>;

  async function resourcesOf(result: PipelineResult) {
    const r = await ctx.sim.admin.resources();
    return {
      snapshots: r.snapshots.filter((s) => s.description?.includes(result.workflowId)),
      exports: r.exports.filter((e) => e.customData.some((d) => d.value === result.workflowId)),
      restores: r.restoreJobs.filter((j) => j.id === result.restore?.id),
    };
  }

  it('takes a snapshot of a replica set and waits until Atlas reports it completed', async () => {
    const workflowId = uniqueId('skeleton');
    const result = await run({ groupId, clusterName: replicaSet, snapshot: { retentionInDays: 3 } }, workflowId);
    expect(result.outcome).toBe('completed');
    expect(result.snapshot?.status).toBe('completed');
    const fromAtlas = await ctx.worker.built.atlas.request('getClusterBackupSnapshot', {
      path: { groupId, clusterName: replicaSet, snapshotId: result.snapshot!.id },
    });
    expect(fromAtlas.status).toBe('completed');
    expect(fromAtlas.description).toContain(workflowId);
    expect(fromAtlas.retentionInDays ?? 3).toBe(3);
  });

  it('takes a new snapshot in a later run that reuses the workflow id (resources are tagged by run)', async () => {
    const workflowId = uniqueId('reused-id');
    const first = await run({ groupId, clusterName: replicaSet, export: { exportBucketId: bucketId } }, workflowId);
    const second = await run({ groupId, clusterName: replicaSet, export: { exportBucketId: bucketId } }, workflowId);
    expect(second.snapshot!.id).not.toBe(first.snapshot!.id);
    expect(second.snapshot!.adopted).toBe(false);
    expect(second.export!.id).not.toBe(first.export!.id);
  });

  it('runs snapshot → export → automated restore for a replica set and reports every step', async () => {
    const result = await run({
      groupId,
      clusterName: replicaSet,
      snapshot: { description: 'nightly', retentionInDays: 2 },
      export: { exportBucketId: bucketId, customData: [{ key: 'team', value: 'platform' }] },
      restore: {
        deliveryType: 'automated',
        targetGroupId: targetProjectId,
        targetClusterName: restoreTarget,
        overwrite: restoreTarget,
        consentBy: 'alice',
      },
    });
    expect(result.outcome).toBe('completed');
    expect(result.restore?.consent).toMatchObject({ overwrite: restoreTarget, by: 'alice', via: 'start' });
    expect(result.snapshot).toMatchObject({ status: 'completed', sharded: false, adopted: false });
    expect(result.export).toMatchObject({ state: 'Successful', exportBucketId: bucketId });
    expect(result.export!.exportedCollections).toBe(result.export!.totalCollections);
    expect(result.restore).toMatchObject({
      state: 'finished',
      deliveryType: 'automated',
      targetClusterName: restoreTarget,
    });
    expect(result.status.steps.map((s) => [s.name, s.outcome])).toEqual([
      ['preflight', 'ok'],
      ['take-snapshot', 'ok'],
      ['wait-for-snapshot', 'ok'],
      ['export', 'ok'],
      ['wait-for-export', 'ok'],
      ['restore', 'ok'],
      ['wait-for-restore', 'ok'],
      ['verify-target', 'ok'],
    ]);
    // The restore step checks its target is serving again, as a DR run does.
    expect(result.restore?.verified).toMatchObject({ stateName: 'IDLE', via: 'getCluster' });
    for (const s of result.status.steps) expect(Date.parse(s.endedAt!)).toBeGreaterThanOrEqual(Date.parse(s.startedAt));
    expect(result.atlasRequests).toBeGreaterThanOrEqual(8);
    const owned = await resourcesOf(result);
    expect([owned.snapshots.length, owned.exports.length, owned.restores.length]).toEqual([1, 1, 1]);
    // Every Atlas activity, the restore create included, is paced as the project's (issue 14).
    const history = await ctx.client.workflow.getHandle(result.workflowId).fetchHistory();
    const scheduled = (history.events ?? []).flatMap((e) => {
      const a = e.activityTaskScheduledEventAttributes;
      return a ? [[a.activityType?.name, a.priority?.fairnessKey ?? 'none']] : [];
    });
    expect(scheduled.map(([name]) => name)).toContain('startRestore');
    expect(scheduled.filter(([, key]) => key !== fairnessKeyOf(groupId))).toEqual([]);
  });

  it('backs up a sharded cluster through the shardedCluster snapshot endpoints', async () => {
    const before = (await ctx.sim.admin.counters()).getBackupShardedCluster ?? 0;
    const result = await run({ groupId, clusterName: sharded, export: { exportBucketId: bucketId } });
    expect(result.snapshot).toMatchObject({ status: 'completed', sharded: true });
    expect(result.export?.state).toBe('Successful');
    expect((await ctx.sim.admin.counters()).getBackupShardedCluster ?? 0).toBeGreaterThan(before);
  });

  it('delivers a download restore with its delivery URL', async () => {
    const result = await run({ groupId, clusterName: replicaSet, restore: { deliveryType: 'download' } });
    expect(['finished', 'ready']).toContain(result.restore?.state);
    expect(result.restore?.deliveryUrl?.length).toBeGreaterThan(0);
  });

  it('restores to a point in time after the snapshot', async () => {
    await ctx.sim.admin.addScheduledSnapshot({ groupId, clusterName: replicaSet, ageMs: 60_000 });
    const pointInTimeUTCSeconds = Math.floor(Date.now() / 1000) - 5;
    const result = await run({
      groupId,
      clusterName: replicaSet,
      restore: {
        deliveryType: 'pointInTime',
        targetGroupId: targetProjectId,
        targetClusterName: restoreTarget,
        pointInTimeUTCSeconds,
        overwrite: restoreTarget,
      },
    });
    expect(result.restore).toMatchObject({ state: 'finished', deliveryType: 'pointInTime' });
    const job = await ctx.worker.built.atlas.request('getBackupRestoreJob', {
      path: { groupId, clusterName: replicaSet, restoreJobId: result.restore!.id },
    });
    expect(job.pointInTimeUTCSeconds).toBe(pointInTimeUTCSeconds);
  });

  it('a second pipeline on one cluster waits out UNFINISHED_ON_DEMAND_SNAPSHOT, then takes its snapshot', async () => {
    // Snapshots that run for seconds, and a second start only once the first snapshot exists: the
    // overlap is guaranteed however slow the machine is, not left to a race of two starts.
    const slow = await startTestSimulator({
      timeScale: 1,
      durations: { snapshotQueued: 500, snapshotInProgress: 4_000 },
    });
    const slowWorker = await startTestWorker(slow.sim, slow.auth);
    try {
      const start = (name: string) =>
        ctx.client.workflow.start(backupPipeline, {
          taskQueue: slowWorker.taskQueue,
          workflowId: uniqueId(name),
          args: [{ ...FAST, groupId, clusterName: replicaSet }],
        });
      const firstHandle = await start('first');
      for (let i = 0; !(await getPipelineStatus(firstHandle)).ids.snapshotId; i++) {
        if (i > 600) throw new Error('the first pipeline never took its snapshot');
        await new Promise((r) => setTimeout(r, 50));
      }
      const secondHandle = await start('second');
      const [first, second] = await Promise.all([firstHandle.result(), secondHandle.result()]);
      expect(first.snapshot!.id).not.toBe(second.snapshot!.id);
      expect([first.snapshot!.status, second.snapshot!.status]).toEqual(['completed', 'completed']);
      expect(second.status.steps.find((s) => s.name === 'take-snapshot')!.attempts).toBeGreaterThan(1);
    } finally {
      await slowWorker.stop();
      await slow.sim.stop();
    }
  });

  it('fails fast after one attempt when the cluster does not exist, naming the cluster and the errorCode', async () => {
    const before = (await ctx.sim.admin.counters()).getCluster ?? 0;
    const err = await run({ groupId, clusterName: 'no-such-cluster' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const message = String((err as WorkflowFailedError).cause?.message);
    expect(message).toContain("'no-such-cluster'");
    expect(message).toContain('CLUSTER_NOT_FOUND');
    expect(message).toMatch(/Check the cluster name/);
    expect(((await ctx.sim.admin.counters()).getCluster ?? 0) - before).toBe(1);
  });

  it('refuses a point in time in the future at pre-flight, naming the field, before any snapshot', async () => {
    const err = await run({
      groupId,
      clusterName: replicaSet,
      restore: {
        deliveryType: 'pointInTime',
        targetGroupId: targetProjectId,
        targetClusterName: restoreTarget,
        overwrite: restoreTarget,
        pointInTimeUTCSeconds: Math.floor(Date.now() / 1000) + 86_400,
      },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const cause = (err as WorkflowFailedError).cause as { message: string; type?: string };
    expect(cause.type).toBe('PreflightFailed');
    expect(cause.message).toContain('restore.pointInTimeUTCSeconds');
    expect(cause.message).toContain('is in the future');
    const failure = (err as WorkflowFailedError).cause as unknown as { details?: PipelineResult[] };
    const summary = failure.details?.[0];
    expect(summary?.status.steps.map((s) => [s.name, s.outcome])).toEqual([['preflight', 'failed']]);
    expect(summary?.snapshot).toBeUndefined();
  });

  it('rejects invalid input on entry with field-level messages, before any Atlas call', async () => {
    const before = await ctx.sim.admin.counters();
    const err = await ctx.client.workflow
      .execute('backupPipeline', {
        taskQueue: ctx.worker.taskQueue,
        workflowId: uniqueId('invalid'),
        args: [{ groupId: 'xyz', clusterName: '-bad', restore: { deliveryType: 'automated' } }],
      })
      .catch((e: unknown) => e);
    const message = String((err as WorkflowFailedError).cause?.message);
    expect(message).toContain('groupId must be a 24-character hex id');
    expect(message).toContain('clusterName must match');
    expect(message).toContain('restore.targetGroupId is required when deliveryType is automated');
    expect(await ctx.sim.admin.counters()).toEqual(before);
  });

  it('refuses a direct start with a number Atlas cannot store, naming the field, before any Atlas call', async () => {
    const before = await ctx.sim.admin.counters();
    const start = ctx.client.workflow.execute(backupPipeline, {
      taskQueue: ctx.worker.taskQueue,
      workflowId: uniqueId('int32'),
      args: [{ groupId, clusterName: replicaSet, snapshot: { retentionInDays: 2 ** 31 } }],
    });
    const err = await start.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    expect(String((err as WorkflowFailedError).cause?.message)).toContain(
      'snapshot.retentionInDays must be at most 2147483647',
    );
    expect(await ctx.sim.admin.counters()).toEqual(before);
  });

  it('refuses a direct start of a download restore with a target, naming the fields, before Atlas calls', async () => {
    const before = await ctx.sim.admin.counters();
    const restore = { deliveryType: 'download' as const, targetGroupId: groupId, targetClusterName: replicaSet };
    const err = await ctx.client.workflow
      .execute(backupPipeline, {
        taskQueue: ctx.worker.taskQueue,
        workflowId: uniqueId('download-target'),
        args: [{ groupId, clusterName: replicaSet, restore }],
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const message = String((err as WorkflowFailedError).cause?.message);
    expect(message).toContain('restore.targetGroupId must be omitted when deliveryType is download');
    expect(message).toContain('restore.targetClusterName must be omitted when deliveryType is download');
    expect(await ctx.sim.admin.counters()).toEqual(before);
  });

  it('shows export progress through getPipelineStatus while the export runs', async () => {
    const slow = await startTestSimulator({
      timeScale: 1,
      durations: {
        snapshotQueued: 50,
        snapshotInProgress: 100,
        exportQueued: 50,
        exportPerCollection: 250,
        exportTotalCollections: 12,
      },
    });
    const slowWorker = await startTestWorker(slow.sim, slow.auth);
    try {
      const handle = await ctx.client.workflow.start(backupPipeline, {
        taskQueue: slowWorker.taskQueue,
        workflowId: uniqueId('progress'),
        args: [
          {
            groupId,
            clusterName: replicaSet,
            export: { exportBucketId: bucketId },
            ...FAST,
            polling: { initialIntervalSeconds: 0.1, maximumIntervalSeconds: 0.3, backoffCoefficient: 1 },
          },
        ],
      });
      let seen: { exportedCollections: number; totalCollections: number } | undefined;
      const deadline = Date.now() + 20_000;
      while (!seen && Date.now() < deadline) {
        const status = await getPipelineStatus(handle);
        if (
          status.phase === 'waiting-for-export' &&
          status.exportProgress &&
          status.exportProgress.exportedCollections > 0 &&
          status.exportProgress.exportedCollections < status.exportProgress.totalCollections
        ) {
          seen = status.exportProgress;
          expect(status.pending?.activity).toBe('awaitExport');
          expect(status.pending?.atlasState).toBe('InProgress');
          expect(status.ids.exportJobId).toBeTruthy();
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(seen?.totalCollections).toBe(12);
      const result = (await handle.result()) as PipelineResult;
      expect(result.export?.state).toBe('Successful');
      const final = await getPipelineStatus(handle);
      expect(final.phase).toBe('completed');
      expect(final.executionStatus).toBe('COMPLETED');
    } finally {
      await slowWorker.stop();
      await slow.sim.stop();
    }
  });
});
