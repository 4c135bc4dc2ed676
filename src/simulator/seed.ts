// Seeding: a SeedSpec applied at start, and the demo seed used by the demo and rehearsals.
import type { Model } from './model/model.js';
import { createBucket } from './model/exports.js';
import { newId } from './model/ids.js';
import { DAY_MS } from './model/dates.js';
import { addScheduledSnapshot } from './model/snapshots.js';
import { compliancePolicy, setCompliancePolicy } from './model/compliance.js';
import { scheduleOf } from './model/schedules.js';
import type { SeedCluster, SeedSpec } from './options.js';

export const DEMO_IDS = {
  projectId: '65f1a0c0a1b2c3d4e5f60001',
  targetProjectId: '65f1a0c0a1b2c3d4e5f60002',
  bucketId: '65f1a0c0a1b2c3d4e5f6b001',
  replicaSet: 'demo-cluster',
  sharded: 'demo-sharded',
  serverless: 'demo-serverless',
  flex: 'demo-flex',
  restoreTarget: 'restore-target',
} as const;

/** One source project (replica set, sharded, serverless, flex, an AWS bucket), one target project. */
export const DEMO_SEED: SeedSpec = {
  projects: [
    {
      id: DEMO_IDS.projectId,
      name: 'demo-project',
      clusters: [
        { name: DEMO_IDS.replicaSet, kind: 'replicaSet' },
        { name: DEMO_IDS.sharded, kind: 'sharded', shards: 2 },
        // Serverless instances have no on-demand snapshots, so the demo's needs one to list.
        { name: DEMO_IDS.serverless, kind: 'serverless', snapshots: 1 },
        { name: DEMO_IDS.flex, kind: 'flex' },
      ],
      buckets: [
        {
          id: DEMO_IDS.bucketId,
          bucketName: 'demo-export-bucket',
          cloudProvider: 'AWS',
          iamRoleId: '65f1a0c0a1b2c3d4e5f6a001',
        },
      ],
    },
    {
      id: DEMO_IDS.targetProjectId,
      name: 'demo-restore-target',
      clusters: [{ name: DEMO_IDS.restoreTarget, kind: 'replicaSet' }],
    },
  ],
};

const HOUR_MS = 3_600_000;

/** One seeded cluster: its settings, backup policy copies and snapshots (the newest listed first). */
function seedCluster(m: Model, groupId: string, c: SeedCluster): void {
  const { shards, paused, tags, mongoDBVersion } = c;
  const cluster = m.addCluster(groupId, c.name, c.kind, { shards, paused, tags, mongoDBVersion });
  if (c.backupEnabled !== undefined) cluster.backupEnabled = c.backupEnabled;
  if (c.pitEnabled !== undefined) cluster.pitEnabled = c.pitEnabled;
  if (c.copyRegions?.length)
    scheduleOf(m, cluster).copySettings = c.copyRegions.map((regionName) => ({
      cloudProvider: cluster.provider,
      regionName,
      shouldCopyOplogs: false,
      zoneId: cluster.id,
    }));
  const newest = (c.snapshotAgeHours ?? 24) * HOUR_MS;
  for (let i = (c.snapshots ?? 0) - 1; i >= 0; i--) addScheduledSnapshot(m, cluster, { ageMs: newest + i * DAY_MS });
  if (c.onDemandSnapshotAgeHours !== undefined)
    addScheduledSnapshot(m, cluster, { ageMs: c.onDemandSnapshotAgeHours * HOUR_MS, snapshotType: 'onDemand' });
}

/** Applies a seed; resources that already exist (e.g. loaded from a state file) are left alone. */
export function applySeed(m: Model, seed: SeedSpec): void {
  for (const p of seed.projects) {
    const id = p.id ?? newId();
    if (!m.state.projects[id]) m.addProject(id, p.name);
    for (const c of p.clusters ?? []) {
      if (m.findCluster(id, c.name)) continue;
      seedCluster(m, id, c);
    }
    if (p.backupCompliancePolicy && !compliancePolicy(m, id)) setCompliancePolicy(m, id, p.backupCompliancePolicy);
    for (const b of p.buckets ?? []) {
      if (b.id && m.state.buckets[b.id]) continue;
      const bucket = createBucket(m, id, {
        bucketName: b.bucketName ?? 'sim-export-bucket',
        cloudProvider: b.cloudProvider ?? 'AWS',
        iamRoleId: b.iamRoleId ?? newId(),
        roleId: newId(),
        serviceUrl: 'https://simaccount.blob.core.windows.net/export',
        tenantId: '00000000-0000-4000-8000-000000000000',
      });
      if (b.id) {
        delete m.state.buckets[bucket.id];
        bucket.id = b.id;
        m.state.buckets[b.id] = bucket;
      }
    }
  }
}
