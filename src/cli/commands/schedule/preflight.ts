// A schedule's request is checked against Atlas before the schedule is saved: the pipeline's own
// pre-flight (project, cluster, bucket, restore target, point in time, compliance policy), run by a
// short preflightCheck workflow on the worker, which holds the Atlas credentials the CLI lacks.
import { randomUUID } from 'node:crypto';
import { WorkflowFailedError, type Client, type Connection } from '@temporalio/client';
import type { Command } from 'commander';
import type { BackupPipelineInput } from '../../../contract/index.js';
import { checkSearchAttributes } from '../../../doctor/temporal.js';
import { preflightCheck } from '../../../workflows/index.js';
import { CliError, EXIT_BAD_INPUT } from '../../errors.js';

/** Long enough for the check's own retries; a worker that never picks it up is said as such. */
const WAIT_SECONDS = 180;

export const addPreflightOption = (cmd: Command): Command =>
  cmd.option('--no-preflight', 'save without checking the request against Atlas first (no worker needed)');

/** Throws, naming the field, when the request would fail at its first fire; `saving`: "not created". */
export async function preflightSchedule(
  client: Client,
  taskQueue: string,
  input: BackupPipelineInput,
  saving: string,
): Promise<void> {
  // A namespace without our search attributes would take the schedule but refuse its every run: say so
  // first, as a start does, rather than wait for a worker that cannot serve this namespace anyway.
  // The CLI's client is built on a Connection (src/cli/connect.ts), which has the operator service.
  const attributes = await checkSearchAttributes(client.connection as Connection, client.options.namespace);
  if (attributes.status === 'fail') throw new CliError(`${saving}: ${attributes.line}`, EXIT_BAD_INPUT);
  try {
    await client.workflow.execute(preflightCheck, {
      taskQueue,
      workflowId: `preflight-${input.clusterName}-${input.groupId}-${randomUUID().slice(0, 8)}`,
      args: [input],
      workflowExecutionTimeout: `${WAIT_SECONDS}s`,
    });
  } catch (err) {
    if (!(err instanceof WorkflowFailedError)) throw err;
    const cause = innermost(err);
    if (cause.name === 'TimeoutFailure' || /timed? ?out/i.test(cause.message))
      throw new CliError(
        `${saving}: no worker ran its pre-flight on task queue ${taskQueue} within ${WAIT_SECONDS} s. ` +
          'Start a worker (atlas-backup worker), or pass --no-preflight to save it unchecked.',
      );
    throw new CliError(`${saving}: ${cause.message}`, EXIT_BAD_INPUT);
  }
}

function innermost(err: Error): Error {
  let e: Error = err;
  while (e.cause instanceof Error) e = e.cause;
  return e;
}
