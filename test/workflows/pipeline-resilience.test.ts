// The pipeline under the failures real Atlas and real workers have: fault storms, dropped create
// responses, a worker dying mid-wait, cancellation during a restore.
import { defaultPayloadConverter } from '@temporalio/common';
import { afterEach, beforeAll, afterAll, describe, expect, it } from 'vitest';
import { getPipelineStatus } from '../../src/client/status.js';
import { DEMO_IDS } from '../../src/simulator/index.js';
import type { PipelineResult } from '../../src/contract/index.js';
import { FAST, startTestSimulator, startTestWorker, temporalClient, uniqueId } from '../helpers/temporal.js';
import { endedAs } from '../helpers/outcome.js';
import { backupPipeline } from '../../src/workflows/index.js';

const { projectId: groupId, targetProjectId, bucketId, replicaSet, restoreTarget } = DEMO_IDS;

describe('backupPipeline resilience', () => {
  let temporal: Awaited<ReturnType<typeof temporalClient>>;
  const cleanups: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    temporal = await temporalClient();
  });
  afterEach(async () => {
    while (cleanups.length) await cleanups.pop()!();
  });
  afterAll(async () => {
    await temporal?.close();
  });

  async function setup(
    options: Parameters<typeof startTestSimulator>[0],
    atlas?: Parameters<typeof startTestWorker>[3],
  ) {
    const env = await startTestSimulator(options);
    cleanups.push(() => env.sim.stop());
    const worker = await startTestWorker(env.sim, env.auth, undefined, atlas);
    cleanups.push(() => worker.stop());
    return { ...env, worker };
  }

  async function owned(sim: Awaited<ReturnType<typeof setup>>['sim'], workflowId: string) {
    const r = await sim.admin.resources();
    return {
      snapshots: r.snapshots.filter((s) => s.description?.includes(workflowId)),
      exports: r.exports.filter((e) => e.customData.some((d) => d.value === workflowId)),
    };
  }

  it('completes through a storm of 30% 500/502/503/409/429 (with Retry-After) on every operation', async () => {
    const { sim, worker } = await setup({
      timeScale: 0.05,
      faults: {
        seed: 7,
        operations: {
          '*': {
            status500: 0.06,
            status502: 0.06,
            status503: 0.06,
            status409: 0.06,
            status429: 0.06,
            retryAfterSeconds: 0.2,
          },
        },
      },
    });
    const workflowId = uniqueId('storm');
    const result = (await temporal.client.workflow.execute(backupPipeline, {
      taskQueue: worker.taskQueue,
      workflowId,
      args: [
        {
          groupId,
          clusterName: replicaSet,
          export: { exportBucketId: bucketId },
          restore: {
            deliveryType: 'automated',
            targetGroupId: targetProjectId,
            targetClusterName: restoreTarget,
            overwrite: restoreTarget,
          },
          ...FAST,
        },
      ],
    })) as PipelineResult;
    expect(result.outcome).toBe('completed');
    expect(result.restore?.state).toBe('finished');
    const log = await sim.admin.requestLog();
    const injected = log.filter((e) => [500, 502, 503, 409, 429].includes(e.status));
    expect(injected.length).toBeGreaterThan(0);
    const mine = await owned(sim, workflowId);
    expect([mine.snapshots.length, mine.exports.length]).toEqual([1, 1]);
  });

  it("creates exactly one snapshot, export and restore job when each create's reply is lost after commit", async () => {
    const { sim, worker } = await setup({
      timeScale: 0.05,
      faults: {
        seed: 3,
        operations: {
          takeSnapshots: { dropResponse: 1 },
          createBackupExport: { dropResponse: 1 },
          createBackupRestoreJob: { dropResponse: 1 },
        },
      },
    });
    const workflowId = uniqueId('dropped');
    const result = (await temporal.client.workflow.execute(backupPipeline, {
      taskQueue: worker.taskQueue,
      workflowId,
      args: [
        {
          groupId,
          clusterName: replicaSet,
          export: { exportBucketId: bucketId },
          restore: { deliveryType: 'download' },
          ...FAST,
        },
      ],
    })) as PipelineResult;
    expect(result.outcome).toBe('completed');
    expect(result.snapshot?.adopted).toBe(true);
    const mine = await owned(sim, workflowId);
    const restores = (await sim.admin.resources()).restoreJobs.filter((j) => j.clusterName === replicaSet);
    expect([mine.snapshots.length, mine.exports.length, restores.length]).toEqual([1, 1, 1]);
    const counters = await sim.admin.counters();
    // Each create reached Atlas once (then its response was dropped); the retry adopted it.
    expect([counters.takeSnapshots, counters.createBackupExport, counters.createBackupRestoreJob]).toEqual([1, 1, 1]);
  });

  it('adopts a create whose answer was dropped after it committed at once, not after the commit horizon', async () => {
    // A ten-minute horizon, and a run given a sixth of it: adoption must not wait for the horizon.
    const horizonMs = 600_000;
    const dropped = { dropResponse: 1 };
    const { sim, worker } = await setup(
      {
        timeScale: 0.05,
        faults: {
          operations: { takeSnapshots: dropped, createBackupExport: dropped, createBackupRestoreJob: dropped },
        },
      },
      { commitHorizonMs: horizonMs },
    );
    const workflowId = uniqueId('dropped-fast');
    const result = (await temporal.client.workflow.execute(backupPipeline, {
      taskQueue: worker.taskQueue,
      workflowId,
      workflowExecutionTimeout: horizonMs / 6,
      args: [
        {
          groupId,
          clusterName: replicaSet,
          export: { exportBucketId: bucketId },
          restore: { deliveryType: 'download' },
          ...FAST,
        },
      ],
    })) as PipelineResult;
    expect(result.outcome).toBe('completed');
    expect(result.snapshot?.adopted).toBe(true);
    const counters = await sim.admin.counters();
    expect([counters.takeSnapshots, counters.createBackupExport, counters.createBackupRestoreJob]).toEqual([1, 1, 1]);
    const mine = await owned(sim, workflowId);
    expect([mine.snapshots.length, mine.exports.length]).toEqual([1, 1]);
  });

  it('after a reset before anything committed, looks at once, then waits out the horizon and creates one', async () => {
    const horizonMs = 8_000;
    const { sim, worker } = await setup(
      { timeScale: 0.05, faults: { operations: { takeSnapshots: { reset: 1 } } } },
      { commitHorizonMs: horizonMs },
    );
    const workflowId = uniqueId('reset');
    const handle = await temporal.client.workflow.start(backupPipeline, {
      taskQueue: worker.taskQueue,
      workflowId,
      args: [{ groupId, clusterName: replicaSet, ...FAST }],
    });
    // Only the first create is reset (Atlas never ran it); later ones go through.
    const creates = async () => (await sim.admin.requestLog()).filter((e) => e.operationId === 'takeSnapshots');
    while ((await creates()).length === 0) await new Promise((r) => setTimeout(r, 20));
    await sim.admin.clearFaults();
    // The failed attempt's send time reaches the next attempt in the heartbeat details its failure
    // report carries (no heartbeat precedes a send): lost, the next attempt would wait a second horizon.
    let left: unknown;
    while (left === undefined) {
      const pending = (await handle.describe()).raw.pendingActivities?.find(
        (a) => a.activityType?.name === 'takeSnapshot' && (a.attempt ?? 0) >= 2,
      );
      const payload = pending?.heartbeatDetails?.payloads?.[0];
      if (payload) left = defaultPayloadConverter.fromPayload(payload);
      else await new Promise((r) => setTimeout(r, 50));
    }
    expect(left).toMatchObject({ attempt: 1, createSentAt: expect.any(Number) });
    const result = (await handle.result()) as PipelineResult;
    expect(result.outcome).toBe('completed');
    const log = await sim.admin.requestLog();
    const [reset, created, ...more] = log.filter((e) => e.operationId === 'takeSnapshots');
    expect([reset?.status, created?.status, more.length]).toEqual([0, 200, 0]);
    const at = (e: { at: string }) => Date.parse(e.at);
    // No second create within the horizon of the first's send (the send came just before the reset).
    expect(at(created!) - at(reset!)).toBeGreaterThanOrEqual(horizonMs - 1_000);
    // It looked at once (finding nothing) and again once the horizon had passed, before creating. A
    // loaded machine may fit one more look in between (a retried look attempt), never a create.
    const looks = log
      .filter((e) => e.operationId === 'listBackupSnapshots' && at(e) >= at(reset!) && at(e) <= at(created!))
      .map((e) => at(e) - at(reset!));
    expect(looks.length).toBeGreaterThanOrEqual(2);
    expect(looks[0]).toBeLessThan(horizonMs - 1_000);
    expect(looks.at(-1)).toBeGreaterThanOrEqual(horizonMs - 1_000);
    expect((await owned(sim, workflowId)).snapshots).toHaveLength(1);
  });

  it('finishes with no duplicates when the worker is stopped mid-wait and a new worker takes over', async () => {
    const { sim, auth, worker } = await setup({
      timeScale: 1,
      durations: {
        snapshotQueued: 100,
        snapshotInProgress: 200,
        exportQueued: 100,
        exportPerCollection: 300,
        exportTotalCollections: 10,
      },
    });
    const workflowId = uniqueId('takeover');
    const handle = await temporal.client.workflow.start(backupPipeline, {
      taskQueue: worker.taskQueue,
      workflowId,
      args: [
        {
          groupId,
          clusterName: replicaSet,
          export: { exportBucketId: bucketId },
          ...FAST,
          timeouts: { callSeconds: 5 },
        },
      ],
    });
    const deadline = Date.now() + 20_000;
    while ((await getPipelineStatus(handle)).phase !== 'waiting-for-export' && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect((await getPipelineStatus(handle)).phase).toBe('waiting-for-export');
    await worker.stop();
    const successor = await startTestWorker(sim, auth, worker.taskQueue);
    cleanups.push(() => successor.stop());
    const result = (await handle.result()) as PipelineResult;
    expect(result.outcome).toBe('completed');
    expect(result.export?.state).toBe('Successful');
    const mine = await owned(sim, workflowId);
    expect([mine.snapshots.length, mine.exports.length]).toEqual([1, 1]);
  });

  it('cancels the Atlas restore job when the run is cancelled during a download restore', async () => {
    const { worker } = await setup({
      timeScale: 1,
      durations: { snapshotQueued: 50, snapshotInProgress: 100, restoreDownload: 60_000 },
    });
    const handle = await temporal.client.workflow.start(backupPipeline, {
      taskQueue: worker.taskQueue,
      workflowId: uniqueId('cancel'),
      args: [{ groupId, clusterName: replicaSet, restore: { deliveryType: 'download' }, ...FAST }],
    });
    const deadline = Date.now() + 20_000;
    while ((await getPipelineStatus(handle)).phase !== 'waiting-for-restore' && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    await handle.cancel();
    const result = await endedAs<PipelineResult>(handle, 'CANCELLED');
    expect(result.outcome).toBe('cancelled');
    expect(result.restore?.state).toBe('cancelled');
    expect(result.status.notes.join(' ')).toContain('Cancelled restore job');
    const job = await worker.built.atlas.request('getBackupRestoreJob', {
      path: { groupId, clusterName: replicaSet, restoreJobId: result.restore!.id },
    });
    expect(job.cancelled).toBe(true);
    expect((await getPipelineStatus(handle)).phase).toBe('cancelled');
  });

  it('ends Cancelled, its memo naming the Atlas resources it left, when cancelled in the snapshot wait', async () => {
    const { worker } = await setup({ timeScale: 1, durations: { snapshotQueued: 60_000 } });
    const handle = await temporal.client.workflow.start(backupPipeline, {
      taskQueue: worker.taskQueue,
      workflowId: uniqueId('cancel-snap'),
      args: [{ groupId, clusterName: replicaSet, ...FAST }],
    });
    const deadline = Date.now() + 20_000;
    while ((await getPipelineStatus(handle)).phase !== 'waiting-for-snapshot' && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    await handle.cancel();
    const result = await endedAs<PipelineResult>(handle, 'CANCELLED');
    expect(result.outcome).toBe('cancelled');
    expect(result.status.notes.join(' ')).toMatch(/snapshot [a-f0-9]{24}.*left as they are/);
  });

  it('makes runs filterable by project, cluster and phase through search attributes', async () => {
    const { worker } = await setup({ timeScale: 0.05 });
    const workflowId = uniqueId('visible');
    await temporal.client.workflow.execute(backupPipeline, {
      taskQueue: worker.taskQueue,
      workflowId,
      args: [{ groupId, clusterName: replicaSet, ...FAST }],
    });
    const query =
      `WorkflowId = '${workflowId}' AND AtlasProject = '${groupId}' AND AtlasCluster = '${replicaSet}' ` +
      "AND BackupPhase = 'completed'";
    let found: string[] = [];
    const deadline = Date.now() + 15_000;
    while (found.length === 0 && Date.now() < deadline) {
      found = [];
      for await (const w of temporal.client.workflow.list({ query })) found.push(w.workflowId);
      if (found.length === 0) await new Promise((r) => setTimeout(r, 200));
    }
    expect(found).toEqual([workflowId]);
  });
});
