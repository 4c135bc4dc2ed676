// Start options of the simulator, its per-resource durations and fault configuration.
import { randomBytes } from 'node:crypto';
import type { ClusterKind, CloudProvider } from './model/types.js';
import type { ServerLimits } from './http/intake.js';
import type { RateLimitOptions } from './http/token-buckets.js';
import type { CompliancePolicySeed } from './model/compliance.js';
import type { S3Endpoint } from './data/s3-server.js';

/** Lifecycle durations in ms, before `timeScale` is applied. */
export interface Durations {
  snapshotQueued: number;
  snapshotInProgress: number;
  exportQueued: number;
  exportPerCollection: number;
  exportTotalCollections: number; // a count, not scaled
  restoreAutomated: number;
  restoreDownload: number;
  restorePointInTime: number;
  restoreDownloadTtl: number;
  serverlessSnapshot: number;
  serverlessRestore: number;
  flexPending: number;
  flexQueued: number;
  flexRunning: number;
  flexDownloadTtl: number;
  /** createCluster: CREATING for this long, then IDLE. */
  clusterCreate: number;
}

/** Defaults feel like a fast rehearsal: a few seconds per job. */
export const DEFAULT_DURATIONS: Durations = {
  snapshotQueued: 500,
  snapshotInProgress: 2_000,
  exportQueued: 500,
  exportPerCollection: 300,
  exportTotalCollections: 10,
  restoreAutomated: 3_000,
  restoreDownload: 2_000,
  restorePointInTime: 4_000,
  restoreDownloadTtl: 3_600_000,
  serverlessSnapshot: 1_500,
  serverlessRestore: 2_500,
  flexPending: 300,
  flexQueued: 500,
  flexRunning: 1_500,
  flexDownloadTtl: 3_600_000,
  clusterCreate: 5_000,
};

export type FaultKind =
  | 500
  | 502
  | 503
  | 409
  | 429
  | 401
  | 403
  | 'reset'
  | 'truncate'
  | 'dropResponse'
  | 'commitThenStatus'
  | 'commitThenStall'
  | 'stallThenCommit'
  | 'slowBody';

export interface FaultRule {
  /** Probability (0..1) per outcome; checked in this order, at most one fires per request. */
  status500?: number;
  status502?: number;
  status503?: number;
  status409?: number;
  status429?: number;
  /** Auth failures of one operation: 401 UNAUTHORIZED (with a digest challenge), 403 IP_ADDRESS_NOT_ON_ACCESS_LIST. */
  status401?: number;
  status403?: number;
  reset?: number; // destroy the socket before any response
  truncate?: number; // send half the body, then destroy the socket
  dropResponse?: number; // run the operation (the create commits), then reset the socket
  commitThenStatus?: number; // run the operation (it commits), then answer commitStatus instead of its result
  commitStatus?: 500 | 502 | 503; // default 500
  commitThenStall?: number; // run the operation, then hold the response for stallMs (past a client's timeout)
  stallThenCommit?: number; // hold the request for stallMs, then run it (it commits after the client gave up)
  stallMs?: number; // default 120000 (commitThenStall and stallThenCommit)
  slowBody?: number; // send the real response, its body spread over slowBodyMs
  slowBodyMs?: number; // default 5000
  latencyMs?: number; // added before handling
  jitterMs?: number; // uniform 0..jitterMs on top
  spikeProbability?: number; // chance of a latency spike on top of latency and jitter
  spikeMs?: number; // a spike's length, default 5000
  retryAfterSeconds?: number; // for 429/503 (injected or commit-then), default 1
  /** Probability of echoing the request's headers back (secret-leak tests): in an
   * `x-simulator-echoed-headers` response header and, on errors, in `detail`. Independent of the outcome above. */
  echoHeaders?: number;
}

export interface FaultConfig {
  /** Seed for the PRNG so a run's faults repeat exactly. */
  seed?: number;
  /** Per operationId, or '*' for all Atlas operations (oauthToken included under its name). */
  operations?: Record<string, FaultRule>;
  /** Per project: at most N Atlas requests per minute, then 429 RATE_LIMITED. */
  projectRateLimitPerMinute?: number | Record<string, number>;
  /** The project limit's sliding window, seconds (default 60); benches shorten it to scale time. */
  projectRateLimitWindowSeconds?: number;
  /** Faults in the data jobs move and in the clusters' wire endpoints. */
  data?: DataFaults;
}

/**
 * Data faults: jobs that report success while their data is wrong, and a slow wire endpoint.
 * `exportMissingFile` needs a data directory; the others need `data` on (FerretDB).
 */
export interface DataFaults {
  /** Probability (0..1) that an export finishes Successful, `.complete` and all, without one collection's data file. */
  exportMissingFile?: number;
  /** Snapshots of the cluster (any cluster without clusterName) silently leave out `db.collection`. */
  snapshotLosesCollection?: { clusterName?: string; namespace: string };
  /** Automated and point-in-time restores into the cluster finish with `db.collection` missing or emptied. */
  restoreLosesCollection?: { clusterName?: string; namespace: string; mode: 'missing' | 'empty' };
  /** Automated, point-in-time and collection restores into the cluster finish without that index of `db.collection`. */
  restoreLosesIndex?: { clusterName?: string; namespace: string; index: string };
  /** Added to every chunk of driver traffic through the clusters' endpoints, both ways, ms. */
  slowDataPlaneMs?: number;
}

/** Per cluster name: database → collection → number of documents to seed. */
export type SeedData = Record<string, Record<string, Record<string, number>>>;

export interface DataOptions {
  /** Where clusters' SQLite files and captured snapshots live; default `dataDir`, else a fresh temporary folder. */
  dir?: string;
  /** The FerretDB binary; default the one scripts/ferretdb.ts installs into .tools/. */
  ferretdbPath?: string;
  /**
   * Clusters require SCRAM authentication: the Admin API's database users are created on the
   * clusters they may reach, and dropped when deleted or expired. Default false (no credentials).
   */
  auth?: boolean;
}

export interface SeedCluster {
  name: string;
  kind: ClusterKind;
  shards?: number;
  /** The MongoDB version the cluster runs (default 8.0.4): restores refuse older targets. */
  mongoDBVersion?: string;
  paused?: boolean;
  /** Completed scheduled snapshots to start with (a day apart, newest `snapshotAgeHours` old). */
  snapshots?: number;
  /** Age of the newest seeded scheduled snapshot, in hours (default 24). */
  snapshotAgeHours?: number;
  /** A completed on-demand snapshot someone took by hand, this many hours ago. */
  onDemandSnapshotAgeHours?: number;
  tags?: { key: string; value: string }[];
  /** Cluster settings (Atlas's defaults: backup on, PIT on). */
  backupEnabled?: boolean;
  pitEnabled?: boolean;
  /** Regions the cluster's backup policy copies snapshots to (copySettings). */
  copyRegions?: string[];
}
export interface SeedSpec {
  projects: {
    id?: string;
    name?: string;
    clusters?: SeedCluster[];
    buckets?: { id?: string; bucketName?: string; cloudProvider?: CloudProvider; iamRoleId?: string }[];
    /** A Backup Compliance Policy for the project (none when absent). */
    backupCompliancePolicy?: CompliancePolicySeed;
  }[];
  /** Documents to seed into clusters (by name, any project) when the data plane is on. */
  data?: SeedData;
}

export interface AuthOptions {
  enabled?: boolean;
  /** `roles` (Atlas role names, e.g. GROUP_BACKUP_MANAGER): only what they grant is allowed; absent, everything. */
  serviceAccounts?: { clientId: string; clientSecret: string; roles?: string[] }[];
  apiKeys?: { publicKey: string; privateKey: string; roles?: string[] }[];
  tokenTtlSeconds?: number;
  digestNonceTtlMs?: number;
  tokenRateLimitPerMinute?: number;
}

export interface SimulatorOptions {
  host?: string;
  port?: number;
  /** Body size, connection and header-time limits (see http/intake.ts for defaults). */
  limits?: Partial<ServerLimits>;
  auth?: AuthOptions;
  timeScale?: number;
  durations?: Partial<Durations>;
  /**
   * Per cluster name (in any project): durations that replace `durations` for the jobs of that
   * cluster (its snapshots, exports and restores), so one simulator can hold a mix of job lengths,
   * e.g. exports of 1 to 60 minutes side by side (bench/export-mix.ts). Scaled by `timeScale` too.
   */
  clusterDurations?: Record<string, Partial<Durations>>;
  faults?: FaultConfig;
  /**
   * Atlas's token buckets per endpoint set × scope (on by default, with Atlas's published
   * capacities; refill periods scale with timeScale). `faults.projectRateLimitPerMinute`, when set,
   * replaces them for the projects it names.
   */
  rateLimits?: RateLimitOptions;
  /**
   * Serve the serverless backup endpoints (sunset 2026-01-22) as before; by default they answer
   * 410 VERSION_GONE as Atlas does for a sunset resource version.
   */
  serverlessLegacy?: boolean;
  stateFile?: string;
  seed?: SeedSpec;
  /**
   * Where snapshots' captured data lives (`<dataDir>/snapshots/<snapshotId>/`). Alone (without
   * `data`) it is captures-only: no FerretDB, the captures are written by someone else. With `data`
   * on it is the data plane's directory. Whenever a data directory is known, exports of a snapshot
   * that has data write real files to an S3 API and download restores serve real archives.
   */
  dataDir?: string;
  /** The S3 API exports go to; by default moto's server, started on 127.0.0.1 when a data directory is known. */
  s3?: S3Endpoint;
  logRequests?: boolean;
  /**
   * Real data: each dedicated cluster gets a MongoDB wire endpoint (FerretDB), snapshots capture
   * into the data directory (`data.dir`, else `dataDir`, else a temporary folder) and jobs move data.
   */
  data?: boolean | DataOptions;
}

/** Credentials used when none are configured: printed by the CLI, used by tests and the demo. */
// Secrets are made up when the process starts (and printed by `atlas-backup simulator`), so no
// credential-looking value is ever committed; configure fixed ones with auth.serviceAccounts/apiKeys.
export const DEFAULT_SERVICE_ACCOUNT = {
  clientId: 'mdb_sa_id_simulator',
  clientSecret: `mdb_sa_sk_${randomBytes(12).toString('hex')}`,
};
export const DEFAULT_API_KEY = { publicKey: 'simpubkey', privateKey: randomBytes(12).toString('hex') };
