// The baseline the pipeline benchmark compares against: what the Atlas CLI's `watch` does — one
// GET right after each create, then one every fixed period until the job is terminal. Sequential,
// no Temporal, straight over the AtlasClient.
import type { AtlasClient } from '../../src/atlas/index.js';

export interface PollerJob {
  groupId: string;
  clusterName: string;
  exportBucketId: string;
  targetGroupId: string;
  targetClusterName: string;
}

export interface PollerResult {
  snapshotId: string;
  exportId: string;
  restoreJobId: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** GET until `done`, sleeping `periodMs` between GETs; bounded by `deadlineMs` of wall time. */
export async function watch<T>(
  what: string,
  get: () => Promise<T>,
  done: (v: T) => boolean,
  failed: (v: T) => string | undefined,
  periodMs: number,
  deadlineMs: number,
): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const v = await get();
    if (done(v)) return v;
    const why = failed(v);
    if (why) throw new Error(`fixed poller: ${what} ended ${why}`);
    if (Date.now() >= deadline) throw new Error(`fixed poller: ${what} not terminal within ${deadlineMs} ms`);
    await sleep(periodMs);
  }
}

/** snapshot → wait → export → wait, every wait a fixed-period watch. */
export async function snapshotAndExport(
  client: AtlasClient,
  job: Pick<PollerJob, 'groupId' | 'clusterName' | 'exportBucketId'>,
  periodMs: number,
  deadlineMs: number,
): Promise<Pick<PollerResult, 'snapshotId' | 'exportId'>> {
  const cluster = { groupId: job.groupId, clusterName: job.clusterName };
  const snap = await client.request('takeSnapshots', {
    path: cluster,
    body: { description: 'bench fixed poller', retentionInDays: 1 },
  });
  await watch(
    `snapshot ${snap.id}`,
    () => client.request('getClusterBackupSnapshot', { path: { ...cluster, snapshotId: snap.id } }),
    (s) => s.status === 'completed',
    (s) => (s.status === 'failed' ? 'failed' : undefined),
    periodMs,
    deadlineMs,
  );

  const exp = await client.request('createBackupExport', {
    path: cluster,
    body: { snapshotId: snap.id, exportBucketId: job.exportBucketId },
  });
  await watch(
    `export ${exp.id}`,
    () => client.request('getBackupExport', { path: { ...cluster, exportId: exp.id } }),
    (j) => j.state === 'Successful',
    (j) => (j.state === 'Failed' || j.state === 'Cancelled' ? j.state : undefined),
    periodMs,
    deadlineMs,
  );
  return { snapshotId: snap.id, exportId: exp.id };
}

/** snapshot → wait → export → wait → automated restore → wait, every wait a fixed-period watch. */
export async function runFixedPoller(
  client: AtlasClient,
  job: PollerJob,
  periodMs: number,
  deadlineMs: number,
): Promise<PollerResult> {
  const cluster = { groupId: job.groupId, clusterName: job.clusterName };
  const { snapshotId, exportId } = await snapshotAndExport(client, job, periodMs, deadlineMs);
  const restore = await client.request('createBackupRestoreJob', {
    path: cluster,
    body: {
      deliveryType: 'automated',
      snapshotId,
      targetGroupId: job.targetGroupId,
      targetClusterName: job.targetClusterName,
    },
  });
  await watch(
    `restore ${restore.id}`,
    () => client.request('getBackupRestoreJob', { path: { ...cluster, restoreJobId: restore.id } }),
    (r) => !!r.finishedAt,
    (r) => (r.failed ? 'failed' : r.cancelled ? 'cancelled' : r.expired ? 'expired' : undefined),
    periodMs,
    deadlineMs,
  );

  return { snapshotId, exportId, restoreJobId: restore.id };
}
