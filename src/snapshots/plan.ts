// What `snapshots prune` would do for one cluster: the project's Backup Compliance Policy first (under
// one, or when it cannot be read, nothing is pruned and the plan says why), then the cluster's
// snapshots judged by the rule in the contract, minus whatever a job or run in progress uses.
import type { Client } from '@temporalio/client';
import { AtlasApiError, type AtlasClient } from '../atlas/index.js';
import type { PolicyRead } from '../activities/compliance.js';
import { decidePrune, type ClusterPrunePlan, type InUse, type PlanPruneInput } from '../contract/index.js';
import { snapshotsUsedByAtlasJobs, snapshotsUsedByRuns, taggedRun } from './in-use.js';

/** The policy as read: 404 is "none", 403 (reading it needs Project Owner) is "cannot tell". */
export async function readCompliancePolicy(atlas: AtlasClient, groupId: string): Promise<PolicyRead> {
  try {
    return { kind: 'policy', policy: await atlas.request('getCompliancePolicy', { path: { groupId } }) };
  } catch (err) {
    if (err instanceof AtlasApiError && err.httpStatus === 404) return { kind: 'none' };
    if (err instanceof AtlasApiError && err.httpStatus === 403) return { kind: 'forbidden', errorCode: err.errorCode };
    throw err;
  }
}

/** Why nothing of the project may be pruned, or undefined when pruning may go on. */
export function policyRefusal(read: PolicyRead, groupId: string): string | undefined {
  if (read.kind === 'none') return undefined;
  if (read.kind === 'forbidden') {
    const code = read.errorCode ? ` ${read.errorCode}` : '';
    return (
      `cannot read the Backup Compliance Policy of project ${groupId} (HTTP 403${code}; it needs the Project ` +
      'Owner role), so nothing was pruned: under a policy no snapshot may be deleted before it expires. ' +
      'Grant Project Owner to these credentials, or prune from the Atlas UI'
    );
  }
  const item = read.policy.onDemandPolicyItem;
  const min = item ? `, on-demand minimum ${item.retentionValue} ${item.retentionUnit}` : '';
  return (
    `project ${groupId} has a Backup Compliance Policy (${read.policy.state ?? 'ACTIVE'}${min}): no snapshot may be ` +
    'deleted before it expires, so nothing was pruned; Atlas deletes each one when its retention ends'
  );
}

export interface PlanDeps {
  atlas: AtlasClient;
  /** For our running runs; without it only Atlas's jobs in progress protect a snapshot. */
  temporal?: Client;
  now?: () => number;
}

/** The cluster's snapshots (replica set or sharded endpoints, by its type). */
async function snapshotsOf(atlas: AtlasClient, path: { groupId: string; clusterName: string }) {
  const cluster = await atlas.request('getCluster', { path });
  const sharded = (cluster.clusterType ?? 'REPLICASET') !== 'REPLICASET';
  const list = [];
  if (sharded) for await (const s of atlas.paginate('listBackupShardedClusters', { path })) list.push(s);
  else for await (const s of atlas.paginate('listBackupSnapshots', { path })) list.push(s);
  return { sharded, list };
}

export async function planClusterPrune(deps: PlanDeps, input: PlanPruneInput): Promise<ClusterPrunePlan> {
  const { groupId, clusterName } = input;
  const path = { groupId, clusterName };
  const refused = policyRefusal(await readCompliancePolicy(deps.atlas, groupId), groupId);
  const { sharded, list } = await snapshotsOf(deps.atlas, path);
  const base = { groupId, clusterName, sharded };
  if (refused) return { ...base, refused, decisions: [] };
  const inUse: InUse = await snapshotsUsedByAtlasJobs(deps.atlas, path);
  if (deps.temporal) {
    const runs = await snapshotsUsedByRuns(deps.temporal, groupId, clusterName);
    if (runs.unsure.length > 0)
      return {
        ...base,
        refused:
          `running run ${runs.unsure.join(', ')} of cluster '${clusterName}' could not say which snapshot it uses ` +
          '(no worker answered its status query), so nothing of this cluster was pruned; start a worker or try later',
        decisions: [],
      };
    for (const [id, who] of runs.inUse) inUse.set(id, who);
    for (const s of list) {
      const run = taggedRun(s.description, runs.running);
      if (run && !inUse.has(s.id)) inUse.set(s.id, `running run ${run}, which took it`);
    }
  }
  return { ...base, decisions: decidePrune(list, input.rules, inUse, (deps.now ?? Date.now)()) };
}
