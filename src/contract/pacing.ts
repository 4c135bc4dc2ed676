// Atlas's rate-limit endpoint sets as pacing sees them: each Atlas request draws on the token bucket
// of its endpoint set × scope (a project for GROUP sets, the caller for USER sets). Every Atlas
// activity carries a fairness key naming the project and the endpoint set its requests draw on, so
// the Temporal server can pace each bucket apart (src/client/bucket-pace.ts sets the rates).
// Workflows compute the keys, hence here: plain, deterministic data and functions.
import type { Sinks } from '@temporalio/workflow';

export type RateLimitScope = 'GROUP' | 'USER';

export interface BucketLimits {
  capacity: number;
  refillRate: number;
  refillDurationSeconds: number;
}

/** Atlas's published default buckets (capacity, refill per period) of the sets our requests use. */
export const ENDPOINT_SETS = {
  cloudBackups_group: { scope: 'GROUP', short: '', capacity: 1200, refillRate: 500, refillDurationSeconds: 60 },
  clusters_group: { scope: 'GROUP', short: 'clusters', capacity: 10000, refillRate: 5000, refillDurationSeconds: 60 },
  flexClusters_group: { scope: 'GROUP', short: 'flex', capacity: 1200, refillRate: 500, refillDurationSeconds: 60 },
  flexSnapshots_group: {
    scope: 'GROUP',
    short: 'flexsnap',
    capacity: 1200,
    refillRate: 500,
    refillDurationSeconds: 60,
  },
  flexRestoreJobs_group: {
    scope: 'GROUP',
    short: 'flexrestore',
    capacity: 1200,
    refillRate: 500,
    refillDurationSeconds: 60,
  },
  databaseUsers_group: {
    scope: 'GROUP',
    short: 'dbusers',
    capacity: 10000,
    refillRate: 5000,
    refillDurationSeconds: 60,
  },
  projects_user: { scope: 'USER', short: 'projects', capacity: 1200, refillRate: 500, refillDurationSeconds: 60 },
  rateLimitsInspection_user: {
    scope: 'USER',
    short: 'ratelimits',
    capacity: 300,
    refillRate: 100,
    refillDurationSeconds: 60,
  },
} as const satisfies Record<string, BucketLimits & { scope: RateLimitScope; short: string }>;

export type EndpointSetId = keyof typeof ENDPOINT_SETS;
export const endpointSetIds = Object.keys(ENDPOINT_SETS) as EndpointSetId[];

/** The set an activity's requests mostly draw on, where it is not Cloud Backups. */
const ACTIVITY_ENDPOINT_SETS: Readonly<Record<string, EndpointSetId>> = {
  describeDrSource: 'clusters_group',
  verifyTargetIdle: 'clusters_group',
};

/**
 * The endpoint set an activity is paced by. An activity whose requests span sets (the pre-flight
 * reads its cluster beside backup reads) is paced by the scarcer one, Cloud Backups.
 */
export function endpointSetOfActivity(activityType: string): EndpointSetId {
  return ACTIVITY_ENDPOINT_SETS[activityType] ?? 'cloudBackups_group';
}

/** cyrb53 of a string, in hex: stable across processes and runs. */
function hash53(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(16);
}

/**
 * The fairness key of a project's requests to one endpoint set: `p-` and a 53-bit hash of the
 * groupId (keys are plain task metadata, out of the payload codec's reach, so no project id shows),
 * then `.` and the set's short name; Cloud Backups, the set most steps use, has none. A USER-scoped
 * set is the caller's, not the project's: `u.` and the set's short name, one key per deployment's
 * credentials.
 */
export function fairnessKeyOf(groupId: string, set: EndpointSetId = 'cloudBackups_group'): string {
  const { scope, short } = ENDPOINT_SETS[set];
  if (scope === 'USER') return `u.${short}`;
  return short ? `p-${hash53(groupId)}.${short}` : `p-${hash53(groupId)}`;
}

/**
 * What a workflow tells its worker about pacing, outside its history: `project` names an Atlas project
 * whose paced activities the workflow is about to schedule. The worker learns that project's buckets
 * and sets its keys' weights before it completes the workflow task, so the server never hands out the
 * project's first tasks at the default rate (src/worker-pace.ts).
 */
export interface PacingSinks extends Sinks {
  atlasPacing: { project(groupId: string): void };
}
