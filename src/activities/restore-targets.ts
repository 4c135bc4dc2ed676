// Which clusters Atlas can restore a dedicated cluster's snapshot into, judged from two cluster
// reads before any job exists. Atlas's documented limits: a sharded cluster's snapshot cannot go
// into a replica set, and a sharded target needs the source's number of shards; the target must run
// the source's MongoDB version or a newer one; M0 free clusters (and the shared tiers Atlas retired
// into flex) are not restore targets. A replica set's snapshot into a sharded cluster is not among
// the documented refusals, so it is let through.
import type { Cluster } from '../atlas/index.js';

export interface TargetRefusal {
  /** The input field to change. */
  field: string;
  why: string;
}

const SHARDED = new Set(['SHARDED', 'GEOSHARDED']);
const SHARED_TIERS = new Set(['M0', 'M2', 'M5']);

/** Numeric parts of a version, `8.0.4` → [8, 0, 4]; undefined when it is not one. */
function versionOf(v: string | undefined): number[] | undefined {
  const m = v ? /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(v) : null;
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}

/** Compares two versions by release (major.minor): below zero when `a` is older. */
function releaseOrder(a: number[], b: number[]): number {
  return a[0]! - b[0]! || a[1]! - b[1]!;
}

interface RegionConfig {
  providerName?: string;
  electableSpecs?: { instanceSize?: string };
}

/** The instance size of a cluster's first region, when the cluster read says (`M0`, `M10`, …). */
function tierOf(c: Cluster): string | undefined {
  const specs = (c.replicationSpecs ?? []) as { regionConfigs?: RegionConfig[] }[];
  const region = specs[0]?.regionConfigs?.[0];
  if (region?.providerName === 'TENANT' || region?.providerName === 'FLEX')
    return region.electableSpecs?.instanceSize ?? region.providerName;
  return region?.electableSpecs?.instanceSize;
}

/** Shards of a sharded cluster (one replication spec per shard in the current API), when known. */
const shardsOf = (c: Cluster) => (c.replicationSpecs?.length ? c.replicationSpecs.length : undefined);

const label = (c: Cluster) => `'${c.name}'`;

/** Why Atlas would refuse to restore `source`'s snapshot into `target`, or undefined. */
export function refuseTarget(
  source: Cluster,
  target: Cluster,
  field = 'restore.targetClusterName',
): TargetRefusal | undefined {
  const sourceType = source.clusterType ?? 'REPLICASET';
  const targetType = target.clusterType ?? 'REPLICASET';
  if (SHARDED.has(sourceType) && !SHARDED.has(targetType))
    return {
      field,
      why:
        `${label(target)} is a replica set and the source ${label(source)} is a sharded cluster: Atlas cannot ` +
        'restore a sharded cluster snapshot to a replica set. Name a sharded target with the same number of shards.',
    };
  const [from, to] = [shardsOf(source), shardsOf(target)];
  if (SHARDED.has(sourceType) && from !== undefined && to !== undefined && from !== to)
    return {
      field,
      why:
        `${label(target)} has ${to} shards and the source ${label(source)} has ${from}: Atlas restores a ` +
        'sharded snapshot only into a cluster with the same number of shards.',
    };
  const tier = tierOf(target);
  if (tier && (SHARED_TIERS.has(tier) || tier === 'TENANT' || tier === 'FLEX'))
    return {
      field,
      why:
        `${label(target)} is a ${tier} cluster: Atlas restores a dedicated cluster's snapshot only into a ` +
        'dedicated (M10 or larger) cluster. Name a dedicated target.',
    };
  const [sv, tv] = [versionOf(source.mongoDBVersion), versionOf(target.mongoDBVersion)];
  if (sv && tv && releaseOrder(tv, sv) < 0)
    return {
      field,
      why:
        `${label(target)} runs MongoDB ${target.mongoDBVersion}, older than the source ${label(source)} ` +
        `(${source.mongoDBVersion}): Atlas restores only into the same MongoDB release or a newer one. Upgrade the ` +
        `target to ${sv[0]}.${sv[1]} or later, or name another target.`,
    };
  return undefined;
}
