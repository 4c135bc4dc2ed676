// How a closed run ended, from code: its summary (PipelineResult or DrReport) and why it did not
// complete. A completed run returns its summary; a failed or rejected one attaches it to its failure's
// details; a cancelled one (a cancellation carries no details) leaves it in its memo before it ends.
import { WorkflowFailedError, type WorkflowExecutionDescription, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure, TerminatedFailure } from '@temporalio/common';
import { RESULT_MEMO, type RunResult } from '../contract/index.js';

export interface ClosedOutcome {
  /** The run's summary, whichever way it ended (absent when terminated or timed out). */
  result?: RunResult;
  /** One line saying why the run failed, was cancelled, terminated or timed out. */
  failure?: string;
  /** The failure's type (ApprovalRejected, ApprovalTimedOut, PipelineFailed, ...), or "Cancelled". */
  failureType?: string;
}

function failureLine(err: unknown): string {
  if (err instanceof WorkflowFailedError) {
    const cause = err.cause;
    if (cause instanceof CancelledFailure) return `cancelled${cause.message ? `: ${cause.message}` : ''}`;
    if (cause instanceof TerminatedFailure) return `terminated${cause.message ? `: ${cause.message}` : ''}`;
    return cause?.message ?? err.message;
  }
  return err instanceof Error ? err.message : String(err);
}

/** `description`: pass the one you already have (its memo holds a cancelled run's summary). */
export async function closedRunOutcome(
  handle: WorkflowHandle,
  description?: WorkflowExecutionDescription,
): Promise<ClosedOutcome> {
  try {
    return { result: (await handle.result()) as RunResult };
  } catch (err) {
    if (!(err instanceof WorkflowFailedError)) throw err;
    const cause = err.cause;
    if (cause instanceof ApplicationFailure) {
      const result = cause.details?.[0] as RunResult | undefined;
      return { result, failure: failureLine(err), failureType: cause.type ?? undefined };
    }
    if (cause instanceof CancelledFailure) {
      description ??= await handle.describe();
      const result = description.memo?.[RESULT_MEMO] as RunResult | undefined;
      return { result, failure: failureLine(err), failureType: 'Cancelled' };
    }
    return { failure: failureLine(err), failureType: cause?.name };
  }
}
