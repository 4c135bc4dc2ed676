// Exactly one Atlas resource per step when a create commits after the client stopped waiting
// (issue 12 point 1): the simulator holds every create past the worker's HTTP timeout and only then
// runs it. Real Temporal dev server, real worker, real HTTP to the simulator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PipelineResult } from '../../src/contract/index.js';
import { DEMO_IDS } from '../../src/simulator/index.js';
import { backupPipeline } from '../../src/workflows/index.js';
import { FAST, startTestSimulator, startTestWorker, temporalClient, uniqueId } from '../helpers/temporal.js';

const { projectId: groupId, targetProjectId, bucketId } = DEMO_IDS;
// The worker gives up on a call after TIMEOUT_MS; the simulator commits STALL_MS after receiving
// it; the worker does not create again before HORIZON_MS after sending (all well apart, so a busy
// machine does not blur them).
const TIMEOUT_MS = 1_000;
const STALL_MS = 2_500;
const HORIZON_MS = 6_000;
const STALLED = { stallThenCommit: 1, stallMs: STALL_MS };

describe('backupPipeline: every create stalled past the client timeout, then committing', () => {
  let env: Awaited<ReturnType<typeof startTestSimulator>>;
  let worker: Awaited<ReturnType<typeof startTestWorker>>;
  let temporal: Awaited<ReturnType<typeof temporalClient>>;

  beforeAll(async () => {
    env = await startTestSimulator({
      timeScale: 0.05,
      faults: {
        operations: {
          takeSnapshots: STALLED,
          createBackupExport: STALLED,
          createBackupRestoreJob: STALLED,
        },
      },
    });
    worker = await startTestWorker(env.sim, env.auth, undefined, {
      timeoutMs: TIMEOUT_MS,
      commitHorizonMs: HORIZON_MS,
    });
    temporal = await temporalClient();
  });
  afterAll(async () => {
    await worker?.stop();
    await temporal?.close();
    await env?.sim.stop();
  });

  it('ends each pipeline with exactly one snapshot, one export job and one restore job', async () => {
    // Two pipelines on clusters of their own: one automated restore into a target, one download.
    const runs = await Promise.all(
      (['automated', 'download'] as const).map(async (deliveryType) => {
        const clusterName = uniqueId('stall');
        await env.sim.admin.seedCluster({ groupId, name: clusterName, kind: 'replicaSet' });
        const tgt = uniqueId('tgt');
        const target =
          deliveryType === 'automated'
            ? { targetGroupId: targetProjectId, targetClusterName: tgt, overwrite: tgt }
            : {};
        if (deliveryType === 'automated')
          await env.sim.admin.seedCluster({
            groupId: targetProjectId,
            name: target.targetClusterName!,
            kind: 'replicaSet',
          });
        const workflowId = uniqueId('stalled');
        const result = (await temporal.client.workflow.execute(backupPipeline, {
          taskQueue: worker.taskQueue,
          workflowId,
          args: [
            {
              groupId,
              clusterName,
              export: { exportBucketId: bucketId },
              restore: { deliveryType, ...target },
              ...FAST,
            },
          ],
        })) as PipelineResult;
        const { events } = await temporal.client.workflow.getHandle(workflowId).fetchHistory();
        return { clusterName, workflowId, result, historyEvents: events?.length ?? 0 };
      }),
    );
    const r = await env.sim.admin.resources();
    const log = await env.sim.admin.requestLog();
    for (const { clusterName, workflowId, result, historyEvents } of runs) {
      expect(result.outcome).toBe('completed');
      // Waiting out the commit horizon is activity retries: no history events (limit 60).
      expect(historyEvents).toBeLessThanOrEqual(60);
      const snapshots = r.snapshots.filter((s) => s.description?.includes(workflowId) && !s.deleted);
      const exports = r.exports.filter((e) => e.customData.some((d) => d.value === workflowId));
      const restores = r.restoreJobs.filter((j) => j.clusterName === clusterName);
      expect([snapshots.length, exports.length, restores.length]).toEqual([1, 1, 1]);
      expect(restores[0]!.snapshotId).toBe(snapshots[0]!.id);
      // Each create was sent once: the stalled first attempt's request is the one that committed.
      const creates = log.filter(
        (e) => e.path.includes(`/clusters/${clusterName}/`) && e.method === 'POST' && !e.path.includes('/__'),
      );
      expect(creates.map((e) => e.operationId).sort()).toEqual(
        ['createBackupExport', 'createBackupRestoreJob', 'takeSnapshots'].sort(),
      );
      // The create steps adopted what the stalled request committed; nothing needed reconciling.
      expect(result.snapshot?.adopted).toBe(true);
      expect(result.status.notes.filter((n) => n.startsWith('Duplicate'))).toEqual([]);
    }
  });
});
