// Worker Versioning on the real dev server: two workers of one Worker Deployment, builds A and B.
// A pipeline started on build A finishes on A after B is promoted (PINNED), while new pipelines go
// to B, and a fleet started on A moves to B at its next task (AUTO_UPGRADE) while its child, a
// pipeline, stays on A; the deployment's first build makes itself current.
import { randomUUID } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import type { AtlasAuth } from '../../src/atlas/index.js';
import type { WorkerConfig } from '../../src/config.js';
import type { PipelineResult } from '../../src/contract/index.js';
import type { RunningSimulator } from '../../src/simulator/index.js';
import { buildWorker, type BuiltWorker } from '../../src/worker.js';
import {
  becomeCurrentIfNone,
  describeDeployment,
  setCurrentBuild,
  type DeploymentTarget,
} from '../../src/worker-deployment.js';
import { DEMO_IDS } from '../../src/simulator/index.js';
import { backupPipeline, fleetBackup } from '../../src/workflows/index.js';
import { FAST, startTestSimulator, temporalAddress, temporalClient, uniqueId } from '../helpers/temporal.js';

const GROUP = '65f1a0c0a1b2c3d4e5f60001';
const CLUSTER = 'demo-cluster';

interface VersionedWorker {
  built: BuiltWorker;
  stop(): Promise<void>;
}

/** The build that completed each of a run's workflow tasks, from its history. */
async function buildsOf(handle: WorkflowHandle): Promise<string[]> {
  const history = await handle.fetchHistory();
  return (history.events ?? []).flatMap((e) => {
    const done = e.workflowTaskCompletedEventAttributes;
    return done ? [done.deploymentVersion?.buildId ?? done.workerVersion?.buildId ?? 'unversioned'] : [];
  });
}

describe('Worker Versioning: pinned runs stay on their build', () => {
  const deploymentName = uniqueId('deployment');
  const taskQueue = `tq-${randomUUID()}`;
  let sim: RunningSimulator;
  let client: Client;
  let closeClient: () => Promise<void>;
  let target: DeploymentTarget;
  let auth: AtlasAuth;
  const workers: VersionedWorker[] = [];

  async function startWorker(buildId: string): Promise<VersionedWorker> {
    const config: WorkerConfig = {
      temporal: { address: temporalAddress(), namespace: 'default' },
      taskQueue,
      atlas: { baseUrl: sim.url, auth, timeoutMs: 10_000, commitHorizonMs: 1_000 },
      maxConcurrentActivities: 20,
      deployment: { name: deploymentName, buildId },
    };
    const connection = await NativeConnection.connect({ address: temporalAddress() });
    const built = await buildWorker({
      config,
      connection,
      workflowBundle: { codePath: inject('workflowBundlePath') },
      workerOptions: { shutdownGraceTime: '2s' },
    });
    const running = built.worker.run();
    const w = {
      built,
      stop: async () => {
        if (built.worker.getState() === 'RUNNING') built.worker.shutdown();
        await running;
        await built.close();
        await connection.close();
      },
    };
    workers.push(w);
    return w;
  }

  beforeAll(async () => {
    const started = await startTestSimulator();
    sim = started.sim;
    auth = started.auth;
    const temporal = await temporalClient();
    client = temporal.client;
    closeClient = temporal.close;
    target = { service: client.workflowService, namespace: 'default', deploymentName, identity: 'versioning test' };
  });

  afterAll(async () => {
    for (const w of workers) await w.stop();
    await closeClient?.();
    await sim?.stop();
  });

  const startPipeline = () =>
    client.workflow.start(backupPipeline, {
      taskQueue,
      workflowId: uniqueId('versioned-backup'),
      args: [{ ...FAST, groupId: GROUP, clusterName: CLUSTER }],
    });

  it('a run started on build A finishes on A after B becomes current; new runs go to B; a fleet moves', async () => {
    await startWorker('build-a');
    // The deployment's first build makes itself current once its pollers registered it.
    expect(await becomeCurrentIfNone(target, 'build-a')).toBe(true);
    expect((await describeDeployment(target))?.current).toBe('build-a');

    // Snapshot reads answer 503 until B is current: the run started on A is still waiting then.
    await sim.admin.setFaults({ operations: { getClusterBackupSnapshot: { status503: 1, retryAfterSeconds: 0.1 } } });
    let onA: WorkflowHandle<typeof backupPipeline>;
    let fleet: WorkflowHandle<typeof fleetBackup>;
    try {
      onA = await startPipeline();
      fleet = await client.workflow.start(fleetBackup, {
        taskQueue,
        workflowId: uniqueId('versioned-fleet'),
        args: [{ ...FAST, targets: { clusters: [{ groupId: GROUP, clusterName: DEMO_IDS.sharded }] } }],
      });
      let d = await onA.describe();
      while (!d.raw.workflowExecutionInfo?.versioningInfo?.deploymentVersion?.buildId) {
        await new Promise((r) => setTimeout(r, 100));
        d = await onA.describe();
      }
      expect(d.raw.workflowExecutionInfo?.versioningInfo?.deploymentVersion?.buildId).toBe('build-a');
      // The fleet's child has started (on A) before B is promoted.
      while ((await fleet.query('status').then((s) => (s as { running: unknown[] }).running.length)) === 0)
        await new Promise((r) => setTimeout(r, 100));

      await startWorker('build-b');
      // B is promoted once its pollers registered it; a deployment with a current build is not taken over.
      expect(await becomeCurrentIfNone(target, 'build-b', 2_000)).toBe(false);
      // Refused until B has polled the deployment's task queues (workflow and activity tasks).
      for (;;) {
        const refused = await setCurrentBuild(target, 'build-b').then(
          () => undefined,
          (err: unknown) => err as { code?: number },
        );
        if (!refused) break;
        expect(refused.code === 9 || refused.code === 5).toBe(true); // FAILED_PRECONDITION, or not registered yet
        await new Promise((r) => setTimeout(r, 100));
      }
      expect((await describeDeployment(target))?.current).toBe('build-b');
      expect((await onA.describe()).status.name).toBe('RUNNING');
    } finally {
      await sim.admin.clearFaults();
    }

    const onB = await startPipeline();
    const [a, b]: [PipelineResult, PipelineResult] = await Promise.all([onA.result(), onB.result()]);
    expect([a.outcome, b.outcome]).toEqual(['completed', 'completed']);
    // Every workflow task of the first run was completed by build A, every one of the second by B.
    expect(new Set(await buildsOf(onA))).toEqual(new Set(['build-a']));
    expect(new Set(await buildsOf(onB))).toEqual(new Set(['build-b']));
    // The fleet heard from its child (which finished on A) on build B; it had started on A.
    const fleetResult = await fleet.result();
    expect(fleetResult.counts.completed).toBe(1);
    const fleetBuilds = await buildsOf(fleet);
    expect(fleetBuilds[0]).toBe('build-a');
    expect(fleetBuilds.at(-1)).toBe('build-b');
    const child = client.workflow.getHandle(fleetResult.clusters[0]!.workflowId!);
    expect(new Set(await buildsOf(child))).toEqual(new Set(['build-a']));
    const final = await describeDeployment(target);
    expect(final?.builds.map((x) => x.buildId).sort()).toEqual(['build-a', 'build-b']);
  }, 120_000);
});
