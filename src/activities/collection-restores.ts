// Collection restore activities: the pre-flight (names against the snapshot's browsing, a point in
// time against the restore window), the create (adopted on retry by exact request match; Atlas runs
// one job per cluster at a time, so a create refused for a running job waits for it), and the wait,
// which reports documents restored while the job runs and each collection's outcome at its end.
import { ApplicationFailure, ApplicationFailureCategory } from '@temporalio/common';
import type {
  AtlasClient,
  CollectionRestoreJob,
  CreateCollectionRestoreJobRequest,
  RestoreJobCollection,
} from '../atlas/index.js';
import type {
  AwaitRestoreInput,
  CheckCollectionRestoreInput,
  CheckedCollectionRestore,
  CollectionOutcome,
  CollectionRestoreReport,
  CreatedResource,
  RestoreRequest,
  SourceRef,
  StartRestoreInput,
} from '../contract/index.js';
import { AttemptCalls } from './calls.js';
import { checkCollectionRestore } from './collection-preflight.js';
import { createOrAdopt, objectIdTimeMs, pollOnce, shapeOf } from './core.js';
import { terminalFailure } from './failures.js';
import { isOurRestoreTime } from './sources.js';

/** The failure type of a create that waits for another collection restore job on the cluster. */
export const COLLECTION_RESTORE_BUSY = 'CollectionRestoreJobRunning';
const LABEL = 'collection restore job';
const ENDED_BADLY: Record<string, 'RestoreFailed' | 'RestoreCancelled'> = {
  FAILED: 'RestoreFailed',
  CANCELED: 'RestoreCancelled',
  CANCELLED: 'RestoreCancelled',
};

function specOf(req: RestoreRequest) {
  if (!req.collections) throw terminalFailure('InvalidInput', 'not a collection restore', { resource: 'restoreJob' });
  return req.collections;
}

/** The request body Atlas takes: one source (snapshot or point in time), the scope, the names. */
export function collectionRestoreBody(req: RestoreRequest): CreateCollectionRestoreJobRequest {
  const c = specOf(req);
  const ns = (sourceNamespace: string) => ({ sourceNamespace });
  const source =
    req.deliveryType !== 'pointInTime'
      ? { snapshotId: req.snapshotId }
      : req.pointInTimeUTCSeconds !== undefined
        ? { pointInTimeUtcSeconds: req.pointInTimeUTCSeconds }
        : { oplogTs: req.oplogTs, oplogInc: req.oplogInc };
  return {
    ...source,
    targetGroupId: req.targetGroupId!,
    targetClusterName: req.targetClusterName!,
    writeStrategy: c.writeStrategy,
    indexStrategy: c.indexStrategy,
    ...(c.collections
      ? { collections: c.collections.map(ns), collectionSuffix: c.suffix }
      : { databases: (c.databases ?? []).map(ns), databaseSuffix: c.suffix }),
  };
}

const names = (list: { sourceNamespace: string }[] | undefined) => (list ?? []).map((n) => n.sourceNamespace).join(',');

/** Same request (Atlas echoes it), and not ended badly: an earlier attempt's job of this step. */
export function isSameCollectionRestore(job: CollectionRestoreJob, body: CreateCollectionRestoreJobRequest): boolean {
  const scalar = ['snapshotId', 'pointInTimeUtcSeconds', 'oplogTs', 'oplogInc', 'targetGroupId'] as const;
  if (scalar.some((k) => job[k] !== body[k])) return false;
  if (job.targetClusterName !== body.targetClusterName || job.writeStrategy !== body.writeStrategy) return false;
  if (job.indexStrategy !== body.indexStrategy) return false;
  if ((job.collectionSuffix ?? '') !== (body.collectionSuffix ?? '')) return false;
  if ((job.databaseSuffix ?? '') !== (body.databaseSuffix ?? '')) return false;
  if (names(job.collections) !== names(body.collections) || names(job.databases) !== names(body.databases))
    return false;
  return !ENDED_BADLY[job.state ?? ''];
}

const view = (j: CollectionRestoreJob) => ({ id: j.id, state: j.state ?? 'INITIALIZING' });

/** A create Atlas refused because another job runs on the cluster: wait for it (retry-as-poll), do not fail. */
function busy(err: unknown, src: SourceRef, target: string): Error {
  const f = err instanceof ApplicationFailure ? err : undefined;
  const d = f?.details?.[0] as { httpStatus?: number; parameters?: unknown[] } | undefined;
  if (d?.httpStatus !== 409) return err as Error;
  const other = typeof d.parameters?.[0] === 'string' ? ` ${d.parameters[0]}` : '';
  return ApplicationFailure.create({
    message:
      `Waiting for collection restore job${other} to end: Atlas runs one per cluster at a time ` +
      `(source '${src.clusterName}', target '${target}'); the create is sent again when it has.`,
    type: COLLECTION_RESTORE_BUSY,
    nonRetryable: false,
    details: [{ resource: 'restoreJob', id: other.trim() || 'another job', state: 'waiting for the running job' }],
    category: ApplicationFailureCategory.BENIGN,
  });
}

async function startCollectionRestore(client: AtlasClient, input: StartRestoreInput): Promise<CreatedResource> {
  const { source, restore, stepStartedAt } = input;
  const calls = new AttemptCalls(client, source);
  const path = { groupId: source.groupId, clusterName: source.clusterName };
  const body = collectionRestoreBody(restore);
  try {
    const { resource: _, ...created } = await createOrAdopt(
      calls,
      {
        label: LABEL,
        ours: async () =>
          (await calls.all('listCollectionRestoreJobs', path))
            .filter((j) => isSameCollectionRestore(j, body) && isOurRestoreTime(j.id, stepStartedAt))
            .map(view),
        create: async () => view(await calls.call('createCollectionRestoreJob', { path, body })),
        id: (j) => j.id,
        state: (j) => j.state,
        createdAt: (j) => objectIdTimeMs(j.id),
      },
      client.commitHorizonMs,
    );
    return created;
  } catch (err) {
    throw busy(err, source, body.targetClusterName);
  }
}

function outcomeOf(c: RestoreJobCollection): CollectionOutcome {
  return {
    sourceNamespace: c.sourceNamespace,
    targetNamespace: c.effectiveTargetNamespace || c.targetNamespace || c.sourceNamespace,
    state: c.state ?? 'UNKNOWN',
    ...(c.restoredDocuments !== undefined ? { restoredDocuments: c.restoredDocuments } : {}),
    ...(c.totalDocuments !== undefined ? { totalDocuments: c.totalDocuments } : {}),
    ...(c.errorMessage || c.indexStatus?.errorMessage
      ? { errorMessage: c.errorMessage ?? c.indexStatus?.errorMessage }
      : {}),
  };
}

async function reportOf(
  calls: AttemptCalls,
  src: SourceRef,
  job: CollectionRestoreJob,
): Promise<CollectionRestoreReport> {
  const path = { groupId: src.groupId, clusterName: src.clusterName, jobId: job.id };
  const collections = (await calls.all('listRestoreJobCollections', path)).map(outcomeOf);
  return {
    jobId: job.id,
    state: job.state,
    writeStrategy: job.writeStrategy === 'OVERWRITE_EXISTING' ? 'OVERWRITE_EXISTING' : 'CREATE_NEW',
    restoredDocuments: job.restoredDocuments,
    totalDocuments: job.totalDocuments,
    collections,
  };
}

/** The documents restored have grown by the input's report step since the last report. */
function reachedNextReport(input: AwaitRestoreInput, restored?: number, total?: number): boolean {
  if (!input.reportEvery || restored === undefined || !total) return false;
  return restored / total >= (input.reported ?? 0) + input.reportEvery;
}

async function awaitCollectionRestore(client: AtlasClient, input: AwaitRestoreInput) {
  const { source, restoreJobId: jobId } = input;
  const calls = new AttemptCalls(client, source);
  const path = { groupId: source.groupId, clusterName: source.clusterName, jobId };
  return pollOnce('restoreJob', jobId, `${LABEL} ${jobId}`, shapeOf(input), async () => {
    const job = await calls.call('getCollectionRestoreJob', { path });
    const state = job.state ?? 'INITIALIZING';
    if (state === 'SUCCESSFUL') {
      const report = await reportOf(calls, source, job);
      return { state, done: { finishedAt: job.finishedAt, facts: { collectionRestore: report } } };
    }
    const ended = ENDED_BADLY[state];
    if (ended) {
      const report = await reportOf(calls, source, job);
      const failed = (report.collections ?? []).filter((c) => c.state !== 'SUCCESSFUL');
      const which = failed.map((c) => `${c.sourceNamespace} ${c.state}${c.errorMessage ? ` (${c.errorMessage})` : ''}`);
      const message =
        `Collection restore job ${jobId} of '${source.clusterName}' in project ${source.groupId} ended ${state}` +
        (job.errorMessage ? `: ${job.errorMessage}` : '') +
        (which.length ? `. Collections: ${which.join('; ')}` : '') +
        '. Atlas rolls a failed job back; check the target before starting again.';
      return { state, terminal: { type: ended, message, details: { collectionRestore: report } } };
    }
    const progress = { restoredDocuments: job.restoredDocuments, totalDocuments: job.totalDocuments };
    if (reachedNextReport(input, job.restoredDocuments, job.totalDocuments))
      return {
        state,
        done: { facts: { progress: { restoredDocuments: job.restoredDocuments, totalDocuments: job.totalDocuments } } },
      };
    return { state, progress };
  });
}

export function collectionRestoreActivities(client: AtlasClient) {
  return {
    checkCollectionRestore: (input: CheckCollectionRestoreInput): Promise<CheckedCollectionRestore> =>
      checkCollectionRestore(client, input),
    startCollectionRestore: (input: StartRestoreInput) => startCollectionRestore(client, input),
    awaitCollectionRestore: (input: AwaitRestoreInput) => awaitCollectionRestore(client, input),
  };
}
