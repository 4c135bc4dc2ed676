// fleetBackup end to end: real Temporal dev server, real worker, backupPipeline children calling the
// simulator over HTTP. Concurrency is observed from the server's own times, not from the fleet's
// counters: a child holds its slot from its start (found by its FleetId search attribute) until the
// fleet's history records its ending signal (the child's last act before it closes).
import { WorkflowNotFoundError, type Client, type WorkflowExecutionInfo } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import {
  AtlasCluster,
  AtlasProject,
  fairnessKeyOf,
  FleetId,
  fleetChildEndedSignal,
  fleetStatusQuery,
  type FleetBackupRequest,
  type FleetClusterReport,
  type FleetResult,
  type FleetTarget,
} from '../../src/contract/index.js';
import type { SeedSpec } from '../../src/simulator/index.js';
import { backupPipeline, fleetBackup } from '../../src/workflows/index.js';
import { FAST, uniqueId, useWorkflowTestEnv } from '../helpers/temporal.js';

const P1 = '65f1a0c0a1b2c3d4e5f6f001';
const P2 = '65f1a0c0a1b2c3d4e5f6f002';
const BUCKET = '65f1a0c0a1b2c3d4e5f6fb01';
const team = (value: string) => [{ key: 'team', value }];

const SEED: SeedSpec = {
  projects: [
    {
      id: P1,
      name: 'fleet-one',
      clusters: [
        { name: 'orders-1', kind: 'replicaSet', tags: team('shop') },
        { name: 'orders-2', kind: 'sharded', shards: 2, tags: team('shop') },
        { name: 'orders-3', kind: 'replicaSet', tags: team('billing') },
        { name: 'users-1', kind: 'replicaSet', tags: team('shop') },
        { name: 'analytics', kind: 'replicaSet' },
        { name: 'orders-flex', kind: 'flex' },
      ],
      buckets: [{ id: BUCKET }],
    },
    {
      id: P2,
      name: 'fleet-two',
      clusters: ['a', 'b', 'c', 'd', 'e', 'f'].map((n) => ({ name: `p2-${n}`, kind: 'replicaSet' as const })),
    },
  ],
};

const byName = (r: FleetResult) => Object.fromEntries(r.clusters.map((c) => [c.clusterName, c]));

async function childrenOf(client: Client, fleetId: string, expected: number): Promise<WorkflowExecutionInfo[]> {
  const query = `FleetId = '${fleetId}'`;
  for (;;) {
    const found: WorkflowExecutionInfo[] = [];
    for await (const wf of client.workflow.list({ query })) found.push(wf);
    if (found.length >= expected && found.every((w) => w.closeTime)) return found;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** When each child's ending signal reached the fleet (any of its runs), by the child's workflow id. */
async function reportedAt(client: Client, fleetId: string): Promise<Map<string, number>> {
  const at = new Map<string, number>();
  for await (const run of client.workflow.list({ query: `WorkflowId = '${fleetId}'` })) {
    const history = await client.workflow.getHandle(fleetId, run.runId).fetchHistory();
    for (const e of history.events ?? []) {
      const signal = e.workflowExecutionSignaledEventAttributes;
      const data = signal?.input?.payloads?.[0]?.data;
      if (signal?.signalName !== fleetChildEndedSignal.name || !data) continue;
      const { workflowId } = JSON.parse(Buffer.from(data).toString()) as { workflowId: string };
      at.set(workflowId, Number(e.eventTime!.seconds) * 1000 + Math.floor((e.eventTime!.nanos ?? 0) / 1e6));
    }
  }
  return at;
}

/** The most children holding a slot at one instant: from their start until their report reached the fleet. */
function peakOverlap(runs: WorkflowExecutionInfo[], reported: Map<string, number>): number {
  const edges = runs.flatMap((w) => [
    { t: w.startTime.getTime(), d: 1 },
    { t: reported.get(w.workflowId)!, d: -1 },
  ]);
  edges.sort((a, b) => a.t - b.t || a.d - b.d);
  let open = 0;
  let peak = 0;
  for (const e of edges) peak = Math.max(peak, (open += e.d));
  return peak;
}

describe('fleetBackup', () => {
  const ctx = useWorkflowTestEnv({ timeScale: 0.05, seed: SEED });

  const run = (request: FleetBackupRequest, workflowId = uniqueId('fleet')) =>
    ctx.client.workflow.execute(fleetBackup, {
      taskQueue: ctx.worker.taskQueue,
      workflowId,
      args: [{ ...FAST, ...request }],
    });

  it('backs up an explicit list, one backupPipeline child per cluster with its usual id and FleetId', async () => {
    const clusters: FleetTarget[] = [
      { groupId: P1, clusterName: 'orders-1' },
      { groupId: P1, clusterName: 'orders-2' },
      { groupId: P2, clusterName: 'p2-a' },
    ];
    const fleetId = uniqueId('fleet-list');
    const result = await run({ targets: { clusters }, export: { bucketsByProject: { [P1]: BUCKET } } }, fleetId);
    expect(result.outcome).toBe('completed');
    expect(result.counts.completed).toBe(3);
    const reports = byName(result);
    for (const c of clusters) {
      const r = reports[c.clusterName]!;
      expect(r.workflowId).toMatch(new RegExp(`^backup-${c.clusterName}-${c.groupId}-\\d{8}T\\d{9}Z$`));
      expect(r.snapshotId).toMatch(/^[a-f0-9]{24}$/);
      expect(r.durationSeconds).toBeGreaterThanOrEqual(0);
    }
    // Only P1 has a bucket: its clusters export, P2's only snapshot.
    expect(reports['orders-1']!.exportJobId).toMatch(/^[a-f0-9]{24}$/);
    expect(reports['p2-a']!.exportJobId).toBeUndefined();
    const children = await childrenOf(ctx.client, fleetId, 3);
    expect(children.map((c) => c.typedSearchAttributes.get(AtlasCluster)).sort()).toEqual([
      'orders-1',
      'orders-2',
      'p2-a',
    ]);
    expect(children.every((c) => c.type === 'backupPipeline' && c.typedSearchAttributes.get(FleetId) === fleetId)).toBe(
      true,
    );
  });

  it('discovers clusters by project, name glob, type and tags; flex is not listed by listClusters', async () => {
    const result = await run({
      targets: { projects: [P1] },
      filter: { namePattern: 'orders-*', clusterTypes: ['REPLICASET', 'SHARDED'], tags: team('shop') },
    });
    expect(result.clusters.map((c) => c.clusterName).sort()).toEqual(['orders-1', 'orders-2']);
    expect(result.discovery).toEqual({ projects: 1, listed: 5, filteredOut: 3, unsupported: 0 });
    const allId = uniqueId('fleet-all');
    const all = await run({ targets: { allProjects: true }, filter: { namePattern: 'p2-?' } }, allId);
    expect(all.counts.completed).toBe(6);
    // Listing the caller's projects draws on its USER-scoped Projects bucket: the server paces it by its key.
    const history = await ctx.client.workflow.getHandle(allId).fetchHistory();
    const discovering = history
      .events!.map((e) => e.activityTaskScheduledEventAttributes)
      .find((a) => a?.activityType?.name === 'discoverClusters');
    expect(discovering?.priority?.fairnessKey).toBe(fairnessKeyOf('', 'projects_user'));
    expect(all.discovery?.projects).toBeGreaterThanOrEqual(2);
  });

  it('reports a failing cluster and backs up the others', async () => {
    await ctx.sim.admin.failNext({ target: 'snapshot', groupId: P2, clusterName: 'p2-b', reason: 'disk on fire' });
    const result = await run({
      targets: { clusters: ['p2-a', 'p2-b', 'p2-c'].map((clusterName) => ({ groupId: P2, clusterName })) },
    });
    expect(result.outcome).toBe('completed-with-failures');
    const failed = byName(result)['p2-b']!;
    expect(failed.outcome).toBe('failed');
    expect(failed.error).toMatch(/^backupPipeline for cluster 'p2-b' .* failed in Atlas/);
    expect(failed.snapshotId).toMatch(/^[a-f0-9]{24}$/);
    expect(result.counts).toMatchObject({ completed: 2, failed: 1 });
  });

  it('reports a cluster whose backup is already running as already-running and starts none for it', async () => {
    // A pipeline on a queue no worker polls stays Running: another backup in flight for orders-3.
    const blocking = await ctx.client.workflow.start(backupPipeline, {
      taskQueue: uniqueId('nobody'),
      workflowId: uniqueId('backup-orders-3'),
      args: [{ groupId: P1, clusterName: 'orders-3' }],
      typedSearchAttributes: [
        { key: AtlasProject, value: P1 },
        { key: AtlasCluster, value: 'orders-3' },
      ],
    });
    try {
      const query = `WorkflowId = '${blocking.workflowId}'`;
      while ((await ctx.client.workflow.count(query)).count === 0) await new Promise((r) => setTimeout(r, 100));
      const result = await run({
        targets: { clusters: ['orders-3', 'users-1'].map((clusterName) => ({ groupId: P1, clusterName })) },
      });
      const r: FleetClusterReport = byName(result)['orders-3']!;
      expect(r).toMatchObject({ outcome: 'already-running', workflowId: blocking.workflowId });
      expect(byName(result)['users-1']!.outcome).toBe('completed');
      expect(result.outcome).toBe('completed');
    } finally {
      await blocking.terminate('test over');
    }
  });

  it('keeps at most concurrency.max children running, and concurrency.perProject per project', async () => {
    const fleetId = uniqueId('fleet-bound');
    const result = await run(
      {
        targets: { projects: [P1, P2] },
        filter: { clusterTypes: ['REPLICASET'] },
        concurrency: { max: 3, perProject: 2 },
      },
      fleetId,
    );
    expect(result.counts.completed).toBe(10);
    const children = await childrenOf(ctx.client, fleetId, 10);
    const reported = await reportedAt(ctx.client, fleetId);
    expect(children.every((c) => reported.has(c.workflowId))).toBe(true);
    const overall = peakOverlap(children, reported);
    expect(overall).toBeLessThanOrEqual(3);
    expect(overall).toBeGreaterThanOrEqual(2); // it did run children side by side
    for (const p of [P1, P2])
      expect(
        peakOverlap(
          children.filter((c) => c.typedSearchAttributes.get(AtlasProject) === p),
          reported,
        ),
      ).toBeLessThanOrEqual(2);
  });

  it('continues as new every batchSize children, carrying the queue and the reports', async () => {
    const fleetId = uniqueId('fleet-can');
    const handle = await ctx.client.workflow.start(fleetBackup, {
      taskQueue: ctx.worker.taskQueue,
      workflowId: fleetId,
      args: [{ ...FAST, targets: { projects: [P2] }, batchSize: 2, concurrency: { max: 2, perProject: 2 } }],
    });
    const result = await handle.result();
    expect(result.runs).toBe(3);
    expect(result.counts.completed).toBe(6);
    expect(new Set(result.clusters.map((c) => c.clusterName)).size).toBe(6);
    const first = await ctx.client.workflow.getHandle(fleetId, handle.firstExecutionRunId).describe();
    expect(first.status.name).toBe('CONTINUED_AS_NEW');
    const children = await childrenOf(ctx.client, fleetId, 6);
    expect(children.every((c) => c.typedSearchAttributes.get(FleetId) === fleetId)).toBe(true);
    // It continued as new without waiting for its running children (they were carried to the next
    // run, and reported to it by signal), and the carried ones kept their slots: never more than
    // concurrency.max at once.
    const canAt = first.closeTime!.getTime();
    const firstBatch = children.filter((c) => c.startTime.getTime() < canAt);
    expect(firstBatch).toHaveLength(2);
    expect(firstBatch.some((c) => c.closeTime!.getTime() > canAt)).toBe(true);
    expect(peakOverlap(children, await reportedAt(ctx.client, fleetId))).toBeLessThanOrEqual(2);
  });

  it('starts up to 1,000 children per run when batchSize is not given (it was 200)', async () => {
    // 205 clusters: one run with this release's default, two with the old one.
    const { id: groupId } = await ctx.sim.admin.seedProject({ name: uniqueId('fleet-bulk') });
    const targets: FleetTarget[] = [];
    for (let i = 0; i < 205; i++) {
      const clusterName = `bulk-${i}`;
      await ctx.sim.admin.seedCluster({ groupId, name: clusterName, kind: 'replicaSet' });
      targets.push({ groupId, clusterName });
    }
    const result = await ctx.client.workflow.execute(fleetBackup, {
      taskQueue: ctx.worker.taskQueue,
      workflowId: uniqueId('fleet-default-batch'),
      args: [{ ...FAST, targets: { clusters: targets }, concurrency: { max: 50, perProject: 50 } }],
    });
    expect(result.counts.completed).toBe(205);
    expect(result.runs).toBe(1);
  }, 180_000);

  it('a cancelled fleet cancels the children an earlier run carried to it, and its own', async () => {
    // Every snapshot read answers 503: the children wait (retrying) until they are cancelled.
    await ctx.sim.admin.setFaults({
      operations: { getClusterBackupSnapshot: { status503: 1, retryAfterSeconds: 0.1 } },
    });
    try {
      const targets = { clusters: ['p2-a', 'p2-b'].map((clusterName) => ({ groupId: P2, clusterName })) };
      const handle = await ctx.client.workflow.start(fleetBackup, {
        taskQueue: ctx.worker.taskQueue,
        workflowId: uniqueId('fleet-cancel-carried'),
        args: [{ ...FAST, targets, batchSize: 1, concurrency: { max: 2, perProject: 2 } }],
      });
      // Run 1 starts p2-a and continues as new carrying it; run 2 starts p2-b beside it.
      let live = await handle.query(fleetStatusQuery);
      while (live.run < 2 || live.running.length < 2) {
        await new Promise((r) => setTimeout(r, 100));
        live = await handle.query(fleetStatusQuery);
      }
      await handle.cancel();
      const result = await handle.result();
      expect(result.outcome).toBe('cancelled');
      expect(Object.fromEntries(result.clusters.map((c) => [c.clusterName, c.outcome]))).toEqual({
        'p2-a': 'cancelled',
        'p2-b': 'cancelled',
      });
      for (const c of result.clusters) {
        let d = await ctx.client.workflow.getHandle(c.workflowId!).describe();
        while (d.status.name === 'RUNNING') {
          await new Promise((r) => setTimeout(r, 100));
          d = await ctx.client.workflow.getHandle(c.workflowId!).describe();
        }
        expect(d.status.name).toBe('CANCELLED');
      }
    } finally {
      await ctx.sim.admin.clearFaults();
    }
  });

  it('a child that ends without reporting (terminated) is found by describe and reported failed', async () => {
    // Snapshot reads answer 503: the child waits until it is terminated, so it never signals.
    await ctx.sim.admin.setFaults({
      operations: { getClusterBackupSnapshot: { status503: 1, retryAfterSeconds: 0.1 } },
    });
    try {
      const handle = await ctx.client.workflow.start(fleetBackup, {
        taskQueue: ctx.worker.taskQueue,
        workflowId: uniqueId('fleet-terminated-child'),
        args: [{ ...FAST, targets: { clusters: [{ groupId: P2, clusterName: 'p2-c' }] } }],
      });
      let live = await handle.query(fleetStatusQuery);
      while (live.running.length === 0) {
        await new Promise((r) => setTimeout(r, 50));
        live = await handle.query(fleetStatusQuery);
      }
      // The fleet lists a child as running once it has asked for its start: wait until it exists.
      const child = ctx.client.workflow.getHandle(live.running[0]!.workflowId);
      for (;;) {
        const started = await child.describe().then(
          () => true,
          (e: unknown) => (e instanceof WorkflowNotFoundError ? false : Promise.reject(e)),
        );
        if (started) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      await child.terminate('operator stopped it');
      const result = await handle.result();
      expect(result.clusters).toEqual([
        expect.objectContaining({
          clusterName: 'p2-c',
          outcome: 'failed',
          workflowId: live.running[0]!.workflowId,
          error: expect.stringContaining('terminated'),
        }),
      ]);
      expect(result.outcome).toBe('completed-with-failures');
    } finally {
      await ctx.sim.admin.clearFaults();
    }
  });

  it('answers status with counts, failures so far and the running children', async () => {
    await ctx.sim.admin.failNext({ target: 'snapshot', groupId: P2, clusterName: 'p2-f', reason: 'quota' });
    // Snapshot reads answer 503 until the live status is checked: the first child stays running.
    await ctx.sim.admin.setFaults({
      operations: { getClusterBackupSnapshot: { status503: 1, retryAfterSeconds: 0.1 } },
    });
    const handle = await ctx.client.workflow.start(fleetBackup, {
      taskQueue: ctx.worker.taskQueue,
      workflowId: uniqueId('fleet-status'),
      args: [{ ...FAST, targets: { projects: [P2] }, concurrency: { max: 1, perProject: 1 } }],
    });
    try {
      let live = await handle.query(fleetStatusQuery);
      while (live.counts.running === 0) {
        await new Promise((r) => setTimeout(r, 50));
        live = await handle.query(fleetStatusQuery);
      }
      expect(live.phase).toBe('running');
      expect(live.running).toHaveLength(1);
      expect(live.running[0]!.workflowId).toMatch(/^backup-p2-/);
      expect(live.total).toBe(6);
      expect(live.counts).toMatchObject({ queued: 5, running: 1, completed: 0 });
    } finally {
      await ctx.sim.admin.clearFaults();
    }
    await handle.result();
    const done = await handle.query(fleetStatusQuery);
    expect(done.phase).toBe('completed');
    expect(done.counts).toMatchObject({ completed: 5, failed: 1, queued: 0, running: 0 });
    expect(done.failures.map((f: FleetClusterReport) => f.clusterName)).toEqual(['p2-f']);
    expect(done.peakRunning).toBe(1);
  });

  it('refuses an input naming two kinds of target, naming the field', async () => {
    const bad = run({ targets: { clusters: [{ groupId: P1, clusterName: 'a' }], projects: [P1] } });
    await expect(bad).rejects.toMatchObject({
      cause: { message: expect.stringMatching(/targets needs exactly one of clusters, projects, allProjects/) },
    });
  });
});
