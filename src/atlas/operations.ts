// The operation table: every Atlas Admin API v2 operation we use, declared once: method, path
// template, the API version the client sends (and the spec's), its path parameters and its
// request/response schemas. The client sends by it; the simulator routes by it (catalog.ts).
// Adding an operation is one entry here.
//
// Versions: the seed documents' version where a seed gives one (../shared/seeds), else the one in
// cloud-backups.openapi.yaml. `specVersion` is the spec's, which the simulator also serves.
import { z } from 'zod';
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

/** One entry: method, path and the spec's version, then the rest; `version` defaults to the spec's. */
function def<const P extends readonly string[], Req extends z.ZodType | undefined, Res extends z.ZodType | null>(
  method: HttpMethod,
  path: string,
  specVersion: string,
  spec: { version?: string; list?: true; params: P; request?: Req; response: Res },
) {
  return { method, path, specVersion, ...spec, version: spec.version ?? specVersion } as OperationInfo & {
    params: P;
    request: Req;
    response: Res;
  };
}

export const operations = {
  // Dedicated cluster snapshots (replica set and sharded)
  takeSnapshots: def('POST', `${C}/snapshots`, '2023-01-01', {
    version: '2024-08-05',
    params: CLUSTER,
    request: s.TakeSnapshotRequest,
    response: s.Snapshot,
  }),
  getClusterBackupSnapshot: def('GET', `${C}/snapshots/{snapshotId}`, '2023-01-01', {
    params: withId(CLUSTER, 'snapshotId'),
    response: s.Snapshot,
  }),
  listBackupSnapshots: def('GET', `${C}/snapshots`, '2023-01-01', {
    list: true,
    params: CLUSTER,
    response: s.paginated(s.Snapshot),
  }),
  deleteClusterBackupSnapshot: def('DELETE', `${C}/snapshots/{snapshotId}`, '2023-01-01', {
    params: withId(CLUSTER, 'snapshotId'),
    response: null,
  }),
  updateBackupSnapshot: def('PATCH', `${C}/snapshots/{snapshotId}`, '2023-01-01', {
    params: withId(CLUSTER, 'snapshotId'),
    request: s.UpdateSnapshotRetentionRequest,
    response: s.ReplicaSetSnapshot,
  }),
  getBackupShardedCluster: def('GET', `${C}/snapshots/shardedCluster/{snapshotId}`, '2023-01-01', {
    params: withId(CLUSTER, 'snapshotId'),
    response: s.ShardedSnapshot,
  }),
  listBackupShardedClusters: def('GET', `${C}/snapshots/shardedClusters`, '2023-01-01', {
    list: true,
    params: CLUSTER,
    response: s.paginated(s.ShardedSnapshot),
  }),
  deleteBackupShardedCluster: def('DELETE', `${C}/snapshots/shardedCluster/{snapshotId}`, '2023-01-01', {
    params: withId(CLUSTER, 'snapshotId'),
    response: null,
  }),
  // Backup schedule (policy) of a dedicated cluster
  getBackupSchedule: def('GET', `${C}/schedule`, '2024-08-05', { params: CLUSTER, response: s.BackupSchedule }),
  updateBackupSchedule: def('PATCH', `${C}/schedule`, '2024-08-05', {
    params: CLUSTER,
    request: s.UpdateBackupScheduleRequest,
    response: s.BackupSchedule,
  }),
  deleteClusterBackupSchedule: def('DELETE', `${C}/schedule`, '2024-08-05', {
    params: CLUSTER,
    response: s.BackupSchedule,
  }),
  // Export jobs and buckets
  createBackupExport: def('POST', `${C}/exports`, '2023-01-01', {
    version: '2024-08-05',
    params: CLUSTER,
    request: s.CreateExportRequest,
    response: s.ExportJob,
  }),
  getBackupExport: def('GET', `${C}/exports/{exportId}`, '2023-01-01', {
    version: '2025-03-12',
    params: withId(CLUSTER, 'exportId'),
    response: s.ExportJob,
  }),
  listBackupExports: def('GET', `${C}/exports`, '2023-01-01', {
    list: true,
    params: CLUSTER,
    response: s.paginated(s.ExportJob),
  }),
  listExportBuckets: def('GET', `${G}/backup/exportBuckets`, '2024-05-30', {
    list: true,
    params: GROUP,
    response: s.paginated(s.ExportBucket),
  }),
  getExportBucket: def('GET', `${G}/backup/exportBuckets/{exportBucketId}`, '2024-05-30', {
    params: withId(GROUP, 'exportBucketId'),
    response: s.ExportBucket,
  }),
  createExportBucket: def('POST', `${G}/backup/exportBuckets`, '2024-05-30', {
    params: GROUP,
    request: s.CreateExportBucketRequest,
    response: s.ExportBucket,
  }),
  updateBackupExportBucket: def('PATCH', `${G}/backup/exportBuckets/{exportBucketId}`, '2024-05-30', {
    params: withId(GROUP, 'exportBucketId'),
    request: s.UpdateExportBucketRequest,
    response: s.ExportBucket,
  }),
  deleteExportBucket: def('DELETE', `${G}/backup/exportBuckets/{exportBucketId}`, '2023-01-01', {
    params: withId(GROUP, 'exportBucketId'),
    response: null,
  }),
  // Restore jobs (dedicated)
  createBackupRestoreJob: def('POST', `${C}/restoreJobs`, '2023-01-01', {
    version: '2025-03-12',
    params: CLUSTER,
    request: s.CreateRestoreJobRequest,
    response: s.RestoreJob,
  }),
  getBackupRestoreJob: def('GET', `${C}/restoreJobs/{restoreJobId}`, '2023-01-01', {
    params: withId(CLUSTER, 'restoreJobId'),
    response: s.RestoreJob,
  }),
  listBackupRestoreJobs: def('GET', `${C}/restoreJobs`, '2023-01-01', {
    list: true,
    params: CLUSTER,
    response: s.paginated(s.RestoreJob),
  }),
  cancelBackupRestoreJob: def('DELETE', `${C}/restoreJobs/{restoreJobId}`, '2023-01-01', {
    params: withId(CLUSTER, 'restoreJobId'),
    response: null,
  }),
  // Serverless
  getServerlessBackupSnapshot: def('GET', `${S}/snapshots/{snapshotId}`, '2023-01-01', {
    version: '2023-02-01',
    params: withId(CLUSTER, 'snapshotId'),
    response: s.ServerlessSnapshot,
  }),
  listServerlessBackupSnapshots: def('GET', `${S}/snapshots`, '2023-01-01', {
    list: true,
    params: CLUSTER,
    response: s.paginated(s.ServerlessSnapshot),
  }),
  createServerlessRestoreJob: def('POST', `${S}/restoreJobs`, '2023-01-01', {
    params: CLUSTER,
    request: s.CreateServerlessRestoreJobRequest,
    response: s.ServerlessRestoreJob,
  }),
  getServerlessRestoreJob: def('GET', `${S}/restoreJobs/{restoreJobId}`, '2023-01-01', {
    params: withId(CLUSTER, 'restoreJobId'),
    response: s.ServerlessRestoreJob,
  }),
  listServerlessRestoreJobs: def('GET', `${S}/restoreJobs`, '2023-01-01', {
    list: true,
    params: CLUSTER,
    response: s.paginated(s.ServerlessRestoreJob),
  }),
  // Flex
  listFlexBackupSnapshots: def('GET', `${F}/snapshots`, '2024-11-13', {
    list: true,
    params: FLEX,
    response: s.paginated(s.FlexSnapshot),
  }),
  getFlexBackupSnapshot: def('GET', `${F}/snapshots/{snapshotId}`, '2024-11-13', {
    params: withId(FLEX, 'snapshotId'),
    response: s.FlexSnapshot,
  }),
  createFlexRestoreJob: def('POST', `${F}/restoreJobs`, '2024-11-13', {
    params: FLEX,
    request: s.CreateFlexRestoreJobRequest,
    response: s.FlexRestoreJob,
  }),
  getFlexRestoreJob: def('GET', `${F}/restoreJobs/{restoreJobId}`, '2024-11-13', {
    params: withId(FLEX, 'restoreJobId'),
    response: s.FlexRestoreJob,
  }),
  listFlexRestoreJobs: def('GET', `${F}/restoreJobs`, '2024-11-13', {
    list: true,
    params: FLEX,
    response: s.paginated(s.FlexRestoreJob),
  }),
  downloadFlexBackup: def('POST', `${F}/download`, '2024-11-13', {
    params: FLEX,
    request: s.DownloadFlexBackupRequest,
    response: s.FlexDownload,
  }),
  // Clusters (getCluster verifies restores; update/delete let rehearsals pause or lose a cluster)
  getCluster: def('GET', `${G}/clusters/{clusterName}`, '2024-08-05', { params: CLUSTER, response: s.Cluster }),
  updateCluster: def('PATCH', `${G}/clusters/{clusterName}`, '2024-10-23', {
    params: CLUSTER,
    request: s.UpdateClusterRequest,
    response: s.Cluster,
  }),
  deleteCluster: def('DELETE', `${G}/clusters/{clusterName}`, '2023-02-01', { params: CLUSTER, response: null }),
  // Discovery for fleets: the projects the credentials see, and a project's dedicated clusters
  listProjects: def('GET', '/api/atlas/v2/groups', '2023-01-01', {
    list: true,
    params: [] as const,
    response: s.paginated(s.Project),
  }),
  listClusters: def('GET', `${G}/clusters`, '2024-08-05', {
    list: true,
    params: GROUP,
    response: s.paginated(s.Cluster),
  }),
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
const ID_PARAMS = new Set(['groupId', 'snapshotId', 'exportId', 'exportBucketId', 'restoreJobId']);
const NAME_PARAMS = new Set(['clusterName', 'name']);

export function isIdParam(name: string): boolean {
  return ID_PARAMS.has(name);
}
export function isNameParam(name: string): boolean {
  return NAME_PARAMS.has(name);
}
