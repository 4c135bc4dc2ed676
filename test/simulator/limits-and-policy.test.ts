// The 2026 operations beside the data plane, over HTTP and validated against
// data-and-limits.openapi.yaml: Backup Compliance Policy refusals, createCluster's lifecycle, flex
// reads, Atlas's token buckets and their listing, the serverless sunset, and 404 before 400.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_IDS, DEMO_SEED, type RunningSimulator, type SeedSpec } from '../../src/simulator/index.js';
import { SimApi } from './data-api.js';
import { fetchToken, startFast } from './helpers.js';

const G = DEMO_IDS.projectId;
const STRICT = '65f1a0c0a1b2c3d4e5f6c0de';
const RS = { groupId: G, clusterName: DEMO_IDS.replicaSet };
const SEED: SeedSpec = {
  projects: [
    ...DEMO_SEED.projects,
    {
      id: STRICT,
      name: 'compliant',
      clusters: [{ name: 'kept', kind: 'replicaSet', snapshots: 1 }],
      backupCompliancePolicy: {
        authorizedEmail: 'officer@example.com',
        onDemandPolicyItem: { retentionUnit: 'days', retentionValue: 7 },
      },
    },
  ],
};
let sim: RunningSimulator;
let api: SimApi;

async function connect(s: RunningSimulator) {
  return new SimApi(s, (await fetchToken(s.url)).body.access_token);
}

beforeAll(async () => {
  sim = await startFast({ seed: SEED, serverlessLegacy: false });
  api = await connect(sim);
});
afterAll(() => sim?.stop());

describe('Backup Compliance Policy', () => {
  const kept = { groupId: STRICT, clusterName: 'kept' };

  it('returns a seeded policy, and 404 for a project without one', async () => {
    const r = await api.call('getCompliancePolicy', { groupId: STRICT });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ projectId: STRICT, authorizedEmail: 'officer@example.com', state: 'ACTIVE' });
    expect(r.body.onDemandPolicyItem).toMatchObject({ frequencyType: 'ondemand', retentionValue: 7 });
    const none = await api.call('getCompliancePolicy', { groupId: G });
    expect([none.status, none.body.errorCode]).toEqual([404, 'BACKUP_COMPLIANCE_POLICY_NOT_FOUND']);
  });

  it('refuses to delete a snapshot or shorten its retention, and allows a longer one', async () => {
    const [snap] = (await api.call('listBackupSnapshots', kept)).body.results;
    const del = await api.call('deleteClusterBackupSnapshot', { ...kept, snapshotId: snap.id });
    expect([del.status, del.body.errorCode]).toEqual([400, 'CANNOT_DELETE_SNAPSHOT_WITH_BACKUP_COMPLIANCE_POLICY']);
    const shorter = { retentionUnit: 'days', retentionValue: 2 };
    const cut = await api.call('updateBackupSnapshot', { ...kept, snapshotId: snap.id }, { body: shorter });
    expect([cut.status, cut.body.errorCode]).toEqual([
      400,
      'CANNOT_DECREASE_SNAPSHOT_RETENTION_WITH_BACKUP_COMPLIANCE_POLICY',
    ]);
    const longer = { retentionUnit: 'days', retentionValue: 30 };
    expect((await api.call('updateBackupSnapshot', { ...kept, snapshotId: snap.id }, { body: longer })).status).toBe(
      200,
    );
    expect((await api.call('getClusterBackupSnapshot', { ...kept, snapshotId: snap.id })).status).toBe(200);
  });

  it('refuses an on-demand snapshot below the policy minimum, and a cluster delete losing its snapshots', async () => {
    const short = await api.call('takeSnapshots', kept, { body: { retentionInDays: 3 } });
    expect([short.status, short.body.errorCode]).toEqual([
      400,
      'ON_DEMAND_SNAPSHOT_RETENTION_BELOW_BACKUP_COMPLIANCE_POLICY',
    ]);
    expect((await api.call('takeSnapshots', kept, { body: { retentionInDays: 7 } })).status).toBe(200);
    const gone = await api.call('deleteCluster', kept);
    expect([gone.status, gone.body.errorCode]).toEqual([400, 'CANNOT_DELETE_SNAPSHOT_WITH_BACKUP_COMPLIANCE_POLICY']);
    // Without a policy the same short retention goes through.
    expect((await api.call('takeSnapshots', RS, { body: { retentionInDays: 1 } })).status).toBe(200);
  });
});

describe('clusters and flex reads', () => {
  it('creates a cluster that is CREATING, then IDLE on the simulator clock, and lists it', async () => {
    const r = await api.call('createCluster', { groupId: G }, { body: { name: 'fresh', clusterType: 'REPLICASET' } });
    expect([r.status, r.body.stateName]).toEqual([201, 'CREATING']);
    await sim.admin.advanceClock(60_000);
    expect((await api.call('getCluster', { groupId: G, clusterName: 'fresh' })).body.stateName).toBe('IDLE');
    const names = (await api.call('listClusters', { groupId: G })).body.results.map((c: { name: string }) => c.name);
    expect(names).toContain('fresh');
    const dup = await api.call('createCluster', { groupId: G }, { body: { name: 'fresh' } });
    expect([dup.status, dup.body.errorCode]).toEqual([400, 'DUPLICATE_CLUSTER_NAME']);
  });

  it('reads flex clusters through the Flex API only', async () => {
    const list = await api.call('listFlexClusters', { groupId: G });
    expect(list.body.results.map((c: { name: string }) => c.name)).toEqual([DEMO_IDS.flex]);
    const one = await api.call('getFlexCluster', { groupId: G, name: DEMO_IDS.flex });
    expect(one.body.providerSettings.providerName).toBe('FLEX');
    const wrong = await api.call('getFlexCluster', { groupId: G, name: DEMO_IDS.replicaSet });
    expect([wrong.status, wrong.body.errorCode]).toEqual([400, 'CANNOT_USE_NON_FLEX_CLUSTER_IN_FLEX_API']);
  });

  it('lists projects under the spec name listGroups', async () => {
    const r = await api.call('listProjects', {});
    expect(r.body.results.map((p: { id: string }) => p.id)).toContain(STRICT);
  });
});

describe('serverless after its sunset', () => {
  it('answers 410 VERSION_GONE by default and serves the endpoints with serverlessLegacy', async () => {
    const params = { groupId: G, clusterName: DEMO_IDS.serverless };
    const gone = await api.call('listServerlessBackupSnapshots', params);
    expect([gone.status, gone.body.errorCode, gone.body.reason]).toEqual([410, 'VERSION_GONE', 'Gone']);
    const legacy = await startFast({ seed: DEMO_SEED, serverlessLegacy: true });
    try {
      expect((await (await connect(legacy)).call('listServerlessBackupSnapshots', params)).status).toBe(200);
    } finally {
      await legacy.stop();
    }
  });
});

describe('404 before 400', () => {
  it('answers an unknown project with 404 even when the body is invalid', async () => {
    const nobody = '65f1a0c0a1b2c3d4e5f6dead';
    const bucket = await api.call(
      'updateBackupExportBucket',
      { groupId: nobody, exportBucketId: DEMO_IDS.bucketId },
      { body: { nonsense: 1 } },
    );
    expect([bucket.status, bucket.body.errorCode]).toEqual([404, 'GROUP_NOT_FOUND']);
    const snap = await api.call(
      'updateBackupSnapshot',
      { groupId: nobody, clusterName: DEMO_IDS.replicaSet, snapshotId: DEMO_IDS.bucketId },
      { body: { nonsense: 1 } },
    );
    expect([snap.status, snap.body.errorCode]).toEqual([404, 'GROUP_NOT_FOUND']);
  });
});
