// Our workflow ids: readable, derived from project and cluster, so an operator finds a cluster's
// runs and schedule without looking anything up. They live in the contract because a workflow (the
// fleet) names its children with them; src/runs re-exports them for clients.

/** A moment as an id part: 20261122T031500123Z (sortable, no characters a shell or URL minds). */
const stamp = (at: Date) => at.toISOString().replace(/[-:.]/g, '');

/** The prefix of a cluster's pipeline ids; a Schedule appends its fire time to it. */
export const backupWorkflowId = (groupId: string, clusterName: string) => `backup-${clusterName}-${groupId}`;

/** One pipeline run's id (manual start or fleet child): backup-<cluster>-<groupId>-<UTC time>. */
export const backupRunWorkflowId = (groupId: string, clusterName: string, at = new Date()) =>
  `${backupWorkflowId(groupId, clusterName)}-${stamp(at)}`;

/** The schedule of a cluster; Temporal appends the fire time to the ids of the runs it starts. */
export const scheduleIdFor = (groupId: string, clusterName: string) => `sched-backup-${clusterName}-${groupId}`;

/** A named fleet schedule, and the id prefix of the fleets it starts (Temporal appends the fire time). */
export const fleetScheduleIdFor = (name: string) => `sched-fleet-${name}`;
export const scheduledFleetWorkflowId = (name: string) => `fleet-${name}`;

/** fleet-<UTC time>: readable and sortable, like the pipelines' ids. */
export const fleetWorkflowId = (at = new Date()) => `fleet-${stamp(at)}`;

/**
 * A DR run's id names both ends, each as cluster and project: two targets of the same name in
 * different projects are different runs (a download has no target: `-to-download`).
 */
export const drWorkflowId = (
  source: { groupId: string; clusterName: string },
  target: { groupId: string; clusterName: string } | undefined,
) =>
  `dr-${source.clusterName}-${source.groupId}-to-` + (target ? `${target.clusterName}-${target.groupId}` : 'download');

/** The prefix of a cluster's restore-test ids (source cluster and project); a Schedule appends its fire time. */
export const restoreTestWorkflowId = (groupId: string, clusterName: string) => `restore-test-${clusterName}-${groupId}`;

/** One restore test's id (manual start or fleet fan-out): restore-test-<cluster>-<groupId>-<UTC time>. */
export const restoreTestRunWorkflowId = (groupId: string, clusterName: string, at = new Date()) =>
  `${restoreTestWorkflowId(groupId, clusterName)}-${stamp(at)}`;

/** The restore-test schedule of a cluster. */
export const restoreTestScheduleIdFor = (groupId: string, clusterName: string) =>
  `sched-restore-test-${clusterName}-${groupId}`;

/** What a caller-chosen id may be: Temporal takes more, but these survive shells, URLs and queries. */
export const WORKFLOW_ID_PATTERN = /^[\w.:-]{1,200}$/;
