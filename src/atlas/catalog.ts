// The Atlas Admin API v2 cloud-backup operations we use, declared once: method, path template and
// the API version the client sends. Shared by the client (src/atlas) and the simulator's router
// (src/simulator) so both speak the same paths. Request/response schemas live beside the client.
//
// Versions: the seed documents' version where a seed gives one (../shared/seeds), else the one in
// cloud-backups.openapi.yaml. `specVersion` is the spec's, which the simulator also serves.

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

const G = '/api/atlas/v2/groups/{groupId}';
const C = `${G}/clusters/{clusterName}/backup`;
const S = `${G}/serverless/{clusterName}/backup`;
const F = `${G}/flexClusters/{name}/backup`;

function op(method: HttpMethod, path: string, specVersion: string, extra: Partial<OperationInfo> = {}): OperationInfo {
  return {
    method,
    path,
    version: extra.version ?? specVersion,
    specVersion,
    ...(extra.list ? { list: true as const } : {}),
  };
}

export const catalog = {
  // Dedicated cluster snapshots (replica set and sharded)
  takeSnapshots: op('POST', `${C}/snapshots`, '2023-01-01', { version: '2024-08-05' }),
  getClusterBackupSnapshot: op('GET', `${C}/snapshots/{snapshotId}`, '2023-01-01'),
  listBackupSnapshots: op('GET', `${C}/snapshots`, '2023-01-01', { list: true }),
  deleteClusterBackupSnapshot: op('DELETE', `${C}/snapshots/{snapshotId}`, '2023-01-01'),
  updateBackupSnapshot: op('PATCH', `${C}/snapshots/{snapshotId}`, '2023-01-01'),
  getBackupShardedCluster: op('GET', `${C}/snapshots/shardedCluster/{snapshotId}`, '2023-01-01'),
  listBackupShardedClusters: op('GET', `${C}/snapshots/shardedClusters`, '2023-01-01', { list: true }),
  deleteBackupShardedCluster: op('DELETE', `${C}/snapshots/shardedCluster/{snapshotId}`, '2023-01-01'),
  // Backup schedule (policy) of a dedicated cluster
  getBackupSchedule: op('GET', `${C}/schedule`, '2024-08-05'),
  updateBackupSchedule: op('PATCH', `${C}/schedule`, '2024-08-05'),
  deleteClusterBackupSchedule: op('DELETE', `${C}/schedule`, '2024-08-05'),
  // Export jobs and buckets
  createBackupExport: op('POST', `${C}/exports`, '2023-01-01', { version: '2024-08-05' }),
  getBackupExport: op('GET', `${C}/exports/{exportId}`, '2023-01-01', { version: '2025-03-12' }),
  listBackupExports: op('GET', `${C}/exports`, '2023-01-01', { list: true }),
  listExportBuckets: op('GET', `${G}/backup/exportBuckets`, '2024-05-30', { list: true }),
  getExportBucket: op('GET', `${G}/backup/exportBuckets/{exportBucketId}`, '2024-05-30'),
  createExportBucket: op('POST', `${G}/backup/exportBuckets`, '2024-05-30'),
  updateBackupExportBucket: op('PATCH', `${G}/backup/exportBuckets/{exportBucketId}`, '2024-05-30'),
  deleteExportBucket: op('DELETE', `${G}/backup/exportBuckets/{exportBucketId}`, '2023-01-01'),
  // Restore jobs (dedicated)
  createBackupRestoreJob: op('POST', `${C}/restoreJobs`, '2023-01-01', { version: '2025-03-12' }),
  getBackupRestoreJob: op('GET', `${C}/restoreJobs/{restoreJobId}`, '2023-01-01'),
  listBackupRestoreJobs: op('GET', `${C}/restoreJobs`, '2023-01-01', { list: true }),
  cancelBackupRestoreJob: op('DELETE', `${C}/restoreJobs/{restoreJobId}`, '2023-01-01'),
  // Serverless
  getServerlessBackupSnapshot: op('GET', `${S}/snapshots/{snapshotId}`, '2023-01-01', { version: '2023-02-01' }),
  listServerlessBackupSnapshots: op('GET', `${S}/snapshots`, '2023-01-01', { list: true }),
  createServerlessRestoreJob: op('POST', `${S}/restoreJobs`, '2023-01-01'),
  getServerlessRestoreJob: op('GET', `${S}/restoreJobs/{restoreJobId}`, '2023-01-01'),
  listServerlessRestoreJobs: op('GET', `${S}/restoreJobs`, '2023-01-01', { list: true }),
  // Flex
  listFlexBackupSnapshots: op('GET', `${F}/snapshots`, '2024-11-13', { list: true }),
  getFlexBackupSnapshot: op('GET', `${F}/snapshots/{snapshotId}`, '2024-11-13'),
  createFlexRestoreJob: op('POST', `${F}/restoreJobs`, '2024-11-13'),
  getFlexRestoreJob: op('GET', `${F}/restoreJobs/{restoreJobId}`, '2024-11-13'),
  listFlexRestoreJobs: op('GET', `${F}/restoreJobs`, '2024-11-13', { list: true }),
  downloadFlexBackup: op('POST', `${F}/download`, '2024-11-13'),
  // Clusters (getCluster verifies restores; update/delete let rehearsals pause or lose a cluster)
  getCluster: op('GET', `${G}/clusters/{clusterName}`, '2024-08-05'),
  updateCluster: op('PATCH', `${G}/clusters/{clusterName}`, '2024-10-23'),
  deleteCluster: op('DELETE', `${G}/clusters/{clusterName}`, '2023-02-01'),
  // Discovery for fleets: the projects the credentials see, and a project's dedicated clusters
  listProjects: op('GET', '/api/atlas/v2/groups', '2023-01-01', { list: true }),
  listClusters: op('GET', `${G}/clusters`, '2024-08-05', { list: true }),
} as const satisfies Record<string, OperationInfo>;

export type OperationId = keyof typeof catalog;
export const operationIds = Object.keys(catalog) as OperationId[];

/** API version dates Atlas publishes (NOTES.md); anything else in an Accept header is unknown. */
export const KNOWN_API_VERSIONS = [
  '2023-01-01',
  '2023-02-01',
  '2023-10-01',
  '2023-11-15',
  '2024-05-30',
  '2024-08-05',
  '2024-10-23',
  '2024-11-13',
  '2025-02-19',
  '2025-03-12',
] as const;

/** Path parameter rules (NOTES.md, "Path parameter formats"), shared with the input schemas. */
export { CLUSTER_NAME_PATTERN, ID_PATTERN } from '../contract/ids.js';
