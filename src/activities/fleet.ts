// Fleet activities: discover the clusters of projects (Atlas listProjects / listClusters, filtered),
// find the clusters that already have a backup in flight (the one-backup-per-cluster rule's check in
// src/runs, through the activity's own Temporal client), and
// tell which of a fleet's children have closed without reporting (terminated or timed out).
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { closedRunOutcome, runningBackupsAmong } from '../runs/index.js';
import type { AtlasClient, Cluster } from '../atlas/index.js';
import {
  FLEET_CLUSTER_TYPES,
  globToRegExp,
  MAX_FLEET_CLUSTERS,
  type DiscoverClustersInput,
  type FindRunningBackupsInput,
  type FleetDiscovery,
  type FleetFilter,
  type FleetTarget,
  type RunningBackup,
  type EndedFleetChildrenInput,
  type FleetChildEnding,
  type PipelineResult,
  fleetChildReport,
} from '../contract/index.js';
import { AttemptCalls } from './calls.js';

/** At most 500 pages of 100 projects or clusters per list (Atlas's own pagination). */
const MAX_PAGES = 500;

function matches(c: Cluster, filter: FleetFilter, name: RegExp | undefined): boolean {
  if (name && !name.test(c.name)) return false;
  if (filter.clusterTypes && !filter.clusterTypes.includes(c.clusterType as (typeof FLEET_CLUSTER_TYPES)[number]))
    return false;
  const tags = (c.tags ?? []) as { key: string; value: string }[];
  return (filter.tags ?? []).every((want) => tags.some((t) => t.key === want.key && t.value === want.value));
}

/** Discovery found more clusters than one fleet carries: nothing was started. */
function fleetTooLarge(found: number, summary: FleetDiscovery['summary']): ApplicationFailure {
  return ApplicationFailure.create({
    type: 'FleetTooLarge',
    nonRetryable: true,
    message:
      `discovery found ${found} clusters; a fleet backs up at most ${MAX_FLEET_CLUSTERS} (its input and state ` +
      'are Temporal payloads of at most 2 MB), so none was started: narrow it (targets.projects, ' +
      'filter.namePattern, filter.tags) or run one fleet per group of projects',
    details: [summary],
  });
}

export function fleetActivities(client: AtlasClient) {
  return {
    /** Lists each project's dedicated clusters and keeps those the filter accepts. */
    async discoverClusters(input: DiscoverClustersInput): Promise<FleetDiscovery> {
      const calls = new AttemptCalls(client, { groupId: input.projects?.[0] ?? 'all projects' });
      const projects = input.projects ?? (await calls.all('listProjects', {}, MAX_PAGES)).map((p) => p.id);
      const name = input.filter.namePattern ? globToRegExp(input.filter.namePattern) : undefined;
      const clusters: FleetTarget[] = [];
      const summary = { projects: projects.length, listed: 0, filteredOut: 0, unsupported: 0 };
      for (const groupId of projects) {
        const scoped = new AttemptCalls(client, { groupId });
        for (const c of await scoped.all('listClusters', { groupId }, MAX_PAGES)) {
          summary.listed++;
          if (!FLEET_CLUSTER_TYPES.includes((c.clusterType ?? 'REPLICASET') as (typeof FLEET_CLUSTER_TYPES)[number]))
            summary.unsupported++;
          else if (!matches(c, input.filter, name)) summary.filteredOut++;
          else clusters.push({ groupId, clusterName: c.name });
        }
        calls.requests += scoped.requests;
      }
      // Checked here, before a list that large becomes the activity's result payload.
      if (clusters.length > MAX_FLEET_CLUSTERS) throw fleetTooLarge(clusters.length, summary);
      return { clusters, summary, requests: calls.requests };
    },

    /**
     * The given clusters that a Running backupPipeline is backing up now: the one-backup-per-cluster
     * rule's own check (src/runs), through the activity's Temporal client.
     */
    async findRunningBackups(input: FindRunningBackupsInput): Promise<RunningBackup[]> {
      return runningBackupsAmong(Context.current().client, input.clusters);
    },

    /**
     * The given children that have closed, each with its report as the child would have sent it:
     * for children that never signal their fleet (terminated, timed out). One describe per child.
     */
    async endedFleetChildren(input: EndedFleetChildrenInput): Promise<FleetChildEnding[]> {
      const temporal = Context.current().client;
      const endings: FleetChildEnding[] = [];
      for (const child of input.children) {
        const handle = temporal.workflow.getHandle(child.workflowId);
        const d = await handle.describe().catch(() => undefined);
        if (!d || d.status.name === 'RUNNING') continue;
        const { result, failure, failureType } = await closedRunOutcome(handle, d);
        const r = result as PipelineResult | undefined;
        const closedAt = d.closeTime?.getTime() ?? Date.now();
        const durationSeconds = Math.max(0, closedAt - child.startedAtMs) / 1000;
        const cancelled = d.status.name === 'CANCELLED' || failureType === 'Cancelled';
        const outcome =
          d.status.name === 'COMPLETED' && r?.outcome === 'completed'
            ? 'completed'
            : cancelled
              ? 'cancelled'
              : 'failed';
        const error = outcome === 'completed' ? undefined : (failure ?? `the run ended ${d.status.name.toLowerCase()}`);
        endings.push({
          workflowId: child.workflowId,
          report: fleetChildReport(child.workflowId, { outcome, result: r, durationSeconds, error }),
        });
      }
      return endings;
    },
  };
}
