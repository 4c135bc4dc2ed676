// A cluster's second backup reads its snapshot around the duration the first one took (learned from
// the first run's history), so it notices the snapshot sooner, reading about as often. Real Temporal dev
// server, real worker, the simulator over HTTP at real time (Temporal retries no sooner than ~1 s, so
// the poll intervals here are whole seconds and the snapshot runs 10 s).
import { describe, expect, it } from 'vitest';
import { completedRunsQuery } from '../../src/runs/learned-durations.js';
import type { BackupPipelineRequest, PipelineResult } from '../../src/contract/index.js';
import { DEMO_IDS } from '../../src/simulator/index.js';
import { backupPipeline } from '../../src/workflows/index.js';
import { uniqueId, useWorkflowTestEnv } from '../helpers/temporal.js';

const groupId = DEMO_IDS.projectId;
// The default shape, in seconds: reads at 1, 3, 7, 15 s without an expectation (seen ~5 s late).
const POLLING = { initialIntervalSeconds: 1, maximumIntervalSeconds: 8, backoffCoefficient: 2 };

describe('snapshot waits learn from the cluster\u2019s last completed pipeline', () => {
  const ctx = useWorkflowTestEnv({ timeScale: 1, durations: { snapshotQueued: 1_000, snapshotInProgress: 9_000 } });

  /** The reads of the run's snapshot and how long after it completed the first one that saw it came. */
  async function readsOf(result: PipelineResult) {
    const snapshotId = result.snapshot!.id;
    const snap = (await ctx.sim.admin.resources()).snapshots.find((s) => s.id === snapshotId) as unknown as {
      createdAt: number;
      queuedMs: number;
      inProgressMs: number;
    };
    const doneAt = snap.createdAt + snap.queuedMs + snap.inProgressMs;
    const gets = (await ctx.sim.admin.requestLog())
      .filter((e) => e.method === 'GET' && e.status === 200 && e.path.endsWith(`/${snapshotId}`))
      .map((e) => Date.parse(e.at));
    const seenAt = Math.min(...gets.filter((at) => at >= doneAt));
    return { reads: gets.length, lateMs: seenAt - doneAt };
  }

  const backup = (clusterName: string) =>
    ctx.client.workflow.execute(backupPipeline, {
      taskQueue: ctx.worker.taskQueue,
      workflowId: uniqueId('learn'),
      args: [{ groupId, clusterName, polling: POLLING } satisfies BackupPipelineRequest],
    }) as Promise<PipelineResult>;

  it('a cluster\u2019s second run notices its snapshot sooner, with at most three reads more', async () => {
    // A cluster of its own: no other test's run of it can be learned from.
    const clusterName = uniqueId('learning');
    await ctx.sim.admin.seedCluster({ groupId, name: clusterName, kind: 'replicaSet' });

    const first = await backup(clusterName);
    expect(first.outcome).toBe('completed');
    // Visibility is eventually consistent: the second run starts once the first is listed as completed.
    const query = completedRunsQuery(groupId, clusterName);
    for (;;) {
      const listed = [];
      for await (const run of ctx.client.workflow.list({ query })) listed.push(run.workflowId);
      if (listed.includes(first.workflowId)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const second = await backup(clusterName);
    expect(second.outcome).toBe('completed');

    const [a, b] = [await readsOf(first), await readsOf(second)];
    expect(a.reads).toBeGreaterThanOrEqual(3); // nothing learned: the plain backoff
    // Reads 1, 3, 7, 15 s (seen ~5 s late), then 1, 3, 7 and halving towards 15 s: seen ~1 s late.
    // Of the 4 s between those plans one initial interval is required and 3 s are left for a busy
    // machine's delays; two runs on the plain backoff (nothing learned) differ by such delays only.
    expect(b.reads).toBeLessThanOrEqual(a.reads + 3);
    expect(b.lateMs).toBeLessThan(a.lateMs - POLLING.initialIntervalSeconds * 1000);
    // One read per attempt, as the simulator saw (the first attempt waits its interval, then reads).
    const waitReads = (r: PipelineResult) => r.status.steps.find((s) => s.name === 'wait-for-snapshot')!.attempts!;
    expect([waitReads(first), waitReads(second)]).toEqual([a.reads, b.reads]);
  });
});
