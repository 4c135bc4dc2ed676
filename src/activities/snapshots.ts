// Snapshot activities: look up the cluster, take an on-demand snapshot (idempotently), and wait
// for it with retry-as-poll.
import { Context } from '@temporalio/activity';
import type { AtlasClient } from '../atlas/index.js';
import { AttemptCalls, runOf } from './atlas-calls.js';
import { notFinished, terminalFailure } from './failures.js';
import { backoffDelayMs } from './polling.js';
import { tagFor, type AwaitedResource, type AwaitSnapshotInput, type PollDetails, type TakeSnapshotInput, type TakenSnapshot } from './types.js';


export function snapshotActivities(client: AtlasClient) {
  return {
    /**
     * Takes an on-demand snapshot tagged with the workflow id. It first reads the cluster (a missing
     * cluster fails fast with CLUSTER_NOT_FOUND; the type picks the replica-set or sharded endpoints),
     * then looks for a snapshot an earlier attempt already created (dropped response, worker crash)
     * and adopts it, so one step never makes two snapshots. UNFINISHED_ON_DEMAND_SNAPSHOT is
     * retryable: Temporal waits out the earlier on-demand snapshot, then this takes ours.
     */
    async takeSnapshot(input: TakeSnapshotInput): Promise<TakenSnapshot> {
      const { groupId, clusterName } = input;
      const calls = new AttemptCalls(client, { groupId, clusterName });
      const attempts = Context.current().info.attempt;
      const cluster = await calls.call('getCluster', { path: { groupId, clusterName } });
      const sharded = (cluster.clusterType ?? 'REPLICASET') !== 'REPLICASET';
      const tag = tagFor(runOf(Context.current()));
      const listOp = sharded ? 'listBackupShardedClusters' : 'listBackupSnapshots';
      // The tag names this run, so only a retry can find a snapshot of ours: attempt 1 skips the lookup.
      const existing = attempts > 1 ? await calls.find(listOp, { groupId, clusterName }, (s: { description?: string }) => !!s.description?.includes(tag)) : undefined;
      if (existing) return { id: existing.id, state: existing.status, adopted: true, sharded, requests: calls.requests, attempts };
      const description = input.description ? `${input.description} ${tag}` : tag;
      const created = await calls.call('takeSnapshots', {
        path: { groupId, clusterName },
        body: { description, retentionInDays: input.retentionInDays },
      });
      return { id: created.id, state: created.status, adopted: false, sharded, requests: calls.requests, attempts };
    },

    /** One status check per attempt; "not finished" is a benign failure whose retry is the next poll. */
    async awaitSnapshot(input: AwaitSnapshotInput): Promise<AwaitedResource> {
      const { groupId, clusterName, snapshotId } = input;
      const attempt = Context.current().info.attempt;
      const calls = new AttemptCalls(client, { groupId, clusterName });
      const path = { groupId, clusterName, snapshotId };
      const snap = input.sharded ? await calls.call('getBackupShardedCluster', { path }) : await calls.call('getClusterBackupSnapshot', { path });
      const state = snap.status ?? 'unknown';
      if (state === 'completed') {
        return { state, attempts: attempt, facts: { createdAt: snap.createdAt, expiresAt: snap.expiresAt, storageSizeBytes: snap.storageSizeBytes, type: snap.type } };
      }
      if (state === 'failed') {
        throw terminalFailure(
          'SnapshotFailed',
          `Snapshot ${snapshotId} of cluster '${clusterName}' in project ${groupId} failed in Atlas. Check the cluster's backup page in Atlas, then start a new run.`,
          { resource: 'snapshot', id: snapshotId, state },
        );
      }
      const nextPollMs = backoffDelayMs(attempt, input.polling);
      const details: PollDetails = { resource: 'snapshot', id: snapshotId, state, nextPollMs };
      throw notFinished(`snapshot ${snapshotId} is ${state}`, nextPollMs, { ...details });
    },
  };
}
