// `atlas-backup fleet ...` end to end: the real binary against the dev server, an in-test worker and
// a simulator seeded with a project of this file's own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FleetResult, FleetStatus } from '../../src/contract/index.js';
import { eventually, FAST_FLAGS, startCliEnv, whileTicking, type CliEnv } from './helpers.js';

let env: CliEnv;
beforeAll(async () => {
  // Snapshots take a simulated minute: runs stay in flight while the commands look at them.
  env = await startCliEnv({ durations: { snapshotInProgress: 60_000 } });
});
afterAll(async () => {
  await env?.stop();
});

describe('atlas-backup fleet', () => {
  it('start --wait discovers the project, backs up every cluster and prints the report', async () => {
    const { projectId, bucketId } = env.ids;
    const r = await whileTicking(
      env.sim,
      env.cli([
        'fleet',
        'start',
        '--project',
        projectId,
        '--match',
        'cli-*',
        '--export-bucket',
        `${projectId}=${bucketId}`,
        '--per-project',
        '2',
        '--wait',
        '--json',
        ...FAST_FLAGS,
      ]),
    );
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as FleetResult;
    expect(result.outcome).toBe('completed');
    expect(result.clusters.map((c) => c.clusterName).sort()).toEqual(['cli-cluster', 'cli-other', 'cli-spare']);
    expect(result.clusters.every((c) => c.exportJobId && c.snapshotId)).toBe(true);
  });

  it('status shows counts and running children by phase; cancel stops the fleet and its children', async () => {
    const { projectId } = env.ids;
    const id = `fleet-cli-${Date.now()}`;
    const started = await env.cli(['fleet', 'start', '--project', projectId, '--max-concurrent', '1', '--id', id]);
    expect(started.code, started.stderr).toBe(0);
    expect(started.stdout.trim()).toBe(id);
    const status = await eventually(async () => {
      const s = await env.cli(['fleet', 'status', id, '--json']);
      const parsed = JSON.parse(s.stdout) as FleetStatus & { childPhases: Record<string, number> };
      return parsed.counts.running === 1 && Object.keys(parsed.childPhases).length === 1 ? parsed : undefined;
    }, 'one running child listed by phase');
    expect(status.counts.queued).toBe(2);
    const text = await env.cli(['fleet', 'status', id]);
    expect(text.stdout).toMatch(new RegExp(`^${id}: running \\(run 1\\), 3 clusters: queued 2, running 1`));
    const cancel = await env.cli(['fleet', 'cancel', id]);
    expect(cancel.code, cancel.stderr).toBe(0);
    const watched = await whileTicking(env.sim, env.cli(['fleet', 'watch', id, '--json']));
    expect(watched.code).toBe(1);
    const result = JSON.parse(watched.stdout.trim().split('\n').at(-1)!) as FleetResult;
    expect(result.outcome).toBe('cancelled');
    expect(result.counts).toMatchObject({ cancelled: 1, 'not-started': 2, completed: 0 });
  });

  it('refuses bad fleet flags before anything starts, naming the flag', async () => {
    const both = await env.cli(['fleet', 'start', '--project', env.ids.projectId, '--all-projects']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('targets needs exactly one of clusters, projects, allProjects');
    const cluster = await env.cli(['fleet', 'start', '--cluster', 'nope']);
    expect(cluster.code).toBe(2);
    expect(cluster.stderr).toMatch(/--cluster .*must be <groupId>\/<cluster>/);
  });

  it('schedule creates a Temporal Schedule that starts fleetBackup', async () => {
    const name = `cli-${Date.now()}`;
    const r = await env.cli(['fleet', 'schedule', '--name', name, '--project', env.ids.projectId, '--every', '1d']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(`sched-fleet-${name}`);
    const d = await env.cli(['schedule', 'describe', `sched-fleet-${name}`, '--json']);
    expect(d.stdout).toContain('fleetBackup');
    await env.cli(['schedule', 'delete', `sched-fleet-${name}`]);
  });

  it('start --wait on a fleet whose discovery fails says why, from Atlas, and that nothing was started', async () => {
    const unknown = '65f1a0c0a1b2c3d4e5f6dead';
    const r = await env.cli(['fleet', 'start', '--project', unknown, '--wait', ...FAST_FLAGS]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('fleet discovery failed, no cluster was started');
    expect(r.stderr).toContain(unknown);
    expect(r.stderr).not.toMatch(/Activity task failed|Workflow execution failed/);
  });
});
