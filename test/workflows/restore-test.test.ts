// restoreTest end to end: real Temporal dev server, real worker, the simulator's data plane with
// SCRAM on, the restored scratch cluster read through the driver as the temporary user the
// verification activity makes and deletes. A failed test posts a signed run.failed webhook; a
// scratch cluster in a project under a Backup Compliance Policy is refused before any restore job.
import { ApplicationFailure, WorkflowFailedError } from '@temporalio/client';
import { afterAll, describe, expect, it } from 'vitest';
import { coverageReport } from '../../src/client/coverage.js';
import { PacedReads } from '../../src/client/paced-reads.js';
import { restoreTestStatusQuery, type RestoreTestReport, type RestoreTestRequest } from '../../src/contract/index.js';
import { notifyConfigFromEnv } from '../../src/notify/config.js';
import { dataPlaneUnavailable } from '../../src/simulator/index.js';
import { restoreTest } from '../../src/workflows/index.js';
import { startReceiver, type Receiver } from '../notify/receiver.js';
import { until } from '../simulator/helpers.js';
import { FAST, uniqueId, useWorkflowTestEnv } from '../helpers/temporal.js';

const G = '65f1a0c0a1b2c3d4e5f6d0b1';
const POLICY = '65f1a0c0a1b2c3d4e5f6d0b2';
const SECRET = 'restore-test-webhook-secret';
const seed = {
  projects: [
    { id: G, clusters: ['src', 'good', 'bad'].map((name) => ({ name, kind: 'replicaSet' as const })) },
    {
      id: POLICY,
      clusters: [{ name: 'kept', kind: 'replicaSet' as const }],
      backupCompliancePolicy: { onDemandPolicyItem: { retentionUnit: 'days' as const, retentionValue: 7 } },
    },
  ],
  data: { src: { app: { users: 300, orders: 120 }, logs: { lines: 50 } } },
};
const faults = {
  data: { restoreLosesCollection: { clusterName: 'bad', namespace: 'app.orders', mode: 'missing' as const } },
};

describe.skipIf(dataPlaneUnavailable())('restoreTest', () => {
  let hooks: Receiver;
  const notify = notifyConfigFromEnv({ ATLAS_BACKUP_NOTIFY_SECRET: SECRET }).config;
  const ctx = useWorkflowTestEnv({ timeScale: 0.05, seed, faults, data: { auth: true } }, notify);
  afterAll(() => hooks?.down());

  async function completedSnapshot(): Promise<string> {
    const path = { groupId: G, clusterName: 'src' };
    const atlas = ctx.worker.built.atlas;
    const taken = await atlas.request('takeSnapshots', { path, body: { description: 'restore test' } });
    await until(
      () => atlas.request('getClusterBackupSnapshot', { path: { ...path, snapshotId: taken.id } }),
      (s) => s.status === 'completed',
      120_000,
    );
    return taken.id;
  }

  const request = (scratch: { groupId: string; clusterName: string }): RestoreTestRequest => ({
    ...FAST,
    source: { groupId: G, clusterName: 'src' },
    scratch: { ...scratch, overwrite: scratch.clusterName },
    notify: { url: hooks.url, events: ['run.failed'] },
  });

  async function run(scratch: { groupId: string; clusterName: string }) {
    hooks ??= await startReceiver(SECRET);
    const handle = await ctx.client.workflow.start(restoreTest, {
      taskQueue: ctx.worker.taskQueue,
      workflowId: uniqueId('restore-test'),
      args: [request(scratch)],
    });
    const outcome = await handle.result().then(
      (r: RestoreTestReport) => r,
      (e: unknown) => e,
    );
    return { handle, outcome };
  }

  const usersLeft = () => Object.keys(ctx.sim.model.state.databaseUsers ?? {});
  const restoreJobCreates = async () =>
    (await ctx.sim.admin.requestLog()).filter((e) => e.method === 'POST' && e.path.includes('/restoreJobs'));

  it('restores the latest snapshot into the scratch, verifies it, reports RTO and age, leaves no user', async () => {
    const snapshotId = await completedSnapshot();
    const { handle, outcome } = await run({ groupId: G, clusterName: 'good' });
    const r = outcome as RestoreTestReport;
    expect(r.outcome, JSON.stringify(outcome)).toBe('completed');
    expect(r.snapshotId).toBe(snapshotId);
    expect(r.verification).toMatchObject({ ok: true, okNamespaces: 3, failedNamespaces: 0, checked: 3 });
    // RTO: from the run's start to the verification's end, so within the run and past the restore's wait.
    const runSeconds = (Date.parse(r.endedAt) - Date.parse(r.startedAt)) / 1000;
    const steps = Object.fromEntries(r.status.steps.map((s) => [s.name, s]));
    const verifiedAt = Date.parse(steps['verify-data']!.endedAt!);
    expect(r.rtoSeconds).toBeGreaterThan(0);
    expect(r.rtoSeconds!).toBeLessThanOrEqual(runSeconds + 0.001);
    expect(Math.abs(r.rtoSeconds! - (verifiedAt - Date.parse(r.startedAt)) / 1000)).toBeLessThan(1);
    // The snapshot's age when the restore began: the restore step's start minus when Atlas took it.
    const age = (Date.parse(steps['restore']!.startedAt) - Date.parse(r.snapshotTimestamp!)) / 1000;
    expect(Math.abs(r.snapshotAgeSeconds! - age)).toBeLessThan(1);
    expect(r.status.steps.map((s) => s.name)).toEqual([
      'check-scratch',
      'select-snapshot',
      'restore',
      'wait-for-restore',
      'verify-target',
      'verify-data',
    ]);
    const status = await handle.query(restoreTestStatusQuery);
    expect(status).toMatchObject({ kind: 'restoreTest', phase: 'completed', rtoSeconds: r.rtoSeconds });
    expect(status.verification?.ok).toBe(true);
    expect(usersLeft()).toEqual([]);

    // `report` (coverage) shows it as the cluster's last verified restore.
    const report = await until(
      () =>
        coverageReport(ctx.client, new PacedReads(ctx.worker.built.atlas), {
          projects: [G],
          rpoMs: 86_400_000,
          verifiedRestoreMaxAgeMs: 3_600_000,
        }),
      (c) => c.clusters.some((x) => x.lastVerifiedRestore?.workflowId === handle.workflowId),
      30_000,
    );
    const src = report.clusters.find((c) => c.clusterName === 'src')!;
    expect(src.lastVerifiedRestore?.workflowId).toBe(handle.workflowId);
    expect(src.breaches.filter((b) => b.includes('verified restore'))).toEqual([]);
  });

  it('fails VerificationFailed naming the lost collection, posts run.failed, leaves no user', async () => {
    await completedSnapshot();
    const { handle, outcome } = await run({ groupId: G, clusterName: 'bad' });
    expect(outcome).toBeInstanceOf(WorkflowFailedError);
    const failure = (outcome as WorkflowFailedError).cause as ApplicationFailure;
    expect(failure.type).toBe('VerificationFailed');
    expect(failure.message).toMatch(/missing\s+app\.orders/);
    const report = failure.details?.[0] as RestoreTestReport;
    expect(report.verification).toMatchObject({ ok: false, failedNamespaces: 1 });
    expect(report.rtoSeconds).toBeUndefined();
    const hook = await hooks.waitFor(
      (h) => (h.json as { run?: { workflowId?: string } }).run?.workflowId === handle.workflowId,
      60_000,
    );
    expect(hook.signatureValid).toBe(true);
    expect(hook.json).toMatchObject({
      event: 'run.failed',
      run: { workflowType: 'restoreTest', outcome: 'failed' },
      cluster: { groupId: G, clusterName: 'src' },
      failure: { type: 'VerificationFailed', step: 'verify-data' },
    });
    expect(usersLeft()).toEqual([]);
  });

  it('refuses a scratch cluster under a Backup Compliance Policy before any restore job, saying why', async () => {
    const before = (await restoreJobCreates()).length;
    const { outcome } = await run({ groupId: POLICY, clusterName: 'kept' });
    expect(outcome).toBeInstanceOf(WorkflowFailedError);
    const failure = (outcome as WorkflowFailedError).cause as ApplicationFailure;
    expect(failure.type).toBe('ScratchRefused');
    expect(failure.message).toContain(`scratch.groupId: project ${POLICY} has a Backup Compliance Policy`);
    expect(failure.message).toContain('could never be deleted early');
    expect((failure.details?.[0] as RestoreTestReport).status.steps.map((s) => s.name)).toEqual(['check-scratch']);
    expect(await restoreJobCreates()).toHaveLength(before);
  });
});
