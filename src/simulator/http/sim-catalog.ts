// The operations the simulator serves: the client's catalogue (src/atlas) plus the 2026 operations
// of data-and-limits.openapi.yaml that only the simulator knows. The client's catalogue stays the
// list of calls the product makes; this one only widens what the simulator answers.
import { catalog, type OperationInfo } from '../../atlas/catalog.js';

const G = '/api/atlas/v2/groups/{groupId}';
const C = `${G}/clusters/{clusterName}`;
const SNAP = `${C}/backup/snapshots/{snapshotId}/databases`;
const JOBS = `${C}/collectionRestoreJobs`;
const DATA_VERSION = '2025-03-12';

const op = (method: OperationInfo['method'], path: string, version: string, list = false): OperationInfo => ({
  method,
  path,
  version,
  specVersion: version,
  ...(list ? { list: true as const } : {}),
});
const dataGet = (path: string, list = false): OperationInfo => op('GET', path, DATA_VERSION, list);

/** Served by the simulator only (versions from data-and-limits.openapi.yaml). */
export const simOnlyCatalog = {
  createCluster: op('POST', `${G}/clusters`, '2024-10-23'),
  getDatabaseUser: op('GET', `${G}/databaseUsers/{databaseName}/{username}`, '2023-01-01'),
  listFlexClusters: op('GET', `${G}/flexClusters`, '2024-11-13', true),
  getFlexCluster: op('GET', `${G}/flexClusters/{name}`, '2024-11-13'),
  getRateLimit: op('GET', '/api/atlas/v2/rateLimits/{endpointSetId}', '2025-03-12'),
} as const satisfies Record<string, OperationInfo>;

/** Snapshot browsing and collection restore jobs, answered from the data plane. */
export const dataCatalog = {
  getBackupSnapshotDatabase: dataGet(`${SNAP}/{databaseName}`),
  getSnapshotDatabaseCollection: dataGet(`${SNAP}/{databaseName}/collections/{collectionName}`),
  listCollectionRestoreJobs: dataGet(JOBS, true),
  createCollectionRestoreJob: op('POST', JOBS, DATA_VERSION),
  getCollectionRestoreJob: dataGet(`${JOBS}/{jobId}`),
  listRestoreJobCollections: dataGet(`${JOBS}/{jobId}/collections`, true),
  getRestoreJobCollection: dataGet(`${JOBS}/{jobId}/collections/{sourceNamespace}`),
} as const satisfies Record<string, OperationInfo>;

export const simCatalog = { ...catalog, ...simOnlyCatalog, ...dataCatalog } as const;
export type SimOperationId = keyof typeof simCatalog;
export const simOperationIds = Object.keys(simCatalog) as SimOperationId[];

/**
 * The spec's names for operations the client's catalogue calls differently (the same path and
 * method): the fuzz and the rate-limit listing speak the spec's names.
 */
export const SPEC_NAMES: Partial<Record<SimOperationId, string>> = { listProjects: 'listGroups' };

/** The serverless backup operations, sunset on 2026-01-22 (data-and-limits NOTES (f)). */
export const SERVERLESS_OPS = new Set<SimOperationId>(
  simOperationIds.filter((id) => simCatalog[id].path.includes('/serverless/')),
);
