// backupPipeline on the real Temporal dev server, activities calling the simulator over HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_IDS } from '../../src/simulator/index.js';
import { FAST, startTestSimulator, startTestWorker, temporalClient, uniqueId, type TestWorker } from '../helpers/temporal.js';

describe('backupPipeline on a real Temporal dev server', () => {
  let env: Awaited<ReturnType<typeof startTestSimulator>>;
  let worker: TestWorker;
  let temporal: Awaited<ReturnType<typeof temporalClient>>;

  beforeAll(async () => {
    env = await startTestSimulator({ timeScale: 0.05 });
    worker = await startTestWorker(env.sim, env.auth);
    temporal = await temporalClient();
  });
  afterAll(async () => {
    await worker?.stop();
    await temporal?.close();
    await env?.sim.stop();
  });

  it('takes a snapshot of a replica set and waits until Atlas reports it completed', async () => {
    const workflowId = uniqueId('skeleton');
    const result = await temporal.client.workflow.execute('backupPipeline', {
      taskQueue: worker.taskQueue,
      workflowId,
      args: [{ groupId: DEMO_IDS.projectId, clusterName: DEMO_IDS.replicaSet, snapshot: { retentionInDays: 3 }, ...FAST }],
    });
    expect(result.outcome).toBe('completed');
    expect(result.snapshot.status).toBe('completed');
    const resources = await env.sim.admin.resources();
    const ours = resources.snapshots.filter((s: { id: string }) => s.id === result.snapshot.id);
    expect(ours).toHaveLength(1);
    const fromAtlas = await worker.built.atlas.request('getClusterBackupSnapshot', {
      path: { groupId: DEMO_IDS.projectId, clusterName: DEMO_IDS.replicaSet, snapshotId: result.snapshot.id },
    });
    expect(fromAtlas.status).toBe('completed');
    expect(fromAtlas.description).toContain(workflowId);
  });
});
