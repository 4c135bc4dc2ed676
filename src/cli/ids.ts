// Readable ids derived from project and cluster, so an operator can find a cluster's run or
// schedule without looking anything up, and so one cluster maps to one pipeline id.
import { UsageError } from './errors.js';

/** The prefix of a cluster's pipeline ids; runs add their start time (manual) or fire time (scheduled). */
export const backupWorkflowId = (groupId: string, clusterName: string) => `backup-${clusterName}-${groupId}`;

/** The schedule of a cluster; Temporal appends the fire time to the ids of the runs it starts. */
export const scheduleIdFor = (groupId: string, clusterName: string) => `sched-backup-${clusterName}-${groupId}`;

/**
 * A DR run's id names both ends, each as cluster and project: two targets of the same name in
 * different projects are different runs (a download has no target: `-to-download`).
 */
export const drWorkflowId = (
  source: { groupId: string; clusterName: string },
  target: { groupId: string; clusterName: string } | undefined,
) =>
  `dr-${source.clusterName}-${source.groupId}-to-` + (target ? `${target.clusterName}-${target.groupId}` : 'download');

/** What `--id` may be (backup, dr): Temporal takes more, but these survive shells, URLs and queries. */
export const WORKFLOW_ID_PATTERN = /^[\w.:-]{1,200}$/;

/** Refuses an `--id` outside WORKFLOW_ID_PATTERN (exit 2, naming the flag and the rule). */
export function checkIdFlag(id: string | undefined): void {
  if (id !== undefined && !WORKFLOW_ID_PATTERN.test(id))
    throw new UsageError('--id must be 1-200 letters, digits, ".", ":", "_" or "-"');
}

/** Escapes a value for a visibility query string literal. */
export const q = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
