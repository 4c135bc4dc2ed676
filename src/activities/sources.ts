// The one place that knows how each source kind (dedicated, serverless, flex) reaches Atlas: which
// endpoints list and read its snapshots, and create, read, find and cancel its restore jobs. Every
// DR and restore activity goes through this table.
import { ApplicationFailure } from '@temporalio/common';
import type { CreateRestoreJobRequest, FlexRestoreJob, RestoreJob } from '../atlas/index.js';
import type { RestoreRequest, SourceKind, SourceRef, TerminalFailureType } from '../contract/index.js';
import type { AttemptCalls } from './calls.js';
import { objectIdTimeMs } from './core.js';

/** A snapshot reduced to what selection needs, whatever the source kind. */
export interface Candidate {
  id: string;
  completed: boolean;
  status: string;
  timestamp?: string;
  snapshotType?: string;
}

/** A restore job reduced to what creating, waiting and cancelling need. */
export interface JobView {
  id: string;
  state: string;
  done: boolean;
  terminal?: TerminalFailureType;
  finishedAt?: string;
  facts: Record<string, unknown>;
}

export interface SourceApi {
  /** How messages name this kind's restore jobs. */
  jobLabel: string;
  snapshots(calls: AttemptCalls, src: SourceRef, sharded: boolean, snapshotId?: string): Promise<Candidate[]>;
  createRestore(calls: AttemptCalls, src: SourceRef, req: RestoreRequest): Promise<JobView>;
  getRestore(calls: AttemptCalls, src: SourceRef, id: string): Promise<JobView>;
  /** The job an earlier attempt created for this request, if any (restore jobs carry no tag). */
  findRestore(
    calls: AttemptCalls,
    src: SourceRef,
    req: RestoreRequest,
    stepStartedAt: string,
  ): Promise<JobView | undefined>;
  /**
   * Every job of this run's restore step: the same request, not over before the step began, and
   * created (by its ObjectId's seconds) since the step began. See `isOurRestoreTime` for the limits.
   */
  ourRestores(calls: AttemptCalls, src: SourceRef, req: RestoreRequest, stepStartedAt: string): Promise<JobView[]>;
  /** Absent where Atlas offers no cancel endpoint. */
  cancelRestore?(calls: AttemptCalls, src: SourceRef, id: string): Promise<void>;
}

/** Atlas reports finishedAt to the second and its clock is not ours: allow this much slack. */
export const CLOCK_SLACK_MS = 60_000;

/** The request body Atlas takes: only the fields that apply to the delivery type. */
export function restoreJobBody(req: RestoreRequest): CreateRestoreJobRequest {
  const body: CreateRestoreJobRequest = { deliveryType: req.deliveryType };
  if (req.deliveryType !== 'pointInTime' && req.snapshotId) body.snapshotId = req.snapshotId;
  for (const k of ['targetGroupId', 'targetClusterName', 'pointInTimeUTCSeconds', 'oplogTs', 'oplogInc'] as const) {
    if (req[k] !== undefined) (body as Record<string, unknown>)[k] = req[k];
  }
  return body;
}

/** Same request, and not already over before this step began. */
export function isSameRestore(job: RestoreJob, body: CreateRestoreJobRequest, stepStartedAt: string): boolean {
  for (const [k, v] of Object.entries(body)) {
    if ((job as unknown as Record<string, unknown>)[k] !== v) return false;
  }
  if (job.failed || job.cancelled || job.expired) return false;
  return !job.finishedAt || Date.parse(job.finishedAt) >= Date.parse(stepStartedAt) - CLOCK_SLACK_MS;
}

/**
 * Restore jobs carry no tag. A job is this run's when it asks for exactly our request (for a
 * pipeline that names the snapshot the run took and tagged, so no one else's job matches) and Atlas
 * created it, by the seconds in its ObjectId id, no earlier than the step began (less the clock
 * slack). Limit: a DR restore of an existing snapshot (or a point in time) that someone else asks
 * for with the same target in the same window looks like ours; ids that are not ObjectIds pass.
 */
export function isOurRestoreTime(id: string, stepStartedAt: string): boolean {
  const t = objectIdTimeMs(id);
  return t === undefined || t >= Date.parse(stepStartedAt) - CLOCK_SLACK_MS;
}

export function restoreJobState(job: RestoreJob): string {
  if (job.failed) return 'failed';
  if (job.cancelled) return 'cancelled';
  if (job.expired) return 'expired';
  if (job.finishedAt) return 'finished';
  if (job.deliveryType === 'download' && job.deliveryUrl?.length) return 'ready';
  return 'inProgress';
}

const TERMINAL_RESTORE: Record<string, TerminalFailureType> = {
  failed: 'RestoreFailed',
  cancelled: 'RestoreCancelled',
  expired: 'RestoreExpired',
};

function restoreJobView(job: RestoreJob): JobView {
  const state = restoreJobState(job);
  return {
    id: job.id,
    state,
    done: state === 'finished' || state === 'ready',
    terminal: TERMINAL_RESTORE[state],
    finishedAt: job.finishedAt,
    facts: { deliveryType: job.deliveryType, deliveryUrl: job.deliveryUrl, snapshotTimestamp: job.timestamp },
  };
}

const fromSnapshot = (s: { id: string; status: string; createdAt?: string; snapshotType?: string }): Candidate => ({
  id: s.id,
  completed: s.status === 'completed',
  status: s.status,
  timestamp: s.createdAt,
  snapshotType: s.snapshotType,
});

/** Dedicated and serverless restore jobs share one request and job shape, on their own endpoints. */
function clusterRestoreJobs(
  create: 'createBackupRestoreJob' | 'createServerlessRestoreJob',
  get: 'getBackupRestoreJob' | 'getServerlessRestoreJob',
  list: 'listBackupRestoreJobs' | 'listServerlessRestoreJobs',
): Pick<SourceApi, 'createRestore' | 'getRestore' | 'findRestore' | 'ourRestores'> {
  return {
    createRestore: async (calls, { groupId, clusterName }, req) =>
      restoreJobView(await calls.call(create, { path: { groupId, clusterName }, body: restoreJobBody(req) })),
    getRestore: async (calls, { groupId, clusterName }, restoreJobId) =>
      restoreJobView(await calls.call(get, { path: { groupId, clusterName, restoreJobId } })),
    async findRestore(calls, { groupId, clusterName }, req, since) {
      const body = restoreJobBody(req);
      const job = await calls.find(list, { groupId, clusterName }, (j: RestoreJob) => isSameRestore(j, body, since));
      return job && restoreJobView(job);
    },
    async ourRestores(calls, { groupId, clusterName }, req, since) {
      const body = restoreJobBody(req);
      const all: RestoreJob[] = await calls.all(list, { groupId, clusterName });
      return all.filter((j) => isSameRestore(j, body, since) && isOurRestoreTime(j.id, since)).map(restoreJobView);
    },
  };
}

const dedicated: SourceApi = {
  jobLabel: 'restore job',
  async snapshots(calls, { groupId, clusterName }, sharded, snapshotId) {
    if (snapshotId) {
      const path = { groupId, clusterName, snapshotId };
      return [
        fromSnapshot(
          sharded
            ? await calls.call('getBackupShardedCluster', { path })
            : await calls.call('getClusterBackupSnapshot', { path }),
        ),
      ];
    }
    const list = sharded
      ? await calls.all('listBackupShardedClusters', { groupId, clusterName })
      : await calls.all('listBackupSnapshots', { groupId, clusterName });
    return list.map(fromSnapshot);
  },
  ...clusterRestoreJobs('createBackupRestoreJob', 'getBackupRestoreJob', 'listBackupRestoreJobs'),
  async cancelRestore(calls, { groupId, clusterName }, restoreJobId) {
    await calls.call('cancelBackupRestoreJob', { path: { groupId, clusterName, restoreJobId } });
  },
};

const legacyServerless: SourceApi = {
  jobLabel: 'serverless restore job',
  async snapshots(calls, { groupId, clusterName }, _sharded, snapshotId) {
    if (snapshotId)
      return [
        fromSnapshot(await calls.call('getServerlessBackupSnapshot', { path: { groupId, clusterName, snapshotId } })),
      ];
    return (await calls.all('listServerlessBackupSnapshots', { groupId, clusterName })).map(fromSnapshot);
  },
  ...clusterRestoreJobs('createServerlessRestoreJob', 'getServerlessRestoreJob', 'listServerlessRestoreJobs'),
};

/**
 * Flex jobs restore a snapshot into a target (createFlexRestoreJob) or prepare it for download
 * (downloadFlexBackup); they carry no tag and no request echo but these.
 */
function flexRequest(req: RestoreRequest) {
  return {
    download: req.deliveryType === 'download',
    snapshotId: req.snapshotId ?? '',
    targetProjectId: req.targetGroupId ?? '',
    targetDeploymentItemName: req.targetClusterName ?? '',
  };
}

/** Same delivery, snapshot and target (a download has none), not failed, not finished before this step began. */
export function isSameFlexRestore(
  job: FlexRestoreJob,
  want: ReturnType<typeof flexRequest>,
  stepStartedAt: string,
): boolean {
  const delivery = want.download ? 'DOWNLOAD' : 'RESTORE';
  if (job.deliveryType !== undefined && job.deliveryType !== delivery) return false;
  if (job.snapshotId !== want.snapshotId) return false;
  if (!want.download && job.targetDeploymentItemName !== want.targetDeploymentItemName) return false;
  if (!want.download && job.targetProjectId !== undefined && job.targetProjectId !== want.targetProjectId) return false;
  if (job.status === 'FAILED') return false;
  if (job.status !== 'COMPLETED') return true;
  return !!job.restoreFinishedDate && Date.parse(job.restoreFinishedDate) >= Date.parse(stepStartedAt);
}

function flexJobView(job: FlexRestoreJob): JobView {
  return {
    id: job.id,
    state: job.status,
    done: job.status === 'COMPLETED',
    terminal: job.status === 'FAILED' ? 'RestoreFailed' : undefined,
    finishedAt: job.restoreFinishedDate,
    facts: {
      deliveryType: job.deliveryType,
      snapshotFinishedDate: job.snapshotFinishedDate,
      // A download's link (snapshotUrl) is the flex equivalent of a dedicated job's deliveryUrl.
      ...(job.snapshotUrl ? { deliveryUrl: [job.snapshotUrl] } : {}),
    },
  };
}

const flex: SourceApi = {
  jobLabel: 'flex restore job',
  async snapshots(calls, { groupId, clusterName: name }, _sharded, snapshotId) {
    const toCandidate = (s: {
      id: string;
      status: string;
      finishTime?: string;
      startTime?: string;
      scheduledTime?: string;
    }): Candidate => ({
      id: s.id,
      completed: s.status === 'COMPLETED',
      status: s.status,
      timestamp: s.finishTime ?? s.startTime ?? s.scheduledTime,
    });
    if (snapshotId)
      return [toCandidate(await calls.call('getFlexBackupSnapshot', { path: { groupId, name, snapshotId } }))];
    return (await calls.all('listFlexBackupSnapshots', { groupId, name })).map(toCandidate);
  },
  async createRestore(calls, { groupId, clusterName: name }, req) {
    const { download, ...body } = flexRequest(req);
    return flexJobView(
      download
        ? await calls.call('downloadFlexBackup', { path: { groupId, name }, body: { snapshotId: body.snapshotId } })
        : await calls.call('createFlexRestoreJob', { path: { groupId, name }, body }),
    );
  },
  getRestore: async (calls, { groupId, clusterName: name }, restoreJobId) =>
    flexJobView(await calls.call('getFlexRestoreJob', { path: { groupId, name, restoreJobId } })),
  async findRestore(calls, { groupId, clusterName: name }, req, since) {
    const want = flexRequest(req);
    const job = await calls.find('listFlexRestoreJobs', { groupId, name }, (j) => isSameFlexRestore(j, want, since));
    return job && flexJobView(job);
  },
  async ourRestores(calls, { groupId, clusterName: name }, req, since) {
    const want = flexRequest(req);
    return (await calls.all('listFlexRestoreJobs', { groupId, name }))
      .filter((j) => isSameFlexRestore(j, want, since) && isOurRestoreTime(j.id, since))
      .map(flexJobView);
  },
};

/** Atlas's answers that mean "this name is not a flex cluster" (rather than "no such snapshot or job"). */
const NOT_FLEX = new Set(['CANNOT_USE_NON_FLEX_CLUSTER_IN_FLEX_API', 'CLUSTER_NOT_FOUND', 'FLEX_CLUSTER_NOT_FOUND']);

/** The flex call, or the legacy serverless one when Atlas says the name is not a flex cluster. */
async function flexFirst<T>(viaFlex: () => Promise<T>, viaServerless: () => Promise<T>): Promise<T> {
  try {
    return await viaFlex();
  } catch (err) {
    if (err instanceof ApplicationFailure && err.type && NOT_FLEX.has(err.type)) return viaServerless();
    throw err;
  }
}

/**
 * Atlas retired serverless instances on 2026-01-22 and moved them to flex (or dedicated) clusters,
 * keeping their names; the serverless backup endpoints answer 410 since. A serverless source is
 * read through the flex endpoints first; only a name Atlas says is not a flex cluster goes to the
 * serverless endpoints, whose 410 (or 404) stops the step with the advice of the failure table.
 */
const serverless: SourceApi = {
  jobLabel: 'serverless restore job',
  snapshots: (calls, src, sharded, snapshotId) =>
    flexFirst(
      () => flex.snapshots(calls, src, sharded, snapshotId),
      () => legacyServerless.snapshots(calls, src, sharded, snapshotId),
    ),
  createRestore: (calls, src, req) =>
    flexFirst(
      () => flex.createRestore(calls, src, req),
      () => legacyServerless.createRestore(calls, src, req),
    ),
  getRestore: (calls, src, id) =>
    flexFirst(
      () => flex.getRestore(calls, src, id),
      () => legacyServerless.getRestore(calls, src, id),
    ),
  findRestore: (calls, src, req, since) =>
    flexFirst(
      () => flex.findRestore(calls, src, req, since),
      () => legacyServerless.findRestore(calls, src, req, since),
    ),
  ourRestores: (calls, src, req, since) =>
    flexFirst(
      () => flex.ourRestores(calls, src, req, since),
      () => legacyServerless.ourRestores(calls, src, req, since),
    ),
};

export const SOURCES: Readonly<Record<SourceKind, SourceApi>> = { dedicated, serverless, flex };
