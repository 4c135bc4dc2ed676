// Readable ids derived from project and cluster, so an operator can find a cluster's run or
// schedule without looking anything up, and so one cluster maps to one pipeline id.

/** The prefix of a cluster's pipeline ids; runs add their start time (manual) or fire time (scheduled). */
export const backupWorkflowId = (groupId: string, clusterName: string) => `backup-${clusterName}-${groupId}`;

/** The schedule of a cluster; Temporal appends the fire time to the ids of the runs it starts. */
export const scheduleIdFor = (groupId: string, clusterName: string) => `sched-backup-${clusterName}-${groupId}`;

export const drWorkflowId = (sourceGroupId: string, sourceCluster: string, targetCluster: string) =>
  `dr-${sourceCluster}-to-${targetCluster}-${sourceGroupId}`;

/** Escapes a value for a visibility query string literal. */
export const q = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
