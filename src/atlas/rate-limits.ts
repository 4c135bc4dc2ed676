// Atlas's rate-limit endpoint sets as the client sees them: which set's token bucket each
// operation draws on (by its path, as Atlas's default-limits table groups endpoints), and the
// shape of listRateLimits' items (data-and-limits.openapi.yaml).
import { z } from 'zod';
import type { EndpointSetId } from '../contract/pacing.js';

const G = '/api/atlas/v2/groups/{groupId}';
const FLEX = `${G}/flexClusters/{name}`;

/**
 * The endpoint set of a path template; undefined where Atlas lists none (the sunset serverless
 * endpoints). Backup paths not in Atlas's table (snapshot browsing) count as Cloud Backups.
 */
export function endpointSetOfPath(path: string): EndpointSetId | undefined {
  if (path === '/api/atlas/v2/groups') return 'projects_user';
  if (path.startsWith('/api/atlas/v2/rateLimits')) return 'rateLimitsInspection_user';
  if (path.includes('/serverless/')) return undefined;
  if (path.startsWith(`${FLEX}/backup/snapshots`)) return 'flexSnapshots_group';
  if (path.startsWith(`${FLEX}/backup/`)) return 'flexRestoreJobs_group';
  if (path.startsWith(`${G}/flexClusters`)) return 'flexClusters_group';
  if (path.startsWith(`${G}/databaseUsers`)) return 'databaseUsers_group';
  if (path === `${G}/clusters` || path === `${G}/clusters/{clusterName}`) return 'clusters_group';
  return 'cloudBackups_group';
}

/** `{value, defaultValue}`: defaultValue only when an override applies. */
const LimitValue = z.looseObject({ value: z.number().int().positive(), defaultValue: z.number().int().optional() });

/** One endpoint set × scope as listRateLimits answers it. */
export const RateLimitSet = z.looseObject({
  endpointSetId: z.string(),
  endpointSetName: z.string().optional(),
  scope: z.string().optional(),
  endpoints: z.array(z.looseObject({ method: z.string(), path: z.string() })).optional(),
  capacity: LimitValue,
  refillRate: LimitValue,
  refillDurationSeconds: LimitValue,
});
export type RateLimitSet = z.infer<typeof RateLimitSet>;
