// Prune activities: plan one cluster's prune (its reads in one attempt, judged by the contract's
// rule) and delete one snapshot. The pruneSnapshots workflow decides which to call and when.
import { Context } from '@temporalio/activity';
import type { AtlasClient } from '../atlas/index.js';
import type { PruneActivities } from '../contract/index.js';
import { deleteSnapshotOnce, planClusterPrune } from '../snapshots/index.js';
import { toActivityFailure } from './failures.js';

export function pruneActivities(atlas: AtlasClient): PruneActivities {
  return {
    async planSnapshotPrune(input) {
      const ctx = { operation: 'planSnapshotPrune', groupId: input.groupId, clusterName: input.clusterName };
      return planClusterPrune({ atlas, temporal: Context.current().client }, input).catch((err: unknown) => {
        throw toActivityFailure(err, ctx);
      });
    },
    async deleteSnapshot(input) {
      const ctx = { operation: 'deleteSnapshot', groupId: input.groupId, clusterName: input.clusterName };
      return deleteSnapshotOnce(atlas, input).catch((err: unknown) => {
        throw toActivityFailure(err, ctx);
      });
    },
  };
}
