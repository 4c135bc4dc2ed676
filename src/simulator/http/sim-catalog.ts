// The operations the simulator serves: the client's catalogue (src/atlas/catalog.ts) plus the
// data-level operations of data-and-limits.openapi.yaml the client does not call yet.
import { catalog, type OperationInfo } from '../../atlas/catalog.js';

const G = '/api/atlas/v2/groups/{groupId}/clusters/{clusterName}';
const SNAP = `${G}/backup/snapshots/{snapshotId}/databases`;
const JOBS = `${G}/collectionRestoreJobs`;
const V = '2025-03-12';
const get = (path: string, list = false): OperationInfo => ({
  method: 'GET',
  path,
  version: V,
  specVersion: V,
  ...(list ? { list: true as const } : {}),
});

export const dataCatalog = {
  listBackupSnapshotDatabases: get(SNAP, true),
  getBackupSnapshotDatabase: get(`${SNAP}/{databaseName}`),
  listSnapshotDatabaseCollections: get(`${SNAP}/{databaseName}/collections`, true),
  getSnapshotDatabaseCollection: get(`${SNAP}/{databaseName}/collections/{collectionName}`),
  listCollectionRestoreJobs: get(JOBS, true),
  createCollectionRestoreJob: { method: 'POST', path: JOBS, version: V, specVersion: V },
  getCollectionRestoreJob: get(`${JOBS}/{jobId}`),
  listRestoreJobCollections: get(`${JOBS}/{jobId}/collections`, true),
  getRestoreJobCollection: get(`${JOBS}/{jobId}/collections/{sourceNamespace}`),
} as const satisfies Record<string, OperationInfo>;

export const simCatalog: Record<SimOperationId, OperationInfo> = { ...catalog, ...dataCatalog };
export type SimOperationId = keyof typeof catalog | keyof typeof dataCatalog;
export const simOperationIds = Object.keys(simCatalog) as SimOperationId[];
