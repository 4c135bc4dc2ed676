// Which snapshots something in progress uses, so prune never deletes one from under it: Atlas's
// export and restore jobs still running, and our running runs (their status names the snapshot
// they took or restore; a run that cannot say holds every snapshot of its cluster).
import type { Client } from '@temporalio/client';
import type { AtlasClient } from '../atlas/index.js';
import { getRunStatus } from '../client/status.js';
import { OUR_TAG, type InUse } from '../contract/index.js';
import { listRuns } from '../runs/index.js';

const EXPORT_DONE = new Set(['Successful', 'Failed', 'Cancelled']);

/** Export and restore jobs of the cluster that have not ended, by the snapshot they read. */
export async function snapshotsUsedByAtlasJobs(
  atlas: AtlasClient,
  path: { groupId: string; clusterName: string },
): Promise<InUse> {
  const inUse: InUse = new Map();
  for await (const job of atlas.paginate('listBackupExports', { path }))
    if (job.snapshotId && !EXPORT_DONE.has(job.state)) inUse.set(job.snapshotId, `export job ${job.id} (${job.state})`);
  for await (const job of atlas.paginate('listBackupRestoreJobs', { path })) {
    const ended = !!job.finishedAt || job.failed === true || job.cancelled === true || job.expired === true;
    if (job.snapshotId && !ended) inUse.set(job.snapshotId, `restore job ${job.id} (${job.deliveryType})`);
  }
  return inUse;
}

export interface RunsInUse {
  inUse: InUse;
  /** Running runs of the cluster that could not say which snapshot they use (then none may go). */
  unsure: string[];
  /** Workflow ids of the project's running runs: a snapshot tagged with one is theirs. */
  running: Set<string>;
}

/** Our running pipeline and DR runs of the project, and the snapshots those of `clusterName` use. */
export async function snapshotsUsedByRuns(temporal: Client, groupId: string, clusterName: string): Promise<RunsInUse> {
  const runs = await listRuns(
    temporal,
    { types: ['backupPipeline', 'disasterRecovery'], status: 'Running', projects: [groupId] },
    1000,
  );
  const out: RunsInUse = { inUse: new Map(), unsure: [], running: new Set(runs.map((r) => r.workflowId)) };
  for (const run of runs) {
    const handle = temporal.workflow.getHandle(run.workflowId, run.runId);
    const status = await getRunStatus(handle).catch(() => undefined);
    if (status && status.clusterName !== clusterName) continue;
    const snapshotId = status?.ids.snapshotId;
    if (snapshotId) out.inUse.set(snapshotId, `running run ${run.workflowId}`);
    else if (!status || status.workerNotice) out.unsure.push(run.workflowId);
  }
  return out;
}

/** The running workflow a snapshot's tag names, if any. */
export function taggedRun(description: string | undefined, running: Set<string>): string | undefined {
  const m = description ? OUR_TAG.exec(description) : null;
  return m && running.has(m[1]!) ? m[1] : undefined;
}
