// createCluster: a dedicated cluster that is CREATING for `clusterCreate` (scaled) on the
// simulator's clock, then IDLE. No hardware is modelled: region and instance sizes are accepted
// and not kept.
import type { CreateClusterRequest } from './requests-2026.js';
import { SimError, validationError } from './errors.js';
import type { Model } from './model.js';
import type { Cluster, CloudProvider } from './types.js';

/** createCluster allows up to 25 deployments per project (NOTES (f)). */
export const MAX_DEPLOYMENTS_PER_PROJECT = 25;

export function createCluster(m: Model, groupId: string, b: CreateClusterRequest): Cluster {
  m.project(groupId);
  if (m.findCluster(groupId, b.name))
    throw new SimError(400, 'DUPLICATE_CLUSTER_NAME', `A cluster named ${b.name} already exists in group ${groupId}.`, [
      b.name,
      groupId,
    ]);
  const count = Object.values(m.state.clusters).filter((c) => c.groupId === groupId).length;
  if (count >= MAX_DEPLOYMENTS_PER_PROJECT)
    throw new SimError(
      400,
      'CLUSTER_LIMIT_EXCEEDED',
      `Group ${groupId} already has ${MAX_DEPLOYMENTS_PER_PROJECT} deployments, the most a project can have.`,
      [groupId, MAX_DEPLOYMENTS_PER_PROJECT],
    );
  const providers = (b.replicationSpecs ?? []).flatMap((s) => (s.regionConfigs ?? []).map((r) => r.providerName));
  if (providers.some((p) => p === 'TENANT' || p === 'FLEX'))
    throw validationError(
      'replicationSpecs.regionConfigs.providerName',
      'shared-tier and Flex clusters are created through the Flex API since January 2026',
    );
  const provider = providers.find((p): p is CloudProvider => p === 'AWS' || p === 'AZURE' || p === 'GCP');
  const sharded = b.clusterType === 'SHARDED' || b.clusterType === 'GEOSHARDED';
  const c = m.addCluster(groupId, b.name, sharded ? 'sharded' : 'replicaSet', {
    shards: sharded ? Math.max(1, b.replicationSpecs?.length ?? 2) : 1,
    provider: provider ?? 'AWS',
    ...(b.tags ? { tags: b.tags } : {}),
  });
  c.readyAt = c.createdAt + m.duration('clusterCreate', b.name);
  if (b.backupEnabled !== undefined) c.backupEnabled = b.backupEnabled;
  if (b.pitEnabled !== undefined) c.pitEnabled = b.pitEnabled;
  if (b.terminationProtectionEnabled !== undefined) c.terminationProtectionEnabled = b.terminationProtectionEnabled;
  if (b.paused) c.paused = true;
  m.changed();
  return c;
}
