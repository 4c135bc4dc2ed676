// A restore test's scratch check, before any restore job exists: the scratch cluster is there, and
// its project has no Backup Compliance Policy (under one, the scratch cluster's snapshots could
// never be deleted early, nor the policy removed: a test must not leave that behind).
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { AtlasClient } from '../atlas/index.js';
import { SCRATCH_REFUSED, type CheckScratchInput, type ScratchCheck } from '../contract/index.js';
import { AttemptCalls } from './calls.js';
import { readCompliancePolicy } from './preflight.js';

function refused(field: string, why: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: SCRATCH_REFUSED,
    message: `Scratch cluster refused before any restore job was created: ${field}: ${why}`,
    nonRetryable: true,
    details: [{ field }],
  });
}

export function restoreTestActivities(client: AtlasClient) {
  return {
    async checkScratchTarget(input: CheckScratchInput): Promise<ScratchCheck> {
      const { scratch } = input;
      const calls = new AttemptCalls(client, scratch);
      const notes: string[] = [];
      const read = await readCompliancePolicy(calls, scratch.groupId);
      if (read.kind === 'policy')
        throw refused(
          'scratch.groupId',
          `project ${scratch.groupId} has a Backup Compliance Policy (${read.policy.state ?? 'ACTIVE'}): the ` +
            `snapshots of a scratch cluster there could never be deleted early and the policy cannot be ` +
            'removed, so it is no place for restore tests. Name a scratch cluster in a project without one.',
        );
      if (read.kind === 'forbidden')
        notes.push(
          `Could not read the Backup Compliance Policy of project ${scratch.groupId} (HTTP 403: it needs the ` +
            'Project Owner role): if that project has one, it is no place for restore tests.',
        );
      const cluster = await calls.call('getCluster', { path: scratch }).catch((e: unknown) => {
        const status = (e as { details?: { httpStatus?: number }[] }).details?.[0]?.httpStatus;
        if (status === 404)
          throw refused(
            'scratch.clusterName',
            `cluster '${scratch.clusterName}' not found in project ${scratch.groupId}: a restore test ` +
              'restores into an existing cluster kept for the purpose.',
          );
        throw e;
      });
      return {
        stateName: cluster.stateName,
        notes,
        requests: calls.requests,
        attempts: Context.current().info.attempt,
      };
    },
  };
}
