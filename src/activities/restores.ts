// Restore activities for every source kind (through the SOURCES table): create a restore job
// (adopted on retry by exact request match), wait for it, find it after a cancelled create, and
// cancel it where Atlas allows.
import { Context } from '@temporalio/activity';
import type { AtlasClient } from '../atlas/index.js';
import { ApplicationFailure } from '@temporalio/common';
import type {
  Activities,
  AwaitRestoreInput,
  CancelRestoreInput,
  CancelRestoreResult,
  CreatedResource,
  FoundRestore,
  RestoreRequest,
  SourceRef,
  StartRestoreInput,
} from '../contract/index.js';
import { AttemptCalls } from './calls.js';
import { createOrAdopt, objectIdTimeMs, pollOnce, shapeOf, type CreateSteps } from './core.js';
import { learnedDurationMs } from '../runs/learned-durations.js';
import { terminalFailure } from './failures.js';
import { SOURCES, type JobView } from './sources.js';

/** A restore job Atlas ended without restoring: the operator checks the target before trying again. */
function endedMessage(jobLabel: string, restoreJobId: string, source: SourceRef, state: string): string {
  const label = `${jobLabel[0]!.toUpperCase()}${jobLabel.slice(1)}`;
  return (
    `${label} ${restoreJobId} of '${source.clusterName}' in project ${source.groupId} ended ${state} in Atlas. ` +
    'Check the target cluster in Atlas before starting a new restore.'
  );
}

/** A flex restore needs a snapshot and a target; a flex download (downloadFlexBackup) only the snapshot. */
function checkFlexRequest(source: SourceRef, restore: RestoreRequest): void {
  if (source.kind !== 'flex') return;
  const download = restore.deliveryType === 'download';
  if (restore.snapshotId && (download || (restore.targetGroupId && restore.targetClusterName))) return;
  const needs = download ? 'a snapshot id' : 'a snapshot id and a target project and cluster';
  throw terminalFailure('InvalidInput', `A flex ${download ? 'download' : 'restore'} needs ${needs}.`, {
    resource: 'restoreJob',
  });
}

const keepsRunning = (restoreJobId: string) => `restore job ${restoreJobId} keeps running in Atlas.`;

/** A restore job's create, recognised by request and time window (see isOurRestoreTime). */
function restoreSteps(
  calls: AttemptCalls,
  source: SourceRef,
  restore: RestoreRequest,
  stepStartedAt: string,
): CreateSteps<JobView> {
  const api = SOURCES[source.kind];
  const cancel = api.cancelRestore;
  return {
    label: api.jobLabel,
    ours: () => api.ourRestores(calls, source, restore, stepStartedAt),
    create: () => api.createRestore(calls, source, restore),
    id: (j) => j.id,
    state: (j) => j.state,
    createdAt: (j) => objectIdTimeMs(j.id),
    ...(cancel && {
      discard: async (j: JobView) => {
        await cancel(calls, source, j.id);
        return 'cancelled it';
      },
    }),
  };
}

/**
 * A pipeline's restore job is expected to take as long as the cluster's last pipeline restore; DR
 * restores have no such history to learn from (their waits keep the policy's backoff).
 */
function learnedFor(source: SourceRef): (() => Promise<number | undefined>) | undefined {
  const ctx = Context.current();
  if (ctx.info.workflowType !== 'backupPipeline') return undefined;
  return () => learnedDurationMs(ctx.client, source.groupId, source.clusterName, 'awaitRestore');
}

export function restoreActivities(client: AtlasClient) {
  async function startRestore({ source, restore, stepStartedAt }: StartRestoreInput): Promise<CreatedResource> {
    checkFlexRequest(source, restore);
    const calls = new AttemptCalls(client, source);
    const { resource: _, ...created } = await createOrAdopt(
      calls,
      restoreSteps(calls, source, restore, stepStartedAt),
      client.commitHorizonMs,
    );
    return created;
  }

  async function awaitRestore(input: AwaitRestoreInput) {
    const { source, restoreJobId } = input;
    const api = SOURCES[source.kind];
    const calls = new AttemptCalls(client, source);
    const shape = shapeOf(input, learnedFor(source));
    return pollOnce('restoreJob', restoreJobId, `${api.jobLabel} ${restoreJobId}`, shape, async () => {
      const job = await api.getRestore(calls, source, restoreJobId);
      if (job.done) return { state: job.state, done: { finishedAt: job.finishedAt, facts: job.facts } };
      if (!job.terminal) return { state: job.state };
      const message = endedMessage(api.jobLabel, restoreJobId, source, job.state);
      return { state: job.state, terminal: { type: job.terminal, message } };
    });
  }

  return {
    startRestore,
    awaitRestore,

    /** Cancels a restore job where Atlas allows; says so instead of failing where it does not. */
    async cancelRestore(input: CancelRestoreInput): Promise<CancelRestoreResult> {
      const { source, restoreJobId } = input;
      const cancel = SOURCES[source.kind].cancelRestore;
      if (!cancel)
        return {
          restoreJobId,
          cancelled: false,
          detail: `Atlas has no cancel endpoint for ${source.kind} restore jobs: ${keepsRunning(restoreJobId)}`,
        };
      try {
        await cancel(new AttemptCalls(client, source), source, restoreJobId);
        return { restoreJobId, cancelled: true, detail: `Cancelled restore job ${restoreJobId} in Atlas.` };
      } catch (err) {
        // A refusal (e.g. an automated restore, which Atlas cannot cancel) is reported, not raised.
        if (err instanceof ApplicationFailure && err.nonRetryable) {
          const atlas = err.details?.[0] as { detail?: string } | undefined;
          const why = `${err.type}${atlas?.detail ? ` — ${atlas.detail}` : ''}`;
          return {
            restoreJobId,
            cancelled: false,
            detail: `Atlas did not cancel restore job ${restoreJobId}: ${why}. It keeps running in Atlas.`,
          };
        }
        throw err;
      }
    },

    /**
     * Looks for the job a cancelled restore step may have created (same matching as adoption), so
     * a run cancelled mid-create can still cancel or report it. Never creates anything.
     */
    async findDrRestore(input: StartRestoreInput): Promise<FoundRestore> {
      const { source, restore, stepStartedAt } = input;
      const job = await SOURCES[source.kind].findRestore(
        new AttemptCalls(client, source),
        source,
        restore,
        stepStartedAt,
      );
      return job ? { id: job.id, state: job.state } : {};
    },
  } satisfies Partial<Activities>;
}
