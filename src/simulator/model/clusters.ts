// updateCluster and deleteCluster for dedicated clusters: what a rehearsal needs (pause, resume,
// backup flags, termination protection, losing a cluster), not cluster provisioning.
import type { UpdateClusterRequest } from '../../atlas/schemas.js';
import { SimError, validationError } from './errors.js';
import type { Model } from './model.js';
import { clusterKey, type Cluster } from './types.js';

const SETTABLE = ['paused', 'backupEnabled', 'pitEnabled', 'terminationProtectionEnabled'] as const;

export function updateCluster(m: Model, groupId: string, name: string, b: UpdateClusterRequest): Cluster {
  const c = m.dedicatedCluster(groupId, name);
  if (b.name !== undefined && b.name !== name) throw validationError('name', 'a cluster cannot be renamed');
  const changes = Object.keys(b).filter((k) => k !== 'name' && k !== 'paused');
  // Atlas refuses other changes to a paused cluster unless the same request resumes it.
  if (c.paused && b.paused !== false && changes.length > 0) {
    throw new SimError(
      409,
      'CANNOT_UPDATE_PAUSED_CLUSTER',
      `Cluster ${name} is paused; resume it before changing it.`,
      [name],
    );
  }
  for (const k of SETTABLE) if (b[k] !== undefined) c[k] = b[k];
  m.changed();
  return c;
}

export function deleteCluster(m: Model, groupId: string, name: string, retainBackups: string | null): void {
  if (retainBackups !== null && retainBackups !== 'true' && retainBackups !== 'false') {
    throw new SimError(
      400,
      'INVALID_QUERY_PARAMETER',
      'Invalid query parameter retainBackups: must be true or false.',
      ['retainBackups'],
    );
  }
  const c = m.dedicatedCluster(groupId, name);
  if (c.terminationProtectionEnabled) {
    throw new SimError(
      400,
      'CANNOT_TERMINATE_CLUSTER_WHEN_TERMINATION_PROTECTION_ENABLED',
      `Cluster ${name} has termination protection enabled.`,
      [name],
    );
  }
  delete m.state.clusters[clusterKey(groupId, name)];
  delete m.state.schedules[clusterKey(groupId, name)];
  if (retainBackups !== 'true') {
    for (const s of Object.values(m.state.snapshots))
      if (s.groupId === groupId && s.clusterName === name) s.deleted = true;
  }
  m.changed();
}
