// Export buckets and export jobs: Queued → InProgress (collections rising) → Successful | Failed.
import { SimError, validationError } from './errors.js';
import { newId } from './ids.js';
import { clusterJobs, ownItem, stored } from './jobs.js';
import type { Model } from './model.js';
import { getSnapshot, snapshotStatus } from './snapshots.js';
import type { CloudProvider, ExportBucket, ExportJob } from './types.js';
import { ID_PATTERN } from '../../atlas/catalog.js';

const PROVIDERS: CloudProvider[] = ['AWS', 'AZURE', 'GCP'];
/** The simulator has no organizations: every project belongs to this one (export prefixes, `.complete`). */
export const SIM_ORG = { id: '5f0000000000000000000001', name: 'sim-org' };

/** Length as the spec's minLength/maxLength count it: characters (code points), not UTF-16 units. */
const characters = (s: string) => [...s].length;
export function createBucket(m: Model, groupId: string, body: unknown): ExportBucket {
  m.project(groupId);
  const b = asObject(body);
  const provider = b.cloudProvider;
  if (typeof provider !== 'string' || !PROVIDERS.includes(provider as CloudProvider)) {
    throw validationError('cloudProvider', 'must be one of AWS, AZURE, GCP');
  }
  const name = b.bucketName;
  if (typeof name !== 'string' || characters(name) < 3 || characters(name) > 63)
    throw validationError('bucketName', 'must be a string of 3 to 63 characters');
  const bucket: ExportBucket = { id: newId(), groupId, bucketName: name, cloudProvider: provider as CloudProvider };
  if (provider === 'AWS') {
    if (typeof b.iamRoleId !== 'string' || !ID_PATTERN.test(b.iamRoleId))
      throw validationError('iamRoleId', 'required for AWS; must match ^([a-f0-9]{24})$');
    bucket.iamRoleId = b.iamRoleId;
    if (typeof b.requirePrivateNetworking === 'boolean') bucket.requirePrivateNetworking = b.requirePrivateNetworking;
  } else {
    if (typeof b.roleId !== 'string' || !ID_PATTERN.test(b.roleId))
      throw validationError('roleId', `required for ${provider}; must match ^([a-f0-9]{24})$`);
    bucket.roleId = b.roleId;
    if (provider === 'AZURE') {
      if (typeof b.serviceUrl !== 'string' || characters(b.serviceUrl) < 33)
        throw validationError('serviceUrl', 'required for AZURE; an Azure blob storage URL');
      // The spec marks tenantId deprecated and ignored (the role's tenant is used): optional here too.
      if (b.tenantId !== undefined && typeof b.tenantId !== 'string')
        throw validationError('tenantId', 'must be a UUID');
      bucket.serviceUrl = b.serviceUrl;
      if (typeof b.tenantId === 'string') bucket.tenantId = b.tenantId;
    }
  }
  return stored(m, m.state.buckets, bucket);
}

export function listBuckets(m: Model, groupId: string): ExportBucket[] {
  m.project(groupId);
  return Object.values(m.state.buckets).filter((b) => b.groupId === groupId);
}

export function getBucket(m: Model, groupId: string, id: string): ExportBucket {
  m.project(groupId);
  return ownItem(m.state.buckets, id, (b) => b.groupId === groupId, {
    errorCode: 'EXPORT_BUCKET_NOT_FOUND',
    detail: `Export bucket ${id} not found.`,
  });
}

/** updateBackupExportBucket: only AWS buckets have the private-networking setting. */
export function updateBucket(m: Model, groupId: string, id: string, requirePrivateNetworking: boolean): ExportBucket {
  const b = getBucket(m, groupId, id);
  if (b.cloudProvider !== 'AWS')
    throw validationError(
      'requirePrivateNetworking',
      `applies to AWS buckets only; bucket ${id} is ${b.cloudProvider}`,
    );
  b.requirePrivateNetworking = requirePrivateNetworking;
  m.changed();
  return b;
}

export function deleteBucket(m: Model, groupId: string, id: string): void {
  getBucket(m, groupId, id);
  delete m.state.buckets[id];
  m.changed();
}

export interface ExportProgress {
  state: 'Queued' | 'InProgress' | 'Successful' | 'Failed';
  exported: number;
  finishedAt?: number;
}

export function exportProgress(j: ExportJob, now: number): ExportProgress {
  const timed = timedProgress(j, now);
  const d = j.data;
  if (!d || timed.state === 'Queued') return timed;
  if (d.state === 'failed') return { state: 'Failed', exported: d.written, finishedAt: d.doneAt ?? now };
  // With data, a job is only as far as its files: Successful means every file is in the bucket.
  if (d.state === 'writing') return { state: 'InProgress', exported: Math.min(timed.exported, d.written) };
  return { ...timed, finishedAt: Math.max(timed.finishedAt ?? 0, d.doneAt ?? 0) };
}

function timedProgress(j: ExportJob, now: number): ExportProgress {
  const start = j.createdAt + j.queuedMs;
  if (now < start) return { state: 'Queued', exported: 0 };
  // A failing job stops half way through its collections.
  const stopAt = j.outcome === 'failed' ? Math.floor(j.totalCollections / 2) : j.totalCollections;
  const end = start + stopAt * j.perCollectionMs;
  if (now < end)
    return {
      state: 'InProgress',
      exported: Math.min(stopAt, Math.floor((now - start) / Math.max(1, j.perCollectionMs))),
    };
  return { state: j.outcome === 'success' ? 'Successful' : 'Failed', exported: stopAt, finishedAt: end };
}

export function createExport(m: Model, groupId: string, clusterName: string, body: unknown): ExportJob {
  const c = m.dedicatedCluster(groupId, clusterName);
  const b = asObject(body);
  for (const f of ['snapshotId', 'exportBucketId'] as const) {
    if (typeof b[f] !== 'string') throw validationError(f, 'is required');
    if (!ID_PATTERN.test(b[f] as string)) throw validationError(f, 'must match ^([a-f0-9]{24})$');
  }
  const customData = b.customData ?? [];
  if (
    !Array.isArray(customData) ||
    !customData.every((e) => e && typeof e.key === 'string' && typeof e.value === 'string')
  ) {
    throw validationError('customData', 'must be an array of {key, value} strings');
  }
  const bucket = m.state.buckets[b.exportBucketId as string];
  if (!bucket || bucket.groupId !== groupId)
    throw new SimError(404, 'EXPORT_BUCKET_NOT_FOUND', `Export bucket ${b.exportBucketId as string} not found.`, [
      b.exportBucketId,
    ]);
  const snap = getSnapshot(m, c, b.snapshotId as string);
  const status = snapshotStatus(snap, m.now());
  if (status !== 'completed') {
    throw new SimError(
      409,
      'CANNOT_EXPORT_INCOMPLETE_SNAPSHOT',
      `Snapshot ${snap.id} is ${status}; only completed snapshots can be exported.`,
      [snap.id],
    );
  }
  const failReason = m.takeFailure('export', groupId, clusterName);
  const created = new Date(m.now()).toISOString().replace(/[:.]/g, '-');
  const snapshotDay = new Date(snap.createdAt).toISOString().slice(0, 10);
  const job: ExportJob = {
    id: newId(),
    groupId,
    clusterName,
    snapshotId: snap.id,
    exportBucketId: bucket.id,
    customData,
    createdAt: m.now(),
    queuedMs: m.duration('exportQueued', clusterName),
    perCollectionMs: m.duration('exportPerCollection', clusterName),
    totalCollections: m.totalCollections(clusterName),
    outcome: failReason ? 'failed' : 'success',
    ...(failReason ? { failReason } : {}),
    prefix: `/exported_snapshots/${SIM_ORG.name}/${m.project(groupId).name}/${clusterName}/${snapshotDay}/${created}`,
  };
  if (snap.members)
    job.components = snap.members.map((mem) => ({ exportId: newId(), replicaSetName: mem.replicaSetName }));
  const saved = stored(m, m.state.exports, job);
  m.delivery?.exportCreated(saved);
  return saved;
}

export const { list: listExports, get: getExport } = clusterJobs<ExportJob>({
  jobs: (m) => m.state.exports,
  cluster: (m, groupId, clusterName) => m.dedicatedCluster(groupId, clusterName),
  nameOf: (j) => j.clusterName,
  notFound: (id) => ({ errorCode: 'RESOURCE_NOT_FOUND', detail: `No export job with ID ${id} exists.` }),
});

export function asObject(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body))
    throw validationError('body', 'must be a JSON object');
  return body as Record<string, unknown>;
}
