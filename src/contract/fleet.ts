// What a fleet run exposes: its `status` query, its final report (one line per cluster), the ids of
// its children, and the discovery activities' inputs and outputs. Pure data; safe in the sandbox.
import { defineQuery } from '@temporalio/workflow';
import type { FleetFilter, FleetTarget } from './fleet-inputs.js';
import { backupRunWorkflowId } from './workflow-ids.js';

/** How one cluster of a fleet ended. `already-running`: another backup of it was in flight, none started. */
export type FleetClusterOutcome = 'completed' | 'failed' | 'cancelled' | 'already-running' | 'not-started';

export interface FleetClusterReport {
  groupId: string;
  clusterName: string;
  outcome: FleetClusterOutcome;
  /** The child backupPipeline (or, for already-running, the run that was already backing it up). */
  workflowId?: string;
  snapshotId?: string;
  exportJobId?: string;
  durationSeconds?: number;
  /** The child's failure, shortened to 300 characters. */
  error?: string;
}

/**
 * Reports a large fleet stopped listing to stay under Temporal's payload limit (workflows/fleet-reports.ts),
 * counted by outcome; each cluster's own backupPipeline run (search attribute FleetId) keeps its details.
 */
export interface FoldedReports {
  count: number;
  byOutcome: Partial<Record<FleetClusterOutcome, number>>;
}

export type FleetCounts = Record<FleetClusterOutcome | 'queued' | 'running', number>;

export interface FleetStatus {
  fleetId: string;
  phase: 'discovering' | 'running' | 'completed' | 'cancelled';
  /** 1 for the first run, +1 per continue-as-new. */
  run: number;
  total: number;
  counts: FleetCounts;
  /** The failures so far (every failed cluster's report, but for those folded: `folded`). */
  failures: FleetClusterReport[];
  folded?: FoldedReports;
  /** Children running now. */
  running: { groupId: string; clusterName: string; workflowId: string }[];
  /** The most children that ran at once in this run, overall (bounded by concurrency.max). */
  peakRunning: number;
  discovery?: FleetDiscovery['summary'];
}

/** The fleet's result; also what a fleet-summary notification carries. */
export interface FleetResult {
  fleetId: string;
  outcome: 'completed' | 'completed-with-failures' | 'cancelled';
  counts: FleetCounts;
  /** One report per cluster; past about 4,000 (fewer with a long explicit list) some are only counted, in `folded`. */
  clusters: FleetClusterReport[];
  folded?: FoldedReports;
  runs: number;
  startedAt: string;
  endedAt: string;
  discovery?: FleetDiscovery['summary'];
}

export const fleetStatusQuery = defineQuery<FleetStatus>('status');

/** A fleet child's id: the cluster's usual pipeline id (backup-<cluster>-<groupId>-<UTC time>). */
export const fleetChildWorkflowId = (t: FleetTarget, at: Date) => backupRunWorkflowId(t.groupId, t.clusterName, at);

export interface DiscoverClustersInput {
  /** Projects to look in; absent: every project the credentials see. */
  projects?: string[];
  filter: FleetFilter;
}

export interface FleetDiscovery {
  clusters: FleetTarget[];
  summary: {
    projects: number;
    /** Dedicated clusters listed before filtering. */
    listed: number;
    /** Left out by filter.namePattern / clusterTypes / tags. */
    filteredOut: number;
    /** Listed with a type fleets do not back up (anything but REPLICASET, SHARDED, GEOSHARDED). */
    unsupported: number;
  };
  requests: number;
}

export interface FindRunningBackupsInput {
  clusters: FleetTarget[];
}

export interface RunningBackup extends FleetTarget {
  workflowId: string;
}

/**
 * A child still running when its fleet run continued as new: the next run keeps its slot and
 * learns its ending through awaitFleetRuns, so a batch boundary never waits for the slowest backup.
 */
export interface CarriedRun extends FleetTarget {
  workflowId: string;
  runId: string;
  /** When the child started (ms since epoch): its report's duration counts from it. */
  startedAtMs: number;
}

export interface AwaitFleetRunsInput {
  /** The fleet (its children carry it as FleetId): one visibility query finds which runs ended. */
  fleetId?: string;
  runs: CarriedRun[];
  /** Read the runs again this often while none has ended (seconds). */
  pollSeconds: number;
  /** Return empty-handed after this long, so each attempt stays short (seconds). */
  maxWaitSeconds: number;
}

/** How a carried child ended: its report, less the target (the workflow joins it back). */
export interface FleetRunEnding {
  workflowId: string;
  report: Omit<FleetClusterReport, keyof FleetTarget>;
}
