// Cloud backup snapshots: on-demand (takeSnapshots) and scheduled (admin-seeded), replica set,
// sharded, serverless and flex. Status is derived from the clock.
import type { UpdateSnapshotRetentionRequest } from '../../atlas/schemas.js';
import { addRetention, int32Field } from './dates.js';
import { SimError, validationError } from './errors.js';
import { newId } from './ids.js';
import { newestFirst, ownItem, stored } from './jobs.js';
import type { Model } from './model.js';
import type { Cluster, Snapshot } from './types.js';

export type SnapshotStatus = 'queued' | 'inProgress' | 'completed' | 'failed';
const DAY = 86_400_000;

export function snapshotStatus(s: Snapshot, now: number): SnapshotStatus {
  if (now < s.createdAt + s.queuedMs) return 'queued';
  if (now < s.createdAt + s.queuedMs + s.inProgressMs) return 'inProgress';
  if (s.dataState === 'pending') return 'inProgress';
  return s.outcome === 'success' ? 'completed' : 'failed';
}

export function snapshotFinishedAt(s: Snapshot): number {
  return s.createdAt + s.queuedMs + s.inProgressMs;
}

function newSnapshot(m: Model, c: Cluster, fields: Partial<Snapshot>): Snapshot {
  const now = m.now();
  const serverless = c.kind === 'serverless' || c.kind === 'flex';
  const snap: Snapshot = {
    id: newId(),
    groupId: c.groupId,
    clusterName: c.name,
    kind: c.kind,
    snapshotType: 'onDemand',
    createdAt: now,
    queuedMs: serverless ? 0 : m.duration('snapshotQueued', c.name),
    inProgressMs: serverless ? m.duration('serverlessSnapshot', c.name) : m.duration('snapshotInProgress', c.name),
    outcome: 'success',
    expiresAt: now + 7 * DAY,
    storageSizeBytes: 1_048_576 * (5 + Math.floor(Math.random() * 50)),
    mongodVersion: c.mongoDBVersion,
    ...(m.data?.holds(c) ? { dataState: 'pending' as const } : {}),
    ...fields,
  };
  if (c.kind === 'sharded') {
    snap.members = [
      ...Array.from({ length: c.shards }, (_, i) => ({ id: newId(), replicaSetName: `${c.name}-shard-${i}` })),
      { id: newId(), replicaSetName: `${c.name}-config-0` },
    ];
  }
  return stored(m, m.state.snapshots, snap);
}

export function takeSnapshot(m: Model, groupId: string, clusterName: string, body: unknown): Snapshot {
  const c = m.dedicatedCluster(groupId, clusterName);
  const b = (body ?? {}) as Record<string, unknown>;
  if (typeof b !== 'object' || Array.isArray(b)) throw validationError('body', 'must be a JSON object');
  if (b.description !== undefined && typeof b.description !== 'string')
    throw validationError('description', 'must be a string');
  const r = int32Field(b, 'retentionInDays', 1);
  const now = m.now();
  // Checked before anything is stored: an expiry past 9999 could never be listed again.
  const expiresAt = addRetention(now, r ?? 1, 'days', 'retentionInDays');
  const busy = Object.values(m.state.snapshots).some(
    (s) =>
      s.groupId === groupId &&
      s.clusterName === clusterName &&
      !s.deleted &&
      s.snapshotType === 'onDemand' &&
      ['queued', 'inProgress'].includes(snapshotStatus(s, now)),
  );
  if (busy)
    throw new SimError(400, 'UNFINISHED_ON_DEMAND_SNAPSHOT', 'Another on-demand snapshot is queued or in progress.', [
      clusterName,
    ]);
  const fail = m.takeFailure('snapshot', groupId, clusterName);
  return newSnapshot(m, c, {
    description: b.description as string | undefined,
    retentionInDays: r,
    expiresAt,
    outcome: fail ? 'failed' : 'success',
  });
}

/** How the admin API seeds a scheduled snapshot (the defaults: daily, completed, created now). */
export interface ScheduledSnapshotOptions {
  ageMs?: number;
  frequencyType?: string;
  description?: string;
  status?: 'completed' | 'failed';
  /** 'onDemand': one someone took by hand (no frequency); default 'scheduled'. */
  snapshotType?: 'scheduled' | 'onDemand';
}

/** Admin: a completed scheduled (or on-demand) snapshot, created `ageMs` ago (newest last). */
export function addScheduledSnapshot(m: Model, c: Cluster, opts: ScheduledSnapshotOptions = {}): Snapshot {
  const createdAt = m.now() - (opts.ageMs ?? 0);
  const onDemand = opts.snapshotType === 'onDemand';
  return newSnapshot(m, c, {
    snapshotType: onDemand ? 'onDemand' : 'scheduled',
    frequencyType: onDemand ? undefined : (opts.frequencyType ?? 'daily'),
    createdAt,
    queuedMs: 0,
    inProgressMs: 0,
    outcome: opts.status === 'failed' ? 'failed' : 'success',
    expiresAt: createdAt + 7 * DAY,
    description: opts.description,
  });
}

/** Deleted snapshots stay in the state (a restore may still name them) but are gone from the API unless asked. */
const ofCluster =
  (c: Cluster, includeDeleted = false) =>
  (s: Snapshot) =>
    s.groupId === c.groupId && s.clusterName === c.name && (!s.deleted || includeDeleted);

/** Snapshots of one cluster, newest first (as Atlas lists them). */
export function listSnapshots(m: Model, c: Cluster): Snapshot[] {
  return newestFirst(m.state.snapshots, ofCluster(c));
}

export function getSnapshot(
  m: Model,
  c: Cluster,
  snapshotId: string,
  opts: { includeDeleted?: boolean } = {},
): Snapshot {
  return ownItem(m.state.snapshots, snapshotId, ofCluster(c, opts.includeDeleted), {
    errorCode: 'SNAPSHOT_NOT_FOUND',
    detail: `No snapshot with ID ${snapshotId} exists for cluster ${c.name}.`,
  });
}

export function deleteSnapshot(m: Model, c: Cluster, snapshotId: string): void {
  const s = getSnapshot(m, c, snapshotId);
  s.deleted = true; // kept as a tombstone so restores can answer CANNOT_START_RESTORE_JOB_FOR_DELETED_SNAPSHOT
  m.changed();
}

/** updateBackupSnapshot: a new expiry, counted from the snapshot's creation. */
export function updateSnapshotRetention(
  m: Model,
  c: Cluster,
  snapshotId: string,
  b: UpdateSnapshotRetentionRequest,
): Snapshot {
  const s = getSnapshot(m, c, snapshotId);
  const expiresAt = addRetention(s.createdAt, b.retentionValue, b.retentionUnit, 'retentionValue');
  if (expiresAt <= m.now()) throw validationError('retentionValue', 'the new expiry date must be in the future');
  s.expiresAt = expiresAt;
  if (b.retentionUnit === 'days') s.retentionInDays = b.retentionValue;
  m.changed();
  return s;
}
