// Atlas's Admin API endpoint sets and their published default token buckets (api-rate-limit page,
// default-limits table of 2026-04-10). Each request costs one token from the bucket of its set ×
// scope; a bucket refills `refillRate` tokens every `refillDurationSeconds`, up to `capacity`.
import { simCatalog, simOperationIds, type SimOperationId } from '../http/sim-catalog.js';

export type RateLimitScope = 'GROUP' | 'ORGANIZATION' | 'USER' | 'IP';

export interface BucketLimits {
  capacity: number;
  refillRate: number;
  refillDurationSeconds: number;
}

export interface EndpointSet extends BucketLimits {
  endpointSetId: string;
  endpointSetName: string;
  scope: RateLimitScope;
  /** Which served operations draw from it. */
  covers: (id: SimOperationId, path: string) => boolean;
  /** Endpoints Atlas lists for the set that the simulator does not serve. */
  unserved?: { method: string; path: string }[];
}

const under =
  (...parts: string[]) =>
  (_: SimOperationId, path: string) =>
    parts.some((p) => path.includes(p));
const G = '/api/atlas/v2/groups/{groupId}';

export const ENDPOINT_SETS: EndpointSet[] = [
  {
    endpointSetId: 'cloudBackups_group',
    endpointSetName: 'Cloud Backups',
    scope: 'GROUP',
    capacity: 1200,
    refillRate: 500,
    refillDurationSeconds: 60,
    covers: under(
      '/clusters/{clusterName}/backup/',
      '/clusters/{clusterName}/collectionRestoreJobs',
      '/backup/',
      'backupCompliancePolicy',
    ),
  },
  {
    endpointSetId: 'clusters_group',
    endpointSetName: 'Clusters',
    scope: 'GROUP',
    capacity: 10000,
    refillRate: 5000,
    refillDurationSeconds: 60,
    covers: (_, path) => path === `${G}/clusters` || path === `${G}/clusters/{clusterName}`,
  },
  {
    endpointSetId: 'clusters_user',
    endpointSetName: 'Clusters',
    scope: 'USER',
    capacity: 300,
    refillRate: 100,
    refillDurationSeconds: 60,
    covers: () => false,
    unserved: [{ method: 'GET', path: '/api/atlas/v2/clusters' }],
  },
  {
    endpointSetId: 'flexClusters_group',
    endpointSetName: 'Flex Clusters',
    scope: 'GROUP',
    capacity: 1200,
    refillRate: 500,
    refillDurationSeconds: 60,
    covers: (_, path) => path === `${G}/flexClusters` || path === `${G}/flexClusters/{name}`,
  },
  {
    endpointSetId: 'flexSnapshots_group',
    endpointSetName: 'Flex Snapshots',
    scope: 'GROUP',
    capacity: 1200,
    refillRate: 500,
    refillDurationSeconds: 60,
    covers: under('/flexClusters/{name}/backup/snapshots'),
  },
  {
    endpointSetId: 'flexRestoreJobs_group',
    endpointSetName: 'Flex Restore Jobs',
    scope: 'GROUP',
    capacity: 1200,
    refillRate: 500,
    refillDurationSeconds: 60,
    covers: under('/flexClusters/{name}/backup/restoreJobs', '/flexClusters/{name}/backup/download'),
  },
  {
    endpointSetId: 'databaseUsers_group',
    endpointSetName: 'Database Users',
    scope: 'GROUP',
    capacity: 10000,
    refillRate: 5000,
    refillDurationSeconds: 60,
    covers: under('/databaseUsers'),
  },
  {
    endpointSetId: 'projects_user',
    endpointSetName: 'Projects',
    scope: 'USER',
    capacity: 1200,
    refillRate: 500,
    refillDurationSeconds: 60,
    covers: (_, path) => path === '/api/atlas/v2/groups',
    unserved: [{ method: 'POST', path: '/api/atlas/v2/groups' }],
  },
  {
    endpointSetId: 'rateLimitsInspection_user',
    endpointSetName: 'Rate Limits Inspection',
    scope: 'USER',
    capacity: 300,
    refillRate: 100,
    refillDurationSeconds: 60,
    covers: under('/api/atlas/v2/rateLimits'),
  },
  {
    endpointSetId: 'organizationSettings_organization',
    endpointSetName: 'Organization Settings',
    scope: 'ORGANIZATION',
    capacity: 10,
    refillRate: 5,
    refillDurationSeconds: 60,
    covers: () => false,
    unserved: [
      { method: 'GET', path: '/api/atlas/v2/orgs/{orgId}/settings' },
      { method: 'PATCH', path: '/api/atlas/v2/orgs/{orgId}/settings' },
    ],
  },
];

/** The set an operation draws from (serverless endpoints belong to none, as Atlas lists none). */
export const SET_OF: Partial<Record<SimOperationId, EndpointSet>> = Object.fromEntries(
  simOperationIds.flatMap((id) => {
    if (simCatalog[id].path.includes('/serverless/')) return [];
    // Flex backup paths contain '/backup/' too: the most specific (first non-backup) set wins.
    const sets = ENDPOINT_SETS.filter((s) => s.covers(id, simCatalog[id].path));
    const set = sets.find((s) => s.endpointSetId !== 'cloudBackups_group') ?? sets[0];
    return set ? [[id, set]] : [];
  }),
);

/** The endpoints of a set, as listRateLimits shows them. */
export function endpointsOf(set: EndpointSet): { method: string; path: string }[] {
  const served = simOperationIds
    .filter((id) => SET_OF[id] === set)
    .map((id) => ({ method: simCatalog[id].method, path: simCatalog[id].path }));
  return [...served, ...(set.unserved ?? [])];
}
