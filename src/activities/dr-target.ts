// Disaster recovery's target check: the cluster it restores into exists and can receive a restore,
// and a point in time is one Atlas can restore, checked before anyone is asked to approve. The
// pipeline's pre-flight rules (a paused target, one Atlas cannot restore this source into), with DR's
// field names. A target busy with another restore is not refused: DR waits that out.
import { Context } from '@temporalio/activity';
import type { AtlasClient, Cluster } from '../atlas/index.js';
import type { CheckDrTargetInput, CheckedDrTarget } from '../contract/index.js';
import { AttemptCalls } from './calls.js';
import {
  checkPointInTime,
  clusterField,
  PreflightReads,
  preflightFailure,
  read,
  readTarget,
  refusePaused,
} from './preflight.js';
import type { RestoreFieldNames } from './preflight.js';
import { refuseTarget } from './restore-targets.js';
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
      const { groupId, clusterName } = source;
      // Read once, and only when a rule needs it: the source is one of the project's listed clusters.
      let sourceCluster: Promise<Cluster> | undefined;
      const readSource = () =>
        (sourceCluster ??= read(
          () => reads.cluster(groupId, clusterName),
          clusterField('source.groupId', 'source.clusterName'),
          DR_FIELDS.before,
        ));
      if (targetGroupId && targetClusterName) {
        // A flex or serverless source may restore into a flex cluster; a dedicated one may not.
        const otherKinds = source.kind !== 'dedicated';
        const target = await readTarget(reads, targetGroupId, targetClusterName, DR_FIELDS, otherKinds);
        refusePaused(target, targetGroupId, targetClusterName, DR_FIELDS);
        const self = targetGroupId === groupId && targetClusterName === clusterName;
        if (target && !self && source.kind === 'dedicated') {
          const refusal = refuseTarget(await readSource(), target, DR_FIELDS.targetClusterName);
          if (refusal) throw preflightFailure(refusal.field, refusal.why, undefined, DR_FIELDS.before);
        }
        checked.push(`target '${targetClusterName}' in project ${targetGroupId}`);
      }
      if (restore.deliveryType === 'pointInTime')
        checked.push(await checkPointInTime(calls, { groupId, clusterName, restore }, await readSource(), DR_FIELDS));
      return { checked, requests: calls.requests, attempts: Context.current().info.attempt };
    },
  };
}
