// `restore-test run`, `restore-test schedule create` and `fleet restore-test` from the outside: bad
// input exits 2 naming the field and its flag before anything reaches Temporal or Atlas; a scratch
// cluster under a Backup Compliance Policy is refused by the run (real CLI, dev server, simulator)
// before any restore job exists.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RestoreTestInput } from '../../src/contract/index.js';
import { setCompliancePolicy } from '../../src/simulator/model/compliance.js';
import { temporalClient } from '../helpers/temporal.js';
import { runCli, startCliEnv, type CliEnv, FAST_FLAGS } from './helpers.js';

// Nothing listens here: a command that got past validation would fail to connect (exit 1), not exit 2.
const NOWHERE = { TEMPORAL_ADDRESS: '127.0.0.1:9' };
const P = '65f1a0c0a1b2c3d4e5f60001';
const base = ['--source-project', P, '--source-cluster', 'orders', '--scratch-project', P];

describe('restore-test bad input exits 2 naming the field and flag', () => {
  const cases: [string[], string][] = [
    [['restore-test', 'run', ...base, '--scratch-cluster', 'scratch'], 'scratch.overwrite is required'],
    [
      ['restore-test', 'run', ...base, '--scratch-cluster', 'scratch', '--overwrite', 'other'],
      "scratch.overwrite ('other') must name the scratch cluster ('scratch')",
    ],
    [
      ['restore-test', 'run', ...base, '--scratch-cluster', 'orders', '--overwrite', 'orders'],
      "scratch.clusterName must not be the source cluster 'orders' itself",
    ],
    [
      ['restore-test', 'run', ...base, '--scratch-cluster', 's', '--overwrite', 's', '--latest', '--snapshot-id', P],
      'pick must give at most one of snapshotId, latest: true, randomWithinDays',
    ],
    [
      ['restore-test', 'run', ...base, '--scratch-cluster', 's', '--overwrite', 's', '--random-within-days', '0'],
      'pick.randomWithinDays must be >= 1 (flag --random-within-days)',
    ],
    [
      ['restore-test', 'schedule', 'create', ...base, '--scratch-cluster', 's', '--overwrite', 's'],
      '--cron or --every is required',
    ],
    [['fleet', 'restore-test', '--cluster', `${P}/orders`], `--scratch is required for project ${P}`],
    [['fleet', 'restore-test', '--cluster', `${P}/orders`, '--scratch', `${P}/s`], 'scratch.overwrite is required'],
  ];
  for (const [args, message] of cases)
    it(`${args.slice(0, 2).join(' ')}: ${message}`, async () => {
      const r = await runCli(args, { env: NOWHERE });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(message);
    });
});

describe('restore-test run against the simulator', () => {
  let env: CliEnv;
  beforeAll(async () => {
    env = await startCliEnv({ timeScale: 0.05 });
    setCompliancePolicy(env.sim.model, env.ids.targetProjectId, {
      onDemandPolicyItem: { retentionUnit: 'days', retentionValue: 7 },
    });
  });
  afterAll(() => env?.stop());

  it('refuses a scratch cluster under a Backup Compliance Policy before any restore job, exit 1', async () => {
    const { projectId, cluster, targetProjectId, target } = env.ids;
    const r = await env.cli([
      'restore-test',
      'run',
      ...['--source-project', projectId, '--source-cluster', cluster],
      ...['--scratch-project', targetProjectId, '--scratch-cluster', target, '--overwrite', target],
      ...FAST_FLAGS,
      '--wait',
    ]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain('Restore test failed');
    expect(r.stdout).toContain(`project ${targetProjectId} has a Backup Compliance Policy`);
    const restores = (await env.sim.admin.requestLog()).filter(
      (e) => e.method === 'POST' && e.path.includes('/restoreJobs'),
    );
    expect(restores).toEqual([]);
  });

  it('schedule create makes a Temporal Schedule that starts restoreTest with the checked input', async () => {
    const { projectId, cluster, other } = env.ids;
    const r = await env.cli([
      ...['restore-test', 'schedule', 'create', '--source-project', projectId, '--source-cluster', cluster],
      ...['--scratch-project', projectId, '--scratch-cluster', other, '--overwrite', other],
      ...['--random-within-days', '7', '--every', '24h', '--paused', '--json'],
    ]);
    expect(r.code, r.stderr).toBe(0);
    const { scheduleId } = JSON.parse(r.stdout) as { scheduleId: string };
    expect(scheduleId).toBe(`sched-restore-test-${cluster}-${projectId}`);
    const { client, close } = await temporalClient();
    try {
      const d = await client.schedule.getHandle(scheduleId).describe();
      expect(d.action).toMatchObject({ type: 'startWorkflow', workflowType: 'restoreTest' });
      const input = (d.action as { args: RestoreTestInput[] }).args[0]!;
      expect(input).toMatchObject({ pick: { randomWithinDays: 7 }, scratch: { clusterName: other, overwrite: other } });
      const described = await env.cli(['restore-test', 'schedule', 'describe', scheduleId]);
      expect(described.code, described.stderr).toBe(0);
      expect(described.stdout).toMatch(new RegExp(`cluster +${cluster} in project ${projectId}\n`));
      expect(described.stdout).toMatch(new RegExp(`scratch +${other} in project ${projectId}\n`));
      expect(described.stdout).not.toContain('?');
      await client.schedule.getHandle(scheduleId).delete();
    } finally {
      await close();
    }
  });

  it('list --phase takes the phases of a restore test, as the runs record them', async () => {
    const r = await env.cli(['list', '--type', 'restore-test', '--phase', 'checking-scratch', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const bad = await env.cli(['list', '--phase', 'checking-nothing']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('checking-scratch');
  });

  it('fleet restore-test starts one restoreTest per cluster, into its project scratch, with readable ids', async () => {
    const { projectId, cluster, spare, targetProjectId, target } = env.ids;
    const r = await env.cli([
      ...['fleet', 'restore-test', '--cluster', `${projectId}/${cluster}`, '--cluster', `${projectId}/${spare}`],
      ...['--scratch', `${targetProjectId}/${target}`],
    ]);
    // Both clusters are in one project and its scratch is missing: refused before any start.
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--scratch is required for project ${projectId}`);
    const ok = await env.cli([
      ...['fleet', 'restore-test', '--cluster', `${projectId}/${cluster}`, '--cluster', `${projectId}/${spare}`],
      ...['--scratch', `${projectId}/${target}`, '--overwrite', target, ...FAST_FLAGS, '--json'],
    ]);
    expect(ok.code, ok.stderr).toBe(0);
    const ids = ok.stdout
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { workflowId: string }).workflowId);
    expect(ids).toHaveLength(2);
    expect(ids[0]).toMatch(new RegExp(`^restore-test-${cluster}-${projectId}-\\d{8}T\\d{9}Z$`));
    expect(ids[1]).toMatch(new RegExp(`^restore-test-${spare}-${projectId}-`));
    const { client, close } = await temporalClient();
    try {
      for (const id of ids) {
        const d = await client.workflow.getHandle(id).describe();
        expect(d.type).toBe('restoreTest');
        await client.workflow.getHandle(id).terminate('test done');
      }
    } finally {
      await close();
    }
  });
});
