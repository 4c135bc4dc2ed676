// `backup`, `status`, `watch`, `list`, `cancel` and the one-backup-per-cluster rule, through the
// real binary against the real dev server, a real worker and the simulator over HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { temporalClient } from '../helpers/temporal.js';
import { BackupAlreadyRunningError, pipelineSearchAttributes, startBackup } from '../../src/index.js';
import { inject } from 'vitest';
import { killSpawned, spawnUntil, startCliEnv, FAST_FLAGS, eventually, whileTicking, type CliEnv } from './helpers.js';
import { backupPipeline } from '../../src/workflows/index.js';

// Snapshots take a simulated minute, so a run stays in flight while the next command looks at
// it; tests that want a run to finish move the simulator's clock (whileTicking).
const DURATIONS = {
  snapshotQueued: 100,
  snapshotInProgress: 60_000,
  exportQueued: 100,
  exportPerCollection: 60,
  exportTotalCollections: 5,
  restoreDownload: 300,
};

let env: CliEnv;
beforeAll(async () => {
  env = await startCliEnv({ durations: DURATIONS });
});
afterAll(async () => {
  killSpawned();
  await env?.stop();
});

const backupArgs = (cluster: string) => ['backup', '--project', env.ids.projectId, '--cluster', cluster, ...FAST_FLAGS];

describe('atlas-backup backup', () => {
  it('--wait follows the pipeline to the end and reports the snapshot, export and restore (--json)', async () => {
    const r = await whileTicking(
      env.sim,
      env.cli([
        ...backupArgs(env.ids.cluster),
        '--export-bucket',
        env.ids.bucketId,
        '--restore',
        'download',
        '--wait',
        '--json',
      ]),
    );
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as {
      workflowId: string;
      executionStatus: string;
      result: {
        outcome: string;
        snapshot: { id: string; status: string };
        export: { state: string };
        restore: { state: string };
      };
    };
    expect(out.workflowId).toMatch(new RegExp(`^backup-${env.ids.cluster}-${env.ids.projectId}-\\d{8}T\\d{9}Z$`));
    expect(out.executionStatus).toBe('COMPLETED');
    expect(out.result.outcome).toBe('completed');
    expect(out.result.snapshot.status).toBe('completed');
    expect(out.result.export.state).toBe('Successful');
    expect(out.result.restore.state).toBe('finished');
    const { snapshots } = await env.sim.admin.resources();
    expect(snapshots.find((s) => s.id === out.result.snapshot.id)?.status).toBe('completed');
  });

  it("a later backup of the same cluster takes a snapshot of its own (never adopts the previous run's)", async () => {
    const run = async () =>
      JSON.parse((await whileTicking(env.sim, env.cli([...backupArgs(env.ids.spare), '--wait', '--json']))).stdout) as {
        workflowId: string;
        result: { snapshot: { id: string; adopted: boolean } };
      };
    const first = await run();
    const second = await run();
    expect(second.workflowId).not.toBe(first.workflowId);
    expect(second.result.snapshot.id).not.toBe(first.result.snapshot.id);
    expect(second.result.snapshot.adopted).toBe(false);
  });

  it('refuses a second pipeline for a cluster with a backup in flight, naming the running one (exit 1)', async () => {
    const first = await env.cli(backupArgs(env.ids.other));
    expect(first.code).toBe(0);
    const id = first.stdout.trim();
    expect(id.startsWith(`backup-${env.ids.other}-${env.ids.projectId}-`)).toBe(true);

    const second = await env.cli(backupArgs(env.ids.other));
    expect(second.code).toBe(1);
    expect(second.stderr).toContain('already has a backup in flight');
    expect(second.stderr).toContain(id);

    // status --json of the running run: the live shape.
    const status = await env.cli(['status', id, '--json']);
    expect(status.code).toBe(0);
    const s = JSON.parse(status.stdout) as Record<string, unknown>;
    expect(s).toMatchObject({
      workflowId: id,
      kind: 'backupPipeline',
      executionStatus: 'RUNNING',
      groupId: env.ids.projectId,
      clusterName: env.ids.other,
    });
    expect(['starting', 'taking-snapshot', 'waiting-for-snapshot']).toContain(s.phase);
    expect(Array.isArray(s.steps)).toBe(true);
    expect(typeof s.attempts).toBe('number');

    // watch follows it to the end.
    const watched = await whileTicking(env.sim, env.cli(['watch', id, '--interval', '100']));
    expect(watched.code).toBe(0);
    expect(watched.stdout).toContain('[completed]');
    expect(watched.stdout).toMatch(/Backup completed: .*\n\s+snapshot\s+[a-f0-9]{24}\s+status completed/);

    // Closed: status still answers from the stored result, no query needed.
    const closed = JSON.parse((await env.cli(['status', id, '--json'])).stdout) as {
      executionStatus: string;
      phase: string;
      ids: { snapshotId?: string };
    };
    expect(closed.executionStatus).toBe('COMPLETED');
    expect(closed.phase).toBe('completed');
    expect(closed.ids.snapshotId).toMatch(/^[a-f0-9]{24}$/);
  });

  it('two racing starts for one cluster: one is refused naming the other, and only one snapshot is taken', async () => {
    // Atlas's own record is durable (visibility lags): count the cluster's on-demand snapshots.
    const onDemand = async () =>
      (await env.sim.admin.resources()).snapshots
        .filter((x) => x.clusterName === env.ids.cluster && x.groupId === env.ids.projectId)
        .filter((x) => x.snapshotType === 'onDemand')
        .map((x) => x.id);
    const before = new Set(await onDemand());
    const [a, b] = await Promise.all([env.cli(backupArgs(env.ids.cluster)), env.cli(backupArgs(env.ids.cluster))]);
    expect([a.code, b.code].sort()).toEqual([0, 1]);
    const winner = (a.code === 0 ? a : b).stdout.trim();
    expect((a.code === 1 ? a : b).stderr).toContain(winner);
    const { client, close } = await temporalClient();
    try {
      const result = await whileTicking(env.sim, client.workflow.getHandle<typeof backupPipeline>(winner).result());
      // Only the winner reached Atlas: one new snapshot, the winner's own.
      expect((await onDemand()).filter((id) => !before.has(id))).toEqual([result.snapshot?.id]);
    } finally {
      await close();
    }
  });

  it('refuses a manual or library backup while a scheduled run (another id) of the cluster runs', async () => {
    const { client, close } = await temporalClient();
    try {
      // What a Schedule starts: backup-<cluster>-<groupId>-<fire time>, search attributes set at start.
      const scheduled = await client.workflow.start(backupPipeline, {
        taskQueue: env.taskQueue,
        workflowId: `backup-${env.ids.cluster}-${env.ids.projectId}-2026-11-22T03:00:00Z`,
        args: [
          {
            groupId: env.ids.projectId,
            clusterName: env.ids.cluster,
            polling: { initialIntervalSeconds: 0.05, maximumIntervalSeconds: 0.2 },
          },
        ],
        typedSearchAttributes: pipelineSearchAttributes(env.ids.projectId, env.ids.cluster),
      });
      const r = await env.cli(backupArgs(env.ids.cluster));
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(scheduled.workflowId);
      // The package's own start (what a library caller uses) keeps the same rule.
      const request = { groupId: env.ids.projectId, clusterName: env.ids.cluster };
      const refused = startBackup(client, request, { taskQueue: env.taskQueue });
      await expect(refused).rejects.toThrow(BackupAlreadyRunningError);
      await expect(refused).rejects.toMatchObject({ runningWorkflowId: scheduled.workflowId });
      await whileTicking(env.sim, scheduled.result());
    } finally {
      await close();
    }
  });
});

describe('atlas-backup list', () => {
  it('filters runs by project, cluster and execution status through visibility', async () => {
    const mine = await eventually(async () => {
      const r = await env.cli(['list', '--project', env.ids.projectId, '--status', 'completed', '--json']);
      const rows = r.stdout
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { workflowId: string; cluster: string; status: string; project: string });
      return rows.length >= 2 ? rows : undefined;
    }, 'completed runs in visibility');
    expect(new Set(mine.map((r) => r.project))).toEqual(new Set([env.ids.projectId]));
    expect(mine.every((r) => r.status === 'COMPLETED')).toBe(true);

    const other = await env.cli(['list', '--project', env.ids.projectId, '--cluster', env.ids.other, '--json']);
    const rows = other.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { cluster: string });
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((r) => r.cluster === env.ids.other)).toBe(true);

    const none = await env.cli(['list', '--project', env.ids.projectId, '--phase', 'waiting-for-restore']);
    expect(none.code).toBe(0);
    expect(none.stdout).toContain('no runs match');
  });
});

describe('atlas-backup watch', () => {
  it('Ctrl-C stops watching and leaves the run going', async () => {
    const started = await env.cli(backupArgs(env.ids.other));
    const id = started.stdout.trim();
    const w = spawnUntil(
      ['watch', id, '--interval', '100'],
      { TEMPORAL_ADDRESS: inject('temporalAddress') },
      /\[waiting-for-snapshot\]/,
    );
    await w.started;
    w.child.kill('SIGINT');
    expect(await w.exited).toBe(0);
    expect(w.output()).toContain(`Stopped watching; ${id} keeps running`);
    const { client, close } = await temporalClient();
    try {
      const handle = client.workflow.getHandle(id);
      expect((await handle.describe()).status.name).toBe('RUNNING');
      await whileTicking(env.sim, handle.result());
    } finally {
      await close();
    }
  });
});

describe('atlas-backup cancel', () => {
  it('cancels a running pipeline; watch then ends with the cancelled outcome and exit 1', async () => {
    const started = await env.cli(backupArgs(env.ids.spare));
    expect(started.code).toBe(0);
    const id = started.stdout.trim();
    const cancel = await env.cli(['cancel', id]);
    expect(cancel.stderr).toBe('');
    expect(cancel.code).toBe(0);
    expect(cancel.stdout).toContain('cancellation requested');
    const watched = await env.cli(['watch', id, '--interval', '100']);
    expect(watched.code).toBe(1);
    expect(watched.stdout).toContain('Backup cancelled');
  });

  it('an unknown workflow id is bad input (exit 2) naming the id', async () => {
    const r = await env.cli(['cancel', 'backup-no-such-cluster-000000000000000000000000']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("no run with workflow id 'backup-no-such-cluster-000000000000000000000000'");
  });
});

describe('atlas-backup backup: overwrite consent (issue 11)', () => {
  const restoreArgs = (cluster: string, targetProject: string, target: string) => [
    ...backupArgs(cluster),
    '--restore',
    'automated',
    '--target-project',
    targetProject,
    '--target-cluster',
    target,
  ];

  it('refuses a restore onto its own source without --overwrite (exit 2), naming the field and the flag', async () => {
    const self = 'cli-self';
    await env.sim.admin.seedCluster({ groupId: env.ids.projectId, name: self, kind: 'replicaSet' });
    const r = await env.cli(restoreArgs(self, env.ids.projectId, self));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`restore.overwrite is required: the target is the source cluster '${self}'`);
    expect(r.stderr).toContain(`--overwrite ${self}`);
    const listed = await env.cli(['list', '--project', env.ids.projectId, '--cluster', self, '--json']);
    expect(listed.stdout.trim()).toBe('');
  });

  it('refuses --overwrite naming another cluster than --target-cluster (exit 2)', async () => {
    const r = await env.cli([
      ...restoreArgs(env.ids.spare, env.ids.targetProjectId, env.ids.target),
      '--overwrite',
      env.ids.spare,
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`restore.overwrite ('${env.ids.spare}') must name the target cluster`);
  });

  it('starts with --overwrite and records the consent and who gave it (the operator) in the run status', async () => {
    const cluster = 'cli-consent';
    await env.sim.admin.seedCluster({ groupId: env.ids.projectId, name: cluster, kind: 'replicaSet' });
    const r = await env.cli(
      [...restoreArgs(cluster, env.ids.targetProjectId, env.ids.target), '--overwrite', env.ids.target, '--json'],
      { env: { ATLAS_BACKUP_OPERATOR: 'dana' } },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const { workflowId } = JSON.parse(r.stdout) as { workflowId: string };
    const status = await eventually(async () => {
      const s = await env.cli(['status', workflowId, '--json']);
      const parsed = s.code === 0 ? (JSON.parse(s.stdout) as { consent?: { by: string; overwrite: string } }) : {};
      return parsed.consent ? parsed : undefined;
    }, 'the consent in the run status');
    expect(status.consent).toMatchObject({ overwrite: env.ids.target, by: 'dana', via: 'start' });
    expect((await env.cli(['cancel', workflowId])).code).toBe(0);
  });
});
