// What the verification and pre-flight tests restore: a pipeline that restores its snapshot into a
// cluster of its own project (overwrite consent given), and the clusters the target checks judge.
import type { BackupPipelineRequest } from '../../src/contract/index.js';
import { FAST } from './temporal.js';

type Restore = NonNullable<BackupPipelineRequest['restore']>;

/** A pipeline of `source` restoring automated into `target` of the same project, consent by `test`. */
export function restoreIntoRequest(
  groupId: string,
  source: string,
  target: string,
  restore: Partial<Restore> = {},
): BackupPipelineRequest {
  return {
    ...FAST,
    groupId,
    clusterName: source,
    restore: {
      deliveryType: 'automated',
      targetGroupId: groupId,
      targetClusterName: target,
      overwrite: target,
      consentBy: 'test',
      ...restore,
    },
  };
}

/** A project with a replica set, a replica-set target, a 2-shard cluster and an older release. */
export function restoreTargetsSeed(groupId: string) {
  return {
    projects: [
      {
        id: groupId,
        clusters: [
          { name: 'rs', kind: 'replicaSet' as const },
          { name: 'rs-target', kind: 'replicaSet' as const },
          { name: 'sharded', kind: 'sharded' as const, shards: 2 },
          { name: 'older', kind: 'replicaSet' as const, mongoDBVersion: '7.0.12' },
        ],
      },
    ],
  };
}
