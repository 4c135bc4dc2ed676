import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_IDS, DEMO_SEED, type RunningSimulator } from '../../src/simulator/index.js';
import { Atlas, startFast, until } from './helpers.js';

let sim: RunningSimulator;
let atlas: Atlas;
const G = DEMO_IDS.projectId;
const RS = { groupId: G, clusterName: DEMO_IDS.replicaSet };
const SH = { groupId: G, clusterName: DEMO_IDS.sharded };

beforeAll(async () => {
  sim = await startFast({ seed: DEMO_SEED });
  atlas = await Atlas.connect(sim);
});
afterAll(() => sim.stop());

async function completedSnapshot(params: { groupId: string; clusterName: string } = RS): Promise<string> {
  const taken = await atlas.call('takeSnapshots', params, { body: { description: 'fixture' } });
  expect(taken.status).toBe(200);
  const op = params.clusterName === SH.clusterName ? 'getBackupShardedCluster' : 'getClusterBackupSnapshot';
  await until(
    () => atlas.call(op, { ...params, snapshotId: taken.body.id }),
    (r) => r.body.status === 'completed',
  );
  return taken.body.id;
}

describe('snapshots', () => {
  it('takes a replica-set snapshot that goes queued → inProgress → completed, keeping its description', async () => {
    const r = await atlas.call('takeSnapshots', RS, { body: { description: 'wf-123', retentionInDays: 3 } });
    expect(r.body).toMatchObject({
      status: 'queued',
      type: 'replicaSet',
      description: 'wf-123',
      snapshotType: 'onDemand',
    });
    expect(Date.parse(r.body.expiresAt) - Date.parse(r.body.createdAt)).toBe(3 * 86_400_000);
    const seen = new Set<string>();
    await until(
      async () => {
        const g = await atlas.call('getClusterBackupSnapshot', { ...RS, snapshotId: r.body.id });
        seen.add(g.body.status);
        return g;
      },
      (g) => g.body.status === 'completed',
    );
    expect(seen.has('completed')).toBe(true);
    const list = await atlas.call('listBackupSnapshots', RS);
    expect(list.body.results.some((s: { description?: string }) => s.description === 'wf-123')).toBe(true);
  });

  it('answers 400 UNFINISHED_ON_DEMAND_SNAPSHOT while an on-demand snapshot is queued or in progress', async () => {
    await sim.admin.failNext({ target: 'snapshot', clusterName: 'nothing-matches' }); // unrelated rule stays pending
    const first = await atlas.call('takeSnapshots', RS, { body: {} });
    const second = await atlas.call('takeSnapshots', RS, { body: {} });
    expect(second.status).toBe(400);
    expect(second.body.errorCode).toBe('UNFINISHED_ON_DEMAND_SNAPSHOT');
    await until(
      () => atlas.call('getClusterBackupSnapshot', { ...RS, snapshotId: first.body.id }),
      (r) => r.body.status === 'completed',
    );
    expect((await atlas.call('takeSnapshots', RS, { body: {} })).status).toBe(200);
  });

  it('takes sharded snapshots with one member and snapshotId per shard plus the config server', async () => {
    const id = await completedSnapshot(SH);
    const r = await atlas.call('getBackupShardedCluster', { ...SH, snapshotId: id });
    expect(r.body.type).toBe('shardedCluster');
    expect(r.body.members).toHaveLength(3);
    expect(r.body.snapshotIds).toEqual(r.body.members.map((m: { id: string }) => m.id));
    const list = await atlas.call('listBackupShardedClusters', SH);
    expect(list.body.results.map((s: { id: string }) => s.id)).toContain(id);
    const viaReplicaSetApi = await atlas.call('getClusterBackupSnapshot', { ...SH, snapshotId: id });
    expect([viaReplicaSetApi.status, viaReplicaSetApi.body.errorCode]).toEqual([404, 'SNAPSHOT_NOT_FOUND']);
  });

  it('fails a snapshot on request and deletes snapshots (404 SNAPSHOT_NOT_FOUND afterwards)', async () => {
    await sim.admin.failNext({ target: 'snapshot', groupId: G, clusterName: DEMO_IDS.replicaSet });
    await until(
      () => atlas.call('takeSnapshots', RS, { body: {} }),
      (r) => r.status === 200,
    ).then(async (t) => {
      await until(
        () => atlas.call('getClusterBackupSnapshot', { ...RS, snapshotId: t.body.id }),
        (r) => r.body.status === 'failed',
      );
      expect((await atlas.call('deleteClusterBackupSnapshot', { ...RS, snapshotId: t.body.id })).status).toBe(204);
      const gone = await atlas.call('getClusterBackupSnapshot', { ...RS, snapshotId: t.body.id });
      expect([gone.status, gone.body.errorCode]).toEqual([404, 'SNAPSHOT_NOT_FOUND']);
    });
  });

  it('lists an admin-added scheduled snapshot, newest first', async () => {
    const old = await sim.admin.addScheduledSnapshot({ groupId: G, clusterName: DEMO_IDS.sharded, ageMs: 3_600_000 });
    const list = await atlas.call('listBackupShardedClusters', SH);
    const ids = list.body.results.map((s: { id: string }) => s.id);
    expect(ids).toContain(old.id);
    expect(ids.indexOf(old.id)).toBe(ids.length - 1);
  });
});

describe('export buckets and export jobs', () => {
  it('creates, lists and gets buckets; unknown bucket → 404 EXPORT_BUCKET_NOT_FOUND', async () => {
    const c = await atlas.call(
      'createExportBucket',
      { groupId: G },
      { body: { bucketName: 'my-bucket', cloudProvider: 'AWS', iamRoleId: '65f1a0c0a1b2c3d4e5f6a009' } },
    );
    expect(c.body).toMatchObject({ bucketName: 'my-bucket', cloudProvider: 'AWS' });
    expect((await atlas.call('getExportBucket', { groupId: G, exportBucketId: c.body._id })).body._id).toBe(c.body._id);
    expect((await atlas.call('listExportBuckets', { groupId: G })).body.totalCount).toBeGreaterThanOrEqual(2);
    const missing = await atlas.call('getExportBucket', { groupId: G, exportBucketId: 'aaaaaaaaaaaaaaaaaaaaaaaa' });
    expect([missing.status, missing.body.errorCode]).toEqual([404, 'EXPORT_BUCKET_NOT_FOUND']);
    const bad = await atlas.call(
      'createExportBucket',
      { groupId: G },
      { body: { bucketName: 'b1x', cloudProvider: 'IBM' } },
    );
    expect([bad.status, bad.body.errorCode, bad.body.detail]).toEqual([
      400,
      'VALIDATION_ERROR',
      expect.stringContaining('cloudProvider'),
    ]);
    // The spec's 3-character minimum counts characters (code points), not UTF-16 units: an emoji
    // and one letter are two characters, though JavaScript's length says three.
    const short = await atlas.call(
      'createExportBucket',
      { groupId: G },
      { body: { bucketName: '\u{1F600}ñ', cloudProvider: 'AWS', iamRoleId: '65f1a0c0a1b2c3d4e5f6a009' } },
    );
    expect([short.status, short.body.errorCode, short.body.detail]).toEqual([
      400,
      'VALIDATION_ERROR',
      expect.stringContaining('bucketName'),
    ]);
  });

  it('runs an export Queued → InProgress (collections rising) → Successful with customData kept', async () => {
    const snapshotId = await completedSnapshot();
    const r = await atlas.call('createBackupExport', RS, {
      body: { snapshotId, exportBucketId: DEMO_IDS.bucketId, customData: [{ key: 'workflowId', value: 'wf-9' }] },
    });
    expect(r.body.state).toBe('Queued');
    const progress: number[] = [];
    const done = await until(
      async () => {
        const g = await atlas.call('getBackupExport', { ...RS, exportId: r.body.id });
        progress.push(g.body.exportStatus.exportedCollections);
        return g;
      },
      (g) => g.body.state === 'Successful',
    );
    expect(done.body.exportStatus).toEqual({ exportedCollections: 4, totalCollections: 4 });
    expect(done.body.finishedAt).toBeDefined();
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    const list = await atlas.call('listBackupExports', RS);
    expect(list.body.results.find((j: { id: string }) => j.id === r.body.id).customData).toEqual([
      { key: 'workflowId', value: 'wf-9' },
    ]);
  });

  it('fails an export with a stateReason; rejects unknown buckets and incomplete snapshots', async () => {
    const snapshotId = await completedSnapshot();
    await sim.admin.failNext({ target: 'export', reason: 'bucket policy denied' });
    const r = await atlas.call('createBackupExport', RS, { body: { snapshotId, exportBucketId: DEMO_IDS.bucketId } });
    const failed = await until(
      () => atlas.call('getBackupExport', { ...RS, exportId: r.body.id }),
      (g) => g.body.state === 'Failed',
    );
    expect(failed.body.stateReason.message).toBe('bucket policy denied');
    const nob = await atlas.call('createBackupExport', RS, {
      body: { snapshotId, exportBucketId: 'bbbbbbbbbbbbbbbbbbbbbbbb' },
    });
    expect([nob.status, nob.body.errorCode]).toEqual([404, 'EXPORT_BUCKET_NOT_FOUND']);
    const fresh = await until(
      () => atlas.call('takeSnapshots', RS, { body: {} }),
      (t) => t.status === 200,
    );
    const early = await atlas.call('createBackupExport', RS, {
      body: { snapshotId: fresh.body.id, exportBucketId: DEMO_IDS.bucketId },
    });
    expect(early.status).toBe(409);
    const badId = await atlas.call('createBackupExport', RS, {
      body: { snapshotId: 'nope', exportBucketId: DEMO_IDS.bucketId },
    });
    expect([badId.status, badId.body.detail]).toEqual([400, expect.stringContaining('snapshotId')]);
    await until(
      () => atlas.call('getClusterBackupSnapshot', { ...RS, snapshotId: fresh.body.id }),
      (g) => g.body.status === 'completed',
    );
  });
});
