// The one-backup-per-cluster rule: at most one backupPipeline runs per (project, cluster), whoever
// started it (the CLI, a library caller, a Schedule, a fleet). Enforced with visibility on the
// AtlasProject/AtlasCluster search attributes, which every start sets:
//  1. before starting, a Running backupPipeline of the cluster means no start (naming it);
//  2. after starting, if an earlier Running pipeline of the cluster shows up (two starts raced past
//     check 1), ours terminates itself before it can take a snapshot of its own.
// Ids stay unique per run (backup-<cluster>-<groupId>-<UTC time>) so each run's history and result
// remain addressable after later runs of the cluster; a per-cluster id with a conflict policy would
// not cover Schedules, which append their own fire time to the id.
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowIdConflictPolicy,
  WorkflowIdReusePolicy,
  type Client,
  type WorkflowHandleWithFirstExecutionRunId,
} from '@temporalio/client';
import {
  AtlasCluster,
  AtlasProject,
  backupRunWorkflowId,
  BackupPhase,
  type BackupPipelineInput,
  type BackupPipelineRequest,
  type FleetTarget,
  type RunningBackup,
} from '../contract/index.js';
import type { backupPipeline } from '../workflows/index.js';
import { runningBackupsQuery } from './query.js';

/** A start refused because the cluster already has a backup in flight (names the run to watch instead). */
export class BackupAlreadyRunningError extends Error {
  constructor(
    readonly runningWorkflowId: string,
    readonly clusterName: string,
  ) {
    super(
      `cluster '${clusterName}' already has a backup in flight (workflow ${runningWorkflowId}); ` +
        `not starting a racing pipeline — watch it with: atlas-backup watch ${runningWorkflowId}`,
    );
    this.name = 'BackupAlreadyRunningError';
  }
}

/** The search attributes every backupPipeline start sets: the rule and every query rely on them. */
export function pipelineSearchAttributes(groupId: string, clusterName: string) {
  return [
    { key: AtlasProject, value: groupId },
    { key: AtlasCluster, value: clusterName },
    { key: BackupPhase, value: 'starting' },
  ];
}

/**
 * Visibility is eventually consistent: a run that just closed can still be listed as Running for a
 * moment. The run's own description is authoritative, so a closed one never blocks a new backup.
 */
async function stillRunning(client: Client, workflowId: string, runId: string): Promise<boolean> {
  const d = await client.workflow
    .getHandle(workflowId, runId)
    .describe()
    .catch(() => undefined);
  return d === undefined || d.status.name === 'RUNNING';
}

/** The id of a Running backupPipeline of this cluster, if visibility knows of one. */
export async function runningBackupOf(
  client: Client,
  groupId: string,
  clusterName: string,
): Promise<string | undefined> {
  const query = runningBackupsQuery(groupId, clusterName);
  for await (const wf of client.workflow.list({ query, pageSize: 10 })) {
    if (await stillRunning(client, wf.workflowId, wf.runId)) return wf.workflowId;
  }
  return undefined;
}

/** Of the given clusters, those a Running backupPipeline is backing up now (one query per project). */
export async function runningBackupsAmong(client: Client, clusters: FleetTarget[]): Promise<RunningBackup[]> {
  const wanted = new Set(clusters.map((c) => `${c.groupId}/${c.clusterName}`));
  const found: RunningBackup[] = [];
  for (const groupId of new Set(clusters.map((c) => c.groupId))) {
    for await (const wf of client.workflow.list({ query: runningBackupsQuery(groupId), pageSize: 1000 })) {
      const clusterName = wf.typedSearchAttributes.get(AtlasCluster);
      if (typeof clusterName !== 'string' || !wanted.has(`${groupId}/${clusterName}`)) continue;
      const d = await client.workflow
        .getHandle(wf.workflowId, wf.runId)
        .describe()
        .catch(() => undefined);
      if (d?.status.name === 'RUNNING') found.push({ groupId, clusterName, workflowId: wf.workflowId });
    }
  }
  return found;
}

async function earlierRunningBackup(
  client: Client,
  groupId: string,
  clusterName: string,
  ours: { workflowId: string; startTime: Date },
): Promise<string | undefined> {
  const query = runningBackupsQuery(groupId, clusterName);
  for await (const wf of client.workflow.list({ query, pageSize: 10 })) {
    if (wf.workflowId === ours.workflowId) continue;
    const t = wf.startTime.getTime();
    const earlier = t < ours.startTime.getTime() || (t === ours.startTime.getTime() && wf.workflowId < ours.workflowId);
    if (earlier && (await stillRunning(client, wf.workflowId, wf.runId))) return wf.workflowId;
  }
  return undefined;
}

export interface StartBackupOptions {
  taskQueue: string;
  /** Default backup-<cluster>-<groupId>-<UTC time>. */
  workflowId?: string;
}

/**
 * Starts a backupPipeline under the one-backup-per-cluster rule; throws BackupAlreadyRunningError
 * (naming the run in flight) instead of starting a second one for the cluster.
 */
export async function startBackup(
  client: Client,
  input: BackupPipelineInput | BackupPipelineRequest,
  options: StartBackupOptions,
): Promise<WorkflowHandleWithFirstExecutionRunId<typeof backupPipeline>> {
  const { groupId, clusterName } = input;
  const running = await runningBackupOf(client, groupId, clusterName);
  if (running) throw new BackupAlreadyRunningError(running, clusterName);
  const id = options.workflowId ?? backupRunWorkflowId(groupId, clusterName);
  let handle: WorkflowHandleWithFirstExecutionRunId<typeof backupPipeline>;
  try {
    handle = await client.workflow.start<typeof backupPipeline>('backupPipeline', {
      taskQueue: options.taskQueue,
      workflowId: id,
      args: [input],
      workflowIdConflictPolicy: WorkflowIdConflictPolicy.FAIL,
      workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
      typedSearchAttributes: pipelineSearchAttributes(groupId, clusterName),
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) throw new BackupAlreadyRunningError(id, clusterName);
    throw err;
  }
  const { startTime } = await handle.describe();
  const earlier = await earlierRunningBackup(client, groupId, clusterName, { workflowId: id, startTime });
  if (earlier) {
    await handle
      .terminate(`racing start: ${earlier} is already backing up cluster '${clusterName}'`)
      .catch(() => undefined);
    throw new BackupAlreadyRunningError(earlier, clusterName);
  }
  return handle;
}
