// Export activities: start an export job of a snapshot to a bucket (tagged with the run in its
// customData, adopted on retry) and wait for it, polling close to its estimated completion.
import { Context } from '@temporalio/activity';
import type { AtlasClient, ExportJob } from '../atlas/index.js';
import { CUSTOM_DATA_TAG_KEYS, customDataTags } from '../contract/index.js';
import type { AwaitedResource, AwaitExportInput, CreatedResource, StartExportInput } from '../contract/index.js';
import { AttemptCalls, runOf } from './calls.js';
import { createOrAdopt, objectIdTimeMs, pollOnce, shapeOf } from './core.js';
import { exportPollDelayMs, nextExportMemo } from './polling.js';

export function exportActivities(client: AtlasClient) {
  return {
    async startExport(input: StartExportInput): Promise<CreatedResource> {
      const { groupId, clusterName, snapshotId } = input;
      const calls = new AttemptCalls(client, { groupId, clusterName });
      const tags = customDataTags(runOf(Context.current()));
      const isOurs = (j: ExportJob) =>
        j.snapshotId === snapshotId &&
        tags.every((t) => j.customData?.some((d) => d.key === t.key && d.value === t.value));
      const ourKeys = new Set<string>(Object.values(CUSTOM_DATA_TAG_KEYS));
      const customData = [...input.customData.filter((d) => !ourKeys.has(d.key)), ...tags];
      const path = { groupId, clusterName };
      const { resource: _, ...created } = await createOrAdopt(
        calls,
        {
          label: 'export job',
          // Atlas has no cancel for export jobs: a duplicate is reported (no `discard`).
          ours: async () => (await calls.all('listBackupExports', path)).filter(isOurs),
          create: () =>
            calls.call('createBackupExport', {
              path,
              body: { snapshotId, exportBucketId: input.exportBucketId, customData },
            }),
          id: (j) => j.id,
          state: (j) => j.state,
          createdAt: (j) => (j.createdAt ? Date.parse(j.createdAt) : objectIdTimeMs(j.id)),
        },
        client.commitHorizonMs,
      );
      return created;
    },

    async awaitExport(input: AwaitExportInput): Promise<AwaitedResource> {
      const { groupId, clusterName, exportJobId } = input;
      const calls = new AttemptCalls(client, { groupId, clusterName });
      return pollOnce('exportJob', exportJobId, `export job ${exportJobId}`, shapeOf(input), async () => {
        const job = await calls.call('getBackupExport', { path: { groupId, clusterName, exportId: exportJobId } });
        const state = job.state ?? 'unknown';
        const progress = {
          exportedCollections: job.exportStatus?.exportedCollections,
          totalCollections: job.exportStatus?.totalCollections,
        };
        // This read, for the next attempt's estimate: only a job still running has a next attempt, and
        // each heartbeat is a write on the server.
        const ctx = Context.current();
        const now = Date.now();
        const sample = { ...progress, createdAt: job.createdAt, state };
        const memo = nextExportMemo(ctx.info.heartbeatDetails, sample, now);
        if (!['Successful', 'Failed', 'Cancelled'].includes(state)) ctx.heartbeat(memo);
        if (state === 'Successful')
          return {
            state,
            done: { finishedAt: job.finishedAt, facts: { ...progress, prefix: job.prefix, createdAt: job.createdAt } },
          };
        if (state === 'Failed' || state === 'Cancelled') {
          const reason = job.stateReason
            ? `${job.stateReason.errorCode ?? ''} ${job.stateReason.message ?? ''}`.trim()
            : 'no reason given';
          const message =
            `Export job ${exportJobId} of cluster '${clusterName}' in project ${groupId} ended ${state} in Atlas: ` +
            `${reason}. Check the bucket's access role and the cluster's backup page, then start a new run.`;
          return {
            state,
            terminal: {
              type: state === 'Failed' ? 'ExportFailed' : 'ExportCancelled',
              message,
              details: { stateReason: job.stateReason },
            },
          };
        }
        return {
          state,
          progress,
          nextPollMs: exportPollDelayMs(input.polling, sample, now, memo),
        };
      });
    },
  };
}
