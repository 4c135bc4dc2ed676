// What `backup` and `dr` do once their run started: print its id, or with --wait follow it with the
// live view and turn its outcome into the exit code.
import type { Client, WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { EXIT_OK, EXIT_RUN_FAILED } from './errors.js';
import { followRun, type RunOutcome } from './live.js';
import { succeeded } from './commands/summary.js';

export interface StartedFlags {
  wait?: boolean;
  json?: boolean;
  /** Say "started <id>" on stderr before the live view (backup does; dr's view starts at once). */
  announce?: boolean;
}

export async function followStarted(
  client: Client,
  handle: WorkflowHandleWithFirstExecutionRunId,
  flags: StartedFlags,
  summary: (outcome: RunOutcome) => string,
): Promise<number> {
  const { workflowId } = handle;
  if (!flags.wait) {
    const line = flags.json ? JSON.stringify({ workflowId, runId: handle.firstExecutionRunId }) : workflowId;
    process.stdout.write(`${line}\n`);
    return EXIT_OK;
  }
  if (flags.announce && !flags.json) process.stderr.write(`started ${workflowId}\n`);
  const stop = new AbortController();
  const onSigint = () => stop.abort();
  // Ctrl-C ends the following, never the run: it says so and how to pick the run up again.
  process.on('SIGINT', onSigint);
  let outcome;
  try {
    outcome = await followRun(client, handle, {
      out: flags.json ? process.stderr : process.stdout,
      signal: stop.signal,
    });
  } finally {
    process.off('SIGINT', onSigint);
  }
  const { status, result, failure } = outcome;
  if (outcome.stopped) {
    if (flags.json) process.stdout.write(`${JSON.stringify({ workflowId, stopped: true, phase: status.phase })}\n`);
    process.stderr.write(`\n${stoppedFollowing(workflowId, status.phase, 'following')}\n`);
    return EXIT_OK;
  }
  if (flags.json) {
    const json = { workflowId, runId: status.runId, executionStatus: status.executionStatus, result, failure, status };
    process.stdout.write(`${JSON.stringify(json)}\n`);
  } else process.stdout.write(`\n${summary(outcome)}\n`);
  return succeeded(status, result) ? EXIT_OK : EXIT_RUN_FAILED;
}

/** What Ctrl-C on a live view says: the run goes on, and how to follow it again. */
export function stoppedFollowing(workflowId: string, phase: string, what: 'watching' | 'following'): string {
  return (
    `Stopped ${what}; ${workflowId} keeps running (phase ${phase}). ` +
    `Follow it with: atlas-backup watch ${workflowId} (stop it with: atlas-backup cancel ${workflowId})`
  );
}
