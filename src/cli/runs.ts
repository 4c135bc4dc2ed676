// Looking up a run the operator named by workflow id.
import { WorkflowNotFoundError, type Client, type WorkflowHandle } from '@temporalio/client';
import { UsageError } from './errors.js';

/** A handle on an existing run; an unknown id is bad input (exit 2). */
export async function existingRun(client: Client, id: string, namespace: string): Promise<WorkflowHandle> {
  const handle = client.workflow.getHandle(id);
  try {
    await handle.describe();
  } catch (err) {
    if (err instanceof WorkflowNotFoundError)
      throw new UsageError(`<id>: no run with workflow id '${id}' in namespace ${namespace}`);
    throw err;
  }
  return handle;
}
