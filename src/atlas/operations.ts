// The operation table: every Atlas Admin API v2 operation we use, declared once: method, path
// template, the API version the client sends (and the spec's), its path parameters and its
// request/response schemas. The client sends by it; the simulator routes by it (catalog.ts).
// Adding an operation is one entry here.
//
// Versions: the one Atlas's documentation gives for the operation where it gives one, else the one in
// cloud-backups.openapi.yaml. `specVersion` is the spec's, which the simulator also serves.
import { z } from 'zod';
import type { EndpointSetId } from '../contract/pacing.js';
import { endpointSetOfPath, RateLimitSet } from './rate-limits.js';
import * as s from './schemas.js';

export type HttpMethod = 'GET' | 'POST' | 'DELETE' | 'PATCH';

export interface OperationInfo {
  method: HttpMethod;
  /** Path template under the base URL, with {param} placeholders as in the spec. */
  path: string;
  /** The version this project sends (Accept: application/vnd.atlas.<version>+json). */
  version: string;
  /** The version listed in cloud-backups.openapi.yaml. */
  specVersion: string;
  /** List endpoints return {results, totalCount, links} and take pageNum/itemsPerPage/includeCount. */
  list?: true;
  /** The rate-limit endpoint set whose token bucket the operation draws on (none: Atlas lists none). */
  endpointSet?: EndpointSetId;
}

interface OperationSpec extends OperationInfo {
  params: readonly string[];
  request?: z.ZodType;
  /** null: the operation answers 204/202 without a body. */
  response: z.ZodType | null;
}

const G = '/api/atlas/v2/groups/{groupId}';
const C = `${G}/clusters/{clusterName}/backup`;
const S = `${G}/serverless/{clusterName}/backup`;
const F = `${G}/flexClusters/{name}/backup`;

const GROUP = ['groupId'] as const;
const CLUSTER = ['groupId', 'clusterName'] as const;
const FLEX = ['groupId', 'name'] as const;
const withId = <const P extends readonly string[], const I extends string>(base: P, id: I) => [...base, id] as const;
const SNAPSHOT = withId(CLUSTER, 'snapshotId');
const EXPORT = withId(CLUSTER, 'exportId');
const BUCKET = withId(GROUP, 'exportBucketId');
const RESTORE = withId(CLUSTER, 'restoreJobId');
const FLEX_SNAPSHOT = withId(FLEX, 'snapshotId');
const FLEX_RESTORE = withId(FLEX, 'restoreJobId');
const USER = ['groupId', 'databaseName', 'username'] as const;
const SNAPSHOT_DB = withId(SNAPSHOT, 'databaseName');
const SNAP_DBS = `${C}/snapshots/{snapshotId}/databases`;
const JOBS = `${G}/clusters/{clusterName}/collectionRestoreJobs`;
const COLLECTION_JOB = withId(CLUSTER, 'jobId');

/** One entry: method, path, the spec's version, path parameters and response, then the rest (version: the spec's). */
function def<
  const P extends readonly string[],
  Res extends z.ZodType | null,
  Req extends z.ZodType | undefined = undefined,
>(
  method: HttpMethod,
  path: string,
  specVersion: string,
  params: P,
  response: Res,
  more: { version?: string; list?: true; request?: Req } = {},
) {
  const version = more.version ?? specVersion;
  const endpointSet = endpointSetOfPath(path);
  return {
    method,
    path,
    specVersion,
    params,
    response,
    ...more,
    version,
    ...(endpointSet ? { endpointSet } : {}),
  } as OperationInfo & {
    params: P;
    request: Req;
    response: Res;
  };
}

/** A list operation: GET, answering a page of `item`s. */
function list<const P extends readonly string[], T extends z.ZodType>(
  path: string,
  specVersion: string,
  params: P,
  item: T,
) {
  return def('GET', path, specVersion, params, s.paginated(item), { list: true });
}

export const operations = {
  // Dedicated cluster snapshots (replica set and sharded)
  takeSnapshots: def('POST', `${C}/snapshots`, '2023-01-01', CLUSTER, s.Snapshot, {
    version: '2024-08-05',
    request: s.TakeSnapshotRequest,
  }),
  getClusterBackupSnapshot: def('GET', `${C}/snapshots/{snapshotId}`, '2023-01-01', SNAPSHOT, s.Snapshot),
  listBackupSnapshots: list(`${C}/snapshots`, '2023-01-01', CLUSTER, s.Snapshot),
  deleteClusterBackupSnapshot: def('DELETE', `${C}/snapshots/{snapshotId}`, '2023-01-01', SNAPSHOT, null),
  updateBackupSnapshot: def('PATCH', `${C}/snapshots/{snapshotId}`, '2023-01-01', SNAPSHOT, s.ReplicaSetSnapshot, {
    request: s.UpdateSnapshotRetentionRequest,
  }),
  getBackupShardedCluster: def(
    'GET',
    `${C}/snapshots/shardedCluster/{snapshotId}`,
    '2023-01-01',
    SNAPSHOT,
    s.ShardedSnapshot,
  ),
  listBackupShardedClusters: list(`${C}/snapshots/shardedClusters`, '2023-01-01', CLUSTER, s.ShardedSnapshot),
  deleteBackupShardedCluster: def('DELETE', `${C}/snapshots/shardedCluster/{snapshotId}`, '2023-01-01', SNAPSHOT, null),
  // Backup schedule (policy) of a dedicated cluster
  getBackupSchedule: def('GET', `${C}/schedule`, '2024-08-05', CLUSTER, s.BackupSchedule),
  updateBackupSchedule: def('PATCH', `${C}/schedule`, '2024-08-05', CLUSTER, s.BackupSchedule, {
    request: s.UpdateBackupScheduleRequest,
  }),
  deleteClusterBackupSchedule: def('DELETE', `${C}/schedule`, '2024-08-05', CLUSTER, s.BackupSchedule),
  // Export jobs and buckets
  createBackupExport: def('POST', `${C}/exports`, '2023-01-01', CLUSTER, s.ExportJob, {
    version: '2024-08-05',
    request: s.CreateExportRequest,
  }),
  getBackupExport: def('GET', `${C}/exports/{exportId}`, '2023-01-01', EXPORT, s.ExportJob, { version: '2025-03-12' }),
  listBackupExports: list(`${C}/exports`, '2023-01-01', CLUSTER, s.ExportJob),
  listExportBuckets: list(`${G}/backup/exportBuckets`, '2024-05-30', GROUP, s.ExportBucket),
  getExportBucket: def('GET', `${G}/backup/exportBuckets/{exportBucketId}`, '2024-05-30', BUCKET, s.ExportBucket),
  createExportBucket: def('POST', `${G}/backup/exportBuckets`, '2024-05-30', GROUP, s.ExportBucket, {
    request: s.CreateExportBucketRequest,
  }),
  updateBackupExportBucket: def(
    'PATCH',
    `${G}/backup/exportBuckets/{exportBucketId}`,
    '2024-05-30',
    BUCKET,
    s.ExportBucket,
    { request: s.UpdateExportBucketRequest },
  ),
  deleteExportBucket: def('DELETE', `${G}/backup/exportBuckets/{exportBucketId}`, '2023-01-01', BUCKET, null),
  // Restore jobs (dedicated)
  getBackupRestoreJob: def('GET', `${C}/restoreJobs/{restoreJobId}`, '2023-01-01', RESTORE, s.RestoreJob),
  listBackupRestoreJobs: list(`${C}/restoreJobs`, '2023-01-01', CLUSTER, s.RestoreJob),
  cancelBackupRestoreJob: def('DELETE', `${C}/restoreJobs/{restoreJobId}`, '2023-01-01', RESTORE, null),
  createBackupRestoreJob: def('POST', `${C}/restoreJobs`, '2023-01-01', CLUSTER, s.RestoreJob, {
    version: '2025-03-12',
    request: s.CreateRestoreJobRequest,
  }),
  // Serverless
  getServerlessBackupSnapshot: def('GET', `${S}/snapshots/{snapshotId}`, '2023-01-01', SNAPSHOT, s.ServerlessSnapshot, {
    version: '2023-02-01',
  }),
  listServerlessBackupSnapshots: list(`${S}/snapshots`, '2023-01-01', CLUSTER, s.ServerlessSnapshot),
  createServerlessRestoreJob: def('POST', `${S}/restoreJobs`, '2023-01-01', CLUSTER, s.ServerlessRestoreJob, {
    request: s.CreateServerlessRestoreJobRequest,
  }),
  getServerlessRestoreJob: def('GET', `${S}/restoreJobs/{restoreJobId}`, '2023-01-01', RESTORE, s.ServerlessRestoreJob),
  listServerlessRestoreJobs: list(`${S}/restoreJobs`, '2023-01-01', CLUSTER, s.ServerlessRestoreJob),
  // Flex
  listFlexBackupSnapshots: list(`${F}/snapshots`, '2024-11-13', FLEX, s.FlexSnapshot),
  getFlexBackupSnapshot: def('GET', `${F}/snapshots/{snapshotId}`, '2024-11-13', FLEX_SNAPSHOT, s.FlexSnapshot),
  createFlexRestoreJob: def('POST', `${F}/restoreJobs`, '2024-11-13', FLEX, s.FlexRestoreJob, {
    request: s.CreateFlexRestoreJobRequest,
  }),
  getFlexRestoreJob: def('GET', `${F}/restoreJobs/{restoreJobId}`, '2024-11-13', FLEX_RESTORE, s.FlexRestoreJob),
  listFlexRestoreJobs: list(`${F}/restoreJobs`, '2024-11-13', FLEX, s.FlexRestoreJob),
  downloadFlexBackup: def('POST', `${F}/download`, '2024-11-13', FLEX, s.FlexDownload, {
    request: s.DownloadFlexBackupRequest,
  }),
  getCluster: def('GET', `${G}/clusters/{clusterName}`, '2024-08-05', CLUSTER, s.Cluster),
  updateCluster: def('PATCH', `${G}/clusters/{clusterName}`, '2024-10-23', CLUSTER, s.Cluster, {
    request: s.UpdateClusterRequest,
  }),
  deleteCluster: def('DELETE', `${G}/clusters/{clusterName}`, '2023-02-01', CLUSTER, null),
  // Read by the pipeline's pre-flight (needs Project Owner): 404 when the project has no policy
  getCompliancePolicy: def('GET', `${G}/backupCompliancePolicy`, '2023-10-01', GROUP, s.CompliancePolicy),
  // Data verification: a temporary read-only user on the restored target (Project Database Access
  // Admin), and the namespaces the restored snapshot holds (Atlas's snapshot browsing)
  createDatabaseUser: def('POST', `${G}/databaseUsers`, '2023-01-01', GROUP, s.DatabaseUser, {
    request: s.CreateDatabaseUserRequest,
  }),
  deleteDatabaseUser: def('DELETE', `${G}/databaseUsers/{databaseName}/{username}`, '2023-01-01', USER, null),
  // `doctor` reads one to tell whether the credentials hold Project Database Access Admin
  getDatabaseUser: def('GET', `${G}/databaseUsers/{databaseName}/{username}`, '2023-01-01', USER, s.DatabaseUser),
  listBackupSnapshotDatabases: list(SNAP_DBS, '2025-03-12', SNAPSHOT, s.SnapshotDatabase),
  listSnapshotDatabaseCollections: list(
    `${SNAP_DBS}/{databaseName}/collections`,
    '2025-03-12',
    SNAPSHOT_DB,
    s.SnapshotCollection,
  ),
  // Collection-level restores (Atlas 2026): one job per cluster at a time; no cancel endpoint exists
  createCollectionRestoreJob: def('POST', JOBS, '2025-03-12', CLUSTER, s.CollectionRestoreJob, {
    request: s.CreateCollectionRestoreJobRequest,
  }),
  getCollectionRestoreJob: def('GET', `${JOBS}/{jobId}`, '2025-03-12', COLLECTION_JOB, s.CollectionRestoreJob),
  listCollectionRestoreJobs: list(JOBS, '2025-03-12', CLUSTER, s.CollectionRestoreJob),
  listRestoreJobCollections: list(`${JOBS}/{jobId}/collections`, '2025-03-12', COLLECTION_JOB, s.RestoreJobCollection),
  // Discovery (fleets, the coverage report): the projects the credentials see, a project's
  // dedicated clusters, and its flex clusters (listed apart from the dedicated ones)
  listProjects: list('/api/atlas/v2/groups', '2023-01-01', [] as const, s.Project),
  listClusters: list(`${G}/clusters`, '2024-08-05', GROUP, s.Cluster),
  listFlexClusters: list(`${G}/flexClusters`, '2024-11-13', GROUP, s.FlexCluster),
  // Pacing: the token buckets of a scope (query groupId=…; none: the caller's own)
  listRateLimits: list('/api/atlas/v2/rateLimits', '2025-03-12', [] as const, RateLimitSet),
} as const satisfies Record<string, OperationSpec>;

export type OperationId = keyof typeof operations;
export const operationIds = Object.keys(operations) as OperationId[];

type Ops = typeof operations;

/** List operations: those answering {results: [...]} (catalogue entries with `list: true`). */
export type ListOperationId = {
  [K in OperationId]: ResponseOf<K> extends { results: unknown[] } ? K : never;
}[OperationId];

export type PathParamsOf<K extends OperationId> = { [P in Ops[K]['params'][number]]: string };

export type ResponseOf<K extends OperationId> = Ops[K]['response'] extends z.ZodType
  ? z.infer<Ops[K]['response']>
  : void;

export type ItemOf<K extends ListOperationId> = ResponseOf<K> extends { results: Array<infer T> } ? T : never;

export type QueryParams = {
  envelope?: boolean;
  pretty?: boolean;
  pageNum?: number;
  itemsPerPage?: number;
  includeCount?: boolean;
} & Record<string, string | number | boolean | undefined>;

export type RequestArgs<K extends OperationId> = {
  path: PathParamsOf<K>;
  query?: QueryParams;
} & (Ops[K]['request'] extends z.ZodType ? { body: z.input<Ops[K]['request']> } : { body?: undefined });

/** Path parameter names whose values are 24-hex ids; the rest are cluster names. */
const ID_PARAMS = new Set(['groupId', 'snapshotId', 'exportId', 'exportBucketId', 'restoreJobId', 'jobId']);
const NAME_PARAMS = new Set(['clusterName', 'name']);

export function isIdParam(name: string): boolean {
  return ID_PARAMS.has(name);
}
export function isNameParam(name: string): boolean {
  return NAME_PARAMS.has(name);
}
