// Restore jobs: dedicated (automated, download, pointInTime; seed 003's rules), serverless, flex.
import { CLUSTER_NAME_PATTERN, ID_PATTERN } from '../../atlas/catalog.js';
import { SimError, validationError } from './errors.js';
import { int32Field as int, iso } from './dates.js';
import { asObject } from './exports.js';
import { newId } from './ids.js';
import { clusterJobs, newestFirst, ownItem, stored } from './jobs.js';
import { restoreRunning, type Model } from './model.js';
import { getSnapshot, listSnapshots, snapshotFinishedAt, snapshotStatus } from './snapshots.js';
import type { Cluster, DeliveryType, FlexRestoreJob, RestoreJob, Snapshot } from './types.js';

const DELIVERY: DeliveryType[] = ['automated', 'download', 'pointInTime'];
const MIN_TS = 1199145600;

export function restoreOutcome(r: RestoreJob, now: number) {
  const end = r.createdAt + r.durationMs;
  const cancelled = r.cancelledAt !== undefined;
  const done = !cancelled && now >= end && r.dataState !== 'pending';
  const finished = done && r.outcome === 'success';
  const failed = done && r.outcome === 'failed';
  const expiresAt = r.deliveryType === 'download' ? end + r.downloadTtlMs : undefined;
  const expired = finished && expiresAt !== undefined && now >= expiresAt;
  return { cancelled, finished, failed, expired, finishedAt: finished ? end : undefined, expiresAt };
}

function str(b: Record<string, unknown>, f: string, pattern: RegExp, label: string): string | undefined {
  const v = b[f];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || !pattern.test(v)) throw validationError(f, `must match ${label}`);
  return v;
}

interface RestoreRequest {
  dt: DeliveryType;
  snapshotId?: string;
  targetClusterName?: string;
  targetGroupId?: string;
  pit?: number;
  oplogTs?: number;
  oplogInc?: number;
}

/** The request body checked field by field, as Atlas answers a bad one (400 naming the field). */
function restoreRequest(api: 'dedicated' | 'serverless', body: unknown): RestoreRequest {
  const b = asObject(body);
  const deliveryType = b.deliveryType;
  if (deliveryType === undefined)
    throw validationError('deliveryType', 'is required (automated, download or pointInTime)');
  if (typeof deliveryType !== 'string' || !DELIVERY.includes(deliveryType as DeliveryType)) {
    throw new SimError(
      400,
      'UNSUPPORTED_DELIVERY_METHOD',
      `Delivery method ${String(deliveryType)} is not supported; use automated, download or pointInTime.`,
      [deliveryType],
    );
  }
  const dt = deliveryType as DeliveryType;
  if (api === 'serverless' && dt === 'download') {
    throw new SimError(
      400,
      'UNSUPPORTED_DELIVERY_METHOD',
      'Serverless restores support automated and pointInTime delivery only.',
      [dt],
    );
  }
  const snapshotId = str(b, 'snapshotId', ID_PATTERN, '^([a-f0-9]{24})$');
  const targetClusterName = str(b, 'targetClusterName', CLUSTER_NAME_PATTERN, '^[a-zA-Z0-9][a-zA-Z0-9-]*$');
  const targetGroupId = str(b, 'targetGroupId', ID_PATTERN, '^([a-f0-9]{24})$');
  const pit = int(b, 'pointInTimeUTCSeconds', MIN_TS);
  const oplogTs = int(b, 'oplogTs', MIN_TS);
  const oplogInc = int(b, 'oplogInc', 1);

  if (dt !== 'download') {
    if (!targetClusterName) throw validationError('targetClusterName', `is required for ${dt} restores`);
    if (!targetGroupId) throw validationError('targetGroupId', `is required for ${dt} restores`);
  }
  if (dt === 'pointInTime') {
    if (pit === undefined && oplogTs === undefined)
      throw validationError(
        'pointInTimeUTCSeconds',
        'pointInTime restores need pointInTimeUTCSeconds, or oplogTs with oplogInc',
      );
    if (pit !== undefined && oplogTs !== undefined)
      throw validationError('pointInTimeUTCSeconds', 'is mutually exclusive with oplogTs/oplogInc');
    if (oplogTs !== undefined && oplogInc === undefined)
      throw validationError('oplogInc', 'is required with oplogTs (minimum 1)');
  } else if (!snapshotId) {
    throw validationError('snapshotId', `is required for ${dt} restores`);
  }

  return { dt, snapshotId, targetClusterName, targetGroupId, pit, oplogTs, oplogInc };
}

/** The snapshot a restore starts from: the one named, or the last completed before the point in time. */
function restoreSource(
  m: Model,
  source: Cluster,
  req: RestoreRequest,
  now: number,
): { createdFrom?: string; from: Snapshot } {
  const { dt, snapshotId, pit, oplogTs } = req;
  if (dt === 'pointInTime') {
    const when = (pit ?? oplogTs ?? 0) * 1000;
    if (when > now)
      throw new SimError(400, 'INVALID_PIT_RESTORE_TIME', `The point in time ${iso(when)} is in the future.`, [
        pit ?? oplogTs,
      ]);
    const base = listSnapshots(m, source).find(
      (s) => snapshotStatus(s, now) === 'completed' && snapshotFinishedAt(s) <= when,
    );
    if (!base)
      throw new SimError(
        409,
        'NO_CHECKPOINT_FOR_PIT_RESTORE',
        'No completed snapshot exists before the requested point in time.',
        [pit ?? oplogTs],
      );
    return { createdFrom: snapshotId ?? base.id, from: base };
  } else {
    const snap = getSnapshot(m, source, snapshotId as string, { includeDeleted: true });
    if (snap.deleted)
      throw new SimError(
        409,
        'CANNOT_START_RESTORE_JOB_FOR_DELETED_SNAPSHOT',
        `Snapshot ${snap.id} has been deleted.`,
        [snap.id],
      );
    if (snapshotStatus(snap, now) !== 'completed') {
      throw new SimError(
        409,
        'CANNOT_START_RESTORE_JOB_FOR_INCOMPLETE_CLUSTER_SNAPSHOT',
        `Snapshot ${snap.id} is not completed.`,
        [snap.id],
      );
    }
    return { createdFrom: snapshotId, from: snap };
  }
}

export function createRestore(
  m: Model,
  api: 'dedicated' | 'serverless',
  groupId: string,
  clusterName: string,
  body: unknown,
): RestoreJob {
  const source =
    api === 'dedicated' ? m.dedicatedCluster(groupId, clusterName) : m.serverlessInstance(groupId, clusterName);
  const req = restoreRequest(api, body);
  const { dt, targetGroupId, targetClusterName, pit, oplogTs, oplogInc } = req;
  const now = m.now();
  const { createdFrom, from } = restoreSource(m, source, req, now);
  if (dt !== 'download') checkTarget(m, targetGroupId as string, targetClusterName as string, now);

  const failReason = m.takeFailure('restore', groupId, clusterName);
  // A download job has no target and no point in time: Atlas does not echo such fields back.
  const download = dt === 'download';
  const job: RestoreJob = {
    id: newId(),
    api,
    groupId,
    clusterName,
    deliveryType: dt,
    snapshotId: createdFrom,
    ...(download ? {} : { targetGroupId, targetClusterName }),
    ...(dt === 'pointInTime' ? { pointInTimeUTCSeconds: pit, oplogTs, oplogInc } : {}),
    snapshotTakenAt: from.createdAt,
    createdAt: now,
    ...(from.members ? { components: from.members.map((mem) => mem.replicaSetName) } : {}),
    durationMs:
      api === 'serverless'
        ? m.duration('serverlessRestore', clusterName)
        : m.duration(
            dt === 'automated' ? 'restoreAutomated' : dt === 'download' ? 'restoreDownload' : 'restorePointInTime',
            clusterName,
          ),
    outcome: failReason ? 'failed' : 'success',
    downloadTtlMs: m.duration('restoreDownloadTtl', clusterName),
    ...(!download && m.data?.holds(source) ? { dataState: 'pending' as const } : {}),
  };
  return stored(m, m.state.restores, job);
}

function checkTarget(m: Model, targetGroupId: string, targetClusterName: string, now: number): Cluster {
  const target = m.existingCluster(targetGroupId, targetClusterName);
  if (target.kind === 'flex' || target.kind === 'serverless') {
    throw new SimError(
      403,
      'CANNOT_RESTORE_TO_TARGET',
      `Cannot restore to the ${target.kind} cluster ${targetClusterName} through this API.`,
      [targetClusterName],
    );
  }
  if (target.paused)
    throw new SimError(
      400,
      'CLUSTER_PAUSED_CANNOT_RESTORE',
      `Cluster ${targetClusterName} is paused; resume it before restoring.`,
      [targetClusterName],
    );
  const busy = Object.values(m.state.restores).some(
    (r) =>
      r.deliveryType !== 'download' &&
      r.targetGroupId === targetGroupId &&
      r.targetClusterName === targetClusterName &&
      restoreRunning(r, now),
  );
  if (busy)
    throw new SimError(
      409,
      'ATLAS_CLUSTER_RESTORE_IN_PROGRESS',
      `A restore into cluster ${targetClusterName} is already in progress.`,
      [targetClusterName],
    );
  return target;
}

const ofSource = (api: RestoreJob['api'], groupId: string, clusterName: string) => (r: RestoreJob) =>
  r.api === api && r.groupId === groupId && r.clusterName === clusterName;

export function listRestores(
  m: Model,
  api: 'dedicated' | 'serverless',
  groupId: string,
  clusterName: string,
): RestoreJob[] {
  if (api === 'dedicated') m.dedicatedCluster(groupId, clusterName);
  else m.serverlessInstance(groupId, clusterName);
  return newestFirst(m.state.restores, ofSource(api, groupId, clusterName));
}

export function getRestore(
  m: Model,
  api: 'dedicated' | 'serverless',
  groupId: string,
  clusterName: string,
  id: string,
): RestoreJob {
  if (api === 'dedicated') m.dedicatedCluster(groupId, clusterName);
  else m.serverlessInstance(groupId, clusterName);
  return ownItem(m.state.restores, id, ofSource(api, groupId, clusterName), {
    errorCode: 'RESTORE_JOB_NOT_FOUND',
    detail: `No restore job with ID ${id} exists for cluster ${clusterName}.`,
  });
}

export function cancelRestore(m: Model, groupId: string, clusterName: string, id: string): void {
  const r = getRestore(m, 'dedicated', groupId, clusterName, id);
  if (r.deliveryType === 'automated') {
    throw new SimError(400, 'CANNOT_CANCEL_AUTOMATED_RESTORE', 'Automated restore jobs cannot be cancelled.', [id]);
  }
  // Cancelling a job that already ended changes nothing (Atlas answers 204 either way).
  if (restoreRunning(r, m.now())) {
    r.cancelledAt = m.now();
    m.changed();
  }
}

// ---- flex ----
export type FlexStatus = 'PENDING' | 'QUEUED' | 'RUNNING' | 'COMPLETED' | 'FAILED';

export function flexStatus(j: FlexRestoreJob, now: number): FlexStatus {
  const t = now - j.createdAt;
  if (t < j.pendingMs) return 'PENDING';
  if (t < j.pendingMs + j.queuedMs) return 'QUEUED';
  if (t < j.pendingMs + j.queuedMs + j.runningMs) return 'RUNNING';
  return j.outcome === 'success' ? 'COMPLETED' : 'FAILED';
}

export function createFlexRestore(
  m: Model,
  groupId: string,
  name: string,
  body: unknown,
  download: boolean,
): FlexRestoreJob {
  const c = m.flexCluster(groupId, name);
  const b = asObject(body);
  const snapshotId = str(b, 'snapshotId', ID_PATTERN, '^([a-f0-9]{24})$');
  if (!snapshotId) throw validationError('snapshotId', 'is required');
  let targetProjectId = groupId;
  let targetName = name;
  if (!download) {
    const t = str(b, 'targetDeploymentItemName', CLUSTER_NAME_PATTERN, '^[a-zA-Z0-9][a-zA-Z0-9-]*$');
    if (!t) throw validationError('targetDeploymentItemName', 'is required');
    targetName = t;
    targetProjectId = str(b, 'targetProjectId', ID_PATTERN, '^([a-f0-9]{24})$') ?? groupId;
  }
  const snap = getSnapshot(m, c, snapshotId);
  if (snapshotStatus(snap, m.now()) !== 'completed') {
    throw new SimError(
      409,
      'CANNOT_START_RESTORE_JOB_FOR_INCOMPLETE_CLUSTER_SNAPSHOT',
      `Snapshot ${snap.id} is not completed.`,
      [snap.id],
    );
  }
  if (!download) m.existingCluster(targetProjectId, targetName);
  const fail = m.takeFailure('flexRestore', groupId, name);
  const job: FlexRestoreJob = {
    id: newId(),
    groupId,
    instanceName: name,
    snapshotId,
    deliveryType: download ? 'DOWNLOAD' : 'RESTORE',
    targetProjectId,
    targetDeploymentItemName: targetName,
    createdAt: m.now(),
    pendingMs: m.duration('flexPending', name),
    queuedMs: m.duration('flexQueued', name),
    runningMs: m.duration('flexRunning', name),
    outcome: fail ? 'failed' : 'success',
    downloadTtlMs: m.duration('flexDownloadTtl', name),
  };
  return stored(m, m.state.flexRestores, job);
}

export const { list: listFlexRestores, get: getFlexRestore } = clusterJobs<FlexRestoreJob>({
  jobs: (m) => m.state.flexRestores,
  cluster: (m, groupId, name) => m.flexCluster(groupId, name),
  nameOf: (j) => j.instanceName,
  notFound: (id, name) => ({
    errorCode: 'RESTORE_JOB_NOT_FOUND',
    detail: `No restore job with ID ${id} exists for ${name}.`,
  }),
});
