// Model → Atlas JSON shapes (cloud-backups.openapi.yaml schemas). `base` is the public base URL for links.
import { exportProgress } from '../model/exports.js';
import { restoreOutcome, flexStatus } from '../model/restores.js';
import { snapshotFinishedAt, snapshotStatus } from '../model/snapshots.js';
import type {
  BackupSchedule,
  Cluster,
  ExportBucket,
  ExportJob,
  FlexRestoreJob,
  RestoreJob,
  Snapshot,
} from '../model/types.js';
import type { Model } from '../model/model.js';

import { iso } from '../model/dates.js';
import { nextSnapshotAt } from '../model/schedules.js';
const self = (href: string) => [{ href, rel: 'self' }];

/** The fields dedicated and serverless snapshots share, in Atlas's order (each view adds its own after them). */
function snapshotFields(m: Model, s: Snapshot) {
  return {
    id: s.id,
    createdAt: iso(s.createdAt),
    expiresAt: iso(s.expiresAt),
    ...(s.frequencyType ? { frequencyType: s.frequencyType } : {}),
    snapshotType: s.snapshotType,
    status: snapshotStatus(s, m.now()),
    storageSizeBytes: s.storageSizeBytes,
    mongodVersion: s.mongodVersion,
  };
}

export function snapshotView(m: Model, s: Snapshot, base: string): Record<string, unknown> {
  const path = `${base}/api/atlas/v2/groups/${s.groupId}/clusters/${s.clusterName}/backup/snapshots/${s.id}`;
  const common = {
    ...snapshotFields(m, s),
    policyItems: [],
    links: self(path),
    ...(s.description !== undefined ? { description: s.description } : {}),
  };
  if (s.members) {
    return {
      ...common,
      type: 'shardedCluster',
      configServerType: 'EMBEDDED',
      members: s.members.map((mem) => ({ cloudProvider: 'AWS', id: mem.id, replicaSetName: mem.replicaSetName })),
      snapshotIds: s.members.map((mem) => mem.id),
    };
  }
  return { ...common, type: 'replicaSet', cloudProvider: 'AWS', copyRegions: [], replicaSetName: s.clusterName };
}

export function serverlessSnapshotView(m: Model, s: Snapshot, base: string): Record<string, unknown> {
  return {
    ...snapshotFields(m, s),
    serverlessInstanceName: s.clusterName,
    links: self(`${base}/api/atlas/v2/groups/${s.groupId}/serverless/${s.clusterName}/backup/snapshots/${s.id}`),
  };
}

const FLEX_STATUS = { queued: 'QUEUED', inProgress: 'RUNNING', completed: 'COMPLETED', failed: 'FAILED' } as const;

export function flexSnapshotView(m: Model, s: Snapshot, base: string): Record<string, unknown> {
  const status = snapshotStatus(s, m.now());
  return {
    id: s.id,
    scheduledTime: iso(s.createdAt),
    startTime: iso(s.createdAt + s.queuedMs),
    ...(status === 'completed' || status === 'failed' ? { finishTime: iso(snapshotFinishedAt(s)) } : {}),
    expiration: iso(s.expiresAt),
    mongoDBVersion: s.mongodVersion,
    status: FLEX_STATUS[status],
    links: self(`${base}/api/atlas/v2/groups/${s.groupId}/flexClusters/${s.clusterName}/backup/snapshots/${s.id}`),
  };
}

export function bucketView(b: ExportBucket, base: string): Record<string, unknown> {
  const v: Record<string, unknown> = {
    _id: b.id,
    bucketName: b.bucketName,
    cloudProvider: b.cloudProvider,
    links: self(`${base}/api/atlas/v2/groups/${b.groupId}/backup/exportBuckets/${b.id}`),
  };
  if (b.cloudProvider === 'AWS') {
    v.iamRoleId = b.iamRoleId;
    v.region = 'us-east-1';
    v.requirePrivateNetworking = b.requirePrivateNetworking ?? false;
  } else {
    v.roleId = b.roleId;
    if (b.cloudProvider === 'AZURE') {
      v.serviceUrl = b.serviceUrl;
      v.tenantId = b.tenantId;
    }
  }
  return v;
}

export function exportView(m: Model, j: ExportJob, base: string): Record<string, unknown> {
  const p = exportProgress(j, m.now());
  return {
    id: j.id,
    createdAt: iso(j.createdAt),
    customData: j.customData,
    exportBucketId: j.exportBucketId,
    snapshotId: j.snapshotId,
    prefix: j.prefix,
    state: p.state,
    exportStatus: { exportedCollections: p.exported, totalCollections: j.totalCollections },
    ...(p.finishedAt !== undefined ? { finishedAt: iso(p.finishedAt) } : {}),
    ...(p.state === 'Failed'
      ? { stateReason: { errorCode: 'EXPORT_FAILED', message: j.failReason ?? 'Export failed' } }
      : {}),
    ...(j.components ? { components: j.components } : {}),
    links: self(`${base}/api/atlas/v2/groups/${j.groupId}/clusters/${j.clusterName}/backup/exports/${j.id}`),
  };
}

export function restoreView(m: Model, r: RestoreJob, base: string): Record<string, unknown> {
  const o = restoreOutcome(r, m.now());
  const kind = r.api === 'dedicated' ? 'clusters' : 'serverless';
  const v: Record<string, unknown> = {
    id: r.id,
    deliveryType: r.deliveryType,
    cancelled: o.cancelled,
    failed: o.failed,
    expired: o.expired,
    // Atlas's `timestamp` is when the restored snapshot was taken, not when the job was created.
    timestamp: iso(r.snapshotTakenAt ?? r.createdAt),
    links: self(`${base}/api/atlas/v2/groups/${r.groupId}/${kind}/${r.clusterName}/backup/restoreJobs/${r.id}`),
  };
  // The spec's minimum for `increment` (1199145600) no real oplog increment meets, so only the date is given.
  if (r.deliveryType === 'pointInTime')
    v.desiredTimestamp = { date: iso((r.pointInTimeUTCSeconds ?? r.oplogTs ?? 0) * 1000) };
  for (const k of [
    'snapshotId',
    'targetGroupId',
    'targetClusterName',
    'pointInTimeUTCSeconds',
    'oplogTs',
    'oplogInc',
  ] as const) {
    if (r[k] !== undefined) v[k] = r[k];
  }
  if (o.finishedAt !== undefined) v.finishedAt = iso(o.finishedAt);
  if (o.expiresAt !== undefined) v.expiresAt = iso(o.expiresAt);
  // With captured data the URL serves a real archive from the simulator; without, it only looks like one.
  const link = (file: string) =>
    m.delivery?.downloadUrl(r.id, r.snapshotId, file, base) ?? `https://restore-sim.invalid/${r.id}/${file}`;
  if (r.deliveryType === 'download' && o.finished && !o.expired) {
    v.deliveryUrl = [link(`${r.snapshotId ?? 'snapshot'}.tar.gz`)];
  } else if (r.deliveryType === 'download') v.deliveryUrl = [];
  if (r.components && r.api === 'dedicated') {
    const ready = r.deliveryType === 'download' && o.finished && !o.expired;
    v.components = r.components.map((replicaSetName) => ({
      replicaSetName,
      ...(ready ? { downloadUrl: link(`${replicaSetName}.tar.gz`) } : {}),
    }));
  }
  return v;
}

export function flexRestoreView(m: Model, j: FlexRestoreJob, base: string): Record<string, unknown> {
  const status = flexStatus(j, m.now());
  const snap = m.state.snapshots[j.snapshotId];
  const end = j.createdAt + j.pendingMs + j.queuedMs + j.runningMs;
  return {
    id: j.id,
    deliveryType: j.deliveryType,
    instanceName: j.instanceName,
    projectId: j.groupId,
    snapshotId: j.snapshotId,
    targetDeploymentItemName: j.targetDeploymentItemName,
    targetProjectId: j.targetProjectId,
    status,
    restoreScheduledDate: iso(j.createdAt),
    expirationDate: iso(end + j.downloadTtlMs),
    ...(snap ? { snapshotFinishedDate: iso(snapshotFinishedAt(snap)) } : {}),
    ...(status === 'COMPLETED' ? { restoreFinishedDate: iso(end) } : {}),
    ...(status === 'COMPLETED' && j.deliveryType === 'DOWNLOAD'
      ? { snapshotUrl: `https://restore-sim.invalid/flex/${j.id}.tar.gz` }
      : {}),
    links: self(`${base}/api/atlas/v2/groups/${j.groupId}/flexClusters/${j.instanceName}/backup/restoreJobs/${j.id}`),
  };
}

/** With the data plane on, the wire endpoint that reaches this cluster's data only. */
function connectionStrings(m: Model, c: Cluster): Record<string, unknown> {
  const standard = m.data?.connectionString(c);
  return standard ? { connectionStrings: { standard } } : {};
}

export function clusterView(m: Model, c: Cluster, base: string): Record<string, unknown> {
  return {
    id: c.id,
    groupId: c.groupId,
    name: c.name,
    clusterType: c.kind === 'sharded' ? 'SHARDED' : 'REPLICASET',
    stateName: m.clusterStateName(c),
    paused: c.paused,
    backupEnabled: c.backupEnabled ?? true,
    pitEnabled: c.pitEnabled ?? true,
    terminationProtectionEnabled: c.terminationProtectionEnabled ?? false,
    mongoDBVersion: c.mongoDBVersion,
    mongoDBMajorVersion: c.mongoDBVersion.split('.')[0] + '.0',
    createDate: iso(c.createdAt),
    tags: c.tags ?? [],
    ...connectionStrings(m, c),
    links: self(`${base}/api/atlas/v2/groups/${c.groupId}/clusters/${c.name}`),
  };
}

export function scheduleView(m: Model, c: Cluster, s: BackupSchedule, base: string): Record<string, unknown> {
  const next = nextSnapshotAt(s, m.now());
  return {
    clusterId: c.id,
    clusterName: c.name,
    autoExportEnabled: s.autoExportEnabled,
    copySettings: s.copySettings ?? [],
    extraRetentionSettings: s.extraRetentionSettings,
    ...(s.export ? { export: s.export } : {}),
    policies: [{ id: s.policyId, policyItems: s.items.map((i) => ({ ...i })) }],
    referenceHourOfDay: s.referenceHourOfDay,
    referenceMinuteOfHour: s.referenceMinuteOfHour,
    restoreWindowDays: s.restoreWindowDays,
    useOrgAndGroupNamesInExportPrefix: s.useOrgAndGroupNamesInExportPrefix,
    ...(next !== undefined ? { nextSnapshot: iso(next) } : {}),
    links: self(`${base}/api/atlas/v2/groups/${c.groupId}/clusters/${c.name}/backup/schedule`),
  };
}
