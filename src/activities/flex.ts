// Restore activities for flex sources (flex backup endpoints, 2024-11-13): create a restore job
// idempotently and wait for its status (PENDING → QUEUED → RUNNING → COMPLETED | FAILED).
import { Context } from '@temporalio/activity';
import type { AtlasClient, FlexRestoreJob } from '../atlas/index.js';
import { AttemptCalls } from './atlas-calls.js';
import type { AwaitDrRestoreInput, StartDrRestoreInput } from './dr-types.js';
import { notFinished, terminalFailure } from './failures.js';
import { backoffDelayMs } from './polling.js';
import type { AwaitedResource, CreatedResource, PollDetails } from './types.js';

/**
 * Flex restore jobs carry no tag either: adopt one for the same snapshot and target that did not
 * fail and had not finished before this step began (a re-run after it finished restores again).
 */
export function isSameFlexRestore(job: FlexRestoreJob, want: { snapshotId: string; targetProjectId: string; targetDeploymentItemName: string }, stepStartedAt: string): boolean {
  if (job.deliveryType !== undefined && job.deliveryType !== 'RESTORE') return false;
  if (job.snapshotId !== want.snapshotId || job.targetDeploymentItemName !== want.targetDeploymentItemName) return false;
  if (job.targetProjectId !== undefined && job.targetProjectId !== want.targetProjectId) return false;
  if (job.status === 'FAILED') return false;
  if (job.status !== 'COMPLETED') return true;
  return !!job.restoreFinishedDate && Date.parse(job.restoreFinishedDate) >= Date.parse(stepStartedAt);
}

export function flexActivities(client: AtlasClient) {
  return {
    async startFlexRestore(input: StartDrRestoreInput): Promise<CreatedResource> {
      const { groupId, clusterName: name } = input.source;
      const { snapshotId, targetGroupId, targetClusterName } = input.restore;
      if (!snapshotId || !targetGroupId || !targetClusterName) {
        throw terminalFailure('InvalidInput', 'A flex restore needs a snapshot id and a target project and cluster.', { resource: 'restoreJob' });
      }
      const calls = new AttemptCalls(client, { groupId, clusterName: name });
      const attempts = Context.current().info.attempt;
      const want = { snapshotId, targetProjectId: targetGroupId, targetDeploymentItemName: targetClusterName };
      const existing = await calls.find('listFlexRestoreJobs', { groupId, name }, (j) => isSameFlexRestore(j, want, input.stepStartedAt));
      if (existing) return { id: existing.id, state: existing.status, adopted: true, requests: calls.requests, attempts };
      const created = await calls.call('createFlexRestoreJob', { path: { groupId, name }, body: want });
      return { id: created.id, state: created.status, adopted: false, requests: calls.requests, attempts };
    },

    async awaitFlexRestore(input: AwaitDrRestoreInput): Promise<AwaitedResource> {
      const { groupId, clusterName: name } = input.source;
      const { restoreJobId } = input;
      const attempt = Context.current().info.attempt;
      const calls = new AttemptCalls(client, { groupId, clusterName: name });
      const job = await calls.call('getFlexRestoreJob', { path: { groupId, name, restoreJobId } });
      if (job.status === 'COMPLETED') {
        return { state: 'COMPLETED', attempts: attempt, finishedAt: job.restoreFinishedDate, facts: { deliveryType: job.deliveryType, snapshotFinishedDate: job.snapshotFinishedDate } };
      }
      if (job.status === 'FAILED') {
        throw terminalFailure(
          'RestoreFailed',
          `Flex restore job ${restoreJobId} of '${name}' in project ${groupId} ended FAILED in Atlas. Check the target in Atlas before starting a new restore.`,
          { resource: 'restoreJob', id: restoreJobId, state: job.status },
        );
      }
      const nextPollMs = backoffDelayMs(attempt, input.polling);
      const details: PollDetails = { resource: 'restoreJob', id: restoreJobId, state: job.status, nextPollMs };
      throw notFinished(`flex restore job ${restoreJobId} is ${job.status}`, nextPollMs, { ...details });
    },
  };
}
