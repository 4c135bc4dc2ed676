// `dr`, `approve`, `reject` through the real binary: a disaster-recovery run waits at its approval
// gate until an operator decides; approve restores and verifies the target, reject restores nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getRunStatus } from '../../src/client/status.js';
import { temporalClient } from '../helpers/temporal.js';
import { startCliEnv, FAST_FLAGS, eventually, type CliEnv } from './helpers.js';

let env: CliEnv;
let client: Awaited<ReturnType<typeof temporalClient>>;
beforeAll(async () => {
  env = await startCliEnv({ durations: { restoreAutomated: 300 } });
  client = await temporalClient();
  await env.sim.admin.addScheduledSnapshot({
    groupId: env.ids.projectId,
    clusterName: env.ids.other,
    ageMs: 3_600_000,
  });
});
afterAll(async () => {
  await client?.close();
  await env?.stop();
});

const awaitingApproval = (id: string) =>
  eventually(async () => {
    const s = await getRunStatus(client.client.workflow.getHandle(id)).catch(() => undefined);
    return s?.phase === 'awaiting-approval' ? s : undefined;
  }, `${id} awaiting approval`);

const drArgs = () => [
  'dr',
  '--source-project',
  env.ids.projectId,
  '--source-cluster',
  env.ids.other,
  '--latest',
  '--target-project',
  env.ids.targetProjectId,
  '--target-cluster',
  env.ids.target,
  ...FAST_FLAGS,
];

describe('atlas-backup dr / approve / reject', () => {
  it('a production target waits for approve; approved, the restore runs and the target is verified', async () => {
    const started = await env.cli([...drArgs(), '--production']);
    expect(started.stderr).toBe('');
    const id = started.stdout.trim();
    expect(id).toBe(`dr-${env.ids.other}-${env.ids.projectId}-to-${env.ids.target}-${env.ids.targetProjectId}`);
    await awaitingApproval(id);
    const shown = await env.cli(['status', id]);
    expect(shown.stdout).toMatch(new RegExp(`approval\\s+WAITING until .*overwrite cluster '${env.ids.target}'`));
    expect(shown.stdout).toContain(`atlas-backup approve ${id}`);

    const approved = await env.cli(['approve', id, '--by', 'alice', '--reason', 'INC-1234']);
    expect(approved.stderr).toBe('');
    expect(approved.stdout).toContain(`approved ${id} (by alice: INC-1234)`);

    const watched = await env.cli(['watch', id, '--interval', '100']);
    expect(watched.code).toBe(0);
    expect(watched.stdout).toContain(`Disaster recovery completed: ${id}`);
    expect(watched.stdout).toMatch(/approval\s+approved by alice \(INC-1234\)/);
    expect(watched.stdout).toMatch(/verified\s+IDLE/);

    // The run is over: a late decision is refused (exit 1), not silently accepted.
    const late = await env.cli(['reject', id, '--by', 'bob']);
    expect(late.code).toBe(1);
  });

  it('reject ends the run without restoring anything; watch exits 1 with the rejected outcome', async () => {
    const started = await env.cli([...drArgs(), '--require-approval', '--id', `dr-reject-${env.ids.projectId}`]);
    const id = started.stdout.trim();
    await awaitingApproval(id);
    const before = (await env.sim.admin.resources()).restoreJobs.length;

    const rejected = await env.cli(['reject', id, '--by', 'bob', '--reason', 'wrong target']);
    expect(rejected.code).toBe(0);
    const watched = await env.cli(['watch', id, '--interval', '100']);
    expect(watched.code).toBe(1);
    expect(watched.stdout).toContain(`Disaster recovery rejected: ${id}`);
    expect(watched.stdout).toContain('Nothing was restored');
    expect((await env.sim.admin.resources()).restoreJobs.length).toBe(before);

    const listed = await env.cli([
      'list',
      '--project',
      env.ids.projectId,
      '--type',
      'dr',
      '--phase',
      'rejected',
      '--json',
    ]);
    expect(listed.stdout).toContain(`"workflowId":"${id}"`);
  });
});
