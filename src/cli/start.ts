// Starting a pipeline under the one-backup-per-cluster rule, shared by `backup` and the demo.
//
// The rule: at most one backupPipeline runs per (project, cluster). Two guards enforce it:
//  1. a visibility query for a Running backupPipeline with the same AtlasProject/AtlasCluster
//     (this is what catches a scheduled run, whose id Temporal suffixes with its fire time), and
//  2. a fixed workflow id per cluster with the FAIL conflict policy, so two manual starts racing
//     past the query still cannot both run.
import { WorkflowExecutionAlreadyStartedError, WorkflowIdConflictPolicy, WorkflowIdReusePolicy, type Client, type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { AtlasCluster, AtlasProject, BackupPhase } from '../workflows/search-attributes.js';
import type { BackupPipelineInput, BackupPipelineRequest } from '../workflows/inputs.js';
import { CliError, EXIT_RUN_FAILED } from './errors.js';
import { backupWorkflowId, q } from './ids.js';

export class BackupAlreadyRunningError extends CliError {
  constructor(
    readonly runningWorkflowId: string,
    clusterName: string,
  ) {
    super(`cluster '${clusterName}' already has a backup in flight (workflow ${runningWorkflowId}); not starting a racing pipeline — watch it with: atlas-backup watch ${runningWorkflowId}`, EXIT_RUN_FAILED);
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

/** The id of a Running backupPipeline of this cluster, if visibility knows of one. */
export async function runningBackupOf(client: Client, groupId: string, clusterName: string): Promise<string | undefined> {
  const query = `WorkflowType = 'backupPipeline' AND ExecutionStatus = 'Running' AND AtlasProject = ${q(groupId)} AND AtlasCluster = ${q(clusterName)}`;
  for await (const wf of client.workflow.list({ query, pageSize: 1 })) return wf.workflowId;
  return undefined;
}

export async function startBackup(client: Client, input: BackupPipelineInput | BackupPipelineRequest, taskQueue: string, workflowId?: string): Promise<WorkflowHandleWithFirstExecutionRunId> {
  const { groupId, clusterName } = input;
  const running = await runningBackupOf(client, groupId, clusterName);
  if (running) throw new BackupAlreadyRunningError(running, clusterName);
  const id = workflowId ?? backupWorkflowId(groupId, clusterName);
  try {
    return await client.workflow.start('backupPipeline', {
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
}
