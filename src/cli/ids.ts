// Readable ids derived from project and cluster, so an operator can find a cluster's run or
// schedule without looking anything up, and so one cluster maps to one pipeline id.

/** The id of the manual pipeline of a cluster: fixed, so Temporal refuses a second running one. */
export const backupWorkflowId = (groupId: string, clusterName: string) => `backup-${clusterName}-${groupId}`;

/** The schedule of a cluster; Temporal appends the fire time to the ids of the runs it starts. */
export const scheduleIdFor = (groupId: string, clusterName: string) => `sched-backup-${clusterName}-${groupId}`;

/** The workflow id prefix of a schedule's runs (Temporal adds "-<timestamp>"). */
export const scheduledWorkflowId = (groupId: string, clusterName: string) => `${scheduleIdFor(groupId, clusterName)}-run`;

export const drWorkflowId = (sourceGroupId: string, sourceCluster: string, targetCluster: string) => `dr-${sourceCluster}-to-${targetCluster}-${sourceGroupId}`;

/** Escapes a value for a visibility query string literal. */
export const q = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
