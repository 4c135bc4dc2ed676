// Disaster-recovery activities: pick the snapshot to restore (a given one, or the newest completed
// one by listing), confirm a point-in-time source exists, and verify the target is back to IDLE.
// Restore create/wait live in restores.ts (dedicated), serverless.ts and flex.ts.
import { Context } from '@temporalio/activity';
import { AtlasApiError, type AtlasClient, type ItemOf, type ListOperationId, type PathParamsOf, type RequestArgs } from '../atlas/index.js';
import { AttemptCalls } from './atlas-calls.js';
import type { DescribeSourceInput, DrSourceRef, FoundRestore, SelectedSnapshot, SelectSnapshotInput, SourceDescription, StartDrRestoreInput, VerifiedTarget, VerifyTargetInput } from './dr-types.js';
import { notFinished, terminalFailure, toActivityFailure } from './failures.js';
import { flexActivities, isSameFlexRestore } from './flex.js';
import { backoffDelayMs } from './polling.js';
import { isSameRestore, restoreJobBody, restoreJobState } from './restores.js';
import { serverlessActivities, serverlessRestoreBody } from './serverless.js';
import type { PollDetails } from './types.js';

/** A snapshot reduced to what selection needs, whatever the source kind. */
interface Candidate {
  id: string;
  completed: boolean;
  status: string;
  timestamp?: string;
  snapshotType?: string;
}

const MAX_PAGES = 20;

/** Every item of a list operation, bounded to MAX_PAGES pages of 100. */
async function listAll<K extends ListOperationId>(calls: AttemptCalls, operation: K, path: PathParamsOf<K>): Promise<ItemOf<K>[]> {
  const itemsPerPage = 100;
  const all: ItemOf<K>[] = [];
  for (let pageNum = 1; pageNum <= MAX_PAGES; pageNum++) {
    const page = (await calls.call(operation, { path, query: { pageNum, itemsPerPage } } as RequestArgs<K>)) as { results?: ItemOf<K>[] };
    const results = page.results ?? [];
    all.push(...results);
    if (results.length < itemsPerPage) break;
  }
  return all;
}

/** Dedicated snapshots: replica-set and sharded clusters have separate endpoints. */
async function dedicatedCandidates(calls: AttemptCalls, src: DrSourceRef, sharded: boolean, snapshotId?: string): Promise<Candidate[]> {
  const { groupId, clusterName } = src;
  const toCandidate = (s: { id: string; status: string; createdAt?: string; snapshotType?: string }): Candidate => ({
    id: s.id, completed: s.status === 'completed', status: s.status, timestamp: s.createdAt, snapshotType: s.snapshotType,
  });
  if (snapshotId) {
    const path = { groupId, clusterName, snapshotId };
    return [toCandidate(sharded ? await calls.call('getBackupShardedCluster', { path }) : await calls.call('getClusterBackupSnapshot', { path }))];
  }
  const list = sharded ? await listAll(calls, 'listBackupShardedClusters', { groupId, clusterName }) : await listAll(calls, 'listBackupSnapshots', { groupId, clusterName });
  return list.map(toCandidate);
}

async function serverlessCandidates(calls: AttemptCalls, src: DrSourceRef, snapshotId?: string): Promise<Candidate[]> {
  const { groupId, clusterName } = src;
  const toCandidate = (s: { id: string; status: string; createdAt?: string; snapshotType?: string }): Candidate => ({
    id: s.id, completed: s.status === 'completed', status: s.status, timestamp: s.createdAt, snapshotType: s.snapshotType,
  });
  if (snapshotId) return [toCandidate(await calls.call('getServerlessBackupSnapshot', { path: { groupId, clusterName, snapshotId } }))];
  return (await listAll(calls, 'listServerlessBackupSnapshots', { groupId, clusterName })).map(toCandidate);
}

async function flexCandidates(calls: AttemptCalls, src: DrSourceRef, snapshotId?: string): Promise<Candidate[]> {
  const { groupId, clusterName: name } = src;
  const toCandidate = (s: { id: string; status: string; finishTime?: string; startTime?: string; scheduledTime?: string }): Candidate => ({
    id: s.id, completed: s.status === 'COMPLETED', status: s.status, timestamp: s.finishTime ?? s.startTime ?? s.scheduledTime,
  });
  if (snapshotId) return [toCandidate(await calls.call('getFlexBackupSnapshot', { path: { groupId, name, snapshotId } }))];
  return (await listAll(calls, 'listFlexBackupSnapshots', { groupId, name })).map(toCandidate);
}

/** The newest completed candidate; ties and missing timestamps fall back to list order (newest first). */
export function newestCompleted(candidates: Candidate[]): Candidate | undefined {
  let best: Candidate | undefined;
  for (const c of candidates) {
    if (!c.completed) continue;
    if (!best || (c.timestamp && best.timestamp && Date.parse(c.timestamp) > Date.parse(best.timestamp))) best = c;
  }
  return best;
}

const where = (src: DrSourceRef) => `${src.kind} cluster '${src.clusterName}' in project ${src.groupId}`;

export function drActivities(client: AtlasClient) {
  return {
    ...serverlessActivities(client),
    ...flexActivities(client),

    /** Checks a given snapshot exists and is completed, or finds the newest completed one by listing. */
    async selectDrSnapshot(input: SelectSnapshotInput): Promise<SelectedSnapshot> {
      const { source, snapshotId } = input;
      const calls = new AttemptCalls(client, source);
      const attempts = Context.current().info.attempt;
      let sharded = false;
      let candidates: Candidate[];
      if (source.kind === 'dedicated') {
        const cluster = await calls.call('getCluster', { path: { groupId: source.groupId, clusterName: source.clusterName } });
        sharded = (cluster.clusterType ?? 'REPLICASET') !== 'REPLICASET';
        candidates = await dedicatedCandidates(calls, source, sharded, snapshotId);
      } else if (source.kind === 'serverless') {
        candidates = await serverlessCandidates(calls, source, snapshotId);
      } else {
        candidates = await flexCandidates(calls, source, snapshotId);
      }
      if (snapshotId) {
        const snap = candidates[0]!;
        if (!snap.completed) {
          throw terminalFailure(
            'SnapshotNotCompleted',
            `Snapshot ${snapshotId} of ${where(source)} is ${snap.status}, not completed: only a completed snapshot can be restored. Pick a completed snapshot (or what.latest), or wait for this one and run again.`,
            { resource: 'snapshot', id: snapshotId, state: snap.status },
          );
        }
        return { snapshotId, snapshotTimestamp: snap.timestamp, snapshotType: snap.snapshotType, sharded, candidates: 1, requests: calls.requests, attempts };
      }
      const best = newestCompleted(candidates);
      if (!best) {
        throw terminalFailure(
          'NoCompletedSnapshot',
          `No completed snapshot of ${where(source)} to restore (${candidates.length} listed, none completed). Take an on-demand snapshot and wait for it, or restore a point in time, then run again.`,
          { resource: 'snapshot', listed: candidates.length, states: candidates.map((c) => c.status) },
        );
      }
      const completed = candidates.filter((c) => c.completed).length;
      return { snapshotId: best.id, snapshotTimestamp: best.timestamp, snapshotType: best.snapshotType, sharded, candidates: completed, requests: calls.requests, attempts };
    },

    /** A point-in-time restore has no snapshot to check: confirm the source cluster exists instead. */
    async describeDrSource(input: DescribeSourceInput): Promise<SourceDescription> {
      const { groupId, clusterName } = input.source;
      const calls = new AttemptCalls(client, input.source);
      const c = await calls.call('getCluster', { path: { groupId, clusterName } });
      return { clusterType: c.clusterType ?? 'REPLICASET', stateName: c.stateName, requests: calls.requests, attempts: Context.current().info.attempt };
    },

    /**
     * Looks for the job a cancelled restore step may have created (same matching as adoption), so
     * a run cancelled mid-create can still cancel or report it. Never creates anything.
     */
    async findDrRestore(input: StartDrRestoreInput): Promise<FoundRestore> {
      const { source, restore, stepStartedAt } = input;
      const { groupId, clusterName } = source;
      const calls = new AttemptCalls(client, source);
      if (source.kind === 'flex') {
        const want = { snapshotId: restore.snapshotId ?? '', targetProjectId: restore.targetGroupId ?? '', targetDeploymentItemName: restore.targetClusterName ?? '' };
        const j = await calls.find('listFlexRestoreJobs', { groupId, name: clusterName }, (job) => isSameFlexRestore(job, want, stepStartedAt));
        return j ? { id: j.id, state: j.status } : {};
      }
      if (source.kind === 'serverless') {
        const body = serverlessRestoreBody(restore);
        const j = await calls.find('listServerlessRestoreJobs', { groupId, clusterName }, (job) => isSameRestore(job, body, stepStartedAt));
        return j ? { id: j.id, state: restoreJobState(j) } : {};
      }
      const { snapshotId, ...spec } = restore;
      const body = restoreJobBody(spec, snapshotId);
      const j = await calls.find('listBackupRestoreJobs', { groupId, clusterName }, (job) => isSameRestore(job, body, stepStartedAt));
      return j ? { id: j.id, state: restoreJobState(j) } : {};
    },

    /** One getCluster per attempt; anything but IDLE is "not finished yet" (retry-as-poll). */
    async verifyTargetIdle(input: VerifyTargetInput): Promise<VerifiedTarget> {
      const { groupId, clusterName, restoreJobId } = input;
      const attempt = Context.current().info.attempt;
      let stateName: string;
      try {
        const c = await client.request('getCluster', { path: { groupId, clusterName } });
        stateName = c.stateName ?? 'UNKNOWN';
      } catch (err) {
        // Flex targets have no getCluster; their restore job reaching COMPLETED is the check.
        if (err instanceof AtlasApiError && err.errorCode === 'CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API') return { stateName: 'COMPLETED', via: 'flexRestoreJob', attempts: attempt };
        throw toActivityFailure(err, { operation: 'getCluster', groupId, clusterName });
      }
      if (stateName === 'IDLE') return { stateName, via: 'getCluster', attempts: attempt };
      const nextPollMs = backoffDelayMs(attempt, input.polling);
      const details: PollDetails = { resource: 'cluster', id: clusterName, state: stateName, nextPollMs };
      throw notFinished(`target cluster '${clusterName}' in project ${groupId} is ${stateName} after restore job ${restoreJobId}`, nextPollMs, { ...details });
    },
  };
}
