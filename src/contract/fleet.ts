// What a fleet run exposes: its `status` query, its final report (one line per cluster), the ids of
// its children, the signal they report their endings by, and the discovery activities' inputs and
// outputs. Pure data; safe in the sandbox.
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { FleetFilter, FleetTarget } from './fleet-inputs.js';
import type { PipelineResult } from './results.js';
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

/** A child the fleet started and has not heard from yet; carried over continue-as-new, keeping its slot. */
export interface FleetChild extends FleetTarget {
  workflowId: string;
  /** When the fleet started it (ms since epoch, workflow time). */
  startedAtMs: number;
}

/** How a fleet's child ended: its report, less the target (the fleet joins it back by workflow id). */
export interface FleetChildEnding {
  workflowId: string;
  report: Omit<FleetClusterReport, keyof FleetTarget>;
}

/**
 * Each child signals its ending to its fleet's workflow id (no run id), which reaches the fleet's
 * current run whatever continue-as-new happened since the child started.
 */
export const fleetChildEndedSignal = defineSignal<[FleetChildEnding]>('fleetChildEnded');

/** The fallback for children that never signal (terminated, timed out): which of these have closed. */
export interface EndedFleetChildrenInput {
  children: FleetChild[];
}

/** Failure messages in a report are cut to this many characters. */
const REPORT_ERROR_MAX = 300;

/** A cluster's report from how its backupPipeline ended: the one place a report is made. */
export function fleetChildReport(
  workflowId: string,
  ended: {
    outcome: 'completed' | 'failed' | 'cancelled';
    result?: PipelineResult;
    durationSeconds: number;
    error?: string;
  },
): FleetChildEnding['report'] {
  const { result: r, error } = ended;
  return {
    outcome: ended.outcome,
    workflowId,
    ...(r?.snapshot?.id ? { snapshotId: r.snapshot.id } : {}),
    ...(r?.export?.id ? { exportJobId: r.export.id } : {}),
    durationSeconds: Math.round(ended.durationSeconds * 10) / 10,
    ...(error !== undefined
      ? { error: error.length > REPORT_ERROR_MAX ? `${error.slice(0, REPORT_ERROR_MAX - 3)}...` : error }
      : {}),
  };
}
