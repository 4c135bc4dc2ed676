// Export activities: start an export job of a snapshot to a bucket (idempotently) and wait for it,
// polling close to its estimated completion.
import { Context } from '@temporalio/activity';
import type { AtlasClient, ExportJob } from '../atlas/index.js';
import { AttemptCalls, runOf } from './atlas-calls.js';
import { notFinished, terminalFailure } from './failures.js';
import { exportPollDelayMs } from './polling.js';
import { CUSTOM_DATA_TAG_KEYS, customDataTags, type AwaitedResource, type AwaitExportInput, type CreatedResource, type PollDetails, type StartExportInput } from './types.js';


export function exportActivities(client: AtlasClient) {
  return {
    /** Creates the export job, tagged in customData with the workflow id; a retry adopts the tagged job. */
    async startExport(input: StartExportInput): Promise<CreatedResource> {
      const { groupId, clusterName, snapshotId } = input;
      const calls = new AttemptCalls(client, { groupId, clusterName });
      const tags = customDataTags(runOf(Context.current()));
      const isOurs = (j: ExportJob) => j.snapshotId === snapshotId && tags.every((t) => j.customData?.some((d) => d.key === t.key && d.value === t.value));
      const attempts = Context.current().info.attempt;
      // The tags name this run, so only a retry can find a job of ours: attempt 1 skips the lookup.
      const existing = attempts > 1 ? await calls.find('listBackupExports', { groupId, clusterName }, isOurs) : undefined;
      if (existing) return { id: existing.id, state: existing.state, adopted: true, requests: calls.requests, attempts };
      const ours = new Set<string>(Object.values(CUSTOM_DATA_TAG_KEYS));
      const customData = [...input.customData.filter((d) => !ours.has(d.key)), ...tags];
      const created = await calls.call('createBackupExport', {
        path: { groupId, clusterName },
        body: { snapshotId, exportBucketId: input.exportBucketId, customData },
      });
      return { id: created.id, state: created.state, adopted: false, requests: calls.requests, attempts };
    },

    async awaitExport(input: AwaitExportInput): Promise<AwaitedResource> {
      const { groupId, clusterName, exportJobId } = input;
      const attempt = Context.current().info.attempt;
      const calls = new AttemptCalls(client, { groupId, clusterName });
      const job = await calls.call('getBackupExport', { path: { groupId, clusterName, exportId: exportJobId } });
      const state = job.state ?? 'unknown';
      const progress = { exportedCollections: job.exportStatus?.exportedCollections, totalCollections: job.exportStatus?.totalCollections };
      if (state === 'Successful') {
        return { state, attempts: attempt, finishedAt: job.finishedAt, facts: { ...progress, prefix: job.prefix, createdAt: job.createdAt } };
      }
      if (state === 'Failed' || state === 'Cancelled') {
        const reason = job.stateReason ? `${job.stateReason.errorCode ?? ''} ${job.stateReason.message ?? ''}`.trim() : 'no reason given';
        throw terminalFailure(
          state === 'Failed' ? 'ExportFailed' : 'ExportCancelled',
          `Export job ${exportJobId} of cluster '${clusterName}' in project ${groupId} ended ${state} in Atlas: ${reason}. Check the bucket's access role and the cluster's backup page, then start a new run.`,
          { resource: 'exportJob', id: exportJobId, state, stateReason: job.stateReason },
        );
      }
      const nextPollMs = exportPollDelayMs(attempt, input.polling, { ...progress, createdAt: job.createdAt }, Date.now());
      const details: PollDetails = { resource: 'exportJob', id: exportJobId, state, ...progress, nextPollMs };
      throw notFinished(`export job ${exportJobId} is ${state}`, nextPollMs, { ...details });
    },
  };
}
