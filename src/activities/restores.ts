// Restore activities for dedicated clusters: create a restore job (idempotently), wait for it,
// and cancel it where Atlas allows.
import { Context } from '@temporalio/activity';
import { AtlasApiError, type AtlasClient, type CreateRestoreJobRequest, type RestoreJob } from '../atlas/index.js';
import { AttemptCalls } from './atlas-calls.js';
import { notFinished, terminalFailure, toActivityFailure } from './failures.js';
import { backoffDelayMs } from './polling.js';
import type { AwaitedResource, AwaitRestoreInput, CancelRestoreResult, ClusterRef, CreatedResource, PollDetails, StartRestoreInput } from './types.js';
import type { RestoreSpec } from '../workflows/inputs.js';


/** The request body Atlas takes (seed 003): only the fields that apply to the delivery type. */
export function restoreJobBody(restore: RestoreSpec, snapshotId?: string): CreateRestoreJobRequest {
  const body: CreateRestoreJobRequest = { deliveryType: restore.deliveryType };
  if (restore.deliveryType !== 'pointInTime' && snapshotId) body.snapshotId = snapshotId;
  for (const k of ['targetGroupId', 'targetClusterName', 'pointInTimeUTCSeconds', 'oplogTs', 'oplogInc'] as const) {
    if (restore[k] !== undefined) (body as Record<string, unknown>)[k] = restore[k];
  }
  return body;
}

/** Atlas reports finishedAt to the second and its clock is not ours: allow this much slack. */
export const CLOCK_SLACK_MS = 60_000;

/**
 * Atlas restore jobs carry no tag and no creation time, so a retry adopts a job that matches the
 * request exactly and was not already over before this step began.
 */
export function isSameRestore(job: RestoreJob, body: CreateRestoreJobRequest, stepStartedAt: string): boolean {
  for (const [k, v] of Object.entries(body)) {
    if ((job as unknown as Record<string, unknown>)[k] !== v) return false;
  }
  if (job.failed || job.cancelled || job.expired) return false;
  return !job.finishedAt || Date.parse(job.finishedAt) >= Date.parse(stepStartedAt) - CLOCK_SLACK_MS;
}

export function restoreJobState(job: RestoreJob): string {
  if (job.failed) return 'failed';
  if (job.cancelled) return 'cancelled';
  if (job.expired) return 'expired';
  if (job.finishedAt) return 'finished';
  if (job.deliveryType === 'download' && job.deliveryUrl?.length) return 'ready';
  return 'inProgress';
}

export function restoreActivities(client: AtlasClient) {
  return {
    async startRestore(input: StartRestoreInput): Promise<CreatedResource> {
      const { groupId, clusterName } = input;
      const calls = new AttemptCalls(client, { groupId, clusterName });
      const body = restoreJobBody(input.restore, input.snapshotId);
      const attempts = Context.current().info.attempt;
      // Untagged, so only a retry looks for its own earlier job: a first attempt never adopts another run's.
      if (attempts > 1) {
        const existing = await calls.find('listBackupRestoreJobs', { groupId, clusterName }, (j) => isSameRestore(j, body, input.stepStartedAt));
        if (existing) return { id: existing.id, state: restoreJobState(existing), adopted: true, requests: calls.requests, attempts };
      }
      const created = await calls.call('createBackupRestoreJob', { path: { groupId, clusterName }, body });
      return { id: created.id, state: restoreJobState(created), adopted: false, requests: calls.requests, attempts };
    },

    async awaitRestore(input: AwaitRestoreInput): Promise<AwaitedResource> {
      const { groupId, clusterName, restoreJobId } = input;
      const attempt = Context.current().info.attempt;
      const calls = new AttemptCalls(client, { groupId, clusterName });
      const job = await calls.call('getBackupRestoreJob', { path: { groupId, clusterName, restoreJobId } });
      const state = restoreJobState(job);
      if (state === 'finished' || state === 'ready') {
        return { state, attempts: attempt, finishedAt: job.finishedAt, facts: { deliveryType: job.deliveryType, deliveryUrl: job.deliveryUrl, snapshotTimestamp: job.timestamp } };
      }
      if (state === 'failed' || state === 'cancelled' || state === 'expired') {
        throw terminalFailure(
          `Restore${state[0]!.toUpperCase()}${state.slice(1)}`,
          `Restore job ${restoreJobId} of cluster '${clusterName}' in project ${groupId} ended ${state} in Atlas. Check the target cluster in Atlas before starting a new restore.`,
          { resource: 'restoreJob', id: restoreJobId, state },
        );
      }
      const nextPollMs = backoffDelayMs(attempt, input.polling);
      const details: PollDetails = { resource: 'restoreJob', id: restoreJobId, state, nextPollMs };
      throw notFinished(`restore job ${restoreJobId} is ${state}`, nextPollMs, { ...details });
    },

    /** Cancels a restore job; automated restores cannot be cancelled and say so instead of failing. */
    async cancelRestore(input: ClusterRef & { restoreJobId: string }): Promise<CancelRestoreResult> {
      const { groupId, clusterName, restoreJobId } = input;
      try {
        await client.request('cancelBackupRestoreJob', { path: { groupId, clusterName, restoreJobId } });
        return { cancelled: true, detail: `Cancelled restore job ${restoreJobId} in Atlas.` };
      } catch (err) {
        if (err instanceof AtlasApiError && !err.retryable) {
          return { cancelled: false, detail: `Atlas did not cancel restore job ${restoreJobId}: ${err.errorCode}${err.detail ? ` — ${err.detail}` : ''}. It keeps running in Atlas.` };
        }
        throw toActivityFailure(err, { operation: 'cancelBackupRestoreJob', groupId, clusterName });
      }
    },
  };
}
