// Issue 11 points 7 and 8 through the real binary and the suite's dev server: `status`/`watch` of a run
// whose task queue no worker polls answer at once and say so; a namespace without our search attributes
// gets a one-line error naming them and `atlas-backup setup`, which registers them.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { msToTs } from '@temporalio/common/lib/time.js';
import { ALL_SEARCH_ATTRIBUTES } from '../../src/contract/index.js';
import { temporalClient } from '../helpers/temporal.js';
import { eventually, hexId, killSpawned, runCli, spawnUntil } from './helpers.js';

let temporal: Awaited<ReturnType<typeof temporalClient>>;
const started: { namespace: string; id: string }[] = [];
beforeAll(async () => {
  temporal = await temporalClient();
});
afterAll(async () => {
  killSpawned();
  // The runs here never get a worker: end them so they do not linger on the shared server.
  for (const { namespace, id } of started) {
    const { workflowService } = temporal.client.connection;
    await workflowService
      .terminateWorkflowExecution({ namespace, workflowExecution: { workflowId: id }, reason: 'test cleanup' })
      .catch(() => undefined);
  }
  await temporal?.close();
});

/** Starts a backup on `taskQueue` (no worker there) and returns its workflow id. */
async function startUnworkedBackup(taskQueue: string, namespace = 'default'): Promise<string> {
  const r = await runCli(['backup', '--project', hexId(), '--cluster', 'no-worker-cluster'], {
    taskQueue,
    env: { TEMPORAL_NAMESPACE: namespace },
  });
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  const id = /backup-\S+/.exec(r.stdout)?.[0];
  expect(id).toBeDefined();
  started.push({ namespace, id: id! });
  return id!;
}

describe('status and watch with no worker on the task queue', () => {
  it('status answers from describe() and says that no worker polls the queue', async () => {
    const taskQueue = `nobody-${randomUUID().slice(0, 8)}`;
    const id = await startUnworkedBackup(taskQueue);
    // A query with no worker waits until its deadline; the bound is generous, the point is that it ends.
    const r = await runCli(['status', id], { taskQueue, timeoutMs: 20_000 });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`no worker is polling task queue ${taskQueue}`);
    expect(r.stdout).toContain(`atlas-backup worker --task-queue ${taskQueue}`);
    expect(r.stdout).toMatch(/phase\s+starting/);
    const json = JSON.parse((await runCli(['status', id, '--json'], { taskQueue, timeoutMs: 20_000 })).stdout) as {
      executionStatus: string;
      workerNotice?: string;
    };
    expect(json.executionStatus).toBe('RUNNING');
    expect(json.workerNotice).toContain(taskQueue);
  });

  it('watch prints the no-worker line instead of sitting silent', async () => {
    const taskQueue = `nobody-${randomUUID().slice(0, 8)}`;
    const id = await startUnworkedBackup(taskQueue);
    const env = { TEMPORAL_ADDRESS: inject('temporalAddress'), TEMPORAL_NAMESPACE: 'default', NO_COLOR: '1' };
    const w = spawnUntil(['watch', id, '--interval', '200'], env, /no worker is polling task queue (\S+):/, 20_000);
    const m = await w.started;
    expect(m[1]).toBe(taskQueue);
    w.child.kill('SIGINT');
    await w.exited;
  });
});

describe('a namespace without our search attributes', () => {
  it('start fails naming them and `atlas-backup setup`; setup adds them (idempotent); start then works', async () => {
    const namespace = `bare-${randomUUID().slice(0, 8)}`;
    await temporal.client.connection.workflowService.registerNamespace({
      namespace,
      workflowExecutionRetentionPeriod: msToTs('1 day'),
    });
    const taskQueue = `nobody-${randomUUID().slice(0, 8)}`;
    const inNs = (args: string[]) => runCli(['--namespace', namespace, ...args], { taskQueue });
    const project = hexId();
    const backup = ['backup', '--project', project, '--cluster', 'bare-cluster'];
    // A new namespace reaches the frontend's cache within seconds; until then Temporal says "not found".
    const before = await eventually(async () => {
      const r = await inNs(backup);
      return /not found/i.test(r.stderr) ? undefined : r;
    }, `namespace ${namespace} to be usable`);
    expect(before.code).toBe(2);
    const line = before.stderr.trim();
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toContain(`namespace ${namespace} lacks the search attribute`);
    for (const key of ALL_SEARCH_ATTRIBUTES) expect(line).toContain(key.name);
    expect(line).toContain('atlas-backup setup');

    const schedule = await inNs(['schedule', 'create', '-p', project, '-c', 'bare-cluster', '--cron', '0 3 * * *']);
    expect(schedule.code).toBe(2);
    expect(schedule.stderr).toContain('atlas-backup setup');

    const setup = await inNs(['setup', '--json']);
    expect(setup.code).toBe(0);
    const report = JSON.parse(setup.stdout) as { added: string[]; present: string[] };
    expect(report.added.sort()).toEqual(ALL_SEARCH_ATTRIBUTES.map((k) => k.name).sort());
    const again = JSON.parse((await inNs(['setup', '--json'])).stdout) as { added: string[]; present: string[] };
    expect(again.added).toEqual([]);
    expect(again.present.sort()).toEqual(report.added);

    const after = await eventually(async () => {
      const r = await inNs(backup);
      return r.code === 0 ? r : undefined;
    }, 'backup to start once setup registered the search attributes');
    const id = /backup-\S+/.exec(after.stdout)?.[0];
    expect(id).toBeDefined();
    started.push({ namespace, id: id! });
  });
});
