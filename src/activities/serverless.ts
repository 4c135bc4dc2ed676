// Restore activities for serverless sources (seed 002's endpoints): create a restore job into a
// dedicated target idempotently, and wait for it. Atlas has no cancel endpoint for these jobs.
import { Context } from '@temporalio/activity';
import type { AtlasClient, CreateServerlessRestoreJobRequest } from '../atlas/index.js';
import { AttemptCalls } from './atlas-calls.js';
import type { AwaitDrRestoreInput, StartDrRestoreInput } from './dr-types.js';
import { notFinished, terminalFailure } from './failures.js';
import { backoffDelayMs } from './polling.js';
import { isSameRestore, restoreJobState } from './restores.js';
import type { AwaitedResource, CreatedResource, PollDetails } from './types.js';

/** Only the fields Atlas takes for the delivery type (seed 003 applies to serverless too). */
export function serverlessRestoreBody(spec: StartDrRestoreInput['restore']): CreateServerlessRestoreJobRequest {
  const body: CreateServerlessRestoreJobRequest = { deliveryType: spec.deliveryType };
  if (spec.deliveryType !== 'pointInTime' && spec.snapshotId) body.snapshotId = spec.snapshotId;
  for (const k of ['targetGroupId', 'targetClusterName', 'pointInTimeUTCSeconds', 'oplogTs', 'oplogInc'] as const) {
    if (spec[k] !== undefined) (body as Record<string, unknown>)[k] = spec[k];
  }
  return body;
}

export function serverlessActivities(client: AtlasClient) {
  return {
    /** Adopts a matching job an earlier attempt created (same rule as dedicated restores), else creates one. */
    async startServerlessRestore(input: StartDrRestoreInput): Promise<CreatedResource> {
      const { groupId, clusterName } = input.source;
      const calls = new AttemptCalls(client, { groupId, clusterName });
      const attempts = Context.current().info.attempt;
      const body = serverlessRestoreBody(input.restore);
      const existing = await calls.find('listServerlessRestoreJobs', { groupId, clusterName }, (j) => isSameRestore(j, body, input.stepStartedAt));
      if (existing) return { id: existing.id, state: restoreJobState(existing), adopted: true, requests: calls.requests, attempts };
      const created = await calls.call('createServerlessRestoreJob', { path: { groupId, clusterName }, body });
      return { id: created.id, state: restoreJobState(created), adopted: false, requests: calls.requests, attempts };
    },

    async awaitServerlessRestore(input: AwaitDrRestoreInput): Promise<AwaitedResource> {
      const { groupId, clusterName } = input.source;
      const { restoreJobId } = input;
      const attempt = Context.current().info.attempt;
      const calls = new AttemptCalls(client, { groupId, clusterName });
      const job = await calls.call('getServerlessRestoreJob', { path: { groupId, clusterName, restoreJobId } });
      const state = restoreJobState(job);
      if (state === 'finished') return { state, attempts: attempt, finishedAt: job.finishedAt, facts: { deliveryType: job.deliveryType, snapshotTimestamp: job.timestamp } };
      if (state === 'failed' || state === 'cancelled' || state === 'expired') {
        throw terminalFailure(
          `Restore${state[0]!.toUpperCase()}${state.slice(1)}`,
          `Serverless restore job ${restoreJobId} of '${clusterName}' in project ${groupId} ended ${state} in Atlas. Check the target cluster in Atlas before starting a new restore.`,
          { resource: 'restoreJob', id: restoreJobId, state },
        );
      }
      const nextPollMs = backoffDelayMs(attempt, input.polling);
      const details: PollDetails = { resource: 'restoreJob', id: restoreJobId, state, nextPollMs };
      throw notFinished(`serverless restore job ${restoreJobId} is ${state}`, nextPollMs, { ...details });
    },
  };
}
