// Disaster recovery's target check: the cluster it restores into exists and can receive a restore,
// and a point in time is one Atlas can restore, checked before anyone is asked to approve. The
// pipeline's pre-flight rules, with DR's field names. A target busy with another restore is not
// refused: DR waits that out.
import { Context } from '@temporalio/activity';
import type { AtlasClient } from '../atlas/index.js';
import type { CheckDrTargetInput, CheckedDrTarget } from '../contract/index.js';
import { AttemptCalls } from './calls.js';
import { checkPointInTime, clusterField, PreflightReads, read, readTarget, refusePaused } from './preflight.js';
import type { RestoreFieldNames } from './preflight.js';
import { SharedReads } from './shared-reads.js';

const DR_FIELDS: RestoreFieldNames = {
  targetGroupId: 'target.groupId',
  targetClusterName: 'target.clusterName',
  pointInTimeUTCSeconds: 'what.pointInTimeUTCSeconds',
  oplogTs: 'what.oplogTs',
  deliveryType: 'deliveryType',
  sourceCluster: 'source.clusterName',
  snapshotInstead: 'restore a snapshot (--latest or --snapshot-id)',
  before: 'before any approval was asked or restore started',
};

export function drTargetActivities(client: AtlasClient, shared = new SharedReads()) {
  return {
    async checkDrTarget(input: CheckDrTargetInput): Promise<CheckedDrTarget> {
      const { source, restore } = input;
      const { targetGroupId, targetClusterName } = restore;
      const calls = new AttemptCalls(client, { groupId: source.groupId, clusterName: source.clusterName });
      const reads = new PreflightReads(client, shared, calls);
      const checked: string[] = [];
      if (targetGroupId && targetClusterName) {
        // A flex or serverless source may restore into a flex cluster; a dedicated one may not.
        const otherKinds = source.kind !== 'dedicated';
        const target = await readTarget(reads, targetGroupId, targetClusterName, DR_FIELDS, otherKinds);
        refusePaused(target, targetGroupId, targetClusterName, DR_FIELDS);
        checked.push(`target '${targetClusterName}' in project ${targetGroupId}`);
      }
      if (restore.deliveryType === 'pointInTime') {
        const { groupId, clusterName } = source;
        const cluster = await read(
          () => reads.cluster(groupId, clusterName),
          clusterField('source.groupId', 'source.clusterName'),
          DR_FIELDS.before,
        );
        checked.push(await checkPointInTime(calls, { groupId, clusterName, restore }, cluster, DR_FIELDS));
      }
      return { checked, requests: calls.requests, attempts: Context.current().info.attempt };
    },
  };
}
