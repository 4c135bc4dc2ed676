// One convention across commands, through the real binary: `status` of a run that failed exits 1 like
// `watch`; every --json output names the run `workflowId`; Ctrl-C on `--wait` says the run goes on
// and how to follow it.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { temporalClient } from '../helpers/temporal.js';
import { killSpawned, spawnUntil, startCliEnv, FAST_FLAGS, whileTicking, type CliEnv } from './helpers.js';

// Snapshots stay in progress until the test moves the simulator's clock.
let env: CliEnv;
beforeAll(async () => {
  env = await startCliEnv({ durations: { snapshotQueued: 100, snapshotInProgress: 600_000 } });
});
afterAll(async () => {
  killSpawned();
  await env?.stop();
});

describe('exit codes and JSON keys', () => {
  it('status of a failed run exits 1, like watch; its --json names workflowId', async () => {
    const started = await env.cli(['backup', '-p', env.ids.projectId, '-c', 'no-such-cluster', '--json']);
    expect(started.code).toBe(0);
    const { workflowId } = JSON.parse(started.stdout) as { workflowId: string };
    const watched = await env.cli(['watch', workflowId]);
    expect(watched.code).toBe(1);
    const shown = await env.cli(['status', workflowId]);
    expect(shown.stdout).toContain('failed');
    expect(shown.code).toBe(1);
    const json = await env.cli(['status', workflowId, '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ workflowId, phase: 'failed' });
  });

  it('fleet start --json names the run workflowId', async () => {
    const id = `fleet-conv-${Date.now()}`;
    // The target project's cluster only: the source project's stay free for the other tests.
    const r = await env.cli(['fleet', 'start', '--project', env.ids.targetProjectId, '--id', id, '--json']);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({ workflowId: id });
    await env.cli(['fleet', 'cancel', id]);
  });
});

describe('Ctrl-C on --wait', () => {
  it('stops following, says the run goes on and how to follow it; the run keeps running', async () => {
    const w = spawnUntil(
      ['backup', '-p', env.ids.projectId, '-c', env.ids.spare, ...FAST_FLAGS, '--wait'],
      { TEMPORAL_ADDRESS: inject('temporalAddress'), TEMPORAL_TASK_QUEUE: env.taskQueue, NO_COLOR: '1' },
      /started (\S+)\n[\s\S]*\d\d:\d\d:\d\d\.\d+ \[/,
    );
    const id = (await w.started)[1]!;
    w.child.kill('SIGINT');
    expect(await w.exited).toBe(0);
    expect(w.output()).toContain(`Stopped following; ${id} keeps running`);
    expect(w.output()).toContain(`Follow it with: atlas-backup watch ${id}`);
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
