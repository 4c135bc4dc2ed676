// Deleting one snapshot, exactly-once tolerant: a 404 after a delete (ours that Atlas answered but we
// never heard, or someone else's) means the snapshot is gone, which is what was asked.
import { AtlasApiError, type AtlasClient } from '../atlas/index.js';
import type { DeletedSnapshot, DeleteSnapshotInput } from '../contract/index.js';

const NOT_GONE = new Set(['CLUSTER_NOT_FOUND', 'GROUP_NOT_FOUND']);

export async function deleteSnapshotOnce(atlas: AtlasClient, input: DeleteSnapshotInput): Promise<DeletedSnapshot> {
  const path = { groupId: input.groupId, clusterName: input.clusterName, snapshotId: input.snapshotId };
  try {
    if (input.sharded) await atlas.request('deleteBackupShardedCluster', { path });
    else await atlas.request('deleteClusterBackupSnapshot', { path });
    return 'deleted';
  } catch (err) {
    // A missing cluster or project is not a deleted snapshot: that one is the caller's mistake.
    const gone = err instanceof AtlasApiError && err.httpStatus === 404 && !NOT_GONE.has(err.errorCode);
    if (gone) return 'already gone';
    throw err;
  }
}
