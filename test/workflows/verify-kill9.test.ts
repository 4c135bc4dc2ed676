// kill -9 of the worker while it verifies a restore: a real `atlas-backup worker` process runs the
// pipeline until its verification attempt has made its temporary database user, then dies without a
// chance to clean up. The next attempt (on another worker) deletes that user first, verifies, and the
// run completes leaving no database user on the simulator. Real dev server, real simulator data plane.
import { inject, afterAll, describe, expect, it } from 'vitest';
import type { PipelineResult } from '../../src/contract/index.js';
import { dataPlaneUnavailable } from '../../src/simulator/index.js';
import { backupPipeline } from '../../src/workflows/index.js';
import { eventually, killSpawned, spawnUntil } from '../cli/helpers.js';
import { restoreIntoRequest } from '../helpers/restore-requests.js';
import { startTestWorker, uniqueId, useWorkflowTestEnv, type TestWorker } from '../helpers/temporal.js';

const G = '65f1a0c0a1b2c3d4e5f6d0d9';
const seed = {
  projects: [{ id: G, clusters: ['src', 'dst'].map((name) => ({ name, kind: 'replicaSet' as const })) }],
  data: { src: { app: { users: 200, orders: 80 }, logs: { lines: 40 } } },
};

afterAll(killSpawned);

describe.skipIf(dataPlaneUnavailable())('kill -9 of the worker during verification', () => {
  // A slow wire keeps the verification attempt busy long enough to be killed in the middle of it.
  const ctx = useWorkflowTestEnv({
    timeScale: 0.05,
    seed,
    data: { auth: true },
    faults: { data: { slowDataPlaneMs: 150 } },
  });
  let second: TestWorker | undefined;
  afterAll(() => second?.stop());

  const users = () => Object.keys(ctx.sim.model.state.databaseUsers ?? {});

  it('the next attempt deletes the dead attempt’s user first, the run completes, no user is left', async () => {
    if (ctx.auth.kind !== 'serviceAccount') throw new Error('the test simulator uses a service account');
    const taskQueue = uniqueId('kill9');
    const worker = spawnUntil(
      ['worker', '--task-queue', taskQueue],
      {
        TEMPORAL_ADDRESS: inject('temporalAddress'),
        MONGODB_ATLAS_BASE_URL: ctx.sim.url,
        MONGODB_ATLAS_CLIENT_ID: ctx.auth.clientId,
        MONGODB_ATLAS_CLIENT_SECRET: ctx.auth.clientSecret,
      },
      new RegExp(`atlas-backup worker: task queue '${taskQueue}'`),
      240_000,
    );
    await worker.started;
    const handle = await ctx.client.workflow.start(backupPipeline, {
      taskQueue,
      workflowId: uniqueId('kill9'),
      args: [restoreIntoRequest(G, 'src', 'dst', { verify: { countTolerance: 0 } })],
    });
    const dead = await eventually(
      async () => users().find((u) => u.includes('/abo-verify-')),
      "the verification attempt's temporary user",
      240_000,
      10,
    );
    worker.child.kill('SIGKILL');
    expect(await worker.exited).toBeNull();
    expect(users()).toContain(dead);

    second = await startTestWorker(ctx.sim, ctx.auth, taskQueue);
    const result: PipelineResult = await handle.result();
    expect(result.outcome).toBe('completed');
    expect(result.restore?.verification).toMatchObject({ ok: true, failedNamespaces: 0 });
    const step = result.status.steps.find((s) => s.name === 'verify-data');
    expect(step?.attempts).toBeGreaterThanOrEqual(2);
    expect(users()).toEqual([]);
  }, 480_000);
});
