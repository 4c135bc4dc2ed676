// Starting a pipeline under the one-backup-per-cluster rule, shared by `backup` and the demo.
//
// The rule: at most one backupPipeline runs per (project, cluster), whoever started it (`backup`,
// a Schedule, another client). Enforced with visibility on the AtlasProject/AtlasCluster search
// attributes, which every start sets:
//  1. before starting, a Running backupPipeline of the cluster means no start (exit 1, naming it);
//  2. after starting, if an earlier Running pipeline of the cluster shows up (two starts raced past
//     check 1), ours terminates itself before it can take a snapshot of its own.
// Workflow ids are backup-<cluster>-<groupId>-<UTC time>: readable, sortable, and unique per run,
// so each run's history and result stay addressable by id after later runs of the cluster.
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowIdConflictPolicy,
  WorkflowIdReusePolicy,
  type Client,
  type WorkflowHandleWithFirstExecutionRunId,
} from '@temporalio/client';
import { AtlasCluster, AtlasProject, BackupPhase } from '../contract/index.js';
import type { BackupPipelineInput, BackupPipelineRequest } from '../contract/index.js';
import { CliError, EXIT_RUN_FAILED } from './errors.js';
import { backupWorkflowId, q } from './ids.js';
import { backupPipeline } from '../workflows/index.js';

export class BackupAlreadyRunningError extends CliError {
  constructor(
    readonly runningWorkflowId: string,
    clusterName: string,
  ) {
    super(
      `cluster '${clusterName}' already has a backup in flight (workflow ${runningWorkflowId}); ` +
        `not starting a racing pipeline — watch it with: atlas-backup watch ${runningWorkflowId}`,
      EXIT_RUN_FAILED,
    );
    this.name = 'BackupAlreadyRunningError';
  }
}

export function pipelineSearchAttributes(groupId: string, clusterName: string) {
  return [
    { key: AtlasProject, value: groupId },
    { key: AtlasCluster, value: clusterName },
    { key: BackupPhase, value: 'starting' },
  ];
}

const runningBackupsQuery = (groupId: string, clusterName: string) =>
  "WorkflowType = 'backupPipeline' AND ExecutionStatus = 'Running' AND " +
  `AtlasProject = ${q(groupId)} AND AtlasCluster = ${q(clusterName)}`;

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

/** backup-<cluster>-<groupId>-20261122T031500123Z */
export function manualWorkflowId(groupId: string, clusterName: string, now = new Date()): string {
  return `${backupWorkflowId(groupId, clusterName)}-${now.toISOString().replace(/[-:.]/g, '')}`;
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

export async function startBackup(
  client: Client,
  input: BackupPipelineInput | BackupPipelineRequest,
  taskQueue: string,
  workflowId?: string,
): Promise<WorkflowHandleWithFirstExecutionRunId> {
  const { groupId, clusterName } = input;
  const running = await runningBackupOf(client, groupId, clusterName);
  if (running) throw new BackupAlreadyRunningError(running, clusterName);
  const id = workflowId ?? manualWorkflowId(groupId, clusterName);
  let handle: WorkflowHandleWithFirstExecutionRunId;
  try {
    handle = await client.workflow.start(backupPipeline, {
      taskQueue,
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
