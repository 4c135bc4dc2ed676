// Issue 11's safety points for backupPipeline, on the real dev server against the simulator:
// overwrite consent (and the approval gate of a production target), the pre-flight before the
// snapshot, and the restore job a run cancelled during the restore create leaves behind.
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { getPipelineStatus } from '../../src/client/status.js';
import { DEMO_IDS } from '../../src/simulator/index.js';
import { approveUpdate, rejectUpdate } from '../../src/contract/index.js';
import type { BackupPipelineRequest, PipelinePhase, PipelineResult } from '../../src/contract/index.js';
import { FAST, uniqueId, useWorkflowTestEnv } from '../helpers/temporal.js';
import { backupPipeline } from '../../src/workflows/index.js';

const { projectId: SRC, targetProjectId: TGT, serverless } = DEMO_IDS;
const DAY_S = 86_400;

describe('backupPipeline safety (issue 11)', () => {
  // Point-in-time and download restores run for minutes: a target can be "being restored" while a
  // test looks, and a cancel lands while the download job still runs.
  const ctx = useWorkflowTestEnv({
    timeScale: 0.05,
    durations: { restorePointInTime: 3_600_000, restoreDownload: 600_000 },
  });

  const start = (request: BackupPipelineRequest, workflowId = uniqueId('safety')) =>
    ctx.client.workflow.start(backupPipeline, {
      taskQueue: ctx.worker.taskQueue,
      workflowId,
      args: [{ ...FAST, ...request }],
    }) as Promise<WorkflowHandle<typeof backupPipeline>>;

  async function cluster(prefix: string, groupId: string = SRC, extra: { paused?: boolean } = {}): Promise<string> {
    const name = uniqueId(prefix);
    await ctx.sim.admin.seedCluster({ groupId, name, kind: 'replicaSet', ...extra });
    return name;
  }

  const snapshotsOf = async (groupId: string, clusterName: string) =>
    (await ctx.sim.admin.resources()).snapshots.filter(
      (s) => s.groupId === groupId && s.clusterName === clusterName && s.snapshotType === 'onDemand',
    );

  async function waitForPhase(handle: WorkflowHandle, phase: PipelinePhase) {
    for (let i = 0; i < 600; i++) {
      const s = await getPipelineStatus(handle);
      if (s.phase === phase) return s;
      if (['completed', 'failed', 'cancelled'].includes(s.phase)) throw new Error(`run ended ${s.phase}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`run never reached ${phase}`);
  }

  async function failureOf(handle: WorkflowHandle) {
    const err = await handle.result().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkflowFailedError);
    const cause = (err as WorkflowFailedError).cause as { message: string; type?: string; details?: unknown[] };
    return { message: cause.message, type: cause.type, summary: cause.details?.[0] as PipelineResult | undefined };
  }

  describe('overwrite consent', () => {
    it('refuses a start onto its own source without consent, naming restore.overwrite, before any call', async () => {
      const source = await cluster('self');
      const before = await ctx.sim.admin.counters();
      const handle = await start({
        groupId: SRC,
        clusterName: source,
        restore: { deliveryType: 'automated', targetGroupId: SRC, targetClusterName: source },
      });
      const f = await failureOf(handle);
      expect(f.type).toBe('InvalidInput');
      expect(f.message).toContain(`restore.overwrite is required: the target is the source cluster '${source}' itself`);
      expect(f.message).toContain(`--overwrite ${source}`);
      expect(await ctx.sim.admin.counters()).toEqual(before);
      expect(await snapshotsOf(SRC, source)).toHaveLength(0);
    });

    it('restores onto its own source when the consent names it, and records who consented', async () => {
      const source = await cluster('self-ok');
      const handle = await start({
        groupId: SRC,
        clusterName: source,
        restore: {
          deliveryType: 'automated',
          targetGroupId: SRC,
          targetClusterName: source,
          overwrite: source,
          consentBy: 'alice',
        },
      });
      const result = await handle.result();
      expect(result.outcome).toBe('completed');
      expect(result.restore).toMatchObject({ state: 'finished', targetClusterName: source });
      expect(result.restore?.consent).toMatchObject({
        overwrite: source,
        targetGroupId: SRC,
        by: 'alice',
        via: 'start',
      });
      expect(result.status.consent?.by).toBe('alice');
    });

    /** A pipeline restoring from a new cluster into a new production target (consent by `consentBy`). */
    async function startProductionRestore(prefix: string, consentBy?: string) {
      const source = await cluster(`${prefix}-src`);
      const target = await cluster(`${prefix}-tgt`, TGT);
      const restore = { deliveryType: 'automated' as const, targetGroupId: TGT, targetClusterName: target };
      const handle = await start({
        groupId: SRC,
        clusterName: source,
        restore: { ...restore, overwrite: target, production: true, ...(consentBy ? { consentBy } : {}) },
      });
      return { source, target, handle };
    }

    it('waits for approve before restoring into a production target; the approver is who consented', async () => {
      const { source, target, handle } = await startProductionRestore('prod', 'scheduler');
      const waiting = await waitForPhase(handle, 'awaiting-approval');
      expect(waiting.approval?.pending?.overwrite).toBe(`cluster '${target}' in project ${TGT} (production)`);
      expect(waiting.approval?.pending?.with).toContain(`snapshot ${waiting.ids.snapshotId}`);
      const restoresBefore = (await ctx.sim.admin.resources()).restoreJobs.filter((j) => j.clusterName === source);
      expect(restoresBefore).toHaveLength(0);
      await handle.executeUpdate(approveUpdate, { args: [{ by: 'bob', reason: 'CHG-42' }] });
      const result = await handle.result();
      expect(result.outcome).toBe('completed');
      expect(result.restore?.state).toBe('finished');
      expect(result.restore?.consent).toMatchObject({
        overwrite: target,
        by: 'bob',
        via: 'approval',
        production: true,
      });
      expect(result.status.approval).toMatchObject({
        required: true,
        decision: 'approved',
        by: 'bob',
        reason: 'CHG-42',
      });
    });

    it('a rejected production restore fails naming who rejected it and restores nothing', async () => {
      const { source, handle } = await startProductionRestore('rej');
      await waitForPhase(handle, 'awaiting-approval');
      await handle.executeUpdate(rejectUpdate, { args: [{ by: 'carol', reason: 'wrong target' }] });
      const f = await failureOf(handle);
      expect(f.type).toBe('ApprovalRejected');
      expect(f.message).toContain('Rejected by carol: wrong target');
      expect((await ctx.sim.admin.resources()).restoreJobs.filter((j) => j.clusterName === source)).toHaveLength(0);
    });
  });

  describe('pre-flight before the snapshot', () => {
    const NO_SUCH_ID = '65f1a0c0a1b2c3d4e5f6ffff';
    /** Each case: how to break the request, the field the failure names, words it says. */
    const cases: {
      name: string;
      setup: (source: string) => Promise<Partial<BackupPipelineRequest>>;
      field: string;
      says: string;
    }[] = [
      {
        name: 'a missing project',
        setup: async () => ({ groupId: NO_SUCH_ID }),
        field: 'groupId',
        says: 'GROUP_NOT_FOUND',
      },
      {
        name: 'a cluster with Cloud Backup off',
        setup: async (source) => {
          await ctx.worker.built.atlas.request('updateCluster', {
            path: { groupId: SRC, clusterName: source },
            body: { backupEnabled: false },
          });
          return {};
        },
        field: 'clusterName',
        says: 'Cloud Backup is off',
      },
      {
        name: 'a missing export bucket',
        setup: async () => ({ export: { exportBucketId: NO_SUCH_ID } }),
        field: 'export.exportBucketId',
        says: 'EXPORT_BUCKET_NOT_FOUND',
      },
      {
        name: 'a missing restore target',
        setup: async () => automated('no-such-target'),
        field: 'restore.targetClusterName',
        says: 'CLUSTER_NOT_FOUND',
      },
      {
        name: 'a paused restore target',
        setup: async () => automated(await cluster('paused', TGT, { paused: true })),
        field: 'restore.targetClusterName',
        says: 'is paused',
      },
      {
        name: 'a serverless restore target',
        setup: async () => automated(serverless, SRC),
        field: 'restore.targetClusterName',
        says: 'is a serverless instance',
      },
      {
        // e.g. the previous night's restore of the same pipeline, still running
        name: 'a restore target that is being restored',
        setup: async (source) => {
          const target = await cluster('busy', TGT);
          await ctx.sim.admin.addScheduledSnapshot({ groupId: SRC, clusterName: source, ageMs: 3_600_000 });
          await ctx.worker.built.atlas.request('createBackupRestoreJob', {
            path: { groupId: SRC, clusterName: source },
            body: {
              deliveryType: 'pointInTime',
              pointInTimeUTCSeconds: Math.floor(Date.now() / 1000) - 60,
              targetGroupId: TGT,
              targetClusterName: target,
            },
          });
          return automated(target);
        },
        field: 'restore.targetClusterName',
        says: 'is being restored by restore job',
      },
      {
        name: 'a point in time outside the restore window',
        setup: async () => ({
          restore: {
            ...automated(DEMO_IDS.restoreTarget).restore,
            deliveryType: 'pointInTime',
            pointInTimeUTCSeconds: Math.floor(Date.now() / 1000) - 30 * DAY_S,
          },
        }),
        field: 'restore.pointInTimeUTCSeconds',
        says: 'outside the restore window',
      },
    ];

    function automated(target: string, groupId: string = TGT) {
      return {
        restore: {
          deliveryType: 'automated' as const,
          targetGroupId: groupId,
          targetClusterName: target,
          overwrite: target,
        },
      };
    }

    it.each(cases)('fails at once on $name, naming $field, with no snapshot taken', async (c) => {
      const source = await cluster('pf');
      const request = { groupId: SRC, clusterName: source, ...(await c.setup(source)) };
      const f = await failureOf(await start(request));
      expect(f.type).toBe('PreflightFailed');
      expect(f.message).toContain(`${c.field}: `);
      expect(f.message).toContain(c.says);
      expect(f.summary?.status.steps.map((s) => [s.name, s.outcome])).toEqual([['preflight', 'failed']]);
      expect(await snapshotsOf(request.groupId, source)).toHaveLength(0);
    });

    it('reads the cluster once per run, even when the snapshot create is retried', async () => {
      const source = await cluster('once');
      // A cluster read is getCluster, or the project's cluster list the worker's pre-flights share.
      const reads = async () => {
        const c = await ctx.sim.admin.counters();
        return (c.getCluster ?? 0) + (c.listClusters ?? 0);
      };
      const before = await reads();
      // Seeded: the first three creates answer 503, the fourth succeeds.
      await ctx.sim.admin.setFaults({
        seed: 1,
        operations: { takeSnapshots: { status503: 0.8, retryAfterSeconds: 0.1 } },
      });
      try {
        const result = await (await start({ groupId: SRC, clusterName: source })).result();
        expect(result.outcome).toBe('completed');
        expect(result.status.steps.find((s) => s.name === 'take-snapshot')?.attempts).toBeGreaterThan(1);
      } finally {
        await ctx.sim.admin.clearFaults();
      }
      // At most once: none when another run's shared list of the last seconds already had it.
      expect((await reads()) - before).toBeLessThanOrEqual(1);
    });
  });

  it('a run cancelled while its restore create retries cancels the job the interrupted attempt created', async () => {
    const source = await cluster('cancel-create');
    // Every create commits the job, then answers 500, and the look that would adopt it at once fails
    // too: the attempt fails and waits out its backoff.
    await ctx.sim.admin.setFaults({
      operations: {
        createBackupRestoreJob: { commitThenStatus: 1, commitStatus: 500 },
        listBackupRestoreJobs: { status500: 1 },
      },
    });
    try {
      const handle = await start({
        groupId: SRC,
        clusterName: source,
        restore: { deliveryType: 'download' },
        retry: { initialIntervalSeconds: 60, maximumIntervalSeconds: 60, backoffCoefficient: 2 },
      });
      const job = await (async () => {
        for (let i = 0; i < 600; i++) {
          const status = await getPipelineStatus(handle);
          const jobs = (await ctx.sim.admin.resources()).restoreJobs.filter((j) => j.clusterName === source);
          if (jobs.length && status.phase === 'restoring' && (status.pending?.attempt ?? 1) > 1) return jobs[0]!;
          await new Promise((r) => setTimeout(r, 50));
        }
        throw new Error('the restore create never failed after committing its job');
      })();
      await ctx.sim.admin.clearFaults(); // the cancel's own look must find the job
      await handle.cancel();
      const outcome = await handle.result().catch((e: unknown) => e);
      if (!(outcome instanceof WorkflowFailedError)) expect((outcome as PipelineResult).outcome).toBe('cancelled');
      const after = (await ctx.sim.admin.resources()).restoreJobs.find((j) => j.id === job.id);
      expect(after?.cancelledAt).toBeDefined();
      const status = await getPipelineStatus(handle);
      expect(status.ids.restoreJobId).toBe(job.id);
      expect(status.notes.join('\n')).toContain(`Cancelled restore job ${job.id} in Atlas`);
    } finally {
      await ctx.sim.admin.clearFaults();
    }
  });
});
