// preflightCheck: the pipeline's pre-flight alone, for a request that is saved rather than run (a
// schedule's), so a typo in its project, cluster, bucket or restore target fails when it is saved,
// not at its first fire. The same activity as a run's pre-flight, on the worker that holds the
// Atlas credentials; it takes no snapshot and changes nothing.
import { proxyActivities } from '@temporalio/workflow';
import { backupPipelineInputSchema, type Activities, type BackupPipelineRequest } from '../contract/index.js';
import type { PreflightResult } from '../contract/index.js';
import { callOptions } from './activity-options.js';
import { parseWorkflowInput } from './outcomes.js';
import { preflightInputOf } from './pipeline-safety.js';

/** How long the check may retry Atlas's transient failures: the caller is waiting at a prompt. */
const CHECK_DEADLINE_SECONDS = 120;

export async function preflightCheck(request: BackupPipelineRequest): Promise<PreflightResult> {
  const input = parseWorkflowInput(backupPipelineInputSchema(), request, 'preflightCheck');
  const acts = proxyActivities<Activities>(
    callOptions(input.retry, input.timeouts, CHECK_DEADLINE_SECONDS, input.groupId),
  );
  return acts.preflightPipeline(preflightInputOf(input));
}
