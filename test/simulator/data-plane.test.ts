// The data plane against real FerretDB processes through the official driver: snapshots capture
// data, restores move it, collection restores rename it, and data faults are observable.
import { readFileSync } from 'node:fs';
import type { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSnapshotManifest, snapshotDir, type RunningSimulator } from '../../src/simulator/index.js';
import { startFast, until } from './helpers.js';
import { automatedRestore, call, contents, driver, G, seed, snapshot } from './data-helpers.js';

describe('data plane (FerretDB through the mongodb driver)', () => {
  let sim: RunningSimulator;
  const clients: MongoClient[] = [];
  beforeAll(async () => {
    sim = await startFast({ auth: { enabled: false }, data: true, seed });
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

  it('gives each cluster its own data: another cluster’s databases are not visible', async () => {
    expect(await contents(await connect('other'))).toEqual({ 'private.notes': 5 });
    expect(await contents(await connect('src'))).toEqual({ 'app.users': 1_500, 'app.orders': 800, 'logs.lines': 300 });
  });

  it('round trip: snapshot, change the source, automated restore: the target holds exactly the snapshot', async () => {
    const src = await connect('src');
    await src
      .db('app')
      .collection('users')
      .insertOne({ _id: 'written-by-driver' as never, v: 1 });
    const snapshotId = await snapshot(sim, 'src');
    const manifest = readSnapshotManifest(snapshotDir(sim.dataDir!, snapshotId));
    expect(manifest.namespaces.find((n) => n.collection === 'users')?.count).toBe(1_501);
    await src
      .db('app')
      .collection('users')
      .deleteMany({ _id: { $lt: 500 } as never });
    await src.db('app').collection('added').insertOne({ late: true });

    await automatedRestore(sim, 'src', snapshotId, 'dst');

    const dst = await connect('dst');
    expect(await contents(dst)).toEqual({ 'app.users': 1_501, 'app.orders': 800, 'logs.lines': 300 });
    const lines = readFileSync(`${snapshotDir(sim.dataDir!, snapshotId)}/app/users.jsonl`, 'utf8')
      .trim()
      .split('\n');
    const restored = await dst
      .db('app')
      .collection('users')
      .find({}, { sort: { _id: 1 } })
      .toArray();
    expect(restored.length).toBe(lines.length);
    expect(
      await dst
        .db('app')
        .collection('users')
        .findOne({ _id: 'written-by-driver' as never }),
    ).toMatchObject({ v: 1 });
  }, 120_000);

  it('a collection restore with suffixes creates db_suffix.coll with its count, and renames on conflict', async () => {
    const snapshotId = await snapshot(sim, 'src');
    const dbs = await call(sim, 'listBackupSnapshotDatabases', { groupId: G, clusterName: 'src', snapshotId });
    expect(dbs.results.map((d: { name: string }) => d.name)).toEqual(['app', 'logs']);
    const body = {
      snapshotId,
      targetGroupId: G,
      targetClusterName: 'dst',
      writeStrategy: 'CREATE_NEW',
      indexStrategy: 'ALL',
      collections: [{ sourceNamespace: 'app.orders' }],
      databaseSuffix: '_suffix',
    };
    const p = { groupId: G, clusterName: 'src' };
    const job = await call(sim, 'createCollectionRestoreJob', p, body);
    expect(job.status).toBe(201);
    const busy = await call(sim, 'createCollectionRestoreJob', p, body);
    expect([busy.status, busy.errorCode]).toEqual([409, 'COLLECTION_RESTORE_JOB_IN_PROGRESS']);
    const done = await until(
      () => call(sim, 'getCollectionRestoreJob', { ...p, jobId: job.id }),
      (j) => j.state === 'SUCCESSFUL',
      60_000,
    );
    expect([done.restoredDocuments, done.totalDocuments]).toEqual([800, 800]);
    const dst = await connect('dst');
    expect(await dst.db('app_suffix').collection('orders').countDocuments()).toBe(800);

    const again = await call(sim, 'createCollectionRestoreJob', p, body);
    await until(
      () => call(sim, 'getCollectionRestoreJob', { ...p, jobId: again.id }),
      (j) => j.state === 'SUCCESSFUL',
      60_000,
    );
    const item = await call(sim, 'getRestoreJobCollection', { ...p, jobId: again.id, sourceNamespace: 'app.orders' });
    expect(item.effectiveTargetNamespace).toBe('app_suffix.orders_1');
    expect(await dst.db('app_suffix').collection('orders_1').countDocuments()).toBe(800);
  }, 120_000);
});

describe('data faults', () => {
  let sim: RunningSimulator;
  const clients: MongoClient[] = [];
  beforeAll(async () => {
    sim = await startFast({
      auth: { enabled: false },
      data: true,
      seed,
      faults: {
        data: {
          snapshotLosesCollection: { clusterName: 'src', namespace: 'logs.lines' },
          restoreLosesCollection: { clusterName: 'dst', namespace: 'app.orders', mode: 'empty' },
          restoreLosesIndex: { clusterName: 'dst', namespace: 'app.users', index: 'lost_1' },
          slowDataPlaneMs: 150,
        },
      },
    });
  }, 120_000);
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await sim?.stop();
  }, 60_000);

  /** The names of a collection's indexes but _id_, sorted. */
  const indexNames = async (c: MongoClient, db: string, coll: string) =>
    (await c.db(db).collection(coll).listIndexes().toArray())
      .map((i) => i.name as string)
      .filter((n) => n !== '_id_')
      .sort();

  it('a snapshot silently loses a collection, a restore empties one and drops an index, the wire is slow', async () => {
    const src = await driver(sim, 'src');
    clients.push(src);
    await src.db('app').collection('users').createIndex({ lost: 1 }, { name: 'lost_1' });
    await src.db('app').collection('users').createIndex({ kept: 1 }, { name: 'kept_1' });
    const snapshotId = await snapshot(sim, 'src');
    const names = readSnapshotManifest(snapshotDir(sim.dataDir!, snapshotId)).namespaces.map(
      (n) => `${n.db}.${n.collection}`,
    );
    expect(names).toEqual(['app.orders', 'app.users']);
    const done = await automatedRestore(sim, 'src', snapshotId, 'dst');
    expect(done.failed).not.toBe(true);
    const dst = await driver(sim, 'dst');
    clients.push(dst);
    expect(await contents(dst)).toEqual({ 'app.users': 1_500, 'app.orders': 0 });
    expect(await indexNames(dst, 'app', 'users')).toEqual(['kept_1']);
    const started = performance.now();
    await dst.db('admin').command({ ping: 1 });
    expect(performance.now() - started).toBeGreaterThanOrEqual(2 * 150 - 5);
  }, 120_000);

  it('a collection restore job also reports success with the lost collection emptied', async () => {
    const snapshotId = await snapshot(sim, 'src');
    const p = { groupId: G, clusterName: 'src' };
    const job = await call(sim, 'createCollectionRestoreJob', p, {
      snapshotId,
      targetGroupId: G,
      targetClusterName: 'dst',
      writeStrategy: 'CREATE_NEW',
      indexStrategy: 'ALL',
      collections: [{ sourceNamespace: 'app.orders' }, { sourceNamespace: 'app.users' }],
      collectionSuffix: '_c',
    });
    const done = await until(
      () => call(sim, 'getCollectionRestoreJob', { ...p, jobId: job.id }),
      (j) => j.state === 'SUCCESSFUL' || j.state === 'FAILED',
      60_000,
    );
    expect([done.state, done.restoredDocuments]).toEqual(['SUCCESSFUL', 2_300]);
    const dst = await driver(sim, 'dst');
    clients.push(dst);
    const counts = await contents(dst);
    expect([counts['app.orders_c'], counts['app.users_c']]).toEqual([0, 1_500]);
    expect(await indexNames(dst, 'app', 'users_c')).toEqual(['kept_1']);
  }, 120_000);
});
