// Collection-level recovery end to end: real Temporal dev server, real worker, the simulator's data
// plane (FerretDB per cluster, SCRAM on) read back through the official mongodb driver.
import { randomBytes } from 'node:crypto';
import { WorkflowFailedError, type WorkflowHandle } from '@temporalio/client';
import { MongoClient } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import { getRunStatus } from '../../src/client/status.js';
import type { DisasterRecoveryRequest, DrReport } from '../../src/contract/index.js';
import { disasterRecoveryInputSchema, drStatusQuery } from '../../src/contract/index.js';
import { dataPlaneUnavailable } from '../../src/simulator/index.js';
import { disasterRecovery } from '../../src/workflows/index.js';
import { FAST, uniqueId, useWorkflowTestEnv } from '../helpers/temporal.js';

const G = '65f1a0c0a1b2c3d4e5f6d0c7';
const seed = {
  projects: [{ id: G, clusters: ['src', 'dst', 'slow'].map((name) => ({ name, kind: 'replicaSet' as const })) }],
  data: {
    src: { app: { users: 300, orders: 120 }, logs: { lines: 50 } },
    slow: { shop: { big: 400, small: 100 } },
  },
};

describe.skipIf(dataPlaneUnavailable())('disaster recovery of single collections', () => {
  // slow's collection restores take 400 s of simulated time (20 s here): long enough to watch progress.
  const clusterDurations = { slow: { restoreAutomated: 400_000 } };
  const ctx = useWorkflowTestEnv({ timeScale: 0.05, seed, clusterDurations, data: { auth: true } });
  const clients: MongoClient[] = [];
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
  });

  const atlas = () => ctx.worker.built.atlas;

  async function completedSnapshot(clusterName: string): Promise<string> {
    const path = { groupId: G, clusterName };
    const taken = await atlas().request('takeSnapshots', { path, body: { description: 'dr collections' } });
    for (;;) {
      const s = await atlas().request('getClusterBackupSnapshot', { path: { ...path, snapshotId: taken.id } });
      if (s.status === 'completed') return taken.id;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** The driver on a cluster, as a user this test makes through the Admin API (SCRAM is on). */
  async function driver(clusterName: string): Promise<MongoClient> {
    const username = uniqueId('reader');
    const password = randomBytes(12).toString('hex');
    await atlas().request('createDatabaseUser', {
      path: { groupId: G },
      body: {
        username,
        password,
        databaseName: 'admin',
        groupId: G,
        roles: [{ roleName: 'readWriteAnyDatabase', databaseName: 'admin' }],
      },
    });
    const c = await atlas().request('getCluster', { path: { groupId: G, clusterName } });
    // A new user signs in once Atlas has deployed it to the cluster, as on Atlas: try until it can.
    for (let attempt = 1; ; attempt++) {
      const client = new MongoClient(c.connectionStrings!.standard!, {
        auth: { username, password },
        directConnection: true,
      });
      try {
        clients.push(await client.connect());
        return client;
      } catch (err) {
        await client.close().catch(() => undefined);
        if (attempt >= 100 || !/Authentication failed/i.test(String(err))) throw err;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  const jobsOf = async (clusterName: string) => {
    const jobs = [];
    for await (const j of atlas().paginate('listCollectionRestoreJobs', { path: { groupId: G, clusterName } }))
      jobs.push(j);
    return jobs;
  };

  const request = (clusterName: string, snapshotId: string, extra: Partial<DisasterRecoveryRequest> = {}) =>
    ({
      ...FAST,
      source: { kind: 'dedicated', groupId: G, clusterName },
      what: { snapshotId },
      target: { groupId: G, clusterName },
      ...extra,
    }) as DisasterRecoveryRequest;

  const start = (req: DisasterRecoveryRequest): Promise<WorkflowHandle<typeof disasterRecovery>> =>
    ctx.client.workflow.start(disasterRecovery, {
      taskQueue: ctx.worker.taskQueue,
      workflowId: uniqueId('dr-coll'),
      args: [req],
    });

  it('restores one dropped collection under a suffix, verifies it, and the driver reads it back', async () => {
    const snapshotId = await completedSnapshot('src');
    const src = await driver('src');
    await src.db('app').collection('orders').drop();
    const before = (await jobsOf('src')).length;
    const handle = await start(
      request('src', snapshotId, { collectionRestore: { collections: ['app.orders'], suffix: '_back' }, verify: {} }),
    );
    const report: DrReport = await handle.result();
    expect(report.outcome, JSON.stringify(report.status.lastError)).toBe('completed');
    expect(report.collectionRestore).toMatchObject({
      state: 'SUCCESSFUL',
      writeStrategy: 'CREATE_NEW',
      collections: [{ sourceNamespace: 'app.orders', targetNamespace: 'app.orders_back', state: 'SUCCESSFUL' }],
    });
    expect(report.verification).toMatchObject({ ok: true, checked: 1, okNamespaces: 1 });
    expect(await src.db('app').collection('orders_back').countDocuments()).toBe(120);
    const names = (await src.db('app').listCollections().toArray()).map((c) => c.name);
    expect(names).not.toContain('orders');
    expect((await jobsOf('src')).length).toBe(before + 1);
  });

  it('refuses OVERWRITE_EXISTING without the target named, on entry, before any Atlas call', async () => {
    const req = request('src', '65f1a0c0a1b2c3d4e5f6c0c7', {
      collectionRestore: { collections: ['app.orders'], writeStrategy: 'OVERWRITE_EXISTING' },
    });
    const parsed = disasterRecoveryInputSchema().safeParse(req);
    expect(parsed.success).toBe(false);
    expect(JSON.stringify(parsed.error?.issues)).toMatch(/collectionRestore\.overwrite is required.*--overwrite src/);
    const before = (await jobsOf('src')).length;
    const failed = await (await start(req)).result().catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(WorkflowFailedError);
    expect(String((failed as WorkflowFailedError).cause?.message)).toMatch(/collectionRestore\.overwrite/);
    expect((await jobsOf('src')).length).toBe(before);
  });

  it('refuses a collection the snapshot does not hold, naming it, before any job is created', async () => {
    const snapshotId = await completedSnapshot('src');
    const before = (await jobsOf('src')).length;
    const req = request('src', snapshotId, { collectionRestore: { collections: ['app.users', 'app.nope'] } });
    const failed = await (await start(req)).result().catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(WorkflowFailedError);
    const message = String((failed as WorkflowFailedError).cause?.message);
    expect(message).toMatch(/collectionRestore\.collections\[1\].*'app\.nope' is not in snapshot/);
    expect((await jobsOf('src')).length).toBe(before);
  });

  it('refuses a point in time outside the restore window, naming it, before any job is created', async () => {
    const before = (await jobsOf('src')).length;
    const { restoreWindowDays } = await atlas().request('getBackupSchedule', {
      path: { groupId: G, clusterName: 'src' },
    });
    const at = Math.floor(Date.now() / 1000) - (restoreWindowDays! + 1) * 86_400;
    const req = request('src', '', {
      what: { pointInTimeUTCSeconds: at },
      collectionRestore: { collections: ['app.users'] },
    });
    const failed = await (await start(req)).result().catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(WorkflowFailedError);
    const message = String((failed as WorkflowFailedError).cause?.message);
    // DR's target check (before approval) or the collection check, whichever reads the window first.
    expect(message).toMatch(/what\.pointInTimeUTCSeconds: .* is outside the restore window/);
    expect((await jobsOf('src')).length).toBe(before);
  });

  it('ends with one job when the create commits but its answer is lost', async () => {
    const snapshotId = await completedSnapshot('src');
    const before = (await jobsOf('src')).length;
    await ctx.sim.admin.setFaults({ operations: { createCollectionRestoreJob: { dropResponse: 1 } } });
    try {
      const report = await (
        await start(request('src', snapshotId, { collectionRestore: { collections: ['logs.lines'], suffix: '_x' } }))
      ).result();
      expect(report.outcome).toBe('completed');
      expect(report.restoreJob?.adopted).toBe(true);
    } finally {
      await ctx.sim.admin.clearFaults();
    }
    expect((await jobsOf('src')).length).toBe(before + 1);
  });

  it('shows documents restored while the job runs, and a second job on the cluster waits for the first', async () => {
    const snapshotId = await completedSnapshot('slow');
    const first = await start(request('slow', snapshotId, { collectionRestore: { databases: ['shop'] } }));
    let seen: { restoredDocuments?: number; totalDocuments?: number } | undefined;
    while (!seen) {
      const s = await getRunStatus(first);
      const c = s.collectionRestore;
      if (c?.totalDocuments && (c.restoredDocuments ?? 0) > 0 && c.restoredDocuments! < c.totalDocuments) seen = c;
      if (s.executionStatus !== 'RUNNING') throw new Error(`ended before any progress was seen: ${JSON.stringify(s)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(seen.totalDocuments).toBe(500);
    // The run's own status query, not only the pending wait, shows the documents restored so far.
    let queried = 0;
    while (queried === 0) {
      const c = (await first.query(drStatusQuery)).collectionRestore;
      if (c?.totalDocuments && (c.restoredDocuments ?? 0) > 0) queried = c.restoredDocuments!;
      else if ((await first.describe()).status.name !== 'RUNNING')
        throw new Error('ended before its status showed progress');
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(queried).toBeLessThanOrEqual(500);
    const second = await start(
      request('slow', snapshotId, { collectionRestore: { collections: ['shop.small'], suffix: '_2' } }),
    );
    let waited = false;
    while (!waited) {
      const s = await getRunStatus(second);
      waited = s.lastError?.type === 'CollectionRestoreJobRunning';
      if (s.executionStatus !== 'RUNNING') throw new Error(`second run ended without waiting: ${JSON.stringify(s)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const [a, b] = await Promise.all([first.result(), second.result()]);
    expect(a.outcome).toBe('completed');
    expect(b.outcome).toBe('completed');
    expect(a.status.steps.filter((s) => s.name === 'wait-for-restore').length).toBeGreaterThan(1);
    expect(a.collectionRestore).toMatchObject({ restoredDocuments: 500, totalDocuments: 500 });
    expect(a.collectionRestore?.collections?.map((c) => c.targetNamespace).sort()).toEqual([
      'shop_restored_' + a.startedAt.slice(0, 10).replace(/-/g, '') + '.big',
      'shop_restored_' + a.startedAt.slice(0, 10).replace(/-/g, '') + '.small',
    ]);
    expect((await jobsOf('slow')).length).toBe(2);
  });
});
