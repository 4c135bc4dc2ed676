// One handler per Atlas operation: path params and body in, {status, body} or a list out.
import type { OperationId } from '../../atlas/catalog.js';
import {
  UpdateBackupScheduleRequest,
  UpdateClusterRequest,
  UpdateExportBucketRequest,
  UpdateSnapshotRetentionRequest,
} from '../../atlas/schemas.js';
import { parseBody } from '../model/bodies.js';
import { iso } from '../model/dates.js';
import { deleteCluster, updateCluster } from '../model/clusters.js';
import {
  createBucket,
  createExport,
  deleteBucket,
  getBucket,
  getExport,
  listBuckets,
  listExports,
  updateBucket,
} from '../model/exports.js';
import type { Model } from '../model/model.js';
import {
  cancelRestore,
  createFlexRestore,
  createRestore,
  getFlexRestore,
  getRestore,
  listFlexRestores,
  listRestores,
} from '../model/restores.js';
import { SimError } from '../model/errors.js';
import { clearSchedule, scheduleOf, updateSchedule } from '../model/schedules.js';
import {
  deleteSnapshot,
  getSnapshot,
  listSnapshots,
  takeSnapshot,
  updateSnapshotRetention,
} from '../model/snapshots.js';
import {
  bucketView,
  clusterView,
  exportView,
  flexRestoreView,
  flexSnapshotView,
  restoreView,
  scheduleView,
  serverlessSnapshotView,
  snapshotView,
} from './views.js';
import type { TokenBuckets } from './token-buckets.js';

/** The one organization every simulated project belongs to. */
export const SIM_ORG_ID = '65f1a0c0a1b2c3d4e5f6000f';

export interface OpContext {
  m: Model;
  p: Record<string, string>;
  q: URLSearchParams;
  body: unknown;
  base: string;
  /** The token buckets, for listRateLimits/getRateLimit. */
  rateLimits?: TokenBuckets;
}
export type OpResult = { status: number; body?: unknown } | { list: unknown[] };
type Handler = (c: OpContext) => OpResult;

const ok = (body: unknown): OpResult => ({ status: 200, body });
const g = (c: OpContext) => c.p.groupId!;
const cl = (c: OpContext) => c.p.clusterName!;

/** The replica-set snapshot endpoints do not serve sharded snapshots (they have their own paths). */
function replicaSetOnly(c: OpContext) {
  const s = getSnapshot(c.m, c.m.dedicatedCluster(g(c), cl(c)), c.p.snapshotId!);
  if (s.members)
    throw new SimError(
      404,
      'SNAPSHOT_NOT_FOUND',
      `Snapshot ${s.id} is a sharded cluster snapshot; use /snapshots/shardedCluster/${s.id}.`,
      [s.id],
    );
  return s;
}

function shardedOnly(c: OpContext, id: string) {
  const cluster = c.m.dedicatedCluster(g(c), cl(c));
  const s = getSnapshot(c.m, cluster, id);
  if (!s.members)
    throw new SimError(
      404,
      'SNAPSHOT_NOT_FOUND',
      `No sharded cluster snapshot with ID ${id} exists for cluster ${cl(c)}.`,
      [id],
    );
  return s;
}

/**
 * The client's operations but those the 2026 files serve: the compliance policy, database users and
 * the flex cluster list, database users and rate limits (operations-2026.ts), snapshot browsing and
 * collection restore jobs (data-operations.ts, from the data plane).
 */
type ServedElsewhere =
  | 'getCompliancePolicy'
  | 'createDatabaseUser'
  | 'deleteDatabaseUser'
  | 'listFlexClusters'
  | 'getDatabaseUser'
  | 'listRateLimits'
  | 'listBackupSnapshotDatabases'
  | 'listSnapshotDatabaseCollections'
  | 'createCollectionRestoreJob'
  | 'getCollectionRestoreJob'
  | 'listCollectionRestoreJobs'
  | 'listRestoreJobCollections'
  | 'listRateLimits';
export const handlers: Record<Exclude<OperationId, ServedElsewhere>, Handler> = {
  takeSnapshots: (c) => ok(snapshotView(c.m, takeSnapshot(c.m, g(c), cl(c), c.body), c.base)),
  getClusterBackupSnapshot: (c) => ok(snapshotView(c.m, replicaSetOnly(c), c.base)),
  listBackupSnapshots: (c) => {
    const cluster = c.m.dedicatedCluster(g(c), cl(c));
    return {
      list: listSnapshots(c.m, cluster)
        .filter((s) => !s.members)
        .map((s) => snapshotView(c.m, s, c.base)),
    };
  },
  deleteClusterBackupSnapshot: (c) => {
    deleteSnapshot(c.m, c.m.dedicatedCluster(g(c), cl(c)), c.p.snapshotId!);
    return { status: 204 };
  },
  // Like every operation, a missing project, cluster or snapshot answers 404 before the body is read.
  updateBackupSnapshot: (c) => {
    const s = replicaSetOnly(c);
    const b = parseBody(UpdateSnapshotRetentionRequest, c.body);
    return ok(snapshotView(c.m, updateSnapshotRetention(c.m, c.m.dedicatedCluster(g(c), cl(c)), s.id, b), c.base));
  },
  getBackupShardedCluster: (c) => ok(snapshotView(c.m, shardedOnly(c, c.p.snapshotId!), c.base)),
  listBackupShardedClusters: (c) => {
    const cluster = c.m.dedicatedCluster(g(c), cl(c));
    return {
      list: listSnapshots(c.m, cluster)
        .filter((s) => s.members)
        .map((s) => snapshotView(c.m, s, c.base)),
    };
  },
  deleteBackupShardedCluster: (c) => {
    deleteSnapshot(c.m, c.m.dedicatedCluster(g(c), cl(c)), shardedOnly(c, c.p.snapshotId!).id);
    return { status: 204 };
  },

  getBackupSchedule: (c) => {
    const cluster = c.m.dedicatedCluster(g(c), cl(c));
    return ok(scheduleView(c.m, cluster, scheduleOf(c.m, cluster), c.base));
  },
  updateBackupSchedule: (c) => {
    const cluster = c.m.dedicatedCluster(g(c), cl(c));
    return ok(
      scheduleView(c.m, cluster, updateSchedule(c.m, cluster, parseBody(UpdateBackupScheduleRequest, c.body)), c.base),
    );
  },
  deleteClusterBackupSchedule: (c) => {
    const cluster = c.m.dedicatedCluster(g(c), cl(c));
    return ok(scheduleView(c.m, cluster, clearSchedule(c.m, cluster), c.base));
  },

  createBackupExport: (c) => ok(exportView(c.m, createExport(c.m, g(c), cl(c), c.body), c.base)),
  getBackupExport: (c) => ok(exportView(c.m, getExport(c.m, g(c), cl(c), c.p.exportId!), c.base)),
  listBackupExports: (c) => ({ list: listExports(c.m, g(c), cl(c)).map((j) => exportView(c.m, j, c.base)) }),
  listExportBuckets: (c) => ({ list: listBuckets(c.m, g(c)).map((b) => bucketView(b, c.base)) }),
  getExportBucket: (c) => ok(bucketView(getBucket(c.m, g(c), c.p.exportBucketId!), c.base)),
  createExportBucket: (c) => ok(bucketView(createBucket(c.m, g(c), c.body), c.base)),
  updateBackupExportBucket: (c) => {
    getBucket(c.m, g(c), c.p.exportBucketId!);
    const b = parseBody(UpdateExportBucketRequest, c.body);
    return ok(bucketView(updateBucket(c.m, g(c), c.p.exportBucketId!, b.requirePrivateNetworking), c.base));
  },
  deleteExportBucket: (c) => {
    deleteBucket(c.m, g(c), c.p.exportBucketId!);
    return { status: 204 };
  },

  createBackupRestoreJob: (c) => ok(restoreView(c.m, createRestore(c.m, 'dedicated', g(c), cl(c), c.body), c.base)),
  getBackupRestoreJob: (c) =>
    ok(restoreView(c.m, getRestore(c.m, 'dedicated', g(c), cl(c), c.p.restoreJobId!), c.base)),
  listBackupRestoreJobs: (c) => ({
    list: listRestores(c.m, 'dedicated', g(c), cl(c)).map((r) => restoreView(c.m, r, c.base)),
  }),
  cancelBackupRestoreJob: (c) => {
    cancelRestore(c.m, g(c), cl(c), c.p.restoreJobId!);
    return { status: 204 };
  },

  getServerlessBackupSnapshot: (c) => {
    const s = getSnapshot(c.m, c.m.serverlessInstance(g(c), cl(c)), c.p.snapshotId!);
    return ok(serverlessSnapshotView(c.m, s, c.base));
  },
  listServerlessBackupSnapshots: (c) => {
    const inst = c.m.serverlessInstance(g(c), cl(c));
    return { list: listSnapshots(c.m, inst).map((s) => serverlessSnapshotView(c.m, s, c.base)) };
  },
  createServerlessRestoreJob: (c) =>
    ok(restoreView(c.m, createRestore(c.m, 'serverless', g(c), cl(c), c.body), c.base)),
  getServerlessRestoreJob: (c) =>
    ok(restoreView(c.m, getRestore(c.m, 'serverless', g(c), cl(c), c.p.restoreJobId!), c.base)),
  listServerlessRestoreJobs: (c) => ({
    list: listRestores(c.m, 'serverless', g(c), cl(c)).map((r) => restoreView(c.m, r, c.base)),
  }),

  listFlexBackupSnapshots: (c) => {
    const f = c.m.flexCluster(g(c), c.p.name!);
    return { list: listSnapshots(c.m, f).map((s) => flexSnapshotView(c.m, s, c.base)) };
  },
  getFlexBackupSnapshot: (c) =>
    ok(flexSnapshotView(c.m, getSnapshot(c.m, c.m.flexCluster(g(c), c.p.name!), c.p.snapshotId!), c.base)),
  createFlexRestoreJob: (c) => ok(flexRestoreView(c.m, createFlexRestore(c.m, g(c), c.p.name!, c.body, false), c.base)),
  getFlexRestoreJob: (c) => ok(flexRestoreView(c.m, getFlexRestore(c.m, g(c), c.p.name!, c.p.restoreJobId!), c.base)),
  listFlexRestoreJobs: (c) => ({
    list: listFlexRestores(c.m, g(c), c.p.name!).map((j) => flexRestoreView(c.m, j, c.base)),
  }),
  downloadFlexBackup: (c) => ok(flexRestoreView(c.m, createFlexRestore(c.m, g(c), c.p.name!, c.body, true), c.base)),

  getCluster: (c) => ok(clusterView(c.m, c.m.dedicatedCluster(g(c), cl(c)), c.base)),
  listProjects: (c) => ({
    list: Object.values(c.m.state.projects).map((p) => ({
      id: p.id,
      name: p.name,
      orgId: SIM_ORG_ID,
      created: iso(p.createdAt),
      clusterCount: Object.values(c.m.state.clusters).filter((k) => k.groupId === p.id).length,
      links: [{ rel: 'self', href: `${c.base}/api/atlas/v2/groups/${p.id}` }],
    })),
  }),
  // Atlas lists serverless instances and flex clusters under their own APIs, not here.
  listClusters: (c) => {
    c.m.project(g(c));
    const dedicated = Object.values(c.m.state.clusters).filter(
      (k) => k.groupId === g(c) && (k.kind === 'replicaSet' || k.kind === 'sharded'),
    );
    return { list: dedicated.map((k) => clusterView(c.m, k, c.base)) };
  },
  updateCluster: (c) =>
    ok(clusterView(c.m, updateCluster(c.m, g(c), cl(c), parseBody(UpdateClusterRequest, c.body)), c.base)),
  deleteCluster: (c) => {
    deleteCluster(c.m, g(c), cl(c), c.q.get('retainBackups'));
    return { status: 202 };
  },
};
