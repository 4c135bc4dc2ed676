// Every operation in the table, end to end against the Atlas simulator over real HTTP: the
// client's paths, versions, bodies and response schemas must agree with the simulator's.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AtlasApiError,
  AtlasClient,
  operationIds,
  operations,
  type OperationId,
  type RequestArgs,
  type ResponseOf,
} from '../../src/atlas/index.js';
import {
  DEFAULT_API_KEY,
  DEFAULT_SERVICE_ACCOUNT,
  startSimulator,
  type RunningSimulator,
} from '../../src/simulator/index.js';

let sim: RunningSimulator;
let client: AtlasClient;
let groupId: string;
let bucketId: string;
const used = new Set<OperationId>();

// Records which operations the suite exercised, so the last test can insist on all of them.
function call<K extends OperationId>(op: K, args: RequestArgs<K>): Promise<ResponseOf<K>> {
  used.add(op);
  return client.request(op, args);
}

async function until<T>(what: string, read: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const v = await read();
    if (done(v)) return v;
    await sim.admin.advanceClock(1_000);
  }
  throw new Error(`${what} did not finish`);
}

beforeAll(async () => {
  sim = await startSimulator({ timeScale: 0.01, serverlessLegacy: true });
  groupId = (await sim.admin.seedProject()).id;
  for (const [name, kind] of [
    ['rs0', 'replicaSet'],
    ['target0', 'replicaSet'],
    ['target1', 'replicaSet'],
    ['sh0', 'sharded'],
    ['sl0', 'serverless'],
    ['fx0', 'flex'],
    ['fx1', 'flex'],
  ] as const) {
    await sim.admin.seedCluster({ groupId, name, kind });
  }
  client = new AtlasClient({ baseUrl: sim.url, auth: { kind: 'serviceAccount', ...DEFAULT_SERVICE_ACCOUNT } });
});
afterAll(async () => {
  await client?.close();
  await sim?.stop();
});

describe('every cloud-backup operation against the simulator', () => {
  it('reads a cluster with getCluster', async () => {
    const c = (await call('getCluster', { path: { groupId, clusterName: 'rs0' } })) as { name: string };
    expect(c.name).toBe('rs0');
  });

  it('lists the projects the credentials see and the dedicated clusters of one (fleet discovery)', async () => {
    const projects = (await call('listProjects', { path: {}, query: { itemsPerPage: 500 } })) as {
      results: { id: string }[];
    };
    expect(projects.results.map((p) => p.id)).toContain(groupId);
    const clusters = (await call('listClusters', { path: { groupId }, query: { itemsPerPage: 500 } })) as {
      results: { name: string }[];
    };
    const names = clusters.results.map((c) => c.name);
    // Atlas lists only dedicated clusters here: serverless and flex instances have endpoints of their own.
    expect(names).toEqual(expect.arrayContaining(['rs0', 'sh0']));
    expect(names).not.toContain('fx0');
    const flex = await call('listFlexClusters', { path: { groupId } });
    expect(flex.results.map((c) => c.name).sort()).toEqual(['fx0', 'fx1']);
    expect(flex.results[0]!.backupSettings).toEqual({ enabled: true });
  });

  it("reads a project's rate-limit buckets (listRateLimits), each operation naming the set it draws on", async () => {
    const sets = (await call('listRateLimits', { path: {}, query: { groupId } })) as {
      results: { endpointSetId: string; scope: string; refillRate: { value: number } }[];
    };
    const backups = sets.results.find((s) => s.endpointSetId === 'cloudBackups_group');
    expect(backups).toMatchObject({ scope: 'GROUP', refillRate: { value: 500 } });
    expect(sets.results.every((s) => s.scope === 'GROUP')).toBe(true);
    expect(operations.takeSnapshots.endpointSet).toBe('cloudBackups_group');
    expect(operations.getCluster.endpointSet).toBe('clusters_group');
    expect(operations.listProjects.endpointSet).toBe('projects_user');
  });

  it('creates, reads, lists and deletes a replica-set snapshot', async () => {
    const path = { groupId, clusterName: 'rs0' };
    const snap = (await call('takeSnapshots', { path, body: { description: 'ops-test', retentionInDays: 1 } })) as {
      id: string;
      type: string;
    };
    expect(snap.type).toBe('replicaSet');
    const done = await until(
      'snapshot',
      () => call('getClusterBackupSnapshot', { path: { ...path, snapshotId: snap.id } }) as Promise<{ status: string }>,
      (s) => s.status === 'completed',
    );
    expect(done.status).toBe('completed');
    const list = (await call('listBackupSnapshots', { path })) as { results: { id: string }[] };
    expect(list.results.map((s) => s.id)).toContain(snap.id);
    await expect(
      call('deleteClusterBackupSnapshot', { path: { ...path, snapshotId: snap.id } }),
    ).resolves.toBeUndefined();
  });

  it('models sharded snapshots (type shardedCluster) through the sharded endpoints', async () => {
    const path = { groupId, clusterName: 'sh0' };
    const snap = (await call('takeSnapshots', { path, body: {} })) as { id: string; type: string };
    expect(snap.type).toBe('shardedCluster');
    const got = (await call('getBackupShardedCluster', { path: { ...path, snapshotId: snap.id } })) as {
      id: string;
      type: string;
    };
    expect(got).toMatchObject({ id: snap.id, type: 'shardedCluster' });
    const list = (await call('listBackupShardedClusters', { path })) as { results: { id: string }[] };
    expect(list.results.map((s) => s.id)).toContain(snap.id);
  });

  it('creates and reads export buckets and export jobs', async () => {
    const bucket = (await call('createExportBucket', {
      path: { groupId },
      body: { cloudProvider: 'AWS', bucketName: 'ops-test-bucket', iamRoleId: '5f1a2b3c4d5e6f7a8b9c0d1e' },
    })) as { _id: string; bucketName: string };
    bucketId = bucket._id;
    expect(bucket.bucketName).toBe('ops-test-bucket');
    await expect(call('getExportBucket', { path: { groupId, exportBucketId: bucketId } })).resolves.toMatchObject({
      _id: bucketId,
    });
    const buckets = (await call('listExportBuckets', { path: { groupId } })) as { results: { _id: string }[] };
    expect(buckets.results.map((b) => b._id)).toContain(bucketId);

    const path = { groupId, clusterName: 'rs0' };
    const snapshotId = (await sim.admin.addScheduledSnapshot({ groupId, clusterName: 'rs0' })).id;
    const job = (await call('createBackupExport', {
      path,
      body: { snapshotId, exportBucketId: bucketId, customData: [{ key: 'k', value: 'v' }] },
    })) as {
      id: string;
      state: string;
    };
    expect(['Queued', 'InProgress']).toContain(job.state);
    const finished = await until(
      'export',
      () => call('getBackupExport', { path: { ...path, exportId: job.id } }) as Promise<{ state: string }>,
      (j) => j.state !== 'Queued' && j.state !== 'InProgress',
    );
    expect(finished.state).toBe('Successful');
    const list = (await call('listBackupExports', { path })) as { results: { id: string }[] };
    expect(list.results.map((j) => j.id)).toContain(job.id);
  });

  it('creates, reads, lists and cancels dedicated restore jobs', async () => {
    const path = { groupId, clusterName: 'rs0' };
    const snapshotId = (await sim.admin.addScheduledSnapshot({ groupId, clusterName: 'rs0' })).id;
    const auto = (await call('createBackupRestoreJob', {
      path,
      body: { deliveryType: 'automated', snapshotId, targetClusterName: 'target0', targetGroupId: groupId },
    })) as { id: string; deliveryType: string };
    expect(auto.deliveryType).toBe('automated');
    await expect(call('getBackupRestoreJob', { path: { ...path, restoreJobId: auto.id } })).resolves.toMatchObject({
      id: auto.id,
    });
    const download = (await call('createBackupRestoreJob', {
      path,
      body: { deliveryType: 'download', snapshotId },
    })) as { id: string };
    await expect(
      call('cancelBackupRestoreJob', { path: { ...path, restoreJobId: download.id } }),
    ).resolves.toBeUndefined();
    const list = (await call('listBackupRestoreJobs', { path })) as { results: { id: string }[] };
    expect(list.results.map((j) => j.id)).toEqual(expect.arrayContaining([auto.id, download.id]));
  });

  it('reads serverless snapshots and runs serverless restore jobs', async () => {
    const path = { groupId, clusterName: 'sl0' };
    const snapshotId = (await sim.admin.addScheduledSnapshot({ groupId, clusterName: 'sl0' })).id;
    await expect(call('getServerlessBackupSnapshot', { path: { ...path, snapshotId } })).resolves.toMatchObject({
      id: snapshotId,
      status: 'completed',
    });
    const snaps = (await call('listServerlessBackupSnapshots', { path })) as { results: { id: string }[] };
    expect(snaps.results.map((s) => s.id)).toContain(snapshotId);
    const job = (await call('createServerlessRestoreJob', {
      path,
      body: { deliveryType: 'automated', snapshotId, targetClusterName: 'target1', targetGroupId: groupId },
    })) as { id: string };
    await expect(call('getServerlessRestoreJob', { path: { ...path, restoreJobId: job.id } })).resolves.toMatchObject({
      id: job.id,
    });
    const jobs = (await call('listServerlessRestoreJobs', { path })) as { results: { id: string }[] };
    expect(jobs.results.map((j) => j.id)).toContain(job.id);
  });

  it('reads flex snapshots, restores and downloads them', async () => {
    const path = { groupId, name: 'fx0' };
    const snapshotId = (await sim.admin.addScheduledSnapshot({ groupId, clusterName: 'fx0' })).id;
    await expect(call('getFlexBackupSnapshot', { path: { ...path, snapshotId } })).resolves.toMatchObject({
      id: snapshotId,
    });
    const snaps = (await call('listFlexBackupSnapshots', { path })) as { results: { id: string }[] };
    expect(snaps.results.map((s) => s.id)).toContain(snapshotId);
    const job = (await call('createFlexRestoreJob', {
      path,
      body: { snapshotId, targetDeploymentItemName: 'fx1', targetProjectId: groupId },
    })) as {
      id: string;
    };
    await expect(call('getFlexRestoreJob', { path: { ...path, restoreJobId: job.id } })).resolves.toMatchObject({
      id: job.id,
    });
    const jobs = (await call('listFlexRestoreJobs', { path })) as { results: { id: string }[] };
    expect(jobs.results.map((j) => j.id)).toContain(job.id);
    const dl = (await call('downloadFlexBackup', { path, body: { snapshotId } })) as { id: string; status: string };
    expect(dl.id).toMatch(/^[a-f0-9]{24}$/);
  });

  it('reads, changes and clears a backup schedule, and moves a snapshot expiry', async () => {
    const path = { groupId, clusterName: 'rs0' };
    const schedule = await call('getBackupSchedule', { path });
    expect(schedule.policies[0]?.policyItems.length).toBeGreaterThan(0);
    const items = [
      { frequencyType: 'daily' as const, frequencyInterval: 1, retentionUnit: 'days' as const, retentionValue: 3 },
    ];
    const updated = await call('updateBackupSchedule', {
      path,
      body: { policies: [{ policyItems: items }], restoreWindowDays: 2 },
    });
    expect(updated).toMatchObject({ restoreWindowDays: 2, policies: [{ policyItems: [{ retentionValue: 3 }] }] });
    await expect(call('deleteClusterBackupSchedule', { path })).resolves.toMatchObject({
      policies: [{ policyItems: [] }],
    });
    const snapshotId = (await sim.admin.addScheduledSnapshot({ groupId, clusterName: 'rs0' })).id;
    const snap = await call('updateBackupSnapshot', {
      path: { ...path, snapshotId },
      body: { retentionUnit: 'days', retentionValue: 30 },
    });
    expect(snap.id).toBe(snapshotId);
  });

  it('deletes a sharded snapshot, updates and deletes an export bucket, pauses and deletes a cluster', async () => {
    const sh = { groupId, clusterName: 'sh0' };
    const snapshotId = (await sim.admin.addScheduledSnapshot({ groupId, clusterName: 'sh0' })).id;
    await expect(call('deleteBackupShardedCluster', { path: { ...sh, snapshotId } })).resolves.toBeUndefined();
    const bucket = await call('createExportBucket', {
      path: { groupId },
      body: { cloudProvider: 'AWS', bucketName: 'ops-test-bucket-2', iamRoleId: '5f1a2b3c4d5e6f7a8b9c0d1e' },
    });
    const path = { groupId, exportBucketId: bucket._id };
    await expect(
      call('updateBackupExportBucket', { path, body: { requirePrivateNetworking: true } }),
    ).resolves.toMatchObject({ requirePrivateNetworking: true });
    await expect(call('deleteExportBucket', { path })).resolves.toBeUndefined();
    await sim.admin.seedCluster({ groupId, name: 'gone0', kind: 'replicaSet' });
    await expect(
      call('updateCluster', { path: { groupId, clusterName: 'gone0' }, body: { paused: true } }),
    ).resolves.toMatchObject({ paused: true });
    await expect(
      call('deleteCluster', { path: { groupId, clusterName: 'gone0' }, query: { retainBackups: true } }),
    ).resolves.toBeUndefined();
  });

  it('paginates a simulator list across pages', async () => {
    for (let i = 0; i < 5; i++) await sim.admin.addScheduledSnapshot({ groupId, clusterName: 'target0' });
    const ids: string[] = [];
    for await (const s of client.paginate('listBackupSnapshots', { path: { groupId, clusterName: 'target0' } }, 2))
      ids.push(s.id);
    expect(ids).toHaveLength(5);
    expect(new Set(ids).size).toBe(5);
  });

  it('reads the project Backup Compliance Policy, and a 404 where it has none', async () => {
    const none = await call('getCompliancePolicy', { path: { groupId } }).catch((e: unknown) => e);
    expect(none).toMatchObject({ httpStatus: 404, errorCode: 'BACKUP_COMPLIANCE_POLICY_NOT_FOUND', retryable: false });
    const policyGroup = '6a0000000000000000000c03';
    const withPolicy = await startSimulator({
      timeScale: 0.01,
      auth: { enabled: false },
      seed: {
        projects: [
          {
            id: policyGroup,
            backupCompliancePolicy: { onDemandPolicyItem: { retentionUnit: 'months', retentionValue: 1 } },
          },
        ],
      },
    });
    const reader = new AtlasClient({
      baseUrl: withPolicy.url,
      auth: { kind: 'serviceAccount', ...DEFAULT_SERVICE_ACCOUNT },
    });
    try {
      const policy = await reader.request('getCompliancePolicy', { path: { groupId: policyGroup } });
      expect(policy).toMatchObject({
        projectId: policyGroup,
        onDemandPolicyItem: { frequencyType: 'ondemand', retentionUnit: 'months', retentionValue: 1 },
      });
    } finally {
      await reader.close();
      await withPolicy.stop();
    }
  });

  it('creates and deletes a temporary database user, answering no password, and 404s a second delete', async () => {
    const body = {
      username: 'verify-ops-test',
      databaseName: 'admin' as const,
      groupId,
      password: `pw-${Math.random().toString(36).slice(2)}-ops`,
      roles: [{ roleName: 'readAnyDatabase', databaseName: 'admin' }],
      scopes: [{ name: 'rs0', type: 'CLUSTER' as const }],
      deleteAfterDate: new Date(Date.now() + 3_600_000).toISOString(),
    };
    const created = await call('createDatabaseUser', { path: { groupId }, body });
    expect(created).toMatchObject({ username: 'verify-ops-test', scopes: [{ name: 'rs0', type: 'CLUSTER' }] });
    expect(JSON.stringify(created)).not.toContain(body.password);
    const path = { groupId, databaseName: 'admin', username: 'verify-ops-test' };
    await expect(call('getDatabaseUser', { path })).resolves.toMatchObject({ username: 'verify-ops-test' });
    await expect(call('deleteDatabaseUser', { path })).resolves.toBeUndefined();
    await expect(call('deleteDatabaseUser', { path })).rejects.toMatchObject({ httpStatus: 404, retryable: false });
  });

  it('browses a snapshot: its databases (none without a data plane), and a 404 for a database it lacks', async () => {
    await sim.admin.addScheduledSnapshot({ groupId, clusterName: 'rs0' });
    const { results } = await client.request('listBackupSnapshots', { path: { groupId, clusterName: 'rs0' } });
    const path = { groupId, clusterName: 'rs0', snapshotId: results[0]!.id };
    await expect(call('listBackupSnapshotDatabases', { path })).resolves.toMatchObject({ results: [] });
    await expect(
      call('listSnapshotDatabaseCollections', { path: { ...path, databaseName: 'app' } }),
    ).rejects.toMatchObject({ httpStatus: 404, errorCode: 'DATABASE_NOT_FOUND' });
  });

  it('collection restore jobs: a snapshot without data holds no collection to restore, and no job exists', async () => {
    await sim.admin.addScheduledSnapshot({ groupId, clusterName: 'rs0' });
    const { results } = await client.request('listBackupSnapshots', { path: { groupId, clusterName: 'rs0' } });
    const path = { groupId, clusterName: 'rs0' };
    const body = {
      snapshotId: results[0]!.id,
      targetGroupId: groupId,
      targetClusterName: 'rs0',
      writeStrategy: 'CREATE_NEW' as const,
      indexStrategy: 'ALL' as const,
      collections: [{ sourceNamespace: 'app.orders' }],
      collectionSuffix: '_restored',
    };
    await expect(call('createCollectionRestoreJob', { path, body })).rejects.toMatchObject({
      httpStatus: 400,
      errorCode: 'COLLECTION_NOT_FOUND',
      retryable: false,
    });
    await expect(call('listCollectionRestoreJobs', { path })).resolves.toMatchObject({ results: [] });
    const job = { ...path, jobId: 'aaaaaaaaaaaaaaaaaaaaaaaa' };
    await expect(call('getCollectionRestoreJob', { path: job })).rejects.toMatchObject({ httpStatus: 404 });
    await expect(call('listRestoreJobCollections', { path: job })).rejects.toMatchObject({ httpStatus: 404 });
  });

  it("lists the project's rate-limit endpoint sets, the Cloud Backups bucket among them", async () => {
    const { results } = await call('listRateLimits', { path: {}, query: { groupId } });
    expect(results.find((s) => s.endpointSetId === 'cloudBackups_group')).toMatchObject({
      scope: 'GROUP',
      capacity: { value: 1200 },
    });
  });

  it('maps simulator errors: a missing snapshot is a non-retryable 404', async () => {
    const err = await call('getClusterBackupSnapshot', {
      path: { groupId, clusterName: 'rs0', snapshotId: 'aaaaaaaaaaaaaaaaaaaaaaaa' },
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AtlasApiError);
    expect(err).toMatchObject({ httpStatus: 404, retryable: false, operation: 'getClusterBackupSnapshot' });
  });

  it('exercised every operation in the catalogue', () => {
    expect(operationIds.filter((op) => !used.has(op))).toEqual([]);
  });
});

describe('auth against the simulator', () => {
  it('uses one token for many calls and refreshes after the simulator revokes it', async () => {
    const c = new AtlasClient({ baseUrl: sim.url, auth: { kind: 'serviceAccount', ...DEFAULT_SERVICE_ACCOUNT } });
    try {
      await sim.admin.revokeTokens();
      await sim.admin.resetObservations();
      await Promise.all(
        Array.from({ length: 100 }, () => c.request('getCluster', { path: { groupId, clusterName: 'rs0' } })),
      );
      expect((await sim.admin.counters()).oauthToken).toBe(1);
      await sim.admin.revokeTokens();
      await c.request('getCluster', { path: { groupId, clusterName: 'rs0' } });
      expect((await sim.admin.counters()).oauthToken).toBe(2);
    } finally {
      await c.close();
    }
  });

  it('signs with Digest and re-challenges once when the simulator expires the nonce', async () => {
    const c = new AtlasClient({ baseUrl: sim.url, auth: { kind: 'apiKey', ...DEFAULT_API_KEY } });
    try {
      for (let i = 0; i < 3; i++) await c.request('getCluster', { path: { groupId, clusterName: 'rs0' } });
      expect(c.stats.httpRoundTrips).toBe(4);
      await sim.admin.expireNonces();
      await c.request('getCluster', { path: { groupId, clusterName: 'rs0' } });
      expect(c.stats.httpRoundTrips).toBe(6);
      const log = await sim.admin.requestLog();
      expect(log.filter((r) => r.auth === 'digest' && r.status === 200).length).toBeGreaterThanOrEqual(4);
    } finally {
      await c.close();
    }
  });
});
