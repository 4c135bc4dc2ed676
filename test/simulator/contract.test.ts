// The nine operations added for issue 13, their Atlas errors, and the spec coverage: every
// operation in cloud-backups.openapi.yaml is in the catalogue the simulator routes by.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { catalog, operationIds } from '../../src/atlas/catalog.js';
import { DEMO_IDS, DEMO_SEED, type RunningSimulator } from '../../src/simulator/index.js';
import { Atlas, startFast } from './helpers.js';
import { IN_DATA_SPEC } from './data-api.js';

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

describe('spec coverage', () => {
  it('serves every operation of cloud-backups.openapi.yaml at its method and path', () => {
    const spec = parse(
      readFileSync(new URL('../../atlas-spec/atlas-api/cloud-backups.openapi.yaml', import.meta.url), 'utf8'),
    ) as { paths: Record<string, Record<string, { operationId: string }>> };
    const inSpec = Object.entries(spec.paths).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, o]) => `${o.operationId} ${method.toUpperCase()} ${path}`),
    );
    // Fleet discovery's listProjects, and the operations data-and-limits.openapi.yaml documents (the
    // compliance policy read, database users, snapshot browsing), are served beyond this spec subset.
    const beyondSpec = new Set<string>(['listProjects', ...IN_DATA_SPEC]);
    const served = operationIds
      .filter((id) => !beyondSpec.has(id))
      .map((id) => `${id} ${catalog[id].method} ${catalog[id].path}`);
    expect(inSpec).toHaveLength(37);
    expect(served.sort()).toEqual(inSpec.sort());
  });
});

describe('backup schedule', () => {
  it('reads the default policy, updates it partially, and removes every policy item', async () => {
    const got = await atlas.call('getBackupSchedule', RS);
    expect(got.body.policies[0].policyItems.map((i: { frequencyType: string }) => i.frequencyType)).toEqual([
      'hourly',
      'daily',
      'weekly',
      'monthly',
    ]);
    expect(Date.parse(got.body.nextSnapshot)).toBeGreaterThan(Date.now() - 1000);
    const policy = {
      id: got.body.policies[0].id,
      policyItems: [{ frequencyType: 'daily', frequencyInterval: 1, retentionUnit: 'days', retentionValue: 14 }],
    };
    const upd = await atlas.call('updateBackupSchedule', RS, { body: { policies: [policy], referenceHourOfDay: 5 } });
    expect(upd.status).toBe(200);
    expect(upd.body).toMatchObject({
      referenceHourOfDay: 5,
      restoreWindowDays: 7,
      policies: [{ policyItems: [{ frequencyType: 'daily', retentionValue: 14 }] }],
    });
    expect((await atlas.call('getBackupSchedule', RS)).body.policies).toEqual(upd.body.policies);
    const del = await atlas.call('deleteClusterBackupSchedule', RS);
    expect([del.status, del.body.policies[0].policyItems, del.body.nextSnapshot]).toEqual([200, [], undefined]);
  });

  it.each([
    [
      {
        policies: [
          {
            policyItems: [{ frequencyType: 'hourly', frequencyInterval: 5, retentionUnit: 'days', retentionValue: 1 }],
          },
        ],
      },
      'VALIDATION_ERROR',
      'frequencyInterval',
    ],
    [
      {
        policies: [
          {
            policyItems: [
              { frequencyType: 'daily', frequencyInterval: 1, retentionUnit: 'years', retentionValue: 2_000_000_000 },
            ],
          },
        ],
      },
      'VALIDATION_ERROR',
      'retentionValue',
    ],
    [{ referenceHourOfDay: 24 }, 'VALIDATION_ERROR', 'referenceHourOfDay'],
    [{ autoExportEnabled: true }, 'VALIDATION_ERROR', 'exportBucketId'],
    [{ bogus: 1 }, 'INVALID_ATTRIBUTE', 'bogus'],
  ])('refuses %j with 400 %s and keeps the schedule', async (body, code, mentions) => {
    const before = (await atlas.call('getBackupSchedule', SH)).body;
    const r = await atlas.call('updateBackupSchedule', SH, { body });
    expect([r.status, r.body.errorCode]).toEqual([400, code]);
    expect(r.body.detail).toContain(mentions);
    expect((await atlas.call('getBackupSchedule', SH)).body.policies).toEqual(before.policies);
  });

  it('answers 404 for an auto-export bucket that does not exist', async () => {
    const r = await atlas.call('updateBackupSchedule', SH, {
      body: { export: { exportBucketId: 'dddddddddddddddddddddddd' } },
    });
    expect([r.status, r.body.errorCode]).toEqual([404, 'EXPORT_BUCKET_NOT_FOUND']);
  });
});

describe('snapshot retention and sharded snapshot removal', () => {
  it('moves a snapshot’s expiry (updateBackupSnapshot) and refuses one past 9999 without changing it', async () => {
    const { id } = await sim.admin.addScheduledSnapshot({ ...RS, ageMs: 1000 });
    const r = await atlas.call(
      'updateBackupSnapshot',
      { ...RS, snapshotId: id },
      { body: { retentionUnit: 'weeks', retentionValue: 3 } },
    );
    expect(r.status).toBe(200);
    expect(Date.parse(r.body.expiresAt) - Date.parse(r.body.createdAt)).toBe(21 * 86_400_000);
    const huge = await atlas.call(
      'updateBackupSnapshot',
      { ...RS, snapshotId: id },
      { body: { retentionUnit: 'years', retentionValue: 2_147_483_647 } },
    );
    expect([huge.status, huge.body.errorCode]).toEqual([400, 'VALIDATION_ERROR']);
    expect((await atlas.call('getClusterBackupSnapshot', { ...RS, snapshotId: id })).body.expiresAt).toBe(
      r.body.expiresAt,
    );
    const bad = await atlas.call(
      'updateBackupSnapshot',
      { ...RS, snapshotId: id },
      { body: { retentionUnit: 'fortnights', retentionValue: 1 } },
    );
    expect([bad.status, bad.body.errorCode]).toEqual([400, 'VALIDATION_ERROR']);
  });

  it('deletes a sharded snapshot (deleteBackupShardedCluster); replica-set ids there are 404', async () => {
    const { id } = await sim.admin.addScheduledSnapshot(SH);
    expect((await atlas.call('deleteBackupShardedCluster', { ...SH, snapshotId: id })).status).toBe(204);
    expect((await atlas.call('getBackupShardedCluster', { ...SH, snapshotId: id })).status).toBe(404);
    const rs = await sim.admin.addScheduledSnapshot(RS);
    const wrong = await atlas.call('deleteBackupShardedCluster', { ...RS, snapshotId: rs.id });
    expect([wrong.status, wrong.body.errorCode]).toEqual([404, 'SNAPSHOT_NOT_FOUND']);
  });

  it('DELETE …/snapshots/shardedClusters (the list path, wrong method): 405, Allow: GET, nothing deleted', async () => {
    const before = (await sim.admin.resources()).snapshots.filter((s) => !s.deleted).length;
    const r = await fetch(`${sim.url}${atlas.path('listBackupShardedClusters', SH)}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${atlas.token}`, accept: 'application/vnd.atlas.2023-01-01+json' },
    });
    expect([r.status, r.headers.get('allow'), ((await r.json()) as { errorCode: string }).errorCode]).toEqual([
      405,
      'GET',
      'METHOD_NOT_ALLOWED',
    ]);
    expect((await sim.admin.resources()).snapshots.filter((s) => !s.deleted).length).toBe(before);
  });
});

describe('export buckets', () => {
  it('turns private networking on for an AWS bucket, refuses it for others, and deletes buckets', async () => {
    const aws = await sim.admin.seedBucket({ groupId: G });
    const r = await atlas.call(
      'updateBackupExportBucket',
      { groupId: G, exportBucketId: aws.id },
      { body: { requirePrivateNetworking: true } },
    );
    expect([r.status, r.body.requirePrivateNetworking]).toEqual([200, true]);
    const gcp = await sim.admin.seedBucket({ groupId: G, cloudProvider: 'GCP' });
    const no = await atlas.call(
      'updateBackupExportBucket',
      { groupId: G, exportBucketId: gcp.id },
      { body: { requirePrivateNetworking: true } },
    );
    expect([no.status, no.body.errorCode]).toEqual([400, 'VALIDATION_ERROR']);
    const missing = await atlas.call('updateBackupExportBucket', { groupId: G, exportBucketId: aws.id }, { body: {} });
    expect([missing.status, missing.body.detail]).toEqual([400, expect.stringContaining('requirePrivateNetworking')]);
    expect((await atlas.call('deleteExportBucket', { groupId: G, exportBucketId: aws.id })).status).toBe(204);
    const gone = await atlas.call('getExportBucket', { groupId: G, exportBucketId: aws.id });
    expect([gone.status, gone.body.errorCode]).toEqual([404, 'EXPORT_BUCKET_NOT_FOUND']);
  });
});

describe('clusters', () => {
  it('pauses and resumes (updateCluster); a paused cluster refuses other changes with 409', async () => {
    const target = { groupId: DEMO_IDS.targetProjectId, clusterName: DEMO_IDS.restoreTarget };
    const paused = await atlas.call('updateCluster', target, { body: { paused: true } });
    expect([paused.status, paused.body.paused]).toEqual([200, true]);
    const refused = await atlas.call('updateCluster', target, { body: { pitEnabled: false } });
    expect([refused.status, refused.body.errorCode]).toEqual([409, 'CANNOT_UPDATE_PAUSED_CLUSTER']);
    const resumed = await atlas.call('updateCluster', target, { body: { paused: false, pitEnabled: false } });
    expect(resumed.body).toMatchObject({ paused: false, pitEnabled: false });
    const rename = await atlas.call('updateCluster', target, { body: { name: 'other' } });
    expect([rename.status, rename.body.errorCode]).toEqual([400, 'VALIDATION_ERROR']);
  });

  it('deletes a cluster (202) unless termination-protected; its snapshots go unless retainBackups=true', async () => {
    await sim.admin.seedCluster({ groupId: G, name: 'doomed', kind: 'replicaSet' });
    const doomed = { groupId: G, clusterName: 'doomed' };
    const snap = await sim.admin.addScheduledSnapshot(doomed);
    await atlas.call('updateCluster', doomed, { body: { terminationProtectionEnabled: true } });
    const protectedDel = await atlas.call('deleteCluster', doomed);
    expect([protectedDel.status, protectedDel.body.errorCode]).toEqual([
      400,
      'CANNOT_TERMINATE_CLUSTER_WHEN_TERMINATION_PROTECTION_ENABLED',
    ]);
    await atlas.call('updateCluster', doomed, { body: { terminationProtectionEnabled: false } });
    expect((await atlas.call('deleteCluster', doomed, { query: { retainBackups: 'maybe' } })).status).toBe(400);
    const del = await atlas.call('deleteCluster', doomed);
    expect([del.status, del.text]).toEqual([202, '']);
    expect((await atlas.call('getCluster', doomed)).body.errorCode).toBe('CLUSTER_NOT_FOUND');
    expect((await sim.admin.resources()).snapshots.find((s) => s.id === snap.id)?.deleted).toBe(true);
  });
});
