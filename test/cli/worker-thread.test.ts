// `atlas-backup worker` through the real binary, the suite's dev server and a simulator: started
// without heap flags it runs the worker in a worker thread with its heap limits (a backup runs on it,
// SIGTERM reaches it through the main thread and it shuts down gracefully, exit 0, finishing an
// in-flight activity; a second SIGTERM exits at once); started with heap flags of its own it runs
// in-process; a bad variable is refused before any thread starts.
import { randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../../src/simulator/index.js';
import { WORKER_THREAD_LIMITS } from '../../src/worker-memory.js';
import type { WorkflowHandle } from '@temporalio/client';
import proto from '@temporalio/proto';
import { startTestSimulator, temporalClient } from '../helpers/temporal.js';
import { eventually, FAST_FLAGS, killSpawned, runCli, spawnUntil, workerProcessEnv } from './helpers.js';

const READY = /atlas-backup worker: unversioned/;
const IN_THREAD =
  `in a worker thread (heap: old space ${WORKER_THREAD_LIMITS.maxOldGenerationSizeMb} MB, ` +
  `young ${WORKER_THREAD_LIMITS.maxYoungGenerationSizeMb} MB)`;
// Long enough that SIGTERM lands while the snapshot request is in flight.
const SNAPSHOT_LATENCY_MS = 10_000;
const STARTED_STATE = proto.temporal.api.enums.v1.PendingActivityState.PENDING_ACTIVITY_STATE_STARTED;
// The SDK logs its worker's last state once it stopped polling and its in-flight tasks are done.
const STOPPED = /"msg":"Worker state changed".*"state":"STOPPED"/;

/** Whether a worker has picked up the run's snapshot request and not yet reported its outcome. */
async function takingSnapshot(handle: WorkflowHandle): Promise<boolean> {
  const { pendingActivities } = (await handle.describe()).raw;
  return !!pendingActivities?.some((a) => a.activityType?.name === 'takeSnapshot' && a.state === STARTED_STATE);
}

describe('atlas-backup worker and its heap', () => {
  const taskQueue = `cli-thread-${randomUUID().slice(0, 8)}`;
  const project = randomBytes(12).toString('hex');
  let sim: RunningSimulator;
  let workerEnv: NodeJS.ProcessEnv;
  let temporal: Awaited<ReturnType<typeof temporalClient>>;

  beforeAll(async () => {
    temporal = await temporalClient();
    const clusters = ['thread-cluster', 'thread-inflight', 'thread-forced'].map((name) => ({
      name,
      kind: 'replicaSet' as const,
    }));
    const started = await startTestSimulator({
      seed: { projects: [{ id: project, name: 'thread', clusters }] },
      faults: { operations: { takeSnapshots: { latencyMs: SNAPSHOT_LATENCY_MS } } },
    });
    sim = started.sim;
    workerEnv = { ...workerProcessEnv(sim, started.creds, taskQueue), ATLAS_PACE: 'off' };
  });
  afterAll(async () => {
    killSpawned();
    await sim?.stop();
    await temporal?.close();
  });

  it('without heap flags: runs in a thread with its limits, runs a backup, SIGTERM stops it gracefully', async () => {
    const worker = spawnUntil(['worker'], { ...workerEnv, NODE_OPTIONS: '' }, READY);
    await worker.started;
    expect(worker.output()).toContain(IN_THREAD);
    const backup = await runCli(['backup', '-p', project, '-c', 'thread-cluster', '--wait', ...FAST_FLAGS], {
      taskQueue,
    });
    expect(backup.code, backup.stderr).toBe(0);
    expect(backup.stdout).toContain('Backup completed');
    // Threads get no process signals: only the main thread's relay can stop the worker.
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    expect(worker.output()).toMatch(STOPPED);
  }, 180_000);

  it('SIGTERM with an activity in flight: the thread resolves it before the process exits 0', async () => {
    const worker = spawnUntil(['worker'], { ...workerEnv, NODE_OPTIONS: '' }, READY);
    await worker.started;
    const start = await runCli(['backup', '-p', project, '-c', 'thread-inflight', ...FAST_FLAGS], { taskQueue });
    expect(start.code, start.stderr).toBe(0);
    const id = /backup-\S+/.exec(start.stdout)![0];
    const handle = temporal.client.workflow.getHandle(id);
    await eventually(async () => ((await takingSnapshot(handle)) ? true : undefined), 'takeSnapshot in flight');
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    expect(worker.output()).toMatch(STOPPED);
    // A worker cut off mid-activity leaves the attempt started until its timeout; a graceful one reports it.
    expect(await takingSnapshot(handle)).toBe(false);
    await handle.terminate('test cleanup');
  }, 180_000);

  it('a second SIGTERM while the thread drains an activity exits at once, 128 + 15', async () => {
    const worker = spawnUntil(['worker'], { ...workerEnv, NODE_OPTIONS: '' }, READY);
    await worker.started;
    const start = await runCli(['backup', '-p', project, '-c', 'thread-forced', ...FAST_FLAGS], { taskQueue });
    expect(start.code, start.stderr).toBe(0);
    const handle = temporal.client.workflow.getHandle(/backup-\S+/.exec(start.stdout)![0]);
    await eventually(async () => ((await takingSnapshot(handle)) ? true : undefined), 'takeSnapshot in flight');
    worker.child.kill('SIGTERM');
    // The snapshot request is held by the simulator: the worker drains until it is answered.
    await eventually(async () => (/"state":"DRAINING"/.test(worker.output()) ? true : undefined), 'draining');
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(128 + 15);
    expect(worker.output()).not.toMatch(STOPPED);
    await handle.terminate('test cleanup');
  }, 180_000);

  it('with heap flags in NODE_OPTIONS: runs in-process, as the Docker image does', async () => {
    const worker = spawnUntil(['worker'], { ...workerEnv, NODE_OPTIONS: '--max-old-space-size=300' }, READY);
    await worker.started;
    expect(worker.output()).toContain("atlas-backup worker: task queue '");
    expect(worker.output()).not.toContain('in a worker thread');
    // The process's own flags hold for its workflow threads too: none are set for them.
    expect(worker.output()).not.toContain('workflow threads --max-old-space-size');
    worker.child.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    expect(worker.output()).toMatch(STOPPED);
  }, 120_000);

  it('a bad variable stops it with exit 2, naming the variable, before any thread starts', async () => {
    const r = await runCli(['worker'], { env: { ...workerEnv, NODE_OPTIONS: '', WORKER_MAX_CACHED_WORKFLOWS: '0' } });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('WORKER_MAX_CACHED_WORKFLOWS: must be a whole number from 1 to 100000');
    expect(r.stdout).toBe('');
  });
});
