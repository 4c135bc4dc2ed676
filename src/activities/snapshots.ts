// Snapshot activities: take an on-demand snapshot (tagged with the run, adopted on retry) and wait
// for it with retry-as-poll.
import { Context } from '@temporalio/activity';
import type { AtlasClient } from '../atlas/index.js';
import { tagFor } from '../contract/index.js';
import type {
  AwaitedResource,
  AwaitSnapshotInput,
  ClusterRef,
  TakeSnapshotInput,
  TakenSnapshot,
} from '../contract/index.js';
import { AttemptCalls, runOf } from './calls.js';
import { createOrAdopt, objectIdTimeMs, pollOnce, shapeOf } from './core.js';
import { learnedDurationMs } from '../runs/learned-durations.js';

/** The snapshots whose description carries the run's tag. */
async function ourSnapshots(calls: AttemptCalls, sharded: boolean, path: ClusterRef, tag: string) {
  const all = sharded
    ? await calls.all('listBackupShardedClusters', path)
    : await calls.all('listBackupSnapshots', path);
  return all.filter((s: { description?: string }) => !!s.description?.includes(tag));
}

export function snapshotActivities(client: AtlasClient) {
  return {
    /**
     * The cluster's type picks the replica-set or sharded endpoints: given by the pipeline's
     * pre-flight, else (runs from before it) read here on every attempt (a missing cluster fails
     * fast with CLUSTER_NOT_FOUND). UNFINISHED_ON_DEMAND_SNAPSHOT is retryable: Temporal waits out
     * the earlier on-demand snapshot, then this takes ours.
     */
    async takeSnapshot(input: TakeSnapshotInput): Promise<TakenSnapshot> {
      const { groupId, clusterName } = input;
      const calls = new AttemptCalls(client, { groupId, clusterName });
      const sharded =
        input.sharded ??
        ((await calls.call('getCluster', { path: { groupId, clusterName } })).clusterType ?? 'REPLICASET') !==
          'REPLICASET';
      const tag = tagFor(runOf(Context.current()));
      const path = { groupId, clusterName };
      const { resource: _, ...created } = await createOrAdopt(
        calls,
        {
          label: 'snapshot',
          ours: () => ourSnapshots(calls, sharded, path, tag),
          create: () =>
            calls.call('takeSnapshots', {
              path,
              body: {
                description: input.description ? `${input.description} ${tag}` : tag,
                retentionInDays: input.retentionInDays,
              },
            }),
          id: (s) => s.id,
          state: (s) => s.status,
          createdAt: (s) => (s.createdAt ? Date.parse(s.createdAt) : objectIdTimeMs(s.id)),
          discard: async (s) => {
            const snap = { ...path, snapshotId: s.id };
            if (sharded) await calls.call('deleteBackupShardedCluster', { path: snap });
            else await calls.call('deleteClusterBackupSnapshot', { path: snap });
            return 'deleted it';
          },
        },
        client.commitHorizonMs,
      );
      return { ...created, sharded };
    },

    async awaitSnapshot(input: AwaitSnapshotInput): Promise<AwaitedResource> {
      const { groupId, clusterName, snapshotId } = input;
      const calls = new AttemptCalls(client, { groupId, clusterName });
      const path = { groupId, clusterName, snapshotId };
      const learned = () => learnedDurationMs(Context.current().client, groupId, clusterName, 'awaitSnapshot');
      return pollOnce('snapshot', snapshotId, `snapshot ${snapshotId}`, shapeOf(input, learned), async () => {
        const snap = input.sharded
          ? await calls.call('getBackupShardedCluster', { path })
          : await calls.call('getClusterBackupSnapshot', { path });
        const state = snap.status ?? 'unknown';
        if (state === 'completed')
          return {
            state,
            done: {
              facts: {
                createdAt: snap.createdAt,
                expiresAt: snap.expiresAt,
                storageSizeBytes: snap.storageSizeBytes,
                type: snap.type,
              },
            },
          };
        if (state !== 'failed') return { state };
        const message =
          `Snapshot ${snapshotId} of cluster '${clusterName}' in project ${groupId} failed in Atlas. ` +
          "Check the cluster's backup page in Atlas, then start a new run.";
        return { state, terminal: { type: 'SnapshotFailed', message } };
      });
    },
  };
}
