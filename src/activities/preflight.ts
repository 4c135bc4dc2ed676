// The pipeline's pre-flight: everything a run will need from Atlas is checked before the
// snapshot, so a bad project, cluster, bucket, restore target or point in time fails the run in
// seconds naming the input field, and no orphan snapshot is left behind. One activity, few reads:
// its cluster read also tells takeSnapshot whether the cluster is sharded.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { probeUserAdmin, type AtlasClient, type Cluster } from '../atlas/index.js';
import type { NotifySpec, PreflightInput, PreflightResult } from '../contract/index.js';
import { AttemptCalls } from './calls.js';
import { judgeRetention, type PolicyRead } from './compliance.js';
import { refuseTarget } from './restore-targets.js';
import { SharedReads } from './shared-reads.js';

/** The input fields a restore check's failure names, and what had not happened yet when it failed. */
export interface RestoreFieldNames {
  targetGroupId: string;
  targetClusterName: string;
  pointInTimeUTCSeconds: string;
  oplogTs: string;
  deliveryType: string;
  sourceCluster: string;
  /** How to restore a snapshot instead, in the caller's words. */
  snapshotInstead: string;
  before: string;
}

/** The pipeline's names: its restore is `restore.*` and is checked before the snapshot. */
export const PIPELINE_FIELDS: RestoreFieldNames = {
  targetGroupId: 'restore.targetGroupId',
  targetClusterName: 'restore.targetClusterName',
  pointInTimeUTCSeconds: 'restore.pointInTimeUTCSeconds',
  oplogTs: 'restore.oplogTs',
  deliveryType: 'restore.deliveryType',
  sourceCluster: 'clusterName',
  snapshotInstead: 'restore a snapshot (--restore automated)',
  before: 'before any snapshot was taken',
};

/** A check that failed: the input field it concerns and why; the run fails with it at once. */
export function preflightFailure(
  field: string,
  why: string,
  atlas?: unknown,
  before = PIPELINE_FIELDS.before,
): ApplicationFailure {
  return ApplicationFailure.create({
    type: 'PreflightFailed',
    message: `Pre-flight check failed ${before}: ${field}: ${why}`,
    nonRetryable: true,
    details: [{ field, ...(atlas ? { atlas } : {}) }],
  });
}

interface AtlasRefusal {
  errorCode?: string;
  httpStatus?: number;
}

/** The Atlas error a non-retryable call failure carries, if any (retryable ones are left to Temporal). */
function refusalOf(err: unknown): AtlasRefusal | undefined {
  if (!(err instanceof ApplicationFailure) || !err.nonRetryable) return undefined;
  return (err.details?.[0] as AtlasRefusal | undefined) ?? {};
}

/** Reads one thing; a refusal becomes a pre-flight failure naming `field` (the field `how` picks). */
export async function read<T>(
  call: () => Promise<T>,
  how: (r: AtlasRefusal) => string,
  before = PIPELINE_FIELDS.before,
): Promise<T> {
  try {
    return await call();
  } catch (err) {
    const r = refusalOf(err);
    if (!r) throw err;
    throw preflightFailure(how(r), (err as Error).message, r, before);
  }
}

/** Which field a refused cluster read is about: the project (missing or forbidden) or the cluster. */
export const clusterField = (project: string, cluster: string) => (r: AtlasRefusal) =>
  r.errorCode === 'GROUP_NOT_FOUND' || r.httpStatus === 403 ? project : cluster;

/** Flex and serverless clusters live behind other endpoints: the dedicated cluster API refuses them. */
const NOT_DEDICATED = ['CANNOT_USE_FLEX_CLUSTER_IN_CLUSTER_API', 'CANNOT_USE_SERVERLESS_INSTANCE_IN_CLUSTER_API'];

/** A project's Backup Compliance Policy; 404 is "none", 403 (not Project Owner) is "cannot tell". */
export async function readCompliancePolicy(calls: AttemptCalls, groupId: string): Promise<PolicyRead> {
  try {
    return { kind: 'policy', policy: await calls.call('getCompliancePolicy', { path: { groupId } }) };
  } catch (err) {
    const r = refusalOf(err);
    if (r?.httpStatus === 404) return { kind: 'none' };
    if (r?.httpStatus === 403) return { kind: 'forbidden', errorCode: r.errorCode };
    throw err;
  }
}

const RESTORE_JOBS_PAGES = 1; // newest first: a running job is on the first page
/** Atlas's largest page: one shared read covers the clusters of all but the largest projects. */
const CLUSTERS_PAGE = 500;

/** One attempt's reads, the project-wide ones shared with the worker's other pre-flights. */
export class PreflightReads {
  constructor(
    private readonly client: AtlasClient,
    private readonly shared: SharedReads,
    readonly calls: AttemptCalls,
  ) {}

  /** A read every pipeline of `groupId` makes alike; counted by the attempt that made it. */
  private async share<T>(key: string, groupId: string, read: (scoped: AttemptCalls) => Promise<T>): Promise<T> {
    const scoped = new AttemptCalls(this.client, { groupId });
    const { value, fresh } = this.shared.get(`${groupId} ${key}`, () => read(scoped));
    try {
      return await value;
    } finally {
      if (fresh) this.calls.requests += scoped.requests;
    }
  }

  /** From the project's shared cluster list; a cluster not on it (newer, or past its first page) is read alone. */
  async cluster(groupId: string, clusterName: string): Promise<Cluster> {
    const query = { pageNum: 1, itemsPerPage: CLUSTERS_PAGE };
    const listed = await this.share('clusters', groupId, (scoped) =>
      scoped.call('listClusters', { path: { groupId }, query }),
    );
    const found = listed.results?.find((c) => c.name === clusterName);
    if (found) return found;
    // Its own context, so a refusal names this cluster (a restore target), not the run's source.
    const alone = new AttemptCalls(this.client, { groupId, clusterName });
    try {
      return await alone.call('getCluster', { path: { groupId, clusterName } });
    } finally {
      this.calls.requests += alone.requests;
    }
  }

  /** The project's Backup Compliance Policy; 404 is "none", 403 (not Project Owner) is "cannot tell". */
  compliancePolicy(groupId: string): Promise<PolicyRead> {
    return this.share('compliance policy', groupId, (scoped) => readCompliancePolicy(scoped, groupId));
  }

  exportBucket(groupId: string, exportBucketId: string): Promise<unknown> {
    return this.share(`bucket ${exportBucketId}`, groupId, (scoped) =>
      scoped.call('getExportBucket', { path: { groupId, exportBucketId } }),
    );
  }
}

/** `notifyDefault`: the worker's default `notify`, returned to a pre-flight that asks for it (absent: never). */
export function preflightActivities(
  client: AtlasClient,
  shared = new SharedReads(),
  unpaced: (groupId: string) => boolean = () => false,
  notifyDefault?: NotifySpec | null,
) {
  return {
    async preflightPipeline(input: PreflightInput): Promise<PreflightResult> {
      const { groupId, clusterName } = input;
      const calls = new AttemptCalls(client, { groupId, clusterName });
      const reads = new PreflightReads(client, shared, calls);
      const checked: string[] = [];
      const source = await read(() => reads.cluster(groupId, clusterName), clusterField('groupId', 'clusterName'));
      if (source.backupEnabled === false)
        throw preflightFailure(
          'clusterName',
          `Cloud Backup is off for cluster '${clusterName}' in project ${groupId} (backupEnabled: false): ` +
            'turn on Cloud Backup for the cluster in Atlas, then start the run again.',
        );
      checked.push(`cluster '${clusterName}' (${source.clusterType ?? 'REPLICASET'}, Cloud Backup on)`);
      const notes: string[] = [];
      if (input.retentionInDays !== undefined) {
        const verdict = judgeRetention(await reads.compliancePolicy(groupId), input.retentionInDays, groupId);
        if (verdict.refusal) throw preflightFailure(verdict.refusal.field, verdict.refusal.why);
        if (verdict.note) notes.push(verdict.note);
        checked.push('Backup Compliance Policy');
      }
      if (input.exportBucketId) {
        const exportBucketId = input.exportBucketId;
        await read(
          () => reads.exportBucket(groupId, exportBucketId),
          () => 'export.exportBucketId',
        );
        checked.push(`export bucket ${exportBucketId}`);
      }
      if (input.restore?.targetGroupId && input.restore.targetClusterName)
        checked.push(...(await checkRestore(reads, input, source)));
      for (const { groupId: project, field } of input.temporaryUsers ?? [])
        checked.push(await checkUserAdmin(calls, project, field));
      const clusterType = source.clusterType ?? 'REPLICASET';
      const { attempt } = Context.current().info;
      const connectionString = source.connectionStrings?.standard;
      return {
        clusterType,
        sharded: clusterType !== 'REPLICASET',
        checked,
        ...(notes.length ? { notes } : {}),
        ...(connectionString ? { connectionString } : {}),
        // Asked last: the checks' own answers are what tell the worker how full the bucket is.
        ...(unpaced(groupId) ? { dispatch: 'eager' as const } : {}),
        ...(input.notifyDefault && notifyDefault !== undefined ? { notifyDefault } : {}),
        requests: calls.requests,
        attempts: attempt,
      };
    },
  };
}

type Restore = NonNullable<PreflightInput['restore']>;

/** The restore target can receive this restore, and a point in time is one Atlas can restore. */
async function checkRestore(reads: PreflightReads, input: PreflightInput, source: Cluster): Promise<string[]> {
  const { calls } = reads;
  const restore = input.restore as Restore & { targetGroupId: string; targetClusterName: string };
  const { targetGroupId, targetClusterName } = restore;
  const self = targetGroupId === input.groupId && targetClusterName === input.clusterName;
  const target = self ? source : await readTarget(reads, targetGroupId, targetClusterName, PIPELINE_FIELDS);
  refusePaused(target, targetGroupId, targetClusterName, PIPELINE_FIELDS);
  const refusal = self || !target ? undefined : refuseTarget(source, target);
  if (refusal) throw preflightFailure(refusal.field, refusal.why);
  await checkNotBeingRestored(calls, input, self);
  const checked = [`restore target '${targetClusterName}' in project ${targetGroupId}`];
  if (restore.deliveryType === 'pointInTime')
    checked.push(await checkPointInTime(calls, input, source, PIPELINE_FIELDS));
  return checked;
}

/** A paused cluster cannot receive a restore: said before anything is asked of Atlas or of a person. */
export function refusePaused(target: Cluster | undefined, groupId: string, name: string, f: RestoreFieldNames): void {
  if (target?.paused)
    throw preflightFailure(
      f.targetClusterName,
      `cluster '${name}' in project ${groupId} is paused and cannot receive a restore ` +
        '(Atlas: CLUSTER_PAUSED_CANNOT_RESTORE); resume it first.',
      undefined,
      f.before,
    );
}

/**
 * The target cluster; a flex or serverless target is refused unless `otherKinds` (a flex source can
 * restore into one), when it is undefined: it exists, behind other endpoints.
 */
export async function readTarget(
  reads: PreflightReads,
  groupId: string,
  clusterName: string,
  f: RestoreFieldNames,
  otherKinds = false,
): Promise<Cluster | undefined> {
  try {
    return await reads.cluster(groupId, clusterName);
  } catch (err) {
    const r = refusalOf(err);
    if (!r) throw err;
    if (r.errorCode && NOT_DEDICATED.includes(r.errorCode)) {
      if (otherKinds) return undefined;
      const kind = r.errorCode.includes('FLEX') ? 'a flex cluster' : 'a serverless instance';
      throw preflightFailure(
        f.targetClusterName,
        `'${clusterName}' in project ${groupId} is ${kind}: a dedicated cluster's snapshot cannot be restored ` +
          'into it (Atlas answers 403 CANNOT_RESTORE_TO_TARGET). Name a dedicated (M10+) target cluster.',
        r,
        f.before,
      );
    }
    if (r.httpStatus === 403)
      throw preflightFailure(
        f.targetGroupId,
        `Atlas refused access to project ${groupId} (HTTP 403 ${r.errorCode ?? ''}): the API key or service ` +
          'account needs a role in the target project that may restore into it (Project Backup Manager or Owner).',
        r,
        f.before,
      );
    const field = clusterField(f.targetGroupId, f.targetClusterName)(r);
    throw preflightFailure(field, (err as Error).message, r, f.before);
  }
}

const running = (j: { finishedAt?: string; cancelled?: boolean; failed?: boolean; expired?: boolean }) =>
  !j.finishedAt && !j.cancelled && !j.failed && !j.expired;

/** A restore into the target still running (listed by the target and, when it differs, the source). */
async function checkNotBeingRestored(calls: AttemptCalls, input: PreflightInput, self: boolean): Promise<void> {
  const { targetGroupId, targetClusterName } = input.restore as { targetGroupId: string; targetClusterName: string };
  const into = (j: { deliveryType?: string; targetGroupId?: string; targetClusterName?: string }) =>
    j.deliveryType !== 'download' && j.targetGroupId === targetGroupId && j.targetClusterName === targetClusterName;
  const lists = [{ groupId: targetGroupId, clusterName: targetClusterName }];
  if (!self) lists.push({ groupId: input.groupId, clusterName: input.clusterName });
  for (const path of lists) {
    const busy = await calls.find('listBackupRestoreJobs', path, (j) => into(j) && running(j), RESTORE_JOBS_PAGES);
    if (busy)
      throw preflightFailure(
        'restore.targetClusterName',
        `cluster '${targetClusterName}' in project ${targetGroupId} is being restored by restore job ${busy.id} ` +
          `(from cluster '${path.clusterName}'): wait for it to finish or cancel it, then start the run again.`,
      );
  }
}

/** Not in the future, continuous backup on, and inside the source's restore window. */
export async function checkPointInTime(
  calls: AttemptCalls,
  input: Pick<PreflightInput, 'groupId' | 'clusterName' | 'restore'>,
  source: Cluster,
  f: RestoreFieldNames,
): Promise<string> {
  const { groupId, clusterName } = input;
  const r = input.restore!;
  const field = r.pointInTimeUTCSeconds !== undefined ? f.pointInTimeUTCSeconds : f.oplogTs;
  const at = (r.pointInTimeUTCSeconds ?? r.oplogTs)!;
  const iso = (s: number) => new Date(s * 1000).toISOString();
  const nowSeconds = Math.floor(Date.now() / 1000);
  const fail = (name: string, why: string) => preflightFailure(name, why, undefined, f.before);
  if (at > nowSeconds) throw fail(field, `${at} (${iso(at)}) is in the future; give a time at or before now.`);
  if (source.pitEnabled === false)
    throw fail(
      f.deliveryType,
      `pointInTime needs continuous cloud backup, which is off for cluster '${clusterName}' (pitEnabled: false): ` +
        `turn it on in Atlas, or ${f.snapshotInstead}.`,
    );
  const schedule = await read(
    () => calls.call('getBackupSchedule', { path: { groupId, clusterName } }),
    () => f.sourceCluster,
    f.before,
  );
  const days = schedule.restoreWindowDays;
  if (days !== undefined && at < nowSeconds - days * 86400)
    throw fail(
      field,
      `${at} (${iso(at)}) is outside the restore window of cluster '${clusterName}' (${days} days: ` +
        `the earliest point is ${iso(nowSeconds - days * 86400)}).`,
    );
  return `point in time ${iso(at)} (restore window ${days ?? 'unknown'} days)`;
}

/** Whether the run may make temporary database users in `groupId` (the probe says how it can tell). */
async function checkUserAdmin(calls: AttemptCalls, groupId: string, field: string): Promise<string> {
  try {
    await probeUserAdmin((op, args) => calls.call(op, args), groupId);
  } catch (err) {
    const r = refusalOf(err);
    if (r?.httpStatus === 403)
      throw preflightFailure(
        field,
        `the API key or service account lacks the Project Database Access Admin role on project ${groupId} ` +
          `(Atlas answered 403 ${r.errorCode ?? ''} to a database-user change): data verification creates a ` +
          'temporary database user there. Grant that role (or Project Owner), or run without verify.',
        r,
      );
    if (r?.httpStatus !== 404) throw err;
  }
  return `Project Database Access Admin on project ${groupId} (temporary users for ${field})`;
}
