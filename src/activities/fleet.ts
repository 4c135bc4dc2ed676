// Fleet activities: discover the clusters of projects (Atlas listProjects / listClusters, filtered),
// and find the clusters that already have a backup in flight (the one-backup-per-cluster rule's
// check in src/runs, through the activity's own Temporal client).
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Client, WorkflowExecutionDescription, WorkflowHandle } from '@temporalio/client';
import { closedRunOutcome, fleetChildrenQuery, runningBackupsAmong } from '../runs/index.js';
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
  type AwaitFleetRunsInput,
  type CarriedRun,
  type FleetRunEnding,
  type PipelineResult,
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
     * Waits for any of a fleet's carried children (still running when the fleet continued as new) to
     * end, reading each run's description every pollSeconds and heartbeating between reads; returns
     * how the ended ones ended, or nothing after maxWaitSeconds (the workflow asks again).
     */
    async awaitFleetRuns(input: AwaitFleetRunsInput): Promise<FleetRunEnding[]> {
      const ctx = Context.current();
      const until = Date.now() + input.maxWaitSeconds * 1000;
      for (;;) {
        const ended = await endedRuns(ctx.client, input);
        const endings = await Promise.all(
          ended.map(async (run) => {
            const handle = ctx.client.workflow.getHandle(run.workflowId, run.runId);
            const d = await handle.describe();
            return d.status.name === 'RUNNING'
              ? undefined
              : { workflowId: run.workflowId, report: await endingOf(handle, d, run) };
          }),
        ).then((all) => all.filter((e): e is FleetRunEnding => e !== undefined));
        if (endings.length > 0 || Date.now() >= until) return endings;
        ctx.heartbeat();
        await ctx.sleep(input.pollSeconds * 1000);
      }
    },
  };
}

/**
 * The carried runs that have ended: one visibility query over the fleet's closed children (started
 * no earlier than the oldest carried one), instead of describing every run on every poll; each hit is
 * confirmed by its description. Without a fleet id (inputs from before it), every run is a candidate.
 */
async function endedRuns(client: Client, input: AwaitFleetRunsInput): Promise<CarriedRun[]> {
  if (!input.fleetId) return input.runs;
  const wanted = new Map(input.runs.map((r) => [`${r.workflowId}/${r.runId}`, r]));
  const since = new Date(Math.min(...input.runs.map((r) => r.startedAtMs)) - 60_000);
  const query = fleetChildrenQuery(input.fleetId, { closedStartedSince: since });
  const ended: CarriedRun[] = [];
  for await (const wf of client.workflow.list({ query, pageSize: 1000 })) {
    const run = wanted.get(`${wf.workflowId}/${wf.runId}`);
    if (run) ended.push(run);
  }
  return ended;
}

/** A closed child's report, as the fleet would have made it had the child stayed its own child. */
async function endingOf(
  handle: WorkflowHandle,
  d: WorkflowExecutionDescription,
  run: CarriedRun,
): Promise<FleetRunEnding['report']> {
  const closedAt = d.closeTime?.getTime() ?? Date.now();
  const base = { workflowId: run.workflowId, durationSeconds: Math.round((closedAt - run.startedAtMs) / 100) / 10 };
  const { result, failure, failureType } = await closedRunOutcome(handle, d);
  const r = result as PipelineResult | undefined;
  const ids = {
    ...(r?.snapshot?.id ? { snapshotId: r.snapshot.id } : {}),
    ...(r?.export?.id ? { exportJobId: r.export.id } : {}),
  };
  if (d.status.name === 'COMPLETED')
    return { ...base, ...ids, outcome: r?.outcome === 'completed' ? 'completed' : 'failed' };
  const outcome = d.status.name === 'CANCELLED' || failureType === 'Cancelled' ? 'cancelled' : 'failed';
  const error = failure ?? `the run ended ${d.status.name.toLowerCase()}`;
  return { ...base, ...ids, outcome, error: error.length > 300 ? `${error.slice(0, 297)}...` : error };
}
