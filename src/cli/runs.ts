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

/**
 * Requests cancellation of a running run (`cancel`, `fleet cancel`); a closed one is bad input naming
 * `arg`. Prints how to follow it with `watch` (e.g. `watch`, `fleet watch`).
 */
export async function cancelRunning(client: Client, id: string, namespace: string, arg: string, watch: string) {
  const handle = await existingRun(client, id, namespace);
  const d = await handle.describe();
  if (d.status.name !== 'RUNNING')
    throw new UsageError(`${arg}: ${id} is not running (status ${d.status.name}); nothing to cancel`);
  await handle.cancel();
  process.stdout.write(`cancellation requested for ${id}; follow it with: atlas-backup ${watch} ${id}\n`);
}
