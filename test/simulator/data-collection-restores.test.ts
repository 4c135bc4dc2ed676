// Collection restore jobs against real FerretDB processes, read back through the official driver:
// OVERWRITE_EXISTING replaces a collection, index strategies keep or drop TTL indexes (held in the
// simulator's TTL catalog), a point in time picks the snapshot captured by then, and a snapshot of
// an empty cluster restores to an empty cluster; collections progress one after the other.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSnapshotManifest, snapshotDir, type RunningSimulator } from '../../src/simulator/index.js';
import { startFast, until } from './helpers.js';
import { automatedRestore, call, contents, driver, G, snapshot } from './data-helpers.js';

const seed = {
  projects: [
    {
      id: G,
      clusters: ['src', 'dst', 'empty', 'scratch', 'slow'].map((name) => ({ name, kind: 'replicaSet' as const })),
    },
  ],
  // analytics.sessions carries the demo's TTL index (lastSeen_1, expireAfterSeconds 1800).
  data: {
    src: { app: { users: 300, orders: 200 }, analytics: { sessions: 50 } },
    scratch: { old: { stuff: 3 } },
    slow: { shop: { big: 300, small: 100 } },
  },
};
const P = { groupId: G, clusterName: 'src' };

describe('collection restore jobs (FerretDB through the mongodb driver)', () => {
  let sim: RunningSimulator;
  const clients: MongoClient[] = [];
  beforeAll(async () => {
    // slow's collection restores take 100 s of simulated time, walked through with the admin clock.
    const clusterDurations = { slow: { restoreAutomated: 100_000 } };
    sim = await startFast({ auth: { enabled: false }, data: true, seed, clusterDurations });
    if (!sim.dataDir) throw new Error('FerretDB is not installed: run node --import tsx scripts/ferretdb.ts');
  }, 120_000);
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await sim?.stop();
  }, 60_000);
  const connect = async (name: string) => {
    const c = await driver(sim, name);
    clients.push(c);
    return c;
  };
  /** Creates a collection restore job from src into dst and waits until it ends. */
  const restore = async (body: Record<string, unknown>) => {
    const job = await call(sim, 'createCollectionRestoreJob', P, {
      targetGroupId: G,
      targetClusterName: 'dst',
      ...body,
    });
    expect(job.status, JSON.stringify(job)).toBe(201);
    return until(
      () => call(sim, 'getCollectionRestoreJob', { ...P, jobId: job.id }),
      (j) => j.state === 'SUCCESSFUL' || j.state === 'FAILED',
      60_000,
    );
  };
  /** The target's TTL indexes as the simulator's catalog holds them, per namespace. */
  const ttlCatalog = (cluster: string): Record<string, { name: string }[]> =>
    (JSON.parse(readFileSync(join(sim.dataDir!, 'ttl-indexes.json'), 'utf8')) as Record<string, never>)[
      `${G}/${cluster}`
    ] ?? {};

  it('OVERWRITE_EXISTING replaces the target collection instead of adding to it', async () => {
    const snapshotId = await snapshot(sim, 'src');
    const dst = await connect('dst');
    const kept = Array.from({ length: 7 }, (_, i) => ({ _id: `already-there-${i}` as never }));
    await dst.db('app').collection('orders').insertMany(kept);
    const done = await restore({
      snapshotId,
      writeStrategy: 'OVERWRITE_EXISTING',
      indexStrategy: 'ALL',
      collections: [{ sourceNamespace: 'app.orders' }],
    });
    expect(done.state).toBe('SUCCESSFUL');
    const item = await call(sim, 'getRestoreJobCollection', { ...P, jobId: done.id, sourceNamespace: 'app.orders' });
    expect(item.effectiveTargetNamespace).toBe('app.orders');
    expect(await dst.db('app').collection('orders').countDocuments()).toBe(200);
    expect(
      await dst
        .db('app')
        .collection('orders')
        .findOne({ _id: 'already-there-0' as never }),
    ).toBeNull();
  }, 120_000);

  it('indexStrategy ALL keeps the TTL index, ALL_EXCEPT_TTL leaves it out', async () => {
    const snapshotId = await snapshot(sim, 'src');
    const sessions = readSnapshotManifest(snapshotDir(sim.dataDir!, snapshotId)).namespaces.find(
      (n) => n.db === 'analytics' && n.collection === 'sessions',
    );
    expect(sessions?.indexes.map((i) => [i.name, i.expireAfterSeconds])).toContainEqual(['lastSeen_1', 1_800]);
    const job = (indexStrategy: string, target: string) =>
      restore({
        snapshotId,
        writeStrategy: 'CREATE_NEW',
        indexStrategy,
        collections: [{ sourceNamespace: 'analytics.sessions', targetNamespace: target }],
      });
    expect((await job('ALL', 'ttl_all.sessions')).state).toBe('SUCCESSFUL');
    expect((await job('ALL_EXCEPT_TTL', 'ttl_except.sessions')).state).toBe('SUCCESSFUL');
    const catalog = ttlCatalog('dst');
    expect(catalog['ttl_all.sessions']?.map((i) => i.name)).toEqual(['lastSeen_1']);
    expect(catalog['ttl_except.sessions'] ?? []).toEqual([]);
    const dst = await connect('dst');
    expect(await dst.db('ttl_except').collection('sessions').countDocuments()).toBe(50);
  }, 120_000);

  it('a point-in-time collection restore loads the snapshot captured by that time, not a later one', async () => {
    const src = await connect('src');
    const users = src.db('app').collection('users');
    const add = (tag: string) =>
      users.insertMany(Array.from({ length: 5 }, (_, i) => ({ _id: `${tag}-${i}` as never })));
    await snapshot(sim, 'src'); // 300 users
    await add('first');
    const middle = await snapshot(sim, 'src'); // 305 users
    const capturedAt = Date.parse(readSnapshotManifest(snapshotDir(sim.dataDir!, middle)).capturedAt);
    const pointInTimeUtcSeconds = Math.ceil(capturedAt / 1000);
    await until(
      async () => Date.now(),
      (now) => now > pointInTimeUtcSeconds * 1000 + 50,
    );
    await add('second');
    await snapshot(sim, 'src'); // 310 users, captured after the point in time
    const done = await restore({
      pointInTimeUtcSeconds,
      writeStrategy: 'CREATE_NEW',
      indexStrategy: 'ALL',
      collections: [{ sourceNamespace: 'app.users', targetNamespace: 'pit.users' }],
    });
    expect([done.state, done.pointInTimeUtcSeconds, done.totalDocuments]).toEqual([
      'SUCCESSFUL',
      pointInTimeUtcSeconds,
      305,
    ]);
    const restored = (await connect('dst')).db('pit').collection('users');
    expect(await restored.countDocuments()).toBe(305);
    expect(await restored.findOne({ _id: 'second-0' as never })).toBeNull();
  }, 120_000);

  it('a snapshot of an empty cluster restores to an empty cluster', async () => {
    expect(await contents(await connect('scratch'))).toEqual({ 'old.stuff': 3 });
    const snapshotId = await snapshot(sim, 'empty');
    const dbs = await call(sim, 'listBackupSnapshotDatabases', { groupId: G, clusterName: 'empty', snapshotId });
    expect([dbs.status, dbs.results]).toEqual([200, []]);
    const done = await automatedRestore(sim, 'empty', snapshotId, 'scratch');
    expect(done.failed).not.toBe(true);
    expect(await contents(await connect('scratch'))).toEqual({});
  }, 120_000);

  it('collections progress one after the other: one SUCCESSFUL while the next is IN_PROGRESS', async () => {
    const p = { groupId: G, clusterName: 'slow' };
    const snapshotId = await snapshot(sim, 'slow');
    const job = await call(sim, 'createCollectionRestoreJob', p, {
      snapshotId,
      targetGroupId: G,
      targetClusterName: 'dst',
      writeStrategy: 'CREATE_NEW',
      indexStrategy: 'ALL',
      collections: [{ sourceNamespace: 'shop.big' }, { sourceNamespace: 'shop.small' }],
      collectionSuffix: '_p',
    });
    // The job's 100 s are shared by documents: shop.big (300) the first 75 s, shop.small (100) the last 25 s.
    const items = async () => {
      const list = await call(sim, 'listRestoreJobCollections', { ...p, jobId: job.id });
      return Object.fromEntries(
        (list.results as { sourceNamespace: string; state: string; restoredDocuments: number }[]).map((i) => [
          i.sourceNamespace,
          [i.state, i.restoredDocuments],
        ]),
      ) as Record<string, [string, number]>;
    };
    await sim.admin.advanceClock(30_500);
    const early = await items();
    expect(early['shop.big']![0]).toBe('IN_PROGRESS');
    expect(early['shop.big']![1]).toBeGreaterThan(0);
    expect(early['shop.small']).toEqual(['IN_PROGRESS', 0]);
    await sim.admin.advanceClock(10_000);
    const later = await items();
    expect(later['shop.big']![1]).toBeGreaterThan(early['shop.big']![1]);
    expect(later['shop.big']![1]).toBeLessThan(300);

    await sim.admin.advanceClock(40_000);
    const next = await until(items, (x) => x['shop.big']![0] === 'SUCCESSFUL', 30_000);
    expect(next['shop.big']).toEqual(['SUCCESSFUL', 300]);
    expect(next['shop.small']![0]).toBe('IN_PROGRESS');
    expect(next['shop.small']![1]).toBeGreaterThan(0);
    expect(next['shop.small']![1]).toBeLessThan(100);
    const running = await call(sim, 'getCollectionRestoreJob', { ...p, jobId: job.id });
    expect(running.state).toBe('IN_PROGRESS');
    expect(running.restoredDocuments).toBe(300 + next['shop.small']![1]);

    await sim.admin.advanceClock(25_000);
    const done = await until(
      () => call(sim, 'getCollectionRestoreJob', { ...p, jobId: job.id }),
      (j) => j.state === 'SUCCESSFUL',
      30_000,
    );
    expect(done.restoredDocuments).toBe(400);
    expect(await items()).toEqual({ 'shop.big': ['SUCCESSFUL', 300], 'shop.small': ['SUCCESSFUL', 100] });
  }, 120_000);
});
