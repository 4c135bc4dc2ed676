import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_IDS, DEMO_SEED, type RunningSimulator } from '../../src/simulator/index.js';
import { Atlas, startFast, until } from './helpers.js';

let sim: RunningSimulator;
let atlas: Atlas;
const G = DEMO_IDS.projectId;
const T = DEMO_IDS.targetProjectId;
const RS = { groupId: G, clusterName: DEMO_IDS.replicaSet };
let snapshotId: string;

beforeAll(async () => {
  // The automated restore runs long enough for the busy-target checks to land while it runs.
  sim = await startFast({ seed: DEMO_SEED, durations: { restoreAutomated: 1_000 } });
  atlas = await Atlas.connect(sim);
  snapshotId = (await sim.admin.addScheduledSnapshot({ groupId: G, clusterName: DEMO_IDS.replicaSet, ageMs: 60_000 }))
    .id;
});
afterAll(() => sim.stop());

const target = { targetGroupId: T, targetClusterName: DEMO_IDS.restoreTarget };
const targetCluster = { groupId: T, clusterName: DEMO_IDS.restoreTarget };

describe('dedicated restore jobs', () => {
  it('automated restore: target UPDATING while it runs, a second restore → 409, then finishedAt and IDLE', async () => {
    const r = await atlas.call('createBackupRestoreJob', RS, {
      body: { deliveryType: 'automated', snapshotId, ...target },
    });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ deliveryType: 'automated', snapshotId, cancelled: false, failed: false });
    expect((await atlas.call('getCluster', targetCluster)).body.stateName).toBe('UPDATING');
    const second = await atlas.call('createBackupRestoreJob', RS, {
      body: { deliveryType: 'automated', snapshotId, ...target },
    });
    expect([second.status, second.body.errorCode]).toEqual([409, 'ATLAS_CLUSTER_RESTORE_IN_PROGRESS']);
    const cancel = await atlas.call('cancelBackupRestoreJob', { ...RS, restoreJobId: r.body.id });
    expect([cancel.status, cancel.body.errorCode]).toEqual([400, 'CANNOT_CANCEL_AUTOMATED_RESTORE']);
    const done = await until(
      () => atlas.call('getBackupRestoreJob', { ...RS, restoreJobId: r.body.id }),
      (g) => g.body.finishedAt !== undefined,
    );
    expect(done.body.failed).toBe(false);
    expect((await atlas.call('getCluster', targetCluster)).body.stateName).toBe('IDLE');
  });

  it('runs a download restore to a deliveryUrl, cancellable while running, and expires', async () => {
    const r = await atlas.call('createBackupRestoreJob', RS, { body: { deliveryType: 'download', snapshotId } });
    const done = await until(
      () => atlas.call('getBackupRestoreJob', { ...RS, restoreJobId: r.body.id }),
      (g) => g.body.finishedAt !== undefined,
    );
    expect(done.body.deliveryUrl).toHaveLength(1);
    await sim.admin.advanceClock(3_700_000);
    expect((await atlas.call('getBackupRestoreJob', { ...RS, restoreJobId: r.body.id })).body.expired).toBe(true);
    const c = await atlas.call('createBackupRestoreJob', RS, { body: { deliveryType: 'download', snapshotId } });
    expect((await atlas.call('cancelBackupRestoreJob', { ...RS, restoreJobId: c.body.id })).status).toBe(204);
    const got = await atlas.call('getBackupRestoreJob', { ...RS, restoreJobId: c.body.id });
    expect([got.body.cancelled, got.body.finishedAt]).toEqual([true, undefined]);
    expect((await atlas.call('listBackupRestoreJobs', RS)).body.totalCount).toBeGreaterThanOrEqual(3);
  });

  it('runs a point-in-time restore from pointInTimeUTCSeconds or oplogTs+oplogInc, and marks failures', async () => {
    const now = Math.floor(Date.now() / 1000) + 3_700; // the clock was advanced above
    await sim.admin.failNext({ target: 'restore' });
    const pit = await atlas.call('createBackupRestoreJob', RS, {
      body: { deliveryType: 'pointInTime', pointInTimeUTCSeconds: now, ...target },
    });
    expect(pit.status).toBe(200);
    const failed = await until(
      () => atlas.call('getBackupRestoreJob', { ...RS, restoreJobId: pit.body.id }),
      (g) => g.body.failed === true,
    );
    expect(failed.body.finishedAt).toBeUndefined();
    const oplog = await atlas.call('createBackupRestoreJob', RS, {
      body: { deliveryType: 'pointInTime', oplogTs: now, oplogInc: 1, ...target },
    });
    expect(oplog.body).toMatchObject({ oplogTs: now, oplogInc: 1 });
    await until(
      () => atlas.call('getBackupRestoreJob', { ...RS, restoreJobId: oplog.body.id }),
      (g) => g.body.finishedAt !== undefined,
    );
  });

  it.each([
    [{ deliveryType: 'automated', snapshotId: 'S' }, 400, 'VALIDATION_ERROR', 'targetClusterName'],
    [
      { deliveryType: 'pointInTime', targetClusterName: DEMO_IDS.restoreTarget },
      400,
      'VALIDATION_ERROR',
      'targetGroupId',
    ],
    [{ deliveryType: 'pointInTime', ...target }, 400, 'VALIDATION_ERROR', 'pointInTimeUTCSeconds'],
    [
      { deliveryType: 'pointInTime', pointInTimeUTCSeconds: 1199145599, ...target },
      400,
      'VALIDATION_ERROR',
      '1199145600',
    ],
    [{ deliveryType: 'pointInTime', oplogTs: 1199145600, ...target }, 400, 'VALIDATION_ERROR', 'oplogInc'],
    [{ deliveryType: 'pointInTime', oplogTs: 1199145600, oplogInc: 0, ...target }, 400, 'VALIDATION_ERROR', 'oplogInc'],
    [
      { deliveryType: 'pointInTime', pointInTimeUTCSeconds: 2_000_000_000, ...target },
      400,
      'INVALID_PIT_RESTORE_TIME',
      'future',
    ],
    [
      { deliveryType: 'pointInTime', pointInTimeUTCSeconds: 1199145600, ...target },
      409,
      'NO_CHECKPOINT_FOR_PIT_RESTORE',
      'snapshot',
    ],
    [{ deliveryType: 'carrierPigeon', snapshotId: 'S' }, 400, 'UNSUPPORTED_DELIVERY_METHOD', 'carrierPigeon'],
    [{ deliveryType: 'download' }, 400, 'VALIDATION_ERROR', 'snapshotId'],
    [
      { deliveryType: 'download', snapshotId: 'cccccccccccccccccccccccc' },
      404,
      'SNAPSHOT_NOT_FOUND',
      'cccccccccccccccccccccccc',
    ],
    [
      { deliveryType: 'automated', snapshotId: 'S', targetGroupId: T, targetClusterName: 'no-such-cluster' },
      404,
      'CLUSTER_NOT_FOUND',
      'no-such-cluster',
    ],
    [
      { deliveryType: 'automated', snapshotId: 'S', targetGroupId: G, targetClusterName: DEMO_IDS.flex },
      403,
      'CANNOT_RESTORE_TO_TARGET',
      DEMO_IDS.flex,
    ],
  ])('rejects %j with %i %s', async (body, status, code, mentions) => {
    const b = { ...body } as Record<string, unknown>;
    if (b.snapshotId === 'S') b.snapshotId = snapshotId;
    const r = await atlas.call('createBackupRestoreJob', RS, { body: b });
    expect([r.status, r.body.errorCode]).toEqual([status, code]);
    expect(r.body.detail).toContain(mentions);
  });

  it('refuses paused targets, incomplete and deleted snapshots', async () => {
    await sim.admin.setClusterState({ groupId: T, name: DEMO_IDS.restoreTarget, paused: true });
    const paused = await atlas.call('createBackupRestoreJob', RS, {
      body: { deliveryType: 'automated', snapshotId, ...target },
    });
    expect([paused.status, paused.body.errorCode]).toEqual([400, 'CLUSTER_PAUSED_CANNOT_RESTORE']);
    await sim.admin.setClusterState({ groupId: T, name: DEMO_IDS.restoreTarget, paused: false });
    const fresh = await until(
      () => atlas.call('takeSnapshots', RS, { body: {} }),
      (t) => t.status === 200,
    );
    const early = await atlas.call('createBackupRestoreJob', RS, {
      body: { deliveryType: 'download', snapshotId: fresh.body.id },
    });
    expect([early.status, early.body.errorCode]).toEqual([
      409,
      'CANNOT_START_RESTORE_JOB_FOR_INCOMPLETE_CLUSTER_SNAPSHOT',
    ]);
    const old = await sim.admin.addScheduledSnapshot({ groupId: G, clusterName: DEMO_IDS.replicaSet, ageMs: 120_000 });
    await atlas.call('deleteClusterBackupSnapshot', { ...RS, snapshotId: old.id });
    const del = await atlas.call('createBackupRestoreJob', RS, {
      body: { deliveryType: 'download', snapshotId: old.id },
    });
    expect([del.status, del.body.errorCode]).toEqual([409, 'CANNOT_START_RESTORE_JOB_FOR_DELETED_SNAPSHOT']);
    const nojob = await atlas.call('getBackupRestoreJob', { ...RS, restoreJobId: 'dddddddddddddddddddddddd' });
    expect([nojob.status, nojob.body.errorCode]).toEqual([404, 'RESTORE_JOB_NOT_FOUND']);
  });
});

describe('serverless and flex', () => {
  const SL = { groupId: G, clusterName: DEMO_IDS.serverless };
  const FX = { groupId: G, name: DEMO_IDS.flex };

  it('serves serverless snapshots and restore jobs (seed 002)', async () => {
    const s = await sim.admin.addScheduledSnapshot({ groupId: G, clusterName: DEMO_IDS.serverless, ageMs: 1000 });
    const got = await atlas.call(
      'getServerlessBackupSnapshot',
      { ...SL, snapshotId: s.id },
      { query: { pretty: 'true' } },
    );
    expect(got.body).toMatchObject({ id: s.id, status: 'completed', serverlessInstanceName: DEMO_IDS.serverless });
    expect(got.text).toContain('\n  "id"');
    // The demo seed's snapshot and this one.
    expect((await atlas.call('listServerlessBackupSnapshots', SL)).body.totalCount).toBe(2);
    const r = await atlas.call('createServerlessRestoreJob', SL, {
      body: { deliveryType: 'automated', snapshotId: s.id, ...target },
    });
    await until(
      () => atlas.call('getServerlessRestoreJob', { ...SL, restoreJobId: r.body.id }),
      (g) => g.body.finishedAt !== undefined,
    );
    expect((await atlas.call('listServerlessRestoreJobs', SL)).body.results[0].id).toBe(r.body.id);
    const wrongApi = await atlas.call('getServerlessBackupSnapshot', {
      groupId: G,
      clusterName: DEMO_IDS.replicaSet,
      snapshotId: s.id,
    });
    expect([wrongApi.status, wrongApi.body.errorCode]).toEqual([400, 'CANNOT_USE_CLUSTER_IN_SERVERLESS_INSTANCE_API']);
  });

  it('runs flex restores PENDING → QUEUED → RUNNING → COMPLETED and downloads with a snapshotUrl', async () => {
    const s = await sim.admin.addScheduledSnapshot({ groupId: G, clusterName: DEMO_IDS.flex, ageMs: 1000 });
    expect((await atlas.call('getFlexBackupSnapshot', { ...FX, snapshotId: s.id })).body.status).toBe('COMPLETED');
    expect((await atlas.call('listFlexBackupSnapshots', FX)).body.results).toHaveLength(1);
    const r = await atlas.call('createFlexRestoreJob', FX, {
      body: { snapshotId: s.id, targetDeploymentItemName: DEMO_IDS.flex },
    });
    expect(r.body.status).toBe('PENDING');
    // However often the polls land, the states seen follow the lifecycle's order from PENDING to COMPLETED.
    const seen: string[] = [r.body.status];
    await until(
      async () => {
        const g = await atlas.call('getFlexRestoreJob', { ...FX, restoreJobId: r.body.id });
        seen.push(g.body.status);
        return g;
      },
      (g) => g.body.status === 'COMPLETED',
    );
    const order = ['PENDING', 'QUEUED', 'RUNNING', 'COMPLETED'];
    expect(seen.map((st) => order.indexOf(st))).toEqual([...seen.map((st) => order.indexOf(st))].sort((a, b) => a - b));
    expect([seen[0], seen.at(-1)]).toEqual(['PENDING', 'COMPLETED']);
    const d = await atlas.call('downloadFlexBackup', FX, { body: { snapshotId: s.id } });
    const dl = await until(
      () => atlas.call('getFlexRestoreJob', { ...FX, restoreJobId: d.body.id }),
      (g) => g.body.status === 'COMPLETED',
    );
    expect(dl.body.snapshotUrl).toMatch(/^https:\/\//);
    expect((await atlas.call('listFlexRestoreJobs', FX)).body.totalCount).toBe(2);
    await sim.admin.failNext({ target: 'flexRestore' });
    const f = await atlas.call('createFlexRestoreJob', FX, {
      body: { snapshotId: s.id, targetDeploymentItemName: DEMO_IDS.flex },
    });
    await until(
      () => atlas.call('getFlexRestoreJob', { ...FX, restoreJobId: f.body.id }),
      (g) => g.body.status === 'FAILED',
    );
  });

  it('gives the real errors for flex clusters in the cluster API and the reverse', async () => {
    const a = await atlas.call('takeSnapshots', { groupId: G, clusterName: DEMO_IDS.flex }, { body: {} });
    expect([a.status, a.body.errorCode]).toEqual([400, 'CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API']);
    const b = await atlas.call('listFlexBackupSnapshots', { groupId: G, name: DEMO_IDS.replicaSet });
    expect([b.status, b.body.errorCode]).toEqual([400, 'CANNOT_USE_NON_FLEX_CLUSTER_IN_FLEX_API']);
    const c = await atlas.call('getCluster', { groupId: G, clusterName: DEMO_IDS.serverless });
    expect([c.status, c.body.errorCode]).toEqual([400, 'CANNOT_USE_SERVERLESS_INSTANCE_IN_CLUSTER_API']);
  });
});
