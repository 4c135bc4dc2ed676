// `schedule ...` through the real binary: a Schedule that starts backupPipeline runs on our worker.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCliEnv, FAST_FLAGS, eventually, hexId, whileTicking, type CliEnv } from './helpers.js';
import { temporalClient } from '../helpers/temporal.js';

// A scheduled run stays in flight until the test moves the simulator's clock (whileTicking).
const DURATIONS = { snapshotQueued: 100, snapshotInProgress: 60_000 };

let env: CliEnv;
beforeAll(async () => {
  env = await startCliEnv({ durations: DURATIONS });
});
afterAll(async () => {
  await env?.stop();
});

interface Row {
  workflowId: string;
  status: string;
}
const runsOf = async (cluster: string): Promise<Row[]> => {
  const r = await env.cli(['list', '--project', env.ids.projectId, '--cluster', cluster, '--json']);
  return r.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Row);
};

describe('atlas-backup schedule', () => {
  // The second trigger comes while a run is still going, so the overlap policy skips it.
  it('create → trigger → run completes → a 2nd trigger is skipped → pause/unpause → update → delete', async () => {
    const id = `sched-backup-${env.ids.cluster}-${env.ids.projectId}`;
    const created = await env.cli([
      'schedule',
      'create',
      '--project',
      env.ids.projectId,
      '--cluster',
      env.ids.cluster,
      ...FAST_FLAGS,
      '--every',
      '1h',
      '--jitter',
      '1m',
      '--timezone',
      'Europe/Paris',
      '--catchup-window',
      '10m',
      '--pause-on-failure',
      '--note',
      'cli test',
    ]);
    expect(created.stderr).toBe('');
    expect(created.stdout.trim()).toBe(id);

    const described = JSON.parse((await env.cli(['schedule', 'describe', id, '--json'])).stdout) as {
      policies: { overlap: string; pauseOnFailure: boolean };
      state: { paused: boolean; note: string };
    };
    expect(described.policies).toMatchObject({ overlap: 'SKIP', pauseOnFailure: true });
    expect(described.state).toMatchObject({ paused: false, note: 'cli test' });

    // Durations print the way the flags take them, not as milliseconds.
    const first = await env.cli(['schedule', 'describe', id]);
    expect(first.stdout).toContain('every 1h (Europe/Paris), jitter 1m');
    expect(first.stdout).toContain('catch-up window 10m');
    expect((await env.cli(['schedule', 'list'])).stdout).toMatch(new RegExp(`${id}\\s+ACTIVE\\s+every 1h\\s+next`));

    const triggered = await env.cli(['schedule', 'trigger', id]);
    expect(triggered.code).toBe(0);
    const started = new RegExp(`triggered ${id}: started (backup-${env.ids.cluster}-${env.ids.projectId}-\\S+)`);
    expect(triggered.stdout).toMatch(started);
    const [run] = await eventually(async () => {
      const rows = await runsOf(env.ids.cluster);
      return rows.length ? rows : undefined;
    }, 'the triggered run in visibility');
    expect(run!.workflowId.startsWith(`backup-${env.ids.cluster}-${env.ids.projectId}-`)).toBe(true);
    expect(run!.status).toBe('RUNNING');

    expect(triggered.stdout).toContain(run!.workflowId);

    // The run is in flight: trigger uses SKIP, so no second pipeline starts for the cluster, and says so.
    const skipped = await env.cli(['schedule', 'trigger', id]);
    expect(skipped.code).toBe(0);
    expect(skipped.stdout).toContain(
      `triggered ${id}: 1 skipped by the overlap policy (still running: ${run!.workflowId})`,
    );
    const refused = await env.cli(['backup', '--project', env.ids.projectId, '--cluster', env.ids.cluster]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(run!.workflowId);

    const watched = await whileTicking(env.sim, env.cli(['watch', run!.workflowId, '--interval', '100']));
    expect(watched.code).toBe(0);
    expect(watched.stdout).toContain('Backup completed');
    expect(await runsOf(env.ids.cluster)).toHaveLength(1);

    const human = await env.cli(['schedule', 'describe', id]);
    expect(human.stdout).toContain(run!.workflowId);

    expect((await env.cli(['schedule', 'pause', id, '--note', 'maintenance'])).code).toBe(0);
    expect((await env.cli(['schedule', 'describe', id])).stdout).toMatch(
      new RegExp(`${id}\\s+PAUSED[\\s\\S]*note\\s+maintenance`),
    );
    expect((await env.cli(['schedule', 'unpause', id])).code).toBe(0);
    // unpause without --note keeps the note the operator wrote.
    expect((await env.cli(['schedule', 'describe', id])).stdout).toMatch(
      new RegExp(`${id}\\s+ACTIVE[\\s\\S]*note\\s+maintenance\n`),
    );

    // A new interval alone keeps the time zone, jitter and policies.
    expect((await env.cli(['schedule', 'update', id, '--every', '6h'])).code).toBe(0);
    const sixHours = await env.cli(['schedule', 'describe', id]);
    expect(sixHours.stdout).toContain('every 6h (Europe/Paris), jitter 1m');
    expect(sixHours.stdout).toContain('catch-up window 10m, pause on failure yes');

    expect(
      (
        await env.cli([
          'schedule',
          'update',
          id,
          '--cron',
          '0 3 * * *',
          '--timezone',
          'Europe/Paris',
          '--overlap',
          'buffer-one',
        ])
      ).code,
    ).toBe(0);
    const updated = await env.cli(['schedule', 'describe', id]);
    expect(updated.stdout).toContain('cron "0 3 * * *" (Europe/Paris)');
    expect(updated.stdout).toContain('overlap         BUFFER_ONE');

    // A request flag changes its field only: the rest of the stored request (polling here) stays.
    expect((await env.cli(['schedule', 'update', id, '--retention-days', '9'])).code).toBe(0);
    const request = (
      JSON.parse((await env.cli(['schedule', 'describe', id, '--json'])).stdout) as {
        action: { args: { snapshot: { retentionInDays: number }; polling: { initialIntervalSeconds: number } }[] };
      }
    ).action.args[0]!;
    expect(request.snapshot.retentionInDays).toBe(9);
    expect(request.polling.initialIntervalSeconds).toBe(0.05);

    const listed = await env.cli(['schedule', 'list', '--json']);
    expect(listed.stdout).toContain(`"scheduleId":"${id}"`);

    expect((await env.cli(['schedule', 'delete', id])).code).toBe(0);
    const gone = await env.cli(['schedule', 'describe', id]);
    expect(gone.code).toBe(2);
    expect(gone.stderr).toContain(`no schedule '${id}'`);
  }, 300_000); // ~15 CLI processes in a row: generous on a busy machine, where each start is slow

  it('backfill takes the missed actions of a time range, one at a time for the cluster (SKIP)', async () => {
    const id = `sched-backup-${env.ids.other}-${env.ids.projectId}`;
    expect(
      (
        await env.cli([
          'schedule',
          'create',
          '--project',
          env.ids.projectId,
          '--cluster',
          env.ids.other,
          ...FAST_FLAGS,
          '--every',
          '1h',
          '--paused',
        ])
      ).code,
    ).toBe(0);
    const end = new Date();
    const start = new Date(end.getTime() - 3 * 3_600_000 - 60_000);
    const r = await env.cli(['schedule', 'backfill', id, '--start', start.toISOString(), '--end', end.toISOString()]);
    expect(r.stderr).toBe('');
    // It says what happened: one fire time started a run, SKIP skipped the others while it ran.
    const told = /(\d+) fire time\(s\): started (\S+); (\d+) skipped by the overlap policy/.exec(r.stdout);
    expect(told, r.stdout).not.toBeNull();
    expect(Number(told![3])).toBe(Number(told![1]) - 1);
    const runs = await eventually(async () => {
      const rows = await runsOf(env.ids.other);
      return rows.length ? rows : undefined;
    }, 'a backfilled run');
    // Three fire times in the range, but SKIP lets only one pipeline run for the cluster.
    expect(runs.filter((x) => x.status === 'RUNNING')).toHaveLength(1);
    await whileTicking(env.sim, env.cli(['watch', runs[0]!.workflowId, '--interval', '100']));
    expect((await env.cli(['schedule', 'delete', id])).code).toBe(0);
  });
});

describe('atlas-backup schedule: a request stored before overwrite consent (issue 11)', () => {
  it('update refuses to keep it (exit 2, naming --overwrite); --overwrite fixes it and names who', async () => {
    const { client, close } = await temporalClient();
    const id = `sched-consent-${env.ids.spare}`;
    try {
      // As `schedule create` stored it before consent existed: an automated restore with no consent.
      await client.schedule.create({
        scheduleId: id,
        spec: { intervals: [{ every: '1h' }] },
        state: { paused: true },
        action: {
          type: 'startWorkflow',
          workflowType: 'backupPipeline',
          taskQueue: env.taskQueue,
          workflowId: `backup-${env.ids.spare}-${env.ids.projectId}`,
          args: [
            {
              groupId: env.ids.projectId,
              clusterName: env.ids.spare,
              restore: {
                deliveryType: 'automated',
                targetGroupId: env.ids.projectId,
                targetClusterName: env.ids.spare,
              },
            },
          ],
        },
      });
      const refused = await env.cli(['schedule', 'update', id, '--every', '6h']);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('restore.overwrite is required');
      expect(refused.stderr).toContain(`--overwrite ${env.ids.spare}`);
      const fixed = await env.cli(['schedule', 'update', id, '--overwrite', env.ids.spare], {
        env: { ATLAS_BACKUP_OPERATOR: 'erin' },
      });
      expect(fixed.stderr).toBe('');
      expect(fixed.code).toBe(0);
      const stored = (await client.schedule.getHandle(id).describe()).action;
      const request = (stored.type === 'startWorkflow' ? stored.args?.[0] : undefined) as {
        restore?: { overwrite?: string; consentBy?: string };
      };
      expect(request.restore).toMatchObject({ overwrite: env.ids.spare, consentBy: 'erin' });
    } finally {
      await client.schedule
        .getHandle(id)
        .delete()
        .catch(() => undefined);
      await close();
    }
  });
});

describe('atlas-backup schedule: the pre-flight runs before the schedule is saved', () => {
  const exists = async (id: string) => {
    const { client, close } = await temporalClient();
    try {
      return await client.schedule
        .getHandle(id)
        .describe()
        .then(() => true)
        .catch(() => false);
    } finally {
      await close();
    }
  };

  it('create refuses a cluster that does not exist (exit 2, naming clusterName) and saves nothing', async () => {
    const id = `sched-typo-${hexId().slice(0, 8)}`;
    const r = await env.cli([
      'schedule',
      'create',
      '--id',
      id,
      '--project',
      env.ids.projectId,
      '--cluster',
      'cli-clustr',
      ...FAST_FLAGS,
      '--every',
      '1d',
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`schedule ${id} not created: Pre-flight check failed`);
    expect(r.stderr).toContain('clusterName: ');
    expect(r.stderr).toContain("'cli-clustr'");
    expect(await exists(id)).toBe(false);
  });

  it('update refuses a restore target that does not exist and keeps the schedule as it was', async () => {
    const id = `sched-pf-${hexId().slice(0, 8)}`;
    const created = await env.cli([
      'schedule',
      'create',
      '--id',
      id,
      '--paused',
      '--project',
      env.ids.projectId,
      '--cluster',
      env.ids.other,
      ...FAST_FLAGS,
      '--every',
      '1d',
    ]);
    expect(created.stderr).toBe('');
    expect(created.code).toBe(0);
    try {
      const r = await env.cli([
        'schedule',
        'update',
        id,
        '--restore',
        'automated',
        '--target-project',
        env.ids.targetProjectId,
        '--target-cluster',
        'no-such-target',
        '--overwrite',
        'no-such-target',
      ]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`schedule ${id} not updated: Pre-flight check failed`);
      expect(r.stderr).toContain('restore.targetClusterName: ');
      const { client, close } = await temporalClient();
      const stored = (await client.schedule.getHandle(id).describe()).action;
      await close();
      expect((stored.type === 'startWorkflow' ? stored.args?.[0] : {}) as object).not.toHaveProperty('restore');
    } finally {
      await env.cli(['schedule', 'delete', id]);
    }
  });
});
