// Overwrite consent: a pipeline restore that overwrites a cluster (automated or point in time) names
// that cluster in `restore.overwrite`. Checked by every edge through the input schema and by the
// workflow on entry, so a start from any client is refused before any Atlas call. Pure: safe in the
// workflow sandbox.
import type { RuleProblem } from './input-rules.js';
import { DOWNLOAD_HAS_NO_TARGET } from './input-rules.js';

/** The default wait for approve/reject of a production restore (the DR default). */
export const PIPELINE_APPROVAL_TIMEOUT_SECONDS = 3600;

interface ConsentFields {
  groupId: string;
  clusterName: string;
  restore?: {
    deliveryType: string;
    targetGroupId?: string;
    targetClusterName?: string;
    overwrite?: string;
    production?: boolean;
    approvalTimeoutSeconds?: number;
  };
}

/** Whether the restore overwrites a cluster (download restores hand out links instead). */
export const overwritesCluster = (deliveryType: string | undefined): boolean =>
  deliveryType === 'automated' || deliveryType === 'pointInTime';

/** The consent rules, each problem naming its field and the flag that fixes it. */
export function overwriteConsentProblems(i: ConsentFields): RuleProblem[] {
  const r = i.restore;
  if (!r) return [];
  if (!overwritesCluster(r.deliveryType)) {
    const given = {
      overwrite: r.overwrite,
      production: r.production,
      approvalTimeoutSeconds: r.approvalTimeoutSeconds,
    };
    return Object.entries(given)
      .filter(([, v]) => v !== undefined)
      .map(([f]) => ({ path: `restore.${f}`, message: `restore.${f} ${DOWNLOAD_HAS_NO_TARGET}` }));
  }
  const target = r.targetClusterName;
  if (!target || !r.targetGroupId) return []; // the base schema already names the missing target
  if (r.overwrite === undefined) {
    const self = r.targetGroupId === i.groupId && target === i.clusterName;
    const what = self
      ? `the target is the source cluster '${target}' itself (project ${i.groupId}): the restore would ` +
        'overwrite the data being backed up'
      : `${r.deliveryType === 'automated' ? 'an automated' : 'a pointInTime'} restore overwrites all data of ` +
        `cluster '${target}' in project ${r.targetGroupId}`;
    return [
      {
        path: 'restore.overwrite',
        message:
          `restore.overwrite is required: ${what}. To consent, name the target cluster: ` +
          `restore.overwrite = '${target}' (CLI: --overwrite ${target})`,
      },
    ];
  }
  if (r.overwrite !== target) {
    return [
      {
        path: 'restore.overwrite',
        message:
          `restore.overwrite ('${r.overwrite}') must name the target cluster ` +
          `restore.targetClusterName ('${target}'): consent is given for the cluster that is overwritten`,
      },
    ];
  }
  return [];
}
