// pruneSnapshots: the scheduled form of `snapshots prune`. Per cluster, one activity plans (the
// compliance policy, the snapshots, what jobs and runs in progress use), then, when the input says
// apply, one activity per snapshot deletes it. A dry run only returns the plan.
import { proxyActivities } from '@temporalio/workflow';
import {
  pruneSnapshotsInputSchema,
  type PruneActivities,
  type PruneSnapshotsInput,
  type PruneSnapshotsResult,
} from '../contract/index.js';
import { parseWorkflowInput } from './outcomes.js';

const { planSnapshotPrune, deleteSnapshot } = proxyActivities<PruneActivities>({
  startToCloseTimeout: '2 minutes',
  scheduleToCloseTimeout: '30 minutes',
  retry: { initialInterval: '5s', maximumInterval: '2 minutes', backoffCoefficient: 2 },
});

export async function pruneSnapshots(raw: PruneSnapshotsInput): Promise<PruneSnapshotsResult> {
  const input = parseWorkflowInput(pruneSnapshotsInputSchema(), raw, 'pruneSnapshots');
  const result: PruneSnapshotsResult = { apply: input.apply, clusters: [] };
  for (const clusterName of input.clusterNames) {
    const plan = await planSnapshotPrune({ groupId: input.groupId, clusterName, rules: input.rules });
    const deleted: string[] = [];
    if (input.apply && !plan.refused) {
      for (const d of plan.decisions.filter((x) => x.action === 'delete')) {
        await deleteSnapshot({ groupId: input.groupId, clusterName, snapshotId: d.snapshotId, sharded: plan.sharded });
        deleted.push(d.snapshotId);
      }
    }
    result.clusters.push({ ...plan, deleted });
  }
  return result;
}
